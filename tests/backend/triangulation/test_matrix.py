"""The matrix's status rules and its shape, without a database (the counting is
SQL: tests/backend/test_analysis_flow.py)."""

from backend.triangulation.matrix import NONE_KEY, Counts, assemble, status


def test_status_rules():
    assert status(0, False) == "no_evidence"
    assert status(1, False) == "single_source"  # however many sources of that one type
    assert status(2, False) == "corroborated"  # refining evidence counts as supporting
    assert status(2, True) == "contested"
    assert status(0, True) == "refuted"


def test_columns_keep_unknown_last_and_empty_rows_get_empty_cells():
    counts = Counts(
        sources={(1, "NHS B", None): 1, (1, NONE_KEY, None): 1, (1, None, None): 2},
        excerpts={(1, "NHS B", None): 1, (1, NONE_KEY, None): 3, (1, None, None): 4},
        supporting_types={1: 2},
        columns={"NHS B", NONE_KEY, "NHS A"},
    )
    m = assemble([(1, "A"), (2, "B")], counts, "organisation")
    assert [c["key"] for c in m["columns"]] == ["NHS A", "NHS B", NONE_KEY]
    first, second = m["rows"]
    assert first["status"] == "corroborated" and first["total"]["excerpts"] == 4
    assert first["cells"][NONE_KEY]["excerpts"] == 3
    assert first["cells"]["NHS A"] == {"sources": 0, "excerpts": 0} | {
        s: {"sources": 0, "excerpts": 0} for s in ("supports", "refutes", "refines")
    }
    assert second["status"] == "no_evidence" and second["total"]["sources"] == 0


def test_source_type_columns_are_always_the_three_types_in_order():
    m = assemble([], Counts(columns={"interview"}), "source_type")
    assert [c["key"] for c in m["columns"]] == ["document", "interview", "observation"]
