"""How an error message quotes a value a client sent: in full when short, cut with its length when long.

A module of its own, importing nothing: the query workers quote what a query holds (:mod:`api.sparql_text`), and
must not import the web framework to do it (each worker would hold it in memory for nothing).

>>> shown("text/csv")
"'text/csv'"
>>> shown("x" * 5000)[-26:]
"xxxxx'… (5,000 characters)"
"""

from __future__ import annotations

MAX_SHOWN = 100  # an error quotes at most this much of a value (an Accept header, a format, a word of a query)


def shown(value: str | None) -> str:
    """``value`` as an error message quotes it: at most ``MAX_SHOWN`` characters, and how long it was if longer."""
    if value is None or len(value) <= MAX_SHOWN:
        return repr(value)
    return f"{value[:MAX_SHOWN]!r}… ({len(value):,} characters)"
