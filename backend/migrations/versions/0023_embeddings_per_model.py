"""embeddings per model: a passage keeps one vector per model, and the model serving
queries is recorded, so a model change re-embeds in the background while the old
vectors keep answering (backend/embedding/service.py)

Revision ID: 0023_embeddings_per_model
Revises: 0019_outbox_ids_never_reused
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0023_embeddings_per_model"
down_revision: str | None = "0019_outbox_ids_never_reused"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("passageembedding", schema=None) as batch_op:
        batch_op.drop_constraint("pk_passageembedding", type_="primary")
        batch_op.create_primary_key("pk_passageembedding", ["passage_id", "model"])
    op.create_table(
        "embeddingserving",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_embeddingserving"),
    )
    # Existing vectors are all of one model (the old key was the passage alone): the
    # most common one serves, as it did.
    op.execute(
        "INSERT INTO embeddingserving (id, model) SELECT 1, model FROM passageembedding "
        "GROUP BY model ORDER BY count(*) DESC, model LIMIT 1"
    )


def downgrade() -> None:
    # One vector per passage again: keep the serving model's.
    op.execute("DELETE FROM passageembedding WHERE model <> (SELECT model FROM embeddingserving)")
    op.drop_table("embeddingserving")
    with op.batch_alter_table("passageembedding", schema=None) as batch_op:
        batch_op.drop_constraint("pk_passageembedding", type_="primary")
        batch_op.create_primary_key("pk_passageembedding", ["passage_id"])
