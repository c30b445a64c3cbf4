"""Group commit: the writes of requests that arrive together, made in one transaction.

Each request hands its item to ``GroupCommit.submit`` and waits; one writer thread takes
everything waiting, writes it with ``write_many`` (one transaction, one commit) and answers
each request only after that commit. While it writes, the next requests gather for the next
group, so the busier the server, the larger the groups and the fewer the commits, and a
request still waits for nothing but its own group's commit: what is acknowledged is stored.

Should a group's transaction fail, each of its items is written alone with ``write_one``, so
one bad request fails alone. The thread starts with the first item and ends after
``idle_seconds`` without one; it belongs to no event loop (a request's future is answered on
its own loop), so any number of loops and threads may submit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger("sevasetu.group_commit")
T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        write_many: Callable[[list[T]], list[R]],
        write_one: Callable[[T], R],
        *,
        max_group: int = 256,
        idle_seconds: float = 5.0,
        name: str = "group-commit",
    ) -> None:
        self.write_many = write_many
        self.write_one = write_one
        self.max_group = max_group
        self.idle_seconds = idle_seconds
        self.name = name
        self._queue: queue.SimpleQueue[tuple[T, asyncio.Future[R]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.groups = 0  # groups committed, and the items in them (for the curious)
        self.items = 0

    async def submit(self, item: T) -> R:
        """Write ``item`` with the group it joins; its result once that group committed."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        with self._lock:
            self._queue.put((item, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
        return await future

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self.idle_seconds)
            except queue.Empty:
                with self._lock:  # nothing can be put while the lock is held
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            group = [first]
            while len(group) < self.max_group:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(group)

    def _write(self, group: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results: list[R | BaseException] = list(self.write_many([item for item, _ in group]))
        except Exception:
            log.exception("a group of %d not written together: each alone", len(group))
            results = []
            for item, _ in group:
                try:
                    results.append(self.write_one(item))
                except Exception as exc:
                    results.append(exc)
        self.groups += 1
        self.items += len(group)
        for (_, future), result in zip(group, results, strict=True):
            _answer(future, result)


def _answer(future: asyncio.Future[R], result: R | BaseException) -> None:
    def settle() -> None:
        if future.done():  # the request went away meanwhile
            return
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)

    with contextlib.suppress(RuntimeError):  # its loop closed: nobody waits any more
        future.get_loop().call_soon_threadsafe(settle)
