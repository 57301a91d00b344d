"""The ontology: it parses, every term is labelled en+zh, defined, given a status and aligned; every unkg: term the
loader writes (and the shapes use) is declared; MODEL.md documents every term; and the OWL 2 RL closure of the
ontology with the loaded graphs is consistent.
"""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from loader.build import build_graph
from loader.manifest import read_manifest
from loader.namespaces import ELI_DL, SCHEMA, UNKG

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "unkg.ttl"
MODEL = ROOT / "ontology" / "MODEL.md"
B = "https://w3id.org/unkg/"
ONTOLOGY_IRI = URIRef("https://w3id.org/unkg/ontology")
VS_STATUS = URIRef("http://www.w3.org/2003/06/sw-vocab-status/ns#term_status")
ALIGNMENT = (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch, SKOS.exactMatch, SKOS.broadMatch,
             SKOS.narrowMatch, SKOS.relatedMatch)
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme, SKOS.Concept)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY)


@pytest.fixture(scope="module")
def data() -> Graph:
    """Everything the loader writes for the sources in the manifest."""
    graph = Graph()
    for entry in read_manifest():
        graph += build_graph(entry, B)
    return graph


def unkg_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(str(UNKG))}


def test_ontology_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/unkg/ontology/0.1.0")
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for predicate in (DCTERMS.license, SKOS.changeNote, DCTERMS.description):
        assert ontology.value(ONTOLOGY_IRI, predicate) is not None, predicate


def test_no_object_property_is_given_a_literal(ontology):
    """dcterms:creator is declared an owl:ObjectProperty (the data's documents are created by bodies): the
    ontology itself must not use it, or any other object property, with a literal ("The unkg project")."""
    objects = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    assert DCTERMS.creator in objects
    assert sorted((str(s), str(p)) for s, p, o in ontology if p in objects and isinstance(o, Literal)) == []


def test_only_unkg_terms_are_defined_by_the_ontology(ontology):
    """The EU's language authority defines lang:ZHO and the rest; unkg only puts them in its scheme."""
    zho = URIRef("http://publications.europa.eu/resource/authority/language/ZHO")
    assert (zho, SKOS.inScheme, UNKG.Languages) in ontology
    foreign = [s for s in ontology.subjects(RDFS.isDefinedBy, ONTOLOGY_IRI) if not s.startswith(str(UNKG))]
    assert sorted(foreign) == []


TIME = "http://www.w3.org/2006/time#"
OA = "http://www.w3.org/ns/oa#"


@pytest.mark.parametrize(("term", "not_close", "related"), [
    # OWL-Time's hasBeginning/hasEnd are object properties to a time:Instant; ours are timestamps
    (UNKG.startTime, URIRef(TIME + "hasBeginning"), URIRef(TIME + "inXSDDateTimeStamp")),
    (UNKG.endTime, URIRef(TIME + "hasEnd"), URIRef(TIME + "inXSDDateTimeStamp")),
    # oa:start is a character offset in a text, not a line number
    (UNKG.line, URIRef(OA + "start"), URIRef(OA + "start")),
])
def test_alignments_to_terms_of_another_kind_are_only_related(ontology, term, not_close, related):
    strong = (RDFS.subPropertyOf, SKOS.closeMatch, SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch)
    assert [p for p in strong if (term, p, not_close) in ontology] == []
    assert (term, SKOS.relatedMatch, related) in ontology


def test_a_programme_row_does_not_consist_of_the_item_it_takes_up(ontology):
    """Items 2 and 3 are each taken up by several rows of the work programme: a row is not a whole made of its
    item, so the OWL 2 RL closure must not infer eli-dl:consists_of from unkg:takesUp."""
    graph = Graph()
    graph += ontology
    entry = URIRef(B + "meeting/CTOC-COP/WG.3/14/programme/2023-09-11T1000/entry/1")
    item = URIRef(B + "meeting/CTOC-COP/WG.3/14/agenda/item/2")
    graph.add((entry, UNKG.takesUp, item))
    assert closure_errors(graph) == []
    assert (entry, ELI_DL.consists_of, item) not in graph
    assert (UNKG.takesUp, SKOS.relatedMatch, ELI_DL.consists_of) in ontology


def test_every_term_is_labelled_defined_given_a_status_and_described(ontology):
    terms = unkg_terms(ontology)
    assert len(terms) > 100
    problems = []
    for term in sorted(terms):
        labels = {label.language for label in ontology.objects(term, RDFS.label)}
        definitions = {d.language for d in ontology.objects(term, SKOS.definition)}
        if not {"en", "zh"} <= labels:
            problems.append(f"{term}: rdfs:label languages {labels}")
        if "en" not in definitions:
            problems.append(f"{term}: no English skos:definition")
        if ontology.value(term, RDFS.isDefinedBy) != ONTOLOGY_IRI:
            problems.append(f"{term}: rdfs:isDefinedBy")
        if (term, VS_STATUS, None) not in ontology or (term, OWL.deprecated, None) in ontology:
            problems.append(f"{term}: status must be vs:term_status (and only that)")
        if not any((term, RDF.type, kind) in ontology for kind in KINDS):
            problems.append(f"{term}: neither a class, a property nor a concept")
    assert problems == []


def aligned(ontology: Graph, term: URIRef, seen: frozenset = frozenset()) -> bool:
    """Aligned to an external vocabulary directly, or through unkg super-terms that are."""
    for predicate in ALIGNMENT:
        for target in ontology.objects(term, predicate):
            if not str(target).startswith(str(UNKG)):
                return True
            if target not in seen and aligned(ontology, target, seen | {term}):
                return True
    return False


def test_every_class_and_property_is_aligned(ontology):
    terms = [t for t in unkg_terms(ontology) if any((t, RDF.type, k) in ontology for k in KINDS[:3])]
    assert [t for t in sorted(terms) if not aligned(ontology, t)] == []


def test_every_unkg_term_the_loader_writes_is_declared(ontology, data):
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    objects = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    datatypes = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    problems = set()
    for _, p, o in data:
        if p.startswith(str(UNKG)):
            if p in objects and not isinstance(o, URIRef):
                problems.add(f"object property {p} with a literal")
            elif p in datatypes and not isinstance(o, Literal):
                problems.add(f"datatype property {p} with an IRI")
            elif p not in objects | datatypes:
                problems.add(f"undeclared property {p}")
        if p == RDF.type and o.startswith(str(UNKG)) and o not in classes:
            problems.add(f"undeclared class {o}")
        elif p != RDF.type and isinstance(o, URIRef) and o.startswith(str(UNKG)) and o not in concepts:
            problems.add(f"undeclared concept {o}")
    assert problems == set()


def test_literals_have_the_declared_ranges(ontology, data):
    mismatched = set()
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        declared = ontology.value(prop, RDFS.range)
        if declared is None or not prop.startswith(str(UNKG)):
            continue
        for value in data.objects(None, prop):
            actual = value.datatype or (RDF.langString if value.language else XSD.string)
            if actual != declared:
                mismatched.add((str(prop), str(actual)))
    assert mismatched == set()


def test_every_unkg_term_the_shapes_use_exists(ontology):
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    used = {x for triple in shapes for x in triple if isinstance(x, URIRef) and x.startswith(str(UNKG))}
    assert sorted(used - unkg_terms(ontology)) == []


def test_model_md_documents_every_term(ontology):
    text = MODEL.read_text(encoding="utf-8")
    missing = [t for t in sorted(unkg_terms(ontology)) if f"unkg:{t[len(str(UNKG)):]}" not in text]
    assert missing == []


def closure_errors(graph: Graph) -> list[str]:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = [str(graph.value(m, ERRNS.error)) for m in graph.subjects(RDF.type, ERRNS.ErrorMessage)]
    return errors + [f"{s} is an owl:Nothing" for s in graph.subjects(RDF.type, OWL.Nothing)]


def test_owl_rl_closure_of_ontology_and_data_is_consistent(ontology, data):
    graph = Graph()
    graph += ontology
    graph += data
    size = len(graph)
    assert closure_errors(graph) == []
    meeting = URIRef(B + "meeting/CTOC-COP/WG.3/14")
    slot = next(graph.subjects(RDF.type, UNKG.TimeSlot))
    assert graph.value(slot, ELI_DL.activity_start_date) is not None  # inferred from unkg:startTime
    assert (meeting, RDF.type, SCHEMA.Event) in graph  # inferred from unkg:Meeting
    assert len(graph) > size  # the closure did infer something


def test_the_consistency_check_can_fail(ontology):
    """A meeting of two bodies declared different contradicts unkg:ofBody being functional."""
    graph = Graph()
    graph += ontology
    meeting, one, two = URIRef(B + "meeting/x/1"), URIRef(B + "body/x"), URIRef(B + "body/y")
    graph.add((meeting, UNKG.ofBody, one))
    graph.add((meeting, UNKG.ofBody, two))
    graph.add((one, OWL.differentFrom, two))
    assert closure_errors(graph) != []


def test_documents_are_typed_with_the_undo_type_their_kind_matches():
    """The kinds' alignment (skos:exactMatch undo:AnnotatedAgenda) was only said of the concept: a query in UNDO's
    terms found no document. Typed from the ontology's mapping, broad matches too (a digest is a publication)."""
    from loader.namespaces import UNDO, data_base

    graph = Graph()
    for entry in read_manifest():
        graph += build_graph(entry, data_base())
    typed = {(str(d).removeprefix(data_base()), str(t).removeprefix(str(UNDO)))
             for d, t in graph.subject_objects(RDF.type) if str(t).startswith(str(UNDO))}
    assert typed == {("doc/CTOC/COP/WG.3/2023/1", "AnnotatedAgenda"), ("instrument/UNTOC", "Convention"),
                     ("instrument/UNTOC-review-mechanism-procedures-and-rules", "RulesOfProcedure"),
                     ("doc/UNTOC-digest-of-cases-international-cooperation", "Publication")}
    kinds_without = {k for k in graph.objects(None, UNKG.documentKind)} - {
        UNKG.AnnotatedProvisionalAgenda, UNKG.Convention, UNKG.RulesOfProcedure, UNKG.DigestOfCases}
    assert kinds_without  # background papers, reports…: no UNDO type said, none made up
    assert not any(str(t).startswith(str(UNDO)) for k in kinds_without
                   for d in graph.subjects(UNKG.documentKind, k) for t in graph.objects(d, RDF.type))
