"""Search modes on /api/projects/{id}/search over the ingested shared corpus: semantic
and hybrid rankings, relaxed word queries, filters, facets and their errors."""

import pytest

from tests.conftest import make_settings, signed_in


@pytest.fixture
async def api(corpus_settings):
    async with signed_in(corpus_settings) as c:
        yield c


async def _search(api, **params):
    return await api.get(f"{api.base}/search", params=params)


async def test_semantic_finds_a_paraphrase_lexical_misses(api):
    q = "what stops board members profiting from the decisions they make"
    strict = (await _search(api, q=q, mode="lexical")).json()
    assert strict["relaxed"] is True and strict["mode"] == "lexical"
    for mode in ("semantic", "hybrid"):
        body = (await _search(api, q=q, mode=mode, limit=10, full_text=True)).json()
        assert body["mode"] == mode and body["model"].startswith("all-MiniLM-L6-v2-int8@")
        texts = " ".join(h["passage"]["text"].lower() for h in body["hits"])
        assert "conflicts of interest" in texts or "conflict of interest" in texts


async def test_semantic_facets_count_the_candidates_and_filters_apply(api):
    body = (await _search(api, q="how long to wait for an answer", mode="semantic")).json()
    assert body["total"] == 100 and len(body["hits"]) == 20
    assert sum(f["count"] for f in body["facets"]["source_type"]) == body["total"]
    assert all(f["label"] for f in body["facets"]["document_id"])
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True)
    q = "how long to wait for an answer"
    policy = (await _search(api, q=q, mode="hybrid", document_type="policy")).json()
    assert policy["total"] > 0
    assert all(h["document"]["document_type"] == "policy" for h in policy["hits"])


async def test_pages_of_semantic_results_follow_each_other(api):
    q = "patients who are not like the others"
    first = (await _search(api, q=q, mode="hybrid", limit=5)).json()
    second = (await _search(api, q=q, mode="hybrid", limit=5, offset=5)).json()
    ids = [h["passage"]["id"] for h in first["hits"] + second["hits"]]
    assert len(set(ids)) == 10 and first["total"] == second["total"]


async def test_relaxed_only_for_plain_words(api):
    loose = (await _search(api, q="panel refuses exceptional funding harsh")).json()
    assert loose["relaxed"] is True and loose["total"] > 0
    assert "at least 3 of them" in loose["note"]
    exact = (await _search(api, q='"panel refuses exceptional funding harsh"')).json()
    assert exact["relaxed"] is False and exact["total"] == 0
    found = (await _search(api, q="individual funding")).json()
    assert found["relaxed"] is False and found["total"] > 3


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"mode": "semantic", "cursor": "abc"}, 400, "pages by offset"),
        ({"mode": "hybrid", "offset": 990, "limit": 20}, 400, "1000 passages deep"),
        ({"mode": "telepathic"}, 422, "lexical"),
    ],
)
async def test_bad_mode_requests_are_clear_4xx(api, params, status, says):
    r = await _search(api, q="funding", **params)
    assert r.status_code == status
    assert says in r.text


async def test_another_project_sees_none_of_these_passages(api):
    other = (await api.post("/api/projects", json={"name": "Elsewhere"})).json()["id"]
    r = await api.get(f"/api/projects/{other}/search", params={"q": "funding", "mode": "semantic"})
    assert r.status_code == 200 and r.json()["total"] == 0


async def test_semantic_off_is_503_and_lexical_still_works(corpus_settings):
    off = make_settings(
        corpus_settings.data_dir, corpus_settings.database_url, embedding_model="off"
    )
    async with signed_in(off) as api:
        r = await _search(api, q="funding", mode="semantic")
        assert r.status_code == 503 and "EMBEDDING_MODEL=off" in r.text
        assert (await _search(api, q="funding")).status_code == 200
        auto = await _search(api, q="funding", mode="auto")
        assert auto.status_code == 200 and auto.json()["mode"] == "lexical"


async def test_auto_is_hybrid_unless_a_cursor_pages_words(api):
    q = "what stops board members profiting from the decisions they make"
    auto = (await _search(api, q=q, mode="auto", limit=10)).json()
    hybrid = (await _search(api, q=q, mode="hybrid", limit=10)).json()
    assert auto["mode"] == "hybrid" and auto["hits"] == hybrid["hits"]
    assert (await _search(api, q=q)).json()["mode"] == "lexical"  # the API's default
    first = (await _search(api, q="funding", mode="lexical", limit=2)).json()
    paged = await _search(api, q="funding", mode="auto", cursor=first["next_cursor"])
    assert paged.status_code == 200 and paged.json()["mode"] == "lexical"


async def test_auto_keeps_an_exact_request_exact(api):
    # Quotes, operators and prefixes ask for exactly what they say: auto
    # answers them by words alone, so no passage without the phrase is added by meaning.
    for q in ['"individual funding"', "funding OR panel", "funding -panel", "fund*"]:
        r = await _search(api, q=q, mode="auto", limit=5)
        assert r.status_code == 200 and r.json()["mode"] == "lexical", q
    bad = await _search(api, q='"unclosed', mode="auto")
    assert bad.status_code == 400  # still the parser's message, not a mode's
