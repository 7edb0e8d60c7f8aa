"""Running replications: seeds, engines, progress.

The runner owns seeding and the day count (not ``mesa.batch_run``): the
replication ``r`` of a run with seed ``S`` always uses the streams of
``(S, r)`` (see :mod:`simulation.rng`), so results do not depend on how
many workers run or in which order.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from simulation.metrics import DAILY_COLUMNS, KEY_COLUMNS
from simulation.scenario.schema import Scenario

__all__ = ["ENGINES", "Progress", "run_replications", "run_mesa_replication"]

#: progress(done, total) with replication-days as the unit.
Progress = Callable[[int, int], None]

ENGINES: tuple[str, ...] = ("mesa",)

# Count-like columns stored as integers; the rest as float64.
_INT_COLUMNS = {"active_customers", "churned", "new_customers", "referrals", "contacts", "served", "abandoned",
                "employees", "frontline", "quits", "hires", "vacancies", "exceptions", "escalations", "grants",
                "breaches", "handoffs", "handoff_failures"}


def run_mesa_replication(scenario: Scenario, days: int, seed: int, replication: int,
                         progress: Callable[[], None] | None = None) -> pd.DataFrame:
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


def run_replications(scenario: Scenario, engine: str, days: int, replications: int, seed: int,
                     progress: Progress | None = None) -> tuple[pd.DataFrame, float]:
    """Run ``replications`` replications; returns the tidy daily table and the wall time (s)."""
    if engine not in ENGINES:
        from simulation.errors import FocussimError

        raise FocussimError(f"engine = {engine!r}: allowed: {', '.join(ENGINES)}")
    total = days * replications
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    t0 = time.perf_counter()
    frames = [run_mesa_replication(scenario, days, seed, r, tick) for r in range(replications)]
    wall = time.perf_counter() - t0
    daily = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*KEY_COLUMNS, *DAILY_COLUMNS])
    for col in DAILY_COLUMNS:
        daily[col] = daily[col].astype("int64" if col in _INT_COLUMNS else "float64")
    daily["scenario"] = daily["scenario"].astype("string")
    return daily, wall
