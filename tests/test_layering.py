"""The arrows between the packages point one way: `backend/` uses `ingest/` and
`search/`; those two are libraries and import nothing from `backend/`, nor from each
other, nor the web or database layers (ARCHITECTURE.md, "Layers")."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

WEB_AND_DATABASE = {"fastapi", "starlette", "sqlmodel", "sqlalchemy", "alembic"}
FORBIDDEN = {
    "ingest": {"backend", "search"} | WEB_AND_DATABASE,
    "search": {"backend", "ingest"} | WEB_AND_DATABASE,
}


def imported_packages(source: str) -> set[str]:
    """Top-level names of every absolute import, those inside functions included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_library_imports_nothing_above_it(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules found under {package}/"
    found = {str(p.relative_to(ROOT)): imported_packages(p.read_text()) for p in files}
    wrong = {path: sorted(names & FORBIDDEN[package]) for path, names in found.items()}
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_check_sees_every_kind_of_import() -> None:
    source = (
        "import backend.core.db\n"
        "from backend.documents import service\n"
        "def later():\n"
        "    from fastapi import Depends\n"
        "from . import sibling\n"
    )
    assert imported_packages(source) == {"backend", "fastapi"}


# Routes validate, call a service and render; the service owns the unit of work (its
# commit or rollback) and publishes its event (ARCHITECTURE.md, "Layers"; issue 15 item 4).
UNIT_OF_WORK = {"commit", "rollback"}


def route_modules() -> list[str]:
    """Every backend module that registers HTTP routes: it makes an APIRouter, or
    decorates a function with `<router or app>.get/post/...`."""
    verbs = {"get", "post", "put", "patch", "delete", "api_route", "add_api_route"}
    found = []
    for path in sorted((ROOT / "backend").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            called = node.func if isinstance(node, ast.Call) else None
            if (isinstance(called, ast.Name) and called.id == "APIRouter") or (
                isinstance(called, ast.Attribute)
                and called.attr in verbs
                and isinstance(called.value, ast.Name)
                and called.value.id in {"router", "app"}
            ):
                found.append(str(path.relative_to(ROOT)))
                break
    return found


def unit_of_work_calls(source: str) -> list[str]:
    """`<anything>.commit(...)` and `.rollback(...)` calls, as `name:line`."""
    return [
        f"{node.func.attr}:{node.lineno}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in UNIT_OF_WORK
    ]


def test_routes_leave_the_unit_of_work_to_the_services() -> None:
    routes = route_modules()
    assert "backend/annotations/routes.py" in routes and "backend/web.py" in routes, routes
    assert len(routes) > 20, routes
    found = {path: unit_of_work_calls((ROOT / path).read_text()) for path in routes}
    assert {path: calls for path, calls in found.items() if calls} == {}, (
        "move these commits and rollbacks into a service of the feature"
    )


def test_the_check_sees_awaited_nested_and_rollback_calls() -> None:
    source = (
        "async def f(s):\n    await s.commit()\n    if x:\n        s.sync.rollback()\n"
        "    s.flush()\n"
    )
    assert unit_of_work_calls(source) == ["commit:2", "rollback:4"]
