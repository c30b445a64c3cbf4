"""What the WhatsApp bot says, in English, Bengali and Hindi.

Kept as data beside the flow, like the notification texts (``domain.notifications``): every
key has all three languages with the same {placeholders} (``tests/unit/test_chat_texts.py``).
Button titles stay within 20 characters and row titles within 24 (the Cloud API's limits).
"""

from __future__ import annotations

LANGUAGES = ("en", "bn", "hi")

TEXTS: dict[str, dict[str, str]] = {
    "menu": {
        "en": "What would you like to do? Choose from the list, or send its number.",
        "bn": "আপনি কী করতে চান? তালিকা থেকে বেছে নিন, বা তার নম্বর পাঠান।",
        "hi": "आप क्या करना चाहते हैं? सूची से चुनें, या उसका नंबर भेजें।",
    },
    "menu.button": {"en": "Menu", "bn": "মেনু", "hi": "मेनू"},
    "menu.register": {"en": "Register a person", "bn": "নিবন্ধন করুন", "hi": "पंजीकरण करें"},
    "menu.book": {"en": "Book a vaccination", "bn": "টিকা বুক করুন", "hi": "टीका बुक करें"},
    "menu.bookings": {"en": "My bookings / cancel", "bn": "আমার বুকিং / বাতিল",
                      "hi": "मेरी बुकिंग / रद्द"},
    "menu.due": {"en": "Vaccines due", "bn": "বাকি টিকা", "hi": "बाकी टीके"},
    "menu.certificate": {"en": "My certificate", "bn": "আমার সার্টিফিকেট",
                         "hi": "मेरा प्रमाणपत्र"},
    "menu.help": {"en": "Help", "bn": "সাহায্য", "hi": "मदद"},
    "welcome_back": {
        "en": "Welcome back to sevasetu.",
        "bn": "সেবাসেতুতে আবার স্বাগত।",
        "hi": "सेवासेतु में फिर से स्वागत है।",
    },
    "resume": {
        "en": "Let us continue where we stopped. Send MENU to start again.",
        "bn": "যেখানে থেমেছিলাম সেখান থেকে চলুন। আবার শুরু করতে \"মেনু\" পাঠান।",
        "hi": "जहाँ रुके थे वहीं से आगे चलें। फिर से शुरू करने के लिए \"मेनू\" भेजें।",
    },
    "expired": {
        "en": "We had not heard from you for a while, so we started again.",
        "bn": "অনেকক্ষণ আপনার উত্তর পাইনি, তাই আবার শুরু করছি।",
        "hi": "काफ़ी देर से आपका जवाब नहीं आया, इसलिए फिर से शुरू कर रहे हैं।",
    },
    "help": {
        "en": "sevasetu on WhatsApp: register yourself and your family, book a vaccination, "
              "send proof of an earlier dose, see vaccines due and get certificates.\n"
              "MENU: the list of what you can do. LANGUAGE: change the language. "
              "STOP: no more messages. START: messages again.",
        "bn": "হোয়াটসঅ্যাপে সেবাসেতু: নিজের ও পরিবারের নিবন্ধন, টিকা বুকিং, আগের ডোজের প্রমাণ "
              "পাঠানো, বাকি টিকা দেখা ও সার্টিফিকেট পাওয়া।\n"
              "মেনু: কী করা যায় তার তালিকা। ভাষা: ভাষা বদলান। বন্ধ: আর বার্তা নয়। "
              "চালু: আবার বার্তা।",
        "hi": "व्हाट्सऐप पर सेवासेतु: अपना और परिवार का पंजीकरण, टीका बुकिंग, पिछली खुराक का "
              "प्रमाण भेजना, बाकी टीके देखना और प्रमाणपत्र पाना।\n"
              "मेनू: क्या कर सकते हैं उसकी सूची। भाषा: भाषा बदलें। बंद: आगे संदेश नहीं। "
              "शुरू: फिर से संदेश।",
    },
    "stopped": {
        "en": "You will get no more messages from sevasetu, reminders included. "
              "Send START to hear from us again.",
        "bn": "সেবাসেতু থেকে আর কোনো বার্তা পাবেন না, রিমাইন্ডারও নয়। আবার পেতে \"চালু\" পাঠান।",
        "hi": "सेवासेतु से अब कोई संदेश नहीं आएगा, रिमाइंडर भी नहीं। फिर से पाने के लिए \"शुरू\" "
              "भेजें।",
    },
    "started": {
        "en": "Welcome back: sevasetu will message you again.",
        "bn": "স্বাগত: সেবাসেতু আবার আপনাকে বার্তা পাঠাবে।",
        "hi": "स्वागत है: सेवासेतु आपको फिर से संदेश भेजेगा।",
    },
    "hint.choice": {
        "en": "Please choose one of the options above, or send its number. MENU starts again.",
        "bn": "ওপরের বিকল্পগুলির একটি বেছে নিন, বা তার নম্বর পাঠান। \"মেনু\" লিখলে আবার শুরু।",
        "hi": "ऊपर दिए विकल्पों में से एक चुनें, या उसका नंबर भेजें। \"मेनू\" से फिर शुरू।",
    },
    "hint.text": {
        "en": "Please answer in a text message. MENU starts again.",
        "bn": "লিখে উত্তর দিন। \"মেনু\" লিখলে আবার শুরু।",
        "hi": "कृपया लिखकर जवाब दें। \"मेनू\" से फिर शुरू।",
    },
    "hint.file": {
        "en": "Please send a photo or a PDF of the vaccination card. MENU starts again.",
        "bn": "টিকার কার্ডের ছবি বা PDF পাঠান। \"মেনু\" লিখলে আবার শুরু।",
        "hi": "टीकाकरण कार्ड की फ़ोटो या PDF भेजें। \"मेनू\" से फिर शुरू।",
    },
    "reg.who": {
        "en": "Whom do you want to register?",
        "bn": "কার নিবন্ধন করতে চান?",
        "hi": "किसका पंजीकरण करना चाहते हैं?",
    },
    "reg.self": {"en": "Myself", "bn": "নিজের", "hi": "स्वयं"},
    "reg.family": {"en": "A family member", "bn": "পরিবারের সদস্য", "hi": "परिवार का सदस्य"},
    "reg.name": {
        "en": "Write the person's full name.",
        "bn": "ব্যক্তির পুরো নাম লিখুন।",
        "hi": "व्यक्ति का पूरा नाम लिखें।",
    },
    "reg.birth": {
        "en": "Write the age in years (e.g. 62) or the date of birth (e.g. 14-08-1962).",
        "bn": "বয়স বছরে (যেমন ৬২) বা জন্মতারিখ (যেমন ১৪-০৮-১৯৬২) লিখুন।",
        "hi": "उम्र वर्षों में (जैसे 62) या जन्मतिथि (जैसे 14-08-1962) लिखें।",
    },
    "reg.sex": {"en": "Sex?", "bn": "লিঙ্গ?", "hi": "लिंग?"},
    "sex.female": {"en": "Female", "bn": "মহিলা", "hi": "महिला"},
    "sex.male": {"en": "Male", "bn": "পুরুষ", "hi": "पुरुष"},
    "sex.other": {"en": "Other", "bn": "অন্যান্য", "hi": "अन्य"},
    "reg.area": {
        "en": "Where does the person live? Write the pincode or the village / ward name.",
        "bn": "ব্যক্তি কোথায় থাকেন? পিনকোড বা গ্রাম / ওয়ার্ডের নাম লিখুন।",
        "hi": "व्यक्ति कहाँ रहते हैं? पिनकोड या गाँव / वार्ड का नाम लिखें।",
    },
    "area.pick": {
        "en": "Which of these places?",
        "bn": "এর মধ্যে কোন জায়গা?",
        "hi": "इनमें से कौन-सी जगह?",
    },
    "area.none": {
        "en": "No place of that name or pincode was found. Try the pincode, or another "
              "spelling.",
        "bn": "ওই নাম বা পিনকোডের কোনো জায়গা পাওয়া যায়নি। পিনকোড বা অন্য বানানে চেষ্টা করুন।",
        "hi": "उस नाम या पिनकोड की कोई जगह नहीं मिली। पिनकोड या दूसरी वर्तनी आज़माएँ।",
    },
    "list.button": {"en": "Choose", "bn": "বেছে নিন", "hi": "चुनें"},
    "list.more": {"en": "More ...", "bn": "আরও ...", "hi": "और ..."},
    "reg.id": {
        "en": "Optional: the person's 12-digit Aadhaar number (only its last 4 digits are ever "
              "shown). Or press Skip.",
        "bn": "ঐচ্ছিক: ব্যক্তির ১২ অঙ্কের আধার নম্বর (শুধু শেষ ৪ অঙ্ক দেখানো হয়)। "
              "না দিলে \"বাদ\" চাপুন।",
        "hi": "वैकल्पिक: व्यक्ति का 12 अंकों का आधार नंबर (केवल अंतिम 4 अंक दिखते हैं)। "
              "न देना हो तो \"छोड़ें\" दबाएँ।",
    },
    "skip": {"en": "Skip", "bn": "বাদ", "hi": "छोड़ें"},
    "reg.done": {
        "en": "{name} is registered (ID ending {ref}).",
        "bn": "{name}-এর নিবন্ধন হয়েছে (আইডির শেষে {ref})।",
        "hi": "{name} का पंजीकरण हो गया (आईडी के अंत में {ref})।",
    },
    "reg.again": {
        "en": "{name} was already registered on this number.",
        "bn": "{name} এই নম্বরে আগেই নিবন্ধিত।",
        "hi": "{name} इस नंबर पर पहले से पंजीकृत हैं।",
    },
    "refused": {
        "en": "That did not work: {reason}",
        "bn": "হলো না: {reason}",
        "hi": "नहीं हो सका: {reason}",
    },
    "nobody": {
        "en": "Nobody is registered on this WhatsApp number yet. Choose \"Register a person\" "
              "first.",
        "bn": "এই হোয়াটসঅ্যাপ নম্বরে এখনও কেউ নিবন্ধিত নন। আগে \"নিবন্ধন করুন\" বেছে নিন।",
        "hi": "इस व्हाट्सऐप नंबर पर अभी कोई पंजीकृत नहीं है। पहले \"पंजीकरण करें\" चुनें।",
    },
    "book.person": {
        "en": "Whom is the vaccination for?",
        "bn": "টিকা কার জন্য?",
        "hi": "टीका किसके लिए है?",
    },
    "book.area": {
        "en": "Where would you like to be vaccinated? Write a pincode or a village / ward name, "
              "or press Near home.",
        "bn": "কোথায় টিকা নিতে চান? পিনকোড বা গ্রাম / ওয়ার্ডের নাম লিখুন, বা \"বাড়ির কাছে\" চাপুন।",
        "hi": "कहाँ टीका लगवाना चाहते हैं? पिनकोड या गाँव / वार्ड का नाम लिखें, या \"घर के पास\" "
              "दबाएँ।",
    },
    "book.home": {"en": "Near home", "bn": "বাড়ির কাছে", "hi": "घर के पास"},
    "book.centre": {
        "en": "Centres with free places in the next {days} days:",
        "bn": "আগামী {days} দিনে খালি জায়গা আছে এমন কেন্দ্র:",
        "hi": "अगले {days} दिनों में खाली जगह वाले केंद्र:",
    },
    "book.no_centre": {
        "en": "No centre near there has free places in the next {days} days. Try another "
              "place.",
        "bn": "আগামী {days} দিনে সেখানকার কাছে কোনো কেন্দ্রে জায়গা নেই। অন্য জায়গা চেষ্টা করুন।",
        "hi": "अगले {days} दिनों में वहाँ पास किसी केंद्र में जगह नहीं है। दूसरी जगह आज़माएँ।",
    },
    "book.day": {
        "en": "Which day at {place}?",
        "bn": "{place}-এ কোন দিন?",
        "hi": "{place} पर कौन-सा दिन?",
    },
    "book.slot": {
        "en": "Which time on {day}?",
        "bn": "{day}-এ কোন সময়?",
        "hi": "{day} को कौन-सा समय?",
    },
    "book.free": {"en": "{n} places free", "bn": "{n}টি জায়গা খালি", "hi": "{n} जगह खाली"},
    "book.gone": {
        "en": "That choice is no longer available. Please choose again.",
        "bn": "ওই বিকল্পটি আর নেই। আবার বেছে নিন।",
        "hi": "वह विकल्प अब उपलब्ध नहीं है। फिर से चुनें।",
    },
    "book.done": {
        "en": "Booked: {name}, {dose}, {place}, {day} at {time}. Booking {ref}.",
        "bn": "বুকিং হয়েছে: {name}, {dose}, {place}, {day}, {time}। বুকিং {ref}।",
        "hi": "बुकिंग हो गई: {name}, {dose}, {place}, {day}, {time}। बुकिंग {ref}।",
    },
    "book.proof_date": {
        "en": "{dose} needs {claimed}, which is not on record for {name}. On what date was "
              "{claimed} given? (e.g. 15-08-2026)",
        "bn": "{dose}-এর আগে {claimed} দরকার, যা {name}-এর রেকর্ডে নেই। {claimed} কোন তারিখে "
              "দেওয়া হয়েছিল? (যেমন ১৫-০৮-২০২৬)",
        "hi": "{dose} से पहले {claimed} चाहिए, जो {name} के रिकॉर्ड में नहीं है। {claimed} किस "
              "तारीख को लगा था? (जैसे 15-08-2026)",
    },
    "book.proof_card": {
        "en": "Now send a photo or a PDF of the vaccination card showing {claimed}.",
        "bn": "এবার {claimed} দেখানো টিকার কার্ডের ছবি বা PDF পাঠান।",
        "hi": "अब {claimed} दिखाने वाले टीकाकरण कार्ड की फ़ोटो या PDF भेजें।",
    },
    "book.proof_missing": {
        "en": "We could not receive that file. Please send it again (a photo or a PDF up to "
              "5 MB).",
        "bn": "ফাইলটি পাওয়া যায়নি। আবার পাঠান (ছবি বা ৫ MB পর্যন্ত PDF)।",
        "hi": "फ़ाइल नहीं मिली। फिर से भेजें (फ़ोटो या 5 MB तक की PDF)।",
    },
    "book.proof_sent": {
        "en": "Thank you. A place is held for {name} at {place} on {day} at {time}; we will "
              "confirm after verification of the card.",
        "bn": "ধন্যবাদ। {name}-এর জন্য {place}, {day}, {time}-এ জায়গা রাখা হয়েছে; কার্ড যাচাইয়ের "
              "পরে আমরা নিশ্চিত করব।",
        "hi": "धन्यवाद। {name} के लिए {place}, {day}, {time} पर जगह रखी गई है; कार्ड की जाँच के "
              "बाद हम पुष्टि करेंगे।",
    },
    "bookings.none": {
        "en": "There are no active bookings.",
        "bn": "কোনো চালু বুকিং নেই।",
        "hi": "कोई सक्रिय बुकिंग नहीं है।",
    },
    "bookings.list": {
        "en": "Your bookings. Choose one to cancel it, or send MENU.",
        "bn": "আপনার বুকিং। বাতিল করতে একটি বেছে নিন, বা \"মেনু\" পাঠান।",
        "hi": "आपकी बुकिंग। रद्द करने के लिए एक चुनें, या \"मेनू\" भेजें।",
    },
    "bookings.waiting": {"en": "waiting for check", "bn": "যাচাই বাকি", "hi": "जाँच बाकी"},
    "cancel.ask": {
        "en": "Cancel the booking of {name}: {dose}, {place}, {day} at {time}?",
        "bn": "{name}-এর বুকিং বাতিল করবেন: {dose}, {place}, {day}, {time}?",
        "hi": "{name} की बुकिंग रद्द करें: {dose}, {place}, {day}, {time}?",
    },
    "yes.cancel": {"en": "Yes, cancel", "bn": "হ্যাঁ, বাতিল", "hi": "हाँ, रद्द करें"},
    "no.keep": {"en": "No, keep it", "bn": "না, রাখুন", "hi": "नहीं, रखें"},
    "cancel.done": {
        "en": "The booking {ref} is cancelled.",
        "bn": "বুকিং {ref} বাতিল হয়েছে।",
        "hi": "बुकिंग {ref} रद्द हो गई।",
    },
    "cancel.kept": {
        "en": "The booking is kept.",
        "bn": "বুকিং রাখা হলো।",
        "hi": "बुकिंग रखी गई।",
    },
    "due.none": {
        "en": "No vaccine is due for anyone registered on this number.",
        "bn": "এই নম্বরে নিবন্ধিত কারও কোনো টিকা বাকি নেই।",
        "hi": "इस नंबर पर पंजीकृत किसी का कोई टीका बाकी नहीं है।",
    },
    "due.head": {"en": "Vaccines due:", "bn": "বাকি টিকা:", "hi": "बाकी टीके:"},
    "due.line": {
        "en": "{name}: {dose} ({status}, from {day})",
        "bn": "{name}: {dose} ({status}, {day} থেকে)",
        "hi": "{name}: {dose} ({status}, {day} से)",
    },
    "status.overdue": {"en": "overdue", "bn": "সময় পেরিয়েছে", "hi": "समय निकल गया"},
    "status.due": {"en": "due", "bn": "বাকি", "hi": "बाकी"},
    "cert.person": {
        "en": "Whose certificate?",
        "bn": "কার সার্টিফিকেট?",
        "hi": "किसका प्रमाणपत्र?",
    },
    "cert.none": {
        "en": "{name} has no vaccination on record yet, so there is no certificate.",
        "bn": "{name}-এর এখনও কোনো টিকা রেকর্ডে নেই, তাই সার্টিফিকেট নেই।",
        "hi": "{name} का अभी कोई टीका रिकॉर्ड में नहीं है, इसलिए प्रमाणपत्र नहीं है।",
    },
    "cert.caption": {
        "en": "Vaccination certificate of {name}. Check it at {link}",
        "bn": "{name}-এর টিকার সার্টিফিকেট। যাচাই করুন: {link}",
        "hi": "{name} का टीकाकरण प्रमाणपत्र। जाँचें: {link}",
    },
}  # fmt: skip


def say(key: str, language: str | None, **params: object) -> str:
    """The text in the language (English when unknown), its placeholders filled."""
    words = TEXTS[key]
    return words.get(language or "en", words["en"]).format(**params)
