"""Validate against shapes/ at Oxigraph speed: the shapes compiled into SPARQL queries, run on a pyoxigraph Store.

    from loader.shacl_sparql import validate_graph, validate_store

    report = validate_graph(data, context)          # the contract of loader.validate.validate (pySHACL)
    report = validate_store(store, data_subjects)   # everything to validate in the store's default graph

Both return a ``loader.validate.Report`` whose findings are filled as ``loader.validate`` fills them from pySHACL,
which stays the reference implementation (tests/test_shacl_sparql.py compares the two).

The shapes (``loader.validate.shapes_graph()``) are compiled once per process into a list of :class:`Check`: one
SPARQL SELECT per constraint of a shape, over all of its focus nodes at once, returning the focus node (``?this``)
and, where the constraint has one, the offending value (``?value``); a property shape that several node shapes share
is checked once, over the focus nodes of all of them. Only the SHACL features shapes/ uses are compiled:
``sh:targetClass`` and SHACL-AF's SPARQL-based targets (``sh:target`` an ``sh:SPARQLTarget`` with ``sh:select``, on
a node shape without property shapes); property shapes with ``sh:path`` (an IRI, ``sh:alternativePath``,
``sh:inversePath``, a sequence, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath``); ``sh:minCount``,
``sh:maxCount``, ``sh:datatype``, ``sh:class``, ``sh:nodeKind``, ``sh:pattern`` (``sh:flags``), ``sh:in``,
``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minLength``, ``sh:languageIn``, ``sh:uniqueLang``, ``sh:or`` of
shapes made of those value constraints, ``sh:severity``, ``sh:message``, and SPARQL-based constraints (``sh:sparql``
with ``sh:select``, ``sh:prefixes``/``sh:declare``). Any other ``sh:`` term on a shape raises
:class:`UnsupportedShape` when the shapes are compiled, naming the shape and the feature.

How ``$this`` is pre-bound in a SPARQL-based constraint: the focus nodes of the shape are joined in at the start
of the query's outermost group (``{ SELECT DISTINCT ?this WHERE { <targets> } }``), so ``BIND``, ``FILTER`` and
``FILTER (NOT) EXISTS`` of that group, and every nested group that matches ``$this`` in a triple pattern, see it
bound, as the spec's pre-binding does. Queries the spec excludes from pre-binding (``MINUS``, ``SERVICE``,
``VALUES``, sub-queries), ``$shapesGraph``/``$currentShape``, and a nested group (``UNION``, ``OPTIONAL`` …) using
``$this`` only in ``FILTER``/``BIND``, which the join would leave unbound, are refused with :class:`UnsupportedShape`.

Where it differs from pySHACL (the tests show each):

- SPARQL expressions are Oxigraph's, which follow the SPARQL/XPath rules where rdflib does not: an
  ``xsd:dateTime`` without offset compared with one that has one is decided when they are more than 14 hours
  apart (rdflib fails on the comparison, so pySHACL reports nothing).
- Oxigraph stores an ``xsd:dateTimeStamp`` as an ``xsd:dateTime`` with its offset, so ``sh:datatype
  xsd:dateTimeStamp`` accepts an ``xsd:dateTime`` that has an offset (shapes/ accepts both anyway).
- Oxigraph stores numbers and dates by value, so ``validate_store`` reports ``"1.50"^^xsd:decimal`` as ``1.5``
  and an offset ``+00:00`` as ``Z``; ``validate_graph`` gives such values (and the SPARQL messages quoting them)
  the lexical form rdflib has, as pySHACL reports them.
  It also counts two spellings of one value ("70" and "70.0"^^xsd:decimal) as one value, where rdflib counts
  two: ``unkg validate`` therefore reads a file as a store holds it (:func:`loader.rdf_files.as_stored`), so
  that it counts the values ``unkg load`` would write.
- A shape with several sh:message: pySHACL keeps them all and loader.validate takes whichever rdflib returns
  first (it changes from one process to the next); here it is the English one (else the first in sorted order).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Container, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from loader.errors import SourceError, UnkgError
from loader.namespaces import SH
from loader.validate import (
    ONTOLOGY_DIR,
    Finding,
    Report,
    finding_order,
    joined_finding,
    kind_of,
    shapes_graph,
    turtle_files,
    with_undescribed_notes,
)


class UnsupportedShape(UnkgError):
    """A shape uses a SHACL feature this validator does not compile."""


# --- compiled checks ---

@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a SPARQL query whose solutions are its validation results."""

    query: str
    shape: str  # the IRI (or blank node id) of the sh:sourceShape
    component: str  # e.g. "MinCountConstraintComponent"
    severity: str  # "Violation", "Warning" or "Info"
    path: str | None  # the sh:resultPath of a property shape (an IRI, or the id of a blank-node path)
    message: str  # the sh:message (a template with {$this}/{?value} for SPARQL-based constraints)
    sparql_based: bool = False  # a SPARQL-based constraint: ?path/?value from the query, message filled in
    value_is_focus: bool = False  # no ?value: the focus node is the value (node shapes)
    this_selected: bool = True  # the query itself selects $this (else it is added, but not for the message)


RDF_TYPE = str(RDF.type)
SUBCLASS_OF = str(RDFS.subClassOf)

# sh: terms that may appear on a shape, and what they are (anything else from sh: is refused)
SHAPE_TERMS = {SH.targetClass, SH.target, SH.property, SH.path, SH.severity, SH.message, SH.sparql, SH.name,
               SH.description, SH.order, SH.group, SH.NodeShape, SH.PropertyShape}
VALUE_TERMS = {SH.datatype, SH["class"], SH.nodeKind, SH.pattern, SH.flags, SH["in"], SH.minInclusive,
               SH.maxInclusive, SH.minLength, SH.languageIn, SH["or"]}
COUNT_TERMS = {SH.minCount, SH.maxCount, SH.uniqueLang}
PATH_TERMS = {SH.alternativePath: "|", SH.inversePath: "^", SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+",
              SH.zeroOrOnePath: "?"}
SPARQL_CONSTRAINT_TERMS = {SH.select, SH.prefixes, SH.message, SH.SPARQLConstraint}
NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
# datatypes whose lexical form is checked (an ill-typed literal does not match, as in pySHACL/rdflib); Oxigraph
# casts the string form and fails on an ill-typed one. Other datatypes are matched by IRI only.
CHECKED_LEXICAL = {XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.boolean, XSD.date, XSD.dateTime,
                   XSD.time, XSD.gYear, XSD.gYearMonth}


def sparql_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def sparql_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return f"{sparql_string(str(term))}@{term.language}"
        if term.datatype is not None:
            return f"{sparql_string(str(term))}^^<{term.datatype}>"
        return sparql_string(str(term))
    raise TypeError(f"no SPARQL text for {term!r}")


def refuse(shape, feature: str) -> UnsupportedShape:
    return UnsupportedShape(f"shape {shape} uses {feature}, which loader.shacl_sparql does not support")


def sh_terms(graph: Graph, node) -> set:
    """The sh: predicates on a node, and its sh: types."""
    terms = {p for p in graph.predicates(node, None) if str(p).startswith(str(SH))}
    terms |= {t for t in graph.objects(node, RDF.type) if str(t).startswith(str(SH))}
    return terms


def one_value(graph: Graph, shape, predicate):
    values = list(graph.objects(shape, predicate))
    if len(values) > 1:
        raise refuse(shape, f"several values of {predicate}")
    return values[0] if values else None


def english_message(graph: Graph, node) -> str | None:
    """The sh:message of a node: the English one if there are several (or the first in sorted order)."""
    messages = sorted(graph.objects(node, SH.message), key=lambda m: (getattr(m, "language", None) != "en", str(m)))
    return str(messages[0]) if messages else None


def severity_of(graph: Graph, shape) -> str:
    severity = one_value(graph, shape, SH.severity)
    return str(severity or SH.Violation).rsplit("#", 1)[-1]


# --- paths ---

def path_text(graph: Graph, path, shape) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if not isinstance(path, BNode):
        raise refuse(shape, f"the path {path!r}")
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(path_text(graph, p, shape) for p in Collection(graph, path)) + ")"
    kinds = [(p, o) for p, o in graph.predicate_objects(path) if p in PATH_TERMS]
    if len(kinds) != 1 or len(set(graph.predicates(path, None))) != 1:
        raise refuse(shape, "a property path other than an IRI, a sequence, sh:alternativePath, sh:inversePath "
                            "or sh:zeroOrMorePath/sh:oneOrMorePath/sh:zeroOrOnePath")
    kind, inner = kinds[0]
    if kind == SH.alternativePath:
        return "(" + "|".join(path_text(graph, p, shape) for p in Collection(graph, inner)) + ")"
    if kind == SH.inversePath:
        return f"^{path_text(graph, inner, shape)}"
    return f"({path_text(graph, inner, shape)}){PATH_TERMS[kind]}"


# --- value conditions: a SPARQL expression that is true when the value node conforms ---

def datatype_condition(datatype, v: str) -> str:
    if datatype == RDF.langString:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    if datatype == RDFS.Literal:
        return f"isLiteral({v})"
    if datatype == XSD.dateTimeStamp:  # Oxigraph stores an xsd:dateTimeStamp as an xsd:dateTime with its offset
        return (f"(isLiteral({v}) && (DATATYPE({v}) = <{datatype}> "
                f'|| (DATATYPE({v}) = <{XSD.dateTime}> && TZ({v}) != "")))')
    test = f"(isLiteral({v}) && DATATYPE({v}) = <{datatype}>"
    if datatype in CHECKED_LEXICAL:
        test += f" && isLiteral(<{datatype}>(STR({v})))"
    return test + ")"


def class_condition(cls, v: str) -> str:
    return f"EXISTS {{ {v} <{RDF_TYPE}>/<{SUBCLASS_OF}>* <{cls}> }}"


def pattern_condition(graph: Graph, shape, pattern, v: str) -> str:
    flags = one_value(graph, shape, SH.flags)
    arguments = f"STR({v}), {sparql_string(str(pattern))}" + (f", {sparql_string(str(flags))}" if flags else "")
    return f"(!isBlank({v}) && REGEX({arguments}))"


def in_condition(graph: Graph, members, v: str) -> str:
    tests = [f"sameTerm({v}, {sparql_term(m)})" for m in Collection(graph, members)]
    return "(" + (" || ".join(tests) or "false") + ")"


def language_in_condition(graph: Graph, languages, v: str) -> str:
    wanted = [str(lang).lower() for lang in Collection(graph, languages)]
    if "*" in wanted:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    listed = ", ".join(sparql_string(lang) for lang in wanted)
    return (f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({listed}) '
            f'|| LCASE(STRBEFORE(LANG({v}), "-")) IN ({listed})))')


def range_condition(operator: str, bound, v: str) -> str:
    """pySHACL's rule: a string compares only with a string; anything not comparable fails."""
    strings = isinstance(bound.value, str)
    kind = f"(DATATYPE({v}) = <{XSD.string}> || LANG({v}) != \"\")"
    kind = kind if strings else f"!{kind}"
    return f"(isLiteral({v}) && {kind} && {v} {operator} {sparql_term(bound)})"


def value_conditions(graph: Graph, shape, v: str = "?value", classes: bool = True,
                     skip_or: set | frozenset = frozenset()) -> Iterator[tuple[str, str]]:
    """(component, condition) for every value constraint of a shape; sh:or members are shapes of these (but the
    sh:or lists in ``skip_or``, which :func:`value_queries` compiles on their own)."""
    for datatype in graph.objects(shape, SH.datatype):
        yield "DatatypeConstraintComponent", datatype_condition(datatype, v)
    for cls in graph.objects(shape, SH["class"]) if classes else ():
        yield "ClassConstraintComponent", class_condition(cls, v)
    for kind in graph.objects(shape, SH.nodeKind):
        if kind not in NODE_KINDS:
            raise refuse(shape, f"sh:nodeKind {kind}")
        yield "NodeKindConstraintComponent", NODE_KINDS[kind].format(v=v)
    for pattern in graph.objects(shape, SH.pattern):
        yield "PatternConstraintComponent", pattern_condition(graph, shape, pattern, v)
    for members in graph.objects(shape, SH["in"]):
        yield "InConstraintComponent", in_condition(graph, members, v)
    for bound in graph.objects(shape, SH.minInclusive):
        yield "MinInclusiveConstraintComponent", range_condition(">=", bound, v)
    for bound in graph.objects(shape, SH.maxInclusive):
        yield "MaxInclusiveConstraintComponent", range_condition("<=", bound, v)
    for length in graph.objects(shape, SH.minLength):
        yield "MinLengthConstraintComponent", f"(!isBlank({v}) && STRLEN(STR({v})) >= {int(length)})"
    for languages in graph.objects(shape, SH.languageIn):
        yield "LanguageInConstraintComponent", language_in_condition(graph, languages, v)
    for members in graph.objects(shape, SH["or"]):
        if members not in skip_or:
            yield "OrConstraintComponent", or_condition(graph, shape, members, v)


def or_condition(graph: Graph, shape, members, v: str) -> str:
    """True when the value conforms to one of the member shapes (each a conjunction of value constraints)."""
    alternatives = []
    for member in Collection(graph, members):
        unsupported = sh_terms(graph, member) - VALUE_TERMS - {SH.NodeShape, SH.message, SH.severity, SH.name}
        if unsupported:
            raise refuse(shape, f"sh:or with a member shape using {', '.join(sorted(map(str, unsupported)))}")
        parts = [f"COALESCE({condition}, false)" for _, condition in value_conditions(graph, member, v)]
        alternatives.append("(" + (" && ".join(parts) or "true") + ")")
    return "(" + (" || ".join(alternatives) or "false") + ")"


# --- queries ---

def focus_nodes(target_classes: list) -> str:
    """A group binding ?this once to each SHACL instance of the classes (rdfs:subClassOf* in the data graph)."""
    instances = " UNION ".join(f"{{ ?this <{RDF_TYPE}>/<{SUBCLASS_OF}>* <{c}> }}" for c in target_classes)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {instances} }} }}"


def shared_focus_nodes(targets_by_node_shape: list[list]) -> str:
    """The focus nodes of a property shape that several node shapes share (one list of target classes each): ?this
    once per node shape that targets it, told apart by ?origin (the node shape's index), so one query checks them
    all and still reports a node twice when two of the node shapes target it, as pySHACL does.

    Checking a shared shape once is faster than once per node shape, because each query reads the values and the
    classes they must have again: shapes/ attaches ``Resource-wasDerivedFrom`` to eleven node shapes."""
    instances = " UNION ".join(f"{{ ?this <{RDF_TYPE}>/<{SUBCLASS_OF}>* <{c}> BIND ({origin} AS ?origin) }}"
                               for origin, classes in enumerate(targets_by_node_shape) for c in classes)
    return f"{{ SELECT DISTINCT ?this ?origin WHERE {{ {instances} }} }}"


def value_query(targets: str, path: str | None, condition: str) -> str:
    values = f"?this {path} ?value ." if path else "BIND (?this AS ?value)"
    return (f"SELECT DISTINCT ?this ?origin ?value WHERE {{ {targets} {values} "
            f"FILTER (!COALESCE({condition}, false)) }}")


def class_query(targets: str, path: str | None, cls) -> str:
    """The values that are not SHACL instances of the class (MINUS: twice as fast in Oxigraph as NOT EXISTS)."""
    values = f"?this {path} ?value ." if path else "BIND (?this AS ?value)"
    return (f"SELECT DISTINCT ?this ?origin ?value WHERE {{ {targets} {values} "
            f"MINUS {{ ?value <{RDF_TYPE}>/<{SUBCLASS_OF}>* <{cls}> }} }}")


def classes_only(graph: Graph, members) -> list | None:
    """The classes of an sh:or list whose members each say only ``sh:class C`` (a creator is a body or a post),
    else None."""
    classes = []
    for member in Collection(graph, members):
        said = set(graph.predicates(member, None)) - {RDF.type, SH.message, SH.severity, SH.name}
        found = list(graph.objects(member, SH["class"]))
        if said != {SH["class"]} or len(found) != 1:
            return None
        classes.append(found[0])
    return classes or None


def class_or_query(targets: str, path: str | None, classes: list) -> str:
    """The values that are instances of none of the classes: one MINUS, as :func:`class_query`. The FILTER with
    one EXISTS per class that any other sh:or compiles to took 67 s at a million triples where each document
    names the same few bodies as its creators (each body typed again in every document's graph), this 0.2 s."""
    values = f"?this {path} ?value ." if path else "BIND (?this AS ?value)"
    instances = " UNION ".join(f"{{ ?value <{RDF_TYPE}>/<{SUBCLASS_OF}>* <{cls}> }}" for cls in classes)
    return f"SELECT DISTINCT ?this ?origin ?value WHERE {{ {targets} {values} MINUS {{ {instances} }} }}"


def value_queries(graph: Graph, shape, targets: str, path: str | None) -> Iterator[tuple[str, str]]:
    """(component, query) for every value constraint of a shape."""
    ors = {members: classes_only(graph, members) for members in graph.objects(shape, SH["or"])}
    for component, condition in value_conditions(graph, shape, classes=False,
                                                 skip_or={m for m, classes in ors.items() if classes}):
        yield component, value_query(targets, path, condition)
    for cls in graph.objects(shape, SH["class"]):
        yield "ClassConstraintComponent", class_query(targets, path, cls)
    for classes in ors.values():
        if classes:
            yield "OrConstraintComponent", class_or_query(targets, path, classes)


def min_count_query(targets: str, path: str, minimum: int) -> str:
    if minimum == 1:
        return f"SELECT ?this ?origin WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} ?any }} }}"
    return (f"SELECT ?this ?origin WHERE {{ {targets} OPTIONAL {{ ?this {path} ?any }} }} "
            f"GROUP BY ?this ?origin HAVING (COUNT(DISTINCT ?any) < {minimum})")


def max_count_query(targets: str, path: str, maximum: int) -> str:
    if maximum == 0:
        return f"SELECT ?this ?origin WHERE {{ {targets} FILTER EXISTS {{ ?this {path} ?any }} }}"
    # counted even for a maximum of 1: a self-join (two different values) is up to 2x faster on most shapes, but
    # Oxigraph plans some of them so badly that it takes seconds at a million triples (Body-unitOf: 14 s vs 0.03 s)
    return (f"SELECT ?this ?origin WHERE {{ {targets} ?this {path} ?any }} "
            f"GROUP BY ?this ?origin HAVING (COUNT(DISTINCT ?any) > {maximum})")


def unique_lang_query(targets: str, path: str) -> str:
    """One result per focus node and language used by more than one value (no sh:value, as pySHACL)."""
    return (f"SELECT ?this ?origin ?language WHERE {{ {targets} ?this {path} ?any . "
            f'FILTER (isLiteral(?any) && LANG(?any) != "") '
            f"BIND (LCASE(LANG(?any)) AS ?language) }} "
            f"GROUP BY ?this ?origin ?language HAVING (COUNT(DISTINCT ?any) > 1)")


def property_checks(graph: Graph, shape, targets: str) -> Iterator[Check]:
    unsupported = sh_terms(graph, shape) - SHAPE_TERMS - VALUE_TERMS - COUNT_TERMS - {SH.sparql}
    if unsupported:
        raise refuse(shape, ", ".join(sorted(map(str, unsupported))))
    for term, what in ((SH.sparql, "sh:sparql"), (SH.property, "sh:property"), (SH.targetClass, "a target")):
        if (shape, term, None) in graph:
            raise refuse(shape, f"{what} on a property shape")
    path_node = one_value(graph, shape, SH.path)
    if path_node is None:
        raise refuse(shape, "sh:property without sh:path")
    path = path_text(graph, path_node, shape)
    message = english_message(graph, shape)

    def check(query: str, component: str) -> Check:
        return Check(query, shape=str(shape), component=component, severity=severity_of(graph, shape),
                     path=str(path_node), message=message or generic_message(graph, shape, component))

    if (minimum := one_value(graph, shape, SH.minCount)) is not None and int(minimum) > 0:
        yield check(min_count_query(targets, path, int(minimum)), "MinCountConstraintComponent")
    if (maximum := one_value(graph, shape, SH.maxCount)) is not None:
        yield check(max_count_query(targets, path, int(maximum)), "MaxCountConstraintComponent")
    if (unique := one_value(graph, shape, SH.uniqueLang)) is not None and unique.toPython() is True:
        yield check(unique_lang_query(targets, path), "UniqueLangConstraintComponent")
    for component, query in value_queries(graph, shape, targets, path):
        yield check(query, component)


def node_checks(graph: Graph, shape, targets: str) -> Iterator[Check]:
    message = english_message(graph, shape)
    for component, query in value_queries(graph, shape, targets, None):
        yield Check(query, shape=str(shape), component=component,
                    severity=severity_of(graph, shape), path=None,
                    message=message or generic_message(graph, shape, component))


GENERIC_MESSAGES = {  # pySHACL's own message for a constraint without sh:message, where it depends on nothing else
    "NodeKindConstraintComponent": (SH.nodeKind, "Value is not of Node Kind {}"),
    "DatatypeConstraintComponent": (SH.datatype, "Value is not Literal with datatype {}"),
    "ClassConstraintComponent": (SH["class"], "Value does not have class {}"),
}


def generic_message(graph: Graph, shape, component: str) -> str:
    """pySHACL's message for a constraint of a shape without sh:message; refused where pySHACL's depends on the
    focus node or value as written in the data graph (counts, sh:in, sh:or, ranges, languages)."""
    if component == "UniqueLangConstraintComponent":
        return "More than one String shares the same Language"
    if component == "PatternConstraintComponent" and len(patterns := list(graph.objects(shape, SH.pattern))) == 1:
        return f"Value does not match pattern '{patterns[0]}'"
    if component in GENERIC_MESSAGES:
        parameter, text = GENERIC_MESSAGES[component]
        values = list(graph.objects(shape, parameter))
        if len(values) == 1:
            namespaces = graph.namespace_manager
            namespaces.bind("sh", SH, override=False, replace=False)
            return text.format(values[0].n3(namespace_manager=namespaces))
    raise refuse(shape, f"a {component} without sh:message (pySHACL's own message for it is not reproduced)")


# --- SPARQL-based constraints ---

FORBIDDEN_IN_SELECT = re.compile(r"\b(MINUS|SERVICE|VALUES)\b|\$(shapesGraph|currentShape)\b|\bAS\s+[?$]this\b",
                                 re.IGNORECASE)
WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
SELECT_CLAUSE = re.compile(r"\bSELECT\s+((?:DISTINCT|REDUCED)\s+)?", re.IGNORECASE)


def prefix_lines(graph: Graph, constraint, shape) -> str:
    lines = []
    for prefixes in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(prefixes, SH.declare):
            prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise refuse(shape, "an sh:declare without sh:prefix and sh:namespace")
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def without_strings(text: str) -> str:
    """The query with its string literals and IRIs blanked out (same length), to look for keywords and braces."""
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', blank, text)
    text = re.sub(r"<[^<>\"{}|^`\\\s]*>", blank, text)
    return re.sub(r"#[^\n]*", blank, text)


THIS = re.compile(r"[?$]this\b")
EXPRESSION_START = re.compile(r"\b(FILTER|BIND)\s*(?:[A-Za-z_][\w:]*\s*)?\(", re.IGNORECASE)


def groups(bare: str) -> Iterator[tuple[int, int, int, bool]]:
    """(start, end, depth, within EXISTS) of every {…} group of a query (strings and IRIs blanked)."""
    stack: list[tuple[int, bool]] = []
    for i, char in enumerate(bare):
        if char == "{":
            exists = bool(re.search(r"\bEXISTS\s*$", bare[max(0, i - 40):i], re.IGNORECASE))
            stack.append((i, exists or bool(stack and stack[-1][1])))
        elif char == "}" and stack:
            start, exists = stack.pop()
            yield start, i + 1, len(stack), exists


def own_text(bare: str, start: int, end: int) -> str:
    """A group's text without its nested groups."""
    text, depth = [], 0
    for char in bare[start + 1:end - 1]:
        depth += char == "{"
        text.append(char if depth == 0 else " ")
        depth -= char == "}"
    return "".join(text)


def without_expressions(text: str) -> str:
    """The text without its FILTER (…) and BIND (…) expressions."""
    while match := EXPRESSION_START.search(text):
        depth, end = 0, match.end() - 1
        for end in range(match.end() - 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        text = text[:match.start()] + text[end + 1:]
    return text


def this_unbound_in_a_nested_group(bare: str, where: int) -> bool:
    """Whether a group nested in the outermost one (not in an EXISTS, which sees the solution's bindings) uses
    $this only in FILTER/BIND expressions: joining the focus nodes in at the top would leave it unbound there,
    where the spec's pre-binding has it bound."""
    for start, end, depth, within_exists in groups(bare):
        if start == where or depth == 0 or within_exists:
            continue
        own = own_text(bare, start, end)
        if THIS.search(own) and not THIS.search(without_expressions(own)):
            return True
    return False


def prebound_select(select: str, targets: str, shape) -> tuple[str, bool]:
    """The sh:select with ?this bound to the focus nodes: joined in at the start of the outermost group, and
    selected if it was not (then also whether the query itself selected it)."""
    bare = without_strings(select)
    if FORBIDDEN_IN_SELECT.search(bare):
        raise refuse(shape, "a SPARQL constraint with MINUS, SERVICE, VALUES, AS ?this, $shapesGraph or "
                            "$currentShape (not pre-bindable, https://www.w3.org/TR/shacl/#pre-binding)")
    clause = SELECT_CLAUSE.search(bare)
    if clause is None or len(re.findall(r"\bSELECT\b", bare, re.IGNORECASE)) != 1:
        raise refuse(shape, "a SPARQL constraint that is not one SELECT (a sub-query, or an ASK/CONSTRUCT)")
    where = WHERE_BRACE.search(bare)
    brace = where.end() if where else bare.find("{") + 1
    if brace <= 0:
        raise refuse(shape, "a SPARQL constraint without a WHERE group")
    if this_unbound_in_a_nested_group(bare, brace - 1):
        raise refuse(shape, "a SPARQL constraint using $this only in FILTER/BIND of a nested group (UNION, "
                            "OPTIONAL, …), where joining the focus nodes in at the top would not pre-bind it")
    query = select[:brace] + f" {targets} " + select[brace:]
    this_selected = bool(re.search(r"[?$]this\b|^\s*\*", bare[clause.end():brace]))
    if not this_selected:
        query = query[:clause.end()] + "?this " + query[clause.end():]
    return query, this_selected


def sparql_checks(graph: Graph, node_shape, targets: str) -> Iterator[Check]:
    for constraint in graph.objects(node_shape, SH.sparql):
        unsupported = sh_terms(graph, constraint) - SPARQL_CONSTRAINT_TERMS
        if unsupported:
            raise refuse(node_shape, f"a SPARQL constraint with {', '.join(sorted(map(str, unsupported)))}")
        select = one_value(graph, constraint, SH.select)
        if select is None:
            raise refuse(node_shape, "a SPARQL constraint without sh:select")
        query, this_selected = prebound_select(str(select), targets, node_shape)
        query = prefix_lines(graph, constraint, node_shape) + "\n" + query
        messages = [english_message(graph, constraint), english_message(graph, node_shape)]
        yield Check(query, shape=str(node_shape), component="SPARQLConstraintComponent",
                    severity=severity_of(graph, node_shape), path=None,
                    message=next((m for m in messages if m), "does not conform"), sparql_based=True,
                    value_is_focus=True, this_selected=this_selected)


# --- compiling the shapes graph ---

def targeted_node_shapes(graph: Graph) -> list:
    for other in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        for shape in graph.subjects(other, None):
            raise refuse(shape, str(other))
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in graph.subjects(RDF.type, kind):
            if {RDFS.Class, OWL.Class} & set(graph.objects(shape, RDF.type)):
                raise refuse(shape, "an implicit class target (a shape that is also a class)")
    return sorted(set(graph.subjects(SH.targetClass, None)) | set(graph.subjects(SH.target, None)), key=str)


def sparql_targets(graph: Graph, node_shape) -> tuple[str, list[str]]:
    """The prefix lines and the groups (sub-queries binding ?this) of a node shape's SPARQL-based targets."""
    prologue, found = [], []
    for target in graph.objects(node_shape, SH.target):
        unsupported = sh_terms(graph, target) - {SH.select, SH.prefixes, SH.SPARQLTarget}
        if (target, RDF.type, SH.SPARQLTarget) not in graph or unsupported:
            raise refuse(node_shape, "an sh:target that is not an sh:SPARQLTarget with sh:select (and sh:prefixes)")
        select = one_value(graph, target, SH.select)
        if select is None:
            raise refuse(node_shape, "an sh:SPARQLTarget without sh:select")
        if not re.search(r"\bSELECT\b[^{]*\?this\b", without_strings(str(select)), re.IGNORECASE):
            raise refuse(node_shape, "an sh:SPARQLTarget whose sh:select does not select ?this")
        prologue.append(prefix_lines(graph, target, node_shape))
        found.append(f"{{ {select} }}")
    return "\n".join(line for line in prologue if line), found


def shape_checks(graph: Graph, node_shape) -> Iterator[Check]:
    """The checks of a node shape itself and of its SPARQL-based constraints (its property shapes: see
    :func:`compile_shapes`)."""
    unsupported = sh_terms(graph, node_shape) - SHAPE_TERMS - VALUE_TERMS - {SH.path}
    if unsupported:
        raise refuse(node_shape, ", ".join(sorted(map(str, unsupported))))
    if (node_shape, SH.path, None) in graph:
        raise refuse(node_shape, "a target on a property shape")
    prologue, by_query = sparql_targets(graph, node_shape)
    if not by_query:
        targets = focus_nodes(target_classes(graph, node_shape))
        yield from node_checks(graph, node_shape, targets)
        yield from sparql_checks(graph, node_shape, targets)
        return
    if (node_shape, SH.property, None) in graph or (node_shape, SH.targetClass, None) in graph:
        raise refuse(node_shape, "an sh:SPARQLTarget on a shape with property shapes or another target")
    targets = f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(by_query)} }} }}"
    for check in [*node_checks(graph, node_shape, targets), *sparql_checks(graph, node_shape, targets)]:
        yield replace(check, query=f"{prologue}\n{check.query}" if prologue else check.query)


def target_classes(graph: Graph, node_shape) -> list:
    return sorted(graph.objects(node_shape, SH.targetClass), key=str)


def compile_shapes(graph: Graph) -> tuple[Check, ...]:
    """Every check of every targeted node shape, each property shape checked once over the focus nodes of all
    the node shapes that have it (:func:`shared_focus_nodes`); raises UnsupportedShape on a feature it cannot
    compile."""
    node_shapes = targeted_node_shapes(graph)
    checks = [check for shape in node_shapes for check in shape_checks(graph, shape)]
    owners: dict = {}
    for node_shape in node_shapes:
        for shape in graph.objects(node_shape, SH.property):
            owners.setdefault(shape, []).append(node_shape)
    for shape in sorted(owners, key=str):
        targets = shared_focus_nodes([target_classes(graph, owner) for owner in owners[shape]])
        checks += property_checks(graph, shape, targets)
    return tuple(checks)


@lru_cache(maxsize=1)
def compiled_checks() -> tuple[Check, ...]:
    """The checks of shapes/ (compiled once per process)."""
    return compile_shapes(shapes_graph())


# --- running the checks ---

def fill_message(template: str, bindings: dict[str, str]) -> str:
    for name, text in bindings.items():
        template = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _m, text=text: text, template)
    return template


def check_findings(store: ox.Store, check: Check, union: bool = False) -> Iterator[Finding]:
    """The findings of one check: one per solution of its query (a SPARQL-based constraint's repeated solutions
    of a focus node once, as pySHACL)."""
    solutions = store.query(check.query, use_default_graph_as_union=union)
    names = [variable.value for variable in solutions.variables]
    if not check.sparql_based:
        valued = "value" in names
        for solution in solutions:
            yield Finding(severity=check.severity, focus=solution["this"].value, path=check.path,
                          message=check.message, shape=check.shape, component=check.component,
                          value=solution["value"].value if valued else None,
                          value_kind=kind_of(solution["value"]) if valued else None)
        return
    seen = set()
    for solution in solutions:
        terms = {name: solution[name] for name in names if solution[name] is not None}
        bindings = {name: term.value for name, term in terms.items()}
        key = tuple(sorted(bindings.items()))
        if key in seen:
            continue
        seen.add(key)
        focus = bindings["this"] if check.this_selected else bindings.pop("this")
        value = bindings.get("value", focus if check.value_is_focus else None)
        value_term = terms.get("value", terms.get("this") if check.value_is_focus else None)
        yield Finding(severity=check.severity, focus=focus, path=bindings.get("path", check.path),
                      message=fill_message(check.message, bindings), shape=check.shape,
                      component=check.component, value=value, value_kind=kind_of(value_term))


def validate_store(store: ox.Store, data_subjects: set[str] | None = None, *, union: bool = False,
                   joined: Container[str] = ()) -> Report:
    """Validate the store's default graph (data, its context and the ontology) against shapes/; with ``union``,
    the union of all its graphs. The checks run in threads, one per core (1.3x faster on 2 cores: Oxigraph lets
    go of the GIL for part of the work).

    Findings about focus nodes not in ``data_subjects`` (IRIs and blank node ids; None keeps all) are dropped,
    as ``loader.validate.validate`` drops those about resources only the context or the ontology describes; but
    those about resources the data links members into (``joined``) by a constraint comparing their members."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="unkg-shacl") as threads:
        found = threads.map(lambda check: list(check_findings(store, check, union)), compiled_checks())
        findings = [finding for findings in found for finding in findings
                    if data_subjects is None or finding.focus in data_subjects
                    or joined_finding(finding, joined, data_subjects)]
    findings = with_undescribed_notes(findings, lambda iri: next(
        store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF_TYPE), None), None) is not None)
    findings.sort(key=finding_order)
    return Report(conforms=not any(f.severity == "Violation" for f in findings), findings=tuple(findings))


# --- rdflib graphs into a store ---

def ox_term(term, named: dict):
    """A pyoxigraph term for an rdflib one (IRIs remembered in ``named``; blank nodes keep their ids)."""
    if type(term) is URIRef:
        node = named.get(term)
        if node is None:
            node = named[term] = ox.NamedNode(str(term))
        return node
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox_term(term.datatype, named))
    return ox.Literal(str(term))


def ox_quads(triples: Iterable, subjects: set | None = None) -> list[ox.Quad]:
    """The triples as pyoxigraph quads of the default graph; their subjects are added to ``subjects``.

    (Faster than serializing to N-Triples and ``Store.load``, which also renames blank nodes.)"""
    named: dict = {}
    quads = []
    add_quad = ox.Quad
    for s, p, o in triples:
        quads.append(add_quad(ox_term(s, named), ox_term(p, named), ox_term(o, named)))
        if subjects is not None:
            subjects.add(s)
    return quads


@lru_cache(maxsize=1)
def ontology_quads() -> tuple[ox.Quad, ...]:
    """The ontology (ontology/*.ttl) in the default graph, read by Oxigraph's parser (ten times faster than
    converting rdflib's graph of it)."""
    quads = []
    for file in turtle_files(ONTOLOGY_DIR):
        try:
            quads += ox.parse(path=str(file), format=ox.RdfFormat.TURTLE)
        except SyntaxError as error:
            raise SourceError(f"cannot parse: {error}", path=str(file)) from None
    return tuple(quads)


def validate_graph(data: Graph, context: Graph | None = None, *, untyped_elsewhere: bool = False,
                   joined: Container[str] = ()) -> Report:
    """``loader.validate.validate`` on Oxigraph: ``data`` (plus ``context`` and the ontology) in an in-memory
    store; no finding about a resource only the context or the ontology describes (``untyped_elsewhere``: nor one
    ``data`` describes without typing it), but those comparing the members of the resources ``joined``."""
    store = ox.Store()
    subjects: set = set()
    store.extend(ox_quads(data, subjects))
    if untyped_elsewhere:
        subjects = {s for s in subjects if (s, RDF.type, None) in data}
    graphs = [data]
    if context is not None:
        store.extend(ox_quads(context))
        graphs.append(context)
    store.extend(ontology_quads())
    report = validate_store(store, {str(s) for s in subjects}, joined=joined)
    if not report.findings:
        return report
    by_name = {str(s): s for s in subjects}
    findings = [with_lexical_form(f, by_name.get(f.focus), graphs) for f in report.findings]
    return Report(conforms=report.conforms, findings=tuple(sorted(findings, key=finding_order)))


def canonical_forms(literals: list[Literal]) -> dict[str, Literal]:
    """The text Oxigraph gives back for each literal (it stores numbers and dates by value: "1.50"^^xsd:decimal
    comes back "1.5", "…+00:00"^^xsd:dateTime "…Z"), mapped to the literal."""
    store, named = ox.Store(), {}
    predicate = ox.NamedNode("urn:unkg:literal")
    store.extend(ox.Quad(ox.BlankNode(f"l{i}"), predicate, ox_term(literal, named))
                 for i, literal in enumerate(literals))
    return {quad.object.value: literals[int(quad.subject.value[1:])] for quad in store}


def with_lexical_form(finding: Finding, focus, graphs: list[Graph]) -> Finding:
    """The finding with the value as rdflib (and so pySHACL) writes it, where Oxigraph wrote it canonically: the
    value is looked for among the literals of the focus node."""
    if finding.value is None or focus is None:
        return finding
    objects = [o for graph in graphs for o in graph.objects(focus, None)]
    literals = [o for o in objects if isinstance(o, Literal)]
    if not literals or finding.value in {str(o) for o in objects}:
        return finding
    original = canonical_forms(literals).get(finding.value)
    if original is None:
        return finding
    message = finding.message
    if finding.component == "SPARQLConstraintComponent":
        message = message.replace(finding.value, str(original))
    return replace(finding, value=str(original), message=message)
