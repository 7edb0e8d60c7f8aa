"""Running replications: seeds, engines, progress.

The runner owns seeding and the day count (not ``mesa.batch_run``): the
replication ``r`` of a run with seed ``S`` always uses the streams of
``(S, r)`` (see :mod:`simulation.rng`), so results do not depend on how
many workers run or in which order.

The warm-up: with ``warmup_days = W`` an engine simulates ``W + days`` days
and the runner keeps the last ``days``, numbered from 1, so a run starts
from a state the firm reached under its own policies rather than from the
initial state. A switch day counts from the end of the warm-up (the engine
switches on day ``W + day``); a schedule is a sequence of switches, days
strictly increasing. The default warm-up is
:data:`simulation.api.DEFAULT_WARMUP_DAYS`; here ``warmup_days`` defaults to
0 (the runner simulates what it is asked for).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from typing import cast

import numpy as np
import pandas as pd

from simulation.metrics import DAILY_COLUMNS, KEY_COLUMNS, METRICS, replication_table
from simulation.scenario.schema import Scenario

__all__ = [
    "ENGINES",
    "OUTPUTS",
    "Interrupted",
    "Progress",
    "Switch",
    "Switches",
    "as_schedule",
    "is_switch",
    "default_threads",
    "run_replications",
    "run_mesa_replication",
]

#: progress(done, total) with replication-days as the unit.
Progress = Callable[[int, int], None]

ENGINES: tuple[str, ...] = ("mesa", "numba")

#: What a run keeps (see :func:`run_replications`).
OUTPUTS: tuple[str, ...] = ("daily", "compact", "summary")

#: Daily-band quantiles kept by ``output="summary"``.
BAND_QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)

#: A policy switch: ``(scenario_after, day)``, the day counted from the end of the warm-up.
Switch = tuple[Scenario, int]
#: One switch, or a schedule of them (a sequence of switches, days strictly increasing).
Switches = Switch | Sequence[Switch]


def is_switch(switch: object) -> bool:
    """Whether ``switch`` is one switch ``(scenario_after, day)`` (a tuple or list of two, a scenario first)
    rather than a schedule of them."""
    return isinstance(switch, tuple | list) and len(switch) == 2 and isinstance(switch[0], Scenario)


def as_schedule(switch: Switches | None) -> list[Switch]:
    """The switches of ``switch`` in order: none for ``None``, one for a pair ``(scenario_after, day)``, else
    the pairs of the sequence (checked by ``simulation.api._check_switch``, not here)."""
    if switch is None:
        return []
    if is_switch(switch):
        after, day = cast(Switch, switch)
        return [(after, day)]
    return [(after, day) for after, day in cast(Sequence[Switch], switch)]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run; ``partial`` holds the replications that finished (a table, possibly empty)."""

    def __init__(self, partial: pd.DataFrame, done: int, total: int):
        super().__init__(f"interrupted after {done} of {total} replications")
        self.partial = partial
        self.done = done
        self.total = total


def default_threads() -> int:
    """Threads for the numba engine: ``NUMBA_NUM_THREADS`` (all cores unless set)."""
    import numba

    return max(1, int(numba.config.NUMBA_NUM_THREADS))  # type: ignore[attr-defined]


def run_mesa_replication(
    scenario: Scenario,
    days: int,
    seed: int,
    replication: int,
    progress: Callable[[], None] | None = None,
    warmup_days: int = 0,
) -> pd.DataFrame:
    """One replication of the mesa engine as a tidy daily table.

    The model steps ``warmup_days + days`` days; the table keeps the last ``days`` (day 1 is the first
    day after the warm-up). ``progress()`` is called once per simulated day, warm-up days included.
    """
    from simulation.engines.mesa_engine import FirmModel  # engines import mesa: keep it lazy

    model = FirmModel(scenario, seed=seed, replication=replication)
    for _ in range(warmup_days + days):
        model.step()
        if progress is not None:
            progress()
    df = pd.DataFrame(model.rows[warmup_days:], columns=list(DAILY_COLUMNS))
    df.insert(0, "day", np.arange(1, days + 1, dtype=np.int32))
    df.insert(0, "replication", np.int32(replication))
    df.insert(0, "scenario", scenario.name)
    return df


def _mesa_job(args: tuple[Scenario, int, int, int, int]) -> pd.DataFrame:
    """Process-pool entry point (module level so it pickles under ``spawn``)."""
    scenario, days, seed, replication, warmup_days = args
    return run_mesa_replication(scenario, days, seed, replication, warmup_days=warmup_days)


def _tidy(cube: np.ndarray, name: str, replications: np.ndarray, compact: bool) -> pd.DataFrame:
    """The tidy daily table of a (replications x days x metrics) array."""
    reps, days, _ = cube.shape
    flat = cube.reshape(reps * days, len(DAILY_COLUMNS))
    data: dict[str, object] = {
        "scenario": pd.array([name] * (reps * days), dtype="string"),
        "replication": np.repeat(replications.astype(np.int32), days),
        "day": np.tile(np.arange(1, days + 1, dtype=np.int32), reps),
    }
    for j, col in enumerate(DAILY_COLUMNS):
        dtype = METRICS[col].dtype
        if compact:
            dtype = "int32" if dtype == "int64" else "float32"
        values = flat[:, j]
        data[col] = np.rint(values).astype(dtype) if dtype.startswith("int") else values.astype(dtype)
    return pd.DataFrame(data)


def daily_bands(cube: np.ndarray, name: str) -> pd.DataFrame:
    """Per day and metric: mean and quantiles across replications (a tidy long table)."""
    reps, days, n = cube.shape
    rows = []
    for j, col in enumerate(DAILY_COLUMNS):
        x = cube[:, :, j].astype(np.float64)
        with np.errstate(all="ignore"):
            q = np.nanquantile(x, BAND_QUANTILES, axis=0)
            mean = np.nanmean(x, axis=0)
        frame = pd.DataFrame({"scenario": name, "metric": col, "day": np.arange(1, days + 1), "mean": mean})
        for k, qq in enumerate(BAND_QUANTILES):
            frame[f"q{round(qq * 100):02d}"] = q[k]
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    out["scenario"] = out["scenario"].astype("string")
    return out


def _run_numba(
    scenario: Scenario,
    days: int,
    replications: int,
    seed: int,
    tick: Callable[[int], None],
    threads: int,
    dtype: type,
    switch: Switches | None = None,
    warmup_days: int = 0,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Numba replications in a thread pool (the kernels release the GIL).

    Each replication simulates ``warmup_days + days`` days (each switch on ``warmup_days + day``); the cube
    keeps the last ``days``. Returns the (replications x days x metrics) array, a mask of finished
    replications and whether Ctrl-C stopped the run (then waiting replications were cancelled and
    running ones finished).
    """
    from simulation.engines.numba_engine import pack, run_one  # compiles (or loads) the kernels

    params = pack(scenario)
    after = [(pack(s), warmup_days + int(day)) for s, day in as_schedule(switch)]
    cube: np.ndarray = np.zeros((replications, days, len(DAILY_COLUMNS)), dtype=dtype)
    finished = np.zeros(replications, dtype=bool)
    simulated = warmup_days + days

    def job(r: int) -> int:
        table, _ = run_one(params, simulated, seed, r, after)
        cube[r] = table[warmup_days:]
        return r

    pool = ThreadPoolExecutor(max_workers=threads)
    futures = [pool.submit(job, r) for r in range(replications)]
    try:
        for fut in as_completed(futures):
            finished[fut.result()] = True
            tick(simulated)
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        for fut in futures:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                finished[fut.result()] = True
        return cube, finished, True
    pool.shutdown(wait=True)
    return cube, finished, False


def run_replications(
    scenario: Scenario,
    engine: str,
    days: int,
    replications: int,
    seed: int,
    progress: Progress | None = None,
    workers: int = 1,
    output: str = "daily",
    switch: Switches | None = None,
    warmup_days: int = 0,
) -> tuple[pd.DataFrame, float, dict[str, pd.DataFrame]]:
    """Run ``replications`` replications; returns the daily table, the wall time (s) and extra tables.

    ``warmup_days``: days simulated before day 1 and dropped from every table (the engines run
    ``warmup_days + days`` days). ``switch = (scenario_after, day)``: the policies of ``scenario_after``
    apply after ``day`` days counted from the end of the warm-up (numba engine only); a sequence of such
    pairs is a schedule (days strictly increasing), each switch in turn. Progress counts
    replication-days including the warm-up: its total is ``(warmup_days + days) * replications``.

    ``workers`` are processes (mesa) or threads (numba); each replication draws only from its own
    streams, so the numbers are identical for any number of workers. ``output`` chooses what is kept:
    ``"daily"`` the full daily table (float64 / int64); ``"compact"`` the same in float32 / int32
    (half the memory); ``"summary"`` no daily table, only per-replication run values and daily bands
    (mean and quantiles across replications). Extra tables: ``"per_replication"`` (numba engine) and
    ``"bands"`` (summary output).

    Raises:
        Interrupted: on Ctrl-C, carrying the daily table of the replications that finished.
    """
    from simulation.errors import FocussimError

    if engine not in ENGINES:
        raise FocussimError(f"engine = {engine!r}: allowed: {', '.join(ENGINES)}")
    if output not in OUTPUTS:
        raise FocussimError(f"output = {output!r}: allowed: {', '.join(OUTPUTS)}")
    if int(warmup_days) < 0:
        raise FocussimError(f"warmup_days = {warmup_days!r}: allowed: a whole number of at least 0")
    warmup_days = int(warmup_days)
    if engine == "numba":
        return _run_numba_replications(
            scenario, days, replications, seed, progress, workers, output, switch, warmup_days
        )
    if switch is not None:
        raise FocussimError("a policy switch runs on the numba engine: allowed: engine='numba'")
    total = (warmup_days + days) * replications
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    t0 = time.perf_counter()
    workers = max(1, min(int(workers), replications))
    if workers == 1:
        frames = [run_mesa_replication(scenario, days, seed, r, tick, warmup_days) for r in range(replications)]
    else:
        frames = [pd.DataFrame()] * replications
        with ProcessPoolExecutor(max_workers=workers) as pool:
            jobs = {pool.submit(_mesa_job, (scenario, days, seed, r, warmup_days)): r for r in range(replications)}
            for fut in as_completed(jobs):
                frames[jobs[fut]] = fut.result()
                tick(warmup_days + days)
    wall = time.perf_counter() - t0
    daily = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*KEY_COLUMNS, *DAILY_COLUMNS])
    for col in DAILY_COLUMNS:
        daily[col] = daily[col].astype(METRICS[col].dtype)  # type: ignore[call-overload]
    daily["scenario"] = daily["scenario"].astype("string")
    extra: dict[str, pd.DataFrame] = {}
    if output != "daily":
        cube = np.stack([f[list(DAILY_COLUMNS)].to_numpy(dtype=np.float64) for f in frames])
        if output == "compact":
            daily = _tidy(cube, scenario.name, np.arange(replications), compact=True)
        else:
            extra["bands"] = daily_bands(cube, scenario.name)
            extra["per_replication"] = replication_table(cube, scenario.name)
            daily = daily.iloc[0:0]
    return daily, wall, extra


def _run_numba_replications(
    scenario: Scenario,
    days: int,
    replications: int,
    seed: int,
    progress: Progress | None,
    threads: int,
    output: str,
    switch: Switches | None = None,
    warmup_days: int = 0,
) -> tuple[pd.DataFrame, float, dict[str, pd.DataFrame]]:
    total = (warmup_days + days) * replications
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    t0 = time.perf_counter()
    dtype = np.float64 if output == "daily" else np.float32
    threads = max(1, min(int(threads), replications))
    cube, finished, interrupted = _run_numba(
        scenario, days, replications, seed, tick, threads, dtype, switch, warmup_days
    )
    wall = time.perf_counter() - t0
    reps = np.flatnonzero(finished)
    if interrupted:  # nothing computed is lost: the finished replications come with the exception
        raise Interrupted(_tidy(cube[reps], scenario.name, reps, compact=output != "daily"), len(reps), replications)
    extra = {"per_replication": replication_table(cube, scenario.name)}
    if output == "summary":
        extra["bands"] = daily_bands(cube, scenario.name)
        daily = _tidy(cube[:0], scenario.name, reps[:0], compact=True)
    else:
        daily = _tidy(cube, scenario.name, reps, compact=output == "compact")
    return daily, wall, extra
