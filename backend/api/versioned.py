"""The HTTP side of every versioned, soft-deleted object (annotations, programme
theories, CMO configurations), written once: a read with its ETag, an If-Match edit,
409 with the current state when the edit is stale, soft delete, restore, revert and
history. A route module declares its paths and bodies and hands them to its
`Resource`; backend/versioning.py is the mechanism underneath.

The services own the transaction: each change a Resource is given commits (or raises).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Response
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.api.auth import Member
from backend.api.concurrency import conflict, etag, expected_version, required_version
from backend.api.errors import http_error
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.versioning import StaleEdit

# What a member asks to do with one object; `find` may refuse some (ownership).
Action = Literal["read", "edit", "delete", "restore", "revert", "history"]
# The object a member may `action` (ServiceError otherwise: 404, 403).
Find = Callable[[AsyncSession, Member, int, Action], Awaitable[Any]]
# Objects as this member may see them (the API's public shape).
Show = Callable[[AsyncSession, Member, Sequence[Any]], Awaitable[list[Any]]]
# (session, row, user id, body, expected version) -> the row, committed.
Update = Callable[[AsyncSession, Any, int, Any, int], Awaitable[Any]]
# (session, row, user id, deleted, expected version or None) -> the row, committed.
SetDeleted = Callable[[AsyncSession, Any, int, bool, int | None], Awaitable[Any]]
# (session, row, user id, version to go back to, expected version) -> the row, committed.
Revert = Callable[[AsyncSession, Any, int, int, int], Awaitable[Any]]
# (session, viewer, row id) -> its revisions as the viewer may see them.
History = Callable[[AsyncSession, Any, int], Awaitable[list[Any]]]
Change = Callable[[Any], Awaitable[Any]]


async def _unchanged(row: Any) -> Any:
    return row


def _user(member: Member) -> int:
    return stored(member.user.id)


@dataclass(frozen=True)
class Resource:
    what: str  # as the messages name it: "annotation", "theory", "CMOC"
    find: Find
    show: Show
    update_row: Update
    set_deleted: SetDeleted
    history_of: History
    revert_row: Revert | None = None

    async def conflict(self, session: AsyncSession, member: Member, exc: StaleEdit) -> Response:
        """409 with the winner's state (as this member may see it) and its ETag."""
        (current,) = await self.show(session, member, [exc.current])
        return conflict(self.what, current, exc.current.version)

    async def change(
        self,
        session: AsyncSession,
        member: Member,
        row_id: int,
        action: Action,
        change: Change,
        response: Response | None = None,
    ) -> Any:
        """`change` applied to the object: it shown (with its ETag when `response` is
        given), 204 after a delete, 409 with the current state if the edit was stale."""
        try:
            row = await change(await self.find(session, member, row_id, action))
        except ServiceError as exc:
            raise http_error(exc) from exc
        except StaleEdit as exc:
            return await self.conflict(session, member, exc)
        if action == "delete":
            return Response(status_code=204)
        if response is not None:
            response.headers.update(etag(row.version))
        return (await self.show(session, member, [row]))[0]

    async def read(
        self, session: AsyncSession, member: Member, row_id: int, response: Response
    ) -> Any:
        return await self.change(session, member, row_id, "read", _unchanged, response)

    async def update(
        self,
        session: AsyncSession,
        member: Member,
        row_id: int,
        body: Any,
        if_match: str | None,
        response: Response,
    ) -> Any:
        """An edit of the version in If-Match (or the body's `version`): 428 without one."""
        expected = required_version(if_match, body.version, self.what)

        async def edit(row: Any) -> Any:
            return await self.update_row(session, row, _user(member), body, expected)

        return await self.change(session, member, row_id, "edit", edit, response)

    async def delete(
        self,
        session: AsyncSession,
        member: Member,
        row_id: int,
        if_match: str | None,
        remove: Callable[[Any, int | None], Awaitable[Any]] | None = None,
    ) -> Any:
        """Soft delete (204), of the version in If-Match if one is sent; `remove` does
        it when the object has checks of its own (an annotation's reason, evidence)."""
        expected = expected_version(if_match, None)

        async def delete(row: Any) -> Any:
            if remove is not None:
                return await remove(row, expected)
            return await self.set_deleted(session, row, _user(member), True, expected)

        return await self.change(session, member, row_id, "delete", delete)

    async def restore(self, session: AsyncSession, member: Member, row_id: int) -> Any:
        async def restore(row: Any) -> Any:
            return await self.set_deleted(session, row, _user(member), False, None)

        return await self.change(session, member, row_id, "restore", restore)

    async def revert(
        self,
        session: AsyncSession,
        member: Member,
        row_id: int,
        body: Any,
        if_match: str | None,
        response: Response,
    ) -> Any:
        """Back to `body.to_version` from the history, as a new version."""
        revert_row = self.revert_row
        assert revert_row is not None, f"{self.what}: no revert"

        async def revert(row: Any) -> Any:
            expected = expected_version(if_match, body.version)
            expected = row.version if expected is None else expected
            return await revert_row(session, row, _user(member), body.to_version, expected)

        return await self.change(session, member, row_id, "revert", revert, response)

    async def history(self, session: AsyncSession, member: Member, row_id: int) -> list[Any]:
        try:
            await self.find(session, member, row_id, "history")
        except ServiceError as exc:
            raise http_error(exc) from exc
        return await self.history_of(session, member.viewer, row_id)


def of_service(what: str, service: Any, revert: Revert | None = None) -> Resource:
    """The Resource of a service module in the common shape (theories, CMOCs): `get`
    by project, `public`, and `update`, `set_deleted`, `history` that commit."""

    async def find(session: AsyncSession, member: Member, row_id: int, _: Action) -> Any:
        return await service.get(session, member.project.id, row_id)

    async def show(session: AsyncSession, member: Member, rows: Sequence[Any]) -> list[Any]:
        return list(await service.public(session, member.viewer, rows))

    return Resource(what, find, show, service.update, service.set_deleted, service.history, revert)
