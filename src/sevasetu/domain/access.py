"""Who may do what, and where. Deny by default: a role has only the actions listed here,
and staff act only inside the area they are posted to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .areas import Area
from .errors import Forbidden, OutsideArea


class Role(StrEnum):
    CITIZEN = "citizen"
    ASHA = "asha"
    ANM = "anm"
    VERIFIER = "verifier"
    FACILITY_ADMIN = "facility_admin"
    DISTRICT_OFFICER = "district_officer"
    STATE_ADMIN = "state_admin"
    AUDITOR = "auditor"
    REGISTRAR = "registrar"  # marriage registrar (Bangladesh: the Nikah registrar, kazi)


class Action(StrEnum):
    PERSON_READ = "read people"
    PERSON_REGISTER = "register people"
    PERSON_CORRECT = "correct people's records"
    HOUSEHOLD_REGISTER = "register households"
    USER_MANAGE = "manage users"
    AUDIT_READ = "read the audit trail"
    VACCINATION_RECORD = "record vaccinations"
    PREGNANCY_REGISTER = "register pregnancies and antenatal visits"
    DELIVERY_RECORD = "record deliveries"
    AEFI_REPORT = "report adverse events after immunisation"
    AEFI_READ = "read the district's adverse events after immunisation"
    LOT_MANAGE = "manage vaccine lots"
    SESSION_PLAN = "plan vaccination sessions"
    LOT_READ = "read vaccine lots"
    STOCK_ISSUE = "issue vaccine stock to sessions and record wastage"
    PROOF_VERIFY = "verify proofs of earlier doses"
    REPORT_READ = "read an area's reports"
    ATTESTATION_RECORD = "record village completion attestations"
    LEGACY_REVIEW = "review the linkage of legacy records"
    SCHEME_MANAGE = "manage schemes and their eligibility rules"
    SERVICE_RECORD = "record services given by a department"
    SERVICE_RESOLVE = "resolve queued service records"
    BENEFIT_REVIEW = "review duplicate benefit findings"
    CARD_ISSUE = "issue and revoke eligibility cards"
    HOSPITAL_EVENT_RECORD = "record hospital admissions and discharges"
    SURVEY = "survey households"
    SURVEY_VERIFY = "verify household surveys"
    SURVEY_CAMPAIGN = "start the yearly household update"
    MARRIAGE_CHECK = "check the ages of a couple before a marriage"
    MARRIAGE_ALERTS = "list the girls and boys to visit against child marriage"


_FIELD_WORK = frozenset(
    {Action.PERSON_READ, Action.PERSON_REGISTER, Action.PERSON_CORRECT, Action.HOUSEHOLD_REGISTER}
)

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CITIZEN: frozenset(),  # citizens act on their own family through their account
    Role.ASHA: _FIELD_WORK,
    Role.ANM: _FIELD_WORK | {Action.VACCINATION_RECORD},
    Role.VERIFIER: frozenset({Action.PERSON_READ}),
    Role.FACILITY_ADMIN: _FIELD_WORK | {Action.VACCINATION_RECORD},
    Role.DISTRICT_OFFICER: _FIELD_WORK | {Action.USER_MANAGE},
    Role.STATE_ADMIN: _FIELD_WORK | {Action.USER_MANAGE, Action.AUDIT_READ},
    Role.AUDITOR: frozenset({Action.PERSON_READ, Action.AUDIT_READ}),
}
# Vaccine lots: vaccinators see what their facility holds; a facility admin or higher adds lots.
_LOTS: dict[Role, frozenset[Action]] = {
    Role.ANM: frozenset({Action.LOT_READ}),
    Role.FACILITY_ADMIN: frozenset({Action.LOT_READ, Action.LOT_MANAGE}),
    Role.DISTRICT_OFFICER: frozenset({Action.LOT_READ, Action.LOT_MANAGE}),
    Role.STATE_ADMIN: frozenset({Action.LOT_READ, Action.LOT_MANAGE}),
}
PERMISSIONS.update({role: PERMISSIONS[role] | extra for role, extra in _LOTS.items()})
# Stock: receipts and adjustments go with managing lots (LOT_MANAGE); the vaccinator who takes
# vials to her session issues them, returns the unused ones and records what she discarded.
for _role in (Role.ANM, Role.FACILITY_ADMIN, Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.STOCK_ISSUE}
# Sessions: the ANM who runs them, the facility, and the officers above them plan them.
for _role in (Role.ANM, Role.FACILITY_ADMIN, Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.SESSION_PLAN}
# Pregnancies: ASHAs and ANMs register them; deliveries are recorded where doses are given.
# Adverse events: reported by vaccinators, read across an area by the officers (the DIO).
_MOTHERS: dict[Role, frozenset[Action]] = {
    Role.ASHA: frozenset({Action.PREGNANCY_REGISTER}),
    Role.ANM: frozenset({Action.PREGNANCY_REGISTER, Action.DELIVERY_RECORD, Action.AEFI_REPORT}),
    Role.FACILITY_ADMIN: frozenset(
        {Action.PREGNANCY_REGISTER, Action.DELIVERY_RECORD, Action.AEFI_REPORT, Action.AEFI_READ}
    ),
    Role.DISTRICT_OFFICER: frozenset({Action.AEFI_REPORT, Action.AEFI_READ}),
    Role.STATE_ADMIN: frozenset({Action.AEFI_READ}),
}
PERMISSIONS.update({role: PERMISSIONS[role] | extra for role, extra in _MOTHERS.items()})
# Proofs of earlier doses (S1): verifiers decide them for the sessions of their area.
PERMISSIONS[Role.VERIFIER] = PERMISSIONS[Role.VERIFIER] | {Action.PROOF_VERIFY}
# Reports (reconciliation, S2): the district's officers and those above them read them, the
# auditor too; the officers record the sarpanches' completion attestations.
for _role in (Role.DISTRICT_OFFICER, Role.STATE_ADMIN, Role.AUDITOR):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.REPORT_READ}
for _role in (Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.ATTESTATION_RECORD}

# Legacy linkage (S2): a verifier or the district's officers decide the doubtful pairs.
for _role in (Role.VERIFIER, Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.LEGACY_REVIEW}

# The services ledger (S3, S4): the state admin writes schemes; departments' officers post what
# they gave; a verifier or the officers resolve the queue and decide the findings.
PERMISSIONS[Role.STATE_ADMIN] = PERMISSIONS[Role.STATE_ADMIN] | {Action.SCHEME_MANAGE}
for _role in (Role.FACILITY_ADMIN, Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.SERVICE_RECORD}
for _role in (Role.VERIFIER, Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.SERVICE_RESOLVE}
for _role in (Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.BENEFIT_REVIEW}

# Hospital continuity (S4): the scheme's offices issue eligibility cards to people of their
# area; a hospital's desk (its facility admin) records the admissions and discharges of any
# card holder of the state, the card being the beneficiary's proof.
for _role in (Role.FACILITY_ADMIN, Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.CARD_ISSUE, Action.HOSPITAL_EVENT_RECORD}

# Child marriage (S3): the registrar checks a couple's ages before registering the marriage
# (finding a party without a number by searching their area's people, each read audited);
# the registrar and the officers list the girls and boys approaching the minimum ages.
PERMISSIONS[Role.REGISTRAR] = frozenset(
    {Action.PERSON_READ, Action.MARRIAGE_CHECK, Action.MARRIAGE_ALERTS}
)
for _role in (Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.MARRIAGE_CHECK, Action.MARRIAGE_ALERTS}

# Household surveys (S3): field workers survey; a verifier or the officers verify (never their
# own survey); the officers start the yearly update (the January campaign).
for _role in (Role.ASHA, Role.ANM, Role.FACILITY_ADMIN, Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.SURVEY}
for _role in (Role.VERIFIER, Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.SURVEY_VERIFY}
for _role in (Role.DISTRICT_OFFICER, Role.STATE_ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Action.SURVEY_CAMPAIGN}

# A manager may create users of a lower rank only.
RANK: dict[Role, int] = {
    Role.CITIZEN: 0,
    Role.ASHA: 1,
    Role.ANM: 1,
    Role.VERIFIER: 1,
    Role.FACILITY_ADMIN: 2,
    Role.AUDITOR: 2,
    Role.REGISTRAR: 1,
    Role.DISTRICT_OFFICER: 3,
    Role.STATE_ADMIN: 4,
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever is calling: a staff user or a citizen's account."""

    kind: str  # "user" | "citizen"
    id: str
    role: Role
    name: str
    area_code: str | None = None  # None for citizens
    state_code: str | None = None
    language: str = "en"

    @property
    def actor(self) -> str:
        return f"{self.kind}:{self.id}"


def can(principal: Principal, action: Action) -> bool:
    return action in PERMISSIONS.get(principal.role, frozenset())


def require(principal: Principal, action: Action) -> None:
    if not can(principal, action):
        raise Forbidden(action=action.value)


def require_recording(principal: Principal, *, backdated: bool) -> None:
    """Vaccinators record doses; a verifier records only doses given elsewhere or earlier
    (back-dated, with their evidence), such as the one a proof she checked shows."""
    if can(principal, Action.VACCINATION_RECORD):
        return
    if backdated and can(principal, Action.PROOF_VERIFY):
        return
    raise Forbidden(action=Action.VACCINATION_RECORD.value)


def require_area(principal: Principal, area: Area) -> None:
    if principal.area_code is None or not area.is_within(principal.area_code):
        raise OutsideArea("area_code")


class Reach(StrEnum):
    AREA = "area"  # inside the caller's area
    ANYWHERE = "anywhere"  # outside it, by the vaccination-anywhere rule: audited as such


# U-WIN's "vaccination anywhere": whoever records doses may find a registered person by an
# exact identifier and read their schedule wherever they live, to vaccinate them. Nothing
# else crosses the caller's area.
CROSSES_AREAS = frozenset({Action.VACCINATION_RECORD})


def reach(principal: Principal, area: Area, action: Action) -> Reach:
    """May the principal do ``action`` for someone living in ``area``, and by which rule?
    Raises Forbidden or OutsideArea; callers record ``Reach.ANYWHERE`` in the audit entry."""
    require(principal, action)
    if principal.area_code is not None and area.is_within(principal.area_code):
        return Reach.AREA
    if action in CROSSES_AREAS:
        return Reach.ANYWHERE
    raise OutsideArea("area_code")


def require_rank_above(manager: Principal, role: Role) -> None:
    if RANK[role] >= RANK[manager.role]:
        raise Forbidden("role", action=f"create a user with the role {role.value}")
