"""The shapes in shapes/: each one fires on its invalid example, exactly as that example's expected results say,
and stays silent on its valid example; the bundled data conforms, and loses conformance when a required fact
goes missing.

``tests/shapes/<ShapeName>/invalid.ttl`` holds the data and, like the W3C data-shapes tests, the expected
``sh:ValidationResult``s (focus node, path, source shape, constraint component, severity, and for SPARQL-based
constraints the constraint that fired and its value). The expected results are taken out before the data is
validated. A resource an example only types (``<body/CTOC-COP> a unkg:Body .``) stands for one described in
another source: it goes into the context, as the loader passes the types of what a source references.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from loader import iris, validate
from loader.build import build_graph
from loader.manifest import read_manifest
from loader.namespaces import ELI_DL, SCHEMA, SH, UNKG, data_base
from loader.sources import agenda_text

HERE = Path(__file__).resolve().parent
CASES = HERE / "shapes"
SHAPES = "https://w3id.org/unkg/shapes#"
RESULT_KEYS = (SH.focusNode, SH.resultPath, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity,
               SH.sourceConstraint, SH.value)


def result_row(graph: Graph, result) -> tuple:
    """A result as a comparable tuple. An alternative path (a blank node) becomes ``("or", p1, p2)``; the
    source constraint and the value are kept only for SPARQL-based constraints, whose value says which
    resource the problem is about."""
    row = [graph.value(result, key) for key in RESULT_KEYS]
    if isinstance(row[1], BNode):
        row[1] = path_key(graph, row[1])
    if row[3] != SH.SPARQLConstraintComponent:
        row[5] = row[6] = None
    return tuple(row)


def path_key(graph: Graph, path):
    """A SHACL property path as a comparable value: an IRI stays itself; ``("or", …)`` for an alternative path,
    ``("inverse", p)`` for an inverse path, ``("seq", …)`` for a sequence path (an RDF list)."""
    if not isinstance(path, BNode):
        return path
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return ("or", *(path_key(graph, p) for p in Collection(graph, alternatives)))
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return ("inverse", path_key(graph, inverse))
    return ("seq", *(path_key(graph, p) for p in Collection(graph, path)))


def remove_path(graph: Graph, path) -> None:
    """Take a (blank node) property path out of the graph, nested paths and list cells included."""
    if not isinstance(path, BNode):
        return
    for p in (SH.alternativePath, SH.inversePath):
        for inner in list(graph.objects(path, p)):
            remove_path(graph, inner)
    if (path, RDF.first, None) in graph:
        items = list(Collection(graph, path))
        Collection(graph, path).clear()
        for inner in items:
            remove_path(graph, inner)
    graph.remove((path, None, None))


def split_expected(path: Path) -> tuple[Graph, set[tuple]]:
    """The data of a test file (its referenced-only resources included) and the results it expects."""
    graph = Graph().parse(path, format="turtle")
    expected = set()
    for result in list(graph.subjects(RDF.type, SH.ValidationResult)):
        expected.add(result_row(graph, result))
        path_node = graph.value(result, SH.resultPath)
        graph.remove((result, None, None))
        remove_path(graph, path_node)
    return graph, expected


def split_context(graph: Graph) -> tuple[Graph, Graph]:
    """The data and its context: the resources the example only types are described in some other source."""
    data, context = Graph(), Graph()
    typed_only = {s for s in graph.subjects(RDF.type, None) if set(graph.predicates(s, None)) == {RDF.type}}
    for triple in graph:
        (context if triple[0] in typed_only else data).add(triple)
    return data, context


def actual_results(example: Graph, *, every_shape: bool = False) -> set[tuple]:
    """Validate as ``loader.validate.validate`` does (data plus context; no finding about a resource only the
    context or the ontology describes), keeping each result's source constraint and value for the test.

    Results nested as ``sh:detail`` of another (why an ``sh:node`` constraint failed) are left out: the outer
    result is the one that names the shape. pySHACL runs all the shapes but UnknownTermShape, whose findings
    ``loader.validate.unknown_terms`` gives (0.7 s less per example); ``every_shape``: pySHACL runs it too."""
    data, context = split_context(example)
    shapes = validate.shapes_graph() if every_shape else validate.pyshacl_shapes()
    _, report, _ = pyshacl.validate(data + context, shacl_graph=shapes,
                                    ont_graph=validate.ontology_graph(), inference="none", advanced=True,
                                    allow_warnings=True)
    details = set(report.objects(None, SH.detail))
    described = set(data.subjects())
    elsewhere = (set(context.subjects()) | set(validate.ontology_graph().subjects())) - described
    rows = {result_row(report, result) for result in set(report.subjects(RDF.type, SH.ValidationResult)) - details}
    if not every_shape:
        rows |= {(URIRef(f.focus) if ":" in f.focus else BNode(f.focus), None, validate.UNKNOWN_TERM_SHAPE,
                  SH.SPARQLConstraintComponent, SH.Violation, validate.UNKNOWN_TERM_CONSTRAINT, URIRef(f.value))
                 for f in validate.unknown_terms(data + context + validate.ontology_graph())}
    return {row for row in rows if row[0] not in elsewhere}


def node_shapes_with_targets() -> list[str]:
    shapes = validate.shapes_graph()
    names = {str(s) for s in shapes.subjects(SH.target, None)} | {str(s) for s in shapes.subjects(SH.targetClass, None)}
    return sorted(name.removeprefix(SHAPES) for name in names)


def case_names() -> list[str]:
    """One directory per targeted node shape, plus one per recommended property shape tested on its own."""
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


def test_every_targeted_shape_has_a_valid_and_an_invalid_example():
    shapes = validate.shapes_graph()
    targeted = node_shapes_with_targets()
    assert len(targeted) >= 26
    assert set(targeted) <= set(case_names())
    for name in case_names():
        assert (URIRef(SHAPES + name), RDF.type, None) in shapes, f"tests/shapes/{name} names no shape"
        assert (CASES / name / "valid.ttl").is_file(), name
        assert (CASES / name / "invalid.ttl").is_file(), name


@pytest.mark.parametrize("shape", case_names())
def test_valid_example_has_no_findings(shape):
    data, expected = split_expected(CASES / shape / "valid.ttl")
    assert expected == set()
    assert actual_results(data) == set()


@pytest.mark.parametrize("shape", case_names())
def test_invalid_example_reports_exactly_the_expected_results(shape):
    data, expected = split_expected(CASES / shape / "invalid.ttl")
    assert expected, "an invalid example must expect at least one result"
    own = URIRef(SHAPES + shape)
    properties = set(validate.shapes_graph().objects(own, SH.property)) | {own}
    assert {row[2] for row in expected} & properties, "the example must exercise its own shape"
    found = actual_results(data)
    assert found - expected == set(), "unexpected results"
    assert expected - found == set(), "expected results not reported"


@pytest.mark.parametrize("kind", ["valid", "invalid"])
def test_unknown_terms_are_what_pyshacl_finds_running_the_shape(kind):
    """UnknownTermShape's SPARQL-based target is too slow in rdflib to run in every validation: its findings come
    from ``loader.validate.unknown_terms``, which must give pySHACL's (a blank node's too, not in the example)."""
    data, _ = split_expected(CASES / "UnknownTermShape" / f"{kind}.ttl")
    data.add((BNode("b1"), UNKG.meetingNumbr, Literal(1)))
    assert actual_results(data, every_shape=True) == actual_results(data)
    own = {row for row in actual_results(data) if row[2] == validate.UNKNOWN_TERM_SHAPE}
    assert len(own) == (5 if kind == "invalid" else 1)
    report = validate.validate(data)
    messages = {f.message for f in report.findings if f.shape == str(validate.UNKNOWN_TERM_SHAPE)}
    assert "b1 uses https://w3id.org/unkg/ontology#meetingNumbr, which is not a term of the unkg ontology " \
           "(ontology/unkg.ttl defines them): a misspelling?" in messages


def test_the_loader_validator_agrees_with_the_examples():
    """``loader.validate.validate`` (what ``unkg load`` runs) reports the same findings as the direct pySHACL
    call the examples use, and conforms when only warnings are found."""
    example, expected = split_expected(CASES / "MeetingShape" / "invalid.ttl")
    report = validate.validate(*split_context(example))
    assert not report.conforms
    assert len(report.findings) == len(expected)
    example, expected = split_expected(CASES / "Meeting-endDateRecommended" / "invalid.ttl")
    report = validate.validate(*split_context(example))
    assert report.conforms and len(report.warnings) == len(expected) == 2


def test_a_resource_typed_in_the_data_itself_is_validated():
    """Only the context's resources are spared: a meeting the data types and says nothing else about is
    reported (it is not a reference to something described elsewhere)."""
    data = Graph()
    meeting = URIRef("https://w3id.org/unkg/meeting/CTOC-COP/WG.3/99")
    data.add((meeting, RDF.type, UNKG.Meeting))
    report = validate.validate(data)
    assert not report.conforms
    assert {f.shape.rsplit("#", 1)[-1] for f in report.violations} >= {"MeetingShape", "Meeting-ofBody"}
    assert any(f.message.startswith(f"Meeting {meeting} has no start date") for f in report.violations)


def test_a_meeting_dated_only_together_with_others_needs_no_start_date_of_its_own():
    """Line 72 dates the two thirteenth meetings together ("2022年5月23日至27日衔接举行的…"), never each one:
    a meeting that is a schema:subEvent of an event with a start date conforms without dates of its own, and
    fails once that event loses its start date."""
    base = "https://w3id.org/unkg/"
    meeting, body = URIRef(base + "meeting/CTOC-COP/WG.3/13"), URIRef(base + "body/CTOC-COP/WG.3")
    event = URIRef(base + "event/CTOC-COP/meetings-held-back-to-back/2022-05-23")
    passage = URIRef(base + "doc/CTOC/COP/WG.3/2023/1/zho/L72")
    data = Graph()
    for triple in [(meeting, RDF.type, UNKG.Meeting), (meeting, UNKG.ofBody, body),
                   (meeting, UNKG.meetingNumber, Literal(13)), (meeting, PROV.wasDerivedFrom, passage),
                   (event, RDF.type, UNKG.Event), (event, SCHEMA.subEvent, meeting),
                   (event, ELI_DL.activity_start_date, Literal("2022-05-23", datatype=XSD.date)),
                   (event, PROV.wasDerivedFrom, passage)]:
        data.add(triple)
    context = Graph()
    context.add((body, RDF.type, UNKG.Body))
    context.add((passage, RDF.type, UNKG.SourcePassage))
    assert validate.validate(data, context).violations == []
    data.remove((event, ELI_DL.activity_start_date, None))
    report = validate.validate(data, context)
    assert [(f.focus, f.path) for f in report.violations] == [
        (str(event), str(ELI_DL.activity_date)), (str(meeting), str(ELI_DL.activity_start_date))]


def test_every_class_of_the_ontology_is_targeted_by_a_shape_directly_or_through_a_superclass():
    shapes = validate.shapes_graph()
    ontology = validate.ontology_graph()
    targeted = set(shapes.objects(None, SH.targetClass))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(UNKG))}
    assert len(classes) > 20
    untargeted = [c for c in classes if not set(ontology.transitive_objects(c, RDFS.subClassOf)) & targeted]
    assert sorted(str(c) for c in untargeted) == []


def test_every_property_shape_and_sparql_constraint_fires_in_some_invalid_example():
    fired = set()
    for case in CASES.iterdir():
        _, expected = split_expected(case / "invalid.ttl")
        fired |= {row[2] for row in expected} | {row[5] for row in expected if row[5] is not None}
    shapes = validate.shapes_graph()
    declared = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    assert {str(s).removeprefix(SHAPES) for s in declared - fired} == set()


def test_a_symbol_is_what_the_loader_mints_a_document_iri_from():
    """The shape's pattern, the IRI check's, the manifest's (loader/iris.py) and the agenda parser's are one: a
    symbol the manifest or the parser takes is one the shape takes, and an IRI is read as a symbol's exactly when
    it is one."""
    shapes = validate.shapes_graph()
    [pattern] = shapes.objects(URIRef(SHAPES + "Document-symbol"), SH.pattern)
    assert str(pattern) == f"^{iris.SYMBOL.pattern}$"
    select = str(shapes.value(URIRef(SHAPES + "Document-symbolOfIri"), SH.select))
    assert f'REGEX(?value, "^{iris.SYMBOL.pattern}$")' in select
    # the agenda parser's too: it refused A/ES-10/L.22, which the manifest and the shape take
    assert agenda_text.JOINT_SYMBOL.pattern == iris.SYMBOL.pattern
    for printed in ("A/ES-10/L.22", "A/RES/ES-10/21", "CTOC/COP/WG.3/2023/1", "CTOC/COP/WG.3/../1", "A/ES-/1",
                    "A/B.", "E/CN.15/2023/L.5/Rev.1-A/78/1"):
        read = bool(agenda_text.JOINT_SYMBOL.fullmatch(printed))
        assert read == all(iris.SYMBOL.fullmatch(x) for x in agenda_text.split_symbols(printed)), printed


def test_every_shape_has_a_message_and_every_sparql_message_names_the_focus():
    shapes = validate.shapes_graph()
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(RDF.type, SH.SPARQLConstraint)):
        message = shapes.value(shape, SH.message)
        assert isinstance(message, Literal) and message.language == "en", shape
    for constraint in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        assert "{$this}" in str(shapes.value(constraint, SH.message)), constraint
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, URIRef):
            assert shapes.value(shape, RDFS.label) is not None, shape


def test_sparql_messages_name_the_focus_resource():
    example, _ = split_expected(CASES / "MeetingShape" / "invalid.ttl")
    report = validate.validate(*split_context(example))
    ends = [f for f in report.findings
            if f.path == str(ELI_DL.activity_end_date) and f.component == "SPARQLConstraintComponent"]
    assert [f.message for f in ends] == [
        "Meeting https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14 ends (2023-09-11) before it starts."]


def test_a_reference_to_a_provision_of_another_graph_is_checked_against_the_context():
    """The agenda's graph cites UNTOC provisions that the treaty's graph describes: the validator gets their
    types as context; a citation of a provision the context does not have is reported."""
    example, _ = split_expected(CASES / "AnnotationShape" / "valid.ttl")
    data, context = split_context(example)
    cited = URIRef("https://w3id.org/unkg/instrument/UNTOC/art/27/para/1/subpara/f")
    assert (None, UNKG.citesProvision, cited) in data
    assert validate.validate(data, context).conforms
    context.remove((cited, None, None))
    report = validate.validate(data, context)
    assert [(f.shape.rsplit("#", 1)[-1], f.value) for f in report.violations] == [
        ("Annotation-citesProvision", str(cited))]



def test_a_document_pursuant_to_a_provision_of_another_graph_is_checked_against_the_context():
    """As a citation: a document prepared under a UNTOC provision that the treaty's graph describes conforms when
    the context types that provision, and is reported, saying how to resolve it, when nothing does."""
    example, _ = split_expected(CASES / "DocumentShape" / "valid.ttl")
    data, context = split_context(example)
    summary = URIRef("https://w3id.org/unkg/doc/CTOC-COP-review-mechanism-constructive-dialogue-2022-05-27-written-summary")
    rule = URIRef("https://w3id.org/unkg/instrument/UNTOC-review-mechanism-procedures-and-rules/para/53/subpara/h")
    assert (summary, UNKG.pursuantTo, rule) in data
    assert validate.validate(data, context).conforms
    context.remove((rule, None, None))
    report = validate.validate(data, context)
    assert [(f.focus, f.shape.rsplit("#", 1)[-1], f.value) for f in report.violations] == [
        (str(summary), "Document-pursuantTo", str(rule))]
    assert "--store" in report.violations[0].message

# --- the bundled data ---

@pytest.fixture(scope="module")
def sources() -> dict[str, Graph]:
    """Each source of data/ built into its own graph, as ``unkg load`` builds them (manifest order)."""
    return {entry.id: build_graph(entry, data_base({})) for entry in read_manifest()}


def as_loaded(sources: dict[str, Graph], source_id: str, graph: Graph) -> validate.Report:
    """Validate one source's graph the way the loader does: with the types of what it references, taken
    from the other sources."""
    others = Graph()
    for other_id, other in sources.items():
        if other_id != source_id:
            others += other
    return validate.validate_source(graph, [validate.graph_type_lookup(others)])


def without(graph: Graph, subject: URIRef, predicate: URIRef) -> Graph:
    broken = Graph()
    broken += graph
    assert (subject, predicate, None) in broken, f"the bundled data has no {predicate} for {subject}"
    broken.remove((subject, predicate, None))
    return broken


AGENDA = "CTOC-COP-WG.3-2023-1-zho"
TREATY = "UNTOC-eng"


def test_the_bundled_data_conforms(sources):
    merged = Graph()
    for graph in sources.values():
        merged += graph
    report = validate.validate(merged)
    assert report.violations == [], validate.as_text({"data/": report})


def test_each_source_conforms_as_loaded(sources):
    for source_id, graph in sources.items():
        report = as_loaded(sources, source_id, graph)
        assert report.violations == [], validate.as_text({source_id: report})


def test_the_agenda_still_conforms_after_a_round_trip_through_the_store(sources):
    """Oxigraph stores an xsd:dateTimeStamp as an xsd:dateTime (with its offset): a dump read back conforms."""
    store = ox.Store()
    store.load(sources[AGENDA].serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    back = Graph().parse(data=ox.serialize(store, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    opening = back.value(URIRef(f"{data_base({})}meeting/CTOC-COP/WG.3/14"), UNKG.openingTime)
    assert opening.datatype == XSD.dateTime
    report = as_loaded(sources, AGENDA, back)
    assert report.violations == [], validate.as_text({"round trip": report})


def test_removing_a_meeting_start_date_fails_naming_the_meeting(sources):
    meeting = URIRef(f"{data_base({})}meeting/CTOC-COP/WG.3/14")
    report = as_loaded(sources, AGENDA, without(sources[AGENDA], meeting, ELI_DL.activity_start_date))
    assert not report.conforms
    text = validate.as_text({"agenda": report})
    assert f"<{meeting}> activity_start_date: Meeting {meeting} has no start date" in text


def test_removing_a_document_symbol_fails_naming_the_document(sources):
    document = URIRef(f"{data_base({})}doc/CTOC/COP/WG.3/2023/1")
    report = as_loaded(sources, AGENDA, without(sources[AGENDA], document, UNKG.symbol))
    assert not report.conforms
    messages = [f.message for f in report.violations if f.focus == str(document)]
    assert messages == [f"Document {document} has an IRI minted from the UN symbol CTOC/COP/WG.3/2023/1 but does "
                        f"not carry that symbol (unkg:symbol)."]


def test_removing_a_provision_number_fails(sources):
    provision = URIRef(f"{data_base({})}instrument/UNTOC/art/27/para/1/subpara/a")
    report = as_loaded(sources, TREATY, without(sources[TREATY], provision, UNKG.number))
    assert [(f.focus, f.shape.rsplit("#", 1)[-1]) for f in report.violations] == [
        (str(provision), "Provision-number")]


def test_citing_a_provision_the_treaty_does_not_have_fails(sources):
    """A citation of article 27(1)(g), which the Convention does not have, is reported when the agenda is loaded
    after the treaty."""
    annotation = URIRef(f"{data_base({})}meeting/CTOC-COP/WG.3/14/agenda/item/2/annotation/2")
    missing = URIRef(f"{data_base({})}instrument/UNTOC/art/27/para/1/subpara/g")
    broken = Graph()
    broken += sources[AGENDA]
    broken.add((annotation, UNKG.citesProvision, missing))
    report = as_loaded(sources, AGENDA, broken)
    assert [(f.focus, f.shape.rsplit("#", 1)[-1], f.value) for f in report.violations] == [
        (str(annotation), "Annotation-citesProvision", str(missing))]


# --- every term the shapes use exists ---

def used_terms() -> set[URIRef]:
    shapes = validate.shapes_graph()
    terms = set()
    for _, p, o in shapes:
        for term in (p, o):
            if isinstance(term, URIRef):
                terms.add(term)
    for text in shapes.objects(None, SH.select):
        for prefix, local in re.findall(r"\b(unkg|eli_dl|eli|dcterms|skos|prov):([A-Za-z_]+)", str(text)):
            namespace = {"unkg": str(UNKG), "eli_dl": str(ELI_DL), "eli": "http://data.europa.eu/eli/ontology#",
                         "dcterms": "http://purl.org/dc/terms/", "skos": "http://www.w3.org/2004/02/skos/core#",
                         "prov": "http://www.w3.org/ns/prov#"}[prefix]
            terms.add(URIRef(namespace + local))
    return terms


def test_every_unkg_term_in_the_shapes_is_defined_in_the_ontology():
    ontology = validate.ontology_graph()
    if len(ontology) == 0:
        pytest.fail("ontology/*.ttl is missing")
    missing = sorted(str(t) for t in used_terms() if str(t).startswith(str(UNKG)) and (t, None, None) not in ontology)
    assert missing == []


def test_every_external_property_in_the_shapes_is_named_in_the_ontology():
    """eli:, eli-dl:, dcterms:, org:, schema:, prov: properties the shapes check are declared or aligned in the
    ontology (RDF, RDFS and SKOS are the ontology's own language and need no declaration)."""
    ontology = validate.ontology_graph()
    shapes = validate.shapes_graph()
    core = (str(RDF), str(RDFS), str(SKOS))
    paths = {o for o in shapes.objects(None, SH.path)
             if isinstance(o, URIRef) and not str(o).startswith((str(UNKG), SHAPES, *core))}
    assert len(paths) > 10
    missing = sorted(str(p) for p in paths if (p, None, None) not in ontology and (None, None, p) not in ontology)
    assert missing == []


@pytest.mark.parametrize(("shape", "scheme"), [
    ("Document-documentKind", "DocumentKinds"),
    ("Document-distribution", "Distributions"),
    ("Decision-method", "DecisionProcedures"),
])
def test_the_allowed_concepts_are_the_concepts_of_the_ontology_scheme(shape, scheme):
    shapes = validate.shapes_graph()
    listed = set(Collection(shapes, shapes.value(URIRef(SHAPES + shape), SH["in"])))
    ontology = validate.ontology_graph()
    assert listed == set(ontology.subjects(SKOS.inScheme, UNKG[scheme]))


# --- no blank nodes (MODEL.md: "No blank nodes") ---

def unkg_classes() -> list[str]:
    ontology = validate.ontology_graph()
    return sorted(str(c) for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(UNKG)))


@pytest.mark.parametrize("cls", unkg_classes())
def test_a_blank_node_of_any_unkg_class_is_reported_once_saying_it_needs_an_iri(cls):
    """Every unkg class is checked by a node shape with sh:nodeKind sh:IRI, its own or that of a superclass
    (an article is a provision), once: a blank node is reported by one finding that says why it needs an IRI."""
    data = Graph()
    node = BNode()
    data.add((node, RDF.type, URIRef(cls)))
    report = validate.validate(data)
    kinds = [f for f in report.violations if f.component == "NodeKindConstraintComponent" and f.focus == str(node)]
    assert len(kinds) == 1, cls
    assert "not a blank node, so it can be linked to" in kinds[0].message


# --- the text report (unkg validate) ---

def test_the_report_writes_a_blank_node_as_one_not_as_an_iri():
    data = Graph()
    meeting = BNode("m")
    data.add((meeting, RDF.type, UNKG.Meeting))
    text = validate.as_text({"mine.ttl": validate.validate(data)})
    assert "mine.ttl: Violation: _:m: A meeting is named by an IRI, not a blank node" in text
    assert "<m>" not in text
    junit = validate.as_junit({"mine.ttl": validate.validate(data)})
    assert "_:m " in junit and "&lt;m&gt;" not in junit


def test_the_report_prints_identical_findings_once_and_counts_them_once():
    """An untagged title breaks sh:datatype and sh:languageIn of one property shape with one message; a meeting
    number written as a string breaks sh:datatype and sh:minInclusive: pySHACL reports each twice, the report
    prints each once."""
    example, _ = split_expected(CASES / "MeetingShape" / "valid.ttl")
    data, context = split_context(example)
    meeting = URIRef("https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14")
    data.set((meeting, UNKG.meetingNumber, Literal("14")))
    document = URIRef("https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1")
    data.add((document, RDF.type, UNKG.Document))
    data.add((document, UNKG.symbol, Literal("CTOC/COP/WG.3/2023/1")))
    data.add((document, DCTERMS.title, Literal("临时议程")))
    report = validate.validate(data, context)
    assert sum(f.severity == "Violation" for f in report.findings) == 4  # what pySHACL reports: two results each
    assert len(report.violations) == 2  # what the report prints, and counts
    text = validate.as_text({"mine.ttl": report})
    lines = [line for line in text.splitlines() if ": Violation: " in line]
    assert len(lines) == len(set(lines)) == 2
    assert "mine.ttl: does not conform (2 violations)" in text
    assert 'failures="2"' in validate.as_junit({"mine.ttl": report})


def test_a_value_is_written_as_turtle_writes_it_so_a_string_is_not_taken_for_a_number():
    """A meeting number given as the string "15": the report said "(value: 15)", which reads as a right value."""
    from loader.shacl_sparql import validate_graph

    data = Graph().parse(format="turtle", data="""
        @prefix unkg: <https://w3id.org/unkg/ontology#> .
        <https://example.org/m> a unkg:Meeting ; unkg:meetingNumber "15" ; unkg:plenaryDayCount "二"@zh ;
            unkg:website "https://example.org/w" ; unkg:ofBody <https://example.org/place> .
        <https://example.org/place> a unkg:Place .""")
    for report in (validate.validate(data), validate_graph(data)):  # pySHACL and the compiled shapes alike
        text = validate.as_text({"m.ttl": report})
        assert 'meetingNumber: ' in text and '(value: "15")' in text
        assert '(value: "二"@zh)' in text and '(value: "https://example.org/w")' in text
        assert "(value: <https://example.org/place>)" in text
        junit = validate.as_junit({"m.ttl": report})
        assert "(value: &quot;15&quot;)" in junit or '(value: "15")' in junit
    # a value whose text the shape's fixed message happens to contain ("an xsd:integer from 1") is still shown
    one = validate.validate(Graph().parse(format="turtle", data="""
        @prefix unkg: <https://w3id.org/unkg/ontology#> .
        <https://example.org/m> a unkg:Meeting ; unkg:meetingNumber "1" ."""))
    assert '(value: "1")' in validate.as_text({"m.ttl": one})
    typed = validate.Finding("Violation", "https://example.org/m", None, "m", "s", "c", "2023-09-31",
                             value_kind="http://www.w3.org/2001/XMLSchema#date")
    assert '(value: "2023-09-31"^^xsd:date)' in validate.as_text({"m.ttl": validate.Report(False, (typed,))})


def test_an_ill_formed_literal_is_a_finding_not_a_logged_traceback(caplog):
    """rdflib logs a traceback when it makes "1 March 2024"^^xsd:date; the shapes report the value instead."""
    caplog.set_level(logging.DEBUG)
    example, _ = split_expected(CASES / "MeetingShape" / "valid.ttl")
    data, context = split_context(example)
    meeting = URIRef("https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14")
    data.set((meeting, ELI_DL.activity_start_date, Literal("1 March 2024", datatype=XSD.date)))
    report = validate.validate(data, context)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("rdflib")] == []
    assert [(f.shape.rsplit("#", 1)[-1], f.value) for f in report.violations if f.component.startswith("Datatype")] \
        == [("Meeting-startDate", "1 March 2024")]


# --- SPARQL-based constraints fire only on what they are about ---

@pytest.mark.parametrize("start", [Literal("2023-09-11"), Literal("2023-09-11T10:00:00", datatype=XSD.dateTime)])
def test_a_start_that_is_not_a_date_is_a_datatype_finding_not_an_end_before_the_start(start):
    example, _ = split_expected(CASES / "MeetingShape" / "valid.ttl")
    data, context = split_context(example)
    meeting = URIRef("https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14")
    data.set((meeting, ELI_DL.activity_start_date, start))
    data.set((meeting, ELI_DL.activity_end_date, Literal("2023-09-11", datatype=XSD.date)))
    report = validate.validate(data, context)
    assert [f.message for f in report.violations if "before it starts" in f.message] == []
    assert "Meeting-startDate" in {f.shape.rsplit("#", 1)[-1] for f in report.violations}
    data.set((meeting, ELI_DL.activity_start_date, Literal("2023-09-12", datatype=XSD.date)))
    assert [f.message for f in validate.validate(data, context).violations if "before it starts" in f.message] == [
        f"Meeting {meeting} ends (2023-09-11) before it starts."]


def test_only_an_iri_minted_from_a_symbol_must_carry_that_symbol():
    """<…/doc/annual-report/2024> is a slug with a slash, not a UN symbol; <…/doc/X/1> is one."""
    def symbol_findings(iri: str) -> list[str]:
        data = Graph()
        document = URIRef(iri)
        data.add((document, RDF.type, UNKG.Document))
        data.add((document, DCTERMS.title, Literal("Annual report", lang="en")))
        return [f.message for f in validate.validate(data).violations if "minted from the UN symbol" in f.message]

    assert symbol_findings("https://example.org/doc/annual-report/2024") == []
    assert symbol_findings("https://example.org/doc/X/1") == [
        "Document https://example.org/doc/X/1 has an IRI minted from the UN symbol X/1 but does not carry that "
        "symbol (unkg:symbol)."]


def test_a_citation_of_a_provision_known_only_to_another_source_says_how_to_resolve_it():
    """Validated without the treaty (no manifest of it before, no --store), a citation of an existing UNTOC
    provision cannot be resolved: the finding says what to pass so that it can."""
    example, _ = split_expected(CASES / "AnnotationShape" / "valid.ttl")
    data, context = split_context(example)
    report = validate.validate(data, Graph())
    messages = {f.message for f in report.violations if f.shape.endswith("Annotation-citesProvision")}
    assert messages and all("--store" in m and "given before it in the same run" in m for m in messages)
    # and it states what is known, which holds with --store too (a provision the stored treaty lacks)
    assert all("neither in the data validated with it nor in a store given with --store" in m for m in messages)
    # a provision the treaty lacks (第99条 with UNTOC loaded) was told only to give the treaty it had been given
    assert all("either no such resource exists (its IRI mistyped, a number misprinted or misread)" in m
               for m in messages)


def test_any_link_to_a_resource_nothing_types_says_how_to_resolve_it():
    """A meeting of <body/CTOC-COP/WG.3>, a body the bundled data describes, validated alone: only a provision's
    finding said to pass --store or the file that describes it; a body's (or a document's subject, by sh:or) said
    only that it must be a unkg:Body. The note is the same whatever the property, from pySHACL and from the
    SPARQL-compiled shapes; a resource typed as something else is of the wrong class, and gets no such note."""
    from loader.shacl_sparql import validate_graph

    meeting, body, document = (URIRef("https://example.org/m15"), URIRef("https://w3id.org/unkg/body/CTOC-COP/WG.3"),
                               URIRef("https://example.org/doc/report"))
    data = Graph()
    data.add((meeting, RDF.type, UNKG.Meeting))
    data.add((meeting, UNKG.ofBody, body))
    data.add((document, RDF.type, UNKG.Document))
    data.add((document, DCTERMS.subject, body))
    note = validate.UNDESCRIBED_NOTE.strip()

    def noted(report) -> dict[str, bool]:
        return {f.shape.rsplit("#", 1)[-1]: note in f.message for f in report.violations
                if f.value == str(body)}

    for run in (validate.validate, validate_graph):
        assert noted(run(data)) == {"Meeting-ofBody": True, "Document-subject": True}
        assert "neither in the data validated with it nor in a store given with --store" in note
        typed_elsewhere = Graph()
        typed_elsewhere.add((body, RDF.type, UNKG.Body))
        assert noted(run(data, typed_elsewhere)) == {}
        wrong_class = Graph()
        wrong_class.add((body, RDF.type, UNKG.AgendaItem))
        assert noted(run(data, wrong_class)) == {"Meeting-ofBody": False, "Document-subject": False}


def test_junit_counts_test_cases_and_names_the_line():
    """One file with two violations was ``tests="1" failures="2"``, and a conforming file beside it counted as
    failing; a source text's failure lacked the line the text report prints."""
    from xml.dom.minidom import parseString

    bad = validate.Finding("Violation", "https://example.org/m", None, "m1", "s", "c", None, line=52)
    other = validate.Finding("Violation", "https://example.org/n", None, "m2", "s", "c", None)
    junit = parseString(validate.as_junit({"a.txt": validate.Report(False, (bad, other)),
                                           "b.ttl": validate.Report(True, ())}))
    suites = junit.getElementsByTagName("testsuite")
    assert [(s.getAttribute("name"), s.getAttribute("tests"), s.getAttribute("failures")) for s in suites] == [
        ("a.txt", "2", "2"), ("b.ttl", "1", "0")]
    failures = [f.firstChild.data for f in junit.getElementsByTagName("failure")]
    assert failures[0].startswith("a.txt:52: <https://example.org/m>") and failures[1].startswith("a.txt: <")
    assert all(len(case.getElementsByTagName("failure")) <= 1 for case in junit.getElementsByTagName("testcase"))


def test_json_writes_a_path_of_alternatives_in_sparql_not_as_a_blank_node_id():
    """The blank-node id changed from run to run: a script could not match on it."""
    finding = validate.Finding("Warning", "https://example.org/d", "n1ab2", "m",
                               "https://w3id.org/unkg/shapes#Document-symbolOrTitleRecommended", "c", None)
    [written] = json.loads(validate.as_json({"d.ttl": validate.Report(True, (finding,))}))["files"][0]["findings"]
    assert written["path"] == validate.path_label(finding) and written["path"].startswith("(<")
    assert "|" in written["path"]


def test_a_meeting_without_a_number_is_reported_once_not_also_for_its_iri():
    """Meeting-numberOfIri compares the IRI's number with the meeting's; a missing number is Meeting-meetingNumber's."""
    from loader.shacl_sparql import validate_graph

    data = Graph().parse(format="turtle", data="""
        @prefix unkg: <https://w3id.org/unkg/ontology#> .
        <https://w3id.org/unkg/meeting/X/11> a unkg:Meeting .
        <https://w3id.org/unkg/meeting/X/12> a unkg:Meeting ; unkg:meetingNumber 13 .""")
    for report in (validate.validate(data), validate_graph(data)):
        shapes = {(f.focus.rsplit("/", 1)[1], f.shape.rsplit("#", 1)[1]) for f in report.violations
                  if f.path == str(UNKG.meetingNumber)}
        assert shapes == {("11", "Meeting-meetingNumber"), ("12", "MeetingShape")}
