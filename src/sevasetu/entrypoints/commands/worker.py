"""``sevasetu worker``: sends queued notifications, queues tomorrow's booking reminders and
today's due-vaccine reminders, processes WhatsApp messages, and in the yearly update's month
gives every household its re-verification task (docs/surveys.md)."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from types import FrameType
from typing import Annotated

import typer

from ...services.annual_update import start_due_campaigns
from ...services.notifications import deliver_due, queue_reminders, reminder_day
from ...services.reminders import queue_due_reminders
from ...services.whatsapp import process_pending, send_due
from . import context, out

REMINDER_EVERY_SECONDS = 600.0


def worker(
    once: Annotated[bool, typer.Option(help="one round, then exit")] = False,
    interval: Annotated[float, typer.Option(help="seconds between rounds when idle")] = 5.0,
    batch: Annotated[int, typer.Option(help="notifications claimed at a time")] = 50,
) -> None:
    """Send what is queued, retrying failures with backoff, until SIGTERM or Ctrl-C; the
    message being sent is finished first."""
    ctx = context()
    name = f"{socket.gethostname()}:{os.getpid()}"
    stop = threading.Event()

    def ask_to_stop(signum: int, _frame: FrameType | None) -> None:
        out.print(f"{signal.Signals(signum).name}: stopping after the current message")
        stop.set()

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)
    out.print(f"worker {name} started")
    last_reminders = float("-inf")
    due_reminders_on = None  # the day whose due-vaccine reminders were queued
    try:
        while not stop.is_set():
            if time.monotonic() - last_reminders >= REMINDER_EVERY_SECONDS:
                looked = queue_reminders(ctx, reminder_day(ctx))
                last_reminders = time.monotonic()
                if looked:
                    out.print(f"reminders: {looked} bookings tomorrow")
            if due_reminders_on != ctx.today():  # once a day (and again after a restart:
                due_reminders_on = ctx.today()  # the dedupe keys make that harmless)
                children = queue_due_reminders(ctx, due_reminders_on)
                if children:
                    out.print(f"due-vaccine reminders: {children} children")
                for update in start_due_campaigns(ctx, due_reminders_on):  # the January update
                    if update.created:
                        out.print(f"yearly update {update.year} in {update.area_code}: "
                                  f"{update.created} household tasks")  # fmt: skip
            done = deliver_due(ctx, name, batch)
            if done.sent or done.retrying or done.failed:
                out.print(f"sent {done.sent}, retrying {done.retrying}, failed {done.failed}")
            chat = process_pending(ctx, name, batch)  # WhatsApp: inbound in order, then replies
            replies = send_due(ctx, name, batch)
            if chat.processed or chat.failed or replies.sent or replies.failed:
                out.print(f"whatsapp: processed {chat.processed}, replies sent {replies.sent}, "
                          f"failed {replies.failed}")  # fmt: skip
            if once:
                break
            # Idle only when nothing was left over: a chat message processed means more may
            # be arriving (a conversation goes on), and the next claim is one cheap query.
            if max(done.sent + done.retrying + done.failed, replies.sent + replies.retrying
                   + replies.failed) < batch and not chat.processed:  # fmt: skip
                stop.wait(interval)
    finally:
        ctx.close()
        out.print(f"worker {name} stopped")
