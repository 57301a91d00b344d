"""Whether a lexical form is one of an XSD datatype's values, judged by XSD 1.1's grammar in Python, exactly.

Oxigraph's casts hold integers in 64 bits, decimals to 18 fractional digits, years and durations in fixed-size
numbers, and take ``--02-29`` for no ``xsd:gMonthDay``: they fail on values XSD has. Here the integer types and
``xsd:decimal`` are judged whole (:func:`integer_or_decimal`; Python's integers are unbounded), the others by their
grammar and the days their months have (:func:`in_lexical_space`). The lexical form is taken as written: XSD's
whitespace facet is not applied (``" 1"^^xsd:integer`` is no integer), as a cast does not.
"""

from __future__ import annotations

import re

XSD = "http://www.w3.org/2001/XMLSchema#"

INTEGER = re.compile(r"([+-]?)0*([0-9]+)")
DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
# the integer types' value-space bounds (low, high; None: unbounded)
INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-2**7, 2**7 - 1),
    "nonNegativeInteger": (0, None), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 2**8 - 1), "positiveInteger": (1, None)}
BEYOND_EVERY_BOUND = 10**30  # stands for an integer of over 30 digits (int() refuses one of over 4,300)

_YEAR = r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))"
_MONTH = r"(?P<month>0[1-9]|1[0-2])"
_DAY = r"(?P<day>0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_SECONDS = r"[0-9]+(?:\.[0-9]+)?S"
_DAY_TIME = rf"T(?:[0-9]+H(?:[0-9]+M)?(?:{_SECONDS})?|[0-9]+M(?:{_SECONDS})?|{_SECONDS})"
_YEAR_MONTH = r"(?:[0-9]+Y(?:[0-9]+M)?|[0-9]+M)"
DATE_AND_TIME: dict[str, re.Pattern[str]] = {name: re.compile(pattern) for name, pattern in {
    "dateTime": rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_ZONE}?",
    "dateTimeStamp": rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_ZONE}",
    "date": rf"{_YEAR}-{_MONTH}-{_DAY}{_ZONE}?",
    "time": rf"{_TIME}{_ZONE}?",
    "gYearMonth": rf"{_YEAR}-{_MONTH}{_ZONE}?",
    "gYear": rf"{_YEAR}{_ZONE}?",
    "gMonthDay": rf"--{_MONTH}-{_DAY}{_ZONE}?",
    "gMonth": rf"--{_MONTH}{_ZONE}?",
    "gDay": rf"---{_DAY}{_ZONE}?",
    "duration": rf"-?P(?:{_YEAR_MONTH}(?:[0-9]+D)?(?:{_DAY_TIME})?|[0-9]+D(?:{_DAY_TIME})?|{_DAY_TIME})",
    "yearMonthDuration": rf"-?P{_YEAR_MONTH}",
    "dayTimeDuration": rf"-?P(?:[0-9]+D(?:{_DAY_TIME})?|{_DAY_TIME})",
}.items()}
BOOLEAN = re.compile(r"true|false|1|0")
FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN")
OTHERS = {**DATE_AND_TIME, "boolean": BOOLEAN, "float": FLOAT, "double": FLOAT}
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February's in a leap year


def integer_or_decimal(datatype: str, text: str) -> bool | None:
    """Whether ``text`` is a value of ``datatype`` (an IRI) if that is ``xsd:decimal`` or an integer type, else
    None: not judged here."""
    if datatype == XSD + "decimal":
        return DECIMAL.fullmatch(text) is not None
    bounds = INTEGER_RANGES.get(datatype.removeprefix(XSD)) if datatype.startswith(XSD) else None
    if bounds is None:
        return None
    written = INTEGER.fullmatch(text)
    if written is None:
        return False
    sign, digits = written.groups()
    value = int(sign + digits) if len(digits) <= 30 else (-1 if sign == "-" else 1) * BEYOND_EVERY_BOUND
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def in_lexical_space(datatype: str, text: str) -> bool:
    """Whether ``text`` is a value of ``datatype`` (an IRI of XSD's numbers, booleans, dates, times and durations):
    its grammar, and a day that its month has (the 29th of February in a leap year, and in ``xsd:gMonthDay``,
    which has no year). True for a datatype not known here: a doubtful literal is let pass."""
    pattern = OTHERS.get(datatype.removeprefix(XSD)) if datatype.startswith(XSD) else None
    if pattern is None:
        return True
    written = pattern.fullmatch(text)
    if written is None:
        return False
    parts = written.groupdict()
    if parts.get("day") is None:
        return True
    day, month = int(parts["day"]), int(parts["month"])
    if day <= 28 or day <= DAYS_IN_MONTH[month - 1] and (month != 2 or parts.get("year") is None):
        return True
    return month == 2 and day == 29 and leap(parts["year"])


def leap(year: str) -> bool:
    """Whether the year written ``year`` (XSD 1.1: 0000 is 1 BCE, a leap year) is a leap year; by its last four
    digits, which tell it modulo 400 (a year may have more digits than int() takes)."""
    last = int(year[-4:])
    return last % 4 == 0 and (last % 100 != 0 or last % 400 == 0)


def is_value(datatype: str, text: str) -> bool:
    """Whether ``text`` is a value of ``datatype`` (an IRI); True for a datatype not judged here."""
    judged = integer_or_decimal(datatype, text)
    return in_lexical_space(datatype, text) if judged is None else judged
