"""/api/documents: list, read, edit, passages, versions and the original file."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, HTTPException, Response
from fastapi.responses import FileResponse
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.api.auth import Member, ProjectCoder, ProjectMember
from backend.api.deps import Id, RuntimeDep, SessionDep, SettingsDep
from backend.api.filters import Filter, Filters, choice, date, flag, ids, texts
from backend.api.listing import ListParamsDep, paginate
from backend.documents import service, speakers
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
    TextSource,
)
from backend.documents.speakers import SpeakerPublic, SpeakerRoleUpdate
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
    "ocr_confidence",
    "ocr_low_pages",
}
FILTERS = Filters(
    Filter("id", ids, "in", Document.id),
    Filter("q", texts, "contains", Document.title, Document.original_filename),
    Filter("source_type", choice(SourceType), "in", Document.source_type),
    Filter("document_type", choice(DocumentType), "in", Document.document_type),
    Filter("status", choice(DocumentStatus), "in", Document.status),
    Filter("text_source", choice(TextSource), "in", Document.text_source),
    Filter("organisation", texts, "in", Document.organisation),
    # documents with pages OCR read with low confidence
    Filter("ocr_low_confidence", flag, "positive", Document.ocr_low_pages),
    Filter("date_gte", date, "gte", Document.date),
    Filter("date_lte", date, "lte", Document.date),
)
PASSAGE_FILTERS = Filters(
    Filter("id", ids, "in", Passage.id),
    Filter("version_id", ids, "in", Passage.version_id),
)


@router.get("", response_model=list[DocumentPublic])
async def list_documents(
    member: ProjectMember, session: SessionDep, response: Response, params: ListParamsDep
) -> list[Document]:
    stmt = select(Document).where(
        col(Document.project_id) == member.project_id, *await FILTERS.where(params.filters)
    )
    return await paginate(session, stmt, Document, params, SORTABLE, response, "documents")


async def _document_or_404(session: AsyncSession, member: Member, document_id: int) -> Document:
    document = await service.get_document(session, member.project_id, document_id)
    if document is None:
        raise HTTPException(404, f"document {document_id} not found")
    return document


@router.get("/{document_id}", response_model=DocumentPublic)
async def read_document(document_id: Id, member: ProjectMember, session: SessionDep) -> Document:
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
) -> Document:
    document = await _document_or_404(session, member, document_id)
    document = await service.edit_metadata(session, document, changes, member.user_id)
    background.add_task(drain_quietly, rt.sessions, rt.search)
    return document


@router.get("/{document_id}/passages", response_model=list[PassagePublic])
async def list_passages(
    document_id: Id,
    member: ProjectMember,
    session: SessionDep,
    response: Response,
    params: ListParamsDep,
) -> list[Passage]:
    document = await _document_or_404(session, member, document_id)
    stmt = select(Passage).where(
        Passage.document_id == document_id, *await PASSAGE_FILTERS.where(params.filters)
    )
    if "version_id" not in params.filters:  # the current text unless a version is named
        stmt = stmt.where(Passage.version_id == document.current_version_id)
    sortable = {"id", "ordinal", "page_start"}
    return await paginate(session, stmt, Passage, params, sortable, response, "passages")


@router.get("/{document_id}/speakers", response_model=list[SpeakerPublic])
async def list_speakers(
    document_id: Id, member: ProjectMember, session: SessionDep
) -> list[SpeakerPublic]:
    """A transcript's speakers, their roles and where each role came from."""
    document = await _document_or_404(session, member, document_id)
    return await speakers.list_speakers(session, document)


@router.put("/{document_id}/speakers", response_model=list[SpeakerPublic])
async def set_speaker_role(
    document_id: Id,
    change: SpeakerRoleUpdate,
    member: ProjectCoder,
    session: SessionDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> list[SpeakerPublic]:
    """Set (or clear, with null) the role of one speaker of this transcript."""
    document = await _document_or_404(session, member, document_id)
    if not await speakers.set_role(session, document, change, member.user_id):
        raise HTTPException(404, f"no speaker {change.speaker!r} in this document")
    background.add_task(drain_quietly, rt.sessions, rt.search)
    return await speakers.list_speakers(session, document)


@router.get("/{document_id}/versions", response_model=list[DocumentVersionPublic])
async def list_versions(
    document_id: Id, member: ProjectMember, session: SessionDep
) -> list[DocumentVersion]:
    await _document_or_404(session, member, document_id)
    return await service.list_versions(session, document_id)


@router.get("/{document_id}/versions/{version_id}", response_model=DocumentVersionText)
async def read_version(
    document_id: Id, version_id: Id, member: ProjectMember, session: SessionDep
) -> DocumentVersion:
    """A version with its full stored text: the target that annotations point at."""
    await _document_or_404(session, member, document_id)
    version = await session.get(DocumentVersion, version_id)
    if version is None or version.document_id != document_id:
        raise HTTPException(404, f"version {version_id} not found")
    return version


@router.get("/{document_id}/original")
async def download_original(
    document_id: Id, member: ProjectMember, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    document = await _document_or_404(session, member, document_id)
    version = await service.current_version(session, document)
    if version is None:
        raise HTTPException(404, "this document has no stored file")
    path = settings.data_dir / version.stored_path
    if not path.is_file():
        raise HTTPException(410, "the stored original is missing from the data folder")
    return FileResponse(path, filename=document.original_filename)
