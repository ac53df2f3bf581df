"""What each `evidence` sub-command does (argument parsing lives in cli.py).

Parsing, exporting and agreement libraries are imported inside the commands that use
them, so `evidence search` does not pay for them at start (see cli.py)."""

from __future__ import annotations

import argparse
import html
import json
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from backend.core.ids import stored
from backend.core.runtime import Runtime
from backend.documents.models import Document
from backend.embedding import OFF
from backend.errors import CommandError
from backend.projects.resolve import resolve_project
from backend.searching.modes import ModeChoice, resolve
from backend.searching.service import SearchInput, run_search
from backend.visibility import operator
from ingest.errors import IngestError
from search.base import Filters

if TYPE_CHECKING:
    from backend.ingest_jobs.models import IngestOptions


async def worker_cmd(rt: Runtime, _args: argparse.Namespace) -> int:
    from backend.core import heap
    from backend.indexing import service as indexing
    from backend.ingest_jobs import worker

    await indexing.prepare_index(rt.sessions, rt.search)
    heap.settle()
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    print("worker: waiting for ingest jobs (Ctrl+C to stop)")
    await worker.run_forever(rt, stop=lambda: stopping)
    return 0


def _expand(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            )
        else:
            files.append(path)
    return files


async def ingest(rt: Runtime, args: argparse.Namespace) -> int:
    from backend.indexing import service as indexing
    from backend.ingest_jobs.models import IngestOptions

    options = IngestOptions(
        source_type=args.source_type,
        document_type=args.document_type,
        organisation=args.organisation,
        languages=getattr(args, "languages", None),
    )
    async with rt.sessions() as session:
        project = await resolve_project(session, getattr(args, "project", None))
    queued, refused = await _enqueue_all(rt, stored(project.id), _expand(args.paths), options)
    for line in refused:
        print(line)
    if args.enqueue:
        print(f"queued {len(queued)} file(s) for the worker; refused {len(refused)}")
        return 1 if refused else 0
    await indexing.prepare_index(rt.sessions, rt.search)
    index = _IndexPacer(rt)
    try:
        failed, pages = await _run_queued(rt, queued, index)
    finally:
        # Whatever ends the run (an error, Ctrl-C), what was stored gets indexed:
        # `evidence search` reads the index and does not drain the queue itself.
        await index.drain()
    print(f"done: {len(queued) - failed} ingested, {failed + len(refused)} failed, {pages} pages")
    return 1 if failed or refused else 0


async def _run_queued(rt: Runtime, queued: list[int], index: _IndexPacer) -> tuple[int, int]:
    """Runs the queued jobs here, one after the other: (files failed, pages read)."""
    from tqdm import tqdm

    from backend.ingest_jobs import worker
    from backend.ingest_jobs.models import JobState

    failed = pages = 0
    with (
        tqdm(total=len(queued), unit="file", desc="ingest") as bar,
        tqdm(unit="page", desc="pages", leave=False) as page_bar,
    ):
        on_page = _page_progress(page_bar)
        for job_id in queued:
            job = await worker.run_job(rt, job_id, on_page=on_page, drain=False)
            while job is not None and job.state == JobState.queued:  # crashed: retry now
                job = await worker.run_job(rt, job_id, on_page=on_page, drain=False)
            await index.tick()
            if job is None:  # another worker took it
                continue
            pages += job.page_count or 0
            failed += job.state == JobState.failed
            bar.set_postfix(pages=pages)
            bar.update(1)
            tqdm.write(worker.summary_line(job))
    return failed, pages


class _IndexPacer:
    """Index what was stored after a file once a second has passed since the last time,
    and at the end. Draining after every file (its own read of the passages, index
    transaction and disk sync) was a fifth of ingesting a short transcript; now short
    files share one. A stored file is searchable once the next file is done, at worst."""

    SECONDS = 1.0

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.last = time.monotonic()

    async def tick(self) -> None:
        if time.monotonic() - self.last >= self.SECONDS:
            await self.drain()

    async def drain(self) -> None:
        from backend.indexing import service as indexing

        await indexing.drain_quietly(self.rt.sessions, self.rt.search)
        self.last = time.monotonic()


def _page_progress(bar: Any) -> Callable[[int, int], None]:
    """Pages of the current file (a scan is read by OCR a few seconds a page)."""

    def update(page: int, pages: int) -> None:
        if page == 1 or bar.total != pages:
            bar.reset(total=pages)
        bar.n = page
        bar.refresh()

    return update


async def _enqueue_all(
    rt: Runtime, project_id: int, files: list[Path], options: IngestOptions
) -> tuple[list[int], list[str]]:
    from backend.core.storage import StoredFile, TooLarge
    from backend.ingest_jobs import service as jobs

    jobs.validate_options(options)
    accepted: list[tuple[StoredFile, str]] = []
    refused: list[str] = []
    for path in files:
        try:
            accepted.append((jobs.store_file(path, rt.settings), path.name))
        except (IngestError, TooLarge, OSError) as exc:
            refused.append(f"FAILED     {path.name}: {getattr(exc, 'message', exc)}")
    # One transaction for the lot (as an upload of several files): a commit per file
    # cost a session and a disk sync each, and the jobs run only after all are queued.
    async with rt.sessions() as session:
        queued = await jobs.enqueue_all(session, project_id, accepted, options)
    return [stored(job.id) for job in queued], refused


async def search(rt: Runtime, args: argparse.Namespace) -> int:
    async with rt.sessions() as session:
        project = await resolve_project(session, args.project)
    project_id = stored(project.id)
    filters = Filters(
        project_ids=(project_id,),
        source_types=tuple(args.source_type or ()),
        document_types=tuple(args.document_type or ()),
        organisations=tuple(args.organisation or ()),
        speaker_roles=tuple(args.speaker_role or ()),
    )
    await rt.search.ensure_ready()
    async with rt.sessions() as session:
        result = await run_search(
            session,
            rt.search,
            operator(project_id),  # the command line reads the whole project
            SearchInput(
                q=args.query,
                filters=filters,
                limit=max(1, min(args.limit, 100)),
                facets=False,
                full_text=args.json,  # a script reads the text; a terminal shows snippets
                mode=resolve(
                    ModeChoice(args.mode or "auto"),
                    rt.settings.embedding_model != OFF,
                    q=args.query,
                ),
            ),
            rt.settings,
        )
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    if result.mode == "lexical":
        print(f"{result.total} passage(s) match {args.query!r}")
    else:
        print(f"{result.mode} search for {args.query!r} ({result.model})")
    if result.note:
        print(result.note)
    for caveat in result.caveats:  # the hits may differ from what the query means
        print(f"Caveat: {caveat}")
    for i, hit in enumerate(result.hits, 1):
        print(f"\n{i}. {hit.citation}")
        heading = " › ".join(hit.passage.heading_path)
        if heading:
            print(f"   {heading}")
        for fragment in hit.highlights:
            print("   " + _terminal(fragment))
    return 0


def _terminal(fragment: str) -> str:
    """<mark> as bold on a terminal, as **…** in a pipe; HTML entities decoded."""
    on, off = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    return html.unescape(fragment.replace("<mark>", on).replace("</mark>", off))


async def documents(rt: Runtime, args: argparse.Namespace) -> int:
    async with rt.sessions() as session:
        project = await resolve_project(session, args.project)
        stmt = select(Document).where(Document.project_id == project.id).order_by(col(Document.id))
        rows = (await session.exec(stmt)).all()
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return 0
    for d in rows:
        print(
            f"{d.id:>5}  {d.status:<9} {d.source_type:<11} {d.document_type:<11} "
            f"{d.page_count or 0:>4}p  {str(d.date or ''):<10}  {d.title}"
        )
    print(f"{len(rows)} document(s)")
    return 0


async def reindex(rt: Runtime, _args: argparse.Namespace) -> int:
    from backend.indexing import service as indexing

    await rt.search.ensure_ready()
    if abandoned := await indexing.abandon_runs(rt.sessions, rt.search):
        print(f"closed {abandoned} unfinished rebuild(s) left by stopped processes")
    total = await indexing.rebuild(rt.sessions, rt.search)
    print(f"reindexed {total} passages into the {rt.search.name} engine")
    return 0


async def projects(rt: Runtime, args: argparse.Namespace) -> int:
    from backend.accounts import service as accounts
    from backend.projects import service as project_service
    from backend.projects.models import Project, ProjectCreate

    async with rt.sessions() as session:
        if args.action == "list":
            for p in (await session.exec(select(Project).order_by(col(Project.id)))).all():
                print(f"{p.id:>4}  {p.name}")
            return 0
        owner = await accounts.user_by_email(session, args.owner)
        if owner is None:
            raise CommandError(
                f"no account for {args.owner}; create it with `evidence users create`"
            )
        project = await project_service.create_project(
            session, ProjectCreate(name=args.name), owner
        )
        await session.commit()
    print(f"created project {project.id} ({project.name}) with admin {owner.email}")
    return 0


async def agreement(rt: Runtime, args: argparse.Namespace) -> int:
    from backend.accounts import service as accounts
    from backend.agreement import service as agreement_service

    async with rt.sessions() as session:
        project = await resolve_project(session, args.project)
        coder_ids: list[agreement_service.Coder] = []
        for email in args.coder:
            user = await accounts.user_by_email(session, email)
            if user is None:
                raise CommandError(f"no account for {email}")
            coder_ids.append(stored(user.id))
        try:
            report, documents = await agreement_service.compute(
                session, operator(stored(project.id)), coder_ids, args.code or []
            )
        except agreement_service.AgreementError as exc:
            raise CommandError(exc.message) from exc
    if args.json:
        print(json.dumps({"documents": documents, **asdict(report)}, indent=2, default=str))
        return 0
    print(f"{len(documents)} document(s), {report.n_passages} passages, coders {args.coder}")
    print(f"{'code':>8}  {'agree %':>8}  {'alpha':>7}  kappa per pair")
    for row in (*((c.code, c.stats) for c in report.per_code), ("overall", report.overall)):
        code, stats = row
        kappas = ", ".join(_num(p.kappa) for p in stats.pairs)
        print(
            f"{code!s:>8}  {stats.percent_agreement * 100:>7.1f}%  {_num(stats.alpha):>7}  {kappas}"
        )
    return 0


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
