"""`evidence` starts without importing what the command does not use (issue 15, item 8).

Timing lives in benchmarks/cli_start.py; this checks the cause instead, which does not
depend on the machine's load: which modules a fresh process has loaded by the end of
`evidence --help`, and of `evidence search` on an embedded index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend.cli import _chosen, main
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "interview-ics-leader-P3.txt"
OURS = {"backend", "ingest", "search"}
# Heavy, and needed by other commands only: parsing, exports, the web server, the
# migration tool (an up-to-date database needs none), password hashing, other engines.
NOT_FOR_SEARCH = {
    "alembic",
    "argon2",
    "docx",
    "elasticsearch",
    "fastapi",
    "krippendorff",
    "lxml",
    "numpy",
    "onnxruntime",
    "openpyxl",
    "PIL",
    "pptx",
    "psycopg",
    "pypdfium2",
    "starlette",
    "tokenizers",
    "tqdm",
    "unstructured",
    "uvicorn",
    "xlsxwriter",
}
# Ours, and needed by other features only: the embedding pipeline (semantic and hybrid
# modes, the worker), annotation editing, blind rounds (a signed-in coder's view), the
# indexing outbox. Importing them builds model classes and pulls in more of the above.
OURS_NOT_FOR_LEXICAL_SEARCH = {
    "backend.annotations.service",
    "ingest.ocr",  # the OCR threshold is read when a passage read by OCR is shown
    "backend.embedding.service",
    "backend.indexing.service",
    "backend.rounds.models",
    "backend.rounds.service",
    "search.vectors.minilm",
}


def _modules_after(args: list[str], data_dir: Path, then: str = "") -> tuple[set[str], str]:
    """Modules (full names) loaded by a fresh `evidence <args>`, and what it printed
    (and what the code `then` printed after it)."""
    code = (
        "import json, sys\n"
        "from backend.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"{then}\n"
        "print('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n"
    )
    printed, _, modules = _fresh_process(code, data_dir).rpartition("\nMODULES ")
    return set(json.loads(modules)), printed


def _fresh_process(code: str, data_dir: Path) -> str:
    """What `python -c code` prints, on the embedded SQLite store in `data_dir`."""
    env = {**os.environ, "EVIDENCE_DATA_DIR": str(data_dir), "SEARCH_ENGINE": "sqlite"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_help_imports_nothing_but_the_standard_library(tmp_path) -> None:
    modules, printed = _modules_after(["--help"], tmp_path)
    modules = {m.split(".")[0] for m in modules}
    assert "search" in printed and "export" in printed and "users" in printed
    outside = modules - set(sys.stdlib_module_names) - OURS - {"__main__", "_distutils_hack"}
    outside = {m for m in outside if not m.startswith("__editable__")}
    assert outside == set()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    """A data folder holding one ingested transcript (SQLite and its FTS5 index)."""
    data = tmp_path_factory.mktemp("cli-start") / "data"
    env = {**os.environ, "EVIDENCE_DATA_DIR": str(data), "SEARCH_ENGINE": "sqlite"}
    env.pop("DATABASE_URL", None)
    ingest = [sys.executable, "-m", "backend.cli", "ingest", str(FIXTURE)]
    subprocess.run(ingest, env=env, cwd=ROOT, capture_output=True, check=True)
    return data


LEXICAL = ["search", "trust", "--mode", "lexical", "--limit", "2"]


def test_search_on_an_embedded_index_imports_only_what_it_uses(ingested) -> None:
    # Words only: hybrid, the default, loads the embedding model by design.
    modules, printed = _modules_after(LEXICAL, ingested)
    assert "passage(s) match" in printed
    assert {m.split(".")[0] for m in modules} & NOT_FOR_SEARCH == set()
    assert modules & OURS_NOT_FOR_LEXICAL_SEARCH == set()
    # The check sees real imports: the libraries and the models the query reads.
    assert {"sqlalchemy", "aiosqlite", "backend.annotations.links"} <= modules
    assert {"backend.documents.models", "backend.codes.models"} <= modules


def test_a_command_builds_only_the_model_validators_it_uses(ingested) -> None:
    """pydantic's defer_build (cli.py): the classes a lexical search validates get built,
    the others it defines (API input and output shapes, tables it reads through SQL)
    are left unbuilt. The server does not come through the CLI: it builds each class
    as it is defined."""
    then = (
        "from pydantic import BaseModel\n"
        "def subclasses(cls):\n"
        "    for sub in cls.__subclasses__():\n"
        "        yield sub\n"
        "        yield from subclasses(sub)\n"
        "ours = {f'{c.__module__}.{c.__qualname__}': c.__pydantic_complete__\n"
        "        for c in subclasses(BaseModel) if c.__module__.startswith('backend.')}\n"
        "print('\\nBUILT ' + json.dumps(ours))"
    )
    _, printed = _modules_after(LEXICAL, ingested, then)
    printed, _, built_json = printed.rpartition("\nBUILT ")
    built = json.loads(built_json)
    assert "passage(s) match" in printed
    used = {
        "backend.searching.models.SearchResponse",
        "backend.searching.models.SearchHitPublic",
        "backend.searching.models.HitPassage",
        "backend.citations.Location",
    }
    assert {name: built[name] for name in used} == dict.fromkeys(used, True)
    unused = {
        "backend.documents.models.DocumentUpdate",
        "backend.documents.models.DocumentVersionText",
        "backend.projects.models.ProjectCreate",
        "backend.annotations.models.AnnotationPublic",
        "backend.codes.models.CodePublic",
        "backend.documents.models.Document",  # a table: read through SQLAlchemy
    }
    assert {name: built[name] for name in unused} == dict.fromkeys(unused, False)
    # The Settings are pydantic-settings', not SQLModel's: built when defined.
    assert built["backend.core.config.Settings"] is True


@pytest.mark.parametrize(
    ("argv", "chosen"),
    [
        (["--help"], None),
        (["search", "users"], "search"),
        (["export", "--format", "csv", "-o", "search"], "export"),
        (["nonsense"], None),
    ],
)
def test_the_command_is_the_first_word_naming_one(argv, chosen) -> None:
    assert _chosen(argv) == chosen


@pytest.mark.parametrize("command", ["users", "export"])
def test_commands_declared_elsewhere_still_have_their_own_help(command, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: evidence {command}" in out
    assert ("--format" in out) if command == "export" else ("create" in out)


def test_a_command_runs_with_the_collector_on_and_its_setup_frozen(ingested) -> None:
    """heap.paused: no cyclic collection while the command imports and sets up, then
    those objects frozen and collection back on, so a long command (an ingest, an
    export) frees its cycles as it goes; frozen to the end, so the exit's collection
    skips them."""
    code = (
        "import gc, sys\n"
        "import backend.cli as cli\n"
        "async def probe(rt, args):\n"
        "    print('DURING', gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
        "    return 0\n"
        "cli.HANDLERS['search'] = '__main__:probe'\n"
        "cli.main(['search', 'trust'])\n"
        "print('AFTER', gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
    )
    out = _fresh_process(code, ingested)
    assert "DURING True True" in out and "AFTER True True" in out, out
