"""Benchmark: the numba engine against the mesa reference engine, in one run.

Question: how much faster is the numba engine per replication, how well does it
use the cores, how does it scale with the firm size, how much memory do many
replications need and how close is it to the cost of its random numbers alone?
Writes a markdown section (between ``<!-- bench_engines:start -->`` and
``<!-- bench_engines:end -->``) into docs/performance.md (or --out), keeping the
rest of the file, and prints it. Timings are measured here, never asserted in tests.

    python experiments/bench_engines.py [--quick] [--out docs/performance.md]

Full mode takes several minutes (one two-year mesa replication alone is ~90 s,
a cold JIT compile ~60 s); --quick uses a tiny firm for mesa, short horizons
where stated, and skips the cold compile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from numba import njit

from simulation.doc_tables import write_block
from simulation.metrics import DAILY_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
START = "<!-- bench_engines:start -->"  # the markers doc_tables.write_block uses for "bench_engines"
END = "<!-- bench_engines:end -->"
DAYS = 730
TINY = {"customers.initial": 400, "firm.frontline": 4, "firm.back_office": 1, "firm.managers": 1}
# The default firm and its market (market.size, 20,000 people by default), scaled together: a market smaller than
# the customer base is not a valid scenario.
BASE_SIZE = {
    "customers.initial": 5000,
    "firm.frontline": 40,
    "firm.back_office": 10,
    "firm.managers": 4,
    "market.size": 20000,
}
JIT_CMD = (
    "from simulation.engines.numba_engine import run_one, pack; "
    "from simulation.scenario.schema import Scenario; "
    "run_one(pack(Scenario()), 1, 0, 0)"
)

# Row labels (the test checks that every one of them is in the table).
LABELS = (
    "mesa: seconds per replication",
    "numba: ms per replication, 1 thread",
    "numba: ms per replication, 1 thread (customer_focused)",
    "numba: ms per replication, all cores",
    "parallel efficiency (1 thread / all cores)",
    "JIT compile, cold",
    "JIT compile, from cache",
    "speed-up numba / mesa per replication",
    "service encounters per second (numba, 1 thread)",
    "scaling: ms per replication by firm size",
    "scaling exponent b (time ~ size^b)",
    "peak memory, many replications (summary output)",
    f"output arrays for 10,000 x 730 days x {len(DAILY_COLUMNS)} metrics, float32",
    f"output arrays for 10,000 x 730 days x {len(DAILY_COLUMNS)} metrics, float64",
    "RNG floor: ms per replication",
    "engine time / RNG floor",
    "RNG floor, block draws: ms per replication",
    "engine time / block-draw floor",
    "machine control: parallel efficiency of the RNG floor",
    "10,000 two-year replications on all cores",
)


# --------------------------------------------------------------------------- machine


def cpu_model() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return cpu


def ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        pass
    return None


def machine() -> str:
    ram = ram_gib()
    ram_text = f", {ram:.0f} GiB RAM" if ram is not None else ""
    return f"{cpu_model()}, {os.cpu_count()} cores{ram_text}, Python {platform.python_version()}"


# --------------------------------------------------------------------------- RNG floor


@njit(nogil=True, cache=True)
def rng_floor(gen, customer_days, contacts, handoffs, employee_days):  # pragma: no cover - jitted
    """Draw the random numbers of one replication and nothing else (scalar draws, one generator)."""
    acc = 0.0
    for _ in range(customer_days):
        acc += gen.random()  # churn
    for _ in range(contacts):
        acc += gen.exponential(1.0)  # arrival time (Poisson process)
        acc += gen.exponential(1.0)  # owner spacing
        acc += gen.random()  # shuffle
        acc += gen.exponential(1.0)  # patience
        acc += gen.standard_gamma(2.0)  # handle time
        acc += gen.random()  # resolution
        acc += gen.random()  # repeat decision
        acc += gen.random()  # exception check 1
        acc += gen.random()  # exception check 2
        acc += gen.random()  # hand-off check
    for _ in range(handoffs):
        acc += gen.random()
        acc += gen.exponential(1.0)
        acc += gen.standard_gamma(2.0)
    for _ in range(employee_days):
        acc += gen.normal()  # performance noise
        acc += gen.random()  # quit
        acc += gen.random()  # rota
    return acc


@njit(nogil=True, cache=True)
def rng_floor_blocks(gen, days, customer_days, contacts, handoffs, employee_days):  # pragma: no cover - jitted
    """The same numbers as :func:`rng_floor`, drawn the way the engine draws them: one block (array) per
    kind of number per day, read back once."""
    acc = 0.0
    for _ in range(days):
        cd, ct, ho, ed = customer_days // days, contacts // days, handoffs // days, employee_days // days
        for block in (
            gen.random(cd),
            gen.standard_exponential(3 * ct + ho),
            gen.random(6 * ct + ho + 2 * ed),
            gen.standard_gamma(2.0, ct + ho),
            gen.standard_normal(ed),
        ):
            for x in block:
                acc += x
    return acc


# --------------------------------------------------------------------------- helpers


def scaled(factor: float) -> dict[str, int]:
    return {k: int(round(v * factor)) for k, v in BASE_SIZE.items()}


def run_numba(params, days: int, reps: int, threads: int = 1, first: int = 0) -> tuple[float, np.ndarray]:
    """Wall seconds for ``reps`` replications on ``threads`` threads, and the summed workload counts."""
    from simulation.engines.numba_engine import run_one

    t0 = time.perf_counter()
    if threads == 1:
        results = [run_one(params, days, 0, first + r) for r in range(reps)]
    else:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda r: run_one(params, days, 0, first + r), range(reps)))
    wall = time.perf_counter() - t0
    return wall, np.sum([c for _, c in results], axis=0)


PEAK_EPILOGUE = """
import resource, sys
peak = None
try:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
except OSError:
    pass
if peak is None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("PEAK_KIB", peak)
"""


def timed_child(code: str, env: dict[str, str] | None = None, timeout: float = 7200) -> tuple[float, int]:
    """Run ``code`` in a fresh Python process: its wall seconds and its own peak RSS in KiB.

    The child reports its peak itself (``VmHWM``): ``ru_maxrss`` of a child (``RUSAGE_CHILDREN``
    or ``wait4``) also counts the parent's resident memory at the fork, i.e. this script's.
    """
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code + "\n" + PEAK_EPILOGUE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"subprocess failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("PEAK_KIB ")]
    return wall, int(peak[-1])


def fit_exponent(sizes: list[float], times: list[float]) -> float:
    """Least-squares slope of log(time) on log(size)."""
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def status(ok: bool) -> str:
    return "met" if ok else "**not met**"


def write_section(path: Path, section: str) -> None:
    """Replace the marked section of ``path`` (or append it), keeping the rest of the file."""
    write_block(path, "bench_engines", section)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny mesa firm, short horizons, no cold compile")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = ap.parse_args(argv)
    quick = args.quick

    import numba

    from simulation.engines.numba_engine import N_COLUMNS, pack, run_one
    from simulation.runner import run_mesa_replication
    from simulation.scenario.loader import load_scenario

    threads = os.cpu_count() or 1
    default = load_scenario(None)
    customer = load_scenario(str(ROOT / "scenarios" / "customer_focused.yaml"))
    p_default, p_customer = pack(default), pack(customer)
    run_one(p_default, 2, 0, 0)  # load (or compile) the kernels before timing anything

    def log(msg: str) -> None:
        print(f"[bench_engines] {msg}", file=sys.stderr, flush=True)

    rows: list[tuple[str, str, str]] = []

    # 1. mesa, one replication.
    if quick:
        mesa_scn, mesa_days, mesa_note = (
            load_scenario(None, overrides=TINY),
            10,
            "QUICK: 400 customers, 4 frontline, 10 days",
        )
    else:
        mesa_scn, mesa_days, mesa_note = default, DAYS, "default firm (5,000 customers, 40 frontline), 730 days"
    log(f"mesa: 1 replication, {mesa_days} days")
    t0 = time.perf_counter()
    run_mesa_replication(mesa_scn, mesa_days, 0, 0)
    mesa_s = time.perf_counter() - t0
    rows.append((LABELS[0], f"{mesa_s:.2f}", f"s; {mesa_note}; one process"))

    # 2. numba, one thread (default and customer_focused).
    reps1 = 2 if quick else 8
    log(f"numba: {reps1} replications on 1 thread")
    wall1, counts1 = run_numba(p_default, DAYS, reps1)
    ms1 = 1000 * wall1 / reps1
    rows.append((LABELS[1], f"{ms1:.0f}", f"ms; default scenario, 730 days, mean of {reps1}"))
    wall_c, _ = run_numba(p_customer, DAYS, reps1)
    rows.append((LABELS[2], f"{1000 * wall_c / reps1:.0f}", f"ms; customer_focused.yaml, 730 days, mean of {reps1}"))

    # 3. numba, all cores.
    reps_all = (2 if quick else 4) * threads
    log(f"numba: {reps_all} replications on {threads} threads")
    wall_all, _ = run_numba(p_default, DAYS, reps_all, threads=threads, first=100)
    ms_all = 1000 * wall_all / reps_all
    efficiency = ms1 / ms_all
    rows.append((LABELS[3], f"{ms_all:.0f}", f"ms; {threads} threads, wall of {reps_all} replications / {reps_all}"))
    rows.append((LABELS[4], f"{efficiency:.2f}x", f"on {threads} cores (ideal {threads:.1f}x)"))

    # 4. JIT compile, cold and from cache.
    if quick:
        rows.append((LABELS[5], "skipped", "skipped in quick mode"))
        log("JIT: from the project cache")
        jit_cached, base_rss = timed_child(JIT_CMD)
        rows.append((LABELS[6], f"{jit_cached:.1f}", "s; fresh process, project cache, includes Python + imports"))
    else:
        with tempfile.TemporaryDirectory(prefix="numba_cache_") as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache}
            log("JIT: cold compile into a fresh cache directory (about a minute)")
            jit_cold, _ = timed_child(JIT_CMD, env=env)
            log("JIT: from that cache")
            jit_cached, base_rss = timed_child(JIT_CMD, env=env)
        rows.append((LABELS[5], f"{jit_cold:.1f}", "s; fresh process, empty NUMBA_CACHE_DIR, includes imports"))
        rows.append((LABELS[6], f"{jit_cached:.1f}", "s; fresh process, same cache dir, includes Python + imports"))

    # 5. speed-up on the same days and firm size (one thread each).
    if quick:
        p_tiny = pack(mesa_scn)
        n_tiny = 50
        wall_tiny, _ = run_numba(p_tiny, mesa_days, n_tiny)
        numba_same_ms = 1000 * wall_tiny / n_tiny
        same_note = f"QUICK: tiny firm, {mesa_days} days (numba mean of {n_tiny}); not representative"
    else:
        numba_same_ms = ms1
        same_note = "default firm, 730 days, one thread each"
    speedup = 1000 * mesa_s / numba_same_ms
    rows.append((LABELS[7], f"{speedup:.0f}x", same_note))

    # 6. service encounters per second.
    eps = counts1[1] / wall1
    rows.append((LABELS[8], f"{eps:,.0f}", f"contacts / s; {counts1[1] / reps1:,.0f} contacts per replication"))

    # 7. scaling with the firm size (load held constant).
    factors = [1, 2] if quick else [1, 2, 5, 10]
    scale_days = 60 if quick else DAYS
    log(f"scaling: sizes {factors}x, {scale_days} days")
    scale_ms = []
    for f in factors:
        p = pack(load_scenario(None, overrides=scaled(f)))
        run_one(p, 1, 0, 0)  # no timing of first-touch allocations of a new size
        reps = 2 if f <= 2 else 1
        w, _ = run_numba(p, scale_days, reps, first=200)
        scale_ms.append(1000 * w / reps)
    b = fit_exponent([float(f) for f in factors], scale_ms)
    points = ", ".join(f"{5 * f}k: {ms:.0f}" for f, ms in zip(factors, scale_ms, strict=True))
    rows.append((LABELS[9], points, f"ms; customers 5k-{5 * factors[-1]}k, staff in proportion, {scale_days} days"))
    rows.append((LABELS[10], f"{b:.2f}", "least squares on logs" + (" (QUICK: two points)" if quick else "")))

    # 8. memory.
    mem_reps, mem_days = (4, 30) if quick else (200, DAYS)
    log(f"memory: {mem_reps} replications x {mem_days} days in a subprocess")
    mem_code = (
        "import simulation; simulation.run(None, engine='numba', "
        f"days={mem_days}, replications={mem_reps}, seed=0, workers={threads}, output='summary', "
        "warmup_days=0)"  # the engine's memory for these days, as every other row measures: no warm-up
    )
    _, mem_rss = timed_child(mem_code)
    rows.append(
        (
            LABELS[11],
            f"{mem_rss / 1024:.0f}",
            f"MiB peak RSS of a subprocess (its VmHWM), measured for {mem_reps} x {mem_days} days "
            f"(10,000 x 730 would take about an hour); one that only loads the kernels: {base_rss / 1024:.0f} MiB",
        )
    )
    cells = 10_000 * DAYS * N_COLUMNS
    rows.append(
        (
            LABELS[12],
            f"{cells * 4 / 2**30:.2f}",
            "GiB; computed, not measured (compact mode; summary keeps no daily table)",
        )
    )
    rows.append((LABELS[13], f"{cells * 8 / 2**30:.2f}", "GiB; computed, not measured (daily mode)"))

    # 9. RNG floor from the workload counts of the one-thread replications.
    cd, ct, ed, ho = (int(round(x / reps1)) for x in counts1)
    gen = np.random.default_rng(0)
    rng_floor(gen, 10, 10, 10, 10)  # compile (or load) before timing
    n_floor = 2 if quick else 5
    t0 = time.perf_counter()
    for _ in range(n_floor):
        rng_floor(gen, cd, ct, ho, ed)
    floor_ms = 1000 * (time.perf_counter() - t0) / n_floor
    draws = cd + 10 * ct + 3 * ho + 3 * ed
    ratio = ms1 / floor_ms
    rows.append((LABELS[14], f"{floor_ms:.0f}", f"ms; {draws / 1e6:.1f} M scalar draws per replication, 1 thread"))
    rows.append((LABELS[15], f"{ratio:.1f}x", "numba 1-thread ms / floor ms"))
    rng_floor_blocks(gen, 1, 10, 10, 10, 10)
    t0 = time.perf_counter()
    for _ in range(n_floor):
        rng_floor_blocks(gen, DAYS, cd, ct, ho, ed)
    blocks_ms = 1000 * (time.perf_counter() - t0) / n_floor
    rows.append((LABELS[16], f"{blocks_ms:.0f}", "ms; the same numbers in blocks (array fills), as the engine draws"))
    rows.append((LABELS[17], f"{ms1 / blocks_ms:.1f}x", "numba 1-thread ms / block floor ms"))

    # Control: the same floor kernel (no engine, no shared state) on all cores. If this is far
    # from the core count, the machine, not the engine, limits the parallel efficiency.
    jobs = [(np.random.default_rng(i), cd // 4, ct // 4, ho // 4, ed // 4) for i in range(2 * threads)]
    t0 = time.perf_counter()
    for job in jobs:
        rng_floor(*job)
    serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda job: rng_floor(*job), jobs))
    control = serial / (time.perf_counter() - t0)
    rows.append((LABELS[18], f"{control:.2f}x", f"{len(jobs)} floor kernels, 1 thread vs {threads} threads"))

    # 10. estimate for 10,000 replications.
    minutes = ms_all * 10_000 / 1000 / 60
    rows.append((LABELS[19], f"{minutes:.1f}", f"minutes; estimated from the all-cores row ({threads} threads)"))

    # The section.
    targets = [
        ("numba >= 300x mesa per replication", f"{speedup:.0f}x", speedup >= 300),
        (f"10,000 two-year replications < 5 min on {threads} cores", f"{minutes:.1f} min", minutes < 5),
        (
            "parallel efficiency >= 1.7x (2 cores)",
            f"{efficiency:.2f}x (control: {control:.2f}x)",
            efficiency >= 1.7,
        ),
        ("scaling exponent <= 1.1", f"{b:.2f}", b <= 1.1),
        (
            "within 3x of the RNG floor (a bare loop of scalar draws)",
            f"{ratio:.1f}x (block-draw floor: {ms1 / blocks_ms:.1f}x)",
            ratio <= 3,
        ),
    ]
    mode = "QUICK MODE (smoke test; mesa and scaling numbers are not representative)" if quick else "full mode"
    lines = [
        "## Engines: numba against mesa",
        "",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. "
        f"numba {numba.__version__}, numpy {np.__version__}. {mode}.",
        f"Measured by `python experiments/bench_engines.py{' --quick' if quick else ''}`; seed 0; "
        "default scenario unless stated.",
        "",
        "| quantity | value | unit / notes |",
        "|---|---:|---|",
    ]
    lines += [f"| {label} | {value} | {note} |" for label, value, note in rows]
    lines += ["", "| target | measured | status |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {status(ok)} |" for name, value, ok in targets]
    if quick:
        lines += ["", "Quick mode: the cold JIT compile is skipped; the speed-up compares a tiny firm over 10 days."]
    section = "\n".join(lines)
    write_section(args.out, section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
