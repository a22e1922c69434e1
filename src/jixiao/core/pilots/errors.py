"""One error type for refused pilot actions: a stable code for programs, a Chinese message for people."""

from __future__ import annotations


class PilotError(Exception):
    """A refused action. ``code`` is stable (tests, the web layer); ``str()`` is the message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
