"""locations: how a version is paginated; transcript turns, roles, lines, time stamps

Revision ID: 0008_locations
Revises: 0007_account_management
Create Date: 2026-11-27

Existing versions get the pagination their format had: PDF pages come from the
PDF itself ("rendered"); Office pages came from `unstructured`'s estimate
("approximate"); text and markup have none. Existing transcript passages keep
null turns and lines until their file is ingested again (they cannot be derived
from the stored passages alone).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008_locations"
down_revision: str | None = "0007_account_management"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PAGINATION = sa.Enum("rendered", "approximate", "none", name="pagination")
_ROLE = sa.Enum("interviewer", "interviewee", name="speakerrole")


def upgrade() -> None:
    bind = op.get_bind()
    _PAGINATION.create(bind, checkfirst=True)
    _ROLE.create(bind, checkfirst=True)
    with op.batch_alter_table("documentversion") as batch:
        batch.add_column(
            sa.Column("pagination", _PAGINATION, nullable=False, server_default="none")
        )
    op.execute(
        "UPDATE documentversion SET pagination = CASE"
        " WHEN format = 'pdf' THEN 'rendered'"
        " WHEN format IN ('docx', 'pptx', 'xlsx') AND page_count IS NOT NULL THEN 'approximate'"
        " ELSE 'none' END" + ("::pagination" if bind.dialect.name == "postgresql" else "")
    )
    with op.batch_alter_table("documentversion") as batch:
        batch.alter_column("pagination", server_default=None)
    with op.batch_alter_table("passage") as batch:
        batch.add_column(sa.Column("turn", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("speaker_role", _ROLE, nullable=True))
        batch.add_column(sa.Column("line_start", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("line_end", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("timestamp", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column("timestamp_label", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("passage") as batch:
        for column in (
            "timestamp_label",
            "timestamp",
            "line_end",
            "line_start",
            "speaker_role",
            "turn",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("documentversion") as batch:
        batch.drop_column("pagination")
    bind = op.get_bind()
    _ROLE.drop(bind, checkfirst=True)
    _PAGINATION.drop(bind, checkfirst=True)
