"""Adverse events following immunisation (AEFI): what is reported and when it is serious.

Serious follows the WHO definition: death, a threat to life, hospitalisation (or a longer stay),
disability, a congenital anomaly, or a cluster of events. A serious event is severity
``serious`` and names at least one of those reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from .errors import AefiInvalid, ImpossibleDate

MAX_OTHER_SYMPTOMS = 300
E = TypeVar("E", bound=StrEnum)


class Symptom(StrEnum):
    FEVER = "fever"
    LOCAL_REACTION = "local_reaction"  # pain, swelling, redness at the injection site
    ABSCESS = "abscess"
    PERSISTENT_CRYING = "persistent_crying"
    VOMITING = "vomiting"
    DIARRHOEA = "diarrhoea"
    RASH = "rash"
    SEIZURE = "seizure"
    ANAPHYLAXIS = "anaphylaxis"
    HYPOTONIC_EPISODE = "hypotonic_episode"
    ENCEPHALOPATHY = "encephalopathy"
    BCG_LYMPHADENITIS = "bcg_lymphadenitis"
    SYNCOPE = "syncope"
    OTHER = "other"


class Severity(StrEnum):
    MINOR = "minor"
    SEVERE = "severe"
    SERIOUS = "serious"


class SeriousReason(StrEnum):
    DEATH = "death"
    LIFE_THREATENING = "life_threatening"
    HOSPITALISATION = "hospitalisation"
    DISABILITY = "disability"
    CONGENITAL_ANOMALY = "congenital_anomaly"
    CLUSTER = "cluster"


class Outcome(StrEnum):
    RECOVERING = "recovering"
    RECOVERED = "recovered"
    RECOVERED_WITH_SEQUELAE = "recovered_with_sequelae"
    DIED = "died"
    UNKNOWN = "unknown"


@dataclass(slots=True)
class AefiReport:
    id: str
    state_code: str
    vaccination_id: str
    person_id: str
    area_code: str  # where it is followed up: the facility's area, else the person's village
    dose_code: str
    onset_at: datetime
    symptoms: list[Symptom]
    other_symptoms: str
    severity: Severity
    serious_reasons: list[SeriousReason]
    outcome: Outcome
    reported_by: str  # who noticed it: a parent, an ASHA, a doctor (free text)
    recorded_by: str
    recorded_at: datetime
    updated_at: datetime
    version: int = 1
    outcome_history: list[dict[str, str]] = field(default_factory=list)

    @property
    def serious(self) -> bool:
        return self.severity is Severity.SERIOUS


def _enum(kind: type[E], value: str, field_name: str, words: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise AefiInvalid(field_name, reason=words) from None


def symptoms_of(values: list[str], other: str) -> list[Symptom]:
    found = [_enum(Symptom, v, "symptoms", "a symptom is not in the list") for v in values]
    if not found and not other.strip():
        raise AefiInvalid("symptoms", reason="at least one symptom is needed")
    if Symptom.OTHER in found and not other.strip():
        raise AefiInvalid("other_symptoms", reason="describe the other symptoms")
    if len(other) > MAX_OTHER_SYMPTOMS:
        raise AefiInvalid("other_symptoms", reason="the description is too long")
    return sorted(set(found), key=list(Symptom).index)


def severity_of(value: str, reasons: list[str]) -> tuple[Severity, list[SeriousReason]]:
    severity = _enum(Severity, value, "severity", "the severity must be minor, severe or serious")
    why = [
        _enum(SeriousReason, r, "serious_reasons", "a reason for seriousness is not in the list")
        for r in reasons
    ]
    if severity is Severity.SERIOUS and not why:
        raise AefiInvalid(
            "serious_reasons", reason="a serious event names why: death, a threat to life, "
            "hospitalisation, disability, a congenital anomaly or a cluster",
        )  # fmt: skip
    if severity is not Severity.SERIOUS and why:
        raise AefiInvalid("serious_reasons", reason="only a serious event has reasons for it")
    return severity, sorted(set(why), key=list(SeriousReason).index)


def outcome_of(value: str, why: list[SeriousReason]) -> Outcome:
    outcome = _enum(Outcome, value, "outcome", "the outcome is not in the list")
    if outcome is Outcome.DIED and SeriousReason.DEATH not in why:
        raise AefiInvalid("outcome", reason="a death is a serious event with the reason death")
    return outcome


def check_onset(onset_at: datetime, given_on_start: datetime, now: datetime) -> None:
    """The onset lies between the start of the day of the dose and now."""
    if onset_at > now:
        raise ImpossibleDate("onset_at", value=onset_at.isoformat(), reason="it is in the future")
    if onset_at < given_on_start:
        raise ImpossibleDate(
            "onset_at", value=onset_at.isoformat(), reason="it is before the dose was given"
        )
