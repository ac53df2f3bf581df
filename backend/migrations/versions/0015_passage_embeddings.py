"""passage embeddings: one stored vector per passage with its model's identity key

Revision ID: 0015_passage_embeddings
Revises: 0014_adjudication
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015_passage_embeddings"
down_revision: str | None = "0014_adjudication"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "passageembedding",
        sa.Column("passage_id", sa.Integer(), nullable=False),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["passage_id"], ["passage.id"], name="fk_passageembedding_passage_id_passage"
        ),
        sa.PrimaryKeyConstraint("passage_id", name="pk_passageembedding"),
    )
    with op.batch_alter_table("passageembedding", schema=None) as batch_op:
        batch_op.create_index("ix_passageembedding_model", ["model"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("passageembedding", schema=None) as batch_op:
        batch_op.drop_index("ix_passageembedding_model")
    op.drop_table("passageembedding")
