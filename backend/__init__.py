"""Evidence Workbench backend: the FastAPI app, its feature folders and the CLI."""
