"""Which annotations lie over a span: one clause, for every reader that needs the
annotations of some passages without those of the rest of their documents (the
index's passage updates, search hits)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import col

from backend.annotations.models import Annotation


def overlapping(spans: Iterable[tuple[int, int, int]]) -> ColumnElement[bool]:
    """Annotations over any of these (version_id, start, end) spans."""
    return or_(
        false(),  # no spans: nothing
        *(
            and_(
                col(Annotation.version_id) == version_id,
                col(Annotation.start) < end,
                col(Annotation.end) > start,
            )
            for version_id, start, end in spans
        ),
    )
