"""Each producer's way of writing a QDPX, from issue 11: capital `Sources/` and `Project.qde`
(NVivo for Windows, ATLAS.ti), a bare relative `plainTextPath` (qc 1.3.2), the coder written on
`Coding@creatingUser`, and sources that would import as empty documents."""

from __future__ import annotations

import pytest
from sqlmodel import select

from backend.annotations.models import Annotation
from backend.coders.models import Coder
from backend.documents.models import Document, DocumentVersion
from tests.backend.refi import builders as b
from tests.backend.refi.conftest import new_project, upload
from tests.conftest import runtime_of

BOARD = "Board minutes 2017\n\nThe board agreed the ICS strategy.\nActions: fund the hub.\n"
CODE = b.Code(b.gid("fund"), "Funding")
JANE, SAM = b.gid("jane"), b.gid("sam")


def _board(tool: b.Tool, **sel) -> b.Src:
    src = b.Src("board_2017", BOARD, file_name="board_2017.txt" if tool.relative_paths else None)
    stored = b.source_text(tool, src)
    src.selections.append(b.Sel(*b.span(stored, "fund the hub"), codes=[CODE.guid], **sel))
    return src


async def _rows(client, pid):
    async with runtime_of(client).sessions() as session:
        stmt = (
            select(Annotation, Coder.name, DocumentVersion.text)
            .outerjoin(Coder, Coder.id == Annotation.coder_id)
            .join(DocumentVersion, DocumentVersion.id == Annotation.version_id)
            .where(Annotation.project_id == pid)
        )
        return (await session.exec(stmt)).all()


@pytest.mark.parametrize(
    "tool", [b.NVIVO_WINDOWS, b.ATLAS, b.MAXQDA, b.QUALCODER, b.TAGUETTE, b.QC], ids=str
)
async def test_every_producer_layout_imports_exactly(client, tool):
    pid = await new_project(client)
    users = [(JANE, "Jane")]
    r = await upload(client, pid, b.qdpx(tool, [_board(tool, user=JANE)], [CODE], users))
    assert r.status_code == 200, r.text
    [(annotation, coder, text)] = await _rows(client, pid)
    assert annotation.exact == "fund the hub" and coder == "Jane"
    assert text == b.source_text(tool, b.Src("x", BOARD))  # CRLF kept, BOM dropped


async def test_qc_writes_the_coder_on_the_coding_only(client):
    """qc 1.3.2: relative path, and the coder only on Coding@creatingUser."""
    pid = await new_project(client)
    src = _board(b.QC, coding_user=SAM)
    r = await upload(client, pid, b.qdpx(b.QC, [src], [CODE], [(SAM, "Sam")]))
    assert r.status_code == 200, r.text
    assert r.json()["imported"]["documents"] == 1
    [(annotation, coder, _)] = await _rows(client, pid)
    assert coder == "Sam"


async def test_a_coding_by_another_user_is_that_users_annotation(client):
    """NVivo: the Coding user may differ from the Selection user; each coder gets their own
    annotation on the span, the selection's memo stays with the selection's user."""
    pid = await new_project(client)
    other = b.Code(b.gid("trust"), "Trust")
    src = b.Src("board", BOARD)
    sel = b.Sel(*b.span(BOARD, "fund the hub"), codes=[CODE.guid, other.guid], user=JANE)
    sel.description = "check"
    src.selections.append(sel)
    xml_users = [(JANE, "Jane"), (SAM, "Sam")]
    data = b.qdpx(b.NVIVO_MAC, [src], [CODE, other], xml_users)
    # Sam applied the second code (written by hand: the builder gives one coder per selection)
    data = _second_coding_by(data, SAM)
    r = await upload(client, pid, data)
    assert r.status_code == 200, r.text
    rows = {coder: a for a, coder, _ in await _rows(client, pid)}
    assert set(rows) == {"Jane", "Sam"}
    assert rows["Jane"].memo == "check" and rows["Sam"].memo is None


def _second_coding_by(data: bytes, user: str) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    qde = entries["project.qde"].decode()
    at = qde.index("<Coding ", qde.index("<Coding ") + 1)
    entries["project.qde"] = (qde[:at] + f'<Coding creatingUser="{user}" ' + qde[at + 8 :]).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("mutate", "status", "words"),
    [
        ("missing", 400, "is missing from the file"),
        ("empty", 422, "is empty, but 1 selections point into it"),
        ("outside", 400, "is not inside the file"),
    ],
)
async def test_a_source_that_would_import_empty_is_refused(client, mutate, status, words):
    pid = await new_project(client)
    src = _board(b.QC)
    if mutate == "missing":
        src.write_text = False
    elif mutate == "empty":
        src.text = ""
        src.selections[0].raw = (0, 4)
    if mutate == "outside":
        src.path = "relative://board_2017.txt"
    data = b.qdpx(b.QC, [src], [CODE])
    r = await upload(client, pid, data)
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]
    async with runtime_of(client).sessions() as session:
        assert (await session.exec(select(Document).where(Document.project_id == pid))).all() == []
