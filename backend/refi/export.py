"""Write a project (or the part a Scope selects) as a REFI-QDA project file (.qdpx).

Streaming: project.qde is written element by element with lxml's incremental writer straight
into its zip entry, one document version's selections (or one CMOC's evidence) at a time; memos
and links, which REFI places in later sections, wait in spool files. Then each version's text
becomes its own entry, one at a time. Memory therefore holds at most one text (and one
version's annotations), whatever the size of the project.

Deterministic: GUIDs are derived from ids (common.guid), rows come in a fixed order and zip
entries carry a fixed time stamp, so exporting an unchanged project twice gives identical bytes.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, BinaryIO

from lxml import etree
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations.models import Annotation
from backend.cmocs.models import Cmoc, CmocEvidence
from backend.codes.exchange import CodebookFormatError, append_codes
from backend.core.ids import stored
from backend.refi import collect, notes
from backend.refi.collect import Plan, VersionRow
from backend.refi.common import (
    INTERNAL,
    NS,
    ORIGIN,
    PROJECT_FILE,
    THEORY_LINK,
    VARIABLES,
    RefiError,
    guid,
    q,
    source_entry,
    variable_guid,
    xml_text,
    xsd_datetime,
)
from backend.theories.models import ProgrammeTheory
from backend.triangulation.scope import Scope

Progress = Callable[[int, int], None]
VERSION_BATCH = 50  # versions whose selections are read in one query
SPOOL_IN_MEMORY = 4 * 2**20  # bytes of memos or links kept in memory before spilling to disk
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: entries do not depend on "now"
Spool = tempfile.SpooledTemporaryFile[str]  # JSON lines (_put, _read)


async def write_qdpx(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    dest: BinaryIO,
    progress: Progress | None = None,
) -> None:
    """The .qdpx zip into `dest`. Raises RefiError (a ServiceError) if the project is missing
    or its codebook cannot be written (see backend/codes/exchange.py)."""
    p = await collect.plan(session, project_id, scope)
    codebook = _codebook(p)  # refused before anything is written
    steps = _Steps(progress, 2 * len(p.versions) + 1)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open(_entry(PROJECT_FILE), "w") as raw, etree.xmlfile(raw, encoding="UTF-8") as xf:
            xf.write_declaration()
            await _Writer(xf, session, p, steps).project(codebook)
        for version in p.versions:
            text = await collect.version_text(session, version.id)
            zf.writestr(_entry(source_entry(_source_guid(p, version))), text.encode("utf-8"))
            steps.advance()


def _codebook(p: Plan) -> etree._Element | None:
    """<CodeBook>, written by the codebook exchange (backend/codes/exchange.py)."""
    if not p.codes:
        return None
    codebook = etree.Element(q("CodeBook"), nsmap={None: NS})
    try:
        append_codes(codebook, p.codes, NS)
    except CodebookFormatError as exc:
        raise RefiError(f"the codebook cannot be exported as it is: {exc}", 409) from exc
    return codebook


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _source_guid(p: Plan, version: VersionRow) -> str:
    return guid(stored(p.project.id), "version", version.id)


class _Steps:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        self.advance(0)

    def advance(self, by: int = 1) -> None:
        self.done += by
        if self.progress is not None:
            self.progress(self.done, self.total)


def _attrs(**values: object) -> dict[str, str]:
    """Attributes without the empty ones, as XML-safe text."""
    return {k: xml_text(str(v)) for k, v in values.items() if v is not None}


class _Writer:
    """project.qde, section by section, indented so people can read it."""

    def __init__(
        self, xf: etree._IncrementalFileWriter, session: AsyncSession, p: Plan, steps: _Steps
    ) -> None:
        self.xf, self.session, self.p, self.steps = xf, session, p, steps
        self.pid = stored(p.project.id)
        self.coder_guids = {c.id: c.guid for c in p.coders}
        self.depth = 0
        # REFI puts Notes after Sources and Links after Notes. What a later section needs from
        # rows read earlier (memos, links) waits in these spools, one JSON line per item:
        # each row is read once, so references always agree, and memory stays flat.
        self.memos = _spool()
        self.pending_links = _spool()

    # -- the XML primitives ------------------------------------------------------------------

    def _indent(self) -> None:
        self.xf.write("\n" + "  " * self.depth)

    @contextmanager
    def element(self, tag: str, attrs: dict[str, str] | None = None) -> Iterator[None]:
        self._indent()
        with self.xf.element(q(tag), attrs or {}):
            self.depth += 1
            yield
            self.depth -= 1
            self._indent()

    def leaf(self, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> None:
        self._indent()
        with self.xf.element(q(tag), attrs or {}):
            if text:
                self.xf.write(xml_text(text))

    def tree(self, element: etree._Element) -> None:
        """An lxml subtree (the codebook), without repeating the namespace declaration."""
        tag = etree.QName(element).localname
        attrs = dict(element.attrib)
        if len(element) == 0:
            self.leaf(tag, attrs, element.text)
            return
        with self.element(tag, attrs):
            for child in element:
                self.tree(child)

    @contextmanager
    def section(self, tag: str) -> Iterator[Callable[[], None]]:
        """Opens <tag> only when the first item comes: REFI refuses empty Notes, Links..."""
        with ExitStack() as stack:
            opened = False

            def first_item() -> None:
                nonlocal opened
                if not opened:
                    stack.enter_context(self.element(tag))
                    opened = True

            yield first_item

    # -- the sections ------------------------------------------------------------------------

    async def project(self, codebook: etree._Element | None) -> None:
        project = self.p.project
        attrs = _attrs(
            name=project.name, origin=ORIGIN, creationDateTime=xsd_datetime(project.created_at)
        )
        with (
            self.memos,
            self.pending_links,
            self.xf.element(q("Project"), attrs, nsmap={None: NS}),
        ):
            self.depth = 1
            self.users()
            if codebook is not None:
                self.tree(codebook)
            self.variables()
            await self.sources()
            await self.notes()
            await self.links()
            if project.description:
                self.leaf("Description", text=project.description)
            self.depth = 0
            self._indent()

    def users(self) -> None:
        """Accounts, then imported coders under the GUID their file gave them."""
        if not self.p.users and not self.p.coders:
            return
        with self.element("Users"):
            for user in self.p.users:
                self.leaf("User", _attrs(guid=self._user(user.id), name=user.name, id=user.email))
            for coder in self.p.coders:
                self.leaf("User", _attrs(guid=coder.guid, name=coder.name, id=coder.identifier))

    def _user(self, user_id: int | None, coder_id: int | None = None) -> str | None:
        if coder_id is not None:
            return self.coder_guids[coder_id]
        return None if user_id is None else guid(self.pid, "user", user_id)

    def variables(self) -> None:
        if not self.p.versions:
            return
        with self.element("Variables"):
            for v in VARIABLES:
                attrs = _attrs(guid=variable_guid(v.name), name=v.name, typeOfVariable=v.type)
                with self.element("Variable", attrs):
                    self.leaf("Description", text=v.description)

    async def sources(self) -> None:
        if not self.p.versions:
            return
        with self.element("Sources"):
            for i in range(0, len(self.p.versions), VERSION_BATCH):
                batch = self.p.versions[i : i + VERSION_BATCH]
                found = await collect.selections(self.session, self.p, [v.id for v in batch])
                ids = [stored(a.id) for annotations in found.values() for a in annotations]
                codes = await collect.code_guids(self.session, ids)
                for version in batch:
                    self._text_source(version, found.get(version.id, []), codes)
                    self.steps.advance()

    def _text_source(
        self, version: VersionRow, found: list[Annotation], codes: dict[int, list[str]]
    ) -> None:
        doc, source = version.document, _source_guid(self.p, version)
        attrs = _attrs(
            guid=source,
            name=doc.title,
            plainTextPath=f"{INTERNAL}{source}.txt",
            creationDateTime=xsd_datetime(version.created_at),
            modifiedDateTime=xsd_datetime(doc.updated_at),
        )
        with self.element("TextSource", attrs):
            for annotation in found:
                self._selection(annotation, codes.get(stored(annotation.id), []))
            for name, kind, value in _variable_values(version):
                with self.element("VariableValue"):
                    self.leaf("VariableRef", _attrs(targetGUID=variable_guid(name)))
                    self.leaf(kind, text=value)

    def _selection(self, a: Annotation, code_guids: list[str]) -> None:
        author, created = self._user(a.author_id, a.coder_id), xsd_datetime(a.created_at)
        attrs = _attrs(
            guid=guid(self.pid, "annotation", a.id),
            startPosition=a.start,
            endPosition=a.end,
            creatingUser=author,
            creationDateTime=created,
            modifiedDateTime=xsd_datetime(a.updated_at),
        )
        with self.element("PlainTextSelection", attrs):
            if a.memo:  # what QualCoder and NVivo read as the coding's memo
                self.leaf("Description", text=a.memo)
            for code_guid in code_guids:
                coding = guid(self.pid, "coding", f"{a.id}/{code_guid}")
                with self.element("Coding", _attrs(guid=coding, creatingUser=author)):
                    self.leaf("CodeRef", _attrs(targetGUID=code_guid))
            if a.memo is not None:
                memo = guid(self.pid, "memo", a.id)
                self.leaf("NoteRef", _attrs(targetGUID=memo))
                times = (xsd_datetime(a.created_at), xsd_datetime(a.updated_at))
                _put(self.memos, memo, a.memo, author, *times)

    async def notes(self) -> None:
        with self.section("Notes") as opened:
            for memo, text, author, created, modified in _read(self.memos):
                opened()
                self._note(memo, "Memo", text, author, created, modified)
            for theory in self.p.theories:
                opened()
                name = notes.note_name("theory", theory.statement)
                note = guid(self.pid, "theory", theory.id)
                self._note(note, name, notes.theory_text(theory), *self._times(theory))
            async for found, evidence, theories in collect.cmoc_chunks(self.session, self.p):
                for cmoc in found:
                    opened()
                    name = notes.note_name("cmoc", cmoc.title)
                    note = guid(self.pid, "cmoc", cmoc.id)
                    self._note(note, name, notes.cmoc_text(cmoc), *self._times(cmoc))
                    cmoc_id = stored(cmoc.id)
                    self._cmoc_links(cmoc_id, evidence[cmoc_id], theories[cmoc_id])
        self.steps.advance()

    def _times(self, row: ProgrammeTheory | Cmoc) -> tuple[str | None, str, str]:
        """(author GUID, created, modified) of a theory or CMOC."""
        author = row.author_id if isinstance(row, Cmoc) else row.created_by
        return (
            self._user(author, row.coder_id),
            xsd_datetime(row.created_at),
            xsd_datetime(row.updated_at),
        )

    def _cmoc_links(
        self, cmoc_id: int, evidence: list[CmocEvidence], theory_ids: list[int]
    ) -> None:
        """The CMOC's evidence notes now; its links into the spool, for <Links>."""
        cmoc_note = guid(self.pid, "cmoc", cmoc_id)
        for e in evidence:
            note = guid(self.pid, "evidence-note", e.id) if e.note else None
            if note is not None:
                self._note(note, "Evidence note", e.note)
            target = guid(self.pid, "annotation", e.annotation_id)
            link = guid(self.pid, "evidence", e.id)
            _put(self.pending_links, link, f"{e.part}:{e.stance}", cmoc_note, target, note)
        for theory_id in theory_ids:
            theory_note = guid(self.pid, "theory", theory_id)
            link = guid(self.pid, "theory-link", f"{theory_id}/{cmoc_id}")
            _put(self.pending_links, link, THEORY_LINK, theory_note, cmoc_note, None)

    def _note(
        self,
        note_guid: str,
        name: str,
        text: str,
        author: str | None = None,
        created: str | None = None,
        modified: str | None = None,
    ) -> None:
        attrs = _attrs(
            guid=note_guid,
            name=name,
            creatingUser=author,
            creationDateTime=created,
            modifiedDateTime=modified,
        )
        with self.element("Note", attrs):
            self.leaf("PlainTextContent", text=text)

    async def links(self) -> None:
        with self.section("Links") as opened:
            for link in _read(self.pending_links):
                opened()
                self._link(*link)

    def _link(self, link: str, name: str, origin: str, target: str, note: str | None) -> None:
        attrs = _attrs(
            guid=link, name=name, direction="OneWay", originGUID=origin, targetGUID=target
        )
        if note is None:
            self.leaf("Link", attrs)
            return
        with self.element("Link", attrs):
            self.leaf("NoteRef", _attrs(targetGUID=note))


def _spool() -> Spool:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8")


def _put(spool: Spool, *item: object) -> None:
    spool.write(json.dumps(item) + "\n")  # ASCII JSON: one line whatever the text


def _read(spool: Spool) -> Iterator[list[Any]]:
    spool.seek(0)
    for line in spool:
        yield json.loads(line)


def _variable_values(version: VersionRow) -> Iterator[tuple[str, str, str]]:
    """(variable name, value element, value) for each field that has a value."""
    doc = version.document
    values = {
        "source_type": str(doc.source_type),
        "document_type": str(doc.document_type),
        "organisation": doc.organisation,
        "date": doc.date.isoformat() if doc.date else None,
        "original_filename": doc.original_filename,
        "version_number": str(version.number),
        "page_offsets": json.dumps(version.page_offsets),
        "page_count": None if version.page_count is None else str(version.page_count),
        "status": version.status,
        "status_message": version.message,
    }
    elements = {"Text": "TextValue", "Integer": "IntegerValue", "Date": "DateValue"}
    for variable in VARIABLES:
        value = values[variable.name]
        if value is not None:
            yield variable.name, elements[variable.type], value
