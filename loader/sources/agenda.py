"""A parser for UN annotated provisional agendas (Chinese or English plain text) into plain records.

The genre: a header (the parent body, ``Distr.: General``, the date, the language, ``Original: English``, the
body that meets, the meeting's dates and place, the document's title), the numbered provisional agenda with
lettered sub-items, the annotations item by item (paragraphs, a documentation list, footnotes), and an annex
with the proposed work programme as a tab-separated table. Every record keeps the 1-based line it came from;
:attr:`AnnotatedAgenda.lines` keeps every line verbatim for provenance. No RDF here.

Anything that cannot be read raises :class:`loader.errors.SourceError` naming the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from loader.errors import SourceError, not_text, not_utf8
from loader.sources import agenda_facts as f
from loader.sources import agenda_text as t

# Place names as printed, to a slug and the IANA time zone in which the meeting's times are local.
PLACES = {
    "维也纳": ("vienna", "Europe/Vienna"), "Vienna": ("vienna", "Europe/Vienna"),
    "纽约": ("new-york", "America/New_York"), "New York": ("new-york", "America/New_York"),
    "日内瓦": ("geneva", "Europe/Zurich"), "Geneva": ("geneva", "Europe/Zurich"),
}
LANGUAGES = {"Arabic": "ara", "Chinese": "zho", "English": "eng", "French": "fra", "Russian": "rus",
             "Spanish": "spa"}
# The organisation's name, which UN documents print at the top in the language of the version (alone, or before
# the symbol): read as neither the issuing body nor anything else
UN_NAMES = ("United Nations", "联合国", "Nations Unies", "Naciones Unidas", "Организация Объединенных Наций",
            "الأمم المتحدة")
UN_NAME = "|".join(re.escape(name) for name in UN_NAMES)
AGENDA_HEADINGS = ("临时议程", "provisional agenda")
ANNOTATION_HEADINGS = ("说明", "annotations")
DOCUMENTATION_HEADINGS = ("文件", "documentation")
ANNEX_HEADINGS = ("附件", "annex")
DATE_SHAPED = re.compile(r"\d{1,2}\s+\S+\s+\d{4}|\S+\s+\d{1,2},?\s+\d{4}|\d{4}\s*年.*日")  # a date, read or not
CONTINUED = re.compile(r"\s*(?:（续）|\(continued\))$")


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass
class Header:
    parent_body: Line | None = None
    symbol: Line | None = None
    distribution: Line | None = None  # "General"
    distributed: date | None = None
    distributed_line: int | None = None
    language: str | None = None  # ISO 639-2
    language_line: int | None = None
    original_language: str | None = None
    original_line: int | None = None
    body: Line | None = None  # the body that meets, as printed
    title: Line | None = None  # the document's title ("临时议程说明")


@dataclass(frozen=True)
class MeetingLine:
    line: int
    start: date
    end: date
    place: str  # as printed
    place_slug: str
    timezone: str


@dataclass
class Paragraph:
    line: int
    text: str  # normalised, footnote marks removed
    marks: list[str]
    facts: f.Facts


@dataclass
class DocumentationEntry:
    line: int
    order: int
    description: str
    symbols: list[str]
    hyperlink: str | None
    kind: str | None
    prepared_by: str | None
    provisions: list[f.ProvisionRef]


@dataclass
class Footnote:
    mark: str
    line: int
    text: str
    urls: list[str]


@dataclass
class Item:
    number: str
    sub: str | None
    title: str  # as listed, normalised, without the final punctuation
    line: int
    provisions: list[f.ProvisionRef] = field(default_factory=list)
    heading: str | None = None  # the heading over the annotations
    heading_line: int | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    documentation: list[DocumentationEntry] = field(default_factory=list)
    documentation_line: int | None = None
    subitems: list[Item] = field(default_factory=list)

    @property
    def notation(self) -> str:
        return f"{self.number}({self.sub})" if self.sub else self.number


@dataclass
class ProgrammeEntry:
    line: int
    item: Item
    title: str
    continuation: bool


@dataclass
class Slot:
    line: int
    day: date
    day_line: int
    start: datetime
    end: datetime | None
    entries: list[ProgrammeEntry] = field(default_factory=list)


@dataclass
class AnnotatedAgenda:
    path: Path
    language: str  # "zh" or "en": the script the text is written in
    lines: list[str]
    header: Header
    meeting: MeetingLine
    agenda_line: int
    items: list[Item]
    footnotes: dict[str, Footnote]
    programme: list[Slot]
    programme_title: Line | None = None

    def verbatim(self, line: int) -> str:
        return self.lines[line - 1]

    def all_items(self) -> list[Item]:
        return [x for item in self.items for x in (item, *item.subitems)]

    def find_item(self, number: str, sub: str | None = None) -> Item | None:
        return next((x for x in self.all_items() if x.number == number and x.sub == sub), None)


class _Parser:
    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.language = "zh" if any(re.search(r"[\u4e00-\u9fff]", x) for x in lines) else "en"

    def error(self, message: str, line: int | None = None) -> SourceError:
        return SourceError(message, path=str(self.path), line=line)

    def text(self, number: int) -> str:
        return self.lines[number - 1].strip()

    def find(self, headings: tuple[str, ...], start: int = 1) -> int | None:
        for number in range(start, len(self.lines) + 1):
            if self.text(number).casefold() in headings:
                return number
        return None

    def nonempty(self, start: int, stop: int) -> list[Line]:
        return [Line(n, self.text(n)) for n in range(start, stop) if self.text(n)]

    def norm(self, text: str) -> str:
        return t.normalise(text, self.language)

    # --- header ------------------------------------------------------------------------------------------

    def header(self, stop: int) -> tuple[Header, MeetingLine]:
        header, meeting = Header(), None
        rest: list[Line] = []
        before_distr = True
        for line in self.nonempty(1, stop):
            text = line.text
            if text.startswith("Distr.:"):
                header.distribution = Line(line.number, text.partition(":")[2].strip())
                before_distr = False
            elif text.startswith("Original:"):
                name = text.partition(":")[2].strip()
                if name not in LANGUAGES:
                    raise self.error(f"unknown original language {name!r}", line.number)
                header.original_language, header.original_line = LANGUAGES[name], line.number
            elif text in LANGUAGES:
                header.language, header.language_line = LANGUAGES[text], line.number
            elif printed := re.fullmatch(rf"(?:(?:{UN_NAME})\s+)?({t.SYMBOL_SHAPED})\*?", text):
                # a final '*' is the UN's mark of a reissued document (CTOC/COP/WG.3/2023/1*), not the symbol's
                if not t.JOINT_SYMBOL.fullmatch(printed[1]):  # once taken for the name of the issuing body
                    raise self.error(f"the document's symbol {printed[1]!r} is not a document symbol (such as "
                                     f"CTOC/COP/WG.3/2023/1) nor a joint symbol (symbols joined by '-')"
                                     f"{t.symbol_problem(printed[1])}", line.number)
                header.symbol = Line(line.number, printed[1])
            elif before_distr:
                if text in UN_NAMES:
                    continue
                if header.parent_body:  # the last line was taken, and a name wrapped over two lost its start
                    raise self.error(f"a second line before 'Distr.:', {text!r}: the issuing body's name is read "
                                     f"from one line (line {header.parent_body.number}); join a name wrapped over "
                                     "two", line.number)
                header.parent_body = Line(line.number, self.norm(text))
            elif header.distributed is None and t.EN_DATE.fullmatch(text):
                try:
                    header.distributed, header.distributed_line = t.dates_in(text)[0], line.number
                except ValueError as error:  # "31 June 2023"
                    raise self.error(str(error), line.number) from None
            elif meeting is None and (found := self.meeting_line(line)):
                meeting = found
            elif header.distributed is None and meeting is None and DATE_SHAPED.fullmatch(text):
                # a misprinted date ("14 Juin 2023") was taken for the line naming the body that meets
                raise self.error(f"cannot read the date {text!r}: a day, an English month and a year, such as "
                                 f"'14 June 2023'", line.number)
            else:
                rest.append(line)
        if meeting is None:
            raise self.error("no line with the meeting's dates and place (such as '2023年9月11日和12日，维也纳' "
                             "or 'Vienna, 11 and 12 September 2023') before the provisional agenda", stop)
        before = [x for x in rest if x.number < meeting.line]
        after = [x for x in rest if x.number > meeting.line]
        # one line names the body that meets, one after the dates gives the title: with more, which is which is not
        # written, so each candidate is named (the line reported is the first the header has no place for)
        for lines, where, holds, extra in ((before, "before", "the name of the body that meets", before[1:2]),
                                           (after, "after", "the title", after[:1])):
            if len(lines) > 1:
                named = ", ".join(f"{x.text!r} (line {x.number})" for x in lines[:-1])
                raise self.error(f"a header line the parser does not read: {_count(len(lines))} lines {where} the "
                                 f"meeting's dates and place, {named} and {lines[-1].text!r} (line "
                                 f"{lines[-1].number}): the header holds one, {holds}", extra[0].number)
        if before:
            header.body = Line(before[0].number, self.norm(before[0].text))
        if after:
            header.title = Line(after[-1].number, self.norm(after[-1].text))
        return header, meeting

    def meeting_line(self, line: Line) -> MeetingLine | None:
        text = line.text.strip("。.")
        parts = [p.strip() for p in re.split(r"[，,]\s*", text, maxsplit=1)]
        for place, when in (parts, parts[::-1]) if len(parts) == 2 else ():
            if place in PLACES:
                try:
                    t.check_weekdays(when)
                    span = t.date_range(when)
                    single = t.dates_in(when)
                except ValueError as error:
                    raise self.error(str(error), line.number) from None
                left = t.EN_DATE.sub("", t.ZH_DATE.sub("", when))  # a day the single date leaves unread
                if span is None and (not single or re.search(r"\d", left)):
                    raise self.error(f"the meeting's dates do not parse: {when!r}", line.number)
                start, end = span or (single[0], single[0])
                slug, zone = PLACES[place]
                return MeetingLine(line.number, start, end, place, slug, zone)
        return None

    # --- the agenda --------------------------------------------------------------------------------------

    def agenda(self, start: int, stop: int) -> list[Item]:
        items: list[Item] = []
        for line in self.nonempty(start, stop):
            text = line.text
            if m := re.fullmatch(r"(\d+)\.\s*(.+)", text):
                expected = len(items) + 1
                if int(m.group(1)) != expected:
                    raise self.error(f"agenda item number out of order: expected {expected}, found {m.group(1)}",
                                     line.number)
                items.append(self.item(m.group(1), None, m.group(2), line.number))
            elif m := re.fullmatch(r"(?:[-*•]\s*)?\(([a-z])\)\s*(.+)", text):
                if not items:
                    raise self.error(f"sub-item ({m.group(1)}) before any agenda item", line.number)
                parent = items[-1]
                expected = chr(ord("a") + len(parent.subitems))
                if m.group(1) != expected:
                    raise self.error(f"sub-item out of order under item {parent.number}: expected ({expected}), "
                                     f"found ({m.group(1)})", line.number)
                parent.subitems.append(self.item(parent.number, m.group(1), m.group(2), line.number))
            else:
                raise self.error(f"not an agenda item: {text[:40]!r}", line.number)
        if not items:
            raise self.error("the provisional agenda lists no items", start)
        return items

    def item(self, number: str, sub: str | None, title: str, line: int) -> Item:
        title = t.strip_final_punctuation(self.norm(title))
        self.check_brackets(title, line)
        try:
            cited = f.provisions(title)
        except ValueError as error:
            raise self.error(str(error), line) from None
        return Item(number, sub, title, line, cited)

    # --- the annotations ---------------------------------------------------------------------------------

    def annotations(self, items: list[Item], start: int, stop: int, complete: bool) -> dict[str, Footnote]:
        """The annotations from ``start`` to ``stop``; ``complete`` when an annex follows them (the text is not cut
        short inside them)."""
        footnotes: dict[str, Footnote] = {}
        current: Item | None = None
        top: Item | None = None
        in_documentation = False
        for line in self.nonempty(start, stop):
            text = line.text
            heading = re.fullmatch(r"(\d+)\.\s*(.+)", text)
            sub = re.fullmatch(r"\(([a-z])\)\s*(.+)", text)
            if "\t" in text:  # a row of the work programme: read as prose, its cells became an item's annotations
                raise self.error(f"a tab-separated table row among the annotations (is the annex heading missing?): "
                                 f"{text[:40]!r}", line.number)
            if t.FOOTNOTE_MARK.match(text):
                note = self.footnote(line)
                if note.mark in footnotes:
                    raise self.error(f"footnote {note.mark} appears twice", line.number)
                footnotes[note.mark] = note
            elif heading and self.is_heading(heading.group(2), items, heading.group(1)):
                number = heading.group(1)
                if not any(x.number == number for x in items):
                    raise self.error(f"annotations headed for item {number}, which the agenda lacks", line.number)
                if top is not None and int(number) <= int(top.number):
                    raise self.error(f"annotations for item {number} come after those for item {top.number}",
                                     line.number)
                top = current = next(x for x in items if x.number == number)
                self.set_heading(current, heading.group(2), line.number)
                in_documentation = False
            elif sub and top is not None and any(x.sub == sub.group(1) for x in top.subitems) and self.is_heading(
                    sub.group(2), top.subitems, sub.group(1)):
                current = next(x for x in top.subitems if x.sub == sub.group(1))
                self.set_heading(current, sub.group(2), line.number)
                in_documentation = False
            elif text.casefold() in DOCUMENTATION_HEADINGS:
                if current is None:
                    raise self.error("a documentation list before any item's annotations", line.number)
                in_documentation = True
                current.documentation_line = line.number
            elif current is None:
                raise self.error(f"text before the first item's annotations: {text[:40]!r}", line.number)
            elif in_documentation:
                current.documentation.append(self.documentation(line, len(current.documentation) + 1))
            else:
                current.paragraphs.append(self.paragraph(line, current))
        for item in items:
            for x in (item, *item.subitems):
                for paragraph in x.paragraphs:
                    for mark in paragraph.marks:
                        if mark not in footnotes:
                            raise self.error(f"footnote mark {mark} has no footnote text", paragraph.line)
        self.check_every_item_annotated([x for item in items for x in (item, *item.subitems)], complete)
        return footnotes

    def check_every_item_annotated(self, listed: list[Item], complete: bool) -> None:
        """Every item has its annotations under its heading: without the heading, its paragraphs and documents would
        be read as the item's above. A text cut short in the annotations (no annex after them) may lack those of
        the items after the last heading it keeps; nothing of theirs is read."""
        last = max((n for n, x in enumerate(listed) if x.heading_line), default=-1)
        for n, x in enumerate(listed):
            if x.heading_line is None and (complete or n < last):
                raise self.error(f"item {x.notation} has no annotations: its heading is missing, so what is written "
                                 f"under it would be taken for another item's", x.line)

    def is_heading(self, text: str, candidates: list[Item], key: str) -> bool:
        """``N. words`` is an item's heading when it repeats the item's title, or reads like a heading (short, no
        closing sentence punctuation); otherwise it is a numbered paragraph (English annotations number them)."""
        title = t.strip_final_punctuation(self.norm(text))
        listed = next((x.title for x in candidates if (x.sub or x.number) == key), None)
        if title == listed:
            return True
        closed = text.rstrip().endswith(("。", ".", "；", ";", "：", ":"))
        return not closed and len(title) <= 2 * len(listed or "") + 40

    def set_heading(self, item: Item, heading: str, line: int) -> None:
        item.heading = t.strip_final_punctuation(self.norm(heading))
        item.heading_line = line

    def paragraph(self, line: Line, item: Item) -> Paragraph:
        if "](" in line.text:  # a linked symbol is a documentation entry's: read as prose, its document was lost
            raise self.error(f"a link ([…](…)) in the annotations of item {item.notation}, not in a documentation "
                             f"list: is the documentation heading above it missing?", line.number)
        plain, marks = t.footnote_marks(line.text)
        marked = t.FOOTNOTE_MARK.sub(lambda m: "".join(f"⁽{t.SUPERSCRIPTS[c]}⁾" for c in m.group()), line.text)
        context = item.provisions[0] if item.provisions else None
        try:
            facts = f.facts(self.norm(marked), context)
        except ValueError as error:
            raise self.error(str(error), line.number) from None
        return Paragraph(line.number, self.norm(plain), marks, facts)

    def documentation(self, line: Line, order: int) -> DocumentationEntry:
        text = self.norm(t.footnote_marks(line.text)[0])
        hyperlink = None
        printed: tuple[int, int] | None = None  # where the entry prints its document's symbol
        if link := t.MARKDOWN_LINK.search(text):
            # an empty or "#" target is a placeholder: the source links the symbol nowhere, so no hyperlink
            # (the line itself stays in the provenance, verbatim)
            hyperlink = link.group(2) if link.group(2).strip() not in ("", "#") else None
            if hyperlink is not None and not t.ABSOLUTE_URL.fullmatch(hyperlink):
                raise self.error(f"the link's address {hyperlink!r} is not an absolute http(s) URL", line.number)
            text = text[: link.start()] + link.group(1) + text[link.end():]
            printed = (link.start(), link.start() + len(link.group(1)))  # the linked words are the symbol
        elif "](" in text:  # [words](address) whose address does not parse, such as one with a space in it
            raise self.error(f"a link that does not parse (a space in its address?): {text[text.index(']('):][:60]!r}",
                             line.number)
        elif (bracket := re.search(r"[（(]([^（）()]*)[）)]$", t.strip_final_punctuation(text))) and "/" in bracket[1]:
            printed = bracket.span(1)  # symbols have slashes; "(forthcoming)" is no symbol
        symbols: list[str] = []
        description = text
        if printed:
            symbol = text[printed[0]: printed[1]].strip()
            if not t.JOINT_SYMBOL.fullmatch(symbol):
                raise self.error(f"the documentation entry's symbol {symbol!r} is not a document symbol (such as "
                                 f"CTOC/COP/WG.3/2023/2) nor a joint symbol (symbols joined by '-')"
                                 f"{t.symbol_problem(symbol)}", line.number)
            symbols = t.split_symbols(symbol)
            description = (re.sub(r"[（(]\s*$", "", text[: printed[0]]).rstrip()
                           + text[printed[1]:].lstrip().lstrip("）)"))
        elif m := t.JOINT_SYMBOL.search(text):
            raise self.error(f"the documentation entry names {m.group()!r} outside the brackets at its end, where "
                             f"an entry prints its document's symbol", line.number)
        description = t.strip_final_punctuation(description)
        prepared = re.search(r"^(\S+?)编写的|prepared by the ([A-Z][\w ]*?)(?=\s+on\b|,|$)", description)
        try:
            cited = f.provisions(description)
        except ValueError as error:
            raise self.error(str(error), line.number) from None
        return DocumentationEntry(line.number, order, description, symbols, hyperlink, f.document_kind(description),
                                  (prepared.group(1) or prepared.group(2)) if prepared else None, cited)

    def footnote(self, line: Line) -> Footnote:
        m = t.FOOTNOTE_MARK.match(line.text)
        mark = "".join(t.SUPERSCRIPTS[c] for c in m.group())
        text = line.text[m.end():].strip()
        if not text:
            raise self.error(f"footnote {mark} has no text", line.number)
        try:
            urls = t.urls_in(text, self.language)
        except ValueError as error:
            raise self.error(str(error), line.number) from None
        return Footnote(mark, line.number, self.norm(text), urls)

    # --- the annex: the work programme -------------------------------------------------------------------

    def programme(self, agenda: AnnotatedAgenda, start: int) -> tuple[Line | None, list[Slot]]:
        lines = self.nonempty(start + 1, len(self.lines) + 1)
        title = lines[0] if lines and "\t" not in self.lines[lines[0].number - 1] else None
        rows = [x for x in lines if x is not title]
        if rows:
            rows = rows[1:]  # the column headings
        zone = ZoneInfo(agenda.meeting.timezone)
        slots: list[Slot] = []
        day: tuple[date, int] | None = None
        for line in rows:
            raw = self.lines[line.number - 1]
            if "\t" not in raw:
                raise self.error(f"expected a tab-separated row of the work programme: {line.text[:40]!r}",
                                 line.number)
            cells = [c.strip() for c in raw.split("\t")]
            if any(cells[3:]):  # a fourth cell was dropped without a word
                raise self.error(f"a work-programme row has {len(cells)} cells, not 3 (time, item, title): "
                                 f"{cells[3][:40]!r} is more than the table holds", line.number)
            when, number, title_cell = (cells + ["", ""])[:3]
            if when:
                try:
                    on = t.month_day(when, agenda.meeting.start.year)
                    at = None if on else t.time_range(when)
                except ValueError as error:
                    raise self.error(f"cannot read the date or time {when!r}: {error}", line.number) from None
                if on:
                    day = (on, line.number)
                    if number or title_cell:
                        raise self.error("a date row of the work programme also names an item", line.number)
                    continue
                if at is None:
                    raise self.error(f"cannot read the date or time {when!r}", line.number)
                if day is None:
                    raise self.error("a time slot before any date in the work programme", line.number)
                start, end = at
                begin = _time_on(day[0], start, zone)
                finish = _time_on(day[0], end, zone) if end else None
                slots.append(Slot(line.number, day[0], day[1], begin, finish))
            elif not slots:
                raise self.error("a work-programme row with no date or time above it", line.number)
            slots[-1].entries.append(self.programme_entry(agenda, line, number, title_cell))
        return title, slots

    def programme_entry(self, agenda: AnnotatedAgenda, line: Line, number: str, title: str) -> ProgrammeEntry:
        m = re.fullmatch(r"(\d+)\s*(?:\(([a-z])\))?", number)
        if m is None:
            raise self.error(f"not an agenda item number: {number!r}", line.number)
        item = agenda.find_item(m.group(1), m.group(2))
        if item is None:
            raise self.error(f"the work programme names item {number}, which the agenda lacks", line.number)
        continuation = bool(CONTINUED.search(title))
        self.check_brackets(title, line.number)
        return ProgrammeEntry(line.number, item, self.norm(CONTINUED.sub("", title)), continuation)

    def check_brackets(self, title: str, line: int) -> None:
        if bracket := t.unbalanced(title):
            raise self.error(f"the title's {bracket} is not matched: is the line cut short? {title!r}", line)


def _time_on(day: date, clock: tuple[int, int], zone: ZoneInfo) -> datetime:
    """The moment ``clock`` shows on ``day``: 24:00, midnight at the end of the day, is the next day's 00:00."""
    if clock == t.END_OF_DAY:
        day, clock = day + timedelta(days=1), (0, 0)
    return datetime(day.year, day.month, day.day, *clock, tzinfo=zone)


def _count(number: int) -> str:
    return ("two", "three", "four")[number - 2] if 2 <= number <= 4 else str(number)


def read_lines(path: Path) -> list[str]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise SourceError(f"cannot read the file: {error.strerror}", path=str(path)) from None
    except UnicodeDecodeError as error:
        raise not_utf8(error, str(path)) from None
    if problem := not_text(text, str(path)):
        raise problem
    return [line.rstrip("\r") for line in text.split("\n")]


def parse(path: str | Path) -> AnnotatedAgenda:
    """Read an annotated provisional agenda; a :class:`SourceError` naming the line when it cannot."""
    path = Path(path)
    parser = _Parser(path, read_lines(path))
    agenda_line = parser.find(AGENDA_HEADINGS)
    if agenda_line is None:
        raise parser.error("no provisional agenda found (no line '临时议程' or 'Provisional agenda')")
    notes_line = parser.find(ANNOTATION_HEADINGS, agenda_line + 1)
    if notes_line is None:
        raise parser.error("no annotations found (no line '说明' or 'Annotations' after the agenda)")
    annex_line = parser.find(ANNEX_HEADINGS, notes_line + 1)
    end = annex_line or len(parser.lines) + 1
    header, meeting = parser.header(agenda_line)
    items = parser.agenda(agenda_line + 1, notes_line)
    footnotes = parser.annotations(items, notes_line + 1, end, annex_line is not None)
    agenda = AnnotatedAgenda(path, parser.language, parser.lines, header, meeting, agenda_line, items, footnotes,
                             [])
    if annex_line:
        agenda.programme_title, agenda.programme = parser.programme(agenda, annex_line)
    return agenda
