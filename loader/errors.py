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


def not_utf8(error: UnicodeDecodeError, path: str) -> SourceError:
    """The error for a file that is not UTF-8: the line and column of the first bad byte, not its offset."""
    data = error.object  # what was decoded: without the byte-order mark that utf-8-sig strips
    line_start = data.rfind(b"\n", 0, error.start) + 1
    column = len(data[line_start:error.start].decode("utf-8", errors="replace")) + 1
    line = data.count(b"\n", 0, error.start) + 1
    bad = " ".join(f"0x{byte:02x}" for byte in data[error.start:error.end])
    return SourceError(f"not UTF-8 text: byte {bad} at column {column} ({error.reason})", path=path, line=line)


class StoreError(UnkgError):
    """A store directory that cannot be opened or written."""


class ValidationFailed(UnkgError):
    """Data that does not conform to the shapes; ``report`` holds the details."""

    def __init__(self, message: str, report, *, path: str | None = None) -> None:
        self.report = report
        super().__init__(message, path=path)
