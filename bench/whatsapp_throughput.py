"""WhatsApp end to end: a synthetic log of messages replayed at the webhook, processed by the
worker through the conversation flows, each reply queued.

The log: ``--conversations`` users (10,000) with ``--per-conversation`` messages each (10: a
greeting, the language button, the menu, the first steps of registering a family member, help,
the menu word, an emoji greeting), in Bengali; ``--duplicates`` of them (5 %) delivered again
later, and delivery statuses (sent, delivered, read, in shuffled order) for earlier replies
mixed in: 100,000 messages in all. Every POST is one Cloud API envelope, signed.

`sevasetu serve` (uvicorn, production mode, ``--server-workers`` processes) answers the
webhook: it checks the signature on the raw body, stores the message (deduplicated, with the
POSTs that arrive together: group commit) and acknowledges; ``--workers`` processes run the
worker's step (``process_pending``: rounds of up to ``--batch`` conversations, each round's
flows run, then their replies queued, states saved and messages marked in one transaction) at
the same time. Senders keep each conversation's messages in order, one keep-alive connection
each, every request built and signed before the clock starts, and pace the whole to
``--rate`` distinct messages a second (0: as fast as they go).

Prints the acknowledgement latencies (p50/p95/p99), the webhook's rate, the end-to-end rate
(from the first POST until every message is processed), the time the Kolkata volume (8.1
million messages) would take at that rate, and the CPU each part spent per distinct message
(server, workers, PostgreSQL's backends for this database, senders), as JSON and a table.
Run: .venv/bin/python bench/whatsapp_throughput.py [--backend postgresql|sqlite] [--rate 500]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import multiprocessing
import os
import platform
import random
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import (  # noqa: E402
    bench_settings,
    drop_postgres,
    fresh_database,
    progress_bar,
    serving,
)

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


def signed_request(body: bytes) -> bytes:
    """The whole HTTP request as sent, signed: built before the clock starts, so that the
    senders spend their (shared) CPU on nothing but the socket."""
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    head = (f"POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nX-Hub-Signature-256: {signature}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    return head.encode() + body


class Connection:
    """One keep-alive HTTP/1.1 connection on a plain socket: a request out, the status of
    its answer back (the body read and dropped)."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.sock = socket.create_connection(self.address, timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def exchange(self, request: bytes) -> int:
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in lines[1:]
                       if line.lower().startswith(b"content-length:")), 0)  # fmt: skip
        while len(rest) < length:
            rest += self._recv()
        self.buffer = rest[length:]
        return int(lines[0].split()[1])

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        return chunk

    def _more(self) -> None:
        self.buffer += self._recv()

    def reopen(self) -> None:
        self.sock.close()
        self.__init__(*self.address)  # type: ignore[misc]

    def close(self) -> None:
        self.sock.close()


def plan(lanes: list[list], per_post: int) -> list[bytes]:
    """One sender's requests in the order it sends them: its conversations round-robin (each
    one's in order; a message goes only after the answer to the POST before it), built and
    signed now. ``per_post`` above 1 joins that many consecutive POSTs into one envelope of
    several entries, as Meta batches real traffic."""
    order: list[bytes] = []
    queues = [iter(lane) for lane in lanes]
    while queues:
        alive = []
        for q in queues:
            item = next(q, None)
            if item is not None:
                order.append(item[0])
                alive.append(q)
        queues = alive
    if per_post <= 1:
        return [signed_request(body) for body in order]
    joined = []
    for i in range(0, len(order), per_post):
        entries = [e for body in order[i : i + per_post] for e in json.loads(body)["entry"]]
        body = json.dumps({"object": "whatsapp_business_account", "entry": entries},
                          ensure_ascii=False).encode()  # fmt: skip
        joined.append(signed_request(body))
    return joined


def sender(base: str, requests: list[bytes], rate: float, start: float, offset: int,
           stride: int, latencies: list[float], errors: list[str]) -> None:  # fmt: skip
    """Post the requests one after the other, each after the answer to the one before, paced
    so that all senders together make ``rate`` POSTs a second."""
    parsed = urlparse(base)
    conn = Connection(parsed.hostname or "127.0.0.1", parsed.port or 80)
    clock = time.perf_counter
    for sent, request in enumerate(requests):
        if rate:
            pause = start + (offset + sent * stride) / rate - clock()
            if pause > 0:
                time.sleep(pause)
        began = clock()
        try:
            status = conn.exchange(request)
            if status != 200:
                errors.append(str(status))
        except OSError as exc:
            errors.append(type(exc).__name__)
            conn.reopen()
        latencies.append(clock() - began)
    conn.close()


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def server_pids(port: int) -> list[int]:
    """The uvicorn serving on ``port`` and its worker processes."""
    master = []
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(stat[1])
        except (OSError, IndexError, ValueError):
            continue
        if b"uvicorn" in b" ".join(cmdline[:2]) and str(port).encode() in cmdline:
            master.append(int(entry.name))
    return master + [pid for pid, parent in parents.items() if parent in master]


def postgres_pids(url: str) -> list[int]:
    """The PostgreSQL backends serving the benchmark's database (same machine)."""
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        query = "SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"
        found = list(conn.execute(text(query), {"d": DATABASE}).scalars())
    engine.dispose()
    return found


def worker_loop(url: str, name: str, stop_at: int, batch: int, done: Any, cpu: Any) -> None:
    """A ``sevasetu worker``'s WhatsApp step, in a loop, until the workers together have
    processed ``stop_at`` messages; its own CPU seconds in ``cpu`` at the end."""
    ctx = AppContext(bench_settings(url).model_copy(update={"environment": "development"}))
    began = time.process_time()  # the start-up (imports) is not the messages' cost
    try:
        while done.value < stop_at:
            result = process_pending(ctx, name, batch)
            if result.processed or result.failed:
                with done.get_lock():
                    done.value += result.processed + result.failed
            else:
                time.sleep(0.02)
    finally:
        cpu.value = time.process_time() - began
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
    envelopes = sum(len(lane) for lane in lanes)
    messages = sum(1 for lane in lanes for _, is_message, _ in lane if is_message)
    unique = args.conversations * args.per_conversation
    statuses = envelopes - messages
    console.print(f"log: {envelopes:,} envelopes, {messages:,} messages ({unique:,} "
                  f"distinct), {statuses:,} of statuses; {args.per_post} a POST")  # fmt: skip
    plans = [plan(lanes[i :: args.senders], args.per_post) for i in range(args.senders)]
    del lanes
    posts = sum(len(p) for p in plans)
    post_rate = args.rate * posts / unique  # --rate is distinct messages a second
    os.environ["SEVASETU_WHATSAPP_APP_SECRET"] = SECRET
    server_workers = 1 if args.backend == "sqlite" else args.server_workers
    chat_workers = 1 if args.backend == "sqlite" else args.workers
    cpu: dict[str, dict[int, float]] = {"server": {}, "postgresql": {}}
    with serving(url, server_workers) as base:
        port = urlparse(base).port or 0
        done = multiprocessing.Value("q", 0)
        worker_cpu = [multiprocessing.Value("d", 0.0) for _ in range(chat_workers)]
        workers = [multiprocessing.Process(target=worker_loop, args=(
            url, f"bench{i}", unique, args.batch, done, worker_cpu[i]))
            for i in range(chat_workers)]  # fmt: skip
        latencies: list[float] = []
        errors: list[str] = []
        threads = []
        for w in workers:
            w.start()

        def sample() -> None:
            """The CPU so far of the server's and PostgreSQL's processes (the last reading of
            each counts: a backend ends with its worker)."""
            for pid in server_pids(port):
                cpu["server"][pid] = cpu_seconds(pid)
            if args.backend == "postgresql":
                for pid in postgres_pids(url):
                    cpu["postgresql"][pid] = cpu_seconds(pid)

        sample()
        before = {group: sum(found.values()) for group, found in cpu.items()}
        cpu = {"server": {}, "postgresql": {}}
        own_before = time.process_time()
        start = time.perf_counter() + 0.2
        for i in range(args.senders):
            threads.append(threading.Thread(target=sender, args=(
                base, plans[i], post_rate, start, i, args.senders, latencies, errors)))  # fmt: skip
        for t in threads:
            t.start()
        posted_in = 0.0
        with progress_bar(console) as bar:
            sending = bar.add_task("POSTs", total=posts, rate="")
            processing = bar.add_task("processed", total=unique, rate="")
            while done.value < unique and any(w.is_alive() for w in workers):
                time.sleep(1)
                sample()
                elapsed = time.perf_counter() - start
                bar.update(sending, completed=len(latencies),
                           rate=f"{len(latencies) / elapsed:,.0f}/s")  # fmt: skip
                bar.update(processing, completed=done.value,
                           rate=f"{done.value / elapsed:,.0f}/s")  # fmt: skip
                if not posted_in and not any(t.is_alive() for t in threads):
                    posted_in = time.perf_counter() - start
        total = time.perf_counter() - start
        for t in threads:
            t.join()
        posted_in = posted_in or total
        senders_cpu = time.process_time() - own_before
        for w in workers:
            w.join()
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

    def per_message(seconds: float) -> float:
        return round(seconds / unique * 1000, 3)

    server_cpu = sum(cpu["server"].values()) - before["server"]
    pg_cpu = sum(cpu["postgresql"].values())
    workers_cpu = sum(v.value for v in worker_cpu)
    return {
        "backend": args.backend, "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "rate_asked": args.rate, "envelopes_per_post": args.per_post,
        "server_processes": server_workers,
        "worker_processes": chat_workers, "posts": posts, "messages_posted": messages,
        "messages_distinct": unique, "stored": stored, "failed": failed, "replies_queued": replies,
        "errors": len(errors), "webhook_posts_per_s": round(posts / posted_in),
        "webhook_messages_per_s": round(messages / posted_in),
        "end_to_end_messages_per_s": round(end_to_end),
        "ack_p50_ms": round(pct(latencies, 0.50), 1), "ack_p95_ms": round(pct(latencies, 0.95), 1),
        "ack_p99_ms": round(pct(latencies, 0.99), 1),
        "ack_mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "seconds": round(total, 1),
        "kolkata_8_1m_hours": round(KOLKATA_MESSAGES / end_to_end / 3600, 2),
        # CPU per distinct message, in ms, by who spent it (the machine's 2 cores give 4 ms
        # a message at 500 a second); PostgreSQL: its backends for this database only.
        "cpu_ms_server": per_message(server_cpu), "cpu_ms_workers": per_message(workers_cpu),
        "cpu_ms_postgresql": per_message(pg_cpu), "cpu_ms_senders": per_message(senders_cpu),
        "cpu_ms_total": per_message(server_cpu + workers_cpu + pg_cpu + senders_cpu),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--per-conversation", type=int, default=10)
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="distinct messages a second the senders pace to (0: flat out)",
    )
    parser.add_argument(
        "--batch", type=int, default=100, help="conversations a worker claims at a time"
    )
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument(
        "--per-post",
        type=int,
        default=1,
        help="envelopes joined in one POST (1: the worst case; Meta batches)",
    )
    # One of each on 2 cores: measured faster than two of each (docs/benchmarks.md).
    parser.add_argument("--server-workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    table = Table(title=f"WhatsApp replay ({result['backend']})")
    for key in ("webhook_messages_per_s", "end_to_end_messages_per_s", "ack_p50_ms",
                "ack_p95_ms", "ack_p99_ms", "stored", "failed", "replies_queued", "errors",
                "kolkata_8_1m_hours", "cpu_ms_server", "cpu_ms_workers", "cpu_ms_postgresql",
                "cpu_ms_senders", "cpu_ms_total"):  # fmt: skip
        table.add_row(key, f"{result[key]:,}")
    Console().print(table)


if __name__ == "__main__":
    main()
