"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc): the HTTP API's OpenAPI description, browsable, with every script
and style served by this server from the ``fastapi-offline`` package, so that the page works without Internet
access and a visitor's browser fetches nothing from a CDN (FastAPI's own pages load them from cdn.jsdelivr.net and
fonts.googleapis.com).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from loader import server_paths

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_PATH = server_paths.API_DOCS_ASSETS
router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    """The scripts, styles and icon the two pages load (mounted at :data:`ASSETS_PATH`)."""
    return StaticFiles(directory=ASSETS)


@router.api_route(server_paths.DOCS, methods=["GET", "HEAD"])
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=root + request.app.openapi_url,
        title=f"{request.app.title}: HTTP API",
        swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
    )


@router.api_route(server_paths.REDOC, methods=["GET", "HEAD"])
async def redoc(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_redoc_html(
        openapi_url=root + request.app.openapi_url,
        title=f"{request.app.title}: HTTP API",
        redoc_js_url=f"{root}{ASSETS_PATH}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
        with_google_fonts=False,
    )
