"""Import step: our theory and CMOC notes (notes.py) become programme theories and CMOCs, and
the links between them and the selections become theory links and evidence links.

Runs after import_sources, so every selection already has its annotation. A link we do not
recognise (another tool's links between codes, sources or memos) is counted as skipped.
"""

from __future__ import annotations

from pydantic import ValidationError

from backend.cmocs.models import (
    Cmoc,
    CmocEvidence,
    CmocFields,
    CmocRevision,
    CmocTheory,
    Part,
    Stance,
)
from backend.core.ids import stored
from backend.refi import notes
from backend.refi.common import THEORY_LINK
from backend.refi.context import ImportState, times
from backend.refi.reader import Link, Text
from backend.theories.models import ProgrammeTheory, TheoryCreate, TheoryRevision

MAX_EVIDENCE_NOTE = 2_000  # CmocEvidence.note


async def import_analysis(st: ImportState) -> None:
    theories: dict[str, int] = {}
    cmocs: dict[str, Cmoc] = {}
    for note_guid, note in st.file.notes.items():
        if note_guid in st.used_notes:
            continue
        parsed = notes.parse(st.note_text(note))
        if parsed is None:
            continue
        st.used_notes.add(note_guid)
        kind, fields = parsed
        if kind == "theory":
            theory_id = await _theory(st, note, fields)
            if theory_id is not None:
                theories[note_guid] = theory_id
        else:
            cmoc = await _cmoc(st, note, fields)
            if cmoc is not None:
                cmocs[note_guid] = cmoc
    links = _Links(st, theories, cmocs)
    for link in st.file.links:
        links.add(link)
    await st.session.flush()
    for cmoc in cmocs.values():
        st.session.add(_cmoc_revision(st, cmoc, links))
    unused = len(st.file.notes) - len(st.used_notes)
    if unused:
        st.skipped["notes not attached to a selection (memos of other tools)"] += unused


async def _theory(st: ImportState, note: Text, fields: dict[str, str]) -> int | None:
    try:
        data = TheoryCreate.model_validate(fields)  # text to the fields' types
    except ValidationError:
        st.skipped["programme theories with invalid fields"] += 1
        return None
    created, modified = times(note)
    theory = ProgrammeTheory(
        project_id=st.project_id,
        created_by=st.user_id,
        coder_id=st.coder(note.user) if note.user else None,
        created_at=created,
        updated_at=modified,
        **data.model_dump(),
    )
    st.session.add(theory)
    await st.session.flush()
    theory_id = stored(theory.id)
    state = data.model_dump(mode="json") | {"deleted": False}
    st.session.add(
        TheoryRevision(
            theory_id=theory_id, version=1, action="import", user_id=st.user_id, state=state
        )
    )
    st.counts["theories"] += 1
    return theory_id


async def _cmoc(st: ImportState, note: Text, fields: dict[str, str]) -> Cmoc | None:
    try:
        data = CmocFields.model_validate(fields)
    except ValidationError:
        st.skipped["CMOCs with invalid fields"] += 1
        return None
    created, modified = times(note)
    cmoc = Cmoc(
        project_id=st.project_id,
        author_id=st.user_id,
        coder_id=st.coder(note.user) if note.user else None,
        created_at=created,
        updated_at=modified,
        **data.model_dump(),
    )
    st.session.add(cmoc)
    await st.session.flush()
    st.counts["cmocs"] += 1
    return cmoc


class _Links:
    """Adds each recognised link once; remembers them for the CMOCs' first revision."""

    def __init__(self, st: ImportState, theories: dict[str, int], cmocs: dict[str, Cmoc]) -> None:
        self.st, self.theories, self.cmocs = st, theories, cmocs
        self.theory_links: dict[int, list[int]] = {}
        self.evidence: dict[int, list[CmocEvidence]] = {}

    def add(self, link: Link) -> None:
        if link.origin in self.cmocs and link.target in self.st.selections:
            cmoc_id = stored(self.cmocs[link.origin].id)
            self._evidence(link, cmoc_id, self.st.selections[link.target])
        elif (
            link.origin in self.theories
            and link.target in self.cmocs
            and (link.name == THEORY_LINK or not link.name)
        ):
            self._theory(self.theories[link.origin], stored(self.cmocs[link.target].id))
        elif link.target in self.st.reviewing:
            self.st.skipped["links to selections awaiting review"] += 1
        else:
            self.st.skipped["links between other objects (not imported)"] += 1

    def _theory(self, theory_id: int, cmoc_id: int) -> None:
        linked = self.theory_links.setdefault(cmoc_id, [])
        if theory_id in linked:
            self.st.skipped["duplicate theory links"] += 1
            return
        linked.append(theory_id)
        self.st.session.add(CmocTheory(cmoc_id=cmoc_id, theory_id=theory_id))
        self.st.counts["theory_links"] += 1

    def _evidence(self, link: Link, cmoc_id: int, annotation_id: int) -> None:
        part, _, stance = link.name.partition(":")
        if part not in Part.__members__ or stance not in Stance.__members__:
            self.st.skipped["evidence links with an unknown part or stance"] += 1
            return
        found = self.evidence.setdefault(cmoc_id, [])
        if any(e.annotation_id == annotation_id and e.part == part for e in found):
            self.st.skipped["duplicate evidence links"] += 1
            return
        note = "\n\n".join(self.st.note_texts(link.notes))
        if len(note) > MAX_EVIDENCE_NOTE:
            self.st.skipped["evidence notes cut to 2,000 characters"] += 1
        evidence = CmocEvidence(
            cmoc_id=cmoc_id,
            annotation_id=annotation_id,
            part=Part(part),
            stance=Stance(stance),
            note=note[:MAX_EVIDENCE_NOTE],
            created_by=self.st.user_id,
        )
        found.append(evidence)
        self.st.session.add(evidence)
        self.st.counts["evidence_links"] += 1


def _cmoc_revision(st: ImportState, cmoc: Cmoc, links: _Links) -> CmocRevision:
    """The CMOC as imported, with its links, as cmocs.service records every change."""
    cmoc_id = stored(cmoc.id)
    state = {f: str(getattr(cmoc, f)) for f in notes.CMOC_FIELDS} | {
        "theory_ids": sorted(links.theory_links.get(cmoc_id, [])),
        "evidence": [
            {"annotation_id": e.annotation_id, "part": e.part, "stance": e.stance, "note": e.note}
            for e in links.evidence.get(cmoc_id, [])
        ],
        "deleted": False,
    }
    return CmocRevision(
        cmoc_id=cmoc_id, version=1, action="import", user_id=st.user_id, state=state
    )
