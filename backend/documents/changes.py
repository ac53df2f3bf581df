"""A person's edit of a document, written down once: its audit entry and the
`document.updated` event live screens refresh on, in the edit's transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.audit import audit
from backend.core.ids import stored
from backend.documents.models import Document
from backend.events.service import publish


def record_edit(
    session: AsyncSession, document: Document, user_id: int, action: str, **detail: Any
) -> None:
    document_id = stored(document.id)  # a stored document: the edit loaded it
    audit(
        session,
        user_id=user_id,
        project_id=document.project_id,
        action=action,
        entity="document",
        entity_id=document_id,
        **detail,
    )
    publish(
        session,
        document.project_id,
        "document.updated",
        document_id,
        user_id,
        action=action,
        **detail,
    )
