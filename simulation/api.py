"""The public API: load a scenario, run it, get results.

Thin layers (the CLI, experiments, notebooks, the dashboard, sweeps) call
these functions and nothing deeper.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import numpy as np

from simulation.errors import FocussimError
from simulation.results import Results, package_versions
from simulation.rng import STREAMS
from simulation.runner import (
    ENGINES,
    OUTPUTS,
    Interrupted,
    Progress,
    Switches,
    as_schedule,
    default_threads,
    is_switch,
    run_replications,
)
from simulation.scenario.loader import scenario_hash
from simulation.scenario.schema import Scenario

__all__ = ["DEFAULT_WARMUP_DAYS", "ENGINES", "OUTPUTS", "Interrupted", "check_warmup_days", "default_engine", "run"]

DEFAULT_DAYS = 730

#: Business days every replication runs under its own policies before day 1 (results, charts and policy
#: switches count from the end of the warm-up). The one default that ``run``, the studies, the command line
#: and the experiment scripts read; chosen by Welch's method in ``experiments/warmup.py`` (330 days on the
#: calibrated archetypes, rounded up to a year; docs/warmup.md).
DEFAULT_WARMUP_DAYS = 365


def check_warmup_days(warmup_days: Any, name: str = "warmup_days") -> int:
    """``warmup_days`` as an int, or a one-line :class:`FocussimError` naming ``name``, the value and what is allowed.

    Allowed: a whole number of at least 0 (an ``int`` or numpy integer; not a bool, a float or a string).
    """
    if isinstance(warmup_days, bool) or not isinstance(warmup_days, int | np.integer) or warmup_days < 0:
        raise FocussimError(
            f"{name} = {warmup_days!r}: allowed: a whole number of days of at least 0 "
            f"(0: no warm-up; default {DEFAULT_WARMUP_DAYS})"
        )
    return int(warmup_days)


def default_engine(replications: int) -> str:
    """The engine used when none is named: ``numba`` for Monte Carlo (more than one replication), else ``mesa``."""
    return "numba" if int(replications) > 1 else "mesa"


def run(
    scenario: Scenario | None = None,
    engine: str | None = None,
    days: int = DEFAULT_DAYS,
    replications: int = 1,
    seed: int = 0,
    progress: Progress | None = None,
    workers: int | None = None,
    output: str = "daily",
    switch: Switches | None = None,
    warmup_days: int = DEFAULT_WARMUP_DAYS,
    cluster: str | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    block: int | None = None,
) -> Results:
    """Run a scenario and return its results.

    Args:
        scenario: a validated scenario (``simulation.load_scenario``); defaults when ``None``.
        engine: ``"mesa"`` (the reference engine: agents and a SimPy day, inspectable) or ``"numba"``
            (the same model over arrays, for Monte Carlo). Default: ``numba`` when
            ``replications > 1``, else ``mesa``.
        days: business days kept (default two years), after the warm-up.
        replications: independent replications; replication ``r`` uses the streams of ``(seed, r)``.
        seed: the run's seed.
        progress: optional ``callback(done, total)`` in replication-days, warm-up days included
            (``total = (warmup_days + days) * replications``).
        workers: replications in parallel: processes (mesa, default 1) or threads (numba, default
            ``NUMBA_NUM_THREADS``, i.e. all cores). The numbers do not depend on it.
        output: ``"daily"`` (full daily table, float64/int64), ``"compact"`` (float32/int32, half
            the memory) or ``"summary"`` (no daily table: per-replication values and daily bands).
        switch: ``(scenario_after, day)``: a policy transition. The firm runs ``scenario``'s policies for
            the warm-up and ``day`` days after it, then ``scenario_after``'s (numba engine). People,
            customers and their state carry over; posts above the old staffing plan open as vacancies,
            posts below it close as their holders leave; managers' consistency moves by the change in the
            policy's mean. Managers, opening hours and the initial customer base must be the same in both
            scenarios. A schedule: a sequence of such pairs, ``[(s1, d1), (s2, d2), ...]`` with days
            strictly increasing, each in ``[0, days)``; the firm switches to ``s1``'s policies on day
            ``d1``, to ``s2``'s on ``d2``, and so on (each switch as above, from the policies before it).
        warmup_days: business days simulated before day 1 under ``scenario``'s policies and dropped
            (default :data:`DEFAULT_WARMUP_DAYS`): the engines run ``warmup_days + days`` days and the
            results keep the last ``days``, numbered from 1. 0: start from the initial state.
        cluster: ``"local:N"``: run the replications in blocks (units) on a Dask LocalCluster of N worker
            processes (:mod:`simulation.distributed`). The numbers do not depend on it.
        scheduler: the address of a running Dask scheduler (``"tcp://host:8786"``), instead of ``cluster``.
        store: a folder where each finished block is written as it completes (:mod:`simulation.store`).
        resume: continue the run stored in ``store``, running only the missing blocks.
        block: replications per unit of work on a cluster or with a store (default 8).

    Returns:
        :class:`simulation.results.Results` with ``.daily``, ``.summary()`` and ``.save(dir)``.

    Raises:
        Interrupted: on Ctrl-C (numba engine), with the finished replications' table in ``.partial``.
    """
    scenario = scenario if scenario is not None else Scenario()
    engine = default_engine(replications) if engine is None else engine
    if workers is None:
        workers = default_threads() if engine == "numba" else 1
    if output not in OUTPUTS:
        raise FocussimError(f"output = {output!r}: allowed: {', '.join(OUTPUTS)}")
    if engine not in ENGINES:
        raise FocussimError(f"engine = {engine!r}: allowed: {', '.join(ENGINES)}")
    if int(days) < 1:
        raise FocussimError(f"days = {days!r}: allowed: a whole number of at least 1")
    if int(replications) < 1:
        raise FocussimError(f"replications = {replications!r}: allowed: a whole number of at least 1")
    if int(seed) < 0:
        raise FocussimError(f"seed = {seed!r}: allowed: a whole number of at least 0")
    warmup = check_warmup_days(warmup_days)
    started = _dt.datetime.now(_dt.UTC)
    if int(workers) < 1:
        raise FocussimError(f"workers = {workers!r}: allowed: a whole number of at least 1")
    if switch is not None:
        _check_switch(scenario, switch, engine, int(days))
        if not is_switch(switch):  # a schedule, as a tuple of pairs (units carry it to workers)
            switch = tuple((after, int(day)) for after, day in as_schedule(switch))
    if cluster is None and scheduler is None and store is None:
        if resume:
            raise FocussimError("resume = True without a store: allowed: store=<the folder of the interrupted run>")
        daily, wall, extra = run_replications(
            scenario, engine, int(days), int(replications), int(seed), progress, int(workers), output, switch, warmup
        )
    else:  # units of replications on a cluster, or stored as they finish: the same numbers
        from simulation.distributed import parse_cluster, run_distributed

        spec = parse_cluster(cluster, scheduler, workers if cluster is None and scheduler is None else None)
        daily, wall, extra = run_distributed(
            scenario,
            engine,
            int(days),
            int(replications),
            int(seed),
            progress,
            output,
            switch,
            warmup,
            spec,
            store,
            resume,
            block,
        )
    provenance = {
        "scenario": scenario.name,
        "description": scenario.description,
        "scenario_hash": scenario_hash(scenario),
        "parameters": scenario.flat(),
        "engine": engine,
        "days": int(days),
        # The engines simulated warmup_days + days days; the tables keep the last `days`, numbered from 1.
        "warmup_days": warmup,
        "replications": int(replications),
        "workers": int(workers),
        "executor": "in process" if cluster is None and scheduler is None else (cluster or f"scheduler {scheduler}"),
        "output": output,
        "seed": int(seed),
        # Stream k of replication r is SeedSequence(entropy=seed, spawn_key=(r, k)).
        "seeding": "numpy.random.SeedSequence(entropy=seed, spawn_key=(replication, stream_index))",
        "streams": list(STREAMS),
        "packages": package_versions(),
        "started_utc": started.isoformat(timespec="seconds"),
        "wall_time_s": round(wall, 3),
    }
    if switch is not None:
        switches = [
            {
                "after_day": int(day),  # counted from the end of the warm-up
                "scenario": after.name,
                "scenario_hash": scenario_hash(after),
                "parameters": after.flat(),
            }
            for after, day in as_schedule(switch)
        ]
        if is_switch(switch):
            provenance["switch"] = switches[0]
        else:  # a schedule: every switch, in order
            provenance["schedule"] = switches
    return Results(
        daily=daily, provenance=provenance, replications=extra.get("per_replication"), bands=extra.get("bands")
    )


#: Keys a policy switch cannot change: the firm's structure, not its policies.
STRUCTURAL_KEYS: tuple[str, ...] = ("firm.managers", "firm.open_minutes_per_day", "customers.initial")


def _check_switch(scenario: Scenario, switch: Switches, engine: str, days: int) -> None:
    """A switch ``(scenario_after, day)`` or a schedule of them, or a one-line :class:`FocussimError`.

    Each day is a whole number in ``[0, days)`` (counted from the end of the warm-up), a schedule's days
    strictly increase, and every scenario after a switch keeps :data:`STRUCTURAL_KEYS` of ``scenario``.
    """
    if engine != "numba":
        raise FocussimError(f"engine = {engine!r}: a policy switch runs on the numba engine: allowed: numba")
    single = is_switch(switch)
    pairs: list[Any]
    if single:
        pairs = [switch]
    elif isinstance(switch, tuple | list) and switch:
        pairs = list(switch)
    else:
        raise FocussimError(
            f"switch = {_short(switch)}: allowed: a pair (scenario_after, day) or a non-empty list of them "
            "(a schedule, days strictly increasing)"
        )
    previous = -1
    before = scenario.flat()
    for i, pair in enumerate(pairs):
        name = "switch" if single else f"switch[{i}]"
        if not is_switch(pair):
            raise FocussimError(
                f"{name} = {_short(pair)}: allowed: a pair (scenario_after, day) with a Scenario and a whole "
                "number of days"
            )
        after, day = pair
        if isinstance(day, bool) or not isinstance(day, int | float | np.integer) or int(day) != day:
            raise FocussimError(f"{name} day = {day!r}: allowed: a whole number of days, from 0 to {days - 1}")
        if not 0 <= int(day) < days:
            raise FocussimError(
                f"{name} day = {day!r}: allowed: a day from 0 to {days - 1} "
                f"(the horizon is {days} days, counted from the end of the warm-up)"
            )
        if int(day) <= previous:
            raise FocussimError(
                f"{name} day = {day!r}: allowed: a day after the previous switch's ({previous}): "
                "a schedule's days strictly increase"
            )
        previous = int(day)
        now = after.flat()
        for key in STRUCTURAL_KEYS:
            if before[key] != now[key]:
                raise FocussimError(
                    f"{after.name}: {key} = {now[key]} differs from {scenario.name}'s {before[key]}: "
                    f"allowed: a policy switch keeps {', '.join(STRUCTURAL_KEYS)} (set them equal)"
                )


def _short(value: Any, limit: int = 60) -> str:
    """``repr(value)`` on one line, cut to ``limit`` characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
