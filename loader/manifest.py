"""The manifest (``data/manifest.toml``): which source files there are, which parser reads each, and what a
text does not print about itself (its symbol, language, kind), each with the evidence for it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from loader.errors import SourceError, not_utf8

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MANIFEST = DATA_DIR / "manifest.toml"
REQUIRED = ("id", "file", "genre", "language")


@dataclass(frozen=True)
class SourceEntry:
    """One source document: ``path`` is absolute; ``facts`` holds every other key of the manifest entry."""

    id: str
    path: Path
    genre: str
    language: str
    facts: dict = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.facts.get(key, default)


def read_manifest(path: Path = MANIFEST) -> list[SourceEntry]:
    """The sources listed in a manifest, in order; a clear error for a missing key or file."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise SourceError(f"cannot read the manifest: {error.strerror}", path=str(path)) from None
    except UnicodeDecodeError as error:
        raise not_utf8(error, str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"not valid TOML: {error}", path=str(path)) from None
    entries = []
    for number, raw in enumerate(data.get("source", []), start=1):
        missing = [key for key in REQUIRED if key not in raw]
        if missing:
            raise SourceError(f"source #{number} lacks {', '.join(missing)}", path=str(path))
        file = (path.parent / raw["file"]).resolve()
        if file.is_dir():
            raise SourceError(f"source {raw['id']!r}: file {raw['file']!r} is a directory, not a source file",
                              path=str(path))
        if not file.is_file():
            what = "a missing file" if not file.exists() else "something that is not a regular file"
            raise SourceError(f"source {raw['id']!r} names {what} {raw['file']!r}", path=str(path))
        facts = {k: v for k, v in raw.items() if k not in REQUIRED}
        entries.append(SourceEntry(raw["id"], file, raw["genre"], raw["language"], facts))
    return entries
