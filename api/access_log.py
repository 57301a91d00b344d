"""One log line per request, with the time it took, and a ``Server-Timing`` header that tells the client the same.

A plain ASGI middleware (no per-request task or body buffering), so it costs microseconds and lets streamed
results through untouched. The time in the header is the time to the first byte; the log has the total.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("unkg.access")
MAX_TARGET = 200


class AccessLog:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_with_timing(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                elapsed = (time.perf_counter() - started) * 1000
                headers = [*message.get("headers", []), (b"server-timing", f"app;dur={elapsed:.1f}".encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_timing)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            client = scope.get("client") or ("-", 0)
            target = scope.get("path", "")
            if scope.get("query_string"):
                target += "?" + scope["query_string"].decode("latin-1")
            if len(target) > MAX_TARGET:
                target = target[:MAX_TARGET] + "…"
            log.info('%s "%s %s" %s %.1f ms', client[0], scope.get("method"), target, status or "-", elapsed)
