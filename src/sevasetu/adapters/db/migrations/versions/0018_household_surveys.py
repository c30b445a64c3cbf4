"""Household surveys: surveys and re-verification tasks, household history, household events

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = 36


def upgrade() -> None:
    # New tables only: nothing existing is locked or rewritten.
    op.create_table(
        "household_surveys",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=ID), nullable=False),
        sa.Column("household_id", sa.String(length=ID), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("campaign_year", sa.SmallInteger(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("surveyed_by", sa.String(length=60), nullable=True),
        sa.Column("surveyed_at", TS, nullable=True),
        sa.Column("verified_by", sa.String(length=60), nullable=True),
        sa.Column("verified_at", TS, nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_household_surveys_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "household_id"],
            ["households.state_code", "households.id"],
            name=op.f("fk_household_surveys_state_code_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_household_surveys")),
        sa.UniqueConstraint(
            "state_code",
            "household_id",
            "campaign_year",
            name=op.f("uq_household_surveys_state_code_household_id_campaign_year"),
        ),
    )
    op.create_index(op.f("ix_household_surveys_id"), "household_surveys", ["id"])
    op.create_index(
        op.f("ix_household_surveys_state_code_area_code_status"),
        "household_surveys",
        ["state_code", "area_code", "status"],
    )
    op.create_table(
        "household_history",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("household_id", sa.String(length=ID), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=60), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "household_id"],
            ["households.state_code", "households.id"],
            name=op.f("fk_household_history_state_code_household_id_households"),
        ),
        sa.PrimaryKeyConstraint(
            "state_code", "household_id", "version", name=op.f("pk_household_history")
        ),
    )
    op.create_table(
        "household_events",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=ID), nullable=False),
        sa.Column("household_id", sa.String(length=ID), nullable=False),
        sa.Column("person_id", sa.String(length=ID), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("survey_id", sa.String(length=ID), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "household_id"],
            ["households.state_code", "households.id"],
            name=op.f("fk_household_events_state_code_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_household_events_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_household_events")),
    )
    op.create_index(
        op.f("ix_household_events_state_code_year_area_code"),
        "household_events",
        ["state_code", "year", "area_code"],
    )


def downgrade() -> None:
    op.drop_table("household_events")
    op.drop_table("household_history")
    op.drop_table("household_surveys")
