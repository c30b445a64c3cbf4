"""A state's export, import and verify between SQLite and PostgreSQL, and every refusal."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import make_url

from sevasetu.adapters.certificates import shc
from sevasetu.adapters.db import tables as t
from sevasetu.adapters.db.engine import make_engine
from sevasetu.adapters.db.migrate import head_revision, upgrade
from sevasetu.adapters.db.tables import metadata
from sevasetu.adapters.passwords import Argon2Passwords
from sevasetu.adapters.tenant.bundle import (
    MANIFEST,
    SIGNATURE,
    TableWriter,
    read_lines,
    sign_manifest,
)
from sevasetu.adapters.tenant.rows import canonical_rows
from sevasetu.adapters.tenant.scope import RULES, exported_tables, unruled
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.domain.tenancy import (
    BundleRefused,
    ImportFailed,
    Manifest,
    SchemaVersionMismatch,
    TargetHoldsOtherData,
    canonical_line,
)
from sevasetu.services import certificates
from sevasetu.services.areas import load_geography
from sevasetu.services.demo import load_demo
from sevasetu.services.tenant_export import export_state
from sevasetu.services.tenant_import import import_bundle
from sevasetu.services.tenant_verify import verify_state

from ..builders import NADIA_VILLAGE
from ..conftest import PG_URL
from ..fakes import FakeClock, RecordingSms

STATE = "IN-WB"
HEAD = head_revision()
_NO_PG = pytest.mark.skipif(PG_URL is None, reason="no PG")
PAIRS = [
    pytest.param(("sqlite", "sqlite"), id="sqlite-sqlite"),
    pytest.param(("sqlite", "postgresql"), marks=_NO_PG, id="sqlite-postgresql"),
    pytest.param(("postgresql", "sqlite"), marks=_NO_PG, id="postgresql-sqlite"),
    # Both ends written and read by the server itself (adapters.tenant.rows and .load).
    pytest.param(("postgresql", "postgresql"), marks=_NO_PG, id="postgresql-postgresql"),
]
SAME_KIND = [PAIRS[0], PAIRS[3]]


def test_every_table_is_state_scoped_or_has_a_rule():
    assert unruled(list(metadata.sorted_tables)) == [], (
        "a table without state_code needs a rule in adapters/tenant/scope.py"
    )
    assert sorted(set(RULES) - set(metadata.tables)) == [], "a rule names no table"


@pytest.fixture(scope="module")
def pg_target_url(pg_schema_url: str) -> Iterator[str]:
    """A second PostgreSQL schema at the head revision: the target of a PostgreSQL pair."""
    schema = f"{parse_qs(urlsplit(pg_schema_url).query)['options'][0].split('=')[1]}_target"
    admin = make_engine(PG_URL or "")
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL or "").update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    upgrade(engine)
    engine.dispose()
    yield rendered
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _context(
    kind: str, tmp: Path, name: str, request: pytest.FixtureRequest, second: bool = False
) -> AppContext:
    if kind == "sqlite":
        path = tmp / f"{name}.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_target_url" if second else "pg_schema_url")
        engine = make_engine(url)
        with engine.begin() as conn:
            names = ", ".join(f'"{x.name}"' for x in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} CASCADE"))
        engine.dispose()
    settings = Settings(database_url=url, environment="test",
                        secret_key=f"{name}-secret-key-0123456789",
                        identifier_key="shared-identifier-key-0123")  # fmt: skip
    ctx = AppContext(settings, sms=RecordingSms(),
                     clock=FakeClock(datetime(2026, 11, 20, 6, 30, tzinfo=UTC)),
                     passwords=Argon2Passwords(time_cost=1, memory_cost=1024))  # fmt: skip
    load_geography(ctx)
    return ctx


def _populate(ctx: AppContext, *, ledger: bool = True) -> None:
    """The demo district plus rows with every awkward type: binary with NUL bytes, JSON with
    nested and non-ASCII values, times, microseconds, a citizen account, a revoked card."""
    load_demo(ctx, people=40, seed=11, ledger=ledger)
    with ctx.engine.begin() as conn:
        person = (
            conn.execute(
                select(t.people.c.id).where(t.people.c.state_code == STATE).order_by(t.people.c.id)
            )
            .scalars()
            .first()
        )
        conn.execute(
            insert(t.documents).values(
                state_code=STATE,
                id="doc-1",
                person_id=person,
                sha256="0" * 64,
                media_type="image/png",
                size=6,
                content=b"\x89PNG\x00\xff",
                uploaded_by="tests",
                uploaded_at=datetime(2026, 11, 1, 4, 5, 6, 789012, tzinfo=UTC),
            )
        )
        conn.execute(
            insert(t.vaccination_sessions).values(
                state_code=STATE,
                id="ses-1",
                facility_code=_facility(conn),
                area_code=NADIA_VILLAGE,
                site="স্কুল",
                day=date(2026, 12, 1),
                starts=time(9, 30),
                ends=time(13, 0, 0, 500),
                slot_minutes=30,
                capacity_per_slot=10,
                walk_in_percent=20,
                schedule="india-uip",
                offers={"doses": ["BCG", "OPV0"], "নোট": [1.5, None, True]},
                kind="routine",
                status="planned",
                created_by="tests",
                created_at=datetime(2026, 11, 2, 23, 59, 59, 1, tzinfo=UTC),
            )
        )
        conn.execute(
            insert(t.citizen_accounts).values(
                id="acct-1",
                phone="+919876543210",
                language="bn",
                created_at=datetime(2026, 11, 3, tzinfo=UTC),
            )
        )
        conn.execute(insert(t.account_people).values(
            state_code=STATE, account_id="acct-1", person_id=person,
            added_at=datetime(2026, 11, 3, 1, tzinfo=UTC)))  # fmt: skip
    certificates.active_key(ctx)
    certificates.revoke(ctx, person, "issued with a wrong birth date", actor="tests")


def _facility(conn) -> str:  # type: ignore[no-untyped-def]
    return conn.execute(
        select(t.facilities.c.code).where(t.facilities.c.state_code == STATE)
        .order_by(t.facilities.c.code)
    ).scalars().first()  # fmt: skip


def _state_rows(ctx: AppContext) -> dict[str, list[bytes]]:
    with ctx.engine.connect() as conn:
        return {table.name: [line for _, line in canonical_rows(conn, table, STATE)]
                for table in exported_tables() if table.name != "signing_keys"}  # fmt: skip


def _jwks_file(ctx: AppContext, tmp: Path) -> Path:
    path = tmp / "origin-jwks.json"
    path.write_text(json.dumps(certificates.jwks(ctx)))
    return path


@pytest.fixture
def contexts(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[AppContext, AppContext]]:
    origin_kind, target_kind = request.param
    origin = _context(origin_kind, tmp_path, "origin", request)
    target = _context(target_kind, tmp_path, "target", request, second=origin_kind == target_kind)
    yield origin, target
    origin.close()
    target.close()


@pytest.mark.parametrize("contexts", PAIRS, indirect=True)
def test_a_state_moves_with_every_row_identical_and_a_second_import_is_a_no_op(contexts, tmp_path):
    origin, target = contexts
    _populate(origin)
    bundle = tmp_path / "bundle"
    manifest = export_state(origin, STATE, bundle)
    counts = {e.name: e.rows for e in manifest.tables}
    assert counts["people"] > 0 and counts["documents"] == 1 and counts["citizen_accounts"] == 1
    assert counts["certificate_revocations"] == 1 and counts["signing_keys"] == 1
    assert all(e.name not in counts for e in [t.api_tokens, t.whatsapp_inbound])

    trusted = json.loads(_jwks_file(origin, tmp_path).read_text())
    report = import_bundle(target, bundle, trusted)
    assert report.inserted["people"] == counts["people"]
    assert "areas" in report.already_there  # the geography both deployments load

    assert _state_rows(target) == _state_rows(origin)
    with target.engine.connect() as conn:
        doc = conn.execute(select(t.documents.c.content, t.documents.c.uploaded_at)).one()
        session = conn.execute(select(t.vaccination_sessions).where(
            t.vaccination_sessions.c.id == "ses-1")).one()  # fmt: skip
    assert doc.content == b"\x89PNG\x00\xff"
    assert doc.uploaded_at == datetime(2026, 11, 1, 4, 5, 6, 789012, tzinfo=UTC)
    assert session.ends == time(13, 0, 0, 500) and session.offers["নোট"] == [1.5, None, True]

    # The target verifies cards the origin signed: the origin's public key came along.
    assert {k["kid"] for k in certificates.jwks(origin)["keys"]} <= {
        k["kid"] for k in certificates.jwks(target)["keys"]
    }
    _, differences = verify_state(target, STATE, bundle, trusted)
    assert all(d.same for d in differences), [d for d in differences if not d.same]

    again = import_bundle(target, bundle, trusted)
    assert again.no_op
    assert _state_rows(target) == _state_rows(origin)


@pytest.mark.parametrize("contexts", SAME_KIND, indirect=True)
def test_verify_names_the_missing_extra_and_changed_keys(contexts, tmp_path):
    origin, _ = contexts
    _populate(origin)
    bundle = tmp_path / "bundle"
    export_state(origin, STATE, bundle)
    with origin.engine.begin() as conn:
        first, second = (
            conn.execute(select(t.documents.c.id, t.documents.c.person_id).limit(1)).one(),
            None,
        )
        conn.execute(update(t.documents).values(media_type="application/pdf"))
        conn.execute(t.documents.insert().values(
            state_code=STATE, id="doc-2", person_id=first.person_id, sha256="1" * 64,
            media_type="image/jpeg", size=1, content=b"x", uploaded_by="tests",
            uploaded_at=datetime(2026, 11, 4, tzinfo=UTC)))  # fmt: skip
        conn.execute(t.account_people.delete())
        del second
    _, differences = verify_state(origin, STATE, bundle)
    by_name = {d.name: d for d in differences}
    assert by_name["documents"].changed == [[STATE, "doc-1"]]
    assert by_name["documents"].extra == [[STATE, "doc-2"]]
    assert by_name["account_people"].missing_count == 1
    assert by_name["people"].same


@pytest.mark.parametrize("contexts", SAME_KIND, indirect=True)
def test_bad_bundles_are_refused_with_the_reason_and_nothing_is_written(contexts, tmp_path):
    origin, target = contexts
    _populate(origin)
    bundle = tmp_path / "bundle"
    export_state(origin, STATE, bundle)
    trusted = json.loads(_jwks_file(origin, tmp_path).read_text())
    before = _state_rows(target)

    def copy(name: str) -> Path:
        return Path(shutil.copytree(bundle, tmp_path / name))

    # Not trusted: the origin's key was not given.
    with pytest.raises(BundleRefused, match="not among the trusted keys"):
        import_bundle(target, bundle)
    # A changed byte in a table file.
    tampered = copy("tampered")
    data = bytearray((tampered / "people.jsonl.gz").read_bytes())
    data[len(data) // 2] ^= 0x01
    (tampered / "people.jsonl.gz").write_bytes(bytes(data))
    with pytest.raises(BundleRefused, match="people.jsonl.gz has changed since it was signed"):
        import_bundle(target, tampered, trusted)
    # A missing file.
    missing = copy("missing")
    (missing / "documents.jsonl.gz").unlink()
    with pytest.raises(BundleRefused, match="documents.jsonl.gz is missing"):
        import_bundle(target, missing, trusted)
    # A manifest edited after signing (a count raised).
    edited = copy("edited")
    manifest = json.loads((edited / MANIFEST).read_text())
    manifest["tables"][0]["rows"] += 1
    (edited / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BundleRefused, match="not the manifest that was signed"):
        import_bundle(target, edited, trusted)
    # A signature by another key.
    forged = copy("forged")
    other = export_state(target, "IN-CG", tmp_path / "other")
    (forged / SIGNATURE).write_text((tmp_path / "other" / SIGNATURE).read_text())
    with pytest.raises(BundleRefused):
        import_bundle(target, forged, trusted)
    del other
    # Another schema version at the target.
    with target.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0015'"))
    with pytest.raises(SchemaVersionMismatch, match=f"version {HEAD} but this database is at 0015"):
        import_bundle(target, bundle, trusted)
    with target.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": HEAD})
    assert _state_rows(target) == before


@pytest.mark.parametrize("contexts", PAIRS, indirect=True)
def test_a_target_holding_other_rows_of_the_state_is_refused_naming_the_tables(contexts, tmp_path):
    origin, target = contexts
    _populate(origin)
    load_demo(target, people=5, seed=99)  # the target registered its own people in IN-WB
    bundle = tmp_path / "bundle"
    export_state(origin, STATE, bundle)
    trusted = json.loads(_jwks_file(origin, tmp_path).read_text())
    before = _state_rows(target)
    with pytest.raises(TargetHoldsOtherData, match=r"IN-WB in: .*people"):
        import_bundle(target, bundle, trusted)
    assert _state_rows(target) == before


@pytest.mark.parametrize("contexts", PAIRS, indirect=True)
def test_a_failure_in_the_middle_of_the_import_leaves_the_target_as_it_was(contexts, tmp_path):
    origin, target = contexts
    _populate(origin)
    bundle = tmp_path / "bundle"
    export_state(origin, STATE, bundle)
    trusted = json.loads(_jwks_file(origin, tmp_path).read_text())
    # The target already has a Chhattisgarh user with the name of one of the origin's West
    # Bengal users: usernames are unique across the deployment, so that insert fails, after
    # the tables before it in foreign-key order went in.
    with origin.engine.connect() as conn:
        u = t.users.c
        username = (
            conn.execute(select(u.username).where(u.state_code == STATE).order_by(u.username))
            .scalars()
            .first()
        )
    with target.engine.begin() as conn:
        conn.execute(insert(t.users).values(
            id="u-cg", state_code="IN-CG", username=username, full_name="Someone Else",
            password_hash="x", role="asha", area_code="IN-CG", language="hi", active=True,
            failed_logins=0, created_at=datetime(2026, 1, 1, tzinfo=UTC)))  # fmt: skip
    before = _state_rows(target)
    with target.engine.connect() as conn:
        count_before = conn.execute(select(func.count()).select_from(t.people)).scalar_one()
    with pytest.raises(ImportFailed, match="Importing users failed"):
        import_bundle(target, bundle, trusted)
    assert _state_rows(target) == before
    with target.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.people)).scalar_one() == (
            count_before
        )


def _constraints(ctx: AppContext) -> list[tuple[str, str]]:
    with ctx.engine.connect() as conn:
        return sorted(conn.execute(text(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace "
            "UNION ALL SELECT indrelid::regclass::text, indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid::regclass::text IN ('people', 'vaccinations', 'households')"
        )).all())  # fmt: skip


def _resigned(origin: AppContext, bundle: Path, table: str, edit) -> None:  # type: ignore[no-untyped-def]
    """Rewrite one table file with ``edit`` applied to each row and sign the bundle again with
    the origin's key: a bundle a trusted origin could have made from inconsistent rows."""
    manifest = Manifest.from_json(json.loads((bundle / MANIFEST).read_bytes()))
    entry = manifest.table(table)
    assert entry is not None
    rows = [edit(json.loads(line)) for line in read_lines(bundle / entry.file)]
    (bundle / entry.file).unlink()
    writer = TableWriter(bundle, table)
    for row in rows:
        writer.write(canonical_line(row))
    file_hash, content_hash = writer.close()
    tables = [replace(e, file_sha256=file_hash, content_sha256=content_hash, rows=len(rows))
              if e.name == table else e for e in manifest.tables]  # fmt: skip
    key = certificates.active_key(origin)
    private = shc.load_private_key(key.private_pem, certificates._passphrase(origin))
    sign_manifest(bundle, replace(manifest, tables=tables), private)


@pytest.mark.parametrize("contexts", [PAIRS[1], PAIRS[3]], indirect=True)
def test_a_foreign_key_checked_after_a_bulk_load_fails_it_and_keeps_every_constraint(
    contexts, tmp_path
):
    """Into a deployment holding nobody yet, PostgreSQL's indexes and foreign keys are built
    after the rows: a row pointing at something the target lacks still fails the import,
    naming the table, and the dropped constraints come back with the rollback."""
    origin, target = contexts
    _populate(origin)
    bundle = tmp_path / "bundle"
    export_state(origin, STATE, bundle)
    trusted = json.loads(_jwks_file(origin, tmp_path).read_text())
    at = [c.name for c in t.vaccinations.columns].index("person_id")

    def stray(row: list) -> list:  # type: ignore[type-arg]
        return [*row[:at], "nobody-here", *row[at + 1 :]] if row[1] == first else row

    with origin.engine.connect() as conn:
        first = conn.execute(select(func.min(t.vaccinations.c.id)).where(
            t.vaccinations.c.state_code == STATE)).scalar_one()  # fmt: skip
    assert first is not None
    _resigned(origin, bundle, "vaccinations", stray)
    before, constraints = _state_rows(target), _constraints(target)
    with pytest.raises(ImportFailed, match=r"Importing vaccinations failed \(.*foreign key"):
        import_bundle(target, bundle, trusted)
    assert _state_rows(target) == before
    assert _constraints(target) == constraints
    with target.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.people)).scalar_one() == 0
