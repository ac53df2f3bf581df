"""Plain text, Markdown and HTML adapters, alone and through parse_file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import UnsupportedFormat
from ingest.formats.base import FileProbe
from ingest.formats.markup import HtmlAdapter, MarkdownAdapter, TextAdapter, looks_textual
from ingest.pipeline import ParsedDocument, ParseOptions, parse_file


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def parse(path: Path) -> ParsedDocument:
    return parse_file(path, path.name, ParseOptions())


# --- looks_textual and scores --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"plain ascii", True),
        ("Café 🎉".encode(), True),
        (("x" * 10 + "🎉").encode()[:-1], True),  # a character cut at the end of the sample
        (b"", False),
        (b"text\x00with a NUL", False),
        (b"caf\xe9 in Latin-1, more text after it", False),
    ],
)
def test_looks_textual(head: bytes, expected: bool) -> None:
    assert looks_textual(head) is expected


@pytest.mark.parametrize(
    ("adapter", "extension", "head", "score"),
    [
        (HtmlAdapter(), "", b"  <!DOCTYPE html><html>", 70),
        (HtmlAdapter(), "txt", b"<html><body>", 70),
        (HtmlAdapter(), "htm", b"<p>fragment</p>", 60),
        (HtmlAdapter(), "md", b"# Heading", 0),
        (MarkdownAdapter(), "md", b"# Heading", 60),
        (MarkdownAdapter(), "markdown", b"# Heading", 60),
        (MarkdownAdapter(), "txt", b"# Heading", 0),
        (TextAdapter(), "txt", b"Some words", 60),
        (TextAdapter(), "vtt", b"WEBVTT", 10),  # readable text with another name: last resort
        (TextAdapter(), "", b"Interviewer: hello", 10),
        (TextAdapter(), "txt", b"\x00\x01\x02", 0),
    ],
)
def test_scores(adapter, extension: str, head: bytes, score: int, tmp_path: Path) -> None:
    assert adapter.score(FileProbe(tmp_path / "f", extension, head)) == score


# --- HTML ----------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><title>Board papers</title></head>
<body>
<h1>Annual review</h1>
<p>The board met in March and agreed the plan.</p>
<h2>Finance</h2>
<p>Spending was within budget for the year.</p>
<h3>Capital</h3>
<p>Two wards were refurbished with capital funds.</p>
<h2>Staffing</h2>
<ul><li>Vacancies fell by ten per cent.</li><li>Sickness absence was stable.</li></ul>
</body></html>
"""


def test_html_headings_become_heading_paths(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "review.html", HTML))
    assert doc.format == "html"
    assert [p.heading_path for p in doc.passages] == [
        ["Annual review"],
        ["Annual review", "Finance"],
        ["Annual review", "Finance", "Capital"],
        ["Annual review", "Staffing"],
    ]
    assert doc.passages[2].text == "Capital\n\nTwo wards were refurbished with capital funds."
    assert "Sickness absence was stable." in doc.passages[3].text
    assert doc.title == "Annual review"
    assert "<" not in doc.text and "Board papers" not in doc.text  # <head> is not content
    assert (doc.page_count, doc.page_offsets) == (None, [])
    assert all(p.page_start is None for p in doc.passages)


# --- Markdown ------------------------------------------------------------------------------------

MARKDOWN = """# Programme theory

The intervention works when **staff trust** the data.

## Context

Wards with stable teams adopted it faster.

- first bullet item here
- second bullet item here
"""


def test_markdown(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "theory.md", MARKDOWN))
    assert doc.format == "md" and doc.title == "Programme theory"
    assert [p.heading_path for p in doc.passages] == [
        ["Programme theory"],
        ["Programme theory", "Context"],
    ]
    assert "The intervention works when staff trust the data." in doc.text  # no ** markup
    assert "first bullet item here\n\nsecond bullet item here" in doc.passages[1].text


# --- plain text ----------------------------------------------------------------------------------


def test_utf8_text_with_accents_and_emoji(tmp_path: Path) -> None:
    content = "Café résumé naïve — “quotes” 🎉 über\n\nSecond paragraph with £5 and 10 mg.\n"
    doc = parse(write(tmp_path, "notes.txt", content))
    assert doc.format == "txt"
    assert doc.text == "Café résumé naïve — “quotes” 🎉 über\n\nSecond paragraph with £5 and 10 mg."
    passage = doc.passages[-1]
    assert doc.text[passage.start : passage.end] == passage.text  # code points, not bytes


def test_utf8_with_bom_loses_the_bom(tmp_path: Path) -> None:
    doc = parse(
        write(tmp_path, "notes.txt", "Café plan\n\nA second paragraph.\n".encode("utf-8-sig"))
    )
    assert doc.text.startswith("Café plan")


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("latin1.txt", "latin-1"),
        ("windows.txt", "cp1252"),
        ("latin1.md", "latin-1"),
        ("unicode.txt", "utf-16"),
    ],
)
def test_non_utf8_text_is_a_clear_error(tmp_path: Path, name: str, encoding: str) -> None:
    content = "Café résumé naïve, £5 per patient.\n\nSecond paragraph über alles.\n"
    path = write(tmp_path, name, content.encode(encoding))
    with pytest.raises(UnsupportedFormat) as info:
        parse(path)
    assert "not UTF-8 encoded" in info.value.message and "save it as UTF-8" in info.value.message


def texts(path: Path) -> list[str]:
    return [element.text for element in TextAdapter().extract(path).elements]


def test_hard_wrapped_paragraphs_are_joined(tmp_path: Path) -> None:
    content = (
        "The first paragraph was wrapped by an old editor\n"
        "at a fixed width so it runs over two lines.\n"
        "\n"
        "The second paragraph is also wrapped across\n"
        "two lines of the text file.\n"
    )
    assert texts(write(tmp_path, "wrapped.txt", content)) == [
        "The first paragraph was wrapped by an old editor at a fixed width so it runs over "
        "two lines.",
        "The second paragraph is also wrapped across two lines of the text file.",
    ]


def test_speaker_turns_on_consecutive_lines_stay_apart(tmp_path: Path) -> None:
    content = (
        "Ward visit notes with a long header line\n"
        "\n"
        "Interviewer: Shall we start with your role on the ward?\n"
        "P3: Yes, I have been the ward manager here for six years\n"
        "and a staff nurse before that.\n"
        "Interviewer: Thank you, that is helpful.\n"
    )
    assert texts(write(tmp_path, "visit.txt", content)) == [
        "Ward visit notes with a long header line",
        "Interviewer: Shall we start with your role on the ward?",
        "P3: Yes, I have been the ward manager here for six years and a staff nurse before that.",
        "Interviewer: Thank you, that is helpful.",
    ]


def test_file_without_blank_lines_keeps_one_element_per_line(tmp_path: Path) -> None:
    lines = [f"Line {i} is a complete sentence of its own here." for i in range(12)]
    assert texts(write(tmp_path, "lines.txt", "\n".join(lines) + "\n")) == lines


def test_html_elements_that_touch_keep_their_words_apart(tmp_path: Path) -> None:
    """Block elements written with no white space between them (cells, list items,
    definition lists, nested blocks, a line break) are separate words in the stored text,
    as a browser shows them (issue 13 item 11: no "economiccare" in a snippet)."""
    html = (
        "<!doctype html><html><body>"
        "<table><tr><td>cell economic</td><td>care cell</td></tr></table>"
        "<ul><li>list economic</li><li>care list</li></ul>"
        "<dl><dt>term economic</dt><dd>care term</dd></dl>"
        "<div><span>block economic</span><div>care block</div></div>"
        "<p>br economic<br>care br</p>"
        "</body></html>"
    )
    doc = parse(write(tmp_path, "touching.html", html))
    assert "economiccare" not in doc.text
    for kind in ("cell", "list", "term", "block", "br"):
        assert f"{kind} economic care {kind}" in " ".join(doc.text.split()), kind
