"""The one shape every REFI-QDA import answers with (and keeps, in RefiImport.report):

    {
      "import_id": 12,
      "format": "qdpx",                      # or "qdc" for a codebook
      "project_name_in_file": "Thesis",
      "producer": "NVivo 14",                # <Project origin>, null when the file names none
      "imported": {"codes": 5, "documents": 3, "annotations": 40, ...},
      "skipped": {"<reason>": <count>, ...}, # everything not imported, counted by reason
      "offsets": {
        "reading": "utf16",                  # or "codepoint": the unit positions were read in
        "decided_by": "producer",            # or "tested", "no difference" (see offsets.py)
        "selections_checked": 41,            # every selection placed with that reading
        "selections_converted": 12,          # whose stored offsets differ from the file's
        "selections_needing_review": 1       # not stored; listed under "review"
      },
      "review": [ <ReviewItem>, ... ],       # the first REVIEW_LISTED; all at GET .../review
      ... plus the coder attributions (see importer.py)
    }

A ReviewItem: {"id", "document_id", "document_title", "selection_guid", "file_start",
"file_end", "reading", "reason", "candidates": [{"reading", "start", "end", "plausible",
"quote"}]}: each candidate's start/end are code points in the document version's text, and
"quote" is the text there, so a person can see which one the coder meant.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.documents.models import Document, DocumentVersion
from backend.refi.common import VARIABLE_NAMES
from backend.refi.context import ImportState
from backend.refi.models import ImportedSelection, PlacementStatus

REVIEW_LISTED = 50
QUOTE_MAX = 300


async def build(st: ImportState, imported: dict[str, int], extra: dict[str, Any]) -> dict:
    unknown = {name for name in st.file.variables.values() if name not in VARIABLE_NAMES}
    skipped = Counter(st.skipped)
    if unknown:
        skipped["variables of other tools (not imported)"] = len(unknown)
    review = await review_items(st.session, st.project_id, st.record.id, REVIEW_LISTED)
    return {
        "import_id": st.record.id,
        "format": "qdpx",
        "project_name_in_file": st.file.name,
        "producer": st.file.origin,
        "imported": imported,
        "skipped": dict(sorted(skipped.items())),
        "offsets": {
            "reading": st.decision.reading,
            "decided_by": st.decision.decided_by,
            "selections_checked": st.counts["selections_checked"],
            "selections_converted": st.counts["selections_converted"],
            "selections_needing_review": st.counts["selections_needing_review"],
        },
        "review": review,
        **extra,
    }


async def review_items(
    session: AsyncSession, project_id: int, import_id: int | None = None, limit: int | None = None
) -> list[dict]:
    """Selections still waiting for review, oldest first, with each candidate's quote."""
    stmt = (
        select(ImportedSelection, DocumentVersion, Document)
        .join(DocumentVersion, col(DocumentVersion.id) == ImportedSelection.version_id)
        .join(Document, col(Document.id) == DocumentVersion.document_id)
        .where(
            ImportedSelection.project_id == project_id,
            col(ImportedSelection.status) == PlacementStatus.review,
        )
        .order_by(col(ImportedSelection.id))
    )
    if import_id is not None:
        stmt = stmt.where(ImportedSelection.import_id == import_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [item(row, version.text, doc) for row, version, doc in (await session.exec(stmt)).all()]


def item(row: ImportedSelection, text: str, doc: Document) -> dict:
    return {
        "id": row.id,
        "import_id": row.import_id,
        "document_id": doc.id,
        "document_title": doc.title,
        "version_id": row.version_id,
        "selection_guid": row.selection_guid,
        "file_start": row.file_start,
        "file_end": row.file_end,
        "reading": row.reading,
        "reason": row.reason,
        "status": str(row.status),
        "candidates": [
            c | {"quote": text[c["start"] : c["end"]][:QUOTE_MAX]} for c in row.candidates
        ],
    }
