"""/api/projects/{id}/theories: programme theories, their history, and import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Header, HTTPException, Response, UploadFile
from sqlmodel import col, or_, select

from backend.api import versioned
from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.concurrency import etag, expected_version, required_version
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.listing import ListParamsDep, choices, paginate, texts
from backend.theories import service
from backend.theories.exchange import TheoryFileError, parse
from backend.theories.models import (
    ImportResult,
    ProgrammeTheory,
    TheoryCreate,
    TheoryPublic,
    TheoryRevisionPublic,
    TheoryStatus,
    TheoryUpdate,
)
from backend.versioning import StaleEdit

router = APIRouter(prefix="/api/projects/{project_id}/theories", tags=["theories"])
SORTABLE = {"id", "framework", "status", "created_at", "updated_at"}
MAX_IMPORT_BYTES = 2 * 2**20


def _literal(text: str) -> str:
    """The user's text taken literally inside LIKE (no % or _ wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filters(filters: dict) -> list:
    clauses = []
    for key, raw in filters.items():
        if key == "status":
            clauses.append(col(ProgrammeTheory.status).in_(choices(key, raw, TheoryStatus)))
        elif key == "framework":
            clauses.append(col(ProgrammeTheory.framework).in_(texts(key, raw)))
        elif key == "q":
            (needle,) = texts(key, raw)[:1]
            like = f"%{_literal(needle)}%"
            clauses.append(
                or_(
                    col(ProgrammeTheory.statement).ilike(like, escape="\\"),
                    col(ProgrammeTheory.framework).ilike(like, escape="\\"),
                )
            )
        elif key != "deleted":
            raise HTTPException(400, f"unknown filter '{key}'")
    deleted = col(ProgrammeTheory.deleted_at)
    clauses.append(deleted.is_not(None) if filters.get("deleted") else deleted.is_(None))
    return clauses


async def _conflict(session, exc: StaleEdit):
    return await versioned.stale(service, "theory", session, exc)


@router.get("", response_model=list[TheoryPublic])
async def list_theories(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
):
    stmt = select(ProgrammeTheory).where(
        ProgrammeTheory.project_id == member.project.id, *_filters(params.filters)
    )
    rows = await paginate(session, stmt, ProgrammeTheory, params, SORTABLE, response, "theories")
    return await service.public(session, rows)


@router.post("", response_model=TheoryPublic, status_code=201)
async def create_theory(
    body: TheoryCreate, member: ProjectCoder, session: SessionDep, response: Response
):
    theory = await service.create(session, member.project.id, member.user.id, body)
    await session.commit()
    response.headers.update(etag(theory.version))
    return (await service.public(session, [theory]))[0]


@router.post("/import", response_model=ImportResult, status_code=201)
async def import_theories(
    member: ProjectCoder, session: SessionDep, file: Annotated[UploadFile, File()]
):
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(413, "a theory file may be at most 2 MB")
    try:
        items = parse(file.filename or "", data)
    except TheoryFileError as exc:
        raise HTTPException(400, str(exc)) from exc
    created = await service.import_all(session, member.project.id, member.user.id, items)
    await session.commit()
    return ImportResult(created=len(created), theories=await service.public(session, created))


@router.get("/{theory_id}", response_model=TheoryPublic)
async def read_theory(
    theory_id: Id, member: ProjectMember, session: SessionDep, response: Response
):
    try:
        theory = await service.get(session, member.project.id, theory_id)
    except service.TheoryError as exc:
        raise http_error(exc) from exc
    response.headers.update(etag(theory.version))
    return (await service.public(session, [theory]))[0]


@router.patch("/{theory_id}", response_model=TheoryPublic)
@router.put("/{theory_id}", response_model=TheoryPublic, include_in_schema=False)
async def update_theory(
    theory_id: Id,
    body: TheoryUpdate,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
):
    expected = required_version(if_match, body.version, "theory")
    return await versioned.update(
        service, "theory", member, session, theory_id, body, expected, response
    )


@router.delete("/{theory_id}", status_code=204)
async def delete_theory(
    theory_id: Id,
    member: ProjectCoder,
    session: SessionDep,
    if_match: Annotated[str | None, Header()] = None,
):
    return await _set_deleted(theory_id, member, session, True, expected_version(if_match, None))


@router.post("/{theory_id}/restore", response_model=TheoryPublic)
async def restore_theory(theory_id: Id, member: ProjectCoder, session: SessionDep):
    return await _set_deleted(theory_id, member, session, False, None)


async def _set_deleted(theory_id, member, session, deleted: bool, expected: int | None):
    return await versioned.set_deleted(
        service, "theory", member, session, theory_id, deleted, expected
    )


@router.get("/{theory_id}/history", response_model=list[TheoryRevisionPublic])
async def theory_history(theory_id: Id, member: ProjectMember, session: SessionDep):
    return await versioned.history(service, member, session, theory_id)
