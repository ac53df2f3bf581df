"""Imports every table so SQLModel.metadata (and Alembic) sees them all."""

from backend.accounts.models import (
    ApiToken,
    LoginAttempt,
    SignInChallenge,
    SignInThrottle,
    User,
    UserSession,
)
from backend.adjudication.models import AdjudicationDecision, AnalysisSetting
from backend.annotations.models import Annotation, AnnotationCode, AnnotationRevision
from backend.cmocs.models import Cmoc, CmocEvidence, CmocRevision, CmocTheory
from backend.coders.models import Coder
from backend.codes.models import Code
from backend.documents.models import Document, DocumentVersion, Passage
from backend.embedding.models import PassageEmbedding
from backend.events.models import Event
from backend.indexing.models import IndexJob, ReindexRun
from backend.ingest_jobs.models import IngestJob
from backend.mfa.models import RecoveryCode, UserTotp
from backend.projects.models import AuditEvent, Membership, Project
from backend.proposals.models import ProposalDecision
from backend.refi.models import ImportedSelection, RefiImport
from backend.rounds.models import CodingRound, RoundCoder, RoundDocument
from backend.saved_searches.models import SavedSearch
from backend.sso.models import OidcLogin, UserIdentity
from backend.theories.models import ProgrammeTheory, TheoryRevision

__all__ = [
    "AdjudicationDecision",
    "AnalysisSetting",
    "Annotation",
    "AnnotationCode",
    "AnnotationRevision",
    "Cmoc",
    "CodingRound",
    "RoundCoder",
    "RoundDocument",
    "CmocEvidence",
    "CmocRevision",
    "CmocTheory",
    "Code",
    "Coder",
    "ImportedSelection",
    "RefiImport",
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
    "OidcLogin",
    "Membership",
    "Passage",
    "PassageEmbedding",
    "Project",
    "RecoveryCode",
    "SignInChallenge",
    "SignInThrottle",
    "User",
    "UserIdentity",
    "UserSession",
    "UserTotp",
]
