"""Small QDPX and QDC files written the way other tools write them, from the descriptions in
issue 11 (never copied from a vendor's file). A `Tool` says how one producer writes: its origin,
the spelling of the sources folder and project file, the unit its positions count in, whether its
texts have a BOM and CRLF line ends, and how it names a text's entry.

Positions in UTF-16 units are computed here independently of the code under test: the length
of the UTF-16 encoding of the text before the position (a BOM is not part of the text).
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

PROJECT_NS = "urn:QDA-XML:project:1.0"


@dataclass(frozen=True)
class Tool:
    origin: str | None
    sources_dir: str = "sources/"
    project_file: str = "project.qde"
    unit: str = "codepoint"  # or "utf16"
    bom: bool = False
    crlf: bool = False
    relative_paths: bool = False  # plainTextPath="name.txt" (qc 1.3.2), not internal://


NVIVO_WINDOWS = Tool("NVivo 12 (Windows)", "Sources/", "Project.qde", "utf16", bom=True, crlf=True)
NVIVO_MAC = Tool("NVivo 15 (Mac)", "Sources/", "project.qde", "utf16", bom=True)
ATLAS = Tool("ATLAS.ti 23", "Sources/", "Project.qde", "codepoint", crlf=True)
MAXQDA = Tool("MAXQDA 2022", "sources/", "project.qde", "codepoint")
MAXQDA_UTF16 = Tool("MAXQDA 2022", "sources/", "project.qde", "utf16")
QUALCODER = Tool("QualCoder 3.6", "sources/", "project.qde", "codepoint")
TAGUETTE = Tool("Taguette 1.4.1", "sources/", "project.qde", "codepoint")
QC = Tool("qualitative-coding 1.3.2", "sources/", "project.qde", relative_paths=True)


def gid(n: int | str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"builder/{n}"))


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


@dataclass
class Sel:
    """A selection in code points of the text as the tool stores it (`source_text`: CRLF
    included); written in the tool's unit."""

    start: int
    end: int
    codes: list[str] = field(default_factory=list)  # code GUIDs
    user: str | None = None  # PlainTextSelection@creatingUser
    coding_user: str | None = None  # Coding@creatingUser
    description: str | None = None
    guid: str = field(default_factory=lambda: str(uuid.uuid4()))
    raw: tuple[int, int] | None = None  # positions written as given, whatever the tool


@dataclass
class Src:
    name: str
    text: str
    selections: list[Sel] = field(default_factory=list)
    guid: str = field(default_factory=lambda: str(uuid.uuid4()))
    file_name: str | None = None  # the entry's name (default: <guid>.txt)
    path: str | None = None  # plainTextPath, when not the tool's usual one
    write_text: bool = True


@dataclass
class Code:
    guid: str
    name: str
    codable: bool = True
    children: list[Code] = field(default_factory=list)
    description: str | None = None


def _pos(tool: Tool, text: str, sel: Sel) -> tuple[int, int]:
    if sel.raw is not None:
        return sel.raw
    if tool.unit == "utf16":
        return utf16(text, sel.start), utf16(text, sel.end)
    return sel.start, sel.end


def _code_xml(code: Code) -> str:
    inner = f"<Description>{escape(code.description)}</Description>" if code.description else ""
    inner += "".join(_code_xml(c) for c in code.children)
    codable = "true" if code.codable else "false"
    return (
        f'<Code guid="{code.guid}" name={quoteattr(code.name)} isCodable="{codable}">{inner}</Code>'
    )


def _selection_xml(tool: Tool, text: str, sel: Sel) -> str:
    start, end = _pos(tool, text, sel)
    user = f' creatingUser="{sel.user}"' if sel.user else ""
    body = f"<Description>{escape(sel.description)}</Description>" if sel.description else ""
    for n, code in enumerate(sel.codes):
        coder = f' creatingUser="{sel.coding_user}"' if sel.coding_user else ""
        body += f'<Coding guid="{gid(sel.guid + str(n))}"{coder}><CodeRef targetGUID="{code}"/>'
        body += "</Coding>"
    return (
        f'<PlainTextSelection guid="{sel.guid}" startPosition="{start}" endPosition="{end}"'
        f"{user}>{body}</PlainTextSelection>"
    )


def _line_ends(tool: Tool, text: str) -> str:
    return re.sub(r"(?<!\r)\n", "\r\n", text) if tool.crlf else text


def source_text(tool: Tool, src: Src) -> str:
    """The text as the tool stores it (CRLF if it writes CRLF), without BOM."""
    return _line_ends(tool, src.text)


def project_xml(
    tool: Tool,
    sources: list[Src],
    codes: list[Code] = (),
    users: list[tuple[str, str]] = (),
    extra: str = "",
) -> str:
    origin = f" origin={quoteattr(tool.origin)}" if tool.origin else ""
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{PROJECT_NS}" name="T"']
    parts.append(f"{origin}>")
    if users:
        parts.append("<Users>")
        for g, n, *ident in users:  # (guid, name) or (guid, name, id)
            extra_id = f" id={quoteattr(ident[0])}" if ident else ""
            parts.append(f'<User guid="{g}" name={quoteattr(n)}{extra_id}/>')
        parts.append("</Users>")
    if codes:
        parts.append("<CodeBook><Codes>" + "".join(_code_xml(c) for c in codes))
        parts.append("</Codes></CodeBook>")
    parts.append("<Sources>")
    for src in sources:
        text = source_text(tool, src)
        name = src.file_name or f"{src.guid}.txt"
        path = src.path or (name if tool.relative_paths else f"internal://{name}")
        sels = "".join(_selection_xml(tool, text, s) for s in src.selections)
        parts.append(
            f'<TextSource guid="{src.guid}" name={quoteattr(src.name)} plainTextPath="{path}">'
            f"{sels}</TextSource>"
        )
    parts.append(f"</Sources>{extra}</Project>")
    return "".join(parts)


def qdpx(
    tool: Tool,
    sources: list[Src],
    codes: list[Code] = (),
    users: list[tuple[str, str]] = (),
    extra: str = "",
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(tool.project_file, project_xml(tool, sources, codes, users, extra))
        for src in sources:
            if src.write_text:
                data = source_text(tool, src).encode("utf-8")
                name = src.file_name or f"{src.guid}.txt"
                zf.writestr(tool.sources_dir + name, (b"\xef\xbb\xbf" if tool.bom else b"") + data)
    return out.getvalue()


def qdc(codes: list[Code], namespace: str = "urn:QDA-XML:codebook:1.0", extra: str = "") -> bytes:
    body = "".join(_code_xml(c) for c in codes)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="{namespace}" origin="ATLAS.ti">'
        f"<Codes>{body}</Codes>{extra}</CodeBook>"
    ).encode()


def span(text: str, quote: str, nth: int = 0) -> tuple[int, int]:
    """Code point offsets of the nth occurrence of `quote` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)
