"""Theory files in (pure): the study's initial-theories.csv, Markdown outlines, and
the files that must be refused with a message a person can act on."""

import pytest

from backend.theories.exchange import MAX_THEORIES, TheoryFileError, parse, to_csv
from backend.theories.models import MAX_STATEMENT, TheoryForm, TheoryStatus
from tests.conftest import SHARED

INITIAL_THEORIES = SHARED / "initial-theories.csv"
FRAMEWORKS = ["Delivering", "Being", "Leading & Visioning", "Relating & Communicating"]


def test_the_studys_initial_theories_give_four_theories_under_their_headings():
    items = parse(INITIAL_THEORIES.name, INITIAL_THEORIES.read_bytes())
    assert len(items) == 4
    assert [t.framework for t in items] == FRAMEWORKS
    assert all(t.status == TheoryStatus.initial and t.form == TheoryForm.free for t in items)
    assert items[0].statement.startswith("Effective Integrated Care System leaders hold")
    assert items[0].statement.endswith("lead to service improvements.")
    # The quoted cells are taken whole: commas inside them do not split a theory.
    assert "encourage learning, curiosity, and calculated risk-taking" in items[0].statement
    assert items[3].statement.endswith("how and why decisions are made")
    assert all(t.statement == t.statement.strip() and t.statement for t in items)


def test_csv_with_byte_order_mark_aliases_status_and_form():
    data = (
        "\ufeffFramework, Statement ,status,form\r\n"
        "Delivering,  Leaders act.  ,refined,if_then\r\n"
        ",,,\r\n"
        "Being,Leaders listen.,,\r\n"
    ).encode()
    items = parse("THEORIES.CSV", data)
    assert [(t.framework, t.statement, t.status, t.form) for t in items] == [
        ("Delivering", "Leaders act.", TheoryStatus.refined, TheoryForm.if_then),
        ("Being", "Leaders listen.", TheoryStatus.initial, TheoryForm.free),
    ]


def test_csv_without_framework_column_leaves_framework_empty():
    items = parse("t.csv", b"theory\nOne theory.\nAnother, with a comma? No: two cells.\n")
    assert [t.statement for t in items] == ["One theory.", "Another"]
    assert all(t.framework == "" for t in items)


def test_markdown_headings_list_items_and_paragraphs():
    text = """# Delivering

- Leaders hold others to account.
* Leaders use intelligence
  to target communities.
1. Leaders encourage learning.

## Leading & Visioning ##

Leaders have a clear vision
that promotes mutual accountability.

Another paragraph is another theory.
### Relating & Communicating
+ Leaders build relationships.
"""
    items = parse("theories.md", text.encode())
    assert [(t.framework, t.statement) for t in items] == [
        ("Delivering", "Leaders hold others to account."),
        ("Delivering", "Leaders use intelligence to target communities."),
        ("Delivering", "Leaders encourage learning."),
        ("Leading & Visioning", "Leaders have a clear vision that promotes mutual accountability."),
        ("Leading & Visioning", "Another paragraph is another theory."),
        ("Relating & Communicating", "Leaders build relationships."),
    ]
    assert all(t.status == TheoryStatus.initial for t in items)


def test_markdown_text_before_any_heading_has_no_framework():
    items = parse("notes.markdown", b"A theory without a heading.\n# Being\nOne under it.")
    assert [(t.framework, t.statement) for t in items] == [
        ("", "A theory without a heading."),
        ("Being", "One under it."),
    ]
    assert [t.statement for t in parse("notes.txt", b"Plain text theory.")] == [
        "Plain text theory."
    ]


@pytest.mark.parametrize(
    ("filename", "data", "fragment"),
    [
        ("t.csv", "framework_heading,theory_statement\nÉtre,x\n".encode("latin-1"), "not UTF-8"),
        ("t.csv", b"framework_heading,theory_statement\nBeing,a\x00b\n", "NUL"),
        ("t.md", b"# Being\n\x00\n", "NUL"),
        ("t.csv", b"framework_heading,notes\nBeing,Leaders listen.\n", "'theory_statement'"),
        ("t.csv", b"", "'theory_statement'"),
        ("t.csv", b"framework_heading,theory_statement\n", "no theories"),
        ("t.csv", b"framework_heading,theory_statement\n\n,\n", "no theories"),
        ("t.md", b"", "no theories"),
        ("t.md", b"# Only a heading\n\n## And another\n", "no theories"),
        ("theories.docx", b"framework_heading,theory_statement\nBeing,x\n", ".csv"),
        ("theories", b"framework_heading,theory_statement\nBeing,x\n", ".csv"),
        ("theories.csv.exe", b"framework_heading,theory_statement\nBeing,x\n", ".csv"),
    ],
)
def test_bad_files_are_refused_with_a_message(filename, data, fragment):
    with pytest.raises(TheoryFileError) as caught:
        parse(filename, data)
    assert fragment in str(caught.value)


def test_a_bad_status_names_the_line_and_the_field():
    data = (
        b"framework_heading,theory_statement,status\n"
        b"Being,Leaders listen.,initial\n"
        b"Delivering,Leaders act.,proven\n"
    )
    with pytest.raises(TheoryFileError) as caught:
        parse("t.csv", data)
    message = str(caught.value)
    assert message.startswith("line 3: status:")
    assert "initial" in message and "refuted" in message  # says what is allowed


def test_line_numbers_count_blank_lines_and_cells_that_span_lines():
    data = (
        b"framework_heading,theory_statement,status\n"
        b'Being,"Leaders listen,\nand then act.",initial\n'
        b"\n"
        b"Delivering,Leaders act.,unknown\n"
    )
    with pytest.raises(TheoryFileError) as caught:
        parse("t.csv", data)
    assert str(caught.value).startswith("line 5: status:")
    good = parse("t.csv", data.replace(b"unknown", b"supported"))
    assert good[0].statement == "Leaders listen,\nand then act."
    assert good[1].status == TheoryStatus.supported


def test_a_row_without_a_statement_names_its_line():
    data = b"framework_heading,theory_statement\nBeing,Leaders listen.\n\nDelivering,\n"
    with pytest.raises(TheoryFileError) as caught:
        parse("t.csv", data)
    assert str(caught.value).startswith("line 4: statement:")


def test_an_overlong_statement_or_heading_is_refused_with_its_line():
    long = "x" * (MAX_STATEMENT + 1)
    with pytest.raises(TheoryFileError) as caught:
        parse("t.csv", f"theory_statement\nfine\n{long}\n".encode())
    assert str(caught.value).startswith("line 3: statement:")
    with pytest.raises(TheoryFileError) as caught:
        parse("t.md", f"# {'h' * 301}\n\n- a theory\n".encode())
    assert "framework" in str(caught.value) and "line 3" in str(caught.value)


def test_a_markdown_error_names_the_line_the_theory_starts_on():
    text = "# Being\n\nfine\n\n" + "y" * (MAX_STATEMENT + 1) + "\n\n# Next\n"
    with pytest.raises(TheoryFileError) as caught:
        parse("t.md", text.encode())
    assert str(caught.value).startswith("line 5: statement:")


def test_too_many_theories_are_refused():
    rows = "".join(f"Being,Theory {i}\n" for i in range(MAX_THEORIES + 1))
    with pytest.raises(TheoryFileError) as caught:
        parse("t.csv", ("framework_heading,theory_statement\n" + rows).encode())
    assert str(MAX_THEORIES) in str(caught.value)
    assert len(parse("t.csv", ("framework,statement\n" + rows[: rows.rfind("Being")]).encode()))


def test_to_csv_reads_back_the_same_theories():
    items = parse(INITIAL_THEORIES.name, INITIAL_THEORIES.read_bytes())
    written = to_csv([t.model_dump() for t in items])
    assert written.splitlines()[0] == "framework_heading,theory_statement,status,form"
    again = parse("again.csv", written.encode())
    assert [t.model_dump() for t in again] == [t.model_dump() for t in items]
