"""``HeaderLimits``: a request whose headers are too large gets 431 (Request Header Fields Too Large, RFC 6585) in
plain text naming the header and the limit, before anything reads them.

One header (name and value) may have :data:`MAX_HEADER_BYTES` (8 KiB, as Jetty under Fuseki and nginx allow a
header line), all of them together :data:`MAX_HEADERS_BYTES` (64 KiB). Browsers send far less: a 4 KB cookie (the
most a browser keeps in one) and an ``Accept`` of a few hundred bytes. Without a limit, a 300 KB ``Accept`` kept
the event loop busy negotiating for seconds, and every distinct header value stayed in a cache.

This is an ASGI middleware, so it sees the headers only once uvicorn has read them all: its httptools parser has
no limit of its own on their size (uvicorn offers one only with its h11 parser, which is slower), so a client can
still make the server buffer a large header block for the length of one request. What is refused here is never
negotiated, cached, logged or echoed, and is freed as soon as the 431 is sent.
"""

from __future__ import annotations

MAX_HEADER_BYTES = 8 * 1024  # one header, its name and value
MAX_HEADERS_BYTES = 64 * 1024  # all the request's headers together
MAX_NAME_SHOWN = 60  # a header name is quoted in the answer at most this long


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
