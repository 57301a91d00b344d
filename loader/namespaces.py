"""The one place where base IRIs and prefixes live.

The data base IRI is configurable (``UNKG_BASE``); the ontology's namespace is not, because a vocabulary's
terms must not change with the deployment that serves them.

>>> str(UNKG.Meeting)
'https://w3id.org/unkg/ontology#Meeting'
>>> data_base({"UNKG_BASE": "http://example.org/kg/"})
'http://example.org/kg/'
>>> data_base({"UNKG_BASE": "http://example.org/kg#"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
loader.errors.UnkgError: UNKG_BASE 'http://example.org/kg#' must end in / (...): 'http://example.org/kg/'?
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from loader.errors import UnkgError

DEFAULT_BASE = "https://w3id.org/unkg/"
ONTOLOGY_IRI = "https://w3id.org/unkg/ontology"

UNKG = Namespace(ONTOLOGY_IRI + "#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ELI_DL = Namespace("http://data.europa.eu/eli/eli-draft-legislation-ontology#")
EPVOC = Namespace("https://data.europarl.europa.eu/def/epvoc#")
UNDO = Namespace("https://w3id.org/un/ontology/undo/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
DOCO = Namespace("http://purl.org/spar/doco/")
FABIO = Namespace("http://purl.org/spar/fabio/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

PREFIXES: dict[str, str] = {
    "unkg": str(UNKG),
    "eli": str(ELI),
    "eli-dl": str(ELI_DL),
    "epvoc": str(EPVOC),
    "undo": str(UNDO),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "oa": str(OA),
    "doco": str(DOCO),
    "fabio": str(FABIO),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "skos": str(SKOS),
    "time": str(TIME),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "void": str(VOID),
    "sd": str(SD),
}


def data_base(environ: Mapping[str, str] | None = None) -> str:
    """The base IRI under which the loader mints every resource (``UNKG_BASE``): an absolute IRI ending in ``/``
    (the server answers for base + path at its own /path, and a client never sends a fragment, so a base ending in
    ``#`` could be minted but never served), else an :class:`UnkgError` naming the variable. Called when a command
    runs, never at import, so a bad value is a one-line error of the command that needs it."""
    base = (environ if environ is not None else os.environ).get("UNKG_BASE", DEFAULT_BASE)
    import pyoxigraph as ox

    try:
        ox.NamedNode(base)
    except ValueError as error:
        raise UnkgError(f"UNKG_BASE {base!r} is not an absolute IRI: {error}") from None
    if not base.endswith("/"):
        raise UnkgError(f"UNKG_BASE {base!r} must end in / (the loader mints base + path, and the server answers "
                        f"for it at /path): {base.rstrip('#') + '/'!r}?")
    return base


def sparql_prefixes() -> str:
    """The PREFIX lines for every known prefix, for queries written by people."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def bind_all(graph) -> None:
    """Bind every known prefix on an rdflib graph, so Turtle output is readable."""
    for name, iri in PREFIXES.items():
        graph.bind(name, iri, override=True)
