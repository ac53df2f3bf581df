"""Import step: the file's coders become project-level attributions, never accounts.

Each GUID the file uses for a person (`<User>` entries, and any creatingUser of a selection,
coding or note) becomes one `Coder` with the file's GUID and display name; a GUID used but not
listed gets a placeholder name, and work naming nobody one "not named in the file" attribution.
References are matched by GUID only. No account is looked up, created or changed, so an import
cannot tell whether an account exists or make anyone appear as an author: linking a coder to an
account is a later, explicit decision of a project admin (backend/coders).

Users with the same display name under different GUIDs stay separate attributions (they may
be different people); the report lists them under "same_name" so an admin can link both to one
account if they are one person.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from backend.coders.models import Coder
from backend.core.ids import stored
from backend.refi.context import UNNAMED, ImportState


def _referenced(st: ImportState) -> list[str]:
    """Every user GUID the file's selections, codings and notes name, in file order."""
    found: dict[str, None] = {}
    for source in st.file.sources:
        for sel in source.selections:
            for guid in (sel.user, *sel.coders):
                found[guid or UNNAMED] = None
    for note in st.file.notes.values():
        if note.user:
            found[note.user] = None
    return list(found)


async def import_coders(st: ImportState) -> None:
    listed = {guid: (name, ident) for guid, name, ident in st.file.users if guid}
    for guid in [*listed, *(g for g in _referenced(st) if g not in listed)]:
        if guid in st.users:
            continue
        name, ident = listed.get(guid, (None, None))
        if guid == UNNAMED:
            label, file_guid = "Not named in the file", _unnamed_guid(st)
            st.counts["coders_unnamed"] += 1
        else:
            label = (name or ident or "").strip() or f"Coder {guid[:8]} (not listed in the file)"
            file_guid = guid
            st.counts["coders_not_listed"] += guid not in listed
        coder = Coder(
            project_id=st.project_id,
            guid=file_guid[:64],
            name=" ".join(label.split())[:200],
            identifier=(ident or "").strip()[:300] or None,
        )
        st.session.add(coder)
        await st.session.flush()
        st.users[guid] = stored(coder.id)
        st.coders[stored(coder.id)] = coder


def _unnamed_guid(st: ImportState) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"evidence-workbench:import/{st.record.id}/unnamed"))


def summary(st: ImportState, used: dict[int, int]) -> dict:
    """The "coders" part of the import report. `used`: coder id -> annotations attributed."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for coder in st.coders.values():
        by_name[coder.name.casefold()].append(coder.guid)
    return {
        "attributions": [
            {"id": i, "guid": c.guid, "name": c.name, "annotations": used.get(i, 0)}
            for i, c in st.coders.items()
        ],
        "matched_by": "guid",
        "same_name": [
            {"name": c.name, "guids": by_name[c.name.casefold()]}
            for c in st.coders.values()
            if len(by_name[c.name.casefold()]) > 1 and by_name[c.name.casefold()][0] == c.guid
        ],
        "not_listed": st.counts["coders_not_listed"],
        "unnamed": st.counts["coders_unnamed"],
        "accounts_created": 0,
    }
