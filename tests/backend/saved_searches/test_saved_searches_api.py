"""Saved searches: shared by the project, named uniquely, and refused clearly."""

import pytest

from tests.conftest import add_member, login, make_user, runtime_of


@pytest.fixture
async def api(client):
    return client


async def test_a_saved_search_is_shared_with_the_project(api):
    body = {
        "name": "Trust",
        "query": '"trust between" partners',
        "filters": {"source_type": ["interview"]},
    }
    r = await api.post(f"{api.base}/saved-searches", json=body)
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["query"] == body["query"] and saved["filters"] == body["filters"]
    rt = runtime_of(api)
    viewer = await make_user(rt, "viewer@example.org")
    await add_member(rt, api.pid, viewer, "viewer")
    await login(api, "viewer@example.org")
    r = await api.get(f"{api.base}/saved-searches")
    assert [s["name"] for s in r.json()] == ["Trust"]
    assert r.headers["content-range"] == "saved-searches 0-0/1"
    assert (await api.post(f"{api.base}/saved-searches", json={"name": "x"})).status_code == 403
    assert (await api.delete(f"{api.base}/saved-searches/{saved['id']}")).status_code == 403


async def test_names_are_unique_and_deletion_works(api):
    url = f"{api.base}/saved-searches"
    first = (await api.post(url, json={"name": "Vision", "query": "vision"})).json()
    r = await api.post(url, json={"name": "Vision", "query": "other"})
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    assert (await api.delete(f"{url}/{first['id']}")).status_code == 204
    assert (await api.get(url)).json() == []
    assert (await api.delete(f"{url}/{first['id']}")).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 201},
        {"name": "q", "query": "x" * 2001},
        {"name": "q", "filters": "not an object"},
        {"query": "no name"},
    ],
)
async def test_bad_saved_searches_are_422(api, body):
    r = await api.post(f"{api.base}/saved-searches", json=body)
    assert r.status_code == 422 and r.json()["detail"]


async def test_bad_list_requests_are_400(api):
    r = await api.get(f"{api.base}/saved-searches", params={"filter": '{"owner": 1}'})
    assert r.status_code == 400
    r = await api.get(f"{api.base}/saved-searches", params={"sort": '["filters","ASC"]'})
    assert r.status_code == 400
