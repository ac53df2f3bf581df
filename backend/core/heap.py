"""Keep a long-running process's startup objects out of the garbage collector's way.

Everything imported at start (the app, unstructured, spaCy, SQLAlchemy...) lives as
long as the process: about a million objects that every full collection scans
again. Measured on the triangulation matrix, those collections added 50-100 ms to
one request in twenty (p95 223 ms -> 121 ms with them frozen). Called by
`evidence serve` and `evidence worker`, not by the app factory: tests build many
apps in one process and would freeze each one's leftovers.
"""

from __future__ import annotations

import gc


def settle() -> None:
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()
