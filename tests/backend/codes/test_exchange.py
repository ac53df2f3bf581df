"""Codebook exchange: REFI-QDA (.qdc / .qde) and CSV import and export."""

from __future__ import annotations

import copy
import dataclasses
import uuid

import pytest
from lxml import etree

from backend.codes.exchange import (
    CODEBOOK_NS,
    MAX_BYTES,
    PROJECT_NS,
    CodebookFormatError,
    CodeRecord,
    from_csv,
    from_qdc,
    to_csv,
    to_qdc,
)
from tests.conftest import SHARED

PROJECT_XSD = SHARED / "schemas" / "refi-qda" / "Project-mrt2019.xsd"
CB = f"{{{CODEBOOK_NS}}}"

G_ROOT = "0b6f3c9e-6a57-4d1e-9a43-5f3c2b1d0a01"
G_FUNDING = "0b6f3c9e-6a57-4d1e-9a43-5f3c2b1d0a02"
G_TRUST = "0b6f3c9e-6a57-4d1e-9a43-5f3c2b1d0a03"
G_DEEP = "0b6f3c9e-6a57-4d1e-9a43-5f3c2b1d0a04"
G_OUTCOME = "0b6f3c9e-6a57-4d1e-9a43-5f3c2b1d0a05"
G_PLAIN = "0b6f3c9e-6a57-4d1e-9a43-5f3c2b1d0a06"

CODES = [
    CodeRecord(G_ROOT, "Barriers", "context", None, "#1F77B4", "Things in the way.", None),
    CodeRecord(
        G_FUNDING,
        "Funding & <money>",
        "context",
        G_ROOT,
        "#ff7f0e",
        'Budget "pressures"\nacross two lines.',
        "Memo line 1\nMemo: line 2\n\n[Evidence Workbench]\nKind: outcome",
    ),
    CodeRecord(G_TRUST, "Trust in panel", "mechanism", G_FUNDING, None, None, "Only a memo."),
    CodeRecord(
        G_DEEP,
        "Équité – fairness ✓",
        "other",
        G_TRUST,
        None,
        "Quotes the marker:\n\n[Evidence Workbench]\nKind: context\nand goes on.",
        None,
    ),
    CodeRecord(G_OUTCOME, "Faster decisions", "outcome", None, "#2CA02C", None, None),
    CodeRecord(G_PLAIN, "Plain", "other", None, None, "  Just a definition.  ", None),
]


def _codebook(body: str, root: str = f'CodeBook xmlns="{CODEBOOK_NS}"') -> bytes:
    tag = root.split()[0]
    return f'<?xml version="1.0" encoding="utf-8"?>\n<{root}><Codes>{body}</Codes></{tag}>'.encode()


def _code(guid: str, name: str = "A", extra: str = "", inner: str = "") -> str:
    return f'<Code guid="{guid}" name="{name}" isCodable="true" {extra}>{inner}</Code>'


def _nested(levels: int) -> str:
    xml = ""
    for level in range(levels, 0, -1):
        xml = _code(str(uuid.UUID(int=level)), f"L{level}", inner=xml)
    return xml


def _as_project(qdc: bytes) -> etree._Element:
    """The QDC's <Codes> inside a minimal REFI-QDA Project document.

    The standalone Codebook.xsd is not available here, but its Codes/Code types are the ones of
    Project-mrt2019.xsd (CodeBookType), in the codebook namespace; moving the elements into the
    project namespace lets the real project schema validate everything we write.
    """
    codes = copy.deepcopy(etree.fromstring(qdc).find(f"{CB}Codes"))
    for element in codes.iter():
        element.tag = f"{{{PROJECT_NS}}}{etree.QName(element).localname}"
    project = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS})
    project.set("name", "validation wrapper")
    etree.SubElement(project, f"{{{PROJECT_NS}}}CodeBook").append(codes)
    etree.cleanup_namespaces(project)
    return project


@pytest.fixture(scope="module")
def project_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD)))


# ----------------------------------------------------------------------------------- REFI-QDA


def test_qdc_round_trip_keeps_every_field() -> None:
    assert from_qdc(to_qdc(CODES)) == CODES


def test_qdc_to_records_to_qdc_is_stable() -> None:
    data = to_qdc(CODES)
    assert to_qdc(from_qdc(data)) == data


def test_qdc_validates_against_the_project_schema(project_schema: etree.XMLSchema) -> None:
    project = _as_project(to_qdc(CODES))
    assert project_schema.validate(project), project_schema.error_log


def test_schema_wrapper_does_catch_invalid_codes(project_schema: etree.XMLSchema) -> None:
    project = _as_project(to_qdc(CODES))
    del project.find(f".//{{{PROJECT_NS}}}Code").attrib["isCodable"]
    assert not project_schema.validate(project)


def test_qdc_structure() -> None:
    data = to_qdc(CODES)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(data)
    assert root.tag == f"{CB}CodeBook"
    assert root.nsmap == {None: CODEBOOK_NS}
    assert root.get("origin") == "Evidence Workbench"
    assert [child.tag for child in root] == [f"{CB}Codes"]
    top = root.find(f"{CB}Codes").findall(f"{CB}Code")
    assert [code.get("name") for code in top] == ["Barriers", "Faster decisions", "Plain"]
    barriers = top[0]
    assert barriers.attrib == {
        "guid": G_ROOT,
        "name": "Barriers",
        "isCodable": "true",
        "color": "#1F77B4",
    }
    assert [child.tag for child in barriers] == [f"{CB}Description", f"{CB}Code"]
    funding = barriers.find(f"{CB}Code")
    assert funding.get("name") == "Funding & <money>"
    trust = funding.find(f"{CB}Code")
    assert trust.get("guid") == G_TRUST
    assert "color" not in trust.attrib
    assert trust.find(f"{CB}Code").get("guid") == G_DEEP
    assert top[2].find(f"{CB}Description").text == "  Just a definition.  "


def test_description_puts_definition_first_then_kind_and_memo() -> None:
    root = etree.fromstring(to_qdc(CODES))
    descriptions = {
        code.get("guid"): code.findtext(f"{CB}Description") for code in root.iter(f"{CB}Code")
    }
    assert descriptions[G_ROOT] == "Things in the way.\n\n[Evidence Workbench]\nKind: context"
    assert descriptions[G_TRUST] == "[Evidence Workbench]\nKind: mechanism\nMemo: Only a memo."
    assert descriptions[G_OUTCOME] == "[Evidence Workbench]\nKind: outcome"
    assert descriptions[G_PLAIN] == "  Just a definition.  "


def test_other_code_without_text_has_no_description() -> None:
    code = CodeRecord(G_PLAIN, "Bare", "other", None, None, "", "")
    root = etree.fromstring(to_qdc([code]))
    assert root.find(f"{CB}Codes/{CB}Code/{CB}Description") is None
    assert from_qdc(to_qdc([code])) == [dataclasses.replace(code, definition=None, memo=None)]


ATLAS_LIKE = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="urn:QDA-XML:codebook:1.0 Codebook.xsd"
    origin="ATLAS.ti Win 23.4.0" xmlns="{CODEBOOK_NS}">
  <Codes>
    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Barriers" color="#46AA00"
        isCodable="true">
      <Description>Anything that slows a request down.
Kind: mechanism (not our marker)</Description>
      <Code guid="{{2E0C4A4B-2D7E-4C55-9D0B-7A1D2E3F4A5B}}" name="Funding" color="#f0a"
          isCodable="false">
        <Code guid="3A9D1C6E-0F1B-4E2A-8C3D-4B5E6F7A8B9C" name="Top-up payments"
            isCodable="true"/>
      </Code>
    </Code>
    <Code guid="4B8E2D7F-1A2C-4D3E-9F4A-5C6D7E8F9A0B" name="Trust" isCodable="true">
      <Description/>
    </Code>
  </Codes>
  <Sets>
    <Set name="code group 1" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0">
      <MemberCode targetGUID="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"/>
    </Set>
  </Sets>
</CodeBook>
""".encode()


def test_import_qdc_from_another_tool() -> None:
    g1 = "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294"
    g2 = "2e0c4a4b-2d7e-4c55-9d0b-7a1d2e3f4a5b"
    assert from_qdc(ATLAS_LIKE) == [
        CodeRecord(
            g1,
            "Barriers",
            "other",
            None,
            "#46AA00",
            "Anything that slows a request down.\nKind: mechanism (not our marker)",
            None,
        ),
        CodeRecord(g2, "Funding", "other", g1, "#ff00aa", None, None, codable=False),
        CodeRecord(
            "3a9d1c6e-0f1b-4e2a-8c3d-4b5e6f7a8b9c", "Top-up payments", "other", g2, None, None, None
        ),
        CodeRecord(
            "4b8e2d7f-1a2c-4d3e-9f4a-5c6d7e8f9a0b", "Trust", "other", None, None, None, None
        ),
    ]


def test_import_project_qde() -> None:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{PROJECT_NS}" name="IFR study" origin="NVivo 14">
  <Users><User guid="9F0E1D2C-3B4A-4958-8776-655443322110" name="Ana"/></Users>
  <CodeBook><Codes>
    <Code guid="{G_ROOT}" name="Panel" isCodable="true">
      <Description>Decision panel.

[Evidence Workbench]
Kind: Context
Memo: kept by NVivo</Description>
      <Code guid="{G_TRUST}" name="Trust" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources/>
</Project>""".encode()
    assert from_qdc(qde) == [
        CodeRecord(G_ROOT, "Panel", "context", None, None, "Decision panel.", "kept by NVivo"),
        CodeRecord(G_TRUST, "Trust", "other", G_ROOT, None, None, None),
    ]


def test_import_project_without_codebook_is_empty() -> None:
    qde = f'<Project xmlns="{PROJECT_NS}" name="empty"><Description>x</Description></Project>'
    assert from_qdc(qde.encode()) == []


def test_import_accepts_utf8_bom_and_20_levels() -> None:
    records = from_qdc(b"\xef\xbb\xbf" + _codebook(_nested(20)))
    assert len(records) == 20
    assert records[-1].parent_guid == records[-2].guid


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY a{i} "{("&a;" if i == 1 else f"&a{i - 1};") * 10}">' for i in range(1, 10))
    + f']><CodeBook xmlns="{CODEBOOK_NS}"><Codes>'
    + f'<Code guid="{G_ROOT}" name="&a9;" isCodable="true"/></Codes></CodeBook>'
).encode()
XXE = (
    '<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="{G_ROOT}" name="A" isCodable="true">'
    "<Description>&x;</Description></Code></Codes></CodeBook>"
).encode()
INTERNAL_DTD = (
    f'<!DOCTYPE CodeBook [<!ENTITY e "x">]><CodeBook xmlns="{CODEBOOK_NS}"><Codes>'
    f"{_code(G_ROOT)}</Codes></CodeBook>"
).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "the file is empty", id="empty"),
        pytest.param(b"name,kind\nA,context\n", "not an XML file", id="not-xml"),
        pytest.param(b"PK\x03\x04rest", "ZIP archive", id="qdpx-zip"),
        pytest.param(
            b'<?xml version="1.0"?>\n<CodeBook>\n<Codes>\n</CodeBook>',
            "malformed XML at line 4",
            id="malformed",
        ),
        pytest.param(b"<html><body/></html>", r"root element is <html> without", id="html"),
        pytest.param(
            _codebook(_code(G_ROOT), root="CodeBook"),
            "root element is <CodeBook> without a namespace",
            id="codebook-no-namespace",
        ),
        pytest.param(
            _codebook(_code(G_ROOT), root='Project xmlns="urn:QDA-XML:project:2.0"'),
            "in namespace urn:QDA-XML:project:2.0",
            id="wrong-namespace",
        ),
        pytest.param(
            _codebook(f'<Code guid="{G_ROOT}" isCodable="true"/>'),
            "line 2: the code has no name",
            id="no-name",
        ),
        pytest.param(_codebook(_code(G_ROOT, name="  ")), "has no name", id="blank-name"),
        pytest.param(
            _codebook('<Code name="A" isCodable="true"/>'),
            "line 2: the code has no guid",
            id="no-guid",
        ),
        pytest.param(_codebook(_code("not-a-guid")), "invalid guid 'not-a-guid'", id="bad-guid"),
        pytest.param(
            _codebook(_code(G_ROOT, extra='color="red"')), "invalid colour 'red'", id="colour-name"
        ),
        pytest.param(
            _codebook(_code(G_ROOT, extra='color="#12345"')), "invalid colour", id="colour-5"
        ),
        pytest.param(
            _codebook(_code(G_ROOT, inner="\n" + _code(f"{{{G_ROOT.upper()}}}", "B"))),
            r"line 3: duplicate guid .* \(also used at line 2\)",
            id="duplicate-guid",
        ),
        pytest.param(_codebook(_nested(21)), "nest more than 20 levels deep", id="too-deep"),
        pytest.param(
            _codebook(
                _code(G_ROOT, inner="<Description>[Evidence Workbench]\nKind: x</Description>")
            ),
            "unknown kind 'x'",
            id="bad-kind-marker",
        ),
        pytest.param(
            _codebook(_code(G_ROOT, inner=f"<Description>{'x' * MAX_BYTES}</Description>")),
            "larger than 5 MB",
            id="too-large",
        ),
        pytest.param(BILLION_LAUGHS, "DOCTYPE / entity declarations", id="billion-laughs"),
        pytest.param(XXE, "DOCTYPE / entity declarations", id="xxe"),
        pytest.param(INTERNAL_DTD, "DOCTYPE / entity declarations", id="internal-dtd"),
    ],
)
def test_bad_qdc_is_rejected(data: bytes, message: str) -> None:
    with pytest.raises(CodebookFormatError, match=message):
        from_qdc(data)


def test_xxe_does_not_read_files() -> None:
    with pytest.raises(CodebookFormatError) as info:
        from_qdc(XXE)
    assert "root:" not in str(info.value)


# ----------------------------------------------------------------------------------------- CSV


def _without_guids(records: list[CodeRecord]) -> list[tuple]:
    """Records as tuples with parents named by path, since CSV import makes new GUIDs."""
    paths: dict[str, str] = {}
    rows = []
    for record in records:
        parent = paths.get(record.parent_guid) if record.parent_guid else None
        paths[record.guid] = f"{parent} > {record.name}" if parent else record.name
        rows.append(
            (record.name, record.kind, parent, record.colour, record.definition, record.memo)
        )
    return rows


def test_csv_round_trip() -> None:
    records = from_csv(to_csv(CODES))
    assert _without_guids(records) == _without_guids(CODES)
    assert len({record.guid for record in records}) == len(CODES)
    assert all(uuid.UUID(record.guid).version == 4 for record in records)


def test_csv_layout() -> None:
    codes = [
        CodeRecord(G_ROOT, "Barriers", "context", None, "#1F77B4", "Things, in the way", None),
        CodeRecord(G_FUNDING, "Funding", "mechanism", G_ROOT, None, None, "=HYPERLINK(1)"),
        CodeRecord(G_TRUST, "Top-up", "outcome", G_FUNDING, None, "-5% cut", None),
    ]
    assert to_csv(codes) == (
        "\ufeffname,kind,parent,colour,definition,memo\r\n"
        'Barriers,context,,#1F77B4,"Things, in the way",\r\n'
        "Funding,mechanism,Barriers,,,'=HYPERLINK(1)\r\n"
        "Top-up,outcome,Barriers > Funding,,'-5% cut,\r\n"
    )
    records = from_csv(to_csv(codes))
    assert records[1].memo == "=HYPERLINK(1)"
    assert records[2].definition == "-5% cut"


def test_csv_import_as_edited_in_excel() -> None:
    text = (
        "\ufeffName;Kind;Parent;Color;Definition;Memo\r\n"
        "Top-up;o;Barriers>Funding;;;\r\n"
        ";;;;;\r\n"
        "Barriers;CONTEXT;;#abc;Things;\r\n"
        'Funding;M;Barriers;;"Money; budgets\nand ""cuts""";note\r\n'
        "Other;;;;;\r\n"
        "Context thing;c;;;;\r\n"
    )
    records = from_csv(text)
    assert _without_guids(records) == [
        ("Barriers", "context", None, "#aabbcc", "Things", None),
        ("Funding", "mechanism", "Barriers", None, 'Money; budgets\nand "cuts"', "note"),
        ("Top-up", "outcome", "Barriers > Funding", None, None, None),
        ("Other", "other", None, None, None, None),
        ("Context thing", "context", None, None, None, None),
    ]
    assert records[1].parent_guid == records[0].guid
    assert records[2].parent_guid == records[1].guid


def test_csv_with_only_a_name_column() -> None:
    assert _without_guids(from_csv("name\nA\nB\n")) == [
        ("A", "other", None, None, None, None),
        ("B", "other", None, None, None, None),
    ]


def _csv_chain(levels: int) -> str:
    rows = ["name,parent"]
    for level in range(1, levels + 1):
        rows.append(f"L{level}," + " > ".join(f"L{i}" for i in range(1, level)))
    return "\n".join(rows)


def test_csv_accepts_20_levels() -> None:
    assert len(from_csv(_csv_chain(20))) == 20


HEADER = "name,kind,parent,colour,definition,memo\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "the file is empty", id="empty"),
        pytest.param("\ufeff \n", "the file is empty", id="bom-only"),
        pytest.param("title,author\nx,y\n", "row 1: the header must name", id="wrong-header"),
        pytest.param("name,kind,name\nA,c,B\n", "row 1: the header must name", id="dup-column"),
        pytest.param("kind\nc\n", "row 1: the header must name", id="no-name-column"),
        pytest.param(HEADER + "A,c\nB,c,Missing\n", "row 3: unknown parent 'Missing'", id="parent"),
        pytest.param(
            HEADER + "A,c\nB,m,A\nB,o,A\n", "row 4: duplicate code 'A > B'.*row 3", id="dup-path"
        ),
        pytest.param(HEADER + "A,c\nA,m\n", "row 3: duplicate code 'A'", id="dup-root"),
        pytest.param(HEADER + "A,cmo\n", "row 2: unknown kind 'cmo'", id="bad-kind"),
        pytest.param(HEADER + "A,c,,blue\n", "row 2: invalid colour 'blue'", id="bad-colour"),
        pytest.param(HEADER + ",c,,#FFFFFF\n", "row 2: the name is empty", id="no-name"),
        pytest.param(
            HEADER + "A,c,,,,,extra\n", "row 2: 7 values but the header has 6", id="extra"
        ),
        pytest.param(HEADER + 'A,c,,,"never closed\n', "invalid CSV", id="unclosed-quote"),
        pytest.param(_csv_chain(21), "row 22: codes nest more than 20 levels", id="too-deep"),
        pytest.param(HEADER + "A,c,,," + "x" * MAX_BYTES, "larger than 5 MB", id="too-large"),
    ],
)
def test_bad_csv_is_rejected(text: str, message: str) -> None:
    with pytest.raises(CodebookFormatError, match=message):
        from_csv(text)


# -------------------------------------------------------------------------- exporting bad data


def _child_first() -> list[CodeRecord]:
    return [CODES[1], CODES[0]]


@pytest.mark.parametrize("export", [to_qdc, to_csv])
@pytest.mark.parametrize(
    ("codes", "message"),
    [
        pytest.param(_child_first(), "is not listed before it", id="child-first"),
        pytest.param([CODES[0], CODES[0]], "duplicate guid", id="duplicate-guid"),
        pytest.param(
            [dataclasses.replace(CODES[0], kind="theme")], "unknown kind 'theme'", id="bad-kind"
        ),
        pytest.param(
            [dataclasses.replace(CODES[0], colour="#abc")], "invalid colour", id="short-colour"
        ),
        pytest.param([dataclasses.replace(CODES[0], guid="42")], "invalid guid", id="bad-guid"),
        pytest.param([dataclasses.replace(CODES[0], name=" ")], "name is empty", id="no-name"),
    ],
)
def test_export_rejects_inconsistent_records(export, codes, message) -> None:
    with pytest.raises(CodebookFormatError, match=message):
        export(codes)


def test_qdc_export_rejects_empty_codebook() -> None:
    with pytest.raises(CodebookFormatError, match="at least one code"):
        to_qdc([])


def test_qdc_export_rejects_definition_that_mimics_the_trailer() -> None:
    code = dataclasses.replace(
        CODES[0], definition="x\n\n[Evidence Workbench]\nKind: outcome\nMemo: fake", memo="real"
    )
    with pytest.raises(CodebookFormatError, match="reserved for the kind and memo"):
        to_qdc([code])


def test_qdc_export_rejects_control_characters() -> None:
    with pytest.raises(CodebookFormatError, match="code 1"):
        to_qdc([dataclasses.replace(CODES[0], name="bell\x07")])


def test_csv_export_rejects_paths_it_could_not_import() -> None:
    twins = [CODES[0], dataclasses.replace(CODES[4], name="Barriers")]
    with pytest.raises(CodebookFormatError, match="two codes have the path 'Barriers'"):
        to_csv(twins)
