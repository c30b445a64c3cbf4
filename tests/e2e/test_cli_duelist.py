"""`sevasetu duelist`: an area's due list for a round as CSV, JSON or a table."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from typer.testing import CliRunner

from sevasetu.entrypoints.cli import app
from sevasetu.services.auth import principal_for_token
from sevasetu.services.people import PersonInput, register_person

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, staff

runner = CliRunner()


@pytest.fixture
def children(ctx, database_url, monkeypatch):
    monkeypatch.setenv("SEVASETU_DATABASE_URL", database_url)
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "development")
    asha = principal_for_token(ctx, staff(ctx, "asha.cli", "asha", NADIA_BLOCK))
    for name, born in (("সোনা দাস", "2026-01-05"), ("রূপা দাস", "2025-06-01")):
        data = PersonInput(name, "female", NADIA_VILLAGE, birth_date=date.fromisoformat(born))
        register_person(ctx, asha, data, confirm_new=True)


def run(*args: str):
    return runner.invoke(app, ["duelist", *args])


def test_json_and_csv(children):
    found = run("--area", NADIA_BLOCK, "--on", "2026-11-20", "--to", "2026-12-20",
                "--format", "json")  # fmt: skip
    assert found.exit_code == 0, found.output
    rows = json.loads(found.stdout)
    assert [r["name"] for r in rows] == ["রূপা দাস", "সোনা দাস"]  # same village: oldest first
    assert rows[0]["village"] == "Dogachhi" and rows[0]["ashas"] == ["Asha.Cli"]
    assert all(d["status"] in ("due", "overdue", "upcoming") for r in rows for d in r["doses"])
    as_csv = run("--area", NADIA_BLOCK, "--on", "2026-11-20", "--format", "csv", "--defaulters")
    assert as_csv.exit_code == 0, as_csv.output
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(table) == 2 and "overdue" in table[0]["doses"]
    assert all(part.split()[1] == "overdue" for part in table[0]["doses"].split(", "))


def test_table_and_errors(children):
    shown = run("--area", NADIA_VILLAGE, "--on", "2026-11-20")
    assert shown.exit_code == 0 and "2 children" in shown.stdout
    assert run("--area", "NOWHERE").exit_code == 2
    bad = run("--area", NADIA_VILLAGE, "--on", "20-11-2026")
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_refresh_fills_summaries_that_the_list_then_reads(ctx, children, monkeypatch):
    import sevasetu.domain.due_lists as rules
    from sevasetu.adapters.db.tables import schedule_summaries

    before = run("--area", NADIA_BLOCK, "--on", "2026-11-20", "--to", "2026-12-20",
                 "--format", "json")  # fmt: skip
    refreshed = runner.invoke(app, ["schedule", "refresh", "--area", NADIA_BLOCK,
                                    "--on", "2026-11-20"])  # fmt: skip
    assert refreshed.exit_code == 0, refreshed.output
    assert "2 children judged" in refreshed.stdout and "children/s" in refreshed.stdout
    with ctx.uow() as uow:
        rows = list(uow.conn.execute(schedule_summaries.select()))
    assert len(rows) == 2 and {r.judged_on for r in rows} == {date(2026, 11, 20)}

    def refuse(*_args, **_kwargs):
        raise AssertionError("judged live")

    real = rules.due_doses
    monkeypatch.setattr(rules, "due_doses", refuse)  # the list must come from the summaries
    after = run("--area", NADIA_BLOCK, "--on", "2026-11-20", "--to", "2026-12-20",
                "--format", "json")  # fmt: skip
    assert after.exit_code == 0, after.output
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert runner.invoke(app, ["schedule", "refresh", "--area", "NOWHERE"]).exit_code == 2
    monkeypatch.setattr(rules, "due_doses", real)
    everywhere = runner.invoke(app, ["schedule", "refresh", "--on", "2026-11-21"])
    assert everywhere.exit_code == 0 and "2 children judged" in everywhere.stdout
