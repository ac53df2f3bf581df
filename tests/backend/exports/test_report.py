"""The DOCX report as a RAMESES II results section: theories, their CMOCs, evidence
by stance and source type, one full entry per shared CMOC with cross-references,
unlinked coded evidence in an appendix by code, a methods appendix; every quote
found at its cited location in the original file."""

import io

import pytest
from docx import Document as Docx

from tests import study
from tests.backend.exports.originals import assert_found_in_originals, report_quotes
from tests.conftest import SHARED, signed_in

# A quote in a later turn of each: Zoom WebVTT (CRLF, cue timings) and an Otter export.
TRANSCRIPT_QUOTES = {
    "zoom-ethereum-acdt-068.vtt": "Good morning, POTUS",
    "otter-bootloader-episode-004.md": "So the big one is probably",
}


@pytest.fixture
async def report(corpus_settings):
    async with signed_in(corpus_settings) as api:
        s = await study.build(api)
        trust = s.cmocs["trust"]
        r = await api.patch(
            f"{api.base}/cmocs/{trust['id']}",
            json={
                "theory_ids": [s.theories["Relating & Communicating"], s.theories["Being"]],
                "memo": "bell\x07 and form feed\x0c in a memo",
            },
            headers={"If-Match": f'"{trust["version"]}"'},
        )
        assert r.status_code == 200, r.text
        sop = await study.find_document(api, "Standard-operating")
        text = await study.text_of(api, sop)
        phrase = "The IFR Panel will apply the criteria in the IFR policy"
        s.annotations["sop panel"] = await study.annotate(
            api, sop, phrase, [s.codes["trust"], s.codes["delay"]]
        )
        break_at = await _page_start(api, sop, 10)  # a quote over the break to page 10
        s.annotations["sop bare"] = await study.annotate(
            api, sop, text[break_at - 40 : break_at + 40].strip(), []
        )
        constitution = await study.find_document(api, "constitution")
        text = await study.text_of(api, constitution)
        phrase = text[text.index("6.1.5 Where an individual") :][:70]
        s.annotations["constitution"] = await study.annotate(
            api, constitution, phrase, [s.codes["single policy"]]
        )
        for name, phrase in TRANSCRIPT_QUOTES.items():  # real transcripts, their formats
            document = await study.upload(
                api, SHARED / "transcripts" / name, "interview", "transcript"
            )
            text = await study.text_of(api, document)
            s.annotations[name] = await study.annotate(
                api, document, text[text.index(phrase) :][:60], [s.codes["trust"]]
            )
        r = await api.get(f"{api.base}/exports", params={"format": "docx"})
        assert r.status_code == 200, r.text
        yield api, s, r.content


async def _page_start(api, document: dict, page: int) -> int:
    url = f"{api.base}/documents/{document['id']}/versions/{document['current_version_id']}"
    return (await api.get(url)).json()["page_offsets"][page - 1]


def _paragraphs(content: bytes) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Docx(io.BytesIO(content)).paragraphs]


async def test_every_quote_is_at_its_cited_location_in_the_original_file(report):
    api, s, content = report
    cited = report_quotes(content)
    # 6 links (one CMOC given once although two theories use it) + 3 unlinked excerpts,
    # one of them under two codes
    assert len(cited) == 6 + 4 + 2
    transcripts = [c for _, c in cited if ", turn " in c]
    assert len(transcripts) == 2 + 3  # the two real transcripts and the study's interview
    assert any(c.endswith(", turn 5 (Justin Traglia), l. 21, 00:05:10") for c in transcripts)
    assert any(", turn 3 (Paul Cutler), ll. 15\u201316, 00:00:20" in c for c in transcripts)
    assert any("turn 6 (P3, interviewee), l. 8" in c for c in transcripts)
    assert any(", pp. 9\u201310" in citation for _, citation in cited)  # over a page break
    # The DOCX at the page a reader sees in Word or LibreOffice, with its section number
    assert any(c.endswith("Board, 2025), p. 33, \u00a76.1") for _, c in cited)
    await assert_found_in_originals(api, cited)
    # The check can fail: the same quotes cited one page off are not found.
    for quote, citation in cited:
        if ", p. " in citation:
            page = int(citation.split(", p. ")[1].split(",")[0].split(" ")[0])
            wrong = citation.replace(f"p. {page}", f"p. {page + 1}")
            with pytest.raises(AssertionError):
                await assert_found_in_originals(api, [(quote, wrong)])


async def test_theories_cmocs_stances_and_source_types_in_order(report):
    _, s, content = report
    headings = [(style, text) for style, text in _paragraphs(content) if "Heading" in style]
    assert headings[0] == ("Heading 1", "Results")
    theories = [t for style, t in headings if style == "Heading 2" and t.startswith("PT")]
    assert [t.split(". ", 1)[1] for t in theories] == [
        "Delivering",
        "Being",
        "Leading & Visioning",
        "Relating & Communicating",
    ]
    texts = [t for _, t in headings]
    trust = "CMOC 2: Trust makes a single policy work"
    full = texts.index(f"{trust} (proposed)")
    assert texts[full - 1].startswith("PT2. Being")  # given in full under its first theory
    assert texts[full + 1 : full + 5] == [
        "Supporting evidence (3 quotes from 3 sources)",
        "Documents (1)",
        "Interviews (1)",
        "Observations (1)",
    ]
    assert f"{trust} (see PT2)" in texts  # and cross-referenced under the other
    timeliness = texts.index("CMOC 1: Accountability for timescales (proposed)")
    assert texts[timeliness + 1 : timeliness + 5] == [
        "Supporting evidence (1 quote from 1 source)",
        "Observations (1)",
        "Refuting evidence (1 quote from 1 source)",
        "Interviews (1)",
    ]


async def test_a_shared_cmoc_links_both_ways(report):
    _, _, content = report
    body = Docx(io.BytesIO(content)).element.body
    anchors = {a for a in body.xpath("//w:hyperlink/@w:anchor")}
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name"))
    assert anchors and anchors <= bookmarks  # every internal link has its target
    texts = [p.text for p in Docx(io.BytesIO(content)).paragraphs]
    assert any("its evidence is given once, under PT2, CMOC 2" in t for t in texts)
    assert "Also used by: PT4." in texts


async def test_unlinked_coded_evidence_is_an_appendix_by_code(report):
    _, _, content = report
    paragraphs = _paragraphs(content)
    at = paragraphs.index(
        ("Heading 1", "Appendix A. Coded evidence not linked to a CMO configuration")
    )
    appendix = [text for style, text in paragraphs[at:] if style.startswith("Heading")]
    end = appendix.index("Appendix B. Methods")
    assert appendix[1:end] == [
        "Single system policy (context)",
        "Documents (1)",
        "Trust between partners (mechanism)",
        "Documents (1)",
        "Interviews (2)",  # the two real transcripts (TRANSCRIPT_QUOTES)
        "Slower decisions (outcome)",
        "Documents (1)",
        "Without a code",
        "Documents (1)",
    ]


async def test_methods_appendix_states_corpus_coders_codebook_and_agreement(report):
    api, _, content = report
    documents = (await api.get(f"{api.base}/documents", params={"range": "[0,99]"})).json()
    pages = sum(d["page_count"] or 0 for d in documents if d["source_type"] == "document")
    docx = Docx(io.BytesIO(content))
    corpus, coders = ([[c.text for c in r.cells] for r in t.rows] for t in docx.tables)
    assert corpus[0] == ["Source type", "Files", "Pages", "Speaker turns"]
    assert corpus[1][:3] == ["Documents", "4", str(pages)]
    assert corpus[2][:2] == ["Interviews", "3"] and int(corpus[2][3]) >= 5
    assert corpus[-1][:2] == ["All", "8"]
    assert coders == [["Coder", "Excerpts coded"], ["owner", "11"]]
    texts = [p.text for p in docx.paragraphs]
    versions = (await api.get(f"{api.base}/codes/versions")).json()
    assert (
        "5 codes (1 context, 2 mechanism, 2 outcome), as they stand at export: codebook "
        f"version {max(v['number'] for v in versions)} "
    ) in " ".join(texts)
    assert "One coder coded this project: there are no agreement figures." in texts


async def test_control_characters_are_shown_and_counted_not_a_failure(report):
    _, _, content = report
    texts = [p.text for p in Docx(io.BytesIO(content)).paragraphs]
    assert "Memo: bell\ufffd and form feed\ufffd in a memo" in texts
    assert any(t.startswith("2 control character(s)") for t in texts)


async def _report(client) -> tuple[list[str], list[list[str]]]:
    """The report's paragraphs and its coders table."""
    r = await client.get(f"{client.base}/exports", params={"format": "docx"})
    assert r.status_code == 200, r.text
    docx = Docx(io.BytesIO(r.content))
    coders = [[c.text for c in row.cells] for row in docx.tables[1].rows]
    return [p.text for p in docx.paragraphs], coders


async def test_methods_appendix_gives_the_round_agreement_and_respects_blind_rounds(team):
    t = team
    rnd = await t.open_round(["interview"], ["ann", "ben"])
    same = "trust between the partners"
    await t.code(t.ann, "interview", same, ["Trust"])
    await t.code(t.ben, "interview", same, ["Trust"])
    await t.code(t.ann, "interview", "We have a single panel now", ["Single panel"])
    await t.code(t.ben, "interview", "Being transparent", ["Trust"])

    # Ann codes blind: her report counts only her own codings and gives no round figures.
    ann, coders = await _report(t.ann)
    assert coders == [["Coder", "Excerpts coded"], ["ann", "2"]]
    assert "One coder coded this project: there are no agreement figures." in ann
    assert "Round 'Round 1' is being coded blind; its figures follow its close." in ann
    assert not any("alpha for unitizing" in p for p in ann)

    assert (await t.owner.post(f"{t.base}/rounds/{rnd['id']}/close")).status_code == 200
    figures = (await t.owner.get(f"{t.base}/rounds/{rnd['id']}/agreement")).json()
    methods = (await t.owner.get(f"{t.base}/methods")).json()
    owner, coders = await _report(t.owner)
    assert coders[1:] == [["ann", "2"], ["ben", "2"]]
    # The report says what the team's methods data says: the layer, then each round.
    assert methods["layer_statement"] in owner
    (line,) = [p for p in owner if p.startswith("In round 'Round 1' 2 coders")]
    assert line == methods["rounds"][0]["consensus"]
    assert f"alpha for unitizing (character level) = {figures['unitizing_alpha']:.3f}" in line
    assert "No consensus has been reached yet." in line
    assert any(p.startswith("Passage level, 2 coders") for p in owner)
    assert any(p.startswith("ann and ben: ") or p.startswith("ben and ann: ") for p in owner)
