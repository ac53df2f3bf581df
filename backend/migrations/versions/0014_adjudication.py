"""adjudication: consensus layer, decisions, the analysis layer setting

Revision ID: 0014_adjudication
Revises: 0013_refi_imports
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014_adjudication"
down_revision: str | None = "0013_refi_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LAYER = sa.Enum("coding", "consensus", name="annotationlayer")
ACTION = sa.Enum("agreed", "take", "merge", "edit", "reject", name="adjudicationaction")
ANALYSIS = sa.Enum("all", "consensus", "coder", name="analysislayer")


def upgrade() -> None:
    LAYER.create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.add_column(sa.Column("layer", LAYER, nullable=False, server_default="coding"))
    with op.batch_alter_table("codinground") as batch_op:
        batch_op.add_column(
            sa.Column("adjudication_started_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "adjudicationdecision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("action", ACTION, nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("consensus_ids", sa.JSON(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["codinground.id"], name="fk_decision_round"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name="fk_decision_document"),
        sa.ForeignKeyConstraint(["coder_id"], ["user.id"], name="fk_decision_coder"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_decision_user"),
        sa.PrimaryKeyConstraint("id", name="pk_adjudicationdecision"),
        sa.UniqueConstraint("round_id", "key", name="uq_decision_round_key"),
    )
    op.create_index("ix_adjudicationdecision_round_id", "adjudicationdecision", ["round_id"])
    op.create_table(
        "analysissetting",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("layer", ANALYSIS, nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name="fk_analysis_project"),
        sa.ForeignKeyConstraint(["coder_id"], ["user.id"], name="fk_analysis_coder"),
        sa.ForeignKeyConstraint(["updated_by"], ["user.id"], name="fk_analysis_updated_by"),
        sa.PrimaryKeyConstraint("project_id", name="pk_analysissetting"),
    )


def downgrade() -> None:
    op.drop_table("analysissetting")
    op.drop_index("ix_adjudicationdecision_round_id", table_name="adjudicationdecision")
    op.drop_table("adjudicationdecision")
    with op.batch_alter_table("codinground") as batch_op:
        batch_op.drop_column("adjudication_started_at")
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.drop_column("layer")
    bind = op.get_bind()
    for enum in (ANALYSIS, ACTION, LAYER):
        enum.drop(bind, checkfirst=True)
