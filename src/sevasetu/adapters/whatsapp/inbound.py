"""The webhook's JSON as domain values: every entry, change, message and status.

Anything not understood (a new message type, a field other than "messages") is kept as it
came, typed "unknown" or skipped with a log line; nothing here raises on a strange payload.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import UTC, datetime
from typing import Any

from ...domain.chat_messages import Inbound, StatusUpdate

log = logging.getLogger("sevasetu.whatsapp")
KNOWN_TYPES = frozenset({"text", "interactive", "button", "image", "document", "audio",
                         "video", "sticker", "location", "contacts", "reaction"})  # fmt: skip


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    """``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _when(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(0, UTC)


def _message(m: dict[str, Any], names: dict[str, str]) -> Inbound | None:
    mid, sender = m.get("id"), m.get("from") or m.get("from_user_id")
    if not isinstance(mid, str) or not isinstance(sender, str) or not mid or not sender:
        log.warning("WhatsApp message without id or sender skipped: %.200s", m)
        return None
    if len(mid) > 128 or len(sender) > 64:  # longer than any WhatsApp sends: not storable
        log.warning("WhatsApp message with an oversized id or sender skipped: %.200s", m)
        return None
    kind = str(m.get("type")) if m.get("type") in KNOWN_TYPES else "unknown"
    text = reply = media = mime = filename = ""
    if kind == "text":
        text = str(_dict(m.get("text")).get("body", ""))
    elif kind == "interactive":
        inter = _dict(m.get("interactive"))
        chosen = _dict(inter.get("button_reply") or inter.get("list_reply"))
        reply, text = str(chosen.get("id", "")), str(chosen.get("title", ""))
    elif kind == "button":
        button = _dict(m.get("button"))
        reply, text = str(button.get("payload", "")), str(button.get("text", ""))
    elif kind in ("image", "document", "audio", "video", "sticker"):
        item = _dict(m.get(kind))
        media, mime = str(item.get("id", ""))[:128], str(item.get("mime_type", ""))[:100]
        filename, text = str(item.get("filename", "")), str(item.get("caption", ""))
    if kind == "unknown":
        log.info("WhatsApp message of unknown type %r stored as unknown", m.get("type"))
    return Inbound(message_id=mid, wa_id=sender, type=kind, sent_at=_when(m.get("timestamp")),
                   text=text, reply_id=reply[:200], media_id=media, mime_type=mime,
                   filename=filename[:200], profile_name=names.get(sender, ""), raw=m)  # fmt: skip


def _status(s: dict[str, Any]) -> StatusUpdate | None:
    mid, status = s.get("id"), s.get("status")
    if not isinstance(mid, str) or not isinstance(status, str) or len(mid) > 128:
        log.warning("WhatsApp status without id skipped: %.200s", s)
        return None
    errors = tuple(e for e in _list(s.get("errors")) if isinstance(e, dict))
    return StatusUpdate(message_id=mid, recipient=str(s.get("recipient_id", ""))[:64],
                        status=status[:12],
                        at=_when(s.get("timestamp")), errors=errors)  # fmt: skip


def parse(payload: Any) -> tuple[list[Inbound], list[StatusUpdate]]:
    messages: list[Inbound] = []
    statuses: list[StatusUpdate] = []
    if not isinstance(payload, dict):
        log.warning("WhatsApp webhook body is not an object")
        return messages, statuses
    for entry in _list(payload.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            if _dict(change).get("field") != "messages":
                log.info("WhatsApp webhook field %r ignored", _dict(change).get("field"))
                continue
            value = _dict(change.get("value"))
            contacts = [_dict(c) for c in _list(value.get("contacts"))]
            names = {str(c.get("wa_id", "")): str(_dict(c.get("profile")).get("name") or "")
                     for c in contacts}  # fmt: skip
            for m in _list(value.get("messages")):
                if isinstance(m, dict) and (parsed := _message(m, names)) is not None:
                    messages.append(parsed)
            for st in _list(value.get("statuses")):
                if isinstance(st, dict) and (update := _status(st)) is not None:
                    statuses.append(update)
    return messages, statuses
