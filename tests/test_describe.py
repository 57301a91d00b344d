"""The describe layer over the real bundled data in a plain in-process store: one description per resource,
with the details each kind of page shows. No server here; see test_pages.py for that."""

from __future__ import annotations

import doctest
import importlib
import json

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from api import blank_nodes
from api.describe import Description, describe, pick_view
from api.render import choose
from api.terms import RDF_TYPE, Term, iri_ref, rows, store_select, term
from loader.manifest import DATA_DIR
from loader.namespaces import data_base

B = data_base()
MEETING = B + "meeting/CTOC-COP/WG.3/14"
ITEM_2 = MEETING + "/agenda/item/2"
ARTICLE_27 = B + "instrument/UNTOC/art/27"
AGENDA_FILE = DATA_DIR / "sources" / "000_53ef33334a0e60d7.txt"


@pytest.fixture(scope="module")
def run(real_store):
    return store_select(real_store)


def source_line(number: int) -> str:
    return AGENDA_FILE.read_text(encoding="utf-8").splitlines()[number - 1]


def test_meeting_agenda_in_order_with_sub_items(run):
    description = describe(MEETING, run)
    assert description.view == "meeting"
    agenda = description.details["agenda"]
    assert [item["notation"] for item in agenda] == ["1", "2", "3", "4", "5"]
    assert [sub["notation"] for sub in agenda[0]["children"]] == ["1(a)", "1(b)"]
    assert all(not item["children"] for item in agenda[1:])


def test_meeting_programme_in_local_time_and_utc(run):
    slots = describe(MEETING, run).details["programme"]
    assert [(s["date"], s["start"]["local"], s["end"]["local"]) for s in slots] == [
        ("2023-09-11", "10:00", "13:00"), ("2023-09-11", "15:00", "18:00"),
        ("2023-09-12", "10:00", "13:00"), ("2023-09-12", "15:00", "18:00"),
    ]
    assert slots[0]["start"]["utc"] == "08:00" and slots[0]["start"]["offset"] == "+02:00"
    first = [(e["notation"], e["item"].value) for e in slots[0]["entries"]]
    assert first == [("1(a)", MEETING + "/agenda/item/1/a"), ("1(b)", MEETING + "/agenda/item/1/b")]
    afternoon = [(e["notation"], e["continuation"]) for e in slots[1]["entries"]]
    assert afternoon == [("2", False), ("2", True), ("3", False)]  # the annex lists item 2 twice, once "（续）"


def test_agenda_item_annotations_citations_and_slots(run):
    description = describe(ITEM_2, run)
    assert description.view == "agenda-item"
    assert description.details["meeting"] == Term("uri", MEETING)
    annotations = description.details["annotations"]
    assert [int(a["order"].value) for a in annotations] == list(range(1, len(annotations) + 1))
    cited = {x.value for a in annotations for p, x in a["cites"]}
    for sub in "abdef":
        assert f"{ARTICLE_27}/para/1/subpara/{sub}" in cited
    assert f"{ARTICLE_27}/para/1/subpara/c" not in cited  # the paragraph never names 27(1)(c)
    every_text = "".join(t.value for a in annotations for t in a["texts"])
    assert "第27条第1款(a)和(f)项" in every_text.replace(" ", "")
    for annotation in annotations:  # each paragraph names the line it was read from
        assert annotation["lines"], f"{annotation['iri'].value} names no source line"
        text = annotation["texts"][0].value
        assert any(text[:12] in source_line(number) for number, passage in annotation["lines"])
    assert [s["iri"].value for s in description.details["slots"]] == [MEETING + "/programme/2023-09-11T1500"]
    documents = [r["document"].value for r in description.details["documentation"]]
    assert documents == [B + "doc/CTOC/COP/WG.3/2023/2"]


def test_document_symbols_versions_and_citations(run):
    description = describe(B + "doc/CTOC/COP/WG.3/2023/1", run)
    assert description.view == "document"
    assert [s.value for s in description.values("unkg:symbol")] == ["CTOC/COP/WG.3/2023/1"]
    versions = {(r["expression"].value, r["file"].value) for r in description.details["expressions"]}
    assert versions == {(B + "doc/CTOC/COP/WG.3/2023/1/zho", "data/sources/000_53ef33334a0e60d7.txt")}
    assert description.details["agendas"] == [Term("uri", MEETING + "/agenda")]  # the agenda it sets out ...
    assert description.details["cited"] == []  # ... which does not cite it; nothing in the data does


def test_provision_parts_parent_and_who_cites_it(run):
    description = describe(ARTICLE_27, run)
    assert description.view == "provision"
    assert description.details["ancestors"] == [Term("uri", B + "instrument/UNTOC")]
    paragraphs = description.details["parts"]
    assert [p["number"] for p in paragraphs] == ["1", "2", "3"]
    assert [s["number"] for s in paragraphs[0]["children"]] == list("abcdef")
    assert any("law enforcement" in t.value for t in paragraphs[0]["texts"])
    assert {r["item"].value for r in description.details["citing_items"]} == {ITEM_2}
    by_annotation = {a["iri"].value: {c.value for c in a["cited"]} for a in description.details["citing_annotations"]}
    assert f"{ARTICLE_27}/para/1/subpara/f" in by_annotation[ITEM_2 + "/annotation/2"]


def test_provision_nobody_cites(run):
    description = describe(ARTICLE_27 + "/para/1/subpara/c", run)
    assert description.exists and description.view == "provision"
    assert description.details["citing_annotations"] == [] and description.details["citing_items"] == []
    assert [a.value for a in description.details["ancestors"]] == [
        B + "instrument/UNTOC", ARTICLE_27, ARTICLE_27 + "/para/1"]


def test_decision_says_only_what_the_source_says(run):
    approved = describe(B + "decision/CTOC-COP/extended-bureau/2023-04-19", run)
    assert approved.view == "decision"
    assert [o.value for o in approved.values("unkg:decidedBy")] == [B + "body/CTOC-COP/extended-bureau"]
    assert [o.value for o in approved.values("eli-dl:decision_method")] == [
        "https://w3id.org/unkg/ontology#SilenceProcedure"]
    silent = describe(B + "decision/CTOC-COP/extended-bureau/2022-08-05", run)
    assert silent.values("eli-dl:decision_method") == []  # the text does not say how it was approved


def test_passages_are_the_verbatim_lines_of_the_file(run):
    passages = describe(B + "decision/CTOC-COP/extended-bureau/2023-04-19", run).passages
    assert passages, "a decision read from the agenda must show where it was read"
    for passage in passages:
        assert passage.file == "data/sources/000_53ef33334a0e60d7.txt"
        assert passage.verbatim == source_line(passage.line)
    assert any("默许程序" in p.verbatim for p in passages)


def test_labels_are_fetched_for_every_link_in_every_language(run):
    description = describe(MEETING, run)
    item_2_titles = [label for rank, label in description.labels[ITEM_2] if label.lang]
    assert {t.lang for t in item_2_titles} == {"zh"}
    assert "2" in [label.value for rank, label in description.labels[ITEM_2] if not label.lang]  # its notation
    shown = choose(description.labels[ITEM_2], ["en"])
    assert shown.lang == "zh" and "第27条" in shown.value  # no English exists: the Chinese title is shown
    assert B + "body/CTOC-COP/WG.3" in description.described


def test_unknown_iri_describes_nothing(run):
    description = describe(B + "meeting/CTOC-COP/WG.3/99", run)
    assert not description.exists
    assert description.outgoing == [] and description.incoming == []


def test_incoming_links_are_part_of_the_description(run):
    description = describe(B + "instrument/UNTOC", run)
    assert description.view == "document"
    assert (Term("uri", ARTICLE_27), Term("uri", "http://data.europa.eu/eli/ontology#is_part_of")) in \
        description.incoming
    triples = description.triples()
    assert (Term("uri", ARTICLE_27), Term("uri", "http://data.europa.eu/eli/ontology#is_part_of"),
            Term("uri", B + "instrument/UNTOC")) in triples


def test_incoming_links_are_listed_by_property_then_subject():
    """The query takes them in the store's order (sorting every link first cost seconds for a resource many
    statements link to); the description lists those it holds by property, then subject, blank nodes first."""
    store, g = ox.Store(), ox.NamedNode("http://example.org/g")
    hub = ox.NamedNode("http://example.org/hub")
    links = [(ox.NamedNode(f"http://example.org/s{n:02}"), ox.NamedNode(f"http://example.org/p{n % 3}"))
             for n in range(30)] + [(ox.BlankNode("b1"), ox.NamedNode("http://example.org/p1"))]
    store.extend(ox.Quad(s, p, hub, g) for s, p in links)
    incoming = [(p.value, s.kind, s.value) for s, p in describe(hub.value, store_select(store)).incoming]
    assert len(incoming) == 31
    assert incoming == sorted(incoming, key=lambda psv: (psv[0], psv[1] != "bnode", psv[2]))
    assert incoming[10][1] == "bnode"  # the first of p1's 11 links


def test_a_resource_with_more_values_than_a_page_shows_keeps_its_types_and_the_rest_judged():
    """Its types were meant to come first (they pick the view) from a UNION whose second branch Oxigraph answers
    first: a meeting with 1,200 other values lost its type, and its view. The values past the page's cut that
    decide its formats (a triple term, a literal XML cannot carry, one value of each property) are its witnesses."""
    store, g = ox.Store(), ox.NamedNode("http://example.org/g")
    me = ox.NamedNode(MEETING)
    store.add(ox.Quad(me, ox.NamedNode(RDF_TYPE), ox.NamedNode(B.replace("unkg/", "unkg/ontology#") + "Meeting"), g))
    store.extend(ox.Quad(me, ox.NamedNode("http://example.org/note"), ox.Literal(f"note {n}"), g) for n in range(1_200))
    store.add(ox.Quad(me, ox.NamedNode("http://example.org/odd"), ox.Literal("bell\u0007"), g))
    description = describe(MEETING, store_select(store), for_people=False)
    assert description.types == ["https://w3id.org/unkg/ontology#Meeting"]
    assert len(description.outgoing) == 1_000 and description.outgoing_total == 1_202
    witnessed = {(p.value, o.value) for p, o in description.witnesses}
    assert ("http://example.org/odd", "bell\u0007") in witnessed
    assert {p for p, _ in witnessed} == {RDF_TYPE, "http://example.org/note", "http://example.org/odd"}


def test_views_by_type():
    assert pick_view(["https://w3id.org/unkg/ontology#Subparagraph"]) == "provision"
    assert pick_view(["https://w3id.org/unkg/ontology#LegalInstrument",
                      "https://w3id.org/unkg/ontology#Document"]) == "document"
    assert pick_view(["https://w3id.org/unkg/ontology#Place"]) == "generic"
    assert Description("x").view == "generic"


def test_iri_ref_refuses_what_would_break_a_query():
    for bad in ["", "a b", "x>", "<x", 'x"y', "x}y", "x\ny"]:
        with pytest.raises(ValueError, match="not an IRI"):
            iri_ref(bad)
    assert iri_ref(MEETING) == f"<{MEETING}>"


def test_literals_with_quotes_are_written_safely():
    store = ox.Store()
    tricky = Term("literal", 'He said "no" \\ then\nleft', lang="en")
    found = store_select(store)(f"SELECT ?x WHERE {{ BIND({tricky.sparql()} AS ?x) }}")
    assert term(found[0]["x"]) == tricky


def test_terms_read_the_same_from_every_source():
    as_json = {"type": "literal", "value": "2023-09-11", "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    from_oxigraph = ox.Literal("2023-09-11", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    from_rdflib = rdflib.Literal("2023-09-11", datatype=rdflib.XSD.date)
    assert term(as_json) == term(from_oxigraph) == term(from_rdflib)
    assert term({"type": "literal", "value": "会议", "xml:lang": "zh"}) == term(ox.Literal("会议", language="zh"))
    assert term(ox.NamedNode(MEETING)) == term(rdflib.URIRef(MEETING)) == term({"type": "uri", "value": MEETING})
    with pytest.raises(TypeError, match="not an RDF term"):
        term(42)


@pytest.mark.parametrize("module", ["api.terms", "api.views", "api.render", "api.exports", "api.pages"])
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def test_slot_view_has_its_times_entries_and_meeting(run):
    description = describe(MEETING + "/programme/2023-09-12T1000", run)
    assert description.view == "slot" and description.details["meeting"] == Term("uri", MEETING)
    slot = description.details["slot"]
    assert (slot["start"]["local"], slot["start"]["utc"], slot["end"]["local"]) == ("10:00", "08:00", "13:00")
    assert [(e["notation"], e["continuation"]) for e in slot["entries"]] == [("3", True)]


def test_for_machines_only_the_links_are_fetched(run):
    asked = []

    def counting(query):
        asked.append(query)
        return run(query)

    lean = describe(MEETING, counting, for_people=False)
    assert len(asked) == 2 and lean.triples() == describe(MEETING, run).triples()
    assert lean.labels == {} and lean.passages == [] and lean.details == {}


def test_triple_terms_read_the_same_from_every_source():
    a, b = ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/b")
    inner = ox.Triple(a, b, ox.Literal("c", language="en"))
    store = ox.Store()
    store.add(ox.Quad(a, b, ox.Triple(a, b, inner)))
    from_store = term(next(iter(store.query("SELECT ?o WHERE { ?s ?p ?o }")))["o"])
    binding = json.loads(store.query("SELECT ?o WHERE { ?s ?p ?o }").serialize(format=ox.QueryResultsFormat.JSON))
    from_json = term(binding["results"]["bindings"][0]["o"])
    assert from_store == from_json and from_store.is_triple
    assert from_store.value == '<<( <http://ex/a> <http://ex/b> <<( <http://ex/a> <http://ex/b> "c"@en )>> )>>'
    assert from_store.iris() == ["http://ex/a", "http://ex/b", "http://ex/a", "http://ex/b"]
    assert rows(store_select(store), f"SELECT ?s WHERE {{ ?s ?p {from_store.sparql()} }}") == [{"s": term(a)}]


def test_json_ld_keeps_an_iri_that_looks_like_a_compact_one():
    """``<rdfs:foo>`` is an IRI of the scheme ``rdfs``: with ``rdfs`` in a context it would read back as
    ``http://www.w3.org/2000/01/rdf-schema#foo``. JSON-LD is written expanded (Oxigraph's, as a query worker
    writes a description), with no context, so the graph reads back the same."""
    from api.render import jsonld, ntriples

    triples = [(Term("uri", B + "thing"), Term("uri", "http://www.w3.org/2000/01/rdf-schema#seeAlso"),
                Term("uri", "rdfs:foo")),
               (Term("uri", B + "thing"), Term("uri", "http://www.w3.org/2000/01/rdf-schema#label"),
                Term("literal", "x", lang="en"))]
    written = jsonld(triples)
    back = rdflib.Graph().parse(data=written, format="json-ld")
    assert rdflib.compare.isomorphic(back, rdflib.Graph().parse(data=ntriples(triples), format="nt")), written.decode()
    assert '"skos"' not in written.decode()  # prefixes the data does not use stay out, as before


# --- blank nodes: what a value that has no name holds -----------------------------------------------------

BLANK = B + "thing/x-blank"
EX = "http://example.org/"


def held_values(description, node: Term, predicate: str) -> list[Term]:
    return [o for p, o in description.blank.held.get(node.value, []) if p.value == EX + predicate]


def test_a_blank_node_value_brings_its_statements_and_those_of_the_blank_nodes_in_it(blank_store):
    description = describe(BLANK, store_select(blank_store))
    [address] = description.values(EX + "address")
    assert address.kind == "bnode"
    assert held_values(description, address, "street") == [Term("literal", "1 Main St")]
    [city] = held_values(description, address, "city")  # a blank node in a blank node
    assert held_values(description, city, "name") == [Term("literal", "Springfield")]
    lean = describe(BLANK, store_select(blank_store), for_people=False)  # RDF has them too
    assert (address, Term("uri", EX + "street"), Term("literal", "1 Main St")) in lean.triples()
    assert (city, Term("uri", EX + "name"), Term("literal", "Springfield")) in lean.triples()


def test_a_list_is_laid_out_as_its_members_in_order(blank_store):
    description = describe(BLANK, store_select(blank_store))
    [head] = description.values(EX + "parts")
    shown = blank_nodes.lay_out(head, description.blank, blank_nodes.Budget())
    assert shown.state == "shown"
    first, second, third = shown.members
    assert (first, second) == (Term("literal", "first"), Term("uri", EX + "second"))
    assert shown.children[third.value].pairs == [(Term("uri", EX + "note"), Term("literal", "third, nested in a list"))]


def test_a_cycle_of_blank_nodes_is_fetched_once_and_shown_as_a_note_where_it_repeats(blank_store):
    description = describe(BLANK, store_select(blank_store))
    [a] = description.values(EX + "loop")
    [b] = held_values(description, a, "next")
    assert held_values(description, b, "next") == [a]
    assert len(description.blank.held[a.value]) == 2 and len(description.blank.held[b.value]) == 2
    shown = blank_nodes.lay_out(a, description.blank, blank_nodes.Budget())
    again = shown.children[b.value].children[a.value]
    assert again.state == "above" and again.pairs == [] and again.children == {}


def test_blank_nodes_are_fetched_a_bounded_depth_deep(blank_store):
    description = describe(B + "thing/x-deep", store_select(blank_store))
    levels = [o.value for pairs in description.blank.held.values() for p, o in pairs if p.value == EX + "at"]
    assert sorted(levels) == ["1", "2", "3", "4"]  # blank_nodes.LEVELS; the fifth is left for /sparql
    node = description.values(EX + "down")[0]
    shown = blank_nodes.lay_out(node, description.blank, blank_nodes.Budget())
    for _ in range(blank_nodes.LEVELS):
        [node] = [o for p, o in shown.pairs if p.value == EX + "down"]
        shown = shown.children[node.value]
    assert shown.state == "cut"  # not fetched, so not called empty
    holder = describe(BLANK, store_select(blank_store))
    [nothing] = holder.values(EX + "nothing")  # `ex:nothing []`, one level deep: it holds nothing indeed
    assert blank_nodes.lay_out(nothing, holder.blank, blank_nodes.Budget()).state == "empty"


def test_blank_nodes_cost_one_query_and_none_when_there_are_none(blank_store, run):
    asked = []

    def counting(query):
        asked.append(query)
        return store_select(blank_store)(query)

    describe(BLANK, counting, for_people=False)
    assert len(asked) == 3  # its statements, those linking to it, its blank nodes'
    asked.clear()
    describe(MEETING, lambda query: asked.append(query) or run(query), for_people=False)
    assert len(asked) == 2


def test_a_description_holds_a_bounded_number_of_blank_node_statements(blank_store, monkeypatch):
    monkeypatch.setattr(blank_nodes, "MAX_STATEMENTS", 3)
    description = describe(BLANK, store_select(blank_store))
    assert description.blank.truncated and sum(map(len, description.blank.held.values())) == 3
    assert not description.blank.complete_at(1)  # so a blank node it has no statements of is not called empty


def test_a_page_shows_a_bounded_number_of_blank_node_values(blank_store):
    description = describe(BLANK, store_select(blank_store))
    [address] = description.values(EX + "address")
    budget = blank_nodes.Budget(left=2)
    shown = blank_nodes.lay_out(address, description.blank, budget)
    assert shown.state == "shown" and len(shown.pairs) == 2  # the street and the city: all that was left ...
    [city] = shown.children.values()
    assert city.state == "cut" and budget.left == 0  # ... so the city's name is not shown
    assert blank_nodes.lay_out(address, description.blank, budget).state == "cut"


def test_the_ontology_page_nests_what_its_blank_nodes_hold():
    """An OWL restriction is a blank node: the ontology page shows it under rdfs:subClassOf, not as ``_:…``."""
    from api.pages import describe_ontology
    from api.render import Page, html

    store = ox.Store()
    store.load(b"""
        @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/unkg/ontology> a owl:Ontology .
        <https://w3id.org/unkg/ontology#Thing> a owl:Class ; rdfs:subClassOf [ a owl:Restriction ;
            owl:onProperty <https://w3id.org/unkg/ontology#part> ; owl:allValuesFrom [ owl:unionOf (
                <https://w3id.org/unkg/ontology#A> <https://w3id.org/unkg/ontology#B> ) ] ] .
        """, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(B + "graph/ontology"))
    description, triples = describe_ontology(store_select(store))
    page = html("ontology.html", page=Page(description, base=B, origin="", languages=["en"]), alternates=[],
                origin="")
    term = page[page.index('id="Thing"'):]
    assert '<table class="links blank"' in term and 'href="/ontology#part"' in term
    members = term[term.index('<ol class="rdf-list"'):term.index("</ol>")]
    assert members.index('href="/ontology#A"') < members.index('href="/ontology#B"')
    assert 'class="bnode"' not in term
