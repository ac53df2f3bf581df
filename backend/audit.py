"""The audit log: who did what, when. Written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.projects.models import AuditEvent


def audit(
    session: AsyncSession,
    *,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None = None,
    project_id: int | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEvent(
            project_id=project_id,
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
        )
    )
