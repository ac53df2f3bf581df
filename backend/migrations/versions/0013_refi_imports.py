"""refi imports: coder attributions (backend/coders), one row per REFI-QDA import and a
placement record per imported selection (backend/refi/models.py), Code.codable (isCodable)

Revision ID: 0013_refi_imports
Revises: 0009_totp
Create Date: 2026-12-05 15:18:45.451316
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013_refi_imports"
down_revision: str | None = "0012_sign_in_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("guid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("identifier", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("linked_by", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "guid", name="uq_coder_project_guid"),
    )
    with op.batch_alter_table("coder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coder_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coder_user_id"), ["user_id"], unique=False)

    op.create_table(
        "refiimport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("producer", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("reading", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("refiimport", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refiimport_project_id"), ["project_id"], unique=False)

    op.create_table(
        "importedselection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=True),
        sa.Column("selection_guid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("file_start", sa.Integer(), nullable=False),
        sa.Column("file_end", sa.Integer(), nullable=False),
        sa.Column("reading", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "status",
            sa.Enum("placed", "review", "accepted", "discarded", name="placementstatus"),
            nullable=False,
        ),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["refiimport.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["documentversion.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("importedselection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_importedselection_annotation_id"), ["annotation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_importedselection_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_importedselection_project_id"), ["project_id"], unique=False
        )

    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coder_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_annotation_coder_id"), ["coder_id"], unique=False)
        batch_op.create_foreign_key("fk_annotation_coder_id", "coder", ["coder_id"], ["id"])

    with op.batch_alter_table("cmoc", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coder_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cmoc_coder_id"), ["coder_id"], unique=False)
        batch_op.create_foreign_key("fk_cmoc_coder_id", "coder", ["coder_id"], ["id"])

    with op.batch_alter_table("code", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("codable", sa.Boolean(), nullable=False, server_default=sa.true())
        )

    with op.batch_alter_table("programmetheory", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coder_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_programmetheory_coder_id"), ["coder_id"], unique=False)
        batch_op.create_foreign_key("fk_programmetheory_coder_id", "coder", ["coder_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("programmetheory", schema=None) as batch_op:
        batch_op.drop_constraint("fk_programmetheory_coder_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_programmetheory_coder_id"))
        batch_op.drop_column("coder_id")

    with op.batch_alter_table("code", schema=None) as batch_op:
        batch_op.drop_column("codable")

    with op.batch_alter_table("cmoc", schema=None) as batch_op:
        batch_op.drop_constraint("fk_cmoc_coder_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cmoc_coder_id"))
        batch_op.drop_column("coder_id")

    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_annotation_coder_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_annotation_coder_id"))
        batch_op.drop_column("coder_id")

    with op.batch_alter_table("importedselection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_importedselection_project_id"))
        batch_op.drop_index(batch_op.f("ix_importedselection_import_id"))
        batch_op.drop_index(batch_op.f("ix_importedselection_annotation_id"))

    op.drop_table("importedselection")
    with op.batch_alter_table("refiimport", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refiimport_project_id"))

    op.drop_table("refiimport")
    with op.batch_alter_table("coder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coder_user_id"))
        batch_op.drop_index(batch_op.f("ix_coder_project_id"))

    op.drop_table("coder")
    sa.Enum(name="placementstatus").drop(op.get_bind(), checkfirst=True)
