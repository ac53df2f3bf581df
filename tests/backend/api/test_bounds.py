"""Numbers in requests are bounded once for every route (issue 14 item 10): fuzzing
found `"version": -1e20` on theories and CMOCs answering 500 (a database overflow).
Every number in a JSON body must fit the database's integer, and the OpenAPI schema
says so for every request model; every numeric parameter declares its range."""

from __future__ import annotations

import io
import zipfile

import pytest

from backend.api.guards import MAX_NUMBER
from tests.conftest import signed_in


@pytest.fixture
async def api(settings):
    async with signed_in(settings) as c:
        yield c


async def _theory_and_cmoc(api) -> tuple[int, int]:
    theory = await api.post(f"{api.base}/theories", json={"statement": "Trust enables"})
    cmoc = await api.post(f"{api.base}/cmocs", json={"title": "Trust"})
    assert theory.status_code == cmoc.status_code == 201, (theory.text, cmoc.text)
    return theory.json()["id"], cmoc.json()["id"]


@pytest.mark.parametrize("number", [-1e20, 1e20, -(2**63), 2**64, 1e308])
async def test_absurd_versions_on_theories_and_cmocs_are_422(api, number):
    theory_id, cmoc_id = await _theory_and_cmoc(api)
    for path, body in (
        (f"/theories/{theory_id}", {"statement": "x", "version": number}),
        (f"/cmocs/{cmoc_id}", {"title": "x", "version": number}),
    ):
        r = await api.patch(api.base + path, json=body)
        assert r.status_code == 422, (path, number, r.text)
        (error,) = r.json()["detail"]
        assert error["loc"] == ["body", "version"] and "less than or equal" in error["msg"]


async def test_nested_and_non_finite_numbers_are_422_wherever_they_are(api):
    r = await api.post(
        f"{api.base}/cmocs",
        content=b'{"title": "x", "evidence": [{"annotation_id": NaN, "part": "context"}]}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "evidence", 0, "annotation_id"]
    r = await api.post(f"{api.base}/codes", json={"name": "x", "colour": "#aabbcc", "x": 1e30})
    assert r.status_code == 422


async def test_numbers_in_range_still_go_through(api):
    theory_id, _ = await _theory_and_cmoc(api)
    r = await api.patch(f"{api.base}/theories/{theory_id}", json={"statement": "y", "version": 1})
    assert r.status_code == 200, r.text


def _numeric(schema: dict) -> list[dict]:
    options = [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]
    return [s for s in options if s.get("type") in ("integer", "number")]


def _walk(node, components, seen, found) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, components, seen, found)
    elif isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                _walk(components[name], components, seen, found)
            return
        found.extend(_numeric(node))
        for value in node.values():
            _walk(value, components, seen, found)


async def test_every_number_the_api_accepts_has_a_declared_range(api):
    schema = (await api.get("/api/openapi.json")).json()
    components = schema["components"]["schemas"]
    unbounded = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            numbers: list[dict] = []
            for parameter in op.get("parameters", []):
                numbers += _numeric(parameter["schema"])
            for media in op.get("requestBody", {}).get("content", {}).values():
                _walk(media["schema"], components, set(), numbers)
            for number in numbers:
                low = number.get("minimum", number.get("exclusiveMinimum"))
                high = number.get("maximum", number.get("exclusiveMaximum"))
                if low is None or high is None or abs(low) > MAX_NUMBER or high > MAX_NUMBER:
                    unbounded.append((method, path, number))
    assert unbounded == []


async def test_a_file_answer_to_a_request_with_a_json_body_arrives_whole(api):
    """The JSON guard reads the body before the route does, then hands it on; it used to
    report the client gone right after, and a file or streamed answer stopped short."""
    r = await api.request("GET", f"{api.base}/exports", json={})
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as xlsx:  # a cut-off file does not open
        assert xlsx.testzip() is None
