"""Exports through a real server over the real data: the work programme as iCalendar (read back by the
``icalendar`` parser) and CSV, the VoID description with its statistics, and the full dumps."""

from __future__ import annotations

import csv
import html
import io
import re
import socket
import time
from datetime import UTC, datetime
from urllib.parse import unquote

import httpx
import icalendar
import pyoxigraph as ox
import pytest
import rdflib
from conftest import live_server, make_store, settings_for, slow_reader

from api.describe import Description
from api.exports import fold, ical_text, programme_ics
from api.terms import Term
from loader.namespaces import VOID, data_base

B = data_base()
MEETING = "meeting/CTOC-COP/WG.3/14"
SLOTS_UTC = [  # the annex's slots, Vienna summer time (+02:00), in UTC
    (datetime(2023, 9, 11, 8, tzinfo=UTC), datetime(2023, 9, 11, 11, tzinfo=UTC)),
    (datetime(2023, 9, 11, 13, tzinfo=UTC), datetime(2023, 9, 11, 16, tzinfo=UTC)),
    (datetime(2023, 9, 12, 8, tzinfo=UTC), datetime(2023, 9, 12, 11, tzinfo=UTC)),
    (datetime(2023, 9, 12, 13, tzinfo=UTC), datetime(2023, 9, 12, 16, tzinfo=UTC)),
]


def get(origin: str, path: str, accept: str = "*/*") -> httpx.Response:
    return httpx.get(origin + path, headers={"accept": accept}, timeout=60)


def test_programme_as_icalendar(real_server):
    response = get(real_server, f"/{MEETING}/programme.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "a content line is longer than 75 octets"
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends in CRLF
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = list(calendar.walk("VEVENT"))
    assert [(e["DTSTART"].dt, e["DTEND"].dt) for e in events] == SLOTS_UTC
    assert len({str(e["UID"]) for e in events}) == 4 and all(e.get("DTSTAMP") for e in events)
    assert str(events[0]["SUMMARY"]) == "1(a) 会议开幕; 1(b) 通过议程和工作安排"
    assert str(events[0]["LOCATION"]) == "维也纳"
    assert str(events[3]["SUMMARY"]) == "4 其他事项; 5 通过报告"
    item2 = "2 《打击有组织犯罪公约》第27条（执法合作）的实际实施情况"  # the agenda lists 2, then 2（续）
    assert str(events[1]["SUMMARY"]).startswith(f"{item2}; {item2}（续）; 3 ")  # the mark as the source prints it
    assert str(events[2]["SUMMARY"]).endswith("的指示性实例（续）") and str(events[2]["SUMMARY"]).startswith("3 ")
    assert b"continued" not in raw  # an English word in a Chinese title was made up, not read
    assert str(events[0]["URL"]) == f"{real_server}/{MEETING}"


def test_programme_as_csv(real_server):
    response = get(real_server, f"/{MEETING}/programme.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [(r["date"], r["start_local"], r["item"]) for r in rows] == [
        ("2023-09-11", "10:00", "1(a)"), ("2023-09-11", "10:00", "1(b)"),
        ("2023-09-11", "15:00", "2"), ("2023-09-11", "15:00", "2"), ("2023-09-11", "15:00", "3"),
        ("2023-09-12", "10:00", "3"), ("2023-09-12", "15:00", "4"), ("2023-09-12", "15:00", "5"),
    ]
    assert [r["continuation"] for r in rows] == ["false", "false", "false", "true", "false", "true", "false", "false"]
    first = rows[0]
    assert first["utc_offset"] == "+02:00" and first["start_utc"] == "2023-09-11T08:00:00Z"
    assert first["end_utc"] == "2023-09-11T11:00:00Z" and first["title"] == "会议开幕"
    assert first["title_language"] == "zh" and first["item_iri"] == f"{B}{MEETING}/agenda/item/1/a"
    for export in ("programme.csv", "programme.ics"):  # titles follow Accept-Language: a cache must know it
        vary = get(real_server, f"/{MEETING}/{export}").headers["vary"]
        assert "Accept-Language" in [v.strip() for v in vary.split(",")]


@pytest.mark.parametrize("path", ["/meeting/CTOC-COP/WG.3/99/programme.ics",
                                  "/meeting/CTOC-COP/WG.3/99/programme.csv"])
def test_programme_of_an_unknown_meeting_is_404(real_server, path):
    response = get(real_server, path)
    assert response.status_code == 404 and "meeting/CTOC-COP/WG.3/99" in response.text


def test_programme_of_something_without_one_is_404(real_server):
    response = get(real_server, f"/{MEETING}/agenda/programme.ics")
    assert response.status_code == 404 and "no work programme" in response.text


def named_graph_triples(store: ox.Store) -> int:
    return sum(1 for quad in store if not isinstance(quad.graph_name, ox.DefaultGraph))


@pytest.mark.parametrize("path", ["/void", "/.well-known/void"])
def test_void_describes_the_dataset_with_statistics(real_server, real_store, path):
    response = get(real_server, path, accept="text/turtle")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    dataset = rdflib.URIRef(B + "void#dataset")
    assert (dataset, rdflib.RDF.type, VOID.Dataset) in graph
    example = graph.value(dataset, VOID.exampleResource)
    assert example is not None
    types = {q.object.value for q in real_store.quads_for_pattern(
        ox.NamedNode(str(example)), ox.NamedNode(str(rdflib.RDF.type)), None)}
    assert "https://w3id.org/unkg/ontology#Meeting" in types
    assert int(graph.value(dataset, VOID.triples)) == named_graph_triples(real_store)
    assert graph.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(real_server + "/sparql")
    assert set(graph.objects(dataset, VOID.dataDump)) == {rdflib.URIRef(real_server + "/dump.nq"),
                                                          rdflib.URIRef(real_server + "/dump.trig")}
    subsets = set(graph.objects(dataset, VOID.subset))
    assert subsets == {rdflib.URIRef(g.value) for g in real_store.named_graphs()}
    assert sum(int(graph.value(s, VOID.triples)) for s in subsets) == named_graph_triples(real_store)
    meetings = [p for p in graph.objects(dataset, VOID.classPartition)
                if graph.value(p, VOID["class"]) == rdflib.URIRef("https://w3id.org/unkg/ontology#Meeting")]
    in_store = {q.subject for q in real_store.quads_for_pattern(
        None, ox.NamedNode(str(rdflib.RDF.type)), ox.NamedNode("https://w3id.org/unkg/ontology#Meeting"))}
    assert len(meetings) == 1 and int(graph.value(meetings[0], VOID.entities)) == len(in_store) > 0


def test_void_in_json_ld(real_server):
    response = get(real_server, "/void", accept="application/ld+json")
    assert response.headers["content-type"].startswith("application/ld+json")
    graph = rdflib.Graph().parse(data=response.text, format="json-ld")
    assert (rdflib.URIRef(B + "void#dataset"), rdflib.RDF.type, VOID.Dataset) in graph


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
VOID_FORMATS = {  # media type -> (suffix, rdflib parser)
    "text/turtle": (".ttl", "turtle"),
    "application/ld+json": (".jsonld", "json-ld"),
    "application/n-triples": (".nt", "nt"),
    "application/rdf+xml": (".rdf", "xml"),
}


def page_text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("path", ["/void", "/.well-known/void"])
def test_void_is_a_readable_page_for_browsers(real_server, path):
    """The navigation's "Dataset (VoID)" link answered Turtle to a browser, which downloaded it or showed it raw:
    a browser gets a page of the same description, with its sizes, graphs, classes and properties, every link on
    it leading somewhere (a partition has no page of its own, so none links to one)."""
    response = get(real_server, path, accept=BROWSER_ACCEPT)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    page = response.text
    turtle = rdflib.Graph().parse(data=get(real_server, "/void", accept="text/turtle").text, format="turtle")
    dataset = rdflib.URIRef(B + "void#dataset")
    text = page_text(page)
    assert "unkg: UN meeting documentation" in page_text(page.split("<h1", 1)[1].split("</h1>")[0])
    assert f'<code id="canonical-iri">{dataset}</code>' in page
    assert str(turtle.value(dataset, VOID.triples)) in text
    graphs = page.split('id="void-graphs"')[1].split("</section>")[0]
    for graph in turtle.objects(dataset, VOID.subset):
        row = graphs.split(f'title="{graph}"')[1].split("</tr>")[0]
        assert str(turtle.value(graph, VOID.triples)) in page_text(row), graph
    classes = page.split('id="void-classes"')[1].split("</section>")[0]
    meeting = classes.split('href="/ontology#Meeting"')[1].split("</tr>")[0]
    partition = next(p for p in turtle.objects(dataset, VOID.classPartition)
                     if turtle.value(p, VOID["class"]) == rdflib.URIRef("https://w3id.org/unkg/ontology#Meeting"))
    assert str(turtle.value(partition, VOID.entities)) in page_text(meeting)
    properties = page.split('id="void-properties"')[1].split("</section>")[0]
    assert len(re.findall(r"<tr>", properties)) - 1 == len(set(turtle.objects(dataset, VOID.propertyPartition)))
    local = {html.unescape(h).split("#")[0] for h in re.findall(r'href="(/[^"]*)"', page)}
    local.discard("/")
    broken = [h for h in sorted(local) if get(real_server, h, accept="text/html").status_code != 200]
    assert not broken, broken
    assert "/void%23" not in page


@pytest.mark.parametrize("media_type", list(VOID_FORMATS))
def test_void_in_every_rdf_format_by_accept_and_by_suffix(real_server, media_type):
    suffix, parser = VOID_FORMATS[media_type]
    expected = rdflib.Graph().parse(data=get(real_server, "/void", accept="text/turtle").text, format="turtle")
    listed = get(real_server, "/void", accept="text/html").headers["link"]
    assert f'</void{suffix}>; rel="alternate"; type="{media_type}"' in listed
    for response in (get(real_server, "/void", accept=media_type), get(real_server, "/void" + suffix)):
        assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media_type
        assert "Accept" in response.headers["vary"]
        graph = rdflib.Graph().parse(data=response.content, format=parser)
        assert len(graph) == len(expected) and (rdflib.URIRef(B + "void#dataset"), rdflib.RDF.type,
                                                VOID.Dataset) in graph


def test_void_says_what_it_can_be_when_nothing_asked_for_fits(real_server):
    refused = get(real_server, "/void", accept="image/png")
    assert refused.status_code == 406 and "text/turtle" in refused.text and "text/html" in refused.text
    assert get(real_server, "/void").headers["content-type"].startswith("text/turtle")  # */*: the data


@pytest.mark.parametrize("suffix, rdf_format", [("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)])
def test_dumps_hold_every_quad_and_are_streamed(real_server, real_store, suffix, rdf_format):
    with httpx.stream("GET", f"{real_server}/dump.{suffix}", timeout=60) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers  # streamed, not built in memory first
        assert response.headers["content-disposition"] == f'attachment; filename="unkg.{suffix}"'
        body = b"".join(response.iter_bytes())
    dumped = set(ox.parse(body, format=rdf_format))
    assert dumped == set(real_store)


def test_unknown_dump_format_is_404(real_server):
    response = get(real_server, "/dump.xml")
    assert response.status_code == 404 and "/dump.nq" in response.text


def test_ical_text_and_folding():
    assert ical_text("a, b; c\\d\ne") == "a\\, b\\; c\\\\d\\ne"
    line = "SUMMARY:" + "国际合作工作组" * 10
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(p.encode("utf-8")) <= 75 for p in parts[:1]) and all(len(p.encode()) <= 74 for p in parts[1:])
    assert fold("short") == "short"


def test_a_continued_entry_carries_the_mark_its_source_line_prints_in_the_title_s_language():
    """An entry a Chinese and an English programme both print, continued: its title in each language is followed
    by that language's mark as read back from the line (none for a title in a language no line is in)."""
    entry = "https://example.org/m/slot/1/entry/1"
    meeting = Description("https://example.org/m")
    meeting.labels[entry] = [(0, Term("literal", title, lang=lang)) for title, lang in
                             [("其他事项", "zh"), ("Other matters", "en"), ("Autres questions", "fr")]]
    moment = {"utc_iso": "2023-09-11T08:00:00Z"}
    slots = [{"iri": Term("uri", "https://example.org/m/slot/1"), "start": moment, "end": None, "entries": [
        {"iri": Term("uri", entry), "continuation": True, "marks": {"zh": "（续）", "en": " (continued)"}}]}]

    def summary(language: str) -> str:
        text = programme_ics(meeting, slots, [language], "https://example.org/m")
        return str(next(iter(icalendar.Calendar.from_ical(text).walk("VEVENT")))["SUMMARY"])

    assert [summary(lang) for lang in ("zh", "en", "fr")] == ["其他事项（续）", "Other matters (continued)",
                                                              "Autres questions"]


# --- meetings whose paths and labels are hostile to headers and calendars (a small store made for it) ------

ODD_MEETINGS = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix unkg: <https://w3id.org/unkg/ontology#> .
<https://w3id.org/unkg/meeting/%E4%B8%AD/1> a unkg:Meeting ; skos:prefLabel "m\\rX-INJECTED:yes"@en .
<https://w3id.org/unkg/meeting/%E4%B8%AD/1/slot/1> a unkg:TimeSlot ;
    unkg:slotOf <https://w3id.org/unkg/meeting/%E4%B8%AD/1> ;
    unkg:startTime "2023-09-11T10:00:00+02:00"^^xsd:dateTime ; unkg:endTime "2023-09-11T13:00:00+02:00"^^xsd:dateTime .
<https://w3id.org/unkg/meeting/%22q%22/1> a unkg:Meeting ; skos:prefLabel "quoted"@en .
<https://w3id.org/unkg/meeting/%22q%22/1/slot/1> a unkg:TimeSlot ;
    unkg:slotOf <https://w3id.org/unkg/meeting/%22q%22/1> ;
    unkg:startTime "2023-09-11T10:00:00+02:00"^^xsd:dateTime .
"""


@pytest.fixture(scope="module")
def odd_server(tmp_path_factory):
    from conftest import live_server, make_store, settings_for

    path = make_store(tmp_path_factory.mktemp("odd-meetings") / "store", {B + "graph/odd": ODD_MEETINGS}, turtle=True)
    with live_server(settings_for(path)) as server:
        yield server.origin


def download_name(header: str) -> tuple[str, str]:
    """(the plain ``filename``, the name a browser saves: ``filename*`` decoded if there is one, RFC 6266)."""
    plain = re.search(r'filename="([^"]*)"', header).group(1)
    extended = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    return plain, unquote(extended.group(1), errors="strict") if extended else plain


@pytest.mark.parametrize(("path", "name"), [
    ("/meeting/%E4%B8%AD/1/programme.ics", "中-1-programme.ics"),
    ("/meeting/%E4%B8%AD/1/programme.csv", "中-1-programme.csv"),
    ("/meeting/%22q%22/1/programme.ics", '"q"-1-programme.ics'),
    ("/meeting/%22q%22/1/programme.csv", '"q"-1-programme.csv'),
])
def test_programme_downloads_of_any_meeting_path_are_named_safely(odd_server, path, name):
    response = get(odd_server, path)
    assert response.status_code == 200, response.text
    header = response.headers["content-disposition"]
    header.encode("ascii")  # nothing a client could read in another charset
    plain, exact = download_name(header)
    assert exact == name  # filename* gives the whole name back
    assert plain.isascii() and '"' not in plain and plain.endswith(name[-len("-1-programme.ics"):])


def test_icalendar_text_cannot_start_a_property_of_its_own(odd_server):
    raw = get(odd_server, "/meeting/%E4%B8%AD/1/programme.ics").content
    assert b"\r" not in raw.replace(b"\r\n", b"") and b"\n" not in raw.replace(b"\r\n", b"")
    assert not [line for line in raw.split(b"\r\n") if line.startswith(b"X-INJECTED")]
    calendar = icalendar.Calendar.from_ical(raw)
    assert "X-INJECTED" not in calendar
    assert b"X-WR-CALNAME:m\\nX-INJECTED:yes\r\n" in raw  # one property, the break escaped (X- ones parse untyped)
    assert str(next(iter(calendar.walk("VEVENT")))["SUMMARY"]) == "m\nX-INJECTED:yes"


@pytest.mark.parametrize("value", ["a\rb", "a\r\nb", "a\nb", "a\u2028b", "x;y,z\\w\r"])
def test_ical_text_escapes_every_line_break(value):
    escaped = ical_text(value)
    assert not set(escaped) & {"\r", "\n", "\u2028"}
    parsed = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\nSUMMARY:{escaped}\r\nEND:VEVENT\r\n")
    expected = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    assert str(parsed["SUMMARY"]) == expected


# --- dumps to clients that read slowly or not at all --------------------------------------------------------

def big_graph(triples: int) -> str:
    """N-Triples of about 150 bytes a quad once dumped: 60,000 are 9 MB, more than a loopback connection's
    buffers hold for a client with a small receive window."""
    label = "a label long enough to make the dump big " * 2
    return "".join(f'<{B}big/s{n}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}{n}" .\n'
                   for n in range(triples))


BIG_GRAPH = B + "graph/big"


@pytest.fixture(scope="module")
def big_dump():
    """(the N-Triples of a big graph, its quads)"""
    text = big_graph(60_000)
    graph = ox.NamedNode(BIG_GRAPH)
    triples = ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)
    return text, {ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples}


@pytest.fixture(scope="module")
def big_dump_store(tmp_path_factory, big_dump):
    return make_store(tmp_path_factory.mktemp("big-dump") / "store", {BIG_GRAPH: big_dump[0]})


def ask_and_stop_reading(origin: str, path: str) -> tuple[socket.socket, bytes]:
    """A raw GET with a small receive window that reads the response's head and then nothing more; the socket
    and the head."""
    sock = slow_reader(origin, path)
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(1)
    return sock, received


def test_a_client_that_stops_reading_a_dump_holds_its_thread_no_longer_than_the_time_limit(big_dump_store,
                                                                                           big_dump):
    """A dump ran on the event loop's default executor (six threads on two cores) with no time limit: a client
    that asked for it and never read held a thread and a snapshot for ever, and six of them left every later dump
    at '200' and no byte. Now a client that takes nothing for the time limit has its dump abandoned and its
    response cut off (no last chunk); at most two dumps run at once, and one more is told to come back."""
    with live_server(settings_for(big_dump_store, timeout=2.0)) as server:
        started = time.monotonic()
        asked = [ask_and_stop_reading(server.origin, "/dump.nq") for _ in range(8)]
        try:
            time.sleep(max(0.0, started + 4.0 - time.monotonic()))  # the limit, and a margin
            with httpx.stream("GET", f"{server.origin}/dump.nq", timeout=10) as response:
                assert response.status_code == 200
                body = b"".join(response.iter_bytes())
            assert set(ox.parse(body, format=ox.RdfFormat.N_QUADS)) == big_dump[1]

            heads = [head.split(b"\r\n", 1)[0] for _, head in asked]
            assert heads.count(b"HTTP/1.1 200 OK") == 2  # as README says (api.exports.DUMP_SLOTS)
            assert heads.count(b"HTTP/1.1 503 Service Unavailable") == 6
            refused = next(head for _, head in asked if head.startswith(b"HTTP/1.1 503"))
            assert b"retry-after:" in refused.lower()
            for sock, head in asked:
                if head.startswith(b"HTTP/1.1 200"):  # cut off: what was sent ends without the last chunk
                    rest = b""
                    while chunk := sock.recv(1 << 20):
                        rest += chunk
                    assert 0 < len(rest) < len(body) and not rest.endswith(b"0\r\n\r\n")
        finally:
            for sock, _ in asked:
                sock.close()


def test_a_head_request_for_a_dump_writes_none(big_dump_store):
    """HEAD serialized the whole store for a body uvicorn then threw away, and held a dump slot meanwhile: with
    both slots held by readers, it was told to come back (503). It is the headers alone now."""
    with live_server(settings_for(big_dump_store, timeout=2.0)) as server:
        asked = [ask_and_stop_reading(server.origin, "/dump.nq") for _ in range(2)]
        try:
            assert [head.split(b"\r\n", 1)[0] for _, head in asked] == [b"HTTP/1.1 200 OK"] * 2
            response = httpx.head(f"{server.origin}/dump.nq", timeout=10)
            assert response.status_code == 200, response.headers
            assert response.headers["content-type"].startswith("application/n-quads")
            assert 'filename="unkg.nq"' in response.headers["content-disposition"]
            assert "content-length" not in response.headers  # it said 0, an empty dump, to a cache
        finally:
            for sock, _ in asked:
                sock.close()


def test_a_dump_read_slowly_but_steadily_is_not_cut_off(big_dump_store, big_dump):
    """The limit is on progress, not on the whole dump: a client that takes a chunk at least every time limit
    gets all of it, however long that takes (here twice the limit)."""
    with live_server(settings_for(big_dump_store, timeout=1.0)) as server:
        started, body = time.monotonic(), b""
        with httpx.stream("GET", f"{server.origin}/dump.trig", timeout=10) as response:
            assert response.status_code == 200
            for chunk in response.iter_bytes():
                if len(body) // 1_000_000 != (len(body) + len(chunk)) // 1_000_000:
                    time.sleep(0.3)  # a pause after each megabyte, well within the limit
                body += chunk
        assert time.monotonic() - started > 2.0
        assert set(ox.parse(body, format=ox.RdfFormat.TRIG)) == big_dump[1]
