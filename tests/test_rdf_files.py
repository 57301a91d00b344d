"""Reading RDF files with Oxigraph's parser: the same rdflib graph as rdflib's own parser, and errors that name the
file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from loader import validate
from loader.errors import SourceError
from loader.rdf_files import read_graph, read_quads

ROOT = Path(__file__).resolve().parent.parent


def rdflib_graph(files: list[Path]) -> Graph:
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return graph


@pytest.mark.parametrize("directory", ["shapes", "ontology"])
def test_shapes_and_ontology_read_as_rdflib_reads_them(directory):
    files = sorted((ROOT / directory).glob("*.ttl"))
    ours, theirs = read_graph(files), rdflib_graph(files)
    assert len(ours) == len(theirs) > 1000
    assert isomorphic(ours, theirs)
    assert dict(ours.namespaces()) == dict(theirs.namespaces())  # pySHACL's messages write IRIs with them


def test_simple_literals_stay_without_a_datatype_and_the_rest_keep_theirs(tmp_path):
    file = tmp_path / "small.ttl"
    file.write_text('@prefix ex: <http://example.org/> .\n'
                    'ex:a ex:p "plain", "typed"^^<http://www.w3.org/2001/XMLSchema#string>, "fr"@fr, 1, 1.50, true ;\n'
                    '     ex:q [ ex:r ex:b ] .\n', encoding="utf-8")
    objects = {o for o in read_graph([file]).objects() if isinstance(o, Literal)}
    theirs = {o for o in rdflib_graph([file]).objects() if isinstance(o, Literal)}
    # RDF 1.1: "typed"^^xsd:string is the simple literal "typed"; Oxigraph cannot tell them apart, rdflib can
    assert objects - theirs == {Literal("typed")} and theirs - objects == {Literal("typed", datatype=XSD.string)}
    assert Literal("plain") in objects
    assert {o.datatype for o in objects if not o.language and o.datatype} == {
        XSD[t] for t in ("integer", "decimal", "boolean")}
    assert str(next(o for o in objects if o.datatype and o.datatype.endswith("decimal"))) == "1.50"


def test_a_broken_file_is_named_with_its_line(tmp_path):
    good = tmp_path / "a.ttl"
    good.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\n", encoding="utf-8")
    broken = tmp_path / "b.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\nex:a ex:p "open\n', encoding="utf-8")
    for read in (lambda: read_graph([good, broken]), lambda: read_quads(broken)):
        with pytest.raises(SourceError) as raised:
            read()
        assert str(raised.value).startswith(f"{broken}:3: syntax error")
    with pytest.raises(SourceError, match="no such file"):
        read_graph([tmp_path / "missing.ttl"])


def test_a_broken_shapes_directory_is_refused_with_file_and_line(tmp_path):
    (tmp_path / "shapes.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<s> a sh:NodeShape ;\n",
                                         encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        validate._read_turtle_dir(tmp_path)
    assert str(raised.value).startswith(f"{tmp_path / 'shapes.ttl'}:")
    assert raised.value.line is not None


BOM = "\ufeff".encode()
BOM_FILES = {
    "a.ttl": '@prefix ex: <http://example.org/> .\nex:a ex:p "x" .\n',
    "a.trig": '@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p "x" }\n',
    "a.nt": '<http://example.org/a> <http://example.org/p> "x" .\n',
    "a.nq": '<http://example.org/a> <http://example.org/p> "x" <http://example.org/g> .\n',
    "a.jsonld": '{"@id": "http://example.org/a", "http://example.org/p": "x"}\n',
    "a.rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p>'
             '</rdf:Description></rdf:RDF>\n',
}


@pytest.mark.parametrize("name", sorted(BOM_FILES))
def test_a_leading_byte_order_mark_is_skipped(tmp_path, name):
    """Some editors start a UTF-8 file with a byte-order mark; Oxigraph's text parsers take it for a character."""
    file = tmp_path / name
    file.write_bytes(BOM + BOM_FILES[name].encode())
    quads = read_quads(file)
    assert [(q.subject.value, q.object.value) for q in quads] == [("http://example.org/a", "x")]
    assert len(read_graph([file])) == 1


def test_after_a_byte_order_mark_errors_keep_their_line(tmp_path):
    broken = tmp_path / "b.nt"
    broken.write_bytes(BOM + b'<http://example.org/a> <http://example.org/p> "x" .\n<http://example.org/a> .\n')
    with pytest.raises(SourceError) as raised:
        read_quads(broken)
    assert str(raised.value).startswith(f"{broken}:2: syntax error")


def test_a_directory_is_said_to_be_one(tmp_path):
    """Not "unknown RDF format '(no extension)'"."""
    for directory in (tmp_path, tmp_path / "looks.ttl"):
        directory.mkdir(exist_ok=True)
        with pytest.raises(SourceError) as raised:
            read_quads(directory)
        assert str(raised.value) == f"{directory}: is a directory, not an RDF file"


def test_a_triple_term_is_validated_as_a_node_standing_for_it_not_a_traceback(tmp_path):
    """`unkg validate` on RDF 1.2 (a triple term, which `unkg load` stores) crashed: rdflib cannot hold one."""
    from loader.rdf_files import as_stored, to_dataset

    data = tmp_path / "star.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\n@prefix unkg: <https://w3id.org/unkg/ontology#> .\n"
                    "ex:a ex:says <<( ex:s ex:p ex:o )>> .\n"
                    "<< ex:s ex:p ex:o >> a unkg:Meeting .\n", encoding="utf-8")
    graph = Graph()
    for context in to_dataset(as_stored(read_quads(data))).graphs():
        graph += context
    assert len(graph) == 3  # ex:says, and the reifier's type and rdf:reifies, each triple term one node
    report = validate.validate(graph)  # the reifier typed as a meeting is judged as one
    assert any(f.shape.endswith("MeetingShape") or "Meeting-" in f.shape for f in report.violations)


RDF_XML_HEAD = ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns:ex="http://example.org/">\n')
RDF_XML_FILLER = "".join(f'<rdf:Description rdf:about="http://example.org/a{n}"><ex:p>v</ex:p></rdf:Description>\n'
                         for n in range(40))  # more than a parser's buffer would take in one read of a few lines


@pytest.mark.parametrize(("body", "line", "problem"), [
    (RDF_XML_FILLER + '<rdf:Description rdf:about="http://example.org/a">\n<un:p>x</un:p>\n', 44, "Unknown prefix"),
    (RDF_XML_FILLER + '<rdf:Description rdf:about="http://example.org/a">\n<ex:p rdf:resource="ht tp://bad"/>\n',
     44, "Invalid IRI code point"),
    ('<rdf:Description rdf:about="http://example.org/a">\n<ex:p>x</ex:q>\n' + RDF_XML_FILLER, 4,
     "not well-formed XML: mismatched tag at column 10"),
    ('<rdf:Description rdf:about="http://example.org/a"><ex:p>&undefined;</ex:p>\n' + RDF_XML_FILLER, 3,
     "undefined entity"),
    (RDF_XML_FILLER + '<rdf:Description rdf:about="http://example.org/a">\n<ex:p rdf:ID="1bad">x</ex:p>\n', 44,
     "1bad is not a valid rdf:ID value"),
])
def test_rdf_xml_errors_name_their_line(tmp_path, body, line, problem):
    """Oxigraph's RDF/XML parser says what is wrong but not where."""
    broken = tmp_path / "b.rdf"
    broken.write_text(RDF_XML_HEAD + body + "</rdf:Description>\n</rdf:RDF>\n", encoding="utf-8")
    for read in (lambda: read_graph([broken]), lambda: read_quads(broken)):
        with pytest.raises(SourceError) as raised:
            read()
        assert str(raised.value).startswith(f"{broken}:{line}: syntax error: ")
        assert problem in str(raised.value)


def test_an_rdf_xml_file_cut_short_is_refused_not_read_in_part(tmp_path):
    """Oxigraph reads the triples before the cut and says nothing; a file that is not whole is not loaded."""
    cut = tmp_path / "cut.rdf"
    cut.write_text(RDF_XML_HEAD + RDF_XML_FILLER, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_quads(cut)
    assert str(raised.value) == f"{cut}:43: syntax error: not well-formed XML: no element found at column 1"
    whole = tmp_path / "whole.rdf"
    whole.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY ex "http://example.org/">]>\n'
                     + RDF_XML_HEAD.split("\n", 1)[1].replace('"http://example.org/"', '"&ex;"')
                     + RDF_XML_FILLER + "</rdf:RDF>\n", encoding="utf-8")
    assert len(read_quads(whole)) == 40  # entities declared in the file still work


def test_a_json_ld_error_is_placed_within_the_node_object_it_is_in(tmp_path):
    """Oxigraph's JSON-LD parser reads a node object whole before it fails, and says neither line: the lines of
    that object are named."""
    nodes = [f'{{"@id": "http://example.org/a{n}", "http://example.org/p": "v"}},' for n in range(40)]
    broken = tmp_path / "b.jsonld"
    broken.write_text("[\n" + "\n".join(nodes) + '\n{"@id": "http://example.org/a",\n'
                      ' "http://example.org/p": {"@value": 1, "@language": 3},\n'
                      ' "http://example.org/q": "v"\n},\n' + "\n".join(nodes) + '\n{"@id": "http://example.org/z"}\n]\n',
                      encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_quads(broken)
    assert str(raised.value) == (f"{broken}:42: syntax error: @language value must be a string (JSON-LD reads a "
                                 "node object whole: the error is in lines 42-45)")


BAD_LANGUAGE = '{"@id": "ex:b",\n     "ex:q": {"@value": "y", "@language": 5}}'


@pytest.mark.parametrize(("document", "lines"), [
    # the node objects of a @graph: Oxigraph's parser reads the whole document before it fails (lines 1-8)
    ('{\n  "@context": {"ex": "https://example.org/"},\n  "@graph": [\n    {"@id": "ex:a", "ex:p": "x"},\n    '
     + BAD_LANGUAGE + ',\n    {"@id": "ex:c", "ex:p": "x"}\n  ]\n}\n', (5, 6)),
    # a top-level array of node objects
    ('[\n  {"@id": "https://example.org/a", "https://example.org/p": "x"},\n  '
     + BAD_LANGUAGE.replace("ex:", "https://example.org/") + '\n]\n', (3, 4)),
    # the same error in two node objects: the first one's, as the parser reports the first
    ('{"@context": {"ex": "https://example.org/"},\n "@graph": [\n  {"@id": "ex:a"},\n  ' + BAD_LANGUAGE
     + ',\n  {"@id": "ex:c"},\n  ' + BAD_LANGUAGE + '\n]}\n', (4, 5)),
    # a node object in a node object: the inner one (the outer is lines 1-6)
    ('[{"@id": "https://example.org/a",\n  "https://example.org/p": [{"@id": "https://example.org/c"},\n    '
     + BAD_LANGUAGE.replace("ex:", "https://example.org/") + '\n  ]\n},\n'
     '{"@id": "https://example.org/d"}]\n', (3, 4)),
])
def test_a_json_ld_error_names_the_innermost_node_object_it_is_in(tmp_path, document, lines):
    broken = tmp_path / "n.jsonld"
    broken.write_text(document, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_quads(broken)
    first, last = lines
    assert str(raised.value) == (f"{broken}:{first}: syntax error: @language value must be a string (JSON-LD reads "
                                 f"a node object whole: the error is in lines {first}-{last})")


def _array_with_an_error_last(path: Path, nodes: int) -> None:
    """A JSON-LD array of ``nodes`` node objects, one a line, then one with an error on lines nodes + 2 to + 4,
    the array closing on its last line."""
    path.write_text("[\n" + "".join(f'{{"@id": "http://example.org/n{n}", "http://example.org/p": [{{"@value": '
                                     f'"v{n}"}}, {{"@id": "http://example.org/m{n}"}}]}},\n' for n in range(nodes))
                    + '{"@id": "http://example.org/last",\n "http://example.org/p":\n'
                    + '   {"@value": "x", "@language": 3}}]\n', encoding="utf-8")


def test_a_json_ld_error_in_a_large_array_is_placed_in_a_few_parses(tmp_path, monkeypatch):
    """The search halves the array's node objects a parse or two at a time, and builds each text it parses in one
    pass: it built it by replacing one node object at a time, copying the whole text for each, so that it took
    4 s for 8,000 node objects and did not end for 100,000 (the command hung)."""
    import math
    import time

    import pyoxigraph

    from loader import rdf_files

    broken = tmp_path / "large.jsonld"
    _array_with_an_error_last(broken, 20_000)
    started = time.monotonic()
    with pytest.raises(SourceError) as raised:
        read_quads(broken)
    assert time.monotonic() - started < 10  # it takes about 1 s; 20 s and more as it was
    assert str(raised.value) == (f"{broken}:20002: syntax error: @language value must be a string (JSON-LD reads "
                                 "a node object whole: the error is in lines 20002-20004)")
    parse, parses = pyoxigraph.parse, []
    monkeypatch.setattr(pyoxigraph, "parse", lambda *args, **kwargs: parses.append(1) or parse(*args, **kwargs))
    assert rdf_files.node_object_lines(broken, "@language value must be a string") == (20002, 20004)
    assert len(parses) <= 2 * math.ceil(math.log2(20_001)) + 4  # two a halving of the array, a few for the rest


@pytest.mark.parametrize("budget", [("SEARCH_PARSES", 5), ("SEARCH_BYTES", 1000)])
def test_a_json_ld_search_past_its_budget_names_the_outermost_object(tmp_path, monkeypatch, budget):
    """A search that would take more parses, or a file larger, than the search is given: the error is placed as
    the parser's failure gives it, in the outermost object closing on the line it fails on (the whole array here,
    where the search names lines 102-104)."""
    from loader import rdf_files

    monkeypatch.setattr(rdf_files, *budget)
    broken = tmp_path / "large.jsonld"
    _array_with_an_error_last(broken, 100)
    with pytest.raises(SourceError) as raised:
        read_quads(broken)
    assert str(raised.value) == (f"{broken}:1: syntax error: @language value must be a string (JSON-LD reads a "
                                 "node object whole: the error is in lines 1-104)")


def test_a_json_ld_error_on_one_long_line_is_placed_there(tmp_path):
    """A file of one line longer than the parser's buffer: answering a read with more than it asked for aborted
    the process (Oxigraph's reader panics)."""
    import json

    nodes = [{"@id": f"http://example.org/a{n}", "http://example.org/p": "v" * 50} for n in range(3000)]
    nodes.append({"@id": "http://example.org/b", "http://example.org/p": {"@value": 1, "@language": 3}})
    broken = tmp_path / "long.jsonld"
    broken.write_text(json.dumps(nodes) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_quads(broken)
    assert str(raised.value) == f"{broken}:1: syntax error: @language value must be a string"


X = "http://www.w3.org/2001/XMLSchema#"
ILL_TYPED = [("x", "integer"), ("1_000", "integer"), ("1e3", "decimal"), ("abc", "double"), ("yes", "boolean"),
             ("2024-02-30", "date"), ("20240610", "date"), ("2024-06-10T25:00:00", "dateTime"), ("24", "gYear"),
             ("2024-13", "gYearMonth"), ("10h", "time"), ("1Y", "duration"), ("300", "byte"),
             ("-1", "nonNegativeInteger"), ("0", "positiveInteger"), ("2024-06-10T10:00:00", "dateTimeStamp"),
             ("1.5", "integer"), ("abc", "decimal"), (" 1", "integer"), ("18446744073709551616", "unsignedLong"),
             ("-9223372036854775809", "long"), ("9" * 5000, "byte"), ("-" + "9" * 5000, "nonNegativeInteger"),
             ("--02-30", "gMonthDay"), ("--04-31", "gMonthDay"), ("1000000000000100-02-29", "date"),
             ("2024-01-01T00:00:60Z", "dateTime"), ("P1Y", "dayTimeDuration"), ("TRUE", "boolean")]


@pytest.mark.parametrize(("value", "datatype"), ILL_TYPED, ids=[f"{v[:24]}-{t}" for v, t in ILL_TYPED])
def test_an_ill_typed_literal_is_refused_with_its_line_and_triple(tmp_path, value, datatype):
    """Oxigraph's parser takes "x"^^xsd:integer as written, and the store keeps it: a file with one validated, and
    loaded, as conforming wherever no shape had a sh:datatype for it (a store that holds an integer that is not)."""
    file = tmp_path / "ill.ttl"
    file.write_text(f'@prefix ex: <http://example.org/> .\nex:a ex:p 1 ;\n  ex:q "{value}"^^<{X}{datatype}> ;\n'
                    '  ex:r "2024-06-10"^^<http://www.w3.org/2001/XMLSchema#date> .\n', encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_quads(file)
    assert str(raised.value) == (f'{file}:3: ill-typed literal: "{value}" is not a value of xsd:{datatype} (the '
                                 "object of <http://example.org/a> <http://example.org/q>)")


def test_well_typed_literals_and_other_datatypes_are_read(tmp_path):
    """Values in every lexical form XSD allows, at the bounds of their range, and datatypes nobody judges."""
    values = [("015", "integer"), ("-0", "integer"), ("1.50", "decimal"), ("1e3", "double"), ("INF", "float"),
              ("NaN", "double"), ("1", "boolean"), ("2024-02-29", "date"), ("2024-06-10Z", "date"),
              ("2024-06-10T10:00:00+02:00", "dateTime"), ("-0044", "gYear"), ("--12-31", "gMonthDay"),
              ("P1Y2M", "duration"), ("127", "byte"), ("-128", "byte"), ("0", "nonNegativeInteger"),
              ("2024-06-10T10:00:00Z", "dateTimeStamp"), ("x", "string"), ("x", "token"), ("x", "anyURI")]
    file = tmp_path / "good.ttl"
    file.write_text("".join(f'<http://example.org/a> <http://example.org/p{n}> "{value}"^^<{X}{datatype}> .\n'
                            for n, (value, datatype) in enumerate(values))
                    + '<http://example.org/a> <http://example.org/q> "x"^^<http://example.org/own>, "x"@en, "x" .\n',
                    encoding="utf-8")
    assert len(read_quads(file)) == len(values) + 3


BEYOND_OXIGRAPH = [("18446744073709551615", "unsignedLong"), ("99999999999999999999", "integer"),
                   ("9223372036854775808", "nonNegativeInteger"), ("0.1234567890123456789012", "decimal"),
                   ("--02-29", "gMonthDay"), ("9223372036854775807", "long"), ("-9223372036854775808", "long"),
                   ("9" * 5000, "integer"), ("-" + "9" * 5000, "negativeInteger"), ("9" * 40 + ".5", "decimal"),
                   ("999999999999999-01-01", "date"), ("1000000000000000-02-29Z", "date"),
                   ("2024-01-01T00:00:00.1234567890123456789", "dateTime"), ("9999999999999999999999", "gYear"),
                   ("999999999999999-01-01T00:00:00Z", "dateTimeStamp"), ("00:00:00.1234567890123456789", "time"),
                   ("PT0.1234567890123456789012S", "duration"), ("P99999999999999999999Y", "yearMonthDuration"),
                   ("P99999999999999999999D", "dayTimeDuration")]


@pytest.mark.parametrize(("value", "datatype"), BEYOND_OXIGRAPH, ids=[f"{v[:24]}-{t}" for v, t in BEYOND_OXIGRAPH])
def test_a_value_beyond_oxigraphs_numbers_is_read(tmp_path, value, datatype):
    """Oxigraph's casts hold integers in 64 bits, decimals to 18 fractional digits, years and durations in
    fixed-size numbers, and take --02-29 for no xsd:gMonthDay: judged by them, these values of XSD were refused as
    ill-typed, a message that was not true (and files that had loaded and validated before no longer did)."""
    file = tmp_path / "big.ttl"
    file.write_text(f'<http://example.org/a> <http://example.org/p> "{value}"^^<{X}{datatype}> .\n', encoding="utf-8")
    [quad] = read_quads(file)
    assert (quad.object.value, quad.object.datatype.value) == (value, X + datatype)


@pytest.mark.parametrize(("name", "text", "line"), [
    ("a.nt", '<http://example.org/a> <http://example.org/p> "1" .\n' * 3
     + '<http://example.org/a> <http://example.org/q> "x"^^<http://www.w3.org/2001/XMLSchema#integer> .\n', 4),
    ("a.trig", '<http://example.org/g> {\n<http://example.org/a>\n  <http://example.org/q>\n'
     '    "x"^^<http://www.w3.org/2001/XMLSchema#integer> .\n}\n', 4),
    ("a.jsonld", '[{"@id": "http://example.org/a",\n  "http://example.org/q": {"@value": "x",\n'
     '  "@type": "http://www.w3.org/2001/XMLSchema#integer"}}]\n', 3),
    ("b.jsonld", '{"@graph": [{"@id": "http://example.org/a",\n  "http://example.org/q": {"@value": "x",\n'
     '  "@type": "http://www.w3.org/2001/XMLSchema#integer"}}]}\n', None),
    ("a.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
     'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/a">\n'
     '<ex:q rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">x</ex:q>\n</rdf:Description>\n</rdf:RDF>\n', 4),
])
def test_an_ill_typed_literal_is_refused_in_every_format(tmp_path, name, text, line):
    """At the line the parser gives its triple on: in RDF/XML where its property element ends, in a JSON-LD array
    where its node object ends (read whole); in a JSON-LD document that is one object, read whole, by its triple
    alone."""
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_quads(file)
    assert raised.value.line == line
    assert raised.value.message == ('ill-typed literal: "x" is not a value of xsd:integer (the object of '
                                    "<http://example.org/a> <http://example.org/q>)")


def test_every_ill_typed_literal_is_counted_the_first_named(tmp_path):
    file = tmp_path / "ill.ttl"
    file.write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    '<http://example.org/a> <http://example.org/p> 1, "x"^^xsd:integer ;\n'
                    '  <http://example.org/q> "y"^^xsd:integer, "x"^^xsd:integer ;\n'
                    '  <http://example.org/r> "no"^^xsd:boolean .\n', encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_quads(file)
    assert str(raised.value) == (f'{file}:2: ill-typed literal: "x" is not a value of xsd:integer (the object of '
                                 "<http://example.org/a> <http://example.org/p>; and 3 more)")
