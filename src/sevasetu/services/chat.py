"""What the WhatsApp bot answers: the conversation flows.

For now one flow: a new conversation gets the consent notice and a language choice; a
language button sets the conversation's language; anything else gets the menu of what the bot
will do, in that language. ``handle`` is pure (the conversation and message in, replies out):
the registration, booking, proof and certificate flows are added here next, keyed on the
conversation's state.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.chat_messages import Button, Buttons, Conversation, Inbound, OutboundMessage, Text

LANGUAGE_PREFIX = "lang:"
LANGUAGES = {"en": "English", "bn": "বাংলা", "hi": "हिन्दी"}
# Words that ask for the language choice again, in any script.
LANGUAGE_WORDS = frozenset({"language", "lang", "ভাষা", "भाषा", "bhasha", "bhasa"})

CONSENT = (
    "sevasetu (health department) keeps your messages, your WhatsApp number and the documents "
    "you send, to register you and your family and to book vaccinations. Health staff may "
    "read them.\n"
    "সেবাসেতু (স্বাস্থ্য দপ্তর) নিবন্ধন ও টিকার বুকিংয়ের জন্য আপনার বার্তা, হোয়াটসঅ্যাপ নম্বর ও "
    "পাঠানো নথি রাখে; স্বাস্থ্যকর্মীরা সেগুলি দেখতে পারেন।\n"
    "सेवासेतु (स्वास्थ्य विभाग) पंजीकरण और टीके की बुकिंग के लिए आपके संदेश, व्हाट्सऐप नंबर और "
    "भेजे गए दस्तावेज़ रखता है; स्वास्थ्यकर्मी उन्हें देख सकते हैं।\n\n"
    "Choose your language / ভাষা বেছে নিন / भाषा चुनें"
)

MENU = {
    "en": "sevasetu on WhatsApp will help you:\n"
          "1. register yourself and your family\n"
          "2. book a vaccination slot at a centre near you\n"
          "3. send proof of an earlier dose\n"
          "4. get your vaccination certificate\n"
          "These services are starting soon. Send LANGUAGE to change the language.",
    "bn": "হোয়াটসঅ্যাপে সেবাসেতু আপনাকে সাহায্য করবে:\n"
          "১. নিজের ও পরিবারের নিবন্ধন\n"
          "২. কাছের কেন্দ্রে টিকার স্লট বুক করা\n"
          "৩. আগের ডোজের প্রমাণ পাঠানো\n"
          "৪. টিকার সার্টিফিকেট পাওয়া\n"
          "এই পরিষেবাগুলি শীঘ্রই শুরু হবে। ভাষা বদলাতে \"ভাষা\" লিখে পাঠান।",
    "hi": "व्हाट्सऐप पर सेवासेतु आपकी मदद करेगा:\n"
          "1. अपना और परिवार का पंजीकरण\n"
          "2. पास के केंद्र पर टीके का स्लॉट बुक करना\n"
          "3. पिछली खुराक का प्रमाण भेजना\n"
          "4. टीकाकरण प्रमाणपत्र पाना\n"
          "ये सेवाएँ जल्द शुरू होंगी। भाषा बदलने के लिए \"भाषा\" लिखकर भेजें।",
}  # fmt: skip

LANGUAGE_SET = {
    "en": "Thank you. sevasetu will write to you in English.",
    "bn": "ধন্যবাদ। সেবাসেতু আপনাকে বাংলায় লিখবে।",
    "hi": "धन्यवाद। सेवासेतु आपको हिन्दी में लिखेगा।",
}


def language_choice(body: str = CONSENT) -> Buttons:
    return Buttons(body=body, buttons=tuple(
        Button(id=f"{LANGUAGE_PREFIX}{code}", title=title) for code, title in LANGUAGES.items()
    ))  # fmt: skip


def handle(conversation: Conversation, message: Inbound, now: datetime) -> list[OutboundMessage]:
    """The replies to one message; changes the conversation (its language, consent)."""
    chosen = message.reply_id.removeprefix(LANGUAGE_PREFIX)
    if message.reply_id.startswith(LANGUAGE_PREFIX) and chosen in LANGUAGES:
        conversation.language = chosen
        if conversation.consent_shown_at is None:
            conversation.consent_shown_at = now
        # One message, not two: WhatsApp wants about 6 s between messages to one user.
        return [Text(f"{LANGUAGE_SET[chosen]}\n\n{MENU[chosen]}")]
    if conversation.consent_shown_at is None:
        conversation.consent_shown_at = now
        return [language_choice()]
    if message.text.strip().lower() in LANGUAGE_WORDS:
        return [language_choice("Choose your language / ভাষা বেছে নিন / भाषा चुनें")]
    return [Text(MENU.get(conversation.language or "en", MENU["en"]))]
