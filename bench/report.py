"""Results to ``latest.json``, ``latest.md`` and PNG plots; the targets, each with its ratio and verdict.

>>> rows = [{"system": "unkg", "store": "disk", "triples": 10, "workload": "cq-mix", "concurrency": 1,
...          "rps": 80.0, "p50_ms": 1, "p99_ms": 2, "rss_mb": 30},
...         {"system": "oxigraph", "store": "disk", "triples": 10, "workload": "cq-mix", "concurrency": 1,
...          "rps": 100.0, "p50_ms": 1, "p99_ms": 2, "rss_mb": 20}]
>>> [(t.name, round(t.ratio, 2), t.met) for t in targets({"runs": rows, "load": [], "incremental": []})][:1]
[('cq-mix throughput, unkg / oxigraph serve (disk), 10 triples, c1', 0.8, True)]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    name: str
    ratio: float
    goal: str  # e.g. ">= 0.8"
    met: bool

    def line(self) -> str:
        return f"{'MET   ' if self.met else 'MISSED'} {self.name}: {self.ratio:.2f}x (target {self.goal})"


def _find(runs: list[dict], system: str, store: str, triples: int, workload: str, concurrency: int):
    for row in runs:
        if (row["system"], row["store"], row["triples"], row["workload"], row["concurrency"]) == (
                system, store, triples, workload, concurrency):
            return row
    return None


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def targets(data: dict) -> list[Target]:
    """Every target the issue sets, evaluated at every size and concurrency measured."""
    out: list[Target] = []
    runs = data["runs"]
    cells = sorted({(r["triples"], r["concurrency"]) for r in runs if r["system"] == "unkg"})
    for triples, c in cells:
        unkg = _find(runs, "unkg", "disk", triples, "cq-mix", c)
        oxigraph = _find(runs, "oxigraph", "disk", triples, "cq-mix", c)
        rdflib = _find(runs, "rdflib-endpoint", "memory", triples, "cq-mix", c)
        if unkg and oxigraph:
            ratio = _ratio(unkg["rps"], oxigraph["rps"])
            out.append(Target(f"cq-mix throughput, unkg / oxigraph serve (disk), {triples} triples, c{c}",
                              ratio, ">= 0.8", ratio >= 0.8))
        if unkg and rdflib:
            ratio = _ratio(unkg["rps"], rdflib["rps"])
            out.append(Target(f"cq-mix throughput, unkg / rdflib-endpoint, {triples} triples, c{c}",
                              ratio, ">= 20", ratio >= 20))
        unkg_lookup = _find(runs, "unkg", "disk", triples, "lookup", c)
        oxigraph_lookup = _find(runs, "oxigraph", "disk", triples, "lookup", c)
        if unkg_lookup and oxigraph_lookup:
            ratio = _ratio(unkg_lookup["p99_ms"], oxigraph_lookup["p99_ms"])
            out.append(Target(f"lookup p99 latency, unkg / oxigraph serve (disk), {triples} triples, c{c}",
                              ratio, "<= 2", ratio <= 2))
    for triples in sorted({r["triples"] for r in runs if r["system"] == "unkg"}):
        unkg_rss = max((r["rss_mb"] for r in runs if r["system"] == "unkg" and r["triples"] == triples), default=0)
        ox_rss = max((r["rss_mb"] for r in runs if (r["system"], r["store"], r["triples"]) ==
                      ("oxigraph", "disk", triples)), default=0)
        if unkg_rss and ox_rss:
            ratio = _ratio(unkg_rss, ox_rss)
            out.append(Target(f"peak RSS, unkg / oxigraph serve (disk), {triples} triples", ratio, "<= 1.5",
                              ratio <= 1.5))
    loads = {(row["system"], row["triples"]): row["seconds"] for row in data["load"]}
    for (system, triples), seconds in sorted(loads.items()):
        bulk = loads.get(("pyoxigraph", triples))
        if system == "unkg" and bulk:
            ratio = _ratio(bulk, seconds)  # throughput ratio: same triples, so the inverse of the times
            out.append(Target(f"load throughput, unkg pipeline / pyoxigraph bulk load, {triples} triples",
                              ratio, ">= 0.5", ratio >= 0.5))
    incremental = sorted(data["incremental"], key=lambda row: row["store_triples"])
    if len(incremental) >= 2:
        small, large = incremental[0], incremental[-1]
        ratio = _ratio(large["seconds"], small["seconds"])
        out.append(Target(f"one more document, store of {large['store_triples']} / of {small['store_triples']} "
                          "triples", ratio, "<= 2", ratio <= 2))
    return out


def write_json(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def markdown(data: dict, found: list[Target], checks: list[str], notes: list[str], header: str) -> str:
    lines = [f"# Benchmark results\n\n{header}\n\nMachine: {data['machine']}\n", "## Targets\n",
             "| verdict | target | ratio | goal |", "|---|---|---|---|"]
    lines += [f"| {'met' if t.met else '**missed**'} | {t.name} | {t.ratio:.2f}x | {t.goal} |" for t in found]
    lines += ["\n## Queries\n", "CPU ms/req: CPU time per request of the server's processes, and of the load "
              "generator (which shares the machine's cores with them).\n",
              "| system | store | triples | workload | concurrency | req/s | p50 ms | p99 ms | peak RSS MiB | "
              "server CPU ms/req | client CPU ms/req |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(data["runs"], key=lambda r: (r["triples"], r["workload"], r["concurrency"], -r["rps"])):
        cpu = " | ".join(f"{r[key]:.2f}" if key in r else "" for key in ("server_cpu_ms", "client_cpu_ms"))
        lines.append(f"| {r['system']} | {r['store']} | {r['triples']} | {r['workload']} | {r['concurrency']} | "
                     f"{r['rps']:.1f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['rss_mb']:.0f} | {cpu} |")
    lines += ["\n## Loading\n", "| system | triples | seconds | triples/s |", "|---|---|---|---|"]
    for r in sorted(data["load"], key=lambda r: (r["triples"], r["system"])):
        lines.append(f"| {r['system']} | {r['triples']} | {r['seconds']:.2f} | {r['triples'] / r['seconds']:,.0f} |")
    lines += ["\n## One more document (validate and load through unkg's pipeline)\n",
              "| store triples | seconds |", "|---|---|"]
    lines += [f"| {r['store_triples']} | {r['seconds']:.3f} |" for r in data["incremental"]]
    if checks:
        lines += ["\n## Same answers\n", *[f"- {c}" for c in checks]]
    if notes:
        lines += ["\n## Notes\n", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def plots(data: dict, out: Path) -> list[Path]:
    """Throughput and latency by size, load time by size; PNG files in ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    runs = data["runs"]
    series = sorted({(r["system"], r["store"]) for r in runs})
    combos = sorted({(r["workload"], r["concurrency"]) for r in runs})
    for metric, label, name in (("rps", "requests/s", "throughput.png"), ("p99_ms", "p99 latency (ms)",
                                                                           "latency.png")):
        if not combos:
            break
        fig, axes = plt.subplots(1, len(combos), figsize=(4.2 * len(combos), 3.8), squeeze=False)
        for ax, (workload, c) in zip(axes[0], combos, strict=True):
            for system, store in series:
                points = sorted((r["triples"], r[metric]) for r in runs if (r["system"], r["store"], r["workload"],
                                                                            r["concurrency"]) == (system, store,
                                                                                                  workload, c))
                if points:
                    ax.plot(*zip(*points, strict=True), marker="o", label=f"{system} ({store})")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"{workload}, concurrency {c}")
            ax.set_xlabel("triples")
            ax.set_ylabel(label)
            ax.grid(True, which="both", alpha=0.3)
        axes[0][0].legend(fontsize="small")
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
        written.append(out / name)
    fig, ax = plt.subplots(figsize=(6, 4))
    for system in sorted({r["system"] for r in data["load"]}):
        points = sorted((r["triples"], r["seconds"]) for r in data["load"] if r["system"] == system)
        ax.plot(*zip(*points, strict=True), marker="o", label=f"load: {system}")
    if data["incremental"]:
        points = sorted((r["store_triples"], r["seconds"]) for r in data["incremental"])
        ax.plot(*zip(*points, strict=True), marker="s", linestyle="--", label="one more document (unkg)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples (corpus or store)")
    ax.set_ylabel("seconds")
    ax.set_title("Load time by size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(out / "load.png", dpi=110)
    plt.close(fig)
    written.append(out / "load.png")
    return written
