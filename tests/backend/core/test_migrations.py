"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import backend.models  # noqa: F401  (registers the tables)
from backend.core.db import migrate


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
