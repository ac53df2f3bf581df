"""/api/documents: list, read, edit, passages, versions and the original file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Response
from fastapi.responses import FileResponse
from sqlmodel import col, or_, select

from backend.api.auth import Member, ProjectCoder, ProjectMember
from backend.api.deps import Id, RuntimeDep, SessionDep, SettingsDep
from backend.api.listing import ListParamsDep, choices, ids, paginate, texts
from backend.audit import audit
from backend.documents import service
from backend.documents.models import (
    Document,
    DocumentPublic,
    DocumentStatus,
    DocumentType,
    DocumentUpdate,
    DocumentVersion,
    DocumentVersionPublic,
    DocumentVersionText,
    Passage,
    PassagePublic,
    SourceType,
)
from backend.indexing.service import drain_quietly

router = APIRouter(prefix="/api/projects/{project_id}/documents", tags=["documents"])

SORTABLE = {
    "id",
    "title",
    "source_type",
    "document_type",
    "organisation",
    "date",
    "status",
    "page_count",
    "created_at",
    "updated_at",
    "original_filename",
}
_ENUM_FILTERS = {"source_type": SourceType, "document_type": DocumentType, "status": DocumentStatus}


def _like(text: str) -> str:
    """The user's text taken literally inside LIKE (no % or _ wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _date(key: str, raw: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError as exc:
        raise HTTPException(400, f"'{key}' must be a date like 2024-03-31") from exc


def _document_filters(stmt, filters: dict[str, Any]):
    for key, raw in filters.items():
        if key == "q":
            needle = f"%{_like(texts(key, raw)[0].lower())}%"
            stmt = stmt.where(
                or_(
                    col(Document.title).ilike(needle, escape="\\"),
                    col(Document.original_filename).ilike(needle, escape="\\"),
                )
            )
        elif key in _ENUM_FILTERS:
            values = choices(key, raw, _ENUM_FILTERS[key])
            stmt = stmt.where(col(getattr(Document, key)).in_(values))
        elif key == "organisation":
            stmt = stmt.where(col(Document.organisation).in_(texts(key, raw)))
        elif key == "id":
            stmt = stmt.where(col(Document.id).in_(ids(key, raw)))
        elif key == "date_gte":
            stmt = stmt.where(col(Document.date) >= _date(key, raw))
        elif key == "date_lte":
            stmt = stmt.where(col(Document.date) <= _date(key, raw))
        else:
            raise HTTPException(400, f"unknown filter '{key}'")
    return stmt


@router.get("", response_model=list[DocumentPublic])
async def list_documents(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
):
    stmt = select(Document).where(Document.project_id == member.project.id)
    stmt = _document_filters(stmt, params.filters)
    return await paginate(session, stmt, Document, params, SORTABLE, response, "documents")


async def _document_or_404(session, member: Member, document_id: int) -> Document:
    document = await service.get_document(session, member.project.id, document_id)
    if document is None:
        raise HTTPException(404, f"document {document_id} not found")
    return document


@router.get("/{document_id}", response_model=DocumentPublic)
async def read_document(document_id: Id, member: ProjectMember, session: SessionDep):
    return await _document_or_404(session, member, document_id)


@router.patch("/{document_id}", response_model=DocumentPublic)
@router.put("/{document_id}", response_model=DocumentPublic, include_in_schema=False)
async def update_document(
    document_id: Id,
    changes: DocumentUpdate,
    member: ProjectCoder,
    session: SessionDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
):
    document = await _document_or_404(session, member, document_id)
    document = await service.update_document(session, document, changes)
    audit(
        session,
        user_id=member.user.id,
        project_id=member.project.id,
        action="update",
        entity="document",
        entity_id=document.id,
        fields=sorted(changes.model_dump(exclude_unset=True)),
    )
    await session.commit()
    await session.refresh(document)
    background.add_task(drain_quietly, rt.sessions, rt.search)
    return document


@router.get("/{document_id}/passages", response_model=list[PassagePublic])
async def list_passages(
    document_id: Id,
    member: ProjectMember,
    session: SessionDep,
    response: Response,
    params: ListParamsDep,
):
    document = await _document_or_404(session, member, document_id)
    version_id = document.current_version_id
    if "version_id" in params.filters:
        version_id = ids("version_id", params.filters.pop("version_id"))[0]
    stmt = select(Passage).where(
        Passage.document_id == document_id, Passage.version_id == version_id
    )
    if params.filters:
        raise HTTPException(400, "passages can only be filtered by version_id")
    sortable = {"id", "ordinal", "page_start"}
    return await paginate(session, stmt, Passage, params, sortable, response, "passages")


@router.get("/{document_id}/versions", response_model=list[DocumentVersionPublic])
async def list_versions(document_id: Id, member: ProjectMember, session: SessionDep):
    await _document_or_404(session, member, document_id)
    return await service.list_versions(session, document_id)


@router.get("/{document_id}/versions/{version_id}", response_model=DocumentVersionText)
async def read_version(document_id: Id, version_id: Id, member: ProjectMember, session: SessionDep):
    """A version with its full stored text: the target that annotations point at."""
    await _document_or_404(session, member, document_id)
    version = await session.get(DocumentVersion, version_id)
    if version is None or version.document_id != document_id:
        raise HTTPException(404, f"version {version_id} not found")
    return version


@router.get("/{document_id}/original")
async def download_original(
    document_id: Id, member: ProjectMember, session: SessionDep, settings: SettingsDep
):
    document = await _document_or_404(session, member, document_id)
    version = await service.current_version(session, document)
    if version is None:
        raise HTTPException(404, "this document has no stored file")
    path = settings.data_dir / version.stored_path
    if not path.is_file():
        raise HTTPException(410, "the stored original is missing from the data folder")
    return FileResponse(path, filename=document.original_filename)
