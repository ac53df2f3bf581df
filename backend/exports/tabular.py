"""CSV (one table, or a zip of all five) and XLSX (one sheet per table).

XLSX is written by XlsxWriter in constant-memory mode: each row goes to disk as
it is written, so a project's size changes the file, not the memory. Each sheet
has a formatted, frozen header row with filters, set column widths and wrapped
long text. Text that a spreadsheet would run as a formula is neutralised in
both formats (cells.py).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator, Sequence
from typing import IO, Any, BinaryIO

import xlsxwriter
from sqlmodel.ext.asyncio.session import AsyncSession
from xlsxwriter.worksheet import Worksheet

from backend.citations import LOCATION_FIELDS
from backend.exports import dataset
from backend.exports.cells import csv_safe, formula_like
from backend.exports.dataset import Progress
from backend.triangulation.scope import Scope

TABLES = ("evidence", "matrix", "cmocs", "theories", "codebook")
XLSX_CELL_MAX = 32_767  # Excel's limit; longer text is cut with a marker
Cell = str | int | float


async def _chunks(
    session: AsyncSession, project_id: int, scope: Scope, table: str, progress: Progress | None
) -> AsyncIterator[list[dict]]:
    """Any table as chunks of row dicts: evidence and CMOCs streamed, the rest at once."""
    if table == "evidence":
        async for chunk in dataset.evidence(session, project_id, scope, progress):
            yield [_spread_location(row) for row in chunk]
    elif table == "cmocs":
        async for chunk in dataset.cmoc_chunks(session, project_id, scope):
            yield chunk
    elif table == "matrix":
        yield await dataset.matrix(session, project_id, scope)
    elif table == "theories":
        yield await dataset.theories(session, project_id, scope)
    else:
        yield await dataset.codebook(session, project_id)


def _spread_location(row: dict) -> dict:
    return row | (row.get("location") or {})


def _evidence_columns() -> tuple[str, ...]:
    at = dataset.EVIDENCE_COLUMNS.index("location")
    columns = dataset.EVIDENCE_COLUMNS
    return (*columns[:at], *LOCATION_FIELDS, *columns[at + 1 :])


FIXED_COLUMNS = {
    "evidence": _evidence_columns(),
    "cmocs": dataset.CMOC_COLUMNS,
    "theories": dataset.THEORY_COLUMNS,
    "codebook": dataset.CODE_COLUMNS,
}


async def _rows_with_header(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    table: str,
    progress: Progress | None = None,
) -> AsyncIterator[list[Any]]:
    """The header, then lists of row values, chunk by chunk."""
    fixed = FIXED_COLUMNS.get(table)
    columns: list[str] | None = list(fixed) if fixed is not None else None
    if columns is not None:
        yield list(columns)
    async for chunk in _chunks(session, project_id, scope, table, progress):
        if columns is None:  # the matrix (always one chunk): its columns come from its rows
            columns = list(chunk[0]) if chunk else ["theory_id", "theory", "status"]
            yield list(columns)
        yield [[row.get(c) for c in columns] for row in chunk]


def _cell(value: object) -> Cell:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if value is None:
        return ""
    return value if isinstance(value, str | int | float) else str(value)


def _csv(value: object) -> Cell:
    value = _cell(value)
    return csv_safe(value) if isinstance(value, str) else value


async def write_csv_table(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    table: str,
    dest: IO[bytes],  # a zip member too (write_csv_zip)
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
            writer.writerows([_csv(v) for v in row] for row in part)
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
    styles = _Styles(book)
    for table in TABLES:
        sheet = _Sheet(book.add_worksheet(table), styles)
        async for part in _rows_with_header(session, project_id, scope, table, progress):
            if sheet.columns is None:
                sheet.header(part)
            else:
                for row in part:
                    sheet.row(row)
        sheet.close()
    book.close()


# Column widths in characters; long text columns wrap. Others get the header's width.
WIDTHS = {
    "quote": 60,
    "citation": 40,
    "title": 30,
    "section": 30,
    "memo": 40,
    "statement": 60,
    "context": 40,
    "mechanism_resource": 40,
    "mechanism_reasoning": 40,
    "outcome": 40,
    "definition": 40,
    "path": 30,
    "name": 25,
    "theory": 30,
    "cmoc_title": 30,
    "codes": 25,
    "organisation": 20,
    "speaker": 15,
}
WRAPPED = {"quote", "citation", "memo", "statement", "context", "definition", "outcome"} | {
    "mechanism_resource",
    "mechanism_reasoning",
    "section",
}


class _Styles:
    """The formats a sheet needs, made once per workbook (Excel keeps a table of them)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.top = book.add_format({"valign": "top"})
        # The same two, for text a spreadsheet would run: Excel's quote prefix keeps it text.
        self.quoted = {
            True: book.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True}),
            False: book.add_format({"valign": "top", "quote_prefix": True}),
        }
        self.split = book.add_format({})  # a neutral run format (see _Sheet._text)


class _Sheet:
    def __init__(self, sheet: Worksheet, styles: _Styles) -> None:
        self.sheet, self.styles = sheet, styles
        self.columns: list[str] | None = None
        self.wrapped: list[bool] = []
        self.line = 0

    def header(self, columns: Sequence[str]) -> None:
        """Widths and column formats before any row: constant-memory mode writes each
        row at once, with the column's format for cells without their own."""
        self.columns = list(columns)
        self.wrapped = [c in WRAPPED for c in self.columns]
        for i, name in enumerate(self.columns):
            width = WIDTHS.get(name, min(max(len(name) + 2, 10), 30))
            fmt = self.styles.wrap if self.wrapped[i] else self.styles.top
            self.sheet.set_column(i, i, width, fmt)
        self.sheet.write_row(0, 0, self.columns, self.styles.header)
        self.sheet.freeze_panes(1, 0)
        self.line = 1

    def row(self, values: Sequence[object]) -> None:
        for i, value in enumerate(values):
            cell = _xlsx(value)
            if isinstance(cell, str):
                self._text(i, cell)
            else:
                self.sheet.write(self.line, i, cell)
        self.line += 1

    def _text(self, i: int, text: str) -> None:
        quoted = self.styles.quoted[self.wrapped[i]] if formula_like(text) else None
        if text.startswith("<r>") and text.endswith("</r>"):
            # XlsxWriter's constant-memory writer would copy such text into the sheet's
            # XML as rich-text markup (a memo could corrupt the file); two runs keep it text.
            self.sheet.write_rich_string(
                self.line, i, text[:1], self.styles.split, text[1:], *([quoted] if quoted else [])
            )
        elif text:
            self.sheet.write_string(self.line, i, text, quoted)

    def close(self) -> None:
        if self.columns:
            self.sheet.autofilter(0, 0, max(self.line - 1, 0), len(self.columns) - 1)


def _xlsx(value: object) -> Cell:
    value = _cell(value)
    if isinstance(value, str) and len(value) > XLSX_CELL_MAX:
        return value[: XLSX_CELL_MAX - 20] + " [… cut: too long]"
    return value
