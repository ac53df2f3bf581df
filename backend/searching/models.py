"""What /api/search answers."""

from __future__ import annotations

import datetime as dt

from sqlmodel import SQLModel

from backend.citations import Location
from backend.documents.models import PassagePublic


class DocumentSummary(SQLModel):
    id: int
    title: str
    source_type: str
    document_type: str
    organisation: str | None
    date: dt.date | None


class HitAnnotation(SQLModel):
    """An annotation overlapping the hit's passage (offsets in code points)."""

    id: int
    start: int
    end: int
    code_ids: list[int]
    author_id: int
    memo: str | None


class HitPassage(PassagePublic):
    """A hit's passage. Its highlights are its text as snippets; the whole text comes
    with `full_text=true` (a page of hits never shows it; it made a tenth to a third
    of every answer)."""

    text: str | None = None  # type: ignore[assignment]


class SearchHitPublic(SQLModel):
    score: float
    highlights: list[str]
    passage: HitPassage
    document: DocumentSummary
    location: Location  # where the passage stands in the original file
    citation: str  # README, "Citations"
    annotations: list[HitAnnotation] = []


class FacetValue(SQLModel):
    value: str
    count: int
    label: str | None = None  # a readable name where the value is an id


class SearchResponse(SQLModel):
    query: str
    engine: str
    mode: str = "lexical"  # lexical, semantic or hybrid
    # The words were matched loosely (at least some of them, not all): `note` says how.
    relaxed: bool = False
    note: str | None = None
    # Why the hits may not be exactly what the query means: a proximity this engine
    # matches otherwise than the query language says, or an index behind the database
    # (a rebuild, or changes waiting over a minute). One sentence each.
    caveats: list[str] = []
    # Semantic and hybrid: the embedding model (name@version#hash) that ranked the hits.
    model: str | None = None
    total: int
    offset: int
    limit: int
    hits: list[SearchHitPublic]
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None = None
