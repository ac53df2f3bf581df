"""The Elasticsearch index definition: the one place it lives.

Analysis mirrors search/analysis.py (the SQLite engine's): words are runs of
letters and digits, folded to lower case without accents; `text` is stemmed
(Porter) without English stop words, for ranking; `text.exact` keeps every word
unstemmed, for phrases, proximity, prefixes and fuzzy terms.

Changing anything here means bumping MAPPING_VERSION: the engine then builds a
new index and swaps the alias, never patches an index in place.
"""

from __future__ import annotations

from search.analysis import STOPWORDS

MAPPING_VERSION = 3

SETTINGS = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        "tokenizer": {"words": {"type": "pattern", "pattern": r"[^\p{L}\p{N}]+"}},
        "filter": {
            "english_stop": {"type": "stop", "stopwords": sorted(STOPWORDS)},
            "porter": {"type": "stemmer", "language": "porter"},
        },
        "analyzer": {
            "stemmed": {
                "type": "custom",
                "tokenizer": "words",
                "filter": ["lowercase", "asciifolding", "english_stop", "porter"],
            },
            "exact": {
                "type": "custom",
                "tokenizer": "words",
                "filter": ["lowercase", "asciifolding"],
            },
        },
    },
}

MAPPINGS = {
    "dynamic": False,
    "_meta": {"mapping_version": MAPPING_VERSION},
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
        "page_start": {"type": "integer"},
        "page_end": {"type": "integer"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "ordinal": {"type": "integer"},
        "code_ids": {"type": "long"},
        "coder_ids": {"type": "long"},
        "annotated": {"type": "boolean"},
        # One marker document per document, carrying the last applied outbox seq.
        "marker_of": {"type": "long"},
    },
}


def alias_name(prefix: str) -> str:
    return f"{prefix}-passages"


def index_name(prefix: str, suffix: str) -> str:
    """A concrete index behind the alias: `<prefix>-passages-v<N>-<suffix>`."""
    return f"{prefix}-passages-v{MAPPING_VERSION}-{suffix}"
