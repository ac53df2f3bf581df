"""The matrix's arithmetic and status rules, without a database."""

from backend.triangulation.matrix import NONE_KEY, Evidence, build, status


def ev(row, ann, stance, doc, source, organisation=None, document_type=None):
    return Evidence(row, ann, doc, source, organisation, document_type, stance)


def test_status_rules():
    assert status([]) == "no_evidence"
    assert status([ev(1, 1, "supports", 1, "document")]) == "single_source"
    two_docs = [ev(1, 1, "supports", 1, "document"), ev(1, 2, "supports", 2, "document")]
    assert status(two_docs) == "single_source"  # two sources, one type
    mixed = [ev(1, 1, "supports", 1, "document"), ev(1, 2, "refines", 2, "interview")]
    assert status(mixed) == "corroborated"  # refining evidence still supports a version of it
    assert status([*mixed, ev(1, 3, "refutes", 3, "observation")]) == "contested"
    assert status([ev(1, 3, "refutes", 3, "observation")]) == "refuted"


def test_cells_count_distinct_sources_and_excerpts_per_stance():
    evidence = [
        ev(1, 10, "supports", 100, "interview"),
        ev(1, 10, "supports", 100, "interview"),  # the same excerpt via two CMOCs
        ev(1, 11, "supports", 100, "interview"),
        ev(1, 12, "refutes", 101, "interview"),
        ev(2, 13, "supports", 102, "document"),
    ]
    m = build([(1, "A"), (2, "B"), (3, "C")], evidence, "source_type")
    assert [c["key"] for c in m["columns"]] == ["document", "interview", "observation"]
    a = m["rows"][0]["cells"]["interview"]
    assert (a["sources"], a["excerpts"]) == (2, 3)
    assert a["supports"] == {"sources": 1, "excerpts": 2}
    assert a["refutes"] == {"sources": 1, "excerpts": 1}
    assert m["rows"][0]["status"] == "contested"
    assert m["rows"][1]["cells"]["document"]["supports"] == {"sources": 1, "excerpts": 1}
    assert m["rows"][2]["status"] == "no_evidence"
    assert m["rows"][2]["total"]["excerpts"] == 0


def test_organisation_columns_keep_unknown_last_and_status_uses_source_types():
    evidence = [
        ev(1, 1, "supports", 1, "document", organisation="NHS B"),
        ev(1, 2, "supports", 2, "interview", organisation=None),
        ev(1, 3, "supports", 3, "document", organisation="NHS A"),
    ]
    m = build([(1, "A")], evidence, "organisation")
    assert [c["key"] for c in m["columns"]] == ["NHS A", "NHS B", NONE_KEY]
    assert m["rows"][0]["status"] == "corroborated"
    assert m["rows"][0]["cells"][NONE_KEY]["excerpts"] == 1
