"""Undoing codebook changes: a code back to how it stood in an earlier codebook
version (undoes a create, rename, redefinition, move, delete or restore), and a merge
taken apart again (the source code back, with exactly the links the merge moved)."""

from __future__ import annotations

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation, AnnotationCode
from backend.annotations.service import record_code_change
from backend.codes import service, versions
from backend.codes.models import Code, CodebookVersion, CodeKind, CodeUpdate
from backend.codes.service import CodebookError
from backend.core.ids import stored


async def revert(session: AsyncSession, code: Code, number: int, user_id: int) -> Code:
    """The code as it stood in codebook version `number` (0: before it existed)."""
    snapshot = (await versions.at(session, code.project_id, number)).snapshot if number else []
    entry = next((c for c in snapshot if c["id"] == code.id), None)
    if entry is None:
        if code.deleted_at is None:
            await service.remove(session, code, user_id, force=False)
        return code
    if code.deleted_at is not None:
        code = await service.restore(session, code, user_id)
    parent = entry["parent_id"]
    if parent is not None:
        found = await session.get(Code, parent)
        parent = parent if found is not None and found.deleted_at is None else None
    changes = CodeUpdate(
        name=entry["name"],
        kind=CodeKind(entry["kind"]) if entry["kind"] else None,
        parent_id=parent,
        colour=entry["colour"],
        definition=entry["definition"],
        memo=entry["memo"],
    )
    return await service.update(session, code, changes, user_id)


async def unmerge(session: AsyncSession, source: Code, user_id: int) -> list[int]:
    """Take the latest merge of `source` apart; returns the annotations it touched."""
    if source.merged_into is None:
        raise CodebookError("this code was not merged into another", 409)
    merge = await _merge_of(session, source)
    target = merge["target"]
    source = await service.restore(session, source, user_id, new_version=False)
    alive = select(Annotation.id).where(col(Annotation.id).in_(merge["moved"]))
    moved = [stored(a) for a in (await session.exec(alive)).all()]
    source_id = stored(source.id)
    session.add_all(AnnotationCode(annotation_id=a, code_id=source_id) for a in moved)
    await session.exec(
        delete(AnnotationCode).where(
            AnnotationCode.code_id == target, col(AnnotationCode.annotation_id).in_(merge["added"])
        )
    )
    for child_id in merge["children"]:
        child = await session.get(Code, child_id)
        if child is not None and child.parent_id == target:
            child.parent_id = source.id
            session.add(child)
    await record_code_change(session, moved, user_id)
    await versions.record(session, source.project_id, user_id, "unmerged", source.id)
    return moved


async def _merge_of(session: AsyncSession, source: Code) -> dict:
    stmt = (
        select(CodebookVersion)
        .where(
            CodebookVersion.project_id == source.project_id,
            CodebookVersion.code_id == source.id,
            CodebookVersion.action == "merged",
        )
        .order_by(col(CodebookVersion.number).desc())
    )
    found = (await session.exec(stmt)).first()
    if found is None or "merge" not in found.diff:
        raise CodebookError("no record of this merge (made before versioning)", 409)
    children = [
        c["id"]
        for c in found.diff.get("changed", [])
        if c["fields"].get("parent_id") == [source.id, found.diff["merge"]["target"]]
    ]
    return found.diff["merge"] | {"children": children}
