"""/api/projects/{id}/codes: the codebook (members read it, admins change it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, File, HTTPException, Query, Response, UploadFile
from pydantic import BaseModel

from backend.api.auth import ProjectAdmin, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.codes import edits, service, versions
from backend.codes.exchange import (
    CodebookFormatError,
    CodeRecord,
    from_csv,
    read_qdc,
    to_csv,
    to_qdc,
)
from backend.codes.models import (
    CodebookVersion,
    CodebookVersionDetail,
    CodebookVersionPublic,
    CodeCreate,
    CodePublic,
    CodeRevert,
    CodeUpdate,
)
from backend.core.ids import RowId, stored
from backend.errors import ServiceError

router = APIRouter(prefix="/api/projects/{project_id}/codes", tags=["codebook"])
MAX_IMPORT_BYTES = 5 * 2**20


class MergeInto(BaseModel):
    into: RowId


class ImportResult(BaseModel):
    created: int
    # The new codes, in the order they were made: the web app's undo deletes them.
    created_ids: list[int] = []
    skipped: int  # codes already in the codebook (same GUID, or same name at the same place)
    # what the file holds that the codebook cannot (e.g. each <Set> of codes), by reason
    not_imported: dict[str, int] = {}


@router.get("", response_model=list[CodePublic])
async def list_codes(
    member: ProjectMember, session: SessionDep, response: Response, deleted: bool = False
) -> list[CodePublic]:
    codes = await (service.deleted_codes if deleted else service.live_codes)(
        session, stored(member.project.id)
    )
    rows = await service.public(session, member.viewer, codes)
    response.headers["Content-Range"] = f"codes 0-{max(len(rows) - 1, 0)}/{len(rows)}"
    return rows


@router.post("", response_model=CodePublic, status_code=201)
async def create_code(body: CodeCreate, member: ProjectAdmin, session: SessionDep) -> CodePublic:
    try:
        code = await edits.create(session, stored(member.project.id), body, stored(member.user.id))
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [code]))[0]


@router.get("/export")
async def export_codebook(
    member: ProjectMember,
    session: SessionDep,
    format: Literal["qdc", "csv"] = "qdc",  # noqa: A002
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The codebook as it stands, or as of codebook `version`."""
    pid = stored(member.project.id)
    if version is None:
        codes = await service.live_codes(session, pid)
    else:
        try:
            found = await versions.at(session, pid, version)
        except ServiceError as exc:
            raise http_error(exc) from exc
        codes = versions.as_codes(found.snapshot, pid)
    records = service.to_records(codes)
    if not records:
        raise HTTPException(404, "the codebook is empty")
    name = f"codebook-project-{pid}" + (f"-v{version}" if version else "")
    try:
        return _export(records, name, format)
    except CodebookFormatError as exc:
        raise HTTPException(409, f"the codebook cannot be exported as it is: {exc}") from exc


def _export(records: Sequence[CodeRecord], name: str, format: str) -> Response:  # noqa: A002
    if format == "csv":
        return Response(
            to_csv(records),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        to_qdc(records),
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}.qdc"'},
    )


@router.get("/versions", response_model=list[CodebookVersionPublic])
async def list_versions(
    member: ProjectMember, session: SessionDep, response: Response
) -> list[CodebookVersion]:
    """Every codebook version, oldest first, with its diff from the one before."""
    rows = await versions.listing(session, stored(member.project.id))
    response.headers["Content-Range"] = f"versions 0-{max(len(rows) - 1, 0)}/{len(rows)}"
    return rows


@router.get("/versions/{number}", response_model=CodebookVersionDetail)
async def read_version(
    number: Id, member: ProjectMember, session: SessionDep
) -> CodebookVersionDetail:
    """The codebook as of this version: its live codes, and the diff that made it."""
    try:
        found = await versions.at(session, stored(member.project.id), number)
    except ServiceError as exc:
        raise http_error(exc) from exc
    return CodebookVersionDetail.model_validate(found, update={"codes": found.snapshot})


@router.post("/import", response_model=ImportResult)
async def import_codebook(
    member: ProjectAdmin, session: SessionDep, file: Annotated[UploadFile, File()]
) -> ImportResult:
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(413, "a codebook file may be at most 5 MB")
    is_csv = (file.filename or "").lower().endswith(".csv")
    sets = 0
    try:
        if is_csv:
            records = from_csv(data.decode("utf-8-sig"))
        else:
            records, sets = read_qdc(data)
    except UnicodeDecodeError as exc:
        raise HTTPException(400, "the CSV file is not UTF-8 text") from exc
    except CodebookFormatError as exc:
        raise HTTPException(400, str(exc)) from exc
    try:
        created, skipped = await edits.import_records(
            session, stored(member.project.id), records, stored(member.user.id)
        )
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    dropped = {"sets of codes (no place in the codebook)": sets} if sets else {}
    return ImportResult(
        created=len(created), created_ids=created, skipped=skipped, not_imported=dropped
    )


@router.get("/{code_id}", response_model=CodePublic)
async def read_code(code_id: Id, member: ProjectMember, session: SessionDep) -> CodePublic:
    try:
        code = await service.get_code(session, stored(member.project.id), code_id, live=False)
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [code]))[0]


@router.patch("/{code_id}", response_model=CodePublic)
@router.put("/{code_id}", response_model=CodePublic, include_in_schema=False)
async def update_code(
    code_id: Id, body: CodeUpdate, member: ProjectAdmin, session: SessionDep
) -> CodePublic:
    try:
        code = await edits.update(
            session, stored(member.project.id), code_id, body, stored(member.user.id)
        )
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [code]))[0]


@router.post("/{code_id}/merge", response_model=CodePublic)
async def merge_code(
    code_id: Id, body: MergeInto, member: ProjectAdmin, session: SessionDep
) -> CodePublic:
    try:
        target = await edits.merge(
            session, stored(member.project.id), code_id, body.into, stored(member.user.id)
        )
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [target]))[0]


@router.delete("/{code_id}", status_code=204)
async def delete_code(
    code_id: Id, member: ProjectAdmin, session: SessionDep, force: Annotated[bool, Query()] = False
) -> None:
    try:
        await edits.remove(
            session, stored(member.project.id), code_id, stored(member.user.id), force=force
        )
    except service.CodebookError as exc:
        raise http_error(exc) from exc


@router.post("/{code_id}/restore", response_model=CodePublic)
async def restore_code(code_id: Id, member: ProjectAdmin, session: SessionDep) -> CodePublic:
    try:
        code = await edits.restore(
            session, stored(member.project.id), code_id, stored(member.user.id)
        )
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [code]))[0]


@router.post("/{code_id}/revert", response_model=CodePublic)
async def revert_code(
    code_id: Id, body: CodeRevert, member: ProjectAdmin, session: SessionDep
) -> CodePublic:
    """The code as it stood in an earlier codebook version (0: before it existed, i.e.
    deleted): the undo for a create, rename, redefinition, move, delete or restore."""
    try:
        code = await edits.revert(
            session,
            stored(member.project.id),
            code_id,
            body.codebook_version,
            stored(member.user.id),
        )
    except ServiceError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [code]))[0]


@router.post("/{code_id}/unmerge", response_model=CodePublic)
async def unmerge_code(code_id: Id, member: ProjectAdmin, session: SessionDep) -> CodePublic:
    """Undo a merge: the code back, with exactly the annotation links the merge moved."""
    try:
        code = await edits.unmerge(
            session, stored(member.project.id), code_id, stored(member.user.id)
        )
    except ServiceError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, member.viewer, [code]))[0]
