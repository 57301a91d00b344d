"""Treaty texts as Markdown (the genre of ``data/sources/untoc/UNTOC.en.md``) to plain records.

The genre: a ``####Title`` first line; ``### Article  N`` headings, each followed by a ``####Heading`` line
(optional); numbered
paragraphs ``1.   ...``; lettered subparagraphs ``a) ...``; roman items ``(i) ...``; lettered sub-items
``a. ...`` below items. An article without numbered paragraphs keeps its text on the article, and may have
subparagraphs directly (a definitions article). A paragraph line may follow a subparagraph line with no blank
line between. Text before the first article is a preamble; the closing formula (``IN WITNESS WHEREOF, ...``)
and what follows it is the closing. Anything else the parser cannot place is a :class:`SourceError`
naming the file and line.

>>> text = "####A Convention\\n\\n### Article  1\\n\\n####Purpose\\n\\n1.   To cooperate:\\n\\na) closely;\\n"
>>> treaty = parse_text(text, "t.md")
>>> treaty.title, [a.heading for a in treaty.articles]
('A Convention', ['Purpose'])
>>> paragraph = treaty.articles[0].parts[0]
>>> paragraph.level, paragraph.number, paragraph.text, paragraph.parts[0].path
('paragraph', '1', 'To cooperate:', ('1', '1', 'a'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from loader.errors import SourceError, not_text, not_utf8

LEVELS = ("article", "paragraph", "subparagraph", "item", "subitem")

_TITLE = re.compile(r"####\s*(?P<text>\S.*?)\s*")
_ARTICLE = re.compile(r"###\s+Article\s+(?P<number>\d+)\s*")
_PARAGRAPH = re.compile(r"(?P<number>\d+)\.\s+(?P<text>.*?)\s*")
_SUBPARAGRAPH = re.compile(r"(?P<number>[a-z])\)(?:\s+(?P<text>.*?))?\s*")
_ITEM = re.compile(r"\((?P<number>[ivxlc]+)\)\s*(?P<text>.*?)\s*")
_SUBITEM = re.compile(r"(?P<number>[a-z])\.\s+(?P<text>.*?)\s*")

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


@dataclass(frozen=True)
class Passage:
    """One line of the source file: its 1-based number and its text exactly as in the file."""

    line: int
    verbatim: str


@dataclass
class Provision:
    """An article, paragraph, subparagraph, item or sub-item, with its own text and its parts in order.

    ``path`` is the numbers from the article down (``("27", "1", "a")``) and ``levels`` their levels
    (``("article", "paragraph", "subparagraph")``; art. 2(a) is ``("article", "subparagraph")``);
    ``passages`` every line the provision was read from (its number line, and for an article its heading and
    text lines).
    """

    level: str
    number: str
    path: tuple[str, ...]
    levels: tuple[str, ...]
    text: str = ""
    heading: str = ""
    passages: list[Passage] = field(default_factory=list)
    parts: list[Provision] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.passages[0].line

    def walk(self):
        """This provision and all its parts, depth first, in document order."""
        yield self
        for part in self.parts:
            yield from part.walk()


@dataclass
class Treaty:
    """A treaty text: its title (from the first line), its articles, and any preamble and closing lines."""

    path: str
    title: str
    title_passage: Passage
    articles: list[Provision] = field(default_factory=list)
    preamble: list[Passage] = field(default_factory=list)
    closing: list[Passage] = field(default_factory=list)

    def provisions(self):
        """Every provision of the treaty in document order."""
        for article in self.articles:
            yield from article.walk()


def parse(path: str | Path) -> Treaty:
    """Read a treaty file; a :class:`SourceError` naming the file (and line) if it cannot be read."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark is not part of the title; bytes, so
        # no newline translation makes a lone carriage return a line break
    except OSError as error:
        raise SourceError(f"cannot read the treaty text: {error.strerror}", path=str(path)) from None
    except UnicodeDecodeError as error:
        raise not_utf8(error, str(path)) from None
    if problem := not_text(text, str(path)):
        raise problem
    return parse_text(text, str(path))


def parse_text(text: str, path: str) -> Treaty:
    return _Reader(path).read(split_lines(text))


def split_lines(text: str) -> list[str]:
    """The lines as an editor numbers them, and as the agenda parser reads them: split at line feeds only (with
    carriage returns before them dropped), not also at the form feed, U+2028 and others ``str.splitlines`` takes."""
    return [line.rstrip("\r") for line in text.split("\n")]


def roman_value(numeral: str) -> int:
    """``"iv"`` -> 4; the value of a lower-case roman numeral.

    >>> [roman_value(n) for n in ("i", "ii", "iv", "ix", "xiv")]
    [1, 2, 4, 9, 14]
    """
    total = 0
    for here, after in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN[here]
        total += -value if after != " " and _ROMAN[after] > value else value
    return total


def _next_expected(level: str, previous: str | None) -> str:
    """The number the next provision of ``level`` must carry after ``previous`` (None: the first one)."""
    if level in ("article", "paragraph"):
        return str(int(previous) + 1) if previous else "1"
    if level == "item":
        return _roman(roman_value(previous) + 1) if previous else "i"
    return chr(ord(previous) + 1) if previous else "a"


def _roman(value: int) -> str:
    numerals = (("c", 100), ("xc", 90), ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4),
                ("i", 1))
    out = ""
    for numeral, worth in numerals:
        while value >= worth:
            out += numeral
            value -= worth
    return out


def _describe(provision: Provision) -> str:
    """``subparagraph b) of paragraph 1 of article 5``: how an error message names a provision."""
    names = {"article": "article {}", "paragraph": "paragraph {}", "subparagraph": "subparagraph {})",
             "item": "item ({})", "subitem": "sub-item {}."}
    steps = [names[level].format(number) for level, number in zip(provision.levels, provision.path, strict=True)]
    return " of ".join(reversed(steps))


class _Reader:
    """Reads lines in order, keeping the innermost open provision at each level."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.treaty: Treaty | None = None
        self.open: dict[str, Provision] = {}
        self.awaiting_heading = False  # True between an article's number line and its `####Heading` line

    def fail(self, number: int, message: str):
        raise SourceError(message, path=self.path, line=number)

    def read(self, lines: list[str]) -> Treaty:
        for number, raw in enumerate(lines, start=1):
            if raw.strip():
                self.line(Passage(number, raw), raw.strip())
        if self.treaty is None:
            raise SourceError("no title line (`####Title`) in the treaty text", path=self.path)
        if not self.treaty.articles:
            raise SourceError("no article (`### Article  1`) in the treaty text", path=self.path)
        return self.treaty

    def line(self, passage: Passage, text: str) -> None:
        if self.treaty is None:
            title = _TITLE.fullmatch(text)
            if not title:
                self.fail(passage.line, f"expected the treaty's title as `####Title`, found {text[:60]!r}")
            self.treaty = Treaty(self.path, title["text"], passage)
            return
        if article := _ARTICLE.fullmatch(text):
            if self.treaty.closing:
                self.fail(passage.line, f"article {article['number']} after the closing formula "
                                        f"(line {self.treaty.closing[0].line})")
            return self.article(passage, article["number"])
        if self.treaty.closing or self.is_closing(text):
            self.treaty.closing.append(passage)
            return
        heading = _TITLE.fullmatch(text)
        if heading and self.awaiting_heading:
            self.open["article"].heading = heading["text"]
            self.open["article"].passages.append(passage)
            self.awaiting_heading = False
            return
        self.awaiting_heading = False
        if text.startswith("#"):
            self.fail(passage.line, f"a heading that is neither `### Article  N` nor an article's `####Heading` "
                                    f"line: {text[:60]!r}")
        for level, pattern in (("paragraph", _PARAGRAPH), ("subparagraph", _SUBPARAGRAPH), ("item", _ITEM),
                               ("subitem", _SUBITEM)):
            if found := pattern.fullmatch(text):
                return self.numbered(passage, level, found["number"], found["text"] or "")
        self.unnumbered(passage, text)

    def article(self, passage: Passage, number: str) -> None:
        previous = self.treaty.articles[-1].number if self.treaty.articles else None
        expected = _next_expected("article", previous)
        if number != expected:
            self.fail(passage.line, f"article {number} out of sequence: expected article {expected}")
        article = Provision("article", number, (number,), ("article",), passages=[passage])
        self.treaty.articles.append(article)
        self.open = {"article": article}
        self.awaiting_heading = True

    def numbered(self, passage: Passage, level: str, number: str, text: str) -> None:
        if "article" not in self.open:
            self.fail(passage.line, f"a {level} ({number!r}) before the first article")
        parent = self.parent_for(passage, level, number)
        siblings = [part for part in parent.parts if part.level == level]
        expected = _next_expected(level, siblings[-1].number if siblings else None)
        if number != expected:
            where = _describe(parent)
            self.fail(passage.line, f"{level} {number!r} of {where} out of sequence: expected {expected!r}")
        provision = Provision(level, number, (*parent.path, number), (*parent.levels, level), text,
                              passages=[passage])
        parent.parts.append(provision)
        depth = LEVELS.index(level)
        self.open = {lvl: p for lvl, p in self.open.items() if LEVELS.index(lvl) < depth}
        self.open[level] = provision

    def parent_for(self, passage: Passage, level: str, number: str) -> Provision:
        """The open provision a new ``level`` provision belongs to, or an error saying why there is none."""
        article = self.open["article"]
        if level == "paragraph":
            if any(part.level == "subparagraph" for part in article.parts):
                self.fail(passage.line, f"paragraph {number} of article {article.number} after subparagraphs "
                                        f"that belong to no paragraph")
            return article
        if level == "subparagraph":
            return self.open.get("paragraph") or article
        above = LEVELS[LEVELS.index(level) - 1]
        if above not in self.open:
            label = {"item": f"item ({number})", "subitem": f"sub-item {number}."}[level]
            self.fail(passage.line, f"{label} with no {above} above it in article {article.number}")
        return self.open[above]

    def unnumbered(self, passage: Passage, text: str) -> None:
        if "article" not in self.open:
            self.treaty.preamble.append(passage)
            return
        article = self.open["article"]
        if article.parts:
            innermost = self.open[max(self.open, key=LEVELS.index)]
            self.fail(passage.line, f"unnumbered text after {_describe(innermost)}: cannot tell which "
                                    f"provision it belongs to: {text[:60]!r}")
        article.text = f"{article.text}\n{text}" if article.text else text
        article.passages.append(passage)

    @staticmethod
    def is_closing(text: str) -> bool:
        """The closing formula of a treaty (the testimonium), which follows its last article."""
        return text.startswith("IN WITNESS WHEREOF")
