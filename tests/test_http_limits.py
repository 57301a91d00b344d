"""HTTP as clients send it, on a live server: headers too large get 431 before anything reads them, while what
browsers send passes; errors quote only the start of a header; media types match in any case (RFC 9110 §8.3.1);
HEAD answers wherever GET does."""

from __future__ import annotations

import httpx
import pytest

from api import negotiate
from api.header_limits import MAX_HEADER_BYTES, MAX_HEADERS_BYTES

BROWSER = {  # what Firefox sends for a page, with the largest cookie a browser keeps (4 KB)
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.7,zh-CN;q=0.3",
    "Accept-Encoding": "gzip, deflate, br, zstd",
    "Cookie": "session=" + "c" * 4089,
    "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "none", "Sec-Fetch-User": "?1",
}
RANGES = ", ".join(f"x/y{n};q=0.{n % 10}" for n in range(20_000))  # 300 KB: blocked the event loop for 2 s


# --- the size of the request headers -----------------------------------------------------------------------

def test_an_oversized_header_gets_431_naming_it_and_the_limit(read_only_server):
    answer = httpx.get(read_only_server.sparql, params={"query": "ASK {}"}, headers={"Accept": RANGES}, timeout=30)
    assert answer.status_code == 431
    assert answer.headers["content-type"].startswith("text/plain")
    assert "'accept'" in answer.text and f"{MAX_HEADER_BYTES:,} bytes per header" in answer.text
    assert len(answer.text) < 200  # the header is not echoed
    cookie = httpx.get(read_only_server.origin + "/health", headers={"Cookie": "a=" + "b" * MAX_HEADER_BYTES},
                       timeout=30)
    assert cookie.status_code == 431 and "'cookie'" in cookie.text  # every route, not only the endpoint's


def test_headers_too_large_together_get_431_naming_the_limit(read_only_server):
    headers = {f"X-Part-{n}": "v" * 7000 for n in range(10)}  # each within the limit, 70 KB in all
    answer = httpx.get(read_only_server.origin + "/health", headers=headers, timeout=30)
    assert answer.status_code == 431
    assert f"more than the limit of {MAX_HEADERS_BYTES:,} bytes" in answer.text


def test_what_browsers_send_passes(read_only_server):
    assert httpx.get(read_only_server.origin + "/health", headers=BROWSER, timeout=30).status_code == 200
    answer = httpx.get(read_only_server.sparql, params={"query": "ASK {}"}, timeout=30,
                       headers={**BROWSER, "Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text


def test_errors_quote_only_the_start_of_an_accept_header(read_only_server, tiny_server):
    near_limit = ", ".join(f"x/y{n}" for n in range(1000))[:MAX_HEADER_BYTES - 100]  # under the limit
    page = httpx.get(tiny_server + "/body/x-evil", headers={"Accept": near_limit}, timeout=30)
    assert page.status_code == 406 and "text/turtle" in page.text
    assert len(page.text) < 600, page.text
    unreadable = httpx.get(read_only_server.sparql, params={"query": "ASK {}"}, timeout=30,
                           headers={"Accept": "text/csv, " + "a" * 7000})
    assert unreadable.status_code == 400 and "cannot read the Accept header" in unreadable.text
    assert len(unreadable.text) < 400, unreadable.text
    long_format = httpx.get(read_only_server.sparql, params={"query": "ASK {}", "format": "f" * 7000}, timeout=30)
    assert long_format.status_code == 400 and "unknown format" in long_format.text
    assert len(long_format.text) < 400, long_format.text
    endpoint = httpx.get(read_only_server.sparql, params={"query": "ASK {}"}, headers={"Accept": near_limit},
                         timeout=30)  # /sparql's own 406, which quoted the whole header
    assert endpoint.status_code == 406 and "nothing this endpoint writes matches Accept" in endpoint.text
    assert len(endpoint.text) < 800, endpoint.text


def test_empty_elements_of_an_accept_header_are_ignored(read_only_server):
    """RFC 9110 §5.6.1: a recipient ignores empty list elements; "text/csv, ," was a 400."""
    answer = httpx.get(read_only_server.sparql, params={"query": "ASK {}"}, headers={"Accept": "text/csv, ,"},
                       timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    answer = httpx.get(read_only_server.sparql, params={"query": "SELECT * {} LIMIT 1"},
                       headers={"Accept": ", text/csv ,,"}, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")


def test_long_header_values_are_not_kept_in_the_negotiation_caches():
    for_any_type = {negotiate.results_format: "application/sparql-results+json",
                    negotiate.graph_format: "text/turtle", negotiate.description_format: "text/turtle"}
    for function, chosen_for_any in for_any_type.items():
        function.cache_clear()
        assert function("*/*;v=" + "a" * 5000).media_type == chosen_for_any
        assert function("*/*", "x" * 5000) is None
        assert function.cache_info().currsize == 0
        assert function("*/*").media_type == chosen_for_any  # a short one is still negotiated, and kept
        assert function.cache_info().currsize == 1
        assert function("*/*").media_type == chosen_for_any and function.cache_info().hits == 1  # and answered from it
    negotiate.prefers_html.cache_clear()
    assert negotiate.prefers_html("text/html;v=" + "a" * 5000)
    assert negotiate.prefers_html.cache_info().currsize == 0

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


# --- HEAD wherever GET ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/health"])
def test_head_answers_as_get_without_a_body(read_only_server, path):
    """/docs and /redoc took GET only: HEAD fell through to the pages' catch-all and got 404."""
    get = httpx.get(read_only_server.origin + path, timeout=30)
    head = httpx.head(read_only_server.origin + path, timeout=30)
    assert get.status_code == 200 and head.status_code == 200 and head.content == b""
    framing = {"date", "server-timing"}
    assert {k: v for k, v in head.headers.items() if k not in framing} == \
        {k: v for k, v in get.headers.items() if k not in framing}


@pytest.mark.parametrize("module", ["api.health", "api.api_docs", "api.sparql", "api.graph_store", "api.ui",
                                    "api.exports", "api.pages"])
def test_every_get_route_takes_head(module):
    """Every route that answers GET answers HEAD (else HEAD falls through to the pages' catch-all: 404); /sparql's
    HEAD is taken by the front door (api.sparql.QueriesFirst) before the router."""
    import importlib

    routes = [r for r in importlib.import_module(module).router.routes if getattr(r, "methods", None)]
    paths = {r.path for r in routes if "GET" in r.methods} - {"/sparql"}
    assert paths or module == "api.sparql"
    assert sorted(p for p in paths if not any(r.path == p and "HEAD" in r.methods for r in routes)) == []


def test_a_431_carries_cors_headers_so_a_page_of_another_site_can_read_it(read_only_server):
    answer = httpx.get(read_only_server.origin + "/health", timeout=30,
                       headers={"Origin": "https://app.example", "Cookie": "a=" + "b" * MAX_HEADER_BYTES})
    assert answer.status_code == 431
    assert answer.headers["access-control-allow-origin"] == "*"


def test_a_huge_header_is_refused_while_it_arrives_and_others_are_served_meanwhile(read_only_server):
    """httptools joins a header's pieces in time that grows with the square of its size: a 100 MiB header kept
    the server from every other client for 47 s, before the application could answer 431."""
    import socket
    import threading
    import time

    from api.header_limits import MAX_HEAD_BYTES

    port = int(read_only_server.origin.rsplit(":", 1)[1])
    answer: list[bytes] = []

    def send_huge_header() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: ")
            chunk = b"a" * 65536
            try:
                for _ in range(64 * 1024 * 1024 // len(chunk)):  # 64 MiB, unless the server closes first
                    sock.sendall(chunk)
            except OSError:
                pass  # the server closed the connection: the answer is waiting
            sock.settimeout(30)
            answer.append(sock.recv(1000))

    started = time.monotonic()
    sender = threading.Thread(target=send_huge_header)
    sender.start()
    health = [httpx.get(read_only_server.origin + "/health", timeout=30).status_code for _ in range(5)]
    sender.join(60)
    assert answer and answer[0].startswith(b"HTTP/1.1 431 ")
    assert f"the request line and headers are more than {MAX_HEAD_BYTES:,} bytes".encode() in answer[0]
    assert health == [200] * 5
    assert time.monotonic() - started < 10  # 64 MiB took 10 s and more


def test_a_body_arriving_with_its_head_is_not_counted_as_head(read_only_server):
    """A POST whose head and 900 KB of body come in one read is a body, not a head over the bound."""
    query = "ASK {}" + " " * 900_000
    answer = httpx.post(read_only_server.sparql, content=query.encode(),
                        headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert answer.status_code == 200, answer.text[:200]


def test_a_url_too_long_to_read_is_414_saying_to_post(read_only_server):
    """httptools refuses a URL over about 64 KiB: that was "400 Invalid HTTP request received"."""
    import socket

    port = int(read_only_server.origin.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D" + b"%20" * 30_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = sock.recv(1000)
    assert answer.startswith(b"HTTP/1.1 414 ") and b"send a long query by POST" in answer
    garbage = httpx.get(read_only_server.origin + "/health", headers={"Host": "x"}, timeout=30)
    assert garbage.status_code == 200
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost x\r\n\r\n")  # an ill-formed request is still 400
        assert sock.recv(1000).startswith(b"HTTP/1.1 400 ")
