"""The SQLite engine's tables and writes (search lives in sqlite_fts.py).

Tables: `search_passage` (filter and facet fields: narrow rows, so joining every
match to them stays cheap), `search_text` (the text, read for highlights and
deletes only), `search_fts` (contentless FTS5 over `exact` and `stem`: both
written as words already analysed by search/analysis.py, so FTS5's `ascii`
tokenizer only splits them at spaces and the folding is THE folding of
search/folding.py, not FTS5's own diacritic table), `search_document` (the
outbox sequence number last applied per document, so an older write arriving
late never overwrites a newer one). A rebuild fills `*_new` copies in short
transactions and swaps them in at the end, so neither searches nor the app's
writes wait for it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from search import sqlite_vectors as vectors
from search.analysis import ANALYSIS_VERSION, STOPWORDS, stem, words
from search.base import PassageDoc

# The contentless index is only as good as the analysis that wrote it: a change
# of analysis is a change of schema, and the index is rebuilt.
SCHEMA_VERSION = f"10-{ANALYSIS_VERSION}"
TABLES = (
    "search_passage",
    "search_text",
    "search_fts",
    "search_document",
    "search_tag",
    "search_vector",  # search/sqlite_vectors.py
    "search_vector_gone",
)

_META = """
CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_TABLES = """
CREATE TABLE IF NOT EXISTS search_passage{s} (
    passage_id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, document_id INTEGER NOT NULL,
    version_id INTEGER NOT NULL, source_type TEXT, document_type TEXT, organisation TEXT,
    date TEXT, year TEXT, speaker_role TEXT);
CREATE TABLE IF NOT EXISTS search_text{s} (passage_id INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS search_passage{s}_document ON search_passage{s} (document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts{s} USING fts5(
    exact, stem, content='', tokenize='ascii', prefix='2 3');
CREATE TABLE IF NOT EXISTS search_document{s} (
    document_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS search_tag{s} (
    passage_id INTEGER NOT NULL, kind TEXT NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (kind, value, passage_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS search_tag{s}_passage ON search_tag{s} (passage_id);
"""


def schema_version(fts: bool) -> str:
    """Without FTS5 (the store of search/tantivy_engine.py) the tables are another
    schema: switching engines drops them, and the index is rebuilt."""
    return SCHEMA_VERSION if fts else f"{SCHEMA_VERSION}-nofts"


def ensure_schema(conn: sqlite3.Connection, *, fts: bool = True) -> bool:
    """Create the tables; True when the index is new or was dropped as outdated."""
    conn.executescript(_META)
    row = conn.execute("SELECT value FROM search_meta WHERE key = 'schema'").fetchone()
    if row is not None and row[0] == schema_version(fts):
        _create(conn, "")
        return False
    with transaction(conn):
        for table in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        _create(conn, "")
        conn.execute(
            "INSERT OR REPLACE INTO search_meta VALUES ('schema', ?)", (schema_version(fts),)
        )
        vectors.bump(conn, rebuilt=True)
    return True


def _create(conn: sqlite3.Connection, suffix: str) -> None:
    # Statement by statement: executescript would commit the caller's transaction.
    for statement in _TABLES.format(s=suffix).split(";"):
        if statement.strip():
            conn.execute(statement)
    vectors.create(conn, suffix)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# Called inside a write's transaction, before it commits, with what the write applies
# (documents replaced and their passages; passages updated): an index kept beside
# these tables (search/tantivy_engine.py) writes the same, and its failure rolls the
# transaction back.
ReplaceHook = Callable[[list[int], list[PassageDoc]], None]
UpdateHook = Callable[[list[PassageDoc]], None]


def replace(
    conn: sqlite3.Connection,
    document_ids: list[int],
    docs: list[PassageDoc],
    seq: int,
    hook: ReplaceHook | None = None,
    *,
    fts: bool = True,
) -> None:
    """Documents whose stored sequence is newer than `seq` are left as they are.
    `fts`: write the FTS5 index too (search/tantivy_engine.py keeps its own)."""
    with transaction(conn):
        vectors.bump(conn)
        newer = _newer_than(conn, document_ids, seq)
        for document_id in document_ids:
            if document_id not in newer:
                _delete_document(conn, document_id, fts)
        applied = [d for d in docs if d.document_id not in newer]
        insert(conn, applied, fts=fts)
        conn.executemany(
            "INSERT OR REPLACE INTO search_document VALUES (?, ?)",
            ((d, seq) for d in document_ids if d not in newer),
        )
        if hook is not None:
            hook([d for d in document_ids if d not in newer], applied)


def _newer_than(conn: sqlite3.Connection, document_ids: list[int], seq: int) -> set[int]:
    if not document_ids:
        return set()
    marks = ",".join("?" * len(document_ids))
    rows = conn.execute(
        f"SELECT document_id FROM search_document WHERE document_id IN ({marks}) AND seq > ?",
        [*document_ids, seq],
    )
    return {r[0] for r in rows}


def _delete_document(conn: sqlite3.Connection, document_id: int, fts: bool) -> None:
    rows = conn.execute(
        "SELECT t.passage_id, t.text FROM search_passage p JOIN search_text t "
        "ON t.passage_id = p.passage_id WHERE p.document_id = ?",
        (document_id,),
    ).fetchall()
    # Contentless FTS5 deletes need the values that were indexed: derived from the
    # text by the same analysis (SCHEMA_VERSION changes when the analysis does).
    if fts:
        conn.executemany(
            "INSERT INTO search_fts (search_fts, rowid, exact, stem) VALUES ('delete', ?, ?, ?)",
            ((pid, *fts_columns(text)) for pid, text in rows),
        )
    vectors.delete_document(conn, document_id)
    conn.execute(
        "DELETE FROM search_tag WHERE passage_id IN "
        "(SELECT passage_id FROM search_passage WHERE document_id = ?)",
        (document_id,),
    )
    conn.executemany("DELETE FROM search_text WHERE passage_id = ?", ((r[0],) for r in rows))
    conn.execute("DELETE FROM search_passage WHERE document_id = ?", (document_id,))


def fts_columns(text: str) -> tuple[str, str]:
    """The `exact` and `stem` columns: the folded words, and their stems without stop
    words, space-separated (the words hold letters and digits only)."""
    found = words(text)
    return " ".join(found), " ".join(stem(w) for w in found if w not in STOPWORDS)


def insert(
    conn: sqlite3.Connection, docs: Iterable[PassageDoc], suffix: str = "", *, fts: bool = True
) -> None:
    docs = list(docs)
    conn.executemany(
        f"INSERT INTO search_passage{suffix} VALUES (?,?,?,?,?,?,?,?,?,?)",
        (_passage_row(d) for d in docs),
    )
    conn.executemany(
        f"INSERT INTO search_text{suffix} VALUES (?, ?)", ((d.passage_id, d.text) for d in docs)
    )
    if fts:
        conn.executemany(
            f"INSERT INTO search_fts{suffix} (rowid, exact, stem) VALUES (?, ?, ?)",
            ((d.passage_id, *fts_columns(d.text)) for d in docs),
        )
    _insert_tags(conn, docs, suffix)


def update(
    conn: sqlite3.Connection,
    docs: list[PassageDoc],
    seq: int,
    hook: UpdateHook | None = None,
    *,
    fts: bool = True,
) -> None:
    """New state of passages whose text is unchanged (a passage's text never changes
    within a version: a new version is a `replace`): the rows in search_passage and the
    tags of those already stored are rewritten, their FTS5 entries are left alone, so
    the cost is that of these passages, not of their documents; one not stored yet is
    inserted whole. Passages of documents stored with a newer seq are left alone."""
    with transaction(conn):
        vectors.bump(conn)
        newer = _newer_than(conn, sorted({d.document_id for d in docs}), seq)
        docs = [d for d in docs if d.document_id not in newer]
        stored = _stored(conn, [d.passage_id for d in docs])
        kept = [d for d in docs if d.passage_id in stored]
        conn.executemany(
            "UPDATE search_passage SET project_id = ?, document_id = ?, version_id = ?, "
            "source_type = ?, document_type = ?, organisation = ?, date = ?, year = ?, "
            "speaker_role = ? WHERE passage_id = ?",
            (_passage_row(d)[1:] + (d.passage_id,) for d in kept),
        )
        conn.executemany(
            "DELETE FROM search_tag WHERE passage_id = ?", ((d.passage_id,) for d in kept)
        )
        _insert_tags(conn, kept, "")
        vectors.touch(conn, [d.passage_id for d in kept])  # a project may have changed
        insert(conn, [d for d in docs if d.passage_id not in stored], fts=fts)
        conn.executemany(
            "INSERT INTO search_document VALUES (?, ?) ON CONFLICT (document_id) "
            "DO UPDATE SET seq = excluded.seq WHERE seq < excluded.seq",
            ((d, seq) for d in {doc.document_id for doc in docs}),
        )
        if hook is not None:
            hook(docs)


def _stored(conn: sqlite3.Connection, passage_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(passage_ids), 500):  # under SQLite's bound-variable limit
        chunk = passage_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT passage_id FROM search_passage WHERE passage_id IN ({marks})", chunk
        )
        found.update(r[0] for r in rows)
    return found


def _passage_row(d: PassageDoc) -> tuple[object, ...]:
    return (
        d.passage_id,
        d.project_id,
        d.document_id,
        d.version_id,
        d.source_type,
        d.document_type,
        d.organisation,
        d.date.isoformat() if d.date else None,
        str(d.date.year) if d.date else None,
        d.speaker_role,
    )


def _insert_tags(conn: sqlite3.Connection, docs: list[PassageDoc], suffix: str) -> None:
    # Codes ('c') and coders ('u') of the annotations over each passage, and who
    # applied what ('m', coded_mark), for filters.
    conn.executemany(
        f"INSERT INTO search_tag{suffix} VALUES (?, ?, ?)",
        [(d.passage_id, "c", c) for d in docs for c in d.code_ids]
        + [(d.passage_id, "u", u) for d in docs for u in d.coder_ids]
        + [(d.passage_id, "m", m) for d in docs for m in d.coded],
    )
    vectors.insert(conn, docs, suffix)


def start_shadow(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        for table in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}_new")
        _create(conn, "_new")


def fill_shadow(
    conn: sqlite3.Connection, docs: list[PassageDoc], seq: int, *, fts: bool = True
) -> None:
    with transaction(conn):
        insert(conn, docs, suffix="_new", fts=fts)
        conn.executemany(
            "INSERT OR REPLACE INTO search_document_new VALUES (?, ?)",
            ((d, seq) for d in {doc.document_id for doc in docs}),
        )


def swap_shadow(conn: sqlite3.Connection) -> None:
    """One short transaction: the new tables take the old ones' names."""
    with transaction(conn):
        for table in TABLES:
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
        vectors.bump(conn, rebuilt=True)
        # Indexes keep their "_new" names through a rename: recreate them canonically.
        for shadow_name, name, table, column in (
            (
                "search_passage_new_document",
                "search_passage_document",
                "search_passage",
                "document_id",
            ),
            ("search_tag_new_passage", "search_tag_passage", "search_tag", "passage_id"),
            *vectors.INDEXES,
        ):
            conn.execute(f"DROP INDEX IF EXISTS {shadow_name}")
            conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")


def drop_shadow(conn: sqlite3.Connection) -> None:
    for table in TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}_new")
