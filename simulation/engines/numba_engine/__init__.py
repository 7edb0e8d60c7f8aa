"""The numba engine: the firm model over arrays, one replication per kernel call.

:func:`run_one` runs one replication and returns its daily table as an array
(``days x len(DAILY_COLUMNS)``); :mod:`simulation.runner` runs many of them
in a thread pool (the kernels release the GIL). Each replication draws from
its own named generators (:mod:`simulation.rng`), so results never depend on
the thread count or the order of execution.
"""

from __future__ import annotations

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
    switch: tuple[np.ndarray, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One replication: its daily table (``days x N_COLUMNS`` float64) and its workload counts.

    The counts are customer-days, contacts, employee-days and hand-offs plus escalations. ``switch =
    (params_after, day)`` changes the policies from that day on (a policy transition).
    """
    gens = streams(seed, replication)
    rngs = tuple(gens[name] for name in STREAMS)
    out = np.zeros((days, N_COLUMNS))
    counts = np.zeros(4)
    after, day = (params, -1) if switch is None else switch
    run_replication(params, int(days), rngs, out, counts, after, int(day))
    return out, counts
