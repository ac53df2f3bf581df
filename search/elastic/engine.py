"""The team engine: Elasticsearch 9, through the official async client.

Passages live in a versioned index behind an alias (search/elastic/mapping.py).
Writes go through the alias with refresh=wait_for, so a finished ingest job is
searchable at once; `rebuild` fills a new index and swaps the alias atomically.
An index (not an alias) under the alias's name, as an older install or a restored
snapshot may leave, keeps serving until a rebuild replaces it in the same atomic
alias change. Shards and replicas come from the settings (a cluster has more).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any, cast

from elastic_transport.client_utils import DEFAULT
from elasticsearch import (
    ApiError,
    AsyncElasticsearch,
    ConnectionError,
    ConnectionTimeout,
    NotFoundError,
)
from elasticsearch.helpers import BulkIndexError, async_bulk

from search.base import (
    FACET_FIELDS,
    FacetCount,
    NearestRequest,
    PassageDoc,
    SearchHit,
    SearchRequest,
    SearchResult,
    SimilarRequest,
)
from search.cursor import decode_cursor, encode_cursor
from search.elastic.dsl import caveats as proximity_caveats
from search.elastic.dsl import to_filters, to_query
from search.elastic.mapping import (
    MAPPINGS,
    alias_name,
    index_name,
    index_settings,
)
from search.elastic.vectors import nearest_body, nearest_hits, vector_source
from search.errors import EngineUnavailable, SearchError
from search.highlight import FRAGMENT_CHARS, MAX_FRAGMENTS
from search.query import Node
from search.similar import MAX_TERMS, candidate_stems

FACET_SIZE = 50
BULK_CHUNK = 1000
ID_PAGE = 5000

HIGHLIGHT = {
    "type": "unified",
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "fields": {
        "text": {
            # Terms match `text`, phrases and prefixes match `text.exact`: mark both.
            "matched_fields": ["text", "text.exact"],
            "fragment_size": FRAGMENT_CHARS,
            "number_of_fragments": MAX_FRAGMENTS,
            "no_match_size": FRAGMENT_CHARS,
        }
    },
}


class ElasticsearchEngine:
    name = "elasticsearch"
    supports_fuzzy = True

    def __init__(
        self,
        url: str,
        prefix: str = "evidence",
        *,
        api_key: str | None = None,
        ca_certs: str | None = None,
        shards: int = 1,
        replicas: int = 0,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.alias = alias_name(prefix)
        self.settings = index_settings(shards, replicas)
        # An https URL is verified against the system's CAs, or ca_certs (a PEM file)
        # for a cluster with its own authority; an API key is sent on every request.
        # Several nodes of a cluster, comma-separated: the client spreads requests
        # over them and retries on another when one is down.
        hosts = list(dict.fromkeys(u.strip().rstrip("/") for u in url.split(",") if u.strip()))
        self.client = AsyncElasticsearch(
            hosts,
            api_key=api_key,
            ca_certs=ca_certs or DEFAULT,
            request_timeout=30,
            max_retries=1,
        )
        self._ready = False

    @asynccontextmanager
    async def _errors(self) -> AsyncIterator[None]:
        """Elasticsearch's failures, said in the project's terms."""
        try:
            yield
        except (ConnectionError, ConnectionTimeout) as exc:
            raise EngineUnavailable(
                f"Elasticsearch at {self.url} cannot be reached; search is unavailable "
                "until it is back (nothing stored is lost)."
            ) from exc
        except NotFoundError as exc:
            raise EngineUnavailable(
                "The search index is missing; run `evidence reindex` to rebuild it."
            ) from exc
        except BulkIndexError as exc:
            raise SearchError(f"Elasticsearch refused {len(exc.errors)} passage(s)") from exc
        except ApiError as exc:
            if exc.status_code in (429, 502, 503, 504):
                raise EngineUnavailable(f"Elasticsearch is overloaded: {_reason(exc)}") from exc
            raise SearchError(f"Elasticsearch refused the request: {_reason(exc)}") from exc

    async def ensure_ready(self) -> bool:
        """True when the index is new or has an older mapping: the caller rebuilds.
        An outdated index keeps serving until the rebuild swaps the alias."""
        async with self._errors():
            current = await self._alias_targets()
            if current:
                stale = await self._outdated(current[0])
            elif await self._legacy_index():
                stale = True  # searches read it as before; the rebuild replaces it
            else:
                await self._create_first_index()
                stale = True
        self._ready = True
        return stale

    async def _create_first_index(self) -> None:
        # A fixed name, so processes starting together create (and alias) one index.
        name = index_name(self.prefix, "0")
        try:
            await self.client.indices.create(index=name, settings=self.settings, mappings=MAPPINGS)
        except ApiError as exc:
            if "resource_already_exists" not in str(exc.info):
                raise
        await self.client.indices.update_aliases(
            actions=[{"add": {"index": name, "alias": self.alias}}]
        )

    async def _ready_or_prepare(self) -> None:
        # The node may have been down when the process started.
        if not self._ready:
            await self.ensure_ready()

    async def _alias_targets(self) -> list[str]:
        if not await self.client.indices.exists_alias(name=self.alias):
            return []
        return list((await self.client.indices.get_alias(name=self.alias)).keys())

    async def _legacy_index(self) -> bool:
        """An index, not an alias, holds the alias's name."""
        return bool(await self.client.indices.exists(index=self.alias))

    async def _outdated(self, index: str) -> bool:
        """Another mapping or shard count needs a new index; replicas change in place
        (Elasticsearch copies or drops them online)."""
        found = (await self.client.indices.get(index=index))[index]
        current = found["settings"]["index"]
        if int(current["number_of_replicas"]) != self.settings["number_of_replicas"]:
            replicas = {"number_of_replicas": self.settings["number_of_replicas"]}
            await self.client.indices.put_settings(index=index, settings=replicas)
        return (
            found["mappings"].get("_meta", {}) != MAPPINGS["_meta"]
            or int(current["number_of_shards"]) != self.settings["number_of_shards"]
        )

    async def _create_index(self) -> str:
        name = index_name(self.prefix, uuid.uuid4().hex[:8])
        await self.client.indices.create(index=name, settings=self.settings, mappings=MAPPINGS)
        return name

    async def _swap_to(self, new_index: str) -> None:
        old = await self._alias_targets()
        actions: list[dict] = [{"remove": {"index": i, "alias": self.alias}} for i in old]
        if not old and await self._legacy_index():
            # Dropped in the same atomic change that adds the alias: no moment
            # without an index under this name.
            actions.append({"remove_index": {"index": self.alias}})
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        await self.client.indices.update_aliases(actions=actions)
        for index in old:
            await self.client.indices.delete(index=index)

    async def replace_documents(
        self, document_ids: Sequence[int], docs: Sequence[PassageDoc], seq: int = 0
    ) -> None:
        """Writes carry `seq` as an external version: a write older than what the index
        holds is refused by Elasticsearch (409, ignored), so late writers cannot undo
        newer ones. A marker document per document carries its seq too, so an older
        snapshot cannot add passages the newer one no longer has."""
        await self._ready_or_prepare()
        async with self._errors():
            accepted = await self._claim(document_ids, seq)
            document_ids = [d for d in document_ids if d in accepted]
            docs = [d for d in docs if d.document_id in accepted]
            keep = {d.passage_id for d in docs}
            stale = [i for i in await self._ids_of(document_ids) if i not in keep]
            actions = [
                {"_op_type": "delete", "_index": self.alias, "_id": i, **_versioned(seq)}
                for i in stale
            ]
            actions += [_index_action(self.alias, d, seq) for d in docs]
            if actions:
                # require_alias: never let a write auto-create an unmapped index.
                # 409: an older write than the index holds, skipped on purpose.
                await async_bulk(
                    self.client,
                    actions,
                    chunk_size=BULK_CHUNK,
                    refresh="wait_for",
                    ignore_status=(404, 409),
                    require_alias=True,
                )

    async def update_passages(self, docs: Sequence[PassageDoc], seq: int = 0) -> None:
        """These passages' entries only, each written whole (Elasticsearch re-indexes a
        document on any update anyway), under their documents' markers as above."""
        await self._ready_or_prepare()
        async with self._errors():
            accepted = await self._claim(sorted({d.document_id for d in docs}), seq)
            actions = [_index_action(self.alias, d, seq) for d in docs if d.document_id in accepted]
            if actions:
                await async_bulk(
                    self.client,
                    actions,
                    chunk_size=BULK_CHUNK,
                    refresh="wait_for",
                    ignore_status=(409,),
                    require_alias=True,
                )

    async def _claim(self, document_ids: Sequence[int], seq: int) -> set[int]:
        """The documents this write may touch: those whose marker is not newer."""
        if not document_ids:
            return set()
        actions = [_marker(self.alias, d, seq) for d in document_ids]
        _, errors = await async_bulk(self.client, actions, raise_on_error=False, require_alias=True)
        refused = set()
        # Without stats_only, the second value is the list of failed items.
        for error in cast(list[dict[str, Any]], errors):
            item = error.get("index", {})
            if item.get("status") != 409:
                raise SearchError(f"Elasticsearch refused a write: {item.get('error')}")
            refused.add(int(str(item["_id"]).removeprefix("document-")))
        return set(document_ids) - refused

    async def _ids_of(self, document_ids: Sequence[int]) -> list[int]:
        """Passage ids stored for these documents (delete_by_query needs a module we
        cannot assume every node has)."""
        if not document_ids:
            return []
        found: list[int] = []
        after = None
        while True:
            page = await self.client.search(
                index=self.alias,
                query={"terms": {"document_id": list(document_ids)}},
                source=False,
                size=ID_PAGE,
                sort=[{"passage_id": "asc"}],
                search_after=after,
            )
            hits = page["hits"]["hits"]
            found += [int(h["_id"]) for h in hits]
            if len(hits) < ID_PAGE:
                return found
            after = hits[-1]["sort"]

    async def rebuild(self, batches: AsyncIterator[Sequence[PassageDoc]], seq: int = 0) -> int:
        async with self._errors():
            new_index = await self._create_index()
            total = 0
            try:
                async for batch in batches:
                    markers = [_marker(new_index, i, seq) for i in {d.document_id for d in batch}]
                    await async_bulk(
                        self.client,
                        markers + [_index_action(new_index, d, seq) for d in batch],
                        chunk_size=BULK_CHUNK,
                    )
                    total += len(batch)
                await self.client.indices.refresh(index=new_index)
            except BaseException:
                await self.client.indices.delete(index=new_index, ignore_unavailable=True)
                raise
            await self._swap_to(new_index)
            return total

    async def count(self) -> int:
        await self._ready_or_prepare()
        async with self._errors():
            passages = {"exists": {"field": "passage_id"}}  # not the markers
            return (await self.client.count(index=self.alias, query=passages))["count"]

    async def search(self, request: SearchRequest) -> SearchResult:
        body = search_body(request)
        await self._ready_or_prepare()
        async with self._errors():
            answer = await self.client.search(index=self.alias, body=body)
        return replace(_result(answer.body, request), caveats=self.caveats(request.query))

    def caveats(self, query: Node) -> tuple[str, ...]:
        return proximity_caveats(query)

    async def similar(self, request: SimilarRequest) -> tuple[SearchHit, ...]:
        if not candidate_stems(request.text):
            return ()  # only stop words or numbers: nothing to be like
        await self._ready_or_prepare()
        async with self._errors():
            answer = await self.client.search(index=self.alias, body=similar_body(request))
        return tuple(
            SearchHit(
                int(h["_id"]), float(h["_score"]), tuple(h.get("highlight", {}).get("text", ()))
            )
            for h in answer["hits"]["hits"]
        )

    async def nearest(self, request: NearestRequest) -> tuple[tuple[int, float], ...]:
        await self._ready_or_prepare()
        async with self._errors():
            answer = await self.client.search(index=self.alias, body=nearest_body(request))
        return nearest_hits(answer.body)

    async def close(self) -> None:
        await self.client.close()


def search_body(request: SearchRequest) -> dict:
    """The request body the engine sends (public for benchmarks that send it directly)."""
    body = {
        "query": {
            "bool": {"must": [to_query(request.query)], "filter": to_filters(request.filters)}
        },
        "sort": [{"_score": "desc"}, {"passage_id": "asc"}],
        "size": request.limit,
        # Ranking only (hybrid's lexical half fuses ids): no count of every match, no
        # highlights, no facets.
        "track_total_hits": not request.ranking_only,
        "_source": False,
    }
    if request.cursor:
        body["search_after"] = list(decode_cursor(request.cursor))
    else:
        body["from"] = request.offset
    if not request.ranking_only:
        body["highlight"] = HIGHLIGHT
        if request.facets:
            body["aggs"] = _facet_aggs()
    return body


def similar_body(request: SimilarRequest) -> dict:
    """`more_like_this` over the stemmed text; the like-text's terms count even when
    they occur once (an excerpt is short)."""
    like = {
        "more_like_this": {
            "fields": ["text"],
            "like": request.text,
            "min_term_freq": 1,
            "min_doc_freq": 1,
            "max_query_terms": MAX_TERMS,
            "minimum_should_match": "1",
        }
    }
    must_not = [{"ids": {"values": [str(i) for i in request.exclude_ids]}}]
    return {
        "query": {
            "bool": {
                "must": [like],
                "filter": to_filters(request.filters),
                "must_not": must_not if request.exclude_ids else [],
            }
        },
        "sort": [{"_score": "desc"}, {"passage_id": "asc"}],
        "track_scores": True,
        "size": request.limit,
        "_source": False,
        "highlight": HIGHLIGHT,
    }


def _marker(index: str, document_id: int, seq: int) -> dict:
    return {
        "_op_type": "index",
        "_index": index,
        "_id": f"document-{document_id}",
        **_versioned(seq),
        "_source": {"marker_of": document_id},
    }


def _versioned(seq: int) -> dict:
    return {"_version": seq, "_version_type": "external_gte"}


def _index_action(index: str, d: PassageDoc, seq: int) -> dict:
    return {
        "_op_type": "index",
        "_index": index,
        "_id": d.passage_id,
        **_versioned(seq),
        "_source": {
            "text": d.text,
            "passage_id": d.passage_id,
            "project_id": d.project_id,
            "document_id": d.document_id,
            "version_id": d.version_id,
            "source_type": d.source_type,
            "document_type": d.document_type,
            "organisation": d.organisation,
            "date": d.date.isoformat() if d.date else None,
            "year": str(d.date.year) if d.date else None,
            "title": d.title,
            "heading_path": list(d.heading_path),
            "speaker": d.speaker,
            "speaker_role": d.speaker_role,
            "page_start": d.page_start,
            "page_end": d.page_end,
            "start": d.start,
            "end": d.end,
            "ordinal": d.ordinal,
            "code_ids": list(d.code_ids),
            "coder_ids": list(d.coder_ids),
            "coded": list(d.coded),
            "annotated": bool(d.coder_ids),
            **vector_source(d),
        },
    }


def _facet_aggs() -> dict:
    order = [{"_count": "desc"}, {"_key": "asc"}]
    return {f: {"terms": {"field": f, "size": FACET_SIZE, "order": order}} for f in FACET_FIELDS}


def _result(answer: dict[str, Any], request: SearchRequest) -> SearchResult:
    hits = answer["hits"]["hits"]
    found = tuple(
        SearchHit(int(h["_id"]), float(h["sort"][0]), tuple(h.get("highlight", {}).get("text", ())))
        for h in hits
    )
    facets = {
        name: tuple(FacetCount(str(b["key"]), b["doc_count"]) for b in agg["buckets"])
        for name, agg in answer.get("aggregations", {}).items()
    }
    cursor = None
    if len(hits) == request.limit and hits:
        score, pid = hits[-1]["sort"]
        cursor = encode_cursor(score, pid)
    total = answer["hits"]["total"]["value"] if "total" in answer["hits"] else len(found)
    return SearchResult(total, found, facets, cursor)


def _reason(exc: ApiError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    causes: Iterable[dict] = info.get("error", {}).get("root_cause", []) or [info.get("error", {})]
    for cause in causes:
        if isinstance(cause, dict) and cause.get("reason"):
            return str(cause["reason"])[:300]
    return str(exc.message)[:300]
