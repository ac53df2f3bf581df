"""CSV (one table, or a zip of all five) and XLSX (one sheet per table).

XLSX is written by XlsxWriter in constant-memory mode: each row goes to disk as
it is written, so a project's size changes the file, not the memory.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import BinaryIO

import xlsxwriter
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.exports import dataset
from backend.exports.dataset import Progress
from backend.triangulation.scope import Scope

TABLES = ("evidence", "matrix", "cmocs", "theories", "codebook")
XLSX_CELL_MAX = 32_767  # Excel's limit; longer text is cut with a marker


async def _static_rows(session, project_id: int, scope: Scope, table: str) -> list[dict]:
    if table == "matrix":
        return await dataset.matrix(session, project_id, scope)
    if table == "cmocs":
        return await dataset.cmocs(session, project_id, scope)
    if table == "theories":
        return await dataset.theories(session, project_id, scope)
    return await dataset.codebook(session, project_id)


def _columns(table: str, rows: list[dict]) -> list[str]:
    fixed = {
        "evidence": dataset.EVIDENCE_COLUMNS,
        "cmocs": dataset.CMOC_COLUMNS,
        "theories": dataset.THEORY_COLUMNS,
        "codebook": dataset.CODE_COLUMNS,
    }
    return list(fixed.get(table) or (rows[0].keys() if rows else ["theory_id", "theory", "status"]))


def _cell(value) -> str | int | float:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value


async def write_csv_table(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    table: str,
    dest: BinaryIO,
    progress: Progress | None = None,
) -> None:
    text = io.TextIOWrapper(dest, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    if table == "evidence":
        writer.writerow(dataset.EVIDENCE_COLUMNS)
        async for chunk in dataset.evidence(session, project_id, scope, progress):
            writer.writerows([_cell(r[c]) for c in dataset.EVIDENCE_COLUMNS] for r in chunk)
    else:
        rows = await _static_rows(session, project_id, scope, table)
        columns = _columns(table, rows)
        writer.writerow(columns)
        writer.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    text.flush()
    text.detach()  # leave `dest` open for the caller


async def write_csv_zip(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    dest: BinaryIO,
    progress: Progress | None = None,
) -> None:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            with archive.open(f"{table}.csv", "w", force_zip64=True) as member:
                await write_csv_table(session, project_id, scope, table, member, progress)


async def write_xlsx(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    dest: BinaryIO,
    progress: Progress | None = None,
) -> None:
    book = xlsxwriter.Workbook(
        dest,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("evidence")
    sheet.write_row(0, 0, dataset.EVIDENCE_COLUMNS, bold)
    line = 1
    async for chunk in dataset.evidence(session, project_id, scope, progress):
        for row in chunk:
            sheet.write_row(line, 0, [_xlsx(row[c]) for c in dataset.EVIDENCE_COLUMNS])
            line += 1
    for table in TABLES[1:]:
        rows = await _static_rows(session, project_id, scope, table)
        columns = _columns(table, rows)
        sheet = book.add_worksheet(table)
        sheet.write_row(0, 0, columns, bold)
        for i, row in enumerate(rows, start=1):
            sheet.write_row(i, 0, [_xlsx(row.get(c)) for c in columns])
    book.close()


def _xlsx(value):
    value = _cell(value)
    if isinstance(value, str) and len(value) > XLSX_CELL_MAX:
        return value[: XLSX_CELL_MAX - 20] + " [… cut: too long]"
    return value
