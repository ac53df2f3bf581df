"""/api/projects/{id}/search over the ingested shared corpus."""

import pytest

from tests.conftest import TEST_SEARCH, signed_in


@pytest.fixture
async def api(corpus_settings):
    async with signed_in(corpus_settings) as c:
        yield c


async def test_phrase_search_returns_ranked_hits_with_page_and_highlight(api):
    r = await api.get(
        f"{api.base}/search", params={"q": '"individual funding"', "limit": 5, "full_text": True}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 10
    assert body["engine"] == TEST_SEARCH
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True)
    for hit in body["hits"]:
        assert "individual funding" in hit["passage"]["text"].lower()
        assert hit["passage"]["page_start"] >= 1
        assert "<mark>" in " ".join(hit["highlights"])
        assert hit["document"]["title"]
        where, citation = hit["location"], hit["citation"]
        assert where["page"] == hit["passage"]["page_start"] and where["pagination"] == "rendered"
        assert citation.startswith(hit["document"]["title"])
        assert f"p. {where['page']}" in citation or f"pp. {where['page']}\u2013" in citation
        assert "passage" not in citation


async def test_facets_and_filters(api):
    r = await api.get(f"{api.base}/search", params={"q": "board"})
    facets = r.json()["facets"]
    doc_facet = {f["label"]: f["count"] for f in facets["document_id"]}
    assert any("CONSTITUTION" in (label or "") for label in doc_facet)
    total = r.json()["total"]
    assert sum(f["count"] for f in facets["source_type"]) == total
    r2 = await api.get(f"{api.base}/search", params={"q": "board", "document_type": "policy"})
    assert 0 < r2.json()["total"] < total
    assert all(h["document"]["document_type"] == "policy" for h in r2.json()["hits"])


async def test_date_filter(api):
    r = await api.get(f"{api.base}/search", params={"q": "panel", "date_from": "2025-01-01"})
    assert all(h["document"]["date"] >= "2025-01-01" for h in r.json()["hits"])
    r = await api.get(f"{api.base}/search", params={"q": "panel", "date_to": "2023-12-31"})
    assert r.json()["total"] > 0
    assert all(h["document"]["date"] <= "2023-12-31" for h in r.json()["hits"])


async def test_pagination_is_stable(api):
    first = (await api.get(f"{api.base}/search", params={"q": "request", "limit": 5})).json()
    second = (
        await api.get(f"{api.base}/search", params={"q": "request", "limit": 5, "offset": 5})
    ).json()
    assert first["total"] == second["total"] > 10
    ids = [h["passage"]["id"] for h in first["hits"] + second["hits"]]
    assert len(set(ids)) == 10


@pytest.mark.parametrize(
    ("query", "fragment", "position"),
    [
        ('"individual funding', "quote", 0),
        ("(panel OR board", "bracket", 0),
        ("panel OR board)", "bracket", 14),
        ("", "empty", 0),
        ("-panel", "NOT", 0),
        ("the", "common words", 0),
        ("p*", "prefix", 0),
    ],
)
async def test_invalid_queries_are_400_with_position(api, query, fragment, position):
    r = await api.get(f"{api.base}/search", params={"q": query})
    assert r.status_code == 400
    assert fragment in r.json()["detail"]
    assert r.json()["position"] == position


async def test_fuzzy_on_sqlite_is_400_with_advice(api):
    r = await api.get(f"{api.base}/search", params={"q": "goverance~1"})
    assert r.status_code == 400
    assert "Elasticsearch" in r.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "panel", "limit": 0},
        {"q": "panel", "limit": 1000},
        {"q": "panel", "offset": -1},
        {"q": "panel", "source_type": "podcast"},
        {"q": "panel", "date_from": "yesterday"},
        {"q": "panel", "offset": 20000},
        {"q": "panel", "date_from": "2024-01-01", "date_to": "2023-01-01"},
        {"q": "panel", "cursor": "@@@"},
        {},
    ],
)
async def test_bad_parameters_are_4xx(api, params):
    r = await api.get(f"{api.base}/search", params=params)
    assert 400 <= r.status_code < 500
    assert r.json()["detail"]


async def test_hits_carry_snippets_and_the_whole_text_only_when_asked(api):
    params = {"q": "board", "limit": 10}
    short = (await api.get(f"{api.base}/search", params=params)).json()
    full = (await api.get(f"{api.base}/search", params={**params, "full_text": True})).json()

    assert [h["passage"]["id"] for h in short["hits"]] == [h["passage"]["id"] for h in full["hits"]]
    for brief, whole in zip(short["hits"], full["hits"], strict=True):
        assert brief["passage"]["text"] is None
        assert brief["highlights"] and brief["highlights"] == whole["highlights"]
        text = whole["passage"]["text"]
        assert text and "<mark>board</mark>" in " ".join(whole["highlights"]).lower()
        snippet = brief["highlights"][0].replace("<mark>", "").replace("</mark>", "")
        assert snippet.strip(" …").split()[0] in text  # a snippet of that very text


async def test_a_proximity_the_engine_answers_otherwise_carries_its_caveat(api):
    """The tantivy engine matches a proximity of 3 words approximately (FTS5 exactly):
    the response says so wherever words were searched, the lexical mode and hybrid's
    lexical half; not in the semantic mode, which ranks by meaning alone."""
    q = '"individual funding requests"~3'
    for mode in ("lexical", "hybrid"):
        body = (await api.get(f"{api.base}/search", params={"q": q, "mode": mode})).json()
        assert body["mode"] == mode and body["total"] > 0
        if TEST_SEARCH == "tantivy":
            (caveat,) = body["caveats"]
            assert caveat.startswith(f"{q}: the tantivy search engine matches proximity")
        else:
            assert body["caveats"] == []
    semantic = (await api.get(f"{api.base}/search", params={"q": q, "mode": "semantic"})).json()
    assert semantic["caveats"] == []
    for exact in ('"individual funding"~3', '"individual funding requests"', "funding"):
        body = (await api.get(f"{api.base}/search", params={"q": exact})).json()
        assert body["caveats"] == [], exact
