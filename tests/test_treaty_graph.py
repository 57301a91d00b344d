"""The treaty's graph, built from the real UNTOC text through the manifest, as ``unkg load`` builds it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from loader import iris
from loader.build import build_graph
from loader.errors import SourceError
from loader.manifest import read_manifest
from loader.namespaces import ELI, UNKG
from loader.sources import treaty
from loader.to_rdf.treaty import to_graph

B = "https://w3id.org/unkg/"
UNTOC = URIRef(iris.instrument(B, "UNTOC"))
ENG = URIRef(f"{UNTOC}/eng")


@pytest.fixture(scope="module")
def entry():
    return next(e for e in read_manifest() if e.genre == "treaty")


@pytest.fixture(scope="module")
def graph(entry):
    return build_graph(entry, B)


def provision(**steps) -> URIRef:
    return URIRef(iris.provision(B, "UNTOC", **steps))


def test_instrument_title_from_the_first_line_and_its_english_expression(graph):
    title = Literal("United Nations Convention against Transnational Organized Crime", lang="en")
    assert (UNTOC, RDF.type, UNKG.LegalInstrument) in graph
    assert (UNTOC, DCTERMS.title, title) in graph
    assert (UNTOC, RDFS.label, title) in graph
    assert (UNTOC, UNKG.documentKind, UNKG.Convention) in graph
    assert graph.value(UNTOC, UNKG.evidence).startswith("sources/README.md:")  # the manifest's fact, with its evidence
    assert (UNTOC, ELI.is_realized_by, ENG) in graph
    assert (ENG, ELI.realizes, UNTOC) in graph
    assert graph.value(ENG, UNKG.sourceFile) == Literal("data/sources/untoc/UNTOC.en.md")
    assert graph.value(ENG, ELI.language) == URIRef("http://publications.europa.eu/resource/authority/language/ENG")
    source_graph = URIRef(iris.graph(B, "UNTOC-eng"))
    assert (source_graph, RDF.type, UNKG.SourceGraph) in graph
    assert graph.value(source_graph, PROV.wasDerivedFrom) == ENG
    assert graph.value(ENG, PROV.wasDerivedFrom) == URIRef(f"{ENG}/L1")  # its title, as the instrument's


def test_the_closing_formula_after_the_last_article(graph):
    closing = str(graph.value(UNTOC, UNKG.closingFormula))
    assert closing.startswith("IN WITNESS WHEREOF, the undersigned plenipotentiaries") and closing.endswith(
        "have signed this Convention.")
    assert graph.value(UNTOC, UNKG.closingFormula).language == "en"
    lines = {int(graph.value(p, UNKG.line)) for p in graph.objects(UNTOC, PROV.wasDerivedFrom)}
    assert lines == {1, 649}
    assert "IN WITNESS WHEREOF" in str(graph.value(URIRef(f"{ENG}/L649"), UNKG.verbatim))


def test_article_27_1_a_text_label_order_and_parents(graph):
    node = provision(article="27", paragraph="1", subparagraph="a")
    assert {UNKG.Provision, UNKG.Subparagraph} <= set(graph.objects(node, RDF.type))
    assert str(graph.value(node, UNKG.text)).startswith("To enhance and, where necessary")
    assert graph.value(node, UNKG.text).language == "en"
    assert graph.value(node, SKOS.notation) == Literal("27(1)(a)")  # a code, in no language
    assert graph.value(node, RDFS.label) is None and graph.value(node, SKOS.prefLabel) is None  # none printed
    article = graph.value(graph.value(node, ELI.is_part_of), ELI.is_part_of)
    assert graph.value(article, RDFS.label) == Literal("Article 27", lang="en")  # line 443: "### Article  27"
    assert graph.value(node, UNKG.number) == Literal("a")
    assert graph.value(node, UNKG.order).toPython() == Decimal(1)
    assert graph.value(node, ELI.is_part_of) == provision(article="27", paragraph="1")
    assert (provision(article="27", paragraph="1"), ELI.has_part, node) in graph
    assert graph.value(node, UNKG.instrument) == UNTOC


def test_every_provision_derives_from_its_line_with_the_verbatim_text(graph):
    node = provision(article="27", paragraph="1", subparagraph="f")
    passage = graph.value(node, PROV.wasDerivedFrom)
    assert passage == URIRef(f"{ENG}/L465")
    assert graph.value(passage, UNKG.line).toPython() == 465
    assert str(graph.value(passage, UNKG.verbatim)).startswith("f) To exchange information")
    assert graph.value(passage, DCTERMS.isPartOf) == ENG
    for subject in graph.subjects(RDF.type, UNKG.Provision):
        assert graph.value(subject, PROV.wasDerivedFrom) is not None, subject


def test_counts_and_the_articles_with_direct_subparagraphs(graph):
    assert len(set(graph.subjects(RDF.type, UNKG.Article))) == 41
    assert len(set(graph.subjects(RDF.type, UNKG.Provision))) == 345
    assert (provision(article="2", subparagraph="j"), RDF.type, UNKG.Subparagraph) in graph
    assert (provision(article="5", paragraph="1", subparagraph="a", item="ii", subitem="b"), RDF.type,
            UNKG.Subitem) in graph
    assert graph.value(provision(article="27"), UNKG.heading) == Literal("Law enforcement cooperation", lang="en")


def test_no_chinese_and_no_blank_nodes(graph):
    for s, _, o in graph:
        assert isinstance(s, URIRef)
        assert not (isinstance(o, Literal) and o.language == "zh")


def test_the_manifest_must_name_the_instrument(entry):
    records = treaty.parse(entry.path)
    with pytest.raises(SourceError, match="needs `instrument`"):
        to_graph(records, replace(entry, facts={}), B)
    with pytest.raises(SourceError, match="unknown language 'xxx'"):
        to_graph(records, replace(entry, language="xxx"), B)
