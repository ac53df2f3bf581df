"""Errors a search can end with. The API maps them to 400 and 503."""


class SearchError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QuerySyntaxError(SearchError):
    """The query text does not parse; `position` is a 0-based character index."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.position = position
        self.reason = message


class UnsupportedQuery(SearchError):
    """Valid syntax that the configured engine cannot run (e.g. fuzzy on SQLite)."""


class EngineUnavailable(SearchError):
    """The engine cannot be reached; the database is unaffected."""
