"""The load generator: SPARQL GET requests on loopback, C at a time, a bounded number within a time limit.

aiohttp on one event loop keeps the client cheap; :func:`client_ceiling` measures how fast it can go against
a trivial endpoint, so a result near that ceiling is known to be the client's limit, not the server's.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import aiohttp

SPARQL_JSON = "application/sparql-results+json"


class ClientError(Exception):
    """A request that failed: which URL, which status, what the server said."""


def require_loopback(url: str) -> None:
    """Refuse any target that is not this machine (the benchmark never sends traffic elsewhere)."""
    host = urlsplit(url).hostname or ""
    if not (host == "localhost" or host == "::1" or host.startswith("127.")):
        raise ClientError(f"refusing to send benchmark traffic off loopback: {url}")


@dataclass
class RunResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile latency (nearest rank), in milliseconds.

        >>> RunResult(latencies_ms=[float(n) for n in range(1, 101)]).percentile(99)
        99.0
        """
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        rank = max(1, -(-len(ordered) * p // 100))
        return ordered[int(rank) - 1]


def query_url(endpoint: str, query: str) -> str:
    return f"{endpoint}?query={quote(query, safe='')}"


async def _run(endpoint: str, queries: list[str], concurrency: int, limit_s: float) -> RunResult:
    result = RunResult()
    urls = [query_url(endpoint, q) for q in queries]
    position = 0
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=max(limit_s, 1.0) + 30)
    headers = {"Accept": SPARQL_JSON}

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal position
        while position < len(urls) and time.perf_counter() < deadline:
            url = urls[position]
            position += 1
            started = time.perf_counter()
            try:
                async with session.get(url, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (TimeoutError, aiohttp.ClientError) as error:
                result.errors.append(f"{type(error).__name__}: {error}")
                continue
            if status != 200:
                result.errors.append(f"HTTP {status}")
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)

    async def warm_up(session: aiohttp.ClientSession) -> None:
        async with session.get(urls[0], headers=headers) as response:
            await response.read()

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        if urls:  # one untimed request per connection: the run measures connections and processes already awake
            await asyncio.gather(*(warm_up(session) for _ in range(concurrency)), return_exceptions=True)
        deadline = time.perf_counter() + limit_s
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started
    return result


def run(endpoint: str, queries: list[str], concurrency: int, limit_s: float = 30.0) -> RunResult:
    """Send each query once (in order, ``concurrency`` in flight) until done or ``limit_s`` has passed, after one
    untimed request on each of the ``concurrency`` connections: without it, the first request of each round paid
    for opening its connection and for waking a server that sat idle while the other systems ran (unkg at 10k,
    one client: 0.8-1.2 ms, against a median of 0.65 ms), five of the 500 requests a p99 is taken from."""
    require_loopback(endpoint)
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, not {concurrency}")
    return asyncio.run(_run(endpoint, queries, concurrency, limit_s))


async def _fetch_all(endpoint: str, queries: list[str]) -> list[dict]:
    out = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:
        for query in queries:
            async with session.get(query_url(endpoint, query), headers={"Accept": SPARQL_JSON}) as response:
                body = await response.text()
                if response.status != 200:
                    raise ClientError(f"{endpoint}: HTTP {response.status} for a query: {body[:300]}")
                try:
                    out.append(await response.json(content_type=None))
                except ValueError:
                    raise ClientError(f"{endpoint}: not SPARQL JSON: {body[:200]!r}") from None
    return out


def fetch_results(endpoint: str, queries: list[str]) -> list[dict]:
    """The SPARQL JSON result of each query, one at a time (for checking answers, not for timing)."""
    require_loopback(endpoint)
    return asyncio.run(_fetch_all(endpoint, queries))


def client_ceiling(endpoint: str, query: str, requests: int, concurrency: int = 16) -> RunResult:
    """The client's own limit: one trivial query, repeated, against a fast endpoint."""
    return run(endpoint, [query] * requests, concurrency, limit_s=20.0)
