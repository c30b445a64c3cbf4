"""What the WhatsApp tests share: settings for a fake Graph server, and webhook payloads as
WhatsApp sends them, signed with the app secret."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sevasetu.adapters.whatsapp.fake_graph import TOKEN

SECRET = "app-secret-for-tests"
VERIFY = "verify-token-for-tests"
PHONE_ID = "106540352242922"
WA = "919830011111"
T0 = 1_795_156_200  # 2026-11-20 06:30 UTC, the test clock


def whatsapp_settings(graph_url: str) -> dict[str, Any]:
    return {
        "whatsapp_verify_token": VERIFY,
        "whatsapp_app_secret": SECRET,
        "whatsapp_phone_number_id": PHONE_ID,
        "whatsapp_access_token": TOKEN,
        "whatsapp_graph_url": graph_url,
    }


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def text(mid: str, body: str, wa_id: str = WA, ts: int = T0) -> dict[str, Any]:
    return {"from": wa_id, "id": mid, "timestamp": str(ts), "type": "text", "text": {"body": body}}


def button_reply(mid: str, button_id: str, title: str, wa_id: str = WA, ts: int = T0) -> dict:
    return {"from": wa_id, "id": mid, "timestamp": str(ts), "type": "interactive",
            "interactive": {"type": "button_reply",
                            "button_reply": {"id": button_id, "title": title}}}  # fmt: skip


def status(wamid: str, state: str, ts: int = T0, wa_id: str = WA, **extra: Any) -> dict:
    return {"id": wamid, "status": state, "timestamp": str(ts), "recipient_id": wa_id, **extra}


def change(messages: list[dict] | None = None, statuses: list[dict] | None = None,
           names: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_ID},
    }
    if messages is not None:
        senders = {m.get("from", WA) for m in messages}
        value["contacts"] = [{"profile": {"name": (names or {}).get(w, "Mita")}, "wa_id": w}
                             for w in sorted(senders)]  # fmt: skip
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {"field": "messages", "value": value}


def envelope(*entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA1", "changes": changes} for changes in entries]}  # fmt: skip


def post(client: Any, payload: Any, *, secret: str = SECRET, signature: str | None = None) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signature if signature is not None else sign(body, secret),
    }
    return client.post("/webhooks/whatsapp", content=body, headers=headers)


def simulator(ctx: Any, graph: Any, wa_id: str = "919800000001", **options: Any) -> Any:
    """The terminal chat's simulator (``sevasetu chat``) on the test's app, clock and fake
    Graph server: signed webhooks in, the worker's step, what was sent rendered."""
    from sevasetu.entrypoints.commands.chat import Simulator, in_process

    post, settle = in_process(ctx, graph, SECRET)
    return Simulator(wa_id=wa_id, secret=SECRET, graph=graph, post=post, settle=settle,
                     clock=lambda: ctx.now().timestamp(), **options)  # fmt: skip
