"""One search interface, two engines (SQLite FTS5 and Elasticsearch).

This package imports neither FastAPI nor SQLModel: it indexes `PassageDoc`s and
answers `SearchRequest`s with passage ids; callers load rows from SQL.
"""
