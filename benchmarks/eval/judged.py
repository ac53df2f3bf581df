"""The evaluation set: queries with hand-judged passages, matched to an ingested
corpus, and the two measures the benchmark prints. Standard library only, so the
model comparison (compare_models.py) runs it in scratch environments too.

A judged passage is named by its file and a quote from it, never by a database id:
a passage is relevant when its text contains the quote, compared after folding
case, accents, punctuation and spacing (PDF line breaks and curly quotes differ).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.json"
ROOT = HERE.parents[1]
SHARED = ROOT.parent / "shared"


@dataclass(frozen=True)
class Judged:
    id: str
    query: str
    persona: str
    grades: dict[int, int]  # passage id -> 1 (partly) or 2 (answers it)


def corpus_files() -> list[Path]:
    """What the evaluation searches: the shared NHS documents, the synthetic interview
    and observation the tests use, and the shared transcripts (mostly distractors)."""
    return [
        *sorted((SHARED / "corpus").iterdir()),
        ROOT / "tests/fixtures/interview-ics-leader-P3.txt",
        *sorted(p for p in (SHARED / "transcripts").iterdir() if p.name != "README.md"),
        ROOT / "tests/fixtures/observation-board-meeting.txt",
    ]


def squash(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if c.isascii()))


def judge(passages: list[tuple[int, str, str]]) -> list[Judged]:
    """`passages`: (id, file name, text). Raises if a quote matches no passage of its
    file: the judgement would silently count nothing."""
    by_file: dict[str, list[tuple[int, str]]] = {}
    for pid, name, text in passages:
        by_file.setdefault(name, []).append((pid, squash(text)))
    out = []
    for q in json.loads(QUERIES.read_text())["queries"]:
        grades: dict[int, int] = {}
        for rel in q["relevant"]:
            needle = squash(rel["quote"])
            found = [pid for pid, text in by_file.get(Path(rel["file"]).name, []) if needle in text]
            if not found:
                raise ValueError(f"{q['id']}: no passage of {rel['file']} has {rel['quote']!r}")
            for pid in found:
                grades[pid] = max(grades.get(pid, 0), rel["grade"])
        out.append(Judged(q["id"], q["query"], q["persona"], grades))
    return out


def ndcg(ranked: list[int], grades: dict[int, int], k: int = 10) -> float:
    gains = [(2 ** grades.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k])]
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return sum(gains) / best if best else 0.0


def recall(ranked: list[int], grades: dict[int, int], k: int = 20) -> float:
    return len(set(ranked[:k]) & set(grades)) / len(grades) if grades else 0.0
