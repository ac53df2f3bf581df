"""The search contract: every engine runs these same tests.

A test module subclasses `EngineContract` and provides an `engine` fixture that
yields a ready, empty engine of its kind (see test_sqlite_fts.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from search.base import (
    Filters,
    OwnCodings,
    PassageDoc,
    SearchRequest,
    SimilarRequest,
    coded_mark,
)
from search.errors import SearchError, UnsupportedQuery
from search.query import prepare


def _doc(pid: int, doc: int, text: str, **kw) -> PassageDoc:
    defaults = {"source_type": "document", "document_type": "strategy", "version_id": doc}
    return PassageDoc(passage_id=pid, document_id=doc, text=text, **{**defaults, **kw})


D2023 = dt.date(2023, 3, 1)
D2024 = dt.date(2024, 6, 15)

DOCS = [
    _doc(
        1,
        10,
        "System leaders are leading the integrated care board with a clear vision.",
        organisation="ICB North",
        date=D2023,
    ),
    _doc(
        2,
        10,
        "Leadership across the system depends on trust between partners.",
        organisation="ICB North",
        date=D2023,
    ),
    _doc(
        3,
        11,
        "Individual funding requests are considered by the panel each month.",
        document_type="policy",
        organisation="NHS England",
        date=D2024,
    ),
    _doc(
        4,
        11,
        "The panel funds individual treatments only in exceptional cases.",
        document_type="policy",
        organisation="NHS England",
        date=D2024,
    ),
    _doc(
        5,
        12,
        "Interviewer: How do partners build trust? P3: Through honest conversations "
        "about money and governance.",
        source_type="interview",
        document_type="transcript",
        speaker="P3",
    ),
    _doc(
        6,
        12,
        "P3: The board meets monthly; governance papers arrive late.",
        source_type="interview",
        document_type="transcript",
        speaker="P3",
    ),
    _doc(
        7,
        13,
        "Observed: the chair invited community voices before the decision.",
        source_type="observation",
        document_type="field_notes",
        date=D2024,
    ),
    _doc(
        8,
        14,
        "Café culture: the team met informally to discuss population health.",
        organisation="ICB South",
        date=dt.date(2022, 1, 10),
    ),
    _doc(
        9,
        14,
        "Population health management uses intelligence to target communities.",
        organisation="ICB South",
        date=dt.date(2022, 1, 10),
    ),
    _doc(
        10,
        15,
        "Governance governance governance: the board reviews governance reports.",
        organisation="ICB South",
        date=D2023,
    ),
]


async def ids(engine, query: str, **kw) -> list[int]:
    result = await engine.search(SearchRequest(prepare(query), **kw))
    return [h.passage_id for h in result.hits]


async def idset(engine, query: str, **kw) -> set[int]:
    return set(await ids(engine, query, **kw))


class EngineContract:
    @pytest.fixture
    async def loaded(self, engine):
        await engine.replace_documents(sorted({d.document_id for d in DOCS}), DOCS)
        return engine

    async def test_count_after_indexing(self, loaded):
        assert await loaded.count() == len(DOCS)

    async def test_terms_match_stemmed_forms(self, loaded):
        assert await idset(loaded, "leading") == {1}
        assert await idset(loaded, "lead") == {1}
        assert await idset(loaded, "requested") == {3}
        assert await idset(loaded, "fund") == {3, 4}  # funding, funds

    async def test_implicit_and_requires_every_term(self, loaded):
        assert await idset(loaded, "panel individual") == {3, 4}
        assert await idset(loaded, "panel requests") == {3}

    async def test_or_and_not(self, loaded):
        assert await idset(loaded, "trust OR vision") == {1, 2, 5}
        assert await idset(loaded, "trust | vision") == {1, 2, 5}
        assert await idset(loaded, "trust NOT partners") == set()
        assert await idset(loaded, "governance -board") == {5}
        assert await idset(loaded, "panel AND NOT exceptional") == {3}

    async def test_grouping(self, loaded):
        assert await idset(loaded, "(trust OR governance) board") == {6, 10}

    async def test_phrase_is_exact_and_ordered(self, loaded):
        assert await idset(loaded, '"individual funding"') == {3}
        assert await idset(loaded, '"funding individual"') == set()
        assert await idset(loaded, '"individual funds"') == set()  # no stemming in phrases

    async def test_phrase_keeps_stop_words(self, loaded):
        assert await idset(loaded, '"the board meets"') == {6}

    async def test_proximity(self, loaded):
        assert await idset(loaded, '"leaders vision"~10') == {1}
        assert await idset(loaded, '"leaders vision"~2') == set()

    async def test_caveats_come_with_results_and_only_for_proximity(self, loaded):
        """Every engine answers terms, phrases, prefixes and operators as the query
        language means them; where one answers a proximity otherwise, its result says
        so, as its caveats() for that query do (the API's response reads those)."""
        for text in ("governance", '"the board"', "lead*", "trust OR panel -exceptional"):
            result = await loaded.search(SearchRequest(prepare(text)))
            assert result.caveats == () == loaded.caveats(prepare(text)), text
        near = prepare('"leaders vision board"~10 OR "leaders vision"~10')
        result = await loaded.search(SearchRequest(near))
        assert result.caveats == loaded.caveats(near)
        assert all(c.startswith('"leaders vision') for c in result.caveats)

    async def test_prefix(self, loaded):
        assert await idset(loaded, "lead*") == {1, 2}
        assert await idset(loaded, "govern*") == {5, 6, 10}

    async def test_diacritics_are_folded(self, loaded):
        assert await idset(loaded, "cafe") == {8}
        assert await idset(loaded, "café") == {8}

    async def test_one_folding_for_every_spelling(self, engine):
        """search/folding.py: ß, ø, ł, œ, ligatures and accents, in text and in queries
        (prefixes and fuzzy terms too), fold alike in both engines."""
        docs = [
            _doc(800, 80, "Die Straße nach Øresund"),
            _doc(801, 80, "Łódź and the cœur of ﬁnance"),
            _doc(802, 80, "Strasse without the sharp s"),
        ]
        await engine.replace_documents([80], docs)
        for spelling in ("strasse", "STRASSE", "Straße", "straß*", "STRASS*"):
            assert await idset(engine, spelling) == {800, 802}, spelling
        assert await idset(engine, "oresund") == {800}
        assert await idset(engine, "Lodz") == {801}
        assert await idset(engine, '"cœur of finance"') == {801}
        assert await idset(engine, "coeu*") == {801}
        if engine.supports_fuzzy:
            assert await idset(engine, "Lodzz~1") == {801}
            assert await idset(engine, "Łódźź~1") == {801}

    async def test_more_occurrences_rank_higher(self, loaded):
        assert (await ids(loaded, "governance"))[0] == 10

    async def test_filters(self, loaded):
        q = "governance OR panel OR health OR leadership OR trust"
        assert await idset(loaded, q, filters=Filters(source_types=("interview",))) == {5, 6}
        assert await idset(loaded, q, filters=Filters(document_types=("policy",))) == {3, 4}
        assert await idset(loaded, q, filters=Filters(organisations=("ICB South",))) == {8, 9, 10}
        assert await idset(loaded, q, filters=Filters(document_ids=(10, 12))) == {2, 5, 6}

    async def test_date_range(self, loaded):
        q = "governance OR panel OR health OR leadership OR trust OR chair"
        f = Filters(date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 12, 31))
        assert await idset(loaded, q, filters=f) == {2, 10}
        assert await idset(loaded, q, filters=Filters(date_from=D2024)) == {3, 4, 7}

    async def test_facets_count_matches(self, loaded):
        result = await loaded.search(SearchRequest(prepare("governance OR health OR panel")))
        facets = {k: {f.value: f.count for f in v} for k, v in result.facets.items()}
        assert result.total == 7
        assert facets["source_type"] == {"document": 5, "interview": 2}
        assert facets["document_type"] == {"strategy": 3, "policy": 2, "transcript": 2}
        assert facets["organisation"] == {"ICB South": 3, "NHS England": 2}
        assert facets["year"] == {"2022": 2, "2023": 1, "2024": 2}
        assert facets["document_id"] == {"11": 2, "12": 2, "14": 2, "15": 1}

    async def test_facet_order_is_count_then_value(self, loaded):
        result = await loaded.search(SearchRequest(prepare("governance OR health OR panel")))
        values = [f.value for f in result.facets["document_type"]]
        assert values == ["strategy", "policy", "transcript"]

    async def test_pagination_and_total(self, loaded):
        q = prepare("governance OR health OR panel")
        everything = await loaded.search(SearchRequest(q, limit=100))
        page1 = await loaded.search(SearchRequest(q, limit=3))
        page2 = await loaded.search(SearchRequest(q, offset=3, limit=3))
        assert page1.total == page2.total == everything.total == 7
        ordered = [h.passage_id for h in everything.hits]
        assert [h.passage_id for h in page1.hits + page2.hits] == ordered[:6]

    async def test_cursor_pages_follow_offset_pages(self, loaded):
        q = prepare("governance OR health OR panel")
        ordered = [h.passage_id for h in (await loaded.search(SearchRequest(q, limit=100))).hits]
        seen: list[int] = []
        cursor = None
        while True:
            page = await loaded.search(SearchRequest(q, limit=2, cursor=cursor))
            seen += [h.passage_id for h in page.hits]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == ordered

    async def test_ranking_only_gives_the_same_order_and_scores_alone(self, loaded):
        q = prepare("governance OR health OR panel")
        full = await loaded.search(SearchRequest(q, limit=5))
        ranked = await loaded.search(SearchRequest(q, limit=5, ranking_only=True))
        assert [(h.passage_id, h.score) for h in ranked.hits] == [
            (h.passage_id, h.score) for h in full.hits
        ]
        assert full.total == 7 and ranked.total == 5  # the hits returned, not every match
        assert ranked.facets == {} and all(h.highlights == () for h in ranked.hits)

    async def test_highlights_mark_matches(self, loaded):
        result = await loaded.search(SearchRequest(prepare('"individual funding"')))
        (hit,) = result.hits
        assert "<mark>" in " ".join(hit.highlights)
        joined = " ".join(hit.highlights).replace("<mark>", "").replace("</mark>", "")
        assert "Individual funding requests" in joined

    async def test_highlights_are_html_escaped(self, engine):
        await engine.replace_documents([99], [_doc(99, 99, "Risks <script> & governance")])
        result = await engine.search(SearchRequest(prepare("governance")))
        text = " ".join(result.hits[0].highlights)
        assert "<script>" not in text and "&lt;script&gt;" in text

    async def test_replace_documents_replaces(self, loaded):
        await loaded.replace_documents([11], [_doc(30, 11, "Revised panel terms of reference")])
        assert await idset(loaded, "panel") == {30}
        assert await loaded.count() == len(DOCS) - 1

    async def test_replace_with_nothing_removes(self, loaded):
        await loaded.replace_documents([12, 13], [])
        assert await idset(loaded, "governance OR chair") == {10}

    async def test_rebuild_swaps_whole_index(self, loaded):
        async def batches():
            yield [_doc(50, 20, "Only this passage on workforce")]
            yield [_doc(51, 20, "And this one on workforce too")]

        assert await loaded.rebuild(batches()) == 2
        assert await loaded.count() == 2
        assert await idset(loaded, "workforce") == {50, 51}
        assert await idset(loaded, "governance") == set()

    async def test_no_match_is_empty_not_error(self, loaded):
        result = await loaded.search(SearchRequest(prepare("zebra")))
        assert result.total == 0 and result.hits == ()

    async def test_fuzzy_supported_or_refused_clearly(self, loaded):
        if loaded.supports_fuzzy:
            assert await idset(loaded, "goverance~1") == {5, 6, 10}
        else:
            with pytest.raises(UnsupportedQuery, match="fuzzy"):
                await ids(loaded, "goverance~1")

    async def test_bad_cursor_is_a_clear_error(self, loaded):
        with pytest.raises(SearchError, match="cursor"):
            await ids(loaded, "governance", cursor="not-a-cursor")

    async def test_older_writes_never_undo_newer_ones(self, engine):
        await engine.replace_documents([40], [_doc(400, 40, "Newer text about budgets")], seq=9)
        await engine.replace_documents([40], [_doc(401, 40, "Older text about deficits")], seq=5)
        assert await idset(engine, "budgets") == {400}
        assert await idset(engine, "deficits") == set()
        await engine.replace_documents([40], [_doc(402, 40, "Same seq applies: surplus")], seq=9)
        assert await idset(engine, "surplus") == {402}

    async def test_code_coder_and_annotated_filters(self, engine):
        docs = [
            _doc(500, 50, "Trust builds slowly between partners", code_ids=(7, 8), coder_ids=(1,)),
            _doc(501, 50, "Trust broke down after the merger", code_ids=(8,), coder_ids=(2,)),
            _doc(502, 50, "Trust is rarely discussed in minutes"),
        ]
        await engine.replace_documents([50], docs)
        assert await idset(engine, "trust", filters=Filters(code_ids=(7,))) == {500}
        assert await idset(engine, "trust", filters=Filters(code_ids=(7, 8))) == {500, 501}
        assert await idset(engine, "trust", filters=Filters(coder_ids=(2,))) == {501}
        assert await idset(engine, "trust", filters=Filters(annotated=True)) == {500, 501}
        assert await idset(engine, "trust", filters=Filters(annotated=False)) == {502}
        both = Filters(code_ids=(8,), coder_ids=(1,))
        assert await idset(engine, "trust", filters=both) == {500}

    async def test_update_passages_rewrites_only_their_entries(self, engine):
        """An annotation or metadata change: these passages' codes, coders and fields
        change; their text stays searchable; the other passages keep theirs."""
        docs = [
            _doc(550, 55, "Trust builds slowly", code_ids=(7,), coder_ids=(1,), organisation="A"),
            _doc(551, 55, "Trust broke down", code_ids=(7,), coder_ids=(1,), organisation="A"),
        ]
        await engine.replace_documents([55], docs, seq=3)
        changed = replace(docs[1], code_ids=(9,), coder_ids=(2,), organisation="B")
        await engine.update_passages([changed], seq=4)
        assert await idset(engine, "trust", filters=Filters(code_ids=(7,))) == {550}
        assert await idset(engine, "trust", filters=Filters(code_ids=(9,))) == {551}
        assert await idset(engine, "broke", filters=Filters(coder_ids=(2,))) == {551}
        assert await idset(engine, "trust", filters=Filters(organisations=("B",))) == {551}
        assert await engine.count() == 2
        await engine.update_passages([replace(docs[0], code_ids=())], seq=5)
        assert await idset(engine, "trust", filters=Filters(annotated=False)) == set()
        assert await idset(engine, "trust", filters=Filters(code_ids=(7,))) == set()

    async def test_older_passage_updates_never_undo_newer_writes(self, engine):
        doc = _doc(560, 56, "Trust and budgets", code_ids=(7,))
        await engine.replace_documents([56], [doc], seq=8)
        await engine.update_passages([replace(doc, code_ids=(9,))], seq=6)  # a late writer
        assert await idset(engine, "trust", filters=Filters(code_ids=(7,))) == {560}
        await engine.update_passages([replace(doc, code_ids=(9,))], seq=9)
        await engine.replace_documents([56], [replace(doc, code_ids=(5,))], seq=7)
        assert await idset(engine, "trust", filters=Filters(code_ids=(9,))) == {560}

    async def test_speaker_role_filter(self, engine):
        docs = [
            _doc(
                700,
                70,
                "Interviewer: what about budgets?",
                speaker="Interviewer",
                speaker_role="interviewer",
            ),
            _doc(701, 70, "R: budgets were cut twice", speaker="R", speaker_role="interviewee"),
            _doc(702, 70, "Mel: budgets, again", speaker="Mel"),  # role unknown
            _doc(703, 71, "The budgets paper"),
        ]
        await engine.replace_documents([70, 71], docs)
        only = Filters(speaker_roles=("interviewee",))
        assert await idset(engine, "budgets", filters=only) == {701}
        both = Filters(speaker_roles=("interviewer", "interviewee"))
        assert await idset(engine, "budgets", filters=both) == {700, 701}
        assert await idset(engine, "budgets") == {700, 701, 702, 703}

    async def test_own_codings_hide_other_coders_on_blind_documents(self, engine):
        """Coder 1 in a blind round over document 70: there, filters see only coder 1's
        marks; on document 71 (not blind) everyone's codings count as usual."""
        m = coded_mark
        docs = [
            _doc(700, 70, "Trust mine", code_ids=(7,), coder_ids=(1,), coded=(m(1), m(1, 7))),
            _doc(701, 70, "Trust theirs", code_ids=(7,), coder_ids=(2,), coded=(m(2), m(2, 7))),
            _doc(702, 70, "Trust nobody's"),
            _doc(710, 71, "Trust open", code_ids=(7,), coder_ids=(2,), coded=(m(2), m(2, 7))),
        ]
        await engine.replace_documents([70, 71], docs)
        own = OwnCodings(document_ids=(70,), coder_id=1)

        async def ids(**kw) -> set[int]:
            return await idset(engine, "trust", filters=Filters(own_codings=own, **kw))

        assert await ids(code_ids=(7,)) == {700, 710}
        assert await ids(coder_ids=(2,)) == {710}
        assert await ids(coder_ids=(1, 2)) == {700, 710}
        assert await ids(annotated=True) == {700, 710}
        assert await ids(annotated=False) == {701, 702}
        assert await ids() == {700, 701, 702, 710}
        result = await engine.search(
            SearchRequest(prepare("trust"), Filters(own_codings=own, code_ids=(7,)))
        )
        assert result.total == 2
        assert {f.value: f.count for f in result.facets["document_id"]} == {"70": 1, "71": 1}

    async def test_project_filter_isolates_projects(self, engine):
        docs = [
            _doc(600, 60, "Shared word governance", project_id=1),
            _doc(601, 61, "Shared word governance", project_id=2),
        ]
        await engine.replace_documents([60, 61], docs)
        assert await idset(engine, "governance", filters=Filters(project_ids=(2,))) == {601}

    async def test_similar_ranks_shared_distinctive_words_first(self, loaded):
        like = "How do partners build trust between them? Honest conversations about money."
        hits = await loaded.similar(SimilarRequest(like, limit=5))
        found = [h.passage_id for h in hits]
        assert found[0] == 5  # trust, partners, honest, conversations, money
        assert 2 in found  # trust, partners
        assert not {3, 4, 8} & set(found)  # nothing in common
        assert all(h.score > 0 for h in hits)
        assert any("<mark>" in fragment for fragment in hits[0].highlights)

    async def test_similar_honours_filters_and_exclusions(self, loaded):
        like = "Partners build trust through honest conversations."
        only_docs = Filters(source_types=("document",))
        assert {h.passage_id for h in await loaded.similar(SimilarRequest(like, only_docs))} == {2}
        hits = await loaded.similar(SimilarRequest(like, exclude_ids=(5,)))
        assert [h.passage_id for h in hits] == [2]
        assert len(await loaded.similar(SimilarRequest(like, limit=1))) == 1

    async def test_similar_to_nothing_distinctive_is_empty(self, loaded):
        assert await loaded.similar(SimilarRequest("the and of it 2024")) == ()
        assert await loaded.similar(SimilarRequest("zzyzx quuxly")) == ()
