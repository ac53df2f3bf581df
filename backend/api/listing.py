"""react-admin's simple-rest list protocol, in one place.

Requests carry `sort=["field","ASC"]`, `range=[0,24]` and `filter={...}` as JSON
query parameters; responses are a JSON array plus
`Content-Range: <resource> <first>-<last>/<total>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Response
from sqlalchemy import Select, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

MAX_PAGE = 500


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
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
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
    if len(sort_v) != 2 or str(sort_v[1]).upper() not in ("ASC", "DESC"):
        raise HTTPException(400, '\'sort\' must look like ["field","ASC"|"DESC"]')
    if len(range_v) != 2 or not all(isinstance(v, int) and v >= 0 for v in range_v):
        raise HTTPException(400, "'range' must be two whole numbers [first,last]")
    first, last = range_v
    if last < first:
        raise HTTPException(400, "'range' must have first <= last")
    last = min(last, first + MAX_PAGE - 1)
    return ListParams(str(sort_v[0]), str(sort_v[1]).upper() == "DESC", first, last, filter_v)


ListParamsDep = Annotated[ListParams, Depends(list_params)]


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
