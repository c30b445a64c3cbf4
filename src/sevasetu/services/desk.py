"""The hospital desk client's use cases (``sevasetu desk``): save the issuer's keys, check a
card offline, queue admissions and discharges with ids and idempotency keys made here, and
replay the queue exactly once (docs/hospital-continuity.md).

The desk works without the deployment: the store is a local file, the deployment a port
(``HttpDeployment`` over HTTPS, or ``hospital_events.InProcessDeployment`` in a rehearsal)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from ..adapters.certificates.cards import verify_card
from ..adapters.desk.store import DeskStore, QueuedEvent
from ..domain.desk import (
    Answer,
    DeskError,
    ReplayReport,
    Unavailable,
    admission_body,
    discharge_body,
)
from ..domain.eligibility_cards import CardClaims

BATCH = 50


class Deployment(Protocol):
    def offline_keys(self) -> dict[str, Any]: ...
    def send(self, bodies: list[dict[str, Any]]) -> list[Answer] | Unavailable: ...


def sync(store: DeskStore, deployment: Deployment, url: str, now: datetime) -> dict[str, Any]:
    """Fetch and save the JWKS and revocation lists; the old ones stay if anything fails."""
    found = deployment.offline_keys()
    if not found.get("jwks", {}).get("keys"):
        raise DeskError("The deployment publishes no signing keys.")
    document = {**found, "source": url, "synced_at": now.isoformat()}
    store.save_keys(document)
    return document


def check(store: DeskStore, card: str | bytes, today: date) -> CardClaims:
    """The card checked offline against the saved keys and revocation lists, on ``today``."""
    saved = store.keys()
    if saved is None:
        raise DeskError("No keys are saved here yet: run `sevasetu desk sync` while online.")
    return verify_card(card, saved["jwks"], saved.get("crls") or [], on=today)


def _ids() -> tuple[str, str]:
    event_id = str(uuid.uuid4())
    return event_id, f"desk:{event_id}"


def admit(
    store: DeskStore,
    card: str | bytes,
    *,
    facility_code: str,
    admitted_at: datetime,
    now: datetime,
    today: date,
    package: str = "",
    amount: float | None = None,
) -> QueuedEvent:
    """Check the card offline, then queue the admission of its holder."""
    claims = check(store, card, today)
    event_id, key = _ids()
    return store.add(
        admission_body(
            claims,
            event_id=event_id,
            key=key,
            facility_code=facility_code,
            admitted_at=admitted_at,
            queued_at=now,
            package=package,
            amount=amount,
        )
    )


def discharge(
    store: DeskStore,
    admission_id: str,
    *,
    discharged_at: datetime,
    now: datetime,
    package: str | None = None,
    amount: float | None = None,
) -> QueuedEvent:
    """Queue the discharge of an admission queued at this desk."""
    admission = store.get(admission_id.strip().lower())
    if admission is None:
        raise DeskError(f"No admission {admission_id} was queued at this desk.", "admission")
    if any(
        e.kind == "discharge" and e.body.get("admission_id") == admission.id for e in store.all()
    ):
        raise DeskError(f"The admission {admission.id} is already discharged.", "admission")
    event_id, key = _ids()
    return store.add(
        discharge_body(
            admission.body,
            event_id=event_id,
            key=key,
            discharged_at=discharged_at,
            queued_at=now,
            package=package,
            amount=amount,
        )
    )


def replay(
    store: DeskStore,
    deployment: Deployment,
    *,
    now: Callable[[], datetime],
    batch: int = BATCH,
    on_batch: Callable[[ReplayReport], None] | None = None,
) -> ReplayReport:
    """Send the queue, oldest first, a batch at a time; each event is marked with the answer
    once the deployment gave it. On 503 (maintenance) or no connection the replay stops and
    the rest stays queued. Interrupted anywhere, a new replay sends what is not marked: the
    deployment answers "already recorded" for what it had taken, so each event counts once."""
    report = ReplayReport()
    while True:
        pending = store.pending(batch)
        if not pending:
            break
        answer = deployment.send([e.body for e in pending])
        if isinstance(answer, Unavailable):
            report.stopped = answer
            break
        if len(answer) != len(pending):
            raise DeskError("The deployment answered for a different number of events.")
        store.mark([(a.idempotency_key, a.status, a.problem) for a in answer], now().isoformat())
        report.add(answer)
        by_key = {e.idempotency_key: e.id for e in pending}
        report.refusals += [
            (by_key.get(a.idempotency_key, "?"), a.problem or "")
            for a in answer
            if a.status == "error"
        ]
        if on_batch is not None:
            on_batch(report)
    report.pending = store.counts().get("queued", 0)
    return report
