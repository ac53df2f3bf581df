"""/api/projects/{id}/cmocs: CMO configurations, their evidence and history.

Edits follow the annotations' rules: send the version you read (If-Match); a
stale edit gets 409 with the current state and overwrites nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response
from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.api import versioned
from backend.api.auth import Member, ProjectCoder, ProjectMember
from backend.api.concurrency import etag, expected_version
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.filters import Filter, Filters, choice, flag, ids, texts
from backend.api.listing import ListParamsDep, paginate
from backend.cmocs import service
from backend.cmocs.models import (
    Cmoc,
    CmocCreate,
    CmocPublic,
    CmocRevert,
    CmocRevisionPublic,
    CmocStatus,
    CmocTheory,
    CmocUpdate,
    EvidenceIn,
)
from backend.cmocs.revert import revert

router = APIRouter(prefix="/api/projects/{project_id}/cmocs", tags=["cmocs"])
SORTABLE = {"id", "title", "status", "created_at", "updated_at", "author_id"}
SEARCHED = ("title", "context", "mechanism_resource", "mechanism_reasoning", "outcome", "memo")


async def _linked_to_theories(theory_ids: list[int], _context: object) -> ColumnElement[bool]:
    linked = select(CmocTheory.cmoc_id).where(col(CmocTheory.theory_id).in_(theory_ids))
    return col(Cmoc.id).in_(linked)


FILTERS = Filters(
    Filter("id", ids, "in", Cmoc.id),
    Filter("author_id", ids, "in", Cmoc.author_id),
    Filter("status", choice(CmocStatus), "in", Cmoc.status),
    Filter("theory_id", ids, "custom", build=_linked_to_theories),
    Filter("q", texts, "contains", *(getattr(Cmoc, f) for f in SEARCHED)),
    Filter("deleted", flag, "present", Cmoc.deleted_at, default=False),
)


async def _answer(
    session: AsyncSession, member: Member, cmoc: Cmoc, response: Response
) -> CmocPublic:
    response.headers.update(etag(cmoc.version))
    return (await service.public(session, member.viewer, [cmoc]))[0]


CMOC = versioned.of_service("CMOC", service, revert)


@router.get("", response_model=list[CmocPublic])
async def list_cmocs(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
) -> list[CmocPublic]:
    stmt = select(Cmoc).where(
        col(Cmoc.project_id) == member.project_id, *await FILTERS.where(params.filters)
    )
    rows = await paginate(session, stmt, Cmoc, params, SORTABLE, response, "cmocs")
    return await service.public(session, member.viewer, rows)


@router.post("", response_model=CmocPublic, status_code=201)
async def create_cmoc(
    body: CmocCreate, member: ProjectCoder, session: SessionDep, response: Response
) -> CmocPublic:
    try:
        cmoc = await service.create(session, member.project_id, member.user_id, body)
    except service.CmocError as exc:
        raise http_error(exc) from exc
    return await _answer(session, member, cmoc, response)


@router.get("/{cmoc_id}", response_model=CmocPublic)
async def read_cmoc(
    cmoc_id: Id, member: ProjectMember, session: SessionDep, response: Response
) -> CmocPublic | Response:
    return await CMOC.read(session, member, cmoc_id, response)


@router.patch("/{cmoc_id}", response_model=CmocPublic)
@router.put("/{cmoc_id}", response_model=CmocPublic, include_in_schema=False)
async def update_cmoc(
    cmoc_id: Id,
    body: CmocUpdate,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> CmocPublic | Response:
    return await CMOC.update(session, member, cmoc_id, body, if_match, response)


@router.post("/{cmoc_id}/evidence", response_model=CmocPublic)
async def add_evidence(
    cmoc_id: Id,
    body: EvidenceIn,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> CmocPublic | Response:
    """Link one annotation (without resending the whole list)."""

    async def attach(cmoc: Cmoc) -> Cmoc:
        expected = expected_version(if_match, None)
        return await service.attach_evidence(session, cmoc, member.user_id, body, expected)

    return await CMOC.change(session, member, cmoc_id, "edit", attach, response)


@router.delete("/{cmoc_id}", status_code=204)
async def delete_cmoc(
    cmoc_id: Id,
    member: ProjectCoder,
    session: SessionDep,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    return await CMOC.delete(session, member, cmoc_id, if_match)


@router.post("/{cmoc_id}/restore", response_model=CmocPublic)
async def restore_cmoc(
    cmoc_id: Id, member: ProjectCoder, session: SessionDep
) -> CmocPublic | Response:
    return await CMOC.restore(session, member, cmoc_id)


@router.get("/{cmoc_id}/history", response_model=list[CmocRevisionPublic])
async def cmoc_history(
    cmoc_id: Id, member: ProjectMember, session: SessionDep
) -> list[CmocRevisionPublic]:
    return await CMOC.history(session, member, cmoc_id)


@router.post("/{cmoc_id}/revert", response_model=CmocPublic)
async def revert_cmoc(
    cmoc_id: Id,
    body: CmocRevert,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> CmocPublic | Response:
    """Back to a version from its history, as a new version (the undo)."""
    return await CMOC.revert(session, member, cmoc_id, body, if_match, response)
