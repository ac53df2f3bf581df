"""versioned codebook: a version per change, the version each annotation was made under

Revision ID: 0016_codebook_versions
Revises: 0015_passage_embeddings
Create Date: 2026-12-01
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_codebook_versions"
down_revision: str | None = "0015_passage_embeddings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = ("id", "guid", "name", "kind", "parent_id", "colour", "definition", "memo", "codable")


def upgrade() -> None:
    table = op.create_table(
        "codebookversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name="fk_codebookversion_project"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name="fk_codebookversion_user"),
        sa.PrimaryKeyConstraint("id", name="pk_codebookversion"),
        sa.UniqueConstraint("project_id", "number", name="uq_codebook_version"),
    )
    op.create_index("ix_codebookversion_project_id", "codebookversion", ["project_id"])
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.add_column(sa.Column("codebook_version", sa.Integer(), nullable=True))
    _baseline(table)


def _baseline(table: sa.Table) -> None:
    """Version 1 of each project with codes: its codebook as it stood at the upgrade."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            f"SELECT project_id, {', '.join(FIELDS)} FROM code "
            "WHERE deleted_at IS NULL ORDER BY project_id, id"
        )
    ).all()
    by_project: dict[int, list[dict]] = {}
    for row in rows:
        code = dict(zip(FIELDS, row[1:], strict=True))
        code["codable"] = bool(code["codable"])
        by_project.setdefault(row[0], []).append(code)
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(
        table,
        [
            {
                "project_id": project_id,
                "number": 1,
                "action": "baseline",
                "at": now,
                "diff": {"added": codes, "removed": [], "changed": []},
                "snapshot": codes,
            }
            for project_id, codes in by_project.items()
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.drop_column("codebook_version")
    op.drop_index("ix_codebookversion_project_id", table_name="codebookversion")
    op.drop_table("codebookversion")
