"""The SPARQL 1.1 Graph Store HTTP Protocol (indirect identification), mounted only with ``allow_update``; a
read-only server mounts :data:`absent_router` at its path instead, which tells every method why it is not there.

``/rdf-graphs/service?graph=IRI`` (or ``?default``): GET reads a graph (HEAD: the same, without the body), PUT
replaces it, POST adds to it, DELETE drops it. A read is a CONSTRUCT query run by a query worker like any other:
within the time limit, at most ``max_result_bytes``, streamed; ``?default`` reads the store's own default graph,
never the union of the named graphs. Writes are SPARQL updates run by the engine's writer process, one at a time,
each as one transaction and within the time limit. A body is refused (400, nothing written) for what ``unkg load``
refuses in a file before SHACL: a syntax error, an ill-typed literal, a resource at one of the server's own paths;
then the writer validates it against the shapes as ``unkg load`` of it into the graph would, on the store as it is
at the write, in the same job (:func:`api.worker.serve_updates`). A violation is refused with 400 too, as every other
problem of a body's content is here (no 422: a client tells the cases apart by the text, which lists the findings
as ``unkg validate`` prints them); warnings do not refuse.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from api import negotiate, query_files
from api.errors import HTTP_METHODS, BadRequest, NotAcceptable, NotFound, UnsupportedMediaType
from api.request_body import content_type, require_identity_encoding, require_utf8, utf8_text
from api.request_parameters import at_most_one, query_parameters
from api.sparql import VARY, ResultStream, read_body, require_update_rights
from api.terms import Term
from loader import server_paths
from loader.errors import SourceError
from loader.rdf_files import ill_typed, ill_typed_error, refuse_server_paths, server_path_routes
from loader.store import quads_to_ntriples

router = APIRouter(tags=["Graph Store"])
absent_router = APIRouter()
PATH = server_paths.GRAPH_STORE
NOT_SERVED = (f"the Graph Store HTTP Protocol ({PATH}) is served only when the server runs with --allow-update, "
              "and this one is read-only; read a graph at /sparql: CONSTRUCT WHERE { GRAPH <IRI> { ?s ?p ?o } }")
# read from the request (each at most once: api.request_parameters), not by FastAPI, which took the last of a
# repeated ?graph=; documented here
PARAMETERS = {"parameters": [
    {"name": "graph", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "The graph's IRI (or give ?default)"},
    {"name": "default", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "Present (empty) to mean the default graph"},
]}
READ_PARAMETERS = {"parameters": [*PARAMETERS["parameters"], {
    "name": "format", "in": "query", "required": False, "schema": {"type": "string"},
    "description": "turtle, ntriples, nquads, trig, jsonld, rdfxml or a media type; overrides Accept"}]}


def _target(params: QueryParams) -> ox.NamedNode | ox.DefaultGraph:
    """The graph the request names: ``?graph=IRI`` or ``?default``, exactly one of them, once."""
    graph, default = at_most_one(params, "graph"), at_most_one(params, "default")
    if (graph is None) == (default is None):
        raise BadRequest("give exactly one of ?graph=IRI or ?default")
    if graph is None:
        return ox.DefaultGraph()
    try:
        return ox.NamedNode(graph)
    except ValueError as error:
        raise BadRequest(f"not an IRI: {graph!r} ({error})") from None


def _exists(store: ox.Store, target) -> bool:
    return isinstance(target, ox.DefaultGraph) or store.contains_named_graph(target)


def _name(target) -> str:
    return "DEFAULT" if isinstance(target, ox.DefaultGraph) else f"GRAPH <{target.value}>"


def _iri(target) -> str | None:
    return None if isinstance(target, ox.DefaultGraph) else target.value


@router.get(PATH, summary="Read a graph", openapi_extra=READ_PARAMETERS)
@router.head(PATH, include_in_schema=False)  # as GET, without the body (it fell through to the pages: 404)
async def read_graph(request: Request):
    params = query_parameters(request)
    target = _target(params)
    chosen = negotiate.graph_format(request.headers.get("accept"), at_most_one(params, "format"))
    if chosen is None:
        raise NotAcceptable("no RDF format this endpoint writes is acceptable")
    engine = request.app.state.engine
    if not await engine.read(_exists, target):
        raise NotFound(f"there is no graph <{_iri(target)}> in this store")
    result = await engine.execute(_read_query(target), results_format=None, graph_format=chosen.media_type,
                                  union=False)
    if result.complete:
        return Response(result.first, media_type=result.media_type, headers=VARY)
    return ResultStream(result, media_type=result.media_type, headers=VARY)


def _read_query(target) -> str:
    """The CONSTRUCT query that reads exactly the graph ``target`` (run with the store's own default graph)."""
    if isinstance(target, ox.DefaultGraph):
        return query_files.load("graph_store_default")
    return query_files.fill("graph_store_named", graph=Term("uri", target.value))


@router.put(PATH, summary="Replace a graph with the request body", status_code=204, openapi_extra=PARAMETERS)
async def replace_graph(request: Request):
    return await _write(request, _target(query_parameters(request)), replace=True)


@router.post(PATH, summary="Add the request body to a graph", status_code=204, openapi_extra=PARAMETERS)
async def add_to_graph(request: Request):
    return await _write(request, _target(query_parameters(request)), replace=False)


@router.delete(PATH, summary="Drop a graph", status_code=204, openapi_extra=PARAMETERS)
async def drop_graph(request: Request):
    require_update_rights(request)
    target = _target(query_parameters(request))

    if not await request.app.state.engine.change_graph(f"DROP {_name(target)}", _iri(target), if_exists=True):
        raise NotFound(f"there is no graph <{_iri(target)}> in this store")
    return Response(status_code=204)


def _as_ntriples(body: bytes, rdf_format: ox.RdfFormat, media_type: str, base_iri: str, base: str) -> str:
    """The triples of a request body as N-Triples text for INSERT DATA; 400 if it cannot be read, names a graph,
    or holds what ``unkg load`` refuses in a file (:func:`_refuse_as_load_does`; ``base``: the data's base IRI)."""
    try:
        quads = list(ox.parse(body, format=rdf_format, base_iri=base_iri))
    except SyntaxError as error:
        raise BadRequest(f"the {media_type} body cannot be read: {error.msg}") from None
    named = sorted({str(quad.graph_name) for quad in quads if not isinstance(quad.graph_name, ox.DefaultGraph)})
    if named:
        raise BadRequest(f"the body puts triples in the graph(s) {', '.join(named)}; a Graph Store request writes "
                         "one graph, the one its graph parameter names: send its triples outside any GRAPH block")
    ntriples = quads_to_ntriples([quad.triple for quad in quads])
    _refuse_as_load_does(quads, ntriples, media_type, base)
    return ntriples


def _refuse_as_load_does(quads: list[ox.Quad], ntriples: str, media_type: str, base: str) -> None:
    """400 for a body holding an ill-typed literal (``"x"^^xsd:integer``) or a resource at one of the server's own
    paths (``<base>sparql``), judged and worded by the loader's own checks (:func:`loader.rdf_files.ill_typed`,
    :func:`~loader.rdf_files.refuse_server_paths`), so an upload and ``unkg load`` refuse the same data. Those name
    the triple or IRI from a file: they are given the body's triples as N-Triples (``ntriples``, in the order of
    ``quads``, relative IRIs resolved as they are stored), whose line numbers, not the body's, are left out."""
    bad = ill_typed(quads)
    if not bad and not server_path_routes(quads, base):
        return  # nothing to refuse: no file to word it from
    with tempfile.TemporaryDirectory(prefix="unkg-body-") as folder:
        path = Path(folder, "body.nt")
        path.write_text(ntriples, encoding="utf-8")
        try:
            if bad:
                raise ill_typed_error(path, bad)
            refuse_server_paths(path, quads, base)
        except SourceError as error:
            raise BadRequest(f"the {media_type} body is refused, as unkg load refuses a file: {error.message}; "
                             "nothing was written") from None


UTF8_BOM = "\ufeff".encode()


async def _write(request: Request, target, *, replace: bool) -> Response:
    require_update_rights(request)
    media_type, charset = content_type(request.headers.get("content-type"))
    try:
        rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
    except ValueError:
        rdf_format = None
    if rdf_format is None or not any(media_type == f.media_type for f in negotiate.GRAPHS):
        raise UnsupportedMediaType(f"cannot read RDF of type {media_type or '(none)'}; send one of "
                                   + ", ".join(f.media_type for f in negotiate.GRAPHS))
    require_utf8(charset, f"the {media_type} body")  # every RDF syntax read here is UTF-8: another is not guessed
    require_identity_encoding(request.headers)
    body = (await read_body(request)).removeprefix(UTF8_BOM)  # a byte-order mark some editors write, as /sparql
    utf8_text(body, "the body")
    # a megabyte of RDF takes a second to read and rewrite: on a thread, so the server answers others meanwhile
    data = await run_in_threadpool(_as_ntriples, body, rdf_format, media_type, str(request.url),
                                   request.app.state.settings.base_iri)
    drop = f"DROP SILENT {_name(target)} ;\n" if replace else ""
    inside = f"GRAPH <{target.value}> {{\n{data}\n}}" if isinstance(target, ox.NamedNode) else data
    create = f" ;\nCREATE SILENT GRAPH <{target.value}>" if isinstance(target, ox.NamedNode) and not data else ""
    # validated against the shapes by the writer, on the store as it is when the write runs
    existed = await request.app.state.engine.change_graph(f"{drop}INSERT DATA {{ {inside} }}{create}", _iri(target),
                                                          upload={"data": data, "replace": replace})
    return Response(status_code=204 if existed else 201)  # 201: a graph was created (the default graph always is)


@absent_router.api_route(PATH, methods=[m.upper() for m in HTTP_METHODS], include_in_schema=False)
async def not_served(request: Request):
    """Every method on a read-only server: 404 (as Fuseki answers for a service it does not serve) saying why. Without
    it a GET fell through to the resource pages ("nothing is known about <…/rdf-graphs/service>", as if it were
    data) and a write got their 405."""
    raise NotFound(NOT_SERVED)
