"""Errors that name the problem: which file, which line, what is wrong. The CLI prints them in one line."""

from __future__ import annotations


class UnkgError(Exception):
    """A problem the user can fix; ``str()`` is the one line the CLI prints."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if self.path and self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message


class SourceError(UnkgError):
    """A source file that cannot be read, parsed or understood."""


class StoreError(UnkgError):
    """A store directory that cannot be opened or written."""


class ValidationFailed(UnkgError):
    """Data that does not conform to the shapes; ``report`` holds the details."""

    def __init__(self, message: str, report, *, path: str | None = None) -> None:
        self.report = report
        super().__init__(message, path=path)
