"""Group commit: requests that arrive while a group is being written are written together
next, each answered only after its own group was written; a group that fails is written one
item at a time, so only the bad item fails."""

from __future__ import annotations

import asyncio
import threading

import pytest

from sevasetu.entrypoints.api.group_commit import GroupCommit


async def _until(condition, tries: int = 100_000) -> None:
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


def test_items_arriving_during_a_write_are_written_together_next() -> None:
    groups: list[list[int]] = []
    first_written = threading.Event()
    release = threading.Event()

    def write_many(items: list[int]) -> list[int]:
        if not groups:
            first_written.set()
            release.wait()
        groups.append(list(items))
        return [i * 10 for i in items]

    writer: GroupCommit[int, int] = GroupCommit(write_many, lambda i: i * 10)

    async def scenario() -> list[int]:
        first = asyncio.ensure_future(writer.submit(0))
        await _until(first_written.is_set)
        rest = [asyncio.ensure_future(writer.submit(i)) for i in range(1, 10)]
        await _until(lambda: writer._queue.qsize() == 9)
        assert not first.done(), "nothing is answered before its group is written"
        release.set()
        return await asyncio.gather(first, *rest)

    assert asyncio.run(scenario()) == [i * 10 for i in range(10)]
    assert groups == [[0], list(range(1, 10))]
    assert (writer.groups, writer.items) == (2, 10)


def test_a_failing_group_is_written_one_by_one_and_only_the_bad_item_fails() -> None:
    written: list[int] = []
    block = threading.Event()
    started = threading.Event()

    def write_many(items: list[int]) -> list[int]:
        if items == [0]:
            started.set()
            block.wait()
            written.append(0)
            return [0]
        if 13 in items:
            raise ValueError("one bad item spoils the group's transaction")
        written.extend(items)
        return list(items)

    def write_one(item: int) -> int:
        if item == 13:
            raise ValueError("bad item")
        written.append(item)
        return item

    writer: GroupCommit[int, int] = GroupCommit(write_many, write_one)

    async def scenario() -> list[object]:
        first = asyncio.ensure_future(writer.submit(0))
        await _until(started.is_set)
        rest = [asyncio.ensure_future(writer.submit(i)) for i in (11, 12, 13, 14)]
        await _until(lambda: writer._queue.qsize() == 4)
        block.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    results = asyncio.run(scenario())
    assert results[:3] == [0, 11, 12] and results[4] == 14
    assert isinstance(results[3], ValueError) and str(results[3]) == "bad item"
    assert sorted(written) == [0, 11, 12, 14], "the others are written, once each"


def test_submitters_on_different_event_loops_are_each_answered_on_their_own() -> None:
    writer: GroupCommit[int, int] = GroupCommit(lambda items: [-i for i in items], lambda i: -i)
    answers: dict[int, int] = {}

    def in_its_own_loop(i: int) -> None:
        answers[i] = asyncio.run(writer.submit(i))

    threads = [threading.Thread(target=in_its_own_loop, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == {i: -i for i in range(8)}


def test_the_writer_thread_ends_when_idle_and_starts_again_when_needed() -> None:
    writer: GroupCommit[int, int] = GroupCommit(
        lambda items: list(items), lambda i: i, idle_seconds=0.01
    )
    assert asyncio.run(writer.submit(1)) == 1
    thread = writer._thread
    if thread is not None:
        thread.join()
    assert writer._thread is None, "an idle writer does not linger"
    assert asyncio.run(writer.submit(2)) == 2


@pytest.mark.parametrize("size", [1, 3, 256, 300])
def test_groups_never_exceed_their_limit(size: int) -> None:
    seen: list[int] = []
    gate = threading.Event()
    started = threading.Event()

    def write_many(items: list[int]) -> list[int]:
        if not seen:
            started.set()
            gate.wait()
        seen.append(len(items))
        return list(items)

    writer: GroupCommit[int, int] = GroupCommit(write_many, lambda i: i, max_group=256)

    async def scenario() -> None:
        first = asyncio.ensure_future(writer.submit(-1))
        await _until(started.is_set)
        rest = [asyncio.ensure_future(writer.submit(i)) for i in range(size)]
        await _until(lambda: writer._queue.qsize() == size)
        gate.set()
        assert await asyncio.gather(first, *rest) == [-1, *range(size)]

    asyncio.run(scenario())
    assert seen[0] == 1 and sum(seen[1:]) == size and max(seen[1:]) <= 256
