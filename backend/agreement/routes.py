"""GET /api/projects/{id}/agreement: inter-coder agreement between chosen coders."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from backend.agreement import service
from backend.api.auth import ProjectMember
from backend.api.deps import SessionDep
from backend.api.errors import http_error

router = APIRouter(prefix="/api/projects/{project_id}", tags=["analysis"])
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]


@router.get("/agreement")
async def agreement(
    member: ProjectMember,
    session: SessionDep,
    coder_id: Annotated[list[DbId], Query(description="two or more user ids")],
    code_id: Annotated[list[DbId] | None, Query(description="default: the whole codebook")] = None,
):
    """Percent agreement, Cohen's kappa per pair and Krippendorff's alpha (nominal),
    per code and overall, over passages of the documents all these coders coded."""
    try:
        report, documents = await service.compute(
            session, member.project.id, coder_id, code_id or []
        )
    except service.AgreementError as exc:
        raise http_error(exc) from exc
    return {"documents": documents, **asdict(report)}
