"""The clerical review API and the ``legacy link``/``legacy links`` commands, on SQLite and
PostgreSQL: queue, record beside its candidates, decisions with problem responses."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from sevasetu.adapters.db.tables import vaccinations
from sevasetu.bootstrap import AppContext
from sevasetu.entrypoints.cli import app as cli
from sevasetu.services.demo import load_demo
from sevasetu.services.linkage import link_legacy_records

from ..builders import NADIA, auth, legacy_copies, staff

SOURCE = "cg-teeka"


def legacy_doses_of(ctx: AppContext, person_id: str) -> list[str]:
    """The evidence of the doses a legacy record put into the person's history."""
    v = vaccinations.c
    with ctx.engine.connect() as conn:
        query = select(v.evidence).where(v.person_id == person_id, v.source == "legacy")
        return list(conn.execute(query).scalars())


@pytest.fixture
def linked(ctx: AppContext) -> dict[str, str]:
    load_demo(ctx, people=500, seed=3, history=False)
    truth = legacy_copies(ctx, SOURCE, 120)
    # Thresholds for a small registry, so that some records wait for review.
    link_legacy_records(ctx, SOURCE, auto=9.0, review=2.0)
    return truth


def test_a_district_officer_reviews_links_and_takes_it_back(
    client: TestClient, ctx: AppContext, linked: dict[str, str]
) -> None:
    token = staff(ctx, "clerk.nadia", "district_officer", NADIA)
    queue = client.get(f"/api/v1/legacy/reviews?source={SOURCE}", headers=auth(token))
    assert queue.status_code == 200, queue.text
    items = queue.json()["items"]
    assert items and all(i["source"] == SOURCE for i in items)
    weights = [i["match_weight"] for i in items]
    assert weights == sorted(weights, reverse=True)
    first = items[0]
    record = client.get(f"/api/v1/legacy/records/{first['record_id']}", headers=auth(token))
    body = record.json()
    assert body["decision"] == "review" and body["candidates"]
    best = body["candidates"][0]
    assert set(best["contributions"]) == {"name", "birth", "sex", "area", "phone", "identifier"}
    assert best["person_id"] == first["person_id"]

    linked_now = client.post(
        f"/api/v1/legacy/records/{first['record_id']}/decision",
        json={"decision": "link", "person_id": best["person_id"]},
        headers=auth(token),
    )
    assert linked_now.status_code == 200, linked_now.text
    assert linked_now.json()["decision"] == "linked"
    assert legacy_doses_of(ctx, best["person_id"]) == [
        f"legacy {SOURCE} row {first['source_row_id']}"
    ]
    again = client.post(
        f"/api/v1/legacy/records/{first['record_id']}/decision",
        json={"decision": "undecided"},
        headers=auth(token),
    )
    assert again.json()["decision"] == "review"
    assert legacy_doses_of(ctx, best["person_id"]) == []
    queue = client.get(f"/api/v1/legacy/reviews?source={SOURCE}", headers=auth(token))
    assert first["record_id"] in {i["record_id"] for i in queue.json()["items"]}


def test_bad_decisions_are_problems_and_change_nothing(
    client: TestClient, ctx: AppContext, linked: dict[str, str]
) -> None:
    token = staff(ctx, "clerk.nadia", "district_officer", NADIA)
    asha = staff(ctx, "asha.test", "asha", NADIA)
    rid = next(iter(linked))
    url = f"/api/v1/legacy/records/{rid}/decision"
    before = client.get(f"/api/v1/legacy/records/{rid}", headers=auth(token)).json()

    wrong = client.post(url, json={"decision": "maybe"}, headers=auth(token))
    assert wrong.status_code == 422
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert "link, not_match or undecided" in wrong.json()["detail"]

    stranger = client.post(
        url, json={"decision": "link", "person_id": "not-a-candidate"}, headers=auth(token)
    )
    assert stranger.status_code == 422 and "one of its candidates" in stranger.json()["detail"]

    missing = client.post(
        "/api/v1/legacy/records/nope/decision", json={"decision": "link"}, headers=auth(token)
    )
    assert missing.status_code == 404

    refused = client.post(url, json={"decision": "not_match"}, headers=auth(asha))
    assert refused.status_code == 403
    assert client.get("/api/v1/legacy/reviews", headers=auth(asha)).status_code == 403
    after = client.get(f"/api/v1/legacy/records/{rid}", headers=auth(token)).json()
    assert (after["decision"], after["person_id"]) == (before["decision"], before["person_id"])


def test_the_commands_link_and_write_the_links_file(
    ctx: AppContext, settings: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(ctx, people=500, seed=3, history=False)
    truth = legacy_copies(ctx, SOURCE, 120)
    monkeypatch.setenv("SEVASETU_DATABASE_URL", ctx.settings.database_url)
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "development")
    runner = CliRunner()
    done = runner.invoke(
        cli,
        ["legacy", "link", "--source", SOURCE, "--auto-threshold", "9", "--review-threshold", "2"],
    )
    assert done.exit_code == 0, done.output
    assert "linked automatically" in done.output
    out = tmp_path / "links.csv"
    written = runner.invoke(cli, ["legacy", "links", "--source", SOURCE, "--out", str(out)])
    assert written.exit_code == 0, written.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "legacy_record_id",
        "person_id",
        "match_weight",
        "decision",
        "source_row_id",
    ]
    assert {r["legacy_record_id"] for r in rows} == set(truth)
    assert all(
        truth[r["legacy_record_id"]] == r["person_id"] for r in rows if r["decision"] == "auto"
    )

    bad = runner.invoke(cli, ["legacy", "link", "--source", SOURCE, "--auto-threshold", "2",
                              "--review-threshold", "5"])  # fmt: skip
    assert bad.exit_code == 2 and "must not exceed" in bad.output
    unknown = runner.invoke(cli, ["legacy", "links", "--source", "nope", "--out", str(out)])
    assert unknown.exit_code == 2 and "nope" in unknown.output
