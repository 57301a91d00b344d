"""An annotated provisional agenda's records to an RDF graph, following ontology/MODEL.md. No I/O.

Every resource minted here has ``prov:wasDerivedFrom`` the passage(s) of the line(s) it came from; facts the
text does not print come from the manifest entry and carry its ``evidence``. Literals from a Chinese text are
tagged ``@zh`` and nothing is translated. Shared resources (bodies, provisions, footnotes…) are minted by
:class:`loader.to_rdf.agenda_context.Context`; this module builds the document, the meeting, the agenda with its
annotations, and the work programme.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from loader import iris
from loader.build import relative_file
from loader.manifest import SourceEntry
from loader.namespaces import ELI, ELI_DL, SCHEMA, UNKG
from loader.sources import agenda_facts as f
from loader.sources.agenda import AnnotatedAgenda, DocumentationEntry, Item, Paragraph, Slot
from loader.sources.agenda_text import normalise
from loader.to_rdf.agenda_context import Context
from loader.validate import ontology_graph

LANGUAGE = "http://publications.europa.eu/resource/authority/language/"


def language_concept(code: str) -> URIRef:
    """The EU authority's language IRI for an ISO 639-2 code (``zho`` -> ``…/language/ZHO``)."""
    return URIRef(LANGUAGE + code.upper())


class _Builder(Context):
    """The agenda graph, built in order: document, meeting, footnotes, agenda, programme."""

    def build_document(self) -> None:
        header, doc, expr = self.records.header, self.document, URIRef(self.expression)
        self.add(doc, RDF.type, UNKG.Document)
        self.add(doc, UNKG.symbol, Literal(self.symbol))
        self.add(doc, UNKG.evidence, Literal(self.entry.facts["evidence"]))
        self.add(doc, ELI.is_realized_by, expr)
        kind = self.entry.get("kind")
        titled = kinds_titled(header.title.text) if header.title else set()
        if kind and titled and kind not in titled:
            raise self.error(f"the manifest says the document is a {kind}; its title {header.title.text!r} is that "
                             f"of a {' or '.join(sorted(titled))}", header.title.number)
        if kind:
            self.add(doc, UNKG.documentKind, UNKG[kind])
        original = header.original_language or self.entry.get("original_language")
        stated = self.entry.get("original_language")
        if header.original_language and stated and stated != header.original_language:
            raise self.error(f"the text says the original is {header.original_language}, the manifest says {stated}",
                             header.original_line)
        if original:
            self.add(doc, UNKG.originalLanguage, language_concept(original))
        if header.distribution and header.distribution.text.casefold() == "general":
            self.add(doc, UNKG.distribution, UNKG.GeneralDistribution)
        if header.distributed:
            self.add(doc, DCTERMS.date, Literal(header.distributed.isoformat(), datatype=XSD.date))
        if header.title:
            self.add(doc, DCTERMS.title, self.text(header.title.text))
            self.add(expr, DCTERMS.title, self.text(header.title.text))
        self.derive(doc, header.distribution and header.distribution.number, header.distributed_line,
                    header.original_line, header.title and header.title.number)
        self.add(expr, RDF.type, UNKG.DocumentExpression)
        self.add(expr, ELI.realizes, doc)
        self.add(expr, ELI.language, language_concept(self.entry.language))
        self.add(expr, UNKG.sourceFile, Literal(relative_file(self.entry)))
        self.derive(expr, header.language_line, header.title and header.title.number)
        self.add(URIRef(iris.graph(self.base, self.entry.id)), PROV.wasDerivedFrom, expr)

    def meeting_number(self) -> int:
        """The number of the meeting this agenda is for: the one that opens (1(a)), failing that the first
        meeting of the manifest's body the text names but for those it says were held (a constructive dialogue
        followed them), failing that the manifest's; they must agree."""
        body_path, stated = self.entry.get("body"), self.entry.get("meeting_number")
        paragraphs = [p for item in self.records.all_items() for p in item.paragraphs]
        opening = [(p, p.facts.opening.meeting) for p in paragraphs if p.facts.opening and p.facts.opening.meeting]
        held = {(self.body_path(r.body_text, p.line), r.number)  # by body, however the text words its name
                for p in paragraphs if p.facts.dialogue for r in p.facts.dialogue.after}
        named = [(p, ref) for p in paragraphs for ref in p.facts.meetings
                 if (self.body_path(ref.body_text, p.line), ref.number) not in held]
        for paragraph, ref in opening + named:
            if self.body_path(ref.body_text, paragraph.line) != body_path:
                continue
            if stated is not None and stated != ref.number:
                raise self.error(f"the text names meeting {ref.number}, the manifest says {stated}", paragraph.line)
            return ref.number
        if stated is None:
            raise self.error("the text never says which meeting this is and the manifest gives no "
                             "'meeting_number'")
        return int(self.entry.get("meeting_number"))

    def build_meeting(self) -> None:
        records, header = self.records, self.records.header
        body_path = self.entry.get("body")
        if not body_path:
            raise self.error("the manifest entry gives no 'body' (the IRI path of the body that meets)")
        zone = self.entry.get("timezone")
        if zone and zone != records.meeting.timezone:
            raise self.error(f"the manifest's time zone {zone} differs from the place's {records.meeting.timezone}",
                             records.meeting.line)
        number = self.meeting_number()
        meeting = self.meeting = URIRef(iris.meeting(self.base, body_path, number))
        self.add(meeting, RDF.type, UNKG.Meeting)
        self.add(meeting, RDF.type, ELI_DL.ForeseenActivity)  # the meeting this agenda plans
        if header.body:  # the line naming the body that meets must name the manifest's body, or it is not that
            names = self.bodies.get(body_path, {}).get("names", [])
            if header.body.text not in names:
                raise self.error(f"the body that meets is printed as {header.body.text!r}, which is not a name of "
                                 f"the manifest's body {body_path} ({', '.join(map(repr, names)) or 'none given'})",
                                 header.body.number)
        self.add(meeting, UNKG.ofBody, self.body(body_path, header.body and header.body.number))
        self.derive(meeting, header.body and header.body.number)  # the line naming the body that meets
        self.add(meeting, UNKG.meetingNumber, Literal(number, datatype=XSD.integer))
        self.add(meeting, ELI_DL.activity_start_date, Literal(records.meeting.start.isoformat(), datatype=XSD.date))
        self.add(meeting, ELI_DL.activity_end_date, Literal(records.meeting.end.isoformat(), datatype=XSD.date))
        place = URIRef(iris.place(self.base, records.meeting.place_slug))
        self.add(place, RDF.type, UNKG.Place)
        self.add(place, SKOS.prefLabel, self.text(records.meeting.place))
        self.add(place, RDFS.label, self.text(records.meeting.place))
        self.derive(place, records.meeting.line)
        self.add(meeting, SCHEMA.location, place)
        self.derive(meeting, records.meeting.line)
        if zone and self.entry.get("timezone_evidence"):  # what the times' UTC offsets rest on (not printed)
            self.add(meeting, UNKG.evidence, Literal(self.entry.get("timezone_evidence")))
        self.add(self.document, UNKG.forMeeting, meeting)
        if header.parent_body:  # the body named at the head of the document, by one of its names in the manifest
            masthead = header.parent_body
            issuer = self.body(self.body_path(masthead.text, masthead.number), masthead.number)
            self.add(self.document, UNKG.issuingBody, issuer)
            self.derive(self.document, masthead.number)

    def meeting_label(self, ref: f.MeetingRef, line: int) -> None:
        name = self.name_in(ref.body_text)
        label = f"{name}{ref.printed}" if self.lang == "zh" else f"the {ref.printed} of the {name}"
        if (self.meeting, SKOS.prefLabel, None) not in self.graph:
            self.add(self.meeting, SKOS.prefLabel, self.text(label))
            self.add(self.meeting, RDFS.label, self.text(label))
            self.derive(self.meeting, line)

    def build_agenda(self) -> None:
        agenda = URIRef(iris.agenda(str(self.meeting)))
        self.add(agenda, RDF.type, UNKG.Agenda)
        self.add(agenda, UNKG.agendaOf, self.meeting)
        self.add(self.meeting, UNKG.hasAgenda, agenda)
        self.add(agenda, ELI_DL.documented_by_a_realization_of, self.document)
        heading = self.text(self.records.lines[self.records.agenda_line - 1].strip())
        self.add(agenda, SKOS.prefLabel, heading)  # labels of instances: skos:prefLabel plus rdfs:label
        self.add(agenda, RDFS.label, heading)
        self.derive(agenda, self.records.agenda_line)
        for item in self.records.items:
            node = self.build_item(item, agenda)
            self.add(agenda, ELI_DL.consists_of, node)
            for sub in item.subitems:
                child = self.build_item(sub, agenda)
                self.add(node, ELI_DL.consists_of, child)
                self.add(child, UNKG.subItemOf, node)

    def item_iri(self, item: Item) -> URIRef:
        return URIRef(iris.agenda_item(str(self.meeting), item.number, item.sub))

    def build_item(self, item: Item, agenda: URIRef) -> URIRef:
        node = self.item_iri(item)
        order = Decimal(item.number) + (Decimal(ord(item.sub) - ord("a") + 1) / 10 if item.sub else 0)
        self.add(node, RDF.type, UNKG.AgendaItem)
        self.add(node, UNKG.inAgenda, agenda)
        self.add(node, ELI_DL.documented_by_a_realization_of, self.document)  # as the European Parliament's items
        self.add(node, SKOS.notation, Literal(item.notation))
        self.add(node, ELI_DL.activity_order, Literal(order, datatype=XSD.decimal))
        self.add(node, UNKG.title, self.text(item.title))
        if item.heading and item.heading != item.title:
            self.add(node, UNKG.headingTitle, self.text(item.heading))
        for ref in item.provisions:
            self.add(node, UNKG.concernsProvision, self.provision(ref, item.line))
        self.derive(node, item.line, item.heading_line)
        for order_, paragraph in enumerate(item.paragraphs, start=1):
            self.build_annotation(item, node, order_, paragraph)
        for entry in item.documentation:
            self.build_documentation(node, entry)
        return node

    def build_annotation(self, item: Item, item_node: URIRef, order: int, paragraph: Paragraph) -> None:
        node = URIRef(iris.annotation(str(item_node), order))
        facts, line = paragraph.facts, paragraph.line
        self.add(item_node, UNKG.hasAnnotation, node)
        self.add(node, RDF.type, UNKG.Annotation)
        self.add(node, UNKG.annotationOf, item_node)
        self.add(node, UNKG.order, Literal(order, datatype=XSD.integer))
        self.add(node, UNKG.text, self.text(paragraph.text))
        self.derive(node, line)
        for ref in facts.provisions:
            self.add(node, UNKG.citesProvision, self.provision(ref, line))
        for ref in facts.meetings:
            target = self.meeting if self.is_this_meeting(ref, line) else self.other_meeting(ref, line)
            self.add(node, UNKG.mentionsMeeting, target)
        if facts.this_meeting:
            self.add(node, UNKG.mentionsMeeting, self.meeting)
        for mark in paragraph.marks:
            self.add(node, UNKG.footnote, self.footnote(mark))
        for decision in facts.decisions:
            self.add(node, UNKG.mentionsDecision, self.decision(decision, line))
        if facts.opening:
            if facts.opening.meeting:
                self.meeting_label(facts.opening.meeting, line)
            at = self.records.meeting
            start = _local(facts.opening.day, facts.opening.time, at.timezone)
            self.add(self.meeting, UNKG.openingTime, Literal(start, datatype=XSD.dateTimeStamp))
            self.derive(self.meeting, line)
        if facts.plenary:
            self.plenary(facts.plenary, line)
        for cluster in facts.clusters:
            self.cluster(cluster, line)
        for threshold in facts.thresholds:
            if threshold.provision:
                target = self.provision(threshold.provision, line)
                self.add(target, UNKG.completionThreshold, Literal(Decimal(threshold.percent), datatype=XSD.decimal))
        for publication in facts.publications:
            self.add(node, UNKG.mentionsDocument, self.publication(publication, line))
        for symbols in facts.documents:  # a paragraph of it cited (A/78/123，第12段): the graph has no such parts
            self.add(node, UNKG.mentionsDocument, self.symbol_document(symbols, line))
        together = facts.back_to_back
        if together:
            self.back_to_back(together, line)
        if facts.dialogue:
            self.add(node, UNKG.mentionsDocument, self.dialogue(facts.dialogue, line))
        if facts.no_documents:
            self.add(item_node, UNKG.expectsNoDocuments, Literal(True))
            self.derive(item_node, line)
        if facts.report:
            report = self.report(facts.report, line)
            self.add(item_node, UNKG.outcomeDocument, report)
            self.add(node, UNKG.mentionsDocument, report)

    def build_documentation(self, item_node: URIRef, entry: DocumentationEntry) -> None:
        node = URIRef(iris.documentation_entry(str(item_node), entry.order))
        self.add(item_node, UNKG.hasDocumentationEntry, node)
        self.add(node, RDF.type, UNKG.DocumentationEntry)
        self.add(node, UNKG.order, Literal(entry.order, datatype=XSD.integer))
        self.add(node, UNKG.description, self.text(entry.description))
        if entry.hyperlink is not None:
            self.add(node, UNKG.hyperlink, Literal(entry.hyperlink, datatype=XSD.anyURI))
        self.derive(node, entry.line)
        if not entry.symbols:
            return
        doc = self.symbol_document(entry.symbols, entry.line)
        self.add(node, UNKG.refersToDocument, doc)
        self.add(item_node, ELI_DL.based_on_a_realization_of, doc)
        if entry.kind:
            self.add(doc, UNKG.documentKind, UNKG[entry.kind])
        preparer = None
        if entry.prepared_by:
            preparer = self.body_path(entry.prepared_by, entry.line)
            self.add(doc, DCTERMS.creator, self.body(preparer, entry.line))
        for ref in entry.provisions:
            self.add(doc, DCTERMS.subject, self.provision(ref, entry.line))
        for path in self.bodies_named(entry.description):
            if path != preparer:
                self.add(doc, DCTERMS.subject, self.body(path, entry.line))
        self.add(doc, UNKG.forMeeting, self.meeting)

    def symbol_document(self, symbols: list[str], line: int) -> URIRef:
        """The document a line names by its symbols (a joint symbol's, all of them), as a Document with them."""
        doc = URIRef(iris.document(self.base, symbols[0]))
        self.add(doc, RDF.type, UNKG.Document)
        for symbol in symbols:
            self.add(doc, UNKG.symbol, Literal(symbol))
        self.derive(doc, line)
        return doc

    def decision(self, decision: f.Decision, line: int) -> URIRef:
        path = self.body_path(decision.body_text, line)
        node = URIRef(iris.decision(self.base, path, decision.date.isoformat()))
        self.add(node, RDF.type, UNKG.Decision)
        self.add(node, UNKG.decidedBy, self.body(path, line))
        self.add(node, DCTERMS.date, Literal(decision.date.isoformat(), datatype=XSD.date))
        self.add(node, UNKG.approved, self.text(decision.approved))
        if decision.procedure == "silence":
            self.add(node, ELI_DL.decision_method, UNKG.SilenceProcedure)
        for ref in decision.meetings:
            target = self.meeting if self.is_this_meeting(ref, line) else self.other_meeting(ref, line)
            self.add(node, UNKG.concernsMeeting, target)
        self.derive(node, line)
        return node

    def plenary(self, plenary: f.Plenary, line: int) -> None:
        self.add(self.meeting, UNKG.plenaryMeetingCount, Literal(plenary.meetings, datatype=XSD.integer))
        if plenary.languages is not None:
            self.add(self.meeting, UNKG.interpretationLanguageCount, Literal(plenary.languages, datatype=XSD.integer))
        if plenary.days is not None:
            self.add(self.meeting, UNKG.plenaryDayCount, Literal(plenary.days, datatype=XSD.integer))
        self.derive(self.meeting, line)

    def cluster(self, cluster: f.Cluster, line: int) -> None:
        mechanism = self.mechanism_path(line)
        node = URIRef(iris.thematic_cluster(self.base, mechanism, cluster.number))
        self.add(node, RDF.type, UNKG.ThematicCluster)
        self.add(node, UNKG.clusterNumber, Literal(cluster.number, datatype=XSD.integer))
        self.add(node, UNKG.clusterOf, self.body(mechanism, line))
        self.add(node, SKOS.prefLabel, self.text(cluster.topics))
        self.add(node, RDFS.label, self.text(cluster.topics))
        if cluster.planned_start:
            year, month = cluster.planned_start
            self.add(node, UNKG.plannedStart, Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth))
        self.derive(node, line)

    def publication(self, publication: f.Publication, line: int) -> URIRef:
        slugs = {d["title"]: d for d in self.entry.get("documents", [])}
        self.titles_named.add(publication.title)
        described = slugs.get(publication.title)
        slug = described["slug"] if described else "doc-" + hashlib.sha1(publication.title.encode()).hexdigest()[:12]
        node = URIRef(iris.document(self.base, slug))
        self.add(node, RDF.type, UNKG.Document)
        self.add(node, DCTERMS.title, self.text(publication.title))
        self.add(node, DCTERMS.issued, Literal(str(publication.year), datatype=XSD.gYear))
        if publication.late_in_year:
            self.add(node, UNKG.issuedLateInYear, Literal(True))
        if publication.kind:
            self.add(node, UNKG.documentKind, UNKG[publication.kind])
        if described:
            self.add(node, UNKG.evidence, Literal(described["evidence"]))
        self.derive(node, line)
        return node

    def back_to_back(self, together: f.BackToBack, line: int) -> URIRef:
        """Meetings held back to back over one span of days: the span is an event of its own, of which each
        meeting is a ``schema:subEvent``. The text dates the span, not the meetings, so they get no dates."""
        nodes = [self.other_meeting(ref, line) for ref in together.meetings]
        first_body = self.body_path(together.meetings[0].body_text, line)
        root = self.bodies[first_body].get("unit_of") or first_body
        start, end = together.start.isoformat(), together.end.isoformat()
        event = URIRef(iris.event(self.base, f"{root}/meetings-held-back-to-back/{start}"))
        self.add(event, RDF.type, UNKG.Event)
        self.add(event, ELI_DL.activity_start_date, Literal(start, datatype=XSD.date))
        self.add(event, ELI_DL.activity_end_date, Literal(end, datatype=XSD.date))
        if together.printed:
            label = self.text(normalise(together.printed, self.lang))
            self.add(event, SKOS.prefLabel, label)
            self.add(event, RDFS.label, label)
        for node in nodes:
            self.add(event, SCHEMA.subEvent, node)
            for other in nodes:
                if other != node:
                    self.add(node, UNKG.heldBackToBackWith, other)
        self.derive(event, line)
        return event

    def dialogue(self, dialogue: f.Dialogue, line: int) -> URIRef:
        mechanism = self.mechanism_path(line)
        day = dialogue.day.isoformat()
        event = URIRef(iris.event(self.base, f"{mechanism}/constructive-dialogue/{day}"))
        self.add(event, RDF.type, UNKG.ConstructiveDialogue)
        self.add(event, ELI_DL.activity_date, Literal(day, datatype=XSD.date))
        self.add(event, SKOS.prefLabel, self.text("建设性对话" if self.lang == "zh" else "constructive dialogue"))
        for ref in dialogue.after:
            held = self.other_meeting(ref, line)  # the dialogue was held after they ended: they were held
            if held == self.meeting:
                why = ("the manifest's 'meeting_number' names it" if self.entry.get("meeting_number") is not None
                       else "the text never says which meeting opens; give 'meeting_number' in the manifest")
                raise self.error(f"a constructive dialogue was held after {ref.printed or 'a meeting'} ended, so that "
                                 f"meeting was held: it cannot be the one this agenda plans ({why})", line)
            self.add(event, UNKG.followed, held)
            self.add(held, RDF.type, ELI_DL.Activity)
        self.derive(event, line)
        summary = URIRef(iris.document(self.base, f"{mechanism.replace('/', '-')}-constructive-dialogue-{day}-"
                                                  "written-summary"))
        self.add(summary, RDF.type, UNKG.Document)
        self.add(summary, UNKG.documentKind, UNKG.WrittenSummary)
        self.add(summary, DCTERMS.subject, event)
        if dialogue.summary_text:
            self.add(summary, UNKG.description, self.text(dialogue.summary_text))
        if dialogue.summary_by:
            self.add(summary, DCTERMS.creator, self.body(self.body_path(dialogue.summary_by, line), line))
        if dialogue.summary_rule:
            self.add(summary, UNKG.pursuantTo, self.provision(dialogue.summary_rule, line))
        for place in dialogue.published_on:
            for mark in place.marks:
                for page in self.footnote_pages(mark):
                    self.add(summary, UNKG.publishedAt, page)
                    self.add(self.body(self.page_owner(place.owner_text, line), line), UNKG.website, page)
            if place.meeting and self.is_this_meeting(place.meeting, line):
                for page in self.graph.objects(self.meeting, UNKG.website):
                    self.add(summary, UNKG.publishedAt, page)
        self.derive(summary, line)
        return summary

    def page_owner(self, owner_text: str, line: int) -> str:
        """The body whose web page a phrase names (审议机制的网页, "the web page of the Review Mechanism"): the one
        body it names by the manifest's names. Each name or short form in it, the longest first, is read as a body's
        name is (``Context.named``), from the words it ends (Chinese) or starts (English): a short form only where it
        stands alone, so 打击贩运人口问题工作组的网页, a group the manifest does not list, is refused, not credited to
        the body whose short form is 工作组. A phrase naming two bodies is refused: it does not say whose page it is."""
        chinese = self.lang == "zh"
        found, taken = [], []
        for name, _ in self.names:
            at = owner_text.find(name)
            while at >= 0:
                end = at + len(name)
                if not any(at < stop and start < end for start, stop in taken):  # not within a longer name
                    taken.append((at, end))
                    found.append((at, self.body_path(owner_text[:end] if chinese else owner_text[at:], line)))
                at = owner_text.find(name, at + 1)
        owners = list(dict.fromkeys(path for _, path in sorted(found)))
        if len(owners) != 1:
            named = f": it names {', '.join(owners)}" if owners else " (no name of the manifest's bodies is in it)"
            raise self.error(f"cannot tell whose web page {owner_text!r} is{named}", line)
        return owners[0]

    def report(self, plan: f.ReportPlan, line: int) -> URIRef:
        body_path = self.entry.get("body")
        number = self.graph.value(self.meeting, UNKG.meetingNumber)
        node = URIRef(iris.document(self.base, f"{body_path.replace('/', '-')}-{number}-report"))
        self.add(node, RDF.type, UNKG.Document)
        self.add(node, UNKG.documentKind, UNKG.Report)
        self.add(node, UNKG.forMeeting, self.meeting)
        self.add(node, UNKG.adoptedBy, self.body(body_path, line))
        if plan.drafted_by:
            self.add(node, UNKG.draftedBy, self.body(self.body_path(plan.drafted_by, line), line))
        if plan.name:
            self.add(node, UNKG.description, self.text(plan.name))
        self.derive(node, line)
        return node

    def build_programme(self) -> None:
        title = self.records.programme_title
        if title is not None and self.records.programme:
            self.add(self.meeting, UNKG.programmeTitle, self.text(title.text))
            self.derive(self.meeting, title.number)
        for order, slot in enumerate(self.records.programme, start=1):
            self.build_slot(order, slot)

    def build_slot(self, order: int, slot: Slot) -> None:
        node = URIRef(iris.time_slot(str(self.meeting), slot.start.strftime("%Y-%m-%dT%H:%M")))
        self.add(self.meeting, UNKG.hasTimeSlot, node)
        self.add(node, RDF.type, UNKG.TimeSlot)
        self.add(node, UNKG.slotOf, self.meeting)
        self.add(node, ELI_DL.activity_date, Literal(slot.day.isoformat(), datatype=XSD.date))
        self.add(node, ELI_DL.activity_order, Literal(Decimal(order), datatype=XSD.decimal))
        self.add(node, UNKG.startTime, Literal(slot.start.isoformat(), datatype=XSD.dateTimeStamp))
        if slot.end:
            self.add(node, UNKG.endTime, Literal(slot.end.isoformat(), datatype=XSD.dateTimeStamp))
        self.derive(node, slot.day_line, slot.line)
        for number, row in enumerate(slot.entries, start=1):
            entry = URIRef(iris.programme_entry(str(node), number))
            self.add(node, ELI_DL.consists_of, entry)
            self.add(entry, RDF.type, UNKG.ProgrammeEntry)
            self.add(entry, UNKG.takesUp, self.item_iri(row.item))
            self.add(entry, UNKG.isContinuation, Literal(row.continuation))
            self.add(entry, ELI_DL.activity_order, Literal(Decimal(number), datatype=XSD.decimal))
            self.add(entry, UNKG.title, self.text(row.title))
            self.derive(entry, row.line)

    def build(self) -> Graph:
        self.build_document()
        self.build_meeting()
        # footnotes first, so the meeting's website is known when a paragraph says a text is published there
        for mark in sorted(self.records.footnotes):
            self.footnote(mark)
        self.build_agenda()
        self.build_programme()
        self.check_documents_used()
        return self.graph

    def check_documents_used(self) -> None:
        """Every [[source.documents]] title is one the text prints: a title misspelt in the manifest would leave
        its slug and evidence unused and give the printed document a made-up slug, without a word."""
        for index, described in enumerate(self.entry.get("documents", []), start=1):
            if described["title"] not in self.titles_named:
                raise self.entry.table_error(
                    f"source {self.entry.id!r}: the document titled {described['title']!r} is not one the text "
                    f"{relative_file(self.entry)} names by title (check the title as printed)",
                    "documents", index, "title")


TITLE_WRAPPING = " 。.;；:：《》「」“”\"'()（）"  # around a title, not part of it


def kinds_titled(title: str) -> set[str]:
    """The document kinds (the ontology's unkg:DocumentKinds) whose label is this printed title.

    >>> sorted(kinds_titled("临时议程说明")), sorted(kinds_titled("Annotated provisional agenda")), kinds_titled("议程")
    (['AnnotatedProvisionalAgenda'], ['AnnotatedProvisionalAgenda'], set())
    >>> sorted(kinds_titled("《临时议程说明》。")), sorted(kinds_titled(" Annotated  provisional\tagenda. "))
    (['AnnotatedProvisionalAgenda'], ['AnnotatedProvisionalAgenda'])
    """
    ontology, wanted = ontology_graph(), " ".join(title.split()).strip(TITLE_WRAPPING).casefold()
    return {str(kind).removeprefix(str(UNKG)) for kind in ontology.subjects(SKOS.inScheme, UNKG.DocumentKinds)
            for label in ontology.objects(kind, SKOS.prefLabel) if str(label).casefold() == wanted}


def _local(day: date, time: tuple[int, int], zone: str) -> str:
    return datetime(day.year, day.month, day.day, *time, tzinfo=ZoneInfo(zone)).isoformat()


def to_graph(records: AnnotatedAgenda, entry: SourceEntry, base: str) -> Graph:
    """The RDF graph of one annotated agenda (records from :func:`loader.sources.agenda.parse`)."""
    return _Builder(records, entry, base).build()
