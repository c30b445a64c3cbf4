"""Reading the household survey form (the household form with the survey's fields) into the
survey service's input, and filling it again from a survey on file."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ...domain.errors import DomainError, InvalidInput, InvalidRelation
from ...domain.people import person_details
from ...services.surveys import SurveyInput, SurveyMemberInput, SurveyView
from .forms import ROSTER_ROWS, Roster, person_input, read_age, read_date, row_indexes, text
from .labels import N_

EXTRA_ROWS = 2  # empty rows after the members on file, for births and arrivals
ROW_FIELDS = ("name", "sex", "birth_date", "age_years", "relation", "phone", "status", "arrival",
              "event_date", "occupation", "marital_status", "pregnant_months")  # fmt: skip


def read_number(raw: str, field_name: str) -> float | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidInput(field_name, reason=N_("Write a number such as 22.7183.")) from None


def read_survey(
    form: Mapping[str, Any], kinds: list[str], today: date
) -> tuple[SurveyInput, Roster]:
    """The rows someone typed into or that hold a member on file, checked one by one so that
    an error names its row; ``Roster`` maps the service's member numbers back to rows."""
    roster = Roster()
    data = SurveyInput(
        area_code=text(form, "area_code", 40),
        address=text(form, "address", 300),
        latitude=read_number(text(form, "latitude", 30), "latitude"),
        longitude=read_number(text(form, "longitude", 30), "longitude"),
        place=text(form, "place", 200) or None,
    )
    for row in row_indexes(form):
        prefix = f"members[{row}]."
        person_id = text(form, prefix + "person_id", 64) or None
        typed = [text(form, prefix + n) for n in ("name", "birth_date", "age_years", "phone")]
        if (
            person_id is None
            and not any(typed)
            and not any(text(form, f"{prefix}identifiers.{k}") for k in kinds)
        ):
            continue
        status = text(form, prefix + "status", 12) or "present"
        person = person_input(form, kinds, "", prefix)
        if status == "present":
            try:
                person_details(name=person.name, sex=person.sex, birth_date=person.birth_date,
                               age_years=person.age_years, phone=None, today=today)  # fmt: skip
            except DomainError as error:
                raise type(error)(prefix + (error.field or "name"), **error.params) from None
        relation = text(form, prefix + "relation", 30)
        if not relation and status == "present":
            raise InvalidRelation(
                prefix + "relation", reason=N_("Choose how this person is related to the head.")
            )
        months = read_age(text(form, prefix + "pregnant_months", 4), prefix + "pregnant_months")
        data.members.append(SurveyMemberInput(
            relation=relation,
            person=person if status == "present" else None,
            person_id=person_id,
            status=status,
            arrival=text(form, prefix + "arrival", 12) or None,
            event_date=read_date(text(form, prefix + "event_date", 20), prefix + "event_date"),
            disabled=bool(text(form, prefix + "disabled", 5)),
            chronic_illness=bool(text(form, prefix + "chronic_illness", 5)),
            occupation=text(form, prefix + "occupation", 40) or None,
            marital_status=text(form, prefix + "marital_status", 16) or None,
            pregnant_months=months,
        ))  # fmt: skip
        roster.rows.append(row)
    roster.shown = max([ROSTER_ROWS, *(i + 1 for i in row_indexes(form))])
    return data, roster


def survey_values(view: SurveyView, today: date) -> tuple[dict[str, str], int]:
    """The form filled from the household on file: one row per member, then empty rows."""
    h, s = view.household, view.survey
    values: dict[str, str] = {"area_code": h.area_code, "address": h.address}
    if s.latitude is not None and s.longitude is not None:
        values |= {"latitude": str(s.latitude), "longitude": str(s.longitude)}
    if s.place:
        values["place"] = s.place
    for i, p in enumerate(view.members):
        prefix = f"members[{i}]."
        a = view.attributes.get(p.id, {})
        row = {
            "person_id": p.id,
            "name": p.name,
            "sex": p.sex.value,
            "relation": p.relation_to_head or "",
            "phone": p.phone or "",
            "occupation": a.get("occupation") or "",
            "marital_status": a.get("marital_status") or "",
            "disabled": "1" if a.get("disabled") else "",
            "chronic_illness": "1" if a.get("chronic_illness") else "",
            "pregnant_on_file": "1" if p.id in view.pregnant else "",
        }
        if p.birth_date_estimated:
            row["age_years"] = str(p.age_on(today))
        else:
            row["birth_date"] = p.birth_date.isoformat()
        for ident in p.identifiers:
            row[f"held.{ident.kind.value}"] = ident.display
        values |= {prefix + k: v for k, v in row.items() if v}
    return values, len(view.members) + EXTRA_ROWS
