"""The schema. Every table that holds a person's data has ``state_code`` leading its primary
key, so that a state's rows can be partitioned, distributed (Citus) or moved as a unit."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
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
    # The area's own programme flags, comma-separated (je_endemic,pcv_offered): few and stable.
    Column("flags", String(200), nullable=False, default="", server_default=""),
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

# Vaccine lots a facility holds. The key leads with the state like every other table; a lot
# number is unique per facility and product (two makers may print the same number).
vaccine_lots = Table(
    "vaccine_lots",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("facility_code", String(AREA), ForeignKey("facilities.code"), primary_key=True),
    Column("product", String(80), primary_key=True),
    Column("lot", String(40), primary_key=True),
    Column("expiry", Date, nullable=False),
    Column("dose_codes", JSON, nullable=False),  # ["PENTA1", "PENTA2", "PENTA3"]
    Column("manufacturer", String(120), nullable=False, default=""),
    Column("doses_received", Integer, nullable=False),
    Column("created_by", String(60), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "state_code", "facility_code", "lot"),
)

# SMART Health Card issuer keys (ES256, P-256). The private key is kept as an encrypted PKCS#8
# PEM whose passphrase derives from SEVASETU_SECRET_KEY. ``active`` is "yes" on the one key that
# signs and NULL on retired keys, which stay published so old certificates keep verifying.
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("algorithm", String(10), nullable=False),
    Column("private_pem", Text, nullable=False),
    Column("public_jwk", JSON, nullable=False),
    Column("active", String(3), unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime),
)

# Revoked certificates, per SMART Health Cards' revocation ("rid" per key, with the time before
# which cards are revoked, so a corrected card issued afterwards verifies).
certificate_revocations = Table(
    "certificate_revocations",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("kid", String(64), ForeignKey("signing_keys.kid"), primary_key=True),
    Column("rid", String(24), primary_key=True),
    Column("person_id", String(ID), nullable=False),
    Column("reason", String(300), nullable=False),
    Column("revoked_at", UtcDateTime, nullable=False),
    Column("revoked_by", String(60), nullable=False),
    Index(None, "kid"),
)

# A pregnancy of a registered woman, from registration (LMP) to the delivery. At most one open
# pregnancy per woman: a partial unique index has the last word over concurrent registrations.
pregnancies = Table(
    "pregnancies",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("person_id", String(ID), nullable=False),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("lmp", Date, nullable=False),
    Column("edd", Date, nullable=False),
    Column("gravida", SmallInteger),
    Column("parity", SmallInteger),
    Column("facility_code", String(AREA), ForeignKey("facilities.code")),
    Column("status", String(12), nullable=False),
    Column("registered_by", String(60), nullable=False),
    Column("registered_at", UtcDateTime, nullable=False),
    Column("delivered_on", Date),
    Column("delivery_place", String(AREA)),  # a facility code or "home"
    Column("live_births", SmallInteger),
    Column("stillbirths", SmallInteger),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    Index(None, "id"),
    Index(None, "state_code", "person_id"),
    Index(
        "uq_pregnancies_open_person",
        "state_code",
        "person_id",
        unique=True,
        sqlite_where=text("status = 'open'"),
        postgresql_where=text("status = 'open'"),
    ),
)

anc_visits = Table(
    "anc_visits",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("pregnancy_id", String(ID), nullable=False),
    Column("visit_on", Date, nullable=False),
    Column("gestation_weeks", SmallInteger, nullable=False),
    Column("weight_kg", Float),
    Column("bp_systolic", SmallInteger),
    Column("bp_diastolic", SmallInteger),
    Column("hb_g_dl", Float),
    Column("notes", String(500), nullable=False, default=""),
    Column("recorded_by", String(60), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(
        ["state_code", "pregnancy_id"], ["pregnancies.state_code", "pregnancies.id"]
    ),
    Index(None, "state_code", "pregnancy_id"),
)

# A baby born alive in a recorded delivery: links the newborn's person record to the mother
# and the pregnancy (people carry no mother column; this table is the relation).
births = Table(
    "births",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("pregnancy_id", String(ID), nullable=False),
    Column("mother_id", String(ID), nullable=False),
    Column("birth_weight_g", SmallInteger, nullable=False),
    Column("born_on", Date, nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    ForeignKeyConstraint(["state_code", "mother_id"], ["people.state_code", "people.id"]),
    ForeignKeyConstraint(
        ["state_code", "pregnancy_id"], ["pregnancies.state_code", "pregnancies.id"]
    ),
    Index(None, "state_code", "mother_id"),
    Index(None, "state_code", "pregnancy_id"),
)

# Adverse events following immunisation. ``area_code`` is where the event is followed up (the
# facility's area, else the person's village): a district officer lists their district's.
aefi_reports = Table(
    "aefi_reports",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("vaccination_id", String(ID), nullable=False),
    Column("person_id", String(ID), nullable=False),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("dose_code", String(12), nullable=False),
    Column("onset_at", UtcDateTime, nullable=False),
    Column("symptoms", JSON, nullable=False),
    Column("other_symptoms", String(300), nullable=False, default=""),
    Column("severity", String(10), nullable=False),
    Column("serious", Boolean, nullable=False),
    Column("serious_reasons", JSON, nullable=False),
    Column("outcome", String(30), nullable=False),
    Column("outcome_history", JSON, nullable=False),
    Column("reported_by", String(120), nullable=False),
    Column("recorded_by", String(60), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    ForeignKeyConstraint(
        ["state_code", "vaccination_id"], ["vaccinations.state_code", "vaccinations.id"]
    ),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    Index(None, "id"),
    Index(None, "state_code", "vaccination_id"),
    Index(None, "area_code", "serious", "onset_at"),
)

# --- sessions, slots and bookings -----------------------------------------------------------

vaccination_sessions = Table(
    "vaccination_sessions",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("facility_code", String(AREA), ForeignKey("facilities.code"), nullable=False),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("site", String(120), nullable=False, default=""),
    Column("day", Date, nullable=False),
    Column("starts", Time, nullable=False),
    Column("ends", Time, nullable=False),
    Column("slot_minutes", SmallInteger, nullable=False),
    Column("capacity_per_slot", Integer, nullable=False),
    Column("walk_in_percent", SmallInteger, nullable=False),
    Column("schedule", String(40), nullable=False),
    Column("offers", JSON, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("campaign", String(60), nullable=False, default=""),
    Column("min_age", String(8)),
    Column("max_age", String(8)),
    Column("status", String(12), nullable=False),
    Column("plan_id", String(ID)),
    Column("cancel_reason", String(300), nullable=False, default=""),
    Column("created_by", String(60), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "area_code", "day"),
)

# One row per slot. ``booked`` counts its active advance bookings and never passes
# ``bookable``; ``walk_ins`` counts people taken on the spot, and both together never pass
# ``capacity``. The conditional UPDATE that takes a place enforces it; CHECK is the backstop.
session_slots = Table(
    "session_slots",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("session_id", String(ID), primary_key=True),
    Column("number", SmallInteger, primary_key=True, autoincrement=False),
    Column("starts", Time, nullable=False),
    Column("ends", Time, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("bookable", Integer, nullable=False),
    Column("booked", Integer, nullable=False, default=0),
    Column("walk_ins", Integer, nullable=False, default=0),
    ForeignKeyConstraint(
        ["state_code", "session_id"],
        ["vaccination_sessions.state_code", "vaccination_sessions.id"],
    ),
    CheckConstraint(
        "booked >= 0 AND walk_ins >= 0 AND booked <= bookable AND bookable <= capacity"
        " AND booked + walk_ins <= capacity",
        name="places",
    ),
)

# Which bookings count as active, for the unique index and for ON CONFLICT against it.
ACTIVE_BOOKING = text("status IN ('booked', 'pending_verification', 'checked_in')")

bookings = Table(
    "bookings",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("person_id", String(ID), nullable=False),
    # The session may be in another state than the person (vaccination anywhere): the
    # booking lives with the person, and names the session's state beside its id.
    Column("session_state", String(STATE), nullable=False),
    Column("session_id", String(ID), nullable=False),
    Column("slot_number", SmallInteger, nullable=False),
    Column("schedule", String(40), nullable=False),
    Column("dose_code", String(12), nullable=False),
    Column("status", String(24), nullable=False),
    Column("booked_by", String(60), nullable=False),
    Column("walk_in", Boolean, nullable=False, default=False),
    Column("note", String(300), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    ForeignKeyConstraint(
        ["session_state", "session_id", "slot_number"],
        ["session_slots.state_code", "session_slots.session_id", "session_slots.number"],
    ),
    Index(None, "session_state", "session_id", "slot_number"),
    # At most one active booking per person and dose.
    Index(
        "uq_bookings_active_dose",
        "state_code",
        "person_id",
        "schedule",
        "dose_code",
        unique=True,
        sqlite_where=ACTIVE_BOOKING,
        postgresql_where=ACTIVE_BOOKING,
    ),  # fmt: skip
)

# The outbox: messages written with the change they announce, sent later by the worker.
notifications = Table(
    "notifications",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("channel", String(12), nullable=False),
    Column("recipient", String(20), nullable=False),
    Column("language", String(8), nullable=False),
    Column("params", JSON, nullable=False),
    Column("dedupe_key", String(120), nullable=False),
    Column("person_id", String(ID)),
    Column("status", String(12), nullable=False),
    Column("attempts", SmallInteger, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(60)),
    Column("claimed_at", UtcDateTime),
    Column("sent_at", UtcDateTime),
    Column("last_error", String(300), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("state_code", "dedupe_key"),
    Index(None, "status", "next_attempt_at"),
)

# A child's schedule judged on one day (``domain.due_lists.summarise``), so that a due list
# starting that day lists the child from it, or skips the child, without the engine. Valid only
# for that day, the area's flags and the schedule's version; deleted with every change to the
# child's doses, birth date or area (the repositories that write them do it).
schedule_summaries = Table(
    "schedule_summaries",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("schedule", String(40), nullable=False),
    Column("judged_on", Date, nullable=False),
    Column("flags", String(200), nullable=False),  # sorted, comma-joined
    Column("schedule_version", String(16), nullable=False),
    # The first day a window starting on judged_on could list the child; NULL: never.
    Column("first_listed", Date),
    Column("listed", JSON, nullable=False),  # those a list may show: [[code, status, due, last]]
    Column("updated_at", UtcDateTime, nullable=False),
    # Last: the long column, so that reading the others never follows its overflow pages.
    Column("statuses", JSON, nullable=False),  # [[code, status, due, last, given, waiting]]
)

# Proofs of earlier doses (docs/proofs.md). The documents live in the database, not on a disk
# beside it: a backup, a state's move to another data centre (S4) and a restore carry them with
# the rows that point to them, and an upload is written in the same transaction as its booking
# (a crash leaves neither an orphan file nor a proof without its file). They are small (at most
# ``proof_max_bytes``) and read rarely, by one verifier.
documents = Table(
    "documents",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("person_id", String(ID), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("media_type", String(40), nullable=False),  # sniffed from the content
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", String(60), nullable=False),
    Column("uploaded_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    Index(None, "state_code", "person_id"),
)

dose_proofs = Table(
    "dose_proofs",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("booking_id", String(ID), nullable=False),
    Column("document_id", String(ID), nullable=False),
    Column("claimed_dose_code", String(12), nullable=False),
    Column("claimed_given_on", Date, nullable=False),
    Column("claimed_place", String(120), nullable=False),
    Column("identifier_kind", String(20), nullable=False),
    Column("identifier_last", String(8), nullable=False),  # never more than the last 4
    Column("status", String(12), nullable=False),
    Column("decided_by", String(60)),
    Column("decided_at", UtcDateTime),
    Column("reason", String(300), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(["state_code", "booking_id"], ["bookings.state_code", "bookings.id"]),
    ForeignKeyConstraint(["state_code", "document_id"], ["documents.state_code", "documents.id"]),
    UniqueConstraint("state_code", "booking_id"),
    Index(None, "status", "created_at"),
)

# --- vaccine stock --------------------------------------------------------------------------

# The stock ledger, append-only: one row per movement of a lot's doses (domain.stock). The
# balance is the sum of the rows; ``doses`` is positive except for an adjustment (signed).
stock_movements = Table(
    "stock_movements",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("facility_code", String(AREA), nullable=False),
    Column("product", String(80), nullable=False),
    Column("lot", String(40), nullable=False),
    # receipt | issue | return | administered | wasted | adjustment
    Column("kind", String(16), nullable=False),
    Column("doses", Integer, nullable=False),
    Column("session_id", String(ID)),
    # The dose's record lives with the person, maybe in another state: no foreign key.
    Column("vaccination_id", String(ID)),
    Column("reason", String(300), nullable=False, default=""),
    Column("recorded_by", String(60), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(
        ["state_code", "facility_code", "product", "lot"],
        [
            "vaccine_lots.state_code",
            "vaccine_lots.facility_code",
            "vaccine_lots.product",
            "vaccine_lots.lot",
        ],
        name="fk_stock_movements_lot",
    ),  # fmt: skip
    ForeignKeyConstraint(
        ["state_code", "session_id"],
        ["vaccination_sessions.state_code", "vaccination_sessions.id"],
        name="fk_stock_movements_session",
    ),
    CheckConstraint("doses > 0 OR (kind = 'adjustment' AND doses <> 0)", name="doses"),
    Index(None, "state_code", "facility_code", "product", "lot"),
    Index(None, "state_code", "session_id"),
)

# --- WhatsApp (Cloud API) -------------------------------------------------------------------
SEQ = BigInteger().with_variant(Integer, "sqlite")  # SQLite numbers only INTEGER PRIMARY KEY
WA_ID = 64  # a phone number in digits today; newer payloads may carry a longer user id
# Conversations are keyed by the user's wa_id and not yet tied to a state: a citizen's number
# says nothing about where they live. ``claimed_by`` lets one worker at a time process a
# conversation's messages, oldest first.
whatsapp_conversations = Table(
    "whatsapp_conversations",
    metadata,
    Column("wa_id", String(WA_ID), primary_key=True),
    Column("language", String(8)),
    Column("profile_name", String(120), nullable=False, default=""),
    Column("consent_shown_at", UtcDateTime),
    Column("last_inbound_at", UtcDateTime),
    # Unused since 0020 (claims are in whatsapp_claims); kept rather than rebuilt on SQLite.
    Column("claimed_by", String(60)),
    Column("claimed_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
)

# The worker processing a conversation (one at a time), apart from the conversation's row,
# which the webhook updates with every message: the two never wait for each other. A claim
# older than five minutes is a dead worker's and may be taken over.
whatsapp_claims = Table(
    "whatsapp_claims",
    metadata,
    Column("wa_id", String(WA_ID), primary_key=True),
    Column("claimed_by", String(60), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
)

# Every inbound message, stored before the webhook answers; the unique message id makes a
# duplicate delivery a no-op.
whatsapp_inbound = Table(
    "whatsapp_inbound",
    metadata,
    # Arrival order: a conversation's messages are processed in it.
    Column("seq", SEQ, primary_key=True, autoincrement=True),
    Column("id", String(ID), nullable=False, unique=True),
    Column("message_id", String(128), nullable=False, unique=True),
    Column("wa_id", String(WA_ID), ForeignKey("whatsapp_conversations.wa_id"), nullable=False),
    Column("type", String(24), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("reply_id", String(200), nullable=False, default=""),
    Column("media_id", String(128), nullable=False, default=""),
    Column("payload", JSON, nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("status", String(12), nullable=False),  # pending | processed | failed
    Column("attempts", SmallInteger, nullable=False, default=0),
    Column("processed_at", UtcDateTime),
    Column("error", String(300), nullable=False, default=""),
    Index(None, "wa_id", "status", "sent_at"),
    Index(None, "status"),
)

# What we send (replies, and notifications over WhatsApp): queued, then sent by the worker.
whatsapp_outbound = Table(
    "whatsapp_outbound",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=True),  # replies go out in this order
    Column("id", String(ID), nullable=False, unique=True),
    Column("wa_id", String(WA_ID), nullable=False),
    Column("kind", String(12), nullable=False),  # text | buttons | list | document | template
    Column("body", JSON, nullable=False),
    Column("notification_id", String(ID)),
    Column("wa_message_id", String(128), unique=True),
    Column("status", String(12), nullable=False),  # queued | sending | sent | failed
    Column("attempts", SmallInteger, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(60)),
    Column("claimed_at", UtcDateTime),
    Column("sent_at", UtcDateTime),
    Column("error", String(300), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "wa_id", "created_at"),
    Index(None, "status", "next_attempt_at"),
)

# Delivery statuses by WhatsApp's message id, whatever order they arrive in (even before the
# message they describe is recorded as sent): a status only ever moves forward.
whatsapp_statuses = Table(
    "whatsapp_statuses",
    metadata,
    Column("wa_message_id", String(128), primary_key=True),
    Column("recipient", String(WA_ID), nullable=False),
    Column("status", String(12), nullable=False),
    Column("status_at", UtcDateTime, nullable=False),
    Column("errors", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Images and documents users send, downloaded at once (the Graph API's URL lives minutes).
whatsapp_media = Table(
    "whatsapp_media",
    metadata,
    Column("media_id", String(128), primary_key=True),
    Column("message_id", String(128), nullable=False, index=True),
    Column("wa_id", String(WA_ID), nullable=False),
    Column("mime_type", String(100), nullable=False),
    Column("filename", String(200), nullable=False, default=""),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# Where each conversation stands in its flow (``domain.chat_flow``): the step, what the user
# has answered so far in it, when they last wrote (a quiet conversation starts over), and
# whether they said STOP (then nothing more is sent, reminders included, until START).
whatsapp_chat_states = Table(
    "whatsapp_chat_states",
    metadata,
    Column("wa_id", String(WA_ID), ForeignKey("whatsapp_conversations.wa_id"), primary_key=True),
    Column("step", String(40), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("active_at", UtcDateTime),
    Column("opted_out_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
)

# --- Legacy records and their linkage to the registry -------------------------------------
# A legacy export (a state portal, a department's spreadsheet) is imported into staging as
# it is, one record per row with its source and row id; linkage decides which registry person
# a record is, and only then are its doses merged into that person's history.
legacy_imports = Table(
    "legacy_imports",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("source", String(40), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("mapping_sha256", String(64), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_imported", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("imported_by", String(60), nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    # Re-importing the same file for the same source is a no-op.
    UniqueConstraint("state_code", "source", "file_sha256"),
)

legacy_records = Table(
    "legacy_records",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("source", String(40), nullable=False),
    Column("import_id", String(ID), nullable=False),
    Column("source_row_id", String(80), nullable=False),  # the export's own id, else its row
    Column("name", String(200), nullable=False),  # as written, any script
    Column("name_latin", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("sex", String(8)),
    Column("birth_date", Date),
    Column("age_years", SmallInteger),  # legacy forms often hold an age, not a birth date
    Column("age_as_of", Date),
    Column("phone", String(16)),
    Column("area_code", String(AREA)),  # resolved through the mapping, else NULL
    Column("area_text", String(120), nullable=False, default=""),
    Column("id_kind", String(16)),
    Column("id_lookup_hash", String(64)),
    Column("id_last4", String(4)),
    # The row as read (JSON text of its non-empty cells), kept as evidence only.
    Column("raw", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # No foreign key to legacy_imports, and none from legacy_doses to here (0021): an import
    # writes its records and doses together in one transaction and they go only with their
    # state; checking each of a million rows was half of PostgreSQL's work per row.
    UniqueConstraint("state_code", "source", "source_row_id"),
)

legacy_doses = Table(
    "legacy_doses",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("record_id", String(ID), nullable=False),
    Column("schedule", String(40), nullable=False),
    Column("dose_code", String(12), nullable=False),
    Column("given_on", Date, nullable=False),
    Column("product", String(80), nullable=False, default=""),
    Column("facility_text", String(160), nullable=False, default=""),
    Column("area_code", String(AREA)),  # where it was given, when the export says
    # Set while the record is linked and this dose was merged into the person's history.
    Column("vaccination_id", String(ID)),
    UniqueConstraint("state_code", "record_id", "schedule", "dose_code"),
)

# One run of the linkage model over a source: its thresholds, the trained model and counts.
legacy_link_runs = Table(
    "legacy_link_runs",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("source", String(40), nullable=False),
    Column("backend", String(12), nullable=False),  # duckdb | spark
    Column("thresholds", JSON, nullable=False),  # {"auto": 12.0, "review": 4.0} match weights
    Column("model", JSON, nullable=False),  # trained m and u probabilities, lambda
    Column("records", Integer, nullable=False, default=0),
    Column("pairs_scored", BigInteger, nullable=False, default=0),
    Column("auto_links", Integer, nullable=False, default=0),
    Column("reviews", Integer, nullable=False, default=0),
    Column("new_people", Integer, nullable=False, default=0),
    Column("started_by", String(60), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Index(None, "state_code", "source", "started_at"),
)

# The registry people a legacy record may be, as scored by a run, with each field's part of the
# match weight (what the clerical review page shows side by side).
legacy_candidates = Table(
    "legacy_candidates",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("record_id", String(ID), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("run_id", String(ID), nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("contributions", JSON, nullable=False),  # {"name": 7.9, "birth_date": 6.1, ...}
    ForeignKeyConstraint(
        ["state_code", "record_id"], ["legacy_records.state_code", "legacy_records.id"]
    ),
    Index(None, "state_code", "person_id"),
)

# The current decision for each legacy record. ``auto`` and ``linked`` (by a clerk) tie it to a
# person and merge its doses; ``review`` waits for a clerk; ``new`` and ``not_match`` leave it
# unlinked. Every change is written to the audit log and can be reversed.
legacy_links = Table(
    "legacy_links",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("record_id", String(ID), primary_key=True),
    Column("person_id", String(ID)),
    Column("match_weight", Float),
    Column("decision", String(12), nullable=False),  # auto | review | new | linked | not_match
    Column("run_id", String(ID), nullable=False),
    Column("decided_by", String(60), nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(
        ["state_code", "record_id"], ["legacy_records.state_code", "legacy_records.id"]
    ),
    Index(None, "state_code", "person_id"),
    Index(None, "state_code", "decision"),
)

# --- Village completion attestations (docs/reconciliation.md) -------------------------------
# A sarpanch's signed claim that a village reached a coverage of one dose of a schedule, as
# recorded by a district officer; the reconciliation report compares it with the registry.
# The scanned certificate is kept on the row: ``documents`` belong to a person, and a village's
# certificate belongs to no one person.
attestations = Table(
    "attestations",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("schedule", String(40), nullable=False),
    Column("dose_code", String(12), nullable=False),
    Column("claimed_coverage", Float, nullable=False),  # percent of the eligible people
    Column("signed_by", String(120), nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("document_sha256", String(64)),
    Column("document_media_type", String(40)),
    Column("document", LargeBinary),
    Column("recorded_by", String(60), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    CheckConstraint("claimed_coverage >= 0 AND claimed_coverage <= 100", name="coverage"),
    Index(None, "state_code", "area_code", "signed_on"),
)

# --- Data residency (docs/data-residency.md) ---------------------------------------------
# A state's writes frozen here until ``until`` (maintenance mode); read by every writer through
# a short cache (adapters.tenant.freeze). Not part of a state's bundle: each deployment its own.
state_maintenance = Table(
    "state_maintenance",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("since", UtcDateTime, nullable=False),
    Column("until", UtcDateTime, nullable=False),
    Column("reason", String(300), nullable=False),
    Column("set_by", String(60), nullable=False),
)

# Where a state's records are kept since its last move: ``authoritative`` is true at the
# deployment that now keeps them; the origin keeps its copy as a backup and refuses writes.
state_authority = Table(
    "state_authority",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("authoritative", Boolean, nullable=False),
    Column("deployment", String(200), nullable=False),  # the deployment that keeps them
    Column("bundle_sha256", String(64), nullable=False),  # the manifest the move carried
    Column("switched_at", UtcDateTime, nullable=False),
    Column("switched_by", String(60), nullable=False),
)

# --- Community services ledger (docs/services-ledger.md, migration 0017) --------------------
# Schemes as data: the rules are kept as written (each parsed before it was accepted);
# ``min_age`` is derived from them so that set-based SQL can find recipients too young.
schemes = Table(
    "schemes",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("code", String(40), primary_key=True),
    Column("department", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_local", String(200)),
    Column("benefit", String(12), nullable=False),  # cash | in_kind | service
    Column("period", String(12), nullable=False),  # one_off | monthly | quarterly | yearly
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("amount", Float),
    Column("currency", String(3)),
    Column("exclusive_group", String(40)),
    Column("rules", JSON, nullable=False),
    Column("min_age", SmallInteger),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_by", String(60), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "code"),
)

# What the registry does not say of a person and the schemes' rules ask (one row per person,
# only for people something is known of): disability, chronic illness, occupation, marital
# status and the date of death.
person_attributes = Table(
    "person_attributes",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("chronic_illness", Boolean, nullable=False, default=False),
    Column("occupation", String(40)),
    Column("marital_status", String(16)),
    Column("deceased_on", Date),
    Column("updated_by", String(60), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
)

# One service a department gave, keyed by what the department knew of the person: the first
# identifier it gave (hashed like person_identifiers), a phone, a name and birth date. It
# resolves to a person or waits for a clerk (status queued); ``period_key`` and ``year`` are
# computed on the way in so that duplicates are found by GROUP BY alone.
service_records = Table(
    "service_records",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("department", String(40), nullable=False),
    Column("scheme_code", String(40), nullable=False),
    Column("reference", String(80), nullable=False),
    Column("delivered_on", Date, nullable=False),
    Column("period_key", String(10), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("amount", Float),
    Column("status", String(10), nullable=False),  # resolved | queued | rejected
    Column("person_id", String(ID)),
    Column("resolved_by", String(16)),  # an identifier kind, phone, name_birth or clerk
    Column("key_kind", String(16)),
    Column("key_hash", String(64)),
    Column("key_last4", String(4)),
    Column("name", String(200)),
    Column("name_key", String(200)),
    Column("birth_date", Date),
    Column("phone", String(16)),
    Column("area_code", String(AREA)),
    Column("note", String(300)),
    Column("created_by", String(60), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    UniqueConstraint("state_code", "department", "reference"),
    Index(None, "state_code", "person_id"),
    Index(None, "state_code", "status"),
)

# Findings of the duplicate-benefits detection, keyed by what they are about
# (kind:scheme:person:period), so that running the detection again updates them and keeps
# a clerk's decision (open, confirmed, dismissed with the reason; audited).
benefit_findings = Table(
    "benefit_findings",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(160), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("scheme_code", String(40), nullable=False),  # the group's code for ``exclusive``
    Column("person_id", String(ID), nullable=False),
    Column("period_key", String(10), nullable=False),
    Column("area_code", String(AREA), nullable=False),
    Column("records", Integer, nullable=False),
    Column("amount", Float, nullable=False, default=0),
    Column("status", String(10), nullable=False),
    Column("reason", String(300)),
    Column("found_at", UtcDateTime, nullable=False),
    Column("decided_by", String(60)),
    Column("decided_at", UtcDateTime),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    Index(None, "state_code", "area_code"),
)

# Hospital continuity (docs/hospital-continuity.md). A signed eligibility card per person and
# scheme: the card itself is a JWS the holder carries; this is the register of those issued,
# kept to print one again (revoking one writes its id into ``certificate_revocations`` as the
# ``rid`` under every key).
eligibility_cards = Table(
    "eligibility_cards",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(24), primary_key=True),
    Column("person_id", String(ID), nullable=False),
    Column("scheme_code", String(40), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("kid", String(64), ForeignKey("signing_keys.kid"), nullable=False),
    Column("jws", Text, nullable=False),  # the card as signed, to print it again
    Column("issued_at", UtcDateTime, nullable=False),
    Column("issued_by", String(60), nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    Index(None, "state_code", "person_id"),
)

# Admissions and discharges a hospital desk recorded, perhaps offline and replayed later: the
# id is made by the desk, and the idempotency key is unique in the whole deployment, so a
# replay (or a second replay) records each event exactly once.
hospital_events = Table(
    "hospital_events",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("idempotency_key", String(80), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),  # admission | discharge
    Column("facility_code", String(AREA), nullable=False),
    Column("person_id", String(ID), nullable=False),
    Column("scheme_code", String(40), nullable=False),
    Column("card_id", String(24)),
    Column("admission_id", String(ID)),  # a discharge's admission
    Column("admitted_at", UtcDateTime),
    Column("discharged_at", UtcDateTime),
    Column("package", String(200), nullable=False, default=""),
    Column("amount", Float),
    Column("queued_at", UtcDateTime, nullable=False),  # the desk's clock
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(60), nullable=False),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    Index(None, "state_code", "person_id"),
    Index(None, "state_code", "facility_code"),
)

# Household surveys (docs/surveys.md): one row per survey of a household, a first survey or a
# yearly re-verification task (``campaign_year``; one per household and year), with where the
# household was found, who surveyed and who verified it.
household_surveys = Table(
    "household_surveys",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("household_id", String(ID), nullable=False),
    Column("area_code", String(AREA), ForeignKey("areas.code"), nullable=False),
    Column("kind", String(16), nullable=False),  # new | reverification
    Column("status", String(10), nullable=False),  # open | submitted | returned | approved
    Column("campaign_year", SmallInteger),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("place", String(200)),
    Column("surveyed_by", String(60)),
    Column("surveyed_at", UtcDateTime),
    Column("verified_by", String(60)),
    Column("verified_at", UtcDateTime),
    Column("comment", String(500)),
    Column("submissions", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(
        ["state_code", "household_id"], ["households.state_code", "households.id"]
    ),
    UniqueConstraint("state_code", "household_id", "campaign_year"),
    Index(None, "id"),
    Index(None, "state_code", "area_code", "status"),
)

# Earlier versions of a household (address, head, members and their relations), kept like
# ``person_history`` with who changed it, when and why.
household_history = Table(
    "household_history",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("household_id", String(ID), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("snapshot", JSON, nullable=False),
    Column("changed_by", String(60), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("reason", String(300), nullable=False),
    ForeignKeyConstraint(
        ["state_code", "household_id"], ["households.state_code", "households.id"]
    ),
)

# What a survey found changed in a household: a birth, a death, a marriage, someone moving in
# or out, on the day it happened; the yearly change report counts them.
household_events = Table(
    "household_events",
    metadata,
    Column("state_code", String(STATE), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("household_id", String(ID), nullable=False),
    Column("person_id", String(ID), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("area_code", String(AREA), nullable=False),
    Column("survey_id", String(ID)),
    Column("detail", JSON, nullable=False),
    Column("recorded_by", String(60), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(
        ["state_code", "household_id"], ["households.state_code", "households.id"]
    ),
    ForeignKeyConstraint(["state_code", "person_id"], ["people.state_code", "people.id"]),
    Index(None, "state_code", "year", "area_code"),
)
