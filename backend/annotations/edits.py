"""Creating an annotation as a unit of work: `service.create` records the revision and
publishes the event, this commits. Edits, restore and revert are units of work in
`service` (`edit`, `mark_deleted`) and `revert`, through the one versioning path
(backend/api/versioned.py); deleting is `ownership.delete`, which commits too."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.annotations import service
from backend.annotations.models import Annotation, AnnotationCreate


async def create(
    session: AsyncSession, project_id: int, user_id: int, data: AnnotationCreate
) -> Annotation:
    created = await service.create(session, project_id, user_id, data)
    await session.commit()
    return created
