"""A generated realist-analysis project for the analysis benchmarks: documents
with versions and passages, codes, annotations, theories and CMOCs with
stance-typed evidence. Rows go in with bulk INSERTs; the text is random but
every annotation's `exact` is its document's text at its range, as the app
guarantees. Seeded: the same arguments give the same project.
"""

from __future__ import annotations

import random

from sqlalchemy import insert

from backend.accounts.models import UserCreate
from backend.accounts.service import create_user
from backend.annotations.models import Annotation, AnnotationCode
from backend.cmocs.models import Cmoc, CmocEvidence, CmocTheory
from backend.codes.models import Code
from backend.core.runtime import Runtime
from backend.core.time import utcnow
from backend.documents.models import Document, DocumentVersion, Passage
from backend.projects.models import Membership, Project
from backend.projects.resolve import adopt_orphans
from backend.theories.models import ProgrammeTheory

WORDS = [
    "system",
    "leaders",
    "partners",
    "trust",
    "vision",
    "accountability",
    "population",
    "health",
    "outcomes",
    "board",
    "integrated",
    "care",
    "funding",
    "decision",
    "panel",
    "governance",
    "risk",
    "learning",
    "community",
    "inequality",
    "clinical",
    "collaboration",
    "transparency",
    "priorities",
    "delivery",
    "workforce",
    "finance",
    "strategy",
]
PAGES, PASSAGES_PER_PAGE, PASSAGE_CHARS = 8, 3, 600
SOURCES = ("document",) * 6 + ("interview",) * 3 + ("observation",)
PASSWORD = "benchmark-password"


def _text(rng: random.Random, chars: int) -> str:
    out, size = [], 0
    while size < chars:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:chars]


async def build(rt: Runtime, documents: int, annotations: int, cmocs: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    async with rt.sessions() as session:
        user = await create_user(
            session,
            UserCreate(email="bench@example.org", name="bench", password=PASSWORD, role="admin"),
        )
        project = Project(name="Benchmark study")
        session.add(project)
        await session.flush()
        session.add(Membership(project_id=project.id, user_id=user.id, role="admin"))
        await adopt_orphans(session, user.id)
        await session.flush()
        pid, uid = project.id, user.id
        codes = await _codes(session, pid, uid)
        passages = await _documents(session, rng, pid, documents)
        ann_ids = await _annotations(session, rng, pid, uid, passages, codes, annotations)
        await _analysis(session, rng, pid, uid, ann_ids, cmocs)
        await session.commit()
        return pid


async def _codes(session, pid: int, uid: int) -> list[int]:
    kinds = ("context", "mechanism", "outcome")
    rows = [
        {
            "project_id": pid,
            "name": f"{kinds[i % 3]} code {i}",
            "kind": kinds[i % 3],
            "guid": f"00000000-0000-4000-8000-{i:012d}",
            "created_by": uid,
            "created_at": utcnow(),
        }
        for i in range(60)
    ]
    result = await session.execute(insert(Code).returning(Code.id), rows)
    return list(result.scalars())


async def _documents(session, rng, pid: int, count: int) -> list[tuple]:
    """(passage id, document id, version id, start, end, text) for every passage."""
    out = []
    for d in range(count):
        source = SOURCES[d % len(SOURCES)]
        doc = Document(
            project_id=pid,
            title=f"Generated {source} {d}",
            source_type=source,
            document_type={"document": "strategy", "interview": "transcript"}.get(
                source, "field_notes"
            ),
            organisation=f"ICB {d % 25}",
            original_filename=f"gen-{d}.txt",
            sha256=f"{d:064d}",
            page_count=PAGES,
        )
        session.add(doc)
        await session.flush()
        pieces = [_text(rng, PASSAGE_CHARS) for _ in range(PAGES * PASSAGES_PER_PAGE)]
        text = "\n\n".join(pieces)
        starts = [sum(len(p) + 2 for p in pieces[:i]) for i in range(len(pieces))]
        version = DocumentVersion(
            document_id=doc.id,
            number=1,
            sha256=f"{d:064d}",
            size_bytes=len(text),
            format="txt",
            stored_path=f"gen/{d}.txt",
            text=text,
            page_count=PAGES,
            page_offsets=[starts[i] for i in range(0, len(starts), PASSAGES_PER_PAGE)],
        )
        session.add(version)
        await session.flush()
        doc.current_version_id = version.id
        rows = [
            {
                "document_id": doc.id,
                "version_id": version.id,
                "ordinal": i,
                "heading_path": [],
                "page_start": i // PASSAGES_PER_PAGE + 1,
                "page_end": i // PASSAGES_PER_PAGE + 1,
                "start": s,
                "end": s + len(p),
                "text": p,
                "speaker": "P1" if source == "interview" else None,
            }
            for i, (s, p) in enumerate(zip(starts, pieces, strict=True))
        ]
        ids = list((await session.scalars(insert(Passage).returning(Passage.id), rows)).all())
        out += [
            (pid_, doc.id, version.id, r["start"], r["end"], r["text"])
            for pid_, r in zip(ids, rows, strict=True)
        ]
    return out


async def _annotations(session, rng, pid, uid, passages, codes, count) -> list[int]:
    rows, code_of = [], []
    for _ in range(count):
        passage_id, doc_id, version_id, start, end, text = rng.choice(passages)
        a = rng.randrange(0, len(text) - 120)
        b = a + rng.randrange(40, 120)
        rows.append(
            {
                "project_id": pid,
                "document_id": doc_id,
                "version_id": version_id,
                "passage_id": passage_id,
                "start": start + a,
                "end": start + b,
                "exact": text[a:b],
                "prefix": "",
                "suffix": "",
                "author_id": uid,
                "version": 1,
                "orphaned": False,
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "memo": None,
            }
        )
        code_of.append(rng.sample(codes, 2))
    ids = []
    for i in range(0, len(rows), 2000):
        ids += list(
            (
                await session.execute(
                    insert(Annotation).returning(Annotation.id), rows[i : i + 2000]
                )
            ).scalars()
        )
    links = [
        {"annotation_id": a, "code_id": c} for a, cs in zip(ids, code_of, strict=True) for c in cs
    ]
    for i in range(0, len(links), 5000):
        await session.execute(insert(AnnotationCode), links[i : i + 5000])
    return ids


async def _analysis(session, rng, pid, uid, ann_ids, count) -> None:
    theories = [
        {
            "project_id": pid,
            "framework": f"Framework {i % 5}",
            "statement": _text(rng, 200),
            "form": "free",
            "status": "initial",
            "version": 1,
            "created_by": uid,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for i in range(40)
    ]
    theory_ids = list(
        (
            await session.execute(insert(ProgrammeTheory).returning(ProgrammeTheory.id), theories)
        ).scalars()
    )
    rows = [
        {
            "project_id": pid,
            "title": f"CMOC {i}",
            "context": _text(rng, 120),
            "mechanism_resource": _text(rng, 120),
            "mechanism_reasoning": _text(rng, 120),
            "outcome": _text(rng, 120),
            "memo": "",
            "status": "proposed",
            "author_id": uid,
            "version": 1,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for i in range(count)
    ]
    cmoc_ids = list((await session.scalars(insert(Cmoc).returning(Cmoc.id), rows)).all())
    await session.execute(
        insert(CmocTheory), [{"cmoc_id": c, "theory_id": rng.choice(theory_ids)} for c in cmoc_ids]
    )
    evidence = []
    for c in cmoc_ids:
        for a in rng.sample(ann_ids, 10):
            evidence.append(
                {
                    "cmoc_id": c,
                    "annotation_id": a,
                    "part": rng.choice(("context", "mechanism", "outcome")),
                    "stance": rng.choices(("supports", "refutes", "refines"), (8, 1, 1))[0],
                    "note": "",
                    "created_by": uid,
                    "created_at": utcnow(),
                }
            )
    for i in range(0, len(evidence), 5000):
        await session.execute(insert(CmocEvidence), evidence[i : i + 5000])
