"""Peak memory of one full ingest (the largest corpus file by bytes, or --file).

    .venv/bin/python benchmarks/ingest_memory.py [--corpus DIR] [--file PATH] [--warm]

Each measurement runs in a fresh subprocess: one for RSS (ru_maxrss, no tracing
overhead; its high-water mark is reset just before the ingest, so imports' own
transient peak does not hide the ingest's) and one for the Python-heap peak under
tracemalloc (which cannot see native memory such as pdfium's or SQLite's).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import resource
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
MB = 2**20


def current_rss() -> int:
    """Resident set size now, in bytes (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def max_rss() -> int:
    """Peak resident set size of this process so far, in bytes (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak() -> bool:
    """Reset the high-water mark (ru_maxrss, VmHWM) to the current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child(path: Path, mode: str, warm: bool) -> dict:
    import backend.commands  # noqa: F401  the whole ingest path: worker, pipeline, adapters
    from backend.core.config import Settings
    from backend.core.runtime import Runtime

    if warm:  # lazy imports and models (unstructured partitioners, spaCy) loaded first
        from ingest.pipeline import ParseOptions, parse_file

        parse_file(path, path.name, ParseOptions())
    report = {"warm": warm, "after_imports_rss": current_rss(), "imports_maxrss": max_rss()}
    with tempfile.TemporaryDirectory(prefix="ewb-mem-bench-") as tmp:
        settings = Settings(
            evidence_data_dir=Path(tmp) / "data", database_url=None, search_engine="sqlite"
        )
        rt = Runtime.start(settings)
        report["after_runtime_rss"] = current_rss()
        report["reset"] = reset_peak()  # so the peak below is the ingest's own
        if mode == "tracemalloc":
            tracemalloc.start()
        code = asyncio.run(_ingest(rt, path))
        if mode == "tracemalloc":
            report["traced_current"], report["traced_peak"] = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    report.update(code=code, end_rss=current_rss(), peak_maxrss=max_rss())
    return report


async def _ingest(rt, path: Path) -> int:
    from backend import commands

    args = argparse.Namespace(
        paths=[str(path)], source_type=None, document_type=None, organisation=None, enqueue=False
    )
    out = io.StringIO()
    try:
        await rt.search.ensure_ready()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            return await commands.ingest(rt, args)
    finally:
        await rt.close()


def run_child(path: Path, mode: str, warm: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--file", str(path)]
    cmd += ["--warm"] if warm else []
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["code"] != 0:
        raise SystemExit(f"the ingest of {path.name} failed in the child")
    return report


def show(path: Path, rss: dict, traced: dict) -> None:
    base, peak = rss["after_imports_rss"], rss["peak_maxrss"]
    during = "during the ingest" if rss["reset"] else "of the whole process (reset failed)"
    print(f"file: {path.name} ({path.stat().st_size / MB:.2f} MB)")
    label = "RSS after imports + warm-up" if rss["warm"] else "RSS after imports"
    imports_peak = rss["imports_maxrss"] / MB
    print(f"  {label:<30} {base / MB:8.1f} MB (peak while importing {imports_peak:.1f} MB)")
    print(f"  RSS after Runtime.start        {rss['after_runtime_rss'] / MB:8.1f} MB")
    print(f"  peak RSS (ru_maxrss)           {peak / MB:8.1f} MB {during}")
    print(f"  RSS at end                     {rss['end_rss'] / MB:8.1f} MB")
    print(f"  ingest's own share of the peak {(peak - base) / MB:8.1f} MB (peak - {label[4:]})")
    print(f"  tracemalloc peak (Python heap) {traced['traced_peak'] / MB:8.1f} MB")
    print(f"  tracemalloc still held at end  {traced['traced_current'] / MB:8.1f} MB")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--file", type=Path, help="ingest this file instead of the largest one")
    p.add_argument(
        "--warm", action="store_true", help="parse the file once before the baseline (lazy loads)"
    )
    p.add_argument("--child", choices=["rss", "tracemalloc"], help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        print(json.dumps(child(a.file, a.child, a.warm)))
        return
    files = [f for f in a.corpus.iterdir() if f.is_file() and not f.name.startswith(".")]
    path = a.file or max(files, key=lambda f: f.stat().st_size)
    print("baseline taken after a warm-up parse of the file" if a.warm else "cold: no warm-up")
    show(path, run_child(path, "rss", a.warm), run_child(path, "tracemalloc", a.warm))


if __name__ == "__main__":
    main()
