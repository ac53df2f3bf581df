"""The state one import carries from step to step: where it writes, and which GUID of the file
became which row."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.core.config import Settings
from backend.core.time import utcnow
from backend.refi.common import parse_datetime
from backend.refi.reader import Package, ProjectFile, Text


@dataclass
class ImportState:
    session: AsyncSession
    project_id: int
    user_id: int  # who imports: the author of whatever the file does not attribute
    settings: Settings
    package: Package
    file: ProjectFile
    users: dict[str, int] = field(default_factory=dict)  # file GUID -> row id, per kind
    codes: dict[str, int] = field(default_factory=dict)
    selections: dict[str, int] = field(default_factory=dict)
    used_notes: set[str] = field(default_factory=set)
    counts: Counter = field(default_factory=Counter)

    @property
    def skipped(self) -> Counter:
        return self.file.skipped

    def author(self, user_guid: str | None) -> int:
        """The row id of the file's user, else the importing user (counted)."""
        if user_guid in self.users:
            return self.users[user_guid]
        self.counts["attributed to the importing user"] += 1
        return self.user_id

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


def times(item) -> tuple[dt.datetime, dt.datetime]:
    """(created, modified) of a file element; "now" where the file says nothing."""
    created = parse_datetime(item.created) or utcnow()
    return created, parse_datetime(item.modified) or created
