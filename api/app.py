"""``create_app(settings)``: the FastAPI application, wired from its parts and nothing else.

The SPARQL protocol (:mod:`api.sparql`), ``/health``, and with ``allow_update`` the Graph Store protocol (without
it, a route at its path that says why it is not there). The pages and the query UI (``api.ui``, ``api.exports``,
``api.pages``) are included when those modules exist; the pages' catch-all router comes last so it never hides
another route.

Every request passes a front door first: the access log, then CORS (Starlette's middleware, which reads only
``Origin`` and answers preflights itself; :mod:`api.cors` for a request without ``Origin``), then the limits on
the headers' size (431 past them, with CORS headers so a page of another site can read why;
:mod:`api.header_limits`, before anything else reads them); there queries (``GET``/``HEAD``/``POST /sparql``) go
straight to their handlers (:class:`api.sparql.QueriesFirst`), and everything else on into FastAPI. A query thus
skips FastAPI's own layers (error page, telemetry, body limit, exception handlers, routing), which cost about a
quarter of the server's CPU time per request.
"""

from __future__ import annotations

import importlib
import importlib.util
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import api_docs, errors, graph_store, health, sparql
from api.access_log import AccessLog
from api.cors import Cors
from api.engine import Engine
from api.header_limits import HeaderLimits
from api.settings import Settings
from loader import server_paths

STATIC = Path(__file__).resolve().parent / "static"
OPTIONAL_ROUTERS = ("api.ui", "api.exports", "api.pages")  # in this order: pages has the catch-all
CORS = {  # any origin may read, none with credentials (rdflib-endpoint's credentials with any origin is a mistake)
    "allow_origins": ["*"],
    "allow_credentials": False,
    "allow_methods": ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"],
    "allow_headers": ["*"],
    "expose_headers": ["Content-Type", "Link", "Server-Timing", "Vary"],  # Link: a resource's other formats
}


class Application(FastAPI):
    """FastAPI behind a front door (an ASGI app given the framework's own entry, :meth:`framework`)."""

    front_door = None

    async def __call__(self, scope, receive, send) -> None:
        scope["app"] = self  # as Starlette sets it: handlers find ``request.app.state`` on the fast path too
        await self.front_door(scope, receive, send)

    async def framework(self, scope, receive, send) -> None:
        await super().__call__(scope, receive, send)


def create_app(settings: Settings, *, store=None) -> Application:
    """The application for ``settings``; ``store``: the store's writer handle if already open (else the engine
    opens it at start-up; with ``allow_update``, none: the engine's writer process opens it)."""
    settings.check()
    engine = Engine(settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await engine.start()
        try:
            yield
        finally:
            await engine.stop()

    app = Application(
        title="unkg",
        summary="A knowledge graph of UN meeting documentation: SPARQL 1.1 endpoint and linked data",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load their scripts from a CDN: api.api_docs serves them from here
        redoc_url=None,
        openapi_url=server_paths.OPENAPI,
    )
    app.state.settings = settings
    app.state.engine = engine
    errors.install(app)
    app.front_door = AccessLog(Cors(HeaderLimits(sparql.QueriesFirst(app.framework)), **CORS))
    app.include_router(health.router)
    app.include_router(api_docs.router)
    app.mount(api_docs.ASSETS_PATH, api_docs.assets(), name="api-docs")
    app.include_router(sparql.router)
    app.include_router(graph_store.router if settings.allow_update else graph_store.absent_router)
    if STATIC.is_dir():
        app.mount(server_paths.STATIC, StaticFiles(directory=STATIC), name="static")
    app.state.ui_available = False
    for name in OPTIONAL_ROUTERS:
        if importlib.util.find_spec(name) is not None:
            app.include_router(importlib.import_module(name).router)
            app.state.ui_available |= name == "api.ui"
    return app
