"""The search filters as query parameters, in one place: the search route and the
proposals route (similar passages "with the usual filters") both take them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, HTTPException, Query
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.api.auth import ProjectMember
from backend.api.deps import SessionDep
from backend.codes.service import with_descendants
from backend.core.ids import RowId
from backend.documents.models import DocumentType, SourceType, SpeakerRole
from search.base import Filters


async def _with_subcodes(session: AsyncSession, project_id: int, code_ids: list[int]) -> list[int]:
    # An unknown code stays in the list: no passage carries it, so it matches nothing.
    return sorted(await with_descendants(session, project_id, code_ids))


async def filter_params(
    member: ProjectMember,
    session: SessionDep,
    source_type: Annotated[list[SourceType] | None, Query()] = None,
    document_type: Annotated[list[DocumentType] | None, Query()] = None,
    organisation: Annotated[list[str] | None, Query()] = None,
    document_id: Annotated[list[RowId] | None, Query()] = None,
    code_id: Annotated[
        list[RowId] | None, Query(description="passages coded with any of these or a sub-code")
    ] = None,
    coder_id: Annotated[list[RowId] | None, Query(description="annotated by any of these")] = None,
    annotated: Annotated[
        bool | None, Query(description="with (true) or without annotations")
    ] = None,
    speaker_role: Annotated[
        list[SpeakerRole] | None,
        Query(description="transcript turns of these speaker roles only (e.g. interviewee)"),
    ] = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Filters:
    if date_from and date_to and date_from > date_to:
        raise HTTPException(400, "date_from is after date_to")
    # A coder in an open blind round: code, coder and annotated filters look at their
    # own codings alone on the round's documents (backend/visibility.py).
    return member.viewer.search_filters(
        Filters(
            project_ids=(member.project_id,),
            source_types=tuple(s.value for s in source_type or ()),
            document_types=tuple(d.value for d in document_type or ()),
            organisations=tuple(organisation or ()),
            document_ids=tuple(document_id or ()),
            date_from=date_from,
            date_to=date_to,
            code_ids=tuple(await _with_subcodes(session, member.project_id, code_id or [])),
            coder_ids=tuple(coder_id or ()),
            annotated=annotated,
            speaker_roles=tuple(r.value for r in speaker_role or ()),
        )
    )


FiltersDep = Annotated[Filters, Depends(filter_params)]
