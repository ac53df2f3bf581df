"""Programme theories through the API: import of the study's initial theories, the
list protocol and its filters, edits with If-Match (the earlier wording and the
reason kept), soft delete and restore, roles, other projects, and bad input."""

import asyncio
import json

import pytest
from sqlmodel import col, select

from backend.events.models import Event
from backend.theories.models import MAX_STATEMENT
from tests.conftest import SHARED, add_member, app_client, login, make_user, runtime_of

INITIAL_THEORIES = SHARED / "initial-theories.csv"
FRAMEWORKS = ["Delivering", "Being", "Leading & Visioning", "Relating & Communicating"]


async def _import(client, name="initial-theories.csv", data=None, base=None):
    data = INITIAL_THEORIES.read_bytes() if data is None else data
    return await client.post(
        f"{base or client.base}/theories/import", files={"file": (name, data, "text/csv")}
    )


async def _create(client, statement="Leaders who listen build trust.", **fields):
    r = await client.post(f"{client.base}/theories", json={"statement": statement, **fields})
    assert r.status_code == 201, r.text
    return r.json()


async def _list(client, filters=None, **params):
    if filters is not None:
        params["filter"] = json.dumps(filters)
    return await client.get(f"{client.base}/theories", params=params)


async def _events(client, kind_prefix="theory."):
    async with runtime_of(client).sessions() as session:
        stmt = (
            select(Event)
            .where(Event.project_id == client.pid, col(Event.kind).startswith(kind_prefix))
            .order_by(Event.id)
        )
        return [(e.kind, e.entity_id, e.payload) for e in (await session.exec(stmt)).all()]


async def test_import_of_the_initial_theories(client):
    r = await _import(client)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["created"] == 4
    theories = body["theories"]
    assert [t["framework"] for t in theories] == FRAMEWORKS
    assert all(t["status"] == "initial" and t["form"] == "free" for t in theories)
    assert all(t["version"] == 1 and t["cmoc_ids"] == [] for t in theories)
    assert all(t["project_id"] == client.pid and t["deleted_at"] is None for t in theories)
    assert theories[1]["statement"].startswith("Effective Integrated Care System Leaders")

    r = await _list(client)
    assert r.status_code == 200
    assert r.headers["content-range"] == "theories 0-3/4"
    assert [t["id"] for t in r.json()] == [t["id"] for t in theories]

    history = (await client.get(f"{client.base}/theories/{theories[0]['id']}/history")).json()
    assert [(h["action"], h["version"]) for h in history] == [("import", 1)]
    assert history[0]["state"]["statement"] == theories[0]["statement"]
    assert history[0]["state"]["framework"] == "Delivering"
    events = await _events(client)
    assert [(k, e) for k, e, _ in events] == [("theory.import", t["id"]) for t in theories]


async def test_import_of_markdown(client):
    text = b"# Being\n\n- Leaders are curious.\n- Leaders reflect.\n\n# Delivering\nThey act.\n"
    r = await _import(client, "theories.md", text)
    assert r.status_code == 201, r.text
    assert [(t["framework"], t["statement"]) for t in r.json()["theories"]] == [
        ("Being", "Leaders are curious."),
        ("Being", "Leaders reflect."),
        ("Delivering", "They act."),
    ]


@pytest.mark.parametrize(
    ("name", "data", "status", "fragment"),
    [
        (
            "t.csv",
            b"framework_heading,theory_statement,status\nBeing,x,initial\nA,y,maybe\n",
            400,
            "line 3: status",
        ),
        ("t.csv", "theory_statement\nÉtre\n".encode("utf-16"), 400, "UTF-8"),
        ("t.csv", b"theory_statement\na\x00b\n", 400, "NUL"),
        ("t.csv", b"heading,notes\nBeing,x\n", 400, "theory_statement"),
        ("t.csv", b"", 400, "theory_statement"),
        ("t.md", b"\n\n", 400, "no theories"),
        ("theories.pdf", b"%PDF-1.4", 400, ".csv"),
        ("t.csv", b"theory_statement\n" + b"x" * (2 * 2**20), 413, "2 MB"),
    ],
)
async def test_bad_theory_files_are_refused_and_nothing_is_stored(
    client, name, data, status, fragment
):
    r = await _import(client, name, data)
    assert r.status_code == status, r.text
    assert fragment in r.json()["detail"]
    assert (await _list(client)).json() == []
    assert await _events(client) == []


async def test_import_without_a_file_is_422(client):
    r = await client.post(f"{client.base}/theories/import", data={"other": "x"})
    assert r.status_code == 422


async def test_list_filters_sort_and_range(client):
    imported = (await _import(client)).json()["theories"]
    ids = [t["id"] for t in imported]
    extra = await _create(
        client,
        "Trust grows when leaders LISTEN.",
        framework="Being",
        status="supported",
        form="if_then",
    )

    async def listed(filters=None, **params):
        r = await _list(client, filters, **params)
        assert r.status_code == 200, r.text
        return [t["id"] for t in r.json()], r.headers["content-range"]

    assert await listed({"status": "supported"}) == ([extra["id"]], "theories 0-0/1")
    assert await listed({"status": ["initial", "supported"]}) == (
        [*ids, extra["id"]],
        "theories 0-4/5",
    )
    assert await listed({"framework": "Being"}) == ([ids[1], extra["id"]], "theories 0-1/2")
    assert await listed({"framework": ["Delivering", "Relating & Communicating"]}) == (
        [ids[0], ids[3]],
        "theories 0-1/2",
    )
    assert await listed({"framework": "being"}) == ([], "theories 0-0/0")  # exact heading
    # q looks in statement and framework, ignoring case.
    assert await listed({"q": "listen"}) == ([extra["id"]], "theories 0-0/1")
    assert await listed({"q": "visioning"}) == ([ids[2]], "theories 0-0/1")
    assert await listed({"q": "mutual accountability"}) == ([ids[2]], "theories 0-0/1")
    assert await listed({"q": "no such words"}) == ([], "theories 0-0/0")
    assert await listed({"q": "Effective", "framework": "Being", "status": "initial"}) == (
        [ids[1]],
        "theories 0-0/1",
    )
    assert await listed(range="[1,2]") == (ids[1:3], "theories 1-2/5")
    assert await listed(sort='["id","DESC"]', range="[0,1]") == (
        [extra["id"], ids[3]],
        "theories 0-1/5",
    )
    framework_order, _ = await listed(sort='["framework","ASC"]')
    assert framework_order == [ids[1], extra["id"], ids[0], ids[2], ids[3]]


async def test_q_is_taken_literally(client):
    pct = await _create(client, "Uptake rose by 100% in a_b wards.", framework="C:\\path")
    other = await _create(client, "Uptake rose by 1000 in axb wards.")
    for needle, expected in [
        ("100%", [pct["id"]]),
        ("%", [pct["id"]]),
        ("a_b", [pct["id"]]),
        ("_", [pct["id"]]),
        ("C:\\path", [pct["id"]]),
        ("axb", [other["id"]]),
        ("uptake", [pct["id"], other["id"]]),
    ]:
        r = await _list(client, {"q": needle})
        assert [t["id"] for t in r.json()] == expected, needle


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"filter": '{"colour":"red"}'}, "unknown filter 'colour'"),
        ({"filter": '{"status":"proven"}'}, "unknown status"),
        ({"filter": '{"status":[]}'}, "unknown status"),
        ({"filter": '{"framework":""}'}, "filter 'framework' takes text"),
        ({"filter": '{"q":""}'}, "filter 'q' takes text"),
        ({"filter": '{"q":["a", 1]}'}, "filter 'q' takes text"),
        ({"filter": "{not json"}, "'filter' must be JSON"),
        ({"sort": '["statement","ASC"]'}, "cannot sort by 'statement'"),
        ({"range": "[5,1]"}, "first <= last"),
    ],
)
async def test_bad_list_requests_are_400_with_a_message(client, params, fragment):
    await _create(client)
    r = await client.get(f"{client.base}/theories", params=params)
    assert r.status_code == 400, r.text
    assert fragment in r.json()["detail"]


async def test_unknown_status_message_lists_the_allowed_ones(client):
    r = await _list(client, {"status": "proven"})
    assert r.status_code == 400
    assert all(s in r.json()["detail"] for s in ("initial", "refined", "supported", "refuted"))


async def test_create_and_read(client):
    r = await client.post(
        f"{client.base}/theories",
        json={
            "framework": "  Being  ",
            "statement": "  If leaders listen, then staff speak up, because they feel safe. ",
            "form": "if_then",
            "status": "refined",
        },
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    t = r.json()
    assert t["framework"] == "Being"
    assert t["statement"] == "If leaders listen, then staff speak up, because they feel safe."
    assert (t["form"], t["status"], t["version"]) == ("if_then", "refined", 1)
    assert t["created_by"] is not None and t["cmoc_ids"] == []
    r = await client.get(f"{client.base}/theories/{t['id']}")
    assert r.status_code == 200 and r.headers["etag"] == '"1"'
    assert r.json() == t
    history = (await client.get(f"{client.base}/theories/{t['id']}/history")).json()
    assert [(h["action"], h["reason"]) for h in history] == [("create", None)]
    assert history[0]["user_id"] == t["created_by"]
    assert history[0]["state"] == {
        "framework": "Being",
        "statement": t["statement"],
        "form": "if_then",
        "status": "refined",
        "deleted": False,
    }
    assert await _events(client) == [("theory.create", t["id"], {"version": 1})]


async def test_unicode_and_the_longest_statement_round_trip(client):
    longest = "é" * (MAX_STATEMENT - 3) + "🙂ok"
    t = await _create(client, longest, framework="Relating & Communicating — 関係")
    got = (await client.get(f"{client.base}/theories/{t['id']}")).json()
    assert got["statement"] == longest and len(got["statement"]) == MAX_STATEMENT
    assert got["framework"] == "Relating & Communicating — 関係"


async def test_edits_need_the_version_and_keep_the_earlier_wording_and_reason(client):
    t = await _create(client, "Leaders listen.", framework="Being")
    url = f"{client.base}/theories/{t['id']}"

    r = await client.patch(url, json={"statement": "Leaders listen carefully."})
    assert r.status_code == 428
    assert 'If-Match: "<version>"' in r.json()["detail"]

    r = await client.patch(
        url,
        json={"statement": "Leaders listen carefully.", "reason": "interviews 3 and 7"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    assert r.json()["statement"] == "Leaders listen carefully." and r.json()["version"] == 2
    assert r.json()["framework"] == "Being"  # fields not sent are left alone

    # A stale edit: 409 with the winner's state, and nothing is overwritten.
    r = await client.patch(url, json={"statement": "Mine."}, headers={"If-Match": '"1"'})
    assert r.status_code == 409
    assert r.headers["etag"] == '"2"'
    assert "someone else changed this theory" in r.json()["detail"]
    current = r.json()["current"]
    assert current["statement"] == "Leaders listen carefully." and current["version"] == 2
    assert current["id"] == t["id"] and current["cmoc_ids"] == []
    assert (await client.get(url)).json()["statement"] == "Leaders listen carefully."

    # The version may come in the body; a weak ETag works too.
    r = await client.patch(url, json={"status": "supported", "version": 2})
    assert r.status_code == 200 and r.json()["version"] == 3
    r = await client.patch(
        url, json={"reason": "only a reason", "form": "cmo"}, headers={"If-Match": 'W/"3"'}
    )
    assert r.status_code == 200 and r.json()["version"] == 4
    assert r.json()["statement"] == "Leaders listen carefully."

    history = (await client.get(f"{url}/history")).json()
    assert [(h["action"], h["version"]) for h in history] == [
        ("create", 1),
        ("update", 2),
        ("update", 3),
        ("update", 4),
    ]
    assert [h["state"]["statement"] for h in history] == [
        "Leaders listen.",
        "Leaders listen carefully.",
        "Leaders listen carefully.",
        "Leaders listen carefully.",
    ]
    assert [h["reason"] for h in history] == [None, "interviews 3 and 7", None, "only a reason"]
    assert [h["state"]["status"] for h in history] == [
        "initial",
        "initial",
        "supported",
        "supported",
    ]
    assert history[3]["state"]["form"] == "cmo"
    assert await _events(client) == [
        ("theory.create", t["id"], {"version": 1}),
        ("theory.update", t["id"], {"version": 2}),
        ("theory.update", t["id"], {"version": 3}),
        ("theory.update", t["id"], {"version": 4}),
    ]


@pytest.mark.parametrize(
    ("if_match", "fragment"),
    [("abc", "If-Match"), ('"-1"', "If-Match"), ('"1.0"', "If-Match"), ('"9999999999"', "")],
)
async def test_a_bad_if_match_is_400(client, if_match, fragment):
    t = await _create(client)
    r = await client.patch(
        f"{client.base}/theories/{t['id']}", json={"statement": "x"}, headers={"If-Match": if_match}
    )
    assert r.status_code == 400, r.text
    assert fragment in r.json()["detail"]
    assert (await client.get(f"{client.base}/theories/{t['id']}")).json()["version"] == 1


async def test_a_future_version_is_a_conflict_too(client):
    t = await _create(client)
    r = await client.patch(
        f"{client.base}/theories/{t['id']}", json={"statement": "x"}, headers={"If-Match": '"7"'}
    )
    assert r.status_code == 409 and r.json()["current"]["version"] == 1


async def test_simultaneous_edits_of_one_version_let_exactly_one_through(client):
    t = await _create(client, "Original.")
    url = f"{client.base}/theories/{t['id']}"
    answers = await asyncio.gather(
        *(
            client.patch(url, json={"statement": f"Edit {i}."}, headers={"If-Match": '"1"'})
            for i in range(5)
        )
    )
    codes = sorted(r.status_code for r in answers)
    assert codes == [200, 409, 409, 409, 409], [r.text for r in answers]
    (winner,) = [r.json() for r in answers if r.status_code == 200]
    assert all(
        r.json()["current"]["statement"] == winner["statement"]
        for r in answers
        if r.status_code == 409
    )
    history = (await client.get(f"{url}/history")).json()
    assert [h["version"] for h in history] == [1, 2]
    assert (await client.get(url)).json()["statement"] == winner["statement"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"statement": ""}, "statement"),
        ({"statement": "   \n\t "}, "statement"),
        ({"statement": "x" * (MAX_STATEMENT + 1)}, "statement"),
        ({"statement": "Fine.", "status": "proven"}, "status"),
        ({"statement": "Fine.", "form": "poem"}, "form"),
        ({"statement": "Fine.", "framework": "h" * 301}, "framework"),
        ({"statement": 42}, "statement"),
        ({"framework": "Being"}, "statement"),
    ],
)
async def test_bad_theories_are_refused(client, body, fragment):
    r = await client.post(f"{client.base}/theories", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail and fragment in json.dumps(detail)
    assert (await _list(client)).json() == []
    assert await _events(client) == []


async def test_nul_in_a_statement_is_refused(client):
    r = await client.post(f"{client.base}/theories", json={"statement": "a\u0000b"})
    assert r.status_code == 400 and "NUL" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"statement": ""}, "statement"),
        ({"statement": "    "}, "statement"),
        ({"statement": "x" * (MAX_STATEMENT + 1)}, "statement"),
        ({"status": "proven"}, "status"),
        ({"reason": "r" * 5_001}, "reason"),
        ({"version": "two"}, "version"),
        ({"version": 2**64}, "version"),  # once an OverflowError (500) on SQLite
    ],
)
async def test_bad_edits_are_refused_and_change_nothing(client, body, fragment):
    t = await _create(client, "Unchanged.")
    url = f"{client.base}/theories/{t['id']}"
    r = await client.patch(url, json=body, headers={"If-Match": '"1"'})
    assert r.status_code == 422, r.text
    assert fragment in json.dumps(r.json()["detail"])
    got = (await client.get(url)).json()
    assert (got["statement"], got["version"]) == ("Unchanged.", 1)
    assert len((await client.get(f"{url}/history")).json()) == 1


async def test_soft_delete_and_restore(client):
    keep = await _create(client, "Kept.")
    t = await _create(client, "Dropped.")
    url = f"{client.base}/theories/{t['id']}"

    r = await client.delete(url, headers={"If-Match": '"5"'})
    assert r.status_code == 409 and r.json()["current"]["deleted_at"] is None
    assert (await client.delete(url, headers={"If-Match": '"1"'})).status_code == 204
    assert [x["id"] for x in (await _list(client)).json()] == [keep["id"]]
    r = await _list(client, {"deleted": True})
    assert [x["id"] for x in r.json()] == [t["id"]]
    assert r.headers["content-range"] == "theories 0-0/1"
    got = (await client.get(url)).json()
    assert got["deleted_at"] is not None and got["version"] == 2

    # A deleted theory cannot be edited; deleting it again changes nothing.
    r = await client.patch(url, json={"statement": "Edited."}, headers={"If-Match": '"2"'})
    assert r.status_code == 409 and "restore it first" in r.json()["detail"]
    assert (await client.delete(url)).status_code == 204
    assert (await client.get(url)).json()["version"] == 2

    r = await client.post(f"{url}/restore")
    assert r.status_code == 200
    assert r.json()["deleted_at"] is None and r.json()["version"] == 3
    assert r.json()["statement"] == "Dropped."
    assert {x["id"] for x in (await _list(client)).json()} == {keep["id"], t["id"]}
    history = (await client.get(f"{url}/history")).json()
    assert [(h["action"], h["state"]["deleted"]) for h in history] == [
        ("create", False),
        ("delete", True),
        ("restore", False),
    ]
    kinds = [(k, e) for k, e, _ in await _events(client) if e == t["id"]]
    assert kinds == [
        ("theory.create", t["id"]),
        ("theory.delete", t["id"]),
        ("theory.restore", t["id"]),
    ]

    # Delete without If-Match takes the current version.
    assert (await client.delete(url)).status_code == 204
    assert (await client.get(url)).json()["version"] == 4


async def test_viewers_read_but_cannot_write(client):
    rt = runtime_of(client)
    viewer = await make_user(rt, "viewer@example.org")
    await add_member(rt, client.pid, viewer, "viewer")
    t = await _create(client, "Leaders listen.")
    url = f"{client.base}/theories/{t['id']}"
    async with app_client(rt.settings) as v:
        await login(v, "viewer@example.org")
        assert (await v.get(f"{client.base}/theories")).json()[0]["id"] == t["id"]
        assert (await v.get(url)).status_code == 200
        assert (await v.get(f"{url}/history")).status_code == 200
        writes = [
            await v.post(f"{client.base}/theories", json={"statement": "Mine."}),
            await v.patch(url, json={"statement": "Mine."}, headers={"If-Match": '"1"'}),
            await v.delete(url, headers={"If-Match": '"1"'}),
            await v.post(f"{url}/restore"),
            await _import(v, base=client.base),
        ]
        for r in writes:
            assert r.status_code == 403, r.text
            assert "coder role" in r.json()["detail"]
    got = (await client.get(url)).json()
    assert (got["statement"], got["version"], got["deleted_at"]) == ("Leaders listen.", 1, None)
    assert len((await _list(client)).json()) == 1


async def test_coders_may_write(client):
    rt = runtime_of(client)
    coder = await make_user(rt, "coder@example.org")
    await add_member(rt, client.pid, coder, "coder")
    async with app_client(rt.settings) as c:
        await login(c, "coder@example.org")
        r = await c.post(f"{client.base}/theories", json={"statement": "A coder's theory."})
        assert r.status_code == 201 and r.json()["created_by"] == coder
        r = await c.patch(
            f"{client.base}/theories/{r.json()['id']}",
            json={"status": "refined", "reason": "new data"},
            headers={"If-Match": '"1"'},
        )
        assert r.status_code == 200


async def test_other_projects_theories_are_not_found(client):
    other = (await client.post("/api/projects", json={"name": "Other"})).json()
    other_base = f"/api/projects/{other['id']}"
    foreign = (await client.post(f"{other_base}/theories", json={"statement": "Elsewhere."})).json()
    url = f"{client.base}/theories/{foreign['id']}"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(f"{url}/history")).status_code == 404
    r = await client.patch(url, json={"statement": "Hijack."}, headers={"If-Match": '"1"'})
    assert r.status_code == 404 and "not found" in r.json()["detail"]
    assert (await client.delete(url)).status_code == 404
    assert (await client.post(f"{url}/restore")).status_code == 404
    assert (await _list(client)).json() == []
    got = (await client.get(f"{other_base}/theories/{foreign['id']}")).json()
    assert (got["statement"], got["version"], got["deleted_at"]) == ("Elsewhere.", 1, None)

    # Someone who is not a member of the project does not learn it exists.
    rt = runtime_of(client)
    await make_user(rt, "stranger@example.org")
    async with app_client(rt.settings) as s:
        await login(s, "stranger@example.org")
        assert (await s.get(f"{other_base}/theories")).status_code == 404
        assert (await s.get(f"{other_base}/theories/{foreign['id']}")).status_code == 404
        r = await s.post(f"{other_base}/theories", json={"statement": "x"})
        assert r.status_code == 404


@pytest.mark.parametrize(("theory_id", "status"), [(0, 422), (2**31, 422), (987654, 404)])
async def test_unknown_theory_ids(client, theory_id, status):
    r = await client.get(f"{client.base}/theories/{theory_id}")
    assert r.status_code == status


async def test_signed_out_callers_are_refused(client):
    client.cookies.clear()
    r = await client.get(f"{client.base}/theories")
    assert r.status_code == 401


async def test_importing_again_matches_theories_by_statement(client):
    """Issue 13 item 10: a second import of the same file creates nothing; a file that
    changes a known theory's framework or status updates it (a new version), and one
    whose statements differ only in case and spacing matches too."""
    first = (await _import(client)).json()
    assert (first["created"], first["updated"], first["unchanged"]) == (4, 0, 0)
    again = await _import(client)
    assert again.status_code == 201, again.text
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        0,
        4,
    )
    assert len((await _list(client)).json()) == 4

    known = first["theories"][0]
    shouted = "  ".join(known["statement"].upper().split())
    data = (
        "framework_heading,theory_statement,status\n"
        f'Renamed heading,"{shouted}",refined\n'
        "New heading,Leaders who listen build trust.,\n"
    ).encode()
    r = await _import(client, "changes.csv", data)
    body = r.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0), body
    theories = {t["id"]: t for t in (await _list(client)).json()}
    assert len(theories) == 5
    changed = theories[known["id"]]
    assert (changed["framework"], changed["status"], changed["version"]) == (
        "Renamed heading",
        "refined",
        2,
    )
    assert changed["statement"] == known["statement"]  # the wording stays as it was
