"""/api/projects/{id}/cmocs: CMO configurations, their evidence and history.

Edits follow the annotations' rules: send the version you read (If-Match); a
stale edit gets 409 with the current state and overwrites nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Response
from sqlmodel import col, or_, select

from backend.api import versioned
from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.concurrency import etag, expected_version, required_version
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.listing import ListParamsDep, choices, ids, paginate, texts
from backend.cmocs import service
from backend.cmocs.models import (
    Cmoc,
    CmocCreate,
    CmocPublic,
    CmocRevisionPublic,
    CmocStatus,
    CmocTheory,
    CmocUpdate,
    EvidenceIn,
)
from backend.versioning import StaleEdit

router = APIRouter(prefix="/api/projects/{project_id}/cmocs", tags=["cmocs"])
SORTABLE = {"id", "title", "status", "created_at", "updated_at", "author_id"}
SEARCHED = ("title", "context", "mechanism_resource", "mechanism_reasoning", "outcome", "memo")


def _literal(text: str) -> str:
    """The user's text taken literally inside LIKE (no % or _ wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filters(filters: dict) -> list:
    clauses = []
    for key, raw in filters.items():
        if key == "status":
            clauses.append(col(Cmoc.status).in_(choices(key, raw, CmocStatus)))
        elif key == "theory_id":
            linked = select(CmocTheory.cmoc_id).where(col(CmocTheory.theory_id).in_(ids(key, raw)))
            clauses.append(col(Cmoc.id).in_(linked))
        elif key in ("id", "author_id"):
            clauses.append(col(getattr(Cmoc, key)).in_(ids(key, raw)))
        elif key == "q":
            like = f"%{_literal(texts(key, raw)[0])}%"
            clauses.append(or_(*(col(getattr(Cmoc, f)).ilike(like, escape="\\") for f in SEARCHED)))
        elif key != "deleted":
            raise HTTPException(400, f"unknown filter '{key}'")
    deleted = col(Cmoc.deleted_at)
    clauses.append(deleted.is_not(None) if filters.get("deleted") else deleted.is_(None))
    return clauses


async def _answer(session, cmoc: Cmoc, response: Response) -> CmocPublic:
    response.headers.update(etag(cmoc.version))
    return (await service.public(session, [cmoc]))[0]


async def _conflict(session, exc: StaleEdit):
    return await versioned.stale(service, "CMOC", session, exc)


@router.get("", response_model=list[CmocPublic])
async def list_cmocs(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
):
    stmt = select(Cmoc).where(Cmoc.project_id == member.project.id, *_filters(params.filters))
    rows = await paginate(session, stmt, Cmoc, params, SORTABLE, response, "cmocs")
    return await service.public(session, rows)


@router.post("", response_model=CmocPublic, status_code=201)
async def create_cmoc(
    body: CmocCreate, member: ProjectCoder, session: SessionDep, response: Response
):
    try:
        cmoc = await service.create(session, member.project.id, member.user.id, body)
    except service.CmocError as exc:
        raise http_error(exc) from exc
    await session.commit()
    return await _answer(session, cmoc, response)


@router.get("/{cmoc_id}", response_model=CmocPublic)
async def read_cmoc(cmoc_id: Id, member: ProjectMember, session: SessionDep, response: Response):
    try:
        cmoc = await service.get(session, member.project.id, cmoc_id)
    except service.CmocError as exc:
        raise http_error(exc) from exc
    return await _answer(session, cmoc, response)


@router.patch("/{cmoc_id}", response_model=CmocPublic)
@router.put("/{cmoc_id}", response_model=CmocPublic, include_in_schema=False)
async def update_cmoc(
    cmoc_id: Id,
    body: CmocUpdate,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
):
    expected = required_version(if_match, body.version, "CMOC")
    return await versioned.update(
        service, "CMOC", member, session, cmoc_id, body, expected, response
    )


@router.post("/{cmoc_id}/evidence", response_model=CmocPublic)
async def add_evidence(
    cmoc_id: Id,
    body: EvidenceIn,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
):
    """Link one annotation (without resending the whole list)."""
    try:
        cmoc = await service.get(session, member.project.id, cmoc_id)
        expected = expected_version(if_match, None)
        cmoc = await service.add_evidence(session, cmoc, member.user.id, body, expected)
    except service.CmocError as exc:
        raise http_error(exc) from exc
    except StaleEdit as exc:
        return await _conflict(session, exc)
    await session.commit()
    return await _answer(session, cmoc, response)


@router.delete("/{cmoc_id}", status_code=204)
async def delete_cmoc(
    cmoc_id: Id,
    member: ProjectCoder,
    session: SessionDep,
    if_match: Annotated[str | None, Header()] = None,
):
    return await _set_deleted(cmoc_id, member, session, True, expected_version(if_match, None))


@router.post("/{cmoc_id}/restore", response_model=CmocPublic)
async def restore_cmoc(cmoc_id: Id, member: ProjectCoder, session: SessionDep):
    return await _set_deleted(cmoc_id, member, session, False, None)


async def _set_deleted(cmoc_id, member, session, deleted: bool, expected: int | None):
    return await versioned.set_deleted(service, "CMOC", member, session, cmoc_id, deleted, expected)


@router.get("/{cmoc_id}/history", response_model=list[CmocRevisionPublic])
async def cmoc_history(cmoc_id: Id, member: ProjectMember, session: SessionDep):
    return await versioned.history(service, member, session, cmoc_id)
