"""JSON of everything: theories, CMOCs, the codebook, the matrix, the evidence
(each excerpt with its exact quote, location and citation) and the methods data
(backend/adjudication/methods.py, what the report's methods appendix states). The
DOCX report is report.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import BinaryIO

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.adjudication.methods import methods_data
from backend.core.time import utcnow
from backend.exports import dataset
from backend.exports.dataset import Progress
from backend.triangulation.scope import Scope
from backend.visibility import operator


def scope_text(scope: Scope) -> str:
    parts = [f"{k} = {v}" for k, v in _scope_dict(scope).items() if v is not None]
    return ", ".join(parts) or "whole project"


def _scope_dict(scope: Scope) -> dict:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in vars(scope).items()
        if k != "viewer"  # who asked is not part of what was exported
    }


async def write_json(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    dest: BinaryIO,
    project_name: str,
    progress: Progress | None = None,
) -> None:
    """One JSON object, written member by member; CMOCs and evidence stream."""
    members = [
        ("project", {"id": project_id, "name": project_name}),
        ("exported_at", utcnow().isoformat()),
        ("scope", _scope_dict(scope)),
        ("theories", await dataset.theories(session, project_id, scope)),
    ]
    dest.write(b"{")
    for i, (name, value) in enumerate(members):
        dest.write(f'{"," if i else ""}\n "{name}": {_json(value)}'.encode())
    await _array(dest, "cmocs", dataset.cmoc_chunks(session, project_id, scope))
    dest.write(f',\n "codebook": {_json(await dataset.codebook(session, project_id))}'.encode())
    dest.write(f',\n "matrix": {_json(await dataset.matrix(session, project_id, scope))}'.encode())
    await _array(dest, "evidence", dataset.evidence(session, project_id, scope, progress))
    viewer = scope.viewer or operator(project_id)
    found = await methods_data(session, project_id, viewer)
    dest.write(f',\n "methods": {_json(found.as_dict())}\n}}\n'.encode())


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _array(dest: BinaryIO, name: str, chunks: AsyncIterator[list[dict]]) -> None:
    dest.write(f',\n "{name}": ['.encode())
    first = True
    async for chunk in chunks:
        for row in chunk:
            dest.write((("\n  " if first else ",\n  ") + _json(row)).encode())
            first = False
    dest.write(b"\n ]")
