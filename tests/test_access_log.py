"""The access log: one line per request whatever the client sends, the request target as it was sent, and a
client address a client cannot choose (forwarding headers are believed only from proxies the operator named)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from conftest import free_port
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api.access_log import AccessLog
from api.server import uvicorn_config
from api.settings import Settings, SettingsError
from api.sparql import not_from_this_machine

FORGED = ("/x%0d%0a2026-11-30%2023:59:59,000%20unkg.access%20203.0.113.9%20%22POST%20/sparql%22%20204%201.0%20ms"
          "%1b[2K")


@contextlib.contextmanager
def logged_app(trusted: frozenset[str] = frozenset()):
    """A plain app behind the access log, served by uvicorn as ``unkg serve`` configures it."""
    async def hello(request):
        return PlainTextResponse("hello", status_code=404)

    app = Starlette(routes=[Route("/{path:path}", hello)])
    app.state.settings = Settings(store=Path("unused"), trusted_proxies=trusted)
    port = free_port()
    server = uvicorn.Server(uvicorn_config(AccessLogged(app), "127.0.0.1", port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class AccessLogged(AccessLog):
    """The access log around ``app``, keeping its ``state`` where :func:`uvicorn_config` reads the settings."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.state = app.state


def access_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "unkg.access"]


def test_a_request_is_one_line_with_its_target_as_sent(caplog):
    caplog.set_level(logging.INFO, logger="unkg.access")
    with logged_app() as origin:
        httpx.get(httpx.URL(origin + FORGED), timeout=10)  # sent as written: httpx keeps the encodings
        httpx.get(origin + "/thing/a%2Fb?q=%22x%22", timeout=10)
    lines = access_lines(caplog)
    assert len(lines) == 2, lines
    for line in lines:
        assert line.isprintable() and "\x1b" not in line, repr(line)
    assert lines[0].startswith('127.0.0.1 "GET /x%0d%0a2026-11-30%2023:59:59,000') and lines[0].endswith(" ms")
    assert '"GET /thing/a%2Fb?q=%22x%22" 404 ' in lines[1]  # an encoded slash is not a slash


def test_bytes_a_log_line_cannot_show_are_escaped():
    from api.access_log import escaped, request_target

    assert escaped(b'a"b\\c d\r\n\x1b\xff') == "a\\x22b\\x5cc\\x20d\\x0d\\x0a\\x1b\\xff"
    scope = {"raw_path": b"/p\n" + b"a" * 300, "path": "/decoded", "query_string": b"q=1"}
    target = request_target(scope)
    assert target.startswith("/p\\x0aaaa") and target.endswith("…") and len(target) < 210


def test_every_byte_is_shown_as_itself_only_if_printable_ascii_and_no_quote_or_backslash():
    from api.access_log import escaped

    for byte in range(256):
        shown_as_is = 0x21 <= byte <= 0x7E and byte not in (0x22, 0x5C)
        assert escaped(bytes([byte])) == (chr(byte) if shown_as_is else f"\\x{byte:02x}"), byte
    assert escaped(bytes(range(256))) == "".join(escaped(bytes([b])) for b in range(256))


def test_the_server_formats_its_log_lines_as_logging_does():
    from api.access_log import LineFormatter
    from api.server import LOG_FORMAT

    ours, logging_s = LineFormatter(LOG_FORMAT), logging.Formatter(LOG_FORMAT)
    start = time.time()
    for step in range(3000):  # ten seconds and a bit in steps of 3.7 ms: the same second many times, then the next
        created = start + step * 0.0037
        record = logging.makeLogRecord({"name": "unkg.access", "msg": "GET %s", "args": (step,), "created": created,
                                        "msecs": (created - int(created)) * 1000})
        assert ours.format(record) == logging_s.format(record)


def test_forwarded_headers_are_not_believed_unless_the_proxy_is_named(caplog):
    caplog.set_level(logging.INFO, logger="unkg.access")
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    with logged_app() as origin:
        httpx.get(origin + "/who", headers=forwarded, timeout=10)
    with logged_app(frozenset({"127.0.0.0/8"})) as origin:
        httpx.get(origin + "/who", headers=forwarded, timeout=10)
    lines = access_lines(caplog)
    assert lines[0].startswith('127.0.0.1 "GET /who"'), lines  # any local process could claim any client
    assert lines[1].startswith('203.0.113.7 "GET /who"'), lines  # the operator's proxy says who it relays


def test_a_trusted_proxy_must_be_an_address_or_network():
    Settings(store=Path("s"), trusted_proxies=frozenset({"10.0.0.0/8", "::1", "127.0.0.1"})).check()
    with pytest.raises(SettingsError, match="--trust-proxy takes an IP address or network, not 'proxy.example'"):
        Settings(store=Path("s"), trusted_proxies=frozenset({"proxy.example"})).check()


def test_a_relayed_request_is_not_taken_as_local_for_token_less_updates():
    local = {"host": "127.0.0.1:8000"}
    assert not_from_this_machine("127.0.0.1", local) is None
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        relayed = httpx.Headers({**local, header: "for=127.0.0.1"})
        assert "came through a proxy" in not_from_this_machine("127.0.0.1", relayed)
