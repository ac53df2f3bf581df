"""a code's kind may be unset: it then follows its parent's (backend/codes/kinds.py)

Until now every code had a kind, "other" by default, so a sub-code created under a
Context code without choosing one was "other". Sub-codes whose kind is "other" become
unset: they now follow their parent (a sub-code of an "other" code stays "other"; one
under a Context code becomes a context, which is what a coder who left the default
meant). Top-level codes keep their kind. Downgrade writes the effective kind back.

Revision ID: 0025_code_kind_inherited
Revises: 0023_embeddings_per_model
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_code_kind_inherited"
down_revision: str | None = "0023_embeddings_per_model"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = sa.Enum("context", "mechanism", "outcome", "other", name="codekind")


def upgrade() -> None:
    with op.batch_alter_table("code") as batch_op:
        batch_op.alter_column("kind", existing_type=KIND, nullable=True)
    op.execute("UPDATE code SET kind = NULL WHERE kind = 'other' AND parent_id IS NOT NULL")


def downgrade() -> None:
    from backend.codes.kinds import resolve

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, parent_id, kind FROM code")).all()
    for cid, kind in resolve((r[0], r[1], r[2]) for r in rows).items():
        bind.execute(
            sa.text("UPDATE code SET kind = :kind WHERE id = :id AND kind IS NULL"),
            {"kind": str(kind), "id": cid},
        )
    with op.batch_alter_table("code") as batch_op:
        batch_op.alter_column("kind", existing_type=KIND, nullable=False)
