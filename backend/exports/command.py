"""`evidence export`: the API's exports, written to a file with a progress bar."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlmodel.ext.asyncio.session import AsyncSession
from tqdm import tqdm

from backend.core.ids import stored
from backend.core.runtime import Runtime
from backend.errors import CommandError, ServiceError
from backend.exports import service
from backend.exports.service import Format
from backend.exports.tabular import TABLES
from backend.projects.resolve import resolve_project
from backend.triangulation.scope import Scope


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="export evidence (CSV, XLSX, DOCX, JSON, REFI-QDA QDPX)")
    p.add_argument("--format", required=True, choices=[f.value for f in Format])
    p.add_argument("-o", "--output", required=True, help="file to write")
    p.add_argument("--project", type=int, help="project id (default: the only project)")
    p.add_argument("--table", choices=TABLES, help="CSV: just this table (default: a zip of all)")
    p.add_argument("--theory", type=int, help="only this programme theory's evidence")
    p.add_argument("--code", type=int, help="only excerpts with this code or its sub-codes")
    p.add_argument("--source-type", choices=["document", "interview", "observation"])
    p.add_argument("--since", type=dt.date.fromisoformat, help="documents dated from YYYY-MM-DD")
    p.add_argument("--until", type=dt.date.fromisoformat, help="documents dated to YYYY-MM-DD")


async def export(rt: Runtime, args: argparse.Namespace) -> int:
    target = Path(args.output)
    if not target.parent.is_dir():
        raise CommandError(f"no such folder: {target.parent}")
    if args.since and args.until and args.since > args.until:
        raise CommandError("--since is after --until")
    scope = Scope(args.theory, args.code, args.source_type, args.since, args.until)
    # Written next to the target and renamed at the end: a failed export leaves no
    # half-written file, and an older export at that path survives.
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w+b") as dest, tqdm(unit="excerpt", desc="export") as bar:
            await _write(rt, args, scope, dest, bar)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


async def _write(
    rt: Runtime, args: argparse.Namespace, scope: Scope, dest: BinaryIO, bar: tqdm
) -> None:
    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    async with rt.sessions() as session:
        project = await resolve_project(session, args.project)
        if args.theory is not None:
            await _exists(session, stored(project.id), args.theory)
        try:
            fmt = Format(args.format)
            await service.write(session, project, fmt, scope, dest, args.table, progress)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc


async def _exists(session: AsyncSession, project_id: int, theory_id: int) -> None:
    from backend.theories.models import ProgrammeTheory

    theory = await session.get(ProgrammeTheory, theory_id)
    if theory is None or theory.project_id != project_id:
        raise CommandError(f"no theory {theory_id} in project {project_id}")
