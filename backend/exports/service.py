"""Choose an export format and write it to a file object: one entry point for the
API (which then streams the file) and the CLI (which writes straight to -o)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import BinaryIO

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.ids import stored
from backend.errors import ServiceError
from backend.exports import document, report, tabular
from backend.exports.dataset import Progress
from backend.projects.models import Project
from backend.triangulation.scope import Scope


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    docx = "docx"
    json = "json"
    qdpx = "qdpx"


MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
    "qdpx": "application/zip",
}


class ExportError(ServiceError):
    pass


def suffix(fmt: Format, table: str | None) -> str:
    """A CSV export is one table (`table`) or a zip of all five."""
    if fmt == Format.csv:
        return "csv" if table else "zip"
    return fmt.value


def file_name(project: Project, fmt: Format, table: str | None) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", project.name).strip("-").lower() or "project"
    part = f"-{table}" if table else ""
    return f"{slug}-evidence{part}.{suffix(fmt, table)}"


async def write(
    session: AsyncSession,
    project: Project,
    fmt: Format,
    scope: Scope,
    dest: BinaryIO,
    table: str | None = None,
    progress: Progress | None = None,
) -> None:
    if table is not None and (fmt != Format.csv or table not in tabular.TABLES):
        raise ExportError(f"'table' applies to CSV only, one of: {', '.join(tabular.TABLES)}", 400)
    pid = stored(project.id)
    if fmt == Format.csv and table:
        await tabular.write_csv_table(session, pid, scope, table, dest, progress)
    elif fmt == Format.csv:
        await tabular.write_csv_zip(session, pid, scope, dest, progress)
    elif fmt == Format.xlsx:
        await tabular.write_xlsx(session, pid, scope, dest, progress)
    elif fmt == Format.json:
        await document.write_json(session, pid, scope, dest, project.name, progress)
    elif fmt == Format.docx:
        await report.write_docx(session, pid, scope, dest, project.name, progress)
    else:
        from backend.refi.export import write_qdpx

        await write_qdpx(session, pid, scope, dest, progress)
