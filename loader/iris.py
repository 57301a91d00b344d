"""Pure functions from UN symbols, numbers and dates to the IRIs unkg mints.

Every IRI is readable and deterministic: the same source always gives the same IRI, so a load is idempotent
and a link never breaks. ``base`` is the data base IRI (see :func:`loader.namespaces.data_base`).

>>> B = "https://w3id.org/unkg/"
>>> document(B, "CTOC/COP/WG.3/2023/1")
'https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1'
>>> expression(B, "CTOC/COP/WG.3/2023/1", "zho")
'https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho'
>>> provision(B, "UNTOC", article="27", paragraph="1", subparagraph="a")
'https://w3id.org/unkg/instrument/UNTOC/art/27/para/1/subpara/a'
>>> meeting(B, "CTOC-COP/WG.3", 14)
'https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14'
>>> agenda_item(meeting(B, "CTOC-COP/WG.3", 14), "1", "a")
'https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/agenda/item/1/a'
>>> decision(B, "CTOC-COP/extended-bureau", "2023-04-19")
'https://w3id.org/unkg/decision/CTOC-COP/extended-bureau/2023-04-19'
>>> graph(B, "CTOC-COP-WG.3-2023-1-zho")
'https://w3id.org/unkg/graph/CTOC-COP-WG.3-2023-1-zho'
>>> footnote(expression(B, "CTOC/COP/WG.3/2023/1", "zho"), "2")
'https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/footnote/2'
>>> thematic_cluster(B, "CTOC-COP/review-mechanism", 4)
'https://w3id.org/unkg/body/CTOC-COP/review-mechanism/cluster/4'
>>> documentation_entry(agenda_item(meeting(B, "CTOC-COP/WG.3", 14), "2"), 1)
'https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/agenda/item/2/documentation/1'
>>> programme_entry(time_slot(meeting(B, "CTOC-COP/WG.3", 14), "2023-09-11T10:00"), 2)
'https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/programme/2023-09-11T1000/entry/2'
"""

from __future__ import annotations

import re
from urllib.parse import quote

_SAFE = "/.-_()"  # kept as written in a UN symbol path; everything else is percent-encoded

# A UN document symbol, as unkg:symbol holds it and a document's IRI carries it (the pattern of the shape
# Document-symbol, shapes/unkg-violations.ttl): a capital letter, then names and numbers after '/' (WG.3, L.5,
# Rev.1, ES-10), with a '.' or '-' only between letters or digits. So no segment is '.' or '..', which would make
# the IRI name another document (doc/A/../B is doc/B by RFC 3986), nor ends in a stray '.'.
# One segment (loader/sources/agenda_text.py reads printed symbols with the same one):
SEGMENT = r"[A-Za-z0-9]+([.-][A-Za-z0-9]+)*"
SYMBOL = re.compile(rf"[A-Z][A-Z0-9]*(/{SEGMENT})+")


def symbol_problem(symbol: str) -> str:
    """Why ``symbol`` is no UN document symbol, for a message (what :data:`SYMBOL` refuses in it); empty when it is one.

    >>> symbol_problem("CTOC/COP/WG.3/../2023/1").endswith("would make its IRI name another document (doc/A/../B is "
    ...                                                    "doc/B)")
    True
    >>> symbol_problem("ctoc/cop/wg.3/2023/1")
    "it begins with 'ctoc', not with a capital letter and then capital letters or digits (CTOC)"
    >>> symbol_problem("CTOC/COP/WG.3/2023/1")
    ''
    """
    if SYMBOL.fullmatch(symbol):
        return ""
    if symbol != symbol.strip():
        return "it has a space before or after it"
    first, *segments = symbol.split("/")
    if not re.fullmatch(r"[A-Z][A-Z0-9]*", first):
        return f"it begins with {first!r}, not with a capital letter and then capital letters or digits (CTOC)"
    if not segments:
        return "it has no '/': a symbol is names and numbers after its first part, each after a '/'"
    for segment in segments:
        if not segment:
            return "it has an empty segment (a '//' or a final '/')"
        if bad := re.search(r"[^A-Za-z0-9.-]", segment):
            return f"its segment {segment!r} holds {bad.group()!r}: a segment is letters and digits, '.' and '-'"
        if not re.fullmatch(SEGMENT, segment):
            problem = (f"its segment {segment!r} is no name or number (a '.' or '-' only between letters or digits: "
                       "WG.3, ES-10)")
            if segment in (".", ".."):
                problem += (": a '.' or '..' segment would make its IRI name another document (doc/A/../B is "
                            "doc/B)")
            return problem
    return "it is not one"  # unreachable while the checks above mirror SYMBOL; kept so a message always says why


def _segment(text: str) -> str:
    return quote(text.strip(), safe=_SAFE)


def document(base: str, symbol_or_slug: str) -> str:
    """A document (a work) by its UN symbol as written, slashes kept; or by a slug when it has no symbol."""
    return f"{base}doc/{_segment(symbol_or_slug)}"


def expression(base: str, symbol_or_slug: str, language: str) -> str:
    """A language version of a document; ``language`` is the ISO 639-2 code (``zho``, ``eng``)."""
    if not re.fullmatch(r"[a-z]{3}", language):
        raise ValueError(f"not an ISO 639-2 code: {language!r}")
    return f"{document(base, symbol_or_slug)}/{language}"


def instrument(base: str, key: str) -> str:
    """A legal instrument (a convention, rules of procedure) by a short key such as ``UNTOC``."""
    return f"{base}instrument/{_segment(key)}"


def provision(
    base: str,
    instrument_key: str,
    *,
    article: str | None = None,
    paragraph: str | None = None,
    subparagraph: str | None = None,
    item: str | None = None,
    subitem: str | None = None,
) -> str:
    """A provision by its number path: article, paragraph, subparagraph, item, sub-item (each optional)."""
    iri = instrument(base, instrument_key)
    for step, value in (("art", article), ("para", paragraph), ("subpara", subparagraph), ("item", item),
                        ("subitem", subitem)):
        if value is not None:
            iri += f"/{step}/{_segment(str(value))}"
    return iri


def body(base: str, path: str) -> str:
    """A body or post, by a path such as ``CTOC-COP``, ``CTOC-COP/WG.3`` or ``CTOC-COP/extended-bureau``."""
    return f"{base}body/{_segment(path)}"


def meeting(base: str, body_path: str, number: int) -> str:
    """The ``number``th meeting (session) of a body."""
    return f"{base}meeting/{_segment(body_path)}/{int(number)}"


def agenda(meeting_iri: str) -> str:
    return f"{meeting_iri}/agenda"


def agenda_item(meeting_iri: str, number: str, sub: str | None = None) -> str:
    """Item ``1`` or sub-item ``1(a)`` (``number="1", sub="a"``) of a meeting's agenda."""
    iri = f"{agenda(meeting_iri)}/item/{_segment(number)}"
    return f"{iri}/{_segment(sub)}" if sub else iri


def annotation(item_iri: str, order: int) -> str:
    """The ``order``th explanatory paragraph of an agenda item's annotations."""
    return f"{item_iri}/annotation/{int(order)}"


def documentation_entry(item_iri: str, order: int) -> str:
    """The ``order``th entry of an agenda item's documentation list."""
    return f"{item_iri}/documentation/{int(order)}"


def footnote(expression_iri: str, mark: str) -> str:
    """A footnote of a language version of a document, by its mark as printed (``1``, ``2``)."""
    return f"{expression_iri}/footnote/{_segment(mark)}"


def thematic_cluster(base: str, mechanism_path: str, number: int) -> str:
    """The ``number``th thematic cluster of a review mechanism (a body path such as ``CTOC-COP/review-mechanism``)."""
    return f"{body(base, mechanism_path)}/cluster/{int(number)}"


def time_slot(meeting_iri: str, start: str) -> str:
    """A slot of the work programme by its local start, ``2023-09-11T10:00`` -> ``.../programme/2023-09-11T1000``."""
    return f"{meeting_iri}/programme/{start.replace(':', '')}"


def programme_entry(slot_iri: str, order: int) -> str:
    """The ``order``th row of a work-programme slot (an agenda item taken up in it)."""
    return f"{slot_iri}/entry/{int(order)}"


def decision(base: str, body_path: str, date: str, ordinal: int = 1) -> str:
    """A decision by the deciding body and its date; a second decision the same day gets ``-2``."""
    suffix = "" if ordinal == 1 else f"-{ordinal}"
    return f"{base}decision/{_segment(body_path)}/{date}{suffix}"


def event(base: str, path: str) -> str:
    """Another event, such as a constructive dialogue, by a readable path."""
    return f"{base}event/{_segment(path)}"


def place(base: str, slug: str) -> str:
    return f"{base}place/{_segment(slug)}"


def passage(expression_iri: str, line: int) -> str:
    """A passage (one line or paragraph) of a source text, by its 1-based line number in the file."""
    return f"{expression_iri}/L{int(line)}"


def graph(base: str, source_id: str) -> str:
    """The named graph that holds everything loaded from one source."""
    return f"{base}graph/{_segment(source_id)}"
