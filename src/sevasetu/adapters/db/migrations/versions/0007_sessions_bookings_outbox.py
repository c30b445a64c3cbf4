"""vaccination sessions, their slots, bookings, and the notification outbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('booked', 'pending_verification', 'checked_in')"


def upgrade() -> None:
    op.create_table(
        "vaccination_sessions",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("facility_code", sa.String(length=40), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("site", sa.String(length=120), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("slot_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("capacity_per_slot", sa.Integer(), nullable=False),
        sa.Column("walk_in_percent", sa.SmallInteger(), nullable=False),
        sa.Column("schedule", sa.String(length=40), nullable=False),
        sa.Column("offers", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("campaign", sa.String(length=60), nullable=False),
        sa.Column("min_age", sa.String(length=8), nullable=True),
        sa.Column("max_age", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=True),
        sa.Column("cancel_reason", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_code"], ["facilities.code"],
            name=op.f("fk_vaccination_sessions_facility_code_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_vaccination_sessions_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_vaccination_sessions")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_vaccination_sessions_area_code_day"), "vaccination_sessions", ["area_code", "day"]
    )
    op.create_table(
        "session_slots",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("bookable", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("walk_ins", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "booked >= 0 AND walk_ins >= 0 AND booked <= bookable AND bookable <= capacity"
            " AND booked + walk_ins <= capacity",
            name=op.f("ck_session_slots_places"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "session_id"],
            ["vaccination_sessions.state_code", "vaccination_sessions.id"],
            name=op.f("fk_session_slots_state_code_session_id_vaccination_sessions"),
        ),
        sa.PrimaryKeyConstraint(
            "state_code", "session_id", "number", name=op.f("pk_session_slots")
        ),
    )  # fmt: skip
    op.create_table(
        "bookings",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("session_state", sa.String(length=12), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("slot_number", sa.SmallInteger(), nullable=False),
        sa.Column("schedule", sa.String(length=40), nullable=False),
        sa.Column("dose_code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("booked_by", sa.String(length=60), nullable=False),
        sa.Column("walk_in", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"], ["people.state_code", "people.id"],
            name=op.f("fk_bookings_state_code_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["session_state", "session_id", "slot_number"],
            ["session_slots.state_code", "session_slots.session_id", "session_slots.number"],
            name=op.f("fk_bookings_session_state_session_id_slot_number_session_slots"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_bookings")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_bookings_session_state_session_id_slot_number"),
        "bookings", ["session_state", "session_id", "slot_number"],
    )  # fmt: skip
    op.create_index(
        "uq_bookings_active_dose", "bookings", ["state_code", "person_id", "schedule", "dose_code"],
        unique=True, sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE),
    )  # fmt: skip
    op.create_table(
        "notifications",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("recipient", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=60), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "state_code", "dedupe_key", name=op.f("uq_notifications_state_code_dedupe_key")
        ),
    )
    op.create_index(
        op.f("ix_notifications_status_next_attempt_at"),
        "notifications",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_notifications_status_next_attempt_at"), "notifications")
    op.drop_table("notifications")
    op.drop_table("bookings")
    op.drop_table("session_slots")
    op.drop_index(op.f("ix_vaccination_sessions_area_code_day"), "vaccination_sessions")
    op.drop_table("vaccination_sessions")
