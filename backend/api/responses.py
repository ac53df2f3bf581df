"""Which status codes each route can answer, said once for all routes from what they
depend on, not listed route by route (issue 14 item 14: the schema omitted 141).

- Any request: 400 (a NUL character: `guards.GuardJson`; a malformed filter, range
  or query), 413 (`guards.LimitBody`), 422 (validation, numbers out of range).
- Needs a signed-in caller (`auth.caller`): 401; a write also 403 (no CSRF token).
- A project route (`auth.project_member`): 404 for non-members; a role check 403.
- An id in the path beyond the project's: 404.
- A write (POST, PATCH, PUT, DELETE): 409, it meets the current state (a name taken,
  a version moved on, a code in use).
- An If-Match header: 409 and 428 (the version is required).
- Uses the search engine (`deps.get_search`): 503 while it is down.
- The sign-in steps under /api/auth that come before a session: 401, 403, 409, 429.

Every error has one shape (`ErrorResponse`): `detail` is a message, or FastAPI's list
of field errors; some add fields (a 409's `current`, a query error's `position`).
Routes that answer with files or streams say their media types in `DOWNLOADS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext

from backend.api import auth
from backend.api.deps import get_search

Schema = dict[str, Any]
ERROR = {"$ref": "#/components/schemas/ErrorResponse"}
ERROR_SCHEMA: Schema = {
    "title": "ErrorResponse",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
            ]
        }
    },
}
REASONS = {
    400: "Bad request: the message says what to change",
    401: "Not signed in, or the credentials are not valid",
    403: "Not allowed: a role is missing, or the CSRF token",
    404: "Not found, or not visible to you",
    409: "Conflict with the current state",
    410: "Gone",
    413: "The body is larger than this route accepts",
    422: "The input does not validate",
    428: "The version you edited is required (If-Match)",
    429: "Too many attempts: wait as Retry-After says",
    503: "The search engine is not available; Retry-After says when to try again",
}
WRITES = {"POST", "PATCH", "PUT", "DELETE"}
IF_MATCH = r'^(W/)?"[0-9]{1,9}"$'
P = "/api/projects/{project_id}"
EXPORTS = [
    "text/csv",
    "application/zip",
    "application/json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]
# path -> (media types of the 200 answer, extra statuses)
DOWNLOADS: dict[str, tuple[list[str], set[int]]] = {
    f"{P}/exports": (EXPORTS, set()),
    f"{P}/codes/export": (["application/xml", "text/csv"], set()),
    f"{P}/annotations/export.jsonld": (["application/ld+json"], set()),
    f"{P}/events": (["text/event-stream"], set()),
    # The stored file as it was uploaded: PDF, Word, text... (410: missing on disk).
    f"{P}/documents/{{document_id}}/original": (["*/*"], {410}),
}


def declare(app: FastAPI, schema: Schema) -> None:
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorResponse"] = ERROR_SCHEMA
    # Routers are included as nested groups: walk them as FastAPI's own schema does.
    for route in routing.iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        path, methods = route.path_format, route.methods
        if path is None or methods is None:  # what an APIRoute always has
            continue
        for method in methods:
            operation = schema["paths"][path].get(method.lower())
            if operation is not None:
                _declare(operation, route, path, method)


def _declare(operation: Schema, route: RouteContext, path: str, method: str) -> None:
    responses = operation.setdefault("responses", {})
    media, extra = DOWNLOADS.get(path, ([], set()))
    if media:
        ok = next(code for code in responses if code.startswith("2"))
        responses[ok]["content"] = {m: {"schema": {}} for m in media}
    for status in sorted(statuses(route, path, method) | extra):
        answer = responses.setdefault(str(status), {"description": REASONS[status]})
        answer["content"] = {"application/json": {"schema": ERROR}}
    for param in operation.get("parameters", []):
        if param["in"] == "header" and param["name"].lower() == "if-match":
            # What backend/api/concurrency.py reads: a version in quotes (400 otherwise).
            param["schema"] = {"type": "string", "pattern": IF_MATCH, "examples": ['"3"']}


def statuses(route: RouteContext, path: str, method: str) -> set[int]:
    calls = set(_calls(route.dependant))
    found = {400, 413, 422}
    if auth.caller in calls:
        found |= {401} | ({403} if method in WRITES else set())
    if auth.project_member in calls:
        found.add(404)
    if any(getattr(c, "__qualname__", "").startswith("_requires.") for c in calls):
        found.add(403)
    if any(p.name != "project_id" for p in route.dependant.path_params):
        found.add(404)
    if method in WRITES:
        found.add(409)
    if any(h.alias.lower() == "if-match" for h in _headers(route.dependant)):
        found |= {409, 428}
    if get_search in calls:
        found.add(503)
    if path.startswith("/api/auth/") and auth.caller not in calls:
        found |= {401, 403, 409, 429}
    return found


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _headers(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.header_params
    for sub in dependant.dependencies:
        yield from _headers(sub)
