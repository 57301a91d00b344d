"""``serve(settings)``: run the application with uvicorn and say, in one line, what is being served and how.

The store is opened for writing before anything else, so a store that is missing or locked by another process
(a running ``unkg load``) is reported as a :class:`loader.errors.StoreError` the CLI prints in one line. With
updates allowed it is closed again at once: the engine's writer process holds it (:mod:`api.engine`).
"""

from __future__ import annotations

import logging
import socket
import sys

import uvicorn

from api.access_log import LineFormatter
from api.app import create_app
from api.header_limits import BoundedHead
from api.settings import Settings
from loader.errors import UnkgError
from loader.store import open_store

LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def start_up_line(settings: Settings, triples: int, graphs: int) -> str:
    """What is served, where, and what is allowed, in one line.

    >>> from pathlib import Path
    >>> line = start_up_line(Settings(store=Path("var/store"), base_iri="https://w3id.org/unkg/"), 1200, 3)
    >>> line.split("; ")[0]
    'unkg: serving var/store (1,200 triples in 3 graphs) at http://127.0.0.1:8000/sparql'
    >>> line.split("; ")[2:]
    ['read-only', 'no outbound IRIs', 'time limit 30 s per query, 2 workers']
    """
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    if settings.allow_update:
        updates = "updates allowed" + (" with the bearer token" if settings.update_token else " (loopback only)")
    else:
        updates = "read-only"
    outbound = ("outbound IRIs allowed: " + ", ".join(sorted(settings.allowed_iris))
                if settings.allowed_iris else "no outbound IRIs")
    return (
        f"unkg: serving {settings.store} ({triples:,} triples in {graphs:,} graphs) at "
        f"http://{host}:{settings.port}/sparql; base IRI {settings.base_iri}; {updates}; {outbound}; "
        f"time limit {settings.timeout:g} s per query, {settings.workers} workers"
    )


class AddressInUse(UnkgError):
    """The host and port to serve on cannot be listened on."""


def check_address_free(host: str, port: int) -> None:
    """:class:`AddressInUse` when nothing could listen on ``host:port`` (another server holds it), before any
    worker starts: the CLI then says so in one line, not with uvicorn's log and exit 3."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise AddressInUse(f"cannot listen on {host}:{port}: {error.strerror}") from None
    family, kind, proto, _, address = addresses[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            raise AddressInUse(f"cannot listen on {host}:{port}: {error.strerror}") from None


class _AnnouncingServer(uvicorn.Server):
    """Uvicorn's server, saying what it serves once it is really listening (not when the port was taken)."""

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.started:
            app, settings = self.config.app, self.config.app.state.settings
            stats = app.state.engine.stats
            print(start_up_line(settings, stats.triples, stats.graphs), file=sys.stderr, flush=True)


def serve(settings: Settings) -> None:
    """Serve ``settings.store`` until interrupted."""
    settings.check()
    check_address_free(settings.host, settings.port)
    store = open_store(settings.store, create=False)
    if settings.allow_update:
        store = None  # released here, so that the writer process can open it
    handler = logging.StreamHandler()
    handler.setFormatter(LineFormatter(LOG_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    app = create_app(settings, store=store)
    _AnnouncingServer(uvicorn_config(app, settings.host, settings.port, log_level="warning")).run()


def uvicorn_config(app, host: str, port: int, **options) -> uvicorn.Config:
    """How uvicorn runs the application: httptools with a bound on a request's head (:mod:`api.header_limits`),
    no access log of its own (:mod:`api.access_log` writes one), and ``X-Forwarded-For``/``-Proto`` believed only
    from the proxies the operator named (``Settings.trusted_proxies``; uvicorn's default believes any loopback
    peer, so that any local process could pass for any client)."""
    trusted = sorted(app.state.settings.trusted_proxies)
    return uvicorn.Config(app, host=host, port=port, http=BoundedHead, access_log=False,
                          timeout_graceful_shutdown=5, proxy_headers=bool(trusted), forwarded_allow_ips=trusted,
                          **options)
