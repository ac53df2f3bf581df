"""Codebook changes as units of work: each finds the code, changes it through `service`
or `undo` (which record the codebook version and publish the event), marks the
passages whose searchable codes changed, and commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.codes import service, undo
from backend.codes.exchange import CodeRecord
from backend.codes.models import Code, CodeCreate, CodeUpdate


async def create(session: AsyncSession, project_id: int, data: CodeCreate, user_id: int) -> Code:
    code = await service.create(session, project_id, data, user_id)
    await session.commit()
    return code


async def import_records(
    session: AsyncSession, project_id: int, records: Sequence[CodeRecord], user_id: int
) -> tuple[list[int], int]:
    """All the file's codes or none: (ids created, how many were already here)."""
    try:
        created, skipped = await service.import_records(session, project_id, records, user_id)
    except service.CodebookError:
        await session.rollback()  # the codes made before the bad record
        raise
    await session.commit()
    return created, skipped


async def update(
    session: AsyncSession, project_id: int, code_id: int, data: CodeUpdate, user_id: int
) -> Code:
    code = await service.get_code(session, project_id, code_id)
    code = await service.update(session, code, data, user_id)
    await session.commit()
    return code


async def merge(
    session: AsyncSession, project_id: int, code_id: int, into: int, user_id: int
) -> Code:
    """Returns the code merged into."""
    source = await service.get_code(session, project_id, code_id)
    target = await service.get_code(session, project_id, into)
    await service.merge(session, source, target, user_id)
    await _reindex(session, project_id, [source.id, target.id])
    await session.commit()
    return target


async def remove(
    session: AsyncSession, project_id: int, code_id: int, user_id: int, *, force: bool
) -> None:
    code = await service.get_code(session, project_id, code_id)
    await service.remove(session, code, user_id, force=force)
    await _reindex(session, project_id, [code.id])
    await session.commit()


async def restore(session: AsyncSession, project_id: int, code_id: int, user_id: int) -> Code:
    code = await service.get_code(session, project_id, code_id, live=False)
    code = await service.restore(session, code, user_id)
    await _reindex(session, project_id, [code.id])
    await session.commit()
    return code


async def revert(
    session: AsyncSession, project_id: int, code_id: int, codebook_version: int, user_id: int
) -> Code:
    code = await service.get_code(session, project_id, code_id, live=False)
    code = await undo.revert(session, code, codebook_version, user_id)
    await _reindex(session, project_id, [code.id])
    await session.commit()
    return code


async def unmerge(session: AsyncSession, project_id: int, code_id: int, user_id: int) -> Code:
    code = await service.get_code(session, project_id, code_id, live=False)
    await undo.unmerge(session, code, user_id)
    await _reindex(session, project_id, [code.id])
    await session.commit()
    return code


async def _reindex(session: AsyncSession, project_id: int, code_ids: list[int | None]) -> None:
    """Passages' codes are searchable: documents whose annotations use them rewrite
    their passages' entries (their text is not analysed again)."""
    from backend.annotations.service import documents_using_codes
    from backend.indexing.service import mark_fields_for_index

    for document_id in await documents_using_codes(session, [i for i in code_ids if i]):
        await mark_fields_for_index(session, document_id)
