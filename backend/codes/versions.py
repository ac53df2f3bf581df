"""The versioned codebook: every change (create, rename, definition, move, merge,
delete, restore, import) makes a new version holding the live codes after it and the
diff from the one before. Annotations record the version they were made (or last
edited) under, rounds the one they started with; the codebook can be read and
exported as of any version.

Numbers are handed out under a per-project lock on PostgreSQL (SQLite has one writer
at a time), so two admins changing the codebook at once get two versions, not a clash.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.codes.models import Code, CodebookVersion
from backend.errors import ServiceError

FIELDS = ("id", "guid", "name", "kind", "parent_id", "colour", "definition", "memo", "codable")
LOCK_CLASS = 7_270_703  # advisory lock namespace: codebook version numbers


def snapshot_of(code: Code) -> dict:
    return {
        f: (str(v) if f == "kind" and v is not None else v)
        for f in FIELDS
        for v in [getattr(code, f)]
    }


def diff_of(before: Sequence[dict], after: Sequence[dict]) -> dict:
    """Codes added, removed (deleted or merged away) and changed, field by field."""
    old = {c["id"]: c for c in before}
    new = {c["id"]: c for c in after}
    changed = []
    for code_id in sorted(old.keys() & new.keys()):
        fields = {
            f: [old[code_id].get(f), new[code_id].get(f)]
            for f in FIELDS
            if old[code_id].get(f) != new[code_id].get(f)
        }
        if fields:
            changed.append({"id": code_id, "name": new[code_id]["name"], "fields": fields})
    return {
        "added": [new[i] for i in sorted(new.keys() - old.keys())],
        "removed": [old[i] for i in sorted(old.keys() - new.keys())],
        "changed": changed,
    }


async def latest(session: AsyncSession, project_id: int) -> CodebookVersion | None:
    stmt = (
        select(CodebookVersion)
        .where(CodebookVersion.project_id == project_id)
        .order_by(col(CodebookVersion.number).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def current_number(session: AsyncSession, project_id: int) -> int:
    """0 until the codebook's first change."""
    found = await latest(session, project_id)
    return found.number if found else 0


async def record(
    session: AsyncSession,
    project_id: int,
    user_id: int | None,
    action: str,
    code_id: int | None = None,
    **extra: object,
) -> CodebookVersion:
    """A new version: the live codebook as it stands in this transaction."""
    await session.flush()
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(:c, :p)")
        await connection.execute(lock, {"c": LOCK_CLASS, "p": project_id})
    stmt = select(Code).where(Code.project_id == project_id, col(Code.deleted_at).is_(None))
    now = [snapshot_of(c) for c in (await session.exec(stmt.order_by(col(Code.id)))).all()]
    before = await latest(session, project_id)
    version = CodebookVersion(
        project_id=project_id,
        number=(before.number if before else 0) + 1,
        action=action,
        code_id=code_id,
        user_id=user_id,
        diff=diff_of(before.snapshot if before else [], now) | dict(extra),
        snapshot=now,
    )
    session.add(version)
    await session.flush()
    return version


async def listing(session: AsyncSession, project_id: int) -> list[CodebookVersion]:
    stmt = select(CodebookVersion).where(CodebookVersion.project_id == project_id)
    return list((await session.exec(stmt.order_by(col(CodebookVersion.number)))).all())


async def at(session: AsyncSession, project_id: int, number: int) -> CodebookVersion:
    stmt = select(CodebookVersion).where(
        CodebookVersion.project_id == project_id, CodebookVersion.number == number
    )
    found = (await session.exec(stmt)).first()
    if found is None:
        raise ServiceError(f"codebook version {number} not found", 404)
    return found


def as_codes(snapshot: Sequence[dict], project_id: int) -> list[Code]:
    """A version's codes as (unsaved) Code rows, for the exchange formats."""
    return [Code(project_id=project_id, **c) for c in snapshot]
