"""The manifest (``loader/manifest.py``) refuses what it cannot mean, in one line naming the file, the line, the
source and the key; and the files it names are read with the same care (not UTF-8, a directory, unreadable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.errors import SourceError
from loader.manifest import MANIFEST, read_manifest
from loader.sources import agenda, treaty

SOURCES = MANIFEST.parent / "sources"
TREATY_FILE = f'file = "{SOURCES}/untoc/UNTOC.en.md"'


def bundled(tmp_path: Path, *edits: tuple[str, str], name: str = "manifest.toml") -> Path:
    """The bundled manifest in ``tmp_path`` with its files made absolute, each ``(old, new)`` edit applied once."""
    text = MANIFEST.read_text(encoding="utf-8").replace('file = "sources/', f'file = "{SOURCES}/')
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, text: str, after: str = "") -> int:
    """The number of the first line holding ``text`` after the first line holding ``after``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if after in line)
    return next(n for n, line in enumerate(lines[start:], start=start + 1) if text in line)


def refused(path: Path) -> SourceError:
    with pytest.raises(SourceError) as caught:
        read_manifest(path)
    return caught.value


def test_the_bundled_manifest_is_read():
    entries = read_manifest()
    assert [e.id for e in entries] == ["UNTOC-eng", "CTOC-COP-WG.3-2023-1-zho"]


# --- files that are not UTF-8 ----------------------------------------------------------------------------------

def test_a_manifest_that_is_not_utf8_names_the_line_and_column(tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"# ok\n[[source]]\nid = \"caf\xe9\"\n")
    error = refused(latin)
    assert (error.path, error.line) == (str(latin), 3)
    assert error.message == "not UTF-8 text: byte 0xe9 at column 10 (invalid continuation byte)"


def test_a_source_text_that_is_not_utf8_names_the_line_and_column(tmp_path):
    text = tmp_path / "agenda.txt"
    text.write_bytes("第一行\n临时议程".encode() + "议".encode("gb18030") + b"\n")
    with pytest.raises(SourceError) as caught:
        agenda.parse(text)
    assert str(caught.value) == f"{text}:2: not UTF-8 text: byte 0xd2 at column 5 (invalid continuation byte)"
    markdown = tmp_path / "treaty.md"
    markdown.write_bytes("\ufeff####Title\n\n### Article  1\n\n1.   Caf".encode() + "é.".encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        treaty.parse(markdown)
    assert str(caught.value) == f"{markdown}:5: not UTF-8 text: byte 0xe9 at column 9 (invalid continuation byte)"


# --- the files it names ----------------------------------------------------------------------------------------

def test_a_file_that_is_a_directory_is_called_one(tmp_path):
    manifest = bundled(tmp_path, (TREATY_FILE, f'file = "{SOURCES}/untoc"'))
    error = refused(manifest)
    assert error.path == str(manifest)
    assert error.message == f"source 'UNTOC-eng': file '{SOURCES}/untoc' is a directory, not a source file"
    missing = bundled(tmp_path, (TREATY_FILE, f'file = "{SOURCES}/absent.md"'))
    assert refused(missing).message == f"source 'UNTOC-eng' names a missing file '{SOURCES}/absent.md'"
