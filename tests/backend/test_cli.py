"""The `evidence` command, as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend.cli import main
from backend.core.config import get_settings
from tests.conftest import INSULIN_PDF, POLICY_PDF


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
    assert main(["search", '"individual funding"', "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "passage(s) match" in out
    assert "Commissioning policy" in out and "p. " in out
    assert "**individual funding**" in out.lower()


def test_search_json(capsys):
    main(["ingest", str(INSULIN_PDF)])
    capsys.readouterr()
    assert main(["search", "needle*", "--json", "--limit", "3"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["total"] > 0 and len(body["hits"]) == 3
    assert all(h["document"]["title"] for h in body["hits"])


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
