"""Ingest service: turn files into documents, versions and passages.

Ingest produces database rows and outbox entries; it never talks to a search
engine itself (see ARCHITECTURE.md, "Index sync").
"""

from ingest.nlp import disable_telemetry

disable_telemetry()  # before any ingest module imports `unstructured`, which pings on import
