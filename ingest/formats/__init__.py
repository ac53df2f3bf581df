"""One small adapter per file format; `registry.pick` chooses by score."""
