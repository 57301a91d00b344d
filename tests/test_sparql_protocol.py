"""The /sparql endpoint on a live read-only server: every result format parsed, negotiation, errors, the service
description, operators' routes, and SPARQLWrapper as a real client."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from conftest import W3C_GRAPH, live_server, make_store, read_cut_off, settings_for, w3c_graphs
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from starlette.responses import PlainTextResponse

DATA1 = W3C_GRAPH.format(1)
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
SELECT = f"SELECT ?s ?g WHERE {{ GRAPH ?g {{ ?s a <{FOAF_DOCUMENT}> }} }} ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT {{ ?s a <{FOAF_DOCUMENT}> }} WHERE {{ GRAPH <{DATA1}> {{ ?s a ?type }} }}"
EXPECTED_SUBJECTS = [W3C_GRAPH.format(n) for n in (1, 2, 3)]
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture(scope="module")
def server(read_only_server):
    return read_only_server


def get(server, query: str | None = None, **kwargs) -> httpx.Response:
    params = kwargs.pop("params", {})
    if query is not None:
        params = {"query": query, **params}
    return httpx.get(server.sparql, params=params, timeout=30, **kwargs)


# ---- results formats, each parsed


def subjects_from(media_type: str, body: bytes) -> list[str]:
    if media_type == "application/sparql-results+json":
        return [row["s"]["value"] for row in json.loads(body)["results"]["bindings"]]
    if media_type == "application/sparql-results+xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        return [b.find(ns + "uri").text for b in ET.fromstring(body).iter(ns + "binding") if b.get("name") == "s"]
    if media_type == "text/csv":
        return [row["s"] for row in csv.DictReader(io.StringIO(body.decode()))]
    if media_type == "text/tab-separated-values":
        lines = body.decode().splitlines()
        column = lines[0].split("\t").index("?s")
        return [line.split("\t")[column].strip("<>") for line in lines[1:]]
    raise AssertionError(media_type)


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml",
                                        "text/csv", "text/tab-separated-values"])
def test_select_in_every_results_format(server, media_type):
    response = get(server, SELECT, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    assert subjects_from(media_type, response.content) == EXPECTED_SUBJECTS


@pytest.mark.parametrize(("media_type", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/n-quads", "nquads"),
    ("application/trig", "trig"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_construct_in_every_rdf_format(server, media_type, rdflib_format):
    response = get(server, CONSTRUCT, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=response.content, format=rdflib_format)
    triples = {(str(s), str(p), str(o)) for s, p, o, *_ in (graph.quads() if isinstance(graph, rdflib.Dataset)
                                                          else graph)}
    assert triples == {(DATA1, str(rdflib.RDF.type), FOAF_DOCUMENT)}


@pytest.mark.parametrize(("name", "media_type"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"), ("text/csv", "text/csv"),
    ("JSON", "application/sparql-results+json"), ("text/csv; charset=utf-8", "text/csv"),  # as a media type is written
])
def test_format_parameter_overrides_accept_for_results(server, name, media_type):
    response = get(server, SELECT, params={"format": name}, headers={"Accept": "application/sparql-results+xml;q=1"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert subjects_from(media_type, response.content) == EXPECTED_SUBJECTS


@pytest.mark.parametrize(("name", "media_type"), [
    ("turtle", "text/turtle"), ("ntriples", "application/n-triples"), ("nquads", "application/n-quads"),
    ("trig", "application/trig"), ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml"),
    ("json", "application/ld+json"), ("xml", "application/rdf+xml"),
])
def test_format_parameter_for_graphs(server, name, media_type):
    response = get(server, CONSTRUCT, params={"format": name})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


def test_unknown_format_parameter_is_a_bad_request(server):
    response = get(server, SELECT, params={"format": "yaml"})
    assert response.status_code == 400
    assert "yaml" in response.text and "turtle" in response.text


def test_format_parameter_of_the_wrong_kind_is_not_acceptable(server):
    response = get(server, SELECT, params={"format": "turtle"})
    assert response.status_code == 406
    assert "SELECT" in response.text and "format=turtle cannot carry" in response.text  # not blamed on Accept


def test_the_format_parameter_is_given_once_on_get_as_on_post(server):
    twice = httpx.get(server.sparql, params=[("query", SELECT), ("format", "csv"), ("format", "json")], timeout=30)
    assert twice.status_code == 400 and "exactly one 'format'" in twice.text
    description = httpx.get(server.sparql, params=[("format", "turtle"), ("format", "rdfxml")], timeout=30)
    assert description.status_code == 400 and "exactly one 'format'" in description.text  # not the last one


def test_defaults_without_accept(server):
    select = httpx.get(server.sparql, params={"query": SELECT}, headers={"Accept": ""})
    construct = httpx.get(server.sparql, params={"query": CONSTRUCT}, headers={"Accept": ""})
    assert select.headers["content-type"] == "application/sparql-results+json"
    assert construct.headers["content-type"].startswith("text/turtle")


TRIPLE_TERMS = "CONSTRUCT { ?s ?p <<( ?s ?p ?o )>> } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"


@pytest.mark.parametrize("how", [{"headers": {"Accept": "application/ld+json"}}, {"params": {"format": "jsonld"}}])
def test_triple_terms_asked_for_as_json_ld_are_not_acceptable(server, how):
    """JSON-LD 1.1 has no syntax for an RDF 1.2 triple term: a 406 naming the formats that have one, not a 500."""
    response = get(server, TRIPLE_TERMS, **how)
    assert response.status_code == 406, response.text
    assert "JSON-LD cannot carry RDF 1.2 triple terms" in response.text
    for name in ("Turtle", "N-Triples", "N-Quads", "TriG", "RDF/XML"):
        assert name in response.text
    for name, media_type in (("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
                             ("nquads", "application/n-quads"), ("trig", "application/trig"),
                             ("rdfxml", "application/rdf+xml")):  # each format it names does carry them
        named = get(server, TRIPLE_TERMS, params={"format": name})
        assert named.status_code == 200 and named.headers["content-type"].split(";")[0] == media_type, named.text
        quads = ox.parse(named.content, format=ox.RdfFormat.from_media_type(media_type))
        assert any(isinstance(quad.object, ox.Triple) for quad in quads)
    assert get(server, TRIPLE_TERMS, params={"format": "ntriples"}).status_code == 200  # and the worker lives on


def test_a_triple_term_past_the_first_chunk_of_json_ld_cuts_the_response_off(server):
    """Once the first chunk is sent the status cannot change: the response ends without its last chunk, so the
    client sees it incomplete rather than taking the triples before the triple term as the whole result."""
    values = " ".join(str(n) for n in range(2000))  # about 200 KB of JSON-LD before the triple term
    query = (f"CONSTRUCT {{ ?s <http://example.org/p> ?o }} WHERE {{ {{ VALUES ?n {{ {values} }} "
             "BIND(IRI(CONCAT('http://example.org/s', STR(?n))) AS ?s) BIND(?n AS ?o) } UNION { "
             "BIND(<http://example.org/last> AS ?s) BIND(99999 AS ?n) "
             "BIND(<<( <http://example.org/a> <http://example.org/b> 1 )>> AS ?o) } } ORDER BY ?n")
    assert read_cut_off(server.sparql, {"query": query}, "application/ld+json") > 0
    assert get(server, "ASK {}").json()["boolean"] is True


# ---- negotiation: q-values, q=0, 406


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/sparql-results+json;q=0.5, text/csv", "text/csv"),
    ("text/csv;q=0, */*;q=0.1", "application/sparql-results+json"),
    ("text/*;q=0.9, text/csv;q=0.2", "text/tab-separated-values"),
    ("application/xml", "application/sparql-results+xml"),
    ("application/json", "application/sparql-results+json"),
])
def test_accept_q_values_choose_the_format(server, accept, expected):
    response = get(server, SELECT, headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize("accept", ["text/csv;q=-1", "text/csv;q=abc", "text/csv; Q=1.5", "text/csv;q=0.1234"])
def test_a_weight_that_is_no_q_value_is_400_not_read_as_1(server, accept):
    response = get(server, SELECT, headers={"Accept": accept})
    assert response.status_code == 400 and "is no weight" in response.text
    assert get(server, SELECT, headers={"Accept": "text/csv;q=0.125, */*;q=1.000"}).status_code == 200
    assert get(server, SELECT, headers={"Accept": 'text/csv;foo="a;q=2";q=0.5'}).status_code == 200  # quoted: no q


@pytest.mark.parametrize(("accept", "said"), [
    ('text/csv;q="0.5"', 'q="0.5" is no weight'),  # it said q="" is no weight: a value the client never sent
    ('text/csv;q="0.5', 'q="0.5 is no weight'),
    ('text/csv;foo="a;q=2";q=x"y;z"', 'q=x"y;z" is no weight'),
])
def test_a_weight_that_is_no_q_value_is_named_as_it_was_sent(server, accept, said):
    response = get(server, SELECT, headers={"Accept": accept})
    assert response.status_code == 400 and said in response.text, response.text


@pytest.mark.parametrize("accept", ["image/png", "*/*;q=0", "text/turtle"])
def test_nothing_acceptable_for_select_is_406(server, accept):
    response = get(server, SELECT, headers={"Accept": accept})
    assert response.status_code == 406
    assert "Accept" in response.headers["vary"].split(", ")


def test_construct_with_only_results_formats_acceptable_is_406(server):
    response = get(server, CONSTRUCT, headers={"Accept": "application/sparql-results+json, text/csv"})
    assert response.status_code == 406
    assert "CONSTRUCT" in response.text


def test_malformed_accept_is_a_bad_request(server):
    response = get(server, SELECT, headers={"Accept": "garbage"})
    assert response.status_code == 400
    assert "Accept" in response.text


# ---- queries by POST, datasets, errors


def test_post_form_and_direct_give_the_same_answer(server):
    form = httpx.post(server.sparql, data={"query": SELECT})
    direct = httpx.post(server.sparql, content=SELECT, headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json() == get(server, SELECT).json()


def test_dataset_parameters_replace_the_query_dataset(server):
    query = "SELECT ?s WHERE { ?s ?p ?o }"
    response = get(server, query, params={"default-graph-uri": W3C_GRAPH.format(2)})
    assert [row["s"]["value"] for row in response.json()["results"]["bindings"]] == [W3C_GRAPH.format(2)]


def test_default_graph_is_the_union_of_the_named_graphs(server):
    rows = get(server, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s").json()["results"]["bindings"]
    assert [row["s"]["value"] for row in rows] == EXPECTED_SUBJECTS


def test_syntax_error_says_where(server):
    response = get(server, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "syntax error" in response.text and "1:" in response.text
    assert "Traceback" not in response.text


def test_an_undeclared_prefix_is_named_instead_of_a_list_of_character_classes(server):
    response = get(server, "SELECT * WHERE { ?s foo:bar ?o }")
    assert response.status_code == 400
    assert response.text == "syntax error: error at 1:28: the prefix foo: is not declared (PREFIX foo: <…>)\n"
    later = get(server, "PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  ?s ex:p ?o .\n  ?s zz:q ?o }")
    assert later.status_code == 400 and "error at 4:" in later.text  # Oxigraph's own position, and then the cause
    assert later.text.rstrip().endswith("; the prefix zz: is not declared (PREFIX zz: <…>)")


def test_an_update_sent_as_a_query_is_told_where_it_belongs(server):
    """The query page, and many clients, send whatever is typed as query=; Oxigraph says "expected CONSTRUCT"."""
    response = get(server, "PREFIX ex: <http://example.org/>\ninsert data { ex:a ex:b ex:c }")
    assert response.status_code == 400 and "error at 2:" in response.text
    assert response.text.rstrip().endswith("(INSERT is a SPARQL update: send it as update=, not query=)")
    assert "SPARQL update" not in get(server, "SELECT * WHERE { ?s ?p }").text


@pytest.mark.parametrize("query", ["", "  # only a comment\n"])
def test_an_empty_query_is_called_empty(server, query):
    """Oxigraph said "error at 1:1: expected [_]"."""
    response = get(server, query)
    assert response.status_code == 400 and "the text is empty" in response.text


def test_an_iri_broken_by_a_space_is_not_called_an_undeclared_prefix(server):
    response = get(server, "SELECT * WHERE { ?s ?p <http://a b> }")
    assert response.status_code == 400 and "error at 1:" in response.text and "prefix" not in response.text
    less_than = get(server, "SELECT * WHERE { ?s ?p ?o FILTER(?o<ex:b) }")  # "<" an operator: ex: is undeclared
    assert less_than.status_code == 400 and "the prefix ex: is not declared" in less_than.text


def test_a_syntax_error_is_told_before_a_graph_the_query_names(server):
    # ex:g is in no store: the error the client needs first is the syntax error, with its position (Oxigraph's)
    response = get(server, "PREFIX ex: <http://example.org/>\nSELECT * FROM ex:g WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "syntax error" in response.text and "2:" in response.text and "not in this store" not in response.text
    missing = get(server, "PREFIX ex: <http://example.org/>\nSELECT * FROM ex:g WHERE { ?s ?p ?o }")
    assert missing.status_code == 400 and "graph <http://example.org/g> is not in this store" in missing.text


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json", "application/sparql-query; "
                                                                                 "charset=UTF-16"])
def test_wrong_content_type_is_415(server, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(server.sparql, content=b"ASK {}", headers=headers)
    assert response.status_code == 415
    assert "application/sparql-query" in response.text or "UTF-8" in response.text


def test_two_queries_are_a_bad_request(server):
    response = httpx.get(server.sparql + "?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_a_large_result_streams_complete(server):
    values = " ".join(str(n) for n in range(60))
    query = f"SELECT ?a ?b ?c WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ 1 2 3 }} }}"
    response = get(server, query, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert "content-length" not in response.headers  # streamed in chunks
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 60 * 60 * 3
    assert {(r["a"], r["b"], r["c"]) for r in rows} == {(str(a), str(b), str(c)) for a in range(60)
                                                       for b in range(60) for c in (1, 2, 3)}


# ---- service description


def description(server, accept: str) -> rdflib.Graph:
    response = httpx.get(server.sparql, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert "Accept" in response.headers["vary"].split(", ")
    kind = {"text/turtle": "turtle", "application/ld+json": "json-ld"}[accept]
    assert response.headers["content-type"].split(";")[0] == accept
    return rdflib.Graph().parse(data=response.content, format=kind)


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_service_description(server, accept):
    graph = description(server, accept)
    service = next(graph.subjects(rdflib.RDF.type, SD.Service))
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(server.sparql)
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
            "JSON-LD", "RDF_XML", "N-Triples"} <= formats
    assert SD.UnionDefaultGraph in set(graph.objects(service, SD.feature))
    assert graph.value(service, SD.inputFormat) is None  # read-only: it reads no RDF (no LOAD, no Graph Store)


@pytest.mark.parametrize(("name", "media_type"), [
    ("jsonld", "application/ld+json"), ("ntriples", "application/n-triples"), ("rdfxml", "application/rdf+xml")])
def test_service_description_by_format_parameter(server, name, media_type):
    response = httpx.get(server.sparql, params={"format": name}, headers={"Accept": "text/turtle"})
    assert response.headers["content-type"] == media_type
    kind = {"jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml"}[name]
    graph = rdflib.Graph().parse(data=response.content, format=kind)
    assert set(graph.objects(None, SD.endpoint)) == {rdflib.URIRef(server.sparql)}


def test_service_description_not_acceptable(server):
    response = httpx.get(server.sparql, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 406


def test_service_description_endpoint_follows_the_requested_host(server):
    port = server.origin.rsplit(":", 1)[1]
    response = httpx.get(f"http://localhost:{port}/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert rdflib.URIRef(f"http://localhost:{port}/sparql") in set(graph.objects(None, SD.endpoint))


def test_service_description_lists_update_when_allowed(w3c_server):
    graph = description(w3c_server, "text/turtle")
    assert SD.SPARQL11Update in set(graph.objects(None, SD.supportedLanguage))
    read = {str(f).rsplit("/", 1)[1] for f in graph.objects(None, SD.inputFormat)}
    assert read == {"Turtle", "N-Triples", "N-Quads", "TriG", "JSON-LD", "RDF_XML"}  # what the Graph Store takes


def test_browser_is_sent_to_the_query_page(server):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = get(server, "ASK {}", headers={"Accept": browser}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?query=ASK+%7B%7D"
    assert httpx.get(server.sparql, headers={"Accept": browser}).status_code in (200, 303)


# ---- operators


def test_health(server):
    assert httpx.head(server.origin + "/health").status_code == 200
    health = httpx.get(server.origin + "/health").json()
    assert health == {"ok": True, "store": str(server.settings.store), "triples": 3, "graphs": 3, "workers": 2}


def test_openapi_docs(server):
    paths = httpx.get(server.origin + "/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])
    for page, wanted in (("/docs", {"swagger-ui-bundle.js", "swagger-ui.css"}), ("/redoc", {"redoc.standalone.js"})):
        response = httpx.get(server.origin + page)
        assert response.status_code == 200
        assert "/openapi.json" in response.text
        loaded = re.findall(r"""(?:src|href)=["']?([^"' >]+)""", response.text)
        loaded += re.findall(r"""(?:url|specUrl): ?['"]([^'"]+)""", response.text)
        assert {name for name in wanted if any(url.endswith(name) for url in loaded)} == wanted, loaded
        for url in loaded:  # everything a visitor's browser loads comes from this server, none from a CDN
            assert url.startswith("/") and not url.startswith("//"), (page, url)
            assert httpx.get(server.origin + url).status_code == 200, url


def test_every_route_passes_the_front_door_cors_and_access_log(server, caplog):
    caplog.set_level("INFO", logger="unkg.access")
    elsewhere = {"Origin": "https://elsewhere.example"}
    for path in ("/health", "/no/such/page"):  # a route in FastAPI and a 404 from it
        response = httpx.get(server.origin + path, headers=elsewhere, timeout=30)
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["server-timing"].startswith("app;dur=")
        assert f'"GET {path}" {response.status_code} ' in caplog.text


def test_a_bug_on_the_query_path_answers_500_and_is_logged(server, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(server.engine, "execute", broken)
    response = get(server, "ASK {}", headers={"Origin": "https://elsewhere.example"})
    assert (response.status_code, response.text) == (500, "Internal Server Error\n")
    assert response.headers["access-control-allow-origin"] == "*"
    assert "internal error answering GET /sparql" in caplog.text and "KeyError: 'a bug'" in caplog.text


def test_a_byte_order_mark_before_a_query_is_no_part_of_it_however_the_query_is_sent(server):
    """A direct POST dropped an editor's byte-order mark; a GET or a form took it for the query's first character
    ("error at 1:7: expected one of PREFIX, SELECT")."""
    query, json_results = "\ufeffASK {}", {"Accept": "application/sparql-results+json"}
    answers = {
        "GET": get(server, query, headers=json_results),
        "form": httpx.post(server.sparql, data={"query": query}, headers=json_results, timeout=30),
        "direct": httpx.post(server.sparql, content=query.encode(), timeout=30,
                             headers={"Content-Type": "application/sparql-query", **json_results}),
    }
    for how, response in answers.items():
        assert (response.status_code, response.text) == (200, '{"head":{},"boolean":true}'), (how, response.text)


def test_a_form_in_utf8_escaped_or_not_is_read_as_utf8(server):
    query = 'SELECT ("会议 100%" AS ?x) {}'
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for body in ("query=" + query.replace("%", "%25"), "query=" + quote(query, safe="")):
        response = httpx.post(server.sparql, content=body.encode(), headers=form, timeout=30)
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"] == [{"x": {"type": "literal", "value": "会议 100%"}}]


def test_escapes_that_are_not_utf8_are_refused_not_replaced(server):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    latin1 = "query=" + quote('ASK { FILTER("caf\u00e9" = "caf\u00e9") }', safe="", encoding="latin-1")
    answers = [httpx.get(f"{server.sparql}?{latin1}", timeout=30),
               httpx.post(server.sparql, content=latin1.encode(), headers=form, timeout=30),
               httpx.post(f"{server.sparql}?{latin1}", content=b"", headers=form, timeout=30)]
    for response, where in zip(answers, ("query string", "form", "query string"), strict=True):
        assert response.status_code == 400, response.text
        assert f"the {where} is not UTF-8" in response.text


def test_cors_allows_any_origin_without_credentials(server):
    simple = get(server, "ASK {}", headers={"Origin": "https://elsewhere.example"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in simple.headers
    preflight = httpx.options(server.sparql, headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers


def test_responses_carry_their_time(server):
    assert get(server, "ASK {}").headers["server-timing"].startswith("app;dur=")


# ---- a real client


def test_sparqlwrapper_select(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["s"]["value"] for row in rows] == EXPECTED_SUBJECTS
    assert [row["g"]["value"] for row in rows] == EXPECTED_SUBJECTS


def test_sparqlwrapper_construct(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert set(graph) == {(rdflib.URIRef(DATA1), rdflib.RDF.type, rdflib.URIRef(FOAF_DOCUMENT))}


async def framework_gone(scope, receive, send) -> None:
    """Stands in for FastAPI's own layers and router: whatever reaches it gets a 503."""
    if scope["type"] == "http":
        await PlainTextResponse("FastAPI was reached\n", status_code=503)(scope, receive, send)


def test_queries_skip_the_router_and_openapi_still_documents_them(server, tmp_path, caplog):
    store = make_store(tmp_path / "store", w3c_graphs())
    with live_server(settings_for(store, workers=1)) as own, caplog.at_level(logging.INFO, logger="unkg.access"):
        own.app.middleware_stack = framework_gone  # started (lifespan done); from now on FastAPI cannot answer
        assert httpx.get(own.origin + "/health", timeout=30).status_code == 503  # all but queries go into FastAPI
        results, origin = {"Accept": "application/sparql-results+json"}, {"Origin": "https://example.org"}
        for answer in (get(own, SELECT, headers={**results, **origin}),
                       httpx.post(own.sparql, content=SELECT, timeout=30,
                                  headers={"Content-Type": "application/sparql-query", **results, **origin})):
            assert answer.status_code == 200, answer.text  # queries go straight to their handlers ...
            assert subjects_from(results["Accept"], answer.content) == EXPECTED_SUBJECTS
            assert answer.headers["access-control-allow-origin"] == "*"  # ... behind CORS ...
            assert answer.headers["server-timing"].startswith("app;dur=")  # ... and the access log
        assert httpx.head(own.sparql, params={"query": SELECT}, timeout=30).status_code == 200
        preflight = httpx.options(own.sparql, timeout=30, headers={**origin, "Access-Control-Request-Method": "POST"})
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    logged = [r.getMessage() for r in caplog.records if r.name == "unkg.access"]
    assert any('"POST /sparql" 200' in line for line in logged), logged
    full = get(server, SELECT)
    head = httpx.head(server.sparql, params={"query": SELECT}, timeout=30)
    assert (head.status_code, head.headers["content-type"], head.content) == (200, full.headers["content-type"], b"")
    assert httpx.head(server.sparql, params={"query": "SELEC nothing"}, timeout=30).status_code == 400
    operations = server.app.openapi()["paths"]["/sparql"]
    assert {p["name"] for p in operations["get"]["parameters"]} == {"query", "default-graph-uri",
                                                                   "named-graph-uri", "format"}
    assert {"application/sparql-query", "application/sparql-update"} <= set(
        operations["post"]["requestBody"]["content"])


def test_a_method_the_endpoint_does_not_take_is_405_in_plain_text(server):
    for method in ("PUT", "DELETE", "PATCH"):
        response = httpx.request(method, server.sparql, timeout=30)
        assert response.status_code == 405, method
        assert response.headers["content-type"].startswith("text/plain") and "Method Not Allowed" in response.text
        assert "GET" in response.headers["allow"] and "POST" in response.headers["allow"]
    unrouted = httpx.get(server.origin + "/a%0Ab", timeout=30)  # no route takes a line feed: the router's own 404
    assert unrouted.status_code == 404 and unrouted.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(("query", "xml", "other"), [
    (r'SELECT ?x { BIND("a\u0001b" AS ?x) }', "xml", "json"),
    (r'CONSTRUCT { <http://example.org/s> <http://example.org/p> ?x } WHERE { BIND("a\u0001b" AS ?x) }', "rdfxml",
     "ntriples"),
])
def test_a_control_character_xml_cannot_carry_is_406_in_xml_and_escaped_elsewhere(server, query, xml, other):
    """XML 1.0 has no character for U+0001; Oxigraph wrote it raw, which no XML parser reads."""
    refused = get(server, query, params={"format": xml})
    assert refused.status_code == 406 and "U+0001" in refused.text and "XML 1.0" in refused.text
    answered = get(server, query, params={"format": other})
    assert answered.status_code == 200 and "\\u0001" in answered.text.replace("\\U00000001", "\\u0001")


@pytest.mark.parametrize(("query", "xml", "why"), [
    (r'SELECT ?x { BIND("a\uFFFEb" AS ?x) }', "xml", "U+FFFE"),
    (r'CONSTRUCT { <http://example.org/s> <http://example.org/p> ?x } WHERE { BIND("a\uFFFFb" AS ?x) }', "rdfxml",
     "U+FFFF"),
    ('CONSTRUCT { <http://example.org/s> <http://example.org/1> "v" } WHERE {}', "rdfxml",
     "the predicate <http://example.org/1>, whose IRI ends in no XML name"),
    ("CONSTRUCT { <http://example.org/s> a <http://example.org/2> } WHERE {}", "rdfxml",
     "the class <http://example.org/2>, whose IRI ends in no XML name"),
    ("CONSTRUCT { _:s a <http://example.org/2> } WHERE {}", "rdfxml", "the class <http://example.org/2>"),
    ("CONSTRUCT { <http://example.org/s> <http://example.org/1> _:b } WHERE {}", "rdfxml",
     "the predicate <http://example.org/1>"),
])
def test_what_xml_cannot_carry_is_406_in_xml_and_answered_elsewhere(server, query, xml, why):
    """U+FFFE and U+FFFF are no XML characters either, and RDF/XML writes a predicate as an element, whose name
    its IRI must end in: Oxigraph wrote "<oxprefix: …>" for http://example.org/1, which is no XML."""
    refused = get(server, query, params={"format": xml})
    assert refused.status_code == 406 and why in refused.text, refused.text
    answered = get(server, query, params={"format": "json" if xml == "xml" else "ntriples"})
    assert answered.status_code == 200


def test_a_query_body_may_start_with_a_byte_order_mark(server):
    """Some editors write one first: it was "syntax error: error at 1:7" (the CLI and Jena skip it)."""
    answer = httpx.post(server.sparql, content=b"\xef\xbb\xbfASK {}",
                        headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_a_compressed_body_is_415_naming_the_coding(server):
    """It was 400 "the body is not valid UTF-8"."""
    import gzip

    answer = httpx.post(server.sparql, content=gzip.compress(b"ASK {}"), timeout=30,
                        headers={"Content-Type": "application/sparql-query", "Content-Encoding": "gzip"})
    assert answer.status_code == 415 and "Content-Encoding gzip" in answer.text


def test_a_form_in_another_charset_is_415_not_read_as_utf8(server):
    """Read as UTF-8 without a word, its non-ASCII characters became others."""
    answer = httpx.post(server.sparql, content=b"query=ASK%20%7B%7D", timeout=30,
                        headers={"Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1"})
    assert answer.status_code == 415 and "iso-8859-1" in answer.text
    utf8 = httpx.post(server.sparql, content=b"query=ASK%20%7B%7D", timeout=30,
                      headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert utf8.status_code == 200


@pytest.mark.parametrize("parameter", ["using-graph-uri", "using-named-graph-uri"])
def test_a_query_by_get_with_an_update_dataset_parameter_is_refused_as_by_post(server, parameter):
    """GET ?query=ASK{}&using-graph-uri=… answered 200 and ignored the parameter, while a POST of the same was 400."""
    params = {"query": "ASK {}", parameter: W3C_GRAPH.format(1)}
    by_get = httpx.get(server.sparql, params=params, timeout=30)
    by_post = httpx.post(server.sparql, data=params, timeout=30)
    for response in (by_get, by_post):
        assert response.status_code == 400, response.text
        assert ("using-graph-uri and using-named-graph-uri are for updates; a query takes default-graph-uri and "
                "named-graph-uri") in response.text
    assert get(server, "ASK {}", params={"default-graph-uri": W3C_GRAPH.format(1)}).status_code == 200


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("how", ["form", "body"])
def test_an_update_with_a_query_dataset_parameter_is_refused_not_ignored(w3c_server, parameter, how):
    """An update with default-graph-uri was run as if the parameter were not there (204), on the whole store."""
    graph = "http://example.org/dataset-parameter"
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> 1 }} }}"
    if how == "form":
        response = httpx.post(w3c_server.sparql, data={"update": update, parameter: W3C_GRAPH.format(1)}, timeout=30)
    else:
        response = httpx.post(w3c_server.sparql, params={parameter: W3C_GRAPH.format(1)}, content=update, timeout=30,
                              headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 400, response.text
    assert ("default-graph-uri and named-graph-uri are for queries; an update takes using-graph-uri and "
            "using-named-graph-uri") in response.text
    assert get(w3c_server, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").json()["boolean"] is False
