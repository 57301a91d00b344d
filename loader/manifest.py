"""The manifest (``data/manifest.toml``): which source files there are, which parser reads each, and what a
text does not print about itself (its symbol, language, kind), each with the evidence for it.

The keys each table may have, and the type of each, are declared below (:data:`SOURCE`, :data:`BODY`,
:data:`DOCUMENT`). A key that is missing, of another type, or unknown (most likely a typo, which would otherwise
be silently ignored) makes the whole manifest refused, in one line naming the manifest, the line, the source and
the key.
"""

from __future__ import annotations

import datetime
import difflib
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from loader.data_dirs import IN_CHECKOUT
from loader.errors import SourceError, not_utf8
from loader.iris import SYMBOL, symbol_problem

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MANIFEST = DATA_DIR / "manifest.toml"


@dataclass(frozen=True)
class Type:
    """What a key's value must be: ``says`` is how a message names it."""

    says: str
    fits: Callable[[object], bool]


@dataclass(frozen=True)
class Key:
    """A key of a manifest table: its type, whether it must be there, the one genre that reads it (if any), and
    why no two tables of a list may give it the same value (if they may not)."""

    type: Type
    required: bool = False
    genre: str | None = None
    unique: str | None = None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


TEXT = Type("a non-empty string", _text)
NAME = Type("a class name such as Convention (a capital, then letters and digits)",
            lambda v: isinstance(v, str) and re.fullmatch(r"[A-Z][A-Za-z0-9]*", v) is not None)
LANGUAGE = Type("an ISO 639-2 code such as eng (three lower-case letters)",
                lambda v: isinstance(v, str) and re.fullmatch(r"[a-z]{3}", v) is not None)
NUMBER = Type("a positive integer", lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0)
TEXTS = Type("a list of non-empty strings", lambda v: isinstance(v, list) and all(_text(x) for x in v))
TABLES = Type("a list of tables", lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v))

AGENDA, TREATY = "annotated-agenda", "treaty"
GENRES = (AGENDA, TREATY)  # loader/build.py has a converter for each

# [[source]]: one source text.
SOURCE: dict[str, Key] = {
    "id": Key(TEXT, required=True, unique="each source is loaded into a graph of its own, named by its id"),
    "file": Key(TEXT, required=True),  # the text, relative to the manifest
    "genre": Key(TEXT, required=True),  # which parser reads it: one of GENRES
    "language": Key(LANGUAGE, required=True),  # the language the text is written in
    "evidence": Key(TEXT, required=True),  # where the entry's facts come from
    "kind": Key(NAME),  # the document kind: a unkg: concept (AnnotatedProvisionalAgenda, Convention)
    "instrument": Key(TEXT, required=True, genre=TREATY),  # the instrument's short key: instrument/<key>
    "symbol": Key(TEXT, genre=AGENDA),  # the UN symbol, when the text does not print it
    "original_language": Key(LANGUAGE, genre=AGENDA),  # the language of the original
    "body": Key(TEXT, required=True, genre=AGENDA),  # the path of the body that meets (one of `bodies`)
    "meeting_number": Key(NUMBER, genre=AGENDA),  # which meeting of that body
    "timezone": Key(TEXT, genre=AGENDA),  # IANA zone of the meeting's place, checked against the place
    "timezone_evidence": Key(TEXT, genre=AGENDA),  # why that zone
    "bodies": Key(TABLES, genre=AGENDA),  # [[source.bodies]]: each body the text names
    "documents": Key(TABLES, genre=AGENDA),  # [[source.documents]]: documents the text names by title only
}
# [[source.bodies]]: a body (or post) the text names, minted as body/<path>.
BODY_KINDS = ("ConferenceOfTheParties", "WorkingGroup", "Bureau", "Secretariat", "ReviewMechanism", "Post")
BODY_KIND = Type(f"one of {', '.join(BODY_KINDS)}", lambda v: v in BODY_KINDS)  # a unkg: class the loader mints
BODY: dict[str, Key] = {
    "path": Key(TEXT, required=True, unique="describe each body once"),  # the IRI path: CTOC-COP/WG.3
    "kind": Key(BODY_KIND, required=True),
    "unit_of": Key(TEXT),  # the path of the body it is a unit of
    "post_in": Key(TEXT),  # for a post: the path of the body it is a post in
    "names": Key(TEXTS),  # its names as printed: its labels
    "aliases": Key(TEXTS),  # short forms the text uses in context ("工作组")
    "evidence": Key(TEXT, required=True),  # where these facts come from
}
# [[source.documents]]: a document the text names by title only, minted as doc/<slug>.
DOCUMENT: dict[str, Key] = {
    "title": Key(TEXT, required=True, unique="a title cannot name two documents"),  # exactly as printed
    "slug": Key(TEXT, required=True, unique="describe each document once"),  # its IRI's last segment
    "evidence": Key(TEXT, required=True),  # where these facts come from
}
TABLE_KEYS = {"bodies": ("body", "path", BODY), "documents": ("document", "slug", DOCUMENT)}
MINTED_UNDER = {"body": "body", "document": "doc"}  # the IRI path each table's path or slug is minted under
PLURALS = {"source": "sources", "body": "bodies", "document": "documents"}
# A source's graph is graph/<id> (loader/iris.py): ids that would name a graph unkg keeps for something else.
RESERVED_IDS = {"ontology": "graph/ontology holds the ontology (loader/pipeline.py ONTOLOGY_GRAPH)"}
RESERVED_PREFIXES = {"file/": "graph/file/<name> holds an RDF file loaded as-is"}


@dataclass(frozen=True)
class SourceEntry:
    """One source document: ``path`` is absolute; ``facts`` holds every other key of the manifest entry."""

    id: str
    path: Path
    genre: str
    language: str
    facts: dict = field(default_factory=dict)
    manifest: Path | None = field(default=None, compare=False)  # the manifest that lists it, for messages
    # the manifest line of each [[source.KEY]] table's key: (KEY, index from 1, key) -> line, for messages
    lines: dict = field(default_factory=dict, compare=False)

    def get(self, key: str, default=None):
        return self.facts.get(key, default)

    def table_error(self, message: str, key: str, index: int, name: str) -> SourceError:
        """An error about the ``index``th [[source.KEY]] table of this entry, at the line of its key ``name``."""
        return SourceError(message, path=str(self.manifest or self.path), line=self.lines.get((key, index, name)))


FIELDS = ("id", "file", "genre", "language")  # the keys SourceEntry holds as fields, not in ``facts``


def read_manifest(path: Path = MANIFEST) -> list[SourceEntry]:
    """The sources listed in a manifest, in order; a clear error for a missing, unknown or mistyped key, and for
    a missing file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark is not TOML, nor part of line 1
        data = tomllib.loads(text)
    except OSError as error:
        if path == MANIFEST and not IN_CHECKOUT:  # an installed unkg ships shapes and ontology, not the sources
            raise SourceError("the bundled sources are in a checkout of unkg only, and this unkg is an installed "
                              "package: name the files (or a manifest) to read") from None
        raise SourceError(f"cannot read the manifest: {error.strerror}", path=str(path)) from None
    except UnicodeDecodeError as error:
        raise not_utf8(error, str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"not valid TOML: {error}", path=str(path)) from None
    layout = _Layout(text, data)

    def error(message: str, line: int | None = None) -> SourceError:
        return SourceError(message, path=str(path), line=line)

    for key in data:
        if key != "source":
            raise error(f"unknown key {key!r}{_hint(key, ['source'])}: a manifest holds [[source]] tables",
                        layout.line(None, key))
    sources = data.get("source", [])
    if not TABLES.fits(sources):
        raise error(f"'source' must be {TABLES.says} ([[source]]), not {_describe(sources)}",
                    layout.line(None, "source"))
    if not sources:  # loaded "0 graph(s)" with exit 0: a manifest that lists nothing is a mistake, not a success
        raise error("lists no source: a manifest holds one [[source]] table per source document")
    entries = []
    for number, raw in enumerate(sources, start=1):
        name = _name("source", raw.get("id"), number)
        span = layout.source(number)
        _check(raw, SOURCE, name, span, layout, error)
        if why := reserved_id(raw["id"]):
            raise error(f"{name}: the id {raw['id'].strip()!r} is reserved: {why}", layout.line(span, "id"))
        if "symbol" in raw and not SYMBOL.fullmatch(raw["symbol"]):
            raise error(f"{name}: the symbol {raw['symbol']!r} is not a UN document symbol such as "
                        f"CTOC/COP/WG.3/2023/1: {symbol_problem(raw['symbol'])}", layout.line(span, "symbol"))
        for key, (label, naming, keys) in TABLE_KEYS.items():
            tables = raw.get(key, [])
            for index, table in enumerate(tables, start=1):
                _check(table, keys, f"{name}, {_name(label, table.get(naming), index)}",
                       layout.source(number, key, index), layout, error)
                if any(segment in (".", "..", "") for segment in table[naming].strip().split("/")):
                    raise error(f"{name}, {_name(label, table.get(naming), index)}: a {naming} is a path of names "
                                f"in an IRI: a '.' or '..' segment, or an empty one, would name another resource "
                                f"({MINTED_UNDER[label]}/../x is x)",
                                layout.line(layout.source(number, key, index), naming))
            _distinct(tables, keys, f"{name}: ", label, lambda i, n=number, k=key: layout.source(n, k, i), layout,
                      error)
        paths = {body.get("path", "") for body in raw.get("bodies", [])}
        for index, body in enumerate(raw.get("bodies", []), start=1):
            for key in ("unit_of", "post_in"):  # another body of this source, by its path exactly as written
                if key in body and body[key] not in paths:
                    raise error(f"{name}, {_name('body', body.get('path'), index)}: {key} {body[key]!r} is no body "
                                f"described here (the paths are {', '.join(sorted(paths))})",
                                layout.line(layout.source(number, "bodies", index), key))
        where = layout.line(span, "file")
        try:
            file = (path.parent / raw["file"]).resolve()
            if file.is_dir():
                raise error(f"{name}: file {raw['file']!r} is a directory, not a source file", where)
            if not file.is_file():
                what = "a missing file" if not file.exists() else "something that is not a regular file"
                raise error(f"{name} names {what} {raw['file']!r}", where)
        except (OSError, ValueError) as problem:  # a name too long, a NUL character …
            reason = problem.strerror if isinstance(problem, OSError) and problem.strerror else str(problem)
            raise error(f"{name}: cannot use file {_shown(raw['file'])}: {reason}", where) from None
        facts = {k: v for k, v in raw.items() if k not in FIELDS}
        lines = {(key, index, name): layout.line(layout.source(number, key, index), name)
                 for key in TABLE_KEYS for index, table in enumerate(raw.get(key, []), start=1) for name in table}
        entries.append(SourceEntry(raw["id"], file, raw["genre"], raw["language"], facts, path, lines))
    _distinct(sources, SOURCE, "", "source", layout.source, layout, error)
    return entries


def read_manifests(paths: Iterable[Path]) -> list[SourceEntry]:
    """The sources of several manifests loaded by one command, in order; an error when two give one id, which
    would fill one graph with both (as two entries of one manifest would)."""
    entries: list[SourceEntry] = []
    first: dict[str, Path] = {}
    for path in paths:
        for entry in read_manifest(path):
            if entry.id.strip() in first:
                raise SourceError(f"source {entry.id!r} is also in {first[entry.id.strip()]}: "
                                  f"{SOURCE['id'].unique}", path=str(path))
            first[entry.id.strip()] = path
            entries.append(entry)
    return entries


def reserved_id(source_id: str) -> str | None:
    """Why a source may not have this id (its graph would overwrite one unkg keeps for something else), or None."""
    source_id = source_id.strip()  # as the graph's IRI is minted
    if any(segment in (".", "..", "") for segment in source_id.split("/")):
        return ("an id is a path of names under graph/: a '.' or '..' segment, or an empty one, would name "
                "another graph than it reads (graph/../x is x)")
    if source_id in RESERVED_IDS:
        return RESERVED_IDS[source_id]
    return next((why for prefix, why in RESERVED_PREFIXES.items() if source_id.startswith(prefix)), None)


def _check(raw: dict, keys: dict[str, Key], name: str, span, layout: _Layout, error) -> None:
    """Refuse a table with a key missing, unknown, read by another genre, or of another type."""

    def lacks(needed: Callable[[Key], bool]) -> None:
        for key, declared in keys.items():
            if declared.required and key not in raw and needed(declared):
                raise error(f"{name} lacks {key!r} ({declared.type.says})", layout.line(span))

    def mistyped(key: str, declared: Key) -> None:
        if not declared.type.fits(raw[key]):
            raise error(f"{name}: {key!r} must be {declared.type.says}, not {_describe(raw[key])}",
                        layout.line(span, key))

    lacks(lambda declared: declared.genre is None)
    genre = None
    if keys is SOURCE:  # the genre says which other keys the table may have
        mistyped("genre", SOURCE["genre"])
        genre = raw["genre"]
        if genre not in GENRES:
            raise error(f"{name}: unknown genre {genre!r} (known: {', '.join(GENRES)})", layout.line(span, "genre"))
    for key in raw:
        declared = keys.get(key)
        if declared is None:
            known = ", ".join(k for k, d in keys.items() if d.genre in (None, genre))
            raise error(f"{name}: unknown key {key!r}{_hint(key, keys)} (known: {known})", layout.line(span, key))
        if declared.genre not in (None, genre):
            raise error(f"{name}: key {key!r} is for the genre {declared.genre}, not {genre}", layout.line(span, key))
        mistyped(key, declared)
    lacks(lambda declared: declared.genre == genre)


def _distinct(tables: list[dict], keys: dict[str, Key], within: str, label: str, span_of, layout: _Layout,
              error) -> None:
    """Refuse two tables of a list that give a ``unique`` key the same value (as a minted IRI strips it)."""
    for key, declared in keys.items():
        if not declared.unique:
            continue
        first: dict[str, int] = {}
        for index, table in enumerate(tables, start=1):
            value = table[key].strip()
            if value in first:
                earlier = layout.line(span_of(first[value]), key)
                said = f"line {earlier}" if earlier else f"#{first[value]}"
                raise error(f"{within}two {PLURALS[label]} have the {key} {value!r} (the first at {said}): "
                            f"{declared.unique}", layout.line(span_of(index), key))
            first[value] = index


def _name(label: str, value: object, number: int) -> str:
    """How a message names a table: by its id, path or slug, or by its number when that is not a string."""
    return f"{label} {value!r}" if _text(value) else f"{label} #{number}"


def _hint(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe(value: object) -> str:
    """``a string ('国际合作工作组')``: the TOML type of a value, and the value, cut short."""
    kinds = [(bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"), (list, "a list"),
             (dict, "a table"), (datetime.datetime, "a date-time"), (datetime.date, "a date"),
             (datetime.time, "a time")]
    kind = next(word for cls, word in kinds if isinstance(value, cls))
    if isinstance(value, str) and not value.strip():
        kind = "a blank string"
    return f"{kind} ({_shown(value)})"


def _shown(value: object) -> str:
    shown = repr(value)
    return shown[:57] + "…" if len(shown) > 60 else shown


HEADER = re.compile(r"\s*\[\[?([^\[\]]+)\]\]?\s*(?:#.*)?")
KEY_LINE = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")


class _Layout:
    """Where each table and key of a manifest is, for messages (tomllib gives no positions): read from the table
    headers and ``key =`` lines. Where the text is laid out otherwise (inline tables, say), a table has no line."""

    def __init__(self, text: str, data: dict) -> None:
        self.data = data
        self.headers: list[tuple[int, str]] = []
        self.keys: list[tuple[int, str]] = []
        self.end = 1
        for number, line in _outside_strings(text):
            self.end = number + 1
            if header := HEADER.fullmatch(line):
                self.headers.append((number, re.sub(r"""[\s"']""", "", header.group(1))))
            elif key := KEY_LINE.match(line):
                self.keys.append((number, next(group for group in key.groups() if group is not None)))

    def source(self, number: int, key: str | None = None, index: int = 0) -> tuple[int, int] | None:
        """The lines of the ``number``th [[source]] table's own keys, or of its ``index``th [[source.KEY]]."""
        sources = self.data.get("source")
        starts = [n for n, name in self.headers if name == "source"]
        if not isinstance(sources, list) or len(starts) != len(sources):
            return None
        start = starts[number - 1]
        if key:
            stop = next((n for n in starts if n > start), self.end)
            tables = sources[number - 1].get(key)
            found = [n for n, name in self.headers if name == f"source.{key}" and start < n < stop]
            if not isinstance(tables, list) or len(found) != len(tables):
                return None
            start = found[index - 1]
        return start, next((n for n, _ in self.headers if n > start), self.end) - 1

    def line(self, span: tuple[int, int] | None, key: str | None = None) -> int | None:
        """The line of ``key`` in the table at ``span`` (the top level when None), else the table's first line."""
        first, last = span or (0, next((n for n, _ in self.headers), self.end) - 1)
        at = next((n for n, name in self.keys if name == key and first <= n <= last), None) if key else None
        if span is None and at is None:  # a top-level key written as a table: [source]
            at = next((n for n, name in self.headers if name == key), None)
        return at or (first or None)


def _outside_strings(text: str) -> Iterator[tuple[int, str]]:
    """Each line's number and text, skipping lines that begin inside a multi-line string."""
    inside = None
    for number, line in enumerate(text.split("\n"), start=1):
        if inside is None:
            yield number, line.rstrip("\r")
        rest = line
        while True:
            if inside:
                end = rest.find(inside)
                if end < 0:
                    break
                rest, inside = rest[end + 3:], None
            else:
                opening = [(rest.find(mark), mark) for mark in ('"""', "'''") if mark in rest]
                if not opening:
                    break
                at, inside = min(opening)
                rest = rest[at + 3:]
