"""POST /api/projects/{id}/qdpx: import a REFI-QDA project file into an empty project.

(Export is GET /api/projects/{id}/exports?format=qdpx, in backend/exports.)

The upload is copied to a temporary file (refused past settings.max_upload_mb), imported in one
transaction and committed once; any refusal rolls everything back and answers 4xx with a
message, never a 500.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Annotated, BinaryIO

import anyio
from fastapi import APIRouter, File, HTTPException, UploadFile
from sqlalchemy.exc import SQLAlchemyError

from backend.api.auth import ProjectAdmin
from backend.api.deps import RuntimeDep, SessionDep
from backend.api.errors import http_error
from backend.indexing import service as indexing
from backend.refi.common import RefiError
from backend.refi.importer import import_qdpx

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/projects/{project_id}/qdpx", tags=["exchange"])
CHUNK = 1 << 20


@router.post("")
async def import_project(
    member: ProjectAdmin,
    session: SessionDep,
    rt: RuntimeDep,
    file: Annotated[UploadFile, File(description="a .qdpx file (REFI-QDA project)")],
) -> dict:
    """Import a .qdpx (from Evidence Workbench, NVivo, ATLAS.ti, MAXQDA...) into this project,
    which must be empty. Returns what was imported, and what was skipped and why."""
    limit = rt.settings.max_upload_mb * 2**20
    with tempfile.TemporaryDirectory(prefix="evidence-qdpx-") as folder:
        path = Path(folder) / "upload.qdpx"
        await anyio.to_thread.run_sync(_copy, file.file, path, limit)
        try:
            summary = await import_qdpx(
                session, member.project.id, member.user.id, path, settings=rt.settings
            )
            await session.commit()
        except RefiError as exc:
            await session.rollback()
            raise http_error(exc) from exc
        except SQLAlchemyError as exc:  # e.g. a concurrent change to the same project
            await session.rollback()
            log.warning("QDPX import into project %s failed: %s", member.project.id, exc)
            raise HTTPException(
                409, "the project changed while importing (another import?); try again"
            ) from exc
        except Exception as exc:  # a file shaped in a way we did not foresee: say so, log why
            await session.rollback()
            log.exception("QDPX import into project %s failed", member.project.id)
            raise HTTPException(
                422, f"this file could not be imported ({type(exc).__name__}: {exc})"
            ) from exc
    await indexing.drain_quietly(rt.sessions, rt.search)  # searchable at once, as after ingest
    return summary


def _copy(source: BinaryIO, path: Path, limit: int) -> None:
    size = 0
    with path.open("wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise HTTPException(413, f"the file is larger than {limit // 2**20} MB")
            out.write(chunk)
    if size == 0:
        raise HTTPException(400, "the file is empty")
