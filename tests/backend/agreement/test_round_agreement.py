"""GET …/rounds/{r}/agreement through the API: alpha_u next to the passage-level
figures, and every disagreement with its text, each coder's version and a link."""

from __future__ import annotations

import pytest

from backend.agreement.unitizing import disagreement
from tests.team import Team


def _span(t: Team, phrase: str) -> tuple[int, int]:
    start = t.texts[t.ids["interview"]].index(phrase)
    return start, start + len(phrase)


async def test_round_agreement_and_disagreements(team: Team):
    t = team
    rnd = await t.open_round(["interview"], ["ann", "ben"])
    url = f"{t.base}/rounds/{rnd['id']}/agreement"
    same = "trust between the partners"
    await t.code(t.ann, "interview", same, ["Trust"])
    await t.code(t.ben, "interview", same, ["Trust"])
    await t.code(t.ann, "interview", "We have a single panel now", ["Single panel"])
    await t.code(t.ben, "interview", "We have a single panel", ["Single panel"])
    await t.code(t.ben, "interview", "Being transparent", ["Trust"])
    await t.code(t.ann, "interview", "Only that learning", ["Trust"])
    await t.code(t.ben, "interview", "Only that learning", ["Single panel"])

    r = await t.ann.get(url)
    assert r.status_code == 403 and "closed" in r.json()["detail"]  # Ann codes it blind
    assert (await t.owner.get(url)).status_code == 200  # the adjudicator watches progress
    assert (await t.owner.post(f"{t.base}/rounds/{rnd['id']}/close")).status_code == 200
    r = await t.ann.get(url)
    assert r.status_code == 200, r.text
    body = r.json()

    trust = next(c for c in body["codes"] if c["code_id"] == t.ids["Trust"])
    length = len(t.texts[t.ids["interview"]])
    ann = [_span(t, same), _span(t, "Only that learning")]
    ben = [_span(t, same), _span(t, "Being transparent")]
    expected = disagreement({"ann": ann, "ben": ben}, 0, length).alpha
    assert trust["unitizing_alpha"] == pytest.approx(expected)
    assert 0 < trust["unitizing_alpha"] < 1
    assert trust["alpha"] is not None  # the passage-level figure beside it
    assert trust["characters"] == {
        str(t.ids["ann"]): len(same) + len("Only that learning"),
        str(t.ids["ben"]): len(same) + len("Being transparent"),
    }
    # Three passages carry Trust for someone; the coders share one of them.
    assert trust["passages_used"] == 3 and trust["percent_agreement_where_used"] == 33.3
    assert "not comparable with alpha" in body["labels"]["percent_agreement_where_used"]
    assert body["unitizing_alpha"] is not None and body["alpha"] is not None

    kinds = {d["kind"]: d for d in body["disagreements"]}
    assert sorted(kinds) == ["boundaries", "codes", "unmatched"]  # the shared span agrees
    text = t.texts[t.ids["interview"]]
    for d in body["disagreements"]:
        assert d["text"] == text[d["start"] : d["end"]]
        assert d["reader_url"] == f"/read/{t.ids['interview']}?at={d['start']}&to={d['end']}"
    unmatched = kinds["unmatched"]
    assert unmatched["text"] == "Being transparent"
    by_coder = {c["coder_id"]: c["annotations"] for c in unmatched["codings"]}
    assert by_coder[t.ids["ann"]] == []
    assert by_coder[t.ids["ben"]][0]["code_ids"] == [t.ids["Trust"]]
    versions = {c["coder"]: c["annotations"][0]["code_ids"] for c in kinds["codes"]["codings"]}
    assert versions == {"ann": [t.ids["Trust"]], "ben": [t.ids["Single panel"]]}
    bounds = {c["coder"]: c["annotations"][0]["end"] for c in kinds["boundaries"]["codings"]}
    assert bounds["ann"] - bounds["ben"] == len(" now")
