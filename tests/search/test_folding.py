"""THE folding, through each engine's real analysis: Elasticsearch's `_analyze` on the
index the engine creates, and the terms FTS5 stored (read back with fts5vocab)."""

from __future__ import annotations

import sqlite3
import unicodedata
import uuid
from contextlib import closing

import pytest

from search.analysis import STOPWORDS, stem, words
from search.base import PassageDoc
from search.elastic.engine import ElasticsearchEngine
from search.folding import FOLDING, es_mappings, fold
from search.sqlite_fts import SqliteFtsEngine
from tests.conftest import SHARED

# Words as they stand in European and other texts (typed here, not copied from a list),
# with the spellings a searcher types instead.
WORDS = [
    *("Straße", "STRASSE", "ẞ", "Größe", "Füße", "Mädchen"),  # German
    *("Øresund", "København", "Ærø", "blåbær", "Malmö", "Åre"),  # Nordic
    *("cœur", "Œuvre", "Noël", "garçon", "façade", "élève"),  # French
    *("Łódź", "Świętokrzyskie", "żółć", "Dvořák", "Příbram"),  # Polish, Czech
    *("Þórshöfn", "Reykjavík", "Eðvarð", "Đakovo", "ǅemal"),  # Icelandic, Croatian
    *("İstanbul", "Işık", "ığdır", "Nguyễn", "Việt", "niño", "São", "Győr", "Erdős"),
    *("Ħal", "Għawdex", "ŋuolla", "ĳs", "ŵyn", "Ó", "ſtate", "col·legi", "Ŀlavors"),
    *("ΟΔΟΣ", "Αθήνα", "ἄνθρωπος", "Москва", "ЙОД", "ёлка"),  # Greek, Cyrillic
    *("ﬁnance", "ﬂow", "oﬀice", "ＮＨＳ", "m²", "H₂O", "Å", "ƑLAG"),  # forms
    *("cafe\u0301", "A\u030angstro\u0308m", "\u0301alone"),  # decomposed accents
    *("leadership", "Governance", "organisations", "integrated", "the", "2024"),
    *("3.5", "self-care", "e-mail", "co-production", "don't", "x_y", "ICS's", "us", "technology"),
]

EXPECTED = {
    "Straße": "strasse",
    "ẞ": "ss",
    "Øresund": "oresund",
    "Ærø": "aero",
    "cœur": "coeur",
    "Łódź": "lodz",
    "Þórshöfn": "thorshofn",
    "Eðvarð": "edvard",
    "Đakovo": "dakovo",
    "ǅemal": "dzemal",
    "İstanbul": "istanbul",
    "Işık": "isik",
    "Nguyễn": "nguyen",
    "Ħal": "hal",
    "ΟΔΟΣ": "οδοσ",
    "Αθήνα": "αθηνα",
    "ЙОД": "йод",
    "ﬁnance": "finance",
    "ＮＨＳ": "nhs",
    "cafe\u0301": "cafe",
    "A\u030angstro\u0308m": "angstrom",
}


def test_the_folding_of_hard_letters():
    assert {w: fold(w) for w in EXPECTED} == EXPECTED


def test_folding_twice_changes_nothing():
    for code in range(0x10000):
        once = fold(chr(code))
        assert fold(once) == once, hex(code)


def test_the_table_keeps_word_boundaries():
    """Letters and digits fold to letters and digits; only loose accents are dropped."""
    for code, value in FOLDING.items():
        if value:
            assert chr(code).isalnum() and value.isalnum(), hex(code)
        else:
            assert unicodedata.category(chr(code)) == "Mn", hex(code)


def test_elasticsearch_rules_spell_the_table():
    rules = dict(rule.split(" => ") for rule in es_mappings())
    assert len(rules) == len(FOLDING)
    assert rules["\\u00df"] == "\\u0073\\u0073"  # ß => ss
    assert rules["\\u0301"] == ""


@pytest.fixture
async def es(es_url):
    engine = ElasticsearchEngine(es_url, prefix=f"test-{uuid.uuid4().hex[:10]}")
    await engine.ensure_ready()
    yield engine
    for index in await engine._alias_targets():
        await engine.client.indices.delete(index=index)
    await engine.close()


async def _es_tokens(es: ElasticsearchEngine, analyzer: str, text: str) -> list[str]:
    answer = await es.client.indices.analyze(index=es.alias, analyzer=analyzer, text=text)
    return [t["token"] for t in answer["tokens"]]


def _fts_terms(path, column: str) -> dict[int, list[str]]:
    """The terms FTS5 stored per passage and column, in position order."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search_fts, instance)")
        rows = conn.execute(
            "SELECT doc, term FROM temp.v WHERE col = ? ORDER BY doc, offset", (column,)
        ).fetchall()
    out: dict[int, list[str]] = {}
    for doc, term in rows:
        out.setdefault(doc, []).append(term)
    return out


async def test_both_engines_analyse_every_word_alike(es, tmp_path):
    sqlite = SqliteFtsEngine(tmp_path / "s.db")
    await sqlite.ensure_ready()
    docs = [PassageDoc(i, 1, 1, word, "document", "other") for i, word in enumerate(WORDS, start=1)]
    await sqlite.replace_documents([1], docs)
    exact, stemmed = _fts_terms(tmp_path / "s.db", "exact"), _fts_terms(tmp_path / "s.db", "stem")
    for doc in docs:
        word, pid = doc.text, doc.passage_id
        assert exact.get(pid, []) == await _es_tokens(es, "exact", word), word
        assert stemmed.get(pid, []) == await _es_tokens(es, "stemmed", word), word
    assert exact[1] == ["strasse"] and exact[2] == ["strasse"]  # the list reached FTS5


async def test_both_stemmers_agree_on_a_real_vocabulary(es):
    """Every word of the shared study protocol and transcripts (thousands), stemmed by
    PyStemmer and by the index's analyzer: Lucene's other Porter ("stemmer": "porter")
    differed on 12 of 6,140 corpus words (technology, possibly, us …)."""
    texts = [SHARED / "study-protocol.txt", *sorted((SHARED / "transcripts").iterdir())]
    vocabulary = sorted(
        {w for path in texts if path.is_file() for w in words(path.read_text(errors="replace"))}
        - STOPWORDS
    )
    assert len(vocabulary) > 3000
    got = await _es_tokens(es, "stemmed", " ".join(vocabulary))
    assert len(got) == len(vocabulary)
    assert [(w, s) for w, s in zip(vocabulary, got, strict=True) if stem(w) != s] == []
