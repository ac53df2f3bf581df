"""Builds the configured engine. The only module that knows every engine."""

from __future__ import annotations

from pathlib import Path

from search.base import SearchEngine


def make_engine(
    kind: str,
    *,
    sqlite_path: Path | None = None,
    elasticsearch_url: str | None = None,
    index_prefix: str = "evidence",
    elasticsearch_options: dict | None = None,
) -> SearchEngine:
    """`elasticsearch_options`: ElasticsearchEngine's keywords (api_key, ca_certs,
    shards, replicas)."""
    if kind == "sqlite":
        from search.sqlite_fts import SqliteFtsEngine

        if sqlite_path is None:
            raise ValueError("the sqlite engine needs a database path")
        return SqliteFtsEngine(sqlite_path)
    if kind == "tantivy":
        from search.tantivy_engine import TantivyEngine

        if sqlite_path is None:
            raise ValueError("the tantivy engine needs a database path (its store)")
        return TantivyEngine(sqlite_path)
    if kind == "elasticsearch":
        from search.elastic.engine import ElasticsearchEngine

        return ElasticsearchEngine(
            elasticsearch_url or "http://127.0.0.1:9200",
            index_prefix,
            **(elasticsearch_options or {}),
        )
    raise ValueError(f"unknown search engine {kind!r}: use 'sqlite', 'tantivy' or 'elasticsearch'")
