"""Running replications: seeds, engines, progress.

The runner owns seeding and the day count (not ``mesa.batch_run``): the
replication ``r`` of a run with seed ``S`` always uses the streams of
``(S, r)`` (see :mod:`simulation.rng`), so results do not depend on how
many workers run or in which order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np
import pandas as pd

from simulation.metrics import DAILY_COLUMNS, KEY_COLUMNS, METRICS
from simulation.scenario.schema import Scenario

__all__ = ["ENGINES", "Progress", "run_replications", "run_mesa_replication"]

#: progress(done, total) with replication-days as the unit.
Progress = Callable[[int, int], None]

ENGINES: tuple[str, ...] = ("mesa",)


def run_mesa_replication(
    scenario: Scenario, days: int, seed: int, replication: int, progress: Callable[[], None] | None = None
) -> pd.DataFrame:
    """One replication of the mesa engine as a tidy daily table."""
    from simulation.engines.mesa_engine import FirmModel  # engines import mesa: keep it lazy

    model = FirmModel(scenario, seed=seed, replication=replication)
    for _ in range(days):
        model.step()
        if progress is not None:
            progress()
    df = pd.DataFrame(model.rows, columns=list(DAILY_COLUMNS))
    df.insert(0, "day", np.arange(1, days + 1, dtype=np.int32))
    df.insert(0, "replication", np.int32(replication))
    df.insert(0, "scenario", scenario.name)
    return df


def _mesa_job(args: tuple[Scenario, int, int, int]) -> pd.DataFrame:
    """Process-pool entry point (module level so it pickles under ``spawn``)."""
    scenario, days, seed, replication = args
    return run_mesa_replication(scenario, days, seed, replication)


def run_replications(
    scenario: Scenario,
    engine: str,
    days: int,
    replications: int,
    seed: int,
    progress: Progress | None = None,
    workers: int = 1,
) -> tuple[pd.DataFrame, float]:
    """Run ``replications`` replications; returns the tidy daily table and the wall time (s).

    With ``workers > 1`` replications run in a process pool; each replication
    draws only from its own streams, so the table is identical for any
    number of workers.
    """
    if engine not in ENGINES:
        from simulation.errors import FocussimError

        raise FocussimError(f"engine = {engine!r}: allowed: {', '.join(ENGINES)}")
    total = days * replications
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    t0 = time.perf_counter()
    workers = max(1, min(int(workers), replications))
    if workers == 1:
        frames = [run_mesa_replication(scenario, days, seed, r, tick) for r in range(replications)]
    else:
        frames = [pd.DataFrame()] * replications
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_mesa_job, (scenario, days, seed, r)): r for r in range(replications)}
            for fut in as_completed(futures):
                frames[futures[fut]] = fut.result()
                tick(days)
    wall = time.perf_counter() - t0
    daily = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*KEY_COLUMNS, *DAILY_COLUMNS])
    for col in DAILY_COLUMNS:
        daily[col] = daily[col].astype(METRICS[col].dtype)  # type: ignore[call-overload]
    daily["scenario"] = daily["scenario"].astype("string")
    return daily, wall
