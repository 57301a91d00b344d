"""The manifest (``loader/manifest.py``) refuses what it cannot mean, in one line naming the file, the line, the
source and the key; and the files it names are read with the same care (not UTF-8, a directory, unreadable)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from loader.errors import SourceError
from loader.manifest import MANIFEST, read_manifest
from loader.sources import agenda, treaty
from loader.to_rdf import agenda as agenda_rdf

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
    """The number of the first line that starts with ``text``, from the first line holding ``after`` on."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if after in line)
    return next(n for n, line in enumerate(lines[start:], start=start + 1) if line.startswith(text))


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


@pytest.mark.parametrize(("name", "reason"), [("a\\u0000b", "embedded null byte"), ("a" * 5000, "File name too long")])
def test_a_file_name_the_system_cannot_use_is_named(tmp_path, name, reason):
    """A ValueError or an OSError traceback from resolving the path."""
    manifest = bundled(tmp_path, (TREATY_FILE, f'file = "{name}"'))
    error = refused(manifest)
    assert error.message.startswith("source 'UNTOC-eng': cannot use file 'a")
    assert error.message.endswith(f": {reason}")
    assert error.line == line_of(manifest, "file = ", after="UNTOC-eng")


# --- the schema: every key declared, with its type -------------------------------------------------------------

AGENDA = "source 'CTOC-COP-WG.3-2023-1-zho'"
WG3 = f"{AGENDA}, body 'CTOC-COP/WG.3'"
TEXT = "a non-empty string"


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    # a string where a list belongs made every character a label, each with made-up provenance
    ('names = ["国际合作工作组"]', 'names = "国际合作工作组"', "names",
     f"{WG3}: 'names' must be a list of non-empty strings, not a string ('国际合作工作组')"),
    ('aliases = ["工作组"]', 'aliases = ["工作组", 3]', "aliases",
     f"{WG3}: 'aliases' must be a list of non-empty strings, not a list (['工作组', 3])"),
    ('id = "UNTOC-eng"', "id = 7", "id", f"source #1: 'id' must be {TEXT}, not an integer (7)"),
    ('id = "UNTOC-eng"', 'id = " "', "id", f"source #1: 'id' must be {TEXT}, not a blank string (' ')"),
    (TREATY_FILE, "file = 5", "file", f"source 'UNTOC-eng': 'file' must be {TEXT}, not an integer (5)"),
    ('genre = "treaty"', 'genre = ["treaty"]', "genre",
     f"source 'UNTOC-eng': 'genre' must be {TEXT}, not a list (['treaty'])"),
    ('genre = "treaty"', 'genre = "statute"', "genre",
     "source 'UNTOC-eng': unknown genre 'statute' (known: annotated-agenda, treaty)"),
    ('instrument = "UNTOC"', 'instrument = ["UNTOC"]', "instrument",
     f"source 'UNTOC-eng': 'instrument' must be {TEXT}, not a list (['UNTOC'])"),
    ('body = "CTOC-COP/WG.3"', "body = 5", "body", f"{AGENDA}: 'body' must be {TEXT}, not an integer (5)"),
    ('symbol = "CTOC/COP/WG.3/2023/1"', "symbol = 12", "symbol",
     f"{AGENDA}: 'symbol' must be {TEXT}, not an integer (12)"),
    # "the text names meeting 14, the manifest says 14"
    ("meeting_number = 14", 'meeting_number = "14"', "meeting_number",
     f"{AGENDA}: 'meeting_number' must be a positive integer, not a string ('14')"),
    ("meeting_number = 14", "meeting_number = true", "meeting_number",
     f"{AGENDA}: 'meeting_number' must be a positive integer, not a boolean (True)"),
    ('language = "zho"', 'language = "xx"', "language",
     f"{AGENDA}: 'language' must be an ISO 639-2 code such as eng (three lower-case letters), not a string ('xx')"),
    ('kind = "Convention"', 'kind = "Con vention"', "kind",
     "source 'UNTOC-eng': 'kind' must be a class name such as Convention (a capital, then letters and digits), "
     "not a string ('Con vention')"),
    ('evidence = "Line 68', 'evidence = 1968\nx = "', "evidence",
     f"{AGENDA}, document 'UNTOC-digest-of-cases-international-cooperation': 'evidence' must be {TEXT}, "
     "not an integer (1968)"),
    ('[[source.bodies]]\npath = "CTOC-COP"\n', '[[source.bodies]]\npath = ["CTOC-COP"]\n', "path",
     f"{AGENDA}, body #1: 'path' must be {TEXT}, not a list (['CTOC-COP'])"),
])
def test_a_value_of_another_type_is_refused_naming_the_source_and_the_key(tmp_path, old, new, key, message):
    manifest = bundled(tmp_path, (old, new))
    error = refused(manifest)
    assert (error.path, error.message) == (str(manifest), message)
    assert error.line == line_of(manifest, f"{key} = ", after=new.splitlines()[0])


def test_a_list_of_tables_that_is_not_one(tmp_path):
    text = bundled(tmp_path).read_text(encoding="utf-8")
    manifest = tmp_path / "documents.toml"
    manifest.write_text(text.split("# Documents")[0].replace("meeting_number = 14\n", "meeting_number = 14\n"
                                                            "documents = 1\n"), encoding="utf-8")
    error = refused(manifest)
    assert error.message == f"{AGENDA}: 'documents' must be a list of tables, not an integer (1)"
    assert error.line == line_of(manifest, "documents = 1")


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    ("meeting_number = 14", "meeting_numbr = 14", "meeting_numbr",
     f"{AGENDA}: unknown key 'meeting_numbr' (did you mean 'meeting_number'?) (known: id, file, genre, language, "
     "evidence, kind, symbol, original_language, body, meeting_number, timezone, timezone_evidence, bodies, "
     "documents)"),
    ('aliases = ["工作组"]', 'alias = ["工作组"]', "alias",
     f"{WG3}: unknown key 'alias' (did you mean 'aliases'?) (known: path, kind, unit_of, post_in, names, aliases, "
     "evidence)"),
    ('slug = "UNTOC', 'url = "x"\nslug = "UNTOC', "url",
     f"{AGENDA}, document 'UNTOC-digest-of-cases-international-cooperation': unknown key 'url' "
     "(known: title, slug, evidence)"),
    # a key another genre reads would be silently ignored here
    ('instrument = "UNTOC"', 'instrument = "UNTOC"\nsymbol = "A/RES/55/25"', "symbol",
     "source 'UNTOC-eng': key 'symbol' is for the genre annotated-agenda, not treaty"),
    ('[[source]]\nid = "UNTOC-eng"', 'title = "x"\n[[source]]\nid = "UNTOC-eng"', "title",
     "unknown key 'title': a manifest holds [[source]] tables"),
])
def test_an_unknown_key_is_refused_as_a_likely_typo(tmp_path, old, new, key, message):
    manifest = bundled(tmp_path, (old, new))
    error = refused(manifest)
    assert error.message == message
    assert error.line == line_of(manifest, f"{key} = ")


@pytest.mark.parametrize(("old", "message", "at"), [
    ('genre = "treaty"\n', "source 'UNTOC-eng' lacks 'genre' (a non-empty string)", ("[[source]]", "")),
    ('instrument = "UNTOC"\n', "source 'UNTOC-eng' lacks 'instrument' (a non-empty string)", ("[[source]]", "")),
    ('body = "CTOC-COP/WG.3"\n', f"{AGENDA} lacks 'body' (a non-empty string)", ("[[source]]", "UNTOC.en.md")),
    ('kind = "Bureau"\n', "source 'CTOC-COP-WG.3-2023-1-zho', body 'CTOC-COP/extended-bureau' lacks 'kind' "
     "(one of ConferenceOfTheParties, WorkingGroup, Bureau, Secretariat, ReviewMechanism, Post)",
     ("[[source.bodies]]", 'path = "CTOC-COP/technical-assistance-working-group"')),
    ('slug = "UNTOC-digest-of-cases-international-cooperation"\n',
     f"{AGENDA}, document #1 lacks 'slug' (a non-empty string)", ("[[source.documents]]", "")),
])
def test_a_missing_key_is_refused_at_its_table(tmp_path, old, message, at):
    manifest = bundled(tmp_path, (old, ""))
    error = refused(manifest)
    assert error.message == message
    assert error.line == line_of(manifest, *at)


def test_a_table_written_inline_is_checked_too_without_a_line(tmp_path):
    manifest = tmp_path / "inline.toml"
    manifest.write_text(f'source = [{{id = "x", {TREATY_FILE}, genre = "treaty", language = "eng", evidence = "e", '
                        'instrument = "UNTOC", body = "CTOC-COP"}]\n', encoding="utf-8")
    error = refused(manifest)
    assert (error.line, error.message) == (None, "source 'x': key 'body' is for the genre annotated-agenda, "
                                                 "not treaty")
    table = tmp_path / "table.toml"
    table.write_text('[source]\nid = "x"\n', encoding="utf-8")
    error = refused(table)
    assert (error.line, error.message) == (1, "'source' must be a list of tables ([[source]]), not a table "
                                              "({'id': 'x'})")


def test_a_multiline_string_does_not_shift_the_lines(tmp_path):
    manifest = bundled(tmp_path, ('evidence = "sources/README.md: \'The English',
                                  'evidence = """\n[[source]]\nid = 5\n"""\nx = "'))
    error = refused(manifest)
    assert error.message.startswith("source 'UNTOC-eng': unknown key 'x'")
    assert error.line == line_of(manifest, 'x = "')


def test_the_manifest_knows_the_genres_the_loader_converts():
    from loader.build import GENRES
    from loader.manifest import GENRES as DECLARED

    assert set(GENRES) == set(DECLARED)


# --- every fact with its evidence ------------------------------------------------------------------------------

CHAIR_EVIDENCE = 'evidence = "Line 72: 建设性对话讨论情况书面概要由工作组主席编写'
DIGEST_EVIDENCE = 'evidence = "Line 68 names the digest'
TREATY_EVIDENCE = 'evidence = "sources/README.md: \'The English text'


@pytest.mark.parametrize(("evidence", "table", "at"), [
    (TREATY_EVIDENCE, "source 'UNTOC-eng'", ("[[source]]", "")),
    ('evidence = "sources/README.md: \'UN symbol', AGENDA, ("[[source]]", "UNTOC.en.md")),
    (CHAIR_EVIDENCE, f"{AGENDA}, body 'CTOC-COP/WG.3/chair'", ("[[source.bodies]]", "CTOC-COP/review-mechanism")),
    (DIGEST_EVIDENCE, f"{AGENDA}, document 'UNTOC-digest-of-cases-international-cooperation'",
     ("[[source.documents]]", "")),
])
def test_every_table_needs_its_evidence(tmp_path, evidence, table, at):
    """A body, a document or an entry without evidence was loaded with unkg:evidence "" (a fact from nowhere)."""
    manifest = with_line(bundled(tmp_path), evidence, None)
    error = refused(manifest)
    assert error.message == f"{table} lacks 'evidence' (a non-empty string)"
    assert error.line == line_of(manifest, *at)
    blank = with_line(bundled(tmp_path, name="blank.toml"), evidence, 'evidence = ""')
    error = refused(blank)
    assert error.message == f"{table}: 'evidence' must be a non-empty string, not a blank string ('')"
    assert error.line == line_of(blank, 'evidence = ""')


def with_line(path: Path, start: str, new: str | None) -> Path:
    """``path`` with its one line that starts with ``start`` replaced by ``new`` (removed for None)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    [at] = [n for n, line in enumerate(lines) if line.startswith(start)]
    lines[at:at + 1] = [] if new is None else [new]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- what one manifest must not say twice ----------------------------------------------------------------------

DIGEST = '''
[[source.documents]]
title = "{title}"
slug = "{slug}"
evidence = "a second entry"
'''
DIGEST_TITLE = "涉及以〈联合国打击跨国有组织犯罪公约〉为法律依据的刑事事项国际合作案例摘要"
DIGEST_SLUG = "UNTOC-digest-of-cases-international-cooperation"


@pytest.mark.parametrize(("edit", "added", "key_line", "message"), [
    # two graphs merged into one with two unkg:sha256, reloaded on every run
    (('id = "CTOC-COP-WG.3-2023-1-zho"', 'id = " UNTOC-eng"'), "", ('id = "UNTOC-eng"', 'id = " UNTOC-eng"'),
     "two sources have the id 'UNTOC-eng' (the first at line {first}): each source is loaded into a graph of its "
     "own, named by its id"),
    # the second table replaced the first, whose names were lost
    (('path = "CTOC-COP/secretariat"', 'path = "CTOC-COP/extended-bureau"'), "",
     ('path = "CTOC-COP/extended-bureau"',) * 2,
     f"{AGENDA}: two bodies have the path 'CTOC-COP/extended-bureau' (the first at line {{first}}): describe each "
     "body once"),
    # one title that would give two slugs
    (None, DIGEST.format(title=DIGEST_TITLE, slug="other"), (f'title = "{DIGEST_TITLE}"',) * 2,
     f"{AGENDA}: two documents have the title '{DIGEST_TITLE}' (the first at line {{first}}): a title cannot name "
     "two documents"),
    # one document with two titles in one language (the shapes allow one)
    (None, DIGEST.format(title="另一个标题", slug=DIGEST_SLUG), (f'slug = "{DIGEST_SLUG}"',) * 2,
     f"{AGENDA}: two documents have the slug '{DIGEST_SLUG}' (the first at line {{first}}): describe each "
     "document once"),
])
def test_what_must_be_unique_is_refused_when_given_twice(tmp_path, edit, added, key_line, message):
    manifest = bundled(tmp_path, *[edit] if edit else [])
    manifest.write_text(manifest.read_text(encoding="utf-8") + added, encoding="utf-8")
    lines = manifest.read_text(encoding="utf-8").splitlines()
    first = line_of(manifest, key_line[0])
    second = max(n for n, line in enumerate(lines, start=1) if line == key_line[1])
    error = refused(manifest)
    assert error.message == message.format(first=first)
    assert error.line == second


# --- the language of an annotated agenda -----------------------------------------------------------------------

def agenda_entry():
    return next(e for e in read_manifest() if e.genre == "annotated-agenda")


@pytest.mark.parametrize("code", ["xx", "deu"])
def test_an_agenda_in_a_language_that_is_not_one_of_the_six_is_refused(code):
    """``xx`` ended in ``ValueError: not an ISO 639-2 code`` from loader/iris.py; the treaty already said so."""
    entry = replace(agenda_entry(), language=code)
    with pytest.raises(SourceError) as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), entry, "https://w3id.org/unkg/")
    assert str(caught.value) == (f"{entry.path}: unknown language {code!r} for an annotated agenda "
                                 "(known: ara, eng, fra, rus, spa, zho)")


def test_an_agenda_language_the_text_contradicts_is_refused():
    entry = replace(agenda_entry(), language="eng")
    with pytest.raises(SourceError) as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), entry, "https://w3id.org/unkg/")
    assert (caught.value.line, caught.value.message) == (9, "the text says it is in zho, the manifest says eng")


def test_a_source_file_that_cannot_be_read_is_named_before_anything_is_built(tmp_path, monkeypatch):
    """``unkg load`` compares the file's checksum with the store's first: a PermissionError traceback from
    loader/build.py's sha256() (chmod 000; with --force the parser said so cleanly). Root reads any file, so the
    refusal is simulated."""
    import pyoxigraph as ox

    from loader import pipeline

    entries = read_manifest()
    unreadable = entries[0].path
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(SourceError) as caught:
        pipeline.plan_sources(ox.Store(), entries, "https://w3id.org/unkg/")
    assert str(caught.value) == f"{unreadable}: cannot read the file: Permission denied"


def test_two_manifests_of_one_command_cannot_give_one_id(tmp_path):
    """Two manifests giving one source id would fill one graph with both (two unkg:sha256): read_manifests, with
    which ``unkg load`` and ``unkg validate`` read their manifests, refuses the second at its file
    (tests/test_cli_load_and_query.py runs the commands)."""
    from loader.manifest import read_manifests

    first, second = bundled(tmp_path, name="a.toml"), bundled(tmp_path, name="b.toml")
    with pytest.raises(SourceError) as caught:
        read_manifests([first, second])
    assert str(caught.value) == (f"{second}: source 'UNTOC-eng' is also in {first}: each source is loaded into a "
                                 "graph of its own, named by its id")
    assert [e.id for e in read_manifests([first])] == ["UNTOC-eng", "CTOC-COP-WG.3-2023-1-zho"]


@pytest.mark.parametrize(("old", "new", "says"), [
    ('kind = "WorkingGroup"', 'kind = "Buro"', "'kind' must be one of ConferenceOfTheParties, WorkingGroup"),
    ('unit_of = "CTOC-COP"', 'unit_of = "CTOC-COPP"', "unit_of 'CTOC-COPP' is no body described here"),
    ('unit_of = "CTOC-COP"', 'unit_of = " CTOC-COP "', "unit_of ' CTOC-COP ' is no body described here"),
])
def test_a_body_of_an_unknown_kind_or_unit_is_refused_at_its_manifest_line(tmp_path, old, new, says):
    """Both were found only when the agenda was built, and named the agenda text without a line."""
    manifest = bundled(tmp_path, (old, new))
    error = refused(manifest)
    assert says in error.message and error.path == str(manifest)
    assert error.line == line_of(manifest, new)


# --- ids that would name a graph unkg keeps for something else --------------------------------------------------

@pytest.mark.parametrize(("source_id", "says"), [
    ("ontology", "graph/ontology holds the ontology"),
    (" ontology ", "graph/ontology holds the ontology"),  # the IRI is minted from the stripped id
    ("file/extra.ttl", "graph/file/<name> holds an RDF file loaded as-is"),
    ("./ontology", "an id is a path of names under graph/"),  # graph/./ontology is graph/ontology
    ("../../x", "an id is a path of names under graph/"),  # graph/../../x is outside graph/
    ("a//b", "an id is a path of names under graph/"),
])
def test_a_reserved_source_id_is_refused_with_its_line(tmp_path, source_id, says):
    """A source with the id "ontology" would be loaded into graph/ontology, in place of the ontology; one with
    "file/x.ttl" into the graph of the RDF file x.ttl."""
    from loader.manifest import RESERVED_IDS
    from loader.pipeline import ONTOLOGY_GRAPH

    manifest = bundled(tmp_path, ('id = "UNTOC-eng"', f'id = "{source_id}"'))
    error = refused(manifest)
    assert error.message.startswith(f"source {source_id!r}: the id {source_id.strip()!r} is reserved: {says}")
    assert error.line == line_of(manifest, f'id = "{source_id}"')
    assert ONTOLOGY_GRAPH in RESERVED_IDS  # the name the ontology's graph is minted from


def test_a_manifest_with_a_byte_order_mark_is_read(tmp_path):
    """An editor's UTF-8 byte-order mark is not TOML, and not part of line 1: lines are still counted right."""
    manifest = bundled(tmp_path, ('language = "eng"', 'language = "english"'))
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())
    error = refused(manifest)
    assert "'language' must be an ISO 639-2 code" in error.message
    assert error.line == line_of(manifest, 'language = "english"')
    plain = bundled(tmp_path, name="plain.toml")
    plain.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    assert [e.id for e in read_manifest(plain)] == ["UNTOC-eng", "CTOC-COP-WG.3-2023-1-zho"]


@pytest.mark.parametrize(("old", "new", "key", "iri"), [
    # both loaded: doc/../meeting/CTOC-COP/WG.3/14 is, by RFC 3986, the meeting's own IRI
    ('slug = "UNTOC-digest-of-cases-international-cooperation"',
     'slug = "../meeting/CTOC-COP/WG.3/14"', "slug", "doc"),  # the message said document/../x, no IRI unkg mints
    ('path = "CTOC-COP/secretariat"', 'path = "CTOC-COP/../secretariat"', "path", "body"),
    ('path = "CTOC-COP/secretariat"', 'path = "CTOC-COP//secretariat"', "path", "body"),
])
def test_a_path_or_slug_naming_another_resource_is_refused(tmp_path, old, new, key, iri):
    manifest = bundled(tmp_path, (old, new))
    error = refused(manifest)
    assert "would name another resource" in error.message and f"a {key} is a path of names" in error.message
    assert error.message.endswith(f"({iri}/../x is x)")
    assert error.line == line_of(manifest, new)


DOT = "a '.' or '..' segment would make its IRI name another document"
MISPLACED = "is no name or number (a '.' or '-' only between letters or digits: WG.3, ES-10)"


@pytest.mark.parametrize(("symbol", "why"), [
    # minted doc/CTOC/COP/WG.3/../2023/1, which a browser resolves to doc/CTOC/COP/2023/1
    ("CTOC/COP/WG.3/../2023/1", f"its segment '..' {MISPLACED}: {DOT}"),
    ("CTOC/COP/WG.3/./2023/1", f"its segment '.' {MISPLACED}: {DOT}"),
    # each was given the dot-segment reason, which is not theirs
    ("CTOC/COP/WG.3/2023/1.", f"its segment '1.' {MISPLACED}"),
    ("CTOC/COP/.WG3/2023/1", f"its segment '.WG3' {MISPLACED}"),
    ("CTOC/COP/WG..3/2023/1", f"its segment 'WG..3' {MISPLACED}"),
    ("CTOC/COP/WG.3/2023/1-", f"its segment '1-' {MISPLACED}"),
    ("CTOC//COP/WG.3/2023/1", "it has an empty segment (a '//' or a final '/')"),
    (" CTOC/COP/WG.3/2023/1", "it has a space before or after it"),
    ("ctoc/cop/wg.3/2023/1", "it begins with 'ctoc', not with a capital letter"),
    ("CTOC", "it has no '/'"),
    ("CTOC/COP/WG 3/2023/1", "its segment 'WG 3' holds ' '"),
])
def test_a_symbol_that_is_no_un_symbol_is_refused_at_its_manifest_line_saying_why(tmp_path, symbol, why):
    new = f'symbol = "{symbol}"'
    manifest = bundled(tmp_path, ('symbol = "CTOC/COP/WG.3/2023/1"', new))
    error = refused(manifest)
    assert error.message.startswith(f"{AGENDA}: the symbol {symbol!r} is not a UN document symbol such as "
                                    f"CTOC/COP/WG.3/2023/1: {why}")
    assert (DOT in error.message) == (DOT in why)
    assert error.line == line_of(manifest, new)


@pytest.mark.parametrize("symbol", ["E/CN.15/2023/L.5/Rev.1", "A/RES/78/1", "A/ES-10/L.22", "CTOC/COP/2023/CRP.1",
                                    "CTOC/COP/WG.3/2023/2/Add.1", "CTOC/COP/WG.3/2023/3-CTOC/COP/WG.4/2023/3"])
def test_a_un_symbol_with_dots_or_hyphens_inside_its_segments_is_read(tmp_path, symbol):
    manifest = bundled(tmp_path, ('symbol = "CTOC/COP/WG.3/2023/1"', f'symbol = "{symbol}"'))
    assert next(e for e in read_manifest(manifest) if e.genre == "annotated-agenda").get("symbol") == symbol


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "source = []\n"])
def test_a_manifest_that_lists_no_source_is_refused(tmp_path, text):
    """It loaded "0 graph(s)" with exit 0."""
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(text, encoding="utf-8")
    assert refused(manifest).message.startswith("lists no source")


# --- what the manifest says of the text must be in the text ----------------------------------------------------

DIGEST = "涉及以〈联合国打击跨国有组织犯罪公约〉为法律依据的刑事事项国际合作案例摘要"


def test_a_document_title_the_text_never_prints_is_refused_at_its_manifest_line(tmp_path):
    """A title misspelt in [[source.documents]] left its slug and evidence unused, and the printed document got a
    made-up slug (doc/doc-<hash>), without a word."""
    manifest = bundled(tmp_path, (f'title = "{DIGEST}"', f'title = "{DIGEST[:-1]}"'))
    entry = next(e for e in read_manifest(manifest) if e.genre == "annotated-agenda")
    with pytest.raises(SourceError) as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), entry, "https://w3id.org/unkg/")
    assert (caught.value.path, caught.value.line) == (str(manifest), line_of(manifest, f'title = "{DIGEST[:-1]}"'))
    assert f"the document titled {DIGEST[:-1]!r} is not one the text" in caught.value.message
    graph = agenda_rdf.to_graph(agenda.parse(entry.path), agenda_entry(), "https://w3id.org/unkg/")
    assert any(str(s).endswith("/doc/UNTOC-digest-of-cases-international-cooperation") for s in graph.subjects())


def test_an_installed_unkg_asked_for_the_bundled_sources_says_they_are_in_a_checkout(tmp_path, monkeypatch):
    """Installed from a wheel, unkg ships shapes and ontology but no data/: `unkg validate` with no FILES said
    '…/site-packages/data/manifest.toml: cannot read the manifest', a path the user never named."""
    import loader.manifest as manifest

    missing = tmp_path / "site-packages" / "data" / "manifest.toml"
    monkeypatch.setattr(manifest, "MANIFEST", missing)
    monkeypatch.setattr(manifest, "IN_CHECKOUT", False)
    with pytest.raises(SourceError) as raised:
        manifest.read_manifest(missing)
    assert str(raised.value) == ("the bundled sources are in a checkout of unkg only, and this unkg is an installed "
                                 "package: name the files (or a manifest) to read")
    monkeypatch.setattr(manifest, "IN_CHECKOUT", True)  # in a checkout, a missing data/manifest.toml is named
    with pytest.raises(SourceError, match="cannot read the manifest"):
        manifest.read_manifest(missing)
