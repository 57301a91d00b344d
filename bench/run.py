"""One benchmark run: generate each corpus, load it (pyoxigraph bulk, unkg's pipeline), serve it from every
system at once, check that they give the same answers, then time the workloads with the systems taking
turns; finally the cost of one more document at each store size.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench import client, loading, servers
from bench.compare import difference, same_answer
from bench.generate import Corpus, generate
from bench.plan import Plan, _short
from bench.queries import CQ_MIX, WORKLOADS, queries

MIB = 1024 * 1024


@dataclass
class Results:
    runs: list[dict] = field(default_factory=list)
    load: list[dict] = field(default_factory=list)
    incremental: list[dict] = field(default_factory=list)
    machine: str = ""
    # not part of latest.json, but printed and written to latest.md
    checks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"runs": self.runs, "load": self.load, "incremental": self.incremental, "machine": self.machine}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    memory = psutil.virtual_memory().total / 1024**3
    return (f"{cpu}; {os.cpu_count()} cores; {memory:.0f} GiB; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; load average at start {load}")


@dataclass
class _Cell:
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    def per_request_ms(self, seconds: float) -> float:
        return round(seconds / len(self.latencies_ms) * 1000, 3) if self.latencies_ms else 0.0


def measure_ceiling(plan: Plan, work: Path, say: Callable[[str], None]) -> tuple[float, str]:
    """How fast the client alone goes: ``ASK {}`` against an empty in-memory ``oxigraph serve``."""
    server = servers.oxigraph_memory(work / "logs")
    server.start()
    try:
        result = client.client_ceiling(server.endpoint, "ASK {}", plan.ceiling_requests, concurrency=16)
    finally:
        server.stop()
    line = (f"client ceiling: {result.rps:.0f} req/s at concurrency 16 (ASK {{}} against an empty in-memory "
            f"oxigraph serve, {result.requests} requests, p50 {result.percentile(50):.2f} ms)")
    say(line)
    return result.rps, line


def _start_all(corpus: Corpus, store_dir: Path, plan: Plan, work: Path, say) -> tuple[list[servers.Server], bool]:
    logs = work / "logs"
    unkg_dir = work / f"unkg-store-{corpus.triples}"
    shutil.rmtree(unkg_dir, ignore_errors=True)
    shutil.copytree(store_dir, unkg_dir)  # unkg opens its store for writing: a copy of its own
    started: list[servers.Server] = []
    try:
        unkg = servers.unkg(unkg_dir, logs)
        unkg.start()
        started.append(unkg)
        union = servers.union_default_graph(unkg)
        flag = ["--union-default-graph"] if union else []
        disk = servers.oxigraph_disk(store_dir, logs)
        disk.argv += flag
        memory = servers.oxigraph_memory(logs)
        memory.argv += flag
        peers = [disk, memory]
        if corpus.triples <= plan.rdflib_max * 1.05:
            peers.append(servers.rdflib_endpoint(corpus.path, logs))
        for server in peers:
            began = time.perf_counter()
            server.start(timeout_s=1800)
            started.append(server)
            if server is memory:
                servers.post_nquads(server, corpus.path)
            say(f"  started {server.name} in {time.perf_counter() - began:.1f} s (pid {server.process.pid})")
        if not all(servers.union_default_graph(s) == union for s in started[1:]):
            raise servers.ServerError("the systems disagree on whether the default graph is the union")
        return started, union
    except BaseException:
        for server in started:
            server.stop()
        raise


def check_answers(corpus: Corpus, systems: list[servers.Server], union: bool, results: Results, say) -> None:
    """Ask every system the same sample of queries; compare sorted bindings with oxigraph on disk."""
    sample = queries(corpus, "cq-mix", 2 * len(CQ_MIX), union=union, seed=1)
    sample += queries(corpus, "lookup", 10, union=union, seed=1)
    reference = next(s for s in systems if s.system == "oxigraph" and s.store == "disk")
    expected = client.fetch_results(reference.endpoint, sample)
    for server in systems:
        if server is reference:
            continue
        answers = client.fetch_results(server.endpoint, sample)
        wrong = [i for i, (a, b) in enumerate(zip(expected, answers, strict=True)) if not same_answer(a, b)]
        rows = sum(len(a.get("results", {}).get("bindings", [])) for a in expected)
        line = (f"answers at {_short(corpus.triples)}: {server.name} "
                + (f"same as oxigraph (disk) on all {len(sample)} queries ({rows} rows)" if not wrong else
                   f"DIFFERS on {len(wrong)} of {len(sample)} queries, e.g. "
                   f"{difference(expected[wrong[0]], answers[wrong[0]])}"))
        results.checks.append(line)
        say("  " + line)


def measure_servers(corpus: Corpus, store_dir: Path, plan: Plan, work: Path, results: Results, say) -> None:
    systems, union = _start_all(corpus, store_dir, plan, work, say)
    try:
        say(f"  queries use the {'union default graph' if union else 'GRAPH ?g patterns'}")
        check_answers(corpus, systems, union, results, say)
        time_workloads(corpus, systems, union, plan, results, say)
    finally:
        for server in systems:
            server.stop()


def time_workloads(corpus: Corpus, systems: list[servers.Server], union: bool, plan: Plan, results: Results,
                   say) -> None:
    """Each workload at each concurrency, the systems taking turns round by round; one row of
    ``results.runs`` per system and cell, and each system's peak RSS."""
    rows = []
    for workload in WORKLOADS:
        pool = queries(corpus, workload, max(plan.requests.values()), union=union)
        for concurrency, count in plan.requests.items():
            cells = {id(s): _Cell() for s in systems}
            share = max(1, count // plan.rounds)
            for round_number in range(plan.rounds):
                batch = pool[round_number * share : (round_number + 1) * share]
                for server in systems:
                    with server.sample_rss() as sampled:
                        run = client.run(server.endpoint, batch, concurrency, plan.cell_limit_s / plan.rounds)
                    cell = cells[id(server)]
                    cell.latencies_ms += run.latencies_ms
                    cell.seconds += run.seconds
                    cell.errors += run.errors
                    cell.server_cpu_s += sampled.cpu_seconds
                    cell.client_cpu_s += sampled.client_cpu_seconds
            for server in systems:
                cell = cells[id(server)]
                summary = client.RunResult(cell.latencies_ms, cell.errors, cell.seconds)
                if cell.errors:
                    results.notes.append(f"{server.name} at {_short(corpus.triples)}, {workload} c{concurrency}: "
                                         f"{len(cell.errors)} failed requests, e.g. {cell.errors[0]}")
                row = {"system": server.system, "store": server.store, "triples": corpus.triples,
                       "workload": workload, "concurrency": concurrency, "rps": round(summary.rps, 2),
                       "p50_ms": round(summary.percentile(50), 3), "p99_ms": round(summary.percentile(99), 3),
                       "rss_mb": 0.0, "server_cpu_ms": cell.per_request_ms(cell.server_cpu_s),
                       "client_cpu_ms": cell.per_request_ms(cell.client_cpu_s), "_server": server}
                rows.append(row)
                failed = f"  {len(cell.errors)} errors" if cell.errors else ""
                say(f"  {server.name:26} {workload:7} c{concurrency:<3} {summary.requests:5} req "
                    f"{summary.rps:9.1f} req/s  p50 {summary.percentile(50):8.2f} ms  "
                    f"p99 {summary.percentile(99):8.2f} ms  CPU/req server {row['server_cpu_ms']:.2f} ms, "
                    f"client {row['client_cpu_ms']:.2f} ms{failed}")
    for row in rows:
        row["rss_mb"] = round(row.pop("_server").peak_rss / MIB, 1)
    results.runs += rows
    for server in systems:
        say(f"  peak RSS {server.name}: {server.peak_rss / MIB:.0f} MiB")


def run(plan: Plan, work: Path, say: Callable[[str], None] = print, seed: int = 0) -> Results:
    work.mkdir(parents=True, exist_ok=True)
    results = Results(machine=machine())
    say(plan.describe())
    say(f"machine: {results.machine}")
    ceiling, line = measure_ceiling(plan, work, say)
    results.notes.append(line)
    sizes = sorted(set(plan.sizes) | set(plan.incremental_sizes))
    setup = loading.prepare_pipeline()
    results.notes.append(f"unkg's load times leave out reading and compiling shapes/ and reading ontology/, which a "
                         f"process does once before its first validation: {setup:.2f} s in this run")
    say(f"unkg pipeline: shapes read and compiled once per process in {setup:.2f} s (left out of its load times)")
    for size in sizes:
        began = time.perf_counter()
        corpus = generate(work / f"corpus-{size}.nq", size, seed)
        say(f"\n== {_short(size)}: {corpus.triples} triples in {corpus.documents} meeting documents + UNTOC, "
            f"generated in {time.perf_counter() - began:.1f} s")
        store_dir = work / f"store-{size}"
        seconds = loading.bulk_load(corpus.path, store_dir)  # then compacted: background compaction would
        # otherwise run during the measurements that follow (and fall on the largest store most)
        results.load.append({"system": "pyoxigraph", "triples": corpus.triples, "seconds": round(seconds, 3)})
        say(f"  pyoxigraph bulk load: {seconds:.2f} s ({corpus.triples / seconds:,.0f} triples/s)")
        if size <= plan.pipeline_max:
            seconds = loading.pipeline_load(corpus.path, work / f"pipeline-store-{size}", corpus.base)
            results.load.append({"system": "unkg", "triples": corpus.triples, "seconds": round(seconds, 3)})
            say(f"  unkg pipeline load (parse, validate, write): {seconds:.2f} s "
                f"({corpus.triples / seconds:,.0f} triples/s)")
            shutil.rmtree(work / f"pipeline-store-{size}", ignore_errors=True)
        if size in plan.sizes:
            measure_servers(corpus, store_dir, plan, work, results, say)
            for row in results.runs:
                if row["triples"] == corpus.triples and row["rps"] > 0.5 * ceiling:
                    results.notes.append(
                        f"{row['system']} ({row['store']}) at {_short(size)}, {row['workload']} c{row['concurrency']}: "
                        f"{row['rps']:.0f} req/s is over half the client ceiling; the client shares the 2 cores, "
                        "so this system may be faster than measured")
        if size in plan.incremental_sizes:
            incremental_dir = work / f"incremental-store-{size}"
            shutil.rmtree(incremental_dir, ignore_errors=True)
            shutil.copytree(store_dir, incremental_dir)
            seconds = loading.one_more_document(incremental_dir, corpus, work, plan.incremental_repeats)
            results.incremental.append({"store_triples": corpus.triples, "seconds": round(seconds, 3)})
            say(f"  one more document into {corpus.triples} triples: {seconds * 1000:.0f} ms "
                f"(median of {plan.incremental_repeats})")
            shutil.rmtree(incremental_dir, ignore_errors=True)
        shutil.rmtree(work / f"unkg-store-{corpus.triples}", ignore_errors=True)
    return results


def main_with(plan: Plan, work: Path, seed: int) -> Results:
    try:
        return run(plan, work, seed=seed)
    except (servers.ServerError, client.ClientError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
