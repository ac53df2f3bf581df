"""Declarative list filters: each list route says which filters it takes; this module
parses the values and turns them into SQL, once for every route.

A route declares its filters beside its sortable fields:

    FILTERS = Filters(
        Filter("id", ids, "in", Cmoc.id),
        Filter("status", choice(CmocStatus), "in", Cmoc.status),
        Filter("q", texts, "contains", Cmoc.title, Cmoc.memo),
        Filter("deleted", flag, "present", Cmoc.deleted_at, default=False),
    )

and `await FILTERS.where(params.filters)` gives the WHERE clauses. A bad value, or a
filter the route does not declare, is a 400 that says what was wrong. Every list route
declares `id`, so react-admin's getMany is one request (see listing.list_params for
why such a request is never cut short at MAX_PAGE rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Any, Literal

from fastapi import HTTPException
from sqlalchemy import ColumnElement, or_

from backend.api.listing import MAX_ID

Parser = Callable[[str, Any], Any]
Op = Literal["in", "contains", "gte", "lte", "is", "present", "positive", "custom"]
# op "custom": (value, context) -> clause; async because some look things up first.
Builder = Callable[[Any, Any], Awaitable[ColumnElement[bool]]]


def as_list(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else [raw]


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def ids(key: str, raw: Any) -> list[int]:
    """A filter's values as database ids, or a 400 that says what was wrong."""
    values = as_list(raw)
    if not values or not all(_whole(v, 1, MAX_ID) for v in values):
        raise HTTPException(400, f"filter '{key}' takes ids (whole numbers from 1)")
    return values


def texts(key: str, raw: Any) -> list[str]:
    values = as_list(raw)
    if not values or not all(isinstance(v, str) and 0 < len(v) <= 500 for v in values):
        raise HTTPException(400, f"filter '{key}' takes text values")
    return values


def flag(key: str, raw: Any) -> bool:
    """true/false as JSON or as text: {"orphaned": "false"} means false, not a true string."""
    value = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
    if value in (True, "true", "1", 1) and not _other_number(value):
        return True
    if value in (False, "false", "0", 0) and not _other_number(value):
        return False
    raise HTTPException(400, f"filter '{key}' takes true or false")


def _other_number(value: Any) -> bool:
    # 1.0 == True in Python; only the values spelled above count as booleans.
    return isinstance(value, float)


def date(key: str, raw: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError as exc:
        raise HTTPException(400, f"'{key}' must be a date like 2024-03-31") from exc


def choice(allowed: type[StrEnum]) -> Parser:
    """A parser for values that must be members of `allowed`."""

    def parse(key: str, raw: Any) -> list[str]:
        values = as_list(raw)
        bad = [v for v in values if not isinstance(v, str) or v not in allowed.__members__]
        if bad or not values:
            names = ", ".join(allowed.__members__)
            raise HTTPException(400, f"unknown {key} {bad[:1] or values}; use one of: {names}")
        return values

    return parse


def literal_like(text: str) -> str:
    """`text` as a LIKE pattern that matches it anywhere, taken literally (no wildcards)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Filter:
    """One filter a list route takes: its name, how its value is read, what it does.
    `default` is applied when the request leaves the filter out (None: not applied)."""

    def __init__(
        self,
        name: str,
        parse: Parser,
        op: Op,
        *columns: Any,
        build: Builder | None = None,
        default: Any = None,
    ) -> None:
        if (op == "custom") != (build is not None) or (op != "custom" and not columns):
            raise ValueError(f"filter {name}: 'custom' takes build=, every other op columns")
        self.name, self.parse, self.op, self.columns = name, parse, op, columns
        self.build, self.default = build, default

    async def clause(self, value: Any, context: Any) -> ColumnElement[bool]:
        column: Any = self.columns[0] if self.columns else None
        match self.op:
            case "in":
                return column.in_(value)
            case "contains":
                likes = [literal_like(v) for v in value]
                return or_(*(c.ilike(p, escape="\\") for c in self.columns for p in likes))
            case "gte":
                return column >= value
            case "lte":
                return column <= value
            case "is":
                return column.is_(value)
            case "present":
                return column.is_not(None) if value else column.is_(None)
            case "positive":
                return column > 0 if value else column == 0
        assert self.build is not None  # "custom", checked in __init__
        return await self.build(value, context)


class Filters:
    """The filters one list route declares, applied together."""

    def __init__(self, *filters: Filter) -> None:
        self.by_name = {f.name: f for f in filters}
        if "id" not in self.by_name:
            raise ValueError("every list route takes an 'id' filter (react-admin's getMany)")

    async def where(
        self, given: Mapping[str, Any], context: Any = None
    ) -> list[ColumnElement[bool]]:
        """The WHERE clauses for the request's `filter={...}`; 400 for anything unknown."""
        unknown = sorted(set(given) - set(self.by_name))
        if unknown:
            names = ", ".join(sorted(self.by_name))
            raise HTTPException(400, f"unknown filter '{unknown[0]}'; use one of: {names}")
        clauses = []
        for name, spec in self.by_name.items():
            if name in given:
                value = spec.parse(name, given[name])
            elif spec.default is not None:
                value = spec.default
            else:
                continue
            clauses.append(await spec.clause(value, context))
        return clauses
