"""Benchmark: what a study costs per unit of work, what the Dask scheduler adds, and how it scales.

Question: how long does one unit of work (one design point, a block of replications) take, how much
does the executor add per unit (in process, a LocalCluster, the store's Parquet part and manifest row),
how long does a LocalCluster take to start, and how much faster is a sweep on 1, 2 (and N) local workers?
From these numbers docs/scaling.md plans a million replications on a hundred nodes.

Writes a markdown section (between ``<!-- bench_scaling:start -->`` and ``<!-- bench_scaling:end -->``)
into docs/scaling.md (or --out), keeping the rest of the file, and prints it. Timings are measured here,
never asserted in tests.

    python experiments/bench_scaling.py [--quick] [--workers 1,2] [--out docs/scaling.md]

Full mode takes about three minutes on two cores: a default-size firm, each replication a year's warm-up
and a year (730 simulated days), a sweep of 8 points x 8 replications in units of 4. --quick uses a small
firm and short runs (a smoke test: its numbers mean nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = "<!-- bench_scaling:start -->"
END = "<!-- bench_scaling:end -->"
SMALL = {"customers.initial": 300, "firm.frontline": 3, "firm.back_office": 1, "firm.managers": 1}

#: Row labels of the first table (the test checks each is there).
LABELS = (
    "unit of work: ms per replication, 1 thread",
    "unit of work: seconds per unit",
    "store: ms per unit written",
    "LocalCluster start (with its workers)",
    "scheduler overhead per task, LocalCluster",
    "first unit on a fresh worker, extra",
    "per-unit overhead on a LocalCluster",
)


def _noop(x: int) -> int:
    return x


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small firm and short runs (a smoke test)")
    ap.add_argument("--workers", default="1,2", help="LocalCluster sizes to time, comma separated (default 1,2)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "scaling.md")
    args = ap.parse_args(argv)
    quick = args.quick
    sizes = [int(w) for w in str(args.workers).split(",") if w.strip()]

    import dask
    import distributed

    from simulation import studies
    from simulation.distributed import ClusterSpec, Unit, open_executor, run_unit, warm_numba
    from simulation.doc_tables import write_block
    from simulation.scenario.loader import load_scenario
    from simulation.store import open_store

    def log(msg: str) -> None:
        print(f"[bench_scaling] {msg}", file=sys.stderr, flush=True)

    scenario = load_scenario(str(ROOT / "scenarios" / "customer_focused.yaml"), overrides=SMALL if quick else None)
    days, warmup = (30, 0) if quick else (365, 365)
    points, reps, block = (4, 4, 2) if quick else (8, 8, 4)
    warm_numba()
    load_before = os.getloadavg()[0]

    # 1. one unit in process, one thread
    unit = Unit("u", scenario, "numba", days, warmup, 0, 100, 100 + block, "summary", False)
    run_unit(Unit("w", scenario, "numba", 2, 0, 0, 0, 1, "summary", False))  # first call: imports
    t0 = time.perf_counter()
    tables = run_unit(unit)
    unit_s = time.perf_counter() - t0
    ms_rep = 1000 * unit_s / block

    # 2. the store: one unit's part and manifest row
    n_put = 20 if quick else 100
    with tempfile.TemporaryDirectory() as d:
        store = open_store(d, {"bench": 1}, [f"k{i}" for i in range(n_put)], False, "bench")
        t0 = time.perf_counter()
        for i in range(n_put):
            store.put(f"k{i}", tables)
        put_ms = 1000 * (time.perf_counter() - t0) / n_put
        store.close()

    # 3. a LocalCluster: start, and no-op tasks through the executor (scheduler round trips)
    n_noop = 100 if quick else 1000
    t0 = time.perf_counter()
    with open_executor(ClusterSpec("local", 1), numba=False) as ex:
        start_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        list(ex.map(_noop, list(range(n_noop)), [f"noop-{i}" for i in range(n_noop)]))
        noop_ms = 1000 * (time.perf_counter() - t1) / n_noop
        # a real unit through the cluster: the first on a fresh worker (which loads the kernels from numba's
        # cache), then three more, each paired with the same unit in process (interleaved, so that other
        # jobs on the machine slow both alike); the overhead is the median difference
        t1 = time.perf_counter()
        list(ex.map(run_unit, [unit], ["unit-first"]))
        first_unit_s = time.perf_counter() - t1
        pairs = []
        for i in range(1 if quick else 3):
            t1 = time.perf_counter()
            run_unit(unit)
            here_s = time.perf_counter() - t1
            t1 = time.perf_counter()
            list(ex.map(run_unit, [unit], [f"unit-{i}"]))
            pairs.append((here_s, time.perf_counter() - t1))
        cluster_unit_s = statistics.median(b for _, b in pairs)
        overhead_s = statistics.median(b - a for a, b in pairs)

    # 4. the sweep: in process (1 and all threads) and on LocalClusters, with the cluster's start
    vary = {"recovery.generosity": [round(0.2 + 0.8 * i / (points - 1), 3) for i in range(points)]}
    kw = {"days": days, "replications": reps, "warmup_days": warmup, "seed": 0, "block": block}
    runs: list[tuple[str, float]] = []
    studies.sweep(scenario, {"recovery.generosity": [0.5]}, days=2, replications=1, warmup_days=0)  # imports
    for threads in sorted({1, os.cpu_count() or 1}):
        log(f"sweep in process, {threads} thread(s)")
        t0 = time.perf_counter()
        ref = studies.sweep(scenario, vary, workers=threads, **kw)
        runs.append((f"in process, {threads} thread(s)", time.perf_counter() - t0))
    for n in sizes:
        log(f"sweep on local:{n}")
        t0 = time.perf_counter()
        got = studies.sweep(scenario, vary, cluster=f"local:{n}", **kw)
        runs.append((f"local:{n}", time.perf_counter() - t0))
        assert got.tables["sweep"].equals(ref.tables["sweep"]), "the cluster's tables differ"  # the claim
    units = points * (reps // block)
    reps_total = points * reps
    base = dict(runs)["in process, 1 thread(s)"]

    rows = [
        (LABELS[0], f"{ms_rep:.0f}", f"ms; {block} replications of {warmup} + {days} days, mean"),
        (LABELS[1], f"{unit_s:.2f}", f"s; {block} replications per unit"),
        (LABELS[2], f"{put_ms:.1f}", f"ms; Parquet part ({len(tables['per_replication'])} rows) + SQLite commit"),
        (LABELS[3], f"{start_s:.1f}", "s; 1 worker process, numba cache warm"),
        (LABELS[4], f"{noop_ms:.2f}", f"ms; {n_noop} no-op tasks through the sliding window, 1 worker"),
        (
            LABELS[5],
            f"{1000 * (first_unit_s - cluster_unit_s):.0f}",
            "ms; once per worker: imports and loads the numba kernels from the cache warmed here",
        ),
        (
            LABELS[6],
            f"{1000 * overhead_s:.0f}",
            f"ms; median of {len(pairs)} units on a warm worker minus the same in process (interleaved)",
        ),
    ]
    today = dt.date.today().isoformat()
    load = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    lines = [
        "## Measured on this machine",
        "",
        f"Machine: {machine()}. Date: {today}. dask {dask.__version__}, distributed {distributed.__version__}."
        + (" **QUICK MODE: a small firm, short runs; the numbers mean nothing.**" if quick else ""),
        f"Measured by `python experiments/bench_scaling.py{' --quick' if quick else ''}`; "
        f"{'small firm' if quick else 'customer_focused.yaml at the default size'}, "
        f"{warmup}-day warm-up + {days} days per replication; {load} (other jobs on the machine slow every "
        "row and flatten the speed-ups: compare rows of one run only).",
        "",
        "| quantity | value | unit / notes |",
        "|---|---:|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        "",
        f"A sweep of {points} points x {reps} replications ({reps_total} replications, {units} units of {block}); "
        "wall time including the cluster's start; the tables are identical in every row (checked):",
        "",
        "| executor | wall time (s) | speed-up against 1 thread in process | s per replication |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {wall:.1f} | {base / wall:.2f}x | {wall / reps_total:.3f} |" for name, wall in runs),
    ]
    section = "\n".join(lines) + "\n"
    write_block(args.out, "bench_scaling", section)
    print(section)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
