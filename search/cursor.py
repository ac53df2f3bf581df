"""Opaque page cursors (the last hit's sort values), shared by the engines."""

from __future__ import annotations

import base64
import json

from search.errors import QuerySyntaxError


def encode_cursor(sort_value: float, passage_id: int) -> str:
    raw = json.dumps([sort_value, passage_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[float, int]:
    try:
        value, pid = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return float(value), int(pid)
    except (ValueError, TypeError) as exc:
        raise QuerySyntaxError(
            "the page cursor is not valid; start from the first page", 0
        ) from exc
