"""coding rounds, and the round an annotation was made in

Revision ID: 0011_rounds
Revises: 0010_sso
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011_rounds"
down_revision: str | None = "0010_sso"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = sa.Enum("open", "closed", name="roundstatus")


def upgrade() -> None:
    op.create_table(
        "codinground",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("codebook_version", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name="fk_codinground_project"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name="fk_codinground_created_by"),
        sa.ForeignKeyConstraint(["closed_by"], ["user.id"], name="fk_codinground_closed_by"),
        sa.PrimaryKeyConstraint("id", name="pk_codinground"),
    )
    op.create_index("ix_codinground_project_id", "codinground", ["project_id"])
    op.create_table(
        "rounddocument",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["codinground.id"], name="fk_rounddocument_round"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name="fk_rounddocument_doc"),
        sa.PrimaryKeyConstraint("round_id", "document_id", name="pk_rounddocument"),
    )
    op.create_index("ix_rounddocument_document_id", "rounddocument", ["document_id"])
    op.create_table(
        "roundcoder",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["codinground.id"], name="fk_roundcoder_round"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_roundcoder_user"),
        sa.PrimaryKeyConstraint("round_id", "user_id", name="pk_roundcoder"),
    )
    op.create_index("ix_roundcoder_user_id", "roundcoder", ["user_id"])
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_annotation_round_id", ["round_id"])
        batch_op.create_foreign_key("fk_annotation_round", "codinground", ["round_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.drop_constraint("fk_annotation_round", type_="foreignkey")
        batch_op.drop_index("ix_annotation_round_id")
        batch_op.drop_column("round_id")
    op.drop_index("ix_roundcoder_user_id", table_name="roundcoder")
    op.drop_table("roundcoder")
    op.drop_index("ix_rounddocument_document_id", table_name="rounddocument")
    op.drop_table("rounddocument")
    op.drop_index("ix_codinground_project_id", table_name="codinground")
    op.drop_table("codinground")
    STATUS.drop(op.get_bind(), checkfirst=True)
