"""``sevasetu whatsapp``: try the bot without a Business account, and test a real one."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Annotated

import httpx
import typer

from ...adapters.whatsapp.fake_graph import TOKEN, FakeGraph
from ...domain.chat_messages import Text, graph_body
from . import context, err, friendly, out

app = typer.Typer(help="WhatsApp Cloud API: simulator and checks.", no_args_is_help=True)


@app.command("fake-graph")
def fake_graph(port: Annotated[int, typer.Option(help="port to listen on")] = 8765) -> None:
    """Run a fake Graph API that prints what sevasetu sends (until Ctrl-C)."""
    graph = FakeGraph(port=port).start()
    out.print(f"fake Graph API at {graph.url}; point sevasetu at it with:\n"
              f"  SEVASETU_WHATSAPP_GRAPH_URL={graph.url}\n"
              f"  SEVASETU_WHATSAPP_ACCESS_TOKEN={TOKEN}\n"
              f"  SEVASETU_WHATSAPP_PHONE_NUMBER_ID=fake-number")  # fmt: skip
    shown = 0
    try:
        while True:
            time.sleep(0.5)
            for body in graph.sent[shown:]:
                print(json.dumps(body, ensure_ascii=False), flush=True)
            shown = len(graph.sent)
    except KeyboardInterrupt:
        graph.stop()


@app.command("say")
def say(
    sender: Annotated[str, typer.Option("--from", help="the user's wa_id, e.g. 919830011111")],
    text: Annotated[str, typer.Option(help="what the user writes")],
    url: Annotated[str, typer.Option(help="sevasetu's address")] = "http://127.0.0.1:8000",
) -> None:
    """Post a signed webhook as if a user wrote to the number (uses the app secret)."""
    secret = context().settings.whatsapp_app_secret
    if not secret:
        err.print("[red]SEVASETU_WHATSAPP_APP_SECRET is not set[/red]")
        raise typer.Exit(2)
    message = {
        "from": sender, "id": f"wamid.sim{uuid.uuid4().hex}",
        "timestamp": str(int(time.time())), "type": "text", "text": {"body": text},
    }  # fmt: skip
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "simulated"},
             "contacts": [{"profile": {"name": "Simulated"}, "wa_id": sender}],
             "messages": [message]}  # fmt: skip
    entry = {"id": "simulated", "changes": [{"field": "messages", "value": value}]}
    body = json.dumps({"object": "whatsapp_business_account", "entry": [entry]}).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    response = httpx.post(f"{url.rstrip('/')}/webhooks/whatsapp", content=body,
                          headers={"X-Hub-Signature-256": signature,
                                   "Content-Type": "application/json"})  # fmt: skip
    out.print(f"{response.status_code} {response.text}")


@app.command("send-test")
@friendly
def send_test(
    to: Annotated[str, typer.Option(help="the phone, with country code: 919830011111")],
    text: Annotated[str, typer.Option(help="the text")],
) -> None:
    """Send one text now through the configured Cloud API.

    The user must have written in the last 24 hours, or WhatsApp refuses it (131047)."""
    ctx = context()
    try:
        _, body = graph_body(Text(text))
        out.print(f"sent: {ctx.whatsapp.send_body(to, body)}")
    except Exception as exc:
        err.print(f"[red]not sent:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        ctx.close()
