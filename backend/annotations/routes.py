"""/api/projects/{id}/annotations: coded spans, their history, and W3C export.

Edits are optimistic: send the version you read (`If-Match: "3"`, or `version`
in the body); if someone changed it since, the answer is 409 with its current
state, and nothing is overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations import edits, ownership, service
from backend.annotations.export import export_collection
from backend.annotations.models import (
    Annotation,
    AnnotationCode,
    AnnotationCreate,
    AnnotationPublic,
    AnnotationRevert,
    AnnotationUpdate,
    RevisionPublic,
)
from backend.annotations.present import to_public
from backend.annotations.revert import revert
from backend.api import versioned
from backend.api.auth import Member, ProjectCoder, ProjectMember
from backend.api.concurrency import etag
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.filters import Filter, Filters, flag, ids
from backend.api.listing import ListParamsDep, paginate
from backend.codes.service import with_descendants
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.visibility import Viewer

router = APIRouter(prefix="/api/projects/{project_id}/annotations", tags=["annotations"])
JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
SORTABLE = {"id", "start", "created_at", "updated_at", "document_id", "author_id"}


def _actor(member: Member) -> ownership.Actor:
    return ownership.Actor(member.viewer, str(member.role), stored(member.user.id))


async def _find(
    session: AsyncSession, member: Member, annotation_id: int, action: versioned.Action
) -> Annotation:
    """The annotation, if the member sees it (else 404) and, to change it, may (else
    403); a delete checks ownership itself (ownership.delete: reasons, evidence)."""
    found = await service.get(session, member.viewer, annotation_id)
    if action in ("edit", "restore", "revert"):
        await ownership.check(session, _actor(member), found, action)
    return found


async def _show(
    session: AsyncSession, _: Member, rows: Sequence[Annotation]
) -> list[AnnotationPublic]:
    return await to_public(session, rows)


ANNOTATION = versioned.Resource(
    "annotation", _find, _show, service.edit, service.mark_deleted, service.history, revert
)


class _Context(NamedTuple):
    session: AsyncSession
    project_id: int


async def _coded_with(code_ids: list[int], context: _Context) -> ColumnElement[bool]:
    """A code and all its sub-codes, like NVivo's aggregate."""
    wanted = await with_descendants(context.session, context.project_id, code_ids)
    coded = select(AnnotationCode.annotation_id).where(col(AnnotationCode.code_id).in_(wanted))
    return col(Annotation.id).in_(coded)


FILTERS = Filters(
    Filter("id", ids, "in", Annotation.id),
    Filter("document_id", ids, "in", Annotation.document_id),
    Filter("version_id", ids, "in", Annotation.version_id),
    Filter("passage_id", ids, "in", Annotation.passage_id),
    Filter("author_id", ids, "in", Annotation.author_id),
    Filter("code_id", ids, "custom", build=_coded_with),
    Filter("orphaned", flag, "is", Annotation.orphaned),
    Filter("deleted", flag, "present", Annotation.deleted_at, default=False),
)


async def _filters(
    session: AsyncSession, viewer: Viewer, filters: dict[str, Any]
) -> list[ColumnElement[bool]]:
    """What the viewer may see, narrowed by the request's filters."""
    context = _Context(session, viewer.project_id)
    return [*viewer.clauses(), *await FILTERS.where(filters, context)]


@router.get("", response_model=list[AnnotationPublic])
async def list_annotations(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
) -> list[AnnotationPublic]:
    stmt = select(Annotation).where(*await _filters(session, member.viewer, params.filters))
    rows = await paginate(session, stmt, Annotation, params, SORTABLE, response, "annotations")
    return await to_public(session, rows)


@router.get("/export.jsonld")
async def export_jsonld(
    member: ProjectMember, session: SessionDep, request: Request, params: ListParamsDep
) -> JSONResponse:
    """Every live annotation (or those the `filter` selects) as a W3C AnnotationCollection."""
    stmt = select(Annotation).where(*await _filters(session, member.viewer, params.filters))
    rows = list((await session.exec(stmt.order_by(col(Annotation.id)))).all())
    base = str(request.base_url).rstrip("/")
    body = await export_collection(
        session, rows, base, f"Annotations of {member.project.name}", f"{base}{request.url.path}"
    )
    return JSONResponse(body, media_type=JSONLD)


@router.post("", response_model=AnnotationPublic, status_code=201)
async def create_annotation(
    body: AnnotationCreate, member: ProjectCoder, session: SessionDep, response: Response
) -> AnnotationPublic:
    try:
        created = await edits.create(
            session, stored(member.project.id), stored(member.user.id), body
        )
    except ServiceError as exc:
        raise http_error(exc) from exc
    response.headers.update(etag(created.version))
    return (await to_public(session, [created]))[0]


@router.get("/{annotation_id}", response_model=AnnotationPublic)
async def read_annotation(
    annotation_id: Id, member: ProjectMember, session: SessionDep, response: Response
) -> AnnotationPublic:
    return await ANNOTATION.read(session, member, annotation_id, response)


@router.patch("/{annotation_id}", response_model=AnnotationPublic)
@router.put("/{annotation_id}", response_model=AnnotationPublic, include_in_schema=False)
async def update_annotation(
    annotation_id: Id,
    body: AnnotationUpdate,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> AnnotationPublic | Response:
    return await ANNOTATION.update(session, member, annotation_id, body, if_match, response)


@router.delete("/{annotation_id}", status_code=204)
async def delete_annotation(
    annotation_id: Id,
    member: ProjectCoder,
    session: SessionDep,
    if_match: Annotated[str | None, Header()] = None,
    reason: Annotated[str | None, Query(max_length=2_000)] = None,
    confirm_cmoc: Annotated[list[int], Query()] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """Your own annotation; an admin also anyone's, with a `reason`. Evidence for CMO
    configurations: 409 listing them (`configurations`) unless each is named in
    `confirm_cmoc`."""

    async def remove(found: Annotation, expected: int | None) -> Annotation:
        actor = _actor(member)
        return await ownership.delete(session, actor, found, expected, reason, confirm_cmoc)

    try:
        return await ANNOTATION.delete(session, member, annotation_id, if_match, remove)
    except ownership.EvidenceInUse as exc:
        return JSONResponse({"detail": exc.message, "configurations": exc.configurations}, 409)


@router.post("/{annotation_id}/restore", response_model=AnnotationPublic)
async def restore_annotation(
    annotation_id: Id, member: ProjectCoder, session: SessionDep
) -> AnnotationPublic | Response:
    return await ANNOTATION.restore(session, member, annotation_id)


@router.post("/{annotation_id}/revert", response_model=AnnotationPublic)
async def revert_annotation(
    annotation_id: Id,
    body: AnnotationRevert,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> AnnotationPublic | Response:
    """Back to a version from its history (span, codes, memo; restored if deleted), as
    a new version: the history keeps both."""
    return await ANNOTATION.revert(session, member, annotation_id, body, if_match, response)


@router.get("/{annotation_id}/history", response_model=list[RevisionPublic])
async def annotation_history(
    annotation_id: Id, member: ProjectMember, session: SessionDep
) -> list[RevisionPublic]:
    return await ANNOTATION.history(session, member, annotation_id)
