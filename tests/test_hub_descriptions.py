"""A resource with tens of thousands of values of its own (a hub): its RDF is written by a query worker, so the
server answers other requests meanwhile, and complete; its page shows a bounded number of them, says how many more
there are and links to a query that lists them all."""

from __future__ import annotations

import html
import re
import threading
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from loader.namespaces import data_base
from tests.conftest import live_server, make_store, settings_for

B = data_base()
HUB = B + "thing/hub"
LINKS = 40_000
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
ODD_HUB = B + "thing/odd-hub"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
QUICK = 1.0  # seconds /health may take while the hub is written (rdflib's JSON-LD of it took the loop for 2 s+)


def hub_triples() -> str:
    lines = [f'<{HUB}> <http://www.w3.org/2000/01/rdf-schema#label> "hub"@en .']
    lines += [f"<{HUB}> <{SEE_ALSO}> <http://example.org/s{n}> ." for n in range(LINKS)]
    lines += [f"<{B}thing/small> <{SEE_ALSO}> <{HUB}> .", f"<{B}thing/small> <{SEE_ALSO}> <http://example.org/s1> .",
              f'<{B}thing/small> <http://www.w3.org/2000/01/rdf-schema#label> "small"@en .']
    # a page shows its types first: past the first 1,000 values of this one are a literal RDF/XML cannot write
    # (XML 1.0 has no U+0007) and a triple term JSON-LD cannot
    lines += [f"<{ODD_HUB}> <{RDF_TYPE}> <http://example.org/C{n}> ." for n in range(1_200)]
    lines += [f'<{ODD_HUB}> <http://www.w3.org/2000/01/rdf-schema#comment> "bell\\u0007late" .',
              f"<{ODD_HUB}> <http://example.org/says> <<( <http://example.org/s> <http://example.org/p> "
              "<http://example.org/o> )>> ."]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def hub_server(tmp_path_factory):
    path = make_store(tmp_path_factory.mktemp("hub") / "store", {B + "graph/hub": hub_triples()})
    with live_server(settings_for(path)) as server:
        yield server.origin


def slowest_health_while(origin: str, path: str, accept: str) -> tuple[httpx.Response, float]:
    """GET ``path`` and, while it is answered, ``/health`` over and over: the response, and the longest /health
    took."""
    done: dict = {}

    def fetch() -> None:
        done["response"] = httpx.get(origin + path, headers={"accept": accept}, timeout=60)

    worker = threading.Thread(target=fetch)
    slowest = 0.0
    with httpx.Client(timeout=60) as client:
        client.get(origin + "/health")
        worker.start()
        while worker.is_alive():
            started = time.monotonic()
            assert client.get(origin + "/health").status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.02)
    worker.join()
    return done["response"], slowest


def test_other_requests_are_answered_while_a_hubs_json_ld_is_written(hub_server):
    response, slowest = slowest_health_while(hub_server, "/thing/hub.jsonld", "*/*")
    assert response.status_code == 200 and response.headers["content-type"] == "application/ld+json"
    assert len(rdflib.Graph().parse(data=response.content, format="json-ld")) == LINKS + 2
    assert slowest < QUICK, f"/health waited {slowest:.2f} s while the hub's JSON-LD was written"


@pytest.mark.parametrize(("suffix", "parser"), [(".ttl", "turtle"), (".nt", "nt"), (".rdf", "xml")])
def test_a_hubs_rdf_holds_every_value_however_many_its_page_shows(hub_server, suffix, parser):
    response = httpx.get(hub_server + "/thing/hub" + suffix, timeout=60)
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=parser)
    assert len(graph) == LINKS + 2  # every value of its own, and the link to it
    assert (rdflib.URIRef(B + "thing/small"), rdflib.URIRef(SEE_ALSO), rdflib.URIRef(HUB)) in graph


def test_a_hubs_page_shows_a_bounded_number_of_values_says_how_many_more_and_links_to_them_all(hub_server):
    from api.describe import MAX_OUTGOING

    response, slowest = slowest_health_while(hub_server, "/thing/hub", "text/html")
    assert response.status_code == 200
    properties = response.text.split('id="properties"')[1].split("</section>")[0]
    assert properties.count("<li>") == MAX_OUTGOING
    note = html.unescape(re.sub(r"<[^>]+>", "", properties.split('id="outgoing-cut"')[1].split("</p>")[0]))
    assert f"Only {MAX_OUTGOING:,} of its {LINKS + 1:,} values are shown here ({LINKS + 1 - MAX_OUTGOING:,} more)" \
        in note
    link = html.unescape(re.search(r'id="outgoing-cut".*?href="([^"]*)"', properties, re.S).group(1))
    assert link.startswith("/?query=")
    [query] = parse_qs(urlsplit(link).query)["query"]
    listed = httpx.get(hub_server + "/sparql", params={"query": query},
                       headers={"accept": "application/sparql-results+json"}, timeout=60)
    assert len(listed.json()["results"]["bindings"]) == LINKS + 1
    assert slowest < QUICK, f"/health waited {slowest:.2f} s while the hub's page was rendered"


def test_a_page_with_fewer_values_than_the_cap_shows_them_all_and_no_note(hub_server):
    page = httpx.get(hub_server + "/thing/small", headers={"accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and 'id="outgoing-cut"' not in page.text
    properties = page.text.split('id="properties"')[1].split("</section>")[0]
    assert properties.count("<li>") == 3


def test_the_formats_offered_for_a_hub_are_judged_on_the_values_its_page_does_not_show(hub_server):
    """The formats a description can be written in were judged on the 1,000 values a page shows: past them, a
    literal XML cannot carry made /odd-hub.rdf a 200 cut off mid-stream, and Link offered RDF/XML and JSON-LD,
    neither of which can write it."""
    page = httpx.get(hub_server + "/thing/odd-hub", headers={"accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and "Only 1,000 of its 1,202 values" in html.unescape(page.text)
    link = page.headers["link"]
    assert "/thing/odd-hub.ttl>" in link and "/thing/odd-hub.nt>" in link
    assert ".rdf>" not in link and ".jsonld>" not in link
    for suffix, words in ((".rdf", "U+0007"), (".jsonld", "triple term")):
        response = httpx.get(hub_server + "/thing/odd-hub" + suffix, timeout=60)
        assert response.status_code == 406, (suffix, response.status_code)
        assert words in response.text
    by_accept = httpx.get(hub_server + "/thing/odd-hub", headers={"accept": "application/rdf+xml, text/turtle;q=0.5"},
                          timeout=60)  # negotiated: the next format Accept takes that can write it
    assert by_accept.status_code == 200 and by_accept.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(by_accept.content, format=ox.RdfFormat.TURTLE))) == 1_202  # rdflib reads no triple term
