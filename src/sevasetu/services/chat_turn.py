"""One turn of a WhatsApp conversation: the message, the replies being made, and how a choice
is shown (reply buttons for up to three short options, else a list paged by "more")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..adapters.i18n import gettext_for
from ..domain.chat_messages import (
    BUTTON_TITLE_MAX,
    BUTTONS_MAX,
    LIST_ROWS_MAX,
    MORE,
    ROW_DESCRIPTION_MAX,
    ROW_TITLE_MAX,
    Button,
    Buttons,
    Conversation,
    Inbound,
    ListMessage,
    OutboundMessage,
    Row,
    Section,
    Text,
    page_rows,
)
from ..domain.chat_texts import say
from ..domain.errors import DomainError, Reason
from .ports import Context

__all__ = ["MORE", "Turn", "show_page", "translate_error"]


@dataclass
class Turn:
    ctx: Context
    conversation: Conversation
    message: Inbound
    replies: list[OutboundMessage] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.conversation.language or "en"

    @property
    def answers(self) -> dict[str, Any]:
        return self.conversation.answers

    def send(self, message: OutboundMessage) -> None:
        self.replies.append(message)

    def choose(self, body: str, rows: Sequence[tuple[str, ...]],
               *, button: str | None = None) -> None:  # fmt: skip
        """Offer a choice; remembered so that a typed number or title picks it too."""
        self.answers["_rows"] = [
            [r[0], _cut(r[1], ROW_TITLE_MAX), _cut(r[2] if len(r) > 2 else "", ROW_DESCRIPTION_MAX)]
            for r in rows
        ]  # fmt: skip
        self.answers["_body"] = body[:1024]
        self.answers["_button"] = _cut(button or say("list.button", self.lang), 20)
        show_page(self, 0)

    def refuse(self, error: DomainError) -> None:
        self.send_text(say("refused", self.lang, reason=translate_error(error, self.lang)))

    def send_text(self, body: str) -> None:
        self.send(Text(body))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_page(turn: Turn, page: int) -> None:
    """Page ``page`` of the choice offered last: buttons when it fits in three short ones."""
    rows = [Row(id=i, title=t, description=d) for i, t, d in turn.answers.get("_rows", [])]
    body = turn.answers.get("_body", "")
    short = all(len(r.title) <= BUTTON_TITLE_MAX and not r.description for r in rows)
    if 1 <= len(rows) <= BUTTONS_MAX and short:
        shown = rows
        turn.send(Buttons(body=body, buttons=tuple(Button(id=r.id, title=r.title) for r in rows)))
    else:
        last_page = max(0, (len(rows) - 2) // (LIST_ROWS_MAX - 1))
        shown = page_rows(rows, min(max(page, 0), last_page),
                          more_title=say("list.more", turn.lang))  # fmt: skip
        turn.send(ListMessage(body=body, button=turn.answers.get("_button", "Choose"),
                              sections=(Section(title="", rows=tuple(shown)),)))  # fmt: skip
    turn.answers["_shown"] = [[r.id, r.title] for r in shown]


def translate_error(error: DomainError, language: str) -> str:
    """A domain error as a sentence in the user's language (the catalogues the pages use)."""
    _ = gettext_for(language)

    def words(params: dict[str, Any]) -> dict[str, Any]:
        return {k: (_(v.template).format(**words(v.params)) if isinstance(v, Reason)
                    else _(v) if isinstance(v, str) else v) for k, v in params.items()}  # fmt: skip

    try:
        return str(_(error.template).format(**words(error.params)))
    except (KeyError, IndexError):
        return error.message()
