"""The Python lock files: up to date with pyproject.toml, hashed, and what is installed."""

from __future__ import annotations

import importlib.util
import re
from importlib import metadata
from types import ModuleType

from packaging.requirements import Requirement

from tests.conftest import ROOT

LOCKS = ROOT / "requirements"


def _check_lock() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_lock", ROOT / "scripts" / "check_lock.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _entries(name: str) -> list[tuple[Requirement, list[str]]]:
    """Each locked requirement with its hashes (a requirement spans `\\`-joined lines)."""
    text = (LOCKS / name).read_text()
    entries = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2]):
        head = block.split("\\", 1)[0]
        entries.append((Requirement(head), re.findall(r"--hash=sha256:([0-9a-f]{64})", block)))
    return entries


def test_locks_are_up_to_date_with_pyproject() -> None:
    assert _check_lock().problems(ROOT) == []


def test_the_check_sees_a_dependency_added_without_locking(tmp_path) -> None:
    (tmp_path / "requirements").mkdir()
    for lock in ("app.lock", "test.lock"):
        (tmp_path / "requirements" / lock).write_text((LOCKS / lock).read_text())
    pyproject = (ROOT / "pyproject.toml").read_text()
    pyproject = pyproject.replace("dependencies = [\n", 'dependencies = [\n    "left-pad==1.0",\n')
    (tmp_path / "pyproject.toml").write_text(pyproject)
    assert _check_lock().problems(tmp_path) == [
        "pyproject.toml wants left-pad==1.0; requirements/app.lock has none",
        "pyproject.toml wants left-pad==1.0; requirements/test.lock has none",
    ]


def test_every_locked_requirement_is_exact_and_hashed() -> None:
    for lock in ("app.lock", "test.lock"):
        entries = _entries(lock)
        assert len(entries) > 100, lock
        for requirement, hashes in entries:
            assert str(requirement.specifier).startswith("=="), requirement
            assert hashes, f"{requirement} in {lock} has no hash"


def test_the_service_lock_agrees_with_the_test_lock() -> None:
    versions = {str(r): str(r) for r, _ in _entries("test.lock")}
    for requirement, _ in _entries("app.lock"):
        assert str(requirement) in versions, f"{requirement} differs between the locks"


def test_installed_versions_are_the_locked_ones() -> None:
    """What scripts/setup.sh --test installed here is exactly test.lock, for this platform."""
    checked = 0
    for requirement, _ in _entries("test.lock"):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        locked = str(requirement.specifier).removeprefix("==")
        assert metadata.version(requirement.name) == locked, requirement.name
        checked += 1
    assert checked > 100
