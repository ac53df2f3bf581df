"""Issue 5's benchmarks on a generated project (see analysis_data.py):

1. the triangulation matrix through the API (rows = theories, CMOCs, codes): p50/p95;
2. full XLSX and QDPX exports: wall time and peak memory, each in a fresh process,
   at two project sizes, so "memory does not grow with the project" is measured.

    .venv/bin/python benchmarks/analysis_bench.py [--annotations 10000 --cmocs 1000 --documents 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from httpx import ASGITransport, AsyncClient

from backend.core import heap
from backend.core.config import Settings
from backend.core.runtime import Runtime
from backend.main import create_app
from benchmarks import analysis_data

HERE = Path(__file__).resolve().parent


def _settings(data: Path) -> Settings:
    return Settings(evidence_data_dir=data, database_url=None, search_engine="sqlite")


async def _generate(data: Path, documents: int, annotations: int, cmocs: int) -> float:
    started = time.perf_counter()
    rt = Runtime.start(_settings(data))
    try:
        await analysis_data.build(rt, documents, annotations, cmocs)
    finally:
        await rt.close()
    return time.perf_counter() - started


async def _matrix_timings(data: Path, runs: int) -> dict:
    app = create_app(_settings(data))
    out = {}
    async with app.router.lifespan_context(app):
        heap.settle()  # as `evidence serve` does
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://bench") as client:
            r = await client.post(
                "/api/auth/login",
                json={"email": "bench@example.org", "password": analysis_data.PASSWORD},
            )
            r.raise_for_status()
            pid = (await client.get("/api/projects")).json()[0]["id"]
            for rows in ("theory", "cmoc", "code"):
                url = f"/api/projects/{pid}/triangulation?rows={rows}"
                (await client.get(url)).raise_for_status()  # warm
                times = []
                for _ in range(runs):
                    t = time.perf_counter()
                    r = await client.get(url)
                    times.append((time.perf_counter() - t) * 1000)
                    r.raise_for_status()
                times.sort()
                out[rows] = {
                    "rows": len(r.json()["rows"]),
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
                }
    return out


def _export_in_child(data: Path, fmt: str) -> dict:
    """A fresh process per export, so its peak RSS is the export's alone; a second
    one traces Python's allocations (slower, so its time is not reported)."""
    measured = _child(data, fmt, False)
    measured["python_peak_mb"] = _child(data, fmt, True)["python_peak_mb"]
    return measured


def _child(data: Path, fmt: str, trace: bool) -> dict:
    code = (
        "import asyncio, json, sys; from benchmarks.analysis_bench import _export_here; "
        f"print(json.dumps(asyncio.run(_export_here({str(data)!r}, {fmt!r}, {trace!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=HERE.parent
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


class _PeakRss:
    """Samples this process's RSS every 5 ms while an export runs."""

    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


async def _export_here(data: str, fmt: str, trace: bool = False) -> dict:
    from backend.exports import service
    from backend.projects.models import Project
    from backend.triangulation.scope import Scope

    rt = Runtime.start(_settings(Path(data)), run_migrations=False)
    try:
        async with rt.sessions() as session:
            project = await session.get(Project, 1)
            await session.exec(  # touch the DB once, so the baseline includes a connection
                __import__("sqlmodel").select(Project.id)
            )
        baseline = _rss_mb()
        if trace:
            tracemalloc.start()
        target = Path(data) / f"export.{fmt}"
        started = time.perf_counter()
        with _PeakRss() as sampler:
            async with rt.sessions() as session:
                with target.open("wb") as dest:
                    await service.write(session, project, service.Format(fmt), Scope(), dest)
        seconds = time.perf_counter() - started
        peak = sampler.peak
        python_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    finally:
        await rt.close()
    return {
        "seconds": round(seconds, 2),
        "file_mb": round(target.stat().st_size / 2**20, 1),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak, 1),
        "export_rss_mb": round(peak - baseline, 1),
        "python_peak_mb": round(python_peak, 1) if trace else None,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--documents", type=int, default=500)
    p.add_argument("--annotations", type=int, default=10_000)
    p.add_argument("--cmocs", type=int, default=1_000)
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--formats", default="xlsx,qdpx")
    args = p.parse_args()
    sizes = [(0.5, "half"), (1.0, "full"), (2.0, "double")]
    report = {}
    for factor, name in sizes:
        with tempfile.TemporaryDirectory(prefix="analysis-bench-") as tmp:
            data = Path(tmp) / "data"
            counts = [
                max(1, int(n * factor)) for n in (args.documents, args.annotations, args.cmocs)
            ]
            seconds = asyncio.run(_generate(data, *counts))
            entry = {
                "documents": counts[0],
                "annotations": counts[1],
                "cmocs": counts[2],
                "generate_s": round(seconds, 1),
            }
            if name == "full":
                entry["matrix"] = asyncio.run(_matrix_timings(data, args.runs))
            entry["exports"] = {f: _export_in_child(data, f) for f in args.formats.split(",")}
            report[name] = entry
            print(json.dumps({name: entry}, indent=1), flush=True)
    for fmt in args.formats.split(","):
        runs = [report[name]["exports"][fmt] for _, name in sizes]
        rss = " / ".join(f"{r['export_rss_mb']}" for r in runs)
        heap = " / ".join(f"{r['python_peak_mb']}" for r in runs)
        files = " / ".join(f"{r['file_mb']}" for r in runs)
        print(
            f"{fmt}: {runs[1]['seconds']} s at full size; at half / full / double size: "
            f"export RSS {rss} MB, Python heap peak {heap} MB, files {files} MB"
        )


if __name__ == "__main__":
    main()
