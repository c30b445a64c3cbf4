"""pregnancies, deliveries and AEFI reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    # New tables only: no lock on existing ones. Newborns are linked to their mother through
    # ``births``, so ``people`` is not altered.
    op.create_table(
        "pregnancies",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("lmp", sa.Date(), nullable=False),
        sa.Column("edd", sa.Date(), nullable=False),
        sa.Column("gravida", sa.SmallInteger(), nullable=True),
        sa.Column("parity", sa.SmallInteger(), nullable=True),
        sa.Column("facility_code", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("registered_by", sa.String(length=60), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("delivery_place", sa.String(length=40), nullable=True),
        sa.Column("live_births", sa.SmallInteger(), nullable=True),
        sa.Column("stillbirths", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_pregnancies_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["facility_code"],
            ["facilities.code"],
            name=op.f("fk_pregnancies_facility_code_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_pregnancies_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_pregnancies")),
    )
    op.create_index(op.f("ix_pregnancies_id"), "pregnancies", ["id"])
    op.create_index(
        op.f("ix_pregnancies_state_code_person_id"), "pregnancies", ["state_code", "person_id"]
    )
    # At most one open pregnancy per woman.
    op.create_index(
        "uq_pregnancies_open_person",
        "pregnancies",
        ["state_code", "person_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )

    op.create_table(
        "anc_visits",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pregnancy_id", sa.String(length=36), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("gestation_weeks", sa.SmallInteger(), nullable=False),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("bp_systolic", sa.SmallInteger(), nullable=True),
        sa.Column("bp_diastolic", sa.SmallInteger(), nullable=True),
        sa.Column("hb_g_dl", sa.Float(), nullable=True),
        sa.Column("notes", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "pregnancy_id"],
            ["pregnancies.state_code", "pregnancies.id"],
            name=op.f("fk_anc_visits_state_code_pregnancy_id_pregnancies"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_anc_visits")),
    )
    op.create_index(
        op.f("ix_anc_visits_state_code_pregnancy_id"), "anc_visits", ["state_code", "pregnancy_id"]
    )

    op.create_table(
        "births",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("pregnancy_id", sa.String(length=36), nullable=False),
        sa.Column("mother_id", sa.String(length=36), nullable=False),
        sa.Column("birth_weight_g", sa.SmallInteger(), nullable=False),
        sa.Column("born_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_births_state_code_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "mother_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_births_state_code_mother_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "pregnancy_id"],
            ["pregnancies.state_code", "pregnancies.id"],
            name=op.f("fk_births_state_code_pregnancy_id_pregnancies"),
        ),
        sa.PrimaryKeyConstraint("state_code", "person_id", name=op.f("pk_births")),
    )
    op.create_index(op.f("ix_births_state_code_mother_id"), "births", ["state_code", "mother_id"])
    op.create_index(
        op.f("ix_births_state_code_pregnancy_id"), "births", ["state_code", "pregnancy_id"]
    )

    op.create_table(
        "aefi_reports",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("vaccination_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("dose_code", sa.String(length=12), nullable=False),
        sa.Column("onset_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("other_symptoms", sa.String(length=300), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("serious_reasons", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("outcome_history", sa.JSON(), nullable=False),
        sa.Column("reported_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_aefi_reports_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_aefi_reports_state_code_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "vaccination_id"],
            ["vaccinations.state_code", "vaccinations.id"],
            name=op.f("fk_aefi_reports_state_code_vaccination_id_vaccinations"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_aefi_reports")),
    )
    op.create_index(op.f("ix_aefi_reports_id"), "aefi_reports", ["id"])
    op.create_index(
        op.f("ix_aefi_reports_state_code_vaccination_id"),
        "aefi_reports",
        ["state_code", "vaccination_id"],
    )
    op.create_index(
        op.f("ix_aefi_reports_area_code_serious_onset_at"),
        "aefi_reports",
        ["area_code", "serious", "onset_at"],
    )


def downgrade() -> None:
    op.drop_table("aefi_reports")
    op.drop_table("births")
    op.drop_table("anc_visits")
    op.drop_table("pregnancies")
