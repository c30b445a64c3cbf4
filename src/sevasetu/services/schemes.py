"""Schemes: loading the state's scheme files, a state admin's edits, and the eligibility check
(docs/services-ledger.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..domain.access import Action, Principal, require
from ..domain.eligibility import Facts, Verdict, judge, parse_rules
from ..domain.errors import InvalidInput, NotFound, Reason
from ..domain.schemes import Scheme, parse_scheme, scheme_document
from .audit import audit_denials, record
from .people import get_person
from .ports import Context, UnitOfWork

SCHEME_FILES = Path(__file__).resolve().parent.parent / "schemes"


def scheme_files() -> list[Path]:
    return sorted(SCHEME_FILES.glob("*.toml"))


def read_scheme_file(ctx: Context, path: Path) -> list[Scheme]:
    """Every scheme of one file (``state = "IN-WB"`` and ``[[schemes]]`` tables), checked."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            "file",
            reason=Reason(
                "The scheme file {path} cannot be read: {why}.", path=path.name, why=str(exc)
            ),
        ) from None
    state = document.get("state")
    tree = ctx.area_tree()
    if not isinstance(state, str) or state not in tree or tree.get(state).state_code != state:
        raise InvalidInput(
            "state",
            reason=Reason(
                'The scheme file {path} must name its state (state = "IN-WB").', path=path.name
            ),
        )
    found = []
    for index, raw in enumerate(document.get("schemes", [])):
        try:
            found.append(_checked(ctx, parse_scheme(raw, state_code=state)))
        except InvalidInput as error:
            error.field = f"{path.name}: schemes[{index}].{error.field}"
            raise
    return found


def _checked(ctx: Context, scheme: Scheme) -> Scheme:
    ctx.area_tree().get(scheme.area_code, "area")
    return scheme


def load_schemes(ctx: Context, actor: Principal, paths: list[Path]) -> list[Scheme]:
    """All the files' schemes saved together, or none of them."""
    require(actor, Action.SCHEME_MANAGE)
    schemes = [s for path in paths for s in read_scheme_file(ctx, path)]
    with ctx.uow(write=True) as uow:
        saved = [_save(ctx, uow, actor, s) for s in schemes]
        uow.commit()
    return saved


@audit_denials
def save_scheme(ctx: Context, principal: Principal, code: str, raw: dict[str, Any]) -> Scheme:
    """Create or replace one scheme of the admin's state; a rule that does not parse is
    refused with the reason and nothing is saved."""
    require(principal, Action.SCHEME_MANAGE)
    if principal.state_code is None:
        raise InvalidInput("state", reason=Reason("Only a state's users can save its schemes."))
    scheme = _checked(ctx, parse_scheme({**raw, "code": code}, state_code=principal.state_code))
    with ctx.uow(write=True) as uow:
        saved = _save(ctx, uow, principal, scheme)
        uow.commit()
    return saved


def _save(ctx: Context, uow: UnitOfWork, actor: Principal, scheme: Scheme) -> Scheme:
    if scheme.exclusive_group is not None:
        # Exclusive schemes are compared period by period: a group's schemes share theirs.
        for other in uow.schemes.all(scheme.state_code):
            if (
                other.exclusive_group == scheme.exclusive_group
                and other.code != scheme.code
                and other.period is not scheme.period
            ):
                raise InvalidInput(
                    "period",
                    reason=Reason(
                        "The schemes of the exclusive group {group} are paid {period}, "
                        "as {other} is.",
                        group=scheme.exclusive_group,
                        period=other.period.value,
                        other=other.code,
                    ),
                )
    before = uow.schemes.get(scheme.state_code, scheme.code)
    if before is not None and scheme_document(before) == scheme_document(scheme):
        return before  # loading the same file again changes nothing
    version = before.version + 1 if before is not None else 1
    saved = parse_scheme(scheme_document(scheme), state_code=scheme.state_code, version=version)
    uow.schemes.put(saved, actor.actor, ctx.now())
    record(
        ctx,
        uow,
        actor=actor,
        action="scheme.save",
        subject_type="scheme",
        subject_id=saved.code,
        state_code=saved.state_code,
        version=version,
        scheme=scheme_document(saved),
    )
    return saved


def find_scheme(uow: UnitOfWork, code: str, state_code: str | None = None) -> Scheme:
    """A scheme by its code (in the state given, else the one state that has it)."""
    code = code.strip().upper()
    found = [s for s in uow.schemes.by_code(code) if state_code in (None, s.state_code)]
    if len(found) != 1:
        raise NotFound("scheme", what="scheme", id=code)
    scheme: Scheme = found[0]
    return parse_scheme(
        scheme_document(scheme), state_code=scheme.state_code, version=scheme.version
    )


def get_scheme(ctx: Context, code: str, state_code: str | None = None) -> Scheme:
    with ctx.uow() as uow:
        return find_scheme(uow, code, state_code)


def list_schemes(ctx: Context, state_code: str | None = None) -> list[Scheme]:
    with ctx.uow() as uow:
        return uow.schemes.all(state_code)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Eligibility:
    scheme: Scheme
    person_id: str
    on: date
    verdict: Verdict


def person_facts(ctx: Context, uow: UnitOfWork, person: Any, on: date) -> Facts:
    attributes = uow.person_attributes.get(person.state_code, person.id)
    household = uow.person_attributes.household_facts(person.state_code, person.id)
    deceased_on = attributes["deceased_on"]
    return Facts(
        age=person.age_on(on),
        sex=person.sex.value,
        area_path=ctx.area_tree().get(person.area_code).path,
        marital_status=attributes["marital_status"],
        occupation=attributes["occupation"],
        disabled=attributes["disabled"],
        chronic_illness=attributes["chronic_illness"],
        deceased=deceased_on is not None and deceased_on <= on,
        **household,
    )


def check_eligibility(
    ctx: Context, principal: Principal, person_id: str, scheme_code: str, on: date | None = None
) -> Eligibility:
    """Which of the scheme's rules the person passes today (or on ``on``), with the facts read.
    Reading the person is audited as every read is."""
    person = get_person(ctx, principal, person_id)
    day = on or ctx.today()
    with ctx.uow() as uow:
        scheme = find_scheme(uow, scheme_code, person.state_code)
        facts = person_facts(ctx, uow, person, day)
    return Eligibility(scheme, person.id, day, judge(parse_rules(list(scheme.rules)), facts))
