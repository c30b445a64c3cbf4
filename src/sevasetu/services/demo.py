"""Loading a synthetic population and demo staff users, for demonstrations and benchmarks."""

from __future__ import annotations

import random
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from ..adapters.db.bulk import bulk_insert
from ..adapters.db.tables import areas as areas_table
from ..adapters.db.tables import households as households_table
from ..adapters.db.tables import people as people_table
from ..adapters.db.tables import person_identifiers as identifiers_table
from ..adapters.db.tables import vaccinations as vaccinations_table
from ..adapters.demo import immunisation
from ..adapters.demo.generator import DemoBatch, generate
from ..adapters.schedules import load_schedule
from ..domain.areas import RESIDENCE_LEVELS, Area, AreaTree
from ..domain.errors import InvalidInput, UsernameTaken
from .areas import load_geography
from .audit import record
from .auth import add_user
from .demo_ledger import load_demo_ledger
from .legacy_synthetic import FirstDose, Shares, write_legacy_export
from .ports import Context

DEMO_PASSWORD = "sevasetu-demo"
ACTOR = "system:demo"

# Where the default population lives: most of it in the demo district, some in each of the
# other two so that all three scripts and both countries appear.
DEFAULT_DISTRICTS: dict[str, float] = {
    "IN-WB-NAD": 0.70,  # Nadia, West Bengal: Bengali script
    "IN-CG-RGH": 0.15,  # Raigarh, Chhattisgarh: Devanagari
    "BD-D-SAT-TAL": 0.15,  # Tala upazila, Satkhira, Bangladesh
}

# (username, role, area, language, full name)
DEMO_USERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("asha.nadia", "asha", "IN-WB-NAD-KN1", "bn", "Rina Ghosh"),
    ("anm.nadia", "anm", "IN-WB-NAD-KN1", "bn", "Sabita Mondal"),
    ("verifier.nadia", "verifier", "IN-WB-NAD-KN1", "bn", "Tapas Biswas"),
    ("facility.nadia", "facility_admin", "IN-WB-NAD-KN1", "bn", "Dr. Anirban Saha"),
    ("dio.nadia", "district_officer", "IN-WB-NAD", "en", "Dr. Mitali Sen"),
    ("admin.wb", "state_admin", "IN-WB", "en", "West Bengal state administrator"),
    ("auditor.wb", "auditor", "IN-WB", "en", "West Bengal auditor"),
    ("asha.raigarh", "asha", "IN-CG-RGH-PUS", "hi", "Sunita Sahu"),
    ("asha.tala", "asha", "BD-D-SAT-TAL-TAL", "bn", "Rokeya Khatun"),
    ("registrar.tala", "registrar", "BD-D-SAT-TAL", "bn", "Kazi Abdul Mannan"),
    ("admin.cg", "state_admin", "IN-CG", "en", "Chhattisgarh state administrator"),
    ("admin.bd", "state_admin", "BD-D", "en", "Khulna division administrator"),
)


# Raigarh's first doses given on the state portal (CG Teeka) that never reached the registry.
LEGACY_DISTRICT = "IN-CG-RGH"
LEGACY_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class DemoSummary:
    people: int
    households: int
    identifiers: int
    users_created: int
    doses: int = 0
    legacy_rows: int = 0  # rows of the legacy export written beside the demo, if asked for
    service_records: int = 0  # the services ledger's year of records (``services.demo_ledger``)
    findings: int = 0  # double benefits the detection found in them


def load_demo(
    ctx: Context,
    *,
    people: int = 2000,
    seed: int = 7,
    districts: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
    append: bool = False,
    batch_size: int = 10_000,
    history: bool = True,
    legacy_dir: Path | None = None,
    legacy_share: float = LEGACY_SHARE,
    ledger: bool = True,
) -> DemoSummary:
    """Generate ``people`` synthetic people in households and store them, one transaction per
    batch. ``districts`` are area codes (any level above the village or ward) sharing the
    population equally; by default 70 % Nadia, 15 % Raigarh, 15 % Tala.

    Refuses when people are already registered, unless ``append``: then the seed is mixed
    with the number already there, so the new ids and numbers do not collide with theirs.
    ``history``: their doses too, routine for children and the COVID-19 campaign for Indian
    adults (``adapters.demo.immunisation``).

    ``legacy_dir``: Raigarh as in December 2021 (DOMAIN.md, S2): for ``legacy_share`` of its
    people with two COVID-19 doses, the first dose is left out of the registry and written,
    with the damage of a state portal's export, to ``legacy_dir/legacy.csv`` with its
    ``mapping.toml`` and ``truth.csv`` (``services.legacy_synthetic``), ready for
    ``sevasetu legacy import``.

    ``ledger``: the bundled schemes of the population's states, a year of service records for
    part of it with a few planted double benefits, and one run of the detection
    (``services.demo_ledger``); not when appending.
    """
    if people < 0:
        raise InvalidInput("people", reason="The number of people cannot be negative.")
    with ctx.uow() as uow:
        conn = uow.conn  # type: ignore[attr-defined]
        has_areas = conn.execute(select(func.count()).select_from(areas_table)).scalar_one()
        existing = conn.execute(select(func.count()).select_from(people_table)).scalar_one()
        numbers_used = conn.execute(
            select(func.count()).select_from(identifiers_table)
        ).scalar_one()
    if existing and not append:
        raise InvalidInput(
            "people",
            reason=f"{existing} people are already registered; load the demo into an empty "
            "database, or append to them.",
        )
    if not has_areas:
        load_geography(ctx)
    tree = ctx.area_tree()
    shares = (
        DEFAULT_DISTRICTS
        if districts is None
        else dict.fromkeys(districts, 1.0 / max(len(districts), 1))
    )
    residences, weights = demo_residences(tree, shares, seed)
    # A rerun with the same arguments gives the same rows; an append gets rows of its own.
    run_seed = seed if not existing else seed * 1_000_003 + existing

    counts = {"people": 0, "households": 0, "identifiers": 0, "doses": 0}
    per_area: dict[str, int] = defaultdict(int)
    batches = generate(
        seed=run_seed,
        people=people,
        residences=residences,
        weights=weights,
        today=ctx.today(),
        now=ctx.now(),
        identifier_hash=ctx.identifier_hash,
        batch_size=batch_size,
        serial_start=numbers_used,
    )
    # This thread generates (pure Python) while writers insert (mostly waiting for the
    # database); on PostgreSQL two writers keep two server processes busy. SQLite has one
    # writer at a time anyway.
    writers = 1 if ctx.settings.is_sqlite else 2

    doses_of = _doses_for(ctx, tree, shares, run_seed) if history else None

    first_doses: dict[str, FirstDose] = {}
    facility_names = _facility_names(ctx) if legacy_dir is not None else {}

    def insert(batch: DemoBatch) -> None:
        doses = doses_of(batch.people) if doses_of is not None else []
        if legacy_dir is not None:
            local = {p["id"] for p in batch.people
                     if LEGACY_DISTRICT in tree.get(p["area_code"]).path}  # fmt: skip
            doses = _leave_out_first_doses(doses, local, legacy_share, first_doses,
                                           facility_names)  # fmt: skip
        with ctx.uow(write=True) as uow:
            conn = uow.conn  # type: ignore[attr-defined]
            bulk_insert(conn, households_table, batch.households)
            bulk_insert(conn, people_table, batch.people)
            bulk_insert(conn, identifiers_table, batch.identifiers)
            bulk_insert(conn, vaccinations_table, doses)
            uow.commit()
        counts["doses"] += len(doses)

    def finish(done: Future[None], batch: DemoBatch) -> None:
        done.result()
        counts["people"] += len(batch.people)
        counts["households"] += len(batch.households)
        counts["identifiers"] += len(batch.identifiers)
        for row in batch.people:
            per_area[row["area_code"]] += 1
        if progress is not None:
            progress(counts["people"])

    pool = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="demo-load")
    pending: deque[tuple[Future[None], DemoBatch]] = deque()
    try:
        for batch in batches:
            pending.append((pool.submit(insert, batch), batch))
            while len(pending) > writers:
                finish(*pending.popleft())
        while pending:
            finish(*pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

    _audit(ctx, tree, shares, per_area)
    users = _demo_users(ctx, tree)
    legacy_rows = 0
    if legacy_dir is not None:
        export = write_legacy_export(
            ctx, legacy_dir, area=LEGACY_DISTRICT, seed=seed, first_doses=first_doses,
            shares=Shares(legacy_only=0.05, duplicate=0.02),
        )  # fmt: skip
        legacy_rows = export.rows
    services = (
        load_demo_ledger(ctx, tree, {tree.get(c).state_code for c in shares}, seed)
        if ledger and not existing
        else None
    )
    return DemoSummary(counts["people"], counts["households"], counts["identifiers"], users,
                       counts["doses"] - len(first_doses), legacy_rows,
                       services.records if services else 0,
                       services.findings if services else 0)  # fmt: skip


def _facility_names(ctx: Context) -> dict[str, str]:
    with ctx.uow() as uow:
        return {f.code: f.name for f in uow.areas.facilities()}


def _leave_out_first_doses(
    doses: list[dict],
    local: set[str],
    share: float,
    first_doses: dict[str, FirstDose],
    names: dict[str, str],
) -> list[dict]:
    """Doses without the COVID-19 first doses of ``share`` of the ``local`` people (of the
    legacy district) who also had a second dose; those first doses are noted in
    ``first_doses``. The choice
    hangs on the person's id (same seed, same people), not on a random draw shared between
    the loading threads."""
    second = {d["person_id"] for d in doses
              if d["dose_code"] == "COVID2" and d["person_id"] in local}  # fmt: skip
    kept = []
    for d in doses:
        pid = d["person_id"]
        if d["dose_code"] == "COVID1" and pid in second and int(pid[-4:], 16) < share * 0x10000:
            place = names.get(d["facility_code"] or "", "")
            first_doses[pid] = (d["given_on"], d["product"], place)
            continue
        kept.append(d)
    return kept


# Which routine schedule a country's children follow.
ROUTINE = {"IN": "india-uip", "BD": "bangladesh-epi"}
_NEAREST = ("sub_centre", "outreach", "phc", "uhc", "chc", "hospital")


def _doses_for(
    ctx: Context, tree: AreaTree, shares: dict[str, float], seed: int
) -> Callable[[list[dict]], list[dict]]:
    """A function that draws the doses of a batch of people: at the facility nearest their
    home, and for some second COVID-19 doses at a facility of another district."""
    with ctx.uow() as uow:
        facilities = uow.areas.facilities()
    by_area: dict[str, list] = defaultdict(list)
    for f in facilities:
        by_area[f.area_code].append(f)
    near: dict[str, str] = {}
    for area in tree.by_code.values():
        for code in reversed(area.path):
            if by_area.get(code):
                best = min(by_area[code], key=lambda f: _NEAREST.index(f.kind.value)
                           if f.kind.value in _NEAREST else len(_NEAREST))  # fmt: skip
                near[area.code] = best.code
                break
    homes = set(shares)
    elsewhere: dict[str, str] = {}
    for f in sorted(facilities, key=lambda f: f.code):
        area = tree.get(f.area_code)
        if f.state_code not in elsewhere and not any(area.is_within(h) for h in homes):
            elsewhere[f.state_code] = f.code
    campaign = load_schedule("covid19-india")
    rng = random.Random(seed * 7919 + 13)

    def routine(state_code: str):  # type: ignore[no-untyped-def]
        name = ROUTINE.get(state_code[:2])
        return load_schedule(name) if name else None

    def draw(people: list[dict]) -> list[dict]:
        return immunisation.history(
            rng, people, routine=routine, campaign=campaign, flags=tree.flags,
            facility_near=near, elsewhere=elsewhere, today=ctx.today(), now=ctx.now(),
            new_id=ctx.new_id,
        )  # fmt: skip

    return draw


def demo_residences(
    tree: AreaTree, shares: dict[str, float], seed: int
) -> tuple[list[Area], list[float]]:
    """The villages and wards of each district, weighted so each district gets its share;
    villages differ in size (a seeded factor of 0.5-1.5)."""
    rng = random.Random(seed)
    residences: list[Area] = []
    weights: list[float] = []
    for code, share in shares.items():
        tree.get(code, "districts")
        found = sorted(
            (a for a in tree.within(code) if a.level in RESIDENCE_LEVELS), key=lambda a: a.code
        )
        if not found:
            raise InvalidInput("districts", reason=f"The area {code} has no villages or wards.")
        sizes = [0.5 + rng.random() for _ in found]
        total = sum(sizes)
        residences.extend(found)
        weights.extend(share * s / total for s in sizes)
    return residences, weights


def _audit(
    ctx: Context, tree: AreaTree, shares: dict[str, float], per_area: dict[str, int]
) -> None:
    """One entry per state: which districts got how many people."""
    by_state: dict[str, dict[str, int]] = defaultdict(dict)
    for code in shares:
        area = tree.get(code)
        count = sum(n for a, n in per_area.items() if tree.get(a).is_within(code))
        by_state[area.state_code][code] = count
    with ctx.uow(write=True) as uow:
        for state_code, districts in sorted(by_state.items()):
            subject = next(iter(districts)) if len(districts) == 1 else state_code
            record(
                ctx, uow, actor=ACTOR, action="demo.load", subject_type="area",
                subject_id=subject, state_code=state_code, people=sum(districts.values()),
                districts=districts,
            )  # fmt: skip
        uow.commit()


def _demo_users(ctx: Context, tree: AreaTree) -> int:
    """Create the demo staff users that do not exist yet (all with ``DEMO_PASSWORD``)."""
    created = 0
    languages = ctx.settings.languages
    for username, role, area_code, language, full_name in DEMO_USERS:
        if area_code not in tree:
            continue  # a geography of one's own without the demo areas
        with ctx.uow() as uow:
            if uow.users.by_username(username) is not None:
                continue
        try:
            add_user(
                ctx, None, username=username, password=DEMO_PASSWORD, role=role,
                area_code=area_code, full_name=full_name,
                language=language if language in languages else ctx.settings.default_language,
            )  # fmt: skip
        except UsernameTaken:
            continue
        created += 1
    return created
