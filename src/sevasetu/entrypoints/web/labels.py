"""Words the pages show for the domain's codes: relations, sexes, roles, identifier kinds.

Each label is a gettext msgid marked with ``N_`` so that ``scripts/i18n_extract.py`` finds it;
the page translates it when it renders.
"""

from __future__ import annotations

from ...domain.access import Role
from ...domain.households import Relation
from ...domain.identifiers import IdentifierKind
from ...domain.people import Sex


def N_(message: str) -> str:  # noqa: N802 - the usual gettext marker name
    """Marks a msgid for extraction; translated later, where the language is known."""
    return message


SEX: dict[str, str] = {
    Sex.FEMALE: N_("Female"),
    Sex.MALE: N_("Male"),
    Sex.OTHER: N_("Other"),
}

RELATION: dict[str, str] = {
    Relation.HEAD: N_("Head of household"),
    Relation.SPOUSE: N_("Wife or husband"),
    Relation.SON: N_("Son"),
    Relation.DAUGHTER: N_("Daughter"),
    Relation.FATHER: N_("Father"),
    Relation.MOTHER: N_("Mother"),
    Relation.BROTHER: N_("Brother"),
    Relation.SISTER: N_("Sister"),
    Relation.GRANDSON: N_("Grandson"),
    Relation.GRANDDAUGHTER: N_("Granddaughter"),
    Relation.SON_IN_LAW: N_("Son-in-law"),
    Relation.DAUGHTER_IN_LAW: N_("Daughter-in-law"),
    Relation.FATHER_IN_LAW: N_("Father-in-law"),
    Relation.MOTHER_IN_LAW: N_("Mother-in-law"),
    Relation.OTHER_RELATIVE: N_("Other relative"),
    Relation.NOT_RELATED: N_("Not related"),
}

ROLE: dict[str, str] = {
    Role.CITIZEN: N_("Citizen"),
    Role.ASHA: N_("ASHA"),
    Role.ANM: N_("ANM"),
    Role.VERIFIER: N_("Verifier"),
    Role.FACILITY_ADMIN: N_("Facility administrator"),
    Role.DISTRICT_OFFICER: N_("District officer"),
    Role.STATE_ADMIN: N_("State administrator"),
    Role.AUDITOR: N_("Auditor"),
    Role.REGISTRAR: N_("Marriage registrar"),
}

# Field labels on the forms; the error sentences use ``domain.identifiers.LABELS`` instead.
IDENTIFIER: dict[str, str] = {
    IdentifierKind.AADHAAR: N_("Aadhaar number"),
    IdentifierKind.ABHA: N_("ABHA number"),
    IdentifierKind.VOTER_ID: N_("Voter ID (EPIC)"),
    IdentifierKind.RATION_CARD: N_("Ration card number"),
    IdentifierKind.BD_NID: N_("National ID (NID)"),
    IdentifierKind.BD_BRN: N_("Birth registration number (BRN)"),
}

# Which identifiers a worker is asked for, by the country of their area.
IDENTIFIERS_BY_COUNTRY: dict[str, list[IdentifierKind]] = {
    "IN": [
        IdentifierKind.AADHAAR,
        IdentifierKind.ABHA,
        IdentifierKind.VOTER_ID,
        IdentifierKind.RATION_CARD,
    ],
    "BD": [IdentifierKind.BD_NID, IdentifierKind.BD_BRN],
}
# The one identifier asked for on each row of the household roster.
ROSTER_IDENTIFIER: dict[str, IdentifierKind] = {
    "IN": IdentifierKind.AADHAAR,
    "BD": IdentifierKind.BD_NID,
}

# The household survey (docs/surveys.md).
MARITAL: dict[str, str] = {
    "never_married": N_("Never married"),
    "married": N_("Married"),
    "widowed": N_("Widowed"),
    "divorced": N_("Divorced"),
    "separated": N_("Separated"),
    "deserted": N_("Deserted"),
}
MEMBER_STATUS: dict[str, str] = {
    "present": N_("Lives here"),
    "died": N_("Died"),
    "moved_out": N_("Moved out"),
}
ARRIVAL: dict[str, str] = {
    "born": N_("Born into the household"),
    "moved_in": N_("Moved in (marriage, migration)"),
}
SURVEY_STATUS: dict[str, str] = {
    "open": N_("To survey"),
    "submitted": N_("Waiting for verification"),
    "returned": N_("Returned for correction"),
    "approved": N_("Approved"),
}
CHANGE: dict[str, str] = {
    "birth": N_("Births"),
    "death": N_("Deaths"),
    "marriage": N_("Marriages"),
    "move_in": N_("Moved in"),
    "move_out": N_("Moved out"),
    "new_benefit": N_("New benefits"),
    "stopped_benefit": N_("Stopped benefits"),
}
