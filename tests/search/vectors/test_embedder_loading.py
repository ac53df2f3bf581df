"""load_embedder loads each model once per process, whichever threads ask (the CLI
loads the model ahead on a thread while the search may ask for it on another)."""

from __future__ import annotations

import threading
import time

from search.vectors import embedder
from search.vectors.embedder import MODELS, load_embedder


def test_threads_asking_at_once_share_one_load(monkeypatch) -> None:
    loads: list[object] = []

    def slow_loader() -> object:
        time.sleep(0.05)  # long enough for the second caller to arrive mid-load
        model = object()
        loads.append(model)
        return model

    monkeypatch.setitem(MODELS, "slow", slow_loader)
    monkeypatch.setattr(embedder, "_loaded", {})
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(load_embedder("slow"))) for _ in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert len(loads) == 1
    assert got == [loads[0], loads[0]]


def test_a_loader_may_load_another_model(monkeypatch) -> None:
    inner = object()
    monkeypatch.setattr(embedder, "_loaded", {})
    monkeypatch.setitem(MODELS, "inner", lambda: inner)
    monkeypatch.setitem(MODELS, "outer", lambda: ("wraps", load_embedder("inner")))
    assert load_embedder("outer") == ("wraps", inner)
