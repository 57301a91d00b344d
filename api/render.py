"""Renderers for one description, picked by name: ``html`` (Jinja2 templates), ``turtle``, ``jsonld``,
``ntriples``, ``rdfxml``. The HTML shows labels in the reader's language, links into the local server, and escapes
everything that comes from data (autoescaping is on for every template).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api import blank_nodes, query_files, views
from api.describe import LABEL_PROPERTIES
from api.terms import RDF_TYPE, Term, curie
from loader.namespaces import ONTOLOGY_IRI, PREFIXES, UNKG

TEMPLATES = Path(__file__).resolve().parent / "templates"
WEB_LINK = re.compile(r"https?://", re.I)  # the only IRIs that become links to themselves
HEADING_RANK = LABEL_PROPERTIES.index(str(UNKG.heading))  # the rank of a label (api/describe.py) that is a heading
NOTATION_RANK = LABEL_PROPERTIES.index(PREFIXES["skos"] + "notation")  # ... that is a code, 27(1)(a)


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    suffix: str
    label: str


FORMATS = {
    "html": Format("html", "text/html", ".html", "HTML"),
    "turtle": Format("turtle", "text/turtle", ".ttl", "Turtle"),
    "jsonld": Format("jsonld", "application/ld+json", ".jsonld", "JSON-LD"),
    "ntriples": Format("ntriples", "application/n-triples", ".nt", "N-Triples"),
    "rdfxml": Format("rdfxml", "application/rdf+xml", ".rdf", "RDF/XML"),
}
RDF_FORMATS = [f for f in FORMATS.values() if f.name != "html"]
BY_SUFFIX = {f.suffix: f for f in FORMATS.values()}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS.values()}


def split_suffix(path: str) -> tuple[str, Format | None]:
    """``meeting/X/14.ttl`` -> (``meeting/X/14``, Turtle); a path without a known suffix is returned whole.

    >>> stem, found = split_suffix("doc/CTOC/COP/WG.3/2023/1.jsonld")
    >>> stem, found.media_type
    ('doc/CTOC/COP/WG.3/2023/1', 'application/ld+json')
    >>> split_suffix("body/CTOC-COP/WG.3")
    ('body/CTOC-COP/WG.3', None)
    """
    for suffix, found in BY_SUFFIX.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], found
    return path, None


# --- languages --------------------------------------------------------------------------------------------

def accepted_languages(header: str | None, default: str = "en") -> list[str]:
    """The reader's languages from ``Accept-Language``, most wanted first (``*`` and q=0 are dropped).

    >>> accepted_languages("zh-CN,zh;q=0.9,en;q=0.8")
    ['zh-cn', 'zh', 'en']
    >>> accepted_languages(None)
    ['en']
    """
    found = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            found.append((-quality, position, tag))
    tags = [tag for _, _, tag in sorted(found)]
    return tags or [default]


def _language_match(tag: str | None, wanted: list[str]) -> tuple[int, int] | None:
    """How well a literal's language ``tag`` fits: (the first wanted language it matches, 0 for the exact tag and
    1 for a wider or narrower one), or None."""
    if not tag:
        return None
    tag = tag.lower()
    for index, want in enumerate(wanted):
        if tag == want:
            return index, 0
        if tag.startswith(want + "-") or want.startswith(tag + "-"):
            return index, 1
    return None


def choose(candidates: Iterable[tuple[int, Term]], wanted: list[str]) -> Term | None:
    """The literal to show a reader: one in a language they want (earliest first), otherwise the best that
    exists in any language; never one that is not there. ``candidates`` are (property rank, literal).

    >>> zh = Term("literal", "通过报告", lang="zh")
    >>> choose([(0, zh)], ["en"]).value
    '通过报告'
    >>> choose([(0, zh), (1, Term("literal", "通過報告", lang="zh-Hant"))], ["zh-hant"]).value  # exact tag first
    '通過報告'
    """
    best_key, best = None, None
    for rank, literal in candidates:
        match = _language_match(literal.lang, wanted)
        key = (0, *match, rank, "", literal.value) if match is not None else (
            1, 0, 0, rank, literal.lang or "", literal.value)
        if best_key is None or key < best_key:
            best_key, best = key, literal
    return best


# --- links and labels for the HTML ------------------------------------------------------------------------

class Page:
    """What the templates need to show a description: labels in the reader's language and local links."""

    def __init__(self, description, *, base: str, origin: str, languages: list[str]) -> None:
        self.description = description
        self.base = base
        self.origin = origin.rstrip("/")
        self.languages = languages
        self.blank_budget = blank_nodes.Budget()  # the blank nodes' values this page may still show

    def blank(self, node: Term) -> blank_nodes.Shown | None:
        """A blank node the description links to, with what it holds nested under it (:func:`blank_nodes.lay_out`);
        None for one it does not link to (a subject that links here), which is shown as its id alone."""
        closure = self.description.blank
        if node.value not in closure.held and all(o != node for p, o in self.description.outgoing):
            return None
        return blank_nodes.lay_out(node, closure, self.blank_budget)

    def query_href(self, name: str) -> str:
        """A link to the query page with the query ``api/queries/<name>.rq`` about this description's resource
        (filled safely: :func:`query_files.fill`), ready to run."""
        query = query_files.fill(name, resource=Term("uri", self.description.iri))
        return f"{self.origin}/?query={quote(query, safe='')}"

    def href(self, iri: str) -> str:
        """The link for an IRI: under the base or the ontology it points at the local server; another IRI the
        store describes, or one that is not http(s) (``javascript:``, ``data:`` would run in the reader's browser),
        gets the local ``/about`` page; any other http(s) IRI links to itself."""
        local = local_path(iri, self.base)
        if local is not None:
            return self.origin + local
        if iri in self.description.described or not WEB_LINK.match(iri):
            return f"{self.origin}/about?iri={quote(iri, safe='')}"
        return iri

    def label(self, iri: str) -> Term | None:
        return choose(self.description.labels.get(iri, []), self.languages)

    def name(self, iri: str) -> str:
        """A readable name: the label if there is one (:meth:`numbered`), else the IRI's path under the base, else a
        CURIE."""
        found = self.label(iri)
        if found is not None:
            return self.numbered(iri, found)
        short = curie(iri)
        if short != iri:
            return short
        local = local_path(iri, self.base)
        return local.lstrip("/") if local and local != "/" else iri

    def numbered(self, iri: str, label: Term) -> str:
        """``label`` as ``iri``'s name. A heading chosen for the reader's language (article 27's "执法合作", the
        only label the Chinese agenda gives it) names no number, where its label in another language does ("Article
        27"): it is shown after the provision's code, its ``skos:notation`` ("27 执法合作"), as the code alone names
        a paragraph (27(1)). No source names the article in Chinese, so none ("第27条") is made up."""
        labels = self.description.labels.get(iri, [])
        if min((rank for rank, literal in labels if literal == label), default=None) != HEADING_RANK:
            return label.value
        notation = next((literal.value for rank, literal in labels if rank == NOTATION_RANK), None)
        return f"{notation} {label.value}" if notation else label.value

    def pick(self, literals: Iterable[Term]) -> Term | None:
        return choose(((0, literal) for literal in literals), self.languages)

    def curie(self, iri: str) -> str:
        return curie(iri)

    def foreign(self, literal: Term | None) -> bool:
        """True when a label is in a language the reader did not ask for first (so the page says which)."""
        if literal is None or not literal.lang:
            return False
        return _language_match(literal.lang, self.languages[:1]) is None

    def grouped(self, pairs: list[tuple[Term, Term]], *, incoming: bool = False) -> list[tuple[Term, list[Term]]]:
        """Links grouped by property: ``rdf:type`` first, then by the property's name."""
        groups: dict[str, tuple[Term, list[Term]]] = {}
        for a, b in pairs:
            predicate, other = (b, a) if incoming else (a, b)
            groups.setdefault(predicate.value, (predicate, []))[1].append(other)
        ordered = sorted(groups.values(), key=lambda g: (g[0].value != RDF_TYPE, self.name(g[0].value).lower()))
        return [(p, sorted(values, key=lambda t: (t.kind, self.name(t.value) if t.is_iri else t.value)))
                for p, values in ordered]


def local_path(iri: str, base: str) -> str | None:
    """The path the local server answers ``iri`` at, or None if the IRI is not the server's to answer.

    >>> local_path("https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14", "https://w3id.org/unkg/")
    '/meeting/CTOC-COP/WG.3/14'
    >>> local_path("https://w3id.org/unkg/ontology#Meeting", "http://example.org/kg/")
    '/ontology#Meeting'
    >>> local_path("https://www.unodc.org/", "https://w3id.org/unkg/") is None
    True
    >>> local_path("https://w3id.org/unkg/thing/q?x=1#f", "https://w3id.org/unkg/")  # part of the path, not a query
    '/thing/q%3Fx=1%23f'

    Never ``//host…`` (or ``/\\host…``), which a browser reads as another site: a first slash or backslash of
    the rest is escaped.

    >>> local_path("https://w3id.org/unkg//evil.example/x", "https://w3id.org/unkg/")
    '/%2Fevil.example/x'
    """
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return "/ontology" + iri[len(ONTOLOGY_IRI):]
    if iri.startswith(base):
        rest = iri[len(base):].replace("?", "%3F").replace("#", "%23")
        if rest[:1] in ("/", "\\"):
            rest = ("%2F" if rest[0] == "/" else "%5C") + rest[1:]
        return "/" + rest
    return None


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["formats"] = FORMATS
    environment.globals["symbols_in_order"] = views.symbols_in_order
    return environment


ENVIRONMENT = _environment()


# Sent with every page: it loads only this server's scripts and stylesheets (the query page's examples are a JSON
# data block, which no policy runs), is framed by no other site, and tells no other site which page (and so which
# query, in ``?query=``) a reader came from.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def html(template: str, **context) -> str:
    """Render one template of ``api/templates`` with ``context``."""
    return ENVIRONMENT.get_template(template).render(**context)


def page_headers(headers: dict | None = None) -> dict:
    """``headers`` and :data:`PAGE_HEADERS`, for a response that is one of the templates."""
    return {**PAGE_HEADERS, **(headers or {})}


# --- RDF --------------------------------------------------------------------------------------------------

NO_TRIPLE_TERMS = "JSON-LD cannot write RDF 1.2 triple terms"


class CannotWrite(ValueError):
    """The triples hold a term the format has no syntax for (an RDF 1.2 triple term in JSON-LD 1.1, a control
    character in RDF/XML)."""


def _oxigraph(value: Term):
    if value.kind == "triple":
        return ox.Triple(*(_oxigraph(part) for part in value.triple))
    if value.kind == "uri":
        return ox.NamedNode(value.value)
    if value.kind == "bnode":
        return ox.BlankNode(value.value)
    if value.lang:
        direction = {"ltr": ox.BaseDirection.LTR, "rtl": ox.BaseDirection.RTL}.get(value.direction or "")
        return ox.Literal(value.value, language=value.lang, direction=direction)
    return ox.Literal(value.value, datatype=ox.NamedNode(value.datatype) if value.datatype else None)


def used_prefixes(triples) -> dict[str, str]:
    """The project's prefixes (:data:`loader.namespaces.PREFIXES`) that an IRI or datatype of ``triples`` starts with,
    for Turtle and RDF/XML to declare."""
    used = {iri for triple in triples for t in triple for iri in t.iris()}
    used |= {t.datatype for triple in triples for t in triple if t.datatype}
    return {name: iri for name, iri in PREFIXES.items() if any(u.startswith(iri) for u in used)}


def _oxigraph_serialize(triples, rdf_format: ox.RdfFormat) -> bytes:
    """Every format by Oxigraph, which keeps every literal's datatype as it is (rdflib's Turtle writes
    ``"1"^^xsd:decimal`` as ``1``, which reads back as an integer), as the query workers write a description."""
    found = [ox.Triple(_oxigraph(s), _oxigraph(p), _oxigraph(o)) for s, p, o in triples]
    if rdf_format == ox.RdfFormat.N_TRIPLES:
        return ox.serialize(found, format=rdf_format)
    return ox.serialize(found, format=rdf_format, prefixes=used_prefixes(triples))


def turtle(triples) -> bytes:
    return _oxigraph_serialize(list(triples), ox.RdfFormat.TURTLE)


def ntriples(triples) -> bytes:
    return _oxigraph_serialize(list(triples), ox.RdfFormat.N_TRIPLES)


# XML 1.0 has no character for most C0 controls, U+FFFE and U+FFFF (Oxigraph writes them raw, which no parser reads)
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# RDF/XML writes a predicate, and a subject's class, as an element: where the IRI ends in no XML name (…/1),
# Oxigraph writes this, which is no XML
NO_XML_NAME = b"<oxprefix:"


def _unnamed_in_xml(triples) -> str:
    """Which predicate or class of ``triples`` RDF/XML has no element name for, asking Oxigraph of each in turn."""
    seen = set()
    for s, p, o in triples:
        for role, term, alone in (("predicate", p, (s, p, Term("literal", "x"))), ("class", o, (s, p, o))):
            if role == "class" and (p.value != RDF_TYPE or not o.is_iri):
                continue
            if (role, term.value) in seen:
                continue
            seen.add((role, term.value))
            if NO_XML_NAME in _oxigraph_serialize([alone], ox.RdfFormat.RDF_XML):
                return f"RDF/XML cannot write the {role} <{term.value}>: its IRI ends in no XML name"
    return "RDF/XML cannot write a predicate or class here: its IRI ends in no XML name"


def xml_trouble(triples, written: bytes | None = None) -> str | None:
    """Why RDF/XML cannot write ``triples`` (a literal holding a character XML lacks, a predicate or class whose
    IRI ends in no XML name), or None. The names are Oxigraph's to choose: it is asked, by writing them (or
    ``written``, what it wrote of them).

    >>> xml_trouble([(Term("uri", "http://s"), Term("uri", "http://ex.org/1"), Term("literal", "v"))])
    'RDF/XML cannot write the predicate <http://ex.org/1>: its IRI ends in no XML name'
    """
    triples = list(triples)
    for triple in triples:
        for term in triple:
            if term.kind == "triple":
                if found := xml_trouble([term.triple], b""):
                    return found
            elif term.kind == "literal" and (bad := NOT_IN_XML.search(term.value)):
                return f"XML 1.0 has no character U+{ord(bad[0]):04X}, which a literal here holds"
    if written is None:
        written = _oxigraph_serialize(triples, ox.RdfFormat.RDF_XML)
    if NO_XML_NAME in written:
        return _unnamed_in_xml(triples)
    return None


def rdfxml(triples) -> bytes:
    triples = list(triples)
    written = _oxigraph_serialize(triples, ox.RdfFormat.RDF_XML)
    if trouble := xml_trouble(triples, written):
        raise CannotWrite(trouble)
    return written


def jsonld(triples) -> bytes:
    """JSON-LD by Oxigraph (expanded: full IRIs, no context), as ``/sparql`` writes a CONSTRUCT's and the query
    workers a description's; JSON-LD 1.1 has no syntax for an RDF 1.2 triple term (:class:`CannotWrite`)."""
    triples = list(triples)
    if trouble := why_not("jsonld", triples):
        raise CannotWrite(trouble)
    return _oxigraph_serialize(triples, ox.RdfFormat.JSON_LD)


RDF_RENDERERS = {"turtle": turtle, "jsonld": jsonld, "ntriples": ntriples, "rdfxml": rdfxml}


def why_not(name: str, triples) -> str | None:
    """Why the format called ``name`` has no syntax for a term of ``triples`` (JSON-LD 1.1 has none for RDF 1.2
    triple terms; RDF/XML none for some characters and predicates, :func:`xml_trouble`), or None if it has."""
    if name == "jsonld" and any(term.kind == "triple" for triple in triples for term in triple):
        return NO_TRIPLE_TERMS
    if name == "rdfxml":
        return xml_trouble(triples)
    return None


def can_write(name: str, triples) -> bool:
    """Whether the format called ``name`` has a syntax for every term of ``triples`` (:func:`why_not`)."""
    return why_not(name, triples) is None


def rdf(name: str, triples) -> bytes:
    """Serialize triples in the format called ``name`` (``turtle``, ``jsonld``, ``ntriples`` or ``rdfxml``);
    :class:`CannotWrite` if the format has no syntax for a term among them."""
    return RDF_RENDERERS[name](triples)
