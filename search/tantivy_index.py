"""The tantivy engine's index on disk: its schema, the documents it holds, its
generations, and the one writer and the readers of it (search/tantivy_engine.py
owns the engine).

Layout: `<database>.tantivy/` holds generations (`g-<hex>/`, each a tantivy index)
and `CURRENT`, which names the generation in use and the schema it was written
with. `REBUILD` marks a generation created empty while SQLite held passages: every
start reports the index stale until a rebuild has switched (a caller that does not
rebuild, as the CLI's search, leaves it for the next start). A rebuild fills a new
generation and switches CURRENT at the end (os.replace, atomic); readers look at
CURRENT before each search, so every process follows it.

The text fields hold exactly the `exact` and `stem` strings FTS5 indexes
(search.sqlite_store.fts_columns), split at spaces by tantivy's `whitespace`
tokenizer, with positions: both engines see the same terms, analysed once, here.

tantivy allows one writer per index (a lock file); while another process holds it,
`writer()` fails at once, so a write retries for a bounded time.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import tantivy

from search import sqlite_store
from search.base import PassageDoc
from search.errors import EngineUnavailable

# The index holds what the analysis wrote (as FTS5's): a new analysis is a new schema.
SCHEMA_VERSION = f"t1-{sqlite_store.SCHEMA_VERSION}"
# Signed integers throughout: tantivy-py 0.27 silently deletes nothing by term on an
# unsigned field (benchmarks/tantivy_probe.py), and deletes here go by term.
INT_FIELDS = ("passage_id", "project_id", "document_id", "day", "code", "coder", "mark", "tagged")
KEYWORD_FIELDS = ("source_type", "document_type", "organisation", "speaker_role", "year")
TEXT_FIELDS = ("exact", "stem")
# Bytes of the writer's indexing buffer (tantivy refuses less than 15 MB a thread); a
# rebuild's writer gets more, so it flushes fewer, larger segments.
WRITER_HEAP = 20_000_000
REBUILD_HEAP = 200_000_000
WRITER_WAIT = 30.0  # seconds a write waits for another process's writer


def schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    for name in INT_FIELDS:
        b.add_integer_field(name, indexed=True, fast=True)
    for name in KEYWORD_FIELDS:
        b.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        b.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    return b.build()


SCHEMA = schema()


def day(date: dt.date) -> int:
    """A date as one comparable integer, 20240615."""
    return date.year * 10_000 + date.month * 100 + date.day


def document(d: PassageDoc) -> tantivy.Document:
    """What the index holds of a passage: the filter and facet fields of
    sqlite_store's search_passage and search_tag, and the analysed text."""
    out = tantivy.Document()
    tagged = bool(d.code_ids or d.coder_ids or d.coded)  # "annotated": any tag at all
    for name, value in (
        ("passage_id", d.passage_id),
        ("project_id", d.project_id),
        ("document_id", d.document_id),
        ("tagged", int(tagged)),
    ):
        out.add_integer(name, value)
    for name, values in (("code", d.code_ids), ("coder", d.coder_ids), ("mark", d.coded)):
        for value in values:
            out.add_integer(name, value)
    keywords = {
        "source_type": d.source_type,
        "document_type": d.document_type,
        "organisation": d.organisation,
        "speaker_role": d.speaker_role,
        "year": str(d.date.year) if d.date else None,
    }
    for name, text in keywords.items():
        if text is not None:
            out.add_text(name, text)
    if d.date is not None:
        out.add_integer("day", day(d.date))
    for name, text in zip(TEXT_FIELDS, sqlite_store.fts_columns(d.text), strict=True):
        out.add_text(name, text)
    return out


@dataclass(frozen=True)
class Pointer:
    """CURRENT: the generation in use and the schema it was written with."""

    generation: str
    schema: str = SCHEMA_VERSION


class Layout:
    """The index directory: generations and the CURRENT pointer."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def path(self, pointer: Pointer) -> Path:
        return self.base / pointer.generation

    def read(self) -> Pointer | None:
        try:
            raw = json.loads((self.base / "CURRENT").read_text())
        except FileNotFoundError:
            return None
        return Pointer(str(raw["generation"]), str(raw["schema"]))

    def current(self) -> Pointer:
        pointer = self.read()
        if pointer is None or not self.path(pointer).is_dir():
            raise EngineUnavailable("the tantivy index is missing; ensure_ready creates it")
        return pointer

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The index directory to this process alone (an flock, across processes and
        instances): processes starting at once create, switch and remove generations
        one after another, so CURRENT never names a generation another removed."""
        self.base.mkdir(parents=True, exist_ok=True)
        with open(self.base / "LOCK", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def create(self) -> Pointer:
        """A new, empty generation (not in use yet)."""
        pointer = Pointer(f"g-{secrets.token_hex(6)}")
        self.path(pointer).mkdir(parents=True)
        tantivy.Index(SCHEMA, path=str(self.path(pointer)))
        return pointer

    def switch(self, pointer: Pointer) -> None:
        staged = self.base / f"CURRENT.{secrets.token_hex(4)}"
        staged.write_text(json.dumps({"generation": pointer.generation, "schema": pointer.schema}))
        os.replace(staged, self.base / "CURRENT")

    def remove_others(self, keep: Pointer) -> None:
        """Generations no longer in use. A reader of one in another process keeps
        its open files (POSIX) until it sees the switch at its next search."""
        for child in self.base.glob("g-*"):
            if child.name != keep.generation:
                shutil.rmtree(child, ignore_errors=True)

    def mark_rebuild(self, needed: bool) -> None:
        mark = self.base / "REBUILD"
        if needed:
            self.base.mkdir(parents=True, exist_ok=True)
            mark.touch()
        else:
            mark.unlink(missing_ok=True)

    def needs_rebuild(self) -> bool:
        return (self.base / "REBUILD").exists()

    def remove(self, pointer: Pointer) -> None:
        shutil.rmtree(self.path(pointer), ignore_errors=True)


def open_index(path: Path) -> tantivy.Index:
    index = tantivy.Index.open(str(path))
    # Reloads are ours (Reader), after a commit is seen, not a watcher thread's.
    index.config_reader("manual")
    return index


class Reader:
    """The generation in use, reloaded when a commit (of any process) changed it.

    A commit rewrites the generation's meta.json; comparing its bytes (a few
    hundred) before each search costs microseconds and misses no commit."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self._lock = threading.Lock()
        self._pointer: Pointer | None = None
        self._index: tantivy.Index | None = None
        self._meta = b""

    def searcher(self) -> tantivy.Searcher:
        with self._lock:
            try:
                return self._fresh()
            except (OSError, ValueError):  # a generation removed under us by a rebuild
                self._pointer = None
                return self._fresh()

    def _fresh(self) -> tantivy.Searcher:
        pointer = self.layout.current()
        if pointer != self._pointer or self._index is None:
            self._index = open_index(self.layout.path(pointer))
            self._pointer, self._meta = pointer, b""
        meta = (self.layout.path(pointer) / "meta.json").read_bytes()
        if meta != self._meta:
            self._index.reload()
            self._meta = meta
        return self._index.searcher()


# One writer per index directory in this process: threads wait here, not on the lock file.
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def _process_lock(base: Path) -> threading.Lock:
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(base.resolve(), threading.Lock())


@contextmanager
def writing(layout: Layout, wait: float = WRITER_WAIT) -> Iterator[tantivy.IndexWriter]:
    """The writer of the generation in use, for one write: what it does not commit
    is rolled back, and the lock is released at the end (wait_merging_threads
    drops the writer)."""
    deadline = time.monotonic() + wait
    lock = _process_lock(layout.base)
    if not lock.acquire(timeout=wait):
        raise _busy(wait)
    try:
        writer = _acquire(layout, deadline, wait)
        try:
            yield writer
        except BaseException:
            with suppress(ValueError, RuntimeError):  # a writer a failed commit left unusable
                writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
    except (ValueError, RuntimeError) as exc:
        # tantivy's own errors (IO, a corrupt index, a consumed writer) are not
        # SearchErrors: the outbox drain would not record them on its jobs.
        raise EngineUnavailable(f"the tantivy index failed a write: {exc}") from exc
    finally:
        lock.release()


def _acquire(layout: Layout, deadline: float, wait: float) -> tantivy.IndexWriter:
    delay = 0.005
    while True:
        pointer = layout.current()
        try:
            writer = open_index(layout.path(pointer)).writer(WRITER_HEAP, 1)
        except ValueError as exc:
            # A generation a rebuild has just switched from (and removed) is no error.
            if "LockBusy" not in str(exc) and layout.read() == pointer:
                raise
            if time.monotonic() >= deadline:
                raise _busy(wait) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
            continue
        if layout.read() == pointer:
            return writer
        writer.wait_merging_threads()  # a rebuild switched meanwhile: write the new one


def _busy(wait: float) -> EngineUnavailable:
    return EngineUnavailable(
        f"the search index has been busy with another writer for {wait:g} s; try again"
    )


def rebuild_writer(layout: Layout, pointer: Pointer) -> tantivy.IndexWriter:
    """The writer of a generation being built (not in use: no other writer)."""
    return open_index(layout.path(pointer)).writer(REBUILD_HEAP, 1)
