"""Creating a project with its members in one request (the web app's New project form)."""

from tests.conftest import make_user, runtime_of


async def test_project_created_with_members_and_roles(client):
    rt = runtime_of(client)
    await make_user(rt, "ana@example.org")
    await make_user(rt, "ben@example.org")
    body = {
        "name": "ICS leadership",
        "members": [
            {"email": "ana@example.org", "role": "coder"},
            {"email": "BEN@example.org ", "role": "viewer"},
        ],
    }
    r = await client.post("/api/projects", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "ICS leadership" and r.json()["role"] == "admin"
    members = (await client.get(f"/api/projects/{r.json()['id']}/members")).json()
    roles = {m["email"]: m["role"] for m in members}
    assert roles == {
        "owner@example.org": "admin",
        "ana@example.org": "coder",
        "ben@example.org": "viewer",
    }


async def test_unknown_member_creates_nothing(client):
    await make_user(runtime_of(client), "ana@example.org")
    before = (await client.get("/api/projects")).json()
    body = {
        "name": "Half made",
        "members": [
            {"email": "ana@example.org", "role": "coder"},
            {"email": "nobody@example.org", "role": "coder"},
        ],
    }
    r = await client.post("/api/projects", json=body)
    assert r.status_code == 422
    assert "nobody@example.org" in r.json()["detail"]
    assert (await client.get("/api/projects")).json() == before


async def test_member_listed_twice_is_a_conflict(client):
    await make_user(runtime_of(client), "ana@example.org")
    one = {"email": "ana@example.org", "role": "coder"}
    r = await client.post("/api/projects", json={"name": "Twice", "members": [one, one]})
    assert r.status_code == 409 and "already a member" in r.json()["detail"]
    assert [p["name"] for p in (await client.get("/api/projects")).json()] == ["Study"]
