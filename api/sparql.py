"""The SPARQL 1.1 Protocol at ``/sparql``: queries by GET and POST, updates by POST, the service description.

Each route reads the request (at most ``max_body_bytes``), picks the formats (:mod:`api.negotiate`) and hands the
text to the engine (:mod:`api.engine`); results stream back as Oxigraph serialized them. A browser (``Accept:
text/html`` first) is sent to the query page with its query kept.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.datastructures import QueryParams

from api import errors, negotiate, service_description
from api.engine import StreamAborted
from api.errors import (
    BadRequest,
    Forbidden,
    HttpError,
    NotAcceptable,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from api.request_body import content_type, require_identity_encoding, require_utf8, utf8_text
from api.request_parameters import at_most_one, one, parameters_of, query_parameters
from api.settings import is_loopback
from loader import server_paths

router = APIRouter(tags=["SPARQL"])
T = TypeVar("T")
log = logging.getLogger("unkg.sparql")


class ResultStream(StreamingResponse):
    """A streamed result that, failing after its first chunk (time limit, result limit), ends the connection
    without the final chunk, so the client sees an incomplete response rather than a short one taken as whole.

    The query's time limit (the :class:`~api.engine.Result`'s ``deadline``) covers the whole response, the time
    spent waiting for the client to read included: at the limit the response is cut off the same way, and the
    result closed, so a worker still sending it is killed and replaced (a client that stopped reading held it,
    blocked writing, for ever).

    A body that has a ``progress`` (seconds) instead of a whole-response limit (a dump, :mod:`api.exports`) moves
    its ``deadline`` that far on each time the client has taken a chunk: one that stops reading is cut off the
    same way, one that reads slowly but steadily gets everything."""

    async def stream_response(self, send) -> None:
        chunks = aiter(self.body_iterator)
        progress = getattr(self.body_iterator, "progress", None)
        sending = False  # at the limit: waiting for the client to take a chunk (True), or for the next chunk
        try:
            async with asyncio.timeout_at(getattr(self.body_iterator, "deadline", None)) as limit:
                await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
                async for chunk in chunks:
                    sending = True
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    sending = False
                    if progress is not None:
                        limit.reschedule(asyncio.get_running_loop().time() + progress)
        except StreamAborted as error:
            log.warning("result cut off after it started: %s", error)
            return
        except TimeoutError:
            if progress is not None:
                log.warning("response cut off: the client took nothing for %g s", progress)
            elif sending:
                log.warning("result cut off at the query's time limit: the client had not read it all")
            else:
                log.warning("result cut off at the query's time limit: the query had not finished writing it")
            return
        finally:
            if hasattr(chunks, "aclose"):
                await chunks.aclose()
        await send({"type": "http.response.body", "body": b"", "more_body": False})


FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
VARY = {"Vary": "Accept"}
RESULT_TYPES = {
    "application/sparql-results+json": {},
    "application/sparql-results+xml": {},
    "text/csv": {},
    "text/tab-separated-values": {},
    "text/turtle": {},
    "application/n-triples": {},
    "application/n-quads": {},
    "application/trig": {},
    "application/ld+json": {},
    "application/rdf+xml": {},
}
ANSWERS = {
    200: {"description": "Query results, or the service description when no query is given",
          "content": RESULT_TYPES},
    303: {"description": "A browser is sent to the query page, with its query"},
    400: {"description": "Syntax error (with its position), a bad parameter, or SERVICE/LOAD/FROM refused"},
    406: {"description": "No acceptable format for this kind of result"},
    413: {"description": "The request body is larger than the limit"},
    415: {"description": "A POST body that is not a query, an update or a form"},
    503: {"description": "All workers busy"},
    504: {"description": "The query ran out of time and was stopped"},
}
FORMAT_HELP = "json, xml, csv, tsv, turtle, ntriples, nquads, trig, jsonld, rdfxml or a media type; overrides Accept"
GRAPH_URIS = "Graph IRIs for the query's dataset (replace FROM / FROM NAMED); each must be in the store"


# The parameters are read from the request itself (repeated ones too), not by FastAPI: this is the hot path,
# and the protocol's rules (exactly one query, graph IRIs repeated) are checked here. They are documented here.
GET_PARAMETERS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "The SPARQL query; without it, the service description"},
    {"name": "default-graph-uri", "in": "query", "required": False, "description": GRAPH_URIS,
     "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "named-graph-uri", "in": "query", "required": False, "description": GRAPH_URIS,
     "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "format", "in": "query", "required": False, "schema": {"type": "string"}, "description": FORMAT_HELP},
]


# a byte-order mark some editors write first: no part of the text, whether it comes in a body, a form or a URL
BYTE_ORDER_MARK = "\ufeff"


@router.get(server_paths.SPARQL, summary="Query by GET, or read the service description", responses=ANSWERS,
            openapi_extra={"parameters": GET_PARAMETERS})
async def sparql_get(request: Request):
    params = query_parameters(request)
    if "update" in params:
        raise BadRequest("a SPARQL update must be sent by POST (application/sparql-update or a form)")
    queries = params.getlist("query")
    accept = request.headers.get("accept")
    if request.app.state.ui_available and "format" not in params and negotiate.prefers_html(accept):
        target = "/?" + urlencode(list(params.multi_items())) if queries else "/"
        return RedirectResponse(target, status_code=303, headers=VARY)
    if not queries:
        return _service_description(request, params)
    check_dataset_parameters(params, update=False)
    return await _answer(request, one(queries, "query"), params.getlist("default-graph-uri"),
                         params.getlist("named-graph-uri"), at_most_one(params, "format"))


@router.post(
    server_paths.SPARQL,
    summary="Query or update by POST: a form, application/sparql-query or application/sparql-update",
    responses={**ANSWERS, 204: {"description": "The update was applied"},
               401: {"description": "The update needs the bearer token"},
               403: {"description": "Updates are not allowed on this endpoint"}},
    openapi_extra={"requestBody": {"content": {
        QUERY_TYPE: {"schema": {"type": "string"}},
        UPDATE_TYPE: {"schema": {"type": "string"}},
        FORM: {"schema": {"type": "object", "properties": {
            "query": {"type": "string"}, "update": {"type": "string"},
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
            "using-graph-uri": {"type": "array", "items": {"type": "string"}},
            "using-named-graph-uri": {"type": "array", "items": {"type": "string"}},
            "format": {"type": "string"}}}},
    }}},
)
async def sparql_post(request: Request):
    media_type, charset = content_type(request.headers.get("content-type"))
    require_identity_encoding(request.headers)
    body = await read_body(request)
    params = parameters_of(request.scope["query_string"], "query string")
    if media_type == FORM:
        require_utf8(charset, "a form")  # a form's percent-escapes are decoded as UTF-8
        utf8_text(body, "the form")
        params += parameters_of(body, "form")
        queries = [v for k, v in params if k == "query"]
        updates = [v for k, v in params if k == "update"]
        if queries and updates:
            raise BadRequest("a request carries either a query or an update, not both")
        if not queries and not updates:
            raise BadRequest("the form has neither a 'query' nor an 'update' field")
        text = one(queries or updates, "query" if queries else "update")
        is_update = bool(updates)
    elif media_type in (QUERY_TYPE, UPDATE_TYPE):
        require_utf8(charset, "a SPARQL body")
        text = utf8_text(body, "the body")
        is_update = media_type == UPDATE_TYPE
        if any(k in ("query", "update") for k, _ in params):
            raise BadRequest(f"a {media_type} body cannot also have a query or update in the URL")
    else:
        raise UnsupportedMediaType(
            f"cannot read a POST body of type {media_type or '(none)'}: send a query as {QUERY_TYPE}, an update "
            f"as {UPDATE_TYPE}, or either as a form ({FORM})"
        )
    values = {name: [v for k, v in params if k == name] for name in
              ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri", "format")}
    check_dataset_parameters([k for k, _ in params], update=is_update)
    if is_update:
        return await _update(request, text, values["using-graph-uri"], values["using-named-graph-uri"])
    formats = values["format"]
    return await _answer(request, text, values["default-graph-uri"], values["named-graph-uri"],
                         one(formats, "format") if formats else None)


QUERY_DATASET = ("default-graph-uri", "named-graph-uri")
UPDATE_DATASET = ("using-graph-uri", "using-named-graph-uri")


def check_dataset_parameters(names, *, update: bool) -> None:
    """400 for a dataset parameter of the other kind of request (``names``: those the request gives, repeats and
    all), which would otherwise be ignored: a query's dataset is default-graph-uri / named-graph-uri, an
    update's using-graph-uri / using-named-graph-uri (SPARQL 1.1 Protocol §2.1.4, §2.2.3).

    >>> check_dataset_parameters(["query", "default-graph-uri"], update=False)
    >>> check_dataset_parameters(["update", "default-graph-uri"], update=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    api.errors.BadRequest: default-graph-uri and named-graph-uri are for queries; an update takes using-graph-uri ...
    """
    wrong, right = (QUERY_DATASET, UPDATE_DATASET) if update else (UPDATE_DATASET, QUERY_DATASET)
    if any(name in wrong for name in names):
        raise BadRequest(f"{wrong[0]} and {wrong[1]} are for {'queries' if update else 'updates'}; "
                         f"{'an update' if update else 'a query'} takes {right[0]} and {right[1]}")


async def read_body(request: Request) -> bytes:
    """The request body, or 413 as soon as it is known to be larger than the limit."""
    limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body ({declared} bytes) is larger than the limit of {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the request body is larger than the limit of {limit} bytes")
    return bytes(body)


async def _answer(request: Request, query: str, default_graphs: list[str], named_graphs: list[str],
                  format_parameter: str | None) -> Response:
    query = query.removeprefix(BYTE_ORDER_MARK)
    accept = request.headers.get("accept")
    negotiate.check_format_parameter(format_parameter)
    results = negotiate.results_format(accept, format_parameter)
    graphs = negotiate.graph_format(accept, format_parameter)
    if results is None and graphs is None:
        raise NotAcceptable(_unacceptable(accept, format_parameter))
    result = await unless_the_client_leaves(request.receive, request.app.state.engine.execute(
        query,
        results_format=results.media_type if results else None,
        graph_format=graphs.media_type if graphs else None,
        default_graph=default_graphs or None,
        named_graphs=named_graphs or None,
        format_parameter=format_parameter,
    ))
    if result.complete:
        return Response(result.first, media_type=result.media_type, headers=VARY)
    return ResultStream(result, media_type=result.media_type, headers=VARY)


class ClientLeft(Exception):
    """The client closed the connection before its answer was ready: there is no one to answer."""


QUICK_SECONDS = 0.05  # a query answered within this needs no watch on its client


async def unless_the_client_leaves(receive, work: Awaitable[T]) -> T:
    """``work``'s result, unless the client disconnects first: then ``work`` is cancelled (a query's worker is
    killed, as at its time limit, instead of computing for no one until then) and :class:`ClientLeft` raised. The
    request's body must have been read: what ``receive`` gives next is the disconnect.

    ``work`` runs in the caller's own task; a timer starts the watch on the client only once ``work`` has taken
    :data:`QUICK_SECONDS`, and a disconnect cancels the task while it still waits for ``work``. Most queries are
    answered before that, at the cost of a timer alone (no task and no ``asyncio.wait`` per request, which took
    about a tenth of the server's time for a quick query)."""
    loop = asyncio.get_running_loop()
    waiting = asyncio.current_task()
    watch: asyncio.Task | None = None
    left = False

    def client_gone(watching: asyncio.Task) -> None:
        nonlocal left
        if waiting_for_work and not watching.cancelled() and watching.exception() is None:
            left = True
            waiting.cancel()

    def start_watching() -> None:
        nonlocal watch
        watch = loop.create_task(_disconnect(receive))
        watch.add_done_callback(client_gone)

    waiting_for_work = True
    timer = loop.call_later(QUICK_SECONDS, start_watching)
    try:
        return await work
    except asyncio.CancelledError:
        if not left or waiting.uncancel() > 0:  # another's cancellation, alone or beside this function's own
            raise
        raise ClientLeft from None
    finally:
        waiting_for_work = False
        timer.cancel()
        if watch is not None:
            watch.cancel()


async def _disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _update(request: Request, text: str, using: list[str], using_named: list[str]) -> Response:
    require_update_rights(request)
    text = text.removeprefix(BYTE_ORDER_MARK)
    await request.app.state.engine.update(text, using=using, using_named=using_named)
    return Response(status_code=204)


def require_update_rights(request: Request) -> None:
    """403 on a read-only endpoint; 401 without the operator's bearer token when one is set."""
    settings = request.app.state.settings
    if not settings.allow_update:
        raise Forbidden("this endpoint is read-only: updates are refused (the operator can start it with "
                        "--allow-update)")
    if settings.update_token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {settings.update_token}".encode()):
            raise Unauthorized("updates need the operator's token: Authorization: Bearer <UNKG_UPDATE_TOKEN>")
        return
    refused = not_from_this_machine(request.client.host if request.client else None, request.headers,
                                    request.url.scheme)
    if refused:
        raise Forbidden(f"without a token, this endpoint takes updates only from programs on this machine and its "
                        f"own pages, not from web pages of another origin (another site, or another port of this "
                        f"machine): {refused} (the operator can set UNKG_UPDATE_TOKEN and send it as "
                        "Authorization: Bearer)")


FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def not_from_this_machine(client: str | None, headers, scheme: str = "http") -> str | None:
    """Why a request cannot be trusted as coming from this machine, or None. A token-less endpoint that takes
    updates rests on loopback alone, which a browser breaks: any web page can make it POST a form to 127.0.0.1
    (no CORS preflight), or reach it under its own name by DNS rebinding. So the client and the ``Host`` it asked
    for must be loopback, and a request a browser sends for a page (its ``Origin``: browsers send one with every
    cross-origin POST, PUT and DELETE) must come from a page of this server itself, ``scheme://Host``. A page of
    another origin on this machine, another port above all (a dev server, a notebook, any local app showing
    content from elsewhere), is another site to a browser, and is refused like one: it sends updates with the
    operator's token (CORS allows that).

    >>> not_from_this_machine("127.0.0.1", {"host": "localhost:8000", "origin": "http://localhost:8000"})
    >>> not_from_this_machine("127.0.0.1", {"host": "127.0.0.1:8000", "origin": "https://evil.example"})
    'the request comes from a page of https://evil.example, not of this server (http://127.0.0.1:8000)'
    >>> not_from_this_machine("127.0.0.1", {"host": "127.0.0.1:8888", "origin": "http://127.0.0.1:9999"})
    'the request comes from a page of http://127.0.0.1:9999, not of this server (http://127.0.0.1:8888)'
    >>> not_from_this_machine("127.0.0.1", {"host": "u@127.0.0.1:8000", "origin": "null"})  # no origin is no match
    'the request comes from a page of null, not of this server (http://u@127.0.0.1:8000)'
    >>> not_from_this_machine("127.0.0.1", {"host": "evil.example:8000"})
    'it was sent to the host evil.example:8000, not to a loopback name'

    A proxy on this machine relays requests from anywhere: a request that says it was relayed (the forwarding
    headers are believed only from ``--trust-proxy`` addresses, so a relayed request's client is the proxy) is
    not taken as local.

    >>> not_from_this_machine("127.0.0.1", {"host": "127.0.0.1:8000", "x-forwarded-for": "203.0.113.7"})
    "it came through a proxy, for the client '203.0.113.7' (x-forwarded-for)"
    """
    if client is None or not is_loopback(client):
        return f"the client {client or '(unknown)'} is not on this machine"
    if relayed := next((name for name in FORWARDING_HEADERS if name in headers), None):
        return f"it came through a proxy, for the client {negotiate.shown(headers[relayed])} ({relayed})"
    host = headers.get("host", "")
    if not _loopback_authority(host):
        return f"it was sent to the host {host or '(none)'}, not to a loopback name"
    origin = headers.get("origin")
    if origin is not None and (_origin(origin) is None or _origin(origin) != _origin(f"{scheme}://{host}")):
        return f"the request comes from a page of {origin[:200]}, not of this server ({scheme}://{host})"
    site = headers.get("sec-fetch-site", "").lower()
    if site not in ("", "same-origin", "none"):  # none: the user's own action (typed, bookmarked)
        return f"the browser marked it as sent by a page of another origin (Sec-Fetch-Site: {site[:40]})"
    return None


def _origin(url: str) -> tuple[str, str, int] | None:
    """The scheme, host and port an origin (``http://localhost:8000``) names, the default port filled in; None for
    what is no http(s) origin (``null``, a path).

    >>> _origin("HTTP://LocalHost") == _origin("http://localhost:80")
    True
    """
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None
    if port is None or not parts.hostname or parts.path or parts.query or parts.fragment or parts.username:
        return None
    return parts.scheme.lower(), parts.hostname, port


def _loopback_authority(authority: str) -> bool:
    """True for ``host[:port]`` naming this machine (``localhost``, ``127.0.0.1:8000``, ``[::1]:8000``)."""
    try:
        parts = urlsplit("//" + authority)
        name, _ = parts.hostname, parts.port  # the port is read to refuse a malformed one
    except ValueError:
        return False
    return bool(name) and not parts.path and not parts.query and is_loopback(name)


def _service_description(request: Request, params: QueryParams) -> Response:
    format_parameter = at_most_one(params, "format")
    negotiate.check_format_parameter(format_parameter)
    chosen = negotiate.description_format(request.headers.get("accept"), format_parameter)
    if chosen is None:
        raise NotAcceptable(_unacceptable(request.headers.get("accept"), format_parameter, negotiate.DESCRIPTIONS))
    endpoint = str(request.url.replace(query=None, fragment=None))
    body = service_description.render(endpoint, request.app.state.settings, request.app.state.engine.stats,
                                      chosen.media_type)
    return Response(body, media_type=chosen.media_type, headers=VARY)


def _unacceptable(accept: str | None, format_parameter: str | None, formats=None) -> str:
    offered = ", ".join(f.media_type for f in formats or negotiate.RESULTS + negotiate.GRAPHS)
    asked = f"format={negotiate.shown(format_parameter)}" if format_parameter else f"Accept: {negotiate.shown(accept)}"
    return f"nothing this endpoint writes matches {asked}; it offers {offered}"


ALLOWED = "GET, HEAD, POST"


class QueriesFirst:
    """ASGI middleware for the hot path: GET, HEAD and POST ``/sparql`` go straight to :func:`sparql_get` and
    :func:`sparql_post`, past the framework below (see :mod:`api.app`); everything else goes on down. The routes
    above stay registered with the router, which documents them (OpenAPI) and serves them if this is left out.
    An error that is a bug answers 500 here, as the framework's error page would, and is logged with its trace."""

    HANDLERS = {"GET": sparql_get, "HEAD": sparql_get, "POST": sparql_post}  # HEAD: as GET, without the body

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] != server_paths.SPARQL:
            await self.app(scope, receive, send)
            return
        handler = self.HANDLERS.get(scope["method"])
        if handler is None:  # the router would name only the first route's method in Allow
            response = PlainTextResponse("Method Not Allowed\n", status_code=405, headers={"Allow": ALLOWED})
            await response(scope, receive, send)
            return
        try:
            response = await handler(Request(scope, receive))
        except ClientLeft:
            log.info("%s /sparql: the client left before its answer was ready; its query was stopped", scope["method"])
            return
        except HttpError as error:
            response = errors.response(error)
        except Exception:
            log.exception("internal error answering %s /sparql", scope["method"])
            response = PlainTextResponse("Internal Server Error\n", status_code=500)
        await response(scope, receive, send)
