"""Every migration goes both ways, on a database holding a real study.

A database filled through the API (corpus, theories, codes, annotations, CMOCs) is
taken down one revision at a time to the first: after each step its schema must be
exactly what upgrading an empty database to that revision builds, and every table
that still exists keeps its rows. It then goes back up to head holding what is left,
down to base (nothing of ours left, PostgreSQL's enum types included) and up again.
New migrations are checked as they arrive: the test walks whatever the script
directory holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from backend.core.config import Settings
from backend.core.db import alembic_config
from tests.conftest import drop_database, make_settings, new_database, signed_in
from tests.study import build

# The SQLite search engine keeps its tables in the same file; it rebuilds them itself.
ENGINE_TABLES = "search_"


@contextmanager
def _connection(settings: Settings) -> Iterator[tuple[Config, Connection]]:
    """Alembic bound to one connection, as `backend.core.db.migrate` does it."""
    cfg = alembic_config(settings)
    engine = create_engine(settings.sync_database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            yield cfg, connection
    finally:
        engine.dispose()


def _step(settings: Settings, direction: str, revision: str) -> tuple[dict, dict[str, int]]:
    """Upgrade or downgrade to `revision`; the schema and row counts after it."""
    with _connection(settings) as (cfg, connection):
        getattr(command, direction)(cfg, revision)
        return _schema(connection), _counts(connection)


def _tables(connection: Connection) -> list[str]:
    names = inspect(connection).get_table_names()
    return sorted(n for n in names if n != "alembic_version" and not n.startswith(ENGINE_TABLES))


def _schema(connection: Connection) -> dict[str, Any]:
    insp = inspect(connection)
    schema: dict[str, Any] = {}
    for table in _tables(connection):
        schema[table] = {
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)
            ),
            "primary key": insp.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
                for fk in insp.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (i["name"], i["column_names"], bool(i["unique"])) for i in insp.get_indexes(table)
            ),
            "unique": sorted(
                (u["column_names"], u["name"]) for u in insp.get_unique_constraints(table)
            ),
        }
    if connection.dialect.name == "postgresql":
        schema["enum types"] = sorted(e["name"] for e in insp.get_enums())  # type: ignore[attr-defined]
    return schema


def _counts(connection: Connection) -> dict[str, int]:
    return {
        table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        for table in _tables(connection)
    }


def _revisions(settings: Settings) -> list[str]:
    """Revision ids from the first to head (history is linear: one head)."""
    script = ScriptDirectory.from_config(alembic_config(settings))
    assert len(script.get_heads()) == 1, "migrations must stay linear (one head)"
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _fresh_schemas(tmp_path, revisions: list[str]) -> dict[str, dict]:
    """The schema an empty database has at each revision, built upwards."""
    url, name = new_database()
    settings = make_settings(tmp_path / "fresh", url)
    settings.data_dir.mkdir(parents=True)
    try:
        return {rev: _step(settings, "upgrade", rev)[0] for rev in revisions}
    finally:
        drop_database(name)


async def _fill(settings: Settings) -> None:
    async with signed_in(settings) as api:
        await build(api)


async def test_every_migration_goes_down_and_up_again_holding_data(corpus_settings, tmp_path):
    settings = corpus_settings
    revisions = _revisions(settings)
    fresh = _fresh_schemas(tmp_path, revisions)
    await _fill(settings)
    with _connection(settings) as (_, connection):
        at_head, rows = _schema(connection), _counts(connection)
    assert at_head == fresh[revisions[-1]]
    assert rows["annotation"] and rows["cmocevidence"] and rows["passage"]

    for revision in reversed(revisions[:-1]):
        schema, counts = _step(settings, "downgrade", revision)
        assert schema == fresh[revision], f"downgrade to {revision} left another schema"
        # A table a later migration dropped comes back empty.
        assert counts == {t: rows.get(t, 0) for t in counts}, f"downgrade to {revision} lost rows"

    schema, counts = _step(settings, "upgrade", "head")  # the upgrades, now with data
    assert schema == at_head
    kept = {t: counts[t] for t in fresh[revisions[0]] if t != "enum types"}
    assert kept == {t: rows[t] for t in kept}

    schema, counts = _step(settings, "downgrade", "base")
    assert schema == ({"enum types": []} if "enum types" in at_head else {})
    assert _step(settings, "upgrade", "head")[0] == at_head
