"""passage span index: the passages an annotation's span overlaps, by one index seek

Revision ID: 0017_passage_span_index
Revises: 0016_codebook_versions
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017_passage_span_index"
down_revision: str | None = "0016_codebook_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_passage_version_start", "passage", ["version_id", "start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_passage_version_start", table_name="passage")
