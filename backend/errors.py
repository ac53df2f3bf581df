"""Errors the services and commands end with: always a message a person can act on."""


class CommandError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServiceError(Exception):
    """A use case refused: `status` is the HTTP answer the API gives it (routes turn
    it into one with `backend.api.errors.http_error`)."""

    def __init__(self, message: str, status: int = 400, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after  # seconds, for a 429
