"""Content negotiation, one function per kind of answer, each with its explicit list of formats.

A ``format`` parameter (a short name or a media type) wins over ``Accept``. Otherwise the format with the highest
q-value in ``Accept`` is chosen, the most specific media range deciding a format's q-value (python-mimeparse), and
``q=0`` meaning "not this"; ties go to the first format in the list. Aliases (``application/json`` for SPARQL JSON
results) count only when named exactly, never through a wildcard such as ``text/*``. None acceptable: ``None``
(the caller answers 406), so that a query can be checked for its kind first. No ``Accept`` means ``*/*``.

>>> results_format("text/csv;q=0.5, application/sparql-results+xml").name
'xml'
>>> graph_format("text/*;q=0.9, text/turtle;q=0, application/n-triples;q=0.5", None).name
'ntriples'
>>> results_format("application/*", "tsv").media_type
'text/tab-separated-values'
>>> results_format("image/png") is None
True
>>> results_format("Application/SPARQL-Results+JSON").name, graph_format("Text/Turtle", None).name
('json', 'turtle')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import mimeparse

from api.errors import BadRequest
from api.shown import MAX_SHOWN, shown


@dataclass(frozen=True)
class Format:
    name: str  # the ``format`` parameter's value
    media_type: str  # what the response's Content-Type says
    accepts: tuple[str, ...] = ()  # other media types that ask for it


RESULTS = (
    Format("json", "application/sparql-results+json", ("application/json",)),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)
GRAPHS = (
    Format("turtle", "text/turtle", ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", ("text/plain",)),
    Format("nquads", "application/n-quads"),
    Format("trig", "application/trig"),
    Format("jsonld", "application/ld+json", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml")),
)
DESCRIPTIONS = tuple(f for f in GRAPHS if f.name in ("turtle", "jsonld", "ntriples", "rdfxml"))
# ``format=json`` or ``format=xml`` for a CONSTRUCT means the RDF format of that family
GRAPH_ALIASES = {"json": "jsonld", "xml": "rdfxml", "ttl": "turtle", "nt": "ntriples", "nq": "nquads"}
HTML = "text/html"
CACHE_SIZE = 512  # clients send few distinct Accept headers; parsing one costs far more than a look-up
MAX_CACHED = 1000  # a longer Accept (or format) value is negotiated every time, never kept (browsers send < 300)
KNOWN_NAMES = sorted({f.name for f in RESULTS + GRAPHS} | set(GRAPH_ALIASES))


def _cached(function):
    """``function`` with its answers for short arguments kept (an LRU cache); a long one, which no real client
    sends, is negotiated anew, so that the cache never holds more than ``CACHE_SIZE`` short strings."""
    cached = functools.lru_cache(maxsize=CACHE_SIZE)(function)

    @functools.wraps(function)
    def negotiate(*args: str | None):
        if any(arg is not None and len(arg) > MAX_CACHED for arg in args):
            return function(*args)
        return cached(*args)

    negotiate.cache_info = cached.cache_info
    negotiate.cache_clear = cached.cache_clear
    return negotiate


@_cached
def results_format(accept: str | None, format_parameter: str | None = None) -> Format | None:
    """The format for SELECT and ASK results."""
    return _choose(RESULTS, accept, format_parameter, {})


@_cached
def graph_format(accept: str | None, format_parameter: str | None = None) -> Format | None:
    """The format for CONSTRUCT and DESCRIBE results."""
    return _choose(GRAPHS, accept, format_parameter, GRAPH_ALIASES)


@_cached
def description_format(accept: str | None, format_parameter: str | None = None,
                       without: tuple[str, ...] = ()) -> Format | None:
    """The format of a description (of the service, of a resource): Turtle unless asked otherwise. ``without``:
    the names of formats that cannot write this one (JSON-LD has no syntax for a triple term)."""
    return _choose(tuple(f for f in DESCRIPTIONS if f.name not in without), accept, format_parameter, GRAPH_ALIASES)


def check_format_parameter(value: str | None) -> None:
    """A 400 for a ``format`` value that names no format at all (not even one of the other kind)."""
    if value is None:
        return
    name = _format_name(value)
    if name in KNOWN_NAMES or any(name in (f.media_type, *f.accepts) for f in RESULTS + GRAPHS):
        return
    raise BadRequest(f"unknown format {shown(value)}; use one of {', '.join(KNOWN_NAMES)} or a media type")


@_cached
def prefers_html(accept: str | None, formats: tuple[Format, ...] = RESULTS + GRAPHS) -> bool:
    """Whether ``Accept`` asks for a web page rather than one of ``formats`` (a browser): ``text/html`` named, with a
    q-value above theirs, or equal to theirs when they match only through a wildcard (``text/html, */*``). The
    types the answer is never given in (CSV for a resource) do not count.

    >>> prefers_html("text/html, text/csv", DESCRIPTIONS), prefers_html("text/html, */*", DESCRIPTIONS)
    (True, True)
    >>> prefers_html("application/json, text/html;q=0.9", DESCRIPTIONS), prefers_html("*/*", DESCRIPTIONS)
    (False, False)
    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    """
    if not accept:
        return False
    ranges = _ranges(accept)
    html = _named_quality(HTML, ranges)
    named = max(_named_quality(t, ranges) for f in formats for t in (f.media_type, *f.accepts))
    through_wildcards = max(_quality(f.media_type, ranges) for f in formats)
    return html > named and html >= through_wildcards


def _choose(formats, accept, format_parameter, aliases) -> Format | None:
    if format_parameter is not None:
        media_type = _format_name(format_parameter)
        name = aliases.get(media_type, media_type)
        for candidate in formats:
            if name == candidate.name or media_type in (candidate.media_type, *candidate.accepts):
                return candidate
        return None
    header = accept.strip() if accept and accept.strip() else "*/*"
    ranges = _ranges(header)
    best, best_quality = None, 0.0
    for candidate in formats:
        quality = max([_quality(candidate.media_type, ranges),
                       *(_named_quality(alias, ranges) for alias in candidate.accepts)])
        if quality > best_quality:
            best, best_quality = candidate, quality
    return best


def _format_name(value: str) -> str:
    """A ``format`` value as the lists name it: in lower case, a media type without its parameters.

    >>> _format_name("JSON"), _format_name("Text/CSV; charset=utf-8")
    ('json', 'text/csv')
    """
    return value.split(";", 1)[0].strip().lower()


QUOTED = r'"(?:[^"\\]|\\.)*"?'  # RFC 9110 quoted-string (or one left open, to its end)
# a weight (";q=" and its value as sent, quotes and all), or a quoted parameter value, which may hold ";q=2"
WEIGHT_OR_QUOTED = re.compile(rf';\s*q\s*=((?:[^;"]|{QUOTED})*)|{QUOTED}', re.IGNORECASE)
QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")  # RFC 9110 §12.4.2


def _ranges(header: str) -> list[tuple[str, str, dict]]:
    """The media ranges of an ``Accept`` header, each read once, type and subtype in lower case: RFC 9110 §8.3.1,
    "The type and subtype tokens are case-insensitive" (python-mimeparse compares them as written).

    >>> _ranges("Text/Turtle;Q=0.5, */*")
    [('text', 'turtle', {'q': '0.5'}), ('*', '*', {'q': '1'})]
    >>> _ranges("text/csv, ,")
    [('text', 'csv', {'q': '1'})]
    >>> try:
    ...     _ranges("text/turtle;q=-1")
    ... except BadRequest as error:
    ...     print(error)
    cannot read the Accept header 'text/turtle;q=-1': q=-1 is no weight (0 to 1, at most three decimals)
    >>> try:
    ...     _ranges('text/csv;q="0.5"')
    ... except BadRequest as error:
    ...     print(error)
    cannot read the Accept header 'text/csv;q="0.5"': q="0.5" is no weight (0 to 1, at most three decimals)
    """
    ranges = []
    for media_range in header.split(","):
        if not media_range.strip():  # RFC 9110 §5.6.1: a recipient ignores empty list elements ("a, ,b")
            continue
        for match in WEIGHT_OR_QUOTED.finditer(media_range):  # python-mimeparse reads a weight it cannot read
            weight = match.group(1)  # as 1; a parameter's quoted value (which may hold ";q=2") is no weight
            if weight is not None and not QVALUE.fullmatch(weight.strip()):
                raise BadRequest(f"cannot read the Accept header {shown(header)}: q={_cut(weight.strip())} is no "
                                 "weight (0 to 1, at most three decimals)")
        try:
            kind, subtype, parameters = mimeparse.parse_media_range(media_range)
        except (mimeparse.MimeTypeParseException, ValueError) as error:
            raise BadRequest(f"cannot read the Accept header {shown(header)}: {shown(str(error))}") from None
        ranges.append((kind.lower(), subtype.lower(), parameters))
    return ranges


def _cut(value: str) -> str:
    """``value``, or its first :data:`MAX_SHOWN` characters and "…" (the header it is in is quoted as long)."""
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…"


def _named_quality(media_type: str, ranges: list[tuple[str, str, dict]]) -> float:
    """The q-value of ``media_type`` when the header names it exactly (an alias never matches a wildcard)."""
    for kind, subtype, parameters in ranges:
        if f"{kind}/{subtype}" == media_type:
            return _quality(media_type, [(kind, subtype, parameters)])
    return 0.0


def _quality(media_type: str, ranges: list[tuple[str, str, dict]]) -> float:
    return mimeparse.quality_parsed(media_type, ranges)
