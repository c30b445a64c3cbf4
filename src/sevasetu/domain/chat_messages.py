"""WhatsApp messages as values, with the Cloud API's limits, the 24-hour window and the order
of delivery statuses. Pure: the adapters turn these into JSON and back.

Limits (Cloud API): text 4,096 characters; interactive body and captions 1,024; at most 3
reply buttons with titles of 20; a list has a button label of 20 and at most 10 rows in all,
row titles of 24, descriptions of 72.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .errors import InvalidChatMessage, OutsideWindow
from .notifications import MESSAGES, Kind

TEXT_MAX = 4096
BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
LIST_ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
LIST_BUTTON_MAX = 20
ID_MAX = 200
WINDOW = timedelta(hours=24)
MORE = "more"  # the row id prefix that asks for the next page of a long list


def _check(value: str, limit: int, what: str, *, empty: bool = False) -> None:
    if not empty and not value.strip():
        raise InvalidChatMessage(reason=f"{what} is empty")
    if len(value) > limit:
        raise InvalidChatMessage(
            reason=f"{what} has {len(value)} characters, more than the {limit} allowed"
        )


@dataclass(frozen=True, slots=True)
class Text:
    body: str

    def __post_init__(self) -> None:
        _check(self.body, TEXT_MAX, "the text")


@dataclass(frozen=True, slots=True)
class Button:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Buttons:
    body: str
    buttons: tuple[Button, ...]

    def __post_init__(self) -> None:
        _check(self.body, BODY_MAX, "the message body")
        if not 1 <= len(self.buttons) <= BUTTONS_MAX:
            raise InvalidChatMessage(
                reason=f"{len(self.buttons)} reply buttons; 1 to {BUTTONS_MAX} are allowed"
            )
        for b in self.buttons:
            _check(b.title, BUTTON_TITLE_MAX, f"the button title {b.title!r}")
            _check(b.id, ID_MAX, "a button id")
        if len({b.id for b in self.buttons}) != len(self.buttons):
            raise InvalidChatMessage(reason="two reply buttons share an id")


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    title: str
    description: str = ""

    def __post_init__(self) -> None:
        _check(self.title, ROW_TITLE_MAX, f"the row title {self.title!r}")
        _check(self.description, ROW_DESCRIPTION_MAX, "a row description", empty=True)
        _check(self.id, ID_MAX, "a row id")


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class ListMessage:
    body: str
    button: str
    sections: tuple[Section, ...]

    def __post_init__(self) -> None:
        _check(self.body, BODY_MAX, "the message body")
        _check(self.button, LIST_BUTTON_MAX, "the list button label")
        rows = [r for s in self.sections for r in s.rows]
        if not 1 <= len(rows) <= LIST_ROWS_MAX:
            raise InvalidChatMessage(
                reason=f"{len(rows)} list rows; 1 to {LIST_ROWS_MAX} are allowed in all"
            )
        if len({r.id for r in rows}) != len(rows):
            raise InvalidChatMessage(reason="two list rows share an id")
        for s in self.sections:
            _check(s.title, ROW_TITLE_MAX, "a section title", empty=len(self.sections) == 1)


@dataclass(frozen=True, slots=True)
class Document:
    """A file: by a media id we uploaded, or by a public link."""

    filename: str
    media_id: str = ""
    link: str = ""
    caption: str = ""

    def __post_init__(self) -> None:
        if bool(self.media_id) == bool(self.link):
            raise InvalidChatMessage(reason="a document needs either a media id or a link")
        _check(self.caption, BODY_MAX, "the caption", empty=True)


@dataclass(frozen=True, slots=True)
class Template:
    """An approved template; ``params`` fill its body's {{1}}, {{2}} ... in order."""

    name: str
    language: str
    params: tuple[str, ...] = ()


OutboundMessage = Text | Buttons | ListMessage | Document | Template


def page_rows(choices: list[Row], page: int, *, more_title: str = "More ...") -> list[Row]:
    """The rows of one page of a long choice (90 centres): 9 choices and a "more" row whose
    id asks for the next page, or up to 10 choices on the last page."""
    if page < 0:
        raise InvalidChatMessage(reason="a page number cannot be negative")
    per_page = LIST_ROWS_MAX - 1
    start = page * per_page
    rest = choices[start:]
    if len(rest) <= LIST_ROWS_MAX:
        return list(rest)
    return [*rest[:per_page], Row(id=f"{MORE}:{page + 1}", title=more_title)]


def window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now < last_inbound_at + WINDOW


def require_window(message: OutboundMessage, last_inbound_at: datetime | None,
                   now: datetime) -> None:  # fmt: skip
    if isinstance(message, Template) or window_open(last_inbound_at, now):
        return
    raise OutsideWindow(
        reason="the user's last message is more than 24 hours old (or there is none): "
        "only a template may be sent"
    )


# --- delivery statuses ----------------------------------------------------------------------

STATUS_RANK = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 4, "failed": 5}


def later_status(current: str | None, incoming: str) -> bool:
    """Whether ``incoming`` replaces ``current``: a status never goes backwards (read beats
    delivered beats sent); failed is kept once known."""
    if current is None:
        return True
    return STATUS_RANK.get(incoming, -1) > STATUS_RANK.get(current, -1)


# --- inbound, as parsed from the webhook ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inbound:
    message_id: str
    wa_id: str
    type: str  # text, interactive, button, image, document, ... or whatever Meta adds
    sent_at: datetime
    text: str = ""  # the text, or the title of the button or row chosen
    reply_id: str = ""  # the id of the button or row chosen, or a quick reply's payload
    media_id: str = ""
    mime_type: str = ""
    filename: str = ""
    profile_name: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    message_id: str
    recipient: str
    status: str
    at: datetime
    errors: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True)
class Conversation:
    """A user's conversation; ``step`` and ``answers`` are where its flow stands
    (``domain.chat_flow``), ``active_at`` when the flow last heard from them."""

    wa_id: str
    language: str | None = None
    profile_name: str = ""
    consent_shown_at: datetime | None = None
    last_inbound_at: datetime | None = None
    step: str = "start"
    answers: dict[str, Any] = field(default_factory=dict)
    active_at: datetime | None = None
    opted_out_at: datetime | None = None


@dataclass(slots=True)
class StoredInbound:
    id: str
    message: Inbound
    status: str  # pending | processed | failed
    attempts: int
    received_at: datetime
    processed_at: datetime | None = None
    error: str = ""


@dataclass(slots=True)
class Outbound:
    """A message we send: queued by a reply or a notification, then sent by the worker."""

    id: str
    wa_id: str
    kind: str
    body: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime
    status: str = "queued"  # queued | sending | sent | failed
    attempts: int = 0
    notification_id: str | None = None
    wa_message_id: str | None = None
    sent_at: datetime | None = None
    error: str = ""
    delivery: str | None = None  # the latest status WhatsApp reported: delivered, read ...
    delivery_errors: tuple[dict[str, Any], ...] = ()


# --- notifications as templates --------------------------------------------------------------


def template_for(kind: Kind, language: str, params: dict[str, Any]) -> Template:
    """The outbox's message as an approved template: named ``sevasetu_<kind>``, in the
    notification's language, its body parameters the placeholders of the English text in the
    order they appear there ({{1}} = the first)."""
    names = [f for _, f, _, _ in string.Formatter().parse(MESSAGES[kind]["en"]) if f]
    ordered = list(dict.fromkeys(names))
    return Template(
        name=f"sevasetu_{kind.value}",
        language=language,
        params=tuple(str(params.get(n, "")) for n in ordered),
    )


# --- the Cloud API's JSON ---------------------------------------------------------------------


def graph_body(message: OutboundMessage) -> tuple[str, dict[str, Any]]:
    """(kind, the body of POST /<phone_number_id>/messages without "to")."""
    base: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
    if isinstance(message, Text):
        return "text", {**base, "type": "text", "text": {"body": message.body}}
    if isinstance(message, Buttons):
        buttons = [{"type": "reply", "reply": {"id": b.id, "title": b.title}}
                   for b in message.buttons]  # fmt: skip
        return "buttons", {
            **base,
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": message.body},
                "action": {"buttons": buttons},
            },
        }
    if isinstance(message, ListMessage):
        sections = [{"title": s.title, "rows": [
            {"id": r.id, "title": r.title, **({"description": r.description}
                                             if r.description else {})} for r in s.rows]}
            for s in message.sections]  # fmt: skip
        if len(sections) == 1 and not sections[0]["title"]:
            del sections[0]["title"]
        return "list", {**base, "type": "interactive", "interactive": {
            "type": "list", "body": {"text": message.body},
            "action": {"button": message.button, "sections": sections}}}  # fmt: skip
    if isinstance(message, Document):
        doc: dict[str, Any] = {"filename": message.filename}
        doc.update({"id": message.media_id} if message.media_id else {"link": message.link})
        if message.caption:
            doc["caption"] = message.caption
        return "document", {**base, "type": "document", "document": doc}
    parameters = [{"type": "text", "text": p} for p in message.params]
    components = [{"type": "body", "parameters": parameters}] if parameters else []
    return "template", {**base, "type": "template", "template": {
        "name": message.name, "language": {"code": message.language},
        "components": components}}  # fmt: skip
