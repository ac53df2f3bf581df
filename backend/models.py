"""Imports every table so SQLModel.metadata (and Alembic) sees them all."""

from backend.accounts.models import ApiToken, LoginAttempt, User, UserSession
from backend.annotations.models import Annotation, AnnotationCode, AnnotationRevision
from backend.cmocs.models import Cmoc, CmocEvidence, CmocRevision, CmocTheory
from backend.codes.models import Code
from backend.documents.models import Document, DocumentVersion, Passage
from backend.events.models import Event
from backend.indexing.models import IndexJob, ReindexRun
from backend.ingest_jobs.models import IngestJob
from backend.projects.models import AuditEvent, Membership, Project
from backend.proposals.models import ProposalDecision
from backend.saved_searches.models import SavedSearch
from backend.theories.models import ProgrammeTheory, TheoryRevision

__all__ = [
    "Annotation",
    "AnnotationCode",
    "AnnotationRevision",
    "Cmoc",
    "CmocEvidence",
    "CmocRevision",
    "CmocTheory",
    "Code",
    "ProgrammeTheory",
    "ProposalDecision",
    "SavedSearch",
    "TheoryRevision",
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
