"""What the QDPX writer and reader share: names, GUIDs, variables, dates, the schema."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from backend.errors import ServiceError

NS = "urn:QDA-XML:project:1.0"
ORIGIN = "Evidence Workbench"
PROJECT_FILE = "project.qde"
SOURCES_DIR = "sources/"
INTERNAL = "internal://"
SCHEMA_PATH = Path(__file__).with_name("Project-mrt2019.xsd")  # a copy of shared/schemas/refi-qda
# uuid5 namespace of every GUID we derive: fixed forever, or re-exports would change.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:evidence-workbench:refi-qda")
THEORY_LINK = "theory:cmoc"

# XML 1.0 cannot hold these characters at all (not even escaped).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FRACTION = re.compile(r"(\.\d{6})\d+")


class RefiError(ServiceError):
    """The file (or the project) cannot be exchanged; the message says why, `status` is the
    HTTP answer (400 bad file, 409 conflict, 413 too large, 422 schema)."""


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def guid(project_id: int, kind: str, key: object) -> str:
    """Deterministic: the same row of the same project always gets the same GUID."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{project_id}/{kind}/{key}"))


def norm_guid(value: str | None) -> str | None:
    """REFI allows upper case and braces; references compare in one spelling (lower case)."""
    if value is None:
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return value


def source_entry(source_guid: str) -> str:
    return f"{SOURCES_DIR}{source_guid}.txt"


@dataclass(frozen=True)
class Variable:
    name: str
    type: str  # typeOfVariable: Text, Integer, Date
    description: str


# Document fields with no place in REFI's TextSource, in the order written. Per document:
# the first five; per version: the rest.
VARIABLES = (
    Variable("source_type", "Text", "document, interview or observation"),
    Variable("document_type", "Text", "strategy, board_paper, minutes, policy, transcript, ..."),
    Variable("organisation", "Text", "the organisation that issued or held the document"),
    Variable("date", "Date", "the document's own date (publication, interview)"),
    Variable("original_filename", "Text", "identifies the document; versions share it"),
    Variable("version_number", "Integer", "this text's version of the document"),
    Variable("page_offsets", "Text", "JSON list: page i+1 starts at code point offsets[i]"),
    Variable("page_count", "Integer", "pages of the original file"),
    Variable("status", "Text", "ready, or needs_ocr (no text layer)"),
    Variable("status_message", "Text", "why the text is missing, if it is"),
)

VARIABLE_NAMES = frozenset(v.name for v in VARIABLES)


def variable_guid(name: str) -> str:
    """The same in every export, so tools can match variables across projects."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"variable/{name}"))


def xml_text(value: str) -> str:
    """`value` as XML 1.0 can carry it: the few control characters it cannot hold at all
    become U+FFFD (the JSON in theory and CMOC notes keeps them exactly)."""
    return _NOT_XML.sub("\ufffd", value)


def has_non_xml(value: str) -> bool:
    return _NOT_XML.search(value) is not None


def xsd_datetime(value: dt.datetime) -> str:
    """UTC with microseconds when there are any: times come back exactly on import."""
    text = value.astimezone(dt.UTC).isoformat()
    return text.replace("+00:00", "Z")


def parse_datetime(value: str | None) -> dt.datetime | None:
    """xsd:dateTime -> aware UTC; a time without a zone is taken as UTC (as tools mean it)."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    if not SCHEMA_PATH.is_file():
        raise RefiError(f"the REFI-QDA schema is missing at {SCHEMA_PATH}", 503)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
