"""Declarative list filters (backend/api/filters.py): values parsed once for every route
(booleans from JSON or text, LIKE taken literally), an `id` filter on every list route,
and react-admin's getMany never cut short."""

import json

import pytest
from fastapi import HTTPException

from backend.api.filters import Filter, Filters, choice, date, flag, ids, literal_like, texts
from backend.api.listing import MAX_ID, MAX_PAGE
from backend.theories.models import TheoryStatus
from tests.conftest import signed_in


def _q(**params):
    return {k: json.dumps(v) for k, v in params.items()}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), ("true", True), ("1", True), (1, True), ([False], False)]
    + [(False, False), ("false", False), ("0", False), (0, False)],
)
def test_flags_are_read_from_json_or_text(raw, expected):
    assert flag("orphaned", raw) is expected


@pytest.mark.parametrize("raw", ["yes", "", None, 2, 1.0, [True, False], "False "])
def test_anything_else_is_not_a_flag(raw):
    with pytest.raises(HTTPException) as caught:
        flag("orphaned", raw)
    assert caught.value.status_code == 400 and "true or false" in caught.value.detail


@pytest.mark.parametrize(
    ("parse", "raw"),
    [(ids, [1, "2"]), (ids, 0), (ids, True), (ids, MAX_ID + 1), (ids, [])]
    + [(texts, ""), (texts, 3), (texts, "x" * 501), (date, "soon")]
    + [(choice(TheoryStatus), "maybe"), (choice(TheoryStatus), [])],
)
def test_bad_values_are_400_naming_the_filter(parse, raw):
    with pytest.raises(HTTPException) as caught:
        parse("field", raw)
    assert caught.value.status_code == 400 and "field" in caught.value.detail


def test_like_patterns_take_the_text_literally():
    assert literal_like("50%_a\\b") == "%50\\%\\_a\\\\b%"


def test_a_route_cannot_leave_out_the_id_filter_or_misdeclare_one():
    with pytest.raises(ValueError, match="'id' filter"):
        Filters(Filter("q", texts, "contains", "title"))
    with pytest.raises(ValueError, match="custom"):
        Filter("x", ids, "custom")
    with pytest.raises(ValueError, match="custom"):
        Filter("x", ids, "in")


async def test_unknown_filters_are_400_listing_the_known_ones():
    declared = Filters(Filter("id", ids, "in", "id"), Filter("q", texts, "contains", "t"))
    with pytest.raises(HTTPException) as caught:
        await declared.where({"colour": "red"})
    assert caught.value.detail == "unknown filter 'colour'; use one of: id, q"


async def test_saved_searches_match_names_literally(client):
    url = f"{client.base}/saved-searches"
    for name in ("50% done", "500 done", "a_b", "axb"):
        assert (await client.post(url, json={"name": name})).status_code == 201
    found = await client.get(url, params=_q(filter={"q": "50%"}))
    assert [s["name"] for s in found.json()] == ["50% done"]
    found = await client.get(url, params=_q(filter={"q": "A_B"}))
    assert [s["name"] for s in found.json()] == ["a_b"]


async def test_false_written_as_text_filters_false(client):
    url = f"{client.base}/theories"
    made = [(await client.post(url, json={"statement": f"T{i}"})).json() for i in range(2)]
    gone = made[0]
    r = await client.delete(f"{url}/{gone['id']}", headers={"If-Match": f'"{gone["version"]}"'})
    assert r.status_code == 204, r.text
    live = (await client.get(url, params=_q(filter={"deleted": "false"}))).json()
    deleted = (await client.get(url, params=_q(filter={"deleted": "true"}))).json()
    assert [t["id"] for t in live] == [made[1]["id"]]
    assert [t["id"] for t in deleted] == [gone["id"]]


async def test_get_many_past_the_page_cap_answers_every_record(client):
    rows = "statement\n" + "".join(f"Theory {i}\n" for i in range(MAX_PAGE + 20))
    r = await client.post(
        f"{client.base}/theories/import", files={"file": ("t.csv", rows.encode(), "text/csv")}
    )
    assert r.status_code == 201, r.text
    wanted = [t["id"] for t in r.json()["theories"]]
    params = _q(filter={"id": wanted}, range=[0, len(wanted) - 1])
    r = await client.get(f"{client.base}/theories", params=params)
    assert [t["id"] for t in r.json()] == wanted
    total = len(wanted)
    assert r.headers["content-range"] == f"theories 0-{total - 1}/{total}"
    r = await client.get(f"{client.base}/theories", params=_q(range=[0, len(wanted) - 1]))
    assert len(r.json()) == MAX_PAGE  # without ids the page stays capped


async def _list_routes(api) -> list[str]:
    """Every GET route of the app that takes react-admin's `filter` parameter."""
    schema = (await api.get("/api/openapi.json")).json()
    return [
        path
        for path, ops in schema["paths"].items()
        if any(p["name"] == "filter" for p in ops.get("get", {}).get("parameters", []))
    ]


async def test_every_list_route_takes_an_id_filter(corpus_settings):
    async with signed_in(corpus_settings) as api:
        me = (await api.get("/api/auth/me")).json()
        document = (await api.get(f"{api.base}/documents")).json()[0]
        given = {"project_id": api.pid, "document_id": document["id"], "user_id": me["user"]["id"]}
        routes = await _list_routes(api)
        assert len(routes) >= 9, routes
        for route in routes:
            url = route.format(**given)
            nothing = await api.get(url, params=_q(filter={"id": [MAX_ID]}))
            assert nothing.status_code == 200, (route, nothing.text)
            if isinstance(nothing.json(), list):
                assert nothing.json() == [], route
