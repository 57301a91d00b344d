"""What the endpoint must never do: call out on a client's behalf, run past its time limit, change a read-only
store, accept an oversized body, or take updates without the operator's token."""

from __future__ import annotations

import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from conftest import W3C_GRAPH, live_server, make_store, read_cut_off, settings_for, slow_reader, w3c_graphs

from api.settings import Settings, SettingsError


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A read-only server and one that allows updates, over the W3C data."""
    read_only = make_store(tmp_path_factory.mktemp("ro") / "store", w3c_graphs())
    writable = make_store(tmp_path_factory.mktemp("rw") / "store", w3c_graphs())
    with live_server(settings_for(read_only)) as ro, live_server(settings_for(writable, allow_update=True)) as rw:
        yield ro, rw


@pytest.fixture(scope="module")
def strict(tmp_path_factory, trap):
    """A server with updates behind a token, small body and result limits, and the trap on its allow-list."""
    store = make_store(tmp_path_factory.mktemp("strict") / "store", w3c_graphs())
    settings = settings_for(store, allow_update=True, update_token="s3cret", max_body_bytes=1000,
                            max_result_bytes=2000, allowed_iris=frozenset({trap.url}))
    with live_server(settings) as server:
        yield server


def test_the_trap_catches_what_oxigraph_alone_would_send(trap):
    """The threat is real: Oxigraph by itself follows SERVICE to the trap. The endpoint must stop it first."""
    trap.requests.clear()
    with pytest.raises(RuntimeError, match="Content-Type returned by service"):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"))
    assert trap.requests, "the trap heard nothing, so the tests below could not fail"
    trap.requests.clear()


QUERIES = {
    "service": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "service silent": "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "service by prefixed name": "PREFIX t: <{base}> SELECT * WHERE {{ SERVICE t:sparql {{ ?s ?p ?o }} }}",
    "service in lower case after a comment": "SELECT * WHERE {{ # a comment\nservice <{url}> {{ ?s ?p ?o }} }}",
    "service with a relative IRI": "BASE <{base}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "service in a filter": "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "service in a subquery": "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "service with a variable": "SELECT * WHERE {{ BIND(<{url}> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
    "from": "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
    "from named": "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    # ":a\\#" and ":a\\'" are prefixed names with an escape: "#" and "'" belong to the name, not a comment or string
    "service after an escaped # in a prefixed name":
        "PREFIX : <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?s ?p :a\\# }} SERVICE <{url}> {{ ?x ?y ?z }} "
        "OPTIONAL {{\n}} }}",
    "service after an escaped quote in a prefixed name":
        "PREFIX : <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?s ?p :a\\' }} SERVICE <{url}> {{ ?x ?y ?z }} "
        "BIND(\"'\" AS ?w) }} # \"",
    # Oxigraph reads a keyword glued to a name, and a local name with one run of dots only
    "service glued to a prefixed name": "PREFIX t: <{base}> SELECT * WHERE {{ SERVICEt:sparql {{ ?s ?p ?o }} }}",
    "service after a name with two runs of dots":
        "PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:a.b.SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "service by a prefixed name with escapes": "PREFIX t: <{base}> SELECT * WHERE {{ SERVICE t:sparql\\?a\\=1 {{ }} }}",
    "service by a relative prefix":
        "BASE <{base}x/y/> PREFIXt:<../../> SELECT * WHERE {{ SERVICE SILENTt:sparql {{ }} }}",
    "service by a relative IRI with dot segments":
        "BASE <{base}a/b/> SELECT * WHERE {{ SERVICE <../.././sparql> {{ }} }}",
    "service after a less-than the lexer cannot tell":
        "SELECT * WHERE {{ ?s ?p ?o FILTER(?o<1#x>'''\n) SERVICE <{url}> {{ ?s ?p ?o }} }}\n#'''",
    # an escape Oxigraph refuses ends a long string's reading: to it, this is '' and a string, then the SERVICE
    "service after a long string with an escape Oxigraph refuses":
        "SELECT * {{ VALUES ?x {{ ''' ' }} SERVICE <{url}> {{ ?a ?b ?c }} # \\q ''' }}\n}}",
    "service after a long double-quoted string with such an escape":
        'SELECT * {{ VALUES ?x {{ """ " }} SERVICE <{url}> {{ ?a ?b ?c }} # \\q """ }}\n}}',
    # a prefixed name whose expansion is no IRI is, to Oxigraph, its bare prefix and what follows: SERVICE t:...
    "service inside a name that expands to no IRI":
        "PREFIX o: <http://example.org/o#x> PREFIX t: <{base}> SELECT * {{ ?s ?p o:SERVICEt:sparql\\#y {{ }} }}",
    # a language tag is read whole: "load" there is no LOAD, and what follows is SERVICE t:sparql to Oxigraph
    # "<<(" opens a triple term to Oxigraph; the lexer once read an IRI "<(?s?p'>" from the second "<", and its "'"
    "service after a triple term holding a quote":
        "SELECT (<<(?s?p'>')>> AS ?t) {{ SERVICE <{url}> {{}} }} #')",
    "service after a triple term in a filter": "ASK {{ FILTER(<<(?s?p'>')>>) SERVICE <{url}> {{}} }} #')}}",
    "service after a language tag spelt as a keyword":
        "PREFIX SERVICEt: <http://e/> PREFIX t: <{base}> SELECT * {{ ?s ?p \"x\"@load SERVICEt:sparql {{ }} }}",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_no_outbound_request_from_a_query(servers, trap, name):
    read_only, _ = servers
    trap.requests.clear()
    query = QUERIES[name].format(url=trap.url, base=trap.url.removesuffix("sparql"))
    for response in (httpx.get(read_only.sparql, params={"query": query}),
                     httpx.post(read_only.sparql, content=query, headers={"Content-Type": "application/sparql-query"})):
        assert response.status_code == 400, response.text
        assert "SERVICE" in response.text or "graph" in response.text
    assert trap.requests == []


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_no_outbound_request_from_dataset_parameters(servers, trap, parameter):
    read_only, _ = servers
    trap.requests.clear()
    response = httpx.get(read_only.sparql, params={"query": "ASK { ?s ?p ?o }", parameter: trap.url})
    assert response.status_code == 400
    assert "not in this store" in response.text
    assert trap.requests == []


@pytest.mark.parametrize("update", [
    "LOAD <{url}>",
    "LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>",
    "PREFIX t: <{base}> LOAD t:sparql",
    "PREFIX t: <{base}> LOADt:sparql",
    "BASE <{base}x/> LOAD SILENT <../sparql>",
    "PREFIX t: <http://e/> PREFIX t: <{base}> INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD t:sparql\\?a\\=1",
    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX : <http://e/> INSERT DATA {{ <http://a> <http://b> :c\\# }} ; LOAD <{url}> INTO GRAPH <http://pwn/> ; "
    "INSERT DATA {{\n}}",
    "PREFIX : <http://e/> INSERT DATA {{ <http://a> <http://b> :c\\' }} ; LOAD <{url}> INTO GRAPH <http://pwn/> ; "
    "INSERT DATA {{ <http://a> <http://b> \"'\" }} # \"",
    "INSERT DATA {{ <http://a> <http://b> ( ''' ' ) }} ; LOAD <{url}> # \\q ''' ) }}\n",
    "PREFIX SERVICEt: <http://e/> PREFIX t: <{base}> INSERT {{ ?a ?b ?c }} WHERE {{ ?s <http://b> \"x\"@from "
    "SERVICEt:sparql {{ ?a ?b ?c }} }}",
    "INSERT {{ ?x ?y <<(?s?p'>')>> }} WHERE {{}} ; LOAD <{url}> #'}}",
])
def test_no_outbound_request_from_an_update(servers, trap, update):
    read_only, writable = servers
    trap.requests.clear()
    text = update.format(url=trap.url, base=trap.url.removesuffix("sparql"))
    refused = httpx.post(read_only.sparql, content=text, headers={"Content-Type": "application/sparql-update"})
    assert refused.status_code == 403
    checked = httpx.post(writable.sparql, data={"update": text})
    assert checked.status_code == 400, checked.text
    assert trap.requests == []


def test_the_allow_list_lets_an_operator_allow_a_service(strict, trap):
    trap.requests.clear()
    query = f"SELECT * WHERE {{ SERVICE SILENT <{trap.url}> {{ ?s ?p ?o }} }}"
    response = httpx.get(strict.sparql, params={"query": query})
    assert response.status_code == 200, response.text
    other = httpx.get(strict.sparql, params={"query": query.replace(trap.url, trap.url + "-other")})
    assert other.status_code == 400
    assert len(trap.requests) == 1


def test_an_allowed_service_may_be_written_as_a_name_or_relative_iri(strict, trap):
    """The allow-list holds full IRIs: a SERVICE written as a prefixed name or relative IRI is checked as Oxigraph
    resolves it, and runs (the trap's empty answer is a 502) when that is an allowed IRI."""
    base = trap.url.removesuffix("sparql")
    for query in (f"BASE <{base}x/> PREFIX t: <../> SELECT * WHERE {{ SERVICE t:sparql {{ ?s ?p ?o }} }}",
                  f"BASE <{base}a/b/> SELECT * WHERE {{ SERVICE <../../sparql> {{ ?s ?p ?o }} }}"):
        trap.requests.clear()
        response = httpx.get(strict.sparql, params={"query": query})
        assert response.status_code == 502 and "SERVICE request failed" in response.text, response.text
        assert len(trap.requests) == 1


def test_a_query_refused_for_a_missing_graph_calls_no_allowed_service_first(strict, trap):
    """A graph that is not in the store is refused before the query runs: not after Oxigraph has begun it (an ASK
    is evaluated as it is parsed) and called the allowed service."""
    trap.requests.clear()
    for form in ("ASK", "SELECT *"):
        query = f"{form} FROM <http://example.org/missing> WHERE {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"
        response = httpx.get(strict.sparql, params={"query": query})
        assert response.status_code == 400 and "not in this store" in response.text, response.text
    assert trap.requests == []


def test_a_failing_service_is_a_bad_gateway_not_a_bug(strict, trap):
    # the trap answers with no body: Oxigraph cannot read it, which is the remote server's fault, not the endpoint's
    response = httpx.get(strict.sparql, params={"query": f"SELECT * WHERE {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 502, response.text
    assert "SERVICE request failed" in response.text


def test_deep_nesting_is_refused_and_kills_no_worker(servers):
    read_only, _ = servers
    for query in ("ASK " + "{" * 3000 + "}" * 3000, "ASK " + "{" * 300 + "}" * 300 + " # \\u0041"):
        response = httpx.post(read_only.sparql, content=query, headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 400, response.text
        assert "at most 200 levels" in response.text
    assert httpx.get(read_only.sparql, params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


# ---- the time limit


def _runaway_store(path: Path) -> Path:
    triples = "".join(f"<http://example.org/n{i}> <http://example.org/p> \"{i}\" .\n" for i in range(3000))
    return make_store(path, {"http://example.org/g": triples})


def test_a_query_whose_client_leaves_is_stopped_then_not_at_its_time_limit(tmp_path):
    """A client that gives up (a timeout, a closed tab) no longer holds a worker until the time limit: its query is
    stopped and the worker replaced at once, so the next query is served."""
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z "
               "FILTER(STR(?x) != STR(?y) && STR(?y) != STR(?z)) }")
    with live_server(settings_for(_runaway_store(tmp_path / "store"), timeout=30.0, workers=1)) as server:
        before = set(server.engine.worker_pids)
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(server.sparql, params={"query": runaway}, timeout=0.5)
        started = time.monotonic()
        cheap = httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert cheap.status_code == 200 and cheap.json()["boolean"] is True
        assert time.monotonic() - started < 5, "the one worker stayed busy for the client that left"
        assert set(server.engine.worker_pids).isdisjoint(before)  # killed and replaced


def test_a_runaway_query_is_stopped_and_its_worker_killed(tmp_path):
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z "
               "FILTER(STR(?x) != STR(?y) && STR(?y) != STR(?z)) }")
    with live_server(settings_for(_runaway_store(tmp_path / "store"), timeout=2.0, workers=2)) as server:
        before = set(server.engine.worker_pids)
        assert len(before) == 2
        with ThreadPoolExecutor(1) as pool:
            started = time.monotonic()
            slow = pool.submit(httpx.get, server.sparql, params={"query": runaway}, timeout=30)
            time.sleep(0.5)
            cheap_started = time.monotonic()
            cheap = httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
            cheap_seconds = time.monotonic() - cheap_started
            answer = slow.result()
            slow_seconds = time.monotonic() - started
        assert cheap.status_code == 200 and cheap.json()["boolean"] is True
        assert cheap_seconds < 1.0, "a cheap query waited behind the runaway one"
        assert answer.status_code == 504, answer.text
        assert "time limit of 2 s" in answer.text
        assert 2.0 <= slow_seconds < 4.0
        deadline = time.monotonic() + 20
        while (len(server.engine.worker_pids) < 2 or set(server.engine.worker_pids) == before) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        after = set(server.engine.worker_pids)
        killed = before - after
        assert len(killed) == 1 and len(after) == 2
        (pid,) = killed
        assert not Path(f"/proc/{pid}").exists(), "the killed worker's process is still there"
        assert httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True

        # a result already streaming when the time is up is cut off: the client sees it incomplete, not short
        values = " ".join(str(n) for n in range(400))
        endless = f"SELECT * WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}"
        assert read_cut_off(server.sparql, {"query": endless}, "text/csv") > 0


def _stop_reading(origin: str, query: str) -> socket.socket:
    """A raw connection that asks for ``query`` as CSV, reads the first 200 bytes and then reads no more."""
    sock = slow_reader(origin, f"/sparql?query={quote(query)}", "Accept: text/csv\r\n")
    received = b""
    while len(received) < 200:
        received += sock.recv(200 - len(received))
    assert received.startswith(b"HTTP/1.1 200"), received
    return sock


def test_a_client_that_stops_reading_holds_no_worker_past_the_time_limit(tmp_path):
    """The time limit covers the whole stream, waiting for a client to read included: a client that stops reading
    had its worker blocked writing, with no deadline at all, and two of them left a server of two workers answering
    every query 503 for ever. At the limit the worker is killed and replaced, and the response cut off."""
    values = " ".join(str(n) for n in range(1000))
    big = f"SELECT * WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"  # 8 MB of CSV
    store = make_store(tmp_path / "store", w3c_graphs())
    with live_server(settings_for(store, timeout=2.0, workers=2)) as server:
        before = set(server.engine.worker_pids)
        started = time.monotonic()
        stalled = [_stop_reading(server.origin, big) for _ in range(2)]
        try:
            time.sleep(max(0.0, started + 3.0 - time.monotonic()))  # the limit, and a margin
            answer = httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=30)
            assert answer.status_code == 200, answer.text
            assert answer.json()["boolean"] is True
            assert not before & set(server.engine.worker_pids), "both held workers were killed and replaced"
            for pid in before:
                assert not Path(f"/proc/{pid}").exists(), "a killed worker's process is still there"
            for sock in stalled:  # what was sent ends without the last chunk: the client sees it incomplete
                rest = b""
                while chunk := sock.recv(1 << 20):
                    rest += chunk
                assert not rest.endswith(b"0\r\n\r\n")
        finally:
            for sock in stalled:
                sock.close()


# ---- updates on a read-only server


def count(server) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    return int(httpx.get(server.sparql, params={"query": query}).json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("how", ["direct", "form"])
def test_updates_are_refused_on_a_read_only_server(servers, how):
    read_only, _ = servers
    before = count(read_only)
    update = "DROP ALL"
    if how == "direct":
        response = httpx.post(read_only.sparql, content=update, headers={"Content-Type": "application/sparql-update"})
    else:
        response = httpx.post(read_only.sparql, data={"update": update})
    assert response.status_code == 403
    assert "read-only" in response.text
    assert count(read_only) == before == 3


def test_the_graph_store_protocol_is_absent_on_a_read_only_server(servers):
    read_only, _ = servers
    response = httpx.put(read_only.origin + "/rdf-graphs/service", params={"graph": W3C_GRAPH.format(1)},
                         content=b"", headers={"Content-Type": "application/n-triples"})
    assert response.status_code == 404 and "--allow-update" in response.text
    assert count(read_only) == 3


# ---- body size


def test_oversized_bodies_are_refused(strict):
    small = "ASK { ?s ?p ?o }"
    big = "ASK { ?s ?p ?o }" + " " * 1000
    ok = httpx.post(strict.sparql, content=small, headers={"Content-Type": "application/sparql-query"})
    assert ok.status_code == 200
    declared = httpx.post(strict.sparql, content=big, headers={"Content-Type": "application/sparql-query"})
    assert declared.status_code == 413
    assert "1000 bytes" in declared.text

    def chunks():
        yield big[:600].encode()
        yield big[600:].encode()

    streamed = httpx.post(strict.sparql, content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413
    form = httpx.post(strict.sparql, data={"query": big})
    assert form.status_code == 413


def test_results_larger_than_the_limit_are_refused(strict):
    values = " ".join(str(n) for n in range(200))
    response = httpx.get(strict.sparql, params={"query": f"SELECT ?n WHERE {{ VALUES ?n {{ {values} }} }}"})
    assert response.status_code == 400
    assert "limit of 2000 bytes" in response.text
    assert httpx.get(strict.sparql, params={"query": "ASK {}"}).status_code == 200


# ---- the update token


def test_updates_on_a_public_interface_need_a_token():
    with pytest.raises(SettingsError, match="UNKG_UPDATE_TOKEN"):
        Settings(store=Path("s"), host="0.0.0.0", allow_update=True, update_token=None).check()
    Settings(store=Path("s"), host="0.0.0.0", allow_update=True, update_token="secret").check()
    Settings(store=Path("s"), host="::1", allow_update=True, update_token=None).check()


def test_the_token_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("UNKG_UPDATE_TOKEN", "from-env")
    assert Settings(store=Path("s")).update_token == "from-env"
    assert "from-env" not in repr(Settings(store=Path("s")))


def test_updates_need_the_token_when_one_is_set(strict):
    update = "INSERT DATA { GRAPH <http://example.org/new> { <http://example.org/a> <http://example.org/b> 1 } }"
    headers = {"Content-Type": "application/sparql-update"}
    missing = httpx.post(strict.sparql, content=update, headers=headers)
    wrong = httpx.post(strict.sparql, content=update, headers={**headers, "Authorization": "Bearer nope"})
    assert missing.status_code == wrong.status_code == 401
    assert count(strict) == 3
    right = httpx.post(strict.sparql, content=update, headers={**headers, "Authorization": "Bearer s3cret"})
    assert right.status_code == 204
    assert count(strict) == 4


def test_the_server_process_holds_the_store_so_a_loader_gets_locked(servers):
    from loader.errors import StoreError
    from loader.store import open_store

    read_only, _ = servers
    with pytest.raises(StoreError, match="locked"):
        open_store(read_only.settings.store)
    assert os.path.isdir(read_only.settings.store)


# ---- updates without a token: from this machine only, never from a web page of another site


INSERT = "INSERT DATA { GRAPH <http://example.org/csrf> { <http://example.org/a> <http://example.org/b> 1 } }"


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ({"Origin": "https://evil.example"}, "https://evil.example"),  # any site's form POST: no CORS preflight
        ({"Origin": "null"}, "null"),  # a sandboxed page or a data: URL
        ({"Host": "evil.example:8000"}, "evil.example:8000"),  # DNS rebinding: the page's own origin is "loopback"
        ({"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site"),
        # a page of another origin on this machine (a dev server, a notebook, any local app) is another site too
        ({"Origin": "http://127.0.0.1:9999"}, "http://127.0.0.1:9999, not of this server (http://127.0.0.1:"),
        ({"Origin": "http://localhost:3000", "Host": "localhost:{port}"}, "http://localhost:3000"),
        ({"Origin": "http://localhost:{port}"}, "not of this server (http://127.0.0.1:{port})"),  # another host name
        ({"Origin": "https://127.0.0.1:{port}"}, "https://127.0.0.1:{port}"),  # another scheme
        ({"Sec-Fetch-Site": "same-site"}, "Sec-Fetch-Site: same-site"),  # what a browser says for another port
        ({"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"),  # a reverse proxy on this machine, for a remote client
    ],
)
def test_a_token_less_endpoint_refuses_updates_a_browser_or_proxy_sends_for_another_site(servers, headers, named):
    """An Origin of another port on this machine was taken (only loopback was asked of it): a page of any local
    app could make the browser send updates. Only this server's own origin is taken."""
    _, writable = servers
    port = writable.origin.rsplit(":", 1)[1]
    headers = {name: value.format(port=port) for name, value in headers.items()}
    named = named.format(port=port)
    before = count(writable)
    form = httpx.post(writable.sparql, data={"update": INSERT}, headers=headers)
    direct = httpx.post(writable.sparql, content=INSERT,
                        headers={"Content-Type": "application/sparql-update", **headers})
    graph_store = httpx.delete(writable.origin + "/rdf-graphs/service", params={"graph": W3C_GRAPH.format(1)},
                               headers=headers)
    for response in (form, direct, graph_store):
        assert response.status_code == 403, response.text
        assert named in response.text and "UNKG_UPDATE_TOKEN" in response.text
    assert count(writable) == before


def test_a_token_less_endpoint_takes_updates_from_pages_and_programs_on_this_machine(servers):
    _, writable = servers
    before = count(writable)
    port = writable.origin.rsplit(":", 1)[1]
    same_machine = [{}, {"Origin": writable.origin, "Sec-Fetch-Site": "same-origin"},
                    {"Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"}, {"Host": f"[::1]:{port}"},
                    {"Origin": f"http://[::1]:{port}", "Host": f"[::1]:{port}", "Sec-Fetch-Site": "same-origin"},
                    {"Sec-Fetch-Site": "none"}]
    for n, headers in enumerate(same_machine):
        update = INSERT.replace("> 1 }", f"> {n + 1} }}")
        response = httpx.post(writable.sparql, data={"update": update}, headers=headers)
        assert response.status_code == 204, (headers, response.text)
    assert count(writable) == before + len(same_machine)
    httpx.post(writable.sparql, data={"update": "DROP GRAPH <http://example.org/csrf>"}).raise_for_status()


def test_with_a_token_another_site_may_update(strict):
    """The token is what a page of another site cannot forge, so it may send updates with it (CORS allows it)."""
    headers = {"Origin": "https://app.example", "Sec-Fetch-Site": "cross-site", "Authorization": "Bearer s3cret"}
    before = count(strict)
    update = INSERT.replace("csrf", "with-token")
    assert httpx.post(strict.sparql, data={"update": update}, headers=headers).status_code == 204
    assert count(strict) == before + 1
    headers["Authorization"] = "Bearer nope"
    assert httpx.post(strict.sparql, data={"update": update}, headers=headers).status_code == 401


def test_using_graph_uri_cannot_widen_a_delete_where_it_cannot_reach(servers):
    """DELETE WHERE has no USING clause, so a using-graph-uri naming where to match was ignored and the update
    deleted from the whole store: it is refused, and nothing is deleted."""
    _, writable = servers
    kept = "GRAPH <http://example.org/kept> { <http://example.org/s> <http://example.org/p> 1 }"
    httpx.post(writable.sparql, data={"update": f"INSERT DATA {{ {kept} }}"}).raise_for_status()
    refused = httpx.post(writable.sparql, data={
        "update": "DELETE WHERE { GRAPH ?g { <http://example.org/s> ?p ?o } }",
        "using-graph-uri": "http://example.org/elsewhere"})
    assert refused.status_code == 400 and "DELETE WHERE cannot take using-graph-uri" in refused.text
    still = httpx.post(writable.sparql, data={"query": f"ASK {{ {kept} }}"},
                       headers={"accept": "application/sparql-results+json"})
    assert still.json()["boolean"] is True
    httpx.post(writable.sparql, data={"update": "DROP GRAPH <http://example.org/kept>"}).raise_for_status()


def test_a_page_takes_at_most_one_time_limit_however_busy_the_workers(tmp_path):
    """A page makes several look-ups; each waited for a worker with a time limit of its own, so behind clients
    that keep the workers busy with runaway queries a page took several times the limit (19.6 s at 5 s)."""
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z "
               "FILTER(STR(?x) != STR(?y) && STR(?y) != STR(?z)) }")
    store = _runaway_store(tmp_path / "store")
    page = "https://w3id.org/unkg/body/x"
    make_store(store, {"https://w3id.org/unkg/graph/x": f'<{page}> <http://www.w3.org/2000/01/rdf-schema#label> '
                                                        f'"x"@en ; a <https://w3id.org/unkg/ontology#Body> .\n'},
               turtle=True)
    stop = threading.Event()
    with live_server(settings_for(store, timeout=2.0, workers=1)) as server:
        def keep_busy() -> None:
            while not stop.is_set():
                httpx.get(server.sparql, params={"query": runaway}, timeout=30)

        with ThreadPoolExecutor(2) as pool:
            busy = [pool.submit(keep_busy) for _ in range(2)]
            time.sleep(0.5)
            timings = []
            for _ in range(2):
                started = time.monotonic()
                answer = httpx.get(server.origin + "/body/x", headers={"Accept": "text/html"}, timeout=60)
                timings.append((time.monotonic() - started, answer.status_code))
            stop.set()
            for future in busy:
                future.result()
    assert all(seconds < 3.5 for seconds, _ in timings), timings
    assert all(status in (200, 503, 504) for _, status in timings), timings
