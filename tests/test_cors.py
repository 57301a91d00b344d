"""``api.cors.Cors`` answers every request exactly as Starlette's CORS middleware, with the application's settings."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from starlette.middleware.cors import CORSMiddleware

from api.app import CORS
from api.cors import Cors

REQUESTS = [
    ("GET", []),
    ("POST", [(b"content-type", b"application/sparql-query")]),
    ("GET", [(b"origin", b"https://elsewhere.example")]),
    ("POST", [(b"origin", b"null")]),
    ("OPTIONS", []),
    ("OPTIONS", [(b"origin", b"https://elsewhere.example"), (b"access-control-request-method", b"POST"),
                 (b"access-control-request-headers", b"content-type")]),
    ("OPTIONS", [(b"origin", b"https://elsewhere.example")]),  # no preflight: a plain OPTIONS
]
RESPONSES = [
    [],
    [(b"content-type", b"text/csv; charset=utf-8")],
    [(b"vary", b"Accept"), (b"content-length", b"2")],
    [(b"vary", b"Accept"), (b"content-type", b"text/turtle"), (b"vary", b"Cookie"), (b"vary", b"X")],
    [(b"content-length", b"2"), (b"vary", b"Origin")],
]


def _sent(middleware, method: str, request_headers, response_headers) -> list[dict]:
    sent: list[dict] = []

    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(response_headers)})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/sparql", "headers": [(b"host", b"x"), *request_headers],
             "query_string": b""}
    asyncio.run(middleware(app, **CORS)(scope, receive, send))
    return sent


@pytest.mark.parametrize(("request_", "response_headers"), list(itertools.product(REQUESTS, RESPONSES)))
def test_the_same_answer_as_starlettes(request_, response_headers):
    method, request_headers = request_
    assert _sent(Cors, method, request_headers, response_headers) == \
        _sent(CORSMiddleware, method, request_headers, response_headers)
