"""``python -m bench [--quick] [--sizes 10k,100k,1M]``: run the benchmark, write bench/results/latest.*."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.plan import Plan, parse_size
from bench.report import markdown, plots, targets, write_json
from bench.run import main_with

HERE = Path(__file__).resolve().parent


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return tuple(parse_size(part) for part in text.split(",") if part.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="unkg against oxigraph and "
                                     "rdflib-endpoint: queries, loading, memory. See bench/README.md.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer requests (< 5 min)")
    parser.add_argument("--sizes", type=_sizes, help="corpus sizes the servers are measured at, e.g. 10k,100k,1M,10M")
    parser.add_argument("--seed", type=int, default=0, help="the corpus and the queries depend only on this")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where latest.json/.md and plots go")
    parser.add_argument("--work", type=Path, default=HERE / "results" / "raw",
                        help="corpora, stores and server logs (not committed)")
    args = parser.parse_args(argv)
    plan = Plan.quick() if args.quick else Plan.full()
    if args.sizes:
        plan = plan.with_sizes(args.sizes)
    began = time.perf_counter()
    results = main_with(plan, args.work, args.seed)
    data = results.as_json()
    found = targets(data)
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(data, args.out / "latest.json")
    header = plan.describe() + f". Took {time.perf_counter() - began:.0f} s."
    (args.out / "latest.md").write_text(markdown(data, found, results.checks, results.notes, header),
                                        encoding="utf-8")
    written = plots(data, args.out)
    print("\nTargets:")
    for target in found:
        print("  " + target.line())
    met = sum(t.met for t in found)
    print(f"{met} of {len(found)} targets met; wrote {args.out / 'latest.json'}, latest.md and "
          f"{', '.join(p.name for p in written)} in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
