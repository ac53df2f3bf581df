"""The search contract every engine implements, and the data it exchanges."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from search.query import Node

FACET_FIELDS = ("source_type", "document_type", "organisation", "year", "document_id")


@dataclass(frozen=True)
class PassageDoc:
    """What an engine stores for one passage of a document's current version."""

    passage_id: int
    document_id: int
    version_id: int
    text: str
    source_type: str
    document_type: str
    organisation: str | None = None
    date: dt.date | None = None
    title: str = ""
    heading_path: tuple[str, ...] = ()
    page_start: int | None = None
    page_end: int | None = None
    start: int = 0
    end: int = 0
    speaker: str | None = None
    speaker_role: str | None = None  # transcripts: "interviewer", "interviewee" or unknown
    ordinal: int = 0
    project_id: int = 0
    code_ids: tuple[int, ...] = ()  # codes of annotations overlapping the passage
    coder_ids: tuple[int, ...] = ()  # their authors
    coded: tuple[int, ...] = ()  # coded_mark()s: who applied what (see Filters.own_codings)
    # The passage's embedding (search.vectors.embedder.to_blob) and the identity key of
    # the model that made it; a vector is only ever compared with the same model's.
    vector: bytes | None = None
    vector_model: str | None = None
    # During a model change, the other model's vector too (the old one keeps answering
    # until the new model has embedded every passage): at most two models at once.
    other_vector: bytes | None = None
    other_vector_model: str | None = None

    def vectors(self) -> tuple[tuple[str, bytes], ...]:
        """(model key, vector) of every model this passage has a vector of."""
        pairs = ((self.vector_model, self.vector), (self.other_vector_model, self.other_vector))
        return tuple((m, v) for m, v in pairs if m is not None and v is not None)


def coded_mark(coder_id: int, code_id: int = 0) -> int:
    """One integer per (coder, code) applied on a passage, and one per coder (code 0),
    so a filter can look at one coder's codings alone. Ids stay below 2**31."""
    return coder_id << 32 | code_id


@dataclass(frozen=True)
class OwnCodings:
    """On these documents, the annotation filters (codes, coders, annotated) look at
    this coder's annotations only: a coder in an open blind round must not learn,
    even from a count, what the others coded there (backend/visibility.py)."""

    document_ids: tuple[int, ...]
    coder_id: int


@dataclass(frozen=True)
class Filters:
    project_ids: tuple[int, ...] = ()  # the API always sets its project
    source_types: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    document_ids: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    code_ids: tuple[int, ...] = ()  # any of these (the API adds sub-codes)
    coder_ids: tuple[int, ...] = ()  # annotated by any of these
    annotated: bool | None = None  # True: has annotations; False: has none
    speaker_roles: tuple[str, ...] = ()  # transcript turns of these roles only
    own_codings: OwnCodings | None = None

    def terms(self) -> tuple[tuple[str, tuple[int | str, ...]], ...]:
        """(passage field, allowed values) of the filters that are "any of these
        values": every engine compiles this one list into its own clauses."""
        return (
            ("project_id", self.project_ids),
            ("source_type", self.source_types),
            ("document_type", self.document_types),
            ("organisation", self.organisations),
            ("document_id", self.document_ids),
            ("speaker_role", self.speaker_roles),
        )


@dataclass(frozen=True)
class SearchRequest:
    query: Node
    filters: Filters = field(default_factory=Filters)
    offset: int = 0
    limit: int = 20
    facets: bool = True
    # Opaque cursor from a previous page's `next_cursor`, for deep pagination.
    cursor: str | None = None
    # The best `limit` ids and scores alone (hybrid's lexical half, which fuses ids): no
    # highlights, no facets and no count of every match (`total` is the hits returned).
    ranking_only: bool = False


@dataclass(frozen=True)
class SimilarRequest:
    """Passages like `text` ("more like this"): its most distinctive terms, any of them."""

    text: str
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    exclude_ids: tuple[int, ...] = ()  # e.g. the passage the text came from


@dataclass(frozen=True)
class NearestRequest:
    """The `k` passages whose vectors (made by `model`) are nearest `vector` (cosine),
    among those the filters allow: an exact search, so filters never cost recall."""

    vector: bytes
    model: str
    filters: Filters = field(default_factory=Filters)
    k: int = 100


@dataclass(frozen=True)
class SearchHit:
    passage_id: int
    score: float
    highlights: tuple[str, ...]  # HTML-escaped text with <mark>…</mark>


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[SearchHit, ...]
    facets: dict[str, tuple[FacetCount, ...]]
    next_cursor: str | None = None
    # Why these hits may differ from the query's meaning in the query language (FTS5's,
    # search/query.py): short sentences for the user, from the engine's caveats().
    caveats: tuple[str, ...] = ()


class SearchEngine(Protocol):
    name: str
    supports_fuzzy: bool

    async def ensure_ready(self) -> bool:
        """Create the index if missing; True when it is new or outdated (rebuild it).
        Raise EngineUnavailable if the engine cannot be reached."""

    async def replace_documents(
        self, document_ids: Sequence[int], docs: Sequence[PassageDoc], seq: int = 0
    ) -> None:
        """Drop every passage of these documents, then store `docs` (their new state).
        `seq` orders writes: a document already written with a higher seq is left
        alone, so a slow writer with an older snapshot cannot undo a newer one."""

    async def update_passages(self, docs: Sequence[PassageDoc], seq: int = 0) -> None:
        """Store the new state of these passages, whose text is unchanged (annotations,
        document metadata, speaker roles): only their entries are written, whatever the
        length of their documents. Ordered by `seq` per document as replace_documents."""

    async def rebuild(self, batches: AsyncIterator[Sequence[PassageDoc]], seq: int = 0) -> int:
        """Build a fresh index from `batches` (the state as of `seq`) and switch to it
        at the end; searches use the old index until then."""

    async def search(self, request: SearchRequest) -> SearchResult: ...

    def caveats(self, query: Node) -> tuple[str, ...]:
        """Why this engine's answer to `query` may differ from the query language's
        meaning (a proximity it matches otherwise): one sentence each, for the user;
        empty when it answers exactly. search() puts them in its SearchResult."""

    async def similar(self, request: SimilarRequest) -> tuple[SearchHit, ...]:
        """Best matches first; empty when the text has no indexed term."""

    async def nearest(self, request: NearestRequest) -> tuple[tuple[int, float], ...]:
        """(passage id, cosine similarity), best first, ties by smaller id."""

    async def count(self) -> int: ...

    async def close(self) -> None: ...
