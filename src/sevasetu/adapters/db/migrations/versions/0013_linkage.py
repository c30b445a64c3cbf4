"""Legacy linkage: runs, scored candidates and link decisions

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only: nothing existing is locked or rewritten.
    op.create_table(
        "legacy_link_runs",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("backend", sa.String(length=12), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("pairs_scored", sa.BigInteger(), nullable=False),
        sa.Column("auto_links", sa.Integer(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("new_people", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.String(length=60), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_legacy_link_runs")),
    )
    op.create_index(
        op.f("ix_legacy_link_runs_state_code_source_started_at"),
        "legacy_link_runs",
        ["state_code", "source", "started_at"],
    )
    op.create_table(
        "legacy_candidates",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "record_id"],
            ["legacy_records.state_code", "legacy_records.id"],
            name=op.f("fk_legacy_candidates_state_code_record_id_legacy_records"),
        ),
        sa.PrimaryKeyConstraint(
            "state_code", "record_id", "person_id", name=op.f("pk_legacy_candidates")
        ),
    )
    op.create_index(
        op.f("ix_legacy_candidates_state_code_person_id"),
        "legacy_candidates",
        ["state_code", "person_id"],
    )
    op.create_table(
        "legacy_links",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("decided_by", sa.String(length=60), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "record_id"],
            ["legacy_records.state_code", "legacy_records.id"],
            name=op.f("fk_legacy_links_state_code_record_id_legacy_records"),
        ),
        sa.PrimaryKeyConstraint("state_code", "record_id", name=op.f("pk_legacy_links")),
    )
    op.create_index(
        op.f("ix_legacy_links_state_code_person_id"), "legacy_links", ["state_code", "person_id"]
    )
    op.create_index(
        op.f("ix_legacy_links_state_code_decision"), "legacy_links", ["state_code", "decision"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_legacy_links_state_code_decision"), "legacy_links")
    op.drop_index(op.f("ix_legacy_links_state_code_person_id"), "legacy_links")
    op.drop_table("legacy_links")
    op.drop_index(op.f("ix_legacy_candidates_state_code_person_id"), "legacy_candidates")
    op.drop_table("legacy_candidates")
    op.drop_index(op.f("ix_legacy_link_runs_state_code_source_started_at"), "legacy_link_runs")
    op.drop_table("legacy_link_runs")
