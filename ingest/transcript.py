"""Interview transcripts: which files are transcripts, and their speaker turns.

Text files (plain text, Markdown, WebVTT, SubRip) are read straight from their
lines, so line numbers are those a reader sees in the file and no general
sentence tokenizer runs (a transcript is turns, not prose). A DOCX transcript's
paragraphs stand for lines (numbered as paragraphs); a PDF's have no line numbers.
"""

from __future__ import annotations

from pathlib import Path

from unstructured.documents.elements import Element

from ingest import captions, transcript_text
from ingest.clean import Block
from ingest.errors import IngestError
from ingest.transcript_labels import accept, candidate
from ingest.transcript_text import Line

TEXT_FORMATS = ("txt", "md")


def opens_turn(line: str) -> bool:
    """True for a line shaped like the start of a speaker turn (`P3: ...`)."""
    label = candidate(line)
    return label is not None and label.name in accept([label, label])


def read_lines(path: Path) -> list[Line]:
    try:
        return transcript_text.text_lines(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise IngestError("This text file is not UTF-8 encoded; save it as UTF-8.") from exc


def text_blocks(lines: list[Line], forced: bool) -> list[Block] | None:
    """Turn blocks for a text file that is a transcript (or is said to be one), else None."""
    head = "\n".join(line.text for line in lines[:5])
    if captions.looks_like_captions(head):
        return captions.turn_blocks(lines)
    if forced or transcript_text.is_transcript(lines):
        return transcript_text.turn_blocks(lines)
    return None


def element_lines(elements: list[Element], numbered: bool) -> list[Line]:
    """Each element (a DOCX paragraph) as a line followed by a blank one, so each stays
    a paragraph; numbered 1, 2, 3... as a reader counts paragraphs when `numbered`."""
    lines: list[Line] = []
    for index, element in enumerate(e for e in elements if (e.text or "").strip()):
        number = index + 1 if numbered else None
        for text in (element.text or "").splitlines():
            lines.append(Line(number, text, element.metadata.page_number))
        lines.append(Line(number, ""))
    return lines


def looks_like_transcript(elements: list[Element]) -> bool:
    return transcript_text.is_transcript(element_lines(elements, numbered=False))


def turn_blocks(elements: list[Element], numbered: bool = False) -> list[Block]:
    return transcript_text.turn_blocks(element_lines(elements, numbered))
