"""Named HTTP errors: each says what is wrong in one line of plain text, with the status that fits.

Routes raise them; :func:`install` turns them into responses. Anything not raised as one of these is a bug and
answers 500 through the framework, never a blanket 400.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

HTTP_METHODS = ("get", "head", "put", "post", "delete", "patch", "options", "trace")


class HttpError(Exception):
    status = 500

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(HttpError):
    status = 400


class Unauthorized(HttpError):
    status = 401

    def __init__(self, message: str) -> None:
        super().__init__(message, {"WWW-Authenticate": 'Bearer realm="unkg updates"'})


class Forbidden(HttpError):
    status = 403


class NotFound(HttpError):
    status = 404


class NotAcceptable(HttpError):
    status = 406


class PayloadTooLarge(HttpError):
    status = 413


class UnsupportedMediaType(HttpError):
    status = 415


class BadGateway(HttpError):
    status = 502


class ServiceUnavailable(HttpError):
    """Busy or stopping, not broken: it says when to try again (``Retry-After``, in seconds)."""

    status = 503
    RETRY_AFTER_SECONDS = 5

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, {"Retry-After": str(self.RETRY_AFTER_SECONDS), **(headers or {})})


class QueryTimeout(HttpError):
    status = 504


def response(error: HttpError) -> PlainTextResponse:
    headers = {"Vary": "Accept", **error.headers}
    return PlainTextResponse(error.message + "\n", status_code=error.status, headers=headers)


async def _handle(request: Request, error: Exception) -> PlainTextResponse:
    assert isinstance(error, HttpError)
    return response(error)


async def _handle_routing(request: Request, error: Exception) -> PlainTextResponse:
    """Starlette's own errors (405 for a method a route does not take, 404 for a path no route matches) in plain
    text like every other error, not FastAPI's JSON; the ``Allow`` header is kept."""
    assert isinstance(error, StarletteHTTPException)
    headers = {"Vary": "Accept", **(error.headers or {})}
    if error.status_code == 405:  # Starlette names the methods of the first route for the path only
        headers["Allow"] = ", ".join(sorted(allowed_methods(request) or headers.get("Allow", "").split(", ")))
    return PlainTextResponse(f"{error.detail}\n", status_code=error.status_code, headers=headers)


def allowed_methods(request: Request) -> set[str]:
    """Every method the application documents for this request's path (its OpenAPI description; HEAD with GET),
    or an empty set for a path it does not document as such."""
    operations = request.app.openapi().get("paths", {}).get(request.url.path, {})
    methods = {method.upper() for method in operations if method in HTTP_METHODS}
    return methods | {"HEAD"} if "GET" in methods else methods


def install(app: FastAPI) -> None:
    app.add_exception_handler(HttpError, _handle)
    app.add_exception_handler(StarletteHTTPException, _handle_routing)
