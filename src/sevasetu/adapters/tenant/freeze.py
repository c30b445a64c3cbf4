"""The write freeze: every INSERT, UPDATE or DELETE of a state's rows is refused while the
state is in maintenance (or its records have moved to another deployment).

It sits where every write passes, the engine, so the API, the pages, the chat bot, the worker
and the command line are all covered by one check; the refusal is a domain error that each edge
already knows how to say (503 with Retry-After on the API). The frozen states are read at most
every ``TTL`` seconds per process, on the writing connection, so a write costs a dictionary
lookup and a read costs nothing.

Not frozen: the audit trail and idempotency keys (a read is still audited; a refused write's key
is released), the deployment's own tables (``local`` in ``scope``), and the import itself. An
UPDATE or DELETE whose WHERE does not name the state (by ``state_code = ...`` or ``IN``) cannot
be attributed and passes: every repository names the state with the key.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Delete, Engine, Insert, Table, Update, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

from ...domain.maintenance import Freeze, MaintenanceWindow, refusal
from ..db import tables as t
from .scope import RULES

TTL = 2.0  # seconds a process trusts its copy of the frozen states
TRANSFER = "sevasetu_tenant_transfer"  # execution option: the import's own writes pass
EXEMPT = frozenset(
    {"audit_log", "audit_heads", "idempotency_keys"}
    | {name for name, rule in RULES.items() if rule.kind == "local"}
)
_GUARDS: weakref.WeakKeyDictionary[Engine, FreezeGuard] = weakref.WeakKeyDictionary()


class FreezeGuard:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._frozen: dict[str, Freeze] = {}
        self._read_at = -1e9
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Read the frozen states again at the next write (after this process changed them)."""
        self._read_at = -1e9

    def current(self, engine: Engine) -> dict[str, Freeze]:
        """The frozen states for a reader (a page's banner): a connection only when stale."""
        if time.monotonic() - self._read_at <= TTL:
            return self._frozen
        with engine.connect() as conn:
            found = self.frozen(conn)
            conn.rollback()
        return found

    def frozen(self, conn: Connection) -> dict[str, Freeze]:
        if time.monotonic() - self._read_at > TTL:
            with self._lock:
                if time.monotonic() - self._read_at > TTL:
                    self._frozen = _read_frozen(conn)
                    self._read_at = time.monotonic()
        return self._frozen

    def before_execute(
        self, conn: Connection, clause: Any, multiparams: Any, params: Any, options: Any
    ) -> None:
        if not isinstance(clause, Insert | Update | Delete):
            return
        table = clause.table
        if not isinstance(table, Table) or table.name in EXEMPT or "state_code" not in table.c:
            return
        if options.get(TRANSFER) or conn.get_execution_options().get(TRANSFER):
            return
        frozen = self.frozen(conn)
        if not frozen:
            return
        for state in _states_written(clause, table, multiparams, params):
            found = frozen.get(state)
            if found is not None:
                raise refusal(found, self.clock())


def install(engine: Engine, clock: Callable[[], datetime]) -> FreezeGuard:
    """The guard on ``engine`` (one per engine; a second call only changes its clock)."""
    guard = _GUARDS.get(engine)
    if guard is None:
        guard = _GUARDS[engine] = FreezeGuard(clock)
        event.listen(engine, "before_execute", guard.before_execute)
    guard.clock = clock
    return guard


def guard_of(engine: Engine) -> FreezeGuard | None:
    return _GUARDS.get(engine)


def _read_frozen(conn: Connection) -> dict[str, Freeze]:
    a = t.state_authority.c
    try:
        with conn.begin_nested():  # a schema without these tables yet (mid-migration)
            windows = conn.execute(select(t.state_maintenance)).all()
            moved = conn.execute(
                select(a.state_code, a.deployment).where(a.authoritative.is_(False))
            ).all()
    except DBAPIError:
        return {}
    found = {
        r.state_code: Freeze(r.state_code, window=MaintenanceWindow(
            r.state_code, r.since, r.until, r.reason, r.set_by))
        for r in windows
    }  # fmt: skip
    for state_code, deployment in moved:
        found[state_code] = Freeze(state_code, moved_to=deployment)
    return found


def _states_written(clause: Any, table: Table, multiparams: Any, params: Any) -> set[str]:
    """The state codes a write touches: from its rows (INSERT) or its WHERE (UPDATE, DELETE)."""
    rows = list(_param_dicts(multiparams, params))
    states: set[str] = set()
    if isinstance(clause, Insert):
        for values in getattr(clause, "_multi_values", None) or ():
            for row in values:
                states.update(_state_in(row))
        states.update(_state_in(getattr(clause, "_values", None) or {}))
        for row in rows:
            value = row.get("state_code")
            if isinstance(value, str):
                states.add(value)
        return states
    where = clause.whereclause
    if where is None:
        return states
    column = table.c.state_code
    for node in visitors.iterate(where):
        if not isinstance(node, BinaryExpression) or not _is(node.left, column):
            continue
        bound = node.right
        if not isinstance(bound, BindParameter):
            continue
        value = bound.value
        if value is None and rows:
            value = [r.get(bound.key) for r in rows]
        if node.operator in (operators.eq, operators.in_op):
            values = value if isinstance(value, list | tuple | set) else [value]
            states.update(v for v in values if isinstance(v, str))
    return states


def _is(node: Any, column: Any) -> bool:
    return node is column or (getattr(node, "name", None) == "state_code"
                              and getattr(node, "table", None) is column.table)  # fmt: skip


def _state_in(values: Any) -> Iterable[str]:
    """The state of one row of ``.values(...)``: a bound parameter, or a plain value (the rows
    of a multi-row ``.values([...])`` are not coerced to parameters)."""
    for key, value in dict(values).items():
        name = getattr(key, "name", key)
        raw = getattr(value, "value", value)
        if name == "state_code" and isinstance(raw, str):
            yield raw


def _param_dicts(multiparams: Any, params: Any) -> Iterable[dict[str, Any]]:
    for item in multiparams or ():
        if isinstance(item, dict):
            yield item
        elif isinstance(item, list | tuple):
            yield from (x for x in item if isinstance(x, dict))
    if isinstance(params, dict) and params:
        yield params
