"""Synthetic search corpus: N passages from a word-bigram Markov chain trained on the
real corpus (parsed with ingest.pipeline.parse_file), written into a SqliteFtsEngine
database (or, with --engine tantivy, a TantivyEngine's store and index) through
`engine.rebuild` in streamed batches. Seeded: the same arguments give the same
passages.

    .venv/bin/python benchmarks/make_corpus.py [--passages 1000000] [--db PATH]
        [--engine sqlite|tantivy]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import resource
import shutil
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, fields
from pathlib import Path

from search.base import PassageDoc
from search.factory import make_engine

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[1] / "shared" / "corpus"
PLACES = [
    "Cambridgeshire and Peterborough",
    "Norfolk and Waveney",
    "Suffolk and North East Essex",
    "Bedfordshire Luton and Milton Keynes",
    "Hertfordshire and West Essex",
    "Mid and South Essex",
    "Lincolnshire",
    "Nottingham and Nottinghamshire",
    "Derby and Derbyshire",
    "Leicester Leicestershire and Rutland",
    "Northamptonshire",
    "Birmingham and Solihull",
    "Black Country",
    "Coventry and Warwickshire",
    "Herefordshire and Worcestershire",
    "Shropshire Telford and Wrekin",
    "Staffordshire and Stoke-on-Trent",
    "Greater Manchester",
    "Lancashire and South Cumbria",
    "Cheshire and Merseyside",
    "West Yorkshire",
    "South Yorkshire",
    "Humber and North Yorkshire",
    "North East and North Cumbria",
    "Kent and Medway",
]
ORGANISATIONS = [f"NHS {p} ICB" for p in PLACES] + [
    f"{p} Health and Care Partnership" for p in PLACES
]
SOURCE_TYPES = {"document": 0.6, "interview": 0.25, "observation": 0.15}
DOCUMENT_TYPES = {
    "document": ["strategy", "board_paper", "minutes", "policy", "other"],
    "interview": ["transcript"],
    "observation": ["field_notes"],
}
PROJECT_ID = 1  # one research team's project holds the whole corpus
# Engines that scope by project (PassageDoc.project_id) get it; older ones do not.
SCOPE = {"project_id": PROJECT_ID} if "project_id" in {f.name for f in fields(PassageDoc)} else {}
FIRST_DAY, LAST_DAY = dt.date(2019, 1, 1), dt.date(2025, 12, 31)


@dataclass
class Chain:
    vocab: list[str]
    successors: list[tuple[int, ...]]  # word id -> following word ids (with repeats)
    starts: list[int]  # first word ids of real passages
    lengths: list[int]  # real passage lengths in words


def train(corpus: Path) -> Chain:
    from ingest.pipeline import ParseOptions, parse_file

    ids: dict[str, int] = {}
    follow: list[list[int]] = []
    starts, lengths = [], []
    for path in sorted(f for f in corpus.iterdir() if f.is_file()):
        for passage in parse_file(path, path.name, ParseOptions()).passages:
            seq = [ids.setdefault(w, len(ids)) for w in passage.text.split()]
            follow.extend([] for _ in range(len(ids) - len(follow)))
            for a, b in zip(seq, seq[1:], strict=False):
                follow[a].append(b)
            starts.append(seq[0])
            lengths.append(len(seq))
    return Chain(list(ids), [tuple(f) for f in follow], starts, lengths)


def generate(chain: Chain, rnd, n_words: int) -> str:
    succ, starts = chain.successors, chain.starts
    w = starts[int(rnd() * len(starts))]
    out = [w]
    for _ in range(n_words - 1):
        nxt = succ[w] or starts  # a passage's last word: start a new "sentence"
        w = nxt[int(rnd() * len(nxt))]
        out.append(w)
    vocab = chain.vocab
    return " ".join([vocab[i] for i in out])


def documents(n: int, rng: random.Random) -> list[dict]:
    """PassageDoc metadata per document: source and document type, organisation, date."""
    org_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(ORGANISATIONS))]
    days, docs = (LAST_DAY - FIRST_DAY).days, []
    for _ in range(n):
        source = rng.choices(list(SOURCE_TYPES), weights=list(SOURCE_TYPES.values()))[0]
        doc_type = rng.choice(DOCUMENT_TYPES[source])
        org = rng.choices(ORGANISATIONS, weights=org_weights)[0]
        date = FIRST_DAY + dt.timedelta(days=rng.randint(0, days))
        docs.append(
            dict(source_type=source, document_type=doc_type, organisation=org, date=date, **SCOPE)
        )
    return docs


async def batches(
    chain: Chain, n: int, n_docs: int, size: int, seed: int, clock: dict
) -> AsyncIterator[list[PassageDoc]]:
    rng = random.Random(seed)
    docs, rnd, batch = documents(n_docs, rng), rng.random, []
    started = time.perf_counter()
    for pid in range(1, n + 1):
        doc_id = (pid - 1) * n_docs // n + 1  # contiguous passages per document
        text = generate(chain, rnd, chain.lengths[int(rnd() * len(chain.lengths))])
        batch.append(PassageDoc(pid, doc_id, doc_id, text, **docs[doc_id - 1]))
        if len(batch) == size or pid == n:
            clock["generate"] += time.perf_counter() - started
            yield batch
            batch, started = [], time.perf_counter()
            if pid % 100_000 < size:
                print(
                    f"  {pid:>9,} passages  {time.perf_counter() - clock['t0']:7.1f}s", flush=True
                )


def remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{db}.tantivy", ignore_errors=True)  # the tantivy engine's index


def default_db(passages: int, engine: str) -> Path:
    """One corpus file per engine: the tantivy engine's store is another schema."""
    return HERE / "out" / f"search_{passages}{'' if engine == 'sqlite' else '_' + engine}.db"


def disk_size(db: Path) -> int:
    index = Path(f"{db}.tantivy")
    extra = sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) if index.is_dir() else 0
    return db.stat().st_size + extra


async def build(a: argparse.Namespace, chain: Chain) -> None:
    remove(a.db)
    engine = make_engine(a.engine, sqlite_path=a.db)
    await engine.ensure_ready()
    clock = {"t0": time.perf_counter(), "generate": 0.0}
    total = await engine.rebuild(batches(chain, a.passages, a.documents, a.batch, a.seed, clock))
    elapsed = time.perf_counter() - clock["t0"]
    await engine.close()
    size = disk_size(a.db)  # the WAL was checkpointed when the engine closed
    print(f"built {total:,} passages in {elapsed:.1f}s = {total / elapsed:,.0f} passages/s")
    print(
        f"  of which generating text {clock['generate']:.1f}s; analysis+index writes+commit "
        f"{elapsed - clock['generate']:.1f}s = {total / (elapsed - clock['generate']):,.0f} p/s"
    )
    print(f"{a.engine} engine, database {a.db} (and its index): {size / 2**30:.2f} GiB")


def describe(chain: Chain) -> None:
    lengths = sorted(chain.lengths)
    q = statistics.quantiles(lengths, n=20)
    print(
        f"trained on {len(lengths)} real passages: vocabulary {len(chain.vocab):,} words, "
        f"{sum(map(len, chain.successors)):,} bigrams"
    )
    print(
        f"  passage length in words: mean {statistics.mean(lengths):.0f}, p5 {q[0]:.0f}, "
        f"median {statistics.median(lengths):.0f}, p95 {q[-1]:.0f}, max {lengths[-1]}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--passages", type=int, default=1_000_000)
    p.add_argument("--documents", type=int, default=5_000)
    p.add_argument("--batch", type=int, default=5_000)
    p.add_argument("--seed", type=int, default=20_25)
    p.add_argument("--db", type=Path, help="default: benchmarks/out/search_<passages>.db")
    p.add_argument("--engine", choices=["sqlite", "tantivy"], default="sqlite")
    a = p.parse_args()
    a.db = a.db or default_db(a.passages, a.engine)
    a.db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    chain = train(a.corpus)
    print(f"parsed {a.corpus} and trained the chain in {time.perf_counter() - t0:.1f}s")
    describe(chain)
    asyncio.run(build(a, chain))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
