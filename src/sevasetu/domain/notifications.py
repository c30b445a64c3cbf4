"""Messages to citizens (booking confirmations, reminders, session changes), kept as an outbox.

A notification is written in the same transaction as the change it announces, so a crash
loses neither; a worker sends it later. Each has a dedupe key (one reminder per booking, one
due-vaccine reminder per child and dose): the database refuses a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=5)  # a claim older than this was a crashed worker's


class NotificationStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS, or the gateway refused for good


class Kind(StrEnum):
    BOOKING_CONFIRMED = "booking_confirmed"
    BOOKING_REMINDER = "booking_reminder"
    SESSION_CANCELLED = "session_cancelled"
    DOSE_DUE = "dose_due"
    SESSION_MOVED = "session_moved"
    PROOF_APPROVED = "proof_approved"
    PROOF_REJECTED = "proof_rejected"


# The words, per language; {placeholders} are filled from the notification's params.
MESSAGES: dict[Kind, dict[str, str]] = {
    Kind.SESSION_MOVED: {
        "en": "sevasetu: the session at {place} has moved to {day} at {time} ({reason}). "
              "{name}'s booking for {dose} moves with it; cancel it if the new day does not "
              "suit. Booking {ref}.",
        "bn": "সেবাসেতু: {place}-এর টিকাকরণ সেশন সরে গেছে {day}, {time}-এ ({reason})। "
              "{name}-এর {dose} বুকিংও সেই দিনে গেছে; নতুন দিন না চললে বুকিং বাতিল করুন। "
              "বুকিং {ref}।",
        "hi": "सेवासेतु: {place} का टीकाकरण सत्र {day} को {time} बजे पर चला गया है ({reason})। "
              "{name} की {dose} बुकिंग भी उसी दिन गई है; नया दिन ठीक न हो तो बुकिंग रद्द करें। "
              "बुकिंग {ref}।",
    },
    Kind.DOSE_DUE: {
        "en": "sevasetu: {name}'s vaccine {doses} is due from today. Please bring {name} to the "
              "next session near you; your ASHA can tell you when.",
        "bn": "সেবাসেতু: আজ থেকে {name}-এর {doses} টিকা প্রাপ্য। কাছের পরবর্তী টিকাকরণ সেশনে "
              "{name}-কে নিয়ে আসুন; কবে, তা আপনার আশাকর্মী জানাবেন।",
        "hi": "सेवासेतु: आज से {name} का {doses} टीका देय है। कृपया {name} को पास के अगले "
              "टीकाकरण सत्र में लाएँ; कब, यह आपकी आशा बताएँगी।",
    },
    Kind.BOOKING_CONFIRMED: {
        "en": "sevasetu: {name} is booked for {dose} at {place} on {day} at {time}. "
              "Booking {ref}.",
        "bn": "সেবাসেতু: {name}-এর {dose} টিকার বুকিং হয়েছে: {place}, {day}, {time}। "
              "বুকিং {ref}।",
        "hi": "सेवासेतु: {name} की {dose} टीके की बुकिंग हो गई है: {place}, {day}, {time}। "
              "बुकिंग {ref}।",
    },
    Kind.BOOKING_REMINDER: {
        "en": "sevasetu: reminder: {name} has {dose} tomorrow, {day}, at {place} at {time}.",
        "bn": "সেবাসেতু: মনে করিয়ে দিচ্ছি: আগামীকাল {day}, {time}-এ {place}-এ {name}-এর {dose} "
              "টিকা।",
        "hi": "सेवासेतु: याद दिला रहे हैं: कल {day} को {time} बजे {place} में {name} का {dose} "
              "टीका है।",
    },
    Kind.SESSION_CANCELLED: {
        "en": "sevasetu: the session at {place} on {day} is cancelled ({reason}). "
              "{name}'s booking for {dose} is cancelled; please book another slot.",
        "bn": "সেবাসেতু: {day}-এর {place}-এর টিকাকরণ সেশন বাতিল হয়েছে ({reason})। {name}-এর "
              "{dose} বুকিং বাতিল; অনুগ্রহ করে অন্য স্লট বুক করুন।",
        "hi": "सेवासेतु: {day} का {place} का टीकाकरण सत्र रद्द हो गया है ({reason})। {name} की "
              "{dose} बुकिंग रद्द है; कृपया दूसरा स्लॉट बुक करें।",
    },
    Kind.PROOF_APPROVED: {
        "en": "sevasetu: the proof of {claimed} for {name} was accepted. {name} is booked for "
              "{dose} at {place} on {day} at {time}. Booking {ref}.",
        "bn": "সেবাসেতু: {name}-এর {claimed} টিকার প্রমাণ গৃহীত হয়েছে। {dose} টিকার বুকিং "
              "নিশ্চিত: {place}, {day}, {time}। বুকিং {ref}।",
        "hi": "सेवासेतु: {name} के {claimed} टीके का प्रमाण स्वीकार हो गया है। {dose} टीके की "
              "बुकिंग पक्की है: {place}, {day}, {time}। बुकिंग {ref}।",
    },
    Kind.PROOF_REJECTED: {
        "en": "sevasetu: the proof of {claimed} for {name} was not accepted ({reason}). The "
              "booking for {dose} on {day} is cancelled; bring the vaccination card to the "
              "centre or book again.",
        "bn": "সেবাসেতু: {name}-এর {claimed} টিকার প্রমাণ গৃহীত হয়নি ({reason})। {day}-এর "
              "{dose} বুকিং বাতিল; টিকার কার্ড নিয়ে কেন্দ্রে আসুন বা আবার বুক করুন।",
        "hi": "सेवासेतु: {name} के {claimed} टीके का प्रमाण स्वीकार नहीं हुआ ({reason})। {day} "
              "की {dose} बुकिंग रद्द है; टीकाकरण कार्ड लेकर केंद्र आएँ या फिर से बुक करें।",
    },
}  # fmt: skip


@dataclass(slots=True)
class Notification:
    id: str
    state_code: str
    kind: Kind
    channel: str  # "sms" | "whatsapp"
    recipient: str  # an E.164 phone number
    language: str
    params: dict[str, Any]
    dedupe_key: str
    created_at: datetime
    person_id: str | None = None
    status: NotificationStatus = NotificationStatus.QUEUED
    attempts: int = 0
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str = ""

    def text(self) -> str:
        words = MESSAGES[self.kind]
        return words.get(self.language, words["en"]).format(**self.params)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 1, 2, 4 ... minutes, at most an
    hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))
