"""`evidence export` as a user runs it: each format to a file, scoped, with clear
errors and a non-zero exit for bad input, and no half-written file on failure."""

import json
import zipfile

import pytest
from openpyxl import load_workbook

from backend.cli import main
from backend.core.config import get_settings
from tests import study
from tests.conftest import signed_in


@pytest.fixture
async def project(corpus_settings, monkeypatch):
    async with signed_in(corpus_settings) as api:
        built = await study.build(api)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(corpus_settings.evidence_data_dir))
    if corpus_settings.database_url:
        monkeypatch.setenv("DATABASE_URL", corpus_settings.database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield built
    get_settings.cache_clear()


@pytest.fixture
def out_dir(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _export(*args):
    return main(["export", *args])


def test_each_format_is_written_with_progress(project, out_dir, capsys):
    formats = [("xlsx", "e.xlsx"), ("docx", "e.docx"), ("json", "e.json"), ("csv", "e.zip")]
    for fmt, name in [*formats, ("qdpx", "e.qdpx")]:
        assert _export("--format", fmt, "-o", str(out_dir / name)) == 0
        captured = capsys.readouterr()
        assert f"wrote {out_dir / name}" in captured.out
        assert "export" in captured.err and "excerpt" in captured.err  # the tqdm bar
    data = json.loads((out_dir / "e.json").read_text())
    assert len({r["annotation_id"] for r in data["evidence"]}) == len(project.annotations)
    assert "evidence.csv" in zipfile.ZipFile(out_dir / "e.zip").namelist()
    assert "project.qde" in zipfile.ZipFile(out_dir / "e.qdpx").namelist()
    book = load_workbook(out_dir / "e.xlsx", read_only=True)
    assert book.sheetnames[0] == "evidence"


def test_scoped_export(project, out_dir):
    out = out_dir / "interviews.csv"
    args = ["--format", "csv", "--table", "evidence", "--source-type", "interview", "-o", str(out)]
    assert _export(*args) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) > 1 and all("interview" in line for line in lines[1:] if line.strip())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "json", "-o", "/no/such/folder/x.json"], "no such folder"),
        (["--format", "json", "--theory", "99999", "-o", "{tmp}/x.json"], "no theory 99999"),
        (["--format", "xlsx", "--table", "evidence", "-o", "{tmp}/x.xlsx"], "CSV only"),
        (
            ["--format", "json", "--since", "2025-05-01", "--until", "2025-01-01", "-o", "{tmp}/x"],
            "after",
        ),
    ],
)
def test_bad_input_is_a_message_and_exit_2(project, out_dir, capsys, args, message):
    args = [a.replace("{tmp}", str(out_dir)) for a in args]
    assert _export(*args) == 2
    assert message in capsys.readouterr().err
    assert not any(p.name.endswith((".json", ".xlsx")) for p in out_dir.iterdir())


def test_unknown_format_and_bad_date_are_argparse_errors(project, out_dir, capsys):
    for args in (["--format", "pdf", "-o", "x"], ["--format", "json", "--since", "May", "-o", "x"]):
        with pytest.raises(SystemExit) as exc:
            _export(*args)
        assert exc.value.code == 2
    assert "invalid" in capsys.readouterr().err


def test_a_failed_export_keeps_the_previous_file(project, out_dir, capsys):
    out = out_dir / "e.json"
    out.write_text("previous export")
    assert _export("--format", "json", "--theory", "99999", "-o", str(out)) == 2
    assert out.read_text() == "previous export"
    assert [p.name for p in out_dir.iterdir()] == ["e.json"]
