"""HTTP as clients send it, on a live server: media types in any case (RFC 9110 §8.3.1)."""

from __future__ import annotations

import httpx
import pytest

from api import negotiate

# --- media types are case-insensitive ---------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "name"), [
    ("Application/Sparql-Results+Json", "json"),
    ("TEXT/CSV", "csv"),
    ("text/csv;q=0.5, Application/Sparql-Results+XML", "xml"),
    ("Application/JSON", "json"),  # an alias, named exactly but in another case
    ("TEXT/*", "csv"),
])
def test_results_formats_are_matched_in_any_case(accept, name):
    assert negotiate.results_format(accept).name == name


def test_graph_description_and_page_formats_are_matched_in_any_case():
    assert negotiate.graph_format("Text/Turtle").name == "turtle"
    assert negotiate.graph_format("text/turtle;q=0.1, Application/N-Triples").name == "ntriples"
    assert negotiate.graph_format("TEXT/TURTLE;q=0, */*").name == "ntriples"  # "not this", whatever its case
    assert negotiate.description_format("Application/LD+JSON").name == "jsonld"
    assert negotiate.prefers_html("Text/HTML,application/xhtml+xml;q=0.9")
    assert negotiate.results_format(None, "Text/CSV").name == "csv"  # a media type as the format parameter
    negotiate.check_format_parameter("Application/Sparql-Results+Json")


def test_the_endpoint_answers_a_media_type_in_another_case(read_only_server):
    answer = httpx.get(read_only_server.sparql, params={"query": "ASK {}"}, timeout=30,
                       headers={"Accept": "Application/Sparql-Results+Json"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    construct = httpx.get(read_only_server.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, timeout=30,
                          headers={"Accept": "Application/N-Triples"})
    assert construct.status_code == 200 and construct.headers["content-type"].startswith("application/n-triples")
    described = httpx.get(read_only_server.sparql, headers={"Accept": "Text/Turtle"}, timeout=30)
    assert described.status_code == 200 and described.headers["content-type"].startswith("text/turtle")


def test_a_page_answers_a_media_type_in_another_case(tiny_server):
    turtle = httpx.get(tiny_server + "/body/x-two-languages", headers={"Accept": "Text/Turtle"}, timeout=30)
    assert turtle.status_code == 200, turtle.text
    assert turtle.headers["content-type"].startswith("text/turtle")
    page = httpx.get(tiny_server + "/body/x-two-languages", headers={"Accept": "Text/HTML"}, timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
