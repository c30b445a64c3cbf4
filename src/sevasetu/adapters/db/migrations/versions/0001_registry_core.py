"""registry core: areas, people, households, users, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:06:55.858698
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("principal_kind", sa.String(length=8), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_api_tokens")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_tokens_principal_id"), ["principal_id"], unique=False
        )

    op.create_table(
        "areas",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("parent_code", sa.String(length=40), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_local", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["areas.code"], name=op.f("fk_areas_parent_code_areas")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_areas")),
    )
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_areas_parent_code"), ["parent_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_areas_state_code"), ["state_code"], unique=False)

    op.create_table(
        "audit_heads",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("chain", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("state_code", "chain", name=op.f("pk_audit_heads")),
    )
    op.create_table(
        "audit_log",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("chain", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("state_code", "chain", "seq", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_log_state_code_subject_type_subject_id"),
            ["state_code", "subject_type", "subject_id"],
            unique=False,
        )

    op.create_table(
        "citizen_accounts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_accounts")),
        sa.UniqueConstraint("phone", name=op.f("uq_citizen_accounts_phone")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("principal", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("state_code", "principal", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "otp_challenges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_otp_challenges")),
    )
    with op.batch_alter_table("otp_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_otp_challenges_phone_created_at"), ["phone", "created_at"], unique=False
        )

    op.create_table(
        "facilities",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("name_local", sa.String(length=160), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_facilities_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_facilities")),
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facilities_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_facilities_state_code"), ["state_code"], unique=False)

    op.create_table(
        "households",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("head_person_id", sa.String(length=36), nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_households_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_households")),
    )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_households_id"), ["id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_households_state_code_area_code"),
            ["state_code", "area_code"],
            unique=False,
        )

    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_users_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_state_code"), ["state_code"], unique=False)

    op.create_table(
        "people",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_latin", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("birth_date_estimated", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("household_id", sa.String(length=36), nullable=True),
        sa.Column("relation_to_head", sa.String(length=20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_people_area_code_areas")
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "household_id"],
            ["households.state_code", "households.id"],
            name=op.f("fk_people_state_code_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_id"), ["id"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_phone"), ["phone"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_people_state_code_area_code_birth_date"),
            ["state_code", "area_code", "birth_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_people_state_code_household_id"),
            ["state_code", "household_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_people_state_code_name_key"), ["state_code", "name_key"], unique=False
        )

    op.create_table(
        "account_people",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["citizen_accounts.id"],
            name=op.f("fk_account_people_account_id_citizen_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_account_people_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint(
            "state_code", "account_id", "person_id", name=op.f("pk_account_people")
        ),
    )
    with op.batch_alter_table("account_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_people_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "person_history",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=60), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_person_history_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint(
            "state_code", "person_id", "version", name=op.f("pk_person_history")
        ),
    )
    op.create_table(
        "person_identifiers",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("lookup_hash", sa.String(length=64), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_person_identifiers_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint(
            "state_code", "person_id", "kind", name=op.f("pk_person_identifiers")
        ),
        sa.UniqueConstraint(
            "state_code",
            "kind",
            "lookup_hash",
            name=op.f("uq_person_identifiers_state_code_kind_lookup_hash"),
        ),
    )
    with op.batch_alter_table("person_identifiers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_identifiers_lookup_hash"), ["lookup_hash"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("person_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_identifiers_lookup_hash"))

    op.drop_table("person_identifiers")
    op.drop_table("person_history")
    with op.batch_alter_table("account_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_people_account_id"))

    op.drop_table("account_people")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_state_code_name_key"))
        batch_op.drop_index(batch_op.f("ix_people_state_code_household_id"))
        batch_op.drop_index(batch_op.f("ix_people_state_code_area_code_birth_date"))
        batch_op.drop_index(batch_op.f("ix_people_phone"))
        batch_op.drop_index(batch_op.f("ix_people_id"))

    op.drop_table("people")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_state_code"))

    op.drop_table("users")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_households_state_code_area_code"))
        batch_op.drop_index(batch_op.f("ix_households_id"))

    op.drop_table("households")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_state_code"))
        batch_op.drop_index(batch_op.f("ix_facilities_area_code"))

    op.drop_table("facilities")
    with op.batch_alter_table("otp_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_otp_challenges_phone_created_at"))

    op.drop_table("otp_challenges")
    op.drop_table("idempotency_keys")
    op.drop_table("citizen_accounts")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_state_code_subject_type_subject_id"))

    op.drop_table("audit_log")
    op.drop_table("audit_heads")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_areas_state_code"))
        batch_op.drop_index(batch_op.f("ix_areas_parent_code"))

    op.drop_table("areas")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_principal_id"))

    op.drop_table("api_tokens")
