"""``HeaderLimits``: a request whose headers are too large gets 431 (Request Header Fields Too Large, RFC 6585) in
plain text naming the header and the limit, before anything reads them.

One header (name and value) may have :data:`MAX_HEADER_BYTES` (8 KiB, as Jetty under Fuseki and nginx allow a
header line), all of them together :data:`MAX_HEADERS_BYTES` (64 KiB). Browsers send far less: a 4 KB cookie (the
most a browser keeps in one) and an ``Accept`` of a few hundred bytes. Without a limit, a 300 KB ``Accept`` kept
the event loop busy negotiating for seconds, and every distinct header value stayed in a cache.

This is an ASGI middleware, so it sees the headers only once uvicorn has read them all. Its httptools parser has
no limit of its own on their size (uvicorn offers one only with its h11 parser, which is slower), and joins the
pieces of a header as they arrive, in time that grows with the square of its size: a 100 MiB header took 47 s,
during which every other client waited. :class:`BoundedHead`, the protocol the server runs, refuses a request whose
head (request line and headers) passes :data:`MAX_HEAD_BYTES` while it arrives. What is refused is never
negotiated, cached, logged or echoed, and is freed as soon as the 431 is sent.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 8 * 1024  # one header, its name and value
MAX_HEADERS_BYTES = 64 * 1024  # all the request's headers together
MAX_NAME_SHOWN = 60  # a header name is quoted in the answer at most this long
# a request's head as it arrives: far more than the limits above and a GET query's URL (httptools refuses one over
# 64 KiB) could need, so nothing those limits would answer is cut short here; httptools reads 1 MiB in about 1 ms
MAX_HEAD_BYTES = 1024 * 1024
HEAD_TOO_LARGE = (f"the request line and headers are more than {MAX_HEAD_BYTES:,} bytes; the headers may have "
                  f"{MAX_HEADER_BYTES:,} bytes each and {MAX_HEADERS_BYTES:,} together (send a long query by POST)\n")

LONG_URL = 60 * 1024  # a URL this long when httptools gives up is one it found too long
LONG_URL_REFUSED = ("the request's URL is longer than this server reads (about 64 KiB); send a long query by POST, "
                    "as application/sparql-query or as a form\n")


class BoundedHead(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing with 431 (and closing the connection) a request whose head passes
    :data:`MAX_HEAD_BYTES` before its end arrives. Bytes are counted after the parser has read them, so a head and
    the start of its body in one read are not counted as head."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.head_bytes: int | None = 0  # bytes of the head being read; None while a body is

    def on_message_begin(self) -> None:
        self.head_bytes = 0
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self.head_bytes = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.head_bytes = 0

    def send_400_response(self, msg: str) -> None:
        """httptools refuses a URL over about 64 KiB as any ill-formed request: that one is 414, with the way out."""
        if len(getattr(self, "url", b"")) < LONG_URL:
            super().send_400_response(msg)
            return
        self._refuse(b"414 URI Too Long", LONG_URL_REFUSED)

    def _refuse(self, status: bytes, message: str) -> None:
        body = message.encode()
        self.transport.write(b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
                             b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
                             + body)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.head_bytes is not None and not self.transport.is_closing():
            self.head_bytes += len(data)
            if self.head_bytes > MAX_HEAD_BYTES:
                self._refuse(b"431 Request Header Fields Too Large", HEAD_TOO_LARGE)


class HeaderLimits:
    def __init__(self, app, *, per_header: int = MAX_HEADER_BYTES, total: int = MAX_HEADERS_BYTES) -> None:
        self.app = app
        self.per_header = per_header
        self.total = total

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(scope["headers"])
            if refusal is not None:
                await _refuse(send, refusal)
                return
        await self.app(scope, receive, send)

    def refusal(self, headers) -> str | None:
        """Why these headers are too large, or None.

        >>> HeaderLimits(None, per_header=10, total=15).refusal([(b"accept", b"text/csv"), (b"x", b"y")])
        "the request header 'accept' is 14 bytes, more than the limit of 10 bytes per header"
        >>> HeaderLimits(None, per_header=10, total=15).refusal([(b"a", b"12345678"), (b"b", b"12345678")])
        'the request headers are 18 bytes together, more than the limit of 15 bytes'
        """
        total = 0
        for name, value in headers:
            size = len(name) + len(value)
            if size > self.per_header:
                shown = name[:MAX_NAME_SHOWN].decode("latin-1") + ("…" if len(name) > MAX_NAME_SHOWN else "")
                return (f"the request header {shown!r} is {size:,} bytes, more than the limit of "
                        f"{self.per_header:,} bytes per header")
            total += size
        if total > self.total:
            return f"the request headers are {total:,} bytes together, more than the limit of {self.total:,} bytes"
        return None


async def _refuse(send, message: str) -> None:
    body = (message + "\n").encode()
    await send({"type": "http.response.start", "status": 431, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})
