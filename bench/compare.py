"""Are two SPARQL JSON results the same answer? Compare sorted bindings, with terms in a canonical form.

Systems write the same value differently (``"1"^^xsd:integer`` vs ``"01"``, a plain literal with or without
``xsd:string``, the old ``typed-literal`` type), so each term is reduced to a comparable tuple first.

>>> a = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1",
...      "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}
>>> b = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "typed-literal", "value": "01",
...      "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}
>>> same_answer(a, b)
True
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + t for t in ("integer", "decimal", "int", "long", "short", "nonNegativeInteger")}


def term(value: dict) -> tuple:
    kind = value.get("type")
    if kind in ("uri", "bnode"):
        return (kind, value["value"])
    datatype = value.get("datatype")
    language = value.get("xml:lang")
    if language:
        return ("literal", value["value"], "@" + language.lower())
    if datatype in (None, XSD + "string"):
        return ("literal", value["value"], "")
    if datatype in _NUMERIC:
        try:
            return ("literal", str(Decimal(value["value"]).normalize()), "number")
        except InvalidOperation:
            pass
    if datatype == XSD + "dateTimeStamp":  # Oxigraph stores and returns these as xsd:dateTime
        return ("literal", value["value"], XSD + "dateTime")
    if datatype == XSD + "boolean":
        return ("literal", value["value"].strip().lower() in ("true", "1"), "boolean")
    return ("literal", value["value"], datatype)


def canonical(result: dict) -> list[tuple]:
    """The bindings as a sorted list of sorted (variable, term) tuples; ``ASK`` as its boolean."""
    if "boolean" in result:
        return [("boolean", bool(result["boolean"]))]
    rows = []
    for binding in result.get("results", {}).get("bindings", []):
        rows.append(tuple(sorted((name, term(value)) for name, value in binding.items())))
    return sorted(rows, key=repr)


def same_answer(a: dict, b: dict) -> bool:
    return canonical(a) == canonical(b)


def difference(a: dict, b: dict, limit: int = 3) -> str:
    """A short description of how two answers differ, for the report."""
    left, right = canonical(a), canonical(b)
    only_left = [row for row in left if row not in right][:limit]
    only_right = [row for row in right if row not in left][:limit]
    return f"{len(left)} vs {len(right)} rows; only in first: {only_left}; only in second: {only_right}"
