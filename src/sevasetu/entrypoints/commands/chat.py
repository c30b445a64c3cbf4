"""``sevasetu chat``: a WhatsApp chat in the terminal, through the real webhook.

Each line typed becomes a Cloud API webhook payload, signed with the app secret and POSTed to
``/webhooks/whatsapp`` (in-process, or to a running server with ``--url``); the worker's
step runs; what sevasetu sends goes to a fake Graph API that this command runs, and is shown
here, buttons and list rows numbered: answer with the number. ``/photo FILE`` or
``/pdf FILE`` sends a file; ``/quit`` ends. ``--say FILE`` reads the lines from a file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import mimetypes
import secrets
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from ...adapters.whatsapp.client import CloudApiClient
from ...adapters.whatsapp.fake_graph import TOKEN, FakeGraph
from ...bootstrap import AppContext
from ...services.whatsapp import process_pending, send_due
from . import context, err, out

PHONE_NUMBER_ID = "simulator"
Poster = Callable[[bytes, dict[str, str]], int]


def signed(secret: str, body: bytes) -> dict[str, str]:
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


def render(body: dict[str, Any]) -> tuple[str, list[tuple[str, str, str]]]:
    """A message we sent as terminal text, and its choices (id, title, kind) in order."""
    kind = body.get("type")
    if kind == "text":
        return body["text"]["body"], []
    if kind == "document":
        doc = body["document"]
        return f"[document {doc.get('filename', '')}] {doc.get('caption', '')}", []
    if kind == "template":
        t = body["template"]
        params = [p["text"] for c in t.get("components", []) for p in c.get("parameters", [])]
        return f"[template {t['name']} ({t['language']['code']})] {' | '.join(params)}", []
    inter = body.get("interactive", {})
    lines, choices = [inter.get("body", {}).get("text", "")], []
    if inter.get("type") == "button":
        for b in inter["action"]["buttons"]:
            choices.append((b["reply"]["id"], b["reply"]["title"], "button_reply"))
    else:
        lines.append(f"[{inter.get('action', {}).get('button', '')}]")
        for section in inter.get("action", {}).get("sections", []):
            for r in section["rows"]:
                title = f"{r['title']} - {r['description']}" if r.get("description") else r["title"]
                choices.append((r["id"], title, "list_reply"))
    lines += [f"  {n}) {title}" for n, (_, title, _) in enumerate(choices, 1)]
    return "\n".join(lines), choices


class Simulator:
    """One user's side of a chat. ``post`` delivers a signed webhook body; ``settle`` makes
    sevasetu process what arrived (the worker's step in-process, or waiting for a running
    worker); the fake Graph server records what sevasetu sends."""

    def __init__(self, *, wa_id: str, secret: str, graph: FakeGraph, post: Poster,
                 settle: Callable[[], None], clock: Callable[[], float] = time.time,
                 name: str = "Simulated", duplicates: bool = False,
                 shuffled_statuses: bool = False) -> None:  # fmt: skip
        self.wa_id, self.secret, self.graph, self.post = wa_id, secret, graph, post
        self.settle, self.clock, self.name = settle, clock, name
        self.duplicates, self.shuffled_statuses = duplicates, shuffled_statuses
        self.choices: list[tuple[str, str, str]] = []
        self.seen = 0
        self.transcript: list[str] = []

    # --- the user's side ---------------------------------------------------------------

    def _deliver(self, value: dict[str, Any]) -> None:
        payload = {"object": "whatsapp_business_account",
                   "entry": [{"id": "simulator", "changes": [{"field": "messages",
                                                             "value": value}]}]}  # fmt: skip
        body = json.dumps(payload, ensure_ascii=False).encode()
        for _ in range(2 if self.duplicates else 1):  # Meta delivers some messages twice
            status = self.post(body, signed(self.secret, body))
            if status != 200:
                raise RuntimeError(f"the webhook answered {status}")

    def _message(self, kind: str, content: dict[str, Any]) -> None:
        message = {"from": self.wa_id, "id": f"wamid.sim{uuid.uuid4().hex}",
                   "timestamp": str(int(self.clock())), "type": kind, kind: content}  # fmt: skip
        self._deliver({
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
            "contacts": [{"profile": {"name": self.name}, "wa_id": self.wa_id}],
            "messages": [message]})  # fmt: skip

    def say(self, line: str) -> list[str]:
        """What the user types: a number answers the last choice, as a tap would."""
        self.transcript.append(f"> {line}")
        stripped = line.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(self.choices):
            reply_id, title, kind = self.choices[int(stripped) - 1]
            title = title.split(" - ")[0]
            self._message("interactive", {"type": kind, kind: {"id": reply_id, "title": title}})
        else:
            self._message("text", {"body": line})
        return self.receive()

    def pick(self, words: str) -> list[str]:
        """Answer the last choice by the option whose title holds ``words``."""
        numbers = [n for n, (_, title, _) in enumerate(self.choices, 1) if words in title]
        if not numbers:
            raise LookupError(f"no choice holds {words!r}: {[t for _, t, _ in self.choices]}")
        return self.say(str(numbers[0]))

    def send_file(self, content: bytes, mime_type: str, filename: str = "") -> list[str]:
        self.transcript.append(f"> [{mime_type} {filename} {len(content)} bytes]")
        media_id = f"simmedia{uuid.uuid4().hex[:16]}"
        digest = self.graph.add_media(media_id, content, mime_type)
        kind = "image" if mime_type.startswith("image/") else "document"
        item = {"id": media_id, "mime_type": mime_type, "sha256": digest}
        if kind == "document":
            item["filename"] = filename or "file.pdf"
        self._message(kind, item)
        return self.receive()

    # --- sevasetu's side ---------------------------------------------------------------

    def sent(self) -> list[dict[str, Any]]:
        return [b for b in self.graph.sent if b.get("to") == self.wa_id]

    def receive(self) -> list[str]:
        self.settle()
        shown = []
        for body in self.sent()[self.seen :]:
            text, choices = render(body)
            if choices:
                self.choices = choices
            shown.append(text)
            self.transcript.append(text)
        self._statuses(len(self.sent()) - self.seen)
        self.seen = len(self.sent())
        return shown

    def _statuses(self, count: int) -> None:
        """Delivery statuses for what was just received: read before sent when shuffled."""
        ids = self.graph.message_ids(self.wa_id)[-count:] if count > 0 else []
        order = ("read", "delivered", "sent") if self.shuffled_statuses else ("sent", "delivered",
                                                                            "read")  # fmt: skip
        statuses = [{"id": wamid, "status": s, "timestamp": str(int(self.clock())),
                     "recipient_id": self.wa_id} for s in order for wamid in ids]  # fmt: skip
        if statuses:
            self._deliver({"messaging_product": "whatsapp",
                           "metadata": {"phone_number_id": PHONE_NUMBER_ID},
                           "statuses": statuses})  # fmt: skip


def in_process(ctx: AppContext, graph: FakeGraph, secret: str) -> tuple[Poster, Callable[[], None]]:
    """POST to the app in this process; settle by running the worker's step until quiet."""
    from fastapi.testclient import TestClient

    from ..api.app import create_app

    client = TestClient(create_app(ctx=ctx))

    def post(body: bytes, headers: dict[str, str]) -> int:
        return client.post("/webhooks/whatsapp", content=body, headers=headers).status_code

    def settle() -> None:
        from ...services.notifications import deliver_due

        for _ in range(20):
            worked = process_pending(ctx, "simulator").processed
            worked += deliver_due(ctx, "simulator").sent
            worked += send_due(ctx, "simulator").sent
            if not worked:
                return

    return post, settle


def remote(url: str, graph: FakeGraph, wait: float) -> tuple[Poster, Callable[[], None]]:
    """POST to a running server; settle by waiting until its worker's replies stop coming."""

    def post(body: bytes, headers: dict[str, str]) -> int:
        return httpx.post(f"{url.rstrip('/')}/webhooks/whatsapp", content=body,
                          headers=headers).status_code  # fmt: skip

    def settle() -> None:
        deadline, count = time.monotonic() + wait, len(graph.sent)
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if len(graph.sent) != count:
                count, quiet_since = len(graph.sent), time.monotonic()
            elif count and time.monotonic() - quiet_since > 1.5:
                return

    return post, settle


def chat(
    phone: Annotated[str, typer.Option(help="the user's WhatsApp number, e.g. +919800000001")],
    say_file: Annotated[Path | None, typer.Option("--say", help="lines to say, one a line")] = None,
    url: Annotated[str, typer.Option(help="a running sevasetu (else in this process)")] = "",
    graph_port: Annotated[int, typer.Option(help="port of the fake Graph API (0: any)")] = 0,
    name: Annotated[str, typer.Option(help="the user's WhatsApp profile name")] = "Simulated",
    duplicates: Annotated[bool, typer.Option(help="deliver every message twice")] = False,
    shuffled_statuses: Annotated[bool, typer.Option(help="statuses out of order")] = False,
    wait: Annotated[float, typer.Option(help="with --url: seconds to wait for replies")] = 15.0,
) -> None:
    """Chat with the WhatsApp bot in the terminal, through the signed webhook."""
    wa_id = "".join(c for c in phone if c.isdigit())
    if not 8 <= len(wa_id) <= 15:
        err.print(f"[red]error:[/red] {phone!r} is not a phone number with its country code")
        raise typer.Exit(2)
    graph = FakeGraph(port=graph_port).start()
    ctx = None
    try:
        if url:
            secret = context().settings.whatsapp_app_secret
            if not secret:
                err.print("[red]error:[/red] set SEVASETU_WHATSAPP_APP_SECRET as the server has it")
                raise typer.Exit(2)
            out.print(f"fake Graph API at {graph.url}: the server and its worker must use it\n"
                      f"  SEVASETU_WHATSAPP_GRAPH_URL={graph.url} "
                      f"SEVASETU_WHATSAPP_ACCESS_TOKEN={TOKEN}")  # fmt: skip
            post, settle = remote(url, graph, wait)
        else:
            base = context()
            secret = base.settings.whatsapp_app_secret or secrets.token_hex(16)
            settings = base.settings.model_copy(
                update={
                    "whatsapp_app_secret": secret,
                    "whatsapp_graph_url": graph.url,
                    "whatsapp_access_token": TOKEN,
                    "whatsapp_phone_number_id": PHONE_NUMBER_ID,
                }
            )
            base.close()  # fmt: skip
            client = CloudApiClient(graph.url, PHONE_NUMBER_ID, TOKEN, user_interval=0.0)
            ctx = AppContext(settings, whatsapp=client)
            post, settle = in_process(ctx, graph, secret)
        sim = Simulator(wa_id=wa_id, secret=secret, graph=graph, post=post, settle=settle,
                        name=name, duplicates=duplicates,
                        shuffled_statuses=shuffled_statuses)  # fmt: skip
        lines = say_file.read_text(encoding="utf-8").splitlines() if say_file else None
        _converse(sim, lines)
    finally:
        graph.stop()
        if ctx is not None:
            ctx.close()


def _converse(sim: Simulator, lines: list[str] | None) -> None:
    source = iter(lines) if lines is not None else None
    while True:
        if source is None:
            try:
                line = input("you> ")
            except EOFError:
                return
        else:
            line = next(source, "/quit")
            if line.strip() and not line.startswith("#"):
                print(f"you> {line}")
        if not line.strip() or line.startswith("#"):
            continue
        if line.strip() == "/quit":
            return
        command, _, arg = line.strip().partition(" ")
        if command in ("/photo", "/pdf", "/file"):
            path = Path(arg.strip())
            if not path.is_file():
                err.print(f"[red]no such file:[/red] {path}")
                continue
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            shown = sim.send_file(path.read_bytes(), mime, path.name)
        else:
            shown = sim.say(line)
        for text in shown:
            print(f"sevasetu> {text}\n", flush=True)
