"""Codebook exchange: REFI-QDA codebooks (.qdc / project.qde) and CSV.

Pure functions, no database or web code. A codebook is a sequence of `CodeRecord`s in tree
order (every parent before its children).

REFI-QDA (the exchange format of NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette) knows a code's
guid, name, colour, an "isCodable" flag, one free-text `<Description>` and nested child codes. It
has no realist-evaluation kind (context / mechanism / outcome) and no memo separate from the
description, so both travel inside the Description, after the definition, as a trailer:

    People feel listened to when the panel explains its decision.

    [Evidence Workbench]
    Kind: mechanism
    Memo: Check wording with the IFR team.
    The memo may span several lines; it runs to the end of the Description.

Why this encoding: the Description is the one text field every tool shows and keeps on re-export
(NVivo "Description", ATLAS.ti "Comment", MAXQDA "Code memo"), so the kind and memo stay visible
and readable there and survive a round trip through another tool; the definition comes first so
it is what other tools show at a glance; the tree stays the team's own tree (grouping codes under
invented "Context"/"Mechanism"/"Outcome" parents would have changed it). The trailer is written
only when needed (kind other than "other", a memo, or a definition that itself contains the
marker line), so a plain code exports as a plain Description. On import, a Description without
a well-formed trailer at its end, as written by every other tool, is the definition, with kind
"other" and no memo. The memo is last, so it may contain anything; `to_qdc` checks that each
Description parses back to what it wrote and refuses the one (contrived) definition that would
not, instead of writing an ambiguous file.

Normalisations: empty text ("") is stored as None; imported GUIDs become lower-case
8-4-4-4-12 (REFI allows upper case and braces); a 3-digit colour "#RGB" becomes "#RRGGBB"; an
empty colour is None. CSV names and parent paths are trimmed.

CSV columns: name,kind,parent,colour,definition,memo; `parent` is the parent's full path joined
with " > " (e.g. "Barriers > Funding"). CSV carries no GUIDs: import generates new ones. Export
starts with a BOM and quotes cells that Excel would run as formulas (=, +, -, @ first) with a
leading apostrophe, which import removes again.

Untrusted input: `from_qdc` and `from_csv` reject files over 5 MB and codes nested more than 20
levels deep; XML is parsed by lxml with entity resolution, DTD loading, network access and
huge-tree mode all off, and any DOCTYPE is refused. Every problem raises `CodebookFormatError`
(a ValueError) with a message fit to show the user. The `to_*` functions raise it too when the
records themselves are inconsistent.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from backend.exports.cells import csv_exact, csv_safe

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# ATLAS.ti writes its codebooks in the draft namespace; the elements are the same.
CODEBOOK_NAMESPACES = (CODEBOOK_NS, "urn:QDA-XML:codebook:0:4")
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "Evidence Workbench"
KINDS = ("context", "mechanism", "outcome", "other")
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20
CSV_COLUMNS = ("name", "kind", "parent", "colour", "definition", "memo")
PATH_SEPARATOR = " > "

_KIND_ALIASES = {"c": "context", "m": "mechanism", "o": "outcome", "": "other"}
_COLUMN_ALIASES = {"color": "colour"}
_MARKER = "[Evidence Workbench]"
# The trailer must run to the end of the Description; `search` takes the first place where it
# does, so a definition quoting the marker line in its middle does not confuse the import.
_TRAILER = re.compile(
    r"(?:\A|\n\n)\[Evidence Workbench\]\nKind:[ \t]*(?P<kind>[^\n]*?)[ \t]*"
    r"(?:\nName: (?P<name>[^\n]+))?"
    r"(?:\nMemo: (?P<memo>.*)|\s*)\Z",
    re.DOTALL,
)
# Same patterns as GUIDType and RGBType in Project-mrt2019.xsd.
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?")
_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
_COLOUR6 = re.compile(r"#[0-9A-Fa-f]{6}")


class CodebookFormatError(ValueError):
    """The file (or the records to export) is not a valid codebook; the message says why."""


@dataclass(frozen=True)
class CodeRecord:
    guid: str
    name: str
    kind: str
    parent_guid: str | None
    colour: str | None
    definition: str | None
    memo: str | None
    codable: bool = True  # REFI isCodable: false for a grouping code nobody may apply


# ---------------------------------------------------------------------------------------------
# Field checks shared by both formats


def _parse_kind(value: str, where: str) -> str:
    text = value.strip().lower()
    kind = _KIND_ALIASES.get(text, text)
    if kind not in KINDS:
        raise CodebookFormatError(
            f"{where}: unknown kind {value!r}; expected context, mechanism, outcome or other "
            "(or C, M, O)"
        )
    return kind


def _parse_colour(value: str | None, where: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not _COLOUR.fullmatch(text):
        raise CodebookFormatError(f"{where}: invalid colour {value!r}; expected #RRGGBB")
    if len(text) == 4:
        text = "#" + "".join(digit * 2 for digit in text[1:])
    return text


def _parse_guid(value: str | None, where: str) -> str:
    text = (value or "").strip()
    if not text:
        raise CodebookFormatError(f"{where}: the code has no guid")
    if not _GUID.fullmatch(text):
        raise CodebookFormatError(f"{where}: invalid guid {value!r}")
    return str(uuid.UUID(text))


def _text_or_none(value: str | None) -> str | None:
    return value if value else None


def _check_record(code: CodeRecord, where: str) -> None:
    if not isinstance(code.guid, str) or not _GUID.fullmatch(code.guid):
        raise CodebookFormatError(f"{where}: invalid guid {code.guid!r}")
    if not code.name or not code.name.strip():
        raise CodebookFormatError(f"{where}: the name is empty")
    if code.kind not in KINDS:
        raise CodebookFormatError(f"{where}: unknown kind {code.kind!r}")
    if code.colour is not None and not _COLOUR6.fullmatch(code.colour):
        raise CodebookFormatError(f"{where}: invalid colour {code.colour!r}; expected #RRGGBB")


def _check_records(codes: Sequence[CodeRecord]) -> None:
    """Fields valid, guids unique, parents listed before children, depth at most MAX_DEPTH."""
    depth: dict[str, int] = {}
    for number, code in enumerate(codes, start=1):
        where = f"code {number} ({code.name!r})"
        _check_record(code, where)
        if code.guid in depth:
            raise CodebookFormatError(f"{where}: duplicate guid {code.guid}")
        if code.parent_guid is not None and code.parent_guid not in depth:
            raise CodebookFormatError(f"{where}: parent {code.parent_guid} is not listed before it")
        depth[code.guid] = 1 if code.parent_guid is None else depth[code.parent_guid] + 1
        if depth[code.guid] > MAX_DEPTH:
            raise CodebookFormatError(f"{where}: codes nest more than {MAX_DEPTH} levels deep")


# ---------------------------------------------------------------------------------------------
# Description <-> definition, kind, memo


def _join_description(code: CodeRecord, written: str | None = None) -> str | None:
    """`written`: the name the file shows when it is not the code's own (see `_names`)."""
    definition, memo = _text_or_none(code.definition), _text_or_none(code.memo)
    renamed = written is not None and written != code.name
    needs_trailer = (
        code.kind != "other" or memo is not None or renamed or _MARKER in (definition or "")
    )
    if not needs_trailer:
        return definition
    parts = [f"{_MARKER}\nKind: {code.kind}"]
    if renamed:
        parts.append(f"Name: {code.name}")
    if definition is not None:
        parts.insert(0, definition + "\n")
    if memo is not None:
        parts.append(f"Memo: {memo}")
    return "\n".join(parts)


def _split_description(
    text: str | None, where: str
) -> tuple[str | None, str, str | None, str | None]:
    """(definition, kind, memo, own name if the file shows another) from a Description."""
    if not text:
        return None, "other", None, None
    match = _TRAILER.search(text)
    if match is None:
        return text, "other", None, None
    kind = _parse_kind(match["kind"], where)
    definition = _text_or_none(text[: match.start()])
    return definition, kind, _text_or_none(match["memo"]), match["name"]


def _description(code: CodeRecord, where: str, written: str | None = None) -> str | None:
    text = _join_description(code, written)
    own = code.name if written is not None and written != code.name else None
    expected = (_text_or_none(code.definition), code.kind, _text_or_none(code.memo), own)
    if _split_description(text, where) != expected:
        raise CodebookFormatError(
            f"{where}: the definition contains a line {_MARKER!r} followed by 'Kind:' and "
            "'Memo:' lines, which is reserved for the kind and memo; please reword it"
        )
    return text


# ---------------------------------------------------------------------------------------------
# REFI-QDA export


def to_qdc(codes: Sequence[CodeRecord]) -> bytes:
    """A REFI-QDA codebook (.qdc): UTF-8 XML, root <CodeBook> in urn:QDA-XML:codebook:1.0.

    The Codes/Code structure is the one of CodeBookType in Project-mrt2019.xsd (the standalone
    Codebook.xsd uses the same types); the tests validate it by wrapping the <Codes> in a
    minimal <Project> document. REFI requires at least one code, so an empty codebook is refused.
    """
    root = etree.Element(_q(CODEBOOK_NS, "CodeBook"), nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGIN)
    append_codes(root, codes, CODEBOOK_NS)
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def append_codes(
    parent: etree._Element, codes: Sequence[CodeRecord], namespace: str
) -> etree._Element:
    """Append the <Codes> tree of `codes` to `parent` (a codebook's <CodeBook> or a project's
    <CodeBook>, in `namespace`) and return it. Shared by `to_qdc` and the QDPX project export
    (backend/refi), so both write codes the same way."""
    _check_records(codes)
    if not codes:
        raise CodebookFormatError("the codebook is empty; REFI-QDA needs at least one code")
    codes_el = etree.SubElement(parent, _q(namespace, "Codes"))
    elements: dict[str, etree._Element] = {}
    names = _names(codes)
    for number, code in enumerate(codes, start=1):
        where = f"code {number} ({code.name!r})"
        container = codes_el if code.parent_guid is None else elements[code.parent_guid]
        elements[code.guid] = _code_element(container, code, where, namespace, names[code.guid])
    return codes_el


def _names(codes: Sequence[CodeRecord]) -> dict[str, str]:
    """The name each code is written under. QualCoder (and other tools) keep one code per
    name across the whole tree and merge the rest, so names used more than once are written
    as their path, "Parent / Child"; the code's own name travels in the Description trailer
    ("Name:") and comes back on import. Our data is not changed."""
    by_guid = {c.guid: c for c in codes}
    counts: dict[str, int] = {}
    for code in codes:
        counts[code.name.casefold()] = counts.get(code.name.casefold(), 0) + 1

    def path(code: CodeRecord) -> str:
        parent = by_guid.get(code.parent_guid) if code.parent_guid else None
        return code.name if parent is None else f"{path(parent)} / {code.name}"

    return {
        c.guid: path(c) if counts[c.name.casefold()] > 1 and c.parent_guid else c.name
        for c in codes
    }


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _code_element(
    parent: etree._Element, code: CodeRecord, where: str, namespace: str, written: str
) -> etree._Element:
    description = _description(code, where, written)
    try:
        element = etree.SubElement(parent, _q(namespace, "Code"))
        element.set("guid", code.guid)
        element.set("name", written)
        element.set("isCodable", "true" if code.codable else "false")
        if code.colour is not None:
            element.set("color", code.colour)
        if description is not None:
            etree.SubElement(element, _q(namespace, "Description")).text = description
    except ValueError as exc:  # lxml refuses control characters that XML 1.0 cannot hold
        raise CodebookFormatError(f"{where}: {exc}") from None
    return element


# ---------------------------------------------------------------------------------------------
# REFI-QDA import


def from_qdc(data: bytes) -> list[CodeRecord]:
    """Codes of a REFI-QDA codebook (.qdc) or project (project.qde), in tree order."""
    return read_qdc(data)[0]


def read_qdc(data: bytes) -> tuple[list[CodeRecord], int]:
    """(codes in tree order, number of <Set>s in the file): sets group codes in other tools
    and have no place in our codebook, so the caller reports each one as skipped."""
    root = _parse_xml(data)
    namespace, codes_el = _find_codes(root)
    codes = [] if codes_el is None else codes_from_element(codes_el, namespace)
    return codes, len(root.findall(f"{_q(namespace, 'Sets')}/{_q(namespace, 'Set')}"))


def codes_from_element(codes_el: etree._Element, namespace: str) -> list[CodeRecord]:
    """The codes under a parsed <Codes> element, in tree order. Shared by `from_qdc` and the
    QDPX project import (backend/refi), which parses and validates the whole project itself."""
    found: list[tuple[CodeRecord, int]] = []
    for element in codes_el.iterchildren(_q(namespace, "Code")):
        _read_code(element, namespace, None, 1, found)
    _check_unique_guids(found)
    return [record for record, _line in found]


def _parse_xml(data: bytes) -> etree._Element:
    if not isinstance(data, bytes | bytearray):
        raise TypeError("from_qdc expects bytes")
    if len(data) > MAX_BYTES:
        raise CodebookFormatError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(bytes(data), parser)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(bytes(data), exc) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise CodebookFormatError("DOCTYPE / entity declarations are not allowed in the file")
    return root


def _syntax_error(data: bytes, exc: etree.XMLSyntaxError) -> CodebookFormatError:
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not start:
        return CodebookFormatError("the file is empty")
    if start.startswith(b"PK\x03\x04"):
        return CodebookFormatError(
            "this is a ZIP archive (.qdpx?); import the project.qde inside it or a .qdc file"
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return CodebookFormatError("DOCTYPE / entity declarations are not allowed in the file")
    if not start.startswith(b"<"):
        return CodebookFormatError("not an XML file (expected a REFI-QDA .qdc or .qde file)")
    return CodebookFormatError(f"malformed XML at line {exc.lineno}: {exc.msg}")


def _find_codes(root: etree._Element) -> tuple[str, etree._Element | None]:
    """(namespace, the <Codes> element or None) for a CodeBook or Project root."""
    qname = etree.QName(root)
    if qname.namespace in CODEBOOK_NAMESPACES and qname.localname == "CodeBook":
        return qname.namespace, root.find(_q(qname.namespace, "Codes"))
    if (qname.namespace, qname.localname) == (PROJECT_NS, "Project"):
        codebook = root.find(_q(PROJECT_NS, "CodeBook"))
        codes = None if codebook is None else codebook.find(_q(PROJECT_NS, "Codes"))
        return PROJECT_NS, codes
    found = f"<{qname.localname}>" + (
        f" in namespace {qname.namespace}" if qname.namespace else " without a namespace"
    )
    raise CodebookFormatError(
        f"not a REFI-QDA codebook: the root element is {found}; expected <CodeBook> in "
        f"{CODEBOOK_NS} (.qdc) or <Project> in {PROJECT_NS} (.qde)"
    )


def _read_code(
    element: etree._Element,
    namespace: str,
    parent_guid: str | None,
    depth: int,
    found: list[tuple[CodeRecord, int]],
) -> None:
    """Append the code at `element` and its descendants to `found` (record, line)."""
    where = f"line {element.sourceline}"
    if depth > MAX_DEPTH:
        raise CodebookFormatError(f"{where}: codes nest more than {MAX_DEPTH} levels deep")
    guid = _parse_guid(element.get("guid"), where)
    name = element.get("name")
    if name is None or not name.strip():
        raise CodebookFormatError(f"{where}: the code has no name")
    colour = _parse_colour(element.get("color"), where)
    description = element.find(_q(namespace, "Description"))
    text = None if description is None else "".join(description.itertext())
    definition, kind, memo, own = _split_description(text, where)
    name = own or name
    codable = element.get("isCodable", "true").strip().lower() not in ("false", "0")
    record = CodeRecord(guid, name, kind, parent_guid, colour, definition, memo, codable)
    found.append((record, element.sourceline or 0))
    for child in element.iterchildren(_q(namespace, "Code")):
        _read_code(child, namespace, guid, depth + 1, found)


def _check_unique_guids(found: Iterable[tuple[CodeRecord, int]]) -> None:
    lines: dict[str, int] = {}
    for record, line in found:
        if record.guid in lines:
            raise CodebookFormatError(
                f"line {line}: duplicate guid {record.guid} (also used at line "
                f"{lines[record.guid]})"
            )
        lines[record.guid] = line


# ---------------------------------------------------------------------------------------------
# CSV export


def to_csv(codes: Sequence[CodeRecord]) -> str:
    """CSV text (with a leading BOM for Excel) with the columns of CSV_COLUMNS.

    Refuses codebooks where two codes share a path (same name under the same parent), since
    the file could not be imported again.
    """
    _check_records(codes)
    paths = _paths(codes)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for code in codes:
        parent = "" if code.parent_guid is None else paths[code.parent_guid]
        row = (code.name, code.kind, parent, code.colour, code.definition, code.memo)
        writer.writerow([csv_safe(value or "") for value in row])
    return out.getvalue()


def _paths(codes: Sequence[CodeRecord]) -> dict[str, str]:
    paths: dict[str, str] = {}
    seen: set[str] = set()
    for code in codes:
        name = code.name.strip()
        path = name if code.parent_guid is None else paths[code.parent_guid] + PATH_SEPARATOR + name
        if _path_key(path) in seen:
            raise CodebookFormatError(
                f"two codes have the path {path!r}; rename one so the CSV can be imported again"
            )
        seen.add(_path_key(path))
        paths[code.guid] = path
    return paths


def _path_key(path: str) -> str:
    """Paths compare with any spacing around '>' (people type 'A>B' in Excel)."""
    return re.sub(r"\s*>\s*", PATH_SEPARATOR, path.strip())


# ---------------------------------------------------------------------------------------------
# CSV import


@dataclass(frozen=True)
class _CsvRow:
    number: int
    name: str
    kind: str
    parent: str
    colour: str | None
    definition: str | None
    memo: str | None

    @property
    def path(self) -> str:
        return self.parent + PATH_SEPARATOR + self.name if self.parent else self.name


def from_csv(text: str) -> list[CodeRecord]:
    """Codes from CSV text (see CSV_COLUMNS), in tree order, with new GUIDs.

    Row numbers in messages count the header as row 1, like a spreadsheet. Rows may come in
    any order; the delimiter is ',' or ';'.
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise CodebookFormatError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CodebookFormatError("the file is empty")
    table = _read_table(text)
    columns = _parse_header(table[0])
    rows = [
        _parse_row(cells, columns, number)
        for number, cells in enumerate(table[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return _build_tree(rows)


def _read_table(text: str) -> list[list[str]]:
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        raise CodebookFormatError(f"invalid CSV near line {reader.line_num}: {exc}") from None


def _parse_header(cells: list[str]) -> list[str]:
    columns = [cell.strip().lower() for cell in cells]
    columns = [_COLUMN_ALIASES.get(column, column) for column in columns]
    unknown = [column for column in columns if column not in CSV_COLUMNS]
    if unknown or len(set(columns)) != len(columns) or "name" not in columns:
        raise CodebookFormatError(
            f"row 1: the header must name the columns {','.join(CSV_COLUMNS)} "
            f"(each at most once, 'name' required); found {','.join(cells)!r}"
        )
    return columns


def _parse_row(cells: list[str], columns: list[str], number: int) -> _CsvRow:
    where = f"row {number}"
    if any(cell.strip() for cell in cells[len(columns) :]):
        raise CodebookFormatError(
            f"{where}: {len(cells)} values but the header has {len(columns)} columns"
        )
    raw = dict(zip(columns, cells, strict=False))
    value = {column: csv_exact(raw.get(column, "")) for column in CSV_COLUMNS}
    name = value["name"].strip()
    if not name:
        raise CodebookFormatError(f"{where}: the name is empty")
    return _CsvRow(
        number=number,
        name=name,
        kind=_parse_kind(value["kind"], where),
        parent=value["parent"].strip(),
        colour=_parse_colour(value["colour"], where),
        definition=_text_or_none(value["definition"]),
        memo=_text_or_none(value["memo"]),
    )


def _build_tree(rows: list[_CsvRow]) -> list[CodeRecord]:
    by_path: dict[str, _CsvRow] = {}
    children: dict[str, list[_CsvRow]] = {"": []}
    for row in rows:
        key = _path_key(row.path)
        if key in by_path:
            raise CodebookFormatError(
                f"row {row.number}: duplicate code {row.path!r} (also at row {by_path[key].number})"
            )
        by_path[key] = row
        children[key] = []
    for row in rows:
        parent_key = _path_key(row.parent) if row.parent else ""
        if parent_key not in children:
            raise CodebookFormatError(f"row {row.number}: unknown parent {row.parent!r}")
        children[parent_key].append(row)
    records: list[CodeRecord] = []
    _append_subtree(children, "", None, 1, records)
    return records


def _append_subtree(
    children: dict[str, list[_CsvRow]],
    parent_key: str,
    parent_guid: str | None,
    depth: int,
    records: list[CodeRecord],
) -> None:
    for row in children[parent_key]:
        if depth > MAX_DEPTH:
            raise CodebookFormatError(
                f"row {row.number}: codes nest more than {MAX_DEPTH} levels deep"
            )
        guid = str(uuid.uuid4())
        records.append(
            CodeRecord(guid, row.name, row.kind, parent_guid, row.colour, row.definition, row.memo)
        )
        _append_subtree(children, _path_key(row.path), guid, depth + 1, records)
