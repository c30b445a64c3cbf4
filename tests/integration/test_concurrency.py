"""Many workers at once: no identifier is registered twice and the audit chain never forks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sevasetu.domain.errors import DuplicateIdentifier
from sevasetu.services.audit import verify_audit
from sevasetu.services.auth import principal_for_token
from sevasetu.services.people import PersonInput, get_person, register_person

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, aadhaar, staff


def test_parallel_registrations_and_reads(ctx):
    asha = principal_for_token(ctx, staff(ctx, "asha.par", "asha", NADIA_BLOCK))
    numbers = [aadhaar(f"2345678{i:04d}") for i in range(10)]

    def register(n: int) -> str:
        data = PersonInput(
            name=f"Person {n}",
            sex="female",
            area_code=NADIA_VILLAGE,
            age_years=20 + n % 50,
            identifiers={"aadhaar": numbers[n % 10]},
        )
        try:
            person = register_person(ctx, asha, data, confirm_new=True)
        except DuplicateIdentifier:
            return "duplicate"
        get_person(ctx, asha, person.id)
        return "registered"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(register, range(40)))
    assert outcomes.count("registered") == 10
    assert outcomes.count("duplicate") == 30
    reports = {r.state_code: r for r in verify_audit(ctx)}
    assert reports["IN-WB"].problem is None
    with ctx.uow() as uow:
        actions = [e.action for e in uow.audit.of_state("IN-WB")]
    assert actions.count("person.register") == 10 and actions.count("person.read") == 10
