"""Route bodies shared by the versioned, soft-deleted objects (theories, CMOCs).

Their services have the same shape (`get`, `set_deleted`, `public`, `history`),
so soft delete, restore, history and the 409 answer are written once here.
"""

from __future__ import annotations

from types import ModuleType

from fastapi import Response
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.api.concurrency import conflict, etag
from backend.api.errors import http_error
from backend.errors import ServiceError
from backend.versioning import StaleEdit


async def stale(service: ModuleType, what: str, session: AsyncSession, exc: StaleEdit):
    (current,) = await service.public(session, [exc.current])
    return conflict(what, current, exc.current.version)


async def set_deleted(
    service: ModuleType,
    what: str,
    member,
    session: AsyncSession,
    row_id: int,
    deleted: bool,
    expected: int | None,
):
    """Soft delete (204) or restore (the object); a stale version gets 409."""
    try:
        row = await service.get(session, member.project.id, row_id)
        expected = row.version if expected is None else expected
        row = await service.set_deleted(session, row, member.user.id, deleted, expected)
    except ServiceError as exc:
        raise http_error(exc) from exc
    except StaleEdit as exc:
        return await stale(service, what, session, exc)
    await session.commit()
    if deleted:
        return Response(status_code=204)
    return (await service.public(session, [row]))[0]


async def history(service: ModuleType, member, session: AsyncSession, row_id: int) -> list:
    try:
        await service.get(session, member.project.id, row_id)
    except ServiceError as exc:
        raise http_error(exc) from exc
    return await service.history(session, row_id)


async def update(
    service: ModuleType,
    what: str,
    member,
    session: AsyncSession,
    row_id: int,
    body,
    expected: int,
    response: Response,
):
    """An If-Match edit: the object with its new ETag, or 409 with the current state."""
    try:
        row = await service.get(session, member.project.id, row_id)
        row = await service.update(session, row, member.user.id, body, expected)
    except ServiceError as exc:
        raise http_error(exc) from exc
    except StaleEdit as exc:
        return await stale(service, what, session, exc)
    await session.commit()
    response.headers.update(etag(row.version))
    return (await service.public(session, [row]))[0]
