"""Transcript speakers over the API: roles read from labels (and how), set by a researcher,
kept across versions, and search limited to one speaker role."""

import pytest

from backend.indexing.service import drain
from backend.ingest_jobs.worker import run_job
from tests.conftest import signed_in

TRANSCRIPT = (
    "Interview 4 - discharge lead\n\n"
    "Q: How did the budgets change?\n"
    "A: The budgets were pooled with the council.\n"
    "Q: And the budgets for staff?\n"
    "A: Staff budgets stayed with the trust.\n"
    "Mel: One more on budgets from me.\n"
    "Mel: Thanks.\n"
)


@pytest.fixture
async def api(settings):
    async with signed_in(settings) as c:
        yield c


async def _ingest(api, text: str) -> int:
    files = [("files", ("interview-4.txt", text.encode(), "text/plain"))]
    (job,) = (await api.post(f"{api.base}/ingest", files=files)).json()
    rt = api._transport.app.state.runtime
    done = await run_job(rt, job["id"])
    await drain(rt.sessions, rt.search)
    return done.document_id


async def _hits(api, **params) -> list[str]:
    r = await api.get(f"{api.base}/search", params={"q": "budgets", **params})
    assert r.status_code == 200, r.text
    return sorted(h["passage"]["speaker"] or "" for h in r.json()["hits"])


async def test_roles_from_labels_say_they_were_assumed(api):
    doc = await _ingest(api, TRANSCRIPT)
    speakers = (await api.get(f"{api.base}/documents/{doc}/speakers")).json()
    assert speakers == [
        {"speaker": "A", "role": "interviewee", "role_source": "convention", "turns": 2},
        {"speaker": "Mel", "role": None, "role_source": None, "turns": 2},
        {"speaker": "Q", "role": "interviewer", "role_source": "convention", "turns": 2},
    ]
    (version,) = (await api.get(f"{api.base}/documents/{doc}/versions")).json()
    assert "'Q' taken as interviewer" in version["message"]
    passages = (await api.get(f"{api.base}/documents/{doc}/passages")).json()
    turns = [(p["turn"], p["speaker"], p["line_start"]) for p in passages if p["turn"]]
    assert turns == [
        (1, "Q", 3),
        (2, "A", 4),
        (3, "Q", 5),
        (4, "A", 6),
        (5, "Mel", 7),
        (6, "Mel", 8),
    ]


async def test_search_by_speaker_role_and_a_role_set_by_hand(api):
    doc = await _ingest(api, TRANSCRIPT)
    assert await _hits(api, speaker_role="interviewee") == ["A", "A"]
    assert await _hits(api, speaker_role="interviewer") == ["Q", "Q"]
    r = await api.put(
        f"{api.base}/documents/{doc}/speakers", json={"speaker": "Mel", "role": "interviewer"}
    )
    assert r.status_code == 200
    assert {"speaker": "Mel", "role": "interviewer", "role_source": "user", "turns": 2} in r.json()
    await drain(api._transport.app.state.runtime.sessions, api._transport.app.state.runtime.search)
    assert await _hits(api, speaker_role="interviewer") == ["Mel", "Q", "Q"]
    # A new version of the file keeps the role the researcher set.
    await _ingest(api, TRANSCRIPT + "A: Budgets again, finally.\n")
    speakers = (await api.get(f"{api.base}/documents/{doc}/speakers")).json()
    assert {"speaker": "Mel", "role": "interviewer", "role_source": "user", "turns": 2} in speakers


async def test_bad_speaker_changes_are_4xx(api):
    doc = await _ingest(api, TRANSCRIPT)
    url = f"{api.base}/documents/{doc}/speakers"
    assert (await api.put(url, json={"speaker": "Nobody", "role": None})).status_code == 404
    bad_role = await api.put(url, json={"speaker": "Mel", "role": "chair"})
    assert bad_role.status_code == 422
    assert (
        await api.get(f"{api.base}/search", params={"q": "x", "speaker_role": "x"})
    ).status_code == 422
