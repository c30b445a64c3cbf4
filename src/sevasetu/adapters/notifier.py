"""The one notifier: a text to a phone over the channel asked for.

SMS goes through the SMS sender the deployment configured (the console in development);
WhatsApp through the console until the Cloud API client is configured, then through
``services.whatsapp.WhatsAppNotifier`` (templates outside the 24-hour window).
"""

from __future__ import annotations

import logging
from typing import Any

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

    def deliver(self, notification: Any) -> None:
        """Send an outbox notification: a channel that can use its kind and parameters (a
        WhatsApp template) gets the whole notification, the others its text."""
        sender = self.channels.get(notification.channel)
        if sender is None:
            raise UnknownChannel(f"no sender for the channel {notification.channel!r}")
        send_notification = getattr(sender, "send_notification", None)
        if send_notification is not None:
            send_notification(notification)
        else:
            sender.send(notification.recipient, notification.text())
