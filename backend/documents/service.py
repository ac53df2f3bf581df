"""Use cases for documents: store an ingested version, list, edit, read passages."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, insert, inspect
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.ids import stored
from backend.core.time import utcnow
from backend.documents.changes import record_edit
from backend.documents.models import (
    Document,
    DocumentStatus,
    DocumentType,
    DocumentUpdate,
    DocumentVersion,
    Pagination,
    Passage,
    SourceType,
)
from backend.documents.speakers import carry_roles
from backend.events.service import publish
from backend.indexing.service import mark_fields_for_index, mark_for_index
from ingest.ocr import is_low_confidence
from ingest.pipeline import ParsedDocument

# The passage table, for Core inserts. SQLModel does not declare `__table__` to type
# checkers; a table model's mapper always maps exactly its Table.
_PASSAGES = cast(Table, inspect(Passage).local_table)


async def find_version_by_sha(
    session: AsyncSession, project_id: int, sha256: str
) -> DocumentVersion | None:
    # Only a document's *current* version counts: re-uploading an older revision
    # makes it current again (as a new version) instead of being ignored.
    stmt = (
        select(DocumentVersion)
        .join(Document, col(Document.current_version_id) == col(DocumentVersion.id))
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
        .order_by(col(Document.id).desc())
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
    else:
        _refresh_guesses(document, parsed)
    previous_version = document.current_version_id
    document_id = stored(document.id)
    # A document created in this transaction has no versions yet: no need to ask.
    number = 1 if created else await _next_version_number(session, document_id)
    version = DocumentVersion(
        document_id=document_id,
        number=number,
        sha256=sha256,
        size_bytes=size_bytes,
        format=parsed.format,
        stored_path=stored_path,
        text=parsed.text,
        page_offsets=parsed.page_offsets,
        page_count=parsed.page_count,
        pagination=Pagination(parsed.pagination),
        status=DocumentStatus(parsed.status),
        # What ingest could not do exactly (e.g. approximate pages) is said with the version.
        message=parsed.message or (" ".join(parsed.warnings) or None),
        page_sources=[source.as_dict() for source in parsed.page_sources],
    )
    session.add(version)
    await session.flush()
    await _insert_passages(session, document_id, stored(version.id), parsed)
    await carry_roles(session, document_id, previous_version)
    _point_at(document, version)
    await mark_for_index(session, document_id)
    if not created:
        from backend.annotations.service import reanchor_document

        await reanchor_document(session, document_id, version)
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
        # parse_file's values: validated options, or its own guesses from these enums
        source_type=SourceType(parsed.source_type),
        document_type=DocumentType(parsed.document_type),
        organisation=parsed.organisation,
        date=parsed.date,
        original_filename=filename,
        sha256=sha256,
        metadata_sources=dict(parsed.metadata_sources),
    )


def _refresh_guesses(document: Document, parsed: ParsedDocument) -> None:
    """A new version's guesses replace the old guesses, never a person's word: a
    correction ("user") always stays, an upload's explicit value ("upload") stays unless
    the new upload says another, and so does a field with no recorded source (stored
    before sources were kept, so it may have been corrected)."""
    sources = dict(document.metadata_sources)
    for name, new in parsed.metadata_sources.items():
        old = sources.get(name)
        if old in (None, "user") or (old == "upload" and new != "upload"):
            continue
        setattr(document, name, getattr(parsed, name))
        sources[name] = new
    document.metadata_sources = sources  # a new dict, so the JSON column sees the change


def _point_at(document: Document, version: DocumentVersion) -> None:
    # User-edited metadata (title, organisation...) is kept across versions.
    document.current_version_id = version.id
    document.sha256 = version.sha256
    document.page_count = version.page_count
    document.status = version.status
    document.text_source, document.ocr_confidence, document.ocr_low_pages = _ocr_summary(
        version.page_sources
    )
    document.updated_at = utcnow()


def _ocr_summary(pages: list[dict[str, Any]]) -> tuple[str | None, float | None, int]:
    """(text source, mean OCR confidence, pages OCR read with low confidence)."""
    kinds = {page["text_source"] for page in pages}
    source = None if not kinds else kinds.pop() if len(kinds) == 1 else "mixed"
    scores = [page["confidence"] for page in pages if page["confidence"] is not None]
    mean = round(sum(scores) / len(scores), 1) if scores else None
    return source, mean, sum(is_low_confidence(score) for score in scores)


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
    # A shallow copy of each passage's fields: `asdict` deep-copied every field of
    # every passage, a fifth of storing a transcript. One Core executemany on the
    # table: the ORM's bulk path re-checked every row's keys for the same columns.
    rows = [
        {**vars(p), "document_id": document_id, "version_id": version_id} for p in parsed.passages
    ]
    await session.exec(insert(_PASSAGES), params=rows)


async def get_document(session: AsyncSession, project_id: int, document_id: int) -> Document | None:
    document = await session.get(Document, document_id)
    return document if document is not None and document.project_id == project_id else None


async def edit_metadata(
    session: AsyncSession, document: Document, changes: DocumentUpdate, user_id: int
) -> Document:
    """A person's metadata edit as one unit of work: the change, its audit entry and a
    `document.updated` event (live screens refresh like for every other change), committed."""
    fields = sorted(changes.model_dump(exclude_unset=True))
    document = await update_document(session, document, changes)
    record_edit(session, document, user_id, "update", fields=fields)
    await session.commit()
    await session.refresh(document)
    return document


async def update_document(
    session: AsyncSession, document: Document, changes: DocumentUpdate
) -> Document:
    """Apply a metadata edit; the caller commits (edit_metadata, or the worker's tests)."""
    data = changes.model_dump(exclude_unset=True)
    sources = dict(document.metadata_sources)
    for key, value in data.items():
        if value is None and key in ("title", "source_type", "document_type"):
            continue  # required fields cannot be blanked
        setattr(document, key, value)
        sources[key] = "user"  # saved by a person, even unchanged: no longer a guess
    document.metadata_sources = sources
    document.updated_at = utcnow()
    session.add(document)
    await mark_fields_for_index(session, stored(document.id))  # metadata: the text is unchanged
    return document


async def current_version(session: AsyncSession, document: Document) -> DocumentVersion | None:
    if document.current_version_id is None:
        return None
    return await session.get(DocumentVersion, document.current_version_id)


async def list_versions(session: AsyncSession, document_id: int) -> list[DocumentVersion]:
    stmt = (
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(col(DocumentVersion.number))
    )
    return list((await session.exec(stmt)).all())
