"""Opaque page cursors (the last hit's sort values), shared by the engines."""

from __future__ import annotations

import base64
import json
import math

from search.errors import SearchError


class InvalidCursor(SearchError):
    def __init__(self) -> None:
        super().__init__("the page cursor is not valid; start again from the first page")


def encode_cursor(sort_value: float, passage_id: int) -> str:
    raw = json.dumps([sort_value, passage_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[float, int]:
    try:
        value, pid = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        value, pid = float(value), int(pid)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise InvalidCursor() from exc
    if not math.isfinite(value) or not 0 <= pid < 2**63:
        raise InvalidCursor()
    return value, pid
