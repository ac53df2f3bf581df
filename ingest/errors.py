"""Errors an ingest can end with; each carries a message a researcher can act on."""


class IngestError(Exception):
    """The file cannot be ingested (corrupt, encrypted, unsupported, too large...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NeedsOCR(IngestError):
    """The file opened, but has no text layer to extract (a scanned PDF)."""

    def __init__(self, message: str, page_count: int) -> None:
        super().__init__(message)
        self.page_count = page_count


class UnsupportedFormat(IngestError):
    """No adapter reads this file."""
