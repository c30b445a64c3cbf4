"""Hospital continuity: eligibility cards and hospital events

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = 36


def upgrade() -> None:
    # New tables only: nothing existing is locked or rewritten.
    op.create_table(
        "eligibility_cards",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("person_id", sa.String(length=ID), nullable=False),
        sa.Column("scheme_code", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("issued_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["kid"], ["signing_keys.kid"], name=op.f("fk_eligibility_cards_kid_signing_keys")
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_eligibility_cards_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_eligibility_cards")),
    )
    op.create_index(
        op.f("ix_eligibility_cards_state_code_person_id"),
        "eligibility_cards",
        ["state_code", "person_id"],
    )
    op.create_table(
        "hospital_events",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=ID), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("facility_code", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=ID), nullable=False),
        sa.Column("scheme_code", sa.String(length=40), nullable=False),
        sa.Column("card_id", sa.String(length=24), nullable=True),
        sa.Column("admission_id", sa.String(length=ID), nullable=True),
        sa.Column("admitted_at", TS, nullable=True),
        sa.Column("discharged_at", TS, nullable=True),
        sa.Column("package", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_hospital_events_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_hospital_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_hospital_events_idempotency_key")),
    )
    op.create_index(
        op.f("ix_hospital_events_state_code_person_id"),
        "hospital_events",
        ["state_code", "person_id"],
    )
    op.create_index(
        op.f("ix_hospital_events_state_code_facility_code"),
        "hospital_events",
        ["state_code", "facility_code"],
    )


def downgrade() -> None:
    op.drop_table("hospital_events")
    op.drop_table("eligibility_cards")
