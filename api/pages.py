"""Resource pages: every IRI under the data base answers at its own path, as HTML for people and as RDF for
machines (``Accept``, or a ``.ttl`` / ``.jsonld`` / ``.nt`` suffix). ``/ontology`` shows the vocabulary.

Include this router LAST: its catch-all route answers every GET path the other routers did not claim.
Each page is one description (:mod:`api.describe`) built through the query engine, then rendered by name in a
thread; a resource's RDF is written by a query worker from ``api/queries/resource_description.rq``, streamed
(:func:`respond`): nothing of a response is built on the event loop.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from urllib.parse import quote, quote_from_bytes, unquote

import anyio.from_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api import blank_nodes, query_files, render, views
from api import describe as describing
from api.errors import BadRequest, HttpError, NotAcceptable, NotFound, QueryTimeout
from api.negotiate import DESCRIPTIONS, description_format, prefers_html, shown
from api.render import FORMATS, Format, Page, accepted_languages, local_path, split_suffix
from api.request_parameters import at_most_one, query_parameters
from api.sparql import ResultStream, unless_the_client_leaves
from api.terms import RunSelect, Term, iri_ref, rows
from loader import server_paths
from loader.iris import SYMBOL
from loader.namespaces import ONTOLOGY_IRI, data_base

router = APIRouter()
ENCODED_SLASH = re.compile("%2F", re.IGNORECASE)
SAFE_PATH = "/.-_()"  # kept unencoded in a path segment, as loader/iris.py mints IRIs; all else is %-encoded
# what a Location may keep of an IRI's path as it is (RFC 3986 pchar, "/", and "?", "#" and the "%" of encodings it
# already has); anything else (non-ASCII above all: a header must be Latin-1) is percent-encoded as UTF-8
IRI_PATH_SAFE = "/:@!$&'()*+,;=-._~%?#"
QUERY_SAFE = "/:@!$&'()*+,;=-._~%?"  # a query string as sent, its own encodings kept; other bytes are %-encoded
MAX_SUGGESTIONS = 20
NEARBY_DEPTH = 16  # the 404 page looks for neighbours under a missing path's first segments (the loader mints 12)
NEARBY_SECONDS = 0.5  # for a 404 page's neighbour look-up; past it the page shows no suggestions
NEARBY_CANDIDATES = 5000  # typed resources under a missing path's first segment that the look-up compares


def base_of(request: Request) -> str:
    """The data base IRI the server was started with (``Settings.base_iri``), else the default."""
    settings = getattr(request.app.state, "settings", None)
    base = getattr(settings, "base_iri", None) or data_base()
    return base if base.endswith("/") else base + "/"


def run_select_for(request: Request, within: float | None = None) -> RunSelect:
    """A blocking ``run_select`` that sends each query to the app's engine (worker processes with a time
    limit); call it from a worker thread (``run_in_threadpool``), never on the event loop. ``within``: seconds
    for all its queries together (default: the operator's time limit, which thus bounds a page as it bounds a
    query; each look-up queued behind busy workers with a limit of its own, a page waited several times it),
    after which each is given only what is left, and none runs once it is spent (:class:`QueryTimeout`)."""
    engine = request.app.state.engine
    within = request.app.state.settings.timeout if within is None else within
    deadline = time.monotonic() + within
    spent = f"the look-ups for this page ran longer than their time limit of {within:g} s and were stopped"

    def run(query: str) -> list[dict]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout(spent)
        try:
            return anyio.from_thread.run(functools.partial(engine.select, query, timeout=left))
        except QueryTimeout:  # the engine names the time it was given, which is only what was left of the limit
            raise QueryTimeout(spent) from None

    return run


def requested_format(request: Request, suffix: Format | None) -> Format:
    """The format a suffix names, else HTML for browsers, else the RDF format ``Accept`` prefers (406 if none)."""
    if suffix is not None:
        return suffix
    return negotiate_format(request.headers.get("accept"))


def acceptable_format(request: Request, suffix: Format | None) -> Format | None:
    """As :func:`requested_format`, but None where that would be 406: a resource that does not exist is 404 first,
    whatever the client accepts."""
    try:
        return requested_format(request, suffix)
    except NotAcceptable:
        return None


def writable(request: Request, chosen: Format, description, *, negotiated: bool) -> Format:
    """``chosen``, unless ``Accept`` chose it (``negotiated``) and it cannot write this description (JSON-LD, which
    has no syntax for a triple term): then the next format ``Accept`` takes that can write it. When there is none,
    ``chosen`` still, which :func:`respond` refuses (406), saying why."""
    if not negotiated or chosen.name == "html":
        return chosen
    triples = description.judged_triples()
    if render.can_write(chosen.name, triples):
        return chosen
    unwritable = tuple(f.name for f in FORMATS.values() if not render.can_write(f.name, triples))
    found = description_format(request.headers.get("accept"), None, unwritable)
    return FORMATS[found.name] if found is not None and found.name in FORMATS else chosen


def negotiate_format(accept: str | None) -> Format:
    """HTML when ``Accept`` puts a web page first; otherwise the description format it prefers (Turtle for
    ``*/*`` or no header); none acceptable: 406 naming what there is."""
    if prefers_html(accept, DESCRIPTIONS):
        return FORMATS["html"]
    found = description_format(accept)
    if found is None or found.name not in FORMATS:
        offered = ", ".join(f.media_type for f in FORMATS.values())
        raise NotAcceptable(f"cannot answer in {shown(accept)}; this resource is available as {offered}")
    return FORMATS[found.name]


def origin_of(request: Request) -> str:
    """What links on pages, ``Link`` headers and redirects start with: the path the application is mounted at,
    never a host. A URL built from the ``Host`` header the client sent would put that host into every script and
    stylesheet a page loads, for a shared cache or a proxy to hand to the next reader."""
    return request.scope.get("root_path", "").rstrip("/")


def absolute_origin_of(request: Request) -> str:
    """The server's URL as this request reached it, for what must be an absolute IRI (VoID's endpoint, a
    calendar's link): data, never a page's script or stylesheet."""
    return str(request.base_url).rstrip("/")


def alternates(page_url: str, *, query_style: bool = False, triples=()) -> list[dict]:
    """The same resource in every format that can write its ``triples``: ``<path>.ttl`` etc., or
    ``?...&format=turtle`` for ``/about``."""
    found = []
    for f in FORMATS.values():
        if not render.can_write(f.name, triples):
            continue
        href = f"{page_url}&format={f.name}" if query_style else page_url + ("" if f.name == "html" else f.suffix)
        found.append({"media_type": f.media_type, "href": href, "label": f.label, "name": f.name})
    return found


def link_header(found: list[dict]) -> str:
    return ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["media_type"]}"' for a in found)


async def respond(request: Request, chosen: Format, description, *, page_url: str, query_style: bool = False,
                  triples=None, template: str = "resource.html", rdf_query: str | None = None) -> Response:
    """One description in the chosen format, with ``Vary: Accept`` and a ``Link`` to every other format; nothing of
    it on the event loop. A page is rendered in a thread (bounded: it shows at most :data:`describing.MAX_OUTGOING`
    values, as many links to it and :data:`blank_nodes.MAX_SHOWN` of its blank nodes'). RDF of a description
    fetched whole (no list of it cut: bounded) is written in a thread from what was fetched, as is one built here
    (VoID); one cut short is written by a query worker, streamed under the query's time limit, from ``rdf_query``
    (a CONSTRUCT of all of the description's triples, of which ``triples`` is the first part only).
    The formats offered, and a 406, are judged on ``triples``; what a worker finds it cannot write past them is a
    406 too, or, once the response has started, a response cut off."""
    if triples is None:
        triples = description.judged_triples()
    found, trouble, prefixes = await run_in_threadpool(judged, chosen, page_url, query_style, triples)
    headers = {"Vary": "Accept, Accept-Language", "Link": link_header(found)}
    if chosen.name == "html":
        languages = accepted_languages(request.headers.get("accept-language"))
        page = Page(description, base=base_of(request), origin=origin_of(request), languages=languages)
        # the page's own words are English whatever the reader prefers; a label or text from the data says its
        # language itself (lang="zh"), so the page never claims French for a reader who asked for it
        body = await run_in_threadpool(render.html, template, page=page, alternates=found, origin=origin_of(request))
        return HTMLResponse(body, headers=render.page_headers(headers))
    if trouble is not None:
        offered = ", ".join(f.media_type for f in FORMATS.values() if f.name != chosen.name)
        raise NotAcceptable(f"{trouble}; this resource is available as {offered}")
    media_type = chosen.media_type + ("; charset=utf-8" if chosen.name != "jsonld" else "")
    if rdf_query is None or description.complete:  # all of it fetched already (bounded): written here, once
        return Response(await run_in_threadpool(render.rdf, chosen.name, triples), media_type=media_type,
                        headers=headers)
    result = await unless_the_client_leaves(request.receive, request.app.state.engine.execute(
        rdf_query, results_format=None, graph_format=chosen.media_type, prefixes=prefixes))
    if result.complete:
        return Response(result.first, media_type=media_type, headers=headers)
    return ResultStream(result, media_type=media_type, headers=headers)


def judged(chosen: Format, page_url: str, query_style: bool, triples) -> tuple[list[dict], str | None, dict]:
    """For :func:`respond`, in a thread: the formats that can write ``triples``, why ``chosen`` cannot (None if it
    can), and the prefixes they use."""
    trouble = None if chosen.name == "html" else render.why_not(chosen.name, triples)
    return alternates(page_url, query_style=query_style, triples=triples), trouble, render.used_prefixes(triples)


def iri_for_path(path: str, base: str) -> str:
    """The IRI a request path stands for, spelled as the loader mints it (percent-encoding normalised, but an
    encoded slash stays one: RFC 3986 does not make ``a%2Fb`` the same path as ``a/b``).

    >>> iri_for_path("/doc/%e4%b8%ad-x", "https://w3id.org/unkg/")
    'https://w3id.org/unkg/doc/%E4%B8%AD-x'
    >>> iri_for_path("/doc/中-x", "https://w3id.org/unkg/")
    'https://w3id.org/unkg/doc/%E4%B8%AD-x'
    >>> iri_for_path("/thing/a%2fb", "https://w3id.org/unkg/")
    'https://w3id.org/unkg/thing/a%2Fb'
    """
    return base + "%2F".join(quote(unquote(part), safe=SAFE_PATH) for part in ENCODED_SLASH.split(path.lstrip("/")))


def candidate_iris(path: str, base: str) -> list[str]:
    """The IRIs a request path may stand for: exactly as requested (a page's own links, and IRIs loaded from
    users' RDF files, which may keep characters the loader would encode), as the loader mints them, then
    percent-decoded as UTF-8 (an IRI written in Unicode, ``thing/ü``, whose link a browser sends as
    ``/thing/%C3%BC``). An encoded slash is never decoded.

    >>> candidate_iris("/thing/%C3%BC", "https://w3id.org/unkg/")
    ['https://w3id.org/unkg/thing/%C3%BC', 'https://w3id.org/unkg/thing/ü']
    >>> candidate_iris("/thing/a%2Fb", "https://w3id.org/unkg/")
    ['https://w3id.org/unkg/thing/a%2Fb']
    """
    found = [base + path.lstrip("/"), iri_for_path(path, base)]
    with contextlib.suppress(UnicodeDecodeError):
        parts = ENCODED_SLASH.split(path.lstrip("/"))
        found.append(base + "%2F".join(unquote(part, errors="strict") for part in parts))
    return [iri for n, iri in enumerate(found) if iri not in found[:n] and _queryable(iri)]


def _queryable(iri: str) -> bool:
    try:
        iri_ref(iri)
    except ValueError:
        return False
    return True


def raw_path(request: Request) -> str:
    """The request's path as the client spelled it, past the path the application is mounted at (uvicorn's
    ``--root-path``: the raw path keeps it)."""
    raw = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1").split("?", 1)[0]
    root = request.scope.get("root_path", "").rstrip("/")
    return raw[len(root):] if root and raw.startswith(root + "/") else raw


@router.api_route(server_paths.ONTOLOGY, methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route(server_paths.ONTOLOGY_FORMATS, methods=["GET", "HEAD"], include_in_schema=False)
async def ontology_page(request: Request, suffix: str | None = None) -> Response:
    """The ontology: a readable page for every class, property and concept, or the ontology graph as RDF."""
    chosen = requested_format(request, suffix_format(suffix))
    run_select = run_select_for(request)
    description, triples = await run_in_threadpool(describe_ontology, run_select)
    if not triples:
        raise NotFound("the ontology is not loaded into this store; run `unkg load`")
    return await respond(request, chosen, description, page_url=origin_of(request) + "/ontology", triples=triples,
                         template="ontology.html")


def suffix_format(suffix: str | None) -> Format | None:
    """The format a path's suffix (``ttl``, without its dot) names; None for no suffix; 404 for one that names none."""
    if suffix is None:
        return None
    found = render.BY_SUFFIX.get("." + suffix)
    if found is None:
        raise NotFound(f"no format for the suffix .{suffix}; try .ttl, .jsonld, .nt or .html")
    return found


def describe_ontology(run_select: RunSelect):
    """The ontology graph as triples, and a description whose details list its terms."""
    graph_iri = describing.ontology_graph(run_select)
    if graph_iri is None:
        return describing.Description(ONTOLOGY_IRI), []
    triples = describing.graph_triples(graph_iri, run_select)
    description = describing.Description(ONTOLOGY_IRI)
    description.outgoing = [(p, o) for s, p, o in triples if s.value == ONTOLOGY_IRI]
    description.details = views.ontology_terms(triples)
    description.blank = blank_nodes.grouped(triples, levels=None)  # the whole graph: every blank node's statements
    description.view = "ontology"
    describing.add_labels(description, run_select, describing.mentioned(description))
    return description, triples


@router.api_route(server_paths.ABOUT, methods=["GET", "HEAD"], include_in_schema=False)
async def about(request: Request) -> Response:
    """A page for an IRI the store describes that is not under the base (a web page, a language)."""
    params = query_parameters(request)
    iri = at_most_one(params, "iri") or ""
    format = at_most_one(params, "format")
    if not iri.strip():
        raise BadRequest("give the IRI to describe: /about?iri=…")
    local = local_path(iri, base_of(request))
    if local is not None and not format:
        return Response(status_code=303, headers={"Location": origin_of(request) + quote(local, safe=IRI_PATH_SAFE)})
    if format and format not in FORMATS:
        raise BadRequest(f"unknown format {format!r}; known: {', '.join(FORMATS)}")
    chosen = FORMATS[format] if format else acceptable_format(request, None)
    try:  # the request is wrong, not the store silent about it: 400, never 404 "nothing is known"
        iri_ref(iri)
    except ValueError as error:
        raise BadRequest(f"{error}: /about describes an absolute IRI, such as https://www.unodc.org/") from None
    description = await run_in_threadpool(lambda: describing.describe(
        iri, run_select_for(request), for_people=chosen is not None and chosen.name == "html"))
    if not description.exists:
        return await not_found(request, chosen, iri)
    chosen = await run_in_threadpool(writable, request, chosen or requested_format(request, None), description,
                                     negotiated=not format)
    page_url = f"{origin_of(request)}/about?iri={quote(iri, safe='')}"
    return await respond(request, chosen, description, page_url=page_url, query_style=True,
                         rdf_query=description_query(iri))


@router.api_route(server_paths.RESOURCE, methods=["GET", "HEAD"], include_in_schema=False)
async def resource(request: Request, path: str) -> Response:
    """Any IRI under the base, at its own path; ``.ttl``, ``.jsonld``, ``.nt``, ``.html`` pick a format."""
    base = base_of(request)
    path = raw_path(request)
    stem, suffix = split_suffix(path)
    if suffix is not None and await run_in_threadpool(any_described, candidate_iris(path, base),
                                                      run_select_for(request)):
        stem, suffix = path, None  # an IRI that ends like a format suffix (thing/data.rdf) is itself the resource
    chosen = acceptable_format(request, suffix)
    candidates = candidate_iris(stem, base)
    for iri in candidates:
        description = await run_in_threadpool(lambda iri=iri: describing.describe(
            iri, run_select_for(request), for_people=chosen is not None and chosen.name == "html"))
        if description.exists:
            break
    else:
        if suffix is None and (moved := await run_in_threadpool(slash_dropped, stem, base, run_select_for(request))):
            return slash_redirect(request, moved, base)
        holders = await run_in_threadpool(documents_with_symbol, stem, run_select_for(request))
        if len(holders) == 1:
            return symbol_redirect(request, holders[0], base, suffix)
        return await not_found(request, chosen, candidates[0] if candidates else iri_for_path(stem, base), holders)
    chosen = await run_in_threadpool(writable, request, chosen or requested_format(request, suffix), description,
                                     negotiated=suffix is None)
    return await respond(request, chosen, description, page_url=origin_of(request) + stem,
                         rdf_query=description_query(description.iri))


def description_query(iri: str) -> str:
    """The CONSTRUCT a query worker writes the RDF description of ``iri`` from: every statement about it, what its
    blank nodes hold and the links to it, bounded as :func:`describing.describe` bounds them."""
    return query_files.fill("resource_description", resource=Term("uri", iri),
                            blank_limit=blank_nodes.MAX_STATEMENTS, incoming_limit=describing.MAX_INCOMING)


def slash_dropped(path: str, base: str, run_select: RunSelect) -> str | None:
    """The IRI a path that names nothing would name without its trailing slashes (``meeting/…/14/``), if the store
    describes it; None otherwise."""
    bare = path.rstrip("/")
    if bare == path or not bare.strip("/"):
        return None
    return next((iri for iri in candidate_iris(bare, base) if any_described([iri], run_select)), None)


def slash_redirect(request: Request, iri: str, base: str) -> Response:
    """307 to ``iri``'s own page, the query string kept. Temporary: the store may come to describe the path with
    the slash too. The location is built by :func:`local_path`, never a ``//host`` a browser would leave for."""
    location = origin_of(request) + quote(local_path(iri, base), safe=IRI_PATH_SAFE)
    if query := request.scope.get("query_string", b""):
        location += "?" + quote_from_bytes(query, safe=QUERY_SAFE)
    return Response(status_code=307, headers={"Location": location, "Vary": "Accept"})


def symbol_in_path(path: str) -> str | None:
    """The UN symbol a path under ``doc/`` spells, or None: the path of a document's other symbol (a joint
    document's IRI is minted from its first). An encoded slash is no slash here either.

    >>> symbol_in_path("/doc/CTOC/COP/WG.4/2023/3")
    'CTOC/COP/WG.4/2023/3'
    >>> symbol_in_path("/meeting/CTOC/COP/WG.4/2023/3") is None, symbol_in_path("/doc/CTOC%2FCOP%2F1") is None
    (True, True)
    """
    if not path.startswith("/doc/") or ENCODED_SLASH.search(path):
        return None
    symbol = unquote(path[len("/doc/"):])
    return symbol if SYMBOL.fullmatch(symbol) else None


def documents_with_symbol(path: str, run_select: RunSelect) -> list[str]:
    """The documents that carry the symbol a path under ``doc/`` names nothing at (at most :data:`MAX_SUGGESTIONS`;
    none for a path that spells no symbol, which costs no query): one index look-up
    (``api/queries/documents_by_symbol.rq``), on the 404 path only."""
    symbol = symbol_in_path(path)
    if symbol is None:
        return []
    query = query_files.fill("documents_by_symbol", symbol=Term("literal", symbol), limit=MAX_SUGGESTIONS)
    return [row["document"].value for row in rows(run_select, query)]


def symbol_redirect(request: Request, iri: str, base: str, suffix: Format | None) -> Response:
    """303 See Other to the one document that carries the symbol the path spells, in the format its suffix named.
    303, the linked-data answer for "described elsewhere": the path is not the document's IRI (no statement makes
    the two one resource), so neither a permanent redirect (301/308, which would claim they are) nor 307 (the same
    resource, as for a trailing slash) fits; and a later load may give the symbol to another document."""
    local = local_path(iri, base)
    if local is None:  # a document of a user's file, outside the base
        location = f"{origin_of(request)}/about?iri={quote(iri, safe='')}"
        location += f"&format={suffix.name}" if suffix is not None else ""
    else:
        location = origin_of(request) + quote(local, safe=IRI_PATH_SAFE) + (suffix.suffix if suffix else "")
    return Response(status_code=303, headers={"Location": location})


def any_described(iris: list[str], run_select: RunSelect) -> bool:
    """Whether the store says anything about one of ``iris``."""
    for iri in iris:
        try:
            if rows(run_select, query_files.fill("resource_exists", resource=Term("uri", iri))):
                return True
        except ValueError:  # not an IRI that can be queried: nothing is known about it
            continue
    return False


async def not_found(request: Request, chosen: Format | None, iri: str, holders: list[str] = ()) -> Response:
    """404: for people a page with a search hint, nearby resources and a link to the query page (None: the client
    accepts no format of ours, and gets the plain message). ``holders``: the documents that carry the symbol the
    path spells, when more than one does (which one it means is not the server's to guess), listed."""
    if chosen is None or chosen.name != "html":
        listed = f"; {len(holders)} documents carry the symbol it spells: " + ", ".join(
            f"<{h}>" for h in holders) if holders else ""
        raise NotFound(f"nothing is known about <{iri}>{listed}; the query page at / can search for it")
    base = base_of(request)
    suggestions = await run_in_threadpool(nearby, iri, base, run_select_for(request, NEARBY_SECONDS))
    origin = origin_of(request)
    local = local_path(iri, base) or iri
    words = search_words(local)
    search = query_files.fill("not_found_search", words=Term("literal", words))
    body = render.html("not_found.html", iri=iri, origin=origin, suggestions=suggestions, holders=holders,
                       page=Page(describing.Description(iri), base=base, origin=origin,
                                 languages=accepted_languages(request.headers.get("accept-language"))),
                       search_href=f"{origin}/?query={quote(search, safe='')}", words=words)
    return HTMLResponse(body, status_code=404, headers=render.page_headers({"Vary": "Accept"}))


def search_words(path: str) -> str:
    """What to search for when a path names nothing: its last segment that is not a number, on one line (a line
    break or another control character becomes a space, as for a hyphen).

    >>> search_words("/place/new-york")
    'new york'
    >>> search_words("/meeting/CTOC-COP/WG.3/99")
    'WG.3'
    >>> search_words("/place/say%22hi%22%0Dto%0Ame%00")
    'say"hi" to me'
    """
    segments = [s for s in unquote(path).strip("/").split("/") if s and not s.isdigit()]
    return re.sub(r"[-_]+|[\x00-\x1f\x7f-\x9f]", " ", segments[-1])[:60].strip() if segments else ""


def nearby(iri: str, base: str, run_select: RunSelect) -> list[str]:
    """IRIs the store does describe that share the longest path prefix with the missing one (at least its first
    segment: ``meeting/...``), shortest first; none when the look-up fails or runs out of its time
    (:data:`NEARBY_SECONDS`), since the page still helps without them.

    One query, bounded whatever the store holds: a 404 page is what crawlers get for every path they make up,
    and each of its look-ups takes a query worker from the clients. Oxigraph has no index on an IRI's text, so
    the query reads the ``rdf:type`` index (typed resources, not every statement: every resource the loader
    mints has a type) and compares at most :data:`NEARBY_CANDIDATES` resources under the first segment with
    the missing IRI's first :data:`NEARBY_DEPTH` prefixes (it was up to five scans of every statement: seconds on
    a store of 300,000)."""
    if not iri.startswith(base):
        return []
    parts = iri[len(base):].split("/")
    deepest = min(len(parts) - 1, NEARBY_DEPTH)  # prefixes of 1 .. deepest segments, each ending in "/"
    if deepest < 1:
        return []
    prefixes = [Term("literal", base + "/".join(parts[:depth]) + "/") for depth in range(1, deepest + 1)]
    query = query_files.fill("nearby_iris", first=prefixes[0], prefixes=prefixes, candidates=NEARBY_CANDIDATES,
                             limit=MAX_SUGGESTIONS)
    try:
        found = rows(run_select, query)
    except HttpError:  # out of time or failed
        return []
    if not found:
        return []
    shared = found[0]["shared"].value
    return [row["s"].value for row in found if row["shared"].value == shared]
