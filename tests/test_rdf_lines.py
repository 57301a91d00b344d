"""The line of a user's RDF file a validation finding names: the line on which Oxigraph's parser, given the file one
line at a time, reads the first statement about the finding's resource."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from loader import pipeline
from loader.errors import ValidationFailed
from loader.rdf_files import first_lines, read_quads
from loader.rdf_lines import focus_nodes
from loader.store import open_store

EX = "https://example.org/"

TURTLE = """\
# ex:a, <https://example.org/a> and <../a> in a comment on line 1
@prefix ex: <https://example.org/> .
@base <https://example.org/dir/> .
ex:b ex:note "ex:a is described below; so is <https://example.org/a> and <../a>" ;
  ex:see ex:a .   # ex:c in a comment
<../a> a ex:Thing .
<https://example.org/c> ex:p '''a long
ex:d <https://example.org/d>
string''' .
ex:d ex:p _:x, [ ex:q 1 ] .
_:x ex:r ex:e .
PREFIX p2: <other/>
p2:f ex:p ex:g .
<https://example.org/h>
  ex:p ex:i .
"""


def lines_of(tmp_path: Path, text: str, focuses, name: str = "data.ttl", renamed: bool = False) -> dict[str, int]:
    """The line of each of ``focuses`` (as a report names them) found in ``text``, read as a load (``renamed``:
    fresh blank node ids) or a validation reads it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    quads = read_quads(path, rename_blank_nodes=renamed)
    nodes = focus_nodes(focuses, quads)
    found = first_lines(path, set(nodes.values()), quads)
    return {focus: found[node] for focus, node in nodes.items() if node in found}


def test_a_resource_s_line_is_where_its_first_statement_as_a_subject_is_read(tmp_path):
    found = lines_of(tmp_path, TURTLE, [EX + "a", EX + "c", EX + "d", EX + "dir/other/f", EX + "h"])
    # ex:a: named in a comment (line 1), a string (4) and as an object (5) before its statement on line 6,
    # which writes it as an IRI relative to @base; ex:c in full, its statement read to its end on line 9 (a long
    # string); ex:d by a prefixed name after that string names it; p2:f by a prefix declared relative to the base,
    # SPARQL-style; ex:h alone on line 14, its first property on line 15: the statement is read on 15
    assert found == {EX + "a": 6, EX + "c": 9, EX + "d": 10, EX + "dir/other/f": 13, EX + "h": 15}


def test_a_resource_only_ever_an_object_is_found_where_it_is_first_named(tmp_path):
    assert lines_of(tmp_path, TURTLE, [EX + "e", EX + "g", EX + "i"]) == {EX + "e": 11, EX + "g": 13, EX + "i": 15}


@pytest.mark.parametrize("renamed", [False, True])  # as `unkg validate` reads the file, and as `unkg load` does
def test_blank_nodes_labelled_or_anonymous_are_found_by_their_own_statements(tmp_path, renamed):
    path = tmp_path / "data.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    quads = read_quads(path, rename_blank_nodes=renamed)
    labelled = next(q.subject for q in quads if q.predicate.value == EX + "r")
    anonymous = next(q.subject for q in quads if q.predicate.value == EX + "q")
    # _:x is an object on line 10, a subject on 11; [ ex:q 1 ] is read on 10
    assert first_lines(path, {labelled, anonymous}, quads) == {labelled: 11, anonymous: 10}


def test_what_the_file_does_not_name_gets_no_line(tmp_path):
    assert lines_of(tmp_path, TURTLE, [EX + "elsewhere", EX + "dir/a", "not an IRI", "y"]) == {}


def test_no_line_when_the_file_no_longer_reads_as_the_statements_judged(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    quads = read_quads(path)
    node = ox.NamedNode(EX + "a")
    assert first_lines(path, {node}, quads) == {node: 6}
    path.write_text(TURTLE.replace("ex:see ex:a", "ex:see ex:b"), encoding="utf-8")  # one statement differs
    assert first_lines(path, {node}, quads) == {}
    path.write_text(TURTLE + "ex:z ex:p 1 .\n", encoding="utf-8")  # one more
    assert first_lines(path, {node}, quads) == {}
    path.write_text(TURTLE, encoding="utf-8")
    assert first_lines(path, {node}, quads[:-1]) == {}  # one fewer


def test_n_triples_n_quads_and_trig(tmp_path):
    nt = f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}b> <{EX}p> \"<{EX}c>\" .\n<{EX}c> <{EX}p> _:n .\n"
    assert lines_of(tmp_path, nt, [EX + "b", EX + "c", "n"], "data.nt") == {EX + "b": 2, EX + "c": 3, "n": 3}
    nq = f"<{EX}a> <{EX}p> <{EX}b> <{EX}g> .\n<{EX}g> <{EX}p> \"1\" .\n"
    assert lines_of(tmp_path, nq, [EX + "g"], "data.nq") == {EX + "g": 2}
    trig = f"@prefix ex: <{EX}> .\nex:g {{\n  ex:g ex:p ex:a .\n}}\nGRAPH ex:h {{ ex:h ex:p 1 }}\n"
    # a graph's name is no subject: ex:g is first a subject on line 3, ex:h on line 5 after its name
    assert lines_of(tmp_path, trig, [EX + "g", EX + "h", EX + "a"], "data.trig") == {
        EX + "g": 3, EX + "h": 5, EX + "a": 3}


def test_a_file_with_a_byte_order_mark_keeps_its_lines(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + TURTLE.encode())
    quads = read_quads(path)
    assert first_lines(path, {ox.NamedNode(EX + "a")}, quads) == {ox.NamedNode(EX + "a"): 6}


def test_a_load_refused_names_each_finding_s_line(tmp_path):
    path = tmp_path / "meeting.ttl"
    path.write_text("@prefix unkg: <https://w3id.org/unkg/ontology#> .\n\n"
                    "<https://example.org/m/1> a unkg:Meeting ;\n  unkg:meetingNumber \"15\" .\n", encoding="utf-8")
    store = open_store(tmp_path / "store")
    with pytest.raises(ValidationFailed) as raised:
        pipeline.plan_rdf_file(store, path, "https://w3id.org/unkg/", None)
    assert raised.value.report.findings
    assert {(f.focus, f.line) for f in raised.value.report.findings} == {("https://example.org/m/1", 3)}


JSON_LD_ARRAY = """\
[
  {"@context": {"ex": "https://example.org/", "@base": "https://example.org/dir/"},
   "@id": "ex:b", "ex:note": "\\"@id\\": \\"ex:a\\" in a string",
   "ex:link": {"@id": "../a"}},
  {"@context": {"ex": "https://example.org/", "@base": "https://example.org/dir/"},
   "@id": "../a", "ex:p": "x",
   "ex:part": {"ex:q": "anonymous"}
  },
  {"@id": "_:x", "https://example.org/p": "y"}
]
"""


@pytest.mark.parametrize("renamed", [False, True])
def test_json_ld_read_node_object_by_node_object_names_where_each_ends(tmp_path, renamed):
    """Oxigraph's JSON-LD parser reads each of a top-level array's node objects whole: its statements come on the
    line where it ends."""
    path = tmp_path / "data.jsonld"
    path.write_text(JSON_LD_ARRAY, encoding="utf-8")
    quads = read_quads(path, rename_blank_nodes=renamed)
    labelled = next(q.subject for q in quads if q.object == ox.Literal("y"))
    anonymous = next(q.subject for q in quads if q.object == ox.Literal("anonymous"))
    a, b = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b")
    # ex:a: a relative @id resolved against the context's @base, named in a string and referred to in the first
    # node object (lines 2-4), described by the second (5-8), as is the anonymous node in it
    assert first_lines(path, {a, b, labelled, anonymous}, quads) == {b: 4, a: 8, anonymous: 8, labelled: 9}


def test_a_json_ld_document_that_is_one_object_gives_no_line(tmp_path):
    """Its statements all come when the parser has read the whole object: the last line, which tells nothing."""
    path = tmp_path / "data.jsonld"
    path.write_text('{"@context": {"ex": "https://example.org/"},\n "@graph": [\n  {"@id": "ex:a", "ex:p": 1},\n'
                    '  {"@id": "ex:b", "ex:p": 2}\n ]\n}\n', encoding="utf-8")
    quads = read_quads(path)
    assert len(quads) == 2 and first_lines(path, {ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b")}, quads) == {}


RDF_XML = """\
<?xml version="1.0"?>
<!-- rdf:about="https://example.org/a" in a comment -->
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ex="https://example.org/" xml:base="https://example.org/dir/">
  <rdf:Description rdf:about="https://example.org/b">
    <ex:note>rdf:about="../a" in text</ex:note>
    <ex:link rdf:resource="../a"/>
  </rdf:Description>
  <ex:Thing
      rdf:about="../a">
    <ex:p>15</ex:p>
    <ex:part><ex:Thing ex:q="anonymous"/></ex:part>
  </ex:Thing>
  <rdf:Description rdf:ID="frag"><ex:link rdf:resource="https://example.org/d"/></rdf:Description>
</rdf:RDF>
"""


def test_rdf_xml_names_the_line_each_statement_is_read_on(tmp_path):
    path = tmp_path / "data.rdf"
    path.write_text(RDF_XML, encoding="utf-8")
    quads = read_quads(path)
    anonymous = next(q.subject for q in quads if q.object == ox.Literal("anonymous"))
    a, b, d, frag = (ox.NamedNode(EX + name) for name in ("a", "b", "d", "dir/#frag"))
    # ex:a: relative to xml:base, named in a comment, a text and a resource before the element describing it,
    # whose start tag (its type) ends on line 10; ex:b's start tag says nothing, its first property element is
    # read on line 6; ex:d only a resource; the anonymous element on its own line; rdf:ID resolved as an IRI
    assert first_lines(path, {a, b, d, anonymous, frag}, quads) == {a: 10, b: 6, d: 14, anonymous: 12, frag: 14}
