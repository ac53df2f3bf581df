"""Imports every table so SQLModel.metadata (and Alembic) sees them all."""

from backend.accounts.models import ApiToken, LoginAttempt, User, UserSession
from backend.annotations.models import Annotation, AnnotationCode, AnnotationRevision
from backend.codes.models import Code
from backend.documents.models import Document, DocumentVersion, Passage
from backend.events.models import Event
from backend.indexing.models import IndexJob, ReindexRun
from backend.ingest_jobs.models import IngestJob
from backend.projects.models import AuditEvent, Membership, Project

__all__ = [
    "Annotation",
    "AnnotationCode",
    "AnnotationRevision",
    "Code",
    "Event",
    "ApiToken",
    "AuditEvent",
    "Document",
    "DocumentVersion",
    "IndexJob",
    "ReindexRun",
    "IngestJob",
    "LoginAttempt",
    "Membership",
    "Passage",
    "Project",
    "User",
    "UserSession",
]
