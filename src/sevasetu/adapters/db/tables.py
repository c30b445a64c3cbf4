"""The schema. Every table that holds a person's data has ``state_code`` leading its primary
key, so that a state's rows can be partitioned, distributed (Citus) or moved as a unit."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 36  # a UUID in its text form
STATE = 12  # an ISO 3166-2 code such as IN-WB or BD-D
AREA = 40

areas = Table(
    "areas",
    metadata,
    Column("code", String(AREA), primary_key=True),
    Column("state_code", String(STATE), nullable=False, index=True),
    Column("parent_code", String(AREA), ForeignKey("areas.code"), index=True),
    Column("level", String(16), nullable=False),
    Column("name", String(120), nullable=False),
    Column("name_local", String(120)),
)

facilities = Table(
    "facilities",
    metadata,
    Column("code", String(AREA), primary_key=True),
    Column("state_code", String(STATE), nullable=False, index=True),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(160), nullable=False),
    Column("name_local", String(160)),
    Column("address", String(300), nullable=False, default=""),
)

households = Table(
    "households",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("address", String(300), nullable=False, default=""),
    Column("head_person_id", String(ID)),
    Column("created_by", String(60), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "id"),
    Index(None, "state_code", "area_code"),
)

people = Table(
    "people",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_latin", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("sex", String(8), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("birth_date_estimated", Boolean, nullable=False, default=False),
    Column("phone", String(16)),
    Column("household_id", String(ID)),
    Column("relation_to_head", String(20)),
    Column("version", Integer, nullable=False, default=1),
    Column("created_by", String(60), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(
        ["state_code", "household_id"], ["households.state_code", "households.id"]
    ),
    # The API addresses a person by id alone; UUIDs never collide across states.
    Index(None, "id"),
    Index(None, "state_code", "area_code", "birth_date"),
    Index(None, "state_code", "name_key"),
    Index(None, "state_code", "household_id"),
    Index(None, "phone"),
)

person_identifiers = Table(
    "person_identifiers",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("kind", String(16), primary_key=True),
    # HMAC of kind and number under the deployment's identifier key: lookups without the number.
    Column("lookup_hash", String(64), nullable=False),
    Column("last4", String(4), nullable=False),
    Column("value", String(40)),  # NULL for Aadhaar and NID
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    UniqueConstraint("state_code", "kind", "lookup_hash"),
    Index(None, "lookup_hash"),
)

person_history = Table(
    "person_history",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("snapshot", JSON, nullable=False),
    Column("changed_by", String(60), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("reason", String(300), nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
)

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("state_code", String(STATE), nullable=False, index=True),
    Column("username", String(60), nullable=False, unique=True),
    Column("full_name", String(120), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("language", String(5), nullable=False, default="en"),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
)

citizen_accounts = Table(
    "citizen_accounts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("phone", String(16), nullable=False, unique=True),
    Column("language", String(5), nullable=False, default="en"),
    Column("created_at", UtcDateTime, nullable=False),
)

account_people = Table(
    "account_people",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("account_id", String(ID), ForeignKey("citizen_accounts.id"), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("added_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    Index(None, "account_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("principal_kind", String(8), nullable=False),
    Column("principal_id", String(ID), nullable=False, index=True),
    Column("label", String(60), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

otp_challenges = Table(
    "otp_challenges",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("phone", String(16), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("consumed_at", UtcDateTime),
    Index(None, "phone", "created_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("chain", SmallInteger, primary_key=True, autoincrement=False),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(60), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject_type", String(20), nullable=False),
    Column("subject_id", String(ID), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index(None, "state_code", "subject_type", "subject_id"),
)

# The head of each chain: locking this row serialises appends to that chain.
audit_heads = Table(
    "audit_heads",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("chain", SmallInteger, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("principal", String(60), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer),
    Column("response_body", Text),
    Column("content_type", String(100)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime),
)

vaccinations = Table(
    "vaccinations",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("person_id", String(ID), nullable=False),
    Column("schedule", String(40), nullable=False),
    Column("dose_code", String(12), nullable=False),
    Column("given_on", Date, nullable=False),
    Column("facility_code", String(AREA), ForeignKey("facilities.code")),
    Column("product", String(80), nullable=False, default=""),
    Column("lot", String(40), nullable=False, default=""),
    Column("lot_expiry", Date),
    Column("source", String(12), nullable=False),
    Column("evidence", String(300), nullable=False, default=""),
    Column("override_reason", String(300)),
    Column("recorded_by", String(60), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    # One record per dose of a schedule per person: a second one is a correction, not a dose.
    UniqueConstraint("state_code", "person_id", "schedule", "dose_code"),
)
