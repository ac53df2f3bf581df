"""/api/projects/{id}/codes: the codebook (members read it, admins change it)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, HTTPException, Query, Response, UploadFile
from pydantic import BaseModel

from backend.api.auth import ProjectAdmin, ProjectMember
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.codes import service
from backend.codes.exchange import CodebookFormatError, from_csv, from_qdc, to_csv, to_qdc
from backend.codes.models import CodeCreate, CodePublic, CodeUpdate
from backend.core.ids import RowId

router = APIRouter(prefix="/api/projects/{project_id}/codes", tags=["codebook"])
MAX_IMPORT_BYTES = 5 * 2**20


class MergeInto(BaseModel):
    into: RowId


class ImportResult(BaseModel):
    created: int
    skipped: int


@router.get("", response_model=list[CodePublic])
async def list_codes(
    member: ProjectMember, session: SessionDep, response: Response, deleted: bool = False
):
    codes = await (service.deleted_codes if deleted else service.live_codes)(
        session, member.project.id
    )
    rows = await service.public(session, codes)
    response.headers["Content-Range"] = f"codes 0-{max(len(rows) - 1, 0)}/{len(rows)}"
    return rows


@router.post("", response_model=CodePublic, status_code=201)
async def create_code(body: CodeCreate, member: ProjectAdmin, session: SessionDep):
    try:
        code = await service.create(session, member.project.id, body, member.user.id)
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    await session.commit()
    return (await service.public(session, [code]))[0]


@router.get("/export")
async def export_codebook(
    member: ProjectMember, session: SessionDep, format: Literal["qdc", "csv"] = "qdc"
):  # noqa: A002
    records = service.to_records(await service.live_codes(session, member.project.id))
    if not records:
        raise HTTPException(404, "the codebook is empty")
    name = f"codebook-project-{member.project.id}"
    try:
        return _export(records, name, format)
    except CodebookFormatError as exc:
        raise HTTPException(409, f"the codebook cannot be exported as it is: {exc}") from exc


def _export(records, name: str, format: str) -> Response:  # noqa: A002
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


@router.post("/import", response_model=ImportResult)
async def import_codebook(
    member: ProjectAdmin, session: SessionDep, file: Annotated[UploadFile, File()]
):
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(413, "a codebook file may be at most 5 MB")
    is_csv = (file.filename or "").lower().endswith(".csv")
    try:
        records = from_csv(data.decode("utf-8-sig")) if is_csv else from_qdc(data)
    except UnicodeDecodeError as exc:
        raise HTTPException(400, "the CSV file is not UTF-8 text") from exc
    except CodebookFormatError as exc:
        raise HTTPException(400, str(exc)) from exc
    try:
        created, skipped = await service.import_records(
            session, member.project.id, records, member.user.id
        )
    except service.CodebookError as exc:
        await session.rollback()
        raise http_error(exc) from exc
    await session.commit()
    return ImportResult(created=created, skipped=skipped)


@router.get("/{code_id}", response_model=CodePublic)
async def read_code(code_id: Id, member: ProjectMember, session: SessionDep):
    try:
        code = await service.get_code(session, member.project.id, code_id, live=False)
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    return (await service.public(session, [code]))[0]


@router.patch("/{code_id}", response_model=CodePublic)
@router.put("/{code_id}", response_model=CodePublic, include_in_schema=False)
async def update_code(code_id: Id, body: CodeUpdate, member: ProjectAdmin, session: SessionDep):
    try:
        code = await service.get_code(session, member.project.id, code_id)
        code = await service.update(session, code, body, member.user.id)
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    await session.commit()
    return (await service.public(session, [code]))[0]


@router.post("/{code_id}/merge", response_model=CodePublic)
async def merge_code(code_id: Id, body: MergeInto, member: ProjectAdmin, session: SessionDep):
    try:
        source = await service.get_code(session, member.project.id, code_id)
        target = await service.get_code(session, member.project.id, body.into)
        await service.merge(session, source, target, member.user.id)
        await _reindex_codes(session, member.project.id, [source.id, target.id])
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    await session.commit()
    return (await service.public(session, [target]))[0]


@router.delete("/{code_id}", status_code=204)
async def delete_code(
    code_id: Id, member: ProjectAdmin, session: SessionDep, force: Annotated[bool, Query()] = False
):
    try:
        code = await service.get_code(session, member.project.id, code_id)
        await service.remove(session, code, member.user.id, force=force)
        await _reindex_codes(session, member.project.id, [code.id])
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    await session.commit()


@router.post("/{code_id}/restore", response_model=CodePublic)
async def restore_code(code_id: Id, member: ProjectAdmin, session: SessionDep):
    try:
        code = await service.get_code(session, member.project.id, code_id, live=False)
        code = await service.restore(session, code, member.user.id)
        await _reindex_codes(session, member.project.id, [code.id])
    except service.CodebookError as exc:
        raise http_error(exc) from exc
    await session.commit()
    return (await service.public(session, [code]))[0]


async def _reindex_codes(session, project_id: int, code_ids: list[int]) -> None:
    """Passages' codes are searchable: documents whose annotations use them re-index."""
    from backend.annotations.service import documents_using_codes
    from backend.indexing.service import mark_for_index

    for document_id in await documents_using_codes(session, code_ids):
        await mark_for_index(session, document_id)
