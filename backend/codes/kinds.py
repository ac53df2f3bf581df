"""A code's effective kind: its own when set, else its parent's, up to the top, where an
unset kind is "other". The one place this is worked out (API, exports, exchange files).

Kinds (context, mechanism, outcome) carry the realist reading of a code; a sub-code of
a Context code is a context too unless someone says otherwise, so a new child left
without a kind follows its parent, and follows it again when the parent's kind changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.codes.models import Code, CodeKind


class _Coded(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def kind(self) -> CodeKind | None: ...


def resolve(codes: Iterable[tuple[int, int | None, str | None]]) -> dict[int, CodeKind]:
    """{code id: effective kind} for (id, parent id, own kind) rows. A parent missing from
    the rows, or a cycle, ends the climb: the kind is then "other"."""
    own = {cid: (parent, kind) for cid, parent, kind in codes}
    found: dict[int, CodeKind] = {}
    for start in own:
        chain: list[int] = []
        current: int | None = start
        kind: CodeKind = CodeKind.other
        while current is not None and current in own and current not in chain:
            if current in found:
                kind = found[current]
                break
            chain.append(current)
            parent, set_kind = own[current]
            if set_kind is not None:
                kind = CodeKind(set_kind)
                break
            current = parent
        for cid in chain:
            found[cid] = kind
    return found


def of_codes(codes: Iterable[_Coded]) -> dict[int, CodeKind]:
    return resolve((c.id, c.parent_id, c.kind) for c in codes if c.id is not None)


async def of_project(session: AsyncSession, project_id: int) -> dict[int, CodeKind]:
    """Every code of the project (deleted ones too: a live child may sit under one)."""
    stmt = select(Code.id, Code.parent_id, Code.kind).where(Code.project_id == project_id)
    rows = (await session.exec(stmt)).all()
    return resolve((cid, parent, kind) for cid, parent, kind in rows if cid is not None)
