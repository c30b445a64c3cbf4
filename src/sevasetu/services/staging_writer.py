"""Writing staged legacy rows while the next batch is read: reading and writing on two cores.

``read_in_process`` runs the loop that reads and checks every row in a forked process; each
batch of rows (tuples, as the staging repository takes them) comes back through a pipe and
is written here, in the caller's unit of work and transaction, while the process reads the
next one. Reading (the CSV, names, dates, places, ids) and writing (PostgreSQL ``COPY``,
SQLite ``executemany``, with the database's own work) then each have a core, which a thread
could not give them: Python runs one thread at a time.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from ..domain.errors import DomainError

Rows = list[tuple[Any, ...]]


class BatchWriter(Protocol):
    def put(self, records: Rows, doses: Rows) -> None: ...


class RejectSink(Protocol):
    def add(self, row_number: int, reason: str, values: Sequence[Any]) -> None: ...


# (writer, rejects, progress) -> rows read; progress takes the rows read so far.
ReadAll = Callable[[BatchWriter, RejectSink, Callable[[int], None]], int]


class TimeOrderedIds:
    """UUIDs of version 7 (RFC 9562): the import's time, a counter and random bits. A big
    import then appends at the right edge of the id indexes, and an id costs a fraction of
    ``uuid4()``: the first 19 characters (time, version, the counter's high bits) change
    only every 262,144 ids, so only the last 64 bits are formatted each time."""

    __slots__ = ("stamp", "count", "bits", "head", "high")

    def __init__(self, now: datetime) -> None:
        self.stamp = (int(now.timestamp() * 1000) & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | 0b10 << 62
        self.count = 0
        self.bits = random.Random(os.urandom(16)).getrandbits
        self.high = -1
        self.head = ""

    def __call__(self) -> str:
        count = self.count
        self.count = count + 1
        if count >> 18 != self.high:
            self.high = count >> 18
            h = f"{self.stamp | (self.high & 0xFFF) << 64:032x}"
            self.head = f"{h[:8]}-{h[8:12]}-{h[12:16]}-"
        low = f"{0x8000_0000_0000_0000 | (count & 0x3FFFF) << 44 | self.bits(44):016x}"
        return f"{self.head}{low[:4]}-{low[4:]}"


def read_in_process(
    read_all: ReadAll, staging: Any, rejects: RejectSink, progress: Callable[[int], None] | None
) -> tuple[int, int, int]:
    """Run ``read_all`` in a forked process and write what it reads; returns (rows read,
    records written, doses written). Rejected rows and progress come back with the batches.
    A refusal in the process (an unreadable line) is raised here as the same error; a
    failure here (the database's) stops the process. Either way the caller's transaction
    then rolls back with nothing written. Where processes cannot be forked, reading and
    writing take turns in this process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        writer = _Writer(staging)
        read = read_all(writer, rejects, progress or (lambda _: None))
        return read, writer.records, writer.doses
    forked = multiprocessing.get_context("fork")
    receive, send = forked.Pipe(duplex=False)
    child = forked.Process(target=_read_and_send, args=(read_all, send), daemon=True)
    child.start()
    send.close()
    writer = _Writer(staging)
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise RuntimeError("the process reading the file stopped unexpectedly") from None
            kind = message[0]
            if kind == "batch":
                _, records, doses, rejected = message
                for row in rejected:
                    rejects.add(*row)
                writer.put(records, doses)
            elif kind == "progress":
                if progress is not None:
                    progress(message[1])
            elif kind == "done":
                return message[1], writer.records, writer.doses
            elif kind == "refused":
                _, error_type, field, params = message
                raise error_type(field, **params)
            else:
                raise RuntimeError(f"reading the file failed: {message[1]}")
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()


class _Writer:
    def __init__(self, staging: Any) -> None:
        self.staging = staging
        self.records = self.doses = 0

    def put(self, records: Rows, doses: Rows) -> None:
        self.staging.add_records(records)
        self.staging.add_doses(doses)
        self.records += len(records)
        self.doses += len(doses)


class _BatchSender:
    """The forked process's writer and rejects file: each batch goes to the parent."""

    def __init__(self, send: Any) -> None:
        self.send = send
        self.rejected: list[tuple[Any, ...]] = []

    def put(self, records: Rows, doses: Rows) -> None:
        self.send.send(("batch", records, doses, self.rejected))
        self.rejected = []

    def add(self, row_number: int, reason: str, values: Sequence[Any]) -> None:
        self.rejected.append((row_number, reason, list(values)))

    def progress(self, read: int) -> None:
        self.send.send(("progress", read))


def _read_and_send(read_all: ReadAll, send: Any) -> None:
    # Millions of short-lived tuples and no cycles among them: the cyclic collector would
    # scan the growing heap over and over for nothing; the process ends with the file.
    gc.disable()
    sender = _BatchSender(send)
    try:
        read = read_all(sender, sender, sender.progress)
        sender.put([], [])  # the last rejects
        send.send(("done", read))
    except DomainError as error:
        send.send(("refused", type(error), error.field, error.params))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which raises
        send.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        send.close()
