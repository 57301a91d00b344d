"""A synthetic corpus of UN meeting documentation at any size, as N-Quads, in unkg's own model.

Document ``i`` is the Chinese annotated provisional agenda of one meeting: the meeting, its body, its agenda
with items and sub-items, annotations citing UNTOC provisions, documentation entries pointing at background
papers (some with joint symbols), the extended Bureau's decisions about it, its work programme, and a source
passage for every extracted resource, all in one named graph, shaped as ``unkg load`` makes a real agenda's
(without the manifest's evidence strings). The real UNTOC graph (built by ``loader``) comes first. Words come
from :mod:`bench.vocabulary`; numbers, dates and symbols are made up. Document ``i`` depends only on
``(seed, i)``, so a smaller corpus is a prefix of a larger one and one more document can be made for any corpus.

Run ``python -m bench.generate OUT.nq --triples 100000`` to write one.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from bench.nquads import Quads, boolean, date, decimal, en, integer, plain, timestamp, zh
from bench.vocabulary import (
    AGENDA_TITLE_ZH,
    BODY_NAMES_EN,
    BODY_NAMES_ZH,
    PROVISIONAL_AGENDA_ZH,
    VIENNA_ZH,
    WORKING_GROUP_ZH,
    Vocabulary,
    vocabulary,
)
from loader import iris
from loader.build import build_graph
from loader.manifest import read_manifest
from loader.namespaces import DEFAULT_BASE, ELI, ELI_DL, ORG, SCHEMA, UNDO, UNKG

MEETINGS_PER_BODY = 20  # one a year, 2004-2023
FIRST_YEAR = 2004
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
URL = "https://www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/constructive_dialogues/ic_2022.html"
A = str(RDF.type)
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..999 in Chinese numerals, as the agenda writes meeting numbers.

    >>> chinese_number(14), chinese_number(20), chinese_number(105), chinese_number(10)
    ('十四', '二十', '一百零五', '十')
    """
    if not 0 < n < 1000:
        raise ValueError(f"out of range: {n}")
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    text = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Meeting:
    """What document ``index`` is about; enough to compute every IRI in it."""

    index: int
    body_number: int  # the n of CTOC-COP/WG.n
    number: int
    year: int
    base: str

    @property
    def body_path(self) -> str:
        return f"CTOC-COP/WG.{self.body_number}"

    @property
    def body_iri(self) -> str:
        return iris.body(self.base, self.body_path)

    @property
    def iri(self) -> str:
        return iris.meeting(self.base, self.body_path, self.number)

    @property
    def symbol(self) -> str:
        return f"CTOC/COP/WG.{self.body_number}/{self.year}/1"

    @property
    def source_id(self) -> str:
        return f"bench-{self.symbol.replace('/', '-')}-zho"

    @property
    def graph(self) -> str:
        return iris.graph(self.base, self.source_id)

    @property
    def document(self) -> str:
        return iris.document(self.base, self.symbol)


def meeting(index: int, base: str = DEFAULT_BASE) -> Meeting:
    number = index % MEETINGS_PER_BODY + 1
    return Meeting(index, index // MEETINGS_PER_BODY + 1, number, FIRST_YEAR + number - 1, base)


def body_label(body_number: int) -> str:
    return BODY_NAMES_ZH["CTOC-COP/WG.3"] if body_number == 3 else f"{WORKING_GROUP_ZH} WG.{body_number}"


class _Doc:
    """Builds one meeting's graph; ``line`` numbers the synthetic source passages."""

    def __init__(self, m: Meeting, vocab: Vocabulary, seed: int) -> None:
        self.m, self.v, self.base = m, vocab, m.base
        self.rng = random.Random(f"{seed}:{m.index}")
        self.q = Quads(m.graph)
        self.expression = iris.expression(self.base, m.symbol, "zho")
        self.line = 0

    def add(self, s: str, p, o) -> None:
        self.q.add(s, str(p), o if not hasattr(o, "toPython") else str(o))

    def passage(self, subject: str, verbatim: str) -> None:
        self.line += self.rng.randint(1, 3)
        node = iris.passage(self.expression, self.line)
        self.add(subject, PROV.wasDerivedFrom, node)
        self.add(node, A, UNKG.SourcePassage)
        self.add(node, DCTERMS.isPartOf, self.expression)
        self.add(node, UNKG.line, integer(self.line))
        self.add(node, UNKG.verbatim, plain(verbatim))

    def label(self, subject: str, text: str, english: str | None = None) -> None:
        for p in (SKOS.prefLabel, RDFS.label):
            self.add(subject, p, zh(text))
            if english:
                self.add(subject, p, en(english))

    def build(self) -> Quads:
        self.source()
        self.bodies()
        self.meeting()
        items = self.agenda()
        self.programme(items)
        self.decisions()
        return self.q

    def source(self) -> None:
        m, base = self.m, self.base
        digest = hashlib.sha256(f"{m.symbol}:{self.rng.random()}".encode()).hexdigest()
        self.add(m.graph, A, UNKG.SourceGraph)
        self.add(m.graph, PROV.wasDerivedFrom, self.expression)
        self.add(m.graph, UNKG.sha256, plain(digest))
        self.add(m.graph, UNKG.sourceFile, plain(f"bench/synthetic/{m.source_id}.txt"))
        doc = m.document
        self.add(doc, A, UNKG.Document)
        self.add(doc, UNKG.symbol, plain(m.symbol))
        self.add(doc, UNKG.documentKind, UNKG.AnnotatedProvisionalAgenda)
        self.add(doc, A, UNDO.AnnotatedAgenda)  # as loader.build types it from the ontology's mapping
        self.add(doc, DCTERMS.title, zh(AGENDA_TITLE_ZH))
        self.add(doc, DCTERMS.date, date(f"{m.year}-06-{self.rng.randint(10, 28)}"))
        self.add(doc, UNKG.distribution, UNKG.GeneralDistribution)
        self.add(doc, UNKG.originalLanguage, LANGUAGE + "ENG")
        self.add(doc, ELI.is_realized_by, self.expression)
        self.add(doc, UNKG.forMeeting, m.iri)
        self.add(doc, DCTERMS.creator, iris.body(base, "CTOC-COP/secretariat"))
        self.passage(doc, AGENDA_TITLE_ZH)
        self.add(self.expression, A, UNKG.DocumentExpression)
        self.add(self.expression, ELI.realizes, doc)
        self.add(self.expression, ELI.language, LANGUAGE + "ZHO")
        self.add(self.expression, UNKG.sourceFile, plain(f"bench/synthetic/{m.source_id}.txt"))
        self.add(self.expression, DCTERMS.title, zh(AGENDA_TITLE_ZH))

    def bodies(self) -> None:
        base, cop = self.base, iris.body(self.base, "CTOC-COP")
        self.add(cop, A, UNKG.ConferenceOfTheParties)
        self.label(cop, BODY_NAMES_ZH["CTOC-COP"], BODY_NAMES_EN["CTOC-COP"])
        self.passage(cop, BODY_NAMES_ZH["CTOC-COP"])
        for path, cls in (("CTOC-COP/extended-bureau", UNKG.Bureau), ("CTOC-COP/secretariat", UNKG.Secretariat)):
            node = iris.body(base, path)
            self.add(node, A, cls)
            if cls == UNKG.Bureau:  # the agenda says whose Bureau it is, not whose secretariat (data/manifest.toml)
                self.add(node, ORG.unitOf, cop)
            self.label(node, BODY_NAMES_ZH[path], BODY_NAMES_EN.get(path))
            self.passage(node, BODY_NAMES_ZH[path])
        wg = self.m.body_iri
        self.add(wg, A, UNKG.WorkingGroup)
        self.add(wg, ORG.unitOf, cop)
        self.label(wg, body_label(self.m.body_number))
        self.passage(wg, body_label(self.m.body_number))
        vienna = iris.place(base, "vienna")
        self.add(vienna, A, UNKG.Place)
        self.label(vienna, VIENNA_ZH)
        self.passage(vienna, VIENNA_ZH)

    def meeting(self) -> None:
        m, rng = self.m, self.rng
        self.month, self.day = rng.choice((5, 6, 9, 10)), rng.randint(1, 27)
        start, end = f"{m.year}-{self.month:02}-{self.day:02}", f"{m.year}-{self.month:02}-{self.day + 1:02}"
        name = f"{body_label(m.body_number)}第{chinese_number(m.number)}次会议"
        self.add(m.iri, A, UNKG.Meeting)
        self.add(m.iri, A, ELI_DL.ForeseenActivity)
        self.label(m.iri, name)
        self.add(m.iri, UNKG.ofBody, m.body_iri)
        self.add(m.iri, UNKG.meetingNumber, integer(m.number))
        self.add(m.iri, ELI_DL.activity_start_date, date(start))
        self.add(m.iri, ELI_DL.activity_end_date, date(end))
        self.add(m.iri, UNKG.openingTime, timestamp(f"{start}T10:00:00+02:00"))
        self.add(m.iri, SCHEMA.location, iris.place(self.base, "vienna"))
        self.add(m.iri, UNKG.plenaryMeetingCount, integer(4))
        self.add(m.iri, UNKG.interpretationLanguageCount, integer(6))
        self.add(m.iri, UNKG.hasAgenda, iris.agenda(m.iri))
        if m.body_number % 2 == 0:  # WG.2 meets back to back with WG.1 (an earlier document), WG.4 with WG.3…
            partner = iris.meeting(self.base, f"CTOC-COP/WG.{m.body_number - 1}", m.number)
            self.add(m.iri, UNKG.heldBackToBackWith, partner)
        self.passage(m.iri, f"{name}将于 {m.year} 年 {self.month} 月 {self.day} 日上午 10 时开幕。")

    def agenda(self) -> list[tuple[str, str, str]]:
        """Items ``1``, ``1(a)``, ``1(b)``, one to four substantive items, other matters, the report."""
        m, v, rng = self.m, self.v, self.rng
        agenda = iris.agenda(m.iri)
        self.add(agenda, A, UNKG.Agenda)
        self.add(agenda, UNKG.agendaOf, m.iri)
        self.add(agenda, ELI_DL.documented_by_a_realization_of, m.document)
        self.label(agenda, PROVISIONAL_AGENDA_ZH)
        real = dict(v.items)
        articles = rng.sample(v.articles, rng.randint(1, 4))
        titles = [real["1"]] + [self.article_title(a) for a in articles] + [real["4"], real["5"]]
        items = []
        for number, title in enumerate(titles, start=1):
            item = iris.agenda_item(m.iri, str(number))
            self.item(item, agenda, str(number), str(number), title)
            self.add(agenda, ELI_DL.consists_of, item)
            items.append((item, str(number), title))
            if number == 1:
                for order, letter in enumerate("ab", start=1):
                    sub = iris.agenda_item(m.iri, "1", letter)
                    self.item(sub, agenda, f"1({letter})", f"1.{order}", real[f"1({letter})"])
                    self.add(sub, UNKG.subItemOf, item)
                    self.add(item, ELI_DL.consists_of, sub)
                    items.append((sub, f"1({letter})", real[f"1({letter})"]))
            elif number <= len(articles) + 1:
                self.substantive(item, articles[number - 2], number)
            elif number == len(titles) - 1:
                self.add(item, UNKG.expectsNoDocuments, boolean(True))
            else:
                report = iris.document(self.base, f"CTOC/COP/WG.{m.body_number}/{m.year}/{len(titles) + 2}")
                self.add(report, A, UNKG.Document)
                self.add(report, UNKG.symbol, plain(f"CTOC/COP/WG.{m.body_number}/{m.year}/{len(titles) + 2}"))
                self.add(report, UNKG.documentKind, UNKG.Report)
                self.add(report, UNKG.forMeeting, m.iri)
                self.add(item, UNKG.outcomeDocument, report)
                self.add(iris.annotation(item, 1), UNKG.mentionsDocument, report)  # "将通过一份会议报告"
                self.passage(report, title)
        return items

    def article_title(self, article) -> str:
        real = dict(self.v.items)["2"]
        return real if article.number == "27" else real.replace("第 27 条（执法合作）", f"第 {article.number} 条")

    def item(self, item: str, agenda: str, notation: str, order: str, title: str) -> None:
        self.add(item, A, UNKG.AgendaItem)
        self.add(item, UNKG.inAgenda, agenda)
        self.add(item, ELI_DL.documented_by_a_realization_of, self.m.document)
        self.add(item, SKOS.notation, plain(notation))
        self.add(item, ELI_DL.activity_order, decimal(order))
        self.add(item, UNKG.title, zh(title))
        self.passage(item, f"{notation}. {title}")
        self.annotations = self.rng.randint(1, 3)
        for order in range(1, self.annotations + 1):
            self.annotation(item, order)

    def annotation(self, item: str, order: int, cites: tuple = ()) -> str:
        node = iris.annotation(item, order)
        text = self.rng.choice(self.v.annotations)
        self.add(node, A, UNKG.Annotation)
        self.add(node, UNKG.annotationOf, item)
        self.add(node, UNKG.order, integer(order))
        self.add(node, UNKG.text, zh(text))
        self.add(item, UNKG.hasAnnotation, node)
        for provision in cites:
            self.add(node, UNKG.citesProvision, provision)
        self.passage(node, text)
        return node

    def provision(self, path) -> str:
        levels = {"article": "article", "paragraph": "paragraph", "subparagraph": "subparagraph",
                  "item": "item", "subitem": "subitem"}
        return iris.provision(self.base, "UNTOC", **{levels[level]: number for level, number in path})

    def substantive(self, item: str, article, number: int) -> None:
        """An item on one UNTOC article: the article, an annotation citing some of its parts, a paper."""
        m, rng = self.m, self.rng
        article_iri = iris.provision(self.base, "UNTOC", article=article.number)
        self.add(item, UNKG.concernsProvision, article_iri)
        parts = article.provisions
        cited = [self.provision(p) for p in rng.sample(parts, min(len(parts), rng.randint(1, 3)))]
        self.annotation(item, self.annotations + 1, tuple(cited))
        paper_number = number  # item 2 -> CTOC/COP/WG.n/YEAR/2
        symbols = [f"CTOC/COP/WG.{m.body_number}/{m.year}/{paper_number}"]
        if rng.random() < 0.25:  # a joint paper with the back-to-back working group
            symbols.append(f"CTOC/COP/WG.{m.body_number + 1}/{m.year}/{paper_number}")
        paper = iris.document(self.base, symbols[0])
        self.add(paper, A, UNKG.Document)
        for symbol in symbols:
            self.add(paper, UNKG.symbol, plain(symbol))
        description = rng.choice(self.v.documentation)
        self.add(paper, UNKG.documentKind, UNKG.BackgroundPaper)
        self.add(paper, DCTERMS.title, zh(description))
        self.add(paper, DCTERMS.creator, iris.body(self.base, "CTOC-COP/secretariat"))
        self.add(paper, UNKG.forMeeting, m.iri)
        self.add(paper, DCTERMS.subject, article_iri)
        entry = f"{item}/documentation/1"
        self.add(entry, A, UNKG.DocumentationEntry)
        self.add(entry, UNKG.refersToDocument, paper)
        self.add(entry, UNKG.description, zh(description))
        self.add(entry, UNKG.hyperlink, plain(URL))
        self.add(entry, UNKG.order, integer(1))
        self.add(item, UNKG.hasDocumentationEntry, entry)
        self.add(item, ELI_DL.based_on_a_realization_of, paper)
        self.passage(entry, f"{description}（[{'-'.join(symbols)}]({URL})）。")
        self.passage(paper, f"{description}（[{'-'.join(symbols)}]({URL})）。")

    def programme(self, items: list[tuple[str, str, str]]) -> None:
        """Two days, morning and afternoon: the items taken up in order, long ones continued."""
        m = self.m
        taken = [(i, n, t) for i, n, t in items if n != "1"]
        per_slot = max(1, -(-len(taken) // 4))
        for slot_index in range(4):
            day = self.day + slot_index // 2
            start_hour, end_hour = (10, 13) if slot_index % 2 == 0 else (15, 18)
            when = f"{m.year}-{self.month:02}-{day:02}"
            slot = iris.time_slot(m.iri, f"{when}T{start_hour}:00")
            self.add(slot, A, UNKG.TimeSlot)
            self.add(slot, UNKG.slotOf, m.iri)
            self.add(slot, UNKG.startTime, timestamp(f"{when}T{start_hour}:00:00+02:00"))
            self.add(slot, UNKG.endTime, timestamp(f"{when}T{end_hour}:00:00+02:00"))
            self.add(slot, ELI_DL.activity_date, date(when))
            self.add(m.iri, UNKG.hasTimeSlot, slot)
            self.passage(slot, f"上午 {start_hour} 时至下午 {end_hour - 12} 时" if start_hour < 12
                         else f"下午 {start_hour - 12} 时至 {end_hour - 12} 时")
            chunk = taken[slot_index * per_slot : (slot_index + 1) * per_slot] or [taken[-1]]
            for order, (item, notation, title) in enumerate(chunk, start=1):
                entry = f"{slot}/entry/{order}"
                again = slot_index > 0 and not taken[slot_index * per_slot : (slot_index + 1) * per_slot]
                self.add(entry, A, UNKG.ProgrammeEntry)
                self.add(entry, UNKG.takesUp, item)
                self.add(entry, UNKG.isContinuation, boolean(again))
                self.add(entry, ELI_DL.activity_order, decimal(str(order)))
                self.add(entry, UNKG.title, zh(title + ("（续）" if again else "")))
                self.add(slot, ELI_DL.consists_of, entry)
                self.passage(entry, f"{notation}\t{title}")

    def decisions(self) -> None:
        """The Bureau's yearly schedule (shared by every meeting that year) and this meeting's topics."""
        m, bureau = self.m, iris.body(self.base, "CTOC-COP/extended-bureau")
        schedule = iris.decision(self.base, "CTOC-COP/extended-bureau", f"{m.year - 1}-08-05")
        topics = iris.decision(self.base, "CTOC-COP/extended-bureau", f"{m.year}-04-19", m.body_number)
        for node, day, approved in ((schedule, f"{m.year - 1}-08-05", self.v.approved[-1]),
                                    (topics, f"{m.year}-04-19", self.v.approved[0])):
            self.add(node, A, UNKG.Decision)
            self.add(node, UNKG.decidedBy, bureau)
            self.add(node, DCTERMS.date, date(day))
            self.add(node, UNKG.approved, zh(approved))
            self.add(node, UNKG.concernsMeeting, m.iri)
            self.passage(node, f"扩大主席团核准了{approved}。")
        self.add(topics, ELI_DL.decision_method, UNKG.SilenceProcedure)
        item = iris.agenda_item(m.iri, "1", "b")
        self.add(iris.annotation(item, 1), UNKG.mentionsDecision, topics)


def meeting_document(index: int, seed: int = 0, base: str = DEFAULT_BASE) -> Quads:
    """The quads of document ``index`` (its own named graph)."""
    return _Doc(meeting(index, base), vocabulary(), seed).build()


def instrument_quads(base: str = DEFAULT_BASE) -> str:
    """The real UNTOC graph, built by the loader from data/sources, as N-Quads in its own named graph."""
    entry = next(e for e in read_manifest() if e.genre == "treaty")
    graph = build_graph(entry, base)
    name = f"<{iris.graph(base, entry.id)}>"
    lines = graph.serialize(format="nt").splitlines()
    return "".join(f"{line[:-1].rstrip()} {name} .\n" for line in lines if line.strip())


@dataclass(frozen=True)
class Corpus:
    path: Path
    triples: int
    documents: int  # meeting documents, not counting the UNTOC graph
    seed: int
    base: str

    def meetings(self) -> list[Meeting]:
        return [meeting(i, self.base) for i in range(self.documents)]


def document_files(directory: Path) -> list[Path]:
    """The per-document files :func:`generate` wrote, in load order (UNTOC first)."""
    return sorted(directory.glob("*.nq"))


def generate(path: Path, triples: int, seed: int = 0, base: str = DEFAULT_BASE,
             documents_dir: Path | None = None) -> Corpus:
    """Write a corpus of at least ``triples`` triples (whole documents) to ``path`` as N-Quads; with
    ``documents_dir``, also each document to a file of its own there (``00000-UNTOC.nq``, ``00001.nq``, …)."""
    if triples < 1:
        raise ValueError(f"--triples must be positive, not {triples}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if documents_dir is not None:
        documents_dir.mkdir(parents=True, exist_ok=True)
        for old in document_files(documents_dir):
            old.unlink()
    untoc = instrument_quads(base)
    written, documents = untoc.count("\n"), 0
    with path.open("w", encoding="utf-8") as out:
        out.write(untoc)
        if documents_dir is not None:
            (documents_dir / "00000-UNTOC.nq").write_text(untoc, encoding="utf-8")
        while written < triples or documents == 0:  # at least one meeting, whatever the size
            text = meeting_document(documents, seed, base).text()
            out.write(text)
            if documents_dir is not None:
                (documents_dir / f"{documents + 1:05}.nq").write_text(text, encoding="utf-8")
            written += text.count("\n")
            documents += 1
    return Corpus(path, written, documents, seed, base)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the N-Quads file to write")
    parser.add_argument("--triples", type=int, default=100_000, help="at least this many (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        corpus = generate(args.out, args.triples, args.seed)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    print(f"{corpus.path}: {corpus.triples} triples, {corpus.documents} documents + UNTOC, {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
