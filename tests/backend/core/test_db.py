"""Starting on an up-to-date embedded database skips Alembic; anything else migrates."""

from __future__ import annotations

import sqlite3

from alembic.script import ScriptDirectory

from backend.core import db
from tests.conftest import make_settings


def test_the_head_read_from_the_files_is_alembics() -> None:
    settings = make_settings(db.MIGRATIONS_DIR)  # any settings: only the script folder is read
    alembic_head = ScriptDirectory.from_config(db.alembic_config(settings)).get_current_head()
    assert db.script_head() == alembic_head


def test_an_up_to_date_sqlite_database_is_recognised(tmp_path) -> None:
    settings = make_settings(tmp_path / "data")
    path = settings.sqlite_path
    assert path is not None
    assert not db._sqlite_at_head(path)  # no file yet
    db.migrate(settings)
    assert db._sqlite_at_head(path)

    with sqlite3.connect(path) as conn:  # one revision behind: migrate must run
        conn.execute("UPDATE alembic_version SET version_num = 'an older one'")
    assert not db._sqlite_at_head(path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM alembic_version")
    assert not db._sqlite_at_head(path)


def test_a_file_that_is_not_a_database_is_left_to_alembic(tmp_path) -> None:
    path = tmp_path / "evidence.db"
    path.write_bytes(b"not a database at all" * 100)
    assert not db._sqlite_at_head(path)
