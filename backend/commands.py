"""What each `evidence` sub-command does (argument parsing lives in cli.py)."""

from __future__ import annotations

import argparse
import getpass
import html
import json
import signal
import sys
from dataclasses import asdict
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import select
from tqdm import tqdm

from backend.accounts import service as accounts
from backend.accounts.models import User, UserCreate
from backend.agreement import service as agreement_service
from backend.core import heap
from backend.core.runtime import Runtime
from backend.core.storage import TooLarge
from backend.documents.models import Document
from backend.errors import CommandError
from backend.indexing import service as indexing
from backend.ingest_jobs import service as jobs
from backend.ingest_jobs.models import IngestOptions, JobState
from backend.projects import service as project_service
from backend.projects.models import Project, ProjectCreate
from backend.projects.resolve import adopt_orphans, resolve_project
from backend.searching.service import SearchInput, run_search
from ingest import worker
from ingest.errors import IngestError
from search.base import Filters


async def worker_cmd(rt: Runtime, _args: argparse.Namespace) -> int:
    await indexing.prepare_index(rt.sessions, rt.search)
    heap.settle()
    stopping = False

    def stop(*_) -> None:
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
    options = IngestOptions(
        source_type=args.source_type,
        document_type=args.document_type,
        organisation=args.organisation,
    )
    async with rt.sessions() as session:
        project = await resolve_project(session, getattr(args, "project", None))
    queued, refused = await _enqueue_all(rt, project.id, _expand(args.paths), options)
    for line in refused:
        print(line)
    if args.enqueue:
        print(f"queued {len(queued)} file(s) for the worker; refused {len(refused)}")
        return 1 if refused else 0
    await indexing.prepare_index(rt.sessions, rt.search)
    failed = pages = 0
    with tqdm(total=len(queued), unit="file", desc="ingest") as bar:
        for job_id in queued:
            job = await worker.run_job(rt, job_id)
            while job is not None and job.state == JobState.queued:  # crashed: retry now
                job = await worker.run_job(rt, job_id)
            if job is None:  # another worker took it
                continue
            pages += job.page_count or 0
            failed += job.state == JobState.failed
            bar.set_postfix(pages=pages)
            bar.update(1)
            tqdm.write(worker.summary_line(job))
    print(f"done: {len(queued) - failed} ingested, {failed + len(refused)} failed, {pages} pages")
    return 1 if failed or refused else 0


async def _enqueue_all(
    rt: Runtime, project_id: int, files: list[Path], options: IngestOptions
) -> tuple[list[int], list[str]]:
    jobs.validate_options(options)
    queued: list[int] = []
    refused: list[str] = []
    for path in files:
        try:
            stored = jobs.store_file(path, rt.settings)
        except (IngestError, TooLarge, OSError) as exc:
            refused.append(f"FAILED     {path.name}: {getattr(exc, 'message', exc)}")
            continue
        async with rt.sessions() as session:
            job = await jobs.enqueue(session, project_id, stored, path.name, options)
            await session.commit()
            queued.append(job.id)
    return queued, refused


async def search(rt: Runtime, args: argparse.Namespace) -> int:
    async with rt.sessions() as session:
        project = await resolve_project(session, args.project)
    filters = Filters(
        project_ids=(project.id,),
        source_types=tuple(args.source_type or ()),
        document_types=tuple(args.document_type or ()),
        organisations=tuple(args.organisation or ()),
    )
    await rt.search.ensure_ready()
    async with rt.sessions() as session:
        result = await run_search(
            session,
            rt.search,
            SearchInput(
                q=args.query, filters=filters, limit=max(1, min(args.limit, 100)), facets=False
            ),
        )
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    print(f"{result.total} passage(s) match {args.query!r}")
    for i, hit in enumerate(result.hits, 1):
        page = hit.passage.page_start
        where = f"p. {page}" if page else (hit.passage.speaker or "")
        print(f"\n{i}. {hit.document.title} — {where}  [passage {hit.passage.id}]")
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
        stmt = select(Document).where(Document.project_id == project.id).order_by(Document.id)
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
    await rt.search.ensure_ready()
    if abandoned := await indexing.abandon_runs(rt.sessions, rt.search):
        print(f"closed {abandoned} unfinished rebuild(s) left by stopped processes")
    total = await indexing.rebuild(rt.sessions, rt.search)
    print(f"reindexed {total} passages into the {rt.search.name} engine")
    return 0


async def users(rt: Runtime, args: argparse.Namespace) -> int:
    async with rt.sessions() as session:
        if args.action == "list":
            for u in (await session.exec(select(User).order_by(User.id))).all():
                print(f"{u.id:>4}  {u.role:<6} {'active' if u.is_active else 'off':<7} {u.email}")
            return 0
        data = _new_account(args)
        try:
            user = await accounts.create_user(session, data)
        except accounts.AccountError as exc:
            raise CommandError(exc.message) from exc
        adopted = await adopt_orphans(session, user.id) if user.role == "admin" else []
        await session.commit()
    print(f"created {user.role} account {user.email} (id {user.id})")
    for project in adopted:
        print(f"  and made it admin of project {project.id} ({project.name})")
    return 0


def _new_account(args: argparse.Namespace) -> UserCreate:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password (10+ characters): ")
        if getpass.getpass("again: ") != password:
            raise CommandError("the two passwords differ")
    try:
        return UserCreate(
            email=args.email,
            name=args.name or args.email.split("@")[0],
            password=password,
            role=args.role,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CommandError(problems) from exc


async def projects(rt: Runtime, args: argparse.Namespace) -> int:
    async with rt.sessions() as session:
        if args.action == "list":
            for p in (await session.exec(select(Project).order_by(Project.id))).all():
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
    async with rt.sessions() as session:
        project = await resolve_project(session, args.project)
        coder_ids = []
        for email in args.coder:
            user = await accounts.user_by_email(session, email)
            if user is None:
                raise CommandError(f"no account for {email}")
            coder_ids.append(user.id)
        try:
            report, documents = await agreement_service.compute(
                session, project.id, coder_ids, args.code or []
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
