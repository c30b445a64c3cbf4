"""The migrations build exactly the schema that ``tables.py`` declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sevasetu.adapters.db.tables import metadata


def test_the_migrated_schema_matches_the_tables_the_code_uses(ctx):
    with ctx.engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert differences == []
