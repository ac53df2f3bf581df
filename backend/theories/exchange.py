"""Theory files in and out.

CSV: a header row with `framework_heading` (or `framework`) and `theory_statement`
(or `statement`), optionally `status` and `form` — the shape of the study's
initial-theories.csv. Markdown: `#`/`##` headings are framework headings; under
each, every list item or paragraph is one theory.
"""

from __future__ import annotations

import csv
import io
import re

from pydantic import ValidationError

from backend.theories.models import TheoryCreate

MAX_THEORIES = 2_000
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
ALIASES = {
    "framework_heading": "framework",
    "framework": "framework",
    "heading": "framework",
    "theory_statement": "statement",
    "statement": "statement",
    "theory": "statement",
    "status": "status",
    "form": "form",
}


class TheoryFileError(ValueError):
    pass


def parse(filename: str, data: bytes) -> list[TheoryCreate]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TheoryFileError("the file is not UTF-8 text") from exc
    if "\x00" in text:
        raise TheoryFileError("the file contains NUL characters; is it a binary file?")
    name = filename.lower()
    if name.endswith(".csv"):
        items = _from_csv(text)
    elif name.endswith((".md", ".markdown", ".txt")):
        items = _from_markdown(text)
    else:
        raise TheoryFileError("send a .csv or a Markdown (.md) file")
    if not items:
        raise TheoryFileError("the file holds no theories")
    if len(items) > MAX_THEORIES:
        raise TheoryFileError(f"at most {MAX_THEORIES} theories per file")
    return items


def _from_csv(text: str) -> list[TheoryCreate]:
    reader = csv.DictReader(io.StringIO(text))
    columns = {c: ALIASES.get((c or "").strip().lower()) for c in reader.fieldnames or []}
    if "statement" not in columns.values():
        raise TheoryFileError(
            "the CSV needs a header row with a 'theory_statement' (or 'statement') column"
        )
    items = []
    for row in reader:
        fields = {name: (v or "").strip() for k, v in row.items() if (name := columns.get(k))}
        if not any(fields.values()):
            continue  # blank line
        # The reader's own count: blank lines are skipped and quoted cells may span lines.
        items.append(_theory(fields, f"line {reader.line_num}"))
    return items


def _from_markdown(text: str) -> list[TheoryCreate]:
    items: list[TheoryCreate] = []
    paragraph: list[str] = []
    framework, start = "", 0

    def flush() -> None:
        if paragraph:
            statement = " ".join(part.strip() for part in paragraph)
            where = f"line {start}"  # where the theory starts
            items.append(_theory({"framework": framework, "statement": statement}, where))
            paragraph.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        heading = HEADING.match(line)
        if heading:
            flush()
            framework = heading.group(1)
        elif not line.strip():
            flush()
        elif ITEM.match(line):
            flush()
            start = number
            paragraph.append(ITEM.sub("", line, count=1))
        else:
            start = start if paragraph else number
            paragraph.append(line)
    flush()
    return items


def _theory(fields: dict[str, str], where: str) -> TheoryCreate:
    fields = {k: v for k, v in fields.items() if v}
    try:
        return TheoryCreate.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "row"
        raise TheoryFileError(f"{where}: {field}: {first['msg']}") from exc


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["framework_heading", "theory_statement", "status", "form"])
    for row in rows:
        writer.writerow([row["framework"], row["statement"], row["status"], row["form"]])
    return out.getvalue()
