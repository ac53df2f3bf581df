"""The load test's verdict (report.py): CI fails on any failed request and on a run
that made no request at all (a load test that measured nothing passed before)."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.api_checks import report

FIELDS = ["Type", "Name", "Request Count", "Failure Count", "50%", "95%", "Max Response Time"]


def _stats(tmp_path: Path, rows: list[tuple[str, str, int, int]]) -> str:
    path = tmp_path / "load_stats.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(FIELDS)
        for kind, name, requests, failures in rows:
            writer.writerow([kind, name, requests, failures, 40, 120, 180.4])
    return str(path)


def test_a_clean_run_passes_with_a_row_per_endpoint(tmp_path, capsys):
    rows = [("GET", "P/search", 9, 0), ("POST", "P/annotations", 3, 0), ("", "Aggregated", 12, 0)]
    assert report.main([_stats(tmp_path, rows)]) == 0
    out = capsys.readouterr().out
    assert "| `GET P/search` | 9 | 0 | 40 | 120 | 180 |" in out
    assert "| **all** | 12 | 0 |" in out


def test_one_failed_request_fails_the_run(tmp_path, capsys):
    rows = [("GET", "P/search", 9, 1), ("", "Aggregated", 9, 1)]
    assert report.main([_stats(tmp_path, rows)]) == 1
    assert "1 requests failed" in capsys.readouterr().err


def test_a_run_without_requests_fails(tmp_path, capsys):
    assert report.main([_stats(tmp_path, [("", "Aggregated", 0, 0)])]) == 1
    assert "no requests were made" in capsys.readouterr().err


def test_the_server_cpu_per_request_is_reported(tmp_path, capsys):
    rows = [("GET", "P/search", 400, 0), ("", "Aggregated", 400, 0)]
    assert report.main([_stats(tmp_path, rows), "30.0"]) == 0
    assert "server CPU: 30.0 s for 400 requests, 75 ms each" in capsys.readouterr().out
