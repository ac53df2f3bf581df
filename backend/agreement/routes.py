"""GET /api/projects/{id}/agreement: inter-coder agreement between chosen coders."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from backend.agreement import rounds as round_report
from backend.agreement import service
from backend.agreement.models import RoundAgreement
from backend.api.auth import ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.core.ids import stored
from backend.errors import ServiceError
from backend.rounds import service as rounds

router = APIRouter(prefix="/api/projects/{project_id}", tags=["analysis"])
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]


# response_model=None: the return annotation would otherwise become a response schema.
@router.get("/agreement", response_model=None)
async def agreement(
    member: ProjectMember,
    session: SessionDep,
    coder_id: Annotated[list[DbId] | None, Query(description="user ids")] = None,
    coder: Annotated[
        list[str] | None,
        Query(max_length=100, description="'user:<id>' or 'coder:<id>' (imported, unlinked)"),
    ] = None,
    code_id: Annotated[list[DbId] | None, Query(description="default: the whole codebook")] = None,
) -> dict[str, Any]:
    """Percent agreement, Cohen's kappa per pair and Krippendorff's alpha (nominal),
    per code and overall, over passages of the documents all these coders coded.
    Two or more coders, as accounts (`coder_id`) or coder keys (`coder`): an imported
    coder not linked to an account is compared as "coder:<id>"."""
    try:
        coders = [*(coder_id or []), *(service.parse_coder(k) for k in coder or [])]
        report, documents = await service.compute(session, member.viewer, coders, code_id or [])
    except service.AgreementError as exc:
        raise http_error(exc) from exc
    return {"documents": documents, **asdict(report)}


@router.get("/rounds/{round_id}/agreement", response_model=RoundAgreement)
async def round_agreement(
    round_id: Id, member: ProjectMember, session: SessionDep
) -> dict[str, Any]:
    """alpha_u per code and overall (character level: where codes were applied), the
    passage-level alpha, percent agreement only where a code was used (labelled: it is
    not alpha), and every disagreement with its text, each coder's version and a link
    to the reader. A coder of an open blind round gets 403 until it closes."""
    try:
        row = await rounds.get(session, stored(member.project.id), round_id)
        return await round_report.report(session, member.viewer, row)
    except ServiceError as exc:
        raise http_error(exc) from exc
