"""The one notifier: a text to a phone over the channel asked for.

SMS goes through the SMS sender the deployment configured (the console in development);
WhatsApp through the console until the Cloud API client is configured.
"""

from __future__ import annotations

import logging

from ..services.ports import SmsSender

log = logging.getLogger("sevasetu.notify")


class UnknownChannel(Exception):
    permanent = True


class ConsoleWhatsApp:
    def send(self, phone: str, text: str) -> None:
        log.warning("WhatsApp to %s: %s", phone, text)
        print(f"[whatsapp] to {phone}: {text}", flush=True)


class ChannelNotifier:
    def __init__(self, channels: dict[str, SmsSender]) -> None:
        self.channels = channels

    def send(self, channel: str, recipient: str, text: str) -> None:
        sender = self.channels.get(channel)
        if sender is None:
            raise UnknownChannel(f"no sender for the channel {channel!r}")
        sender.send(recipient, text)
