"""`evidence search --mode`: right after `evidence ingest`, by meaning as well as words."""

import pytest

from backend.cli import main
from backend.core.config import get_settings
from tests.conftest import ROOT

BOARD_PAPER = ROOT / "tests" / "fixtures" / "board-paper-workforce.md"
INTERVIEW = ROOT / "tests" / "fixtures" / "interview-ics-leader-P3.txt"
QUERY = "staff felt leaders listened to them"


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


def _first_hit(out: str) -> str:
    return out.split("\n1. ", 1)[1].split("\n2. ", 1)[0]


def test_hybrid_finds_the_paraphrase_that_shares_no_key_word(capsys):
    assert main(["ingest", str(BOARD_PAPER), str(INTERVIEW)]) == 0
    capsys.readouterr()
    assert main(["search", QUERY, "--mode", "hybrid", "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "hybrid search for" in out and "all-MiniLM-L6-v2-int8@" in out
    assert "engagement survey" in out
    # Among the documents (what triangulation asks of an interview phrase), it is one of
    # the first two: the car-parking item shares four words, so RRF keeps it near the top.
    argv = ["search", QUERY, "--mode", "hybrid", "--source-type", "document", "--limit", "2"]
    assert main(argv) == 0
    assert "engagement survey" in capsys.readouterr().out
    assert main(["search", QUERY, "--mode", "semantic", "--source-type", "document"]) == 0
    assert "engagement survey" in _first_hit(capsys.readouterr().out)
    # Words alone: relaxed to 3 of the 5 words, the distractor comes first, the answer never.
    assert main(["search", QUERY, "--mode", "lexical", "--limit", "10"]) == 0
    out = capsys.readouterr().out
    assert "at least 3 of them" in out
    assert "parking" in _first_hit(out) and "engagement survey" not in out


def test_semantic_mode_is_a_choice(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["search", QUERY, "--mode", "psychic"])
    assert exit_.value.code == 2
    assert "invalid choice: 'psychic'" in capsys.readouterr().err


def test_hybrid_is_the_default_unless_semantic_search_is_off(capsys, monkeypatch):
    assert main(["ingest", str(BOARD_PAPER)]) == 0
    capsys.readouterr()
    assert main(["search", QUERY, "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "hybrid search for" in out and "engagement survey" in out
    monkeypatch.setenv("EMBEDDING_MODEL", "off")
    get_settings.cache_clear()
    assert main(["search", QUERY, "--limit", "3"]) == 0
    assert "passage(s) match" in capsys.readouterr().out
