"""The chat's citizen: a WhatsApp number is a citizen account (found or made by its phone),
and registering oneself or a family member goes through the registry's own validation and the
family rules (``services.family``)."""

from __future__ import annotations

from datetime import date

from ..domain.access import Principal
from ..domain.accounts import AccountRecord
from ..domain.areas import RESIDENCE_LEVELS, Area, AreaLevel
from ..domain.chat_flow import (
    RETRY,
    SKIP_WORDS,
    Step,
    birth_from_answer,
    pincode,
    plain,
    sex_from_answer,
)
from ..domain.chat_texts import say
from ..domain.errors import DomainError, FamilyLimitReached, InvalidPhone
from ..domain.identifiers import normalize_phone
from ..domain.names import name_key
from ..domain.people import Person
from .auth import principal_of_account
from .chat_turn import Turn
from .family import add_family_member, family_of
from .people import PersonInput
from .ports import Context

NEAR_LEVELS = frozenset({AreaLevel.BLOCK, AreaLevel.UPAZILA})


def phone_of(ctx: Context, wa_id: str) -> str | None:
    """The wa_id as an E.164 mobile number, if it is one the registry accepts."""
    try:
        return normalize_phone("+" + wa_id, ctx.settings.default_country)
    except InvalidPhone:
        return None


def citizen(turn: Turn, *, create: bool = False) -> Principal | None:
    """The citizen account of this WhatsApp number (WhatsApp has proven the number), made on
    the first registration."""
    ctx = turn.ctx
    phone = phone_of(ctx, turn.conversation.wa_id)
    if phone is None:
        return None
    with ctx.uow(write=create) as uow:
        account = uow.accounts.by_phone(phone)
        if account is None and create:
            account = AccountRecord(ctx.new_id(), phone, turn.lang)
            uow.accounts.add(account, ctx.now())
            uow.commit()
    return principal_of_account(account) if account is not None else None


def family(turn: Turn) -> list[Person]:
    principal = citizen(turn)
    return family_of(turn.ctx, principal) if principal is not None else []


def remember_language(turn: Turn) -> None:
    phone = phone_of(turn.ctx, turn.conversation.wa_id)
    if phone is None:
        return
    with turn.ctx.uow(write=True) as uow:
        account = uow.accounts.by_phone(phone)
        if account is not None and account.language != turn.lang:
            uow.accounts.set_language(account.id, turn.lang)
            uow.commit()


def person_rows(turn: Turn, people: list[Person]) -> list[tuple[str, str, str]]:
    today = turn.ctx.today()
    return [(f"person:{p.id}", p.name, f"{p.age_on(today)} · {p.sex.value}") for p in people]


def chosen_person(turn: Turn, answer: str) -> Person | None:
    wanted = answer.removeprefix("person:")
    return next((p for p in family(turn) if p.id == wanted), None)


# --- places: a pincode or a name --------------------------------------------------------------


def find_places(ctx: Context, text: str) -> list[Area]:
    """Villages and wards for what was typed: a pincode (those served by the facilities at that
    pincode, in their blocks), or a name in English or the local script."""
    tree = ctx.area_tree()
    code = pincode(text)
    if code is not None:
        with ctx.uow() as uow:
            facilities = [f for f in uow.areas.facilities() if code in f.address]
        blocks = {next((c for c in reversed(tree.get(f.area_code).path)
                        if tree.get(c).level in NEAR_LEVELS), f.area_code)
                  for f in facilities if f.area_code in tree}  # fmt: skip
        found = [a for b in sorted(blocks) for a in tree.within(b) if a.level in RESIDENCE_LEVELS]
    else:
        said = plain(text)
        if len(said) < 2:
            return []
        found = [a for a in tree.by_code.values() if a.level in RESIDENCE_LEVELS
                 and (said in a.name.casefold()
                      or said in (a.name_local or "").casefold())]  # fmt: skip
    return sorted(found, key=lambda a: (a.name, a.code))[:90]


def place_rows(ctx: Context, places: list[Area], lang: str) -> list[tuple[str, str, str]]:
    tree = ctx.area_tree()

    def label(a: Area) -> str:
        return a.name_local if lang != "en" and a.name_local else a.name

    return [(f"area:{a.code}", label(a),
             label(tree.get(a.parent_code)) if a.parent_code else "") for a in places]  # fmt: skip


def place_answer(turn: Turn, text: str, key: str) -> str:
    """ "ok" with ``answers[key]`` set when one place fits, "pick" when several do."""
    places = find_places(turn.ctx, text)
    if not places:
        turn.send_text(say("area.none", turn.lang))
        return RETRY
    if len(places) == 1:
        turn.answers[key] = places[0].code
        return "ok"
    turn.answers["_places"] = [a.code for a in places]
    return "pick"


def show_places(turn: Turn) -> None:
    tree = turn.ctx.area_tree()
    places = [tree.get(c) for c in turn.answers.get("_places", []) if c in tree]
    turn.choose(say("area.pick", turn.lang), place_rows(turn.ctx, places, turn.lang))


def picked_place(turn: Turn, answer: str, key: str) -> str:
    code = answer.removeprefix("area:")
    if code not in turn.answers.get("_places", []):
        turn.send_text(say("hint.choice", turn.lang))
        return RETRY
    turn.answers[key] = code
    return "ok"


# --- registering ------------------------------------------------------------------------------


def ask_who(turn: Turn) -> None:
    turn.choose(
        say("reg.who", turn.lang),
        [("who:self", say("reg.self", turn.lang)), ("who:family", say("reg.family", turn.lang))],
    )


def on_who(turn: Turn, answer: str) -> str:
    turn.answers["who"] = answer.removeprefix("who:")
    return "ok"


def on_name(turn: Turn, answer: str) -> str:
    turn.answers["name"] = answer[:120]
    return "ok"


def on_birth(turn: Turn, answer: str) -> str:
    try:
        born, years = birth_from_answer(answer, turn.ctx.today())
    except DomainError as error:
        turn.refuse(error)
        return RETRY
    turn.answers["birth"] = born.isoformat() if born else None
    turn.answers["age"] = years
    return "ok"


def ask_sex(turn: Turn) -> None:
    turn.choose(
        say("reg.sex", turn.lang),
        [(f"sex:{s}", say(f"sex.{s}", turn.lang)) for s in ("female", "male", "other")],
    )


def on_sex(turn: Turn, answer: str) -> str:
    sex = answer.removeprefix("sex:") if answer.startswith("sex:") else sex_from_answer(answer)
    if sex is None:
        turn.send_text(say("hint.choice", turn.lang))
        return RETRY
    turn.answers["sex"] = sex
    return "ok"


def ask_id(turn: Turn) -> None:
    turn.choose(say("reg.id", turn.lang), [("id:skip", say("skip", turn.lang))])


FIELD_STEPS = {"name": "fix_name", "birth_date": "fix_birth", "age_years": "fix_birth",
               "sex": "fix_sex", "area_code": "fix_area"}  # fmt: skip


def on_id(turn: Turn, answer: str) -> str:
    """The last answer: register now. A refusal of one field goes back to its question."""
    a, ctx = turn.answers, turn.ctx
    number = "" if answer == "id:skip" or plain(answer) in SKIP_WORDS else answer
    principal = citizen(turn, create=True)
    if principal is None:
        turn.send_text(say("nobody", turn.lang))
        return "done"
    data = PersonInput(
        name=a.get("name", ""), sex=a.get("sex", ""), area_code=a.get("area", ""),
        birth_date=date.fromisoformat(a["birth"]) if a.get("birth") else None,
        age_years=a.get("age"),
        phone=phone_of(ctx, turn.conversation.wa_id) if a.get("who") == "self" else None,
        identifiers={"aadhaar": number} if number else {},
    )  # fmt: skip
    # Run again after a crash, the same person is not added twice.
    key = name_key(data.name)
    year = data.birth_date.year if data.birth_date else ctx.today().year - (data.age_years or 0)
    twin = next((p for p in family_of(ctx, principal)
                 if p.name_key == key and abs(p.birth_date.year - year) <= 1), None)  # fmt: skip
    if twin is not None:
        turn.send_text(say("reg.again", turn.lang, name=twin.name))
        return "done"
    try:
        person = add_family_member(ctx, principal, data)
    except FamilyLimitReached as error:
        turn.refuse(error)
        return "done"
    except DomainError as error:
        turn.refuse(error)
        if error.field and error.field.startswith("identifiers"):
            ask_id(turn)
            return RETRY
        return FIELD_STEPS.get(error.field or "", "fix_name")
    turn.send_text(say("reg.done", turn.lang, name=person.name, ref=person.id[:8].upper()))
    return "done"


HANDLERS = {
    Step.REG_WHO: on_who,
    Step.REG_NAME: on_name,
    Step.REG_BIRTH: on_birth,
    Step.REG_SEX: on_sex,
    Step.REG_AREA: lambda turn, answer: place_answer(turn, answer, "area"),
    Step.REG_AREA_PICK: lambda turn, answer: picked_place(turn, answer, "area"),
    Step.REG_ID: on_id,
}
PROMPTS = {
    Step.REG_WHO: ask_who,
    Step.REG_NAME: lambda turn: turn.send_text(say("reg.name", turn.lang)),
    Step.REG_BIRTH: lambda turn: turn.send_text(say("reg.birth", turn.lang)),
    Step.REG_SEX: ask_sex,
    Step.REG_AREA: lambda turn: turn.send_text(say("reg.area", turn.lang)),
    Step.REG_AREA_PICK: show_places,
    Step.REG_ID: ask_id,
}
