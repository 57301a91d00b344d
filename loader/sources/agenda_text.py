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

import functools
import re
from dataclasses import dataclass, replace
from datetime import date

from loader import iris

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

_ZH_TIME = r"(上午|中午|下午|晚上|夜里|午夜)?\s*(\d{1,2})\s*时(?:\s*(\d{1,2})\s*分|(半))?"  # 半: half past
ZH_TIME = re.compile(_ZH_TIME)
ZH_TIME_RANGE = re.compile(rf"^{_ZH_TIME}\s*(?:至|到|-|—)\s*{_ZH_TIME}$")
_EN_TIME = r"(\d{1,2})(?:[.:](\d{2}))?\s*(a\.m\.|p\.m\.|noon)?"
EN_TIME = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(a\.m\.|p\.m\.)")
EN_TIME_RANGE = re.compile(rf"^{_EN_TIME}\s*(?:–|-|—|to)\s*{_EN_TIME}$")
ZH_TIME_ALONE = re.compile(rf"^{_ZH_TIME}$")
EN_TIME_ALONE = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*(a\.m\.|p\.m\.|noon)$")


# The hours a period of the day may be written with: a 12-hour clock (上午 13 时 is no time; 中午 is about noon).
# 夜里 (at night) is read from 7 to 12 only: 夜里 1 时 is 01:00, but of which day the text does not say. 午夜
# (midnight) is 12 only.
_PERIOD_HOURS = {"上午": range(1, 13), "a.m.": range(1, 13), "下午": range(1, 13), "晚上": range(1, 13),
                 "夜里": range(7, 13), "午夜": (12,), "p.m.": range(1, 13), "中午": (11, 12, 1, 2), "noon": (12,)}
END_OF_DAY = (24, 0)  # midnight at the end of the day: 晚上 12 时, 夜里 12 时, 午夜 12 时, 24 时


def _clock(hour: str, minute: str | None, period: str | None, ending: bool = False) -> tuple[int, int]:
    """(hour, minute) on the 24-hour clock, (24, 0) for midnight at the end of the day, which only ``ending``
    (the end of a slot) may be; ValueError for a time no clock shows (``上午 13 时``, ``下午 0 时``).

    >>> _clock("3", None, "下午"), _clock("1", None, "中午"), _clock("13", None, None), _clock("12", None, "上午")
    ((15, 0), (13, 0), (13, 0), (12, 0))
    >>> _clock("12", None, "晚上", ending=True), _clock("24", None, None, ending=True)
    ((24, 0), (24, 0))
    >>> _clock("13", None, "上午")
    Traceback (most recent call last):
    ValueError: not a time of day: 13:00 上午
    """
    h, m = int(hour), int(minute or 0)
    midnight = (period in ("晚上", "夜里", "午夜") and h == 12 or period is None and (h, m) == END_OF_DAY
                or period == "a.m." and h == 12 and ending)  # 11 p.m.-12 a.m.: the end of the day, as 晚上 12 时
    if period in _PERIOD_HOURS and h not in _PERIOD_HOURS[period] or not (0 <= h < 24 and 0 <= m < 60 or midnight):
        raise ValueError(f"not a time of day: {hour}:{minute or '00'} {period or ''}".strip())
    if midnight and m:
        raise ValueError(f"not a time of day: {hour}:{minute} {period or ''} is past midnight, on the next day".strip())
    if midnight and not ending:
        raise ValueError(f"{period or ''}{hour}时 is midnight: it may end a slot (24:00, the end of its day), but as a "
                         "start the text does not say whether it is the midnight that begins the day or ends it")
    if midnight:
        return END_OF_DAY
    if period in ("下午", "晚上", "夜里", "p.m.") and h < 12 or period == "中午" and h < 11:
        h += 12
    if period == "a.m." and h == 12:  # 12 a.m. is midnight; 上午 12 时, the end of the morning, is noon
        h = 0
    return h, m


def _zh_clock(period: str | None, hour: str, minute: str | None, half: str | None,
              ending: bool = False) -> tuple[int, int]:
    """A Chinese time as :func:`_clock` reads it, 半 (half past) its 30 minutes: 下午 3 时半 is 15:30."""
    return _clock(hour, "30" if half else minute, period, ending)


# what may stand right before a clock time written without a part of the day (上午, 下午, …): a date (9 月 11 日), a
# weekday (星期一, 星期日, 星期天), 于/在/从/自 (at, from), 至/到 (to), 起; any other Chinese word there may be a part
# of the day the times above do not read (傍晚 dusk, 晚 evening, 午后 afternoon, 深夜 late night, 凌晨 small hours),
# and the hour is not on the 24-hour clock (傍晚 6 时 is 18:00, not 06:00): it is refused, not read as one
BEFORE_A_BARE_TIME = set("日于在从自至到起一二三四五六天")
# the Chinese word before a time, past spaces, punctuation and brackets (傍晚，6 时; 晚（6 时）; （星期一）10 时)
CJK_BEFORE = re.compile(r"([\u4e00-\u9fff]{1,2})[\s，,:：、；（）()]*$")


def time_in(text: str) -> tuple[int, int] | None:
    """The first clock time written in the text (``上午 10 时``, ``10 a.m.``) as (hour, minute), or None;
    ValueError for one after a word that may be a part of the day it does not read (``傍晚 6 时``).

    >>> time_in("于 9 月 11 日星期一上午 10 时开幕"), time_in("于 9 月 11 日 10 时开幕"), time_in("at 3 p.m.")
    ((10, 0), (10, 0), (15, 0))
    >>> time_in("于傍晚 6 时开幕")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: 傍晚 6 时: 傍晚 before a time may be a part of the day, which is not read here (上午, 中午, ...)
    """
    zh, en = ZH_TIME.search(text), EN_TIME.search(text)
    if zh and (not en or zh.start() < en.start()):
        before = CJK_BEFORE.search(text, 0, zh.start())
        if not zh.group(1) and before and before[1][-1] not in BEFORE_A_BARE_TIME:
            word = before[1].lstrip("".join(BEFORE_A_BARE_TIME))  # 星期一晚: 晚
            raise ValueError(f"{word}{text[before.end(1):zh.end()]}: {word} before a time may be a part of the "
                             "day, which is not read here (上午, 中午, 下午, 晚上, 夜里 and 午夜 are)")
        return _zh_clock(*zh.groups())
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
        p1, h1, m1, half1, p2, h2, m2, half2 = m.groups()
        ending = p2 or (None if h2 == "24" else p1)  # 24 时 is midnight alone: 晚上 9 时至 24 时
        return _in_time_order(_zh_clock(p1, h1, m1, half1), _zh_clock(ending, h2, m2, half2, ending=True))
    if m := EN_TIME_RANGE.match(text):
        h1, m1, p1, h2, m2, p2 = m.groups()
        # 12 a.m. ends the day only after an evening (11 p.m.-12 a.m.); 9-12 a.m. may mean noon, and stays refused
        to_midnight = p1 == "p.m." and p2 == "a.m."
        return _in_time_order(_clock(h1, m1, p1 or p2), _clock(h2, m2, p2 or p1, ending=to_midnight))
    if m := ZH_TIME_ALONE.match(text):
        return _zh_clock(*m.groups()), None
    if m := EN_TIME_ALONE.match(text):
        return _clock(m.group(1), m.group(2), "p.m." if m.group(3) == "noon" else m.group(3)), None
    return None


# --- symbols and links -------------------------------------------------------------------------------------

# a symbol's segments are names and numbers (WG.3, L.5, Rev.1, ES-10): a '.' or '-' only between letters or
# digits, so that no segment is '.' or '..', which would make the IRI minted from the symbol name another document
# (doc/A/../B is doc/B), and no stray final '.' is kept as part of the symbol. The segment is loader/iris.py's,
# which the manifest and the shape Document-symbol check too (tests/test_shapes.py keeps them equal).
SEGMENT = iris.SEGMENT
# A joint symbol (symbols joined by '-', one document) has the same shape as a symbol whose segment holds a '-':
# split_symbols() tells them apart, at a '-' followed by a symbol's first part and '/' (A/ES-10/L.22 is one symbol)
SYMBOL = iris.SYMBOL.pattern
JOINT_SYMBOL = re.compile(SYMBOL)
SYMBOL_SHAPED = r"[A-Z][A-Z0-9]*/[A-Za-z0-9./-]*"  # printed as a symbol, before its segments are checked
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]*)\)")
URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef<>\"'）)]+")
ABSOLUTE_URL = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#][^\s<>\"]*)?")


def symbol_problem(printed: str) -> str:
    """Why a run printed as a (joint) symbol is none, for a message: the first of its symbols that is none, and
    why (loader/iris.py's reasons, the manifest's).

    >>> symbol_problem("CTOC/COP/WG.3/2023/1-")
    ": its segment '1-' is no name or number (a '.' or '-' only between letters or digits: WG.3, ES-10)"
    """
    for symbol in split_symbols(printed):
        if problem := iris.symbol_problem(symbol):
            return f": {problem}"
    return ""


# a run printed as a symbol in prose: not the tail of a longer run of Latin letters, digits or a path (见A/78/123 is
# one: 见 is no Latin letter)
PROSE_SYMBOL = re.compile(rf"(?<![A-Za-z0-9/.-]){SYMBOL_SHAPED}")


def symbols_in_prose(text: str) -> list[tuple[int, int, str]]:
    """(start, end, printed) of each run printed as a (joint) symbol in prose, outside web addresses, without a
    sentence's final '.', with a number in it (every UN symbol has one; HIV/AIDS is no document); whether each is
    well formed is for the caller to check.

    >>> symbols_in_prose("见CTOC/COP/2022/9号文件第12段；see document A/78/123. HIV/AIDS, www.unodc.org/CTOC/1")
    [(1, 16, 'CTOC/COP/2022/9'), (37, 45, 'A/78/123')]
    """
    addresses = [m.span() for m in URL.finditer(text)]
    found = []
    for m in PROSE_SYMBOL.finditer(text):
        printed = m.group().rstrip(".")
        if re.search(r"[0-9]", printed) and not any(start <= m.start() < end for start, end in addresses):
            found.append((m.start(), m.start() + len(printed), printed))
    return found


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
    """One cited provision, by number path; ``printed`` is the phrase as written when it cites this provision
    alone (``第53(h)段``), empty when it lists several (``第53(a)和(h)段`` names 53(a) and 53(h), neither alone)."""

    article: str | None
    paragraph: str | None
    subparagraph: str | None
    start: int
    printed: str = ""
    heading: str = ""  # an article's heading printed after it: 第27条（执法合作）
    span: tuple[int, int] = (0, 0)  # where the whole reference is printed: a list's or a range's, end to end


def _chinese_ordinal(number: int) -> str:
    """How a Chinese text numbers provision ``number`` (1 to 9999): 二十七, 一百零五, 一百一十, 一千零一十."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 100:
        tens, unit = divmod(number, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[unit] if unit else "")
    size, mark = (1000, "千") if number >= 1000 else (100, "百")
    head, rest = divmod(number, size)
    if rest == 0:
        return digits[head] + mark
    tail = ("一" if 10 <= rest < 20 else "") + _chinese_ordinal(rest)  # 一百一十: the tens' 一 is written
    return digits[head] + mark + ("零" if rest < size // 10 else "") + tail


@functools.cache
def _chinese_ordinals() -> dict[str, int]:
    """Every Chinese numeral a provision may be numbered with, written as texts write it (〇 for 零 as well): the
    lenient chinese_number() would read 二二 or 十十 as a number. Built on first use (20,000 forms)."""
    return {form: n for n in range(1, 10000) for form in (_chinese_ordinal(n), _chinese_ordinal(n).replace("零", "〇"))}


def provision_number(text: str) -> str:
    """A provision's number, digits (ASCII or full-width) or a Chinese numeral, as ASCII digits.

    >>> [provision_number(x) for x in ("27", "２７", "二十七", "十", "一百零五", "一百〇五", "一百一十")]
    ['27', '27', '27', '10', '105', '105', '110']
    >>> provision_number("二二")
    Traceback (most recent call last):
    ValueError: '二二' is not a number a provision is numbered with
    """
    text = text.strip()
    if text.isdecimal() and int(text) > 0:
        return str(int(text))
    if text in _chinese_ordinals():
        return str(_chinese_ordinals()[text])
    raise ValueError(f"{text!r} is not a number a provision is numbered with")


# UN texts letter subparagraphs (a) to (z), then (aa), (bb) … (zz); a doubled letter that is also a roman numeral
# may as well be an item below a subparagraph: (ii) follows (hh), or is item 2. Listed with a doubled letter that is
# no roman numeral ((hh) and (ii), (gg) to (ii)), it is that letter's sibling, so a letter too.
_ROMAN_LOOKING = ("ii", "xx", "cc", "mm")


def letter_order(letter: str) -> int:
    """A subparagraph's place among its siblings: a -> 1, z -> 26, aa -> 27, hh -> 34, ii -> 35; ValueError for
    what is no subparagraph letter. Whether a roman-looking (ii) is a letter at all is :func:`check_letters`'s.

    >>> [letter_order(x) for x in ("a", "z", "aa", "hh", "ii")]
    [1, 26, 27, 34, 35]
    >>> letter_order("ab")
    Traceback (most recent call last):
    ValueError: (ab) is no subparagraph letter: UN texts letter them (a) to (z), then (aa), (bb) … (zz)
    """
    if not re.fullmatch(r"([a-z])\1?", letter):
        raise ValueError(f"({letter}) is no subparagraph letter: UN texts letter them (a) to (z), then (aa), (bb) "
                         f"… (zz)")
    return 26 * (len(letter) - 1) + ord(letter[0]) - ord("a") + 1


def check_letters(printed: list[str]) -> None:
    """Check that the letters printed in one list or range of one provision's subparagraphs are letters; a
    roman-looking doubled letter is one only when a doubled letter that is no roman numeral is listed with it.

    >>> check_letters(["hh", "ii"]), check_letters(["ii", "kk"]), check_letters(["i"])
    (None, None, None)
    >>> check_letters(["i", "ii"])
    Traceback (most recent call last):
    ValueError: (ii) may be the subparagraph after (hh) or an item numbered in roman numerals: the text does not say \
which (no doubled letter such as (hh) is listed with it)
    """
    for letter in printed:
        letter_order(letter)
    if any(len(x) == 2 and x not in _ROMAN_LOOKING for x in printed):
        return
    for letter in printed:
        if letter in _ROMAN_LOOKING:
            raise ValueError(f"({letter}) may be the subparagraph after ({_letter(letter_order(letter) - 1)}) or an "
                             "item numbered in roman numerals: the text does not say which (no doubled letter such "
                             "as (hh) is listed with it)")


def _letter(order: int) -> str:
    return chr(ord("a") + (order - 1) % 26) * ((order - 1) // 26 + 1)


_NUMERAL = r"(?:[0-9０-９]+|[〇零一二三四五六七八九十百千]+)"
# what may be meant for a number: 第两条 is refused, not skipped
_ANY_NUMERAL = r"[0-9０-９〇零一二两三四五六七八九十百千万]+"
_ZH_JOIN = r"(?:以及|和|及|与|、|或|至|到|—|–|-|～|~)"
_EN_JOIN = r"(?:\s*,\s*(?:and|or)\s+|\s*,\s*|\s+(?:and|or|to|through)\s+|\s*[–-]\s*)"
_ZH_LETTER = r"[(（]\s*[a-z]+\s*[)）]"
_EN_LETTER = r"\(\s*(?:[a-z]+|[A-Z])\s*\)"  # (A) is read to be refused: no subparagraph letter (it was dropped)
_ZH_LETTERS = rf"第?\s*{_ZH_LETTER}(?:\s*项)?(?:\s*{_ZH_JOIN}\s*第?\s*{_ZH_LETTER}(?:\s*项)?)*"
_ZH_NUMBERS = rf"{_NUMERAL}(?:\s*{_ZH_JOIN}\s*第?\s*{_NUMERAL})*"
_EN_NUMBERS = rf"\d+(?:{_EN_JOIN}\d+)*"

# 第27条, 第二十七条第一款(b)项, 第27条第1款(a)和(f)项, 第27条第1和第2款, 第27和28条
ZH_ARTICLE = re.compile(
    rf"第\s*(?P<articles>{_ZH_NUMBERS})\s*条"
    rf"(?:\s*第\s*(?P<paragraphs>{_NUMERAL}(?:\s*款)?(?:\s*{_ZH_JOIN}\s*第?\s*{_NUMERAL}(?:\s*款)?)*)\s*款)?"
    rf"(?:\s*(?P<letters>{_ZH_LETTERS}))?")
# 第12段, 第53(h)段, 第53(hh)段, 第53段(h)项, 第12和13段
ZH_PARAGRAPH = re.compile(
    rf"第\s*(?P<paragraphs>{_ZH_NUMBERS})\s*(?P<letters>{_ZH_LETTER}(?:\s*{_ZH_JOIN}\s*{_ZH_LETTER})*)?\s*段"
    rf"(?:\s*(?P<after>{_ZH_LETTERS})(?<=项))?")
# article 27, articles 27 and 28, article 27, paragraph 1 (a) and (f), article 27, paragraphs 1 and 2
EN_ARTICLE = re.compile(
    rf"\b(?:(?i:article)\s+(?P<article>\d+)|(?i:articles)\s+(?P<articles>{_EN_NUMBERS}))"
    rf"(?:,?\s+(?:(?i:paragraph)\s+(?P<paragraph>\d+)|(?i:paragraphs)\s+(?P<paragraphs>{_EN_NUMBERS})))?"
    rf"(?:\s*(?P<letters>{_EN_LETTER}(?:{_EN_JOIN}{_EN_LETTER})*))?")
# paragraph 53 (h), paragraphs 12 and 13, paragraph 1 (a) of article 27
EN_PARAGRAPH = re.compile(
    rf"\b(?:(?i:paragraph)\s+(?P<paragraph>\d+)|(?i:paragraphs)\s+(?P<paragraphs>{_EN_NUMBERS}))"
    rf"(?:\s*(?P<letters>{_EN_LETTER}(?:{_EN_JOIN}{_EN_LETTER})*))?"
    # "of articles 27 and 28" is read to be refused: paragraph 3 of which? (it was left attached to no article)
    rf"(?:\s+of\s+(?:(?i:article)\s+(?P<article>\d+)|(?i:articles)\s+(?P<articles>{_EN_NUMBERS})))?")
ZH_HEADING = re.compile(r"\s*（([\u4e00-\u9fff]{1,20})）")  # after 第27条: the article's heading, Chinese words only

# What reads as a provision reference: each must be part of one the patterns above read, or it is refused
ZH_REFERENCE = re.compile(rf"第\s*{_ANY_NUMERAL}(?:\s*{_ZH_JOIN}\s*第?\s*{_ANY_NUMERAL})*\s*(?:[条款段]|{_ZH_LETTER})"
                          rf"|{_ZH_LETTER}\s*项")
# The abbreviations "para." and "art." are not refused: UN English footnotes cite paragraphs of other documents
# with them all the time ("A/78/123, para. 12"), which the graph does not model; refusing them would refuse real
# English agendas. They are left unread, as before.
EN_REFERENCE = re.compile(r"\b(?i:articles?|paragraphs?|subparagraphs?)\s*(?:\d|\(\s*[a-z0-9]+\s*\))")
# What may follow a reference read but is not read with it: an item below a subparagraph ((a)(ii), (a)项(一)目),
# an article's paragraph in parentheses (article 27 (1)), an inserted article (第27条之一, article 27 bis)
ZH_GOES_ON = re.compile(rf"\s*(?:[(（]\s*(?:[a-z0-9]+|[一二三四五六七八九十]+)\s*[)）]|[㈠-㈩⑴-⒇]"
                        rf"|之\s*[一二三四五六七八九十]|第\s*{_ANY_NUMERAL}\s*[项目])")
EN_GOES_ON = re.compile(r"\s*\(\s*(?:[a-z]+|\d+)\s*\)|\s+(?:bis|ter|quater)\b")
EN_LIST_GOES_ON = re.compile(rf"{_EN_JOIN}\d")  # paragraphs 1 (a) and 2; not paragraph 10, 70 per cent
_RANGES = ("至", "到", "—", "–", "-", "～", "~", "to", "through")
_SPLIT = re.compile(rf"({_ZH_JOIN}|{_EN_JOIN})")


def _listed(text: str, read, order, unorder) -> list[str]:
    """The numbers or letters a list names, as ``read`` reads each; a range (``至``, ``to``) names those between
    too, by their ``order`` (``unorder`` the inverse)."""
    parts = _SPLIT.split(text)
    found = [read(parts[0])]
    for joiner, part in zip(parts[1::2], parts[2::2], strict=True):
        value = read(part)
        if joiner.strip() in _RANGES:
            first, last = order(found[-1]), order(value)
            if last <= first:
                raise ValueError(f"the range {text.strip()!r} ends before it starts")
            found += [unorder(between) for between in range(first + 1, last)]
        found.append(value)
    return found


def _numbers(text: str | None) -> list[str | None]:
    if not text:
        return [None]
    return _listed(text, lambda part: provision_number(part.strip().strip("第款").strip()), int, str)


def _letters_in(text: str | None) -> list[str]:
    """The subparagraph letters a list or range prints, as printed: ``(hh)至(jj)`` -> hh, jj."""
    return re.findall(r"[(（]\s*([A-Za-z]+)\s*[)）]", text or "")


def _letters(text: str | None, beside: list[str]) -> list[str | None]:
    """The letters a list or range names; ``beside`` those printed at the other end of a range written as two
    references (第53(hh)段至第53(ii)段), which tell a roman-looking letter is a letter as a list's do."""
    if not text:
        return [None]
    check_letters(_letters_in(text) + beside)  # letters of the UN's lettering, or ValueError
    return _listed(text, lambda part: re.fullmatch(r"\s*第?\s*[(（]\s*([A-Za-z]+)\s*[)）]\s*项?\s*", part)[1],
                   letter_order, _letter)


def _letter_list(m: re.Match) -> str | None:
    """Where a reference prints its subparagraph letters, before or after 段 (第53(h)段, 第53段(h)项)."""
    return m.groupdict().get("letters") or m.groupdict().get("after")


def _read(m: re.Match, text: str, beside: list[str]) -> list[Citation]:
    """The provisions one match cites, each number path in full; ValueError for a list whose parts the text
    does not tie to one provision (第27和28条第1款: paragraph 1 of which article?)."""
    groups = m.groupdict()
    articles = _numbers(groups.get("article") or groups.get("articles"))
    paragraphs = _numbers(groups.get("paragraph") or groups.get("paragraphs"))
    letters = _letters(_letter_list(m), beside)
    if len(articles) > 1 and (paragraphs[0] or letters[0]) or len(paragraphs) > 1 and letters[0]:
        raise ValueError("a paragraph or subparagraph of several provisions listed: which one's is not written")
    if groups.get("after") and groups.get("letters"):
        raise ValueError("subparagraphs written both before and after 段")
    heading = None
    if m.re is ZH_ARTICLE and len(articles) == 1 and not paragraphs[0] and not letters[0]:
        heading = ZH_HEADING.match(text, m.end())
    cited = [(a, p, x) for a in articles for p in paragraphs for x in letters]
    printed = m.group() if len(cited) == 1 else ""
    return [Citation(a, p, x, m.start(), printed, heading[1] if heading else "", m.span()) for a, p, x in cited]


# between the two references of a range written in full: 第1段至第3段, article 27 to article 30
_RANGE_BETWEEN = re.compile(r"\s*(?:至|到|—|–|-|～|~)\s*|\s+(?:to|through)\s+")


def _read_in_full(m: re.Match, text: str, beside: list[str] | None = None) -> list[Citation]:
    """The provisions one match cites (``beside``: the letters the other end of its range prints); ValueError when
    it cannot be read, or what follows it is not read."""
    try:
        cited = _read(m, text, beside or [])
    except ValueError as error:
        raise ValueError(f"the provision reference {m.group()!r} cannot be read: {error}") from None
    goes_on = (ZH_GOES_ON if m.re in (ZH_ARTICLE, ZH_PARAGRAPH) else EN_GOES_ON).match(text, m.end())
    if not goes_on and (m.groupdict().get("articles") or m.groupdict().get("paragraphs")):
        goes_on = EN_LIST_GOES_ON.match(text, m.end()) if m.re in (EN_ARTICLE, EN_PARAGRAPH) else None
    if goes_on:
        raise ValueError(f"the provision reference {m.group() + goes_on.group()!r} is read only as far as "
                         f"{m.group()!r}: what follows (an item, a paragraph in parentheses, an inserted article, "
                         "a list's next number after a subparagraph) is not read")
    return cited


def _range(printed: str, first: list[Citation], last: list[Citation]) -> list[Citation]:
    """The provisions a range written as two references names (第1段至第3段: 1, 2 and 3), when both ends are one
    provision of the same kind and level under the same parent; ValueError otherwise (what lies between them is not
    written: 第27条第1款至第28条, article 27 to paragraph 3)."""
    ends = [first[0], last[0]] if len(first) == len(last) == 1 else []
    paths = [(c.article, c.paragraph, c.subparagraph) for c in ends]
    levels = {tuple(x is None for x in path) for path in paths}
    depth = max((n for n, x in enumerate(paths[0]) if x is not None), default=0) if paths else 0
    if len(levels) != 1 or paths[0][:depth] != paths[1][:depth]:
        raise ValueError(f"the range {printed!r} joins references of different kinds or levels, or under different "
                         "provisions: what lies between its ends is not written")
    order, unorder = (letter_order, _letter) if depth == 2 else (int, str)
    start, end = order(paths[0][depth]), order(paths[1][depth])
    if end <= start:
        raise ValueError(f"the range {printed!r} ends before it starts")
    between = [Citation(*paths[0][:depth], unorder(n), *(None,) * (2 - depth), first[0].start)
               for n in range(start + 1, end)]
    return [replace(first[0], printed=""), *between, replace(last[0], printed="")]


def _prose_ordinals(matches: list[re.Match], text: str) -> list[re.Match]:
    """The matches that are Chinese ordinals in prose, not provisions: 第一条建议 (the first recommendation),
    第一段会期 (the first part of the session). A 条 or 段 numbered in Chinese numerals is a provision only where
    the text shows it is one: right after an instrument's title (《公约》第二十七条), with a paragraph or
    subparagraph (第二十七条第一款, 第五十三(h)段), followed by what only a provision has (第…款, 第…项, (a)项,
    之一), or listed with such a provision (《公约》第二十七条和第二十八条). Digits always cite (第1条)."""

    def chinese_only(m: re.Match) -> bool:  # and well formed: 第二二条 is no ordinal, and is refused
        numerals = re.findall(r"[〇零一二三四五六七八九十百千]+", m.group())
        return (m.re in (ZH_ARTICLE, ZH_PARAGRAPH) and not re.search(r"[0-9０-９]", m.group())
                and all(x in _chinese_ordinals() for x in numerals))

    def shown(m: re.Match) -> bool:
        groups = m.groupdict()
        return bool(m.re is ZH_ARTICLE and groups.get("paragraphs") or groups.get("letters") or groups.get("after")
                    or text[:m.start()].rstrip().endswith("》")
                    or ZH_GOES_ON.match(text, m.end())
                    or re.match(rf"\s*第\s*{_ANY_NUMERAL}\s*款|\s*{_ZH_LETTER}\s*项", text[m.end():]))

    provision = [not chinese_only(m) or shown(m) for m in matches]
    changed = True
    while changed:  # a list's parts are what its shown part is
        changed = False
        for n in range(len(matches) - 1):
            joined = re.fullmatch(rf"\s*{_ZH_JOIN}\s*", text[matches[n].end():matches[n + 1].start()])
            if joined and provision[n] != provision[n + 1]:
                provision[n] = provision[n + 1] = changed = True
    return [m for m, is_provision in zip(matches, provision, strict=True) if not is_provision]


def citations(text: str) -> list[Citation]:
    """Every provision the text cites: ``第27条第1款(a)和(f)项`` gives 27(1)(a) and 27(1)(f), nothing between;
    ``第二十七条``, ``第27和28条``, ``第53(hh)段``, ``paragraph 1 of article 27`` as written; a range in full, written
    in one reference or two (``第27至29条``, ``第1段至第3段``, ``article 27 to article 30``). An article cited
    alone may be followed by its heading: ``第27条（执法合作）``.

    ValueError for what reads as a provision reference but is not read in full, rather than a citation of less
    than the text cites or none:

    >>> citations("该条第1款")
    Traceback (most recent call last):
    ValueError: '第1款' reads as a provision reference but is not one the parser reads (such as 第二十七条第一款(b)项, \
第53(hh)段, article 27, paragraph 1 (a))
    """
    matches = sorted((m for pattern in (ZH_ARTICLE, ZH_PARAGRAPH, EN_ARTICLE, EN_PARAGRAPH)
                      for m in pattern.finditer(text)), key=lambda m: (m.start(), -m.end()))
    kept: list[re.Match] = []
    for m in matches:
        if not kept or m.start() >= kept[-1].end():  # not "article 27" in "paragraph 1 of article 27"
            kept.append(m)
    prose = _prose_ordinals(kept, text)
    found: list[Citation] = []
    read: list[re.Match] = []
    reading = iter(m for m in kept if m not in prose)
    for m in reading:
        following = next((x for x in kept if x.start() >= m.end()), None)
        if following is not None and following not in prose and _RANGE_BETWEEN.fullmatch(
                text, m.end(), following.start()) and (m.re in (ZH_ARTICLE, ZH_PARAGRAPH)) == (
                following.re in (ZH_ARTICLE, ZH_PARAGRAPH)):
            next(reading)  # 第1段至第3段, article 27 to article 30: one range, both ends read here
            read += [m, following]
            first = _read_in_full(m, text, _letters_in(_letter_list(following)))
            last = _read_in_full(following, text, _letters_in(_letter_list(m)))
            cited = _range(text[m.start():following.end()], first, last)
            cited = [replace(c, span=(m.start(), following.end())) for c in cited]
        else:
            cited = _read_in_full(m, text)
            read.append(m)
        found += cited
    for pattern in (ZH_REFERENCE, EN_REFERENCE):
        for m in pattern.finditer(text):
            if not any(r.start() <= m.start() < r.end() for r in read + prose):
                raise ValueError(f"{m.group()!r} reads as a provision reference but is not one the parser reads "
                                 "(such as 第二十七条第一款(b)项, 第53(hh)段, article 27, paragraph 1 (a))")
    return sorted(found, key=lambda c: c.start)
