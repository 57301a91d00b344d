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

from api.describe import Description, describe, pick_view
from api.render import choose
from api.terms import Term, iri_ref, rows, store_select, term
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
    """``<rdfs:foo>`` is an IRI of the scheme ``rdfs``: with ``rdfs`` in the context it would read back as
    ``http://www.w3.org/2000/01/rdf-schema#foo``, so that prefix is left out and the graph reads back the same."""
    from api.render import jsonld, to_graph

    triples = [(Term("uri", B + "thing"), Term("uri", "http://www.w3.org/2000/01/rdf-schema#seeAlso"),
                Term("uri", "rdfs:foo")),
               (Term("uri", B + "thing"), Term("uri", "http://www.w3.org/2000/01/rdf-schema#label"),
                Term("literal", "x", lang="en"))]
    written = jsonld(triples)
    back = rdflib.Graph().parse(data=written, format="json-ld")
    assert rdflib.compare.isomorphic(back, to_graph(triples)), written.decode()
    assert '"skos"' not in written.decode()  # prefixes the data does not use stay out, as before
