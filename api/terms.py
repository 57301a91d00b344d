"""RDF terms as the pages need them, and running SELECT queries through any ``run_select`` callable.

``run_select(query) -> list[dict]`` runs a SPARQL SELECT and returns one dict per solution, variable name ->
term. Terms may be pyoxigraph or rdflib terms, or SPARQL-JSON bindings (``{"type": "uri", "value": ...}``);
:func:`term` reads all three, so the same code runs through the server's engine and over a plain store.

>>> term({"type": "literal", "value": "会议", "xml:lang": "zh"})
Term(kind='literal', value='会议', lang='zh', datatype=None, direction=None)
>>> curie("https://w3id.org/unkg/ontology#Meeting")
'unkg:Meeting'
>>> expand("eli-dl:consists_of")
'http://data.europa.eu/eli/eli-draft-legislation-ontology#consists_of'
>>> term({"type": "triple", "value": {"subject": {"type": "uri", "value": "http://ex/a"},
...     "predicate": {"type": "uri", "value": "http://ex/b"}, "object": {"type": "literal", "value": "c"}}}).value
'<<( <http://ex/a> <http://ex/b> "c" )>>'
>>> Term("literal", 'say "hi"', lang="en").sparql()
'"say \\\\"hi\\\\""@en'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from loader.namespaces import PREFIXES

RunSelect = Callable[[str], list[dict]]

RDF_TYPE = PREFIXES["rdf"] + "type"
PREFIX_LINES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
_NOT_IN_IRI = set('<>"{}|^`\\ \n\r\t')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# prov:wasDerivedFrom in full: as a prefixed name its "From" looks like a FROM clause to the endpoint's outbound
# check, which then parses the whole query with rdflib (slow, and slower still in a fresh worker)
DERIVED_FROM = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
XSD_STRING = PREFIXES["xsd"] + "string"  # RDF 1.1: a simple literal is an xsd:string; kept without a datatype


@dataclass(frozen=True)
class Term:
    """An RDF term: ``kind`` is ``uri``, ``literal``, ``bnode`` or ``triple``; a literal has a ``lang`` (and, in RDF
    1.2, maybe a base ``direction``, ``ltr`` or ``rtl``) or a ``datatype``; an RDF 1.2 triple term has its ``triple``
    (subject, predicate, object) and, as its ``value``, its N-Triples form ``<<( s p o )>>`` (so it sorts and prints
    like any other term)."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None
    triple: tuple[Term, Term, Term] | None = field(default=None, repr=False)
    direction: str | None = None

    def __post_init__(self) -> None:
        if self.datatype == XSD_STRING:
            object.__setattr__(self, "datatype", None)

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"

    @property
    def is_triple(self) -> bool:
        return self.kind == "triple"

    def iris(self) -> list[str]:
        """The IRIs this term is or holds (a triple term's parts, however deep), not counting datatypes."""
        if self.kind == "uri":
            return [self.value]
        if self.kind == "triple":
            return [iri for part in self.triple for iri in part.iris()]
        return []

    def ntriples(self) -> str:
        """The term as N-Triples 1.2 writes it (for showing it; queries use :meth:`sparql`)."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.kind == "triple":
            return self.value
        return self._literal(lambda iri: f"<{iri}>")

    def sparql(self) -> str:
        """The term in SPARQL syntax, safe to put in a query."""
        if self.kind == "uri":
            return iri_ref(self.value)
        if self.kind == "bnode":
            raise ValueError("a blank node cannot be written into a query")
        if self.kind == "triple":
            return "<<( " + " ".join(part.sparql() for part in self.triple) + " )>>"
        return self._literal(iri_ref)

    def _literal(self, datatype_ref) -> str:
        """The literal, quoted and escaped as N-Triples and SPARQL both read it; ``datatype_ref`` writes the
        datatype's IRI."""
        text = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if self.lang:
            return f'"{text}"@{self.lang}' + (f"--{self.direction}" if self.direction else "")
        if self.datatype:
            return f'"{text}"^^{datatype_ref(self.datatype)}'
        return f'"{text}"'


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query; refuses characters that would break out of the IRI.

    >>> iri_ref("https://w3id.org/unkg/x> } DROP ALL {")
    Traceback (most recent call last):
    ...
    ValueError: not an IRI that can be queried: 'https://w3id.org/unkg/x> } DROP ALL {'
    """
    if not iri or _NOT_IN_IRI & set(iri) or _BAD_PERCENT.search(iri):
        raise ValueError(f"not an IRI that can be queried: {iri!r}")
    try:  # Oxigraph's own check: control characters, U+FFFD, a relative IRI would fail the query's parse
        NamedNode(iri)
    except ValueError:
        raise ValueError(f"not an IRI that can be queried: {iri!r}") from None
    return f"<{iri}>"


def term(value) -> Term | None:
    """A :class:`Term` from a pyoxigraph term, an rdflib term or a SPARQL-JSON binding (``None`` stays None)."""
    if value is None or isinstance(value, Term):
        return value
    if isinstance(value, dict):
        if value["type"] == "triple":  # SPARQL 1.2 JSON results: the value holds the three parts
            parts = value["value"]
            return triple_term(term(parts["subject"]), term(parts["predicate"]), term(parts["object"]))
        kind = {"uri": "uri", "literal": "literal", "typed-literal": "literal", "bnode": "bnode"}[value["type"]]
        return Term(kind, value["value"], value.get("xml:lang") or None, value.get("datatype") or None,
                    direction=value.get("its:dir") or None)
    module = type(value).__module__.split(".")[0]
    name = type(value).__name__
    if module == "pyoxigraph":
        if name == "NamedNode":
            return Term("uri", value.value)
        if name == "BlankNode":
            return Term("bnode", value.value)
        if name == "Literal":
            lang = value.language or None
            direction = value.direction.value if lang and value.direction is not None else None
            return Term("literal", value.value, lang, None if lang else value.datatype.value, direction=direction)
        if name == "Triple":
            return triple_term(term(value.subject), term(value.predicate), term(value.object))
    if module == "rdflib":
        if name == "URIRef":
            return Term("uri", str(value))
        if name == "BNode":
            return Term("bnode", str(value))
        if name == "Literal":
            lang = value.language or None
            datatype = str(value.datatype) if value.datatype is not None and not lang else None
            return Term("literal", str(value), lang, datatype)
    raise TypeError(f"not an RDF term: {value!r}")


def triple_term(subject: Term, predicate: Term, object_: Term) -> Term:
    """The RDF 1.2 triple term ``<<( subject predicate object )>>``.

    >>> triple_term(Term("uri", "http://ex/a"), Term("uri", "http://ex/b"), Term("literal", "c", lang="en")).value
    '<<( <http://ex/a> <http://ex/b> "c"@en )>>'
    """
    parts = (subject, predicate, object_)
    return Term("triple", "<<( " + " ".join(part.ntriples() for part in parts) + " )>>", triple=parts)


def rows(run_select: RunSelect, query: str) -> list[dict[str, Term]]:
    """Run a SELECT (with every known prefix declared) and read each solution into :class:`Term` values;
    unbound variables are left out of the dict."""
    return [{k: term(v) for k, v in row.items() if v is not None} for row in run_select(PREFIX_LINES + query)]


def store_select(store) -> RunSelect:
    """A ``run_select`` over an in-process ``pyoxigraph.Store`` (tests, command-line use)."""

    def run(query: str) -> list[dict]:
        solutions = store.query(query)
        names = [v.value for v in solutions.variables]
        return [{name: solution[name] for name in names} for solution in solutions]

    return run


def expand(name: str) -> str:
    """``unkg:title`` -> its full IRI; a full IRI stays as it is."""
    prefix, _, local = name.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return name


def curie(iri: str) -> str:
    """The shortest ``prefix:name`` for an IRI, or the IRI itself."""
    best = None
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(PREFIXES[best])):
            best = name
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def first(found: list[dict[str, Term]], name: str) -> Term | None:
    """The value of ``name`` in the first solution, or None."""
    return found[0].get(name) if found else None
