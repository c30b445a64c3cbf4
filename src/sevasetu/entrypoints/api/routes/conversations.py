"""WhatsApp conversations as staff see them: every message both ways, with its status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from ....services import whatsapp as svc
from ..deps import CtxDep, CurrentPrincipal

router = APIRouter(tags=["whatsapp"])


class ChatMessagePublic(BaseModel):
    direction: str  # "in" | "out"
    id: str
    wa_message_id: str | None
    type: str
    text: str
    status: str  # in: pending, processed, failed; out: queued, sent, delivered, read, failed
    error: str
    errors: list[dict[str, Any]] = []
    at: datetime


class ConversationPublic(BaseModel):
    wa_id: str
    language: str | None
    messages: list[ChatMessagePublic]


def _text_of(body: dict[str, Any]) -> str:
    kind = body.get("type")
    if kind == "text":
        return str(body["text"]["body"])
    if kind == "interactive":
        return str(body["interactive"]["body"]["text"])
    if kind == "template":
        return str(body["template"]["name"])
    if kind == "document":
        return str(body["document"].get("filename", ""))
    return ""


@router.get(
    "/conversations/{wa_id}/messages",
    response_model=ConversationPublic,
    summary="A WhatsApp conversation's messages both ways, with statuses (state admins)",
)
def messages(wa_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> ConversationPublic:
    found = svc.conversation_messages(ctx, principal, wa_id)
    rows = [ChatMessagePublic(
        direction="in", id=i.id, wa_message_id=i.message.message_id, type=i.message.type,
        text=i.message.text, status=i.status, error=i.error, at=i.received_at)
        for i in found.inbound]  # fmt: skip
    rows += [ChatMessagePublic(
        direction="out", id=o.id, wa_message_id=o.wa_message_id, type=o.kind,
        text=_text_of(o.body), status=o.delivery if o.status == "sent" and o.delivery else o.status,
        error=o.error, errors=list(o.delivery_errors), at=o.created_at)
        for o in found.outbound]  # fmt: skip
    rows.sort(key=lambda r: r.at)
    return ConversationPublic(wa_id=wa_id, language=found.language, messages=rows)
