"""Vectors in the embedded engine: a table in the search database, searched in numpy.

`search_vector` holds a passage's float32 vector per model (by identity key; two
during a model change) and `rev`, the index revision (`search_meta.vectors_rev`) of
the write that stored or moved it; `search_vector_gone` names the passages each
write removed. A search is exact: one matrix product over the project's vectors,
`argpartition` for the best k.

Each process keeps one matrix per (model, project) in memory and brings it up to
date incrementally: only rows written since its revision are read (and removed ones
dropped), so a write of 64 passages costs a query that much, not a reload of every
vector (0.5 s at 100k). A rebuild moves `vectors_base`, which forces a full load.
No sqlite-vec: many Python builds cannot load SQLite extensions.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from search.base import PassageDoc

if TYPE_CHECKING:  # imported when a vector search runs: lexical searches never load it
    import numpy as np

TABLES = """
CREATE TABLE IF NOT EXISTS search_vector{s} (
    passage_id INTEGER NOT NULL, model TEXT NOT NULL, vector BLOB NOT NULL,
    rev INTEGER NOT NULL, PRIMARY KEY (passage_id, model));
CREATE INDEX IF NOT EXISTS search_vector{s}_rev ON search_vector{s} (rev);
CREATE TABLE IF NOT EXISTS search_vector_gone{s} (
    passage_id INTEGER NOT NULL, rev INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS search_vector_gone{s}_rev ON search_vector_gone{s} (rev)
"""
# For the rebuild's swap: (index as created on the shadow, its canonical name, table).
INDEXES = (
    ("search_vector_new_rev", "search_vector_rev", "search_vector", "rev"),
    ("search_vector_gone_new_rev", "search_vector_gone_rev", "search_vector_gone", "rev"),
)
ALLOWED_KEPT = 32  # filter sets whose passage ids are kept per process
_REV = "(SELECT CAST(value AS INTEGER) FROM search_meta WHERE key = 'vectors_rev')"


def create(conn: sqlite3.Connection, suffix: str) -> None:
    for statement in TABLES.format(s=suffix).split(";"):
        conn.execute(statement)


def insert(conn: sqlite3.Connection, docs: Iterable[PassageDoc], suffix: str = "") -> None:
    """Stamped with the current revision: call `bump` first in the same transaction."""
    conn.executemany(
        f"INSERT OR REPLACE INTO search_vector{suffix} VALUES (?, ?, ?, coalesce({_REV}, 0))",
        ((d.passage_id, model, vector) for d in docs for model, vector in d.vectors()),
    )


def touch(conn: sqlite3.Connection, passage_ids: Sequence[int]) -> None:
    """Passages whose filter fields (their project) may have moved: cached matrices
    re-read them."""
    conn.executemany(
        f"UPDATE search_vector SET rev = {_REV} WHERE passage_id = ?", ((p,) for p in passage_ids)
    )


def delete_document(conn: sqlite3.Connection, document_id: int) -> None:
    passages = "SELECT passage_id FROM search_passage WHERE document_id = ?"
    conn.execute(
        f"INSERT INTO search_vector_gone SELECT DISTINCT passage_id, {_REV} FROM search_vector "
        f"WHERE passage_id IN ({passages})",
        (document_id,),
    )
    conn.execute(f"DELETE FROM search_vector WHERE passage_id IN ({passages})", (document_id,))


def bump(conn: sqlite3.Connection, rebuilt: bool = False) -> None:
    """At the start of every write transaction; cached matrices see it from its commit
    on. `rebuilt`: every table was replaced, so matrices load anew."""
    conn.execute(
        "INSERT INTO search_meta VALUES ('vectors_rev', '1') ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )
    if rebuilt:
        conn.execute(f"INSERT OR REPLACE INTO search_meta SELECT 'vectors_base', {_REV}")
        conn.execute("DELETE FROM search_vector_gone")


def _meta(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM search_meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


@dataclass
class Matrix:
    revision: int
    ids: np.ndarray  # int64, one per row, in no particular order
    vectors: np.ndarray  # float32, one row per id


class VectorCache:
    """One matrix per (model, project), shared by the engine's searches in this process.
    Call `matrix` inside a read transaction, so the revision and the rows agree."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._matrices: dict[tuple[str, int], Matrix] = {}
        self._allowed: dict[tuple[str, tuple[object, ...]], tuple[int, np.ndarray]] = {}

    def allowed(self, conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> np.ndarray:
        """The passage ids this filter query selects, kept until the index changes: a
        researcher repeats the same filters for query after query, and reading them
        scans the passages (65 ms of a 100k-passage kNN under load, as measured)."""
        import numpy as np

        revision, key = _meta(conn, "vectors_rev"), (sql, tuple(params))
        with self._lock:
            found = self._allowed.pop(key, None)
        if found is None or found[0] != revision:
            rows = conn.execute(sql, params).fetchall()
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            found = (revision, ids)
        with self._lock:
            self._allowed[key] = found  # last used last: the first is the one to drop
            while len(self._allowed) > ALLOWED_KEPT:
                del self._allowed[next(iter(self._allowed))]
        return found[1]

    def matrix(self, conn: sqlite3.Connection, model: str, project: int, dims: int) -> Matrix:
        revision, base = _meta(conn, "vectors_rev"), _meta(conn, "vectors_base")
        with self._lock:
            found = self._matrices.get((model, project))
            if found is None or found.revision < base:
                found = _load(conn, model, project, dims, revision)
            elif found.revision < revision:
                found = _refresh(conn, found, model, project, dims, revision)
            self._matrices[(model, project)] = found
            return found


_ROWS = (
    "SELECT v.passage_id, v.vector FROM search_vector v JOIN search_passage p "
    "ON p.passage_id = v.passage_id WHERE v.model = ? AND p.project_id = ?"
)


def _matrix(rows: list[tuple[int, bytes]], dims: int, revision: int) -> Matrix:
    import numpy as np

    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), dims)
    return Matrix(revision, ids, vectors)


def _load(conn: sqlite3.Connection, model: str, project: int, dims: int, rev: int) -> Matrix:
    return _matrix(conn.execute(_ROWS, (model, project)).fetchall(), dims, rev)


def _refresh(
    conn: sqlite3.Connection, old: Matrix, model: str, project: int, dims: int, rev: int
) -> Matrix:
    """`old` without the passages written or removed since its revision, plus those
    of them that now belong to it."""
    import numpy as np

    since = (old.revision,)
    changed = conn.execute(
        "SELECT passage_id FROM search_vector WHERE rev > ? "
        "UNION SELECT passage_id FROM search_vector_gone WHERE rev > ?",
        since * 2,
    ).fetchall()
    added = _matrix(
        conn.execute(f"{_ROWS} AND v.rev > ?", (model, project, *since)).fetchall(), dims, rev
    )
    drop = np.fromiter((r[0] for r in changed), dtype=np.int64, count=len(changed))
    keep = ~np.isin(old.ids, drop)
    return Matrix(
        rev,
        np.concatenate([old.ids[keep], added.ids]),
        np.concatenate([old.vectors[keep], added.vectors]),
    )


def nearest(
    matrices: Sequence[Matrix], allowed: np.ndarray | None, query: np.ndarray, k: int
) -> tuple[tuple[int, float], ...]:
    """The k best rows of these matrices (of the `allowed` ids only, when given), best
    first, ties by smaller id."""
    import numpy as np

    ids_parts, score_parts = [], []
    for m in matrices:
        scores = m.vectors @ query  # all rows: cheaper than copying a subset first
        ids = m.ids
        if allowed is not None:
            mask = np.isin(ids, allowed)
            ids, scores = ids[mask], scores[mask]
        if len(ids) > k:
            best = np.argpartition(-scores, k - 1)[:k]
            ids, scores = ids[best], scores[best]
        ids_parts.append(ids)
        score_parts.append(scores)
    if k <= 0 or not ids_parts:
        return ()
    ids, scores = np.concatenate(ids_parts), np.concatenate(score_parts)
    order = np.lexsort((ids, -scores))[:k]
    return tuple((int(ids[i]), float(scores[i])) for i in order)
