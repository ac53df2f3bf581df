"""Our QDPX as QualCoder reads it. QualCoder is not on PyPI or in Debian and this machine
cannot reach its repository, so it cannot run here (see README, Interop). This test reads our
export the way QualCoder's REFI-QDA import is documented to (its public source, refi.py,
RefiImport), step by step, and checks that memos and every code arrive:

- the project file is any `*.qde` at the top; texts are under `sources/` (else `Sources/`),
  `plainTextPath` split after `internal:/`;
- a text is read with universal newlines, and when its first line ends in CRLF every `\\n`
  becomes `\\n ` again, so positions that count CRLF as two characters still fit; a position
  is then a Python `str` index (code points);
- code names are unique in a QualCoder project: a second code with a name already taken is
  merged into the first; `isCodable="false"` makes a category, not a code;
- a PlainTextSelection's `<Description>` is the memo of each of its codings (NoteRef is not
  read for coded selections).
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from tests.backend.refi.conftest import annotate, documents, export

NS = "{urn:QDA-XML:project:1.0}"


def qualcoder_reads(data: bytes) -> tuple[dict[str, str], list[dict]]:
    """(code GUID -> QualCoder code name, coded segments) as QualCoder's import would store."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        qde = next(n for n in names if "/" not in n and n.endswith(".qde"))
        root = etree.fromstring(zf.read(qde))
        folder = "sources" if any(n.startswith("sources/") for n in names) else "Sources"
        codes: dict[str, str] = {}
        taken: dict[str, str] = {}
        for element in root.iter(f"{NS}Code"):
            if element.get("isCodable") == "false":
                continue
            name = element.get("name")
            codes[element.get("guid")] = taken.setdefault(name, name)  # merged if taken
        segments = []
        for source in root.iter(f"{NS}TextSource"):
            entry = folder + source.get("plainTextPath").split("internal:/")[1]
            raw = zf.read(entry)
            text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
            if raw.split(b"\n", 1)[0].endswith(b"\r"):
                text = text.replace("\n", "\n ")
            for sel in source.iter(f"{NS}PlainTextSelection"):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                memo = sel.findtext(f"{NS}Description") or ""
                for ref in sel.iter(f"{NS}CodeRef"):
                    code = codes[ref.get("targetGUID")]
                    segments.append({"code": code, "text": text[start:end], "memo": memo})
    return codes, segments


async def test_qualcoder_gets_every_code_apart_and_every_memo(built):
    api = built.api
    for parent in ("Barriers", "Enablers"):
        r = await api.post(f"{api.base}/codes", json={"name": parent})
        child = await api.post(
            f"{api.base}/codes", json={"name": "Funding", "parent_id": r.json()["id"]}
        )
        built.codes[f"{parent}/Funding"] = child.json()["id"]
    doc = (await documents(api))[0]
    text = await api.get(f"{api.base}/documents/{doc['id']}/versions/{doc['current_version_id']}")
    words = re.search(r"\w+ \w+ \w+", text.json()["text"])
    both = [built.codes["Barriers/Funding"], built.codes["Enablers/Funding"]]
    await annotate(api, doc["id"], words.start(), words.end(), both, "memo 📝 kept")

    codes, segments = qualcoder_reads(await export(api, built.pid))
    live = (await api.get(f"{api.base}/codes")).json()
    assert len(set(codes.values())) == len(live)  # no two codes merged into one
    assert {"Barriers / Funding", "Enablers / Funding"} <= set(codes.values())
    annotations = (await api.get(f"{api.base}/annotations")).json()
    expected = {
        (a["exact"].replace("\r\n", "\n "), a["memo"] or "")
        for a in annotations
        if a["code_ids"] and not a["orphaned"]
    }
    assert {(s["text"], s["memo"]) for s in segments} >= expected
    funding = [s for s in segments if s["code"].endswith("/ Funding")]
    assert [s["memo"] for s in funding] == ["memo 📝 kept", "memo 📝 kept"]
