"""The SPARQL queries the pages and exports run, read from ``api/queries/<name>.rq``.

Queries are data: each lives in its own file with a leading ``# what it answers`` comment. A query with
placeholders (``$resource``, ``$limit``) is filled through :func:`fill`, which writes each value in SPARQL syntax
itself, so nothing reaches a query unescaped: an IRI through :func:`api.terms.iri_ref`, a literal through
:meth:`api.terms.Term.sparql`, a number as an integer. A missing placeholder value is an error, not a gap.

>>> "SELECT" in load("resource_outgoing")
True
>>> fill("resource_outgoing", resource=Term("uri", "https://w3id.org/unkg/g")).count("<https://w3id.org/unkg/g>")
1
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable
from pathlib import Path

from api.terms import Term

QUERIES = Path(__file__).with_name("queries")

Value = Term | int | Iterable[Term]


@functools.cache
def load(name: str) -> str:
    """The text of ``queries/<name>.rq`` (read once)."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def names() -> list[str]:
    """Every query file's name, sorted."""
    return sorted(path.stem for path in QUERIES.glob("*.rq"))


def sparql_value(value: Value) -> str:
    """One placeholder value in SPARQL syntax: a :class:`Term` (IRI or literal), an integer, or several terms
    (space-separated, for a ``VALUES`` block). A plain string is refused: say whether it is an IRI or a literal."""
    if isinstance(value, Term):
        return value.sparql()
    if isinstance(value, bool | str | bytes):
        raise TypeError(f"a query value must be a Term, an int or terms, not {value!r}")
    if isinstance(value, int):
        return str(int(value))
    return " ".join(sparql_value(v) if isinstance(v, Term) else _refuse(v) for v in value)


def _refuse(value) -> str:
    raise TypeError(f"a VALUES block takes Terms, not {value!r}")


def fill(name: str, **values: Value) -> str:
    """The query ``name`` with each ``$placeholder`` replaced by its value written safely (see
    :func:`sparql_value`); a placeholder without a value raises ``KeyError``."""
    return string.Template(load(name)).substitute({key: sparql_value(v) for key, v in values.items()})
