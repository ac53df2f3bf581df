"""The Elasticsearch index definition: the one place it lives.

Analysis is search/analysis.py's (the SQLite engine's), built from the same
definitions: THE folding table (search/folding.py) as a `mapping` char filter,
words as runs of letters and digits, then lower case; `text` is stemmed (Porter)
without English stop words, for ranking; `text.exact` keeps every word
unstemmed, for phrases, proximity, prefixes and fuzzy terms.

Changing anything here means bumping MAPPING_VERSION: the engine then builds a
new index and swaps the alias, never patches an index in place.
"""

from __future__ import annotations

from search.analysis import ANALYSIS_VERSION, STOPWORDS
from search.elastic.vectors import VECTOR_PROPERTIES
from search.folding import es_mappings

MAPPING_VERSION = 8

SETTINGS = {
    "analysis": {
        "char_filter": {"folding": {"type": "mapping", "mappings": es_mappings()}},
        "tokenizer": {"words": {"type": "pattern", "pattern": r"[^\p{L}\p{N}]+"}},
        "filter": {
            "english_stop": {"type": "stop", "stopwords": sorted(STOPWORDS)},
            # Snowball's Porter, as PyStemmer's "porter" (search/analysis.py); the
            # `stemmer` filter's "porter" is Lucene's port of Porter's C code, which
            # stems "technology", "possibly" and two-letter words differently.
            "porter": {"type": "snowball", "language": "Porter"},
        },
        "analyzer": {
            "stemmed": {
                "type": "custom",
                "char_filter": ["folding"],
                "tokenizer": "words",
                "filter": ["lowercase", "english_stop", "porter"],
            },
            "exact": {
                "type": "custom",
                "char_filter": ["folding"],
                "tokenizer": "words",
                "filter": ["lowercase"],
            },
        },
    },
}

MAPPINGS = {
    "dynamic": False,
    # An index written under another mapping or analysis (folding, stemmer) is rebuilt.
    "_meta": {"mapping_version": MAPPING_VERSION, "analysis": ANALYSIS_VERSION},
    "properties": {
        "text": {
            "type": "text",
            "analyzer": "stemmed",
            "fields": {"exact": {"type": "text", "analyzer": "exact"}},
        },
        "passage_id": {"type": "long"},
        "project_id": {"type": "long"},
        "document_id": {"type": "long"},
        "version_id": {"type": "long"},
        "source_type": {"type": "keyword"},
        "document_type": {"type": "keyword"},
        "organisation": {"type": "keyword"},
        "date": {"type": "date", "format": "strict_date"},
        "year": {"type": "keyword"},
        "title": {"type": "text", "analyzer": "stemmed"},
        "heading_path": {"type": "keyword"},
        "speaker": {"type": "keyword"},
        "speaker_role": {"type": "keyword"},
        "page_start": {"type": "integer"},
        "page_end": {"type": "integer"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "ordinal": {"type": "integer"},
        "code_ids": {"type": "long"},
        "coder_ids": {"type": "long"},
        "coded": {"type": "long"},  # coded_mark(): who applied what, for blind rounds
        "annotated": {"type": "boolean"},
        # One marker document per document, carrying the last applied outbox seq.
        "marker_of": {"type": "long"},
        **VECTOR_PROPERTIES,
    },
}


def index_settings(shards: int = 1, replicas: int = 0) -> dict:
    """SETTINGS with the deployment's layout: one shard and no replica on a single
    node; on a cluster, shards sized 10-50 GB and a replica each (README: capacity)."""
    if shards < 1 or replicas < 0:
        raise ValueError("an index needs at least one shard and zero or more replicas")
    return {"number_of_shards": shards, "number_of_replicas": replicas, **SETTINGS}


def alias_name(prefix: str) -> str:
    return f"{prefix}-passages"


def index_name(prefix: str, suffix: str) -> str:
    """A concrete index behind the alias: `<prefix>-passages-v<N>-<suffix>`."""
    return f"{prefix}-passages-v{MAPPING_VERSION}-{suffix}"
