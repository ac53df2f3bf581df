"""The OpenAPI schema says what the app really does, written once for every route
rather than route by route:
- every number in a request body is bounded (what `guards.GuardJson` enforces), so
  a client (or a fuzzer) knows the range before it sends anything;
- every status code a route can answer, with one error shape (`responses.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI

from backend.api import responses
from backend.api.guards import MAX_NUMBER

Schema = dict[str, Any]
NUMERIC = ("integer", "number")


def install(app: FastAPI) -> None:
    """Wraps FastAPI's schema generation (cached after the first call, as FastAPI's)."""
    generate = app.openapi

    def openapi() -> Schema:
        if app.openapi_schema is None:
            schema = generate()
            bound_request_numbers(schema)
            responses.declare(app, schema)
            app.openapi_schema = schema
        return app.openapi_schema

    # FastAPI's documented way to extend the schema is replacing app.openapi.
    app.openapi = openapi  # type: ignore[method-assign]


def bound_request_numbers(schema: Schema) -> None:
    components = schema.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for operation in _operations(schema):
        body = operation.get("requestBody", {}).get("content", {})
        for media in body.values():
            _walk(media.get("schema", {}), components, seen, _bound)


def _operations(schema: Schema) -> Iterator[Schema]:
    for item in schema.get("paths", {}).values():
        yield from (op for op in item.values() if isinstance(op, dict))


def _walk(node: Any, components: Schema, seen: set[str], visit: Callable[[Schema], None]) -> None:
    """Visits every schema object under `node`, following $refs once each."""
    if isinstance(node, list):
        for item in node:
            _walk(item, components, seen, visit)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _walk(components.get(name, {}), components, seen, visit)
        return
    visit(node)
    for value in node.values():
        if isinstance(value, dict | list):
            _walk(value, components, seen, visit)


def _bound(node: Schema) -> None:
    if node.get("type") not in NUMERIC:
        return
    if "minimum" not in node and "exclusiveMinimum" not in node:
        node["minimum"] = -MAX_NUMBER
    if "maximum" not in node and "exclusiveMaximum" not in node:
        node["maximum"] = MAX_NUMBER
