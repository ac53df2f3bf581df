"""A small realist study built through the API, shared by the analysis tests: the
four initial theories, the shared corpus plus a synthetic interview and
observation record, C/M/O codes, annotations, and CMOCs with stances."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backend.indexing.service import drain
from backend.ingest_jobs.worker import run_job
from tests.conftest import SHARED, runtime_of

FIXTURES = Path(__file__).parent / "fixtures"
THEORIES_CSV = SHARED / "initial-theories.csv"
INTERVIEW = FIXTURES / "interview-ics-leader-P3.txt"
OBSERVATION = FIXTURES / "observation-board-meeting.txt"


@dataclass
class Study:
    theories: dict[str, int] = field(default_factory=dict)  # framework -> id
    documents: dict[str, dict] = field(default_factory=dict)  # short name -> document
    codes: dict[str, int] = field(default_factory=dict)
    annotations: dict[str, dict] = field(default_factory=dict)
    cmocs: dict[str, dict] = field(default_factory=dict)


async def upload(api, path: Path, source_type: str, document_type: str) -> dict:
    r = await api.post(
        f"{api.base}/ingest",
        files=[("files", (path.name, path.read_bytes(), "text/plain"))],
        data={"source_type": source_type, "document_type": document_type},
    )
    assert r.status_code == 202, r.text
    rt = runtime_of(api)
    for job in r.json():
        await run_job(rt, job["id"])
    await drain(rt.sessions, rt.search)
    return await find_document(api, path.name)


async def find_document(api, needle: str) -> dict:
    docs = (await api.get(f"{api.base}/documents", params={"range": "[0,99]"})).json()
    return next(d for d in docs if needle in d["original_filename"])


async def text_of(api, document: dict) -> str:
    url = f"{api.base}/documents/{document['id']}/versions/{document['current_version_id']}"
    return (await api.get(url)).json()["text"]


async def annotate(api, document: dict, phrase: str, code_ids: list[int], memo=None) -> dict:
    """Code the first occurrence of `phrase` in the document's text."""
    text = await text_of(api, document)
    start = text.index(phrase)
    r = await api.post(
        f"{api.base}/annotations",
        json={
            "document_id": document["id"],
            "start": start,
            "end": start + len(phrase),
            "code_ids": code_ids,
            "memo": memo,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def code(api, name: str, kind: str) -> int:
    r = await api.post(f"{api.base}/codes", json={"name": name, "kind": kind})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def build(api) -> Study:
    s = Study()
    r = await api.post(
        f"{api.base}/theories/import",
        files={"file": ("initial-theories.csv", THEORIES_CSV.read_bytes(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    s.theories = {t["framework"]: t["id"] for t in r.json()["theories"]}
    s.documents["interview"] = await upload(api, INTERVIEW, "interview", "transcript")
    s.documents["observation"] = await upload(api, OBSERVATION, "observation", "field_notes")
    s.documents["policy"] = await find_document(api, "Commissioning-policy")
    s.documents["sop"] = await find_document(api, "Standard-operating")
    s.codes = {
        "single policy": await code(api, "Single system policy", "context"),
        "trust": await code(api, "Trust between partners", "mechanism"),
        "transparency": await code(api, "Transparent decision-making", "mechanism"),
        "consistency": await code(api, "Consistent decisions", "outcome"),
        "delay": await code(api, "Slower decisions", "outcome"),
    }
    await _annotate_all(api, s)
    await _cmocs(api, s)
    return s


async def _annotate_all(api, s: Study) -> None:
    c, d = s.codes, s.documents
    spans = {
        "interview trust": ("interview", "trust between the partners", ["trust"]),
        "interview slower": ("interview", "the process was slower than before", ["delay"]),
        "interview transparent": (
            "interview",
            "Being transparent about how and why decisions are made",
            ["transparency"],
        ),
        "observation trust": ("observation", "visible trust between the partner", ["trust"]),
        "observation timescales": (
            "observation",
            "most decisions were made within the published timescales",
            ["consistency"],
        ),
    }
    for key, (doc, phrase, codes) in spans.items():
        s.annotations[key] = await annotate(api, d[doc], phrase, [c[k] for k in codes], memo=key)
    policy_text = await text_of(api, d["policy"])
    phrase = _sentence_with(policy_text, "individual funding request")
    s.annotations["policy ifr"] = await annotate(api, d["policy"], phrase, [c["single policy"]])


def _sentence_with(text: str, needle: str) -> str:
    at = text.lower().index(needle)
    return text[at : at + 60]


async def _cmocs(api, s: Study) -> None:
    a, t = s.annotations, s.theories

    async def make(key, theory, title, evidence):
        body = {
            "title": title,
            "context": "One system-wide policy replaces three legacy policies",
            "mechanism_resource": "Leaders meet monthly and share financial risk openly",
            "mechanism_reasoning": "Partners trust each other and think about the population",
            "outcome": "Consistent, timely funding decisions",
            "status": "proposed",
            "theory_ids": [t[theory]],
            "evidence": [
                {"annotation_id": a[k]["id"], "part": part, "stance": stance}
                for k, part, stance in evidence
            ],
        }
        r = await api.post(f"{api.base}/cmocs", json=body)
        assert r.status_code == 201, r.text
        s.cmocs[key] = r.json()

    await make(
        "trust",
        "Relating & Communicating",
        "Trust makes a single policy work",
        [
            ("interview trust", "mechanism", "supports"),
            ("observation trust", "mechanism", "supports"),
            ("policy ifr", "context", "supports"),
        ],
    )
    await make(
        "timeliness",
        "Delivering",
        "Accountability for timescales",
        [
            ("observation timescales", "outcome", "supports"),
            ("interview slower", "outcome", "refutes"),
        ],
    )
    await make(
        "vision",
        "Being",
        "Transparency changes the conversation",
        [("interview transparent", "mechanism", "supports")],
    )
