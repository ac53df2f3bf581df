"""Prints the API's OpenAPI schema as JSON, from the app itself (no server, no database):
`python -m backend.api.client_schema`. scripts/api-types.sh turns it into the web app's
TypeScript types (web/src/api/schema.ts).

One refinement for clients: FastAPI writes every field of a response model, defaults
included, so in a schema that only ever comes back (never sent) a field with a default
is marked required here. The generated types then say "always there" for responses
while request bodies keep such fields optional."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from backend.core.config import Settings
from backend.main import create_app

REF = "#/components/schemas/"


def schema() -> dict[str, Any]:
    # Default settings, not the environment's: the schema must not depend on a machine.
    spec = create_app(Settings(_env_file=None)).openapi()
    _complete_responses(spec)
    return spec


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF):
            yield ref.removeprefix(REF)
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _reachable(roots: list[Any], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = [name for root in roots for name in _refs(root)]
    while todo:
        name = todo.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            todo.extend(_refs(schemas[name]))
    return seen


def _complete_responses(spec: dict[str, Any]) -> None:
    schemas = spec.get("components", {}).get("schemas", {})
    operations = [op for item in spec["paths"].values() for op in item.values()]
    sent = _reachable([op.get("requestBody") for op in operations], schemas)
    answered = _reachable([op.get("responses") for op in operations], schemas)
    for name in sorted(answered - sent):
        model = schemas[name]
        if model.get("type") == "object" and "properties" in model:
            model["required"] = list(model["properties"])


def main() -> None:
    json.dump(schema(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
