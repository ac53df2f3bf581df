"""Keep a long-running process's startup objects out of the garbage collector's way.

Everything imported at start (the app, unstructured, spaCy, SQLAlchemy...) lives as
long as the process: about a million objects that every full collection scans
again. Measured on the triangulation matrix, those collections added 50-100 ms to
one request in twenty (p95 223 ms -> 121 ms with them frozen). Called by
`evidence serve` and `evidence worker`, not by the app factory: tests build many
apps in one process and would freeze each one's leftovers.

A short command pays too: the collector scans the objects its imports just made, all of
them alive, while it imports and once more as the process exits (`paused`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection while a command imports and sets up; what that made is
    then frozen (it lives as long as the command) and collection resumes for the
    command's own work, however long, skipping those objects. They stay frozen to the
    end, so the collection Python runs as the process exits skips them too. A lexical
    `evidence search` took 0.55 s before this and 0.42 s after (benchmarks/cli_start.py);
    unfreezing at the end put 0.12 s of CPU back, so most of the gain is that last
    collection. A test process, which calls commands in turn and goes on, unfreezes
    after each test (tests/conftest.py)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def settle() -> None:
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()
