"""Re-anchoring end to end on the real corpus constitution (DOCX): annotate it, edit the
file in Word's format (python-docx), upload it again under the same name, and check every
annotation landed on the new text, or was orphaned when its paragraph is gone."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from backend.documents.models import DocumentVersion
from backend.ingest_jobs.worker import run_job
from tests.conftest import CONSTITUTION_DOCX, runtime_of, signed_in

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Passages of the constitution as the ingest renders them (list numbers included).
UNCHANGED = {
    # in the version table on page 1, a few hundred characters into the text
    "near_start": "Health and Care Act reference ‘section 14Z44’ corrected to read ‘section 14Z45’",
    # a new paragraph is inserted right before this one, so its prefix changes
    "after_insert": (
        "The ICB will use its resources and powers to achieve demonstrable progress on these "
        "aims, collaborating to tackle complex challenges, including:"
    ),
    # shorter than anchoring.DISTINCTIVE: needs its context to agree
    "short_phrase": "Civil Contingencies Act 2004",
    "sentence": (
        "Proposed amendments to this Constitution will not be implemented until an application "
        "to NHS England for variation has been approved."
    ),
    # the end of list item b) and the start of item c)
    "cross_paragraph": (
        "share information as openly as is reasonably practicable;\n\nc) Be timely, targeted"
    ),
    # the last sentence of the document: no suffix at all
    "near_end": (
        "The identity of these individuals and the applicable terms will be found in the "
        "Standing Financial Instructions."
    ),
}
WORDS_DELETED = (
    "The ICB has prepared a Functions and Decision Map which sets out at a high level its key "
    "functions and how it exercises them in accordance with the SoRD."
)
WORDS_INSERTED = (
    "In the case of conflicting interpretation of the Standing Orders, the Chair, supported with "
    "advice from the Governance Lead will provide a settled view which shall be final."
)
DELETED_PARAGRAPH = (
    "A resolution will be passed if more votes are cast for the resolution than against it."
)
ORIGINAL = {
    **UNCHANGED,
    "words_deleted": WORDS_DELETED,
    "words_inserted": WORDS_INSERTED,
    "deleted_paragraph": DELETED_PARAGRAPH,
}
# What the edited spans read in the new version.
EDITED = {
    "words_deleted": WORDS_DELETED.replace("at a high level ", ""),
    "words_inserted": WORDS_INSERTED.replace(
        "Governance Lead ", "Governance Lead and the Chief Executive "
    ),
}
NEW_PARAGRAPHS = (
    "This new paragraph was added in version 1.7: the ICB reviews this constitution every year.",
    "A further new paragraph, inserted just before the Standing Orders' interpretation clause.",
)


@pytest.fixture
async def api(settings):
    async with signed_in(settings) as c:
        yield c


# --- editing the DOCX ----------------------------------------------------------------------------


def _paragraph(document, text: str):
    """The one paragraph of the DOCX whose text contains `text`."""
    found = [p for p in document.paragraphs if text in p.text]
    assert len(found) == 1, f"{len(found)} paragraphs contain {text!r}"
    return found[0]


def _replace_in_runs(paragraph, old: str, new: str) -> None:
    """Replace `old` by `new` inside the paragraph's runs, keeping their formatting (Word
    splits a sentence into many runs, so `old` may span several of them)."""
    runs = paragraph.runs
    whole = "".join(run.text for run in runs)
    assert whole == paragraph.text, "the paragraph has text outside plain runs"
    start = whole.index(old)
    end = start + len(old)
    offset, first = 0, True
    for run in runs:
        text, run_start, run_end = run.text, offset, offset + len(run.text)
        offset = run_end
        if run_end <= start or run_start >= end:
            continue
        if first:
            run.text = text[: start - run_start] + new + text[end - run_start :]
            first = False
        else:
            run.text = text[end - run_start :]


def edited_constitution(folder: Path) -> Path:
    """The constitution with two new paragraphs, words cut from one annotated sentence and
    added to another, and one annotated paragraph deleted; saved under the same name."""
    document = docx.Document(str(CONSTITUTION_DOCX))
    _paragraph(document, "The ICB will use its resources and powers").insert_paragraph_before(
        NEW_PARAGRAPHS[0], style="Normal"
    )
    interpretation = _paragraph(document, "In the case of conflicting interpretation")
    interpretation.insert_paragraph_before(NEW_PARAGRAPHS[1], style="Normal")
    _replace_in_runs(
        _paragraph(document, "Functions and Decision Map which"), "at a high level ", ""
    )
    _replace_in_runs(interpretation, "Governance Lead ", "Governance Lead and the Chief Executive ")
    gone = _paragraph(document, DELETED_PARAGRAPH)
    gone._p.getparent().remove(gone._p)
    path = folder / CONSTITUTION_DOCX.name
    document.save(str(path))
    return path


# --- API helpers ---------------------------------------------------------------------------------


async def _ingest(api, path: Path):
    r = await api.post(
        f"{api.base}/ingest",
        files=[("files", (CONSTITUTION_DOCX.name, path.read_bytes(), DOCX_TYPE))],
    )
    assert r.status_code == 202, r.text
    (queued,) = r.json()
    job = await run_job(runtime_of(api), queued["id"])
    assert job is not None and job.state == "done", job and job.error
    return job


async def _text(api, version_id: int) -> str:
    async with runtime_of(api).sessions() as session:
        return (await session.get(DocumentVersion, version_id)).text


async def _annotations(api, **filters) -> list[dict]:
    r = await api.get(
        f"{api.base}/annotations",
        params={"filter": json.dumps(filters), "range": "[0,99]", "sort": '["id","ASC"]'},
    )
    assert r.status_code == 200, r.text
    return r.json()


async def _history(api, annotation_id: int) -> list[dict]:
    r = await api.get(f"{api.base}/annotations/{annotation_id}/history")
    assert r.status_code == 200, r.text
    return r.json()


def _span(text: str, quote: str) -> tuple[int, int]:
    assert text.count(quote) == 1, f"{quote!r} occurs {text.count(quote)} times"
    start = text.index(quote)
    return start, start + len(quote)


# --- the flow ------------------------------------------------------------------------------------


async def test_annotations_follow_an_edited_docx_to_its_new_version(api, tmp_path):
    first = await _ingest(api, CONSTITUTION_DOCX)
    assert first.outcome == "created"
    doc_id, old_version = first.document_id, first.version_id
    old_text = await _text(api, old_version)
    code = (await api.post(f"{api.base}/codes", json={"name": "Governance"})).json()["id"]

    ids: dict[str, int] = {}
    for name, quote in ORIGINAL.items():
        start, end = _span(old_text, quote)
        r = await api.post(
            f"{api.base}/annotations",
            json={
                "document_id": doc_id,
                "start": start,
                "end": end,
                "code_ids": [code],
                "memo": name,
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()["exact"] == quote
        ids[name] = r.json()["id"]
    assert old_text.index(ORIGINAL["near_start"]) < 500
    assert old_text.endswith(ORIGINAL["near_end"])
    before = await _annotations(api, document_id=doc_id)
    assert len(before) == len(ORIGINAL)

    second = await _ingest(api, edited_constitution(tmp_path))
    assert second.outcome == "new_version" and second.document_id == doc_id
    new_version = second.version_id
    assert new_version != old_version
    document = (await api.get(f"{api.base}/documents/{doc_id}")).json()
    assert document["current_version_id"] == new_version
    versions = (await api.get(f"{api.base}/documents/{doc_id}/versions")).json()
    assert [v["number"] for v in versions] == [1, 2]
    new_text = await _text(api, new_version)
    for paragraph in NEW_PARAGRAPHS:  # the edits did reach the new version's text
        assert paragraph in new_text
    assert DELETED_PARAGRAPH not in new_text and WORDS_DELETED not in new_text

    after = {a["id"]: a for a in await _annotations(api, document_id=doc_id)}
    assert sorted(after) == sorted(a["id"] for a in before), "annotations were dropped"
    by_name = {name: after[i] for name, i in ids.items()}
    old_start = {a["id"]: a["start"] for a in before}

    for name, a in by_name.items():
        assert a["memo"] == name and a["code_ids"] == [code], name
        assert a["deleted_at"] is None, name
        if name == "deleted_paragraph":
            continue
        assert a["orphaned"] is False, name
        assert a["version_id"] == new_version, name
        assert a["exact"] == new_text[a["start"] : a["end"]], name
        assert a["prefix"] == new_text[max(0, a["start"] - 32) : a["start"]], name
        assert a["suffix"] == new_text[a["end"] : a["end"] + 32], name
        assert a["version"] == 2, name

    for name, quote in UNCHANGED.items():
        a = by_name[name]
        assert a["exact"] == quote, name
        assert (a["start"], a["end"]) == _span(new_text, quote), name
    # Text was inserted before these (and, for the last two, cut and added too).
    for name in ("after_insert", "short_phrase", "sentence", "cross_paragraph", "near_end"):
        assert by_name[name]["start"] != old_start[ids[name]], name
    assert by_name["near_start"]["start"] == old_start[ids["near_start"]]
    assert by_name["near_end"]["suffix"] == "" and new_text.endswith(UNCHANGED["near_end"])

    for name, quote in EDITED.items():  # re-placed by fuzzy match over the edited region
        a = by_name[name]
        assert a["exact"] == quote, name
        assert (a["start"], a["end"]) == _span(new_text, quote), name

    orphan = by_name["deleted_paragraph"]
    assert orphan["orphaned"] is True
    assert orphan["version_id"] == old_version
    assert orphan["exact"] == DELETED_PARAGRAPH
    assert old_text[orphan["start"] : orphan["end"]] == DELETED_PARAGRAPH
    assert orphan["version"] == 2
    listed = await _annotations(api, orphaned=True)
    assert [a["id"] for a in listed] == [orphan["id"]]
    placed = await _annotations(api, orphaned=False)
    assert sorted(a["id"] for a in placed) == sorted(set(after) - {orphan["id"]})
    on_new = await _annotations(api, version_id=new_version)
    assert sorted(a["id"] for a in on_new) == sorted(a["id"] for a in placed)

    for name, a in by_name.items():
        history = await _history(api, a["id"])
        actions = [h["action"] for h in history]
        last = history[-1]["state"]
        if name == "deleted_paragraph":
            assert actions == ["create", "orphan"], name
            assert last["orphaned"] is True and last["version_id"] == old_version
        else:
            assert actions == ["create", "reanchor"], name
            assert last["version_id"] == new_version and last["orphaned"] is False, name
            assert (last["start"], last["end"], last["exact"]) == (a["start"], a["end"], a["exact"])

    # Each placed annotation points at the new version's passage that holds its start.
    r = await api.get(f"{api.base}/documents/{doc_id}/passages", params={"range": "[0,499]"})
    passages = {p["id"]: p for p in r.json()}
    assert {p["version_id"] for p in passages.values()} == {new_version}
    for name, a in by_name.items():
        if name == "deleted_paragraph":
            continue
        p = passages[a["passage_id"]]
        assert p["start"] <= a["start"] < p["end"], name
        inside = a["exact"][: p["end"] - a["start"]]
        assert p["text"][a["start"] - p["start"] :].startswith(inside), name


async def test_uploading_the_same_edit_again_changes_nothing(api, tmp_path):
    first = await _ingest(api, CONSTITUTION_DOCX)
    start, end = _span(await _text(api, first.version_id), UNCHANGED["sentence"])
    r = await api.post(
        f"{api.base}/annotations",
        json={"document_id": first.document_id, "start": start, "end": end},
    )
    annotation = r.json()
    edited = edited_constitution(tmp_path)
    second = await _ingest(api, edited)
    assert second.outcome == "new_version"
    moved = (await api.get(f"{api.base}/annotations/{annotation['id']}")).json()
    assert moved["version_id"] == second.version_id and moved["version"] == 2

    again = await _ingest(api, edited)
    assert again.outcome == "unchanged" and again.version_id == second.version_id
    same = (await api.get(f"{api.base}/annotations/{annotation['id']}")).json()
    assert same == moved
    actions = [h["action"] for h in await _history(api, annotation["id"])]
    assert actions == ["create", "reanchor"]


async def test_an_orphan_is_placed_again_when_a_later_version_brings_its_text_back(api, tmp_path):
    first = await _ingest(api, CONSTITUTION_DOCX)
    start, end = _span(await _text(api, first.version_id), DELETED_PARAGRAPH)
    r = await api.post(
        f"{api.base}/annotations",
        json={"document_id": first.document_id, "start": start, "end": end},
    )
    url = f"{api.base}/annotations/{r.json()['id']}"
    (tmp_path / "v2").mkdir()
    await _ingest(api, edited_constitution(tmp_path / "v2"))
    assert (await api.get(url)).json()["orphaned"] is True

    # Version 3: the original text again, plus one new paragraph (so new bytes).
    restored = docx.Document(str(CONSTITUTION_DOCX))
    _paragraph(restored, "The ICB will use its resources and powers").insert_paragraph_before(
        NEW_PARAGRAPHS[0], style="Normal"
    )
    (tmp_path / "v3").mkdir()
    path = tmp_path / "v3" / CONSTITUTION_DOCX.name
    restored.save(str(path))
    third = await _ingest(api, path)
    assert third.outcome == "new_version"
    third_text = await _text(api, third.version_id)
    assert third_text.count(DELETED_PARAGRAPH) == 1

    # `orphaned` means "could not be placed in the document's current version"; this one
    # now can, but reanchor_document only looks at annotations that are not orphaned.
    a = (await api.get(url)).json()
    assert a["orphaned"] is False and a["version_id"] == third.version_id, a
    assert third_text[a["start"] : a["end"]] == DELETED_PARAGRAPH
    actions = [h["action"] for h in await _history(api, a["id"])]
    assert actions == ["create", "orphan", "reanchor"]
