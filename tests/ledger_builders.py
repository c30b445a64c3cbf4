"""The services ledger's test data: Tala ward 1 in miniature (S3), with a household, people
the schemes' rules catch, and two departments' service records with planted double benefits."""

from __future__ import annotations

from datetime import date
from typing import Any

from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal, Role
from sevasetu.services.households import MemberInput, register_household
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.person_attributes import set_attributes
from sevasetu.services.schemes import load_schemes, scheme_files
from sevasetu.services.service_records import ServiceInput, record_services

from .builders import state_admin

TALA_W1 = "BD-D-SAT-TAL-TAL-W1"
TALA_W2 = "BD-D-SAT-TAL-TAL-W2"
TALA = "BD-D-SAT-TAL"
RAHIMA_NID = "1234567890"
RAHIMA_BRN = "19581234567890123"
ABDUL_NID = "2234567890"


def bd_admin() -> Principal:
    return state_admin("BD-D", "bd-admin")


def bd_officer(area: str = TALA) -> Principal:
    return Principal(
        kind="user",
        id="uno",
        role=Role.DISTRICT_OFFICER,
        name="UNO",
        area_code=area,
        state_code="BD-D",
    )


def tala(ctx: AppContext) -> dict[str, Any]:
    """Schemes loaded, people registered; returns their ids."""
    load_schemes(ctx, bd_admin(), scheme_files())
    admin = bd_admin()
    home = register_household(
        ctx,
        admin,
        area_code=TALA_W1,
        address="Tala bazar road",
        members=[
            MemberInput(
                "head",
                PersonInput(
                    name="রহিমা বেগম",
                    sex="female",
                    area_code=TALA_W1,
                    birth_date=date(1958, 3, 1),
                    identifiers={"bd_nid": RAHIMA_NID, "bd_brn": RAHIMA_BRN},
                ),
            ),
            MemberInput(
                "son",
                PersonInput(
                    name="করিম শেখ",
                    sex="male",
                    area_code=TALA_W1,
                    birth_date=date(1990, 6, 1),
                    phone="+8801712345678",
                ),
            ),
            MemberInput(
                "grandson",
                PersonInput(
                    name="রাফি শেখ", sex="male", area_code=TALA_W1, birth_date=date(2026, 5, 1)
                ),
            ),
        ],
    )
    rahima, karim, rafi = (m.id for m in home.members)
    alone = register_household(
        ctx,
        admin,
        area_code=TALA_W2,
        address="Khalpar",
        members=[
            MemberInput(
                "head",
                PersonInput(
                    name="আব্দুল মিয়া",
                    sex="male",
                    area_code=TALA_W2,
                    birth_date=date(1950, 1, 10),
                    identifiers={"bd_nid": ABDUL_NID},
                ),
            ),
        ],
    )
    abdul = alone.members[0].id
    mitu = register_person(
        ctx,
        admin,
        PersonInput(name="মিতু খাতুন", sex="female", area_code=TALA_W1, birth_date=date(2015, 2, 2)),
    )
    jamal = register_person(
        ctx,
        admin,
        PersonInput(name="জামাল উদ্দিন", sex="male", area_code=TALA_W2, birth_date=date(1940, 8, 8)),
    )
    set_attributes(ctx, admin, rahima, {"marital_status": "widowed"})
    set_attributes(ctx, admin, abdul, {"disabled": True, "chronic_illness": True})
    set_attributes(ctx, admin, jamal.id, {"deceased_on": date(2026, 3, 1)})
    return {
        "rahima": rahima,
        "karim": karim,
        "rafi": rafi,
        "abdul": abdul,
        "mitu": mitu.id,
        "jamal": jamal.id,
    }


def dss(ref: str, scheme: str, day: date, **keys: Any) -> ServiceInput:
    return ServiceInput(department="BD-DSS", scheme=scheme, reference=ref, delivered_on=day, **keys)


OAA, WIDOW = "BD-OLD-AGE-ALLOWANCE", "BD-WIDOW-ALLOWANCE"


def planted_records() -> list[ServiceInput]:
    """Social services' allowances: one double payment under two identifiers of Rahima, her
    widow allowance beside the old-age one, a child and a dead man paid, one unknown NID."""
    return [
        dss("DSS-1", OAA, date(2026, 1, 15), identifiers={"bd_nid": RAHIMA_NID}),
        dss("DSS-2", OAA, date(2026, 1, 28), identifiers={"bd_brn": RAHIMA_BRN}),
        dss("DSS-3", WIDOW, date(2026, 1, 20), identifiers={"bd_nid": RAHIMA_NID}),
        dss("DSS-4", OAA, date(2026, 1, 15), identifiers={"bd_nid": ABDUL_NID}),
        dss("DSS-5", OAA, date(2026, 2, 15), identifiers={"bd_nid": ABDUL_NID}),
        dss("DSS-6", OAA, date(2026, 2, 15), name="মিতু খাতুন", birth_date=date(2015, 2, 2)),
        dss("DSS-7", OAA, date(2026, 4, 15), name="জামাল উদ্দিন", birth_date=date(1940, 8, 8)),
        dss(
            "DSS-8",
            OAA,
            date(2026, 4, 15),
            identifiers={"bd_nid": "9999999999"},
            name="অচেনা",
            area_code=TALA_W1,
        ),
    ]


def record_tala_services(ctx: AppContext) -> None:
    record_services(ctx, bd_officer(), planted_records())
