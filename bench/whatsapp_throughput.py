"""WhatsApp end to end: a synthetic log of messages replayed at the webhook, processed by the
worker through the conversation flows, each reply queued.

The log: ``--conversations`` users (10,000) with ``--per-conversation`` messages each (10: a
greeting, the language button, the menu, the first steps of registering a family member, help,
the menu word, an emoji greeting), in Bengali; ``--duplicates`` of them (5 %) delivered again
later, and delivery statuses (sent, delivered, read, in shuffled order) for earlier replies
mixed in: 100,000 messages in all. Every POST is one Cloud API envelope, signed.

`sevasetu serve` (uvicorn, production mode) answers the webhook: it checks the signature on
the raw body, stores the message (deduplicated) and acknowledges; ``--workers`` processes run
the worker's step (``process_pending``: the flow, the reply queued, the conversation saved, in
one transaction) at the same time. Senders keep each conversation's messages in order and pace
the whole to ``--rate`` messages a second (0: as fast as they go).

Prints the acknowledgement latencies (p50/p95/p99), the webhook's rate, the end-to-end rate
(from the first POST until every message is processed) and the time the Kolkata volume (8.1
million messages) would take at that rate, as JSON and a table.
Run: .venv/bin/python bench/whatsapp_throughput.py [--backend postgresql|sqlite] [--rate 500]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import platform
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import bench_settings, drop_postgres, fresh_database, serving  # noqa: E402

from sevasetu.adapters.db.migrate import upgrade  # noqa: E402
from sevasetu.adapters.db.tables import whatsapp_inbound, whatsapp_outbound  # noqa: E402
from sevasetu.bootstrap import AppContext  # noqa: E402
from sevasetu.services.areas import load_geography  # noqa: E402
from sevasetu.services.whatsapp import process_pending  # noqa: E402

console = Console(stderr=True)
DATABASE = "sevasetu_bench_whatsapp"
SECRET = "bench-whatsapp-app-secret-0001"
KOLKATA_MESSAGES = 8_100_000

# One conversation: what a citizen writes, in order (text, or a button/row id and its title).
SCRIPT: list[tuple[str, str]] = [
    ("text", "হাই"), ("reply", "lang:bn|বাংলা"), ("reply", "menu:register|নিবন্ধন করুন"),
    ("reply", "who:family|পরিবারের সদস্য"), ("text", "মিনতি দাস"), ("text", "৬২"),
    ("reply", "sex:female|মহিলা"), ("text", "সাহায্য"), ("text", "মেনু"), ("text", "নমস্কার 🙏"),
]  # fmt: skip


def envelope(value: dict) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [
        {"id": "WABA", "changes": [{"field": "messages", "value": value}]}]},
        ensure_ascii=False).encode()  # fmt: skip


def message_body(wa_id: str, n: int, kind: str, content: str, ts: int) -> bytes:
    m: dict = {"from": wa_id, "id": f"wamid.bench.{wa_id}.{n}", "timestamp": str(ts)}
    if kind == "text":
        m.update(type="text", text={"body": content})
    else:
        reply_id, title = content.split("|")
        m.update(
            type="interactive",
            interactive={"type": "button_reply", "button_reply": {"id": reply_id, "title": title}},
        )
    return envelope({"messaging_product": "whatsapp",
                     "metadata": {"display_phone_number": "15550001111", "phone_number_id": "1"},
                     "contacts": [{"profile": {"name": "Bench"}, "wa_id": wa_id}],
                     "messages": [m]})  # fmt: skip


def status_body(wa_id: str, n: int, ts: int, rng: random.Random) -> bytes:
    order = ["sent", "delivered", "read"]
    rng.shuffle(order)
    statuses = [{"id": f"wamid.out.{wa_id}.{n}", "status": s, "timestamp": str(ts),
                 "recipient_id": wa_id} for s in order]  # fmt: skip
    return envelope({"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1"},
                     "statuses": statuses})  # fmt: skip


def synthetic_log(conversations: int, per: int, duplicates: float, seed: int) -> list[list]:
    """Per sender lane, the POST bodies in order: (body, is_message, is_new)."""
    rng = random.Random(seed)
    ts = int(time.time())
    lanes: list[list] = []
    for c in range(conversations):
        wa_id = f"9198{c:08d}"
        posts = []
        for n in range(per):
            kind, content = SCRIPT[n % len(SCRIPT)]
            body = message_body(wa_id, n, kind, content, ts)
            posts.append((body, True, True))
            if n and rng.random() < 0.5:  # statuses of the previous reply, out of order
                posts.append((status_body(wa_id, n - 1, ts, rng), False, False))
            if rng.random() < duplicates:  # Meta delivers it again, a little later
                posts.append((body, True, False))
        lanes.append(posts)
    return lanes


def sender(base: str, lanes: list[list], rate: float, start: float, offset: int, stride: int,
           latencies: list[float], errors: list[str]) -> None:  # fmt: skip
    """Post the lanes' bodies round-robin (one conversation's in order), paced so that all
    senders together make ``rate`` POSTs a second."""
    parsed = urlparse(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    queues = [iter(lane) for lane in lanes]
    sent = 0
    while queues:
        alive = []
        for q in queues:
            item = next(q, None)
            if item is None:
                continue
            alive.append(q)
            if rate:
                due = start + (offset + sent * stride) / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            body = item[0]
            signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            began = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/webhooks/whatsapp",
                    body=body,
                    headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
                )
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(str(response.status))
            except (OSError, http.client.HTTPException) as exc:
                errors.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
            latencies.append(time.perf_counter() - began)
            sent += 1
        queues = alive
    conn.close()


def worker_loop(url: str, name: str, stop_at: int, done: multiprocessing.Value) -> None:  # type: ignore[type-arg]
    """A ``sevasetu worker``'s WhatsApp step, in a loop, until ``stop_at`` are processed."""
    ctx = AppContext(bench_settings(url).model_copy(update={"environment": "development"}))
    processed = (
        select(func.count())
        .select_from(whatsapp_inbound)
        .where(whatsapp_inbound.c.status != "pending")
    )
    try:
        while True:
            worked = process_pending(ctx, name, 100).processed
            if not worked:
                with ctx.engine.connect() as conn:
                    count = conn.execute(processed).scalar_one()
                done.value = count
                if count >= stop_at:
                    return
                time.sleep(0.05)
    finally:
        ctx.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(args: argparse.Namespace) -> dict:
    url = fresh_database(args.backend, DATABASE)
    ctx = AppContext(bench_settings(url))
    upgrade(ctx.engine)
    load_geography(ctx)
    ctx.close()
    lanes = synthetic_log(args.conversations, args.per_conversation, args.duplicates, args.seed)
    posts = sum(len(lane) for lane in lanes)
    messages = sum(1 for lane in lanes for _, is_message, _ in lane if is_message)
    unique = args.conversations * args.per_conversation
    console.print(f"log: {posts:,} POSTs, {messages:,} messages ({unique:,} distinct), "
                  f"{posts - messages:,} status posts")  # fmt: skip
    os.environ["SEVASETU_WHATSAPP_APP_SECRET"] = SECRET
    server_workers = 1 if args.backend == "sqlite" else args.server_workers
    chat_workers = 1 if args.backend == "sqlite" else args.workers
    with serving(url, server_workers) as base:
        done = multiprocessing.Value("q", 0)
        workers = [multiprocessing.Process(target=worker_loop, args=(url, f"bench{i}", unique,
                                                                      done))
                   for i in range(chat_workers)]  # fmt: skip
        latencies: list[float] = []
        errors: list[str] = []
        threads = []
        start = time.perf_counter() + 0.5
        for i in range(args.senders):
            mine = lanes[i :: args.senders]
            threads.append(threading.Thread(target=sender, args=(
                base, mine, args.rate, start, i, args.senders, latencies, errors)))  # fmt: skip
        for w in workers:
            w.start()
        for t in threads:
            t.start()
        last = time.perf_counter()
        while any(t.is_alive() for t in threads):
            time.sleep(5)
            console.print(f"  {len(latencies):,}/{posts:,} posted, {done.value:,} processed")
        posted_in = time.perf_counter() - start
        for w in workers:
            while w.is_alive():
                w.join(timeout=5)
                if w.is_alive():
                    console.print(f"  {done.value:,}/{unique:,} processed")
        total = time.perf_counter() - start
        del last
    ctx = AppContext(bench_settings(url))
    with ctx.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(whatsapp_inbound)).scalar_one()
        failed = conn.execute(
            select(func.count())
            .select_from(whatsapp_inbound)
            .where(whatsapp_inbound.c.status == "failed")
        ).scalar_one()
        replies = conn.execute(select(func.count()).select_from(whatsapp_outbound)).scalar_one()
    ctx.close()
    if args.backend == "postgresql" and not args.keep:
        drop_postgres(DATABASE)
    end_to_end = unique / total
    return {
        "backend": args.backend, "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "rate_asked": args.rate, "posts": posts, "messages_posted": messages,
        "messages_distinct": unique, "stored": stored, "failed": failed, "replies_queued": replies,
        "errors": len(errors), "webhook_posts_per_s": round(posts / posted_in),
        "webhook_messages_per_s": round(messages / posted_in),
        "end_to_end_messages_per_s": round(end_to_end),
        "ack_p50_ms": round(pct(latencies, 0.50), 1), "ack_p95_ms": round(pct(latencies, 0.95), 1),
        "ack_p99_ms": round(pct(latencies, 0.99), 1),
        "ack_mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "seconds": round(total, 1),
        "kolkata_8_1m_hours": round(KOLKATA_MESSAGES / end_to_end / 3600, 2),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--per-conversation", type=int, default=10)
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--rate", type=float, default=0.0, help="POSTs a second (0: flat out)")
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    table = Table(title=f"WhatsApp replay ({result['backend']})")
    for key in ("webhook_messages_per_s", "end_to_end_messages_per_s", "ack_p50_ms",
                "ack_p95_ms", "ack_p99_ms", "stored", "failed", "replies_queued", "errors",
                "kolkata_8_1m_hours"):  # fmt: skip
        table.add_row(key, f"{result[key]:,}")
    Console().print(table)


if __name__ == "__main__":
    main()
