# --- pages, query UI and exports (api/pages.py, api/ui.py, api/exports.py): a real server over real data ---
# Appended by the pages engineer; fixtures above this line belong to the endpoint engineer.

import contextlib as _pages_contextlib  # noqa: E402
import gc as _pages_gc  # noqa: E402
import socket as _pages_socket  # noqa: E402
import threading as _pages_threading  # noqa: E402
import time as _pages_time  # noqa: E402

import pytest as _pages_pytest  # noqa: E402


def pages_load_real_data(store) -> None:
    """The bundled sources and the ontology, loaded as ``unkg load`` does (validation has its own tests: if the
    shapes and the data disagree while both are being written, the same graphs are loaded unvalidated)."""
    import pyoxigraph as ox

    from loader import iris
    from loader.build import build_graph
    from loader.errors import ValidationFailed
    from loader.manifest import read_manifest
    from loader.namespaces import data_base
    from loader.pipeline import ONTOLOGY_GRAPH, load_all
    from loader.validate import ontology_graph

    base = data_base()
    try:
        load_all(store, base, force=True)
        return
    except ValidationFailed:
        pass
    graphs = [(iris.graph(base, ONTOLOGY_GRAPH), ontology_graph())]
    graphs += [(iris.graph(base, entry.id), build_graph(entry, base)) for entry in read_manifest()]
    for graph_iri, graph in graphs:
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(graph_iri))


def _pages_free_port() -> int:
    with _pages_socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@_pages_contextlib.contextmanager
def pages_serve(store_dir):
    """A real unkg server (create_app under uvicorn, in a thread) on a loopback port; stopped on exit."""
    import httpx
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    port = _pages_free_port()
    app = create_app(Settings(store=store_dir, host="127.0.0.1", port=port, workers=2, timeout=20.0))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = _pages_threading.Thread(target=server.run, name="unkg-test-server", daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{port}"
    deadline = _pages_time.monotonic() + 60
    try:
        while True:
            if not thread.is_alive():
                raise RuntimeError("the test server stopped while starting")
            with _pages_contextlib.suppress(httpx.HTTPError):
                if httpx.get(origin + "/health", timeout=2).status_code == 200:
                    break
            if _pages_time.monotonic() > deadline:
                raise RuntimeError("the test server did not answer /health within 60 s")
            _pages_time.sleep(0.1)
        yield origin
    finally:
        server.should_exit = True
        thread.join(30)


def _pages_store_dir(tmp_path_factory, name, fill):
    from loader.store import open_store

    path = tmp_path_factory.mktemp(name) / "store"
    store = open_store(path)
    fill(store)
    store.flush()
    del store
    _pages_gc.collect()
    return path


@_pages_pytest.fixture(scope="session")
def real_store():
    """The bundled data in an in-memory store (for the describe layer, without a server)."""
    import pyoxigraph as ox

    store = ox.Store()
    pages_load_real_data(store)
    return store


@_pages_pytest.fixture(scope="session")
def real_server(tmp_path_factory):
    """The origin (``http://127.0.0.1:PORT``) of a real server over the bundled data."""
    path = _pages_store_dir(tmp_path_factory, "real-store", pages_load_real_data)
    with pages_serve(path) as origin:
        yield origin


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
"""


def _pages_fill_tiny(store) -> None:
    import pyoxigraph as ox

    store.load(PAGES_TINY_DATA.encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/unkg/graph/tiny"))


@_pages_pytest.fixture(scope="session")
def tiny_server(tmp_path_factory):
    """A real server over a few hand-made triples with hostile and one-language labels."""
    path = _pages_store_dir(tmp_path_factory, "tiny-store", _pages_fill_tiny)
    with pages_serve(path) as origin:
        yield origin
