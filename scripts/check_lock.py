"""Are the lock files up to date with pyproject.toml? scripts/setup.sh asks before it
installs (so a dependency added without running scripts/lock.sh is a clear message,
not a missing module later), and tests/test_lock.py asks too. Standard library only:
it runs before anything is installed."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*"
PIN = re.compile(NAME + r"==\s*([^\s;,]+)")
REQUIREMENT = re.compile(NAME + r"(?:==\s*([^\s;,]+))?")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str | None]:
    """name -> the version of an exact pin (`name[extra]==1.2`), else None."""
    found = {}
    for requirement in requirements:
        match = REQUIREMENT.match(requirement.strip())
        if match:
            found[normalise(match[1])] = match[2]
    return found


def locked(lock: Path) -> dict[str, set[str]]:
    """name -> the versions a lock file holds (two when markers split by Python version)."""
    versions: dict[str, set[str]] = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match:
            versions.setdefault(normalise(match[1]), set()).add(match[2])
    return versions


def problems(root: Path = ROOT) -> list[str]:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    runtime = pins(project["dependencies"])
    test = pins(project["optional-dependencies"]["test"])
    wanted = {"app.lock": runtime, "test.lock": runtime | test}
    out = []
    for name, deps in wanted.items():
        lock = root / "requirements" / name
        have = locked(lock) if lock.is_file() else {}
        out += [
            f"pyproject.toml wants {dep}{'==' + version if version else ''}; "
            f"requirements/{name} has " + (", ".join(sorted(have[dep])) if dep in have else "none")
            for dep, version in sorted(deps.items())
            if dep not in have or (version is not None and version not in have[dep])
        ]
    return out


def main() -> int:
    found = problems()
    if found:
        print("The lock files are behind pyproject.toml:", *found, sep="\n  ", file=sys.stderr)
        print("Run scripts/lock.sh and commit requirements/*.lock.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
