"""ocr: where each page's text came from and how sure OCR was; guessed-field sources;
the OCR languages of a project

Revision ID: 0018_ocr
Revises: 0017_passage_span_index
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0018_ocr"
down_revision: str | None = "0017_passage_span_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR20 = sqlmodel.sql.sqltypes.AutoString(length=20)


def upgrade() -> None:
    with op.batch_alter_table("documentversion") as batch_op:
        batch_op.add_column(
            sa.Column("page_sources", sa.JSON(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("document") as batch_op:
        batch_op.add_column(sa.Column("text_source", _STR20, nullable=True))
        batch_op.add_column(sa.Column("ocr_confidence", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("ocr_low_pages", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("metadata_sources", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.create_index("ix_document_text_source", ["text_source"])
        batch_op.create_index("ix_document_ocr_low_pages", ["ocr_low_pages"])
    with op.batch_alter_table("passage") as batch_op:
        batch_op.add_column(sa.Column("text_source", _STR20, nullable=True))
        batch_op.add_column(sa.Column("ocr_confidence", sa.Float(), nullable=True))
    with op.batch_alter_table("ingestjob") as batch_op:
        batch_op.add_column(sa.Column("pages_done", sa.Integer(), nullable=True))
    with op.batch_alter_table("project") as batch_op:
        batch_op.add_column(
            sa.Column(
                "ocr_languages",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=False,
                server_default="eng",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("project") as batch_op:
        batch_op.drop_column("ocr_languages")
    with op.batch_alter_table("ingestjob") as batch_op:
        batch_op.drop_column("pages_done")
    with op.batch_alter_table("passage") as batch_op:
        batch_op.drop_column("ocr_confidence")
        batch_op.drop_column("text_source")
    with op.batch_alter_table("document") as batch_op:
        batch_op.drop_index("ix_document_ocr_low_pages")
        batch_op.drop_index("ix_document_text_source")
        batch_op.drop_column("metadata_sources")
        batch_op.drop_column("ocr_low_pages")
        batch_op.drop_column("ocr_confidence")
        batch_op.drop_column("text_source")
    with op.batch_alter_table("documentversion") as batch_op:
        batch_op.drop_column("page_sources")
