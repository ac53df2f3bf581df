"""Read a .qdpx file: guard the zip, validate project.qde against the REFI-QDA schema, and turn
it into plain records. No database: `importer.py` stores what this returns.

Untrusted input: the zip is checked before anything is expanded (ingest's zip-bomb guard, plus
entry names: no absolute paths, no "..", no backslashes); entries are only ever read by name
into memory, never extracted to disk. XML is parsed with entity resolution, DTD loading and
network access off, and a DOCTYPE is refused. Every problem raises RefiError with a message
fit to show the user.

Files from other tools: sources of kinds we cannot hold (pictures, audio, video) and anything
that does not fit our model is counted in `skipped` (reason -> count) instead of failing; a PDF
source is imported through its text Representation when it has one.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from backend.codes.exchange import CodebookFormatError, CodeRecord, codes_from_element
from backend.refi.common import (
    INTERNAL,
    NS,
    ORIGIN,
    PROJECT_FILE,
    SOURCES_DIR,
    RefiError,
    norm_guid,
    q,
    schema,
)
from ingest.errors import IngestError
from ingest.formats.zipguard import check_container

MAX_ENTRIES = 100_000
_NO_DOCTYPE = "DOCTYPE / entity declarations are not allowed in project.qde"
_VALUES = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    user: str | None
    created: str | None
    modified: str | None
    codes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    description: str | None = None
    # Coding@creatingUser for each entry of `codes` (the coder; qc and NVivo write it there)
    coders: list[str | None] = field(default_factory=list)


@dataclass
class Text:
    """A TextSource or Note: its text is inline or in a zip entry (`entry`)."""

    guid: str
    name: str | None
    inline: str | None
    entry: str | None
    user: str | None
    created: str | None
    modified: str | None
    selections: list[Selection] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # variable GUID -> value as text
    relative: bool = False  # `entry` came from a bare plainTextPath (qc 1.3.2)
    outside: str | None = None  # a relative:// or absolute:// path: not in the file


@dataclass
class Link:
    guid: str
    name: str
    origin: str | None
    target: str | None
    notes: list[str]


@dataclass
class ProjectFile:
    name: str
    origin: str | None  # the producing tool, as it names itself
    description: str | None
    users: list[tuple[str, str | None, str | None]]  # (guid, name, id)
    codes: list[CodeRecord]
    variables: dict[str, str]  # GUID -> name
    sources: list[Text]
    notes: dict[str, Text]  # in file order
    links: list[Link]
    skipped: Counter = field(default_factory=Counter)


class Package:
    """An open, checked .qdpx file. Use as a context manager."""

    def __init__(self, path: Path, max_unzipped_bytes: int) -> None:
        self.limit = max_unzipped_bytes
        try:
            check_container(path, "QDPX", max_unzipped_bytes)
        except IngestError as exc:
            raise RefiError(exc.message, 400) from exc
        self.zip = zipfile.ZipFile(path)
        self.names = {info.filename for info in self.zip.infolist()}
        # Entry names compare case-insensitively: REFI-QDA 1.5 says `sources/` and its own
        # example shows `Sources/`, which NVivo for Windows and ATLAS.ti write (with
        # `Project.qde`). Two entries that differ only in case make a name ambiguous.
        self.folded: dict[str, set[str]] = {}
        for name in self.names:
            self.folded.setdefault(name.casefold(), set()).add(name)
        self.ours = False  # written by Evidence Workbench: texts are taken byte for byte
        try:
            _check_names(self.names)
        except RefiError:
            self.zip.close()
            raise

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes:
        try:
            with self.zip.open(name) as entry:
                data = entry.read(self.limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise RefiError(f"'{name}' in the file is damaged: {exc}", 400) from exc
        except (NotImplementedError, RuntimeError) as exc:  # odd compression, encryption
            raise RefiError(f"'{name}' in the file cannot be read: {exc}", 400) from exc
        if len(data) > self.limit:
            raise RefiError(f"'{name}' expands beyond {self.limit // 2**20} MB", 400)
        return data

    def project(self) -> ProjectFile:
        root = _parse(self.read(self._project_entry()))
        errors = schema()
        if not errors.validate(root):
            e = errors.error_log.filter_from_errors()[0]
            raise RefiError(
                f"project.qde does not follow the REFI-QDA project schema: line {e.line}: "
                f"{e.message}",
                422,
            )
        found = _project(root)
        self.ours = root.get("origin") == ORIGIN
        for source in found.sources:
            if source.outside:
                raise RefiError(
                    f"the text of '{source.name or source.guid}' is not inside the file "
                    f"({source.outside}); export the project with its sources included",
                    400,
                )
            self._check_entry(source)
        for note in found.notes.values():
            if note.outside:
                found.skipped["notes whose text is outside the file"] += 1
            self._check_entry(note)
        return found

    def entry(self, wanted: str) -> str | None:
        """The archive's own spelling of `wanted`: exact, else ignoring case; None if absent."""
        if wanted in self.names:
            return wanted
        found = self.folded.get(wanted.casefold(), set())
        if len(found) > 1:
            raise RefiError(f"the file holds {len(found)} entries named '{wanted}' (case)", 400)
        return next(iter(found), None)

    def _project_entry(self) -> str:
        found = self.entry(PROJECT_FILE)
        if found is not None:
            return found
        others = [n for n in self.names if "/" not in n and n.lower().endswith(".qde")]
        if len(others) == 1:
            return others[0]
        raise RefiError("not a REFI-QDA project: the file has no project.qde", 400)

    def _check_entry(self, text: Text) -> None:
        if text.entry is None:
            return
        # some tools percent-encode file names; qc 1.3.2 writes a bare name (no internal://)
        tries = [text.entry, unquote(text.entry)]
        if text.relative:
            tries += [SOURCES_DIR + text.entry, SOURCES_DIR + unquote(text.entry)]
        for wanted in tries:
            found = self.entry(wanted)
            if found is not None:
                text.entry = found
                return
        raise RefiError(
            f"'{text.entry}' (the text of '{text.name or text.guid}') is missing from the file",
            400,
        )

    def text(self, text: Text) -> str:
        """The text of a source or note, exactly. Other tools' files may start with a byte-order
        mark, which their positions do not count; ours never add one, so nothing is dropped."""
        if text.entry is None:
            return text.inline or ""
        try:
            decoded = self.read(text.entry).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RefiError(f"'{text.entry}' is not UTF-8 text: {exc}", 400) from exc
        return decoded if self.ours else decoded.removeprefix("\ufeff")


def open_package(path: Path, max_unzipped_bytes: int) -> Package:
    if not zipfile.is_zipfile(path):
        raise RefiError("not a QDPX file: a .qdpx file is a zip archive", 400)
    return Package(path, max_unzipped_bytes)


def _check_names(names: set[str]) -> None:
    if len(names) > MAX_ENTRIES:
        raise RefiError(f"the file holds more than {MAX_ENTRIES} entries", 400)
    for name in names:
        parts = PurePosixPath(name).parts
        if (
            name.startswith("/")
            or "\\" in name
            or "\x00" in name
            or ".." in parts
            or (parts and ":" in parts[0])
        ):
            raise RefiError(f"unsafe path in the file: {name!r}; it was not opened", 400)


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise RefiError(_NO_DOCTYPE, 400) from exc
        raise RefiError(f"project.qde is not well-formed XML: {exc.msg}", 400) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise RefiError(_NO_DOCTYPE, 400)
    return root


# -- project.qde -> records ------------------------------------------------------------------


def _project(root: etree._Element) -> ProjectFile:
    skipped: Counter = Counter()
    found = ProjectFile(
        name=root.get("name", ""),
        origin=root.get("origin"),
        description=_child_text(root, "Description"),
        users=[
            (_guid(u), u.get("name"), u.get("id")) for u in root.iterfind(_path("Users", "User"))
        ],
        codes=_codes(root),
        variables={_guid(v): v.get("name") for v in root.iterfind(_path("Variables", "Variable"))},
        sources=_sources(root.find(q("Sources")), skipped),
        notes={},
        links=[_link(e) for e in root.iterfind(_path("Links", "Link"))],
        skipped=skipped,
    )
    for note in root.iterfind(_path("Notes", "Note")):
        found.notes[_guid(note)] = _text(note, skipped)
    for kind, item in (("Cases", "Case"), ("Sets", "Set"), ("Graphs", "Graph")):
        count = len(root.findall(_path(kind, item)))
        if count:  # each one counted, not the container
            skipped[f"{kind.lower()} (not part of our model)"] += count
    if root.find(q("NoteRef")) is not None:
        skipped["project memos"] += len(root.findall(q("NoteRef")))
    return found


def _codes(root: etree._Element) -> list[CodeRecord]:
    codes = root.find(_path("CodeBook", "Codes"))
    if codes is None:
        return []
    try:
        return codes_from_element(codes, NS)
    except CodebookFormatError as exc:
        raise RefiError(f"the codebook cannot be imported: {exc}", 422) from exc


def _path(*tags: str) -> str:
    return "/".join(q(tag) for tag in tags)


def _guid(element: etree._Element, attribute: str = "guid") -> str:
    """An attribute the schema requires (checked before this is read), normalised."""
    value = norm_guid(element.get(attribute))
    if value is None:  # only if the schema check was skipped: say so, do not store None
        name = etree.QName(element).localname
        raise RefiError(f"project.qde: a {name} has no {attribute}", 422)
    return value


def _optional_guid(element: etree._Element, attribute: str) -> str | None:
    return norm_guid(element.get(attribute))


def _child_text(element: etree._Element, tag: str) -> str | None:
    child = element.find(q(tag))
    return None if child is None else (child.text or "")


def _sources(sources: etree._Element | None, skipped: Counter) -> list[Text]:
    found: list[Text] = []
    for element in [] if sources is None else sources:
        kind = etree.QName(element).localname
        if kind == "TextSource":
            found.append(_text(element, skipped))
        elif kind == "PDFSource" and element.find(q("Representation")) is not None:
            found.append(_pdf(element, skipped))
        else:
            skipped[f"{kind} without text (not imported)"] += 1
    return found


def _pdf(element: etree._Element, skipped: Counter) -> Text:
    """A PDF through its plain-text Representation; selections drawn on the page are lost."""
    text = _text(element.find(q("Representation")), skipped)
    text.name = text.name or element.get("name")
    text.values = _values(element) | text.values
    skipped["PDF selections by page area (not imported)"] += len(element.findall(q("PDFSelection")))
    _skip_codings(element, skipped)
    return text


def _text(element: etree._Element, skipped: Counter) -> Text:
    """A TextSourceType element (a TextSource, a Note, a PDF Representation)."""
    path = element.get("plainTextPath")
    entry, outside = None, None
    if path and path.startswith(INTERNAL):
        entry = SOURCES_DIR + path[len(INTERNAL) :]
    elif path and "://" in path:
        outside = path
    elif path:  # a bare name: relative to the archive (qc 1.3.2 writes these)
        entry = path.removeprefix("./")
    text = Text(
        guid=_guid(element),
        name=element.get("name"),
        inline=_child_text(element, "PlainTextContent"),
        entry=entry,
        user=_optional_guid(element, "creatingUser"),
        created=element.get("creationDateTime"),
        modified=element.get("modifiedDateTime"),
        selections=[_selection(s) for s in element.iterfind(q("PlainTextSelection"))],
        values=_values(element),
        relative=entry is not None and outside is None and not path.startswith(INTERNAL),
        outside=outside,
    )
    _skip_codings(element, skipped)
    return text


def _skip_codings(element: etree._Element, skipped: Counter) -> None:
    if element.find(q("Coding")) is not None:
        skipped["codings of a whole source (not imported)"] += len(element.findall(q("Coding")))
    if element.find(q("NoteRef")) is not None:
        skipped["memos on a whole source (not imported)"] += len(element.findall(q("NoteRef")))


def _values(element: etree._Element) -> dict[str, str]:
    values: dict[str, str] = {}
    for value in element.iterfind(q("VariableValue")):
        ref = value.find(q("VariableRef"))
        for tag in _VALUES:
            found = value.find(q(tag))
            if ref is not None and found is not None:
                values[_guid(ref, "targetGUID")] = found.text or ""
    return values


def _selection(element: etree._Element) -> Selection:
    return Selection(
        guid=_guid(element),
        start=int(element.get("startPosition")),
        end=int(element.get("endPosition")),
        user=_optional_guid(element, "creatingUser"),
        created=element.get("creationDateTime"),
        modified=element.get("modifiedDateTime"),
        codes=[_guid(ref, "targetGUID") for ref in element.iterfind(_path("Coding", "CodeRef"))],
        coders=[
            _optional_guid(coding, "creatingUser")
            for coding in element.iterfind(q("Coding"))
            for _ in coding.iterfind(q("CodeRef"))
        ],
        notes=[_guid(ref, "targetGUID") for ref in element.iterfind(q("NoteRef"))],
        description=_child_text(element, "Description"),
    )


def _link(element: etree._Element) -> Link:
    return Link(
        guid=_guid(element),
        name=element.get("name") or "",
        origin=_optional_guid(element, "originGUID"),
        target=_optional_guid(element, "targetGUID"),
        notes=[_guid(ref, "targetGUID") for ref in element.iterfind(q("NoteRef"))],
    )
