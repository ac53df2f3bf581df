"""/api/projects/{id}/theories: programme theories, their history, and import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Header, HTTPException, Response, UploadFile
from sqlmodel import col, select

from backend.api import versioned
from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.concurrency import etag
from backend.api.deps import Id, SessionDep
from backend.api.filters import Filter, Filters, choice, flag, ids, texts
from backend.api.listing import ListParamsDep, paginate
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

router = APIRouter(prefix="/api/projects/{project_id}/theories", tags=["theories"])
SORTABLE = {"id", "framework", "status", "created_at", "updated_at"}
MAX_IMPORT_BYTES = 2 * 2**20


FILTERS = Filters(
    Filter("id", ids, "in", ProgrammeTheory.id),
    Filter("status", choice(TheoryStatus), "in", ProgrammeTheory.status),
    Filter("framework", texts, "in", ProgrammeTheory.framework),
    Filter("q", texts, "contains", ProgrammeTheory.statement, ProgrammeTheory.framework),
    Filter("deleted", flag, "present", ProgrammeTheory.deleted_at, default=False),
)
THEORY = versioned.of_service("theory", service)


@router.get("", response_model=list[TheoryPublic])
async def list_theories(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
) -> list[TheoryPublic]:
    stmt = select(ProgrammeTheory).where(
        col(ProgrammeTheory.project_id) == member.project_id, *await FILTERS.where(params.filters)
    )
    rows = await paginate(session, stmt, ProgrammeTheory, params, SORTABLE, response, "theories")
    return await service.public(session, member.viewer, rows)


@router.post("", response_model=TheoryPublic, status_code=201)
async def create_theory(
    body: TheoryCreate, member: ProjectCoder, session: SessionDep, response: Response
) -> TheoryPublic:
    theory = await service.create(session, member.project_id, member.user_id, body)
    response.headers.update(etag(theory.version))
    return (await service.public(session, member.viewer, [theory]))[0]


@router.post("/import", response_model=ImportResult, status_code=201)
async def import_theories(
    member: ProjectCoder, session: SessionDep, file: Annotated[UploadFile, File()]
) -> ImportResult:
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(413, "a theory file may be at most 2 MB")
    try:
        items = parse(file.filename or "", data)
    except TheoryFileError as exc:
        raise HTTPException(400, str(exc)) from exc
    done = await service.import_all(session, member.project_id, member.user_id, items)
    return ImportResult(
        created=len(done.created),
        updated=len(done.updated),
        unchanged=len(done.unchanged),
        theories=await service.public(session, member.viewer, done.created + done.updated),
    )


@router.get("/{theory_id}", response_model=TheoryPublic)
async def read_theory(
    theory_id: Id, member: ProjectMember, session: SessionDep, response: Response
) -> TheoryPublic | Response:
    return await THEORY.read(session, member, theory_id, response)


@router.patch("/{theory_id}", response_model=TheoryPublic)
@router.put("/{theory_id}", response_model=TheoryPublic, include_in_schema=False)
async def update_theory(
    theory_id: Id,
    body: TheoryUpdate,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> TheoryPublic | Response:
    return await THEORY.update(session, member, theory_id, body, if_match, response)


@router.delete("/{theory_id}", status_code=204)
async def delete_theory(
    theory_id: Id,
    member: ProjectCoder,
    session: SessionDep,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    return await THEORY.delete(session, member, theory_id, if_match)


@router.post("/{theory_id}/restore", response_model=TheoryPublic)
async def restore_theory(
    theory_id: Id, member: ProjectCoder, session: SessionDep
) -> TheoryPublic | Response:
    return await THEORY.restore(session, member, theory_id)


@router.get("/{theory_id}/history", response_model=list[TheoryRevisionPublic])
async def theory_history(
    theory_id: Id, member: ProjectMember, session: SessionDep
) -> list[TheoryRevisionPublic]:
    return await THEORY.history(session, member, theory_id)
