"""The Elasticsearch engine: mapping, query compilation and the engine itself."""
