"""The Graph Store HTTP Protocol (indirect identification) on a live server with updates allowed."""

from __future__ import annotations

import time

import httpx
import pytest
import rdflib
from conftest import W3C_GRAPH, live_server, make_store, settings_for

NEW = "http://example.org/graph-store/new"
A = "<http://example.org/a> <http://example.org/p> \"one\" .\n"
B = "<http://example.org/b> <http://example.org/p> \"two\"@en .\n"


@pytest.fixture(scope="module")
def store_url(w3c_server):
    return w3c_server.origin + "/rdf-graphs/service"


def read(store_url, **params) -> set[tuple[str, str, str]]:
    response = httpx.get(store_url, params=params, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    return {(str(s), str(p), str(o)) for s, p, o in graph}


def test_get_a_graph(store_url):
    assert read(store_url, graph=W3C_GRAPH.format(1)) == {
        (W3C_GRAPH.format(1), str(rdflib.RDF.type), "http://xmlns.com/foaf/0.1/Document")}


def test_get_in_another_format(store_url):
    response = httpx.get(store_url, params={"graph": W3C_GRAPH.format(2), "format": "jsonld"})
    assert response.headers["content-type"] == "application/ld+json"
    assert len(rdflib.Graph().parse(data=response.content, format="json-ld")) == 1


def test_missing_graph_and_missing_parameters(store_url):
    assert httpx.get(store_url, params={"graph": "http://example.org/none"}).status_code == 404
    assert httpx.get(store_url).status_code == 400
    assert httpx.get(store_url, params={"graph": "not an iri"}).status_code == 400


def test_put_post_delete_cycle(store_url):
    ntriples = {"Content-Type": "application/n-triples"}
    created = httpx.put(store_url, params={"graph": NEW}, content=A, headers=ntriples)
    assert created.status_code == 201
    assert read(store_url, graph=NEW) == {("http://example.org/a", "http://example.org/p", "one")}
    replaced = httpx.put(store_url, params={"graph": NEW}, content=B, headers=ntriples)
    assert replaced.status_code == 204
    assert read(store_url, graph=NEW) == {("http://example.org/b", "http://example.org/p", "two")}
    added = httpx.post(store_url, params={"graph": NEW}, content=A, headers=ntriples)
    assert added.status_code == 204
    assert len(read(store_url, graph=NEW)) == 2
    assert httpx.delete(store_url, params={"graph": NEW}).status_code == 204
    assert httpx.get(store_url, params={"graph": NEW}).status_code == 404
    assert httpx.delete(store_url, params={"graph": NEW}).status_code == 404


def test_queries_see_what_the_graph_store_wrote(w3c_server, store_url):
    httpx.put(store_url, params={"graph": NEW}, content=A, headers={"Content-Type": "application/n-triples"})
    query = f"SELECT ?o WHERE {{ GRAPH <{NEW}> {{ ?s ?p ?o }} }}"
    rows = httpx.get(w3c_server.sparql, params={"query": query}).json()["results"]["bindings"]
    assert [row["o"]["value"] for row in rows] == ["one"]
    httpx.delete(store_url, params={"graph": NEW})


def test_bad_bodies(store_url):
    wrong_type = httpx.put(store_url, params={"graph": NEW}, content=A, headers={"Content-Type": "text/csv"})
    assert wrong_type.status_code == 415
    broken = httpx.put(store_url, params={"graph": NEW}, content="<http://a> <http://b> .",
                       headers={"Content-Type": "text/turtle"})
    assert broken.status_code == 400
    assert "cannot be read" in broken.text and broken.text.count("line 1") == 1
    trig = httpx.put(store_url, params={"graph": NEW}, content="<http://example.org/other> { <http://a> <http://b> 1 }",
                     headers={"Content-Type": "application/trig"})
    assert trig.status_code == 400 and "http://example.org/other" in trig.text
    assert httpx.get(store_url, params={"graph": NEW}).status_code == 404


EXISTING = "http://example.org/graph-store/existing"
BAD_BODIES = [  # (body, its media type, the status, what the answer says)
    (A, "text/csv", 415, "cannot read RDF of type text/csv"),
    ("<http://a> <http://b> .", "text/turtle", 400, "cannot be read"),
    ("<http://example.org/other> { <http://a> <http://b> 1 }", "application/trig", 400, "http://example.org/other"),
]


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_bad_body_leaves_the_graph_it_was_for_as_it_was(store_url, method):
    """A body of a type not read, that cannot be read, or that names another graph is refused before anything is
    written: the graph a PUT was to replace, or a POST to add to, keeps exactly its triples."""
    assert httpx.put(store_url, params={"graph": EXISTING}, content=A,
                     headers={"Content-Type": "application/n-triples"}).status_code == 201
    try:
        for body, media_type, status, why in BAD_BODIES:
            response = httpx.request(method, store_url, params={"graph": EXISTING}, content=body,
                                     headers={"Content-Type": media_type})
            assert response.status_code == status and why in response.text, (media_type, response.text)
            assert read(store_url, graph=EXISTING) == {("http://example.org/a", "http://example.org/p", "one")}, \
                f"a {method} of a bad {media_type} body changed the graph"
    finally:
        httpx.delete(store_url, params={"graph": EXISTING})


XSD_INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"
ILL_TYPED = f'<http://example.org/a> <http://example.org/p> "x"^^{XSD_INTEGER} .\n'


def refused_by_load(tmp_path, ntriples: str) -> str:
    """What ``unkg load``'s file check says of ``ntriples`` written to a file: the words an upload must use."""
    from loader.errors import SourceError
    from loader.rdf_files import read_quads, refuse_server_paths

    path = tmp_path / "data.nt"
    path.write_text(ntriples, encoding="utf-8")
    with pytest.raises(SourceError) as refused:
        refuse_server_paths(path, read_quads(path), "https://w3id.org/unkg/")
    return refused.value.message


def bodies_load_refuses(base: str) -> list[tuple[str, str, str]]:
    """(body, its media type, the triple as N-Triples) for data ``unkg load`` refuses in a file before SHACL."""
    server_path = f"<{base}sparql> <http://example.org/p> \"one\" .\n"
    return [
        (ILL_TYPED, "application/n-triples", ILL_TYPED),
        ('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n_:b <http://example.org/p> "2024-02-30"^^xsd:date .',
         "text/turtle", '_:b <http://example.org/p> "2024-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n'),
        ('{"@id": "http://example.org/a", "http://example.org/p": {"@value": "x", "@type": '
         '"http://www.w3.org/2001/XMLSchema#integer"}}', "application/ld+json", ILL_TYPED),
        (server_path, "text/turtle", server_path),
        (f"<http://example.org/a> <{base}void.ttl> \"one\" .", "text/turtle",
         f"<http://example.org/a> <{base}void.ttl> \"one\" .\n"),
    ]


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_body_is_refused_for_what_unkg_load_refuses_in_a_file(w3c_server, store_url, method, tmp_path):
    """An ill-typed literal ("x"^^xsd:integer) or a resource at one of the server's own paths (<base>sparql) is
    refused by `unkg load` in a file; in a Graph Store body it was stored (201/204). Now 400 in the loader's own
    words, and the graph a write was for, or the graph it would have created, is as it was."""
    base = w3c_server.settings.base_iri
    assert base == "https://w3id.org/unkg/"  # the base refused_by_load judges by
    assert httpx.put(store_url, params={"graph": EXISTING}, content=A,
                     headers={"Content-Type": "application/n-triples"}).status_code == 201
    try:
        for body, media_type, as_ntriples in bodies_load_refuses(base):
            for graph in (EXISTING, NEW):
                response = httpx.request(method, store_url, params={"graph": graph}, content=body,
                                         headers={"Content-Type": media_type})
                assert response.status_code == 400, (media_type, body, response.text)
                assert refused_by_load(tmp_path, as_ntriples) in response.text, response.text
                assert "nothing was written" in response.text
            assert read(store_url, graph=EXISTING) == {("http://example.org/a", "http://example.org/p", "one")}
            assert httpx.get(store_url, params={"graph": NEW}).status_code == 404, "a refused body made a graph"
        default = httpx.request(method, store_url, params={"default": ""}, content=ILL_TYPED,
                                headers={"Content-Type": "application/n-triples"})
        assert default.status_code == 400 and "ill-typed literal" in default.text
    finally:
        httpx.delete(store_url, params={"graph": EXISTING})


def test_what_unkg_load_takes_an_upload_takes(w3c_server, store_url):
    """The checks refuse no more than the loader's: a well-typed literal, an IRI that only starts like a server
    path (<base>sparqlish, <base>sparql/x) and a link to one (the object of a triple) are stored."""
    base = w3c_server.settings.base_iri
    body = (f'<{base}sparqlish> <http://example.org/p> "1"^^{XSD_INTEGER} .\n'
            f'<{base}sparql/x> <http://example.org/p> <{base}sparql> .\n')
    try:
        created = httpx.put(store_url, params={"graph": NEW}, content=body,
                            headers={"Content-Type": "application/n-triples"})
        assert created.status_code == 201, created.text
        assert len(read(store_url, graph=NEW)) == 2
    finally:
        httpx.delete(store_url, params={"graph": NEW})


def test_a_body_the_checks_pass_is_written_to_no_file(w3c_server, store_url, monkeypatch):
    """The loader's checks word their refusals from a file, so an upload's triples were written to a temporary
    file for every upload, in the server process, though only a refusal reads it."""
    from api import graph_store

    folders = []
    real = graph_store.tempfile.TemporaryDirectory
    monkeypatch.setattr(graph_store.tempfile, "TemporaryDirectory",
                        lambda *args, **kwargs: folders.append(args or kwargs) or real(*args, **kwargs))
    base = w3c_server.settings.base_iri
    try:
        created = httpx.put(store_url, params={"graph": NEW}, content=f'<{base}a> <http://example.org/p> "1" .\n',
                            headers={"Content-Type": "application/n-triples"})
        assert created.status_code == 201, created.text
        assert folders == []
        refused = httpx.put(store_url, params={"graph": NEW}, content=f'<{base}sparql> <http://example.org/p> "1" .\n',
                            headers={"Content-Type": "application/n-triples"})
        assert refused.status_code == 400 and "the server's own path /sparql" in refused.text
        assert len(folders) == 1
    finally:
        httpx.delete(store_url, params={"graph": NEW})


def test_a_body_is_read_off_the_event_loop(store_url, monkeypatch):
    """Reading and rewriting a large body takes a while: on the event loop, it held every other request."""
    import asyncio

    from api import graph_store

    read_on_loop = []

    def recording(function):
        def recorded(*args, **kwargs):
            try:
                asyncio.get_running_loop()
                read_on_loop.append((function.__name__, True))
            except RuntimeError:  # no loop running in this thread
                read_on_loop.append((function.__name__, False))
            return function(*args, **kwargs)
        return recorded

    monkeypatch.setattr(graph_store.ox, "parse", recording(graph_store.ox.parse))
    monkeypatch.setattr(graph_store, "quads_to_ntriples", recording(graph_store.quads_to_ntriples))
    created = httpx.put(store_url, params={"graph": NEW}, content=A, headers={"Content-Type": "application/n-triples"})
    assert created.status_code in (201, 204)
    assert read_on_loop == [("parse", False), ("quads_to_ntriples", False)]
    assert httpx.delete(store_url, params={"graph": NEW}).status_code == 204


def test_the_default_graph(store_url):
    turtle = {"Content-Type": "text/turtle"}
    assert httpx.put(store_url, params={"default": ""}, content=A, headers=turtle).status_code == 204
    assert httpx.post(store_url, params={"default": ""}, content=A, headers=turtle).status_code == 204  # exists
    assert read(store_url, default="") == {("http://example.org/a", "http://example.org/p", "one")}
    assert httpx.delete(store_url, params={"default": ""}).status_code == 204
    assert read(store_url, default="") == set()


def test_the_default_graph_is_not_the_union_of_the_named_graphs(w3c_server, store_url):
    named = httpx.get(w3c_server.sparql, params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"}).json()["boolean"]
    assert named, "the named graphs hold data"
    httpx.put(store_url, params={"default": ""}, content=B, headers={"Content-Type": "application/n-triples"})
    try:
        assert read(store_url, default="") == {("http://example.org/b", "http://example.org/p", "two")}
    finally:
        httpx.delete(store_url, params={"default": ""})


def numbered_triples(count: int) -> str:
    return "".join(f'<http://example.org/s{n}> <http://example.org/p> "value number {n}" .\n' for n in range(count))


def test_a_graph_larger_than_the_result_limit_is_refused(tmp_path):
    store = make_store(tmp_path / "store", {NEW: numbered_triples(100), W3C_GRAPH.format(1): A})
    with live_server(settings_for(store, allow_update=True, max_result_bytes=1000)) as server:
        url = server.origin + "/rdf-graphs/service"
        large = httpx.get(url, params={"graph": NEW}, headers={"Accept": "application/n-triples"})
        small = httpx.get(url, params={"graph": W3C_GRAPH.format(1)}, headers={"Accept": "application/n-triples"})
    assert large.status_code == 400
    assert "larger than this endpoint's limit of 1000 bytes" in large.text
    assert small.status_code == 200 and small.text == A


def test_a_read_is_stopped_at_the_time_limit(tmp_path):
    """Serializing 100,000 triples takes over a second here: the read is stopped at 0.3 s, whether or not its first
    chunk was sent, and the next read gets a fresh worker."""
    store = make_store(tmp_path / "store", {NEW: numbered_triples(100_000), W3C_GRAPH.format(1): A})
    with live_server(settings_for(store, allow_update=True, timeout=0.3, workers=1)) as server:
        url = server.origin + "/rdf-graphs/service"
        started = time.monotonic()
        with httpx.stream("GET", url, params={"graph": NEW}, headers={"Accept": "text/turtle"}) as response:
            if response.status_code == 200:  # the first chunk went out in time: the rest is cut off
                with pytest.raises(httpx.RemoteProtocolError):
                    response.read()
            else:
                response.read()
                assert response.status_code == 504 and "time limit of 0.3 s" in response.text
        took = time.monotonic() - started
        after = httpx.get(url, params={"graph": W3C_GRAPH.format(1)}, headers={"Accept": "application/n-triples"})
    assert took < 5
    assert after.status_code == 200 and after.text == A


@pytest.mark.parametrize("params", [{"graph": W3C_GRAPH.format(1)}, {"graph": W3C_GRAPH.format(2), "format": "nt"},
                                    {"graph": "http://example.org/none"}, {}], ids=["turtle", "nt", "missing", "none"])
def test_head_answers_as_get_without_a_body(store_url, params):
    """HEAD fell through to the pages' catch-all, a 404 for every graph (the protocol: GET without the body)."""
    get = httpx.get(store_url, params=params, headers={"Accept": "text/turtle"})
    head = httpx.head(store_url, params=params, headers={"Accept": "text/turtle"})
    assert head.status_code == get.status_code and head.content == b""
    framing = {"date", "server-timing", "transfer-encoding"}
    assert {k: v for k, v in head.headers.items() if k not in framing} == \
        {k: v for k, v in get.headers.items() if k not in framing}


def test_a_method_the_graph_store_does_not_take_names_every_method_it_does(store_url, w3c_server):
    """405's Allow lists every method of the path (Starlette named only the first route's: "HEAD")."""
    for method in ("PATCH", "OPTIONS"):
        response = httpx.request(method, store_url, params={"graph": W3C_GRAPH.format(1)}, timeout=30)
        assert response.status_code == 405, method
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "PUT", "POST", "DELETE"}
    health = httpx.post(w3c_server.origin + "/health", timeout=30)
    assert health.status_code == 405 and set(health.headers["allow"].split(", ")) == {"GET", "HEAD"}


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("params", [{"graph": W3C_GRAPH.format(1)}, {"default": ""}, {}])
def test_a_read_only_server_says_why_it_has_no_graph_store(read_only_server, method, params):
    """Without --allow-update the protocol is not mounted: a GET fell through to the resource pages ("nothing is
    known about <…/rdf-graphs/service>", as if it were data) and a write to their 405. Every method is told that
    the service is only served with --allow-update (404, as Fuseki answers for a service it does not serve)."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = httpx.get(read_only_server.sparql, params={"query": count}).json()
    response = httpx.request(method, read_only_server.origin + "/rdf-graphs/service", params=params, content=A,
                             headers={"Content-Type": "application/n-triples", "Accept": "text/turtle"})
    assert response.status_code == 404, (method, response.status_code)
    if method != "HEAD":
        assert "--allow-update" in response.text and "Graph Store" in response.text, response.text
        assert "nothing is known" not in response.text
    assert httpx.get(read_only_server.sparql, params={"query": count}).json() == before


CAFE = '<http://example.org/a> <http://example.org/p> "caf\u00e9" .\n'.encode()  # "café" in UTF-8


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_body_it_cannot_read_faithfully_is_refused_as_sparql_refuses_it(w3c_server, store_url, method):
    """A body declared in another charset was read as UTF-8 all the same (the ISO-8859-1 bytes of "Ã©" were stored
    as "é"), and a gzip body got a parse error: each is 415 with the words /sparql answers, and nothing is written;
    a body that is not UTF-8 at all is 400 as at /sparql."""
    import gzip

    refused = [  # (Content-Type, Content-Encoding, body, status, what the answer says)
        ("text/turtle; charset=iso-8859-1", None, CAFE, 415, "the text/turtle body must be UTF-8, not iso-8859-1"),
        ("application/n-triples; charset=UTF-16", None, CAFE, 415, "must be UTF-8, not utf-16"),
        ("text/turtle", "gzip", gzip.compress(CAFE), 415, "Content-Encoding gzip, which this endpoint does not"),
        ("text/turtle", None, CAFE.replace("é".encode(), b"\xe9"), 400, "the body is not valid UTF-8"),
    ]
    for media_type, encoding, body, status, why in refused:
        headers = {"Content-Type": media_type, **({"Content-Encoding": encoding} if encoding else {})}
        response = httpx.request(method, store_url, params={"graph": NEW}, content=body, headers=headers)
        assert response.status_code == status and why in response.text, (media_type, encoding, response.text)
        assert httpx.get(store_url, params={"graph": NEW}).status_code == 404
    gzip_query = httpx.post(w3c_server.origin + "/sparql", content=gzip.compress(b"ASK {}"), headers={
        "Content-Type": "application/sparql-query", "Content-Encoding": "gzip"})
    assert gzip_query.status_code == 415 and refused[2][4] in gzip_query.text  # the same words, from the same code
    try:
        # a byte-order mark first (some editors write one) is dropped as /sparql drops it: it was a parse error
        for charset, body in (("", CAFE), ("; charset=utf-8", CAFE), ('; charset="UTF-8"', CAFE),
                              ("", "\ufeff".encode() + CAFE)):
            written = httpx.request(method, store_url, params={"graph": NEW}, content=body,
                                    headers={"Content-Type": "text/turtle" + charset})
            assert written.status_code in (201, 204), (charset, body[:3], written.text)
            assert read(store_url, graph=NEW) == {("http://example.org/a", "http://example.org/p", "café")}
    finally:
        httpx.delete(store_url, params={"graph": NEW})


TWICE = [(method, query, name) for method in ("GET", "HEAD", "PUT", "POST", "DELETE") for query, name in [
    ("graph=http://example.org/gz&graph=http://example.org/gz2", "graph"), ("default&default", "default")]]
TWICE += [(method, f"graph={W3C_GRAPH.format(1)}&format=turtle&format=jsonld", "format") for method in ("GET", "HEAD")]


@pytest.mark.parametrize(("method", "query", "name"), TWICE)
def test_a_parameter_given_twice_is_refused_as_sparql_refuses_it(w3c_server, store_url, method, query, name):
    """?graph=A&graph=B was taken as B (FastAPI keeps the last): a PUT wrote only gz2, answering 201. Each
    single-valued parameter given twice is 400 in /sparql's words, and nothing is written."""
    before = httpx.get(store_url, params={"default": ""}, headers={"Accept": "application/n-triples"}).text
    response = httpx.request(method, f"{store_url}?{query}", content=A if method in ("PUT", "POST") else None,
                             headers={"Content-Type": "application/n-triples"})
    assert response.status_code == 400, response.text
    assert method == "HEAD" or f"give exactly one '{name}', not 2" in response.text
    for graph in ("http://example.org/gz", "http://example.org/gz2"):
        assert httpx.get(store_url, params={"graph": graph}).status_code == 404
    assert httpx.get(store_url, params={"default": ""}, headers={"Accept": "application/n-triples"}).text == before
    assert read(store_url, graph=W3C_GRAPH.format(1))  # the graph a DELETE named twice is still there
    twice = httpx.get(w3c_server.origin + "/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status_code == 400 and "give exactly one 'query', not 2" in twice.text  # the same words


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_graph_iri_that_is_not_utf8_is_refused_naming_the_parameter(w3c_server, store_url, method):
    """?graph=http://example.org/caf%E9 was read with U+FFFD in place of the byte, and refused as "not an IRI:
    'http://example.org/caf\ufffd'", a value the client never sent: 400 in /sparql's words, naming the parameter."""
    response = httpx.request(method, f"{store_url}?graph=http://example.org/caf%E9",
                             content=A if method == "PUT" else None, headers={"Content-Type": "application/n-triples"})
    assert response.status_code == 400, response.text
    said = "the query string is not UTF-8 once its %-escapes are decoded: the value of 'graph'"
    assert said in response.text
    assert "\ufffd" not in response.text
    query = httpx.get(w3c_server.origin + "/sparql?query=ASK%7B%7D&default-graph-uri=http://example.org/caf%E9")
    assert query.status_code == 400 and said.replace("'graph'", "'default-graph-uri'") in query.text
