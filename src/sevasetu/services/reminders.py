"""Due-vaccine reminders (U-WIN): a message to the family the day a child's dose falls due.

Once a day the worker asks each country's due list for that day, through the same service the
health workers use (a system principal reads it, and the read is audited), and queues one
message per child whose doses fall due that day, to the mother (or the household head) in the
state's language. The dedupe key (child and day) makes a second run that day a no-op.
"""

from __future__ import annotations

from datetime import date

from ..domain.access import Principal, Role
from ..domain.areas import AreaLevel, state_language
from ..domain.notifications import Kind
from ..domain.schedule import Status
from .due_lists import due_list
from .notifications import Recipient, enqueue
from .ports import Context

WORKER = "worker"


def queue_due_reminders(ctx: Context, day: date) -> int:
    """Queue the reminders for the doses that fall due on ``day``; returns how many children."""
    queued = 0
    tree = ctx.area_tree()
    for country in (a for a in tree.by_code.values() if a.level is AreaLevel.COUNTRY):
        operator = Principal(kind="system", id=WORKER, role=Role.STATE_ADMIN,
                             name="due-vaccine reminders", area_code=country.code,
                             state_code=country.code)  # fmt: skip
        found = due_list(ctx, operator, country.code, start=day, end=day)
        with ctx.uow(write=True) as uow:
            for item in found.items:
                doses = [d.code for d in item.doses
                         if d.status is Status.DUE and d.due_date == day]  # fmt: skip
                contact = item.contact
                if not doses or contact is None or not contact.phone:
                    continue
                child, state = item.child, item.village.state_code
                enqueue(ctx, uow, kind=Kind.DOSE_DUE,
                        recipient=Recipient(contact.phone, state_language(state)),
                        state_code=state, dedupe_key=f"due:{child.id}:{day}",
                        params={"name": child.name, "doses": ", ".join(doses)},
                        person_id=child.id)  # fmt: skip
                queued += 1
            uow.commit()
    return queued
