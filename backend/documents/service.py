"""Use cases for documents: store an ingested version, list, edit, read passages."""

from __future__ import annotations

from sqlalchemy import func, insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.time import utcnow
from backend.documents.models import (
    Document,
    DocumentStatus,
    DocumentUpdate,
    DocumentVersion,
    Passage,
)
from backend.events.service import publish
from backend.indexing.service import mark_for_index
from ingest.pipeline import ParsedDocument


async def find_version_by_sha(
    session: AsyncSession, project_id: int, sha256: str
) -> DocumentVersion | None:
    # Only a document's *current* version counts: re-uploading an older revision
    # makes it current again (as a new version) instead of being ignored.
    stmt = (
        select(DocumentVersion)
        .join(Document, Document.current_version_id == DocumentVersion.id)
        .where(Document.project_id == project_id, DocumentVersion.sha256 == sha256)
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def find_by_filename(
    session: AsyncSession, project_id: int, filename: str
) -> Document | None:
    stmt = (
        select(Document)
        .where(Document.project_id == project_id, Document.original_filename == filename)
        .order_by(Document.id.desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def store_version(
    session: AsyncSession,
    parsed: ParsedDocument,
    *,
    project_id: int,
    original_filename: str,
    sha256: str,
    size_bytes: int,
    stored_path: str,
) -> tuple[Document, DocumentVersion, bool]:
    """Add a parsed file as a new document, or as a new version of the document
    with the same file name. Returns (document, version, created). The caller
    owns the transaction: nothing is half-stored if anything fails."""
    document = await find_by_filename(session, project_id, original_filename)
    created = document is None
    if document is None:
        document = _new_document(parsed, project_id, original_filename, sha256)
        session.add(document)
        await session.flush()
    number = await _next_version_number(session, document.id)
    version = DocumentVersion(
        document_id=document.id,
        number=number,
        sha256=sha256,
        size_bytes=size_bytes,
        format=parsed.format,
        stored_path=stored_path,
        text=parsed.text,
        page_offsets=parsed.page_offsets,
        page_count=parsed.page_count,
        status=DocumentStatus(parsed.status),
        message=parsed.message,
    )
    session.add(version)
    await session.flush()
    await _insert_passages(session, document.id, version.id, parsed)
    _point_at(document, version)
    await mark_for_index(session, document.id)
    if not created:
        from backend.annotations.service import reanchor_document

        await reanchor_document(session, document.id, version)
    publish(
        session,
        project_id,
        "document.version" if not created else "document.created",
        document.id,
        None,
        title=document.title,
        version=version.number,
    )
    return document, version, created


def _new_document(parsed: ParsedDocument, project_id: int, filename: str, sha256: str) -> Document:
    return Document(
        project_id=project_id,
        title=parsed.title,
        source_type=parsed.source_type,
        document_type=parsed.document_type,
        organisation=parsed.organisation,
        date=parsed.date,
        original_filename=filename,
        sha256=sha256,
    )


def _point_at(document: Document, version: DocumentVersion) -> None:
    # User-edited metadata (title, organisation...) is kept across versions.
    document.current_version_id = version.id
    document.sha256 = version.sha256
    document.page_count = version.page_count
    document.status = version.status
    document.updated_at = utcnow()


async def _next_version_number(session: AsyncSession, document_id: int) -> int:
    stmt = select(func.max(DocumentVersion.number)).where(
        DocumentVersion.document_id == document_id
    )
    current = (await session.exec(stmt)).one()
    return (current or 0) + 1


async def _insert_passages(
    session: AsyncSession, document_id: int, version_id: int, parsed: ParsedDocument
) -> None:
    if not parsed.passages:
        return
    rows = [
        {
            "document_id": document_id,
            "version_id": version_id,
            "ordinal": p.ordinal,
            "heading_path": p.heading_path,
            "page_start": p.page_start,
            "page_end": p.page_end,
            "start": p.start,
            "end": p.end,
            "speaker": p.speaker,
            "text": p.text,
        }
        for p in parsed.passages
    ]
    await session.exec(insert(Passage), params=rows)


async def get_document(session: AsyncSession, project_id: int, document_id: int) -> Document | None:
    document = await session.get(Document, document_id)
    return document if document is not None and document.project_id == project_id else None


async def update_document(
    session: AsyncSession, document: Document, changes: DocumentUpdate
) -> Document:
    data = changes.model_dump(exclude_unset=True)
    for key, value in data.items():
        if value is None and key in ("title", "source_type", "document_type"):
            continue  # required fields cannot be blanked
        setattr(document, key, value)
    document.updated_at = utcnow()
    session.add(document)
    await mark_for_index(session, document.id)
    return document


async def current_version(session: AsyncSession, document: Document) -> DocumentVersion | None:
    if document.current_version_id is None:
        return None
    return await session.get(DocumentVersion, document.current_version_id)


async def list_versions(session: AsyncSession, document_id: int) -> list[DocumentVersion]:
    stmt = (
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.number)
    )
    return list((await session.exec(stmt)).all())
