"""The numba engine: the firm model over arrays, one replication per kernel call.

:func:`run_one` runs one replication and returns its daily table as an array
(``days x len(DAILY_COLUMNS)``); :mod:`simulation.runner` runs many of them
in a thread pool (the kernels release the GIL). Each replication draws from
its own named generators (:mod:`simulation.rng`), so results never depend on
the thread count or the order of execution.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

from simulation.engines.numba_engine import _cache

_cache.refresh()  # before the kernels load: a stale cached kernel must not survive a source change

from simulation.engines.numba_engine.model import N_COLUMNS, run_replication  # noqa: E402
from simulation.engines.numba_engine.params import pack  # noqa: E402
from simulation.rng import STREAMS, streams  # noqa: E402

__all__ = ["N_COLUMNS", "pack", "run_one"]


def run_one(
    params: np.ndarray,
    days: int,
    seed: int,
    replication: int,
    switch: tuple[np.ndarray, int] | Sequence[tuple[np.ndarray, int]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One replication: its daily table (``days x N_COLUMNS`` float64) and its workload counts.

    The counts are customer-days, contacts, employee-days and hand-offs plus escalations. ``switch =
    (params_after, day)`` changes the policies from that day on (a policy transition); a sequence of such
    pairs (a schedule, days strictly increasing; empty: no switch) changes them on each of its days.
    """
    gens = streams(seed, replication)
    rngs = tuple(gens[name] for name in STREAMS)
    out = np.zeros((days, N_COLUMNS))
    counts = np.zeros(4)
    if switch is None or len(switch) == 0:
        schedule: list[tuple[np.ndarray, int]] = []
    elif isinstance(switch[0], np.ndarray):  # one pair (params_after, day)
        schedule = [cast(tuple[np.ndarray, int], switch)]
    else:
        schedule = list(cast(Sequence[tuple[np.ndarray, int]], switch))
    switch_days = np.array([int(day) for _, day in schedule], dtype=np.int64)
    if np.any(np.diff(switch_days) <= 0):
        raise ValueError(f"switch days {switch_days.tolist()} are not strictly increasing")
    after = np.zeros((len(schedule), params.shape[0]))
    for i, (row, _) in enumerate(schedule):
        after[i] = row
    run_replication(params, int(days), rngs, out, counts, after, switch_days)
    return out, counts
