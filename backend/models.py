"""Imports every table so SQLModel.metadata (and Alembic) sees them all."""

from backend.documents.models import Document, DocumentVersion, Passage
from backend.indexing.models import IndexJob
from backend.ingest_jobs.models import IngestJob

__all__ = ["Document", "DocumentVersion", "IndexJob", "IngestJob", "Passage"]
