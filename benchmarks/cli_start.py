"""How fast the `evidence` command starts (issue 15, item 8): `evidence --help`,
`evidence search --mode lexical` and `evidence search` (its default, auto: hybrid) on an
embedded index, each run as a fresh process, as a user would.

Targets on the 2-core development machine: --help <= 0.3 s, search <= 0.5 s (median
wall time). The search target was set before semantic search existed: it is checked
against the lexical search, which does what `search` did then; hybrid also loads the
embedding model and is reported beside it, without a target of its own. CPU time
(user + sys) is reported too: on a shared machine it moves much less than wall time.
`python -X importtime` of each command goes to benchmarks/out/, with the slowest
imports printed, so a regression names its culprit.

    .venv/bin/python benchmarks/cli_start.py [--runs 15] [--engine tantivy|sqlite]

`--engine`: the embedded search engine the index is in (default: the app's, tantivy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
EVIDENCE = [sys.executable, "-c", "import sys; from backend.cli import main; sys.exit(main())"]
TRANSCRIPT = ROOT / "tests" / "fixtures" / "interview-ics-leader-P3.txt"
TARGETS: dict[str, float | None] = {"help": 0.3, "lexical": 0.5, "hybrid": None}


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _importtime(name: str, args: list[str], env: dict[str, str], top: int) -> list[str]:
    """`-X importtime` of one run, saved whole; the `top` slowest (cumulative) returned."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args[1:]],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    OUT.mkdir(exist_ok=True)
    (OUT / f"cli_start_importtime_{name}.txt").write_text(proc.stderr)
    rows = []
    for line in proc.stderr.splitlines()[1:]:
        _, cumulative, module = line.removeprefix("import time:").split("|")
        if module.startswith(" ") and not module.startswith("   "):  # a top-level import
            rows.append((int(cumulative), module.strip()))
    return [f"{us / 1000:7.1f} ms  {module}" for us, module in sorted(rows, reverse=True)[:top]]


def _machine() -> str:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--engine", choices=("tantivy", "sqlite"), default="tantivy")
    opts = parser.parse_args()
    # Our modules' bytecode, as an installed package (or any earlier run) has it: with
    # PYTHONDONTWRITEBYTECODE set and no __pycache__, every run would compile ~50
    # modules from source, about 0.03 s that no user pays.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "backend", "search", "ingest"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "EVIDENCE_DATA_DIR": tmp, "SEARCH_ENGINE": opts.engine}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [*EVIDENCE, "ingest", str(TRANSCRIPT), "--source-type", "interview"],
            env=env,
            check=True,
            capture_output=True,
        )
        search = [*EVIDENCE, "search", "trust partners", "--limit", "5"]
        commands = {
            "help": [*EVIDENCE, "--help"],
            "lexical": [*search, "--mode", "lexical"],
            "hybrid": search,  # the default mode, auto, is hybrid for these two words
        }
        load_before = os.getloadavg()
        for args in commands.values():  # warm the file cache once
            _run(args, env)
        timings = {
            name: [_run(args, env) for _ in range(opts.runs)] for name, args in commands.items()
        }
        load_after = os.getloadavg()
        imports = {name: _importtime(name, args, env, 12) for name, args in commands.items()}

    result = {
        "date": dt.date.today().isoformat(),
        "machine": _machine(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "runs": opts.runs,
        "engine": opts.engine,
    }
    print(f"{result['date']}, {result['machine']}, search engine {opts.engine}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}\n")
    ok = True
    for name, runs in timings.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        median, target = statistics.median(walls), TARGETS[name]
        ok &= target is None or median <= target
        result[name] = {
            "wall_median_s": round(median, 3),
            "wall_min_s": round(min(walls), 3),
            "wall_max_s": round(max(walls), 3),
            "cpu_median_s": round(statistics.median(cpus), 3),
            "cpu_min_s": round(min(cpus), 3),
            "target_s": target,
        }
        if target is None:
            verdict = "no target"
        else:
            verdict = f"target {target} s: " + ("ok" if median <= target else "OVER TARGET")
        print(
            f"evidence {name:<7} wall median {median:.3f} s (min {min(walls):.3f}, max "
            f"{max(walls):.3f}), cpu median {statistics.median(cpus):.3f} s (min "
            f"{min(cpus):.3f}); {verdict}"
        )
    for name, rows in imports.items():
        print(f"\nslowest imports (cumulative) of `evidence {name}`:")
        print("\n".join(rows))
    OUT.mkdir(exist_ok=True)
    (OUT / "cli_start.json").write_text(json.dumps(result, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
