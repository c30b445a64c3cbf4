"""``tenant rehearse``: the whole window on real databases, measured.

Maintenance on (both sides), export, import, verify both sides against the bundle, switch
(record which deployment now keeps the state), maintenance off; all the while a small load
generator keeps reading the state at the origin and tries to write (refused during the window,
as a 503 would be), and a hospital desk keeps admitting and discharging card holders into its
local queue, whose replays meet the 503 until the switch and then go to the target, where each
event must arrive exactly once (``rehearsal_desk``). The origin keeps its copy as the backup
and refuses writes from then on.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from ..adapters.db import tables as t
from ..domain.maintenance import StateInMaintenance, StateMovedAway
from ..domain.tenancy import TableDifference
from . import certificates
from .maintenance import start_maintenance, stop_maintenance
from .ports import Context
from .rehearsal_desk import HospitalDesk, HospitalTally, hospital_scheme
from .tenant_export import Progress, export_state, state_code_of
from .tenant_import import import_bundle
from .tenant_switch import record_switch
from .tenant_verify import verify_state

Step = Callable[[str], None]


@dataclass
class LoadTally:
    reads: int = 0
    read_failures: int = 0
    writes_accepted: int = 0
    writes_refused: int = 0  # answered "in maintenance" (503 on the API)
    write_failures: int = 0  # anything else: a bug


@dataclass
class RehearsalReport:
    state_code: str
    bundle: Path
    steps: list[tuple[str, float]] = field(default_factory=list)  # (step, seconds)
    freeze_seconds: float = 0.0
    origin: list[TableDifference] = field(default_factory=list)
    target: list[TableDifference] = field(default_factory=list)
    load: LoadTally = field(default_factory=LoadTally)
    hospital: HospitalTally | None = None  # None when the state has no health-service scheme
    switched: bool = False

    @property
    def identical(self) -> bool:
        return all(d.same for d in self.origin + self.target)


class LoadGenerator:
    """A bounded, steady trickle of reads (a person, the published keys) and writes (a
    person's row touched) for the state at the origin, in a thread of its own."""

    def __init__(
        self,
        ctx: Context,
        state_code: str,
        per_second: float = 20.0,
        desk: HospitalDesk | None = None,
    ) -> None:
        self.ctx, self.state_code, self.pause = ctx, state_code, 1.0 / per_second
        self.desk = desk
        self.tally = LoadTally()
        self._stop = threading.Event()
        self._count = threading.Lock()
        # Held by each probe: the window opens between two probes, never in the middle of a
        # write that passed the freeze's check just before (its commit would miss the export).
        self.between_probes = threading.Lock()
        self._pick = random.Random(8)
        with ctx.uow() as uow:
            self.ids = list(uow.conn.execute(  # type: ignore[attr-defined]
                select(t.people.c.id).where(t.people.c.state_code == state_code).limit(200)
            ).scalars())  # fmt: skip
        self._thread = threading.Thread(target=self._run, name="rehearsal-load", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> LoadTally:
        self._stop.set()
        self._thread.join()
        return self.tally

    def _run(self) -> None:
        while not self._stop.is_set() and self.ids:
            self.probe()
            self._stop.wait(self.pause)

    def probe(self) -> None:
        """One read and one write attempt, counted; one hospital event queued and replayed."""
        if not self.ids:
            return
        with self.between_probes:
            self._probe()
            if self.desk is not None:
                self.desk.probe()

    def _probe(self) -> None:
        with self._count:
            person_id = self._pick.choice(self.ids)
        outcome = {}
        try:
            with self.ctx.uow() as uow:
                uow.people.get(person_id)
            certificates.jwks(self.ctx)
            outcome["reads"] = 1
        except Exception:  # noqa: BLE001 - counted: a read must never fail
            outcome["read_failures"] = 1
        try:
            with self.ctx.uow(write=True) as uow:
                p = t.people.c
                uow.conn.execute(  # type: ignore[attr-defined]
                    update(t.people).where(p.state_code == self.state_code, p.id == person_id)
                    .values(version=p.version)
                )  # fmt: skip
                uow.commit()
            outcome["writes_accepted"] = 1
        except (StateInMaintenance, StateMovedAway):
            outcome["writes_refused"] = 1
        except Exception:  # noqa: BLE001 - counted
            outcome["write_failures"] = 1
        with self._count:
            for name, n in outcome.items():
                setattr(self.tally, name, getattr(self.tally, name) + n)


def rehearse(
    origin: Context,
    target: Context,
    state_code: str,
    work_dir: Path,
    *,
    target_name: str,
    window_minutes: int = 120,
    step: Step | None = None,
    load_per_second: float = 20.0,
    scheme: str | None = None,
    progress: Progress | None = None,
) -> RehearsalReport:
    """The window from maintenance on to off; ``step`` is told each step's name as it begins,
    ``progress`` the rows each table has reached in the export and the import (a state of a
    million people takes minutes there)."""
    code = state_code_of(origin, state_code)
    bundle = work_dir / f"{code}-bundle"
    report = RehearsalReport(code, bundle)
    say = step or (lambda _: None)
    certificates.active_key(origin)  # the key the export signs with, made now if need be
    trusted = certificates.jwks(origin)  # the operator holds both: the origin's keys, as is
    scheme = scheme or hospital_scheme(origin, code)
    desk = None
    if scheme is not None:  # the hospitals' cards are handed out before the day
        say(f"cards for {scheme} and the hospital desk")
        desk = HospitalDesk(origin, code, work_dir / f"{code}-desk", scheme)
    load = LoadGenerator(origin, code, load_per_second, desk)
    load.start()
    started = time.monotonic()

    def timed(name: str, action: Callable[[], object]) -> object:
        say(name)
        begun = time.monotonic()
        result = action()
        report.steps.append((name, time.monotonic() - begun))
        return result

    until = origin.now() + timedelta(minutes=window_minutes)
    reason = f"moving {code} to {target_name}"
    frozen_at = started
    try:
        with load.between_probes:
            frozen_at = time.monotonic()
            timed("maintenance on", lambda: (
                start_maintenance(origin, code, until, reason, actor="rehearsal"),
                start_maintenance(target, code, until, reason, actor="rehearsal")))  # fmt: skip
        load.probe()  # at least one read, one refused write and one queued event in the window
        timed("export", lambda: export_state(origin, code, bundle, progress))
        timed("import", lambda: import_bundle(target, bundle, trusted, progress))
        report.target = timed(  # type: ignore[assignment]
            "verify target", lambda: verify_state(target, code, bundle, trusted)[1]
        )
        report.origin = timed(  # type: ignore[assignment]
            "verify origin", lambda: verify_state(origin, code, bundle)[1]
        )
        if report.identical:
            timed("switch", lambda: (
                record_switch(target, code, target_name, here=True, bundle=bundle,
                              actor="rehearsal"),
                record_switch(origin, code, target_name, here=False, bundle=bundle,
                              actor="rehearsal")))  # fmt: skip
            report.switched = True
    finally:
        timed("maintenance off", lambda: (
            stop_maintenance(target, code, actor="rehearsal"),
            stop_maintenance(origin, code, actor="rehearsal")))  # fmt: skip
        report.freeze_seconds = time.monotonic() - frozen_at
        keeper = target if report.switched else origin
        if desk is not None:  # the hospitals are told where the state is kept now
            desk.point_at(keeper, "target" if report.switched else "origin")
        report.load = load.stop()
    if desk is not None:
        report.hospital = timed("replay hospital events", lambda: desk.finish(keeper))  # type: ignore[assignment]
    return report
