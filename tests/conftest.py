"""Shared fixtures: throwaway stores and real servers on a free loopback port.

``make_store(path, graphs)`` fills a store with N-Triples per named graph; ``live_server(settings)`` runs the real
application under uvicorn in a thread of the test process (so a test can look at ``server.engine``) and stops it on
exit. Module-scoped fixtures share one server per test module.
"""

from __future__ import annotations

import contextlib
import gc
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

W3C = Path(__file__).resolve().parent / "w3c" / "protocol"  # as tests/w3c/README.md lists them
W3C_GRAPH = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
# The protocol manifest names data0.rdf as a default graph but ships no data0.nt (see tests/w3c/README.md); the
# operator's allow-list lets it through as an empty graph, as a real operator would for a known graph IRI.
W3C_ALLOWED = frozenset({W3C_GRAPH.format(0)})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_store(path: Path, graphs: dict[str, str | bytes], *, turtle: bool = False) -> Path:
    """A new store at ``path`` holding each named graph IRI's N-Triples (or Turtle); closed again, ready to
    serve."""
    import pyoxigraph as ox

    store = ox.Store(str(path))
    rdf_format = ox.RdfFormat.TURTLE if turtle else ox.RdfFormat.N_TRIPLES
    for graph, text in graphs.items():
        data = text.encode() if isinstance(text, str) else text
        store.load(data, format=rdf_format, to_graph=ox.NamedNode(graph))
    store.flush()
    del store
    gc.collect()
    return path


def w3c_graphs() -> dict[str, bytes]:
    """The W3C protocol tests' data: ``protocol__dataN.nt`` as the graph ``<.../dataN.rdf>``."""
    return {W3C_GRAPH.format(n): (W3C / f"protocol__data{n}.nt").read_bytes() for n in (1, 2, 3)}


@dataclass
class LiveServer:
    origin: str  # http://127.0.0.1:PORT
    app: object  # the FastAPI application
    settings: object  # its api.settings.Settings

    @property
    def sparql(self) -> str:
        return self.origin + "/sparql"

    @property
    def engine(self):
        return self.app.state.engine


@contextlib.contextmanager
def live_server(settings, root_path: str = "") -> Iterator[LiveServer]:
    """The real application for ``settings`` (host and port replaced by a free loopback port), stopped on exit;
    ``root_path``: served as behind a proxy that strips that prefix (uvicorn's ``--root-path``)."""
    import uvicorn

    from api.app import create_app
    from api.server import uvicorn_config

    port = free_port()
    settings = replace(settings, host="127.0.0.1", port=port)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, log_level="warning", lifespan="on",
                                           root_path=root_path))
    thread = threading.Thread(target=server.run, name=f"unkg-test-server-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the test server stopped while starting")
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start within 60 s")
            time.sleep(0.02)
        yield LiveServer(f"http://127.0.0.1:{port}", app, settings)
    finally:
        server.should_exit = True
        thread.join(30)


def slow_reader(origin: str, target: str, headers: str = "") -> socket.socket:
    """A raw connection with a small receive window (set before connecting) that has sent ``GET target`` with
    ``headers`` (CRLF-ended lines) and read nothing yet: a client that reads as little as the test says."""
    host, port = urlsplit(origin).hostname, urlsplit(origin).port
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(30)
    sock.connect((host, port))
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n".encode())
    return sock


def read_cut_off(url: str, params: dict, accept: str) -> int:
    """GET a streamed result that the server must cut off once it has started (no final chunk): the client sees
    an incomplete response, not a short one it could take as whole. Returns how many bytes arrived first."""
    import httpx
    import pytest

    received = 0
    with (pytest.raises(httpx.RemoteProtocolError),
          httpx.stream("GET", url, params=params, headers={"Accept": accept}, timeout=30) as response):
        assert response.status_code == 200
        for chunk in response.iter_bytes():
            received += len(chunk)
    return received


def settings_for(store: Path, **options):
    from api.settings import Settings

    return Settings(store=store, **{"timeout": 10.0, "workers": 2, **options})


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A server with updates allowed over a throwaway store holding the W3C protocol data."""
    store = make_store(tmp_path_factory.mktemp("w3c") / "store", w3c_graphs())
    with live_server(settings_for(store, allow_update=True, allowed_iris=W3C_ALLOWED)) as server:
        yield server


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A read-only server (the default settings) over the W3C protocol data."""
    store = make_store(tmp_path_factory.mktemp("read-only") / "store", w3c_graphs())
    with live_server(settings_for(store)) as server:
        yield server


# --- pages, query UI and exports (api/pages.py, api/ui.py, api/exports.py): a real server over real data ---
# Appended by the pages engineer; fixtures above this line belong to the endpoint engineer.


def pages_load_real_data(store) -> None:
    """The bundled sources and the ontology, loaded (and validated) exactly as ``unkg load`` does."""
    from loader.namespaces import data_base
    from loader.pipeline import load_all

    load_all(store, data_base(), force=True)


def _pages_store_dir(tmp_path_factory, name: str, fill) -> Path:
    from loader.store import open_store

    path = tmp_path_factory.mktemp(name) / "store"
    store = open_store(path)
    fill(store)
    store.flush()
    del store
    gc.collect()
    return path


@pytest.fixture(scope="session")
def real_store():
    """The bundled data in an in-memory store (for the describe layer, without a server)."""
    import pyoxigraph as ox

    store = ox.Store()
    pages_load_real_data(store)
    return store


@pytest.fixture(scope="session")
def real_server(tmp_path_factory, real_store) -> Iterator[str]:
    """The origin (``http://127.0.0.1:PORT``) of a real server over the bundled data (a copy of ``real_store``)."""
    import pyoxigraph as ox

    def copy(store) -> None:
        store.load(real_store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)

    path = _pages_store_dir(tmp_path_factory, "real-store", copy)
    with live_server(settings_for(path, timeout=20.0)) as server:
        yield server.origin


PAGES_TINY_DATA = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix unkg: <https://w3id.org/unkg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://w3id.org/unkg/body/x-evil> a unkg:Body ;
    skos:prefLabel "<script>alert(1)</script>"@en ;
    rdfs:comment "a & b < c \\"quoted\\" 'single'"@en ;
    unkg:website <https://example.org/?a=1&b=%3C2%3E> .
<https://w3id.org/unkg/body/x-only-chinese> a unkg:Body ;
    skos:prefLabel "只有中文的名称"@zh ;
    org:unitOf <https://w3id.org/unkg/body/x-evil> .
<https://w3id.org/unkg/body/x-two-languages> a unkg:Body ;
    skos:prefLabel "English name"@en, "中文名称"@zh .
<https://w3id.org/unkg/doc/%E4%B8%AD%E6%96%87-slug> rdfs:label "minted with a percent-encoded segment"@en .
<https://w3id.org/unkg/file/a,b:c> rdfs:label "loaded as written, with a comma and a colon"@en .
"""


def _pages_fill_tiny(store) -> None:
    import pyoxigraph as ox

    store.load(PAGES_TINY_DATA.encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/unkg/graph/tiny"))


@pytest.fixture(scope="session")
def tiny_server(tmp_path_factory) -> Iterator[str]:
    """A real server over a few hand-made triples with hostile and one-language labels."""
    path = _pages_store_dir(tmp_path_factory, "tiny-store", _pages_fill_tiny)
    with live_server(settings_for(path)) as server:
        yield server.origin


PAGES_SCRIPT_IRI_DATA = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix unkg: <https://w3id.org/unkg/ontology#> .
<https://w3id.org/unkg/body/x-script-links> a unkg:Body ;
    rdfs:label "links to IRIs that are not web pages"@en ;
    rdfs:seeAlso <javascript:alert(1)>, <JavaScript:alert(2)>, <data:text/html,%3Cscript%3Ealert(3)%3C/script%3E>,
        <https://example.org/fine> .
"""


@pytest.fixture(scope="session")
def script_iri_server(tmp_path_factory) -> Iterator[str]:
    """A real server over a resource whose objects are javascript: and data: IRIs (which must never be links)."""
    import pyoxigraph as ox

    def fill(store) -> None:
        store.load(PAGES_SCRIPT_IRI_DATA.encode(), format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode("https://w3id.org/unkg/graph/script-iris"))

    path = _pages_store_dir(tmp_path_factory, "script-iri-store", fill)
    with live_server(settings_for(path)) as server:
        yield server.origin


PAGES_BLANK_DATA = """
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/unkg/thing/x-blank> rdfs:label "holds blank nodes"@en ;
    ex:address [ ex:street "1 Main St" ; ex:city [ ex:name "Springfield" ] ] ;
    ex:parts ( "first" <http://example.org/second> [ ex:note "third, nested in a list" ] ) ;
    ex:loop _:a ;
    ex:nothing [] ;
    ex:evil [ ex:says "<script>alert('b')</script>" ; ex:deeper [ rdfs:label "<img src=x onerror=alert(4)>" ] ] .
_:a ex:next _:b ; ex:name "first of a cycle" .
_:b ex:next _:a ; ex:name "second of a cycle" .
<https://w3id.org/unkg/thing/x-deep> ex:down [ ex:at "1" ; ex:down [ ex:at "2" ; ex:down [ ex:at "3" ;
    ex:down [ ex:at "4" ; ex:down [ ex:at "5, deeper than a description reaches" ] ] ] ] ] .
"""
PAGES_BLANK_GRAPH = "https://w3id.org/unkg/graph/blank-nodes"


def pages_fill_blank(store) -> None:
    import pyoxigraph as ox

    store.load(PAGES_BLANK_DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(PAGES_BLANK_GRAPH))


@pytest.fixture(scope="session")
def blank_store():
    """A resource whose values are blank nodes: nested, in a list, in a cycle, with hostile text, and too deep."""
    import pyoxigraph as ox

    store = ox.Store()
    pages_fill_blank(store)
    return store


@pytest.fixture(scope="session")
def blank_server(tmp_path_factory) -> Iterator[str]:
    """A real server over :data:`PAGES_BLANK_DATA`."""
    path = _pages_store_dir(tmp_path_factory, "blank-store", pages_fill_blank)
    with live_server(settings_for(path)) as server:
        yield server.origin


# --- a trap for outbound requests (security tests, CLI tests) ---

class Trap:
    """An HTTP listener on loopback that records every request it gets (``"POST /sparql"``). ``answer(accept)``
    gives the media type and body it sends back; by default empty N-Triples, which a SERVICE call cannot read."""

    def __init__(self, answer=None) -> None:
        self.requests: list[str] = []
        self.answer = answer or (lambda accept: ("application/n-triples", b""))
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                trap.requests.append(f"{self.command} {self.path}")
                media_type, body = trap.answer(self.headers.get("Accept") or "")
                self.send_response(200)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.url = f"http://{self.host}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture(scope="module")
def trap():
    listener = Trap()
    yield listener
    listener.close()
