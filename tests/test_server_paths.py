"""IRIs under the base that the server's own paths shadow: a resource ``<base>sparql`` would have its page at
/sparql, which is the SPARQL endpoint. The server registers its routes from :mod:`loader.server_paths`, and
``unkg load`` and ``unkg validate`` refuse a file that describes a resource at one of them, naming file, line and
route, with the store left as it was; IRIs beside them (``<base>sparqlish``, ``<base>sparql/x``) load, and their
pages are served."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import live_server, settings_for
from starlette.routing import Match
from test_cli import ROOT, dump, unkg

from loader import server_paths
from loader.namespaces import ONTOLOGY_IRI
from loader.server_paths import route_for, routed_path

BASE = "https://w3id.org/unkg/"
PREFIXES = ("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix schema: <https://schema.org/> .\n"
            f"@prefix kg: <{BASE}> .\n")
# beside the server's paths, not on them: each has its page at its own path
BESIDE = ["sparqlish", "about-us", "sparql/x", "sparql/", "static", "void/x", "voids", "ontologyx",
          "dump", "health-check", "meeting/CTOC-COP/WG.3/14/programme/2023-09-11T1000", "sparql%3Fx", "void%23dataset"]
# on them: the route that answers each instead of its page
SHADOWED = {"": "/", "sparql": "/sparql", "about": "/about", "void": "/void", "void.ttl": "/void.{suffix}",
            "void.anything": "/void.{suffix}", ".well-known/void": "/.well-known/void", "health": "/health",
            "docs": "/docs", "redoc": "/redoc", "openapi.json": "/openapi.json", "ontology": "/ontology",
            "ontology.ttl": "/ontology.{suffix}", "dump.nq": "/dump.{suffix}",
            "rdf-graphs/service": "/rdf-graphs/service", "static/": "/static", "static/unkg.css": "/static",
            "static/api-docs/x.js": "/static/api-docs",
            "meeting/CTOC-COP/WG.3/14/programme.ics": "/meeting/{meeting:path}/programme.ics",
            "meeting/X/programme.csv": "/meeting/{meeting:path}/programme.csv",
            "spar%71l": "/sparql", "static%2Fx": "/static"}


def the_routes(allow_update: bool) -> list:
    """Every route and mount of the application, as its router tries them (included routers opened up)."""
    from api.app import create_app
    from api.settings import Settings

    def opened(routes):
        for route in routes:
            if hasattr(route, "original_router"):
                yield from opened(route.original_router.routes)
            else:
                yield route

    return list(opened(create_app(Settings(store=Path("unused"), allow_update=allow_update)).routes))


@pytest.mark.parametrize("allow_update", [False, True])
def test_the_server_registers_exactly_the_routes_of_the_shared_table(allow_update):
    paths = {route.path for route in the_routes(allow_update)}
    assert paths == {*server_paths.ROUTES, *server_paths.MOUNTS, server_paths.RESOURCE}


@pytest.mark.parametrize("allow_update", [False, True])
@pytest.mark.parametrize("rest", [*BESIDE, *SHADOWED])
def test_the_loader_judges_a_path_as_the_servers_router_routes_it(rest, allow_update):
    """The router itself (Starlette's matching of each route, in order) is the judge: the first route that takes
    a GET of the IRI's page path, if it is not the pages' catch-all, shadows the page."""
    path = routed_path(BASE + rest, BASE)
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    first = next(route.path for route in the_routes(allow_update) if route.matches(scope)[0] == Match.FULL)
    routed = None if first == server_paths.RESOURCE else first
    assert route_for(BASE + rest, BASE) == routed == SHADOWED.get(rest)


def test_the_loader_does_not_import_the_web_framework():
    code = ("import sys, loader.pipeline, loader.rdf_files, loader.server_paths; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'starlette', 'uvicorn'}))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert found.stdout.strip() == "[]"


def turtle(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


@pytest.fixture()
def store_with_a_file(tmp_path) -> Path:
    store = tmp_path / "store"
    good = turtle(tmp_path, "good.ttl", f'<{BASE}thing/1> a schema:Thing ; rdfs:label "one"@en .\n')
    unkg("load", str(good), store=store, check=0)
    return store


@pytest.mark.parametrize("command", ["load", "validate"])
def test_a_resource_at_the_servers_own_path_is_refused_naming_file_line_and_route(tmp_path, store_with_a_file,
                                                                                    command):
    bad = turtle(tmp_path, "shadow.ttl", 'kg:sparqlish a schema:Thing .\n\nkg:sparql\n    a schema:Thing ;\n'
                                         '    rdfs:label "A thing named sparql"@en .\n')
    before = dump(store_with_a_file)
    done = unkg(command, str(bad), store=store_with_a_file if command == "load" else None, check=2)
    # line 7: the line the statement `kg:sparql a schema:Thing` is read on (its subject is on line 6)
    assert done.stderr.strip() == (f"error: {bad}:7: <{BASE}sparql> is the server's own path /sparql (the SPARQL "
                                   "endpoint); its page could never be shown: give the resource another IRI")
    assert done.stdout == ""
    assert dump(store_with_a_file) == before


def test_every_such_resource_of_a_file_is_counted_the_first_named(tmp_path):
    bad = turtle(tmp_path, "shadow.ttl", "kg:void.ttl a schema:Thing .\nkg:about a schema:Thing .\n"
                                         f"kg: a schema:Thing .\n<{BASE}static/x.css> a schema:Thing .\n"
                                         f"<{BASE}meeting/A/1/programme.ics> a schema:Thing .\n")
    done = unkg("validate", str(bad), check=2)
    assert done.stderr.strip() == (
        f"error: {bad}:4: <{BASE}void.ttl> is the server's own path /void.ttl (the VoID description in another "
        "format, /void.{suffix}); its page could never be shown: give the resource another IRI (and 4 other such "
        f"IRIs: <{BASE}about>, <{BASE}>, <{BASE}static/x.css>, …)")


def test_a_property_at_the_servers_own_path_is_refused_and_ntriples_name_the_exact_line(tmp_path):
    bad = tmp_path / "shadow.nt"
    bad.write_text(f'<{BASE}a> <{BASE}b> "x" .\n<{BASE}a> <{BASE}health> "x" .\n', encoding="utf-8")
    done = unkg("validate", str(bad), check=2)
    assert done.stderr.startswith(f"error: {bad}:2: <{BASE}health> is the server's own path /health (the health "
                                  "check)")


def test_json_ld_names_the_line_its_parser_reads_the_statement_on_and_none_in_a_document_read_whole(tmp_path):
    bad = tmp_path / "shadow.jsonld"
    bad.write_text(f'[\n{{"@id": "{BASE}other"}},\n{{"@id": "{BASE}static/app.js",\n "@type": "https://schema.org/Thing"}}\n]\n',
                   encoding="utf-8")
    done = unkg("validate", str(bad), check=2)  # each node object of an array is read whole: where it ends
    assert done.stderr.startswith(f"error: {bad}:4: <{BASE}static/app.js> is the server's own path /static/app.js "
                                  "(the server's scripts and stylesheets, /static/…)")
    bad.write_text(f'{{"@graph": [\n{{"@id": "{BASE}static/app.js", "@type": "https://schema.org/Thing"}}\n]}}\n',
                   encoding="utf-8")
    done = unkg("validate", str(bad), check=2)  # one object, read whole: its statements come on its last line
    assert done.stderr.startswith(f"error: {bad}: <{BASE}static/app.js> is the server's own path /static/app.js ")


def test_an_escaped_spelling_of_a_servers_path_is_refused_as_the_path_it_is_served_at(tmp_path):
    bad = turtle(tmp_path, "shadow.ttl", f"<{BASE}spar%71l> a schema:Thing .\n")
    done = unkg("validate", str(bad), check=2)
    assert f"<{BASE}spar%71l> is the server's own path /sparql (the SPARQL endpoint)" in done.stderr


def test_resources_beside_the_servers_paths_and_links_to_them_load_and_their_pages_are_served(tmp_path):
    """Only what a route takes is refused: a resource one character or one segment away loads, its page is
    served at its path, and a link to the endpoint (an object, describing nothing at /sparql) is kept."""
    body = "".join(f'<{BASE}{rest}> a schema:Thing ; rdfs:label "beside {rest}"@en .\n' for rest in BESIDE)
    body += f"kg:service schema:url <{BASE}sparql> ; rdfs:label \"links to the endpoint\"@en .\n"
    body += f"<{ONTOLOGY_IRI}> rdfs:comment \"the ontology's own IRI, shown at /ontology\"@en .\n"
    fine = turtle(tmp_path, "beside.ttl", body)
    store = tmp_path / "store"
    unkg("validate", str(fine), check=0)
    unkg("load", str(fine), store=store, check=0)
    with live_server(settings_for(store)) as server, httpx.Client(base_url=server.origin) as client:
        for rest in BESIDE:
            found = client.get("/" + rest, headers={"Accept": "application/n-triples"})
            assert (found.status_code, f'"beside {rest}"@en' in found.text) == (200, True), rest


def test_the_page_of_each_refused_iri_is_indeed_never_served(tmp_path):
    """What the loader refuses, put into a store by other means: at each such IRI's path the server answers with
    something else than its page (the endpoint, a redirect, VoID, a 400 or 404), %-escaped spellings included."""
    store = tmp_path / "store"
    db = ox.Store(str(store))
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    db.extend(ox.Quad(ox.NamedNode(BASE + rest), label, ox.Literal(f"shadowed {rest}"), ox.NamedNode(BASE + "graph/x"))
              for rest in [*SHADOWED, "sparqlish"])
    db.flush()
    del db

    def page_served(client: httpx.Client, rest: str) -> bool:
        found = client.get("/" + rest, headers={"Accept": "application/n-triples"}, follow_redirects=True)
        page = f'<{BASE}{rest}> <{label.value}> "shadowed {rest}" .'  # not in a dump's N-Quads, with a graph
        return page in found.text.splitlines()

    with live_server(settings_for(store)) as server, httpx.Client(base_url=server.origin) as client:
        assert page_served(client, "sparqlish")  # the test can tell a page
        assert [rest for rest in SHADOWED if page_served(client, rest)] == []
