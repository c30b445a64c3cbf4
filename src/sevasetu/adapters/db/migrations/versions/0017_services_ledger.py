"""Services ledger: schemes, person attributes, service records and benefit findings

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = 36


def upgrade() -> None:
    # New tables only: nothing existing is locked or rewritten.
    op.create_table(
        "schemes",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_local", sa.String(length=200), nullable=True),
        sa.Column("benefit", sa.String(length=12), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("exclusive_group", sa.String(length=40), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("min_age", sa.SmallInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_schemes_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("state_code", "code", name=op.f("pk_schemes")),
    )
    op.create_index(op.f("ix_schemes_code"), "schemes", ["code"])
    op.create_table(
        "person_attributes",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.String(length=ID), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("chronic_illness", sa.Boolean(), nullable=False),
        sa.Column("occupation", sa.String(length=40), nullable=True),
        sa.Column("marital_status", sa.String(length=16), nullable=True),
        sa.Column("deceased_on", sa.Date(), nullable=True),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_person_attributes_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "person_id", name=op.f("pk_person_attributes")),
    )
    op.create_table(
        "service_records",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=ID), nullable=False),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.Column("scheme_code", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("period_key", sa.String(length=10), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.String(length=ID), nullable=True),
        sa.Column("resolved_by", sa.String(length=16), nullable=True),
        sa.Column("key_kind", sa.String(length=16), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=True),
        sa.Column("key_last4", sa.String(length=4), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("name_key", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("area_code", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_service_records_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_service_records")),
        sa.UniqueConstraint(
            "state_code",
            "department",
            "reference",
            name=op.f("uq_service_records_state_code_department_reference"),
        ),
    )
    op.create_index(
        op.f("ix_service_records_state_code_person_id"),
        "service_records",
        ["state_code", "person_id"],
    )
    op.create_index(
        op.f("ix_service_records_state_code_status"), "service_records", ["state_code", "status"]
    )
    op.create_table(
        "benefit_findings",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scheme_code", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=ID), nullable=False),
        sa.Column("period_key", sa.String(length=10), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("found_at", TS, nullable=False),
        sa.Column("decided_by", sa.String(length=60), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_benefit_findings_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_benefit_findings")),
    )
    op.create_index(
        op.f("ix_benefit_findings_state_code_area_code"),
        "benefit_findings",
        ["state_code", "area_code"],
    )


def downgrade() -> None:
    op.drop_table("benefit_findings")
    op.drop_table("service_records")
    op.drop_table("person_attributes")
    op.drop_table("schemes")
