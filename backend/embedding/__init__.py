"""Passage embeddings for semantic search (service.py: embedding passages, a query's
vector). OFF is here rather than in service.py so that code asking only whether
semantic search is on (the search routes, `evidence search`) need not import the
embedding machinery to learn it."""

OFF = "off"  # EMBEDDING_MODEL's value turning semantic search off
