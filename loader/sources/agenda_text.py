"""Recognisers for the phrases of UN meeting documents, Chinese and English: dates, times, numbers, symbols,
provision references and layout clean-up. Pure functions over one string; no file I/O, no RDF.

>>> dates_in("国际合作工作组第十四次会议将于 2023 年 9 月 11 日星期一上午 10 时开幕。")
[datetime.date(2023, 9, 11)]
>>> date_range("2023年9月11日和12日")
(datetime.date(2023, 9, 11), datetime.date(2023, 9, 12))
>>> date_range("from 23 to 27 May 2022")
(datetime.date(2022, 5, 23), datetime.date(2022, 5, 27))
>>> time_range("下午3时至6时")
((15, 0), (18, 0))
>>> time_range("10 a.m.–1 p.m.")
((10, 0), (13, 0))
>>> chinese_number("十四"), ordinal_number("fourteenth"), count_number("两")
(14, 14, 2)
>>> split_symbols("CTOC/COP/WG.3/2023/3-CTOC/COP/WG.4/2023/3")
['CTOC/COP/WG.3/2023/3', 'CTOC/COP/WG.4/2023/3']
>>> normalise_zh("联合国打击跨国有组织 犯罪公约第 27 条")
'联合国打击跨国有组织犯罪公约第27条'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# --- layout ------------------------------------------------------------------------------------------------

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef《》〈〉（）"
_SPACE_BETWEEN = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}0-9])|(?<=[0-9])[ \t\u3000]+(?=[{_CJK}])")
SUPERSCRIPTS = {"¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁰": "0"}
FOOTNOTE_MARK = re.compile("[¹²³⁴⁵⁶⁷⁸⁹⁰]+")


def normalise_zh(text: str) -> str:
    """Remove layout spaces between Chinese characters and digits; keep every other character as written."""
    return _SPACE_BETWEEN.sub("", text.strip())


def normalise(text: str, language: str) -> str:
    """Layout clean-up for either language: Chinese spacing rules, or collapsed runs of spaces."""
    return normalise_zh(text) if language == "zh" else re.sub(r"\s+", " ", text.strip())


def footnote_marks(text: str) -> tuple[str, list[str]]:
    """The text without its superscript footnote marks, and the marks as ASCII digits, in order."""
    marks = ["".join(SUPERSCRIPTS[c] for c in m.group()) for m in FOOTNOTE_MARK.finditer(text)]
    return FOOTNOTE_MARK.sub("", text), marks


def strip_final_punctuation(text: str) -> str:
    return text.rstrip().rstrip("。；：;:.,，").rstrip()


BRACKETS = {"《": "》", "（": "）", "(": ")", "〈": "〉", "“": "”"}


def unbalanced(text: str) -> str | None:
    """The first bracket of ``text`` left open at its end, or None: a title cut short (a line broken off mid-cell)
    leaves one open. A closer without its opener is no sign of that ("1) 报告；2) 其他" numbers its points so).

    >>> unbalanced("《打击有组织犯罪公约》第27条（执法合作）的实际实施情况") is None
    True
    >>> unbalanced("《打击有组织犯")
    '《'
    >>> unbalanced("其他事项：1) 报告；2) 其他") is None
    True
    """
    open_brackets: list[str] = []
    closers = {close: opening for opening, close in BRACKETS.items()}
    for char in text:
        if char in BRACKETS:
            open_brackets.append(char)
        elif char in closers and closers[char] in open_brackets:
            del open_brackets[len(open_brackets) - 1 - open_brackets[::-1].index(closers[char]):]
    return open_brackets[0] if open_brackets else None


# --- numbers -----------------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
CN_NUMERAL = "[零〇一二两三四五六七八九十百]+"


def chinese_number(text: str) -> int:
    """A Chinese numeral up to 999 (十四 -> 14, 二十一 -> 21, 一百零五 -> 105); ValueError otherwise."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


_EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
             "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fifth": 5, "eighth": 8, "ninth": 9, "twelfth": 12}
EN_ORDINAL = r"(?:[a-z]+-)?[a-z]+(?:st|nd|rd|th)"


def count_number(text: str) -> int:
    """A cardinal: digits, a Chinese numeral (两 included) or an English word up to ninety-nine."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    if text and all(c in _CN_DIGITS or c in "十百" for c in text):
        return chinese_number(text)
    if text in _EN_UNITS:
        return _EN_UNITS.index(text)
    tens, _, unit = text.partition("-")
    if tens in _EN_TENS and (not unit or unit in _EN_UNITS[1:10]):
        return _EN_TENS[tens] + (_EN_UNITS.index(unit) if unit else 0)
    raise ValueError(f"not a number: {text!r}")


def ordinal_number(text: str) -> int:
    """An English ordinal word (fourteenth, twenty-first) or a Chinese one (十四) to its number."""
    text = text.strip().lower()
    if re.fullmatch(CN_NUMERAL, text):
        return chinese_number(text)
    tens, _, unit = text.rpartition("-")
    if tens and tens not in _EN_TENS:
        raise ValueError(f"not an ordinal: {text!r}")
    if unit in _EN_ORDINALS:
        value = _EN_ORDINALS[unit]
    elif unit.endswith("ieth") and unit[:-4] + "y" in _EN_TENS:
        value = _EN_TENS[unit[:-4] + "y"]
    elif unit.endswith("th") and unit[:-2] in _EN_UNITS:
        value = _EN_UNITS.index(unit[:-2])
    else:
        raise ValueError(f"not an ordinal: {text!r}")
    return value + (_EN_TENS[tens] if tens else 0)


# --- dates -------------------------------------------------------------------------------------------------

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ZH_RANGE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:和|至|到|—|-)\s*(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
EN_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b")
EN_RANGE = re.compile(
    rf"\b(?:from\s+)?(\d{{1,2}})(?:\s+({_MONTH}))?\s*(?:and|to|–|-)\s*(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b")
ZH_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[，,]?\s*(星期[一二三四五六日天])?$")
EN_MONTH_DAY = re.compile(
    rf"^(?:(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?(\d{{1,2}})\s+({_MONTH})$")
ZH_WEEKDAYS = "一二三四五六日"
EN_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def month_number(name: str) -> int:
    return MONTHS.index(name.lower()) + 1


def _date(year: str | int, month: str | int, day: str | int) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise ValueError(f"not a calendar date: {year}-{month}-{day} ({error})") from None


def dates_in(text: str) -> list[date]:
    """Every single date written in full (with its year) in the text, Chinese or English, in order."""
    found = [(m.start(), _date(*m.groups())) for m in ZH_DATE.finditer(text)]
    found += [(m.start(), _date(m.group(3), month_number(m.group(2)), m.group(1))) for m in EN_DATE.finditer(text)]
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


ZH_DATE_WEEKDAY = re.compile(r"(?<!\d)" + ZH_DATE.pattern + r"\s*[，,（(]?\s*(?:星期|周|礼拜)([一二三四五六日天])")
EN_WEEKDAY_DATE = re.compile(rf"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+{EN_DATE.pattern[2:]}",
                             re.IGNORECASE)


def check_weekdays(text: str) -> None:
    """ValueError when a date written with its weekday (``2023年9月11日星期一``, ``Monday, 11 September 2023``)
    names the wrong one: one of the two is misprinted, and the text does not say which.

    >>> check_weekdays("于 2022 年 5 月 27 日星期五举行了建设性对话")
    >>> check_weekdays("2023年9月11日周一；12023年9月12日星期六")  # 12023 is no year of 2023
    >>> check_weekdays("on monday, 27 may 2022")
    Traceback (most recent call last):
    ValueError: 2022-05-27 is a Friday, not a Monday as written
    """
    written = [(_date(*m.groups()[:3]), ZH_WEEKDAYS.index(m.group(4).replace("天", "日")))
               for m in ZH_DATE_WEEKDAY.finditer(text)]
    written += [(_date(m.group(4), month_number(m.group(3)), m.group(2)), EN_WEEKDAYS.index(m.group(1).lower()))
                for m in EN_WEEKDAY_DATE.finditer(text)]
    for day, weekday in written:
        if weekday != day.weekday():
            raise ValueError(f"{day.isoformat()} is a {EN_WEEKDAYS[day.weekday()].title()}, not a "
                             f"{EN_WEEKDAYS[weekday].title()} as written")


def date_range(text: str) -> tuple[date, date] | None:
    """The first range of days in the text (``2023年9月11日和12日``, ``23 to 27 May 2022``), or None."""
    zh, en = ZH_RANGE.search(text), EN_RANGE.search(text)
    if zh and (not en or zh.start() < en.start()):
        year, month, day, month2, day2 = zh.groups()
        return _in_order(_date(year, month, day), _date(year, month2 or month, day2))
    if en:
        day, month, day2, month2, year = en.groups()
        return _in_order(_date(year, month_number(month or month2), day), _date(year, month_number(month2), day2))
    return None


def _in_order(start: date, end: date) -> tuple[date, date]:
    """A range that ends after it starts (``27 日至 23 日`` is a misprint, not a meeting that ends before it began)."""
    if end < start:
        raise ValueError(f"the range of days ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    return start, end


def month_day(text: str, year: int) -> date | None:
    """A table's date cell (``9月11日，星期一``, ``Monday, 11 September``) in ``year``; None when it is not one.

    ValueError when it looks like a date but is not a calendar date or names the wrong weekday.
    """
    text = text.strip()
    zh, en = ZH_MONTH_DAY.match(text), EN_MONTH_DAY.match(text)
    if zh:
        day = _date(year, zh.group(1), zh.group(2))
        weekday = ZH_WEEKDAYS.index(zh.group(3)[-1].replace("天", "日")) if zh.group(3) else None
    elif en:
        day = _date(year, month_number(en.group(3)), en.group(2))
        weekday = EN_WEEKDAYS.index(en.group(1).lower()) if en.group(1) else None
    else:
        return None
    if weekday is not None and weekday != day.weekday():
        raise ValueError(f"{day.isoformat()} is a {EN_WEEKDAYS[day.weekday()].title()}, not as written")
    return day


# --- times -------------------------------------------------------------------------------------------------

_ZH_TIME = r"(上午|中午|下午|晚上)?\s*(\d{1,2})\s*时(?:\s*(\d{1,2})\s*分|半)?"
ZH_TIME = re.compile(_ZH_TIME)
ZH_TIME_RANGE = re.compile(rf"^{_ZH_TIME}\s*(?:至|到|-|—)\s*{_ZH_TIME}$")
_EN_TIME = r"(\d{1,2})(?:[.:](\d{2}))?\s*(a\.m\.|p\.m\.|noon)?"
EN_TIME = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(a\.m\.|p\.m\.)")
EN_TIME_RANGE = re.compile(rf"^{_EN_TIME}\s*(?:–|-|—|to)\s*{_EN_TIME}$")
ZH_TIME_ALONE = re.compile(rf"^{_ZH_TIME}$")
EN_TIME_ALONE = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*(a\.m\.|p\.m\.|noon)$")


# The hours a period of the day may be written with: a 12-hour clock (上午 13 时 is no time; 中午 is about noon)
_PERIOD_HOURS = {"上午": range(1, 13), "a.m.": range(1, 13), "下午": range(1, 13), "晚上": range(1, 13),
                 "p.m.": range(1, 13), "中午": (11, 12, 1, 2), "noon": (12,)}


def _clock(hour: str, minute: str | None, period: str | None) -> tuple[int, int]:
    """(hour, minute) on the 24-hour clock; ValueError for a time no clock shows (``上午 13 时``, ``下午 0 时``).

    >>> _clock("3", None, "下午"), _clock("1", None, "中午"), _clock("13", None, None)
    ((15, 0), (13, 0), (13, 0))
    >>> _clock("13", None, "上午")
    Traceback (most recent call last):
    ValueError: not a time of day: 13:00 上午
    """
    h, m = int(hour), int(minute or 0)
    if period in _PERIOD_HOURS and h not in _PERIOD_HOURS[period] or not (0 <= h < 24 and 0 <= m < 60):
        raise ValueError(f"not a time of day: {hour}:{minute or '00'} {period or ''}".strip())
    if period in ("下午", "晚上", "p.m.") and h < 12 or period == "中午" and h < 11:
        h += 12
    if period in ("上午", "a.m.") and h == 12:
        h = 0
    return h, m


def time_in(text: str) -> tuple[int, int] | None:
    """The first clock time written in the text (``上午 10 时``, ``10 a.m.``) as (hour, minute), or None."""
    zh, en = ZH_TIME.search(text), EN_TIME.search(text)
    if zh and (not en or zh.start() < en.start()):
        return _clock(zh.group(2), zh.group(3), zh.group(1))
    if en:
        return _clock(en.group(1), en.group(2), en.group(3))
    return None


def _in_time_order(start: tuple[int, int], end: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """A slot that ends after it starts (``中午 12 时至 6 时`` read as ending at 06:00 is a misprint, not a slot)."""
    if end <= start:
        raise ValueError("the time range ends ({:02}:{:02}) no later than it starts ({:02}:{:02})".format(*end, *start))
    return start, end


def time_range(text: str) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """A table's time cell: a range (start, end) or a single start (start, None); None when it is not one.

    A period written once applies to both ends where it must: ``下午3时至6时`` (the start's), ``3–6 p.m.``
    (the end's).
    """
    text = text.strip()
    if m := ZH_TIME_RANGE.match(text):
        p1, h1, m1, p2, h2, m2 = m.groups()
        return _in_time_order(_clock(h1, m1, p1), _clock(h2, m2, p2 or p1))
    if m := EN_TIME_RANGE.match(text):
        h1, m1, p1, h2, m2, p2 = m.groups()
        return _in_time_order(_clock(h1, m1, p1 or p2), _clock(h2, m2, p2 or p1))
    if m := ZH_TIME_ALONE.match(text):
        return _clock(m.group(2), m.group(3), m.group(1)), None
    if m := EN_TIME_ALONE.match(text):
        return _clock(m.group(1), m.group(2), "p.m." if m.group(3) == "noon" else m.group(3)), None
    return None


# --- symbols and links -------------------------------------------------------------------------------------

SYMBOL = r"[A-Z][A-Z0-9]*(?:/[A-Za-z0-9.]+)+"
JOINT_SYMBOL = re.compile(rf"{SYMBOL}(?:-{SYMBOL})*")
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]*)\)")
URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef<>\"'）)]+")
ABSOLUTE_URL = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#][^\s<>\"]*)?")


def split_symbols(joint: str) -> list[str]:
    """A joint symbol ``A-B-C`` (one document, several symbols) into its symbols, as written."""
    return re.split(r"-(?=[A-Z][A-Z0-9]*/)", joint.strip())


def urls_in(text: str, language: str = "en") -> list[str]:
    """Web addresses as printed (with or without scheme), without a sentence's final punctuation.

    ValueError when an address runs on after a space (the rest of a path or, in Chinese text, any Latin letters),
    where the address read would be only its first part:

    >>> urls_in("网址为：www.unodc.org/unodc/en/trea ties/CTOC/wg.html。")
    Traceback (most recent call last):
    ValueError: the web address 'www.unodc.org/unodc/en/trea' runs on after a space: 'ties/CTOC/wg.html'
    """
    found = []
    for m in URL.finditer(text):
        rest = re.match(r"\s+([^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+)", text[m.end():])
        latin = rest and re.match(r"[A-Za-z0-9]", rest[1])  # Chinese prose has no Latin word after an address
        if rest and ("/" in rest[1] or language == "zh" and latin) and not URL.match(rest[1]):
            raise ValueError(f"the web address {m.group()!r} runs on after a space: {rest[1].rstrip('.,;:')!r}")
        found.append(m.group().rstrip(".,;:"))
    return found


def web_address(printed: str) -> str:
    """The IRI of a printed address: ``www.x.org/p`` is served as ``https://www.x.org/p``."""
    return printed if re.match(r"https?://", printed) else "https://" + printed


# --- provision references ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Citation:
    """One cited provision, by number path; ``instrument`` is the title as written nearest to it."""

    article: str | None
    paragraph: str | None
    subparagraph: str | None
    start: int
    printed: str = ""
    heading: str = ""  # an article's heading printed after it: 第27条（执法合作）


_LETTERS = r"\(([a-z])\)((?:\s*(?:和|、|及|至|,|and|or|to)\s*\([a-z]\))*)"
ZH_ARTICLE = re.compile(rf"第\s*(\d+)\s*条(?:\s*第\s*(\d+)\s*款)?(?:\s*{_LETTERS}\s*项)?")
ZH_PARAGRAPH = re.compile(rf"第\s*(\d+)\s*(?:{_LETTERS})?\s*段")
EN_ARTICLE = re.compile(rf"\barticles?\s+(\d+)(?:,?\s+paragraph\s+(\d+)(?:\s*{_LETTERS})?)?", re.IGNORECASE)
ZH_HEADING = re.compile(r"\s*（([\u4e00-\u9fff]{1,20})）")  # after 第27条: the article's heading, Chinese words only
EN_PARAGRAPH = re.compile(rf"\bparagraphs?\s+(\d+)(?:\s*{_LETTERS})?", re.IGNORECASE)


def _letters(first: str | None, rest: str | None) -> list[str | None]:
    if not first:
        return [None]
    letters = [first]
    for joiner, letter in re.findall(r"(和|、|及|至|,|and|or|to)\s*\(([a-z])\)", rest or ""):
        if joiner in ("至", "to"):
            letters += [chr(c) for c in range(ord(letters[-1]) + 1, ord(letter) + 1)]
        else:
            letters.append(letter)
    return letters


def citations(text: str) -> list[Citation]:
    """Every provision the text cites: ``第27条第1款(a)和(f)项`` gives 27(1)(a) and 27(1)(f), nothing between.
    An article cited alone may be followed by its heading: ``第27条（执法合作）``."""
    found: list[Citation] = []
    covered: list[range] = []
    for pattern in (ZH_ARTICLE, EN_ARTICLE):
        for m in pattern.finditer(text):
            covered.append(range(m.start(), m.end()))
            article, paragraph, first, rest = m.groups()
            heading = ZH_HEADING.match(text, m.end()) if pattern is ZH_ARTICLE and not paragraph and not first else None
            found += [Citation(article, paragraph, letter, m.start(), m.group(), heading[1] if heading else "")
                      for letter in _letters(first, rest)]
    for pattern in (ZH_PARAGRAPH, EN_PARAGRAPH):
        for m in pattern.finditer(text):
            if any(m.start() in span for span in covered):
                continue
            paragraph, first, rest = m.groups()
            found += [Citation(None, paragraph, letter, m.start(), m.group()) for letter in _letters(first, rest)]
    return sorted(found, key=lambda c: c.start)
