"""Keep a long-running process's startup objects out of the garbage collector's way.

Everything imported at start (the app, unstructured, spaCy, SQLAlchemy...) lives as
long as the process: about a million objects that every full collection scans
again. Measured on the triangulation matrix, those collections added 50-100 ms to
one request in twenty (p95 223 ms -> 121 ms with them frozen). Called by
`evidence serve` and `evidence worker`, not by the app factory: tests build many
apps in one process and would freeze each one's leftovers.

A short command pays the other way: while it imports and sets up, the collector runs
again and again over the objects just made, all of them alive (`paused`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection while a command imports and sets up; what that made is
    then frozen (it lives as long as the command) and collection resumes for the
    command's own work, however long. A lexical `evidence search` spent about 45 ms
    of its 0.54 s in those collections (benchmarks/cli_start.py)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def settle() -> None:
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()
