"""Writing staged legacy rows while the next batch is read: database work and parsing overlap.

The writer thread is the only user of the unit of work's connection between ``start`` and
``close``; the caller touches the connection again only after ``close`` (which re-raises a
failure of the thread, so the transaction is then rolled back by the caller's ``with``).
"""

from __future__ import annotations

import os
import queue
import random
import threading
from datetime import datetime
from typing import Any

Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


class StagingWriter:
    def __init__(self, staging: Any, depth: int = 2) -> None:
        self.staging = staging
        self.records = self.doses = 0
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="legacy-staging", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain after a failure; the caller learns of it at put or close
            records, doses = batch
            try:
                self.staging.add_records(records)
                self.staging.add_doses(doses)
            except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
                self._error = error
                continue
            self.records += len(records)
            self.doses += len(doses)

    def put(self, records: list[tuple[Any, ...]], doses: list[tuple[Any, ...]]) -> None:
        if self._error is not None:
            self.close()
        self._queue.put((records, doses))

    def close(self) -> None:
        """Wait for every batch to be written; raise what the thread failed with."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error


class TimeOrderedIds:
    """UUIDs of version 7 (RFC 9562): the import's time, a counter and random bits. A big
    import then appends at the right edge of the id indexes, and an id costs a fraction of
    ``uuid4()``."""

    __slots__ = ("stamp", "count", "bits")

    def __init__(self, now: datetime) -> None:
        self.stamp = (int(now.timestamp() * 1000) & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | 0b10 << 62
        self.count = 0
        self.bits = random.Random(os.urandom(16)).getrandbits

    def __call__(self) -> str:
        count = self.count
        self.count = count + 1
        n = self.stamp | (count >> 18 & 0xFFF) << 64 | (count & 0x3FFFF) << 44 | self.bits(44)
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
