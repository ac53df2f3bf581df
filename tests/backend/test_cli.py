"""The `evidence` command, as a user runs it."""

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from backend.cli import main
from backend.core.config import get_settings
from tests.conftest import INSULIN_PDF, POLICY_PDF
from tests.ingest.scans import make_scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(tmp_path / "data"))
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_ingest_then_search(capsys):
    assert main(["ingest", str(POLICY_PDF), "--organisation", "NHS England"]) == 0
    out = capsys.readouterr().out
    assert "CREATED" in out and "29 pages" in out and "1 ingested, 0 failed" in out
    assert main(["search", '"individual funding"', "--mode", "lexical", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "passage(s) match" in out
    assert "Commissioning policy: individual funding requests (NHS England, 2023), p" in out
    assert "[passage" not in out
    assert "**individual funding**" in out.lower()


@pytest.mark.parametrize("seconds", [0.0, 3600.0])
def test_ingested_files_are_all_indexed_whenever_the_index_is_written(seconds, capsys, monkeypatch):
    """The CLI indexes after a file once a second has passed, and at the end: after
    every file (0 s) or only at the end (an hour), every stored passage is searchable."""
    monkeypatch.setattr("backend.commands._IndexPacer.SECONDS", seconds)
    files = [str(FIXTURES / "interview-ics-leader-P3.txt"), str(INSULIN_PDF)]
    assert main(["ingest", *files]) == 0
    assert "2 ingested, 0 failed" in capsys.readouterr().out
    settings = get_settings()
    with closing(sqlite3.connect(settings.search_sqlite_path)) as index:
        indexed = index.execute("SELECT count(*) FROM search_passage").fetchone()[0]
    if settings.sqlite_path is not None:
        with closing(sqlite3.connect(settings.sqlite_path)) as db:
            stored = db.execute("SELECT count(*) FROM passage").fetchone()[0]
            assert db.execute("SELECT count(*) FROM indexjob").fetchone()[0] == 0
        assert indexed == stored
    assert indexed > 0
    assert main(["search", "needles", "--mode", "lexical", "--limit", "1"]) == 0
    assert "Prescribing of Insulin Needles" in capsys.readouterr().out


def test_files_stored_before_a_run_stops_are_indexed(capsys, monkeypatch):
    """A run that stops mid-way (an error, Ctrl-C) still indexes what it stored: before,
    a file stored within the last second waited in the queue, unsearchable from the CLI."""
    from backend.ingest_jobs import worker

    monkeypatch.setattr("backend.commands._IndexPacer.SECONDS", 3600.0)
    run_job = worker.run_job
    calls = 0

    async def second_file_interrupted(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return await run_job(*args, **kwargs)

    monkeypatch.setattr(worker, "run_job", second_file_interrupted)
    files = [str(INSULIN_PDF), str(FIXTURES / "interview-ics-leader-P3.txt")]
    assert main(["ingest", *files]) == 130  # as after Ctrl-C
    capsys.readouterr()
    monkeypatch.setattr(worker, "run_job", run_job)
    assert main(["search", "needles", "--mode", "lexical", "--limit", "1"]) == 0
    assert "Prescribing of Insulin Needles" in capsys.readouterr().out


def test_search_prints_the_engines_caveats(capsys):
    """A proximity of 3 words is approximate on the tantivy engine, exact on FTS5's:
    the output says so on tantivy, after the count, before the hits."""
    main(["ingest", str(FIXTURES / "interview-ics-leader-P3.txt")])
    capsys.readouterr()
    q = '"requests funding individual"~3'
    assert main(["search", q, "--mode", "lexical"]) == 0
    out = capsys.readouterr().out
    assert "1 passage(s) match" in out and "**individual** **funding** **requests**" in out
    caveat = f"Caveat: {q}: the tantivy search engine matches proximity"
    if get_settings().search_engine == "tantivy":
        assert out.index("passage(s) match") < out.index(caveat) < out.index("\n1. ")
    else:
        assert "Caveat:" not in out


def test_search_json(capsys):
    main(["ingest", str(INSULIN_PDF)])
    capsys.readouterr()
    assert main(["search", "needle*", "--json", "--limit", "3"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["total"] > 0 and len(body["hits"]) == 3
    assert all(h["document"]["title"] for h in body["hits"])
    for hit in body["hits"]:  # the location and the citation a reader can check
        assert hit["location"]["page"] == hit["passage"]["page_start"] >= 1
        assert hit["citation"].startswith(hit["document"]["title"])
        assert f"p. {hit['location']['page']}" in hit["citation"]


def test_bad_query_is_a_message_and_exit_2(capsys):
    assert main(["search", "(unclosed"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unbalanced bracket") and "Traceback" not in err


def test_one_bad_file_fails_the_run_but_not_the_batch(tmp_path, capsys):
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.7 truncated")
    missing = tmp_path / "nowhere.docx"
    assert main(["ingest", str(bad), str(missing), str(INSULIN_PDF)]) == 1
    out = capsys.readouterr().out
    assert "FAILED     notes.pdf" in out and "FAILED     nowhere.docx" in out
    assert "CREATED    Prescribing-of-Insulin-Needles.pdf" in out
    assert "1 ingested, 2 failed" in out


def test_enqueue_only_queues(capsys):
    assert main(["ingest", "--enqueue", str(INSULIN_PDF)]) == 0
    assert "queued 1 file(s)" in capsys.readouterr().out
    main(["documents"])
    assert "0 document(s)" in capsys.readouterr().out


def test_bad_option_value_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ingest", "--source-type", "podcast", str(INSULIN_PDF)])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_unknown_ocr_language_is_a_message_and_nothing_is_queued(capsys):
    assert main(["ingest", "--languages", "eng+xx", str(INSULIN_PDF)]) != 0
    err = capsys.readouterr().err
    assert "OCR language pack not installed: xx" in err and "Traceback" not in err
    main(["documents"])
    assert "0 document(s)" in capsys.readouterr().out


def test_scan_shows_page_progress(tmp_path, capsys):
    scan = make_scan(POLICY_PDF, tmp_path / "scan.pdf", [13])
    assert main(["ingest", "--languages", "eng", str(scan)]) == 0
    captured = capsys.readouterr()
    assert "CREATED    scan.pdf (document 1, 1 pages)" in captured.out
    assert "pages: 100%" in captured.err and "1/1" in captured.err


def test_documents_and_reindex(capsys):
    main(["ingest", str(INSULIN_PDF), str(POLICY_PDF)])
    capsys.readouterr()
    assert main(["documents"]) == 0
    out = capsys.readouterr().out
    assert "2 document(s)" in out and "Prescribing of Insulin Needles" in out
    assert main(["reindex"]) == 0
    assert "reindexed" in capsys.readouterr().out
    assert main(["search", "needles", "--limit", "1"]) == 0


def test_console_script_runs(data_dir, database_url):
    exe = Path(sys.executable).parent / "evidence"  # the installed console script
    env = {"EVIDENCE_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    if database_url:
        env["DATABASE_URL"] = database_url
    proc = subprocess.run(
        [str(exe), "search", '"unclosed'], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2, proc.stderr
    assert "unbalanced quote" in proc.stderr and "Traceback" not in proc.stderr


def test_users_projects_and_agreement_commands(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
    assert main(["users", "create", "a@example.org", "--role", "admin", "--password-stdin"]) == 0
    assert "created admin account a@example.org" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "create", "b@example.org", "--password-stdin"]) == 2
    assert "password" in capsys.readouterr().err
    assert main(["projects", "create", "Study", "--owner", "nobody@example.org"]) == 2
    assert main(["projects", "create", "Study", "--owner", "a@example.org"]) == 0
    capsys.readouterr()
    assert main(["agreement", "--project", "1", "--coder", "a@example.org"]) == 2
    assert "two coders" in capsys.readouterr().err
    assert main(["projects", "create", "Second", "--owner", "a@example.org"]) == 0
    capsys.readouterr()
    assert main(["search", "anything"]) == 2
    assert "several projects" in capsys.readouterr().err
