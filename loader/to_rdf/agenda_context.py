"""What every part of an annotated agenda's graph shares: the graph, its provenance, and the resources many
statements point to (bodies, other meetings, provisions and instruments, footnotes and web pages), each minted
once with its labels as printed. :mod:`loader.to_rdf.agenda` builds the agenda itself on top of it. No I/O.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from loader import iris
from loader.errors import SourceError
from loader.manifest import SourceEntry
from loader.namespaces import ELI, ORG, UNKG
from loader.sources import agenda_facts as f
from loader.sources.agenda import LANGUAGES, AnnotatedAgenda
from loader.sources.agenda_text import MARKDOWN_LINK, SUPERSCRIPTS, letter_order, normalise, web_address
from loader.to_rdf import common

MEETING_WEBSITE = ("会议网站", "website of the meeting", "meeting website")  # a footnote's page is the meeting's

RULES = "UNTOC-review-mechanism-procedures-and-rules"
INSTRUMENT_KINDS = {"UNTOC": UNKG.Convention, RULES: UNKG.RulesOfProcedure}
LANGUAGE_CODES = sorted(set(LANGUAGES.values()))  # ISO 639-2 codes of the six UN languages

# Where a body's short form (an alias: 工作组, "Working Group") stands alone, not as the end (Chinese) or start
# (English) of a longer name the manifest does not list. Chinese: the words before it end with a mark that lists or
# joins bodies: 和 (and), 、 (the listing comma), 以及 (as well as), 或 (or). Not 与 nor 及 alone: names end with
# them (公众参与工作组, a working group on public participation; 埃及, Egypt).
ZH_ALIAS_AFTER = ("和", "、", "以及", "或")
# English: the words after it go on with a name, as the parser reads one (loader/sources/agenda_facts.py,
# _EN_NAME): the word goes on ("Working Groups"), or a capitalised word, a number or a word that joins a name's
# parts follows ("Working Group of Government Experts", "Expert Group to Conduct").
EN_NAME_GOES_ON = re.compile(r"[\w-]|\s+(?:(?:on|of|for|against|to|in)\b|[A-Z\d])")


def words_around(words: str, line: str, margin: int) -> str | None:
    """``line`` as printed, cut to ``words`` and ``margin`` characters either side (``…`` where it is cut); None
    when the line does not print them. ``words`` are the parser's: spaces and footnote marks may stand between
    their characters in the line (``5 月 23 日``, ``网页²和``)."""
    gap = rf"[\s{''.join(SUPERSCRIPTS)}]"
    pattern = f"{gap}*".join(rf"{gap}+" if c.isspace() else re.escape(c) for c in words)
    found = re.search(pattern, line)
    if found is None:
        return None
    start, end = max(0, found.start() - margin), min(len(line), found.end() + margin)
    return f"{'…' if start else ''}{line[start:end].strip()}{'…' if end < len(line.rstrip()) else ''}"


def unmatched_body(words: str, line: str, language: str) -> str:
    """What to say of a body named by ``words`` that no name in the manifest matches. ``words`` are where the
    parser reads a body's name from (the run of words before a meeting's number, the words before 主席团 …): a
    name ends them (Chinese) or starts them (English), but where it begins (or ends) only the manifest says, so
    ``words`` are quoted as what holds the name, with the line's words around them, never as the name."""
    chinese = language == "zh"
    where = named_where(words, line, chinese)
    start, bound = ("end with", "begins") if chinese else ("start with", "ends")
    return (f"no name or alias in the manifest's [[source.bodies]] matches the body named {where}: the words "
            f"{words!r} {start} its name, but where the name {bound} the loader cannot tell (it only matches the "
            f"names the manifest lists). Add the name exactly as the text prints it to the `names` of that body's "
            f"[[source.bodies]] (a new table if the manifest lacks the body; a short form the text uses in context "
            f"goes to `aliases`)")


def named_where(words: str, line: str, chinese: bool) -> str:
    """Where a message says a body is named: "in '…the line's words around them…'", or "by 'words'" alone where
    the line does not print them as read."""
    around = words_around(words, line, 8 if chinese else 24)
    return f"in {around!r}" if around and around.strip("…") != words else f"by {words!r}"


def alias_not_alone(words: str, alias: str, body: str, line: str, language: str) -> str:
    """What to say of ``words`` that end (Chinese) or start (English) with ``alias``, the short form of ``body``,
    where the words before (after) it may be the rest of another body's name: a body the manifest does not list,
    which the short form would silently stand for (技术援助问题政府专家工作组 read as 工作组)."""
    chinese = language == "zh"
    where = named_where(words, line, chinese)
    start, side, alone = (("end with", "before", f"after {', '.join(ZH_ALIAS_AFTER)}") if chinese else
                          ("start with", "after", "before a word that does not go on with a name"))
    return (f"the body named {where} is not read: the words {words!r} {start} {alias!r}, the short form of "
            f"{body} (an alias in the manifest), but the words {side} it may name another body, which the "
            f"manifest does not list (a short form is read only alone or {alone}). Add that body's name exactly "
            f"as the text prints it to the `names` of its [[source.bodies]] (a new table if the manifest lacks the "
            f"body); if the words do name {body}, add its name as printed to the `names` of {body}")


def order_of(number: str) -> Decimal:
    """A provision's order among its siblings, from its own number: "53" -> 53, "h" -> 8, "hh" -> 34."""
    return Decimal(number) if number.isdigit() else Decimal(letter_order(number))


class Context:
    """The graph under construction and the shared resources; ``meeting`` is set once the meeting is known."""

    def __init__(self, records: AnnotatedAgenda, entry: SourceEntry, base: str) -> None:
        self.records = records
        self.entry = entry
        self.base = base
        self.graph = common.new_graph()
        self.lang = records.language
        self.titles_named: set[str] = set()  # the titles of the documents the text names by title only
        if entry.language not in LANGUAGE_CODES:
            raise self.error(f"unknown language {entry.language!r} for an annotated agenda (known: "
                             f"{', '.join(LANGUAGE_CODES)})")
        stated = records.header.language
        if stated and stated != entry.language:
            raise self.error(f"the text says it is in {stated}, the manifest says {entry.language}",
                             records.header.language_line)
        printed = records.header.symbol
        symbol = entry.get("symbol") or (printed.text if printed else None)
        if printed and printed.text != symbol:
            raise self.error(f"the text prints the symbol {printed.text}, the manifest says {symbol}", printed.number)
        if not symbol:
            raise self.error("the text prints no UN symbol and the manifest entry gives none (key 'symbol')")
        self.symbol = symbol
        self.document = URIRef(iris.document(base, symbol))
        self.expression = iris.expression(base, symbol, entry.language)
        self.bodies = {b["path"]: b for b in entry.get("bodies", [])}
        self.names = sorted(((name, b["path"]) for b in self.bodies.values()
                             for name in (*b.get("names", []), *b.get("aliases", []))), key=lambda x: -len(x[0]))
        self.minted_bodies: set[str] = set()
        self.meeting = URIRef("")  # set by the agenda builder

    def error(self, message: str, line: int | None = None) -> SourceError:
        return SourceError(message, path=str(self.entry.path), line=line)

    def add(self, subject: URIRef, predicate: URIRef, obj) -> None:
        self.graph.add((subject, predicate, obj))

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.lang)

    def derive(self, subject: URIRef, *lines: int | None) -> None:
        for line in lines:
            if line:
                common.derived_from(self.graph, subject, self.expression, line, self.records.verbatim(line))

    def body_path(self, text: str, line: int) -> str:
        """The body a printed phrase names: the longest known name it ends (Chinese) or begins (English) with; a
        short form (alias) only where it stands alone (see ZH_ALIAS_AFTER, EN_NAME_GOES_ON)."""
        return self.named(text, line)[1]

    def name_in(self, text: str, line: int | None = None) -> str:
        """The name or alias of the manifest by which ``body_path`` reads ``text``."""
        return self.named(text, line)[0]

    def named(self, text: str, line: int | None) -> tuple[str, str]:
        chinese = self.lang == "zh"
        printed = self.records.verbatim(line) if line else ""
        for name, path in self.names:
            if not (text.endswith(name) if chinese else text.startswith(name)):
                continue
            if name not in self.bodies[path].get("names", []) and not self.alone(text, name):
                raise self.error(alias_not_alone(text, name, path, printed, self.lang), line)
            return name, path
        raise self.error(unmatched_body(text, printed, self.lang), line)

    def alone(self, text: str, alias: str) -> bool:
        """Whether the short form ``alias`` that ends (Chinese) or starts (English) ``text`` is the whole name there:
        the words before it end with a mark that lists or joins bodies, or the words after it go on with no name."""
        if self.lang == "zh":
            before = re.sub(rf"[\s{''.join(SUPERSCRIPTS)}]+$", "", text[:-len(alias)])  # 网页² 和: marks, spaces
            return not before or before.endswith(ZH_ALIAS_AFTER)
        return not EN_NAME_GOES_ON.match(text[len(alias):])

    def body(self, path: str, line: int | None = None) -> URIRef:
        """A body of the manifest, minted once: its type, labels as printed, structure and evidence."""
        node = URIRef(iris.body(self.base, path))
        if path not in self.bodies:
            raise self.error(f"body {path!r} is not described in the manifest's [[source.bodies]]", line)
        if path not in self.minted_bodies:
            self.minted_bodies.add(path)
            described = self.bodies[path]
            self.add(node, RDF.type, UNKG[described["kind"]])  # one of BODY_KINDS (loader/manifest.py checks)
            self.add(node, UNKG.evidence, Literal(described["evidence"]))
            if described.get("unit_of"):
                parent = self.body(described["unit_of"])
                self.add(node, ORG.unitOf, parent)
                self.add(parent, ORG.hasUnit, node)
            if described.get("post_in"):
                self.add(node, ORG.postIn, self.body(described["post_in"]))
            printed = [name for name in described.get("names", []) if self.lines_naming(name)]
            for name in printed:
                self.derive(node, *self.lines_naming(name)[:3])
            for number, name in enumerate(sorted(printed, key=len, reverse=True)):
                self.add(node, SKOS.prefLabel if number == 0 else SKOS.altLabel, self.text(name))
                if number == 0:
                    self.add(node, RDFS.label, self.text(name))
        if line:
            self.derive(node, line)
        return node

    def lines_naming(self, name: str) -> list[int]:
        return [n for n, text in enumerate(self.records.lines, start=1) if name in normalise(text, self.lang)]

    def bodies_named(self, text: str) -> list[str]:
        """Bodies whose full printed name occurs in the text (the longest name wins where names overlap)."""
        found, taken = [], []
        for name, path in self.names:
            if name not in [n for b in self.bodies.values() for n in b.get("names", [])]:
                continue
            at = text.find(name)
            if at >= 0 and not any(s <= at < e for s, e in taken) and path not in found:
                found.append(path)
                taken.append((at, at + len(name)))
        return found

    def other_meeting(self, ref: f.MeetingRef, line: int) -> URIRef:
        path = self.body_path(ref.body_text, line)
        node = URIRef(iris.meeting(self.base, path, ref.number))
        if node != self.meeting and (node, RDF.type, UNKG.Meeting) not in self.graph:
            self.add(node, RDF.type, UNKG.Meeting)
            self.add(node, UNKG.ofBody, self.body(path, line))
            self.add(node, UNKG.meetingNumber, Literal(ref.number, datatype=XSD.integer))
        if node != self.meeting and ref.printed:
            name = self.name_in(ref.body_text)
            if name in self.bodies[path].get("names", []):
                label = f"{name}{ref.printed}" if self.lang == "zh" else f"the {ref.printed} of the {name}"
                self.add(node, SKOS.prefLabel, self.text(label))
                self.add(node, RDFS.label, self.text(label))
        self.derive(node, line)
        return node

    def is_this_meeting(self, ref: f.MeetingRef, line: int) -> bool:
        return iris.meeting(self.base, self.body_path(ref.body_text, line), ref.number) == str(self.meeting)

    def mechanism_path(self, line: int) -> str:
        paths = [b["path"] for b in self.bodies.values() if b.get("kind") == "ReviewMechanism"]
        if not paths:
            raise self.error("the text names a thematic cluster but the manifest describes no review mechanism",
                             line)
        return paths[0]

    def provision(self, ref: f.ProvisionRef, line: int) -> URIRef:
        node = URIRef(iris.provision(self.base, ref.instrument, article=ref.article, paragraph=ref.paragraph,
                                     subparagraph=ref.subparagraph))
        instrument = self.instrument(ref, line)
        if ref.heading:  # 第27条（执法合作）: the article's heading in this text's language, which only it may give
            self.add(node, UNKG.heading, self.text(ref.heading))
            self.derive(node, line)
        if ref.instrument == "UNTOC":
            return node  # the treaty's own graph describes its provisions
        levels = [("para", ref.paragraph, UNKG.Paragraph), ("subpara", ref.subparagraph, UNKG.Subparagraph)]
        parent, path = instrument, {}
        for step, value, cls in levels:
            if value is None:
                break
            path["paragraph" if step == "para" else "subparagraph"] = value
            part = URIRef(iris.provision(self.base, ref.instrument, **path))
            self.add(part, RDF.type, UNKG.Provision)
            self.add(part, RDF.type, cls)
            self.add(part, UNKG.number, Literal(value))
            self.add(part, ELI.number, Literal(value))
            self.add(part, UNKG.order, Literal(order_of(value), datatype=XSD.decimal))
            self.add(part, UNKG.instrument, instrument)
            self.add(part, ELI.is_part_of, parent)
            self.add(parent, ELI.has_part, part)
            self.derive(part, line)
            parent = part
        if ref.printed:
            self.add(node, SKOS.prefLabel, self.text(ref.printed))
            self.add(node, RDFS.label, self.text(ref.printed))
        return node

    def instrument(self, ref: f.ProvisionRef, line: int) -> URIRef:
        node = URIRef(iris.instrument(self.base, ref.instrument))
        title = ref.instrument_title
        if ref.instrument == RULES and (node, RDF.type, UNKG.LegalInstrument) not in self.graph:
            self.add(node, RDF.type, UNKG.LegalInstrument)
            self.add(node, UNKG.documentKind, INSTRUMENT_KINDS[RULES])
        if ref.instrument != RULES and len(title) <= 2:
            return node  # "《公约》" alone is a reference in context, not a name
        labels = {str(o) for o in self.graph.objects(node, SKOS.prefLabel)} | {
            str(o) for o in self.graph.objects(node, SKOS.altLabel)}
        if title not in labels:
            current = next(iter(self.graph.objects(node, SKOS.prefLabel)), None)
            if current is None or len(title) > len(str(current)):
                if current is not None:
                    for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
                        self.graph.remove((node, predicate, current))
                    self.add(node, SKOS.altLabel, current)
                self.add(node, SKOS.prefLabel, self.text(title))
                self.add(node, RDFS.label, self.text(title))
                if ref.instrument == RULES:  # the treaty's own graph titles the Convention
                    self.add(node, DCTERMS.title, self.text(title))
            else:
                self.add(node, SKOS.altLabel, self.text(title))
        self.derive(node, line)
        return node

    def footnote(self, mark: str) -> URIRef:
        note = self.records.footnotes[mark]
        node = URIRef(iris.footnote(self.expression, mark))
        if (node, RDF.type, UNKG.Footnote) in self.graph:
            return node
        self.add(node, RDF.type, UNKG.Footnote)
        self.add(node, UNKG.mark, Literal(mark))
        self.add(node, UNKG.text, self.text(note.text))
        self.add(node, DCTERMS.isPartOf, URIRef(self.expression))
        self.derive(node, note.line)
        pages = self.footnote_pages(mark)
        lowered = note.text.casefold()
        on_meeting_website = any(words in lowered for words in MEETING_WEBSITE)
        for page in pages:
            self.add(node, UNKG.citesWebPage, page)
            if on_meeting_website:
                self.add(self.meeting, UNKG.website, page)
                self.derive(self.meeting, note.line)
        for order, described in enumerate(f.on_website(note.text), start=1):
            self.add(node, UNKG.mentionsDocument, self.described_document(mark, order, described, pages, note.line))
        return node

    def described_document(self, mark: str, order: int, described: f.OnWebsite, pages: list[URIRef],
                           line: int) -> URIRef:
        """A document a footnote describes, with neither title nor symbol, as on this meeting's website: minted
        from the footnote that describes it (``doc/<body>-<meeting number>-footnote-<mark>-document``)."""
        body_path = self.entry.get("body").replace("/", "-")
        number = self.graph.value(self.meeting, UNKG.meetingNumber)
        suffix = f"-{order}" if order > 1 else ""
        node = URIRef(iris.document(self.base, f"{body_path}-{number}-footnote-{mark}-document{suffix}"))
        self.add(node, RDF.type, UNKG.Document)
        self.add(node, UNKG.description, self.text(described.description))
        kind = f.document_kind(described.description)
        if kind:
            self.add(node, UNKG.documentKind, UNKG[kind])
        for ref in described.meetings:
            if self.is_this_meeting(ref, line):
                self.add(node, UNKG.forMeeting, self.meeting)
        for page in pages:
            self.add(node, UNKG.publishedAt, page)
        self.derive(node, line)
        return node

    def footnote_pages(self, mark: str) -> list[URIRef]:
        note = self.records.footnotes[mark]
        pages = []
        for printed in note.urls:
            page = URIRef(web_address(printed))
            self.add(page, RDF.type, UNKG.WebPage)
            self.add(page, UNKG.printedAddress, Literal(printed))
            if str(page) != printed:  # the line that shows the scheme is named in the evidence, not derived from:
                # it does not print this page
                self.add(page, UNKG.evidence, Literal(self.scheme_evidence(printed, str(page))))
            self.derive(page, note.line)
            pages.append(page)
        return pages

    def scheme_evidence(self, printed: str, iri: str) -> str:
        """Why an address printed without a scheme is served with the one its IRI adds: the line where the same
        document links the same host with that scheme, when it does."""
        scheme, host = iri.split("://", 1)[0], iri.split("://", 1)[1].split("/", 1)[0]
        for number, line in enumerate(self.records.lines, start=1):
            for link in MARKDOWN_LINK.finditer(line):
                if link.group(2).startswith(f"{scheme}://{host}/"):
                    return (f"Printed without a scheme ({printed}); the IRI adds {scheme}://, the scheme with which "
                            f"the same document links the host {host} (line {number}: {link.group(2)})")
        return (f"Printed without a scheme ({printed}); the IRI adds {scheme}://, which the document itself does "
                f"not print for the host {host}")

