"""Import step: sources become documents, versions, passages and annotations.

TextSources sharing an `original_filename` variable are versions of one document (ordered by
`version_number`); the last is the current version, and annotations on earlier versions are
orphaned, as they were when exported. A source from another tool is one document. Each version's
text is stored exactly (as a .txt under originals/, which gives its sha256) and cut into
passages by passages.py; selections are placed by import_selections.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from enum import StrEnum
from pathlib import PurePosixPath
from typing import TypeVar

import anyio
from sqlmodel import select

from backend.core.ids import stored
from backend.core.storage import store_stream
from backend.documents.models import (
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    Passage,
    SourceType,
)
from backend.indexing.service import mark_for_index
from backend.refi import passages
from backend.refi.common import VARIABLE_NAMES, RefiError
from backend.refi.context import ImportState, times
from backend.refi.import_selections import import_selections
from backend.refi.reader import Text

E = TypeVar("E", bound=StrEnum)


async def import_sources(st: ImportState) -> None:
    groups: dict[object, list[tuple[Text, dict[str, str]]]] = {}
    for source in st.file.sources:
        meta = _meta(st, source)
        key = meta.get("original_filename") or ("source", source.guid)
        groups.setdefault(key, []).append((source, meta))
    for group in groups.values():
        await _document(st, sorted(group, key=_version_key))


def _meta(st: ImportState, source: Text) -> dict[str, str]:
    """The source's values of our variables, by name (other tools' variables are ignored)."""
    named = {st.file.variables.get(ref): value for ref, value in source.values.items()}
    return {name: value for name, value in named.items() if name in VARIABLE_NAMES}


def _version_key(item: tuple[Text, dict[str, str]]) -> int:
    number = item[1].get("version_number", "")
    return int(number) if number.isdigit() else 0


def _choice(st: ImportState, enum: type[E], value: str | None, default: E) -> E:
    if value is None:
        return default
    try:
        return enum(value)
    except ValueError:
        st.skipped[f"unknown {enum.__name__} values (default used)"] += 1
        return default


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


async def _document(st: ImportState, group: list[tuple[Text, dict[str, str]]]) -> None:
    texts = []
    for source, meta in group:
        text = st.package.text(source)
        if not text and source.selections:
            raise RefiError(
                f"the text of '{source.name or source.guid}' is empty, but "
                f"{len(source.selections)} selections point into it; nothing was imported",
                422,
            )
        if "\x00" in text:  # PostgreSQL cannot store NUL; ours never contain one
            st.skipped["sources containing NUL characters"] += 1
            continue
        texts.append((source, meta, text))
    if not texts:
        return
    document = await _new_document(st, texts[0][0], texts[-1][0], texts[-1][1])
    used: set[int] = set()
    for index, (source, meta, text) in enumerate(texts):
        current = index == len(texts) - 1
        number = _number(meta, used)
        version = await _version(st, document, source, meta, text, number, current)
        if current:
            document.current_version_id, document.sha256 = version.id, version.sha256
            document.page_count, document.status = version.page_count, version.status
    st.session.add(document)
    await mark_for_index(st.session, stored(document.id))
    st.counts["documents"] += 1


def _number(meta: dict[str, str], used: set[int]) -> int:
    value = meta.get("version_number", "")
    number = int(value) if value.isdigit() and int(value) > 0 else 0
    if number == 0 or number in used:
        number = max(used, default=0) + 1
    used.add(number)
    return number


async def _new_document(st: ImportState, first: Text, last: Text, meta: dict[str, str]) -> Document:
    created, _ = times(first)
    _, modified = times(last)
    title = last.name if last.name and last.name.strip() else "Untitled source"
    document = Document(
        project_id=st.project_id,
        title=title[:500],
        source_type=_choice(st, SourceType, meta.get("source_type"), SourceType.document),
        document_type=_choice(st, DocumentType, meta.get("document_type"), DocumentType.other),
        organisation=meta["organisation"][:300] if meta.get("organisation") else None,
        date=_date(meta.get("date")),
        original_filename=await _file_name(st, meta.get("original_filename"), title),
        sha256="",
        created_at=created,
        updated_at=modified,
    )
    st.session.add(document)
    await st.session.flush()
    return document


async def _file_name(st: ImportState, wanted: str | None, title: str) -> str:
    """The file's name, else one made from the title; unique in the project."""
    made = " ".join(PurePosixPath(title).name.split())[:200] or "source"
    name = (wanted or f"{made}.txt")[:480]
    stem, suffix, n = name, "", 1
    if not wanted and name.endswith(".txt"):
        stem, suffix = name[:-4], ".txt"
    while await _name_taken(st, name):
        n += 1
        name = f"{stem} ({n}){suffix}"
    return name


async def _name_taken(st: ImportState, name: str) -> bool:
    stmt = select(Document.id).where(
        Document.project_id == st.project_id, Document.original_filename == name
    )
    return (await st.session.exec(stmt)).first() is not None


def _offsets(value: str | None, length: int) -> list[int]:
    """page_offsets as exported, if they make sense for this text; else none."""
    try:
        offsets = json.loads(value) if value else []
    except ValueError:
        return []
    ok = isinstance(offsets, list) and all(isinstance(o, int) for o in offsets)
    if not ok or offsets != sorted(offsets) or any(o < 0 or o > length for o in offsets):
        return []
    return offsets


async def _version(
    st: ImportState,
    document: Document,
    source: Text,
    meta: dict[str, str],
    text: str,
    number: int,
    current: bool,
) -> DocumentVersion:
    data = text.encode("utf-8")
    limit = max(len(data), 1)
    args = (io.BytesIO(data), st.settings.data_dir, ".txt", limit)
    saved = await anyio.to_thread.run_sync(store_stream, *args)
    offsets = _offsets(meta.get("page_offsets"), len(text))
    pages = meta.get("page_count", "")
    version = DocumentVersion(
        document_id=stored(document.id),
        number=number,
        sha256=saved.sha256,
        size_bytes=saved.size_bytes,
        format="txt",
        stored_path=saved.relative_path,
        text=text,
        page_offsets=offsets,
        page_count=int(pages) if pages.isdigit() else (len(offsets) or None),
        status=_choice(st, DocumentStatus, meta.get("status"), DocumentStatus.ready),
        message=meta.get("status_message"),
        created_at=times(source)[0],
    )
    st.session.add(version)
    await st.session.flush()
    found = await _passages(st, document, version)
    await import_selections(st, document, version, source.selections, found, orphaned=not current)
    st.counts["versions"] += 1
    return version


async def _passages(st: ImportState, document: Document, version: DocumentVersion) -> list[Passage]:
    transcript = document.source_type == SourceType.interview
    max_chars = st.settings.passage_max_chars
    document_id, version_id = stored(document.id), stored(version.id)
    rows = [
        Passage(document_id=document_id, version_id=version_id, **vars(row))
        for row in passages.split(version.text, version.page_offsets, transcript, max_chars)
    ]
    st.session.add_all(rows)
    await st.session.flush()
    st.counts["passages"] += len(rows)
    return rows
