"""account management: API token expiry, password change after reset, sign-in challenges

Revision ID: 0007_account_management
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007_account_management"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tokens made before expiry existed get the default lifetime from the upgrade on.
LEGACY_TOKEN_DAYS = 90


def upgrade() -> None:
    op.create_table(
        "signinchallenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mfa_done", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_signinchallenge_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_signinchallenge"),
    )
    with op.batch_alter_table("signinchallenge", schema=None) as batch_op:
        batch_op.create_index("ix_signinchallenge_token_hash", ["token_hash"], unique=True)
        batch_op.create_index("ix_signinchallenge_user_id", ["user_id"], unique=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )

    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    until = datetime.now(UTC) + timedelta(days=LEGACY_TOKEN_DAYS)
    apitoken = sa.table("apitoken", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.execute(apitoken.update().values(expires_at=until))
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("signinchallenge", schema=None) as batch_op:
        batch_op.drop_index("ix_signinchallenge_user_id")
        batch_op.drop_index("ix_signinchallenge_token_hash")
    op.drop_table("signinchallenge")
