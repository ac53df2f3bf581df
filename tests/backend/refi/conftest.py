"""A realist-analysis project built through the API on the shared corpus, and helpers to export
and import it as QDPX.

The project: a CMO codebook (with a sub-code, colours, an accented and emoji name and memo),
annotations by two coders on three corpus documents (memos with emoji, CRLF and accents; one
annotation with two codes, one without), one deleted annotation, two programme theories, two
CMOCs with theory links and evidence of each part and stance (one evidence note), and a small
text document with two versions whose first version keeps an orphaned annotation.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from backend.accounts.models import User
from backend.ingest_jobs.worker import run_job
from backend.refi.export import write_qdpx
from backend.triangulation.scope import Scope
from tests.conftest import SHARED, add_member, app_client, login, make_user, runtime_of, signed_in

PROJECT_XSD = SHARED / "schemas" / "refi-qda" / "Project-mrt2019.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CODER = "zoe@example.org"
NOTES_V1 = (
    "Field notes, ward visit.\n\nThe matron said the panel explains every decision.\n\n"
    "This sentence will be removed in the second version of the notes.\n\nClosing remarks."
)
NOTES_V2 = (
    "Field notes, ward visit (typed up).\n\nThe matron said the panel explains every decision."
    "\n\nClosing remarks."
)


@dataclass
class Built:
    api: object
    coder: object
    pid: int
    codes: dict[str, int] = field(default_factory=dict)
    annotations: list[dict] = field(default_factory=list)
    deleted: int = 0
    theories: dict[str, int] = field(default_factory=dict)
    cmocs: dict[str, dict] = field(default_factory=dict)


@pytest.fixture(scope="session")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD)))


@pytest.fixture
async def built(corpus_settings, tmp_path):
    async with signed_in(corpus_settings) as api:
        rt = runtime_of(api)
        coder_id = await make_user(rt, CODER)
        async with rt.sessions() as session:
            user = await session.get(User, coder_id)
            user.name = "Zoë Coder ✨"
            session.add(user)
            await session.commit()
        await add_member(rt, api.pid, coder_id, "coder")
        async with app_client(rt.settings) as coder:
            await login(coder, CODER)
            coder.base = api.base
            b = Built(api, coder, api.pid)
            await _build(b, tmp_path)
            yield b


async def _build(b: Built, tmp_path: Path) -> None:
    await _codebook(b)
    await _annotate_corpus(b)
    await _two_versions(b, tmp_path)
    await _theories_and_cmocs(b)


async def _codebook(b: Built) -> None:
    for name, kind, parent, extra in [
        ("Context", "context", None, {"colour": "#1F77B4"}),
        (
            "Rurality 🌾 — zone rurale",
            "context",
            "Context",
            {"definition": "Rural areas, far from a hospital.", "memo": "Ask Zoë: café?"},
        ),
        ("Trust", "mechanism", None, {"colour": "#2ca02c", "memo": "Reasoning, not resource"}),
        ("Approval", "outcome", None, {}),
        ("Misc", "other", None, {}),
    ]:
        body = {"name": name, "kind": kind, "parent_id": b.codes.get(parent), **extra}
        r = await b.api.post(f"{b.api.base}/codes", json=body)
        assert r.status_code == 201, r.text
        b.codes[name] = r.json()["id"]


async def documents(client) -> list[dict]:
    r = await client.get(f"{client.base}/documents", params={"sort": '["id","ASC"]'})
    assert r.status_code == 200, r.text
    return r.json()


async def _passages(client, doc_id: int, first: int, last: int) -> list[dict]:
    r = await client.get(
        f"{client.base}/documents/{doc_id}/passages",
        params={"range": f"[{first},{last}]", "sort": '["ordinal","ASC"]'},
    )
    return r.json()


async def annotate(client, doc_id, start, end, code_ids, memo=None) -> dict:
    body = {"document_id": doc_id, "start": start, "end": end, "code_ids": code_ids, "memo": memo}
    r = await client.post(f"{client.base}/annotations", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def _annotate_corpus(b: Built) -> None:
    c = b.codes
    plan = [  # (client, code names, memo)
        (b.api, ["Context"], "Clear context 👍"),
        (b.coder, ["Trust", "Approval"], "Line one\r\nline two — naïve café ☕"),
        (b.api, ["Rurality 🌾 — zone rurale"], None),
        (b.coder, [], ""),
        (b.api, ["Misc"], "  spaces kept  "),
        (b.coder, ["Trust"], "Trust 🤝"),
    ]
    docs = (await documents(b.api))[:3]
    for number, doc in enumerate(docs):
        found = await _passages(b.api, doc["id"], 2, 3)
        for i, passage in enumerate(found):
            client, names, memo = plan[(2 * number + i) % len(plan)]
            length = min(60 + 7 * i, passage["end"] - passage["start"])
            a = await annotate(
                client,
                doc["id"],
                passage["start"] + 3,
                passage["start"] + length,
                [c[n] for n in names],
                memo,
            )
            b.annotations.append(a)
    gone = await annotate(b.api, docs[0]["id"], 0, 20, [c["Trust"]], "deleted later")
    r = await b.api.delete(f"{b.api.base}/annotations/{gone['id']}", headers={"If-Match": '"1"'})
    assert r.status_code == 204, r.text
    b.deleted = gone["id"]


async def _ingest_text(b: Built, path: Path) -> int:
    r = await b.api.post(
        f"{b.api.base}/ingest",
        files=[("files", ("field-notes.txt", path.read_bytes(), "text/plain"))],
        data={"source_type": "observation", "organisation": "Ward 7 — Cheshire"},
    )
    assert r.status_code == 202, r.text
    job = await run_job(runtime_of(b.api), r.json()[0]["id"])
    assert job is not None and job.state == "done", job and job.error
    return job.document_id


async def _two_versions(b: Built, tmp_path: Path) -> None:
    path = tmp_path / "field-notes.txt"
    path.write_text(NOTES_V1, encoding="utf-8")
    doc_id = await _ingest_text(b, path)
    doc = (await b.api.get(f"{b.api.base}/documents/{doc_id}")).json()
    url = f"{b.api.base}/documents/{doc_id}/versions/{doc['current_version_id']}"
    text = (await b.api.get(url)).json()["text"]
    sentence = "The matron said the panel explains every decision."
    kept = text.index(sentence)
    removed = text.index("This sentence will be removed")
    trust = b.codes["Trust"]
    end = kept + len(sentence)
    b.annotations.append(await annotate(b.coder, doc_id, kept, end, [trust], "kept"))
    b.annotations.append(await annotate(b.api, doc_id, removed, removed + 60, [], "orphan"))
    path.write_text(NOTES_V2, encoding="utf-8")
    assert await _ingest_text(b, path) == doc_id


async def _theories_and_cmocs(b: Built) -> None:
    for key, body in {
        "relating": {
            "framework": "Leadership",
            "statement": "If leaders explain decisions, then staff trust the panel — ça marche.",
            "form": "if_then",
            "status": "initial",
        },
        "delivering": {"statement": "Delivering:\nfunding follows need.", "status": "refined"},
    }.items():
        r = await b.api.post(f"{b.api.base}/theories", json=body)
        assert r.status_code == 201, r.text
        b.theories[key] = r.json()["id"]
    a = [x["id"] for x in b.annotations]
    await _cmoc(
        b,
        "explain",
        ["relating", "delivering"],
        [
            (a[0], "context", "supports", ""),
            (a[1], "mechanism", "refutes", "Contradicts 🙃 the IFR policy"),
            (a[1], "outcome", "refines", ""),
        ],
    )
    await _cmoc(
        b,
        "fund",
        ["delivering"],
        [(a[2], "outcome", "supports", ""), (a[-2], "context", "refines", "")],
    )


async def _cmoc(b: Built, key: str, theories: list[str], evidence: list[tuple]) -> None:
    body = {
        "title": f"CMOC {key} — été",
        "context": "Rural ICS\nwith two hospitals",
        "mechanism_resource": "Panel letters",
        "mechanism_reasoning": "Staff feel heard 😊",
        "outcome": "Fewer appeals",
        "memo": "Line 1\n\n[Evidence Workbench CMOC]\nnot a real trailer",
        "status": "proposed",
        "theory_ids": [b.theories[t] for t in theories],
        "evidence": [
            {"annotation_id": i, "part": p, "stance": s, "note": n} for i, p, s, n in evidence
        ],
    }
    r = await b.coder.post(f"{b.api.base}/cmocs", json=body)
    assert r.status_code == 201, r.text
    b.cmocs[key] = r.json()


async def export(client, pid: int, scope: Scope | None = None, progress=None) -> bytes:
    out = io.BytesIO()
    async with runtime_of(client).sessions() as session:
        await write_qdpx(session, pid, scope or Scope(), out, progress)
    return out.getvalue()


def unpack(data: bytes) -> SimpleNamespace:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        qde = zf.read("project.qde")
        sources = {n: zf.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    return SimpleNamespace(names=names, qde=qde, root=etree.fromstring(qde), sources=sources)


def source_texts(pkg: SimpleNamespace) -> dict[str, str]:
    """TextSource GUID -> its text."""
    out = {}
    for source in pkg.root.iterfind("q:Sources/q:TextSource", NS):
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        out[source.get("guid")] = pkg.sources["sources/" + path.removeprefix("internal://")]
    return out


def normalised(pkg: SimpleNamespace) -> tuple[str, dict[str, str]]:
    """project.qde and the sources with every GUID replaced by its order of first appearance,
    and the project's own name and creation time blanked: what must survive a round trip."""
    names: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        return names.setdefault(match.group(), f"GUID-{len(names)}")

    root = etree.fromstring(pkg.qde)
    root.set("name", "-")
    root.set("creationDateTime", "-")
    text = GUID.sub(rename, etree.tostring(root, encoding="unicode"))
    sources = {GUID.sub(rename, name): body for name, body in pkg.sources.items()}
    return text, sources


async def new_project(client, name: str = "Imported") -> int:
    r = await client.post("/api/projects", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def upload(client, pid: int, data: bytes, name: str = "project.qdpx"):
    files = {"file": (name, data, "application/zip")}
    return await client.post(f"/api/projects/{pid}/qdpx", files=files)
