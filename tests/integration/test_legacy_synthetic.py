"""The synthetic legacy export: its truth is consistent, its damage in the stated shares, and
it imports; the demo leaves Raigarh first doses in such an export."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from sevasetu.adapters.db import tables as t
from sevasetu.domain.errors import InvalidInput
from sevasetu.domain.names import name_key
from sevasetu.services.demo import load_demo
from sevasetu.services.legacy_import import import_legacy
from sevasetu.services.legacy_synthetic import Shares, write_legacy_export


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def near(count: int, total: int, share: float, slack: float = 0.05) -> bool:
    return abs(count / total - share) <= slack


def test_the_truth_is_consistent_and_the_damage_in_its_shares(ctx, tmp_path):
    load_demo(ctx, people=3000, seed=5, districts=["IN-CG-RGH"], history=True)
    shares = Shares(in_legacy=0.9, native_script=0.2, variant=0.3, typo=0.1, swapped=0.1,
                    age_only=0.4, no_phone=0.5, wrong_sex=0.05, identifier=0.5,
                    legacy_only=0.1, duplicate=0.05)  # fmt: skip
    made = write_legacy_export(ctx, tmp_path, area="IN-CG-RGH", seed=9, shares=shares)
    rows, truth = read(made.csv_path), read(made.truth_path)
    assert len(rows) == len(truth) == made.rows == made.linked + made.legacy_only + made.duplicates
    assert [r["Beneficiary ID"] for r in rows] == [r["source_row_id"] for r in truth]
    assert len({r["Beneficiary ID"] for r in rows}) == len(rows)
    with ctx.uow() as uow:
        people = {p.id: p for p in uow.conn.execute(select(t.people))}
        first = {v.person_id: v for v in uow.conn.execute(
            select(t.vaccinations).where(t.vaccinations.c.dose_code == "COVID1"))}  # fmt: skip
    linked = [(r, people[x["person_id"]]) for r, x in zip(rows, truth, strict=True)
              if x["person_id"]]  # fmt: skip
    assert len(linked) == made.linked + made.duplicates  # every truth person exists
    adults = [p for p in people.values() if p.birth_date.year <= 2007]
    assert near(made.linked, len(adults), shares.in_legacy)
    assert near(made.legacy_only, made.linked, shares.legacy_only)
    assert near(made.duplicates, made.linked, shares.duplicate, 0.03)
    assert Counter(x["person_id"] for x in truth if x["person_id"]).most_common(1)[0][1] == 2
    n = len(rows)
    age_only = sum(1 for r in rows if r["Age"] and not r["Date of Birth"])
    assert age_only == made.damage["age_only"] and near(age_only, n, shares.age_only)
    native = sum(1 for r in rows if any("\u0900" <= ch <= "\u097f" for ch in r["Beneficiary Name"]))
    assert near(native, n, shares.native_script)
    assert near(made.damage["variant"], n - native, shares.variant)  # of the names in Latin
    for name in ("typo", "swapped", "wrong_sex"):
        assert near(made.damage[name], n, getattr(shares, name)), name
    # The damage is as stated, row by row, against the registry.
    same_key = sum(1 for r, p in linked if name_key(r["Beneficiary Name"]) == p.name_key)
    assert 0.4 < same_key / len(linked) < 0.95  # many names differ, most still match exactly
    wrong_sex = sum(1 for r, p in linked if {"M": "male", "F": "female"}.get(r["Gender"]) != p.sex)
    assert wrong_sex == pytest.approx(shares.wrong_sex * len(linked), abs=20)
    with_phone = [(r, p) for r, p in linked if p.phone]
    dropped = sum(1 for r, p in with_phone if not r["Mobile No"])
    assert near(dropped, len(with_phone), shares.no_phone, 0.08)
    assert all(p.phone.endswith(r["Mobile No"]) for r, p in with_phone if r["Mobile No"])
    dated = [(r, p) for r, p in linked if r["Date of Birth"]]
    assert all(r["Date of Birth"].replace("-", "/") == p.birth_date.strftime("%d/%m/%Y")
               for r, p in dated)  # fmt: skip
    given = [(r, first[p.id]) for r, p in linked if p.id in first]
    assert given and all(r["Dose 1 Date"].replace("-", "/") == v.given_on.strftime("%d/%m/%Y")
                         for r, v in given)  # fmt: skip
    # And the export imports with its mapping: every row, none rejected.
    summary = import_legacy(ctx, made.csv_path, source="synthetic", mapping_path=made.mapping_path)
    assert (summary.rows_imported, summary.rows_rejected, summary.doses) == (n, 0, n)
    # Same seed, same file.
    again = write_legacy_export(ctx, tmp_path / "again", area="IN-CG-RGH", seed=9, shares=shares)
    assert again.csv_path.read_bytes() == made.csv_path.read_bytes()


def test_shares_are_checked():
    assert Shares.parse(["typo=0.2", "legacy-only=0"]).typo == 0.2
    with pytest.raises(InvalidInput, match="Unknown share 'typos'"):
        Shares.parse(["typos=0.1"])
    with pytest.raises(InvalidInput, match="must be a number from 0 to 1"):
        Shares.parse(["typo=2"])


def test_the_demo_leaves_raigarh_first_doses_in_a_legacy_export(ctx, tmp_path):
    summary = load_demo(ctx, people=1500, seed=3, legacy_dir=tmp_path)
    truth = read(tmp_path / "truth.csv")
    assert summary.legacy_rows == len(truth) > 0
    linked = {x["person_id"] for x in truth if x["person_id"]}
    with ctx.uow() as uow:
        v = t.vaccinations.c
        doses = uow.conn.execute(select(v.person_id, v.dose_code).where(
            v.person_id.in_(list(linked)), v.schedule == "covid19-india")).all()  # fmt: skip
        homes = {
            p.id: p.area_code
            for p in uow.conn.execute(
                select(t.people.c.id, t.people.c.area_code).where(t.people.c.id.in_(list(linked)))
            )
        }
    held = Counter(code for _, code in doses)
    # Their second dose is in the registry, their first only in the legacy export.
    assert held["COVID1"] == 0 and held["COVID2"] == len(linked)
    assert all(code.startswith("IN-CG-RGH") for code in homes.values())
    staged = import_legacy(ctx, tmp_path / "legacy.csv", source="cg-teeka",
                           mapping_path=tmp_path / "mapping.toml")  # fmt: skip
    assert staged.rows_rejected == 0 and staged.rows_imported == len(truth)
