"""What one paragraph of an annotated agenda states, Chinese or English, as plain records: the provisions it
cites, the meetings it names, the Bureau's decisions, the opening time, the plenary meetings, the review
mechanism's clusters and thresholds, publications, meetings held back to back, a constructive dialogue and its
written summary, "no documents expected", the report to be adopted.

Each recogniser takes the paragraph's text (footnote marks replaced by ``⁽n⁾`` placeholders, see
:func:`facts`) and returns records; a phrase that looks like a fact but cannot be read raises ``ValueError``,
which the structural parser turns into a ``SourceError`` naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from loader.sources import agenda_text as t

# Instruments a provision reference can point to: key, and how a title of it ends (Chinese) or reads (English).
INSTRUMENTS: tuple[tuple[str, tuple[str, ...], re.Pattern], ...] = (
    ("UNTOC-review-mechanism-procedures-and-rules", ("程序和规则",),
     re.compile(r"[Pp]rocedures and rules(?: for the functioning of the Mechanism(?: for the Review of the "
                r"Implementation of the [A-Z][\w ]*?(?=,|\.|;|$))?)?")),
    ("UNTOC", ("公约",),
     re.compile(r"(?:United Nations )?(?:Organized Crime )?Convention(?: against Transnational Organized Crime)?")),
)

# Words that say what kind of document a title or description names (concepts of unkg:DocumentKinds).
DOCUMENT_KINDS = (
    ("DigestOfCases", ("案例摘要", "digest of cases")),
    ("BackgroundPaper", ("背景文件", "background paper")),
    ("WrittenSummary", ("书面概要", "written summary")),
    ("Report", ("报告", "report")),
    ("InformationDocument", ("资料文件", "information document", "note by the secretariat")),
)

MARK = re.compile(r"⁽(\d+)⁾")


@dataclass(frozen=True)
class ProvisionRef:
    """A cited provision: the instrument's key, its title as written, and the number path."""

    instrument: str
    instrument_title: str
    article: str | None = None
    paragraph: str | None = None
    subparagraph: str | None = None
    printed: str = ""  # the citation as written ("第53(h)段"); "" when it lists several ("第53(a)和(h)段")
    heading: str = ""  # an article's heading as the text prints it after the citation: 第27条（执法合作）


@dataclass(frozen=True)
class MeetingRef:
    """``国际合作工作组第十四次会议``: the words before the number (they end, or begin, with a body's name),
    and the number as written (``第十四次会议``, ``fourteenth meeting``)."""

    body_text: str
    number: int
    printed: str = ""


@dataclass(frozen=True)
class Decision:
    date: date
    body_text: str
    approved: str
    procedure: str | None  # "silence" when the text says so; None when it is silent
    meetings: tuple[MeetingRef, ...] = ()


@dataclass(frozen=True)
class Opening:
    meeting: MeetingRef | None
    day: date
    time: tuple[int, int]


@dataclass(frozen=True)
class Plenary:
    meetings: int
    languages: int | None
    days: int | None


@dataclass(frozen=True)
class Cluster:
    number: int
    topics: str
    planned_start: tuple[int, int] | None = None  # (year, month)


@dataclass(frozen=True)
class Threshold:
    percent: int
    provision: ProvisionRef | None


@dataclass(frozen=True)
class Publication:
    title: str
    year: int
    kind: str | None
    late_in_year: bool = False  # 年底 / "at the end of"


@dataclass(frozen=True)
class BackToBack:
    """Meetings the text says were held back to back over one span of days; the span is theirs together (the
    text gives no meeting its own dates). ``printed``: the phrase as written, from the dates on."""

    start: date
    end: date
    meetings: tuple[MeetingRef, ...]
    printed: str = ""


@dataclass(frozen=True)
class PublishedOn:
    """One place a text was published: ``审议机制的网页²`` (owner text, footnote marks), or a meeting's page."""

    owner_text: str
    marks: tuple[str, ...]
    meeting: MeetingRef | None


@dataclass(frozen=True)
class Dialogue:
    day: date
    after: tuple[MeetingRef, ...]
    summary_text: str | None  # what the summary is called: "建设性对话讨论情况书面概要"
    summary_by: str | None
    summary_rule: ProvisionRef | None
    published_on: tuple[PublishedOn, ...]


@dataclass(frozen=True)
class ReportPlan:
    drafted_by: str | None
    name: str | None = None  # what the text calls the report: "会议报告", "report"


@dataclass(frozen=True)
class OnWebsite:
    """A document the text describes, by neither title nor symbol, as available on this meeting's website: how it
    describes it (``载有…的文件``, "documentation containing …"), and the meeting it names in that description."""

    description: str
    meetings: tuple[MeetingRef, ...]


@dataclass
class Facts:
    provisions: list[ProvisionRef] = field(default_factory=list)
    meetings: list[MeetingRef] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    opening: Opening | None = None
    plenary: Plenary | None = None
    clusters: list[Cluster] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    documents: list[list[str]] = field(default_factory=list)  # cited by symbol, for a paragraph: A/78/123，第12段
    back_to_back: BackToBack | None = None
    dialogue: Dialogue | None = None
    no_documents: bool = False
    report: ReportPlan | None = None
    this_meeting: bool = False  # "本次会议", "the present meeting": the meeting the agenda is for


def document_kind(text: str) -> str | None:
    lowered = text.lower()
    for kind, words in DOCUMENT_KINDS:
        if any(word in lowered for word in words):
            return kind
    return None


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z])", text) if s.strip()]


# --- provisions --------------------------------------------------------------------------------------------

def _instrument_titles(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, key, title) of every instrument named in the text."""
    found = []
    for m in re.finditer(r"《([^》]+)》", text):
        for key, endings, _ in INSTRUMENTS:
            if m.group(1).endswith(endings):
                found.append((m.start(), m.end(), key, m.group(1)))
                break
    for key, _, pattern in INSTRUMENTS:
        for m in pattern.finditer(text):
            if not any(s <= m.start() < e for s, e, _, _ in found):
                found.append((m.start(), m.end(), key, m.group()))
    return sorted(found)


# A paragraph (or article) of a document named by its symbol, not a provision of an instrument: the reference
# printed right after the symbol ("A/78/123，第12段", "CTOC/COP/2022/9号文件第12段", "A/78/123, paragraph 12"),
# or after the bracket it is printed in alone, after the document's description ("秘书处的说明（A/78/123）第13段",
# "the note by the Secretariat (A/78/123), paragraph 13"), or right before it ("paragraph 12 of document A/78/123",
# "paragraph 12 of the note by the Secretariat (A/78/123)")
SYMBOL_THEN_REFERENCE = re.compile(r"\s*(?:号\s*)?(?:文件|决议|决定|报告)?\s*(?:[，,]\s*)?")
REFERENCE_THEN_SYMBOL = re.compile(r"\s+of\s+(?:(?:the\s+)?(?:documents?|report|resolution|decision|note)\s+)?")
REFERENCE_THEN_DESCRIBED = re.compile(r"\s+of\s+(?:(?:the|its|their)\s+)?(?:[A-Za-z][\w'’-]*\s+){1,12}?[(（]\s*")
SENTENCE_BREAK = re.compile(r"[。；;！？]|\.\s")
SPACE = re.compile(r"\s*")
CLOSERS = {close: opening for opening, close in t.BRACKETS.items()}


def _bracket_around(text: str, at: int) -> tuple[int, int | None] | None:
    """(where it opens, where it closes, None when it does not) of the innermost bracket open at ``at``; brackets
    are paired as :func:`agenda_text.unbalanced` pairs them."""
    closed_at: dict[int, int | None] = {}
    open_brackets: list[int] = []
    for n, char in enumerate(text):
        if char in t.BRACKETS:
            open_brackets.append(n)
            closed_at[n] = None
        elif char in CLOSERS and (matching := [k for k, o in enumerate(open_brackets) if text[o] == CLOSERS[char]]):
            for opened in open_brackets[matching[-1]:]:
                closed_at[opened] = n
            del open_brackets[matching[-1]:]
    around = [(o, c) for o, c in closed_at.items() if o < at and (c is None or c >= at)]
    return max(around) if around else None


# an instrument named without its title's marks: 该公约（A/RES/55/25）第27条, the Protocol (A/RES/55/25, annex II)
INSTRUMENT_WORD = re.compile(r"公约|议定书|\b(?:Convention|Protocol)\b")


def _instrument_ends(text: str, titles: list[tuple[int, int, str, str]]) -> list[tuple[int, int]]:
    """Where an instrument is named: its titles, and the words that name one without them (公约, Convention)."""
    return [(x[0], x[1]) for x in titles] + [m.span() for m in INSTRUMENT_WORD.finditer(text)]


def _right_after(text: str, at: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``at`` is where one of ``spans`` ends, but for spaces."""
    return any(end <= at and SPACE.fullmatch(text, end, at) for _, end in spans)


# a Security Council resolution's symbol is printed with the year of its adoption: S/RES/1373 (2001)
SECURITY_COUNCIL_YEAR = re.compile(r"\s*[（(]\s*\d{4}\s*[）)]")


def _printed_end(text: str, s_end: int, printed: str) -> int:
    """Where the printing of the symbol ending at ``s_end`` ends: after a final '*', the UN's mark of a reissued
    document (A/78/123*; the header reads it so, loader/sources/agenda.py), and a Security Council resolution's year.
    """
    if text.startswith("*", s_end):
        s_end += 1
    if printed.startswith("S/RES/") and (year := SECURITY_COUNCIL_YEAR.match(text, s_end)):
        return year.end()
    return s_end


def _alone_in_brackets(text: str, s_start: int, s_end: int) -> tuple[int, int] | None:
    """(where it opens, where it closes) of the bracket a symbol is printed in alone: （A/78/123）."""
    around = _bracket_around(text, s_start)
    if around and around[1] is not None and SPACE.fullmatch(text, around[0] + 1, s_start) \
            and SPACE.fullmatch(text, s_end, around[1]):
        return around[0], around[1]
    return None


def _document_of(text: str, cite: t.Citation, symbols: list[tuple[int, int, str]],
                 titles: list[tuple[int, int, str, str]], cites: list[t.Citation]) -> list[str] | None:
    """The symbols of the document whose paragraph (or article) ``cite`` is, when the text prints the reference
    right after a symbol, or after the bracket it is printed in alone when that bracket follows neither an
    instrument's title (《公约》（A/RES/55/25）第27条: the title's) nor a provision (第27条（A/78/123）第1款: whose is
    unwritten), and the reference does not name another's ("A/78/123, article 27 of the Convention"); or right
    before one, with no instrument named between; None when it does not. ValueError when that symbol is none."""
    start, end = cite.span
    ends = _instrument_ends(text, titles) + [c.span for c in cites]
    for s_start, symbol_end, printed in symbols:
        s_end = _printed_end(text, symbol_end, printed)
        bracket = _alone_in_brackets(text, s_start, s_end)
        if bracket and _right_after(text, bracket[0], ends):
            bracket = None
        after = bracket[1] + 1 if bracket else s_end
        before = (REFERENCE_THEN_SYMBOL.fullmatch(text, end, s_start) or bracket and REFERENCE_THEN_DESCRIBED.fullmatch(
            text, end, s_start)) and not any(end <= x[0] < s_start for x in titles)
        if (SYMBOL_THEN_REFERENCE.fullmatch(text, after, start) and not OWNER_AFTER.match(text, end)) or before:
            if not t.JOINT_SYMBOL.fullmatch(printed):
                raise ValueError(f"{text[start:end]!r} is printed with {printed!r} as a paragraph of that document, "
                                 f"which is no document symbol{t.symbol_problem(printed)}")
            return t.split_symbols(printed)
    return None


def _title_aside(text: str, start: int, before: int, titles: list[tuple[int, int, str, str]]) -> bool:
    """Whether the run at ``start`` is in an aside to an instrument's title: brackets opened right where the title
    ends and closed before ``before`` (《公约》（A/RES/55/25，附件一）第27条). Other brackets are no aside that leaves
    the title's reference alone: in 秘书处的说明（A/78/123）第13段 the bracket names the note."""
    around = _bracket_around(text, start)
    return bool(around and around[1] is not None and around[1] < before
                and _right_after(text, around[0], _instrument_ends(text, titles)))


def _named_between(text: str, cite: t.Citation, symbols: list[tuple[int, int, str]], after: int,
                   titles: list[tuple[int, int, str, str]]) -> str | None:
    """A symbol printed after ``after`` and before ``cite`` in its sentence, not in an aside to an instrument's
    title: the reference may be that document's paragraph as well as the instrument's, and the text does not say
    which."""
    for s_start, s_end, printed in symbols:
        if (after <= s_start and s_end <= cite.start and not SENTENCE_BREAK.search(text, s_end, cite.start)
                and not _title_aside(text, s_start, cite.start, titles)):
            return printed
    return None


# A paragraph (or article) of a resolution or decision named by its number, not by a symbol: 大会第55/25号决议,
# 第2/1号决定, "General Assembly resolution 55/25", "decision 3/2", a Security Council's "resolution 1373 (2001)",
# a special session's "resolution S-26/2"; a list of them is one run (第55/25号和第55/255号决议)
RESOLUTION_NUMBER = r"(?:[A-Z]{1,2}-)?\d+\s*(?:/\s*\d+|[（(]\s*\d{4}\s*[）)])"
ZH_RESOLUTION = re.compile(rf"(?<![A-Za-z0-9/.-])第?\s*{RESOLUTION_NUMBER}\s*号(?:\s*[和及、]\s*第?\s*"
                           rf"{RESOLUTION_NUMBER}\s*号)*\s*(?:决议|决定)")
EN_RESOLUTION = re.compile(rf"\b(?i:resolutions?|decisions?)\s+{RESOLUTION_NUMBER}(?:\s*(?:,\s*(?:and\s+)?|and\s+)"
                           rf"{RESOLUTION_NUMBER})*")
# the reference printed right after it, or after its annex ("第8/2号决议第3段", "第8/2号决议的第3段", "第5/5号决议附件
# 第3段", "resolution 5/5, paragraph 3") or right before it, of it, its annex or the body that adopted it ("paragraph 3
# of its resolution 8/2", "paragraph 2 of General Assembly resolution 55/25", "paragraph 3 of the annex to resolution
# 5/5", "paragraph 4 of Conference of the Parties decision 3/2")
RESOLUTION_THEN_REFERENCE = re.compile(rf"\s*(?:[，,]\s*|的\s*)?(?:附件\s*(?:{t.CN_NUMERAL})?\s*(?:[，,]\s*|的\s*)?)?")
REFERENCE_THEN_RESOLUTION = re.compile(r"\s+of\s+(?:the\s+annex(?:\s+[IVX]+)?\s+to\s+)?(?:(?:the|its|their)\s+)?"
                                       r"(?:[A-Z][\w-]*\s+(?:(?:and|of|on|for|the)\s+)*)*")
# an English reference that names whose it is itself, after it: "resolution 5/5, article 27 of the Convention",
# "A/78/123, article 27, paragraph 1, of the Convention" (UN style puts a comma before "of")
OWNER_AFTER = re.compile(r",?\s+of\s")


def resolutions_by_number(text: str) -> list[tuple[int, int, str]]:
    """(start, end, printed) of each resolution or decision the text names by its number, in order.

    >>> resolutions_by_number("大会第55/25号决议第2段；paragraph 4 of decision 3/2; A/RES/55/25号决议")
    [(2, 11, '第55/25号决议'), (30, 42, 'decision 3/2')]
    """
    found = [(m.start(), m.end(), m.group()) for pattern in (ZH_RESOLUTION, EN_RESOLUTION)
             for m in pattern.finditer(text)]
    return sorted(found)


# in English, the reference printed after the body that adopted it or its annex, and a comma ("decision 5/5 of the
# Conference, paragraph 3", "resolution 55/25, annex I, article 3")
EN_RESOLUTION_THEN_REFERENCE = re.compile(r"(?:\s+of\s+(?:the\s+)?[A-Z][\w-]*(?:\s+(?:(?:and|of|on|for|the)\s+)*"
                                          r"[A-Z][\w-]*)*)?(?:\s*,\s*annex(?:\s+[IVX]+)?)?\s*,\s*")


def _resolution_of(text: str, cite: t.Citation, resolutions: list[tuple[int, int, str]],
                   titles: list[tuple[int, int, str, str]]) -> str | None:
    """The resolution or decision, as printed, whose paragraph (or article) ``cite`` is, when the text prints the
    reference right after it, its annex or the body that adopted it (and the reference does not name another's:
    "article 27 of the Convention"; no instrument is named between) or right
    before it (with no instrument named between); None when it does not."""
    start, end = cite.span
    for r_start, r_end, printed in resolutions:
        after = RESOLUTION_THEN_REFERENCE.fullmatch(text, r_end, start) or (
            EN_RESOLUTION_THEN_REFERENCE.fullmatch(text, r_end, start)
            and not any(r_end <= x[0] < start for x in titles))
        if (after and not OWNER_AFTER.match(text, end)) or (
                REFERENCE_THEN_RESOLUTION.fullmatch(text, end, r_start)
                and not any(end <= x[0] < r_start for x in titles)):
            return printed
    return None


def _part_of(printed: str) -> str:
    """What a resolution or decision named by number is called in a message: "the resolution", "the decision"."""
    return "the decision" if re.search(r"决定|decision", printed, re.I) else "the resolution"


# what joins a reference to the one before it in a list written in full: 第12段和第13段, 第12段、第13段, "paragraph 12
# and paragraph 13", a comma ("第12段，第13段", "paragraph 12, paragraph 13"); only between references of one kind
# (:func:`_joined`): a comma also ends a clause (第12段，第27条规定…), and 和 may join a document's paragraph to an
# instrument's article
LIST_JOINER = re.compile(r"\s*(?:[和及与或、]|,?\s+(?:and|or)\b|[，,]\s*(?:(?:and|or)\b|[和及与或]))\s*")
COMMA_JOINER = re.compile(r"\s*[，,]\s*")


def _joined(text: str, previous: t.Citation, cite: t.Citation) -> bool:
    """Whether ``cite`` is printed right after ``previous`` in one list: joined by only a list's joiner, and of the
    same kind (paragraphs, or articles): "第12段和第27条" may join a document's paragraph to the Convention's
    article."""
    gap = (previous.span[1], cite.span[0])
    same_kind = (previous.article is None) == (cite.article is None)
    return gap[0] <= gap[1] and same_kind and bool(LIST_JOINER.fullmatch(text, *gap)
                                                  or COMMA_JOINER.fullmatch(text, *gap))


def _listed_after(text: str, previous: t.Citation, cite: t.Citation) -> bool:
    """Whether ``cite`` is printed in a list after ``previous`` (:func:`_joined`) and does not name whose it is
    itself ("…, paragraph 12, and paragraph 3 of the Convention")."""
    return _joined(text, previous, cite) and not OWNER_AFTER.match(text, cite.span[1])


def _owners(text: str, cites: list[t.Citation],
            titles: list[tuple[int, int, str, str]]) -> list[list[str] | str | None]:
    """Whose each reference is when it is no provision: a document's symbols (:func:`_document_of`), a resolution's
    number as printed (:func:`_resolution_of`), or, listed after a reference of either (:func:`_listed_after`), the
    same one's (CTOC/COP/2022/9，第12段和第13段; 大会第55/25号决议第2段和第3段); None for a provision."""
    symbols = t.symbols_in_prose(text)
    resolutions = resolutions_by_number(text)
    owners: list[list[str] | str | None] = []
    for n, cite in enumerate(cites):
        owner = _document_of(text, cite, symbols, titles, cites) or _resolution_of(text, cite, resolutions, titles)
        if owner is None and n and owners[-1] is not None and _listed_after(text, cites[n - 1], cite):
            owner = owners[-1]
        owners.append(owner)
    for n in range(len(cites) - 2, -1, -1):  # "article 12 and article 13 of document X": the owner printed after
        if (owners[n] is None and owners[n + 1] is not None and OWNER_AFTER.match(text, cites[n + 1].span[1])
                and _joined(text, cites[n], cites[n + 1])):
            owners[n] = owners[n + 1]
    return owners


def cited_documents(text: str) -> list[list[str]]:
    """The documents, each as its symbols, whose paragraphs (or articles) the text cites by symbol, in order."""
    found: list[list[str]] = []
    for document in _owners(text, t.citations(text), _instrument_titles(text)):
        if isinstance(document, list) and document not in found:
            found.append(document)
    return found


def _unwritten(text: str, cite: t.Citation, named: str, part_of: str, instrument: str) -> ValueError:
    """The error for a reference printed after both an instrument and what ``named`` names: whose it is is unwritten."""
    return ValueError(f"{text[cite.span[0]:cite.span[1]]!r} is printed after {named}, and after the instrument "
                      f"{instrument}: whether it cites a part of {part_of} or a provision of the instrument is not "
                      "written")


def provisions(text: str, context: ProvisionRef | None = None) -> list[ProvisionRef]:
    """The provisions cited, each with the instrument named nearest before it (or, in English, right after it:
    ``article 27 of the Convention``); ``context`` stands in when the text names none. A paragraph printed with a
    document's symbol (``A/78/123，第12段``) is that document's, not a provision (see :func:`cited_documents`); one
    printed with a resolution or decision named by its number (``大会第55/25号决议第2段``) is that resolution's, and
    not cited: the model has no resource for it (its symbol is not printed). ValueError when a symbol, or a
    resolution's number, printed between the instrument and the reference leaves whose it is unwritten.
    """
    titles = _instrument_titles(text)
    symbols = t.symbols_in_prose(text)
    resolutions = resolutions_by_number(text)
    refs = []
    cites = t.citations(text)
    for cite, owner in zip(cites, _owners(text, cites, titles), strict=True):
        if owner is not None:
            continue
        following = [x for x in titles if 0 <= x[0] - cite.start <= 60 and text[cite.start:x[0]].count(" of ")]
        preceding = [x for x in titles if x[1] <= cite.start]
        chosen = following[0] if following else (preceding[-1] if preceding else None)
        if chosen is None and context is None:
            raise ValueError(f"a provision is cited ({text[cite.start:cite.start + 20]}…) but no instrument "
                             "is named before it")
        if not following:
            after = chosen[1] if chosen else 0
            instrument = (f"named before it, {chosen[3]!r}" if chosen
                          else f"the item is about, {context.instrument_title!r}")
            if between := _named_between(text, cite, symbols, after, titles):
                raise _unwritten(text, cite, f"the document {between}", "the document", instrument)
            if between := _named_between(text, cite, resolutions, after, titles):
                raise _unwritten(text, cite, between, _part_of(between), instrument)
        key, title = (chosen[2], chosen[3]) if chosen else (context.instrument, context.instrument_title)
        if key == "UNTOC" and cite.article is None:
            raise ValueError(f"paragraph {cite.paragraph} is cited without an article of the Convention")
        refs.append(ProvisionRef(key, title, cite.article, cite.paragraph, cite.subparagraph, cite.printed,
                                cite.heading))
    return refs


# --- meetings ----------------------------------------------------------------------------------------------

# the meeting the agenda is for, unnamed: "本次会议" (an agenda's own term: other bodies' are 届会), "the present
# meeting"; not "the current session of the General Assembly", nor "the present meeting of the Commission"
THIS_MEETING = re.compile(r"本次会议|\bthe\s+(?:present|current)\s+meeting\b(?!\s+of\b)", re.I)


def mentions_this_meeting(text: str) -> bool:
    """Whether the text speaks of the meeting the agenda is for without naming it.

    >>> [mentions_this_meeting(t) for t in ("根据本次会议可用的会议服务", "大会本届会议通过的决议",
    ...     "services available for the present meeting", "at the current meeting of the Commission",
    ...     "adopted at the current session of the General Assembly")]
    [True, False, True, False, False]
    """
    return bool(THIS_MEETING.search(text))


ZH_MEETING = re.compile(rf"((?:(?!第)[\u4e00-\u9fff])+)第\s*({t.CN_NUMERAL}|\d+)\s*次会议")
_EN_NAME = r"[A-Z][\w.-]*(?:\s+(?:on|of|for|against|[A-Z][\w.-]*))*"
EN_MEETING = re.compile(rf"\b({t.EN_ORDINAL})\s+meetings?\s+of\s+the\s+({_EN_NAME})((?:,?\s+and\s+of\s+the\s+"
                        rf"{_EN_NAME})*)")


def meetings(text: str) -> list[MeetingRef]:
    found = []
    for m in ZH_MEETING.finditer(text):
        printed = t.normalise_zh(text[m.end(1):m.end()])
        found.append((m.start(), MeetingRef(m.group(1), t.chinese_number(m.group(2)), printed)))
    for m in EN_MEETING.finditer(text):
        try:
            number = t.ordinal_number(m.group(1))
        except ValueError:
            continue
        printed = re.sub(r"meetings\b", "meeting", f"{m.group(1)} meetings")
        found.append((m.start(), MeetingRef(m.group(2).rstrip("."), number, printed)))
        for other in re.findall(rf"and\s+of\s+the\s+({_EN_NAME})", m.group(3)):
            found.append((m.start(), MeetingRef(other.rstrip("."), number, printed)))
    return [ref for _, ref in sorted(found, key=lambda pair: pair[0])]


# --- the recognisers, one per kind of statement ------------------------------------------------------------

ZH_DECISION = re.compile(r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*，\s*([^，。]*?主席团)(以默许程序)?\s*核准了"
                         r"([^。]+)")
EN_DECISION = re.compile(r"On\s+(\d{1,2}\s+[A-Z][a-z]+\s+\d{4}),\s+the\s+([^,]*?[Bb]ureau(?:\s+of\s+the\s+[^,]+?)?),?"
                         r"\s+(?:by\s+(silence)\s+procedure,?\s+)?approved,?\s+(?:by\s+(silence)\s+procedure,?\s+)?"
                         r"(.+?)\.(?=\s|$)")


def decisions(text: str) -> list[Decision]:
    found = []
    for m in ZH_DECISION.finditer(text):
        day = t.dates_in(m.group(1))[0]
        approved = MARK.sub("", m.group(4)).strip()
        found.append(Decision(day, m.group(2), approved, "silence" if m.group(3) else None,
                              tuple(meetings(approved))))
    for m in EN_DECISION.finditer(text):
        day = t.dates_in(m.group(1))[0]
        approved = MARK.sub("", m.group(5)).strip()
        procedure = "silence" if (m.group(3) or m.group(4)) else None
        found.append(Decision(day, m.group(2), approved, procedure, tuple(meetings(approved))))
    return found


# a time of day the clock times of agenda_text do not read: 10:00, 上午十时 (an hour in Chinese numerals)
UNREAD_TIME = re.compile(r"\d{1,2}\s*[:：]\s*\d{2}|[〇零一二两三四五六七八九十]+\s*[时点]")


def opening(text: str) -> Opening | None:
    for sentence in sentences(text):
        if "开幕" not in sentence and not re.search(r"\bwill (?:be )?open", sentence):
            continue
        days, time = t.dates_in(sentence), t.time_in(sentence)
        if days and time is None and (unread := UNREAD_TIME.search(sentence)):
            raise ValueError(f"the opening's time is printed as {unread[0]!r}, which is not read here (上午 10 时, "
                             "10 a.m.): it would be left out")
        if days and time:
            refs = meetings(sentence)
            return Opening(refs[0] if refs else None, days[0], time)
    return None


ZH_PLENARY = re.compile(rf"(?:在\s*({t.CN_NUMERAL}|\d+)\s*天内)?举行\s*({t.CN_NUMERAL}|\d+)\s*次(?:配有[^。]*?"
                        rf"({t.CN_NUMERAL}|\d+)\s*种正式语文口译的)?全体会议")
EN_PLENARY = re.compile(r"\b(\w+)\s+plenary\s+meetings(?:[^.]*?\ball\s+(\w+)\s+official\s+languages)?"
                        r"(?:[^.]*?\bover\s+(\w+)\s+days)?")


def plenary(text: str) -> Plenary | None:
    if m := ZH_PLENARY.search(text):
        days, count, languages = m.groups()
    elif m := EN_PLENARY.search(text):
        count, languages, days = m.groups()
    else:
        return None
    return Plenary(t.count_number(count), t.count_number(languages) if languages else None,
                   t.count_number(days) if days else None)


ZH_CLUSTER_ON = re.compile(rf"关于([^，。]+?)的第({t.CN_NUMERAL})个专题分类")
ZH_CLUSTER_PAREN = re.compile(rf"第({t.CN_NUMERAL})个专题分类（([^）]+)）")
ZH_PLANNED = re.compile(r"计划于\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*开始")
EN_CLUSTER_ON = re.compile(rf"\b({t.EN_ORDINAL})\s+thematic\s+cluster,?\s+on\s+([^,.;]+(?:,\s+[^,.;]+?)*?)"
                           r"(?=,\s+was|,\s+is|\s+was|\s+is|[.;])")
EN_CLUSTER_PAREN = re.compile(rf"\b({t.EN_ORDINAL})\s+thematic\s+cluster\s+\(([^)]+)\)")
EN_PLANNED = re.compile(rf"(?:scheduled|planned)\s+to\s+(?:start|begin)\s+in\s+({t._MONTH})\s+(\d{{4}})")


def clusters(text: str) -> list[Cluster]:
    found = []
    for sentence in sentences(text):
        planned = None
        if m := ZH_PLANNED.search(sentence):
            planned = (int(m.group(1)), int(m.group(2)))
        elif m := EN_PLANNED.search(sentence):
            planned = (int(m.group(2)), t.month_number(m.group(1)))
        for pattern, number_first in ((ZH_CLUSTER_ON, False), (ZH_CLUSTER_PAREN, True), (EN_CLUSTER_ON, True),
                                      (EN_CLUSTER_PAREN, True)):
            for m in pattern.finditer(sentence):
                number, topics = m.groups() if number_first else m.groups()[::-1]
                found.append(Cluster(t.ordinal_number(number), topics.strip(), planned))
                planned = None
    return found


def thresholds(text: str, context: ProvisionRef | None) -> list[Threshold]:
    found = []
    for sentence in sentences(text):
        for m in re.finditer(r"(\d+)\s*(?:%|per\s+cent)", sentence):
            cited = [p for p in provisions(sentence, context) if p.instrument != "UNTOC"]
            found.append(Threshold(int(m.group(1)), cited[0] if cited else None))
    return found


ZH_PUBLICATION = re.compile(r"(\d{4})\s*年\s*(底)?\s*出版的《([^》]+)》")
_EN_TITLE = r"[A-Z][\w-]*(?:\s+(?:of|on|in|for|the|and|against|as|a|[A-Z][\w-]*))*"
EN_PUBLICATION = re.compile(rf"\b(?:The|the)\s+({_EN_TITLE}),?\s+published"
                            r"\s+(?:(?:at\s+)?the\s+(end)\s+of|in)\s+(\d{4})")


def publications(text: str) -> list[Publication]:
    found = [Publication(m.group(3), int(m.group(1)), document_kind(m.group(3)), bool(m.group(2)))
             for m in ZH_PUBLICATION.finditer(text)]
    found += [Publication(m.group(1), int(m.group(3)), document_kind(m.group(1)), bool(m.group(2)))
              for m in EN_PUBLICATION.finditer(text)]
    return found


def back_to_back(text: str) -> BackToBack | None:
    for sentence in sentences(text):
        at = max(sentence.find("衔接举行"), sentence.find("back to back"))
        if at < 0:
            continue
        end = sentence.find("结束后")
        segment = sentence[:end] if end > 0 else sentence[: at + 60]
        span = t.date_range(segment)
        refs = tuple(meetings(segment))
        if span is None or len(refs) < 2:
            raise ValueError("meetings are said to be held back to back, but their dates or the meetings are "
                             "not written")
        first = min((m.start() for m in (t.ZH_RANGE.search(segment), t.EN_RANGE.search(segment)) if m), default=0)
        return BackToBack(span[0], span[1], refs, segment[first:].strip())
    return None


ZH_DIALOGUE = re.compile(r"于\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:星期.)?\s*举行了建设性对话")
EN_DIALOGUE = re.compile(r"constructive\s+dialogue\s+was\s+held\s+on\s+(?:[A-Z][a-z]+,\s+)?"
                         r"(\d{1,2}\s+[A-Z][a-z]+\s+\d{4})")
ZH_SUMMARY = re.compile(r"([^，。]*书面概要)由([^，。]+?)编写")
EN_SUMMARY = re.compile(r"\b(?:a|the)\s+(written\s+summary[^.]*?)\s+(?:was|has\s+been)\s+prepared\s+by\s+the\s+"
                        r"([A-Z][\w ]*?)(?=,|\s+and\b|\.)")
ZH_PUBLISHED = re.compile(r"发布在([^。]+?)上")
# what joins the places a summary was published on: 和, 以及, "and"; not a bare 及, which names use (the review
# mechanism's: 联合国打击跨国有组织犯罪公约及其各项议定书实施情况审议机制; 埃及)
PLACES_JOINER = re.compile(r"以及|和|\s+and\s+")
EN_PUBLISHED = re.compile(r"published\s+on\s+([^.]+)")


def dialogue(text: str, context: ProvisionRef | None) -> Dialogue | None:
    m = ZH_DIALOGUE.search(text) or EN_DIALOGUE.search(text)
    if m is None:
        return None
    day = t.dates_in(m.group(1))[0]
    sentence = next(s for s in sentences(text) if m.group(1) in s)
    joint = back_to_back(sentence)
    after = joint.meetings if joint and ("结束后" in sentence or re.search(r"\b[Aa]fter\b", sentence)) else ()
    summary = ZH_SUMMARY.search(sentence) or EN_SUMMARY.search(sentence)
    rules = [p for p in provisions(sentence, context) if p.instrument != "UNTOC"]
    published = ZH_PUBLISHED.search(sentence) or EN_PUBLISHED.search(sentence)
    places = []
    for part in PLACES_JOINER.split(published.group(1)) if published else ():
        refs = meetings(MARK.sub("", part))
        places.append(PublishedOn(MARK.sub("", part).strip(), tuple(MARK.findall(part)), refs[0] if refs else None))
    return Dialogue(day, after, summary.group(1).strip() if summary else None,
                    summary.group(2).strip() if summary else None, rules[0] if rules else None, tuple(places))


ZH_NO_DOCUMENTS = re.compile(r"预期不会有任何[^。]*文件|不会有任何关于本项目的文件")
EN_NO_DOCUMENTS = re.compile(r"\bno\s+(?:documents?|documentation)\s+(?:is|are)\s+(?:currently\s+)?expected",
                             re.IGNORECASE)
ZH_REPORT = re.compile(r"通过一份([^。]*?报告)")
EN_REPORT = re.compile(r"\badopt\s+a\s+(report)\b", re.IGNORECASE)
ZH_DRAFTED = re.compile(r"报告草稿将由([^，。]+?)编写")
EN_DRAFTED = re.compile(r"draft\s+of\s+which\s+will\s+be\s+prepared\s+by\s+the\s+([A-Z][\w ]*?)(?=[,.])")


def report(text: str) -> ReportPlan | None:
    """The report the meeting is to adopt, named as the text names it.

    >>> report("工作组将通过一份会议报告，报告草稿将由秘书处编写。")
    ReportPlan(drafted_by='秘书处', name='会议报告')
    """
    adopted = ZH_REPORT.search(text) or EN_REPORT.search(text)
    if not adopted:
        return None
    drafted = ZH_DRAFTED.search(text) or EN_DRAFTED.search(text)
    return ReportPlan(drafted.group(1).strip() if drafted else None, adopted.group(1))


ZH_ON_WEBSITE = re.compile(r"(载有[^，。]*?的文件)可在本次会议(?:的)?网站(?:上)?查阅")
EN_ON_WEBSITE = re.compile(r"\b((?:[Dd]ocumentation|[Dd]ocuments)\s+containing\s+[^.]*?)\s+(?:is|are|will\s+be)\s+"
                           r"available\s+on\s+the\s+(?:website\s+of\s+the\s+meeting|meeting(?:'s)?\s+website)")


def on_website(text: str) -> list[OnWebsite]:
    """Documents described, not named, as available on this meeting's website (a footnote's usual sentence).

    >>> [(d.description, [m.number for m in d.meetings]) for d in on_website(
    ...     "载有国际合作工作组第十四次会议工作安排细节的文件可在本次会议网站查阅，网址为：www.unodc.org/x。")]
    [('载有国际合作工作组第十四次会议工作安排细节的文件', [14])]
    >>> [(d.description, [m.number for m in d.meetings]) for d in on_website(
    ...     "Documentation containing details of the organization of work of the fourteenth meeting of the Working "
    ...     "Group on International Cooperation is available on the website of the meeting at www.unodc.org/x.")]
    [('Documentation containing details of the organization of work of the fourteenth meeting of the Working \
Group on International Cooperation', [14])]
    """
    found = []
    for pattern in (ZH_ON_WEBSITE, EN_ON_WEBSITE):
        for match in pattern.finditer(text):
            found.append(OnWebsite(match.group(1), tuple(meetings(match.group(1)))))
    return found


def facts(text: str, context: ProvisionRef | None = None) -> Facts:
    """Everything one paragraph states. ``text``: footnote marks as ``⁽n⁾``; ``context``: the instrument the
    item is about, for a bare ``article 27``.
    """
    plain = MARK.sub("", text)
    t.check_weekdays(plain)
    cited = provisions(plain, context)
    rule_context = next((p for p in cited if p.instrument != "UNTOC"), None)
    return Facts(
        provisions=cited,
        meetings=meetings(plain),
        decisions=decisions(text),
        opening=opening(plain),
        plenary=plenary(plain),
        clusters=clusters(plain),
        thresholds=thresholds(plain, rule_context),
        publications=publications(plain),
        documents=cited_documents(plain),
        back_to_back=back_to_back(plain),
        dialogue=dialogue(text, rule_context),
        no_documents=bool(ZH_NO_DOCUMENTS.search(plain) or EN_NO_DOCUMENTS.search(plain)),
        report=report(plain),
        this_meeting=mentions_this_meeting(plain),
    )
