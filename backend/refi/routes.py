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
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from backend.api.auth import ProjectAdmin, ProjectMember
from backend.api.deps import Id, RuntimeDep, SessionDep
from backend.api.errors import http_error
from backend.core.ids import stored
from backend.indexing import service as indexing
from backend.refi import edits, review
from backend.refi.common import RefiError
from backend.refi.report import review_items

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
    which must be empty. Returns the import report (backend/refi/report.py): what was imported,
    what was skipped and why, the unit the file's positions were read in, and the selections
    held for review instead of being stored."""
    limit = rt.settings.max_upload_mb * 2**20
    with tempfile.TemporaryDirectory(prefix="evidence-qdpx-") as folder:
        path = Path(folder) / "upload.qdpx"
        await anyio.to_thread.run_sync(_copy, file.file, path, limit)
        try:
            summary = await edits.import_project(
                session,
                stored(member.project.id),
                stored(member.user.id),
                path,
                rt.settings,
                file.filename or "",
            )
        except RefiError as exc:
            raise http_error(exc) from exc
        except SQLAlchemyError as exc:  # e.g. a concurrent change to the same project
            log.warning("QDPX import into project %s failed: %s", member.project.id, exc)
            raise HTTPException(
                409, "the project changed while importing (another import?); try again"
            ) from exc
        except Exception as exc:  # a file shaped in a way we did not foresee: say so, log why
            log.exception("QDPX import into project %s failed", member.project.id)
            raise HTTPException(
                422, f"this file could not be imported ({type(exc).__name__}: {exc})"
            ) from exc
    await indexing.drain_quietly(rt.sessions, rt.search)  # searchable at once, as after ingest
    return summary


class ReviewDecision(BaseModel):
    """Which candidate the coder meant ("codepoint" or "utf16"), or "discard"."""

    choice: review.Choice


@router.get("/review")
async def list_review(member: ProjectMember, session: SessionDep) -> list[dict]:
    """Imported selections held for review (doubtful positions), with each reading's quote."""
    return await review_items(session, stored(member.project.id))


@router.post("/review/{selection_id}")
async def decide_review(
    selection_id: Id, body: ReviewDecision, member: ProjectAdmin, session: SessionDep
) -> dict:
    """Accept one candidate (the annotation is stored as the import would have) or discard."""
    try:
        return await edits.decide_review(
            session, stored(member.project.id), selection_id, stored(member.user.id), body.choice
        )
    except RefiError as exc:
        raise http_error(exc) from exc


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
