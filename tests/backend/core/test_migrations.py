"""The Alembic migrations build exactly the schema the models describe."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import backend.models  # noqa: F401  (registers the tables)
from backend.core.db import alembic_config, migrate


def test_models_and_migrations_agree(settings):
    migrate(settings)
    engine = create_engine(settings.sync_database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == [], f"the models changed without a migration: {diff}"


def test_migrate_twice_is_harmless(settings):
    migrate(settings)
    migrate(settings)


def _columns(settings, table: str) -> set[str]:
    engine = create_engine(settings.sync_database_url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _execute(settings, *statements: str) -> list[tuple]:
    engine = create_engine(settings.sync_database_url)
    try:
        with engine.begin() as conn:
            results = [conn.execute(text(s)) for s in statements]
            return [tuple(r) for r in results[-1]] if results[-1].returns_rows else []
    finally:
        engine.dispose()


def test_locations_migration_backfills_and_downgrades(settings):
    """0008 (pagination, transcript locations): existing versions get their format's
    pagination, and the downgrade really removes the columns (and PostgreSQL's enums)."""
    cfg = alembic_config(settings)
    locations = ScriptDirectory.from_config(cfg).get_revision("0008_locations")
    migrate(settings)
    command.downgrade(cfg, locations.down_revision)
    assert "pagination" not in _columns(settings, "documentversion")
    assert "turn" not in _columns(settings, "passage")
    _execute(
        settings,
        "INSERT INTO project (id, name, created_at) VALUES (1, 'p', '2026-01-01')",
        "INSERT INTO document (id, project_id, title, source_type, document_type,"
        " original_filename, sha256, status, created_at, updated_at) VALUES"
        " (1, 1, 't', 'document', 'other', 'a', 'x', 'ready', '2026-01-01', '2026-01-01')",
        *(
            "INSERT INTO documentversion (document_id, number, sha256, size_bytes, format,"
            f" stored_path, text, page_offsets, page_count, status, created_at) VALUES"
            f" (1, {n}, 'x', 1, '{fmt}', 'p', '', '[]', {pages}, 'ready', '2026-01-01')"
            for n, (fmt, pages) in enumerate(
                [("pdf", 3), ("docx", 2), ("docx", "NULL"), ("txt", "NULL")], start=1
            )
        ),
    )
    command.upgrade(cfg, "head")
    rows = _execute(settings, "SELECT format, pagination FROM documentversion ORDER BY number")
    assert rows == [
        ("pdf", "rendered"),
        ("docx", "approximate"),
        ("docx", "none"),
        ("txt", "none"),
    ]
    assert {"turn", "speaker_role", "line_start", "line_end", "timestamp"} <= _columns(
        settings, "passage"
    )
    command.downgrade(cfg, locations.down_revision)
    assert "speaker_role" not in _columns(settings, "passage")
    command.upgrade(cfg, "head")
