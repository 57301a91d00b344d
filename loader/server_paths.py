"""The paths the server answers itself, in the one table its routes are registered from (:mod:`api`) and the loader
checks IRIs against: the page of a resource ``base + rest`` is served at ``/rest``, unless a route of the server
claims that path first (``<base>sparql`` would be the SPARQL endpoint, never its page).

Paths are written as the server's router (Starlette) writes them: ``{name}`` is one segment (no ``/``),
``{name:path}`` anything; a mount answers every path under it (``/static/…``), not its own (``/static``). Plain
standard library only: the loader reads it without the web framework.

>>> B = "https://w3id.org/unkg/"
>>> route_for(B + "sparql", B), route_for(B + "void.ttl", B), route_for(B + "static/x.css", B)
('/sparql', '/void.{suffix}', '/static')
>>> route_for(B + "sparqlish", B), route_for(B + "sparql/x", B), route_for(B + "static", B), route_for(B, B)
(None, None, None, '/')
>>> route_for(B + "spar%71l", B)  # the server decodes %-escapes before it routes a path
'/sparql'
>>> route_for("https://example.org/sparql", B) is None
True
"""

from __future__ import annotations

import re
from urllib.parse import unquote

QUERY_PAGE = "/"
SPARQL = "/sparql"
GRAPH_STORE = "/rdf-graphs/service"
HEALTH = "/health"
DOCS = "/docs"
REDOC = "/redoc"
OPENAPI = "/openapi.json"
STATIC = "/static"
API_DOCS_ASSETS = STATIC + "/api-docs"
ABOUT = "/about"
ONTOLOGY = "/ontology"
ONTOLOGY_FORMATS = "/ontology.{suffix}"
VOID = "/void"
VOID_FORMATS = "/void.{suffix}"
WELL_KNOWN_VOID = "/.well-known/void"
DUMP = "/dump.{suffix}"
PROGRAMME_CALENDAR = "/meeting/{meeting:path}/programme.ics"
PROGRAMME_TABLE = "/meeting/{meeting:path}/programme.csv"
RESOURCE = "/{path:path}"  # the pages' catch-all, registered last: every path no route above claims

# every route but the pages' catch-all, and what it serves (for messages)
ROUTES: dict[str, str] = {
    QUERY_PAGE: "the query page",
    SPARQL: "the SPARQL endpoint",
    GRAPH_STORE: "the Graph Store protocol",
    HEALTH: "the health check",
    DOCS: "the HTTP API's Swagger UI",
    REDOC: "the HTTP API's ReDoc page",
    OPENAPI: "the HTTP API's OpenAPI description",
    ABOUT: "the page for an IRI outside the base",
    ONTOLOGY: "the ontology's page",
    ONTOLOGY_FORMATS: "the ontology in another format",
    VOID: "the VoID description",
    VOID_FORMATS: "the VoID description in another format",
    WELL_KNOWN_VOID: "the VoID description",
    DUMP: "the dump of the store",
    PROGRAMME_CALENDAR: "a meeting's work programme as iCalendar",
    PROGRAMME_TABLE: "a meeting's work programme as CSV",
}
# mounts, and what they serve: every path under them
MOUNTS: dict[str, str] = {
    API_DOCS_ASSETS: "the scripts of the HTTP API's pages",
    STATIC: "the server's scripts and stylesheets",
}

_PARAMETER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")
_CONVERTORS = {None: "[^/]+", "str": "[^/]+", "path": ".*"}  # as Starlette reads {name} and {name:path}


def path_pattern(template: str) -> re.Pattern:
    """The paths a route's ``template`` matches, as the router matches them.

    >>> formats = path_pattern("/void.{suffix}")
    >>> bool(formats.fullmatch("/void.ttl")), bool(formats.fullmatch("/void")), bool(formats.fullmatch("/void.a/b"))
    (True, False, False)
    """
    pattern, end = "", 0
    for found in _PARAMETER.finditer(template):
        if found.group(2) not in _CONVERTORS:
            raise ValueError(f"{template}: no convertor {found.group(2)!r} here; known: str, path")
        pattern += re.escape(template[end:found.start()]) + _CONVERTORS[found.group(2)]
        end = found.end()
    return re.compile(pattern + re.escape(template[end:]))


_CLAIMED = [(template, path_pattern(template)) for template in ROUTES]
_CLAIMED += [(mount, path_pattern(mount + "/{path:path}")) for mount in MOUNTS]
# a first look that passes over most paths at the cost of a set look-up and a prefix test (a million IRIs in a file)
_EXACT = frozenset(template for template in ROUTES if "{" not in template)
_OPEN_HEADS = tuple(template.split("{")[0] for template in ROUTES if "{" in template) + tuple(m + "/" for m in MOUNTS)
_ANY_CLAIMED = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _CLAIMED))


def routed_path(iri: str, base: str) -> str | None:
    """The path the server routes a request for ``iri``'s page by (its %-escapes decoded, as the server decodes
    them before routing); None for an IRI not under ``base``."""
    if not iri.startswith(base):
        return None
    return "/" + unquote(iri[len(base):])


def route_for(iri: str, base: str) -> str | None:
    """The route (or mount) of the server that answers the path of ``iri``'s page instead of the page; None when
    the page is served there."""
    path = routed_path(iri, base)
    if path is None or not (path in _EXACT or path.startswith(_OPEN_HEADS) and _ANY_CLAIMED.fullmatch(path)):
        return None
    return next((template for template, pattern in _CLAIMED if pattern.fullmatch(path)), None)


def what_is_served(template: str) -> str:
    """What the server serves at a route or mount of :data:`ROUTES` or :data:`MOUNTS`, and where when that is
    more than one path.

    >>> what_is_served("/sparql"), what_is_served("/static")
    ('the SPARQL endpoint', "the server's scripts and stylesheets, /static/…")
    """
    if template in MOUNTS:
        return f"{MOUNTS[template]}, {template}/…"
    return ROUTES[template] + (f", {template}" if "{" in template else "")
