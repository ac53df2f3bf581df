"""Import step: a version's PlainTextSelections become annotations, each with a placement record.

Every selection is placed with the file's reading (offsets.py). A placed selection becomes an
annotation at the converted code point offsets; a doubtful one becomes no annotation at all but
an ImportedSelection with status "review" holding both candidates and what the annotation would
carry (codes, memo, times), for a person to accept or discard (review.py).
"""

from __future__ import annotations

import bisect
import datetime as dt

from backend.annotations.anchoring import AnchorError, make_anchor
from backend.annotations.models import Annotation, AnnotationCode, AnnotationRevision
from backend.annotations.models import RevisionAction as Action
from backend.core.ids import stored
from backend.documents.models import Document, DocumentVersion, Passage
from backend.refi import offsets
from backend.refi.context import ImportState, times
from backend.refi.models import ImportedSelection, PlacementStatus
from backend.refi.reader import Selection

OUTSIDE = "selections outside their text, empty or blank"


async def import_selections(
    st: ImportState,
    document: Document,
    version: DocumentVersion,
    selections: list[Selection],
    found: list[Passage],
    orphaned: bool,
) -> None:
    starts = [p.start for p in found]
    made: list[tuple[Selection, Annotation, list[int], offsets.Placement]] = []
    for sel in selections:
        placement = offsets.place(
            version.text, sel.start, sel.end, st.decision.reading, st.decision.certain
        )
        st.counts["selections_checked"] += 1
        if placement.status == "review":
            st.session.add(_record(st, version, sel, placement, None))
            st.reviewing.add(sel.guid)
            st.counts["selections_needing_review"] += 1
            continue
        if placement.start is None or placement.end is None:  # "outside": no reading fits
            st.skipped[OUTSIDE] += 1
            continue
        try:
            anchor = make_anchor(version.text, placement.start, placement.end)
        except AnchorError:
            st.skipped[OUTSIDE] += 1
            continue
        if (anchor.start, anchor.end) != (sel.start, sel.end):
            st.counts["selections_converted"] += 1
        created, modified = times(sel)
        memo = _memo(st, sel)
        for n, (coder_guid, code_ids) in enumerate(_by_coder(st, sel)):
            annotation = Annotation(
                project_id=st.project_id,
                document_id=stored(document.id),
                version_id=stored(version.id),
                passage_id=_passage_at(found, starts, anchor.start),
                **vars(anchor),
                memo=memo if n == 0 else None,
                author_id=st.user_id,
                coder_id=st.coder(coder_guid),
                orphaned=orphaned,
                created_at=created,
                updated_at=modified,
            )
            made.append((sel, annotation, code_ids, placement))
    st.session.add_all([a for _, a, _, _ in made])
    await st.session.flush()
    for sel, annotation, code_ids, placement in made:
        annotation_id = stored(annotation.id)
        st.selections.setdefault(sel.guid, annotation_id)
        st.annotations_by_coder[annotation.coder_id] += 1
        st.session.add_all(AnnotationCode(annotation_id=annotation_id, code_id=c) for c in code_ids)
        st.session.add(revision(annotation, code_ids, st.user_id))
        st.session.add(_record(st, version, sel, placement, annotation_id))
    st.counts["annotations"] += len(made)


def _by_coder(st: ImportState, sel: Selection) -> list[tuple[str | None, list[int]]]:
    """One (coder GUID, code ids) per coder of the selection: a Coding's creatingUser is its
    coder (NVivo's Coding user may differ from the Selection's; qc writes the coder only
    there), else the selection's. The selection's own coder comes first (it keeps the memo);
    a selection without codes is one highlight by the selection's coder."""
    groups: dict[str | None, list[int]] = {}
    owners = sel.coders + [None] * (len(sel.codes) - len(sel.coders))
    for code_guid, coder in zip(sel.codes, owners, strict=True):
        groups.setdefault(coder or sel.user, [])
        if code_guid not in st.codes:
            st.skipped["codings with a code missing from the codebook"] += 1
        elif st.codes[code_guid] not in groups[coder or sel.user]:
            groups[coder or sel.user].append(st.codes[code_guid])
    if not groups:
        return [(sel.user, [])]
    first = sel.user if sel.user in groups else next(iter(groups))
    ordered = [first, *(g for g in groups if g != first)]
    return [(g, sorted(groups[g])) for g in ordered]


def _record(
    st: ImportState,
    version: DocumentVersion,
    sel: Selection,
    placement: offsets.Placement,
    annotation_id: int | None,
) -> ImportedSelection:
    payload: dict[str, object] = {}
    if annotation_id is None:  # what accepting it will need, since no annotation holds it
        created, modified = times(sel)
        payload = {
            "code_ids": _code_ids(st, sel),
            "memo": _memo(st, sel),
            "coder_id": st.coder(sel.coders[0] if sel.coders and sel.coders[0] else sel.user),
            "created": created.isoformat(),
            "modified": modified.isoformat(),
        }
    return ImportedSelection(
        import_id=stored(st.record.id),
        project_id=st.project_id,
        version_id=stored(version.id),
        annotation_id=annotation_id,
        selection_guid=sel.guid or "",
        file_start=sel.start,
        file_end=sel.end,
        reading=placement.reading,
        status=PlacementStatus.placed if annotation_id else PlacementStatus.review,
        reason=placement.reason,
        candidates=[
            {"reading": c.reading, "start": c.start, "end": c.end, "plausible": c.plausible}
            for c in placement.candidates
        ],
        payload=payload,
    )


def _passage_at(found: list[Passage], starts: list[int], offset: int) -> int | None:
    i = bisect.bisect_right(starts, offset) - 1
    return found[i].id if i >= 0 and found[i].end > offset else None


def _memo(st: ImportState, sel: Selection) -> str | None:
    """The referenced notes' text (ours: one note, the memo); else another tool's comment."""
    texts = st.note_texts(sel.notes)
    if texts:
        return "\n\n".join(texts)
    return sel.description or None


def _code_ids(st: ImportState, sel: Selection) -> list[int]:
    ids = []
    for code_guid in sel.codes:
        if code_guid not in st.codes:
            st.skipped["codings with a code missing from the codebook"] += 1
        elif st.codes[code_guid] not in ids:
            ids.append(st.codes[code_guid])
    return sorted(ids)


def revision(a: Annotation, code_ids: list[int], user_id: int) -> AnnotationRevision:
    """History starts at the import (or at accepting a reviewed selection), by that user."""
    state = {
        "start": a.start,
        "end": a.end,
        "exact": a.exact,
        "memo": a.memo,
        "code_ids": code_ids,
        "version_id": a.version_id,
        "orphaned": a.orphaned,
        "deleted": False,
    }
    return AnnotationRevision(
        annotation_id=stored(a.id), version=1, action=Action.create, user_id=user_id, state=state
    )


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)
