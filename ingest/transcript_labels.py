"""Speaker labels and time stamps as transcription tools and people write them.

A line may open a turn in any of these forms (case is never required):
`Interviewer: ...`, `interviewee: ...`, `I:`/`R:`/`P1:`/`Q:`/`A:`, names and
lower-case handles (`stark: ...`), `**Name:** ...` and `**Name**: ...`
(Markdown), `**Name**  m:ss` and `Name  m:ss` on a line of their own (Otter),
`Name [m:ss]: ...`, `[00:12:34] Name: ...` and `00:12:34 Name: ...`. Whether a
candidate really is a speaker is decided over the whole file (`accept`): a
label must recur, or be a role word, so a line such as `Aim: to learn` is not
taken for a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIME = re.compile(rf"^{TIME}$")
# A name: 1-6 words of letters (any script), digits and a few joiners, no sentence.
_NAME = r"[^\W_][\w.'’()|&-]*(?:[ \t][\w.'’()|&-]+){0,5}"
_FORMS = [
    # **Name:** text  /  **Name**: text
    re.compile(rf"^\*\*(?P<name>{_NAME})\s*:\s*\*\*\s*(?P<rest>.*)$"),
    re.compile(rf"^\*\*(?P<name>{_NAME})\*\*\s*:\s*(?P<rest>.*)$"),
    # Otter: Name  m:ss (or **Name**  m:ss, or **Name** alone) on its own line
    re.compile(
        rf"^(?:\*\*)?(?P<name>{_NAME}?)(?:\*\*)?(?:\s{{2,}}|\t|\*\*\s+)(?P<time>{TIME})\s*$"
    ),
    re.compile(rf"^\*\*(?P<name>{_NAME})\*\*\s*$"),
    # [00:12:34] Name: text  /  00:12:34 Name: text
    re.compile(rf"^[\[(]?(?P<time>{TIME})[\])]?\s+(?P<name>{_NAME}?)\s*:(?:\s+(?P<rest>.*))?$"),
    # Name [m:ss]: text
    re.compile(rf"^(?P<name>{_NAME}?)\s*\\?[\[(](?P<time>{TIME})\\?[\])]\s*:(?:\s+(?P<rest>.*))?$"),
    # Name: text
    re.compile(rf"^(?P<name>{_NAME}?)\s*:(?:\s+(?P<rest>.*))?$"),
]
_NOT_NAMES = {
    "note", "notes", "date", "time", "location", "subject", "re", "title", "duration",
    "source", "see", "link", "url", "tags", "media", "transcript", "summary", "agenda",
    "attendees", "present", "apologies", "action", "actions", "decision", "outcome",
    "aim", "aims", "purpose", "background", "question", "answer", "example", "warning",
    "podcast", "http", "https", "mailto", "ftp", "www", "break", "speakers", "author",
}  # fmt: skip
_NUMBERED = re.compile(r"\d[.,]\d")  # "DECISION 23.1", "Section 4.2": never a speaker
_SPEAKER_NUMBER = re.compile(r"^(?:[a-z]{1,3}|participant|speaker|respondent)\s?\d{1,3}$", re.I)

# Roles the label itself states, and the abbreviations qualitative research uses for them
# (I/R, Q/A, P1...): the latter are conventions, so the user is told they were assumed.
_STATED = {
    "interviewer": "interviewer",
    "int": "interviewer",
    "moderator": "interviewer",
    "facilitator": "interviewer",
    "researcher": "interviewer",
    "interviewee": "interviewee",
    "respondent": "interviewee",
    "participant": "interviewee",
    "informant": "interviewee",
}
_CONVENTION = {"i": "interviewer", "q": "interviewer", "r": "interviewee", "a": "interviewee"}
_PARTICIPANT = re.compile(r"^(?:p|participant|respondent|interviewee)\s?\d{1,3}$", re.I)


@dataclass(frozen=True)
class Label:
    name: str
    rest: str  # the words after the label on the same line
    time: str | None  # the time stamp as written, if the label has one


def candidate(line: str) -> Label | None:
    """The label a line opens with, if it has the shape of one (see `accept`)."""
    text = line.strip()
    if not text or text.startswith(("#", ">", "- ", "* ", "|", "http")):
        return None
    for form in _FORMS:
        match = form.match(text)
        if match is None:
            continue
        name = match.group("name").strip().strip("*").strip()
        groups = match.groupdict()
        if _plausible(name, bool(groups.get("time"))):
            return Label(name, (groups.get("rest") or "").strip(), groups.get("time"))
        return None
    return None


def _plausible(name: str, timed: bool) -> bool:
    words = name.split()
    if role_of(name)[0] is not None:
        return True
    if not words or len(name) > 50 or _NUMBERED.search(name) or _TIME.match(name):
        return False
    if name.casefold() in _NOT_NAMES or words[0].casefold() in ("the", "a", "an", "in", "to"):
        return timed or name.casefold() in _STATED
    return not name.replace(" ", "").isdigit() or timed


def accept(labels: list[Label], at_least: int = 2) -> set[str]:
    """Labels that recur (or name a role) are speakers; one-offs are prose. In captions,
    where a label is the rule, `at_least=1`."""
    counts = Counter(label.name for label in labels)
    return {name for name, n in counts.items() if n >= at_least or role_of(name)[0] is not None}


def role_of(name: str) -> tuple[str | None, str | None]:
    """(role, how it was known): "label" when the label says it, "convention" for the
    abbreviations (I, R, Q, A, P1) a reader would assume too; (None, None) otherwise."""
    key = name.casefold().rstrip(".")
    if key in _STATED:
        return _STATED[key], "label"
    first = key.split()[0] if key.split() else key
    if first in _STATED and _SPEAKER_NUMBER.match(key):
        return _STATED[first], "label"
    if key in _CONVENTION:
        return _CONVENTION[key], "convention"
    if _PARTICIPANT.match(key):
        return "interviewee", "convention"
    return None, None


def seconds(stamp: str | None) -> float | None:
    """`1:02`, `00:12:34`, `01:20:01.18`, `00:00:05,872` -> seconds."""
    if not stamp:
        return None
    parts = stamp.replace(",", ".").split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    total = 0.0
    for value in values:
        total = total * 60 + value
    return round(total, 3)


_INLINE_TIME = re.compile(rf"^\\?[\[(](?P<time>{TIME})\\?[\])]")


def leading_time(text: str) -> str | None:
    """A time anchor at the start of a paragraph (`[08:12]`, Markdown's `\\[08:12\\]`)."""
    match = _INLINE_TIME.match(text.strip())
    return match.group("time") if match else None
