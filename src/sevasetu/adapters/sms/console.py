"""The development SMS sender: writes each message to the log instead of a gateway."""

from __future__ import annotations

import logging

log = logging.getLogger("sevasetu.sms")


class ConsoleSms:
    def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s: %s", phone, text)
        print(f"[sms] to {phone}: {text}", flush=True)
