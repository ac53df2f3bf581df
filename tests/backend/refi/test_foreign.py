"""QDPX files written by other tools (NVivo, ATLAS.ti, MAXQDA): no Variables or Notes of ours,
GUIDs in upper case with braces, PDF sources with a text representation, media we cannot hold.
Sources, codes, selections and users come in; the rest is reported, not fatal."""

from __future__ import annotations

import io
import zipfile

from lxml import etree
from sqlmodel import select

from backend.annotations.models import Annotation, AnnotationCode
from backend.coders.models import Coder
from backend.codes.models import Code
from backend.documents.models import Document, DocumentVersion
from tests.backend.refi.conftest import upload
from tests.conftest import runtime_of

G = "{{0000000{0}-AAAA-BBBB-CCCC-DDDDDDDDDDD{0}}}"  # upper case, braces: REFI allows both
INTERVIEW = "\ufeffI: How was the panel?\r\nR: Fair, they explained it all.\r\n"
REPORT = "Annual report\n\nFunding rose by 5%."
QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Thesis" origin="NVivo 14">
  <Users><User guid="{G.format(1)}" name="Jane Researcher" id="JR"/></Users>
  <CodeBook><Codes>
    <Code guid="{G.format(2)}" name="Fairness" isCodable="true" color="#F00">
      <Description>Perceived fairness of decisions</Description>
      <Code guid="{G.format(3)}" name="Explanations" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="{G.format(4)}" name="Age" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="{G.format(5)}" name="P1"/></Cases>
  <Sources>
    <TextSource guid="{G.format(6)}" name="Interview 1" plainTextPath="internal://int%201.txt"
        creatingUser="{G.format(1)}" creationDateTime="2019-03-18T10:21:54+01:00">
      <PlainTextSelection guid="{G.format(7)}" startPosition="26" endPosition="53"
          creatingUser="{G.format(1)}" creationDateTime="2019-03-18T11:00:00">
        <Description>Good example</Description>
        <Coding guid="{G.format(8)}"><CodeRef targetGUID="{G.format(3)}"/></Coding>
        <Coding guid="{G.format(9)}"><CodeRef targetGUID="{G.format(2)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{G.format("a")}" startPosition="900" endPosition="950"/>
      <Coding guid="{G.format("b")}"><CodeRef targetGUID="{G.format(2)}"/></Coding>
      <VariableValue><VariableRef targetGUID="{G.format(4)}"/><IntegerValue>42</IntegerValue>
      </VariableValue>
    </TextSource>
    <TextSource guid="{G.format("c")}" name="Inline">
      <PlainTextContent>Short héllo text</PlainTextContent>
      <PlainTextSelection guid="{G.format("d")}" startPosition="6" endPosition="11">
        <NoteRef targetGUID="{G.format("e")}"/>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="{G.format("f")}" name="Report.pdf" path="internal://report.pdf">
      <PDFSelection guid="{G.format(1)}0" page="1" firstX="1" firstY="1" secondX="9" secondY="9"/>
      <Representation guid="{G.format(1)}1" plainTextPath="internal://report.txt">
        <PlainTextSelection guid="{G.format(1)}2" startPosition="23" endPosition="34"/>
      </Representation>
    </PDFSource>
    <AudioSource guid="{G.format(1)}3" name="Recording" path="internal://a.mp3"/>
  </Sources>
  <Notes>
    <Note guid="{G.format("e")}" name="Memo"><PlainTextContent>Why héllo?</PlainTextContent></Note>
    <Note guid="{G.format(1)}4" name="Journal"><PlainTextContent>Day one</PlainTextContent></Note>
  </Notes>
  <Links><Link guid="{G.format(1)}5" name="relates" originGUID="{G.format(2)}"
     targetGUID="{G.format(3)}"/></Links>
  <Sets><Set guid="{G.format(1)}6" name="Group"/></Sets>
</Project>""".replace("{G.format(1)}0", "")


def _qde() -> bytes:
    # GUIDs built from two parts above are made whole here (valid 8-4-4-4-12 again).
    text = QDE
    for n in range(7):
        text = text.replace(f"{G.format(1)}{n}", G.format(f"{n}").replace("D}", f"{n}}}"))
    return text.encode()


def _package() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("project.qde", _qde())
        zf.writestr("sources/int 1.txt", INTERVIEW.encode())
        zf.writestr("sources/report.txt", REPORT.encode())
        zf.writestr("sources/report.pdf", b"%PDF-1.4 not really")
    return out.getvalue()


async def test_foreign_file_is_valid_refi(schema):
    assert schema.validate(etree.fromstring(_qde())), schema.error_log


async def test_a_file_from_another_tool_imports_what_fits_and_reports_the_rest(client):
    pid = client.pid  # a new, empty project
    r = await upload(client, pid, _package())
    assert r.status_code == 200, r.text
    s = r.json()
    imported = s["imported"]
    assert (imported["documents"], imported["codes"], imported["annotations"]) == (3, 2, 3)
    names = [c["name"] for c in s["coders"]["attributions"]]
    assert names == ["Jane Researcher", "Not named in the file"]
    assert s["coders"]["unnamed"] == 1  # the inline and PDF selections name no coder
    assert s["skipped"] == {
        "AudioSource without text (not imported)": 1,
        "PDF selections by page area (not imported)": 1,
        "cases (not part of our model)": 1,
        "codings of a whole source (not imported)": 1,
        "links between other objects (not imported)": 1,
        "notes not attached to a selection (memos of other tools)": 1,
        "selections outside their text, empty or blank": 1,
        "sets (not part of our model)": 1,
        "variables of other tools (not imported)": 1,
    }
    async with runtime_of(client).sessions() as session:
        await _check_rows(session, pid)


async def _check_rows(session, pid: int) -> None:
    docs = {
        d.title: d
        for d in (await session.exec(select(Document).where(Document.project_id == pid))).all()
    }
    assert set(docs) == {"Interview 1", "Inline", "Report.pdf"}
    interview = await session.get(DocumentVersion, docs["Interview 1"].current_version_id)
    assert interview.text == INTERVIEW.removeprefix("\ufeff")  # CRLF kept; the BOM is not text
    found = (await session.exec(select(Annotation).where(Annotation.project_id == pid))).all()
    by_exact = {a.exact: a for a in found}
    assert set(by_exact) == {"Fair, they explained it all", "héllo", "rose by 5%."}
    fair = by_exact["Fair, they explained it all"]
    assert (
        fair.memo == "Good example" and fair.created_at.isoformat() == "2019-03-18T11:00:00+00:00"
    )
    coder = await session.get(Coder, fair.coder_id)
    assert (coder.name, coder.identifier, coder.user_id) == ("Jane Researcher", "JR", None)
    assert coder.guid == "00000001-aaaa-bbbb-cccc-ddddddddddd1"
    assert by_exact["héllo"].memo == "Why héllo?"
    codes = (
        await session.exec(
            select(Code.name).join(AnnotationCode).where(AnnotationCode.annotation_id == fair.id)
        )
    ).all()
    assert sorted(codes) == ["Explanations", "Fairness"]
    fairness = (
        await session.exec(select(Code).where(Code.project_id == pid, Code.name == "Fairness"))
    ).one()
    assert fairness.colour == "#ff0000" and fairness.definition == "Perceived fairness of decisions"
    assert fairness.guid == "00000002-aaaa-bbbb-cccc-ddddddddddd2"
