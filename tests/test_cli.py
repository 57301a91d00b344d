"""The `unkg` command, run as a user runs it: a subprocess, good input and bad, exit codes and messages."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
UNKG = [sys.executable, "-m", "unkg"]
COMMANDS = ["load", "validate", "serve", "query", "export", "stats", "drop"]


def unkg(*args: str, store: Path | None = None, check: int | None = None, columns: str | None = "200",
         **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": columns}
    if columns is None:  # as when a user pipes the output: no width is given
        env.pop("COLUMNS")
    env.pop("UNKG_STORE", None)
    argv = [*UNKG, *args] + (["--store", str(store)] if store else [])
    done = subprocess.run(argv, cwd=kw.pop("cwd", ROOT), env=env, capture_output=True, text=True, timeout=300, **kw)
    if check is not None:
        assert done.returncode == check, f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done


def dump(store: Path) -> list[str]:
    """Every quad of a store, as sorted N-Quads lines (opened read-only, so it works beside a writer)."""
    db = ox.Store.read_only(str(store))
    return sorted(ox.serialize(db, format=ox.RdfFormat.N_QUADS).decode().splitlines())


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    unkg("load", store=store, check=0)
    return store


@pytest.fixture()
def copy_of(loaded, tmp_path):
    """A private copy of the loaded store, for tests that try to change it."""

    def make() -> Path:
        target = tmp_path / "store"
        ox.Store.read_only(str(loaded)).backup(str(target))
        return target

    return make


# --- help and docs -------------------------------------------------------------------------------------------

def test_help_lists_every_command_and_each_has_an_example():
    top = unkg("--help", check=0).stdout
    for command in COMMANDS:
        assert command in top
        assert "Example: unkg " + command in unkg(command, "--help", check=0).stdout


# --- validate ------------------------------------------------------------------------------------------------

def test_validate_bundled_data_conforms():
    done = unkg("validate", check=0)
    assert "does not conform" not in done.stdout
    assert "000_53ef33334a0e60d7.txt" in done.stdout and "UNTOC.en.md" in done.stdout


def test_validate_syntax_error_names_file_and_line(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    done = unkg("validate", str(broken), check=2)
    assert f"{broken}:3:" in done.stderr
    assert "syntax error" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_missing_file_and_unknown_format(tmp_path):
    assert "no such file" in unkg("validate", str(tmp_path / "nope.ttl"), check=2).stderr
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    assert "unknown RDF format '.xyz'" in unkg("validate", str(odd), check=2).stderr


def test_debug_shows_the_traceback(tmp_path):
    done = unkg("--debug", "validate", str(tmp_path / "nope.ttl"), check=2)
    assert "Traceback" in done.stderr


def test_validate_non_conforming_data_names_the_resource(tmp_path):
    data = tmp_path / "meeting.ttl"
    data.write_text(
        "@prefix unkg: <https://w3id.org/unkg/ontology#> .\n"
        "<https://example.org/m/1> a unkg:Meeting ; unkg:meetingNumber 1 .\n"
    )
    text = unkg("validate", str(data), check=1).stdout
    assert "<https://example.org/m/1>" in text
    assert "Violation" in text and "does not conform" in text
    # a path of alternatives is named as such, not by the blank node that stands for it
    assert "<https://example.org/m/1> (activity_end_date|(^subEvent/activity_end_date)): A meeting should" in text
    report = json.loads(unkg("validate", str(data), "--format", "json", check=1).stdout)
    assert report["conforms"] is False
    assert any(f["focus"] == "https://example.org/m/1" for f in report["files"][0]["findings"])
    junit = unkg("validate", str(data), "--format", "junit", check=1).stdout
    assert junit.startswith("<?xml") and "<failure" in junit


def test_the_three_validate_formats_count_the_same_violations(tmp_path):
    """A string where a number from 1 is due breaks sh:datatype and sh:minInclusive under one message: the text and
    JUnit reports said 2 violations, the JSON listed 3 findings, so a script counted otherwise than CI showed."""
    import re
    from xml.dom.minidom import parseString

    data = tmp_path / "meeting.ttl"
    data.write_text('@prefix unkg: <https://w3id.org/unkg/ontology#> .\n'
                    '<https://example.org/m/1> a unkg:Meeting ; unkg:meetingNumber "15" .\n', encoding="utf-8")
    text = unkg("validate", str(data), check=1).stdout
    said = int(re.search(r"does not conform \((\d+) violations?\)", text)[1])
    junit = parseString(unkg("validate", str(data), "--format", "junit", check=1).stdout)
    findings = json.loads(unkg("validate", str(data), "--format", "json", check=1).stdout)["files"][0]["findings"]
    violations = [f for f in findings if f["severity"] == "Violation"]
    assert said == len(violations) == len(junit.getElementsByTagName("failure")) >= 2
    number = [f for f in violations if f["path"].endswith("#meetingNumber")]
    assert [(f["component"], f["components"]) for f in number] == [
        ("DatatypeConstraintComponent", ["DatatypeConstraintComponent", "MinInclusiveConstraintComponent"])]


def test_validate_writes_control_characters_from_data_as_escapes(tmp_path):
    data = tmp_path / "escape.ttl"
    data.write_text('<https://example.org/m> a <https://w3id.org/unkg/ontology#Meeting> ; '
                    '<https://w3id.org/unkg/ontology#meetingNumber> "1\\u001b[2J\\nX" .\n', encoding="utf-8")
    text = unkg("validate", str(data), check=1).stdout
    assert "\x1b" not in text  # the terminal never sees the escape sequence
    assert '(value: "1\\u001B[2J\\nX")' in text  # nor a line break inside a finding: as Turtle writes them
    junit = unkg("validate", str(data), "--format", "junit", check=1).stdout
    from xml.dom.minidom import parseString  # the JUnit report stays well-formed XML

    failures = [f.firstChild.data for f in parseString(junit).getElementsByTagName("failure")]
    assert any('(value: "1\\u001B[2J\\nX")' in failure for failure in failures)


def test_validate_with_a_store_checks_a_file_that_adds_to_a_resource_it_does_not_type(loaded, tmp_path):
    meeting = "<https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14>"
    adds = tmp_path / "adds.ttl"
    adds.write_text(f'{meeting} <https://w3id.org/unkg/ontology#meetingNumber> "not a number" .\n', encoding="utf-8")
    notes = tmp_path / "notes.ttl"
    notes.write_text(f'{meeting} <http://www.w3.org/2000/01/rdf-schema#comment> "noted" .\n', encoding="utf-8")
    assert "meetingNumber" in unkg("validate", str(adds), "--store", str(loaded), check=1).stdout
    unkg("validate", str(notes), "--store", str(loaded), check=0)
    unkg("validate", str(adds), check=0)  # without a store nothing says it is a meeting


def test_validate_judges_a_value_as_the_store_will_hold_it_as_load_does(loaded, copy_of, tmp_path):
    """The store holds 70 as the rules' threshold; "70.0"^^xsd:decimal is the same value, which Oxigraph stores
    as 70: load wrote one value, and validate counted two (a second threshold) until it judged the file as
    stored."""
    same = tmp_path / "same.ttl"
    same.write_text('<https://w3id.org/unkg/instrument/UNTOC-review-mechanism-procedures-and-rules/para/10> '
                    '<https://w3id.org/unkg/ontology#completionThreshold> '
                    '"70.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n', encoding="utf-8")
    other = tmp_path / "other.ttl"
    other.write_text(same.read_text(encoding="utf-8").replace('"70.0"', '"75"'), encoding="utf-8")
    copy = copy_of()
    unkg("validate", str(same), "--store", str(loaded), check=0)
    unkg("load", str(same), store=copy, check=0)
    assert "completionThreshold" in unkg("validate", str(other), "--store", str(loaded), check=1).stdout
    assert "completionThreshold" in unkg("load", str(other), store=copy, check=1).stderr


def test_validate_checks_a_file_with_what_the_manifests_and_files_before_it_build_as_load_does(loaded, tmp_path):
    """`unkg validate data/manifest.toml FILE` judges FILE as `unkg load data/manifest.toml FILE` would."""
    agenda = tmp_path / "agenda.nt"  # the bundled agenda's graph: it cites art. 27 and gives it a Chinese heading
    graph = ox.NamedNode("https://w3id.org/unkg/graph/CTOC-COP-WG.3-2023-1-zho")
    store = ox.Store.read_only(str(loaded))
    agenda.write_bytes(ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None, graph)),
                                    format=ox.RdfFormat.N_TRIPLES))
    del store
    unkg("validate", "data/manifest.toml", str(agenda), check=0)
    treaty = tmp_path / "treaty.nt"  # the treaty as a plain RDF file, before the agenda that cites it
    treaty_graph = ox.NamedNode("https://w3id.org/unkg/graph/UNTOC-eng")
    store = ox.Store.read_only(str(loaded))
    treaty.write_bytes(ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None, treaty_graph)),
                                    format=ox.RdfFormat.N_TRIPLES))
    del store
    unkg("validate", str(treaty), str(agenda), check=0)
    assert "cites provisions that exist" in unkg("validate", str(agenda), check=1).stdout  # alone it cites nothing
    second = tmp_path / "second-heading.ttl"  # the treaty already gives art. 27 its English heading
    second.write_text('<https://w3id.org/unkg/instrument/UNTOC/art/27> <https://w3id.org/unkg/ontology#heading> '
                      '"Another heading"@en .\n', encoding="utf-8")
    assert "one per language" in unkg("validate", "data/manifest.toml", str(second), check=1).stdout
    unkg("validate", str(second), check=0)  # alone, nothing says it is an article
    unkg("load", "data/manifest.toml", str(second), store=tmp_path / "store", check=1)


def test_validate_with_a_store_judges_a_file_beside_the_manifests_as_they_will_be(loaded, tmp_path):
    """The store's old copy of a source the run rebuilds is no context: a file that agrees with the new agenda
    (distributed 15 June) was reported against the old one (14 June) by validate, and loaded by load."""
    agenda = tmp_path / "agenda.txt"
    text = (ROOT / "data" / "sources" / "000_53ef33334a0e60d7.txt").read_text(encoding="utf-8")
    agenda.write_text(text.replace("14 June 2023", "15 June 2023", 1), encoding="utf-8")
    manifest = manifest_with(tmp_path, 'file = "sources/000_53ef33334a0e60d7.txt"', f'file = "{agenda}"')
    dated = tmp_path / "dated.ttl"
    dated.write_text('<https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1> <http://purl.org/dc/terms/date> '
                     '"2023-06-15"^^<http://www.w3.org/2001/XMLSchema#date> .\n', encoding="utf-8")
    unkg("validate", "--store", str(loaded), str(manifest), str(dated), check=0)
    assert "at most one date" in unkg("validate", "--store", str(loaded), str(dated), check=1).stdout


def test_validate_resolves_the_provision_a_document_is_pursuant_to_against_the_store(loaded, tmp_path):
    """unkg:pursuantTo names a provision as a citation does: one the store's treaty has conforms with --store;
    one it lacks (article 99) is reported with it, and without a store the finding says what to pass."""
    def summary(article: str) -> Path:
        data = tmp_path / f"summary-{article}.ttl"
        data.write_text(
            "@prefix unkg: <https://w3id.org/unkg/ontology#> .\n"
            "<https://example.org/doc/summary> a unkg:Document ; unkg:description \"summary\"@en ;\n"
            "    unkg:documentKind unkg:WrittenSummary ;\n"
            f"    unkg:pursuantTo <https://w3id.org/unkg/instrument/UNTOC/art/{article}> .\n", encoding="utf-8")
        return data

    unkg("validate", "--store", str(loaded), str(summary("27")), check=0)
    said = unkg("validate", "--store", str(loaded), str(summary("99")), check=1).stdout
    assert "pursuantTo: A document is prepared pursuant to provisions that exist" in said and "art/99" in said
    assert "nor in a store given with --store" in unkg("validate", str(summary("27")), check=1).stdout


def test_validate_says_how_to_resolve_a_body_another_source_describes(loaded, tmp_path):
    """A user's meeting of <body/CTOC-COP/WG.3> (a body the bundled data describes) was refused alone with only
    "A meeting is a meeting of exactly one body": the finding now says to pass --store or the file that describes
    it, as a provision's did; with a store that lacks the body, it says it is in neither."""
    def meeting(body: str) -> Path:
        data = tmp_path / f"meeting-{body.replace('/', '-')}.ttl"
        data.write_text("@prefix unkg: <https://w3id.org/unkg/ontology#> .\n<https://example.org/m15> a unkg:Meeting ;"
                        f" unkg:ofBody <https://w3id.org/unkg/body/{body}> .\n", encoding="utf-8")
        return data

    def of_body(said: str) -> list[str]:
        return [line for line in said.splitlines() if " ofBody: " in line]

    hint = "neither in the data validated with it nor in a store given with --store"
    alone = of_body(unkg("validate", str(meeting("CTOC-COP/WG.3")), check=1).stdout)
    assert len(alone) == 1 and hint in alone[0] and "its manifest, is given before it in the same run" in alone[0]
    assert of_body(unkg("validate", "--store", str(loaded), str(meeting("CTOC-COP/WG.3"))).stdout) == []
    assert of_body(unkg("validate", "data/manifest.toml", str(meeting("CTOC-COP/WG.3"))).stdout) == []
    absent = of_body(unkg("validate", "--store", str(loaded), str(meeting("CTOC-COP/WG.9")), check=1).stdout)
    assert len(absent) == 1 and hint in absent[0] and "WG.9" in absent[0]


def test_load_names_every_extension_it_reads_when_refusing_a_file(tmp_path):
    """A file load cannot read was refused with a list of six extensions, though .turtle, .json, .owl and .xml
    are read too: the list is the loader's."""
    from loader.rdf_files import FORMATS

    table = tmp_path / "table.csv"
    table.write_text("a,b\n", encoding="utf-8")
    said = unkg("load", str(table), store=tmp_path / "store", check=2).stderr
    listed = re.search(r"not an RDF file \(([^)]*)\) nor a manifest", said)[1].split()
    assert sorted(listed) == sorted(FORMATS)


def test_validate_conforming_user_file(tmp_path):
    data = tmp_path / "ok.nt"
    data.write_text("<https://example.org/a> <https://example.org/p> \"x\" .\n")
    assert "conforms" in unkg("validate", str(data), check=0).stdout


# --- load ----------------------------------------------------------------------------------------------------

def test_load_is_idempotent_and_skips_unchanged_sources(loaded, copy_of):
    store = copy_of()
    before = dump(store)
    done = unkg("load", store=store, check=0)
    assert "unchanged" in done.stderr
    assert dump(store) == before
    unkg("load", "--force", store=store, check=0)
    assert dump(store) == before


def test_a_source_graph_the_manifest_no_longer_lists_is_named_and_can_be_dropped(copy_of, tmp_path):
    """A source renamed in the manifest was loaded into a new graph, and its old graph stayed, unsaid: the
    meeting then had two plenary meeting counts. The load names such a graph; `unkg drop` takes it out."""
    store = copy_of()
    old = "https://example.org/graph/renamed-source"
    trig = tmp_path / "old.trig"
    trig.write_text(f"<{old}> {{ <{old}> a <https://w3id.org/unkg/ontology#SourceGraph> ; "
                    f"<https://w3id.org/unkg/ontology#sha256> \"{'0' * 64}\" ; "
                    "<https://w3id.org/unkg/ontology#sourceFile> \"data/sources/old-name.txt\" . }\n", encoding="utf-8")
    unkg("load", str(trig), store=store, check=0)
    said = unkg("load", store=store, check=0).stderr
    # the file may still be listed, under another id: "which data/manifest.toml does not list" was untrue then
    assert f"note: graph <{old}> holds data/sources/old-name.txt from data/, loaded as a source that " \
           "data/manifest.toml no longer lists by that graph" in " ".join(said.split())
    assert f"`unkg drop {old}` takes it out" in " ".join(said.split())
    before = dump(store)
    missing = unkg("drop", old, "https://example.org/graph/never-loaded", store=store, check=2).stderr
    assert "no graph <https://example.org/graph/never-loaded> in this store" in missing
    assert dump(store) == before  # all or none
    cited = unkg("drop", "https://w3id.org/unkg/graph/UNTOC-eng", store=store, check=2).stderr  # the agenda cites it
    assert "which this drop removes (graph <https://w3id.org/unkg/graph/UNTOC-eng> described it)" in cited
    assert unkg("drop", "not an iri", store=store, check=2).stderr.startswith("error: graph 'not an iri' is not")
    assert dump(store) == before
    absent = tmp_path / "no-store"
    assert "no store here yet" in unkg("drop", old, store=absent, check=2).stderr and not absent.exists()
    unkg("drop", old, old, store=store, check=0)  # named twice, dropped once
    after = dump(store)
    assert not [q for q in after if old in q] and len(after) == len(before) - 3
    assert "note:" not in unkg("load", store=store, check=0).stderr


def test_load_puts_each_source_in_its_own_graph(loaded):
    graphs = {line.rsplit(" ", 2)[-2] for line in dump(loaded)}
    assert "<https://w3id.org/unkg/graph/UNTOC-eng>" in graphs
    assert "<https://w3id.org/unkg/graph/CTOC-COP-WG.3-2023-1-zho>" in graphs
    assert "<https://w3id.org/unkg/graph/ontology>" in graphs


def test_load_broken_file_leaves_the_store_as_it_was(copy_of, tmp_path):
    store = copy_of()
    before = dump(store)
    good = tmp_path / "good.ttl"
    good.write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/a> <https://example.org/p> .\n")
    done = unkg("load", str(good), str(broken), store=store, check=2)
    assert f"{broken}:1:" in done.stderr
    assert dump(store) == before


def test_load_non_conforming_file_is_refused(copy_of, tmp_path):
    store = copy_of()
    before = dump(store)
    data = tmp_path / "meeting.ttl"
    data.write_text("<https://example.org/m/1> a <https://w3id.org/unkg/ontology#Meeting> .\n")
    done = unkg("load", str(data), store=store, check=1)
    assert "https://example.org/m/1" in done.stderr
    assert dump(store) == before


def test_an_ill_typed_literal_anywhere_in_a_file_is_refused(copy_of, tmp_path):
    """"x"^^xsd:integer of a property no shape gives a datatype: validated as conforming, exit 0, and loaded."""
    store = copy_of()
    before = dump(store)
    data = tmp_path / "ill.ttl"
    data.write_text('<https://example.org/a> <https://example.org/b> "x"^^<http://www.w3.org/2001/XMLSchema#integer>'
                    " .\n", encoding="utf-8")
    said = f'{data}:1: ill-typed literal: "x" is not a value of xsd:integer (the object of <https://example.org/a> '
    assert said in unkg("validate", str(data), check=2).stderr
    assert said in unkg("validate", str(data), "--store", str(store), check=2).stderr
    assert said in unkg("load", str(data), store=store, check=2).stderr
    assert dump(store) == before


def test_values_beyond_oxigraphs_numbers_validate_and_load(copy_of, tmp_path):
    """An xsd:unsignedLong over 2^63, an integer of 20 digits, a decimal of 22 fractional digits, --02-29: values
    of XSD that Oxigraph's casts cannot hold were refused as ill-typed (exit 2); they conform and load."""
    store = copy_of()
    data = tmp_path / "big.ttl"
    data.write_text("".join(f'<https://example.org/a> <https://example.org/p> "{value}"^^'
                            f"<http://www.w3.org/2001/XMLSchema#{datatype}> .\n" for value, datatype in (
                                ("18446744073709551615", "unsignedLong"), ("99999999999999999999", "integer"),
                                ("9223372036854775808", "nonNegativeInteger"),
                                ("0.1234567890123456789012", "decimal"), ("--02-29", "gMonthDay"))),
                    encoding="utf-8")
    unkg("validate", str(data), check=0)
    unkg("load", str(data), store=store, check=0)
    loaded = [line for line in dump(store) if line.startswith("<https://example.org/a> <https://example.org/p> ")]
    assert len(loaded) == 5 and any('"18446744073709551615"' in line for line in loaded)


TYPED_MEETING = """@prefix unkg: <https://w3id.org/unkg/ontology#> .
@prefix eli-dl: <http://data.europa.eu/eli/eli-draft-legislation-ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14> a unkg:Meeting ; unkg:meetingNumber NUMBER ;
  unkg:ofBody <https://w3id.org/unkg/body/CTOC-COP/WG.3> ;
  eli-dl:activity_start_date "2023-09-11"^^xsd:date ; eli-dl:activity_end_date "2023-09-12"^^xsd:date ;
  prov:wasDerivedFrom <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L14> .
"""


def test_a_file_that_types_a_stored_meeting_cannot_give_it_a_second_number(copy_of, tmp_path):
    """Without "a unkg:Meeting" the file was refused; with it, it was checked on what it said alone, and the
    meeting had numbers 14 and 15. What the file restates as the store has it still loads."""
    store = copy_of()
    before = dump(store)
    second = tmp_path / "second-number.ttl"
    second.write_text(TYPED_MEETING.replace("NUMBER", "15"), encoding="utf-8")
    assert "meetingNumber" in unkg("validate", str(second), "--store", str(store), check=1).stdout
    assert "meetingNumber" in unkg("load", str(second), store=store, check=1).stderr
    assert dump(store) == before
    same = tmp_path / "same-number.ttl"
    same.write_text(TYPED_MEETING.replace("NUMBER", "14"), encoding="utf-8")
    unkg("load", str(same), store=store, check=0)
    unkg("load", str(same), store=store, check=0)  # and again, over its own graph


AGENDA = "https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/agenda"
EXTRA_ITEM = """@prefix unkg: <https://w3id.org/unkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix eli-dl: <http://data.europa.eu/eli/eli-draft-legislation-ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/item-NUMBER> a unkg:AgendaItem ; skos:notation "NUMBER" ;
  eli-dl:activity_order "NUMBER.5"^^xsd:decimal ; unkg:title "Other matters"@en ;
  prov:wasDerivedFrom <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L26> ;
  unkg:inAgenda <AGENDA> .
"""
LISTED = f"<{AGENDA}> eli-dl:consists_of <https://example.org/item-NUMBER> .\n"


def extra_item(tmp_path: Path, number: str, listed: bool = True) -> Path:
    """A file putting one more item, numbered ``number``, into the bundled agenda: by the item's unkg:inAgenda, and
    (``listed``) by the agenda's eli-dl:consists_of as well, as the model links them."""
    path = tmp_path / f"item-{number}{'' if listed else '-unlisted'}.ttl"
    text = (EXTRA_ITEM.replace("AGENDA", AGENDA) + (LISTED if listed else "")).replace("NUMBER", number)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_item_put_into_a_stored_agenda_is_checked_with_the_items_already_in_it(copy_of, tmp_path):
    """The file linked the item into the agenda only by unkg:inAgenda: the item was checked as an item, the agenda
    not at all, and the store ended with two items numbered 2 in one agenda (and one the agenda does not list)."""
    store = copy_of()
    before = dump(store)
    second = extra_item(tmp_path, "2", listed=False)
    twice = f"Agenda {AGENDA} has two items numbered 2: https://example.org/item-2 and {AGENDA}/item/2."
    unlisted = "item https://example.org/item-2 is in this agenda (unkg:inAgenda) but not listed in it"
    said = unkg("validate", str(second), "--store", str(store), check=1).stdout
    assert twice in said and unlisted in said
    said = unkg("load", str(second), store=store, check=1).stderr
    assert twice in said and unlisted in said and "does not conform to the shapes (2 violations)" in said
    assert dump(store) == before
    listed = extra_item(tmp_path, "2")  # listed by the agenda too: the number still taken
    assert twice in unkg("validate", str(listed), "--store", str(store), check=1).stdout
    assert twice in unkg("load", str(listed), store=store, check=1).stderr
    assert dump(store) == before


def test_an_item_with_a_free_number_joins_a_stored_agenda(copy_of, tmp_path):
    store = copy_of()
    sixth = extra_item(tmp_path, "6")
    said = unkg("validate", str(sixth), "--store", str(store), check=0).stdout
    assert f"{sixth}: conforms, 1 warning" in said and "Violation" not in said  # the warning: no annotations
    unkg("load", str(sixth), store=store, check=0)
    numbers = unkg("query", "--format", "csv", "SELECT ?n WHERE { ?i <https://w3id.org/unkg/ontology#inAgenda> "
                   f"<{AGENDA}> ; <http://www.w3.org/2004/02/skos/core#notation> ?n }} ORDER BY ?n",
                   store=store, check=0).stdout.split()
    assert numbers == ["n", "1", "1(a)", "1(b)", "2", "3", "4", "5", "6"]
    unlisted = extra_item(tmp_path, "7", listed=False)  # the agenda must list what is in it
    assert "but not listed in it" in unkg("load", str(unlisted), store=store, check=1).stderr


MEETING = "https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14"  # held 11-12 September 2023
PREFIXES = """@prefix unkg: <https://w3id.org/unkg/ontology#> .
@prefix eli-dl: <http://data.europa.eu/eli/eli-draft-legislation-ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SLOT = PREFIXES + """<https://example.org/slot> a unkg:TimeSlot ; unkg:slotOf <MEETING> ;
  eli-dl:activity_date "DAY"^^xsd:date ;
  unkg:startTime "DAYT10:00:00+02:00"^^xsd:dateTime ; unkg:endTime "DAYT13:00:00+02:00"^^xsd:dateTime ;
  prov:wasDerivedFrom <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L94> .
"""
ENTRY = """<https://example.org/slot> eli-dl:consists_of <https://example.org/slot/entry/1> .
<https://example.org/slot/entry/1> a unkg:ProgrammeEntry ; eli-dl:activity_order 1.0 ;
  unkg:takesUp <https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/agenda/item/2> ;
  prov:wasDerivedFrom <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L94> .
"""
DECISION = PREFIXES + f"""<https://example.org/decision> a unkg:Decision ; dcterms:date "DAY"^^xsd:date ;
  unkg:decidedBy <https://w3id.org/unkg/body/CTOC-COP/extended-bureau> ; unkg:approved "A schedule"@en ;
  unkg:concernsMeeting <{MEETING}> ;
  prov:wasDerivedFrom <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L40> .
"""
EVENT = PREFIXES + """<https://example.org/event> a unkg:Event ; eli-dl:activity_date "DAY"^^xsd:date ;
  unkg:followed <https://w3id.org/unkg/meeting/CTOC-COP/WG.3/13> ;
  prov:wasDerivedFrom <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L72> .
"""  # WG.3/13 has no dates of its own: it is part of (schema:subEvent) the event held 23-27 May 2022


@pytest.mark.parametrize(("text", "refused"), [
    (SLOT.replace("MEETING", MEETING).replace("DAY", "2030-09-13"),
     f"Time slot https://example.org/slot on 2030-09-13 falls outside the dates of its meeting {MEETING} "
     "(2023-09-11 to 2023-09-12)."),
    (SLOT.replace("MEETING", "https://w3id.org/unkg/meeting/CTOC-COP/WG.3/13").replace("DAY", "2022-05-24") + ENTRY,
     f"Time slot https://example.org/slot takes up {MEETING}/agenda/item/2, which is not on the agenda of the "
     "slot's meeting."),
    (DECISION.replace("DAY", "2023-10-01"),
     f"Decision https://example.org/decision is dated 2023-10-01, on or after the start (2023-09-11) of the "
     f"meeting {MEETING} it prepares."),
    (EVENT.replace("DAY", "2022-05-01"),
     "Event https://example.org/event is dated 2022-05-01, before the meeting "
     "https://w3id.org/unkg/meeting/CTOC-COP/WG.3/13 it followed began (2022-05-23)."),
], ids=["slot-in-2030", "item-of-another-meeting", "decision-after-the-meeting", "event-before-the-meeting"])
def test_a_resource_linking_to_a_stored_meeting_is_checked_against_its_values(copy_of, tmp_path, text, refused):
    """The shapes that read values of what a resource links to (a time slot's meeting's dates) saw only the stored
    meeting's type: a slot dated 2030 of the meeting held in September 2023 was accepted, and loaded, though the
    same slot in one file with its meeting is refused. The finding is the file's resource's, and the only one."""
    store = copy_of()
    before = dump(store)
    path = tmp_path / "linked.ttl"
    path.write_text(text, encoding="utf-8")
    said = unkg("validate", str(path), "--store", str(store), check=1).stdout
    assert refused in said and "does not conform (1 violation)" in said
    said = unkg("load", str(path), store=store, check=1).stderr
    assert refused in said and "does not conform to the shapes (1 violation)" in said
    assert dump(store) == before


def test_a_slot_within_its_stored_meetings_dates_is_loaded(copy_of, tmp_path):
    store = copy_of()
    path = tmp_path / "slot.ttl"
    path.write_text(SLOT.replace("MEETING", MEETING).replace("DAY", "2023-09-12") + ENTRY, encoding="utf-8")
    assert f"{path}: conforms" in unkg("validate", str(path), "--store", str(store), check=0).stdout
    unkg("load", str(path), store=store, check=0)
    slots = unkg("query", "--format", "csv", f"SELECT ?slot WHERE {{ ?slot <https://w3id.org/unkg/ontology#slotOf> "
                 f"<{MEETING}> }} ORDER BY ?slot", store=store, check=0).stdout.split()
    assert "https://example.org/slot" in slots and len(slots) == 6  # the header, the four slots, this one


PART_OF_AN_EVENT = "https://w3id.org/unkg/meeting/CTOC-COP/WG.3/13"  # dated only by the event it is part of
RESTATED_MEETING = PREFIXES + f"""<{PART_OF_AN_EVENT}> a unkg:Meeting ; unkg:meetingNumber 13 ;
  unkg:ofBody <https://w3id.org/unkg/body/CTOC-COP/WG.3> ;
  prov:wasDerivedFrom <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L72> .
"""
RESTATED_AGENDA = f"""<{AGENDA}> a unkg:Agenda ; unkg:agendaOf <{MEETING}> ;
  eli-dl:documented_by_a_realization_of <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1> ;
  eli-dl:consists_of {", ".join(f"<{AGENDA}/item/{n}>" for n in range(1, 6))} .
"""  # its items, as the store lists them (the sub-items 1(a) and 1(b) are item 1's)


def test_a_file_typing_a_stored_meeting_is_dated_by_the_stored_event_it_is_part_of(copy_of, tmp_path):
    """WG.3/13 has no dates of its own: the stored event it is part of (schema:subEvent, pointing at it) has them.
    A file restating the meeting with its type was refused ("has no start date"), the event's link into it not
    gathered from the store, though the store would hold both; it is accepted, and loaded, by both commands."""
    store = copy_of()
    path = tmp_path / "meeting-13.ttl"
    path.write_text(RESTATED_MEETING, encoding="utf-8")
    said = unkg("validate", str(path), "--store", str(store), check=0).stdout
    assert f"{path}: conforms" in said and "has no start date" not in said and "end date" not in said
    unkg("load", str(path), store=store, check=0)
    graphs = unkg("query", "--format", "csv", f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{PART_OF_AN_EVENT}> a "
                  "<https://w3id.org/unkg/ontology#Meeting> } } ORDER BY ?g", store=store, check=0).stdout.split()
    assert len(graphs) == 3 and graphs[-1].endswith("/file/meeting-13.ttl")  # the header, the agenda source's, its
    undated = unkg("validate", str(path), store=None, check=1).stdout  # alone, it is undated: the shape still reads
    assert "has no start date" in undated


def test_a_file_typing_a_stored_agenda_is_checked_with_the_stored_items_in_it(copy_of, tmp_path):
    """A restated agenda, typed, listing its items, is checked with the items the store puts in it: accepted as
    it is, refused with one more item numbered 2, which names both items."""
    store = copy_of()
    before = dump(store)
    wrong = extra_item(tmp_path, "2")  # the agenda restated, listing one more item numbered 2
    wrong.write_text(wrong.read_text(encoding="utf-8") + RESTATED_AGENDA, encoding="utf-8")
    twice = f"Agenda {AGENDA} has two items numbered 2: https://example.org/item-2 and {AGENDA}/item/2."
    assert twice in unkg("validate", str(wrong), "--store", str(store), check=1).stdout
    assert twice in unkg("load", str(wrong), store=store, check=1).stderr
    assert dump(store) == before
    path = tmp_path / "agenda.ttl"
    path.write_text(EXTRA_ITEM.split("<https://example.org", 1)[0] + RESTATED_AGENDA, encoding="utf-8")
    assert f"{path}: conforms" in unkg("validate", str(path), "--store", str(store), check=0).stdout
    unkg("load", str(path), store=store, check=0)
    assert dump(store) != before


def test_a_file_typing_a_stored_agenda_cannot_leave_out_an_item_stored_in_it(copy_of, tmp_path):
    """An item stored in the agenda (unkg:inAgenda, in one graph) and listed by it (in another): a file that
    replaces the listing with the agenda restated, typed, without that item was accepted, and loaded, leaving the
    store with an item in the agenda that the agenda does not list; the stored item's link into it was not read."""
    store = copy_of()
    head, item = EXTRA_ITEM.replace("AGENDA", AGENDA).replace("NUMBER", "6").split("<https://example.org", 1)
    listing = "GRAPH <https://example.org/graph/listing> {\n"
    first = tmp_path / "item.trig"
    first.write_text(f"{head}GRAPH <https://example.org/graph/item> {{\n<https://example.org{item}}}\n"
                     f"{listing}{LISTED.replace('NUMBER', '6')}}}\n", encoding="utf-8")
    unkg("load", str(first), store=store, check=0)
    before = dump(store)
    restated = tmp_path / "agenda.trig"
    restated.write_text(f"{head}{listing}{RESTATED_AGENDA}}}\n", encoding="utf-8")
    unlisted = f"Agenda {AGENDA}: item https://example.org/item-6 is in this agenda (unkg:inAgenda) but not listed"
    assert unlisted in unkg("validate", str(restated), "--store", str(store), check=1).stdout
    assert unlisted in unkg("load", str(restated), store=store, check=1).stderr
    assert dump(store) == before
    restated.write_text(f"{head}{listing}{RESTATED_AGENDA}{LISTED.replace('NUMBER', '6')}}}\n", encoding="utf-8")
    assert f"{restated}: conforms" in unkg("validate", str(restated), "--store", str(store), check=0).stdout
    unkg("load", str(restated), store=store, check=0)


WG3 = "https://w3id.org/unkg/body/CTOC-COP/WG.3"
NUMBERED_MEETING = TYPED_MEETING.replace(f"<{MEETING}>", "<https://example.org/IRI>")  # another meeting of WG.3


def numbered_meetings(tmp_path: Path, name: str, *meetings: tuple[str, str]) -> Path:
    """A file describing meetings of WG.3, each (the last part of its IRI, its number)."""
    path = tmp_path / name
    path.write_text("".join(NUMBERED_MEETING.replace("IRI", iri).replace("NUMBER", number)
                            for iri, number in meetings), encoding="utf-8")
    return path


def test_a_meeting_numbered_as_a_stored_meeting_of_its_body_is_refused(copy_of, tmp_path):
    """A body's meetings are one numbered series (unkg:meetingNumber): a file giving the working group another
    fourteenth meeting was accepted, and loaded, beside the one the bundled agenda plans. Refused by both commands,
    naming both meetings and the number, the store unchanged; a free number loads, and is then taken."""
    store = copy_of()
    before = dump(store)
    again = numbered_meetings(tmp_path, "m14.ttl", ("m14", "14"))
    twice = f"Body {WG3} has two meetings numbered 14: https://example.org/m14 and {MEETING}."
    said = unkg("validate", str(again), "--store", str(store), check=1).stdout
    assert twice in said and "does not conform (1 violation)" in said
    said = unkg("load", str(again), store=store, check=1).stderr
    assert twice in said and "does not conform to the shapes (1 violation)" in said
    assert dump(store) == before
    fifteenth = numbered_meetings(tmp_path, "m15.ttl", ("m15", "15"))
    assert f"{fifteenth}: conforms" in unkg("validate", str(fifteenth), "--store", str(store), check=0).stdout
    unkg("load", str(fifteenth), store=store, check=0)
    unkg("load", str(fifteenth), store=store, check=0)  # the same meeting restated, over its own graph
    loaded = dump(store)
    other = numbered_meetings(tmp_path, "other-15.ttl", ("other-15", "015"))  # 015 is 15
    twice = f"Body {WG3} has two meetings numbered 15: https://example.org/m15 and https://example.org/other-15."
    assert twice in unkg("validate", str(other), "--store", str(store), check=1).stdout
    assert twice in unkg("load", str(other), store=store, check=1).stderr
    assert dump(store) == loaded


def test_two_meetings_of_one_body_with_one_number_in_one_file_are_refused(copy_of, tmp_path):
    store = copy_of()
    before = dump(store)
    both = numbered_meetings(tmp_path, "both.ttl", ("a", "16"), ("b", "16"), ("c", "17"))
    twice = f"Body {WG3} has two meetings numbered 16: https://example.org/a and https://example.org/b."
    said = unkg("validate", str(both), "--store", str(store), check=1).stdout
    assert twice in said and "does not conform (1 violation)" in said
    alone = tmp_path / "alone.ttl"  # without the store, which types the body: the file does
    alone.write_text(both.read_text(encoding="utf-8") + f"<{WG3}> a unkg:Body .\n", encoding="utf-8")
    assert twice in unkg("validate", str(alone), check=1).stdout
    said = unkg("load", str(both), store=store, check=1).stderr
    assert twice in said and "does not conform to the shapes (1 violation)" in said
    assert dump(store) == before


MEETING_FIRST = """@prefix unkg: <https://w3id.org/unkg/ontology#> .
@prefix eli-dl: <http://data.europa.eu/eli/eli-draft-legislation-ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/m> a unkg:Meeting ; unkg:meetingNumber NUMBER ; unkg:ofBody <WG3> ;
  eli-dl:activity_start_date "2023-09-11"^^xsd:date ; eli-dl:activity_end_date "2023-09-12"^^xsd:date ;
  prov:wasDerivedFrom <https://example.org/p1> .
<WG3> a unkg:Body ; skos:prefLabel "国际合作工作组"@zh ; rdfs:label "国际合作工作组"@zh .
<https://example.org/p1> a unkg:SourcePassage ; unkg:verbatim "Meeting" ; unkg:line 1 ;
  <http://purl.org/dc/terms/isPartOf> <https://example.org/doc-en> .
<https://example.org/doc-en> a unkg:DocumentExpression ; <http://data.europa.eu/eli/ontology#realizes>
  <https://example.org/doc> ; <http://data.europa.eu/eli/ontology#language>
  <http://publications.europa.eu/resource/authority/language/ENG> .
<https://example.org/doc> a unkg:Document ; unkg:symbol "X/2023/1" .
""".replace("WG3", WG3)


def test_a_source_planning_a_meeting_numbered_as_a_stored_one_of_its_body_is_refused(tmp_path):
    """A source was validated with the types the store gives what it cites, not with the meetings the store gives
    its body: the bundled agenda, planning the working group's fourteenth meeting, loaded into a store where a
    file had given the working group another fourteenth meeting. Refused by both commands, the store unchanged;
    with the file's meeting numbered 15, the agenda loads."""
    store = tmp_path / "store"
    first = tmp_path / "first.ttl"
    first.write_text(MEETING_FIRST.replace("NUMBER", "14"), encoding="utf-8")
    unkg("load", str(first), store=store, check=0)
    before = dump(store)
    twice = f"Body {WG3} has two meetings numbered 14: https://example.org/m and {MEETING}."
    said = unkg("validate", "--store", str(store), check=1).stdout
    assert f"000_53ef33334a0e60d7.txt:12: Violation: <{WG3}>: {twice}" in said
    assert "000_53ef33334a0e60d7.txt: does not conform (1 violation)" in said
    said = unkg("load", store=store, check=1).stderr
    assert twice in said and "does not conform to the shapes (1 violation)" in said
    assert dump(store) == before
    first.write_text(MEETING_FIRST.replace("NUMBER", "15"), encoding="utf-8")
    unkg("load", str(first), store=store, check=0)
    assert "Violation" not in unkg("validate", "--store", str(store), check=0).stdout
    unkg("load", store=store, check=0)


HELD_LATER = {"2022 年 5 月 23 日至 27 日": "2022 年 5 月 30 日至 31 日",  # the 13th meetings, back to back
              "2022 年 5 月 27 日星期五": "2022 年 6 月 3 日星期五"}  # the dialogue after them
NUMERALS = {14: "十四", 15: "十五"}
AGENDA_FILE = "sources/000_53ef33334a0e60d7.txt"


def agendas_manifest(folder: Path, *agendas: tuple[str, int, bool]) -> Path:
    """A manifest of the treaty and copies of the bundled agenda, each (its id, the meeting it plans, whether it
    says the thirteenth meetings were held later: 30-31 May 2022, the dialogue after them on 3 June), in
    ``folder``."""
    folder.mkdir(exist_ok=True)
    manifest = (ROOT / "data" / "manifest.toml").read_text(encoding="utf-8")
    treaty, agenda = manifest.split("[[source]]\nid = " + AGENDA_ID.replace("'", '"'), 1)
    treaty = treaty.replace('file = "sources/', f'file = "{ROOT / "data" / "sources"}/')
    text = (ROOT / "data" / "sources" / "000_53ef33334a0e60d7.txt").read_text(encoding="utf-8")
    sources = []
    for source_id, number, later in agendas:
        copy = text.replace("第十四次", f"第{NUMERALS[number]}次")
        for printed, instead in HELD_LATER.items() if later else ():
            assert printed in copy
            copy = copy.replace(printed, instead)
        (folder / f"{source_id}.txt").write_text(copy, encoding="utf-8")
        entry = f'[[source]]\nid = "{source_id}"' + agenda.replace(AGENDA_FILE, f"{source_id}.txt")
        sources.append(entry.replace("meeting_number = 14", f"meeting_number = {number}").replace(
            'symbol = "CTOC/COP/WG.3/2023/1"', f'symbol = "CTOC/COP/WG.3/2023/{source_id}"'))
    path = folder / "manifest.toml"
    path.write_text(treaty + "".join(sources), encoding="utf-8")
    return path


BEFORE_HELD = ("Event https://w3id.org/unkg/event/CTOC-COP/review-mechanism/constructive-dialogue/2022-05-27 is dated "
               "2022-05-27, before the meeting https://w3id.org/unkg/meeting/CTOC-COP/WG.3/13 it followed began "
               "(2022-05-30).")


def test_a_source_is_judged_with_what_the_sources_before_it_in_one_load_plan(tmp_path):
    """A source was checked with what the store says of the meetings it names, not with what the sources loaded
    before it by the same command say of them: an agenda whose dialogue followed the thirteenth meetings on 27 May
    loaded after one saying those meetings began on 30 May, though it is refused once that one is stored. Refused
    by both commands, no store made; two agendas that agree load together."""
    store = tmp_path / "store"
    manifest = agendas_manifest(tmp_path / "later-first", ("later", 15, True), ("a", 14, False))
    said = unkg("validate", str(manifest), check=1).stdout
    assert f"a.txt:72: Violation: <https://w3id.org/unkg/event/CTOC-COP/review-mechanism/constructive-dialogue/" \
           f"2022-05-27> followed: {BEFORE_HELD}" in said, said
    assert "later.txt: conforms" in said and "a.txt: does not conform (2 violations)" in said
    said = unkg("load", str(manifest), store=store, check=1).stderr
    assert BEFORE_HELD in said and "a.txt: does not conform to the shapes (2 violations)" in said, said
    assert not store.exists()
    together = agendas_manifest(tmp_path / "together", ("a", 14, False), ("b", 15, False))
    assert "Violation" not in unkg("validate", str(together), check=0).stdout
    unkg("load", str(together), store=store, check=0)


def test_a_source_is_not_judged_with_the_stored_copy_of_a_source_the_same_load_replaces(tmp_path):
    """Re-loading two agendas that both now say the thirteenth meetings were held 23-27 May (they said 30-31 May)
    was refused: the first was checked with the store's old copy of the second, which the load replaces, while
    `unkg validate --store` left out the graphs of every source it builds. Both now judge each with the store
    but for the graphs the load rewrites; in either order."""
    for order in [(("a", 14), ("b", 15)), (("b", 15), ("a", 14))]:
        folder = tmp_path / "-".join(name for name, _ in order)
        store = folder / "store"
        agendas_manifest(folder, *((name, number, True) for name, number in order))
        unkg("load", str(folder / "manifest.toml"), store=store, check=0)
        manifest = agendas_manifest(folder, *((name, number, False) for name, number in order))
        assert "Violation" not in unkg("validate", str(manifest), "--store", str(store), check=0).stdout
        unkg("load", str(manifest), store=store, check=0)
        assert unkg("query", "ASK { ?event <https://schema.org/subEvent> ?meeting ; "
                    "<http://data.europa.eu/eli/eli-draft-legislation-ontology#activity_start_date> "
                    '"2022-05-30"^^<http://www.w3.org/2001/XMLSchema#date> }', store=store,
                    check=0).stdout.strip() == "false"
        later = agendas_manifest(folder, (order[0][0], order[0][1], True), (order[1][0], order[1][1], False))
        before = dump(store)  # one says 30 May again, the other still 23 May: refused, the store as it was
        said = unkg("load", str(later), store=store, check=1).stderr
        assert BEFORE_HELD in said and "does not conform to the shapes (2 violations)" in said, said
        assert dump(store) == before


def test_the_error_counts_the_violations_the_report_prints(tmp_path):
    """An untagged title breaks sh:datatype and sh:languageIn with one message: printed once, it was counted twice
    in the closing error."""
    data = tmp_path / "title.ttl"
    data.write_text('<https://example.org/d/1> a <https://w3id.org/unkg/ontology#Document> ;\n'
                    '  <http://purl.org/dc/terms/title> "no language" .\n', encoding="utf-8")
    said = unkg("load", str(data), store=tmp_path / "store", check=1).stderr
    assert f"{data}: does not conform (1 violation)" in said
    assert said.rstrip().endswith(f"error: {data}: does not conform to the shapes (1 violation)")


def test_a_first_load_that_fails_leaves_no_store_behind(tmp_path):
    data = tmp_path / "meeting.ttl"
    data.write_text("<https://example.org/m/1> a <https://w3id.org/unkg/ontology#Meeting> .\n")
    new = tmp_path / "new-store"
    unkg("load", str(data), store=new, check=1)
    assert not new.exists()
    existing = tmp_path / "made-by-hand"
    existing.mkdir()
    unkg("load", str(data), store=existing, check=1)
    assert existing.is_dir() and not any(existing.iterdir())  # the empty directory was there before: it stays


def test_load_rdf_file_into_a_named_graph(copy_of, tmp_path):
    store = copy_of()
    data = tmp_path / "extra.ttl"
    data.write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    unkg("load", str(data), "--graph", "https://example.org/g", store=store, check=0)
    assert '<https://example.org/a> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> ' \
           '<https://example.org/g> .' in dump(store)


def test_store_that_is_a_file_or_a_foreign_directory(tmp_path):
    file = tmp_path / "file"
    file.write_text("x")
    assert "not a store directory" in unkg("stats", store=file, check=2).stderr
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    assert "not an Oxigraph store" in unkg("load", store=other, check=2).stderr
    assert "no store here yet" in unkg("stats", store=tmp_path / "empty", check=2).stderr


def _hold(path: str, ready, release) -> None:
    store = ox.Store(path)  # held (and locked) until released
    ready.set()
    release.wait(60)
    del store


def test_store_locked_by_another_process(copy_of):
    store = copy_of()
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(str(store), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        done = unkg("load", store=store, check=2)
        assert "locked by another process" in done.stderr
    finally:
        release.set()
        holder.join(30)


# --- query, export, stats ------------------------------------------------------------------------------------

def test_query_formats(loaded):
    q = "SELECT ?n WHERE { ?m a unkg:Meeting ; unkg:meetingNumber ?n } ORDER BY ?n"
    table = unkg("query", q, store=loaded, check=0).stdout
    assert "14" in table
    csv = unkg("query", q, "--format", "csv", store=loaded, check=0).stdout
    assert csv.splitlines()[0] == "n" and "14" in csv.splitlines()
    body = json.loads(unkg("query", q, "--format", "json", store=loaded, check=0).stdout)
    assert "14" in {b["n"]["value"] for b in body["results"]["bindings"]}
    assert unkg("query", "ASK { ?s a unkg:Meeting }", store=loaded, check=0).stdout.strip() == "true"


def test_query_from_file_and_errors(loaded, tmp_path):
    file = tmp_path / "q.rq"
    file.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert "n" in unkg("query", "-f", str(file), store=loaded, check=0).stdout
    bad = unkg("query", "SELECT * WHERE { ?s ?p }", store=loaded, check=2).stderr
    assert "query syntax error" in bad and "1:" in bad
    undeclared = unkg("query", "SELECT * WHERE { ?s foo:bar ?o }", store=loaded, check=2).stderr
    assert undeclared.strip() == "error: query syntax error: error at 1:28: the prefix foo: is not declared " \
                                 "(PREFIX foo: <…>)"
    assert "one of them" in unkg("query", store=loaded, check=2).stderr


def test_export_round_trips(loaded, tmp_path):
    out = tmp_path / "dump.nq"
    unkg("export", "-o", str(out), store=loaded, check=0)
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(dump(loaded))
    trig = unkg("export", "--format", "trig", store=loaded, check=0).stdout
    assert len(list(ox.parse(trig.encode(), format=ox.RdfFormat.TRIG))) == len(quads)


def test_stats_counts_graphs_and_classes(loaded):
    text = unkg("stats", store=loaded, check=0).stdout
    assert "https://w3id.org/unkg/graph/UNTOC-eng" in text
    assert "https://w3id.org/unkg/ontology#Meeting" in text
    assert "total" in text


@pytest.mark.parametrize("columns", [None, "40"])
def test_tables_written_to_a_pipe_cut_no_iri_short(loaded, columns):
    """``unkg stats > file`` printed "…eli-draft-legislation-ontology#Decisi", Decision or DecisionMethod."""
    text = unkg("stats", store=loaded, check=0, columns=columns).stdout
    assert "http://data.europa.eu/eli/eli-draft-legislation-ontology#DecisionMethod " in text
    assert "http://data.europa.eu/eli/eli-draft-legislation-ontology#ForeseenActivity " in text
    query = "SELECT ?item ?n WHERE { ?item <http://www.w3.org/2004/02/skos/core#notation> ?n }"
    rows = unkg("query", query, store=loaded, check=0, columns=columns).stdout
    assert "https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/agenda/item/1/a " in rows


def test_load_graph_must_be_an_iri_and_not_a_sources_graph(copy_of, tmp_path):
    store = copy_of()
    before = dump(store)
    data = tmp_path / "one.ttl"
    data.write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    assert "is not an IRI" in unkg("load", str(data), "--graph", "not an iri", store=store, check=2).stderr
    injected = "https://example.org/g> } } ; DROP ALL ; INSERT DATA { GRAPH <https://example.org/x"
    assert "is not an IRI" in unkg("load", str(data), "--graph", injected, store=store, check=2).stderr
    taken = unkg("load", str(data), "--graph", "https://w3id.org/unkg/graph/UNTOC-eng", store=store, check=2)
    assert "bundled source" in taken.stderr
    trig = tmp_path / "sneaky.trig"
    trig.write_text("<https://w3id.org/unkg/graph/UNTOC-eng> { <https://example.org/a> <https://example.org/p> 1 }\n")
    assert "bundled source" in unkg("load", str(trig), store=store, check=2).stderr
    assert dump(store) == before


def test_query_never_fetches_a_url(loaded, trap):
    done = unkg("query", f"SELECT * WHERE {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}", store=loaded, check=2)
    assert "does not fetch URLs" in done.stderr and trap.url in done.stderr
    assert "Traceback" not in done.stderr
    assert trap.requests == []


def test_a_long_chain_is_answered_and_an_overlong_query_refused_without_a_crash(loaded, tmp_path):
    deep, overlong = tmp_path / "deep.rq", tmp_path / "overlong.rq"
    deep.write_text("ASK { FILTER(" + "!" * 20_000 + "true) }")  # overflowed the main thread's stack: exit -11
    overlong.write_text("ASK { FILTER(" + "!" * 60_000 + "true) }")
    assert unkg("query", "-f", str(deep), store=loaded, check=0).stdout.strip() == "true"
    refused = unkg("query", "-f", str(overlong), store=loaded, check=2)
    assert "more than 50,000 tokens" in refused.stderr and "Traceback" not in refused.stderr


def test_query_syntax_error_is_one_line(loaded):
    done = unkg("query", "SELECT * WHERE { ?s ?p }", store=loaded, check=2)
    assert len(done.stderr.strip().splitlines()) == 1



# --- what is printed is data, never Rich markup ---------------------------------------------------------------

@pytest.mark.parametrize("text", ["The Conference decides [to be confirmed] on the date",
                                  "Article 5 [/alternative] text", "[/]", "[bold]kept[/bold] :smile:"])
def test_query_table_prints_bracketed_text_verbatim(loaded, text):
    done = unkg("query", f'SELECT ?x {{ BIND("{text}" AS ?x) }}', store=loaded, check=0)
    assert text in done.stdout
    assert "Traceback" not in done.stderr


def test_stats_prints_iris_with_brackets_verbatim(copy_of):
    store = copy_of()
    db = ox.Store(str(store))
    db.add(ox.Quad(ox.NamedNode("http://ex/thing"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode("http://[v1.b]/Class"), ox.NamedNode("http://[v1.b]/graph")))
    db.flush()
    del db
    text = unkg("stats", store=store, check=0).stdout
    assert "http://[v1.b]/Class" in text and "http://[v1.b]/graph" in text


def test_load_names_a_store_path_with_brackets_verbatim(tmp_path):
    data = tmp_path / "one.ttl"
    data.write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    store = tmp_path / "[draft] stores" / "store"
    done = unkg("load", str(data), store=store, check=0)
    assert f"into {store}" in done.stderr


# --- query output formats ------------------------------------------------------------------------------------

def test_query_table_shows_a_triple_term(loaded):
    q = 'SELECT ?t { BIND(<<( <http://ex/a> <http://ex/b> <<( <http://ex/c> <http://ex/d> "e" )>> )>> AS ?t) }'
    done = unkg("query", q, store=loaded, check=0)
    assert "<<( http://ex/a http://ex/b <<( http://ex/c http://ex/d e )>> )>>" in done.stdout
    assert "Traceback" not in done.stderr


def test_query_each_format_is_that_format_or_a_usage_error(loaded):
    assert json.loads(unkg("query", "ASK {}", "--format", "json", store=loaded, check=0).stdout) == \
        {"head": {}, "boolean": True}
    construct = "CONSTRUCT { <http://ex/a> <http://ex/b> <http://ex/c> } {}"
    assert json.loads(unkg("query", construct, "--format", "json", store=loaded, check=0).stdout) == \
        [{"@id": "http://ex/a", "http://ex/b": [{"@id": "http://ex/c"}]}]
    turtle = unkg("query", construct, store=loaded, check=0).stdout
    assert [q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)] == \
        [ox.Triple(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/b"), ox.NamedNode("http://ex/c"))]
    tsv = unkg("query", "SELECT ?x { BIND(1 AS ?x) }", "--format", "tsv", store=loaded, check=0).stdout
    assert tsv.splitlines() == ["?x", "1"]
    for query, kind in ((construct, "CONSTRUCT"), ("DESCRIBE <http://ex/a>", "CONSTRUCT"), ("ASK {}", "ASK")):
        for format in ("csv", "tsv"):
            done = unkg("query", query, "--format", format, store=loaded, check=2)
            assert done.stdout == ""
            assert len(done.stderr.splitlines()) == 1
            assert f"--format {format}" in done.stderr and kind in done.stderr


# --- query text that is not UTF-8, or not a query --------------------------------------------------------------

def test_query_file_that_is_not_utf8_is_one_line(loaded, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_bytes(b'ASK { FILTER("\xff") }')
    done = unkg("query", "-f", str(bad), store=loaded, check=2)
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert str(bad) in done.stderr and "not UTF-8" in done.stderr
    assert "Traceback" not in done.stderr


def test_query_argument_that_is_not_utf8_is_one_line(loaded):
    argv = [*UNKG, "query", b'ASK { FILTER("\xff") }', "--store", str(loaded)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "command line is not UTF-8" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("update", ["INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }",
                                    "PREFIX ex: <http://ex/> # a comment\n delete{ ?s ?p ?o } WHERE { ?s ?p ?o }",
                                    "WITH <http://ex/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                    "LOAD <http://ex/data.ttl>"])
def test_query_refuses_an_update_saying_so(loaded, update):
    done = unkg("query", update, store=loaded, check=2)
    assert len(done.stderr.strip().splitlines()) == 1
    assert "updates are not supported" in done.stderr and "read-only queries" in done.stderr
    if not update.startswith("LOAD"):
        assert "query syntax error: error at" in done.stderr  # the parser's own message stays


def test_a_query_syntax_error_says_nothing_of_updates(loaded):
    done = unkg("query", "SELECT * WHERE { ?s ?p }", store=loaded, check=2)
    assert "update" not in done.stderr


# --- a missing file is missing, whatever its extension -------------------------------------------------------

@pytest.mark.parametrize("name", ["nofile.txt", "nofile"])
def test_load_and_validate_say_a_missing_file_is_missing(copy_of, tmp_path, name):
    store = copy_of()
    missing = tmp_path / name
    for done in (unkg("load", str(missing), store=store, check=2), unkg("validate", str(missing), check=2)):
        assert done.stderr.strip() == f"error: {missing}: no such file"


# --- serve refuses what it cannot serve ----------------------------------------------------------------------

@pytest.mark.parametrize("timeout", ["nan", "inf", "0"])
def test_serve_refuses_a_time_limit_that_is_not_a_positive_number(loaded, timeout):
    argv = [*UNKG, "serve", "--timeout", timeout, "--port", "0", "--store", str(loaded)]
    try:  # refused up front: a server that starts would run until killed
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"unkg serve --timeout {timeout} started serving")
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: the time limit must be a positive number of seconds, not {float(timeout)}"


def test_serve_on_a_taken_port_says_so_in_one_line(loaded):
    """Not uvicorn's log and exit 3: one line and exit 2, as for every input the user can fix."""
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        argv = [*UNKG, "serve", "--port", str(port), "--store", str(loaded)]
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"


# --- a manifest, or a file it names, that cannot be used: one line, exit 2, the store as it was ------------------

def refused_load(store: Path, manifest: Path) -> str:
    """Load ``manifest`` into ``store``: refused with exit 2, one line and no traceback, nothing changed."""
    before = dump(store)
    done = unkg("load", str(manifest), store=store, check=2)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert dump(store) == before
    return done.stderr.strip()


def test_load_a_manifest_that_is_not_utf8(copy_of, tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"\xff[[source]]\n")
    assert refused_load(copy_of(), latin) == (
        f"error: {latin}:1: not UTF-8 text: byte 0xff at column 1 (invalid start byte)")


def manifest_with(tmp_path: Path, old: str, new: str) -> Path:
    """The bundled manifest in ``tmp_path``, its files made absolute and ``old`` replaced by ``new`` once."""
    sources = ROOT / "data" / "sources"
    text = (ROOT / "data" / "manifest.toml").read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1).replace('file = "sources/', f'file = "{sources}/')
    path = tmp_path / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    return path


AGENDA_ID = "'CTOC-COP-WG.3-2023-1-zho'"


@pytest.mark.parametrize(("old", "new", "says"), [
    ('names = ["国际合作工作组"]', 'names = "国际合作工作组"',
     f"source {AGENDA_ID}, body 'CTOC-COP/WG.3': 'names' must be a list of non-empty strings, not a string"),
    ('id = "UNTOC-eng"', "id = 7", "source #1: 'id' must be a non-empty string, not an integer (7)"),
    ('genre = "treaty"', 'genre = ["treaty"]', "source 'UNTOC-eng': 'genre' must be a non-empty string, not a list"),
    ('instrument = "UNTOC"', 'instrument = ["UNTOC"]', "source 'UNTOC-eng': 'instrument' must be a non-empty string"),
    ('body = "CTOC-COP/WG.3"', "body = 5", f"source {AGENDA_ID}: 'body' must be a non-empty string, not an integer"),
    ('symbol = "CTOC/COP/WG.3/2023/1"', "symbol = 12", f"source {AGENDA_ID}: 'symbol' must be a non-empty string"),
    ("meeting_number = 14", 'meeting_number = "14"',
     f"source {AGENDA_ID}: 'meeting_number' must be a positive integer, not a string ('14')"),
    ("meeting_number = 14", "meeting_numbr = 14",
     f"source {AGENDA_ID}: unknown key 'meeting_numbr' (did you mean 'meeting_number'?)"),
])
def test_load_refuses_a_manifest_key_of_another_type_or_unknown(copy_of, tmp_path, old, new, says):
    manifest = manifest_with(tmp_path, old, new)
    line = next(n for n, text in enumerate(manifest.read_text().splitlines(), start=1) if text.startswith(new))
    assert refused_load(copy_of(), manifest).startswith(f"error: {manifest}:{line}: {says}")


def test_load_refuses_a_manifest_file_that_is_a_number(copy_of, tmp_path):
    manifest = manifest_with(tmp_path, 'file = "sources/untoc/UNTOC.en.md"', "file = 5")
    assert refused_load(copy_of(), manifest) == (
        f"error: {manifest}:7: source 'UNTOC-eng': 'file' must be a non-empty string, not an integer (5)")


def test_load_refuses_a_body_without_evidence(copy_of, tmp_path):
    """It was loaded with unkg:evidence "": a fact the manifest states with nothing to support it."""
    evidence = next(line for line in (ROOT / "data" / "manifest.toml").read_text().splitlines()
                    if line.startswith('evidence = "Line 40: 联合国'))
    manifest = manifest_with(tmp_path, evidence + "\n", "")
    line = next(n for n, text in enumerate(manifest.read_text().splitlines(), start=1)
                if text == 'path = "CTOC-COP/extended-bureau"') - 1
    assert refused_load(copy_of(), manifest) == (
        f"error: {manifest}:{line}: source {AGENDA_ID}, body 'CTOC-COP/extended-bureau' lacks 'evidence' "
        "(a non-empty string)")


def test_load_refuses_two_sources_with_one_id(copy_of, tmp_path):
    """They were merged into one graph with two unkg:sha256 (against the SourceGraph shape), exit 0, and the
    graph was reloaded on every run."""
    manifest = manifest_with(tmp_path, 'id = "CTOC-COP-WG.3-2023-1-zho"', 'id = "UNTOC-eng"')
    first, second = [n for n, text in enumerate(manifest.read_text().splitlines(), start=1)
                     if text == 'id = "UNTOC-eng"']
    assert refused_load(copy_of(), manifest) == (
        f"error: {manifest}:{second}: two sources have the id 'UNTOC-eng' (the first at line {first}): each source "
        "is loaded into a graph of its own, named by its id")


@pytest.mark.parametrize("order", ["treaty alone", "agenda first"])
def test_load_refuses_a_treaty_that_loses_an_article_the_agenda_cites(copy_of, tmp_path, order):
    """The agenda in the store cites art. 27; a treaty cut before it replaced the old one, exit 0, and the agenda's
    nine citations led nowhere (with the agenda listed first it was checked against the old treaty, then kept)."""
    treaty = ROOT / "data" / "sources" / "untoc" / "UNTOC.en.md"
    cut = tmp_path / "UNTOC-cut.en.md"
    cut.write_text("\n".join(treaty.read_text(encoding="utf-8").splitlines()[:300]) + "\n", encoding="utf-8")
    manifest = manifest_with(tmp_path, 'file = "sources/untoc/UNTOC.en.md"', f'file = "{cut}"')
    head, treaty_entry, agenda_entry = re.split(r"\n(?=\[\[source\]\]\n)", manifest.read_text(encoding="utf-8"),
                                                  maxsplit=2)
    manifest.write_text(head + "\n" + (treaty_entry if order == "treaty alone" else agenda_entry + "\n" + treaty_entry),
                        encoding="utf-8")
    said = refused_load(copy_of(), manifest)
    assert said.startswith("error: <https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/agenda/item/2")
    assert "links to <https://w3id.org/unkg/instrument/UNTOC/art/27" in said
    assert "which this load removes (graph <https://w3id.org/unkg/graph/UNTOC-eng> described it)" in said


def test_a_source_outside_the_project_is_named_without_the_operators_path(tmp_path):
    """A manifest kept elsewhere put "/home/<user>/…/sources/agenda.txt" into the public graph."""
    import shutil

    for name in ("000_53ef33334a0e60d7.txt", "untoc/UNTOC.en.md"):
        (tmp_path / "kept" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "data" / "sources" / name, tmp_path / "kept" / name)
    manifest = tmp_path / "kept" / "manifest.toml"
    manifest.write_text((ROOT / "data" / "manifest.toml").read_text(encoding="utf-8").replace('"sources/', '"'),
                        encoding="utf-8")
    store = tmp_path / "store"
    unkg("load", str(manifest), store=store, check=0, cwd=tmp_path)
    quads = dump(store)
    assert not [q for q in quads if "kept/" in q]  # no path, however unkg was run
    assert any('<https://w3id.org/unkg/ontology#sourceFile> "000_53ef33334a0e60d7.txt"' in q for q in quads)
    again = unkg("load", str(manifest), store=store, check=0, cwd="/")  # from elsewhere: the same sources
    assert "2 unchanged" in again.stderr and dump(store) == quads


def test_a_finding_about_a_source_names_the_line_it_was_read_from(tmp_path):
    """It named the file only; the annotation citing a subparagraph the treaty lacks is on line 52."""
    agenda = tmp_path / "agenda.txt"
    text = (ROOT / "data" / "sources" / "000_53ef33334a0e60d7.txt").read_text(encoding="utf-8")
    agenda.write_text(text.replace("第27条第1款(a)和(f)项", "第27条第1款(a)和(g)项", 1), encoding="utf-8")
    manifest = manifest_with(tmp_path, 'file = "sources/000_53ef33334a0e60d7.txt"', f'file = "{agenda}"')
    said = unkg("validate", str(manifest), check=1).stdout
    assert f"{agenda}:52: Violation: <https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/agenda/item/2/annotation/2> " \
           "citesProvision:" in said and "subpara/g" in said


@pytest.mark.parametrize(("code", "says"), [
    ("xx", "'language' must be an ISO 639-2 code such as eng (three lower-case letters), not a string ('xx')"),
    ("deu", "unknown language 'deu' for an annotated agenda (known: ara, eng, fra, rus, spa, zho)"),
])
def test_load_refuses_an_agenda_language_it_cannot_mint(copy_of, tmp_path, code, says):
    """``xx`` gave ``ValueError: not an ISO 639-2 code`` (loader/iris.py) and a traceback."""
    manifest = manifest_with(tmp_path, 'language = "zho"', f'language = "{code}"')
    assert refused_load(copy_of(), manifest).endswith(says)


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="needs Linux's /proc")
def test_load_names_a_source_file_it_cannot_read(copy_of, tmp_path):
    """The checksum that decides whether a source changed was read first: a PermissionError traceback. A file that
    every user, root too, fails to read: /proc/self/mem, a regular file whose first bytes are not mapped (EIO);
    the file mode is no use here, as root reads a file whatever its mode."""
    unreadable = tmp_path / "UNTOC.en.md"
    unreadable.symlink_to("/proc/self/mem")
    manifest = manifest_with(tmp_path, 'file = "sources/untoc/UNTOC.en.md"', f'file = "{unreadable}"')
    said = refused_load(copy_of(), manifest)  # the path as resolved: /proc/<the command's pid>/mem
    assert re.fullmatch(r"error: /proc/\d+/mem: cannot read the file: Input/output error", said), said


# --- UNKG_BASE must be a base the loader can mint under ----------------------------------------------------------

@pytest.mark.parametrize(("base", "says"), [
    ("http://exa mple/", "is not an absolute IRI: Invalid IRI code point ' '"),
    ("example.org/kg/", "is not an absolute IRI: No scheme found in an absolute IRI"),
    ("http://example.org/kg", "must end in / (the loader mints base + path, and the server answers for it at "
                              "/path): 'http://example.org/kg/'?"),
    ("http://example.org/kg#", "must end in / (the loader mints base + path, and the server answers for it at "
                               "/path): 'http://example.org/kg/'?"),
])
def test_load_and_validate_refuse_an_unkg_base_that_is_not_a_base_iri(copy_of, monkeypatch, base, says):
    """``ValueError: Invalid IRI code point`` (a traceback) once the first IRI was minted under it."""
    store = copy_of()
    monkeypatch.setenv("UNKG_BASE", base)
    before = dump(store)
    for done in (unkg("load", store=store, check=2), unkg("validate", check=2)):
        assert done.stderr.strip() == f"error: UNKG_BASE {base!r} {says}"
    assert dump(store) == before


def test_load_refuses_a_source_id_that_would_replace_the_ontology(copy_of, tmp_path):
    """It was loaded into graph/ontology, in place of the ontology, exit 0."""
    manifest = manifest_with(tmp_path, 'id = "UNTOC-eng"', 'id = "ontology"')
    line = manifest.read_text(encoding="utf-8").splitlines().index('id = "ontology"') + 1
    assert refused_load(copy_of(), manifest) == (
        f"error: {manifest}:{line}: source 'ontology': the id 'ontology' is reserved: graph/ontology holds the "
        "ontology (loader/pipeline.py ONTOLOGY_GRAPH)")


def test_a_file_replacing_a_graph_of_its_name_says_so(tmp_path):
    """a/x.ttl then b/x.ttl: both said "loaded 1 graph(s)", and a/x.ttl's triples were gone without a word."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "x.ttl", tmp_path / "b" / "x.ttl"
    first.write_text('<https://example.org/a> <https://example.org/p> "A" .\n', encoding="utf-8")
    second.write_text('<https://example.org/b> <https://example.org/p> "B" .\n', encoding="utf-8")
    store, graph = tmp_path / "store", "https://w3id.org/unkg/graph/file/x.ttl"
    assert "note:" not in unkg("load", str(first), store=store, check=0).stderr  # nothing there before
    said = " ".join(unkg("load", str(second), store=store, check=0).stderr.split())
    assert f"note: graph <{graph}> held triples before this load; those of {second} replace them" in said
    assert dump(store) == [f'<https://example.org/b> <https://example.org/p> "B" <{graph}> .']
    # two of that name in one command fill the graph together: one note, naming both
    said = " ".join(unkg("load", str(first), str(second), store=store, check=0).stderr.split())
    assert said.count("note:") == 1 and f"those of {first} and {second} replace them" in said
    # a graph the user chose, or one a TriG file names, is not named by a file name: nothing to say
    other = "https://example.org/kept"
    unkg("load", str(first), "--graph", other, store=store, check=0)
    assert "note:" not in unkg("load", str(first), "--graph", other, store=store, check=0).stderr
    trig = tmp_path / "named.trig"
    trig.write_text('<https://example.org/g1> { <https://example.org/a> <https://example.org/p> "A" . }\n')
    unkg("load", str(trig), store=store, check=0)
    assert "note:" not in unkg("load", str(trig), store=store, check=0).stderr


def test_load_graph_counts_rdf_files_not_manifests(copy_of, tmp_path):
    """--graph was refused beside a manifest though there was one RDF file, and ignored with no RDF file."""
    store = copy_of()
    data = tmp_path / "extra.ttl"
    data.write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    before = dump(store)
    alone = unkg("load", "data/manifest.toml", "--graph", "https://example.org/g", store=store, check=2)
    assert alone.stderr == "error: --graph names the target of exactly one RDF file; this load has 0\n"
    assert dump(store) == before
    unkg("load", "data/manifest.toml", str(data), "--graph", "https://example.org/g", store=store, check=0)
    assert '<https://example.org/a> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> ' \
           '<https://example.org/g> .' in dump(store)


def test_load_validate_and_query_refuse_a_directory_and_standard_input(copy_of, tmp_path):
    store = copy_of()
    before = dump(store)
    for command in ("load", "validate", "query -f"):
        for argument, says in ((str(tmp_path), f"{tmp_path}: is a directory, not "),
                               ("-", "-: reading standard input is not supported")):
            done = unkg(*command.split(), argument, store=store if command != "validate" else None, check=2)
            assert done.stderr.startswith(f"error: {says}"), done.stderr
    assert dump(store) == before


def test_a_byte_order_mark_starts_a_query_file_or_an_rdf_file(loaded, tmp_path):
    """Editors on Windows write one; it is not part of the text, and the columns of an error stay right."""
    bom = "\ufeff"
    query = tmp_path / "q.rq"
    query.write_text(bom + "ASK { ?s ?p ?o }", encoding="utf-8")
    assert unkg("query", "-f", str(query), store=loaded, check=0).stdout == "true\n"
    query.write_text(bom + "SELECT * WHERE { ?s ?p }", encoding="utf-8")
    plain = unkg("query", "SELECT * WHERE { ?s ?p }", store=loaded, check=2).stderr
    assert unkg("query", "-f", str(query), store=loaded, check=2).stderr == plain
    data = tmp_path / "bom.ttl"
    data.write_text(bom + "@prefix ex: <https://example.org/> .\nex:a ex:p 1 .\n", encoding="utf-8")
    assert unkg("validate", str(data), check=0).stdout == f"{data}: conforms\n"


@pytest.mark.parametrize("command", [["export"], ["export", "--format", "trig"], ["stats"],
                                     ["query", "SELECT * WHERE { ?s ?p ?o }"],
                                     ["query", "--format", "csv", "SELECT * WHERE { ?s ?p ?o }"],
                                     ["query", "CONSTRUCT WHERE { ?s ?p ?o }"], ["validate"]])
def test_output_to_a_closed_pipe_ends_quietly(loaded, command):
    """As `unkg export | head -1` when head has gone: exit 141 (SIGPIPE's), as Unix tools, not 1, which says the
    data does not conform, and nothing on stderr."""
    read, write = os.pipe()
    os.close(read)
    argv = [*UNKG, *command] + (["--store", str(loaded)] if command[0] != "validate" else [])
    try:
        done = subprocess.run(argv, cwd=ROOT, stdout=write, stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")


@pytest.mark.parametrize("format", ["csv", "tsv", "json"])
def test_query_output_streams_as_oxigraph_makes_it(loaded, format):
    """A result of millions of rows starts printing at once, not after all of it sat in memory (3.7 GB for 3M)."""
    cross = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }"  # tens of millions of rows over the bundled data
    argv = [*UNKG, "query", "--format", format, cross, "--store", str(loaded)]
    with subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        try:
            import select

            printing, _, _ = select.select([process.stdout], [], [], 30)
            assert printing, "nothing printed within 30 s: the result was held whole before it was printed"
            start = process.stdout.read(1 << 20)  # the first MiB (JSON results are one line)
            assert process.poll() is None, "it finished: the result was not large"
            header = {"csv": b"a,", "tsv": b"?a\t", "json": b'{"head"'}[format]
            assert len(start) == 1 << 20 and start.startswith(header)
        finally:
            process.kill()


def test_validate_names_the_line_of_a_user_file_that_describes_each_finding_s_resource(tmp_path):
    """Findings in a bundled source named its line, those in a user's own file only the file."""
    data = tmp_path / "meeting.ttl"
    data.write_text('@prefix unkg: <https://w3id.org/unkg/ontology#> .\n'
                    '# <https://example.org/m/1> a unkg:Meeting ; unkg:meetingNumber "15" .\n'
                    '<https://example.org/m/1> a unkg:Meeting ;\n  unkg:meetingNumber "15" .\n', encoding="utf-8")
    text = unkg("validate", str(data), check=1).stdout
    findings = [line for line in text.splitlines() if "<https://example.org/m/1>" in line]
    assert findings and all(line.startswith(f"{data}:3: ") for line in findings)
    report = json.loads(unkg("validate", str(data), "--format", "json", check=1).stdout)
    assert {f["line"] for f in report["files"][0]["findings"]} == {3}
