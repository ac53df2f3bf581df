"""Errors a CLI command ends with: a message and a non-zero exit, no traceback."""


class CommandError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
