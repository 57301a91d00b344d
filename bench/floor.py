"""``python -m bench.floor [--sizes 10k,100k]``: how close can any Python server come to ``oxigraph serve``?

unkg's targets compare it with Oxigraph's own server. This measures, side by side in one run and with the same
harness, queries and answer check as ``python -m bench``, two servers that hold nothing of unkg but its language
and its store (:mod:`bench.floor_app`):

- ``python-floor``: one uvicorn process that runs each query in-process with pyoxigraph and returns Oxigraph's JSON;
  no checks, no log, no time limit, and one query at a time (it runs on the event loop).
- ``python-floor-2``: the same in two uvicorn processes, two queries at a time (and twice the memory).
- ``python-floor-workers``: the same, with queries in worker processes killed at a time limit: the least a Python
  server that keeps a query time limit real can do (pyoxigraph cannot stop a query it is running).

against ``oxigraph serve`` (disk) and unkg. What neither floor reaches, unkg cannot reach in Python either; what
the floors reach and unkg does not is unkg's own cost. Writes ``floor.json`` and ``floor.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from bench import loading, servers
from bench.__main__ import _sizes
from bench.generate import generate
from bench.plan import Plan, _short
from bench.queries import WORKLOADS
from bench.report import _find, _ratio
from bench.run import Results, check_answers, machine, time_workloads

HERE = Path(__file__).resolve().parent
# (system, application, uvicorn processes): each in-process one runs one query at a time
FLOORS = (("python-floor", "inprocess", 1), ("python-floor-2", "inprocess", 2), ("python-floor-workers", "workers", 1))
ORDER = ("oxigraph", "python-floor", "python-floor-2", "python-floor-workers", "unkg")


def floor_server(system: str, app: str, store_dir: Path, union: bool, workers: int, logs: Path,
                 processes: int = 1) -> servers.Server:
    """``workers``: query worker processes of the ``workers`` application; ``processes``: uvicorn's own."""
    port = servers.free_port()
    argv = ["env", f"STORE={store_dir}", f"UNION={int(union)}", f"WORKERS={workers}",
            servers.executable("uvicorn"), f"bench.floor_app:{app}", "--host", servers.HOST, "--port", str(port),
            "--no-access-log", "--log-level", "warning", "--app-dir", str(HERE.parent), "--workers", str(processes)]
    return servers.Server(system, "disk", argv, port, "/sparql", "/sparql?query=ASK%7B%7D", logs / f"{system}.log")


def measure(size: int, plan: Plan, work: Path, results: Results, say, seed: int = 0) -> None:
    corpus = generate(work / f"corpus-{size}.nq", size, seed)
    store_dir = work / f"store-{size}"
    loading.bulk_load(corpus.path, store_dir)
    copies = {}
    for name in ("unkg", "floor"):  # unkg opens its own for writing; the floors share one, read-only
        copies[name] = work / f"floor-{name}-store-{size}"
        shutil.rmtree(copies[name], ignore_errors=True)
        shutil.copytree(store_dir, copies[name])
    logs = work / "logs"
    say(f"\n== {_short(size)}: {corpus.triples} triples")
    started: list[servers.Server] = []
    try:
        unkg = servers.unkg(copies["unkg"], logs)
        unkg.start()
        started.append(unkg)
        union = servers.union_default_graph(unkg)
        oxigraph = servers.oxigraph_disk(store_dir, logs)
        oxigraph.argv += ["--union-default-graph"] if union else []
        oxigraph.start()
        started.append(oxigraph)
        for system, app, processes in FLOORS:
            floor = floor_server(system, app, copies["floor"], union, workers=2, logs=logs, processes=processes)
            floor.start()
            started.append(floor)
        check_answers(corpus, started, union, results, say)
        time_workloads(corpus, started, union, plan, results, say)
    finally:
        for server in started:
            server.stop()
        for copy in copies.values():
            shutil.rmtree(copy, ignore_errors=True)


def markdown(data: dict, checks: list[str], notes: list[str], header: str) -> str:
    runs = data["runs"]
    lines = ["# How close can a Python server come?", "", header, "", f"Machine: {data['machine']}", "",
             "Throughput as a ratio to `oxigraph serve` (disk) in the same run; the CPU time per request of each "
             "server's processes in brackets.", "",
             "| triples | workload | concurrency | " + " | ".join(ORDER) + " |",
             "|---|---|---|" + "---|" * len(ORDER)]
    for size in sorted({r["triples"] for r in runs}):
        for workload in WORKLOADS:
            for concurrency in sorted({r["concurrency"] for r in runs}):
                cells = []
                reference = _find(runs, "oxigraph", "disk", size, workload, concurrency)
                for system in ORDER:
                    row = _find(runs, system, "disk", size, workload, concurrency)
                    if row is None or reference is None:
                        cells.append("")
                    elif system == "oxigraph":
                        cells.append(f"{row['rps']:.0f} req/s ({row['server_cpu_ms']:.2f} ms)")
                    else:
                        cells.append(f"{_ratio(row['rps'], reference['rps']):.2f}x ({row['server_cpu_ms']:.2f} ms)")
                lines.append(f"| {size} | {workload} | {concurrency} | " + " | ".join(cells) + " |")
    lines += ["", "Peak RSS (MiB, the whole process tree):", "", "| triples | " + " | ".join(ORDER) + " |",
              "|---|" + "---|" * len(ORDER)]
    for size in sorted({r["triples"] for r in runs}):
        peaks = [max((r["rss_mb"] for r in runs if r["system"] == s and r["triples"] == size), default=0.0)
                 for s in ORDER]
        lines.append(f"| {size} | " + " | ".join(f"{p:.0f}" for p in peaks) + " |")
    lines += ["", "## Answers", "", *[f"- {c}" for c in checks]]
    if notes:
        lines += ["", "## Notes", "", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=(10_000, 100_000), help="corpus sizes, e.g. 10k,100k")
    parser.add_argument("--requests", type=int, default=600, help="requests at concurrency 1 (twice at 16)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where floor.json/.md go")
    parser.add_argument("--work", type=Path, default=HERE / "results" / "raw", help="corpora, stores, logs")
    args = parser.parse_args(argv)
    plan = Plan(sizes=args.sizes, incremental_sizes=(), pipeline_max=0, rdflib_max=0,
                requests={1: args.requests, 16: 2 * args.requests}, rounds=5, cell_limit_s=60.0,
                incremental_repeats=0, ceiling_requests=0, name="FLOOR")
    began = time.perf_counter()
    args.work.mkdir(parents=True, exist_ok=True)
    results = Results(machine=machine())
    print(f"machine: {results.machine}")
    for size in args.sizes:
        measure(size, plan, args.work, results, print)
    args.out.mkdir(parents=True, exist_ok=True)
    data = results.as_json()
    (args.out / "floor.json").write_text(json.dumps({"runs": data["runs"], "machine": data["machine"]}, indent=1)
                                         + "\n", encoding="utf-8")
    header = (f"`python -m bench.floor --sizes {','.join(map(_short, args.sizes))} --requests {args.requests}`: "
              f"{args.requests} requests at concurrency 1 and {2 * args.requests} at 16 per workload and system, in "
              f"5 rounds with the systems taking turns. Took {time.perf_counter() - began:.0f} s. The servers are "
              "described in `bench/floor.py`.")
    (args.out / "floor.md").write_text(markdown(data, results.checks, results.notes, header), encoding="utf-8")
    print(f"wrote {args.out / 'floor.json'} and floor.md in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
