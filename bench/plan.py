"""What one benchmark run does: sizes, request counts, time limits; the full run and the quick one.

>>> parse_size("100k"), parse_size("1M"), parse_size("2500")
(100000, 1000000, 2500)
>>> Plan.quick().sizes
(10000, 100000)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

SYSTEMS = (("unkg", "disk"), ("oxigraph", "disk"), ("oxigraph", "memory"), ("rdflib-endpoint", "memory"))
_SIZE = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>[kKmM]?)")


def parse_size(text: str) -> int:
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a size: {text!r} (write 10000, 10k or 1M)")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match["unit"].lower()]
    size = int(float(match["number"]) * factor)
    if size < 1000:
        raise ValueError(f"a corpus needs at least 1000 triples (the UNTOC graph alone has ~5800): {text!r}")
    return size


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]  # corpus sizes the servers are measured at
    incremental_sizes: tuple[int, ...]  # store sizes one more document is loaded into
    pipeline_max: int  # unkg's pipeline load is measured up to this size (it validates every graph)
    rdflib_max: int  # rdflib-endpoint is measured up to this size (it parses N-Quads into memory)
    requests: dict  # concurrency -> requests per workload and system
    rounds: int  # each cell's requests are split into rounds, the systems taking turns, to share noise
    cell_limit_s: float  # time limit of one system's share of one cell (all rounds together)
    incremental_repeats: int
    ceiling_requests: int
    name: str = "FULL"

    @classmethod
    def full(cls) -> Plan:
        return cls(sizes=(10_000, 100_000, 1_000_000), incremental_sizes=(10_000, 100_000, 1_000_000),
                   pipeline_max=1_000_000, rdflib_max=1_000_000, requests={1: 500, 16: 1000}, rounds=5,
                   cell_limit_s=60.0, incremental_repeats=3, ceiling_requests=3000)

    @classmethod
    def quick(cls) -> Plan:
        return cls(sizes=(10_000, 100_000), incremental_sizes=(10_000, 100_000, 1_000_000),
                   pipeline_max=100_000, rdflib_max=10_000, requests={1: 150, 16: 300}, rounds=3,
                   cell_limit_s=5.0, incremental_repeats=3, ceiling_requests=1000, name="QUICK")

    def with_sizes(self, sizes: tuple[int, ...]) -> Plan:
        return replace(self, sizes=tuple(sorted(set(sizes))))

    def describe(self) -> str:
        counts = ", ".join(f"{n} requests at concurrency {c}" for c, n in self.requests.items())
        return (f"{self.name} run: servers at {', '.join(map(_short, self.sizes))} "
                f"triples; {counts} per workload and system, in {self.rounds} rounds, at most "
                f"{self.cell_limit_s:g} s each; unkg pipeline load up to {_short(self.pipeline_max)}, "
                f"rdflib-endpoint up to {_short(self.rdflib_max)}; one more document into stores of "
                f"{', '.join(map(_short, self.incremental_sizes))} ({self.incremental_repeats} repeats)")


def _short(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)
