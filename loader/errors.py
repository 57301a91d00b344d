"""Errors that name the problem: which file, which line, what is wrong. The CLI prints them in one line."""

from __future__ import annotations

import re


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


# C0 controls but tab, the line and page breaks (\n, \v, \f, \r before \n) and the separators \x1c-\x1f, which
# text converted from print keeps; and DEL
NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]|\r(?!\n)")


def not_text(text: str, path: str) -> SourceError | None:
    """The error for a source text holding a control character no printed document has (a NUL was stored in an
    item's title), or a carriage return that ends no line (a file with CR-only line ends read as one line, "no
    provisional agenda found"), at its line and column; None for plain text.

    >>> str(not_text("a\\nb\\x00c\\n", "x.txt"))
    'x.txt:2: a control character (U+0000) at column 2: a source text holds printed text, tabs and line breaks'
    >>> str(not_text("a\\rb\\r", "x.txt"))
    'x.txt:1: a carriage return that ends no line, at column 2: are its line ends CR only? Save it with LF or CRLF'
    """
    found = NOT_TEXT.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    if found.group() == "\r":
        return SourceError(f"a carriage return that ends no line, at column {column}: are its line ends CR only? "
                           "Save it with LF or CRLF", path=path, line=line)
    return SourceError(f"a control character (U+{ord(found.group()):04X}) at column {column}: a source text holds "
                       "printed text, tabs and line breaks", path=path, line=line)


class StoreError(UnkgError):
    """A store directory that cannot be opened or written."""


class ValidationFailed(UnkgError):
    """Data that does not conform to the shapes; ``report`` holds the details."""

    def __init__(self, message: str, report, *, path: str | None = None) -> None:
        self.report = report
        super().__init__(message, path=path)
