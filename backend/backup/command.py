"""`evidence backup FILE` and `evidence restore FILE` (see backend/backup/service.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

import anyio

from backend.backup import service
from backend.core.config import Settings


def add_parsers(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser(
        "backup", help="write the database, stored originals and keys to one file"
    )
    backup.add_argument("file", type=Path, help="the backup file to write (e.g. backup.zip)")
    restore = sub.add_parser(
        "restore", help="restore a backup into an empty data folder and database"
    )
    restore.add_argument("file", type=Path, help="a file written by `evidence backup`")


async def backup(settings: Settings, args: argparse.Namespace) -> int:
    summary = await anyio.to_thread.run_sync(service.backup, settings, args.file)
    size = args.file.stat().st_size / 2**20
    print(
        f"backed up {summary.rows} rows ({summary.manifest.database_kind}, schema "
        f"{summary.manifest.schema_revision}) and {summary.files} stored files to "
        f"{args.file} ({size:.1f} MB)"
    )
    return 0


async def restore(settings: Settings, args: argparse.Namespace) -> int:
    from backend.core.runtime import Runtime
    from backend.indexing import service as indexing

    summary = await anyio.to_thread.run_sync(service.restore, settings, args.file)
    print(
        f"restored {summary.rows} rows and {summary.files} stored files from {args.file} "
        f"(made {summary.manifest.created_at})"
    )
    rt = Runtime.start(settings)  # migrations bring an older schema up to date
    try:
        await rt.search.ensure_ready()
        total = await indexing.rebuild(rt.sessions, rt.search)
    finally:
        await rt.close()
    print(f"rebuilt the {settings.search_engine} search index: {total} passages")
    return 0
