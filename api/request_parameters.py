"""A request's parameters, read the same way at every endpoint (``/sparql``, the Graph Store protocol, ``/about``,
the query page): a query string or form whose %-escapes are not UTF-8 is refused (400) naming the parameter,
never read with U+FFFD in its place (as Starlette's ``query_params`` reads it); a parameter that takes one value,
given more than once, is refused (400), never resolved to one of its values on a guess (``query_params[name]`` is
the last).

>>> parameters_of(b"format=json&iri=%FF", "query string")
Traceback (most recent call last):
api.errors.BadRequest: the query string is not UTF-8 once its %-escapes are decoded: the value of 'iri'

>>> one(["a"], "graph")
'a'
>>> one(["a", "b"], "graph")
Traceback (most recent call last):
api.errors.BadRequest: give exactly one 'graph', not 2
>>> at_most_one({}, "format") is None
True
"""

from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.requests import Request

from api.errors import BadRequest
from api.query_string import decode, parameters


def query_parameters(request: Request) -> QueryParams:
    """The parameters of the request's query string, each decoded as UTF-8 (400 naming one that is not)."""
    return QueryParams(parameters_of(request.scope["query_string"], "query string"))


def parameters_of(raw: bytes, where: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a query string or form (``where`` says which); 400 naming the parameter whose
    bytes are not UTF-8 once its %-escapes are decoded."""
    try:
        return parameters(raw)
    except UnicodeDecodeError:
        raise BadRequest(f"the {where} is not UTF-8 once its %-escapes are decoded: {_not_utf8(raw)}") from None


def _not_utf8(raw: bytes) -> str:
    """Which part of ``raw`` is not UTF-8: the first parameter's name or value that is not."""
    for part in raw.split(b"&"):
        name, _, value = part.partition(b"=")
        try:
            shown = decode(name)
        except UnicodeDecodeError:
            return "a parameter's name"
        try:
            decode(value)
        except UnicodeDecodeError:
            return f"the value of '{shown[:40]}'"
    return "a parameter"  # not reached: parameters() failed on one of them


def one(values: list[str], name: str) -> str:
    """The single value of the parameter ``name``; 400 for none or several."""
    if len(values) != 1:
        raise BadRequest(f"give exactly one '{name}', not {len(values)}")
    return values[0]


def at_most_one(params, name: str) -> str | None:
    """The value of the single-valued parameter ``name`` in ``params`` (a multi-dict: ``getlist``), None if absent;
    400 if it is given more than once."""
    values = params.getlist(name) if name in params else []
    return one(values, name) if values else None
