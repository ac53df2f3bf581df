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


async def _chunks(session, project_id: int, scope: Scope, table: str, progress=None):
    """Any table as chunks of row dicts: evidence and CMOCs streamed, the rest at once."""
    if table == "evidence":
        async for chunk in dataset.evidence(session, project_id, scope, progress):
            yield chunk
    elif table == "cmocs":
        async for chunk in dataset.cmoc_chunks(session, project_id, scope):
            yield chunk
    elif table == "matrix":
        yield await dataset.matrix(session, project_id, scope)
    elif table == "theories":
        yield await dataset.theories(session, project_id, scope)
    else:
        yield await dataset.codebook(session, project_id)


FIXED_COLUMNS = {
    "evidence": dataset.EVIDENCE_COLUMNS,
    "cmocs": dataset.CMOC_COLUMNS,
    "theories": dataset.THEORY_COLUMNS,
    "codebook": dataset.CODE_COLUMNS,
}


async def _rows_with_header(session, project_id: int, scope: Scope, table: str, progress=None):
    """The header, then lists of row values, chunk by chunk."""
    columns = FIXED_COLUMNS.get(table)
    if columns is not None:
        yield list(columns)
    async for chunk in _chunks(session, project_id, scope, table, progress):
        if columns is None:  # the matrix (always one chunk): its columns come from its rows
            columns = list(chunk[0]) if chunk else ["theory_id", "theory", "status"]
            yield columns
        yield [[row.get(c) for c in columns] for row in chunk]


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
    header = True
    async for part in _rows_with_header(session, project_id, scope, table, progress):
        if header:
            writer.writerow(part)
            header = False
        else:
            writer.writerows([_cell(v) for v in row] for row in part)
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
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,  # a quote starting with "=" stays text
        "strings_to_urls": False,
    }
    book = xlsxwriter.Workbook(dest, options)
    bold = book.add_format({"bold": True})
    for table in TABLES:
        sheet, line = book.add_worksheet(table), 0
        async for part in _rows_with_header(session, project_id, scope, table, progress):
            if line == 0:
                sheet.write_row(0, 0, part, bold)
                line = 1
                continue
            for row in part:
                sheet.write_row(line, 0, [_xlsx(v) for v in row])
                line += 1
    book.close()


def _xlsx(value):
    value = _cell(value)
    if isinstance(value, str) and len(value) > XLSX_CELL_MAX:
        return value[: XLSX_CELL_MAX - 20] + " [… cut: too long]"
    return value
