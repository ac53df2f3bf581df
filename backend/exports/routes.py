"""/api/projects/{id}/exports: the evidence as CSV, XLSX, DOCX, JSON or QDPX.

The file is written to a temporary file first (so a failure is a clean error,
not half a download), then streamed to the client and deleted.
"""

from __future__ import annotations

import os
import tempfile
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from backend.api.auth import ProjectMember
from backend.api.deps import SessionDep
from backend.api.errors import http_error
from backend.errors import ServiceError
from backend.exports import service
from backend.exports.service import MEDIA, Format
from backend.triangulation.scope import ScopeDep

router = APIRouter(prefix="/api/projects/{project_id}/exports", tags=["exports"])


@router.get("")
async def export_project(
    member: ProjectMember,
    session: SessionDep,
    scope: ScopeDep,
    format: Format = Format.xlsx,  # noqa: A002
    table: Annotated[str | None, Query(max_length=20)] = None,
) -> FileResponse:
    """Filters: theory_id, code_id (with sub-codes), source_type, since/until
    (document dates). CSV without `table` is a zip of all five tables."""
    handle, path = tempfile.mkstemp(prefix="evidence-export-")
    try:
        with os.fdopen(handle, "w+b") as dest:
            await service.write(session, member.project, format, scope, dest, table)
    except ServiceError as exc:  # ours, or the REFI writer's (e.g. a codebook it refuses)
        os.unlink(path)
        raise http_error(exc) from exc
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(
        path,
        media_type=MEDIA[service.suffix(format, table)],
        filename=service.file_name(member.project, format, table),
        background=BackgroundTask(os.unlink, path),
    )
