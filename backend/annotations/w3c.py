"""Export of coded annotations as W3C Web Annotation Data Model JSON-LD.

Pure functions over plain values: no database, no web framework. The caller loads an
annotation, its codes and its creator into an `ExportAnnotation`, and gets back a dict
ready for `json.dumps` (https://www.w3.org/TR/annotation-model/).

Shape of one annotation:

- `target` is the document version's text, narrowed by a `TextPositionSelector`
  (offsets in Unicode code points, as stored) and a `TextQuoteSelector` (the quote with
  its context, so a consumer can re-anchor if the offsets no longer fit).
- each applied code is a body `{"type": "SpecificResource", "purpose": "tagging",
  "source": {"id": <code IRI>, "label": <code name>}}` (the model's "Resource with
  Purpose" shape). A `TextualBody` cannot carry the code's IRI: with `source` it breaks
  the rule that an embedded textual body has no source, and with `id` plus `purpose` the
  W3C test suite reads it as an External Web Resource with a purpose, which is forbidden.
  A code's kind (context / mechanism / outcome) has no term in anno.jsonld and is not
  exported: it is a property of the code, which the IRI identifies.
- the memo is a `TextualBody` with purpose `commenting`.
- `motivation` is `tagging` when there are codes, else `commenting` when there is a
  memo, else `highlighting` (a bare highlight has no body).
- `creator` is a `Person` with an IRI and a name, never an email address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


class ExportCode(NamedTuple):
    """A code applied to the annotation (a plain `(id, name, kind)` tuple also works)."""

    id: int
    name: str
    kind: str


class ExportCreator(NamedTuple):
    """Who made the annotation. `email` is accepted but never exported."""

    id: int
    name: str
    email: str | None = None
    iri: str | None = None  # when not an account: an imported coder's attribution IRI


@dataclass(frozen=True, kw_only=True)
class ExportAnnotation:
    """Everything the export needs about one annotation, already loaded."""

    id: int
    project_id: int
    document_id: int
    version_id: int
    document_title: str
    source_url: str
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    # Not exported: `source_url` is the version's text, which has no pages; the text
    # offsets are what locate the span.
    page: int | None = None
    codes: tuple[ExportCode, ...] = field(default=())
    memo: str | None = None
    creator: ExportCreator
    created: dt.datetime
    modified: dt.datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", tuple(ExportCode(*code) for code in self.codes))
        object.__setattr__(self, "creator", ExportCreator(*self.creator))
        if not 0 <= self.start <= self.end:
            raise ValueError(f"annotation {self.id}: bad span {self.start}..{self.end}")
        for name in ("created", "modified"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"annotation {self.id}: {name} must be timezone-aware")


def _base(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
    return base_url.rstrip("/")


def version_text_url(base_url: str, project_id: int, document_id: int, version_id: int) -> str:
    """The IRI of a document version's text: what annotations target."""
    return (
        f"{_base(base_url)}/api/projects/{project_id}/documents/{document_id}/versions/{version_id}"
    )


def annotation_iri(base_url: str, project_id: int, annotation_id: int) -> str:
    return f"{_base(base_url)}/api/projects/{project_id}/annotations/{annotation_id}"


def code_iri(base_url: str, project_id: int, code_id: int) -> str:
    return f"{_base(base_url)}/api/projects/{project_id}/codes/{code_id}"


def user_iri(base_url: str, user_id: int) -> str:
    return f"{_base(base_url)}/api/users/{user_id}"


def xsd_datetime(value: dt.datetime) -> str:
    """An aware datetime as xsd:dateTime in UTC to the second, e.g. 2026-01-31T09:05:00Z."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _target(a: ExportAnnotation) -> dict[str, Any]:
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": a.exact}
    if a.prefix:
        quote["prefix"] = a.prefix
    if a.suffix:
        quote["suffix"] = a.suffix
    return {
        "type": "SpecificResource",
        "source": {"id": a.source_url, "type": "Text", "label": a.document_title},
        "selector": [{"type": "TextPositionSelector", "start": a.start, "end": a.end}, quote],
    }


def _bodies(a: ExportAnnotation, base_url: str) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    seen: set[int] = set()
    for code in a.codes:
        if code.id in seen:
            continue
        seen.add(code.id)
        bodies.append(
            {
                "type": "SpecificResource",
                "purpose": "tagging",
                "source": {"id": code_iri(base_url, a.project_id, code.id), "label": code.name},
            }
        )
    if _has_memo(a):
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": a.memo,
                "format": "text/plain",
            }
        )
    return bodies


def _has_memo(a: ExportAnnotation) -> bool:
    return a.memo is not None and a.memo.strip() != ""


def _motivation(a: ExportAnnotation) -> str:
    if a.codes:
        return "tagging"
    return "commenting" if _has_memo(a) else "highlighting"


def annotation_to_jsonld(a: ExportAnnotation, base_url: str) -> dict[str, Any]:
    """One annotation as a standalone W3C Web Annotation (with its own @context)."""
    creator: dict[str, Any] = {
        "id": a.creator.iri or user_iri(base_url, a.creator.id),
        "type": "Person",
    }
    if a.creator.name:
        creator["name"] = a.creator.name
    out: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": annotation_iri(base_url, a.project_id, a.id),
        "type": "Annotation",
        "motivation": _motivation(a),
        "creator": creator,
        "created": xsd_datetime(a.created),
        "modified": xsd_datetime(a.modified),
    }
    bodies = _bodies(a, base_url)
    if bodies:
        out["body"] = bodies
    out["target"] = _target(a)
    return out


def _default_collection_id(base_url: str, annotations: list[ExportAnnotation]) -> str:
    projects = {a.project_id for a in annotations}
    if len(projects) == 1:
        return f"{_base(base_url)}/api/projects/{projects.pop()}/annotations"
    return f"{_base(base_url)}/api/annotations"


def collection_to_jsonld(
    items: Iterable[ExportAnnotation],
    base_url: str,
    label: str,
    *,
    collection_id: str | None = None,
) -> dict[str, Any]:
    """Many annotations as one AnnotationCollection whose single AnnotationPage is `first`.

    The annotations keep the caller's order and each keeps its own @context, so every item
    passes the W3C MUST assertions on its own when taken out of the collection (the same
    context repeated inside is harmless in JSON-LD). `collection_id` should be the IRI the
    export is served at; by default it is the project's annotations IRI (or /api/annotations
    when the items span several projects or none). An empty collection has `total` 0 and no
    page, as a page must hold at least one annotation.
    """
    annotations = list(items)
    cid = collection_id or _default_collection_id(base_url, annotations)
    if urlsplit(cid).fragment:
        raise ValueError(f"collection_id must not have a fragment: {cid!r}")
    out: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": cid,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(annotations),
    }
    if annotations:
        page_id = f"{cid}#page1"
        embedded = [annotation_to_jsonld(a, base_url) for a in annotations]
        out["first"] = {
            "id": page_id,
            "type": "AnnotationPage",
            "partOf": cid,
            "startIndex": 0,
            "items": embedded,
        }
        out["last"] = page_id
    return out
