"""Vectors: the embedding model behind one small interface, and rank fusion.

Kept apart from the lexical engines: `embedder.py` says what a model is and how
vectors are stored, `minilm.py` is the one shipped model, `fusion.py` merges
rankings. The engines store and search vectors (search/sqlite_vectors.py,
search/elastic/), the app decides what to embed and when (backend/embedding/).
"""
