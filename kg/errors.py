"""User-facing errors: the CLI prints their message as one line on stderr and exits non-zero."""
from __future__ import annotations


class CsrKgError(Exception):
    """A problem with the user's input or environment, not a bug; ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(CsrKgError):
    """A missing, unreadable or undecodable input file, or a malformed query or gold file."""
