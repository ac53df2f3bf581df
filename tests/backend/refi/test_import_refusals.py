"""What the QDPX import refuses, always with a 4xx and a message, and never half-written."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pytest
from sqlmodel import func, select

from backend.accounts.models import User
from backend.codes.models import Code
from tests.backend.refi.conftest import CODER, export, new_project, upload
from tests.conftest import make_settings, runtime_of, signed_in

MINIMAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Tiny">%s</Project>"""


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _replace(data: bytes, name: str, new: bytes | None) -> bytes:
    """The .qdpx `data` with entry `name` replaced (or left out when `new` is None)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    if new is None:
        del entries[name]
    else:
        entries[name] = new
    return _zip(entries)


@pytest.fixture
async def empty(built):
    return built, await new_project(built.api)


async def _refused(client, pid, data, status, words):
    r = await upload(client, pid, data)
    assert r.status_code == status, r.text
    assert words.lower() in r.json()["detail"].lower(), r.json()["detail"]


async def test_a_project_that_is_not_empty_is_refused(built):
    data = await export(built.api, built.pid)
    await _refused(built.api, built.pid, data, 409, "already has documents, codes")


async def test_only_project_admins_may_import(empty):
    built, pid = empty
    data = await export(built.api, built.pid)
    r = await upload(built.coder, built.pid, data)
    assert r.status_code == 403
    r = await upload(built.coder, pid, data)  # not even a member of the new project
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("entries", "status", "words"),
    [
        (None, 400, "not a QDPX file"),
        ({"readme.txt": b"hello"}, 400, "has no project.qde"),
        ({"project.qde": b"<Project"}, 400, "not well-formed XML"),
        ({"project.qde": MINIMAL % b"<Bogus/>"}, 422, "REFI-QDA project schema"),
        ({"project.qde": b'<Project xmlns="urn:other" name="x"/>'}, 422, "schema"),
        (
            {
                "project.qde": b'<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
            },
            400,
            "DOCTYPE",
        ),
        ({"project.qde": MINIMAL % b"", "../evil.txt": b"x"}, 400, "unsafe path"),
        ({"project.qde": MINIMAL % b"", "/etc/evil": b"x"}, 400, "unsafe path"),
        ({"project.qde": MINIMAL % b"", "sources/a\\..\\b.txt": b"x"}, 400, "unsafe path"),
        ({"project.qde": MINIMAL % b"", "sources/bomb.txt": b"\0" * 30 * 2**20}, 400, "zip bomb"),
    ],
)
async def test_bad_files_are_refused_with_a_message(empty, entries, status, words):
    built, pid = empty
    data = b"just some bytes, not a zip" if entries is None else _zip(entries)
    await _refused(built.api, pid, data, status, words)


async def test_a_missing_sources_file_is_refused(empty):
    built, pid = empty
    data = await export(built.api, built.pid)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        first = next(n for n in zf.namelist() if n.startswith("sources/"))
    await _refused(built.api, pid, _replace(data, first, None), 400, "is missing from the file")


async def test_a_failure_half_way_leaves_nothing_behind(empty):
    built, pid = empty
    data = await export(built.api, built.pid)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        last = [n for n in zf.namelist() if n.startswith("sources/")][-1]
    broken = _replace(data, last, b"\xff\xfe not UTF-8")  # found after users and codes are made
    await _refused(built.api, pid, broken, 400, "is not UTF-8 text")
    async with runtime_of(built.api).sessions() as session:
        codes = (await session.exec(select(func.count()).where(Code.project_id == pid))).one()
        assert codes == 0
    r = await upload(built.api, pid, data)  # the same project takes the good file afterwards
    assert r.status_code == 200, r.text


async def test_schema_errors_name_the_line_and_the_problem(empty):
    built, pid = empty
    data = await export(built.api, built.pid)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        qde = zf.read("project.qde")
    bad = qde.replace(b'isCodable="true"', b'isCodable="maybe"', 1)
    r = await upload(built.api, pid, _replace(data, "project.qde", bad))
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "line " in detail and "isCodable" in detail and "maybe" in detail


async def test_an_oversized_upload_is_a_413(tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url, max_upload_mb=1)
    async with signed_in(settings) as api:
        data = _zip(
            {"project.qde": MINIMAL % b"", "sources/big.txt": bytes(range(256)) * 5000},
            compression=zipfile.ZIP_STORED,
        )
        r = await upload(api, api.pid, data)
        assert r.status_code == 413, r.text


async def test_no_users_are_created_by_a_refused_import(empty):
    built, pid = empty
    async with runtime_of(built.api).sessions() as session:
        before = (await session.exec(select(func.count()).select_from(User))).one()
    data = await export(built.api, built.pid)
    await upload(built.api, built.pid, data)  # refused: not empty
    async with runtime_of(built.api).sessions() as session:
        assert (await session.exec(select(func.count()).select_from(User))).one() == before
    assert CODER


async def test_two_imports_at_once_into_one_project_give_one_project(empty):
    built, pid = empty
    data = await export(built.api, built.pid)
    first, second = await asyncio.gather(upload(built.api, pid, data), upload(built.api, pid, data))
    assert sorted([first.status_code, second.status_code]) == [200, 409], (first.text, second.text)
    documents = await built.api.get(f"/api/projects/{pid}/documents")
    assert len(documents.json()) == 5
