"""Effective kinds (issue 13 item 10): a code without its own kind follows its parent's,
up the tree; the API gives both, exports and exchange files give the effective one."""

from __future__ import annotations

import pytest

from backend.codes.kinds import resolve
from backend.codes.models import CodeKind
from tests.conftest import signed_in


def test_resolve_climbs_to_the_nearest_set_kind() -> None:
    rows = [
        (1, None, "context"),
        (2, 1, None),  # follows 1
        (3, 2, None),  # follows 2, so 1
        (4, 2, "outcome"),  # its own
        (5, 4, None),  # follows 4
        (6, None, None),  # top level, unset: other
        (7, 99, None),  # parent not among the rows: other
        (8, 9, None),  # a cycle ends the climb
        (9, 8, None),
    ]
    got = resolve(rows)
    assert got == {
        1: CodeKind.context,
        2: CodeKind.context,
        3: CodeKind.context,
        4: CodeKind.outcome,
        5: CodeKind.outcome,
        6: CodeKind.other,
        7: CodeKind.other,
        8: CodeKind.other,
        9: CodeKind.other,
    }


@pytest.fixture
async def api(corpus_settings):
    async with signed_in(corpus_settings) as c:
        yield c


async def _code(api, name, **fields) -> dict:
    r = await api.post(f"{api.base}/codes", json={"name": name, **fields})
    assert r.status_code == 201, r.text
    return r.json()


async def _kinds(api) -> dict[str, tuple[str | None, str]]:
    r = await api.get(f"{api.base}/codes")
    assert r.status_code == 200, r.text
    return {c["name"]: (c["kind"], c["effective_kind"]) for c in r.json()}


async def test_a_child_follows_its_parent_s_kind_unless_set(api):
    trust = await _code(api, "Trust", kind="mechanism")
    await _code(api, "Reciprocity", parent_id=trust["id"])
    told = await _code(api, "Less waste", parent_id=trust["id"], kind="outcome")
    await _code(api, "Loose", kind=None)
    assert await _kinds(api) == {
        "Trust": ("mechanism", "mechanism"),
        "Reciprocity": (None, "mechanism"),
        "Less waste": ("outcome", "outcome"),
        "Loose": (None, "other"),
    }

    # The parent's kind changes: the child without its own follows, the other does not.
    r = await api.patch(f"{api.base}/codes/{trust['id']}", json={"kind": "context"})
    assert r.status_code == 200 and r.json()["effective_kind"] == "context", r.text
    got = await _kinds(api)
    assert got["Reciprocity"] == (None, "context") and got["Less waste"] == ("outcome", "outcome")

    # Unsetting a child's kind (null) makes it follow again; one code's GET says the same.
    r = await api.patch(f"{api.base}/codes/{told['id']}", json={"kind": None})
    assert r.status_code == 200 and (r.json()["kind"], r.json()["effective_kind"]) == (
        None,
        "context",
    )
    one = (await api.get(f"{api.base}/codes/{told['id']}")).json()
    assert one["effective_kind"] == "context"
    # A rename leaves the kind alone (absent is not null).
    r = await api.patch(f"{api.base}/codes/{trust['id']}", json={"name": "Trust in leaders"})
    assert r.json()["kind"] == "context"


async def test_exchange_files_carry_the_effective_kind(api):
    parent = await _code(api, "Context factors", kind="context")
    await _code(api, "Funding", parent_id=parent["id"])
    csv = (await api.get(f"{api.base}/codes/export", params={"format": "csv"})).text
    rows = [line.split(",") for line in csv.strip().splitlines()[1:]]
    assert {(r[0], r[1]) for r in rows} == {("Context factors", "context"), ("Funding", "context")}
