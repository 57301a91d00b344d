"""A request's parameters, read the same way at every endpoint (``/sparql``, the Graph Store protocol, ``/about``,
the query page): a parameter that takes one value, given more than once, is refused (400), never resolved to one
of its values on a guess (Starlette's ``query_params[name]`` is the last).

>>> one(["a"], "graph")
'a'
>>> one(["a", "b"], "graph")
Traceback (most recent call last):
api.errors.BadRequest: give exactly one 'graph', not 2
>>> at_most_one({}, "format") is None
True
"""

from __future__ import annotations

from api.errors import BadRequest


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
