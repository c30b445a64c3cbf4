"""A bundle file is staged for PostgreSQL in batches of whole lines, losing nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sevasetu.adapters.tenant import load


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=40),
    newline_at_end=st.booleans(),
    batch=st.integers(1, 64),
    read=st.integers(1, 32),
)
def test_batches_hold_every_byte_and_end_on_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines, newline_at_end, batch, read
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(load, "BATCH_BYTES", batch)
    monkeypatch.setattr(load, "_READ", read)
    content = b"\n".join(lines) + (b"\n" if newline_at_end and lines else b"")
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress(content))
    staged = [b"".join(blocks) for blocks in load.batches(path)]
    assert b"".join(staged) == content
    for part in staged[:-1]:
        assert part == b"" or part.endswith(b"\n")
    for blocks in load.batches(path):
        for block in blocks:
            assert block.endswith(b"\n") or block == content[-len(block) :]
