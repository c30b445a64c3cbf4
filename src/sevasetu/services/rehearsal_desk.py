"""The hospital desk in a rehearsal: cards handed out before the day, then a desk that keeps
admitting and discharging card holders through the window, queueing in its local file; its
replays meet the origin's 503 while the state is frozen, and after the switch the queue goes
to the target. At the end every event queued must be at the target exactly once."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..adapters.db import tables as t
from ..adapters.desk.store import DeskStore
from ..domain.access import Principal, Role
from ..domain.areas import FacilityKind
from ..domain.errors import DomainError
from ..domain.schemes import BenefitKind
from . import desk
from .eligibility_cards import IssuedEligibilityCard, issue_for_operator
from .hospital_events import InProcessDeployment
from .ports import Context

CARDS = 20


@dataclass
class HospitalTally:
    scheme: str = ""
    facility: str = ""
    cards: int = 0
    queued: int = 0  # events the desk queued during the rehearsal
    admissions: int = 0
    discharges: int = 0
    recorded_at_origin: int = 0  # replayed before the window: they travel in the bundle
    replays_refused: int = 0  # replays stopped by a 503 (maintenance, then "moved")
    replayed: int = 0  # recorded at the keeper after the switch
    already_recorded: int = 0  # answered so when the whole queue was sent again
    refused: int = 0  # events the deployment refused: a bug, must be 0
    lost: int = 0  # queued but not at the keeper at the end: must be 0
    duplicated: int = 0  # at the keeper more than once: must be 0
    replays: list[tuple[str, int, int, int]] = field(default_factory=list)

    @property
    def exactly_once(self) -> bool:
        return self.queued > 0 and self.lost == 0 and self.duplicated == 0 and self.refused == 0


def _desk_principal(state_code: str) -> Principal:
    return Principal(kind="user", id="rehearsal-desk", role=Role.STATE_ADMIN,
                     name="rehearsal hospital desk", area_code=state_code,
                     state_code=state_code)  # fmt: skip


class HospitalDesk:
    """One desk at one hospital of the state, driven by the load generator's thread."""

    def __init__(self, origin: Context, state_code: str, directory: Path, scheme: str) -> None:
        self.origin, self.state_code = origin, state_code
        self.tally = HospitalTally(scheme=scheme)
        self.lock = threading.Lock()
        self._pick = random.Random(12)
        self.keys: list[str] = []
        self.open: list[str] = []  # admissions not discharged yet
        self.cards = self._hand_out_cards(scheme)
        self.tally.cards = len(self.cards)
        self.tally.facility = self._hospital()
        self.store = DeskStore(directory)
        self.principal = _desk_principal(state_code)
        self.deployment = InProcessDeployment(origin, self.principal)
        self.where = "origin"
        desk.sync(self.store, self.deployment, "origin", origin.now())

    def _hand_out_cards(self, scheme: str) -> list[IssuedEligibilityCard]:
        with self.origin.uow() as uow:
            ids = list(uow.conn.execute(  # type: ignore[attr-defined]
                select(t.people.c.id).where(t.people.c.state_code == self.state_code)
                .order_by(t.people.c.id).limit(CARDS * 5)
            ).scalars())  # fmt: skip
        cards: list[IssuedEligibilityCard] = []
        for person_id in ids:
            try:
                cards.append(issue_for_operator(self.origin, person_id, scheme, actor="rehearsal"))
            except DomainError:
                continue  # not eligible: no card
            if len(cards) == CARDS:
                break
        return cards

    def _hospital(self) -> str:
        with self.origin.uow() as uow:
            found = uow.areas.facilities()
        ours = [f for f in found if f.state_code == self.state_code]
        hospitals = [f for f in ours if f.kind is FacilityKind.HOSPITAL] or ours
        if not hospitals:
            raise LookupError(f"{self.state_code} has no facility for the rehearsal's desk")
        return str(sorted(hospitals, key=lambda f: f.code)[0].code)

    def point_at(self, ctx: Context, where: str) -> None:
        """After the switch the desk's replays go to the new keeper."""
        with self.lock:
            self.deployment = InProcessDeployment(ctx, self.principal)
            self.where = where

    def probe(self) -> None:
        """Queue one event (a new admission, or a discharge of one), then try a replay."""
        if not self.cards:
            return
        with self.lock:
            now = self.origin.now()
            if self.open and self._pick.random() < 0.4:
                admission = self.open.pop(self._pick.randrange(len(self.open)))
                queued = desk.discharge(
                    self.store,
                    admission,
                    discharged_at=now,
                    now=now,
                    amount=float(self._pick.randrange(5, 50) * 1000),
                )
                self.tally.discharges += 1
            else:
                card = self._pick.choice(self.cards)
                queued = desk.admit(self.store, card.jws, facility_code=self.tally.facility,
                                    admitted_at=now, now=now, today=self.origin.today(),
                                    package=f"PKG-{self._pick.randrange(100, 999)}")  # fmt: skip
                self.open.append(queued.id)
                self.tally.admissions += 1
            self.keys.append(queued.idempotency_key)
            self.tally.queued += 1
            self._replay()

    def _replay(self) -> desk.ReplayReport:
        report = desk.replay(self.store, self.deployment, now=self.origin.now)
        if report.stopped is not None:
            self.tally.replays_refused += 1
        if self.where == "origin":
            self.tally.recorded_at_origin += report.recorded
        else:
            self.tally.replayed += report.recorded
        self.tally.refused += report.refused
        if report.sent:
            self.tally.replays.append((self.where, report.sent, report.recorded,
                                       report.already_recorded))  # fmt: skip
        return report

    def finish(self, keeper: Context) -> HospitalTally:
        """The last replay to the keeper, then the whole queue sent once more (a desk that lost
        its marks): all must be "already recorded"; then each queued event counted there."""
        with self.lock:
            self._replay()
            ours = set(self.keys)  # once: a long window queues thousands of events
            everything = [e.body for e in self.store.all() if e.idempotency_key in ours]
            for start in range(0, len(everything), desk.BATCH):
                answers = self.deployment.send(everything[start : start + desk.BATCH])
                if isinstance(answers, list):
                    self.tally.already_recorded += sum(
                        a.status == "already_recorded" for a in answers
                    )
            with keeper.uow() as uow:
                counted = uow.hospital_events.count_by_key(self.keys)
            self.tally.lost = sum(1 for k in self.keys if counted.get(k, 0) == 0)
            self.tally.duplicated = sum(n - 1 for n in counted.values() if n > 1)
        return self.tally


def hospital_scheme(ctx: Context, state_code: str) -> str | None:
    """The scheme the rehearsal's desk admits under: the state's first health-service scheme."""
    with ctx.uow() as uow:
        schemes = uow.schemes.all(state_code)
    services = [s for s in schemes if s.benefit is BenefitKind.SERVICE]
    return services[0].code if services else None
