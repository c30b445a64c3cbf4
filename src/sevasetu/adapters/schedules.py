"""Schedule files (``sevasetu/schedules/<name>.toml``) read into the engine's terms."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

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
    if not path.exists():
        raise InvalidInput("schedule", reason=Reason(
            "There is no schedule {name}; the schedules are {names}.", name=name,
            names=", ".join(available()),
        ))  # fmt: skip
    return parse_schedule(tomllib.loads(path.read_text(encoding="utf-8")), path.name)


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
    return Schedule(data["name"], data["title"], tuple(doses), int(data.get("grace_days", 28)))
