"""Keeps the search engine in step with the database through an outbox."""
