"""react-admin's simple-rest list protocol, in one place.

Requests carry `sort=["field","ASC"]`, `range=[0,24]` and `filter={...}` as JSON
query parameters; responses are a JSON array plus
`Content-Range: <resource> <first>-<last>/<total>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Response
from sqlalchemy import Select, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

MAX_PAGE = 500
MAX_ID = 2**31 - 1  # PostgreSQL's integer; larger ids cannot exist
MAX_PARAM_CHARS = 20_000


@dataclass(frozen=True)
class ListParams:
    sort_field: str = "id"
    descending: bool = False
    first: int = 0
    last: int = 24
    filters: dict[str, Any] = field(default_factory=dict)


def _json_param(name: str, raw: str | None, expected: type) -> Any:
    if raw is None:
        return None
    if len(raw) > MAX_PARAM_CHARS:
        raise HTTPException(400, f"'{name}' is too long")
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise HTTPException(400, f"'{name}' must be JSON, e.g. {_EXAMPLES[name]}") from exc
    if not isinstance(value, expected):
        raise HTTPException(400, f"'{name}' must look like {_EXAMPLES[name]}")
    return value


_EXAMPLES = {"sort": '["title","ASC"]', "range": "[0,24]", "filter": '{"status":"ready"}'}


def list_params(
    sort: str | None = Query(None, examples=['["id","ASC"]']),
    range: str | None = Query(None, examples=["[0,24]"]),  # noqa: A002 (react-admin's name)
    filter: str | None = Query(None, examples=['{"q":"leadership"}']),  # noqa: A002
) -> ListParams:
    sort_v = _json_param("sort", sort, list) or ["id", "ASC"]
    range_v = _json_param("range", range, list) or [0, 24]
    filter_v = _json_param("filter", filter, dict) or {}
    if (
        len(sort_v) != 2
        or not all(isinstance(v, str) for v in sort_v)
        or (sort_v[1].upper() not in ("ASC", "DESC"))
    ):
        raise HTTPException(400, '\'sort\' must look like ["field","ASC"|"DESC"]')
    if len(range_v) != 2 or not all(_whole(v, 0, MAX_ID) for v in range_v):
        raise HTTPException(400, "'range' must be two whole numbers [first,last]")
    for key, value in filter_v.items():
        if not _flat(value):
            raise HTTPException(400, f"filter '{key}' takes a value or a list of values")
    first, last = range_v
    if last < first:
        raise HTTPException(400, "'range' must have first <= last")
    last = min(last, first + MAX_PAGE - 1)
    return ListParams(str(sort_v[0]), str(sort_v[1]).upper() == "DESC", first, last, filter_v)


ListParamsDep = Annotated[ListParams, Depends(list_params)]


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _flat(value: Any) -> bool:
    scalar = (str, int, float, bool, type(None))
    if isinstance(value, list):
        return all(isinstance(v, scalar) for v in value)
    return isinstance(value, scalar)


def as_list(raw: Any) -> list:
    return raw if isinstance(raw, list) else [raw]


def ids(key: str, raw: Any) -> list[int]:
    """A filter's values as database ids, or a 400 that says what was wrong."""
    values = as_list(raw)
    if not values or not all(_whole(v, 1, MAX_ID) for v in values):
        raise HTTPException(400, f"filter '{key}' takes ids (whole numbers from 1)")
    return values


def choices(key: str, raw: Any, allowed: type[StrEnum]) -> list[str]:
    values = as_list(raw)
    bad = [v for v in values if not isinstance(v, str) or v not in allowed.__members__]
    if bad or not values:
        raise HTTPException(
            400, f"unknown {key} {bad[:1] or values}; use one of: " + ", ".join(allowed.__members__)
        )
    return values


def texts(key: str, raw: Any, limit: int = 500) -> list[str]:
    values = as_list(raw)
    if not values or not all(isinstance(v, str) and 0 < len(v) <= limit for v in values):
        raise HTTPException(400, f"filter '{key}' takes text values")
    return values


async def paginate(
    session: AsyncSession,
    stmt: Select,
    model: type,
    params: ListParams,
    sortable: set[str],
    response: Response,
    resource: str,
) -> list:
    """Apply sort and range to `stmt`, set Content-Range, return the page's rows."""
    if params.sort_field not in sortable:
        raise HTTPException(
            400, f"cannot sort by '{params.sort_field}'; use one of: " + ", ".join(sorted(sortable))
        )
    total = (await session.exec(select(func.count()).select_from(stmt.subquery()))).one()
    column = col(getattr(model, params.sort_field))
    order = column.desc() if params.descending else column.asc()
    tiebreak = col(model.id).desc() if params.descending else col(model.id).asc()
    page = stmt.order_by(order, tiebreak).offset(params.first)
    page = page.limit(params.last - params.first + 1)
    rows = list((await session.exec(page)).all())
    last = params.first + len(rows) - 1 if rows else params.first
    response.headers["Content-Range"] = f"{resource} {params.first}-{last}/{total}"
    return rows
