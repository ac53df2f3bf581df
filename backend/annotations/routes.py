"""/api/projects/{id}/annotations: coded spans, their history, and W3C export.

Edits are optimistic: send the version you read (`If-Match: "3"`, or `version`
in the body); if someone changed it since, the answer is 409 with its current
state, and nothing is overwritten.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import col, select

from backend.annotations import service
from backend.annotations.export import export_collection
from backend.annotations.models import (
    Annotation,
    AnnotationCode,
    AnnotationCreate,
    AnnotationPublic,
    AnnotationUpdate,
    RevisionPublic,
)
from backend.annotations.present import to_public
from backend.api.auth import ProjectCoder, ProjectMember
from backend.api.concurrency import conflict, etag, expected_version, required_version
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.listing import ListParamsDep, paginate
from backend.codes.service import descendants

router = APIRouter(prefix="/api/projects/{project_id}/annotations", tags=["annotations"])
JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
SORTABLE = {"id", "start", "created_at", "updated_at", "document_id", "author_id"}


def _etag(a: Annotation) -> dict[str, str]:
    return etag(a.version)


async def _conflict(session, exc: service.StaleEdit) -> JSONResponse:
    (current,) = await to_public(session, [exc.current])
    return conflict("annotation", current, exc.current.version)


async def _filters(session, project_id: int, filters: dict) -> list:
    clauses = []
    for key, raw in filters.items():
        values = raw if isinstance(raw, list) else [raw]
        if key in ("document_id", "version_id", "author_id", "id", "passage_id"):
            if not all(isinstance(v, int) for v in values):
                raise HTTPException(400, f"'{key}' takes whole numbers")
            clauses.append(col(getattr(Annotation, key)).in_(values))
        elif key == "code_id":  # a code and all its sub-codes, like NVivo's aggregate
            wanted = {
                c
                for v in values
                if isinstance(v, int)
                for c in await descendants(session, project_id, v)
            }
            sub = select(AnnotationCode.annotation_id).where(
                col(AnnotationCode.code_id).in_(wanted)
            )
            clauses.append(col(Annotation.id).in_(sub))
        elif key == "orphaned":
            clauses.append(col(Annotation.orphaned).is_(bool(raw)))
        elif key != "deleted":
            raise HTTPException(400, f"unknown filter '{key}'")
    deleted = filters.get("deleted", False)
    clauses.append(
        col(Annotation.deleted_at).is_not(None) if deleted else col(Annotation.deleted_at).is_(None)
    )
    return clauses


@router.get("", response_model=list[AnnotationPublic])
async def list_annotations(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
):
    stmt = select(Annotation).where(
        Annotation.project_id == member.project.id,
        *await _filters(session, member.project.id, params.filters),
    )
    rows = await paginate(session, stmt, Annotation, params, SORTABLE, response, "annotations")
    return await to_public(session, rows)


@router.get("/export.jsonld")
async def export_jsonld(
    member: ProjectMember, session: SessionDep, request: Request, params: ListParamsDep
):
    """Every live annotation (or those the `filter` selects) as a W3C AnnotationCollection."""
    stmt = select(Annotation).where(
        Annotation.project_id == member.project.id,
        *await _filters(session, member.project.id, params.filters),
    )
    rows = list((await session.exec(stmt.order_by(Annotation.id))).all())
    base = str(request.base_url).rstrip("/")
    body = await export_collection(
        session, rows, base, f"Annotations of {member.project.name}", f"{base}{request.url.path}"
    )
    return JSONResponse(body, media_type=JSONLD)


@router.post("", response_model=AnnotationPublic, status_code=201)
async def create_annotation(
    body: AnnotationCreate, member: ProjectCoder, session: SessionDep, response: Response
):
    try:
        created = await service.create(session, member.project.id, member.user.id, body)
    except service.AnnotationError as exc:
        raise http_error(exc) from exc
    await session.commit()
    response.headers.update(_etag(created))
    return (await to_public(session, [created]))[0]


@router.get("/{annotation_id}", response_model=AnnotationPublic)
async def read_annotation(
    annotation_id: Id, member: ProjectMember, session: SessionDep, response: Response
):
    try:
        found = await service.get(session, member.project.id, annotation_id)
    except service.AnnotationError as exc:
        raise http_error(exc) from exc
    response.headers.update(_etag(found))
    return (await to_public(session, [found]))[0]


@router.patch("/{annotation_id}", response_model=AnnotationPublic)
@router.put("/{annotation_id}", response_model=AnnotationPublic, include_in_schema=False)
async def update_annotation(
    annotation_id: Id,
    body: AnnotationUpdate,
    member: ProjectCoder,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
):
    expected = required_version(if_match, body.version, "annotation")
    try:
        found = await service.get(session, member.project.id, annotation_id)
        changed = await service.update(session, found, member.user.id, body, expected)
    except service.AnnotationError as exc:
        raise http_error(exc) from exc
    except service.StaleEdit as exc:
        return await _conflict(session, exc)
    await session.commit()
    response.headers.update(_etag(changed))
    return (await to_public(session, [changed]))[0]


@router.delete("/{annotation_id}", status_code=204)
async def delete_annotation(
    annotation_id: Id,
    member: ProjectCoder,
    session: SessionDep,
    if_match: Annotated[str | None, Header()] = None,
):
    expected = expected_version(if_match, None)
    return await _set_deleted(annotation_id, member, session, True, expected)


@router.post("/{annotation_id}/restore", response_model=AnnotationPublic)
async def restore_annotation(annotation_id: Id, member: ProjectCoder, session: SessionDep):
    return await _set_deleted(annotation_id, member, session, False, None)


async def _set_deleted(annotation_id, member, session, deleted: bool, expected):
    try:
        found = await service.get(session, member.project.id, annotation_id)
        changed = await service.set_deleted(session, found, member.user.id, deleted, expected)
    except service.AnnotationError as exc:
        raise http_error(exc) from exc
    except service.StaleEdit as exc:
        return await _conflict(session, exc)
    await session.commit()
    if deleted:
        return Response(status_code=204)
    return (await to_public(session, [changed]))[0]


@router.get("/{annotation_id}/history", response_model=list[RevisionPublic])
async def annotation_history(annotation_id: Id, member: ProjectMember, session: SessionDep):
    try:
        await service.get(session, member.project.id, annotation_id)
    except service.AnnotationError as exc:
        raise http_error(exc) from exc
    return await service.history(session, annotation_id)
