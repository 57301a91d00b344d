"""``GET /health``: whether the server is up and what it serves, for operators and load balancers."""

from __future__ import annotations

from fastapi import APIRouter, Request

from loader import server_paths

router = APIRouter(tags=["operators"])


@router.head(server_paths.HEALTH, include_in_schema=False)
@router.get(server_paths.HEALTH, summary="Whether the server is up, and how much the store holds")
async def health(request: Request) -> dict:
    engine = request.app.state.engine
    return {
        "ok": engine.store is not None,
        "store": str(request.app.state.settings.store),
        "triples": engine.stats.triples,
        "graphs": engine.stats.graphs,
        "workers": len(engine.worker_pids),
    }
