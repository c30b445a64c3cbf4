"""The time-ordered ids of staged legacy records and doses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sevasetu.services.staging_writer import TimeOrderedIds


def test_ids_are_version_7_unique_and_in_the_order_made() -> None:
    now = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    new_id = TimeOrderedIds(now)
    ids = [new_id() for _ in range(300_000)]  # past 2**18: the counter's high bits move on
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    picked = (ids[0], ids[2**18 - 1], ids[2**18], ids[-1])
    parsed = [uuid.UUID(i) for i in picked]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [str(u) for u in parsed] == list(picked)  # canonical form, lower-case hex
    assert {u.int >> 80 for u in parsed} == {int(now.timestamp() * 1000)}
    # The counter sits in the 12 bits after the version and the 18 after the variant.
    counters = [(u.int >> 64 & 0xFFF) << 18 | (u.int >> 44 & 0x3FFFF) for u in parsed]
    assert counters == [0, 2**18 - 1, 2**18, 299_999]
