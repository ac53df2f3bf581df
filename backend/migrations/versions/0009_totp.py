"""TOTP second factor and recovery codes

Revision ID: 0009_totp
Revises: 0008_locations
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009_totp"
down_revision: str | None = "0008_locations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usertotp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_usertotp_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_usertotp"),
    )
    with op.batch_alter_table("usertotp", schema=None) as batch_op:
        batch_op.create_index("ix_usertotp_user_id", ["user_id"], unique=True)
    op.create_table(
        "recoverycode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_recoverycode_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_recoverycode"),
    )
    with op.batch_alter_table("recoverycode", schema=None) as batch_op:
        batch_op.create_index("ix_recoverycode_code_hash", ["code_hash"], unique=True)
        batch_op.create_index("ix_recoverycode_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recoverycode", schema=None) as batch_op:
        batch_op.drop_index("ix_recoverycode_user_id")
        batch_op.drop_index("ix_recoverycode_code_hash")
    op.drop_table("recoverycode")
    with op.batch_alter_table("usertotp", schema=None) as batch_op:
        batch_op.drop_index("ix_usertotp_user_id")
    op.drop_table("usertotp")
