"""Resource pages through a real server (create_app + uvicorn on loopback) over the real bundled data: one page
per kind of resource shows its facts, every IRI answers in every RDF format, labels follow the reader's
language, and nothing from the data is ever sent as markup."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from api.terms import store_select
from loader.manifest import DATA_DIR
from loader.namespaces import data_base

B = data_base()
MEETING = "meeting/CTOC-COP/WG.3/14"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
AGENDA_FILE = DATA_DIR / "sources" / "000_53ef33334a0e60d7.txt"
RDF_FORMATS = {  # media type -> (suffix, rdflib parser)
    "text/turtle": (".ttl", "turtle"),
    "application/ld+json": (".jsonld", "json-ld"),
    "application/n-triples": (".nt", "nt"),
    "application/rdf+xml": (".rdf", "xml"),
}


def get(origin: str, path: str, accept: str = "text/html", **headers) -> httpx.Response:
    return httpx.get(origin + path, headers={"accept": accept, **headers}, timeout=30)


def text_of(page: str) -> str:
    """The page's visible text, tags removed and entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]


@pytest.fixture(scope="module")
def meeting_page(real_server):
    response = get(real_server, "/" + MEETING)
    assert response.status_code == 200
    return response


# --- each kind of page shows its facts --------------------------------------------------------------------

def test_meeting_page_shows_body_dates_place_agenda_and_programme(real_server, meeting_page):
    page = meeting_page.text
    text = text_of(page)
    assert "国际合作工作组第十四次会议" in text
    assert f'<code id="canonical-iri">{B}{MEETING}</code>' in page  # the canonical IRI is shown ...
    assert "/body/CTOC-COP/WG.3" in hrefs(page)  # ... but links stay on this server
    assert "2023-09-11" in text and "2023-09-12" in text and "维也纳" in text
    agenda = page.split('id="agenda"')[1].split("</section>")[0]
    notations = re.findall(r'<span class="notation">([^<]*)</span>', agenda)
    assert notations == ["1", "1(a)", "1(b)", "2", "3", "4", "5"]
    programme = text_of(page.split('id="programme"')[1].split("</section>")[0])
    assert "10:00–13:00" in programme and "08:00–11:00 UTC" in programme  # local time, UTC beside
    assert "15:00–18:00" in programme and "13:00–16:00 UTC" in programme
    assert f"/{MEETING}/programme.ics" in hrefs(page)


def test_agenda_item_page_shows_annotations_provisions_documents_and_slots(real_server):
    page = get(real_server, f"/{MEETING}/agenda/item/2").text
    annotations = page.split('id="annotations"')[1].split("</section>")[0]
    paragraphs = re.findall(r'<p class="paragraph">(.*?)</p>', annotations, flags=re.S)
    assert len(paragraphs) == 3
    assert "执法合作" in text_of(paragraphs[0]) and 'lang="zh"' in paragraphs[0]
    assert "/instrument/UNTOC/art/27/para/1/subpara/f" in hrefs(annotations)
    assert "/instrument/UNTOC/art/27/para/1/subpara/c" not in hrefs(annotations)
    facts = page.split('class="facts"')[1].split("</dl>")[0]
    listed_in = facts.split("<dt>Listed in</dt>")[1].split("</dd>")[0]
    documents = facts.split("<dt>Documents</dt>")[1].split("</dd>")[0]
    assert hrefs(listed_in) == ["/doc/CTOC/COP/WG.3/2023/1"] and hrefs(documents) == ["/doc/CTOC/COP/WG.3/2023/2"]
    slots = page.split('id="slots"')[1].split("</section>")[0]
    assert f"/{MEETING}/programme/2023-09-11T1500" in hrefs(slots)
    assert "15:00–18:00" in text_of(slots) and "13:00–16:00 UTC" in text_of(slots)


def test_document_page_shows_symbols_versions_and_where_cited(real_server):
    page = get(real_server, "/doc/CTOC/COP/WG.3/2023/1").text
    text = text_of(page)
    assert '<code class="symbol">CTOC/COP/WG.3/2023/1</code>' in page
    versions = page.split('id="versions"')[1].split("</section>")[0]
    assert "/doc/CTOC/COP/WG.3/2023/1/zho" in hrefs(versions)
    assert "data/sources/000_53ef33334a0e60d7.txt" in text_of(versions)
    assert "2023-06-14" in text  # distributed 14 June 2023
    facts = page.split('class="facts"')[1].split("</dl>")[0]
    assert re.search(rf'<dt>Sets out the agenda</dt><dd><a href="/{MEETING}/agenda"', facts)
    # the agenda and its items are documented by it, not citations of it (the agenda's page lists the items)
    assert 'id="cited"' not in page
    background = get(real_server, "/doc/CTOC/COP/WG.3/2023/2").text.split('id="cited"')[1].split("</section>")[0]
    assert f"/{MEETING}/agenda/item/2" in hrefs(background)  # an item based on a paper is listed there


def test_provision_page_shows_text_parts_parent_and_citations(real_server):
    page = get(real_server, "/instrument/UNTOC/art/27/para/1").text
    text = text_of(page)
    assert "States Parties shall cooperate closely with one another" in text
    breadcrumb = page.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert hrefs(breadcrumb) == ["/instrument/UNTOC", "/instrument/UNTOC/art/27"]
    parts = page.split('id="parts"')[1].split("</section>")[0]
    assert [f"/instrument/UNTOC/art/27/para/1/subpara/{x}" for x in "abcdef"] == [
        h for h in hrefs(parts) if "/item/" not in h]
    cited_by = page.split('id="cited-by"')[1].split("</section>")[0]
    assert f"/{MEETING}/agenda/item/2/annotation/2" in hrefs(cited_by)


def test_decision_page_says_who_what_when_how_and_for_which_meeting(real_server):
    text = text_of(get(real_server, "/decision/CTOC-COP/extended-bureau/2023-04-19").text)
    view = text.split("Decided by", 1)[1].split("Properties", 1)[0]
    assert "2023-04-19" in view and "国际合作工作组第十四次会议的实质性议题" in view
    assert "not stated in the source" not in view
    silent = text_of(get(real_server, "/decision/CTOC-COP/extended-bureau/2022-08-05").text)
    procedure = silent.split("Procedure", 1)[1].split("For meeting", 1)[0]
    assert "not stated in the source" in procedure


def test_generic_page_lists_links_both_ways(real_server):
    page = get(real_server, "/place/vienna").text
    assert 'id="properties"' in page and 'id="incoming"' in page
    assert f"/{MEETING}" in hrefs(page.split('id="incoming"')[1])


def test_pages_show_the_source_lines_behind_the_facts(real_server, meeting_page):
    provenance = meeting_page.text.split('id="provenance"')[1].split("</section>")[0]
    lines = AGENDA_FILE.read_text(encoding="utf-8").splitlines()
    found = re.findall(r'line (\d+)</a>\s*<blockquote class="verbatim" lang="zh">(.*?)</blockquote>', provenance,
                       re.S)  # the agenda's lines are Chinese, as the title of the text they are from says
    assert found, "the meeting page names no source line"
    for number, verbatim in found:
        assert html.unescape(verbatim) == lines[int(number) - 1]
    assert "data/sources/000_53ef33334a0e60d7.txt" in provenance
    article = get(real_server, "/instrument/UNTOC/art/27").text.split('id="provenance"')[1]
    assert '<blockquote class="verbatim" lang="en">' in article


def test_ontology_page_has_every_class_and_property(real_server, real_store):
    page = get(real_server, "/ontology").text
    terms = [r["t"].value for r in store_select(real_store)(
        "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?t a ?k } "
        "VALUES ?k { <http://www.w3.org/2002/07/owl#Class> <http://www.w3.org/2002/07/owl#ObjectProperty> "
        "<http://www.w3.org/2002/07/owl#DatatypeProperty> } "
        "FILTER(STRSTARTS(STR(?t), 'https://w3id.org/unkg/ontology#')) }")]
    assert len(terms) > 30
    for iri in terms:
        assert f'id="{iri.split("#")[1]}"' in page, f"no section for {iri}"
    meeting = page.split('id="Meeting"')[1].split("</article>")[0]
    assert 'lang="en"' in meeting and 'lang="zh"' in meeting and 'class="definition"' in meeting
    assert "https://schema.org/Event" in meeting  # alignment
    types = get(real_server, "/" + MEETING).text.split('class="types"')[1].split("</p>")[0]
    assert "/ontology#Meeting" in hrefs(types)


def test_about_page_describes_iris_outside_the_base(real_server):
    iri = "http://publications.europa.eu/resource/authority/language/ZHO"
    response = get(real_server, "/about?iri=" + quote(iri, safe=""))
    assert response.status_code == 200 and iri in response.text
    turtle = get(real_server, "/about?iri=" + quote(iri, safe="") + "&format=turtle")
    assert (rdflib.URIRef(iri), None, None) in rdflib.Graph().parse(data=turtle.text, format="turtle")
    inside = httpx.get(f"{real_server}/about?iri=" + quote(B + MEETING, safe=""), timeout=30)
    assert inside.status_code == 303 and inside.headers["location"] == f"/{MEETING}"


@pytest.mark.parametrize("rest", ["/evil.example/x", "%2F%2Fevil.example", "\\evil.example", "/\\evil.example"])
def test_about_never_redirects_to_another_site(real_server, rest):
    """An IRI under the base whose path starts with a slash would be ``//evil.example/x``: another host to a
    browser (an open redirect), and the same for the link a page draws to it."""
    response = httpx.get(f"{real_server}/about?iri=" + quote(B + rest, safe="%"), timeout=30)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
    assert httpx.URL(real_server).join(location).host == httpx.URL(real_server).host


# --- content negotiation ----------------------------------------------------------------------------------

def store_triples(real_store, iri: str) -> set:
    found = set()
    for row in store_select(real_store)(f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"):
        o = row["o"]
        if type(o).__name__ == "NamedNode":
            obj = rdflib.URIRef(o.value)
        elif o.language:
            obj = rdflib.Literal(o.value, lang=o.language)
        elif o.datatype.value.endswith("#string"):
            obj = rdflib.Literal(o.value)  # a simple literal
        else:
            obj = rdflib.Literal(o.value, datatype=rdflib.URIRef(o.datatype.value))
        found.add((rdflib.URIRef(iri), rdflib.URIRef(row["p"].value), obj))
    return found


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
@pytest.mark.parametrize("path", [MEETING, f"{MEETING}/agenda/item/1/b", "doc/CTOC/COP/WG.3/2023/1",
                                  "instrument/UNTOC/art/27/para/1/subpara/a"])
def test_every_format_by_accept_and_by_suffix_has_the_resources_triples(real_server, real_store, path,
                                                                           media_type):
    suffix, parser = RDF_FORMATS[media_type]
    expected = store_triples(real_store, B + path)
    assert expected
    for response in (get(real_server, "/" + path, accept=media_type), get(real_server, "/" + path + suffix)):
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == media_type
        graph = rdflib.Graph().parse(data=response.content, format=parser)
        missing = {t for t in expected if t not in graph}
        assert not missing, f"{len(missing)} triples missing, e.g. {next(iter(missing))}"


def test_headers_vary_and_link_to_every_format(real_server, meeting_page):
    for response in (meeting_page, get(real_server, "/" + MEETING, accept="text/turtle")):
        assert "Accept" in response.headers["vary"]
        links = response.headers["link"]
        for media_type, (suffix, _) in RDF_FORMATS.items():
            assert f'</{MEETING}{suffix}>; rel="alternate"; type="{media_type}"' in links
    assert f'<link rel="alternate" type="text/turtle" href="/{MEETING}.ttl">' in meeting_page.text


def test_machines_get_turtle_and_unknown_formats_get_406(real_server):
    assert get(real_server, "/" + MEETING, accept="*/*").headers["content-type"].startswith("text/turtle")
    refused = get(real_server, "/" + MEETING, accept="image/png")
    assert refused.status_code == 406 and "text/turtle" in refused.text


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/html, text/csv", "text/html"),  # CSV is no format of a resource: the page, not 406
    ("text/html, */*", "text/html"),  # named beats a wildcard
    ("text/html, application/xhtml+xml, image/jxr, */*", "text/html"),  # Internet Explorer 11
    ("text/html;q=0.5, application/sparql-results+json", "text/html"),
    ("application/json, text/html;q=0.9", "application/ld+json"),  # the alias asked for first wins
    ("text/turtle, text/html", "text/turtle"),  # a tie between two named: the data
    ("*/*", "text/turtle"),
])
def test_html_is_chosen_when_named_above_what_a_resource_can_be(real_server, accept, expected):
    for path in ("/" + MEETING, "/ontology"):
        response = get(real_server, path, accept=accept)
        assert response.status_code == 200 and response.headers["content-type"].startswith(expected), accept


@pytest.mark.parametrize("path", ["/meeting/CTOC-COP/WG.3/99", "/about?iri=https%3A%2F%2Fnothing.example%2F"])
def test_a_resource_that_does_not_exist_is_404_whatever_the_client_accepts(real_server, path):
    response = get(real_server, path, accept="image/png")
    assert response.status_code == 404 and "nothing is known" in response.text
    assert get(real_server, "/" + MEETING, accept="image/png").status_code == 406  # one that exists: 406


def test_a_page_isolates_data_text_and_cross_origin_pages_can_read_its_links(real_server):
    """Labels and literals carry dir="auto": right-to-left text (Arabic, a UN language, or a stray U+202E) is laid
    out in a box of its own and never reverses the page's words after it; the Link header is exposed to CORS."""
    response = httpx.get(f"{real_server}/{MEETING}", headers={"accept": "text/html", "origin": "https://example.org"},
                         timeout=30)
    assert re.search(r'<h1 dir="auto"', response.text)
    assert re.search(r'<span class="literal" dir="auto" lang="zh">', response.text)
    assert re.search(r'<a href="[^"]*" title="[^"]*" dir="auto"', response.text)
    exposed = [h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")]
    assert "link" in exposed and response.headers["link"]


def test_the_ontology_page_gives_each_of_its_terms_a_unique_anchor(real_server):
    page = get(real_server, "/ontology").text
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert {"Decision", "Post", "Meeting"} <= set(ids)  # its own terms; eli-dl:Decision and org:Post have none


# --- not found --------------------------------------------------------------------------------------------

def test_unknown_path_gets_a_helpful_404(real_server):
    response = get(real_server, "/meeting/CTOC-COP/WG.3/99")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert f"{B}meeting/CTOC-COP/WG.3/99" in text_of(page)
    assert "/" in hrefs(page)  # the query page
    search = [h for h in hrefs(page) if h.startswith("/?query=")]
    assert search and "CONTAINS" in httpx.URL(search[0]).params["query"]
    nearby = page.split('class="suggestions"')[1]
    assert f"/{MEETING}" in hrefs(nearby)  # the meeting that does exist
    machine = get(real_server, "/meeting/CTOC-COP/WG.3/99", accept="text/turtle")
    assert machine.status_code == 404 and "nothing is known" in machine.text


@pytest.mark.parametrize(("path", "location"), [
    (f"/{MEETING}/", f"/{MEETING}"),
    (f"/{MEETING}//?lang=zh&x=%22", f"/{MEETING}?lang=zh&x=%22"),  # the query string kept as sent
    ("/instrument/UNTOC/art/27/para/1/subpara/a/", "/instrument/UNTOC/art/27/para/1/subpara/a"),
    (f"//{MEETING}/", f"/{MEETING}"),  # the resource's own path, never a "//host" a browser would leave for
])
def test_a_trailing_slash_on_a_resource_path_is_sent_to_the_resource(real_server, path, location):
    response = httpx.get(real_server + path, headers={"accept": "text/turtle"}, timeout=30)
    assert response.status_code == 307 and response.headers["location"] == location
    assert httpx.get(real_server + location, headers={"accept": "text/turtle"}, timeout=30).status_code == 200


@pytest.mark.parametrize("path", ["/meeting/CTOC-COP/WG.3/99/", f"/{MEETING}/.ttl", "/meeting/"])
def test_a_trailing_slash_redirects_only_to_a_resource_the_store_describes(real_server, path):
    response = httpx.get(real_server + path, headers={"accept": "text/turtle"}, timeout=30)
    assert response.status_code == 404, (response.status_code, response.headers.get("location"))


@pytest.fixture(scope="module")
def counted_server(tmp_path_factory):
    """A server over the tiny store whose engine counts the SELECT queries it runs."""
    from conftest import PAGES_TINY_DATA, live_server, make_store, settings_for

    store = make_store(tmp_path_factory.mktemp("counted") / "store",
                       {"https://w3id.org/unkg/graph/tiny": PAGES_TINY_DATA}, turtle=True)
    with live_server(settings_for(store)) as server:
        yield counting_selects(server)


def counting_selects(server):
    """``server``, its engine made to note in ``server.queries`` each SELECT query it runs."""
    select = server.engine.select
    server.queries = []

    async def counting(query, **options):
        server.queries.append(query)
        return await select(query, **options)

    server.engine.select = counting
    return server


@pytest.mark.parametrize("segments", [2000, 17])
def test_a_deep_missing_path_costs_a_few_queries_and_still_finds_its_neighbours(counted_server, segments):
    counted_server.queries.clear()
    response = get(counted_server.origin, "/body/" + "a/" * segments)
    assert response.status_code == 404, response.text
    nearby = [q for q in counted_server.queries if "STRSTARTS" in q]
    assert len(nearby) == 1, len(nearby)  # it was one per segment (2,000 queries), then up to five full scans
    assert len(counted_server.queries) <= 20  # the page's other look-ups (the IRI itself, in each spelling)
    suggestions = response.text.split('class="suggestions"')[1]
    assert "/body/x-evil" in hrefs(suggestions)  # body/ is still searched


def test_the_nearby_search_stops_when_its_time_is_spent(counted_server, monkeypatch):
    from api import pages

    monkeypatch.setattr(pages, "NEARBY_SECONDS", 0.000001)
    counted_server.queries.clear()
    response = get(counted_server.origin, "/body/x-missing/" + "a/" * 12)
    assert response.status_code == 404 and 'class="suggestions"' not in response.text
    assert not [q for q in counted_server.queries if "STRSTARTS" in q]  # none ran: the time was spent


def test_a_page_that_runs_out_of_time_names_the_time_limit_not_the_time_that_was_left(counted_server, monkeypatch):
    """The engine names the limit it was given, and a page's later look-ups are given only what is left: a
    504 said "its time limit of 1.31114 s" on a server started with --timeout 10."""
    import asyncio
    from dataclasses import replace

    state, engine = counted_server.app.state, counted_server.engine
    monkeypatch.setattr(state, "settings", replace(state.settings, timeout=1.0))
    select, calls = engine.select, []
    endless = "SELECT (COUNT(*) AS ?n) { " + " . ".join(f"?s{n} ?p{n} ?o{n}" for n in range(9)) + " }"

    async def slow_then_endless(query, **options):
        calls.append(options.get("timeout"))
        if len(calls) == 1:
            await asyncio.sleep(0.4)  # the first look-up takes 0.4 s of the page's second
            return await select(query, **options)
        return await select(endless, **options)  # the next is given what is left, and runs out of it

    monkeypatch.setattr(engine, "select", slow_then_endless)
    response = get(counted_server.origin, "/body/x-evil", accept="text/turtle")
    assert response.status_code == 504, response.text
    assert calls[1] < 0.7  # the engine was given what was left ...
    assert "time limit of 1 s" in response.text, response.text  # ... and the message names the page's limit


HOSTILE = 'Say "Hi" \\ to\r\nme'  # a quote, a backslash and a line break, for the 404 page's search link


@pytest.mark.parametrize(("path", "words"), [  # a line break becomes a space in the words, as a hyphen does
    pytest.param("/meeting/CTOC-COP/WG.3/" + quote(HOSTILE.replace("\n", ""), safe=""), 'Say "Hi" \\ to me',
                 id="path"),  # the router matches no path with a line feed in it; a carriage return gets through
    pytest.param("/about?format=html&iri=" + quote(f"{B}meeting/CTOC-COP/WG.3/{quote(HOSTILE, safe='')}", safe=""),
                 'Say "Hi" \\ to  me', id="about"),
])
def test_404_search_link_is_a_valid_query_for_exactly_the_words_in_the_path(real_server, path, words):
    response = get(real_server, path)
    assert response.status_code == 404, response.text
    search = [h for h in hrefs(response.text) if h.startswith("/?query=")]
    assert len(search) == 1
    query = httpx.URL(search[0]).params["query"]
    store = ox.Store()
    found, near_miss = ox.NamedNode(B + "found"), ox.NamedNode(B + "near-miss")
    graph = ox.NamedNode(B + "graph/search")
    store.add(ox.Quad(found, ox.NamedNode(RDFS_LABEL), ox.Literal(f"they {words.lower()} again"), graph))
    store.add(ox.Quad(near_miss, ox.NamedNode(RDFS_LABEL), ox.Literal(words.replace("\\", "")), graph))
    assert [row["resource"] for row in store.query(query)] == [found]  # parses, and means these very words
    answered = httpx.get(f"{real_server}/sparql", params={"query": query}, timeout=30,
                         headers={"accept": "application/sparql-results+json"})
    assert answered.status_code == 200, answered.text  # the endpoint runs the link's query as it stands
    assert f"Search the labels for “{words}”" in html.unescape(response.text)  # the words it searches for, shown
    nearby = response.text.split('class="suggestions"')[1]
    assert f"/{MEETING}" in hrefs(nearby)  # a missing IRI under an existing prefix still finds it


# --- languages and escaping (a small store made for it) ---------------------------------------------------

def test_labels_follow_accept_language_and_never_invent_one(tiny_server):
    english = get(tiny_server, "/body/x-two-languages", **{"accept-language": "en-GB,en;q=0.9"}).text
    chinese = get(tiny_server, "/body/x-two-languages", **{"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"}).text
    assert re.search(r"<h1[^>]*>English name", english)
    assert re.search(r'<h1 dir="auto" lang="zh">中文名称', chinese)
    only_chinese = get(tiny_server, "/body/x-only-chinese", **{"accept-language": "en"}).text
    assert re.search(r'<h1 dir="auto" lang="zh">只有中文的名称 <span class="tag">zh</span>', only_chinese)
    # the page's own words are English: it says so, whatever language the reader asked for
    french = get(tiny_server, "/body/x-two-languages", **{"accept-language": "fr"}).text
    assert all('<html lang="en">' in page for page in (english, chinese, french, only_chinese))
    assert '<title lang="zh">中文名称 · unkg</title>' in chinese  # the page's title says its language too


def test_everything_from_data_is_escaped(tiny_server):
    page = get(tiny_server, "/body/x-evil").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &amp; b &lt; c &#34;quoted&#34; &#39;single&#39;" in page
    linked_from = get(tiny_server, "/body/x-only-chinese").text
    assert "<script>" not in linked_from and "&lt;script&gt;" in linked_from  # as a link label too
    reflected = get(tiny_server, "/?query=" + quote("</textarea><script>alert(2)</script>"))
    assert "<script>alert(2)" not in reflected.text and "&lt;/textarea&gt;&lt;script&gt;alert(2)" in reflected.text
    missing = get(tiny_server, "/body/" + quote("<img src=x onerror=alert(3)>"))
    assert missing.status_code == 404 and "<img" not in missing.text



def test_only_web_iris_become_links(script_iri_server):
    page = get(script_iri_server, "/body/x-script-links")
    assert page.status_code == 200
    links = hrefs(page.text)
    assert "https://example.org/fine" in links
    assert not [h for h in links if not h.startswith(("http://", "https://", "/", "#"))], links
    for iri in ("javascript:alert(1)", "JavaScript:alert(2)"):
        assert f"/about?iri={quote(iri, safe='')}" in links  # a local page, not a live script
        assert iri in text_of(page.text)  # still shown


@pytest.mark.parametrize(("path", "status"), [
    ("/doc/%", 404), ("/doc/%zz", 404),  # a path names nothing the store has
    # /about was given a value that is no IRI: the request is wrong (400), the store was not asked
    ("/about?iri=%ff", 400), ("/about?iri=http://x/%01", 400), ("/about?iri=http://x/a%EF%BF%BD", 400),
    ("/about?iri=http://x/%25", 400),
])
def test_a_path_that_is_no_iri_is_refused_and_leaks_no_query(tiny_server, path, status):
    response = get(tiny_server, path)
    assert response.status_code == status, response.text
    assert "syntax error" not in response.text and "error at" not in response.text

# --- blank nodes: shown where they are values, and part of every format (a small store made for it) -------

EX = "http://example.org/"


def row_of(page: str, predicate: str, next_predicate: str) -> str:
    """The part of a resource page from one property's row to the next one's (rows are ordered by name)."""
    start = page.index(f'<th scope="row"><a href="{predicate}"')
    return page[start:page.index(f'<th scope="row"><a href="{next_predicate}"', start)]


def test_a_blank_node_value_shows_what_it_holds_nested_under_its_property(blank_server):
    page = get(blank_server, "/thing/x-blank").text
    address = row_of(page, EX + "address", EX + "evil")
    assert '<table class="links blank"' in address
    assert re.search(r'href="http://example.org/street".*1 Main St', address, flags=re.S)
    city = address[address.index('href="http://example.org/city"'):]  # the blank node in the blank node
    assert '<table class="links blank"' in city and "Springfield" in text_of(city)
    assert 'class="bnode"' not in address  # nothing is left a dead end


def test_a_list_value_shows_its_members_in_order(blank_server):
    page = get(blank_server, "/thing/x-blank").text
    parts = row_of(page, EX + "parts", "http://www.w3.org/2000/01/rdf-schema#label")
    members = re.findall(r"<li>(.*?)</li>", parts[parts.index('<ol class="rdf-list"'):], flags=re.S)
    assert len(members) == 3, parts
    assert "first" in text_of(members[0]) and 'href="http://example.org/second"' in members[1]
    assert "third, nested in a list" in text_of(members[2])
    assert "rdf:first" not in text_of(parts) and "rdf:rest" not in text_of(parts)


def test_a_cycle_of_blank_nodes_ends_in_a_note(blank_server):
    response = get(blank_server, "/thing/x-blank")
    assert response.status_code == 200
    loop = text_of(row_of(response.text, EX + "loop", EX + "nothing"))
    assert loop.index("first of a cycle") < loop.index("second of a cycle")
    assert loop.count("first of a cycle") == 1 and "a cycle: this blank node is shown above" in loop


def test_what_a_blank_node_holds_is_escaped(blank_server):
    page = get(blank_server, "/thing/x-blank").text
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;b&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(4)&gt;" in page  # two blank nodes deep


def test_a_blank_node_too_deep_to_fetch_is_named_not_called_empty(blank_server):
    text = text_of(get(blank_server, "/thing/x-deep").text)
    assert all(f" {level} " in text for level in "1234")
    assert "deeper than a description reaches" not in text and "what it holds is not shown here" in text


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_every_format_holds_the_blank_nodes_a_resource_points_to(blank_server, media_type):
    """The description in RDF is the resource's Concise Bounded Description: its statements and, through every
    blank node among their values, theirs (here no deeper than the server reaches, so all of them)."""
    from tests.conftest import PAGES_BLANK_DATA

    data = rdflib.Graph().parse(data=PAGES_BLANK_DATA, format="turtle")
    expected = data.cbd(rdflib.URIRef(B + "thing/x-blank"))
    suffix, parser = RDF_FORMATS[media_type]
    for response in (get(blank_server, "/thing/x-blank", accept=media_type),
                     get(blank_server, "/thing/x-blank" + suffix)):
        assert response.status_code == 200
        served = rdflib.Graph().parse(data=response.content, format=parser)
        assert len(served) == len(expected) == 23
        assert rdflib.compare.isomorphic(served, expected), response.text


# --- the query page ---------------------------------------------------------------------------------------

def test_no_link_on_a_page_comes_from_the_host_header(real_server):
    """A page's scripts, stylesheets, links and its Link header never name the host the client claimed: behind a
    shared cache or a proxy, a forged Host would put another site's script into the page for the next reader."""
    for path, accept in (("/", "text/html"), (f"/{MEETING}", "text/html"), (f"/{MEETING}", "text/turtle"),
                         ("/ontology", "text/html"), ("/meeting/CTOC-COP/WG.3/99", "text/html")):
        response = httpx.get(real_server + path, headers={"host": "evil.example", "accept": accept}, timeout=30)
        assert response.status_code in (200, 404)
        assert "evil.example" not in response.text and "evil.example" not in response.headers.get("link", "")
    about = httpx.get(real_server + "/about", params={"iri": B + MEETING}, headers={"host": "evil.example"},
                      timeout=30)
    assert about.status_code == 303 and about.headers["location"] == f"/{MEETING}"


def test_pages_behind_a_proxy_at_a_path_link_under_it_and_are_found(tmp_path):
    """Served with --root-path /kg, every link started with /kg/ and every resource page was a 404 (uvicorn keeps
    the root path in the raw path the pages read)."""
    from conftest import live_server, make_store, settings_for

    store = make_store(tmp_path / "store", {B + "graph/x": f"<{B}thing/a> <{RDFS_LABEL}> \"a thing\"@en ."},
                       turtle=True)
    with live_server(settings_for(store), root_path="/kg") as server:
        page = httpx.get(server.origin + "/thing/a", headers={"accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and "a thing" in page.text
        assert "/kg/static/unkg.css" in hrefs(page.text) and "/kg/thing/a.ttl" in hrefs(page.text)
        assert httpx.get(server.origin + "/thing/a.ttl", timeout=30).status_code == 200
        missing = httpx.get(server.origin + "/thing/b", headers={"accept": "text/turtle"}, timeout=30)
        assert missing.status_code == 404 and f"<{B}thing/b>" in missing.text


def test_every_page_limits_what_it_may_load_and_who_may_frame_it(real_server):
    for path in ("/", f"/{MEETING}", "/ontology", "/meeting/CTOC-COP/WG.3/99"):
        headers = httpx.get(real_server + path, headers={"accept": "text/html"}, timeout=30).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe" not in policy
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"


def test_query_page_is_self_contained(real_server):
    page = get(real_server, "/").text
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert {a.rsplit("/", 1)[1] for a in assets} >= {"codemirror.js", "codemirror.css", "sparql.js", "query.js"}
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by this server"
        assert httpx.get(real_server + asset, timeout=30).status_code == 200
    assert 'data-endpoint="/sparql"' in page


def test_head_answers_like_get_without_a_body(real_server):
    head = httpx.head(f"{real_server}/{MEETING}", headers={"accept": "text/turtle"}, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/turtle") and "Accept" in head.headers["vary"]
    assert httpx.head(f"{real_server}/meeting/CTOC-COP/WG.3/99", timeout=30).status_code == 404


def test_every_competency_question_is_an_example_on_the_query_page(real_server, tmp_path):
    from api.ui import EXAMPLES_DIR, examples

    files = sorted(EXAMPLES_DIR.glob("*.rq"))
    listed = examples()
    assert [e.name for e in listed] == [f.stem for f in files] and files
    first_lines = files[0].read_text(encoding="utf-8").splitlines()
    question = " ".join(line.split(":", 1)[1].strip() for line in first_lines if line.startswith("# question:"))
    assert listed[0].question == question
    page = get(real_server, "/").text
    shown = text_of(page)
    for example in listed:
        assert example.question in shown
    editor = page.split('<textarea id="query"')[1].split(">", 1)[1].split("</textarea>")[0]
    assert html.unescape(editor) == listed[0].query  # the first question is in the editor


def test_a_file_without_a_question_is_named_in_the_error(tmp_path):
    from api.ui import examples, read_example
    from loader.errors import SourceError

    (tmp_path / "good.rq").write_text("# question: How many?\n# question: Really?\nSELECT * {}\n", encoding="utf-8")
    (tmp_path / "bad.rq").write_text("SELECT * {}\n# question: too late\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad\.rq:1: does not begin with a '# question: \.\.\.' line"):
        read_example(tmp_path / "bad.rq")
    assert [(e.name, e.question) for e in examples(tmp_path)] == [("good", "How many? Really?")]


@pytest.mark.parametrize("name, media_type", [("csv", "text/csv"), ("json", "application/sparql-results+json")])
def test_downloads_the_query_page_offers(real_server, name, media_type):
    query = "SELECT ?meeting WHERE { ?meeting a <https://w3id.org/unkg/ontology#Meeting> }"
    response = httpx.get(f"{real_server}/sparql?query={quote(query)}&format={name}", timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    assert f"{B}{MEETING}" in response.text


@pytest.mark.parametrize("path, label", [
    ("/doc/中文-slug", "minted with a percent-encoded segment"),
    ("/doc/%E4%B8%AD%E6%96%87-slug", "minted with a percent-encoded segment"),
    ("/doc/%e4%b8%ad%e6%96%87-slug.ttl", "minted with a percent-encoded segment"),
    ("/file/a,b:c", "loaded as written, with a comma and a colon"),
])
def test_paths_find_their_iri_however_the_client_encodes_them(tiny_server, path, label):
    response = get(tiny_server, path)
    assert response.status_code == 200 and label in response.text


@pytest.mark.parametrize("how", [{"path": "/ontology", "accept": "text/turtle"}, {"path": "/ontology.ttl"}])
def test_the_ontology_as_rdf(real_server, how):
    response = get(real_server, how["path"], accept=how.get("accept", "text/html"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    unkg = rdflib.Namespace("https://w3id.org/unkg/ontology#")
    assert (rdflib.URIRef("https://w3id.org/unkg/ontology"), rdflib.RDF.type, rdflib.OWL.Ontology) in graph
    assert (unkg.Meeting, rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert rdflib.Literal("meeting", lang="en") in set(graph.objects(unkg.Meeting, rdflib.RDFS.label))


def test_slot_page_shows_local_time_utc_and_what_is_taken_up(real_server):
    page = get(real_server, f"/{MEETING}/programme/2023-09-11T1000").text
    view = page.split('id="slot"')[1].split("</section>")[0]
    assert "10:00–13:00" in text_of(view) and "08:00–11:00 UTC" in text_of(view)
    assert [h for h in hrefs(view) if "/agenda/item/" in h and "/entry/" not in h] == [
        f"/{MEETING}/agenda/item/1/a", f"/{MEETING}/agenda/item/1/b"]


def test_every_iri_under_the_base_answers_at_its_own_path(real_server, real_store):
    found = store_select(real_store)(
        f'SELECT DISTINCT ?x (SAMPLE(?type) AS ?kind) WHERE {{ GRAPH ?g {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} }} '
        f'OPTIONAL {{ GRAPH ?h {{ ?x a ?type }} }} FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{B}")) }} GROUP BY ?x')
    assert len(found) > 500
    one_per_kind, checked_documents = {}, set()
    with httpx.Client(timeout=30) as client:
        for row in found:  # bounded: one request per IRI in the bundled data
            iri = row["x"].value
            if iri == B:
                continue  # the base itself is the query page (see the next test)
            path = "/" + iri[len(B):]
            if "#" in path:  # a hash IRI is answered by its document (HTTP never sends the fragment)
                path = path.split("#")[0]
                if path in checked_documents:
                    continue
                checked_documents.add(path)
            response = client.get(real_server + path, headers={"accept": "application/n-triples"})
            assert response.status_code == 200, f"{iri} answers {response.status_code} at {path}"
            assert f"<{iri}>" in response.text, f"{path} does not describe {iri}"
            one_per_kind.setdefault(row["kind"].value if row.get("kind") else None, path)
        for kind, path in one_per_kind.items():  # and every kind renders as a page
            response = client.get(real_server + path, headers={"accept": "text/html"})
            assert response.status_code == 200 and 'id="canonical-iri"' in response.text, (kind, path)


def test_the_base_iri_is_the_query_page_for_people_and_void_for_machines(real_server):
    assert 'id="query-app"' in get(real_server, "/").text
    machine = httpx.get(real_server + "/", headers={"accept": "text/turtle"}, timeout=30)
    assert machine.status_code == 303 and machine.headers["location"] == "/void"
    curl = httpx.get(real_server + "/", headers={"accept": "*/*"}, timeout=30)
    assert curl.status_code == 200 and 'id="query-app"' in curl.text


# --- IRIs outside ASCII and RDF 1.2 triple terms (a small store made for it) ------------------------------

ODD_IRIS_DATA = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix unkg: <https://w3id.org/unkg/ontology#> .
<https://w3id.org/unkg/thing/ü> rdfs:label "written in Unicode, Latin-1"@en .
<https://w3id.org/unkg/thing/中> rdfs:label "written in Unicode, beyond Latin-1"@en .
<https://w3id.org/unkg/thing/%C3%A4> rdfs:label "stored percent-encoded"@en .
<https://w3id.org/unkg/thing/data.rdf> rdfs:label "ends like a format suffix"@en .
<https://w3id.org/unkg/thing/q?x=1> rdfs:label "has a question mark"@en .
<https://w3id.org/unkg/thing/h#frag> rdfs:label "has a hash"@en .
<https://w3id.org/unkg/thing/hub> rdfs:label "links to them"@en ;
    rdfs:seeAlso <https://w3id.org/unkg/thing/q?x=1>, <https://w3id.org/unkg/thing/h#frag> .
<https://w3id.org/unkg/thing/tt> rdfs:label "has a triple term"@en ;
    <http://ex/says> <<( <https://w3id.org/unkg/thing/%C3%A4> <http://ex/b> "<b>x</b>"@en )>> .
# data no load would pass, which SPARQL Update can write: a line that is no number, a time with no UTC in Python
<https://w3id.org/unkg/thing/from-line-twelve> rdfs:label "read from a line numbered in words"@en ;
    <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/unkg/thing/line-twelve> .
<https://w3id.org/unkg/thing/line-twelve> unkg:line "twelve" ; unkg:verbatim "the twelfth line" .
<https://w3id.org/unkg/thing/control> rdfs:label "a\\u0001b" .
<https://w3id.org/unkg/thing/numbered-predicate> <http://ex/1> "v" .
<https://w3id.org/unkg/thing/numbered-class> a <http://ex/2> .
<https://w3id.org/unkg/thing/hello> rdfs:label "مرحبا"@ar--rtl ;
    <http://ex/says> <<( <https://w3id.org/unkg/thing/hello> <http://ex/b> "مرحبا"@ar--rtl )>> .
<https://w3id.org/unkg/thing/padded> <http://ex/n> " 5 "^^<http://www.w3.org/2001/XMLSchema#int> .
<https://w3id.org/unkg/thing/infinite> <http://ex/n> "INF"^^<http://www.w3.org/2001/XMLSchema#double> .
<https://w3id.org/unkg/thing/first-slot> a unkg:TimeSlot ;
    unkg:startTime "0001-01-01T00:30:00+01:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<https://w3id.org/unkg/thing/a%2Fb> rdfs:label "an encoded slash"@en .
<https://w3id.org/unkg/thing/a/b> rdfs:label "a real slash"@en .
<https://w3id.org/unkg/thing/c/d> rdfs:label "a real slash only"@en .
<https://w3id.org/unkg/thing/x=y> rdfs:label "an equals sign as it is"@en .
<https://w3id.org/unkg/thing/x%3Dy> rdfs:label "an equals sign encoded"@en .
<https://w3id.org/unkg/thing/uses-dt> <https://w3id.org/unkg/thing/dt> "a property under the base" .
"""


@pytest.fixture(scope="module")
def odd_iri_server(tmp_path_factory):
    """A real server over resources whose IRIs under the base hold non-ASCII characters."""
    from conftest import live_server, make_store, settings_for

    path = make_store(tmp_path_factory.mktemp("odd-iris") / "store", {B + "graph/odd-iris": ODD_IRIS_DATA}, turtle=True)
    with live_server(settings_for(path)) as server:
        yield server.origin


@pytest.mark.parametrize(("iri", "path"), [
    (B + "thing/中", "/thing/%E4%B8%AD"), (B + "thing/ü", "/thing/%C3%BC"), (B + "thing/%C3%A4", "/thing/%C3%A4"),
    (B + "thing/a b", "/thing/a%20b"),
])
def test_about_sends_an_iri_under_the_base_to_its_path_in_ascii(odd_iri_server, iri, path):
    response = httpx.get(odd_iri_server + "/about?iri=" + quote(iri, safe=""), timeout=30)
    assert response.status_code == 303
    location = dict(response.headers.raw)[b"location"]
    assert location.isascii() and location.decode() == path
    stored = httpx.get(odd_iri_server + "/about?iri=" + quote(B + "thing/%C3%A4", safe=""), follow_redirects=True)
    assert stored.status_code == 200 and "stored percent-encoded" in stored.text


@pytest.mark.parametrize(("path", "label"), [
    ("/thing/a%2Fb", "an encoded slash"), ("/thing/a%2fb.ttl", "an encoded slash"), ("/thing/a/b", "a real slash"),
    ("/thing/c%2Fd", None), ("/thing/x=y", "an equals sign as it is"), ("/thing/x%3Dy", "an equals sign encoded"),
])
def test_a_path_stands_for_the_iri_spelled_so_and_an_encoded_slash_is_no_slash(odd_iri_server, path, label):
    """RFC 3986: ``a%2Fb`` and ``a/b`` are different paths; and where two IRIs differ only in an encoding, the
    path spelled as one of them is that one."""
    response = httpx.get(odd_iri_server + path, headers={"accept": "text/turtle"}, timeout=30)
    if label is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and f'"{label}"@en' in response.text, response.text


@pytest.mark.parametrize("path", ["/thing/dt", "/about?iri=" + quote(RDFS_LABEL, safe=""),
                                  "/about?iri=http%3A%2F%2Fex%2F1"])
def test_a_property_the_store_only_uses_has_a_page_not_a_404(odd_iri_server, path):
    """The query page and the pages link every IRI in an answer, predicates too: rdfs:label, or a user's own."""
    page = httpx.get(odd_iri_server + path, headers={"accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and 'id="used-as-property"' in page.text
    statements = [h for h in hrefs(page.text.split('id="used-as-property"')[1]) if h.startswith("/?query=")][0]
    answer = httpx.get(odd_iri_server + "/sparql", params={"query": httpx.URL(statements).params["query"]},
                       headers={"accept": "application/sparql-results+json"}, timeout=30).json()
    assert answer["results"]["bindings"], "the link's query finds no statement using the property"
    assert httpx.get(odd_iri_server + path, headers={"accept": "text/turtle"}, timeout=30).status_code == 200
    assert httpx.get(odd_iri_server + "/thing/nothing-at-all", timeout=30).status_code == 404


def test_pages_show_data_no_load_would_pass_instead_of_failing(odd_iri_server):
    """SPARQL Update writes what the shapes would refuse: the pages show it as it is, never a 500."""
    derived = get(odd_iri_server, "/thing/from-line-twelve")
    assert derived.status_code == 200 and "line twelve" in text_of(derived.text)
    slot = get(odd_iri_server, "/thing/first-slot")
    assert slot.status_code == 200 and "00:30" in slot.text


@pytest.mark.parametrize(("name", "why"), [
    ("control", "no character U+0001"), ("numbered-predicate", "the predicate <http://ex/1>"),
    ("numbered-class", "the class <http://ex/2>"),
])
def test_rdf_xml_is_not_offered_for_what_it_cannot_write(odd_iri_server, name, why):
    """XML 1.0 has no U+0001; RDF/XML writes a predicate as an element, named by the end of its IRI."""
    page = f"{odd_iri_server}/thing/{name}"
    refused = httpx.get(page + ".rdf", timeout=30)
    assert refused.status_code == 406 and "available as" in refused.text and why in refused.text
    assert "application/rdf+xml" not in httpx.get(page + ".ttl", timeout=30).headers["link"]
    negotiated = httpx.get(page, headers={"accept": "application/rdf+xml, text/turtle;q=0.5"}, timeout=30)
    assert negotiated.status_code == 200 and negotiated.headers["content-type"].startswith("text/turtle")


def test_a_literal_keeps_its_base_direction_in_every_format(odd_iri_server):
    """RDF 1.2's "مرحبا"@ar--rtl: the pages wrote "مرحبا"@ar, inside triple terms too."""
    page = f"{odd_iri_server}/thing/hello"
    turtle = httpx.get(page + ".ttl", timeout=30)
    assert turtle.status_code == 200 and turtle.text.count('"مرحبا"@ar--rtl') == 2, turtle.text
    assert httpx.get(page + ".nt", timeout=30).text.count('"مرحبا"@ar--rtl') == 2
    assert "application/ld+json" not in turtle.headers["link"]  # JSON-LD has no triple term, which it holds
    assert httpx.get(page + ".jsonld", timeout=30).status_code == 406
    assert '<span class="literal" dir="rtl" lang="ar">مرحبا</span>' in get(odd_iri_server, "/thing/hello").text


def test_json_ld_writes_a_double_json_has_no_number_for_as_a_typed_value(odd_iri_server):
    """rdflib wrote "INF"^^xsd:double as the number Infinity, which is no JSON (so JSON-LD was refused); Oxigraph,
    which writes descriptions now, writes it as the typed value it is, which reads back the same."""
    page = f"{odd_iri_server}/thing/infinite"
    assert "application/ld+json" in httpx.get(page + ".ttl", timeout=30).headers["link"]
    response = httpx.get(page + ".jsonld", timeout=30)
    assert response.status_code == 200
    strict = json.loads(response.text, parse_constant=lambda word: pytest.fail(f"{word} is no JSON"))
    graph = rdflib.Graph().parse(data=json.dumps(strict), format="json-ld")
    value = rdflib.Literal("INF", datatype=rdflib.XSD.double)
    assert (rdflib.URIRef(B + "thing/infinite"), rdflib.URIRef("http://ex/n"), value) in graph


def test_json_ld_keeps_a_typed_value_as_stored(odd_iri_server):
    """rdflib rewrote " 5 "^^xsd:int as "5" (its canonical form): JSON-LD read back gave another literal."""
    data = httpx.get(f"{odd_iri_server}/thing/padded.jsonld", timeout=30).json()
    assert json.dumps(data).count('" 5 "') == 1, data


TRIPLE_TERM = ox.Triple(ox.NamedNode(B + "thing/%C3%A4"), ox.NamedNode("http://ex/b"),
                        ox.Literal("<b>x</b>", language="en"))


def test_a_triple_term_is_shown_readably_with_its_parts_linked_and_escaped(odd_iri_server):
    response = get(odd_iri_server, "/thing/tt")
    assert response.status_code == 200, response.text
    assert "<b>x</b>" not in response.text  # its literal escaped, in the text and in the title
    found = re.search(r'<span class="triple-term" title="([^"<>]*)">(.*?)</li>', response.text, flags=re.S)
    title, shown = html.unescape(found.group(1)), found.group(2)
    assert title == f'<<( <{B}thing/%C3%A4> <http://ex/b> "<b>x</b>"@en )>>'  # the exact term, on hovering
    assert "&lt;b&gt;x&lt;/b&gt;" in shown
    assert "/thing/%C3%A4" in hrefs(shown)  # its subject a link, shown by its label
    assert re.fullmatch(r"<<\( stored percent-encoded .*b.* <b>x</b> en \)>>", text_of(shown).strip())


@pytest.mark.parametrize(("suffix", "rdf_format"), [
    (".ttl", ox.RdfFormat.TURTLE), (".nt", ox.RdfFormat.N_TRIPLES), (".rdf", ox.RdfFormat.RDF_XML)])
def test_a_triple_term_is_written_in_the_rdf_formats_that_have_one(odd_iri_server, suffix, rdf_format):
    response = get(odd_iri_server, "/thing/tt" + suffix, accept="*/*")
    assert response.status_code == 200, response.text
    found = {quad.triple for quad in ox.parse(response.content, format=rdf_format)}
    assert ox.Triple(ox.NamedNode(B + "thing/tt"), ox.NamedNode("http://ex/says"), TRIPLE_TERM) in found


def test_a_triple_term_in_json_ld_is_not_acceptable_rather_than_an_error(odd_iri_server):
    response = get(odd_iri_server, "/thing/tt", accept="application/ld+json")
    assert response.status_code == 406 and "text/turtle" in response.text
    for accept in ("text/html", "text/turtle"):  # and no page or header offers what would be refused
        offered = get(odd_iri_server, "/thing/tt", accept=accept)
        assert offered.status_code == 200
        assert "application/ld+json" not in offered.headers["link"] and "text/turtle" in offered.headers["link"]
        assert "application/ld+json" not in offered.text and ".jsonld" not in offered.text
    second_choice = get(odd_iri_server, "/thing/tt", accept="application/ld+json, text/turtle;q=0.5")
    assert second_choice.status_code == 200 and second_choice.headers["content-type"].startswith("text/turtle")
    asked_by_name = get(odd_iri_server, "/thing/tt.jsonld", accept="application/ld+json, text/turtle;q=0.5")
    assert asked_by_name.status_code == 406  # a suffix names one format: no other is given in its place
    plain = get(odd_iri_server, "/thing/%C3%A4", accept="text/html")  # a resource without triple terms offers it
    assert "application/ld+json" in plain.headers["link"] and "application/ld+json" in plain.text


@pytest.mark.parametrize(("path", "label"), [
    ("/thing/ü", "written in Unicode, Latin-1"),  # as a browser follows the link: /thing/%C3%BC
    ("/thing/%C3%BC", "written in Unicode, Latin-1"),
    ("/thing/%c3%bc.ttl", "written in Unicode, Latin-1"),
    ("/thing/%E4%B8%AD", "written in Unicode, beyond Latin-1"),
    ("/thing/%C3%A4", "stored percent-encoded"),  # an IRI stored encoded is still found by either spelling
    ("/thing/ä", "stored percent-encoded"),
])
def test_an_iri_written_in_unicode_answers_at_its_percent_encoded_path(odd_iri_server, path, label):
    response = get(odd_iri_server, path)
    assert response.status_code == 200 and label in response.text


@pytest.mark.parametrize(("iri", "label"), [
    (B + "thing/ü", "written in Unicode, Latin-1"), (B + "thing/中", "written in Unicode, beyond Latin-1")])
def test_about_an_iri_written_in_unicode_leads_to_its_page(odd_iri_server, iri, label):
    response = httpx.get(odd_iri_server + "/about?iri=" + quote(iri, safe=""), headers={"accept": "text/html"},
                         follow_redirects=True, timeout=30)
    assert response.status_code == 200 and label in response.text
    assert f'<code id="canonical-iri">{iri}</code>' in response.text


def test_about_without_an_iri_is_a_bad_request(real_server):
    for path in ("/about", "/about?iri=", "/about?iri=%20"):
        response = get(real_server, path)
        assert response.status_code == 400 and "give the IRI" in response.text, path


@pytest.mark.parametrize("value", ["not an iri", "relative/path", "https://example.org/a>b", "https://ex.org/%zz"])
def test_about_a_value_that_is_no_iri_is_a_bad_request_saying_so(real_server, value):
    """It was 404 "nothing is known", as if the store had been asked; it is the request that is wrong."""
    for accept in ("text/html", "text/turtle"):
        response = get(real_server, "/about?iri=" + quote(value, safe=""), accept=accept)
        assert response.status_code == 400, (value, accept)
        assert "not an IRI" in response.text and repr(value) in response.text, response.text
        assert "nothing is known" not in response.text


def test_an_iri_that_ends_like_a_format_suffix_is_its_own_page(odd_iri_server):
    page = get(odd_iri_server, "/thing/data.rdf")  # not RDF/XML of thing/data, which the store does not hold
    assert page.status_code == 200 and "ends like a format suffix" in page.text
    turtle = get(odd_iri_server, "/thing/data.rdf.ttl", accept="text/turtle")
    assert turtle.status_code == 200 and "ends like a format suffix" in turtle.text
    assert get(odd_iri_server, "/thing/other.rdf").status_code == 404


def test_links_to_iris_with_a_question_mark_or_a_hash_lead_to_their_pages(odd_iri_server):
    hub = get(odd_iri_server, "/thing/hub").text
    for path, label in (("/thing/q%3Fx=1", "has a question mark"), ("/thing/h%23frag", "has a hash")):
        assert f'href="{path}"' in hub
        page = get(odd_iri_server, path)
        assert page.status_code == 200 and label in page.text, path


def nearby_store(typed: int, untyped: int):
    """A store with ``typed`` typed meetings under ``meeting/X/<n>/`` and ``untyped`` statements about other
    IRIs, as a ``run_select`` that counts its queries."""
    from api.terms import store_select

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    graph, label = ox.NamedNode(B + "graph/many"), ox.NamedNode(RDFS_LABEL)
    store = ox.Store()
    store.extend([ox.Quad(ox.NamedNode(f"{B}meeting/X/{n % 50}/{n}"), rdf_type, ox.NamedNode(B + "Meeting"), graph)
                  for n in range(typed)])
    store.extend([ox.Quad(ox.NamedNode(f"http://example.org/s{n}"), label, ox.Literal(f"label {n}"), graph)
                  for n in range(untyped)])
    select = store_select(store)
    asked = []

    def run_select(query: str) -> list[dict]:
        asked.append(query)
        return select(query)

    run_select.asked = asked
    return run_select


def test_nearby_lists_what_shares_the_longest_prefix_shortest_first():
    from api.pages import nearby

    run_select = nearby_store(typed=200, untyped=0)
    assert nearby(B + "meeting/X/7/99/agenda", B, run_select) == [B + "meeting/X/7/7", B + "meeting/X/7/57",
                                                                  B + "meeting/X/7/107", B + "meeting/X/7/157"]
    assert nearby(B + "meeting/Y/1", B, run_select)[:3] == [B + "meeting/X/0/0", B + "meeting/X/1/1",
                                                            B + "meeting/X/2/2"]  # the first segment is enough
    assert nearby(B + "body/X/7/1", B, run_select) == [] and nearby(B + "meeting", B, run_select) == []


def test_a_404_look_up_on_a_big_store_is_one_query_that_reads_no_more_than_it_must():
    """Crawlers get a 404 page for every path they make up: its look-up took up to five scans of every statement
    (4.9 s on a store of 300,000), holding one of the two query workers."""
    import time

    from api.pages import NEARBY_SECONDS, nearby

    run_select = nearby_store(typed=20_000, untyped=200_000)
    for missing in ("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r", "meeting/X/7/zzz/a/b/c/d/e/f/g/h", "meeting/Z/1/2/3/4"):
        run_select.asked.clear()
        started = time.perf_counter()
        found = nearby(B + missing, B, run_select)
        took = time.perf_counter() - started
        assert len(run_select.asked) == 1, (missing, len(run_select.asked))
        assert took < NEARBY_SECONDS <= 0.5, (missing, took)
        assert bool(found) == missing.startswith("meeting/"), (missing, found)


# --- the words around labels read correctly whatever the labels are ---------------------------------------

INCOMING_PAGES = [MEETING, f"{MEETING}/agenda", f"{MEETING}/agenda/item/1", f"{MEETING}/agenda/item/2",
                  f"{MEETING}/agenda/item/2/annotation/2", "doc/CTOC/COP/WG.3/2023/1", "place/vienna",
                  "body/CTOC-COP/WG.3", "instrument/UNTOC/art/27/para/1", "instrument/UNTOC"]


def english_name(real_store, iri: str) -> str:
    """What a page calls a property for an English reader: its English label from the data, else its CURIE."""
    from api.terms import curie

    found = [row["l"].value for row in store_select(real_store)(
        f'SELECT ?l WHERE {{ GRAPH ?g {{ <{iri}> <{RDFS_LABEL}> ?l FILTER(LANGMATCHES(LANG(?l), "en")) }} }}')]
    return min(found) if found else curie(iri)


def test_linked_from_shows_each_property_by_its_label_alone(real_server, real_store):
    """"is {label} of" made "is agenda of of", "is slot of of", "is takes up of" of the ontology's labels (which
    already read either way): the row shows the property's label as the data gives it, after an arrow to this
    resource, and never adds words of its own around it."""
    seen = set()
    for path in INCOMING_PAGES:
        page = get(real_server, "/" + path, **{"accept-language": "en"}).text
        assert 'id="incoming"' in page, path
        incoming = page.split('id="incoming"')[1].split("</section>")[0]
        for row in re.findall(r'<th scope="row">(.*?)</th>', incoming, re.S):
            predicate = html.unescape(re.search(r'<a [^>]*title="([^"]*)"', row)[1])
            shown = text_of(re.sub(r'<span class="curie">.*?</span>', "", row)).strip()
            assert shown == "← " + english_name(real_store, predicate), (path, shown)
            assert not re.search(r"\b(\w+) \1\b", text_of(row)), (path, text_of(row))
            seen.add(predicate)
    # the labels the reviewer saw doubled or garbled are among those shown
    for name in ("agendaOf", "slotOf", "concernsMeeting", "takesUp"):
        assert "https://w3id.org/unkg/ontology#" + name in seen, name
    assert "http://data.europa.eu/eli/eli-draft-legislation-ontology#consists_of" in seen


def test_a_resource_type_is_named_without_an_english_article(real_server):
    """"A agenda item": an article chosen for a label the data gives reads wrong before a vowel, and in any
    language but English; the types are listed after "Type:"."""
    page = get(real_server, f"/{MEETING}/agenda/item/2", **{"accept-language": "en"}).text
    types = text_of(page.split('class="types"')[1].split("</p>")[0].split(">", 1)[1]).strip()
    assert types == "Type: agenda item", types


@pytest.mark.parametrize(("path", "name"), [
    ("/about?iri=http://x/&iri=http://y/", "iri"),
    ("/about?iri=http://publications.europa.eu/resource/authority/language/ZHO&format=turtle&format=html", "format"),
    ("/?query=ASK%7B%7D&query=SELECT%20*%7B%7D", "query"),
])
def test_a_parameter_given_twice_is_refused_not_resolved_to_the_last(tiny_server, path, name):
    """/about?iri=http://x/&iri=http://y/ described <http://y/> only, and the query page put the last query in the
    editor: 400 in the words /sparql uses for a repeated 'query'."""
    for accept in ("text/html", "text/turtle"):
        response = get(tiny_server, path, accept)
        assert response.status_code == 400, response.text
        assert f"give exactly one '{name}', not 2" in response.text
    assert get(tiny_server, "/?query=ASK%7B%7D").status_code == 200


@pytest.mark.parametrize(("path", "name"), [
    ("/about?iri=%FF", "iri"), ("/about?iri=http://x/caf%E9", "iri"),
    ("/about?iri=http://publications.europa.eu/resource/authority/language/ZHO&format=turtle%FF", "format"),
    ("/?query=%FF", "query"), ("/?query=ASK%20%7B%20FILTER(%22caf%E9%22)%20%7D", "query"),
])
def test_escapes_that_are_not_utf8_are_refused_naming_the_parameter(tiny_server, path, name):
    """/about?iri=%FF answered about the IRI '\ufffd' and /?query=%FF put U+FFFD in the editor (200): what is not UTF-8
    is refused as /sparql refuses it, naming the parameter, and never shown as U+FFFD."""
    for accept in ("text/html", "text/turtle"):
        response = get(tiny_server, path, accept)
        assert response.status_code == 400, response.text
        assert ("the query string is not UTF-8 once its %-escapes are decoded: "
                f"the value of '{name}'") in response.text and "\ufffd" not in response.text


# --- a document by any of its symbols ---------------------------------------------------------------------

JOINT = "/doc/CTOC/COP/WG.3/2023/3"  # the agenda prints CTOC/COP/WG.3/2023/3-CTOC/COP/WG.4/2023/3-CTOC/COP/WG.7/2023/3


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json", "application/n-triples"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("other", ["/doc/CTOC/COP/WG.4/2023/3", "/doc/CTOC/COP/WG.7/2023/3"])
def test_a_joint_document_is_reached_by_its_other_symbols(real_server, accept, method, other):
    """Its IRI comes from the first symbol; the path of another one was a 404 saying the graph knew nothing."""
    response = httpx.request(method, real_server + other, headers={"accept": accept}, timeout=30)
    assert response.status_code == 303 and response.headers["location"] == JOINT, response.text
    followed = httpx.request(method, real_server + other, headers={"accept": accept}, timeout=30,
                             follow_redirects=True)
    assert followed.status_code == 200 and str(followed.url) == real_server + JOINT
    if method == "GET" and accept == "text/turtle":
        assert f'"{other.removeprefix("/doc/")}"' in followed.text  # the document it reached carries that symbol


def test_a_symbol_path_with_a_format_suffix_is_sent_to_the_document_in_that_format(real_server):
    response = httpx.get(real_server + "/doc/CTOC/COP/WG.7/2023/3.ttl", timeout=30)
    assert response.status_code == 303 and response.headers["location"] == JOINT + ".ttl"


@pytest.mark.parametrize("path", [
    "/doc/CTOC/COP/WG.9/2023/3",  # a symbol no document carries
    "/meeting/CTOC/COP/WG.4/2023/3", "/body/CTOC/COP/WG.4/2023/3",  # a symbol, but not under doc/
    "/doc/CTOC%2FCOP%2FWG.4%2F2023%2F3",  # an encoded slash is no slash
    "/doc/CTOC/COP/WG.4/2023/3/",  # no symbol ends in a slash
])
def test_only_a_path_under_doc_that_spells_a_carried_symbol_is_redirected(real_server, path):
    for accept in ("text/html", "text/turtle"):
        response = httpx.get(real_server + path, headers={"accept": accept}, timeout=30)
        assert response.status_code == 404, (path, response.status_code, response.headers.get("location"))


SYMBOLS_DATA = """
@prefix unkg: <https://w3id.org/unkg/ontology#> .
<https://w3id.org/unkg/doc/A/1> a unkg:Document ; unkg:symbol "A/1", "A/SHARED/1" .
<https://w3id.org/unkg/doc/B/1> a unkg:Document ; unkg:symbol "B/1", "A/SHARED/1" .
<https://w3id.org/unkg/doc/C/1> a unkg:Document ; unkg:symbol "C/1", "D/1" .
<https://w3id.org/unkg/doc/F/WG.7/1> a unkg:Document ; unkg:symbol "F/WG.10/1", "F/WG.3/1", "F/WG.7/1", "F/WG.4/1" .
"""


@pytest.fixture(scope="module")
def symbol_server(tmp_path_factory):
    """A server over two documents that carry one symbol, and one with two, whose engine counts its queries."""
    from conftest import live_server, make_store, settings_for

    path = make_store(tmp_path_factory.mktemp("symbols") / "store", {B + "graph/symbols": SYMBOLS_DATA}, turtle=True)
    with live_server(settings_for(path)) as server:
        yield counting_selects(server)


def test_a_symbol_two_documents_carry_is_a_404_listing_both(symbol_server):
    page = get(symbol_server.origin, "/doc/A/SHARED/1")
    assert page.status_code == 404 and "location" not in page.headers
    listed = page.text.split('class="symbol-holders"')[1].split("</ul>")[0]
    assert hrefs(listed) == ["/doc/A/1", "/doc/B/1"]
    machine = get(symbol_server.origin, "/doc/A/SHARED/1", "text/turtle")
    assert machine.status_code == 404
    assert f"2 documents carry the symbol it spells: <{B}doc/A/1>, <{B}doc/B/1>" in machine.text


def test_the_symbol_look_up_is_one_query_on_the_404_path_only(symbol_server):
    def symbol_queries(path: str, status: int) -> list[str]:
        symbol_server.queries.clear()
        response = get(symbol_server.origin, path, "text/turtle")
        assert response.status_code == status, (path, response.status_code)
        return [q for q in symbol_server.queries if "Which documents carry a UN symbol" in q]

    assert len(symbol_queries("/doc/D/1", 303)) == 1
    assert len(symbol_queries("/doc/E/1", 404)) == 1
    assert symbol_queries("/doc/C/1", 200) == []  # a page that is found never looks
    assert symbol_queries("/doc/not a symbol", 404) == []  # nor a path that spells no symbol


def symbols_shown(page: str) -> list[str]:
    facts = page.split('class="facts"')[1].split("</dd>")[0]
    return re.findall(r'<code class="symbol">([^<]*)</code>', facts)


def test_a_joint_documents_symbols_are_listed_in_the_order_it_prints_them(real_server):
    """They were listed WG.7, WG.4, WG.3, as the store hands them back; the agenda prints WG.3-WG.4-WG.7."""
    assert symbols_shown(get(real_server, JOINT).text) == [f"CTOC/COP/WG.{n}/2023/3" for n in (3, 4, 7)]


def test_symbols_are_listed_from_the_one_the_iri_has_then_by_their_numbers(symbol_server):
    """The graph keeps no printed order: the symbol the IRI is minted from (the first printed) comes first, then
    the others by their parts, numbers as numbers (WG.10 after WG.4, not before WG.3 as in text)."""
    assert symbols_shown(get(symbol_server.origin, "/doc/F/WG.7/1").text) == [
        "F/WG.7/1", "F/WG.3/1", "F/WG.4/1", "F/WG.10/1"]


# --- a provision keeps its number in every language -------------------------------------------------------

def title_h1_and_breadcrumb(page: str) -> tuple[str, str, str]:
    title = re.search(r"<title[^>]*>([^<]*) · unkg</title>", page)[1]
    h1 = text_of(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)[1]).strip()
    return title, h1, text_of(page.split('class="breadcrumb">')[1].split("</nav>")[0]).strip()


def test_an_article_shown_by_its_chinese_heading_keeps_its_number(real_server):
    """In Chinese, article 27 was named by its heading alone (执法合作, as the agenda prints it): title, heading,
    breadcrumbs and links lost the number its English label ("Article 27") and its code (27) give. Its code comes
    first, as a paragraph's code (27(1)) names it; no Chinese label is made up for it (第27条)."""
    zh = {"accept-language": "zh-CN,zh;q=0.9"}
    article = get(real_server, "/instrument/UNTOC/art/27", **zh).text
    assert title_h1_and_breadcrumb(article) == (
        "27 执法合作", "27 执法合作", "联合国打击跨国有组织犯罪公约 › 27 执法合作")
    subparagraph = get(real_server, "/instrument/UNTOC/art/27/para/1/subpara/a", **zh).text
    assert title_h1_and_breadcrumb(subparagraph)[2] == "联合国打击跨国有组织犯罪公约 › 27 执法合作 › 27(1) › 27(1)(a)"
    item = get(real_server, f"/{MEETING}/agenda/item/2", **zh).text
    links = re.findall(r'<a href="/instrument/UNTOC/art/27"[^>]*>([^<]*)</a>', item)
    assert links and set(links) == {"27 执法合作"}
    assert "第27条" not in "".join(title_h1_and_breadcrumb(article) + title_h1_and_breadcrumb(subparagraph))


def test_an_article_shown_by_its_english_label_is_named_as_the_label_says(real_server):
    en = {"accept-language": "en"}
    article = get(real_server, "/instrument/UNTOC/art/27", **en).text
    assert title_h1_and_breadcrumb(article) == (
        "Article 27", "Article 27", "United Nations Convention against Transnational Organized Crime › Article 27")
    subparagraph = get(real_server, "/instrument/UNTOC/art/27/para/1/subpara/a", **en).text
    assert title_h1_and_breadcrumb(subparagraph)[2] == (
        "United Nations Convention against Transnational Organized Crime › Article 27 › 27(1) › 27(1)(a)")


def test_only_a_heading_gets_the_code_in_front_and_only_when_there_is_one():
    from api.describe import Description
    from api.render import HEADING_RANK, NOTATION_RANK, Page
    from api.terms import Term

    heading, code = Term("literal", "执法合作", lang="zh"), Term("literal", "27")
    named = Term("literal", "一个名称", lang="zh")  # a name of its own
    description = Description(B + "x")
    description.labels = {
        B + "numbered": [(HEADING_RANK, heading), (NOTATION_RANK, code)],
        B + "unnumbered": [(HEADING_RANK, heading)],  # no code to show: the heading as it is
        B + "named": [(0, named), (HEADING_RANK, heading), (NOTATION_RANK, code)],  # a label of its own: as it is
        B + "both": [(0, heading), (HEADING_RANK, heading), (NOTATION_RANK, code)],  # its label, not only a heading
    }
    page = Page(description, base=B, origin="", languages=["zh"])
    assert [page.name(B + n) for n in ("numbered", "unnumbered", "named", "both")] == [
        "27 执法合作", "执法合作", "一个名称", "执法合作"]


# --- the icon ---------------------------------------------------------------------------------------------

def test_every_page_names_its_icon_served_here_so_no_browser_asks_for_favicon_ico(real_server, tmp_path):
    """Browsers asked for /favicon.ico on every visit (a 404: no page named an icon)."""
    import xml.etree.ElementTree as ET

    for path in ("/", f"/{MEETING}", "/ontology", "/meeting/CTOC-COP/WG.3/99", "/about?iri=https://www.unodc.org/"):
        page = get(real_server, path).text
        icons = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
        assert icons == ["/static/favicon.svg"], (path, icons)
    icon = httpx.get(real_server + "/static/favicon.svg", timeout=30)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    svg = ET.fromstring(icon.content)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert not re.search(rb"(?:href|src)\s*=|url\(|<script", icon.content)  # it loads nothing from anywhere
    from conftest import live_server, make_store, settings_for

    store = make_store(tmp_path / "store", {B + "graph/x": f"<{B}thing/a> <{RDFS_LABEL}> \"a thing\"@en ."})
    with live_server(settings_for(store), root_path="/kg") as server:  # behind a proxy, under its path
        page = httpx.get(server.origin + "/thing/a", headers={"accept": "text/html"}, timeout=30).text
        assert '<link rel="icon" href="/kg/static/favicon.svg"' in page
