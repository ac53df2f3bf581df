"""Status codes declared once for every route (issue 14 item 14: the schema omitted 141
status codes, so schemathesis reported answers the schema never promised). Here every
route is called the ways that need no data (signed out; signed in with ids that do not
exist) and each answer must be one its operation declares, with the declared shape."""

from __future__ import annotations

import re

import pytest

from tests.conftest import app_client, signed_in

METHODS = ("get", "post", "put", "patch", "delete")
MISSING_ID = 2**31 - 1  # within the declared range, never a real row here


@pytest.fixture
async def schema(settings):
    async with app_client(settings) as http:
        yield (await http.get("/api/openapi.json")).json()


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def _url(path: str, project_id: int | None = None) -> str:
    path = path.replace("{project_id}", str(project_id or MISSING_ID))
    return re.sub(r"\{[^}]+\}", str(MISSING_ID), path)


def _undeclared(answers: list[tuple[str, str, dict, int]]) -> list[tuple[str, str, int]]:
    return [(m, p, status) for m, p, op, status in answers if str(status) not in op["responses"]]


def _streams(op: dict) -> bool:
    """The live event stream answers 200 and never ends: not a call to wait for here."""
    return "text/event-stream" in op["responses"].get("200", {}).get("content", {})


async def test_every_error_has_the_one_declared_shape(schema):
    assert schema["components"]["schemas"]["ErrorResponse"]["required"] == ["detail"]
    for method, path, op in _operations(schema):
        assert {"400", "413", "422"} <= set(op["responses"]), (method, path)
        for status, answer in op["responses"].items():
            if status >= "400":
                content = answer["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path)


async def test_what_each_route_depends_on_decides_its_statuses(schema):
    def declared(method: str, path: str) -> set[str]:
        return set(schema["paths"][path][method]["responses"])

    code = "/api/projects/{project_id}/codes/{code_id}"
    assert {"401", "403", "404", "409", "422"} <= declared("patch", code)
    assert "409" not in declared("get", code) and "403" not in declared("get", code)
    assert "503" in declared("get", "/api/projects/{project_id}/search")
    assert "401" not in declared("get", "/api/health")
    assert "429" in declared("post", "/api/auth/login")
    original = declared("get", "/api/projects/{project_id}/documents/{document_id}/original")
    assert "410" in original


async def test_signed_out_every_route_answers_a_declared_status(settings, schema):
    answers = []
    async with app_client(settings) as http:
        for method, path, op in _operations(schema):
            r = await http.request(method.upper(), _url(path), follow_redirects=False)
            answers.append((method, path, op, r.status_code))
    assert [a for a in answers if a[3] >= 500] == []
    assert _undeclared(answers) == []


async def test_signed_in_missing_ids_answer_a_declared_status(settings, schema):
    answers = []
    async with signed_in(settings) as api:
        for method, path, op in _operations(schema):
            if path.startswith("/api/auth/") or "{" not in path or _streams(op):
                continue  # signing out or in again is not what this test is about
            url = _url(path, api.pid)
            r = await api.request(method.upper(), url, json={}, follow_redirects=False)
            answers.append((method, path, op, r.status_code))
    assert [a for a in answers if a[3] >= 500] == []
    assert _undeclared(answers) == []


def _example(param: dict) -> str | None:
    examples = param.get("schema", {}).get("examples") or [None]
    return examples[0]


async def test_the_list_parameters_examples_are_accepted_on_every_list(settings, schema):
    """schemathesis sends the schema's examples first: an example the route refuses
    (`{"q":…}` where a list has no `q` filter) is the schema promising what is not so."""
    lists = [
        (path, {p["name"]: _example(p) for p in op.get("parameters", []) if p["in"] == "query"})
        for method, path, op in _operations(schema)
        if method == "get" and any(p["name"] == "filter" for p in op.get("parameters", []))
    ]
    assert len(lists) >= 8  # documents, annotations, audit, jobs, theories, CMOCs...
    refused = []
    async with signed_in(settings) as api:
        for path, params in lists:
            if re.search(r"\{(?!project_id\})", path):
                continue  # another id in the path: missing here, a 404 says nothing
            examples = {k: params[k] for k in ("sort", "range", "filter")}
            r = await api.get(_url(path, api.pid), params=examples)
            if r.status_code != 200:
                refused.append((path, r.status_code, r.text[:200]))
    assert refused == []


async def test_a_search_as_long_as_the_schema_allows_is_not_refused_for_length(settings, schema):
    q = next(
        p
        for p in schema["paths"]["/api/projects/{project_id}/search"]["get"]["parameters"]
        if p["name"] == "q"
    )
    longest = q["schema"]["maxLength"]
    async with signed_in(settings) as api:
        r = await api.get(f"{api.base}/search", params={"q": "needle " * (longest // 7)})
        assert r.status_code == 200, r.text
        r = await api.get(f"{api.base}/search", params={"q": "n" * (longest + 1)})
        assert r.status_code == 422


async def test_if_match_declares_the_quoted_version_the_api_reads(settings, schema):
    headers = [
        (path, p["schema"])
        for _, path, op in _operations(schema)
        for p in op.get("parameters", [])
        if p["in"] == "header" and p["name"].lower() == "if-match"
    ]
    assert len(headers) >= 8 and all(s["pattern"] == r'^(W/)?"[0-9]{1,9}"$' for _, s in headers)
    async with signed_in(settings) as api:
        theory = await api.post(f"{api.base}/theories", json={"statement": "Trust works"})
        url = f"{api.base}/theories/{theory.json()['id']}"
        for value, status in (('"1"', 200), ('W/"7"', 409), ("one", 400)):
            r = await api.patch(url, json={"framework": "F"}, headers={"If-Match": value})
            assert r.status_code == status, (value, r.text)


async def test_a_code_colour_declares_the_pattern_it_is_checked_against(settings, schema):
    for model in ("CodeCreate", "CodeUpdate"):
        colour = schema["components"]["schemas"][model]["properties"]["colour"]
        assert colour["pattern"] == "^#[0-9a-fA-F]{6}$"
    async with signed_in(settings) as api:
        r = await api.post(f"{api.base}/codes", json={"name": "Trust", "colour": "red"})
        assert r.status_code == 422 and "colour must look like #1f77b4" in r.text
        r = await api.post(f"{api.base}/codes", json={"name": "Trust", "colour": "#1F77B4"})
        assert r.status_code == 201 and r.json()["colour"] == "#1f77b4"
