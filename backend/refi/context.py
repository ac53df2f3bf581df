"""The state one import carries from step to step: where it writes, and which GUID of the file
became which row."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.coders.models import Coder
from backend.core.config import Settings
from backend.core.time import utcnow
from backend.refi.common import parse_datetime
from backend.refi.models import RefiImport
from backend.refi.offsets import Decision
from backend.refi.reader import Package, ProjectFile, Selection, Text

UNNAMED = ""  # the key of the attribution for work the file attributes to nobody


@dataclass
class ImportState:
    session: AsyncSession
    project_id: int
    user_id: int  # who imports: the author of whatever the file does not attribute
    settings: Settings
    package: Package
    file: ProjectFile
    decision: Decision  # the unit the file's positions count in (offsets.py)
    record: RefiImport  # this import's row: placement records point at it
    users: dict[str, int] = field(default_factory=dict)  # file user GUID -> Coder id
    codes: dict[str, int] = field(default_factory=dict)
    selections: dict[str, int] = field(default_factory=dict)
    coders: dict[int, Coder] = field(default_factory=dict)  # made by this import, by id
    annotations_by_coder: Counter = field(default_factory=Counter)
    reviewing: set[str] = field(default_factory=set)  # selections held for review, by GUID
    used_notes: set[str] = field(default_factory=set)
    counts: Counter = field(default_factory=Counter)

    @property
    def skipped(self) -> Counter:
        return self.file.skipped

    def coder(self, user_guid: str | None) -> int | None:
        """The coder attribution of a file's user GUID (import_coders.py made one for every
        GUID the file mentions, and one for work it attributes to nobody)."""
        return self.users.get(user_guid or UNNAMED)

    def note_texts(self, guids: list[str]) -> list[str]:
        """Texts of the referenced notes (each then counts as used)."""
        texts = []
        for note_guid in guids:
            note = self.file.notes.get(note_guid)
            if note is None:
                self.skipped["references to missing notes"] += 1
                continue
            self.used_notes.add(note_guid)
            texts.append(self.package.text(note))
        return texts

    def note_text(self, note: Text) -> str:
        return self.package.text(note)


def times(item: Text | Selection) -> tuple[dt.datetime, dt.datetime]:
    """(created, modified) of a file element; "now" where the file says nothing."""
    created = parse_datetime(item.created) or utcnow()
    return created, parse_datetime(item.modified) or created
