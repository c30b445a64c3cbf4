"""Linking legacy records to the registry (Splink on DuckDB), on SQLite and PostgreSQL: the
decisions, the doses merged and removed, clerks' decisions kept by a new run, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from sevasetu.adapters.db.tables import (
    audit_log,
    legacy_candidates,
    legacy_doses,
    legacy_link_runs,
    legacy_links,
    vaccinations,
)
from sevasetu.bootstrap import AppContext
from sevasetu.domain.errors import NotFound
from sevasetu.domain.linkage import ModelNotTrainable, TooFewRecords
from sevasetu.services.demo import load_demo
from sevasetu.services.linkage import link_legacy_records

from ..builders import legacy_copies, legacy_records

SOURCE = "cg-teeka"
AUTO, REVIEW = 9.0, 2.0


@pytest.fixture
def staged(ctx: AppContext) -> dict[str, str]:
    """A registry of the demo district and a legacy source: 120 damaged copies of its people
    in West Bengal and 10 people only the legacy file knows; truth: record id -> person id."""
    load_demo(ctx, people=500, seed=3, history=False)
    return legacy_copies(ctx, SOURCE, 120)


def _links(ctx: AppContext) -> dict[str, tuple[str, str | None]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(legacy_links.c.record_id, legacy_links.c.decision, legacy_links.c.person_id)
        )
        return {r.record_id: (r.decision, r.person_id) for r in rows}


def test_link_decides_every_record_and_merges_the_doses(
    ctx: AppContext, staged: dict[str, str]
) -> None:
    # A registry of 300 people gives smaller weights than a district's: thresholds to suit.
    (summary,) = link_legacy_records(ctx, SOURCE, auto=AUTO, review=REVIEW)
    links = _links(ctx)
    assert set(links) == set(staged)
    assert summary.records == len(staged) == summary.auto + summary.review + summary.new
    autos = {rid: pid for rid, (d, pid) in links.items() if d == "auto"}
    # Every automatic link is right; the copies are linked or sent to review with the right
    # person first, only the damaged ones (age instead of birth date, a typo) reviewed.
    assert all(staged[rid] == pid for rid, pid in autos.items())
    copies = [rid for rid, pid in staged.items() if pid]
    assert len(autos) >= 0.6 * len(copies)
    found = [rid for rid in copies if links[rid][1] == staged[rid]]
    assert len(found) >= 0.95 * len(copies)
    # Nobody only the legacy file knows is linked automatically.
    assert not [rid for rid, pid in staged.items() if not pid and rid in autos]
    with ctx.engine.connect() as conn:
        merged = conn.execute(
            select(vaccinations.c.person_id, vaccinations.c.evidence, vaccinations.c.id).where(
                vaccinations.c.source == "legacy"
            )
        ).all()
        doses = {r.record_id: r.vaccination_id for r in conn.execute(select(legacy_doses))}
        candidates = conn.execute(select(func.count()).select_from(legacy_candidates)).scalar()
        entry = conn.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "legacy.link")
        ).scalar_one()
    assert {r.person_id for r in merged} == set(autos.values())
    assert all(r.evidence.startswith(f"legacy {SOURCE} row ") for r in merged)
    assert {doses[rid] for rid in autos} == {r.id for r in merged}
    assert summary.doses_merged == len(merged)
    assert candidates and candidates >= len(autos)
    assert entry["run_id"] == summary.run_id and entry["auto"] == summary.auto


def test_a_clerks_decision_is_reversible_and_survives_a_new_run(
    ctx: AppContext, staged: dict[str, str]
) -> None:
    from sevasetu.domain.access import Principal, Role
    from sevasetu.services.legacy_review import decide_record

    link_legacy_records(ctx, SOURCE, auto=AUTO, review=REVIEW)
    links = _links(ctx)
    rid = next(r for r, (d, _) in sorted(links.items()) if d == "auto")
    person = links[rid][1]
    clerk = Principal(
        kind="user",
        id="clerk",
        role=Role.DISTRICT_OFFICER,
        name="Clerk",
        area_code="IN-WB-NAD",
        state_code="IN-WB",
    )

    def merged_for(record_id: str) -> int:
        with ctx.engine.connect() as conn:
            return conn.execute(
                select(func.count())
                .select_from(vaccinations)
                .join(legacy_doses, legacy_doses.c.vaccination_id == vaccinations.c.id)
                .where(legacy_doses.c.record_id == record_id)
            ).scalar_one()

    assert merged_for(rid) == 1
    item = decide_record(ctx, clerk, rid, "not_match")
    assert item.decision == "not_match" and merged_for(rid) == 0
    with ctx.engine.connect() as conn:
        assert not conn.execute(
            select(vaccinations).where(
                vaccinations.c.person_id == person, vaccinations.c.source == "legacy"
            )
        ).all()
    # A new run keeps the clerk's word; linking again merges the dose again.
    (summary,) = link_legacy_records(ctx, SOURCE, auto=AUTO, review=REVIEW)
    assert _links(ctx)[rid] == ("not_match", None) and summary.kept == 1
    item = decide_record(ctx, clerk, rid, "link", person)
    assert (item.decision, item.person_id) == ("linked", person) and merged_for(rid) == 1
    item = decide_record(ctx, clerk, rid, "undecided")
    assert item.decision == "review" and merged_for(rid) == 0


def test_records_with_two_kinds_of_damage_and_no_phone_are_still_found(
    ctx: AppContext, staged: dict[str, str]
) -> None:
    """A typo in the name (or the family name first with a spelling of its own) with only an
    age and no phone: no blocking key of whole names, birth dates or phones meets these, and
    an age's implied birth year is a year off for about half of them."""
    import random

    from ..builders import AS_OF, _age, _registry_sample

    rng = random.Random(23)
    known = set(staged.values())
    people = [p for p in _registry_sample(ctx, 150) if p["id"] not in known][:30]
    rows = []
    for i, p in enumerate(people):
        words = p["name_latin"].split()
        last = words[-1]
        at = rng.randrange(1, len(last))
        words[-1] = last[:at] + rng.choice("bdgkmprt") + last[at + 1 :]  # a typo
        if i % 2 and len(words) > 1:
            words = [words[-1], *words[:-1]]  # and the family name first
        rows.append(dict(source_row_id=f"D{i:03d}", name=" ".join(words), sex=p["sex"],
                         age_years=_age(p["birth_date"]), age_as_of=AS_OF,
                         area_code=p["area_code"],
                         doses=[("covid19-india", "COVID1", date(2021, 5, 3))]))  # fmt: skip
    truth = dict(zip(legacy_records(ctx, SOURCE, rows), [p["id"] for p in people], strict=True))
    link_legacy_records(ctx, SOURCE, auto=AUTO, review=REVIEW)
    links = _links(ctx)
    off_by_a_year = [
        p for p in people if AS_OF.year - _age(p["birth_date"]) != p["birth_date"].year
    ]
    assert off_by_a_year  # the case an implied birth year misses
    found = [rid for rid, pid in truth.items() if links[rid][1] == pid]
    assert len(found) >= 0.9 * len(truth)
    assert all(pid == truth[rid] for rid, (d, pid) in links.items() if d == "auto" and rid in truth)


def test_too_few_records_says_so_and_writes_nothing(ctx: AppContext) -> None:
    load_demo(ctx, people=100, seed=3, history=False)
    legacy_records(
        ctx,
        "tiny",
        [
            dict(source_row_id=str(i), name="Amit Das", sex="male", birth_date=date(1990, 1, 1))
            for i in range(5)
        ],
    )
    with pytest.raises(TooFewRecords, match="at least 20"):
        link_legacy_records(ctx, "tiny")
    with pytest.raises(NotFound):
        link_legacy_records(ctx, "no-such-source")
    with ctx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(legacy_link_runs)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(legacy_links)).scalar() == 0


def test_a_registry_too_small_to_train_on_says_so(ctx: AppContext) -> None:
    legacy_records(
        ctx,
        "alone",
        [
            dict(
                source_row_id=str(i),
                name=f"Person {i}",
                sex="male",
                birth_date=date(1990, 1, 1 + i),
            )
            for i in range(25)
        ],
    )
    with pytest.raises(ModelNotTrainable, match="registry"):
        link_legacy_records(ctx, "alone")
