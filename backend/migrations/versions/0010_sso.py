"""single sign-on: linked provider identities, sign-in trips to the provider

Revision ID: 0010_sso
Revises: 0009_totp
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010_sso"
down_revision: str | None = "0009_totp"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "useridentity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", _str(length=300), nullable=False),
        sa.Column("subject", _str(length=255), nullable=False),
        sa.Column("email", _str(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_useridentity_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_useridentity"),
        sa.UniqueConstraint("issuer", "subject", name="uq_useridentity_subject"),
    )
    with op.batch_alter_table("useridentity", schema=None) as batch_op:
        batch_op.create_index("ix_useridentity_user_id", ["user_id"], unique=False)
    op.create_table(
        "oidclogin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _str(length=64), nullable=False),
        sa.Column("state", _str(length=100), nullable=False),
        sa.Column("nonce", _str(length=100), nullable=False),
        sa.Column("code_verifier", _str(length=128), nullable=False),
        sa.Column("link_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["link_user_id"], ["user.id"], name="fk_oidclogin_link_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_oidclogin"),
    )
    with op.batch_alter_table("oidclogin", schema=None) as batch_op:
        batch_op.create_index("ix_oidclogin_token_hash", ["token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("oidclogin", schema=None) as batch_op:
        batch_op.drop_index("ix_oidclogin_token_hash")
    op.drop_table("oidclogin")
    with op.batch_alter_table("useridentity", schema=None) as batch_op:
        batch_op.drop_index("ix_useridentity_user_id")
    op.drop_table("useridentity")
