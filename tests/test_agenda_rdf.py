"""The annotated agenda as RDF: key triples of the real Chinese agenda, provenance of everything minted, no blank
nodes, IRIs that meet the treaty graph's, and the English fixture through the same converter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from loader import iris
from loader.build import build_graph
from loader.errors import SourceError
from loader.manifest import SourceEntry, read_manifest
from loader.namespaces import ELI_DL, ORG, SCHEMA, UNKG, sparql_prefixes
from loader.sources import agenda
from loader.to_rdf import agenda as agenda_rdf

B = "https://w3id.org/unkg/"
EN = Path(__file__).parent / "fixtures" / "agenda_en"
MEETING = URIRef(iris.meeting(B, "CTOC-COP/WG.3", 14))
DOC = URIRef(iris.document(B, "CTOC/COP/WG.3/2023/1"))
EXPRESSION = iris.expression(B, "CTOC/COP/WG.3/2023/1", "zho")
RULES = "UNTOC-review-mechanism-procedures-and-rules"


def entry_of(genre: str) -> SourceEntry:
    return next(e for e in read_manifest() if e.genre == genre)


@pytest.fixture(scope="module")
def entry() -> SourceEntry:
    return entry_of("annotated-agenda")


@pytest.fixture(scope="module")
def graph(entry) -> Graph:
    return build_graph(entry, B)


def item(number: str, sub: str | None = None) -> URIRef:
    return URIRef(iris.agenda_item(str(MEETING), number, sub))


def provision(key: str, **path: str) -> URIRef:
    return URIRef(iris.provision(B, key, **path))


def ask(graph: Graph, query: str) -> list:
    return list(graph.query(sparql_prefixes() + query))


def edited_graph(entry: SourceEntry, tmp_path: Path, old: str, new: str) -> Graph:
    """The graph of ``entry``'s text with its one ``old`` made ``new``."""
    text = entry.path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    edited = tmp_path / entry.path.name
    edited.write_text(text.replace(old, new), encoding="utf-8")
    return build_graph(replace(entry, path=edited), B)


def edited_english_graph(tmp_path: Path, old: str, new: str) -> Graph:
    """The graph of the English fixture back-to-back.txt with its one ``old`` made ``new``."""
    text = (EN / "back-to-back.txt").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    edited = tmp_path / "back-to-back.txt"
    edited.write_text(text.replace(old, new), encoding="utf-8")
    return agenda_rdf.to_graph(agenda.parse(edited), english_entry(edited), B)


def test_no_blank_nodes(graph):
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


def test_every_minted_subject_has_provenance_from_a_real_line(graph, entry):
    lines = entry.path.read_text(encoding="utf-8").split("\n")
    passages = set(graph.subjects(RDF.type, UNKG.SourcePassage))
    assert len(passages) > 40
    for passage in passages:
        line = graph.value(passage, UNKG.line).toPython()
        assert graph.value(passage, UNKG.verbatim) == Literal(lines[line - 1])
        assert str(passage) == iris.passage(EXPRESSION, line)
        assert graph.value(passage, DCTERMS.isPartOf) == URIRef(EXPRESSION)
    missing = {s for s in graph.subjects() if s not in passages and (s, PROV.wasDerivedFrom, None) not in graph}
    assert missing == set()
    for target in graph.objects(None, PROV.wasDerivedFrom):
        assert target in passages or target == URIRef(EXPRESSION)


def test_the_document_its_expression_and_manifest_evidence(graph, entry):
    assert (DOC, RDF.type, UNKG.Document) in graph
    assert (DOC, UNKG.symbol, Literal("CTOC/COP/WG.3/2023/1")) in graph
    assert (DOC, UNKG.documentKind, UNKG.AnnotatedProvisionalAgenda) in graph
    english = URIRef("http://publications.europa.eu/resource/authority/language/ENG")
    assert (DOC, UNKG.originalLanguage, english) in graph
    assert (DOC, UNKG.distribution, UNKG.GeneralDistribution) in graph
    assert (DOC, DCTERMS.date, Literal("2023-06-14", datatype=XSD.date)) in graph
    assert (DOC, DCTERMS.title, Literal("临时议程说明", lang="zh")) in graph
    assert (DOC, UNKG.evidence, Literal(entry.get("evidence"))) in graph
    assert (DOC, UNKG.forMeeting, MEETING) in graph
    # line 5, the head of the document, names the body it is issued by
    assert list(graph.objects(DOC, UNKG.issuingBody)) == [URIRef(iris.body(B, "CTOC-COP"))]
    assert (DOC, PROV.wasDerivedFrom, URIRef(iris.passage(EXPRESSION, 5))) in graph
    expression = URIRef(EXPRESSION)
    assert (DOC, URIRef("http://data.europa.eu/eli/ontology#is_realized_by"), expression) in graph
    assert graph.value(expression, UNKG.sourceFile) == Literal("data/sources/000_53ef33334a0e60d7.txt")
    graph_node = URIRef(iris.graph(B, entry.id))
    assert (graph_node, PROV.wasDerivedFrom, expression) in graph
    # the title is printed on line 16, the language on line 9: the expression is derived from both
    assert graph.value(expression, DCTERMS.title) == Literal("临时议程说明", lang="zh")
    lines = {int(graph.value(p, UNKG.line)) for p in graph.objects(expression, PROV.wasDerivedFrom)}
    assert {9, 16} <= lines
    # the UTC offsets of the meeting's times are not printed: the manifest's reason for the time zone is kept
    assert (MEETING, UNKG.evidence, Literal(entry.get("timezone_evidence"))) in graph


def test_the_meeting(graph):
    assert (MEETING, RDF.type, UNKG.Meeting) in graph
    assert graph.value(MEETING, UNKG.meetingNumber) == Literal(14, datatype=XSD.integer)
    assert graph.value(MEETING, UNKG.ofBody) == URIRef(iris.body(B, "CTOC-COP/WG.3"))
    assert graph.value(MEETING, ELI_DL.activity_start_date) == Literal("2023-09-11", datatype=XSD.date)
    assert graph.value(MEETING, ELI_DL.activity_end_date) == Literal("2023-09-12", datatype=XSD.date)
    assert graph.value(MEETING, UNKG.openingTime) == Literal("2023-09-11T10:00:00+02:00", datatype=XSD.dateTimeStamp)
    assert graph.value(MEETING, SKOS.prefLabel) == Literal("国际合作工作组第十四次会议", lang="zh")
    counts = [graph.value(MEETING, p).toPython() for p in (
        UNKG.plenaryMeetingCount, UNKG.interpretationLanguageCount, UNKG.plenaryDayCount)]
    assert counts == [4, 6, 2]
    vienna = URIRef(iris.place(B, "vienna"))
    assert graph.value(vienna, SKOS.prefLabel) == Literal("维也纳", lang="zh")
    assert graph.value(MEETING, URIRef("https://schema.org/location")) == vienna
    assert graph.value(MEETING, UNKG.website) == URIRef(
        "https://www.unodc.org/unodc/en/treaties/CTOC/working-group-on-international-cooperation-2023.html")
    # which body meets is printed on line 12, when and where on line 14: the meeting is derived from both
    lines = {int(graph.value(p, UNKG.line)) for p in graph.objects(MEETING, PROV.wasDerivedFrom)}
    assert {12, 14} <= lines


def test_every_labelled_resource_has_a_preferred_label(graph):
    # labels of instances are skos:prefLabel plus rdfs:label (ontology/MODEL.md): pages and clients look for either
    only_rdfs = {s for s in graph.subjects(RDFS.label, None) if (s, SKOS.prefLabel, None) not in graph}
    assert only_rdfs == set()
    agenda_node = URIRef(iris.agenda(str(MEETING)))
    assert graph.value(agenda_node, SKOS.prefLabel) == Literal("临时议程", lang="zh")


def test_agenda_items_titles_order_and_sub_items(graph):
    agenda_node = URIRef(iris.agenda(str(MEETING)))
    assert (MEETING, UNKG.hasAgenda, agenda_node) in graph and (agenda_node, UNKG.agendaOf, MEETING) in graph
    top = sorted(str(x) for x in graph.objects(agenda_node, ELI_DL.consists_of))
    assert top == sorted(str(item(n)) for n in "12345")
    rows = ask(graph, """SELECT ?n ?order ?title WHERE { ?i unkg:inAgenda ?a ; skos:notation ?n ;
                          eli-dl:activity_order ?order ; unkg:title ?title } ORDER BY ?order""")
    assert [(str(n), str(o)) for n, o, _ in rows] == [
        ("1", "1"), ("1(a)", "1.1"), ("1(b)", "1.2"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]
    assert all(r[2].language == "zh" for r in rows)
    assert (item("1", "b"), UNKG.subItemOf, item("1")) in graph
    assert set(graph.objects(item("1"), ELI_DL.consists_of)) == {item("1", "a"), item("1", "b")}
    assert graph.value(item("2"), UNKG.concernsProvision) == provision("UNTOC", article="27")
    assert (item("4"), UNKG.expectsNoDocuments, Literal(True)) in graph
    assert list(graph.subjects(UNKG.expectsNoDocuments, None)) == [item("4")]


def test_meetings_and_items_as_eli_dl_and_the_european_parliament_type_them(graph):
    """VOCABULARIES.md: a planned meeting is an eli-dl:ForeseenActivity, a meeting that happened an eli-dl:Activity;
    an agenda item is documented_by_a_realization_of the agenda document and based_on_a_realization_of the papers
    it takes up (the European Parliament's items)."""
    held = {URIRef(iris.meeting(B, "CTOC-COP/WG.3", 13)),
            URIRef(iris.meeting(B, "CTOC-COP/technical-assistance-working-group", 13))}
    assert set(graph.subjects(RDF.type, ELI_DL.ForeseenActivity)) & set(graph.subjects(RDF.type, UNKG.Meeting)) == {
        MEETING}
    assert set(graph.subjects(RDF.type, ELI_DL.Activity)) & set(graph.subjects(RDF.type, UNKG.Meeting)) == held
    items = set(graph.subjects(RDF.type, UNKG.AgendaItem))
    assert len(items) == 7
    assert {i for i in items if set(graph.objects(i, ELI_DL.documented_by_a_realization_of)) == {DOC}} == items
    based_on = {(str(i).split("/agenda/")[1], str(d).split("/doc/")[1])
                for i, d in graph.subject_objects(ELI_DL.based_on_a_realization_of)}
    assert based_on == {("item/2", "CTOC/COP/WG.3/2023/2"), ("item/3", "CTOC/COP/WG.3/2023/3")}


def test_annotations_link_the_present_meeting_and_the_report_they_name(graph):
    """Line 46 speaks of 本次会议 ("the present meeting"): this meeting; line 86 of the report the working group will
    adopt: the annotation mentions it, as the item has it as its outcome."""
    def annotation(number: str, order: int) -> URIRef:
        return URIRef(iris.annotation(str(item(*number.split("/"))), order))

    fourth = annotation("1/b", 4)
    assert "本次会议可用的会议服务" in str(graph.value(fourth, UNKG.text))
    assert list(graph.objects(fourth, UNKG.mentionsMeeting)) == [MEETING]
    [adopts] = [a for a in graph.objects(item("5"), UNKG.hasAnnotation) if "会议报告" in str(graph.value(a, UNKG.text))]
    assert list(graph.objects(adopts, UNKG.mentionsDocument)) == [graph.value(item("5"), UNKG.outcomeDocument)]
    # the annotations that mention this meeting: by its number, or (1(b)'s fourth) as 本次会议; no other
    mention = {str(a).split("/agenda/")[1] for a in graph.subjects(UNKG.mentionsMeeting, MEETING)}
    assert mention == {"item/1/a/annotation/1", "item/1/b/annotation/1", "item/1/b/annotation/2",
                       "item/1/b/annotation/3", "item/1/b/annotation/4", "item/2/annotation/1", "item/3/annotation/5"}


def test_annotations_cite_exactly_the_provisions_the_text_names(graph):
    second = URIRef(iris.annotation(str(item("2")), 2))
    assert set(graph.objects(second, UNKG.citesProvision)) == {
        provision("UNTOC", article="27"),
        *(provision("UNTOC", article="27", paragraph="1", subparagraph=x) for x in "abdef"),
    }
    c = provision("UNTOC", article="27", paragraph="1", subparagraph="c")
    assert (None, None, c) not in graph and (c, None, None) not in graph
    third = [URIRef(iris.annotation(str(item("3")), n)) for n in (1, 2, 5)]
    assert [set(graph.objects(a, UNKG.citesProvision)) for a in third] == [
        {provision(RULES, paragraph="12")}, {provision(RULES, paragraph="10")},
        {provision(RULES, paragraph="53", subparagraph="h")}]
    text = graph.value(URIRef(iris.annotation(str(item("1", "b")), 4)), UNKG.text)
    assert text.language == "zh" and "¹" not in text and text.endswith("全体会议。")


def test_the_heading_the_agenda_prints_for_article_27(graph):
    """第27条（执法合作）: the article's Chinese heading, which only the agenda gives, from the lines that print it;
    nothing else of the article, which the treaty's graph describes."""
    article = provision("UNTOC", article="27")
    assert list(graph.objects(article, UNKG.heading)) == [Literal("执法合作", lang="zh")]
    lines = {int(graph.value(p, UNKG.line)) for p in graph.objects(article, PROV.wasDerivedFrom)}
    assert 23 in lines and lines <= {23, 48, 58, 96}
    assert set(graph.predicates(article, None)) == {UNKG.heading, PROV.wasDerivedFrom}
    assert not list(graph.objects(provision("UNTOC", article="27", paragraph="1"), UNKG.heading))


def test_cited_convention_provisions_exist_in_the_treaty_graph(graph):
    treaty = build_graph(entry_of("treaty"), B)
    cited = {o for o in graph.objects(None, UNKG.citesProvision) if str(o).startswith(iris.instrument(B, "UNTOC/"))}
    cited |= set(graph.objects(None, UNKG.concernsProvision)) | {
        o for o in graph.objects(None, DCTERMS.subject) if "/instrument/UNTOC/" in str(o)}
    assert len(cited) == 6
    for iri in cited:
        assert (iri, RDF.type, UNKG.Provision) in treaty, iri


def test_rules_of_the_review_mechanism_minted_with_chinese_labels_only(graph):
    rules = URIRef(iris.instrument(B, RULES))
    assert (rules, RDF.type, UNKG.LegalInstrument) in graph
    title = "打击有组织犯罪公约及其各项议定书实施情况审议机制运作程序和规则"
    assert graph.value(rules, SKOS.prefLabel) == Literal(title, lang="zh")
    assert (rules, SKOS.altLabel, Literal("审议机制运作程序和规则", lang="zh")) in graph
    h = provision(RULES, paragraph="53", subparagraph="h")
    para53 = provision(RULES, paragraph="53")
    assert {(h, RDF.type, UNKG.Subparagraph), (h, UNKG.instrument, rules), (h, URIRef(
        "http://data.europa.eu/eli/ontology#is_part_of"), para53)} <= set(graph)
    assert graph.value(h, SKOS.prefLabel) == Literal("第53(h)段", lang="zh")
    assert graph.value(provision(RULES, paragraph="10"), UNKG.completionThreshold) == Literal(
        "70", datatype=XSD.decimal)
    labels = [o for s in (rules, h, para53) for o in graph.objects(s, SKOS.prefLabel)]
    assert labels and all(label.language == "zh" for label in labels)


def test_three_decisions_and_the_one_without_a_procedure(graph):
    bureau = URIRef(iris.body(B, "CTOC-COP/extended-bureau"))
    decisions = {d: graph.value(d, DCTERMS.date) for d in graph.subjects(RDF.type, UNKG.Decision)}
    assert sorted(str(v) for v in decisions.values()) == ["2022-08-05", "2023-04-19", "2023-04-21"]
    for day in ("2022-08-05", "2023-04-19", "2023-04-21"):
        node = URIRef(iris.decision(B, "CTOC-COP/extended-bureau", day))
        assert graph.value(node, UNKG.decidedBy) == bureau
        assert graph.value(node, UNKG.concernsMeeting) == MEETING
    silent = URIRef(iris.decision(B, "CTOC-COP/extended-bureau", "2022-08-05"))
    assert graph.value(silent, ELI_DL.decision_method) is None
    for day in ("2023-04-19", "2023-04-21"):
        node = URIRef(iris.decision(B, "CTOC-COP/extended-bureau", day))
        assert graph.value(node, ELI_DL.decision_method) == UNKG.SilenceProcedure
    assert graph.value(URIRef(iris.decision(B, "CTOC-COP/extended-bureau", "2023-04-19")), UNKG.approved) == Literal(
        "国际合作工作组第十四次会议的实质性议题", lang="zh")


def test_bodies_labels_and_structure(graph):
    cop = URIRef(iris.body(B, "CTOC-COP"))
    wg3 = URIRef(iris.body(B, "CTOC-COP/WG.3"))
    chair = URIRef(iris.body(B, "CTOC-COP/WG.3/chair"))
    assert (cop, RDF.type, UNKG.ConferenceOfTheParties) in graph
    assert graph.value(cop, SKOS.prefLabel) == Literal("联合国打击跨国有组织犯罪公约缔约方会议", lang="zh")
    assert (wg3, ORG.unitOf, cop) in graph and (cop, ORG.hasUnit, wg3) in graph
    assert (chair, RDF.type, UNKG.Post) in graph and (chair, ORG.postIn, wg3) in graph
    mechanism = URIRef(iris.body(B, "CTOC-COP/review-mechanism"))
    assert graph.value(mechanism, UNKG.website) == URIRef(
        "https://www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/constructive_dialogues/ic_2022.html")
    for body in graph.subjects(ORG.unitOf, None):
        assert graph.value(body, UNKG.evidence) is not None
    # whose secretariat, review mechanism or technical assistance group these are, the text does not say
    assert set(graph.subjects(ORG.unitOf, cop)) == {wg3, URIRef(iris.body(B, "CTOC-COP/extended-bureau"))}
    english = [o for o in graph.objects() if isinstance(o, Literal) and o.language and o.language != "zh"]
    assert english == []  # the agenda is Chinese: nothing is translated


def test_documents_named_by_the_agenda(graph):
    joint = URIRef(iris.document(B, "CTOC/COP/WG.3/2023/3"))
    assert {str(s) for s in graph.objects(joint, UNKG.symbol)} == {
        "CTOC/COP/WG.3/2023/3", "CTOC/COP/WG.4/2023/3", "CTOC/COP/WG.7/2023/3"}
    assert graph.value(joint, DCTERMS.creator) == URIRef(iris.body(B, "CTOC-COP/secretariat"))
    assert graph.value(joint, DCTERMS.subject) == URIRef(iris.body(B, "CTOC-COP/review-mechanism"))
    entry = URIRef(iris.documentation_entry(str(item("2")), 1))
    assert graph.value(entry, UNKG.hyperlink) is None  # "(#)" links nowhere: a placeholder is not a link
    [passage] = graph.objects(entry, PROV.wasDerivedFrom)
    assert "[CTOC/COP/WG.3/2023/2](#)" in str(graph.value(passage, UNKG.verbatim))  # the line, verbatim
    assert graph.value(entry, UNKG.refersToDocument) == URIRef(iris.document(B, "CTOC/COP/WG.3/2023/2"))
    digest = URIRef(iris.document(B, "UNTOC-digest-of-cases-international-cooperation"))
    assert graph.value(digest, DCTERMS.issued) == Literal("2021", datatype=XSD.gYear)
    assert (digest, UNKG.issuedLateInYear, Literal(True)) in graph
    assert graph.value(digest, UNKG.documentKind) == UNKG.DigestOfCases
    report = graph.value(item("5"), UNKG.outcomeDocument)
    assert graph.value(report, UNKG.documentKind) == UNKG.Report
    assert graph.value(report, UNKG.draftedBy) == URIRef(iris.body(B, "CTOC-COP/secretariat"))
    assert graph.value(report, UNKG.description) == Literal("会议报告", lang="zh")  # line 86: 一份会议报告
    assert graph.value(report, UNKG.adoptedBy) == URIRef(iris.body(B, "CTOC-COP/WG.3"))


def test_the_document_footnote_1_describes_is_a_document_on_the_meeting_website(graph):
    """Line 60: 载有…工作安排细节的文件可在本次会议网站查阅: a document with neither title nor symbol, described as
    printed, for this meeting, published on its website; the footnote mentions it."""
    footnote = URIRef(iris.footnote(str(DOC) + "/zho", "1"))
    [described] = graph.objects(footnote, UNKG.mentionsDocument)
    website = URIRef("https://www.unodc.org/unodc/en/treaties/CTOC/working-group-on-international-cooperation-2023"
                     ".html")
    assert (described, RDF.type, UNKG.Document) in graph
    assert graph.value(described, UNKG.description) == Literal("载有国际合作工作组第十四次会议工作安排细节的文件",
                                                               lang="zh")
    assert graph.value(described, UNKG.forMeeting) == MEETING
    assert list(graph.objects(described, UNKG.publishedAt)) == [website]
    assert (MEETING, UNKG.website, website) in graph
    assert graph.value(described, UNKG.symbol) is None and graph.value(described, DCTERMS.title) is None
    [passage] = graph.objects(described, PROV.wasDerivedFrom)
    assert str(passage).endswith("/L60")


def test_back_to_back_meetings_and_the_constructive_dialogue(graph):
    wg3 = URIRef(iris.meeting(B, "CTOC-COP/WG.3", 13))
    tech = URIRef(iris.meeting(B, "CTOC-COP/technical-assistance-working-group", 13))
    assert (wg3, UNKG.heldBackToBackWith, tech) in graph and (tech, UNKG.heldBackToBackWith, wg3) in graph
    # line 72 dates the two meetings together ("2022年5月23日至27日衔接举行的…"), never each one: the span is an
    # event of its own, each meeting a sub-event of it, and neither meeting gets dates of its own
    joint = URIRef(iris.event(B, "CTOC-COP/meetings-held-back-to-back/2022-05-23"))
    assert (joint, RDF.type, UNKG.Event) in graph
    assert graph.value(joint, ELI_DL.activity_start_date) == Literal("2022-05-23", datatype=XSD.date)
    assert graph.value(joint, ELI_DL.activity_end_date) == Literal("2022-05-27", datatype=XSD.date)
    assert set(graph.objects(joint, SCHEMA.subEvent)) == {wg3, tech}
    assert graph.value(joint, SKOS.prefLabel) == Literal(
        "2022年5月23日至27日衔接举行的国际合作工作组第十三次会议和技术援助问题政府专家工作组第十三次会议", lang="zh")
    assert {int(graph.value(p, UNKG.line)) for p in graph.objects(joint, PROV.wasDerivedFrom)} == {72}
    for node in (wg3, tech):
        assert graph.value(node, ELI_DL.activity_start_date) is None
        assert graph.value(node, ELI_DL.activity_end_date) is None
    event = URIRef(iris.event(B, "CTOC-COP/review-mechanism/constructive-dialogue/2022-05-27"))
    assert (event, RDF.type, UNKG.ConstructiveDialogue) in graph
    assert set(graph.objects(event, UNKG.followed)) == {wg3, tech}
    assert graph.value(event, UNKG.organizedBy) is None  # the text does not say who organized it
    [summary] = graph.subjects(DCTERMS.subject, event)
    chair = URIRef(iris.body(B, "CTOC-COP/WG.3/chair"))
    assert graph.value(summary, DCTERMS.creator) == chair
    # the sentence names two working groups and does not say whose chair: the evidence says the support is weak
    assert "Weak support" in str(graph.value(chair, UNKG.evidence))
    assert graph.value(summary, UNKG.pursuantTo) == provision(RULES, paragraph="53", subparagraph="h")
    assert len(set(graph.objects(summary, UNKG.publishedAt))) == 2


def test_addresses_printed_without_a_scheme(graph):
    """Footnotes 1 and 2 print www.unodc.org/… without a scheme: the IRI adds https:// (the scheme with which the
    same document links www.unodc.org in its markdown link), the printed address is kept exactly as printed, and
    the page says why as evidence."""
    for mark, path in (("1", "unodc/en/treaties/CTOC/working-group-on-international-cooperation-2023.html"),
                       ("2", "unodc/en/organized-crime/intro/review-mechanism-untoc/constructive_dialogues/"
                             "ic_2022.html")):
        page = URIRef("https://www.unodc.org/" + path)
        note = URIRef(iris.footnote(EXPRESSION, mark))
        assert graph.value(note, UNKG.citesWebPage) == page
        assert graph.value(page, UNKG.printedAddress) == Literal("www.unodc.org/" + path)
        assert f"www.unodc.org/{path}。" in str(graph.value(note, UNKG.text))  # the "。" ends the sentence
        evidence = str(graph.value(page, UNKG.evidence))
        assert "line 76: https://www.unodc.org/" in evidence and "[CTOC/COP/WG.3/2023/3" in str(graph.value(
            URIRef(iris.passage(EXPRESSION, 76)), UNKG.verbatim))
        # derived from the lines that print it (its footnote), not from line 76, which shows only the scheme
        for passage in graph.objects(page, PROV.wasDerivedFrom):
            assert "www.unodc.org/" + path in str(graph.value(passage, UNKG.verbatim)), passage


def test_times_as_the_store_holds_them(graph):
    """The loader writes xsd:dateTimeStamp; Oxigraph, the store the endpoint serves, keeps the value but answers
    xsd:dateTime. What comes back must keep its UTC offset (the lexical form is unchanged), so it is still in
    the value space of xsd:dateTimeStamp, the range the ontology gives, and the shapes accept it."""
    from loader import validate

    store = ox.Store()
    store.load(graph.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    back = Graph().parse(data=ox.serialize(store, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    ontology = validate.ontology_graph()
    checked = 0
    for prop in (UNKG.openingTime, UNKG.startTime, UNKG.endTime):
        assert ontology.value(prop, RDFS.range) == XSD.dateTimeStamp
        written = {(s, str(o)) for s, o in graph.subject_objects(prop)}
        assert {o.datatype for _, o in graph.subject_objects(prop)} == {XSD.dateTimeStamp}
        stored = list(back.subject_objects(prop))
        assert {o.datatype for _, o in stored} == {XSD.dateTime}
        assert {(s, str(o)) for s, o in stored} == written  # same lexical form, offset included
        assert all(str(o).endswith("+02:00") for _, o in stored)
        checked += len(stored)
    assert checked == 1 + 4 + 4  # the opening time, the four slots' starts and ends
    rows = store.query(sparql_prefixes() + """
        SELECT (DATATYPE(?t) AS ?type) (TZ(?t) AS ?tz) WHERE { ?meeting unkg:openingTime ?t }""")
    assert [(r["type"].value, r["tz"].value) for r in rows] == [(str(XSD.dateTime), "+02:00")]
    meeting_only = Graph()
    for triple in back.triples((MEETING, None, None)):
        meeting_only.add(triple)
    findings = validate.validate(meeting_only).findings
    assert [f for f in findings if f.path in {str(UNKG.openingTime), str(UNKG.startTime)}] == []


def test_thematic_clusters(graph):
    fourth = URIRef(iris.thematic_cluster(B, "CTOC-COP/review-mechanism", 4))
    first = URIRef(iris.thematic_cluster(B, "CTOC-COP/review-mechanism", 1))
    assert graph.value(fourth, SKOS.prefLabel) == Literal("国际合作、司法协助和没收", lang="zh")
    assert graph.value(fourth, UNKG.plannedStart) == Literal("2022-11", datatype=XSD.gYearMonth)
    assert graph.value(first, SKOS.prefLabel) == Literal("刑事定罪和管辖权", lang="zh")
    assert graph.value(first, UNKG.plannedStart) is None


def test_work_programme_slots_in_local_time_and_utc(graph):
    """On Oxigraph, the store the endpoint serves: TZ() shows Vienna's +02:00 and ADJUST() gives UTC."""
    store = ox.Store()
    store.load(graph.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(sparql_prefixes() + """
        SELECT ?start (TZ(?start) AS ?tz) (ADJUST(?start, "PT0S"^^xsd:dayTimeDuration) AS ?utc) ?n ?cont WHERE {
        ?meeting unkg:hasTimeSlot ?slot . ?slot unkg:startTime ?start ; eli-dl:consists_of ?e .
        ?e unkg:takesUp ?i ; unkg:isContinuation ?cont ; eli-dl:activity_order ?o . ?i skos:notation ?n }
        ORDER BY ?start ?o""")
    assert [(r["start"].value[:16], r["tz"].value, r["utc"].value, r["n"].value, r["cont"].value) for r in rows] == [
        ("2023-09-11T10:00", "+02:00", "2023-09-11T08:00:00Z", "1(a)", "false"),
        ("2023-09-11T10:00", "+02:00", "2023-09-11T08:00:00Z", "1(b)", "false"),
        ("2023-09-11T15:00", "+02:00", "2023-09-11T13:00:00Z", "2", "false"),
        ("2023-09-11T15:00", "+02:00", "2023-09-11T13:00:00Z", "2", "true"),
        ("2023-09-11T15:00", "+02:00", "2023-09-11T13:00:00Z", "3", "false"),
        ("2023-09-12T10:00", "+02:00", "2023-09-12T08:00:00Z", "3", "true"),
        ("2023-09-12T15:00", "+02:00", "2023-09-12T13:00:00Z", "4", "false"),
        ("2023-09-12T15:00", "+02:00", "2023-09-12T13:00:00Z", "5", "false"),
    ]
    slot = URIRef(iris.time_slot(str(MEETING), "2023-09-11T15:00"))
    assert graph.value(slot, UNKG.endTime) == Literal("2023-09-11T18:00:00+02:00", datatype=XSD.dateTimeStamp)
    assert graph.value(slot, ELI_DL.activity_date) == Literal("2023-09-11", datatype=XSD.date)
    # the annex's title (line 90) says the programme is proposed
    assert graph.value(MEETING, UNKG.programmeTitle) == Literal("拟议工作安排", lang="zh")
    assert 90 in {int(graph.value(p, UNKG.line)) for p in graph.objects(MEETING, PROV.wasDerivedFrom)}


def sorted_ntriples(graph: Graph) -> list[str]:
    return sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())


BUILD_IN_A_SUBPROCESS = """
import sys
from loader.build import build_graph
from loader.manifest import read_manifest
entry = next(e for e in read_manifest() if e.genre == "annotated-agenda")
lines = build_graph(entry, sys.argv[1]).serialize(format="nt").splitlines()
sys.stdout.write("\\n".join(sorted(line for line in lines if line.strip())))
"""


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_the_build_is_the_same_in_another_process_with_another_hash_seed(graph, seed):
    """Set and dict order, which PYTHONHASHSEED changes between processes, must not change a single triple."""
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", BUILD_IN_A_SUBPROCESS, B], capture_output=True, text=True,
                         check=True, env=environment, cwd=Path(__file__).resolve().parent.parent).stdout
    assert out.splitlines() == sorted_ntriples(graph)


def test_the_build_is_deterministic_and_follows_the_base(entry):
    records = agenda.parse(entry.path)
    once, twice = agenda_rdf.to_graph(records, entry, B), agenda_rdf.to_graph(agenda.parse(entry.path), entry, B)
    assert set(once) == set(twice)
    assert sorted_ntriples(once) == sorted_ntriples(twice)
    other = agenda_rdf.to_graph(records, entry, "http://example.org/kg/")
    minted = {s for s in other.subjects() if isinstance(s, URIRef)}
    outside = {s for s in minted if not str(s).startswith("http://example.org/kg/")}
    assert {str(s).split("/")[2] for s in outside} <= {"www.unodc.org"}
    assert len(other) == len(once)


def test_a_body_the_manifest_does_not_describe_is_a_clear_error(entry):
    bodies = [b for b in entry.get("bodies") if b["path"] != "CTOC-COP/extended-bureau"]
    lacking = replace(entry, facts={**entry.facts, "bodies": bodies})
    phrase = "联合国打击跨国有组织犯罪公约缔约方会议扩大主席团"
    with pytest.raises(SourceError, match=f"matches the body named in '…22年8月5日，{phrase}核准了2023年…': "
                                          f"the words '{phrase}' end with its name") as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), lacking, B)
    assert caught.value.line == 40  # the first decision of the Bureau


def test_a_document_head_naming_a_body_the_manifest_lacks(entry):
    """The body printed at the head (line 5) is the document's issuing body only by one of its names."""
    bodies = [{**b, "names": [], "aliases": []} if b["path"] == "CTOC-COP" else b for b in entry.get("bodies")]
    nameless = replace(entry, facts={**entry.facts, "bodies": bodies})
    head = "联合国打击跨国有组织犯罪公约缔约方会议"
    printed = "联合国打击跨国有组织 犯罪公约缔约方会议"  # the line as printed, a space in it
    with pytest.raises(SourceError, match=f"matches the body named in '{printed}': the words '{head}' end with its "
                                          "name") as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), nameless, B)
    assert caught.value.line == 5


def bodies_named(*bodies: tuple[str, list[str]]) -> list[dict]:
    return [{"path": path, "kind": "WorkingGroup", "names": names, "evidence": "test"} for path, names in bodies]


WG3, TA = "CTOC-COP/WG.3", "CTOC-COP/technical-assistance-working-group"
BACK_TO_BACK = "日衔接举行的国际合作工作组"


@pytest.mark.parametrize("bodies, words, around", [
    # a manifest with no bodies: the words before 第十三次会议 run back into the date (…27 日衔接举行的)
    ([], BACK_TO_BACK, "…3 日至 27 日衔接举行的国际合作工作组第十三次会议和技…"),
    # the same words taken for a name: the next mention runs back into 和 (and)
    (bodies_named((WG3, [BACK_TO_BACK])), "和技术援助问题政府专家工作组",
     "…作组第十三次会议和技术援助问题政府专家工作组第十三次会议结束…"),
    # a short form in context (工作组) after a footnote mark: the words run back to the start of the clause
    (bodies_named((WG3, [BACK_TO_BACK, "国际合作工作组"]), (TA, ["和技术援助问题政府专家工作组"])),
     "并已发布在审议机制的网页和工作组", "…工作组主席编写，并已发布在审议机制的网页²和工作组第十四次会议的网…"),
], ids=["no-bodies", "a-date-phrase-taken-for-a-name", "a-short-form-after-a-footnote-mark"])
def test_words_a_body_is_read_from_are_not_offered_as_its_name(entry, bodies, words, around):
    """The parser reads a Chinese body's name from the words before a meeting's number, which end with the name;
    where the name begins only the manifest's names say. A body no name matches is refused at its line, the words
    quoted as printed in the line (spaces, footnote marks), never as the name to add (a user who did added
    '日衔接举行的国际合作工作组', the end of a date phrase, as a label)."""
    unlisted = replace(entry, facts={**entry.facts, "bodies": bodies})
    with pytest.raises(SourceError) as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), unlisted, B)
    assert caught.value.line == 72
    message = str(caught.value)
    assert f"matches the body named in '{around}': the words '{words}' end with its name, but where the name " \
           "begins the loader cannot tell" in message
    assert "exactly as the text prints it to the `names`" in message


def test_english_words_a_body_is_read_from_start_with_its_name(tmp_path):
    path = EN / "back-to-back.txt"
    english = english_entry(path)
    # without the technical assistance group, and without WG.3's alias "Working Group", which its name starts with
    bodies = [{**b, "aliases": []} for b in english.get("bodies") if b["path"] != TA]
    unlisted = replace(english, facts={**english.facts, "bodies": bodies})
    with pytest.raises(SourceError) as caught:
        agenda_rdf.to_graph(agenda.parse(path), unlisted, B)
    assert caught.value.line == 29
    words = "Working Group of Government Experts on Technical Assistance"
    assert (f"matches the body named in '…Cooperation and of the {words}, held back to back from…': "
            f"the words '{words}' start with its name, but where the name ends the loader cannot tell"
            ) in str(caught.value)


def test_a_short_form_is_not_taken_for_a_body_the_manifest_does_not_list(entry):
    """With the technical assistance group left out of the manifest, 技术援助问题政府专家工作组第十三次会议 ends
    with 工作组, WG.3's short form: it was read as WG.3's thirteenth meeting, a wrong fact, where it is refused."""
    bodies = [b for b in entry.get("bodies") if b["path"] != TA]
    unlisted = replace(entry, facts={**entry.facts, "bodies": bodies})
    with pytest.raises(SourceError) as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), unlisted, B)
    assert caught.value.line == 72
    words = "和技术援助问题政府专家工作组"
    assert (f"the body named in '…作组第十三次会议{words}第十三次会议结束…' is not read: the words '{words}' end with "
            f"'工作组', the short form of {WG3} (an alias in the manifest), but the words before it may name another "
            "body, which the manifest does not list") in str(caught.value)
    assert f"if the words do name {WG3}, add its name as printed to the `names` of {WG3}" in str(caught.value)


def test_an_english_short_form_is_not_taken_for_a_body_the_manifest_does_not_list():
    path = EN / "back-to-back.txt"
    english = english_entry(path)
    bodies = [b for b in english.get("bodies") if b["path"] != TA]  # WG.3 keeps its alias "Working Group"
    unlisted = replace(english, facts={**english.facts, "bodies": bodies})
    with pytest.raises(SourceError) as caught:
        agenda_rdf.to_graph(agenda.parse(path), unlisted, B)
    assert caught.value.line == 29
    words = "Working Group of Government Experts on Technical Assistance"
    assert (f"the body named in '…Cooperation and of the {words}, held back to back from…' is not read: the words "
            f"'{words}' start with 'Working Group', the short form of {WG3} (an alias in the manifest), but the words "
            "after it may name another body") in str(caught.value)


@pytest.mark.parametrize("words, read", [
    ("工作组", WG3),  # line 72: 工作组第十四次会议的网页, the short form alone
    ("并已发布在审议机制的网页和工作组", WG3),  # line 72: …审议机制的网页²和工作组第十四次会议…, after 和 (and)
    ("秘书处、工作组", WG3), ("秘书处以及工作组", WG3), ("秘书处或工作组", WG3), ("网页² 和 工作组", WG3),
    ("日衔接举行的国际合作工作组", WG3),  # a full name, after any words
    ("技术援助问题政府专家工作组", None), ("审议机制的网页工作组", None),
    ("公众参与工作组", None), ("埃及工作组", None),  # 与, 及 end names: 参与 (participation), 埃及 (Egypt)
])
def test_a_chinese_short_form_is_read_alone_or_after_a_mark_that_lists_bodies(entry, words, read):
    from loader.to_rdf.agenda_context import Context
    unlisted = replace(entry, facts={**entry.facts, "bodies": [b for b in entry.get("bodies") if b["path"] != TA]})
    context = Context(agenda.parse(entry.path), unlisted, B)
    if read:
        assert context.body_path(words, 72) == read
    else:
        with pytest.raises(SourceError, match="the short form of CTOC-COP/WG.3") as caught:
            context.body_path(words, 72)
        assert caught.value.line == 72


@pytest.mark.parametrize("words, read", [
    ("Working Group", WG3), ("Working Group, which", WG3), ("Working Group's", WG3), ("Working Group at its", WG3),
    ("Working Group on International Cooperation", WG3),
    ("Working Group of Government Experts", None), ("Working Group on Smuggling", None), ("Working Groups", None),
    ("Working Group to Conduct", None), ("Working Group Two", None), ("Working Group 2", None),
])
def test_an_english_short_form_is_read_where_no_name_goes_on_after_it(words, read):
    from loader.to_rdf.agenda_context import Context
    path = EN / "back-to-back.txt"
    english = english_entry(path)
    context = Context(agenda.parse(path), replace(english, facts={
        **english.facts, "bodies": [b for b in english.get("bodies") if b["path"] != TA]}), B)
    if read:
        assert context.body_path(words, 29) == read
    else:
        with pytest.raises(SourceError, match="the short form of CTOC-COP/WG.3") as caught:
            context.body_path(words, 29)
        assert caught.value.line == 29


FOOTNOTE_2 = URIRef("https://www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/constructive_dialogues/"
                    "ic_2022.html")
PAGE_OWNERS = "并已发布在审议机制的网页²"


@pytest.mark.parametrize("owner, words", [
    # a working group the manifest does not list, whose name ends with WG.3's short form 工作组
    ("打击贩运人口问题工作组", "打击贩运人口问题工作组"),
    # the short form within a longer name, after a full name the manifest lists (缔约方会议, the Conference's alias)
    ("审议机制打击贩运人口问题工作组", "审议机制打击贩运人口问题工作组"),
    ("缔约方会议工作组", "缔约方会议工作组"),
], ids=["unlisted-group", "after-a-name", "after-an-alias"])
def test_a_web_page_is_not_credited_to_a_body_by_a_short_form_within_another_name(entry, tmp_path, owner, words):
    """Line 72 prints whose web page footnote 2's address is: 审议机制的网页². Printed as the page of a body the
    manifest does not list, ending with 工作组 (WG.3's short form), the page was credited to WG.3 (any name or alias
    anywhere in the phrase was taken): a wrong fact. A short form is read there as a body's name is, only alone."""
    with pytest.raises(SourceError) as caught:
        edited_graph(entry, tmp_path, PAGE_OWNERS, f"并已发布在{owner}的网页²")
    assert caught.value.line == 72
    assert (f"the words '{words}' end with '工作组', the short form of {WG3} (an alias in the manifest), but the "
            "words before it may name another body, which the manifest does not list") in str(caught.value)


@pytest.mark.parametrize("owner, body", [
    ("审议机制", "CTOC-COP/review-mechanism"),  # as printed: the short form, the whole phrase
    ("国际合作工作组", WG3),  # a full name ending with the short form 工作组
    ("工作组主席", "CTOC-COP/WG.3/chair"),  # a full name starting with it
    ("工作组", WG3),  # the short form alone
])
def test_a_web_page_is_credited_to_the_body_a_name_or_a_short_form_alone_names(entry, tmp_path, owner, body):
    graph = edited_graph(entry, tmp_path, PAGE_OWNERS, f"并已发布在{owner}的网页²")
    assert list(graph.subjects(UNKG.website, FOOTNOTE_2)) == [URIRef(iris.body(B, body))]


@pytest.mark.parametrize("owner, named", [
    ("秘书处、工作组", ": it names CTOC-COP/secretariat, CTOC-COP/WG.3"),  # the short form after 、, read alone
    ("审议机制秘书处", ": it names CTOC-COP/review-mechanism, CTOC-COP/secretariat"),
    ("联合国", " (no name of the manifest's bodies is in it)"),
])
def test_a_web_page_whose_phrase_names_two_bodies_or_none_is_refused(entry, tmp_path, owner, named):
    """Two bodies: the old code credited the page to the first name in the manifest's order, a guess."""
    with pytest.raises(SourceError) as caught:
        edited_graph(entry, tmp_path, PAGE_OWNERS, f"并已发布在{owner}的网页²")
    assert caught.value.line == 72
    assert f"cannot tell whose web page '{owner}的网页' is{named}" in str(caught.value)


def test_a_web_page_of_a_body_whose_name_holds_及_is_credited_to_it(entry, tmp_path):
    """The places a summary was published on were split at every 及, which cut the review mechanism's full name
    (…公约及其各项议定书实施情况审议机制) into '其各项议定书实施情况审议机制': credited to the mechanism by its
    short form, by luck, before short forms were read only alone; refused since."""
    owner = "联合国打击跨国有组织犯罪公约及其各项议定书实施情况审议机制"
    graph = edited_graph(entry, tmp_path, PAGE_OWNERS, f"并已发布在{owner}的网页²")
    assert list(graph.subjects(UNKG.website, FOOTNOTE_2)) == [URIRef(iris.body(B, "CTOC-COP/review-mechanism"))]


def test_an_english_web_page_is_not_credited_to_a_body_by_a_short_form_that_starts_another_name(tmp_path):
    words = "Working Group on Trafficking in Persons"
    with pytest.raises(SourceError) as caught:
        edited_english_graph(tmp_path, "the web page of the Review Mechanism²", f"the web page of the {words}²")
    assert caught.value.line == 29
    assert (f"the words '{words}' start with 'Working Group', the short form of {WG3} (an alias in the manifest), "
            "but the words after it may name another body") in str(caught.value)
    graph = edited_english_graph(tmp_path, "the web page of the Review Mechanism²", "the Working Group's web page²")
    assert list(graph.subjects(UNKG.website, FOOTNOTE_2)) == [URIRef(iris.body(B, WG3))]


def test_a_manifest_meeting_number_the_text_contradicts(entry):
    wrong = replace(entry, facts={**entry.facts, "meeting_number": 15})
    with pytest.raises(SourceError, match="the text names meeting 14, the manifest says 15") as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), wrong, B)
    assert caught.value.line == 34


def english_entry(path: Path) -> SourceEntry:
    def body(path_, kind, names, **extra):
        return {"path": path_, "kind": kind, "names": names, "evidence": "test fixture", **extra}

    return SourceEntry("fixture-en", path, "annotated-agenda", "eng", {
        "symbol": "CTOC/COP/WG.3/2023/1", "kind": "AnnotatedProvisionalAgenda", "body": "CTOC-COP/WG.3",
        "evidence": "test fixture",
        "bodies": [
            body("CTOC-COP", "ConferenceOfTheParties", [
                "Conference of the Parties to the United Nations Convention against Transnational Organized Crime"]),
            body("CTOC-COP/WG.3", "WorkingGroup", ["Working Group on International Cooperation"],
                 aliases=["Working Group"], unit_of="CTOC-COP"),
            body("CTOC-COP/technical-assistance-working-group", "WorkingGroup",
                 ["Working Group of Government Experts on Technical Assistance"], unit_of="CTOC-COP"),
            body("CTOC-COP/extended-bureau", "Bureau", ["extended Bureau"], unit_of="CTOC-COP"),
            body("CTOC-COP/secretariat", "Secretariat", ["Secretariat"], unit_of="CTOC-COP"),
            body("CTOC-COP/review-mechanism", "ReviewMechanism", ["Review Mechanism"], unit_of="CTOC-COP"),
            body("CTOC-COP/WG.3/chair", "Post", ["Chair of the Working Group"], post_in="CTOC-COP/WG.3"),
        ]})


def test_the_english_fixture_through_the_same_converter(tmp_path):
    graph = agenda_rdf.to_graph(agenda.parse(EN / "organization.txt"),
                                english_entry(EN / "organization.txt"), B)
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]
    assert graph.value(MEETING, SKOS.prefLabel) == Literal(
        "the fourteenth meeting of the Working Group on International Cooperation", lang="en")
    assert graph.value(item("1", "a"), UNKG.title) == Literal("Opening of the meeting", lang="en")
    decision = URIRef(iris.decision(B, "CTOC-COP/extended-bureau", "2023-04-19"))
    assert graph.value(decision, ELI_DL.decision_method) == UNKG.SilenceProcedure
    annotation = URIRef(iris.annotation(str(item("2")), 1))
    assert set(graph.objects(annotation, UNKG.citesProvision)) == {
        provision("UNTOC", article="27", paragraph="1", subparagraph=x) for x in "adf"}
    threshold = graph.value(provision(RULES, paragraph="10"), UNKG.completionThreshold)
    assert threshold == Literal("70", datatype=XSD.decimal)
    assert {o.language for o in graph.objects() if isinstance(o, Literal) and o.language} == {"en"}
    assert graph.value(MEETING, UNKG.website) is not None
    # this text never says which meeting opens; the first of its body it names is the 13th, which a constructive
    # dialogue followed, so was held: the agenda is for the next it names, the 14th, not for the 13th
    back = agenda_rdf.to_graph(agenda.parse(EN / "back-to-back.txt"), english_entry(EN / "back-to-back.txt"), B)
    assert set(back.subjects(RDF.type, ELI_DL.ForeseenActivity)) == {MEETING}
    held = URIRef(iris.meeting(B, "CTOC-COP/WG.3", 13))
    assert (held, RDF.type, ELI_DL.Activity) in back and (held, RDF.type, ELI_DL.ForeseenActivity) not in back
    # a text naming only the held 13th, with a manifest saying the agenda is for it, contradicts itself
    only_13th = tmp_path / "back-to-back.txt"
    only_13th.write_text((EN / "back-to-back.txt").read_text(encoding="utf-8").replace(
        " and on that of the fourteenth meeting of the Working Group", ""), encoding="utf-8")
    thirteenth = english_entry(only_13th)
    thirteenth = replace(thirteenth, facts={**thirteenth.facts, "meeting_number": 13})
    with pytest.raises(SourceError, match="so that meeting was held: it cannot be the one this agenda plans") as caught:
        agenda_rdf.to_graph(agenda.parse(only_13th), thirteenth, B)
    assert caught.value.line == 29
    event = URIRef(iris.event(B, "CTOC-COP/review-mechanism/constructive-dialogue/2022-05-27"))
    [summary] = back.subjects(DCTERMS.subject, event)
    assert back.value(summary, DCTERMS.creator) == URIRef(iris.body(B, "CTOC-COP/WG.3/chair"))
    assert back.value(URIRef(iris.body(B, "CTOC-COP/review-mechanism")), UNKG.website) is not None


def test_the_meeting_that_opens_is_this_meeting_even_when_another_is_named_first(entry, tmp_path):
    text = (Path(__file__).parent / "fixtures" / "agenda_zh" / "minimal.txt").read_text(encoding="utf-8")
    opening = "国际合作工作组第十五次会议将于 2024 年 5 月 6 日星期一下午 3 时开幕。"
    earlier = "国际合作工作组第十四次会议的报告已印发。"
    assert opening in text
    swapped = tmp_path / "swapped.txt"
    swapped.write_text(text.replace(opening, earlier).replace(
        "2024年2月1日，扩大主席团核准了国际合作工作组第十五次会议的会期。", opening), encoding="utf-8")
    facts = {k: v for k, v in entry.facts.items() if k not in ("meeting_number", "documents")}  # the text names none
    graph = agenda_rdf.to_graph(agenda.parse(swapped), replace(entry, path=swapped, facts=facts), B)
    fifteenth = URIRef(iris.meeting(B, "CTOC-COP/WG.3", 15))
    assert graph.value(fifteenth, UNKG.openingTime) == Literal("2024-05-06T15:00:00+02:00", datatype=XSD.dateTimeStamp)
    assert (URIRef(iris.meeting(B, "CTOC-COP/WG.3", 14)), RDF.type, UNKG.Meeting) in graph  # named, not this one
    assert graph.value(fifteenth, UNKG.hasAgenda) is not None


def test_the_manifest_cannot_contradict_what_the_text_prints(entry):
    path = EN / "organization.txt"
    records = agenda.parse(path)
    other_symbol = replace(english_entry(path), facts={**english_entry(path).facts, "symbol": "CTOC/COP/WG.3/2023/9"})
    with pytest.raises(SourceError, match="prints the symbol CTOC/COP/WG.3/2023/1, the manifest says") as caught:
        agenda_rdf.to_graph(records, other_symbol, B)
    assert caught.value.line == 1
    french = replace(entry, facts={**entry.facts, "original_language": "fra"})
    with pytest.raises(SourceError, match="the original is eng, the manifest says fra") as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), french, B)
    assert caught.value.line == 10
    # line 16 prints 临时议程说明, the label of the kind AnnotatedProvisionalAgenda: a manifest calling it a report is
    # wrong (it loaded, a "report" titled "annotated provisional agenda")
    report = replace(entry, facts={**entry.facts, "kind": "Report"})
    with pytest.raises(SourceError, match="says the document is a Report; its title '临时议程说明' is that of a "
                                          "AnnotatedProvisionalAgenda") as caught:
        agenda_rdf.to_graph(agenda.parse(entry.path), report, B)
    assert caught.value.line == 16


@pytest.mark.parametrize(("old", "new", "line"), [
    ("国际合作工作组\n\n2023年9月11日", "国际合作工作祖\n\n2023年9月11日", 12),  # a typo: WG.3 was derived from it
    ("国际合作工作组\n\n2023年9月11日", "技术援助问题政府专家工作组\n\n2023年9月11日", 12),  # another body
])
def test_the_line_naming_the_body_that_meets_must_name_the_manifests_body(entry, tmp_path, old, new, line):
    text = entry.path.read_text(encoding="utf-8")
    assert old in text
    edited = tmp_path / "agenda.txt"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceError, match="which is not a name of the manifest's body CTOC-COP/WG.3 "
                                          r"\('国际合作工作组'\)") as caught:
        agenda_rdf.to_graph(agenda.parse(edited), replace(entry, path=edited), B)
    assert caught.value.line == line


def test_a_meeting_the_text_says_was_held_is_passed_over_however_its_name_is_worded(entry, tmp_path):
    """Line 72 says the 13th meetings were held (a dialogue followed them), naming the working group inside a
    longer phrase (…衔接举行的国际合作工作组第十三次会议): the 13th named again elsewhere, by the group's plain name,
    is the same held meeting, not a candidate for the meeting this agenda is for."""
    text = entry.path.read_text(encoding="utf-8").replace("第十四次会议", "本次会议")
    assert "工作组以往会议从" in text
    edited = tmp_path / "agenda.txt"
    edited.write_text(text.replace("工作组以往会议从", "国际合作工作组第十三次会议从", 1), encoding="utf-8")
    fifteenth = replace(entry, path=edited, facts={**entry.facts, "meeting_number": 15})
    graph = agenda_rdf.to_graph(agenda.parse(edited), fifteenth, B)
    assert set(graph.subjects(RDF.type, ELI_DL.ForeseenActivity)) == {URIRef(iris.meeting(B, "CTOC-COP/WG.3", 15))}
    thirteenth = replace(entry, path=edited, facts={**entry.facts, "meeting_number": 13})
    with pytest.raises(SourceError, match=r"so that meeting was held: .* \(the manifest's 'meeting_number' names it\)"):
        agenda_rdf.to_graph(agenda.parse(edited), thirteenth, B)


def test_an_agenda_cut_short_warns_of_the_items_it_lost_the_annotations_of(entry, tmp_path):
    """A text cut mid-way still parses (what is left is well formed): the items whose annotations were cut off are
    named in warnings, where the whole text has none of them."""
    from dataclasses import replace

    from loader import validate

    text = entry.path.read_text(encoding="utf-8")
    cut = tmp_path / entry.path.name
    annotations = text.index("\n说明")  # the annotations, after the list of items
    cut.write_text(text[:text.index("\n3. ", annotations)], encoding="utf-8")  # cut before item 3's
    left = replace(entry, path=cut, facts={k: v for k, v in entry.facts.items() if k != "documents"})  # cut off too
    lost = {f.focus for f in validate.validate(build_graph(left, B)).warnings
            if f.shape.endswith("AgendaItem-annotationsRecommended")}
    assert lost == {str(item("3")), str(item("4")), str(item("5"))}
    whole = validate.validate(build_graph(entry, B)).warnings
    assert not [f for f in whole if f.shape.endswith("AgendaItem-annotationsRecommended")]


def test_a_subparagraph_lettered_after_z_is_cited_and_ordered_after_it(entry, tmp_path):
    """第 53(hh)段 cited nothing: UN texts letter subparagraphs after (z) as (aa), (bb) …, (hh) the 34th."""
    from loader import validate

    graph = edited_graph(entry, tmp_path, "第 53(h)段", "第 53(hh)段")
    hh = provision(RULES, paragraph="53", subparagraph="hh")
    assert (hh, RDF.type, UNKG.Subparagraph) in graph
    assert graph.value(hh, UNKG.order) == Literal("34", datatype=XSD.decimal)
    assert graph.value(hh, SKOS.prefLabel) == Literal("第53(hh)段", lang="zh")
    assert not [f for f in validate.validate(graph).violations if f.focus == str(hh)]  # the shapes allow (hh)


@pytest.mark.parametrize("cited", ["第 53(hh)和(ii)段", "第 53(hh)至(jj)段"])
def test_a_roman_looking_letter_listed_with_doubled_letters_is_the_35th_subparagraph(entry, tmp_path, cited):
    """第 53(hh)和(ii)段 was refused, (ii) maybe an item in roman numerals though listed with (hh); 第 53(hh)至(jj)段
    passed the parser and then failed the build with a bare ValueError (no file, no line), ordering (ii)."""
    graph = edited_graph(entry, tmp_path, "第 53(h)段", cited)
    ii = provision(RULES, paragraph="53", subparagraph="ii")
    assert (ii, RDF.type, UNKG.Subparagraph) in graph
    assert graph.value(ii, UNKG.order) == Literal("35", datatype=XSD.decimal)


def test_a_slot_ending_at_midnight_ends_at_the_next_days_00_00(entry, tmp_path):
    """下午 3 时至晚上 12 时 was refused: 晚上 12 时 was read as noon, the slot ending before it starts."""
    from loader import validate

    graph = edited_graph(entry, tmp_path, "下午 3 时至 6 时\t4", "下午 3 时至晚上 12 时\t4")
    slot = URIRef(iris.time_slot(str(MEETING), "2023-09-12T15:00"))
    assert graph.value(slot, UNKG.endTime) == Literal("2023-09-13T00:00:00+02:00", datatype=XSD.dateTimeStamp)
    assert graph.value(slot, ELI_DL.activity_date) == Literal("2023-09-12", datatype=XSD.date)
    assert not [f for f in validate.validate(graph).violations if f.focus == str(slot)]


def test_an_opening_at_half_past_opens_at_30_minutes_past(entry, tmp_path):
    """星期一上午 10 时半开幕 opened the meeting at 10:00: 半, half past, was dropped."""
    graph = edited_graph(entry, tmp_path, "星期一上午 10 时开幕", "星期一上午 10 时半开幕")
    assert graph.value(MEETING, UNKG.openingTime) == Literal("2023-09-11T10:30:00+02:00", datatype=XSD.dateTimeStamp)


def test_a_provision_cited_in_a_list_is_not_labelled_with_the_list(entry, tmp_path):
    """第 53(g)和(h)段 labelled 53(h) "第53(g)和(h)段": a name of two provisions given to one."""
    graph = edited_graph(entry, tmp_path, "第 53(h)段", "第 53(g)和(h)段")
    for letter in "gh":
        cited = provision(RULES, paragraph="53", subparagraph=letter)
        assert (None, UNKG.citesProvision, cited) in graph
        assert not list(graph.objects(cited, SKOS.prefLabel)) and not list(graph.objects(cited, RDFS.label))


def test_a_paragraph_of_a_document_named_by_its_symbol_is_not_a_rules_provision(entry, tmp_path):
    """Line 64 cites rules paragraph 12; "（CTOC/COP/2022/9，第13段）" after it minted rules paragraph 13 and cited it:
    the paragraph is the document's, and the graph has no parts of documents, so the annotation mentions the
    document, by its symbol, and cites paragraph 12 alone."""
    old = "审议机制运作程序和规则》第 12 段，"
    graph = edited_graph(entry, tmp_path, old, old.replace("，", "（CTOC/COP/2022/9，第13段），"))
    annotation = URIRef(iris.annotation(str(item("3")), 1))
    assert set(graph.objects(annotation, UNKG.citesProvision)) == {provision(RULES, paragraph="12")}
    invented = provision(RULES, paragraph="13")
    assert not list(graph.triples((invented, None, None))) and not list(graph.triples((None, None, invented)))
    document = URIRef(iris.document(B, "CTOC/COP/2022/9"))
    assert (annotation, UNKG.mentionsDocument, document) in graph
    assert (document, RDF.type, UNKG.Document) in graph
    assert [str(s) for s in graph.objects(document, UNKG.symbol)] == ["CTOC/COP/2022/9"]
    [passage] = graph.objects(document, PROV.wasDerivedFrom)
    assert int(graph.value(passage, UNKG.line)) == 64


@pytest.mark.parametrize("aside, mentioned", [
    ("paragraph 15 of document CTOC/COP/2020/10", "CTOC/COP/2020/10"),
    ("paragraph 15 of Conference resolution 5/5", None),  # a resolution's number: nothing minted, nothing mentioned
    ("paragraph 15 of the note by the Secretariat (CTOC/COP/2020/10)", "CTOC/COP/2020/10"),
], ids=["document", "resolution", "note-named-in-brackets"])
def test_an_english_paragraph_of_a_document_is_not_a_rules_provision(tmp_path, aside, mentioned):
    """Each of these, after rules paragraph 12, was rules paragraph 15, the instrument named before it."""
    graph = edited_english_graph(tmp_path, "the Protocols thereto, the Conference",
                                 f"the Protocols thereto (see also {aside}), the Conference")
    annotation = URIRef(iris.annotation(str(item("1")), 1))
    assert set(graph.objects(annotation, UNKG.citesProvision)) == {provision(RULES, paragraph="12")}
    assert not list(graph.triples((provision(RULES, paragraph="15"), None, None)))
    assert set(graph.objects(annotation, UNKG.mentionsDocument)) == (
        {URIRef(iris.document(B, mentioned))} if mentioned else set())


def test_a_paragraph_of_a_resolution_named_by_its_number_is_not_a_rules_provision(entry, tmp_path):
    """Line 64 cites rules paragraph 12; "和缔约方会议第5/5号决议第13段" after it minted rules paragraph 13 and cited
    it: the paragraph is the resolution's, whose symbol is not printed, so it is not cited and nothing is minted for
    the resolution (the paragraph stays in the annotation's text)."""
    old = "审议机制运作程序和规则》第 12 段，"
    graph = edited_graph(entry, tmp_path, old, old.replace("，", "和缔约方会议第5/5号决议第13段，"))
    annotation = URIRef(iris.annotation(str(item("3")), 1))
    assert set(graph.objects(annotation, UNKG.citesProvision)) == {provision(RULES, paragraph="12")}
    invented = provision(RULES, paragraph="13")
    assert not list(graph.triples((invented, None, None))) and not list(graph.triples((None, None, invented)))
    assert not list(graph.objects(annotation, UNKG.mentionsDocument))
    assert set(graph.subjects(RDF.type, UNKG.Document)) == set(build_graph(entry, B).subjects(RDF.type, UNKG.Document))
    assert "第5/5号决议第13段" in str(graph.value(annotation, UNKG.text))


def test_a_paragraph_of_a_note_named_in_brackets_is_not_a_rules_provision(entry, tmp_path):
    """Line 64 cites rules paragraph 12; "见秘书处的说明（A/78/123）第13段" after it minted rules paragraph 13 and
    cited it, the bracket holding the note's symbol being read as an aside: the paragraph is the note's."""
    old = "第 12 段，缔约方会议"
    graph = edited_graph(entry, tmp_path, old, old.replace("，", "，见秘书处的说明（A/78/123）第13段，"))
    annotation = URIRef(iris.annotation(str(item("3")), 1))
    assert set(graph.objects(annotation, UNKG.citesProvision)) == {provision(RULES, paragraph="12")}
    invented = provision(RULES, paragraph="13")
    assert not list(graph.triples((invented, None, None))) and not list(graph.triples((None, None, invented)))
    assert (annotation, UNKG.mentionsDocument, URIRef(iris.document(B, "A/78/123"))) in graph


def test_words_the_line_does_not_print_as_read_are_quoted_alone():
    """Words a paragraph joined from several lines holds, which its first line does not print, are quoted as
    read, not beside words of another place."""
    from loader.to_rdf.agenda_context import unmatched_body, words_around
    assert words_around("国际合作工作组", "载有国际合作 工作组²第十四次", 2) == "载有国际合作 工作组²第…"
    assert words_around("国际合作工作组", "此外，工作组第十三次会议", 8) is None
    assert unmatched_body("国际合作工作组", "此外，工作组第十三次会议", "zh").startswith(
        "no name or alias in the manifest's [[source.bodies]] matches the body named by '国际合作工作组': the words "
        "'国际合作工作组' end with its name")
