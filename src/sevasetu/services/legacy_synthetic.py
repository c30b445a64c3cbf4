"""Synthetic legacy exports with known truth, drawn from the people in the registry.

``write_legacy_export(ctx, out_dir, area=..., seed=..., shares=Shares(...))`` writes
``legacy.csv`` (shaped like a state portal's export of first doses, CG Teeka-like),
``mapping.toml`` (what ``sevasetu legacy import`` needs to read it) and ``truth.csv``
(``source_row_id,person_id``; the person_id is empty for people only in the legacy file).
Damage, each in its stated share of rows: names left in Bengali/Devanagari or spelt another
way in Latin, typos, family name first, an age instead of the date of birth, no phone, the
wrong sex, people who are not in the registry, and the same person twice in the file.

Rows are written as the registry is read, so the file for a registry of a million people
needs no more memory than a batch.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select

from ..adapters.db.tables import people, person_identifiers, vaccinations
from ..domain.errors import InvalidInput
from ..domain.legacy_damage import spelling_variant, swap_first_last, typo
from ..domain.people import age_in_years
from .ports import Context

HEADER = ["Beneficiary ID", "Beneficiary Name", "Gender", "Date of Birth", "Age",
          "Registration Date", "Mobile No", "Village", "Photo ID Type", "Photo ID Number",
          "Dose 1 Date", "Vaccine", "Vaccination Centre", "District"]  # fmt: skip
PRODUCTS = {"covishield": "COVISHIELD", "covaxin": "COVAXIN", "corbevax": "CORBEVAX"}
CAMPAIGN_START = date(2021, 3, 1)
PAGE = 10_000


@dataclass(frozen=True, slots=True)
class Shares:
    """Shares of damage (0-1), each of all rows except: ``in_legacy``, of the area's adults,
    how many have a legacy row; ``variant``, of the names written in Latin (the others are
    left in their script); ``no_phone``, of the rows whose person has a phone;
    ``identifier``, of the rows whose person has a voter ID; ``legacy_only`` and ``duplicate``
    are extra rows as a share of the rows of registry people."""

    in_legacy: float = 0.8
    native_script: float = 0.15
    variant: float = 0.3
    typo: float = 0.05
    swapped: float = 0.05
    age_only: float = 0.3
    no_phone: float = 0.5
    wrong_sex: float = 0.01
    identifier: float = 0.2
    legacy_only: float = 0.1
    duplicate: float = 0.03

    @classmethod
    def parse(cls, items: list[str]) -> Shares:
        """From NAME=FRACTION items, e.g. ["typo=0.1", "duplicate=0"]."""
        names = [f.name for f in fields(cls)]
        changes: dict[str, float] = {}
        for item in items:
            name, _, value = item.partition("=")
            name = name.strip().replace("-", "_")
            if name not in names:
                raise InvalidInput("share", reason=f"Unknown share {name!r}; the shares are "
                                   f"{', '.join(names)}.")  # fmt: skip
            try:
                changes[name] = float(value)
            except ValueError:
                changes[name] = -1.0
            if not 0.0 <= changes[name] <= 1.0:
                raise InvalidInput("share", reason=f"The share {name} must be a number from 0 "
                                   f"to 1, not {value!r}.")  # fmt: skip
        return replace(cls(), **changes)


@dataclass(slots=True)
class LegacyExport:
    csv_path: Path
    mapping_path: Path
    truth_path: Path
    rows: int = 0
    linked: int = 0
    legacy_only: int = 0
    duplicates: int = 0
    damage: dict[str, int] = field(default_factory=dict)


# A first dose given, as the registry (or the caller) knows it: date, product, facility name.
FirstDose = tuple[date, str, str]


def write_legacy_export(
    ctx: Context,
    out_dir: Path,
    *,
    area: str = "IN-CG-RGH",
    seed: int = 7,
    shares: Shares | None = None,
    first_doses: dict[str, FirstDose] | None = None,
    progress: Callable[[int], None] | None = None,
) -> LegacyExport:
    """Write the export of the registry's adults living in ``area`` (one state at most).

    ``first_doses``: person id -> the first dose to put in the legacy row; only these people
    get rows then (the demo passes the first doses it left out of the registry). Otherwise
    each adult's registry COVID1 is used, or a plausible one is drawn.
    """
    shares = shares or Shares()
    tree = ctx.area_tree()
    root = tree.get(area, "area")
    if root.level.value == "country":
        raise InvalidInput("area", reason="Choose a state or an area inside one: a legacy "
                           "export belongs to one state.")  # fmt: skip
    codes = [a.code for a in tree.within(root.code)] or [root.code]
    out_dir.mkdir(parents=True, exist_ok=True)
    made = LegacyExport(out_dir / "legacy.csv", out_dir / "mapping.toml", out_dir / "truth.csv")
    rng = random.Random(seed)
    with ctx.uow() as uow:
        facilities = {f.code: f.name for f in uow.areas.facilities()}
        names = {a.code: (a.name, a.name_local or a.name, _district(tree, a.code)) for a in
                 tree.by_code.values() if a.code in codes}  # fmt: skip
        source = _registry(uow.conn, codes, today=ctx.today(), only=first_doses)  # type: ignore[attr-defined]
        with made.csv_path.open("w", encoding="utf-8", newline="") as f_csv, \
                made.truth_path.open("w", encoding="utf-8", newline="") as f_truth:  # fmt: skip
            writer = _Writer(rng, shares, csv.writer(f_csv), csv.writer(f_truth), made,
                             seed=seed, village=names,
                             facilities=facilities)  # fmt: skip
            for person in source:
                if first_doses is None and rng.random() >= shares.in_legacy:
                    continue
                dose = (first_doses or {}).get(person["id"]) or _first_dose(rng, person, facilities)
                writer.person(person, dose)
                if progress is not None and made.rows % 10_000 == 0:
                    progress(made.rows)
            writer.finish()
    made.mapping_path.write_text(mapping_toml(root.state_code, root.code), encoding="utf-8")
    if progress is not None:
        progress(made.rows)
    return made


def _registry(
    conn: Any, codes: list[str], *, today: date, only: dict[str, FirstDose] | None
) -> Iterator[dict[str, Any]]:
    p, v, i = people.c, vaccinations.c, person_identifiers.c
    adult = today.replace(year=today.year - 18) if (today.month, today.day) != (2, 29) \
        else date(today.year - 18, 2, 28)  # fmt: skip
    query = (
        select(p.id, p.state_code, p.area_code, p.name, p.name_latin, p.sex, p.birth_date,
               p.phone, v.given_on, v.product, v.facility_code, i.value.label("voter_id"))
        .outerjoin(vaccinations, and_(v.state_code == p.state_code, v.person_id == p.id,
                                      v.schedule == "covid19-india", v.dose_code == "COVID1"))
        .outerjoin(person_identifiers, and_(i.state_code == p.state_code, i.person_id == p.id,
                                            i.kind == "voter_id"))
        .where(p.area_code.in_(codes), p.birth_date <= adult)
        .order_by(p.id)
    )  # fmt: skip
    if only is not None:
        query = query.where(p.id.in_(list(only)))
    # Pages by id rather than one server-side cursor: a cursor is planned for its first rows,
    # which on fresh statistics took seconds for what a page takes milliseconds.
    last = ""
    while True:
        page = conn.execute(query.where(p.id > last).limit(PAGE)).all()
        for row in page:
            yield row._asdict()
        if len(page) < PAGE:
            return
        last = page[-1].id


def _district(tree: Any, code: str) -> str:
    for c in reversed(tree.get(code).path):
        area = tree.get(c)
        if area.level.value == "district":
            return str(area.name)
    return ""


def _first_dose(
    rng: random.Random, person: dict[str, Any], facilities: dict[str, str]
) -> FirstDose:
    if person["given_on"] is not None:
        place = facilities.get(person["facility_code"] or "", "")
        return person["given_on"], person["product"] or "covishield", place
    day = CAMPAIGN_START + timedelta(days=rng.randrange(300))
    return day, "covishield" if rng.random() < 0.75 else "covaxin", ""


class _Writer:
    """Turns registry people into damaged legacy rows; keeps some back as later duplicates
    and as templates for people who are only in the legacy file."""

    def __init__(
        self, rng: random.Random, shares: Shares, rows: Any, truth: Any, made: LegacyExport, *,
        seed: int, village: dict[str, tuple[str, str, str]],
        facilities: dict[str, str],
    ) -> None:  # fmt: skip
        self.rng, self.shares, self.rows, self.truth, self.made = rng, shares, rows, truth, made
        self.prefix = f"L{seed % 1000:03d}"
        self.village = village
        self.later: list[tuple[dict[str, Any], FirstDose]] = []
        self.recent: list[dict[str, Any]] = []
        rows.writerow(HEADER)
        truth.writerow(["source_row_id", "person_id"])
        self.damage = made.damage
        for name in ("native_script", "variant", "typo", "swapped", "age_only", "no_phone",
                     "wrong_sex", "identifier"):  # fmt: skip
            self.damage[name] = 0

    def person(self, person: dict[str, Any], dose: FirstDose) -> None:
        rng, shares = self.rng, self.shares
        self._row(person, dose, person["id"])
        self.made.linked += 1
        if rng.random() < shares.duplicate:
            self.later.append((person, dose))
        if len(self.recent) < 5000:
            self.recent.append(person)
        else:
            self.recent[rng.randrange(5000)] = person
        if rng.random() < shares.legacy_only:
            self._legacy_only()

    def finish(self) -> None:
        for person, dose in self.later:  # the same person registered twice on the portal
            self._row(person, dose, person["id"])
            self.made.duplicates += 1

    def _legacy_only(self) -> None:
        """Someone the registry has never seen: a name made of two other people's parts."""
        rng = self.rng
        a, b = (
            self.recent[rng.randrange(len(self.recent))],
            self.recent[rng.randrange(len(self.recent))],
        )
        first_a, last_b = a["name"].split(), b["name"].split()
        latin_a, latin_b = a["name_latin"].split(), b["name_latin"].split()
        invented = dict(a, id="", name=" ".join(first_a[:-1] + last_b[-1:]),
                        name_latin=" ".join(latin_a[:-1] + latin_b[-1:]),
                        birth_date=a["birth_date"] - timedelta(days=rng.randrange(200, 4000)),
                        phone=None, voter_id=None)  # fmt: skip
        day = CAMPAIGN_START + timedelta(days=rng.randrange(300))
        self._row(invented, (day, "covishield", ""), "")
        self.made.legacy_only += 1

    def _row(self, person: dict[str, Any], dose: FirstDose, truth_id: str) -> None:
        rng, s, damage = self.rng, self.shares, self.damage
        self.made.rows += 1
        row_id = f"{self.prefix}{self.made.rows:09d}"
        if rng.random() < s.native_script:
            name = person["name"]
            damage["native_script"] += 1
        else:
            name = person["name_latin"]
            if rng.random() < s.variant:
                name = spelling_variant(rng, name, 1 + (rng.random() < 0.3))
                damage["variant"] += 1
        if rng.random() < s.typo:
            name = typo(rng, name)
            damage["typo"] += 1
        if rng.random() < s.swapped and " " in name:
            name = swap_first_last(name)
            damage["swapped"] += 1
        sex = {"male": "M", "female": "F"}.get(person["sex"], "T")
        if rng.random() < s.wrong_sex:
            sex = "F" if sex == "M" else "M"
            damage["wrong_sex"] += 1
        given, product, place = dose
        registered = given - timedelta(days=rng.randrange(0, 30))
        birth: date = person["birth_date"]
        dob = age = registered_text = ""
        if rng.random() < s.age_only:
            age, registered_text = str(age_in_years(birth, registered)), _day(rng, registered)
            damage["age_only"] += 1
        else:
            dob = _day(rng, birth)
        phone = person["phone"] or ""
        if phone and rng.random() < s.no_phone:
            phone = ""
            damage["no_phone"] += 1
        phone = phone.removeprefix("+91").replace("+880", "0")
        id_type = id_number = ""
        if person["voter_id"] and rng.random() < s.identifier:
            id_type, id_number = "Voter ID", person["voter_id"]
            damage["identifier"] += 1
        english, local, district = self.village.get(person["area_code"], ("", "", ""))
        village = local if rng.random() < 0.1 else english
        self.rows.writerow([row_id, name, sex, dob, age, registered_text, phone, village,
                            id_type, id_number, _day(rng, given),
                            PRODUCTS.get(product, product.upper()), place, district])  # fmt: skip
        self.truth.writerow([row_id, truth_id])


def _day(rng: random.Random, day: date) -> str:
    """Portals write day first; some clerks use hyphens."""
    return day.strftime("%d/%m/%Y" if rng.random() < 0.85 else "%d-%m-%Y")


def mapping_toml(state_code: str, within: str) -> str:
    return f'''# Mapping for a synthetic legacy export (sevasetu legacy generate): a state portal's
# first doses, one row per beneficiary. See docs/legacy.md for every key.
[file]
delimiter = ","
encoding = "utf-8"
state = "{state_code}"
country = "{state_code[:2]}"

[columns]
source_row_id = "Beneficiary ID"
name = "Beneficiary Name"
sex = "Gender"
birth_date = "Date of Birth"
age = "Age"
age_as_of = "Registration Date"
phone = "Mobile No"
area = "Village"
id_kind = "Photo ID Type"
id_number = "Photo ID Number"

[dates]
formats = ["%d/%m/%Y", "%d-%m-%Y"]

[translate.sex]
T = "other"

[area]
by = "name"
within = "{within}"

[identifier.kinds]
"Voter ID" = "voter_id"
"Ration Card" = "ration_card"

[[doses]]
schedule = "covid19-india"
dose_code = "COVID1"
date = "Dose 1 Date"
product_column = "Vaccine"
products = {{ COVISHIELD = "covishield", COVAXIN = "covaxin", CORBEVAX = "corbevax" }}
facility = "Vaccination Centre"
district = "District"
'''
