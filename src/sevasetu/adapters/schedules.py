"""Schedule files (``sevasetu/schedules/<name>.toml``) read into the engine's terms."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path

from ..domain.campaigns import Campaign, Interval, Phase, Product
from ..domain.errors import InvalidInput, Reason
from ..domain.schedule import Age, Dose, Schedule

SCHEDULES = Path(__file__).resolve().parent.parent / "schedules"
DOSE_KEYS = {
    "code", "antigen", "series", "number", "due", "min_age", "min_interval", "latest",
    "follows", "requires_before", "applies_if", "catch_up_for", "group",
}  # fmt: skip


def available() -> list[str]:
    return sorted(p.stem for p in SCHEDULES.glob("*.toml"))


@cache
def load_schedule(name: str) -> Schedule:
    path = SCHEDULES / f"{name}.toml"
    # Only a bundled file's name: "../x" must not reach another TOML file on the disk.
    if name not in available():
        raise InvalidInput("schedule", reason=Reason(
            "There is no schedule {name}; the schedules are {names}.", name=name,
            names=", ".join(available()),
        ))  # fmt: skip
    return parse_schedule(tomllib.loads(path.read_text(encoding="utf-8")), path.name)


CAMPAIGN_KEYS = {
    "product": {"name", "title", "aliases"},
    "interval": {"dose", "from", "min", "max", "product", "source"},
    "phase": {"dose", "from", "min_age", "condition", "products", "source"},
    "mixing": {"dose", "from", "products", "source"},
}


def parse_schedule(data: dict, source: str) -> Schedule:
    """Check a schedule file completely: unknown keys, duplicate codes, dangling references."""
    doses = []
    for index, raw in enumerate(data.get("dose", [])):
        unknown = set(raw) - DOSE_KEYS
        if unknown:
            raise InvalidInput(f"{source}: dose {index + 1}", reason=Reason(
                "Unknown keys {keys}.", keys=", ".join(sorted(unknown))))  # fmt: skip
        doses.append(_dose(raw))
    return _checked(data, source, doses)


def _dose(raw: dict) -> Dose:
    def age(key: str) -> Age | None:
        return Age.parse(raw[key]) if key in raw else None

    return Dose(
        code=raw["code"], antigen=raw["antigen"], series=raw["series"], number=raw["number"],
        due=Age.parse(raw["due"]), min_age=age("min_age"), min_interval=age("min_interval"),
        latest=age("latest"), follows=tuple(raw.get("follows", ())),
        requires_before={k: Age.parse(v) for k, v in raw.get("requires_before", {}).items()},
        applies_if=raw.get("applies_if"), catch_up_for=raw.get("catch_up_for"),
        group=raw.get("group", "child"),
    )  # fmt: skip


def _checked(data: dict, source: str, doses: list[Dose]) -> Schedule:
    codes = [d.code for d in doses]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise InvalidInput(
            source, reason=Reason("Dose codes appear twice: {codes}.", codes=", ".join(duplicates))
        )
    for d in doses:
        for ref in (*d.follows, *d.requires_before, *([d.catch_up_for] if d.catch_up_for else [])):
            if ref not in codes:
                raise InvalidInput(
                    source,
                    reason=Reason("{code} refers to the unknown dose {ref}.", code=d.code, ref=ref),
                )
    return Schedule(data["name"], data["title"], tuple(doses), int(data.get("grace_days", 28)),
                    campaign=_campaign(data, source, codes))  # fmt: skip


def _campaign(data: dict, source: str, codes: list[str]) -> Campaign | None:
    """A campaign's products, dated intervals, phases and allowed mixing, if the file has them:
    every dose and product named must exist, every rule must say from when."""
    if "product" not in data:
        return None
    for section, keys in CAMPAIGN_KEYS.items():
        for index, raw in enumerate(data.get(section, [])):
            unknown = set(raw) - keys
            if unknown:
                raise InvalidInput(f"{source}: {section} {index + 1}", reason=Reason(
                    "Unknown keys {keys}.", keys=", ".join(sorted(unknown))))  # fmt: skip
            if "dose" in raw and raw["dose"] not in codes:
                raise InvalidInput(f"{source}: {section} {index + 1}", reason=Reason(
                    "{code} refers to the unknown dose {ref}.", code=section,
                    ref=raw["dose"]))  # fmt: skip
    products = tuple(Product(p["name"], p["title"], tuple(p.get("aliases", ())))
                     for p in data["product"])  # fmt: skip
    names = {p.name for p in products}

    def known(raw: dict, where: str) -> tuple[str, ...]:
        named = tuple(raw.get("products", ())) + ((raw["product"],) if raw.get("product") else ())
        unknown = [name for name in named if name not in names]
        if unknown:
            raise InvalidInput(f"{source}: {where}", reason=Reason(
                "{where} names the unknown vaccine {ref}.", where=where,
                ref=unknown[0]))  # fmt: skip
        return tuple(raw.get("products", ()))

    def day(raw: dict) -> date:
        value = raw["from"]
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    for r in data.get("interval", []):
        known(r, "interval")
    intervals = tuple(
        Interval(r["dose"], day(r), Age.parse(r["min"]),
                 Age.parse(r["max"]) if "max" in r else None, r.get("product", ""),
                 r.get("source", ""))
        for r in data.get("interval", [])
    )  # fmt: skip
    phases = tuple(
        Phase(r["dose"], day(r), Age.parse(r["min_age"]) if "min_age" in r else None,
              r.get("condition", ""), known(r, "phase"), r.get("source", ""))
        for r in data.get("phase", [])
    )  # fmt: skip
    mixing = tuple(Phase(r["dose"], day(r), products=known(r, "mixing"),
                         source=r.get("source", "")) for r in data.get("mixing", []))  # fmt: skip
    return Campaign(products, intervals, phases, tuple(data.get("same_product", ())), mixing)
