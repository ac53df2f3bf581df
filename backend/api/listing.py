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
from sqlalchemy import func
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

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


# Valid on every list route (each has `id` to sort and filter by): the schema shows them
# as examples, and an example a route refuses is a schema that lies (schemathesis).
_EXAMPLES = {"sort": '["id","ASC"]', "range": "[0,24]", "filter": '{"id":[1,2]}'}


def list_params(
    sort: str | None = Query(None, examples=[_EXAMPLES["sort"]]),
    range: str | None = Query(None, examples=[_EXAMPLES["range"]]),  # noqa: A002 (react-admin's)
    filter: str | None = Query(None, examples=[_EXAMPLES["filter"]]),  # noqa: A002
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
    last = min(last, first + _page_cap(filter_v) - 1)
    return ListParams(str(sort_v[0]), str(sort_v[1]).upper() == "DESC", first, last, filter_v)


ListParamsDep = Annotated[ListParams, Depends(list_params)]


def _page_cap(filters: dict[str, Any]) -> int:
    """MAX_PAGE rows, or every record asked for by id: react-admin's getMany asks for all
    of them at once and would silently miss those past the cap (the ids themselves are
    bounded by MAX_PARAM_CHARS)."""
    wanted = filters.get("id")
    return max(MAX_PAGE, len(wanted)) if isinstance(wanted, list) else MAX_PAGE


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _flat(value: Any) -> bool:
    scalar = (str, int, float, bool, type(None))
    if isinstance(value, list):
        return all(isinstance(v, scalar) for v in value)
    return isinstance(value, scalar)


async def paginate(
    session: AsyncSession,
    stmt: SelectOfScalar[Any],
    model: type[SQLModel],
    params: ListParams,
    sortable: set[str],
    response: Response,
    resource: str,
) -> list[Any]:
    """Apply sort and range to `stmt`, set Content-Range, return the page's rows."""
    if params.sort_field not in sortable:
        raise HTTPException(
            400, f"cannot sort by '{params.sort_field}'; use one of: " + ", ".join(sorted(sortable))
        )
    total = (await session.exec(select(func.count()).select_from(stmt.subquery()))).one()
    column = col(getattr(model, params.sort_field))
    order = column.desc() if params.descending else column.asc()
    key = col(getattr(model, "id"))  # noqa: B009  every listed table has one; SQLModel's base no
    tiebreak = key.desc() if params.descending else key.asc()
    page = stmt.order_by(order, tiebreak).offset(params.first)
    page = page.limit(params.last - params.first + 1)
    rows = list((await session.exec(page)).all())
    last = params.first + len(rows) - 1 if rows else params.first
    response.headers["Content-Range"] = f"{resource} {params.first}-{last}/{total}"
    return rows
