"""Benchmark: how long does the mesa reference engine take?

Question: what does one replication of each archetype cost at the default size
(two years), per simulated day and per service encounter? Writes its marked
section of docs/performance.md (or --out), naming the machine. Timings are
measured here, never asserted in tests.

    python experiments/bench_mesa.py [--days 730] [--quick] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import simulation
from simulation.doc_tables import write_block

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engines import machine  # noqa: E402  (the same machine description in both tables)

ROOT = Path(__file__).resolve().parents[1]
ARCHETYPES = ("operations_focused", "customer_focused")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="a small firm for 20 days (smoke test)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = ap.parse_args(argv)
    overrides = {}
    if args.quick:
        overrides = {"customers.initial": 300, "firm.frontline": 4, "firm.back_office": 1, "firm.managers": 1}
        args.days = 20
    rows = []
    for name in ARCHETYPES:
        scenario = simulation.load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides=overrides)
        t0 = time.perf_counter()
        # No warm-up: the timing is per simulated day, so the run simulates exactly the days it divides by.
        res = simulation.run(scenario, days=args.days, replications=1, seed=args.seed, warmup_days=0)
        wall = time.perf_counter() - t0
        served = int(res.daily["served"].sum() + res.daily["abandoned"].sum())
        rows.append((name, args.days, wall, 1000 * wall / args.days, served, served / wall))
    lines = [
        "## The mesa reference engine",
        "",
        f"Machine: {machine()}. One replication, one process, seed {args.seed}"
        + (" (quick mode: a small firm)" if args.quick else ", default firm size")
        + ".",
        "Measured by `python experiments/bench_mesa.py`.",
        "",
        "| scenario | days | wall time (s) | ms per simulated day | encounters | encounters per second |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {n} | {d} | {w:.1f} | {ms:.0f} | {e:,} | {eps:,.0f} |" for n, d, w, ms, e, eps in rows]
    write_block(args.out, "bench_mesa", "\n".join(lines))  # the rest of the file (other benchmarks) stays
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
