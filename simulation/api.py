"""The public API: load a scenario, run it, get results.

Thin layers (the CLI, experiments, notebooks, the dashboard, sweeps) call
these functions and nothing deeper.
"""

from __future__ import annotations

import datetime as _dt

from simulation.errors import FocussimError
from simulation.results import Results, package_versions
from simulation.rng import STREAMS
from simulation.runner import ENGINES, Progress, run_replications
from simulation.scenario.loader import scenario_hash
from simulation.scenario.schema import Scenario

__all__ = ["ENGINES", "run"]

DEFAULT_DAYS = 730


def run(
    scenario: Scenario | None = None,
    engine: str = "mesa",
    days: int = DEFAULT_DAYS,
    replications: int = 1,
    seed: int = 0,
    progress: Progress | None = None,
    workers: int = 1,
) -> Results:
    """Run a scenario and return its results.

    Args:
        scenario: a validated scenario (``simulation.load_scenario``); defaults when ``None``.
        engine: ``"mesa"`` (the reference engine).
        days: business days to simulate (default two years).
        replications: independent replications; replication ``r`` uses the streams of ``(seed, r)``.
        seed: the run's seed.
        progress: optional ``callback(done, total)`` in replication-days.
        workers: processes running replications in parallel; the numbers do not depend on it.

    Returns:
        :class:`simulation.results.Results` with ``.daily``, ``.summary()`` and ``.save(dir)``.
    """
    scenario = scenario if scenario is not None else Scenario()
    if engine not in ENGINES:
        raise FocussimError(f"engine = {engine!r}: allowed: {', '.join(ENGINES)}")
    if int(days) < 1:
        raise FocussimError(f"days = {days!r}: allowed: a whole number of at least 1")
    if int(replications) < 1:
        raise FocussimError(f"replications = {replications!r}: allowed: a whole number of at least 1")
    if int(seed) < 0:
        raise FocussimError(f"seed = {seed!r}: allowed: a whole number of at least 0")
    started = _dt.datetime.now(_dt.UTC)
    if int(workers) < 1:
        raise FocussimError(f"workers = {workers!r}: allowed: a whole number of at least 1")
    daily, wall = run_replications(scenario, engine, int(days), int(replications), int(seed), progress, int(workers))
    provenance = {
        "scenario": scenario.name,
        "description": scenario.description,
        "scenario_hash": scenario_hash(scenario),
        "parameters": scenario.flat(),
        "engine": engine,
        "days": int(days),
        "replications": int(replications),
        "workers": int(workers),
        "seed": int(seed),
        # Stream k of replication r is SeedSequence(entropy=seed, spawn_key=(r, k)).
        "seeding": "numpy.random.SeedSequence(entropy=seed, spawn_key=(replication, stream_index))",
        "streams": list(STREAMS),
        "packages": package_versions(),
        "started_utc": started.isoformat(timespec="seconds"),
        "wall_time_s": round(wall, 3),
    }
    return Results(daily=daily, provenance=provenance)
