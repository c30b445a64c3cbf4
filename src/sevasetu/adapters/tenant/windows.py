"""Maintenance windows and state authority rows: reads and writes on a unit of work's
connection (the tables are the deployment's own, never part of a bundle)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select

from ...domain.maintenance import MaintenanceWindow
from ..db import tables as t
from ..db.upsert import upsert


@dataclass(frozen=True, slots=True)
class Authority:
    state_code: str
    authoritative: bool
    deployment: str
    bundle_sha256: str
    switched_at: datetime
    switched_by: str


def put_window(conn: Connection, window: MaintenanceWindow) -> None:
    upsert(conn, t.state_maintenance, [{
        "state_code": window.state_code, "since": window.since, "until": window.until,
        "reason": window.reason, "set_by": window.set_by}], ["state_code"])  # fmt: skip


def drop_window(conn: Connection, state_code: str) -> bool:
    table = t.state_maintenance
    return conn.execute(delete(table).where(table.c.state_code == state_code)).rowcount > 0


def windows(conn: Connection) -> list[MaintenanceWindow]:
    rows = conn.execute(select(t.state_maintenance).order_by(t.state_maintenance.c.state_code))
    return [MaintenanceWindow(r.state_code, r.since, r.until, r.reason, r.set_by) for r in rows]


def put_authority(conn: Connection, authority: Authority) -> None:
    upsert(conn, t.state_authority, [{
        "state_code": authority.state_code, "authoritative": authority.authoritative,
        "deployment": authority.deployment, "bundle_sha256": authority.bundle_sha256,
        "switched_at": authority.switched_at, "switched_by": authority.switched_by,
    }], ["state_code"])  # fmt: skip


def authorities(conn: Connection) -> list[Authority]:
    rows = conn.execute(select(t.state_authority).order_by(t.state_authority.c.state_code))
    return [Authority(**r._mapping) for r in rows]
