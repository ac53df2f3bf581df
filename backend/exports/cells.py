"""Text made safe for the programs exports are opened in (README, "Exports").

Spreadsheets: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
is run as a formula by Excel and LibreOffice when a CSV is opened (OWASP, "CSV
Injection"). In CSV such a cell gets one apostrophe in front, which both programs
show as text; a cell that already starts with apostrophes followed by one of those
characters gets one more, so the rule can always be undone: `csv_exact` removes the
first apostrophe of a cell that starts with apostrophes and then one of them. In
XLSX the cell is a text cell marked with Excel's own quote prefix (the `'` Excel
adds when you type one), so its value stays exactly the quote.

Word: XML 1.0 cannot hold most control characters (U+0000–U+001F but tab, line
feed and carriage return; U+FFFE, U+FFFF; lone surrogates). The DOCX report shows
each as U+FFFD (�), so a reader sees that something was there, and says how many.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def formula_like(value: str) -> bool:
    """Would a spreadsheet run this as a formula (after any leading apostrophes)?"""
    return value.lstrip("'").startswith(FORMULA_START)


def csv_safe(value: str) -> str:
    return "'" + value if formula_like(value) else value


def csv_exact(cell: str) -> str:
    """The text `csv_safe` was given (its inverse)."""
    return cell[1:] if cell.startswith("'") and formula_like(cell) else cell


def xml_safe(text: str) -> tuple[str, int]:
    """The text with characters XML cannot hold replaced, and how many there were."""
    return _NOT_XML.subn(REPLACEMENT, text)
