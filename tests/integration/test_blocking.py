"""The SQL of the candidate query and the domain's blocking rule agree, on both databases."""

from __future__ import annotations

from datetime import date

from sevasetu.domain.matching import Blocking
from sevasetu.domain.names import name_key
from sevasetu.services.auth import principal_for_token
from sevasetu.services.people import PersonInput, register_person

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, staff

NAMES = ["Amit Das", "Das Amit", "Amit", "Amit Kumar Das", "Sumit Das", "Amit Roy", "Rina Pal",
         "Dipa Adak", "A_mit 100%", "Anil"]  # fmt: skip


def test_candidates_are_exactly_those_the_rule_admits(ctx):
    asha = principal_for_token(ctx, staff(ctx, "asha.blk", "asha", NADIA_BLOCK))
    for name in NAMES:
        register_person(ctx, asha, PersonInput(name, "male", NADIA_VILLAGE, date(1990, 1, 1)),
                        confirm_new=True)  # fmt: skip
    for probe in ("Amit Das", "Amit", "Das", "Rina", "Anil Adak"):
        block = Blocking.of(name_key(probe))
        with ctx.uow() as uow:
            found = uow.people.near_candidates(
                "IN-WB", NADIA_VILLAGE, date(1989, 1, 1), date(1991, 12, 31), block
            )
        expected = sorted(name_key(n) for n in NAMES if block.admits(name_key(n)))
        assert sorted(c.name_key for c in found) == expected, probe
