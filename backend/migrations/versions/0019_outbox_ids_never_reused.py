"""outbox ids never reused: SQLite AUTOINCREMENT on indexjob

An outbox id is the `seq` the search index stores to ignore writes older than the state
it holds. SQLite reuses the ids of a plain INTEGER PRIMARY KEY once the table is empty
(the drain empties it), so a later edit got a smaller seq than an earlier write and the
index ignored it (a metadata edit never reached the search filters). PostgreSQL's
sequences never go back; only SQLite changes.

Revision ID: 0019_outbox_ids_never_reused
Revises: 0018_ocr
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019_outbox_ids_never_reused"
down_revision: str | None = "0018_ocr"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids issued before this revision restarted at 1 whenever the outbox emptied, so any
# seq an existing index stored is at most the deepest the queue ever got; starting far
# above that keeps every later write newer than anything stored.
FIRST_ID = 1_000_000_000


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if not _sqlite():
        return
    with op.batch_alter_table(
        "indexjob", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass
    op.execute(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'indexjob', "
        f"max({FIRST_ID}, coalesce((SELECT max(id) FROM indexjob), 0)) "
        "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'indexjob')"
    )
    op.execute(f"UPDATE sqlite_sequence SET seq = max(seq, {FIRST_ID}) WHERE name = 'indexjob'")


def downgrade() -> None:
    if not _sqlite():
        return
    with op.batch_alter_table(
        "indexjob", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
