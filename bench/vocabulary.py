"""The words the synthetic corpus is made of, read from the project's real sources (data/sources/).

The generator invents numbers, dates and symbols, never labels: every Chinese title, annotation and body name
comes from the annotated agenda, every English heading and provision text from the UNTOC text. A phrase the
sources no longer contain is a :class:`~loader.errors.SourceError`, so a changed source fails loudly here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from loader.errors import SourceError
from loader.manifest import DATA_DIR
from loader.sources import treaty

AGENDA = DATA_DIR / "sources" / "000_53ef33334a0e60d7.txt"
UNTOC = DATA_DIR / "sources" / "untoc" / "UNTOC.en.md"

# Names the agenda prints (checked against the text when read).
BODY_NAMES_ZH = {
    "CTOC-COP": "联合国打击跨国有组织犯罪公约缔约方会议",
    "CTOC-COP/WG.3": "国际合作工作组",
    "CTOC-COP/technical-assistance-working-group": "技术援助问题政府专家工作组",
    "CTOC-COP/extended-bureau": "扩大主席团",
    "CTOC-COP/secretariat": "秘书处",
}
WORKING_GROUP_ZH = "工作组"
VIENNA_ZH = "维也纳"
AGENDA_TITLE_ZH = "临时议程说明"
PROVISIONAL_AGENDA_ZH = "临时议程"
# Headings of UNTOC articles 32 and 33, the English names of the Conference and the Secretariat.
BODY_NAMES_EN = {"CTOC-COP": "Conference of the Parties to the Convention", "CTOC-COP/secretariat": "Secretariat"}

_ITEM = re.compile(r"^(?P<number>[1-9])\. (?P<title>.+?)[。：；]?$")
_SUBITEM = re.compile(r"^ - \((?P<letter>[a-z])\) (?P<title>.+?)[。：；]?$")
_FOOTNOTE = re.compile(r"[¹²³]")
_APPROVED = re.compile(r"核准了(?P<what>[^，。]+?)。")


@dataclass(frozen=True)
class Article:
    number: str
    heading: str
    provisions: tuple[tuple[tuple[str, str], ...], ...]  # below the article: (("article", "27"), ("paragraph", "1"))


@dataclass(frozen=True)
class Vocabulary:
    items: tuple[tuple[str, str], ...]  # (notation, zh title) of the real agenda, "1", "1(a)", …
    annotations: tuple[str, ...]  # explanatory paragraphs, footnote marks removed
    documentation: tuple[str, ...]  # descriptions of documentation entries
    approved: tuple[str, ...]  # what the extended Bureau approved, verbatim phrases
    slot_titles: tuple[str, ...]  # titles in the work-programme table
    articles: tuple[Article, ...]
    untoc_title: str


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}", path=str(path)) from None


def _require(found: list, what: str, path: Path) -> tuple:
    if not found:
        raise SourceError(f"found no {what} (has the source changed?)", path=str(path))
    return tuple(found)


def read_agenda(path: Path = AGENDA) -> dict[str, tuple]:
    lines = _lines(path)
    text = "\n".join(lines)
    for name in [*BODY_NAMES_ZH.values(), VIENNA_ZH, AGENDA_TITLE_ZH, WORKING_GROUP_ZH]:
        if name not in text.replace(" ", ""):
            raise SourceError(f"does not name {name!r} any more", path=str(path))
    try:
        notes = lines.index("说明")
        annex = lines.index("附件")
    except ValueError:
        raise SourceError("lacks the '说明' or '附件' heading", path=str(path)) from None
    items, current = [], None
    for line in lines[:notes]:
        if match := _ITEM.match(line):
            current = match["number"]
            items.append((current, match["title"]))
        elif (match := _SUBITEM.match(line)) and current:
            items.append((f"{current}({match['letter']})", match["title"]))
    annotations, documentation = [], []
    for number, line in enumerate(lines[notes:annex], start=notes):
        if len(line) < 40 or line.startswith(("¹", "²")) or _ITEM.match(line):
            continue
        if "（[" in line:
            documentation.append(line.split("（[", 1)[0])
        elif lines[number - 2 : number - 1] != ["文件"]:
            annotations.append(_FOOTNOTE.sub("", line))
    slots = [row.split("\t")[2].removesuffix("（续）") for row in lines[annex:] if row.count("\t") == 2]
    slots = [title for title in dict.fromkeys(slots) if title and title != "标题或说明"]
    return {
        "items": _require(items, "agenda items", path),
        "annotations": _require(annotations, "annotation paragraphs", path),
        "documentation": _require(documentation, "documentation entries", path),
        "approved": _require([m["what"] for m in _APPROVED.finditer(text)], "Bureau approvals", path),
        "slot_titles": _require(slots, "work-programme rows", path),
    }


def read_untoc(path: Path = UNTOC) -> tuple[str, tuple[Article, ...]]:
    parsed = treaty.parse(path)
    articles = []
    for article in parsed.articles:
        parts = [p for part in article.parts for p in part.walk()]
        paths = tuple(tuple(zip(p.levels, p.path, strict=True)) for p in parts)
        articles.append(Article(number=article.number, heading=article.heading, provisions=paths))
    return parsed.title, _require(articles, "articles", path)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    agenda = read_agenda()
    title, articles = read_untoc()
    return Vocabulary(articles=articles, untoc_title=title, **agenda)
