"""Codebook use cases: create, rename and move, merge, delete and restore, import."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation, AnnotationCode
from backend.annotations.service import record_code_change
from backend.audit import audit
from backend.codes import kinds, versions
from backend.codes.exchange import CodeRecord
from backend.codes.models import Code, CodeCreate, CodeKind, CodePublic, CodeUpdate
from backend.core.ids import stored
from backend.core.time import utcnow
from backend.errors import ServiceError
from backend.events.service import publish
from backend.visibility import Viewer, operator


class CodebookError(ServiceError):
    pass


async def get_code(
    session: AsyncSession, project_id: int, code_id: int, *, live: bool = True
) -> Code:
    code = await session.get(Code, code_id)
    if code is None or code.project_id != project_id or (live and code.deleted_at):
        raise CodebookError(f"code {code_id} not found", 404)
    return code


async def usage(session: AsyncSession, viewer: Viewer, code_ids: Sequence[int]) -> dict[int, int]:
    """Live annotations per code, of those the viewer may see."""
    if not code_ids:
        return {}
    stmt = (
        select(AnnotationCode.code_id, func.count())
        .join(Annotation, col(Annotation.id) == AnnotationCode.annotation_id)
        .where(
            col(AnnotationCode.code_id).in_(code_ids),
            col(Annotation.deleted_at).is_(None),
            *viewer.clauses(),
        )
        .group_by(col(AnnotationCode.code_id))
    )
    return dict((await session.exec(stmt)).all())


async def public(session: AsyncSession, viewer: Viewer, codes: Sequence[Code]) -> list[CodePublic]:
    ids = [stored(c.id) for c in codes]
    counts = await usage(session, viewer, ids)
    effective = await kinds.of_project(session, codes[0].project_id) if codes else {}
    return [
        CodePublic(
            **c.model_dump(),
            usage=counts.get(i, 0),
            effective_kind=effective.get(i, c.kind or CodeKind.other),
        )
        for c, i in zip(codes, ids, strict=True)
    ]


async def descendants(session: AsyncSession, project_id: int, code_id: int) -> list[int]:
    """The code and every code below it (live ones), for "code and its sub-codes"."""
    return await with_descendants(session, project_id, [code_id])


async def with_descendants(
    session: AsyncSession, project_id: int, code_ids: Sequence[int]
) -> list[int]:
    """The codes and every code below them (live ones), reading the codebook once."""
    if not code_ids:
        return []
    rows = (
        await session.exec(
            select(Code.id, Code.parent_id).where(
                Code.project_id == project_id, col(Code.deleted_at).is_(None)
            )
        )
    ).all()
    children: dict[int | None, list[int]] = {}
    for cid, parent in rows:
        children.setdefault(parent, []).append(stored(cid))
    found: list[int] = []
    seen: set[int] = set()
    stack = list(code_ids)
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            found.append(current)
            stack.extend(children.get(current, []))
    return found


async def _by_guid(session: AsyncSession, project_id: int, guid: str) -> Code | None:
    stmt = select(Code).where(
        Code.project_id == project_id, Code.guid == guid, col(Code.deleted_at).is_(None)
    )
    return (await session.exec(stmt)).first()


async def _check_name(
    session: AsyncSession,
    project_id: int,
    parent_id: int | None,
    name: str,
    exclude: int | None = None,
) -> None:
    if await _sibling_named(session, project_id, parent_id, name, exclude):
        raise CodebookError(f"a code named '{name}' already exists there", 409)


async def _sibling_named(
    session: AsyncSession,
    project_id: int,
    parent_id: int | None,
    name: str,
    exclude: int | None = None,
) -> Code | None:
    """Compared with casefold() in Python: SQLite's lower() only knows ASCII."""
    stmt = select(Code).where(
        Code.project_id == project_id,
        Code.parent_id == parent_id,
        col(Code.deleted_at).is_(None),
    )
    wanted = name.casefold()
    for code in (await session.exec(stmt)).all():
        if code.id != exclude and code.name.casefold() == wanted:
            return code
    return None


async def _move_children(session: AsyncSession, code: Code, new_parent: int | None) -> None:
    """Sub-codes of `code` move under `new_parent`, refused if a name would clash."""
    children = (await session.exec(select(Code).where(Code.parent_id == code.id))).all()
    for child in children:
        if child.deleted_at is None and await _sibling_named(
            session, code.project_id, new_parent, child.name, exclude=code.id
        ):
            raise CodebookError(
                f"sub-code '{child.name}' would clash with a code of the same name; "
                "rename or merge it first",
                409,
            )
    for child in children:
        child.parent_id = new_parent
        session.add(child)


async def _check_parent(
    session: AsyncSession, project_id: int, parent_id: int | None, moving: int | None = None
) -> None:
    if parent_id is None:
        return
    await get_code(session, project_id, parent_id)
    if moving is not None and parent_id in await descendants(session, project_id, moving):
        raise CodebookError("a code cannot move below itself or its own sub-codes", 409)


async def create(
    session: AsyncSession,
    project_id: int,
    data: CodeCreate,
    user_id: int,
    guid: str | None = None,
    new_version: bool = True,  # an import makes one version for all its codes
) -> Code:
    await _check_parent(session, project_id, data.parent_id)
    await _check_name(session, project_id, data.parent_id, data.name)
    code = Code(
        **data.model_dump(),
        project_id=project_id,
        guid=guid or str(uuid.uuid4()),
        created_by=user_id,
    )
    session.add(code)
    await session.flush()
    await _changed(session, code, "code.created", user_id, new_version=new_version)
    return code


async def update(session: AsyncSession, code: Code, data: CodeUpdate, user_id: int) -> Code:
    changes = data.model_dump(exclude_unset=True)
    if "parent_id" in changes:
        await _check_parent(session, code.project_id, changes["parent_id"], moving=code.id)
    name = changes.get("name") or code.name
    parent = changes.get("parent_id", code.parent_id)
    await _check_name(session, code.project_id, parent, name, exclude=code.id)
    for key, value in changes.items():
        if value is None and key in ("name", "codable"):  # not nullable: unchanged
            continue
        setattr(code, key, value)
    session.add(code)
    await _changed(session, code, "code.updated", user_id, fields=sorted(changes))
    return code


async def merge(session: AsyncSession, source: Code, target: Code, user_id: int) -> int:
    """Every annotation coded with `source` gets `target` instead; `source`'s sub-codes
    move under `target`; `source` is deleted (restorable). Returns annotations moved."""
    source_id, target_id = stored(source.id), stored(target.id)
    if source_id == target_id:
        raise CodebookError("a code cannot be merged into itself", 409)
    if target_id in await descendants(session, source.project_id, source_id):
        raise CodebookError("a code cannot be merged into one of its own sub-codes", 409)
    links = (
        await session.exec(
            select(AnnotationCode.annotation_id).where(AnnotationCode.code_id == source.id)
        )
    ).all()
    already = set(
        (
            await session.exec(
                select(AnnotationCode.annotation_id).where(
                    AnnotationCode.code_id == target.id,
                    col(AnnotationCode.annotation_id).in_(links),
                )
            )
        ).all()
    )
    await _move_children(session, source, target.id)
    await session.exec(delete(AnnotationCode).where(col(AnnotationCode.code_id) == source_id))
    session.add_all(
        AnnotationCode(annotation_id=a, code_id=target_id) for a in links if a not in already
    )
    await record_code_change(session, links, user_id)
    source.deleted_at, source.merged_into = utcnow(), target.id
    session.add(source)
    await _changed(
        session,
        source,
        "code.merged",
        user_id,
        into=target.id,
        annotations=len(links),
        # what an undo of the merge needs: which links it moved and which it added
        version_extra={
            "merge": {
                "source": source.id,
                "target": target.id,
                "moved": sorted(links),
                "added": sorted(a for a in links if a not in already),
            }
        },
    )
    return len(links)


async def remove(session: AsyncSession, code: Code, user_id: int, *, force: bool) -> None:
    """Soft delete. Refused while live annotations use it, unless forced (they keep
    the link, hidden, and get it back on restore). Sub-codes move up a level."""
    # Every annotation counts here, seen or not: this guards the data, it shows nothing.
    code_id = stored(code.id)
    used = (await usage(session, operator(code.project_id), [code_id])).get(code_id, 0)
    if used and not force:
        raise CodebookError(
            f"{used} annotation(s) use this code; merge it into another code, or delete "
            "with force=true (restorable)",
            409,
        )
    await _move_children(session, code, code.parent_id)
    code.deleted_at = utcnow()
    session.add(code)
    await _changed(session, code, "code.deleted", user_id, annotations=used)


async def restore(
    session: AsyncSession, code: Code, user_id: int, new_version: bool = True
) -> Code:
    if code.deleted_at is None:
        return code
    if code.parent_id is not None:
        parent = await session.get(Code, code.parent_id)
        if parent is None or parent.deleted_at is not None:
            code.parent_id = None
    await _check_name(session, code.project_id, code.parent_id, code.name, exclude=code.id)
    code.deleted_at, code.merged_into = None, None
    session.add(code)
    await _changed(session, code, "code.restored", user_id, new_version=new_version)
    return code


async def _changed(
    session: AsyncSession,
    code: Code,
    kind: str,
    user_id: int,
    new_version: bool = True,
    version_extra: dict | None = None,
    **detail: object,
) -> None:
    """Event, audit entry and a new codebook version, in the caller's transaction."""
    action = kind.split(".")[1]
    if new_version:
        extra = detail | (version_extra or {})
        made = await versions.record(session, code.project_id, user_id, action, code.id, **extra)
        detail = detail | {"codebook_version": made.number}
    publish(session, code.project_id, kind, code.id, user_id, name=code.name, **detail)
    audit(
        session,
        user_id=user_id,
        project_id=code.project_id,
        action=kind.split(".")[1],
        entity="code",
        entity_id=code.id,
        **detail,
    )


async def live_codes(session: AsyncSession, project_id: int) -> list[Code]:
    stmt = (
        select(Code)
        .where(Code.project_id == project_id, col(Code.deleted_at).is_(None))
        .order_by(col(Code.id))
    )
    return list((await session.exec(stmt)).all())


async def deleted_codes(session: AsyncSession, project_id: int) -> list[Code]:
    stmt = (
        select(Code)
        .where(Code.project_id == project_id, col(Code.deleted_at).is_not(None))
        .order_by(col(Code.id))
    )
    return list((await session.exec(stmt)).all())


def to_records(codes: Sequence[Code]) -> list[CodeRecord]:
    """Tree order (parents first), as the exchange formats need."""
    by_parent: dict[int | None, list[Code]] = {}
    for code in codes:
        by_parent.setdefault(code.parent_id, []).append(code)
    guid = {c.id: c.guid for c in codes}
    effective = kinds.of_codes(codes)  # other tools know no inheritance: say it outright
    ordered: list[CodeRecord] = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:
        code = stack.pop()
        ordered.append(
            CodeRecord(
                guid=code.guid,
                name=code.name,
                kind=str(effective.get(code.id or 0, code.kind or CodeKind.other)),
                parent_guid=guid.get(code.parent_id),
                colour=code.colour,
                definition=code.definition,
                memo=code.memo,
                codable=code.codable,
            )
        )
        stack.extend(reversed(by_parent.get(code.id, [])))
    return ordered


async def import_records(
    session: AsyncSession, project_id: int, records: Sequence[CodeRecord], user_id: int
) -> tuple[list[int], int]:
    """Add the records' codes, keeping the file's GUIDs (a codebook that goes out and back in
    is the same codebook); a code already here (same GUID, or same name at the same place) is
    kept as it is. Returns (the created codes' ids, in creation order, for an undo; skipped)."""
    ids: dict[str, int | None] = {}
    created: list[int] = []
    skipped = 0
    taken = set((await session.exec(select(Code.guid).where(Code.project_id == project_id))).all())
    for record in records:
        parent_id = ids.get(record.parent_guid) if record.parent_guid else None
        existing = await _by_guid(session, project_id, record.guid) or await _sibling_named(
            session, project_id, parent_id, record.name
        )
        if existing:
            ids[record.guid], skipped = existing.id, skipped + 1
            continue
        try:
            data = CodeCreate(
                name=record.name,
                kind=CodeKind(record.kind),
                parent_id=parent_id,
                colour=record.colour,
                definition=record.definition,
                memo=record.memo,
                codable=record.codable,
            )
        except ValidationError as exc:
            problem = "; ".join(e["msg"] for e in exc.errors())
            raise CodebookError(f"code '{record.name[:60]}' cannot be imported: {problem}") from exc
        guid = record.guid if record.guid not in taken else None  # a deleted code has it
        code = await create(session, project_id, data, user_id, guid=guid, new_version=False)
        taken.add(code.guid)
        code_id = stored(code.id)  # flushed by create
        ids[record.guid] = code_id
        created.append(code_id)
    if created:
        await versions.record(session, project_id, user_id, "imported", created=len(created))
    return created, skipped
