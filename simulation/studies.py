"""Studies: the questions the field asks, as functions of scenarios.

* :func:`compare`: scenarios under common random numbers, paired differences with 90 % intervals.
* :func:`sweep`: a design over parameters (grid or Latin hypercube), one tidy row per point and replication.
* :func:`sensitivity`: Sobol or Morris indices (SALib) of profit, retention and turnover.
* :func:`transition`: switch policy mid-run; the J-curve of cumulative profit against staying put and
  the distribution of the break-even day.
* :func:`discover`: scenario discovery; a Latin hypercube over context parameters, the paired difference
  of a policy against a baseline at each point, and PRIM boxes where a condition (``profit < 0``) holds.

Each returns a :class:`Study`: tidy tables, a provenance record and ``save(dir)``, which writes every
table as Parquet and CSV (the daily table as Parquet only), the charts as PNG and SVG
(:mod:`simulation.charts`) and ``study.json``. The command line (``focussim compare|sweep|sensitivity|
transition``), the experiment scripts and the notebooks are thin layers over these functions.

Common random numbers: replication ``r`` of every scenario and design point draws from the streams of
``(seed, r)``, so differences between scenarios are paired and most of the noise cancels.

Units of work: every study runs as units (one scenario or design point and a block of replications) on
an executor: threads in this process, a Dask LocalCluster (``cluster="local:N"``) or a running scheduler
(``scheduler=ADDRESS``), with the same tables for any of them (:mod:`simulation.distributed`). With
``store=DIR`` each finished unit is written there as it completes and ``resume=True`` continues an
interrupted study (:mod:`simulation.store`); the command line always stores in ``--out``.

Warm-up: every study takes ``warmup_days`` (default :data:`simulation.api.DEFAULT_WARMUP_DAYS`); each
replication of each scenario and design point first runs that many days under its own policies, and
``days``, the tables, the charts and a transition's ``at_day`` count from the end of the warm-up.
``study.json`` records it.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.api import DEFAULT_WARMUP_DAYS, _check_switch, check_warmup_days, default_engine
from simulation.distributed import DEFAULT_BLOCK, Arm, ClusterSpec, parse_cluster, run_arms
from simulation.errors import FocussimError, ScenarioError
from simulation.results import package_versions, run_unit
from simulation.runner import ENGINES
from simulation.scenario.loader import parse_yaml, scenario_hash, with_overrides
from simulation.scenario.schema import Scenario

__all__ = [
    "COMPARE_METRICS",
    "SENSITIVITY_OUTPUTS",
    "SWEEP_METRICS",
    "Study",
    "DISCOVER_METRICS",
    "breakeven_days",
    "compare",
    "discover",
    "design_points",
    "mean_interval",
    "paired_differences",
    "parse_vary",
    "sensitivity",
    "sensitivity_indices",
    "study_provenance",
    "sensitivity_sample",
    "sweep",
    "transition",
]

#: Headline metrics of a comparison (loyalty, cost, attrition, and what drives them).
COMPARE_METRICS: tuple[str, ...] = (
    "retention_annual",
    "nps",
    "satisfaction_mean",
    "profit",
    "revenue",
    "cost_total",
    "cost_training",
    "cost_recovery",
    "cost_per_served_usd",
    "turnover_annual",
    "engagement_mean",
    "first_contact_resolution",
    "failure_demand_share",
)
#: What sweeps chart: loyalty, cost and attrition.
SWEEP_METRICS: tuple[str, ...] = ("retention_annual", "profit", "cost_total", "turnover_annual")
#: The outputs of a sensitivity analysis.
SENSITIVITY_OUTPUTS: tuple[str, ...] = ("profit", "retention_annual", "turnover_annual")
DESIGNS = ("grid", "lhs")
METHODS = ("sobol", "morris")
CONFIDENCE = 0.90

Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- the result


@dataclass
class Study:
    """Tables and provenance of one study; :meth:`save` writes them with their charts."""

    kind: str
    tables: dict[str, pd.DataFrame]
    provenance: dict[str, Any]
    parameters: dict[str, Any] = field(default_factory=dict)

    def figures(self) -> dict[str, Any]:
        """The study's charts (matplotlib figures) by file stem."""
        from simulation import charts

        t = self.tables
        figs: dict[str, Any] = {}
        if "daily" in t:
            figs["loyalty"] = charts.loyalty_figure(t["daily"])
            figs["cost"] = charts.cost_figure(t["daily"])
            figs["attrition"] = charts.attrition_figure(t["daily"])
            figs["failure_demand"] = charts.failure_demand_figure(t["daily"])
        if self.kind == "compare":
            figs["differences"] = charts.paired_difference_figure(t["differences"])
            figs["outcomes"] = charts.outcome_distributions_figure(
                t["replications"], metrics=("retention_annual", "profit", "turnover_annual")
            )
            figs["segments"] = charts.segments_figure(t["replications"])
        elif self.kind == "sweep":
            keys = list(self.parameters["vary"])
            numeric = [k for k in keys if pd.api.types.is_numeric_dtype(t["sweep"][k])]
            if len(keys) == 1:
                figs["sweep"] = charts.sweep_lines_figure(t["sweep"], keys[0], SWEEP_METRICS)
            elif len(numeric) >= 2:
                for metric in SWEEP_METRICS:
                    figs[f"heatmap_{metric}"] = charts.sweep_heatmap_figure(t["sweep"], numeric[0], numeric[1], metric)
            else:
                figs["sweep"] = charts.sweep_lines_figure(t["sweep"], keys[0], SWEEP_METRICS)
        elif self.kind == "sensitivity":
            figs["sensitivity"] = charts.sensitivity_figure(t["indices"])
        elif self.kind == "transition":
            figs["jcurve"] = charts.jcurve_figure(t["jcurve"], t["breakeven"], self.parameters["at_day"])
        elif self.kind == "discover":
            where = self.parameters["where"]
            figs["boxes"] = charts.prim_boxes_figure(
                t["boxes"], title=f"Where {where} ({self.parameters['policy']} minus {self.parameters['baseline']})"
            )
            if len(t["trajectory"]):
                figs["trajectory"] = charts.prim_tradeoff_figure(t["trajectory"])
            keys = list(self.parameters["ranges"])
            shown = _most_restricted(t["boxes"], keys)
            if len(shown) == 2:
                figs["points"] = charts.prim_scatter_figure(t["points"], t["boxes"], shown[0], shown[1])
        return figs

    def save(self, directory: str | Path, charts: bool = True) -> list[Path]:
        """Write the tables (Parquet and CSV; the daily table Parquet only), the charts and study.json."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        for name, table in self.tables.items():
            paths.append(out / f"{name}.parquet")
            table.to_parquet(paths[-1], index=False)
            if name != "daily":  # a daily table as CSV is large and adds nothing Parquet lacks
                paths.append(out / f"{name}.csv")
                table.to_csv(paths[-1], index=False)
        if charts:
            from simulation.charts import save_figure

            for stem, fig in self.figures().items():
                paths.extend(save_figure(fig, out, stem))
        paths.append(out / "study.json")
        record = {"study": self.kind, **self.parameters, **self.provenance}
        paths[-1].write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")
        return paths


def _most_restricted(boxes: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """The two parameters the first box restricts most (by the share of their range cut away)."""
    if len(keys) < 2:
        return []
    if boxes.empty:
        return list(keys[:2])
    g = boxes[boxes["box"] == boxes["box"].min()].set_index("parameter")
    span = (g["range_hi"] - g["range_lo"]).replace(0, 1.0)
    cut = 1 - (g["upper"] - g["lower"]) / span
    return [str(k) for k in cut.sort_values(ascending=False, kind="stable").index[:2]]


def study_provenance(
    scenarios: Sequence[Scenario], days: int, replications: int, seed: int, started: Any, warmup_days: int
) -> dict:
    """The provenance a study records in study.json: each scenario's hash and parameters, the run's size,
    warm-up, seed and seeding rule, package versions and when it ran (``started``: a UTC datetime)."""
    return {
        "scenarios": {s.name: {"hash": scenario_hash(s), "parameters": s.flat()} for s in scenarios},
        "days": int(days),
        # Each replication first ran warmup_days days under its own policies; days count from its end.
        "warmup_days": int(warmup_days),
        "replications": int(replications),
        "seed": int(seed),
        "seeding": "numpy.random.SeedSequence(entropy=seed, spawn_key=(replication, stream_index)); "
        "the same streams for every scenario and design point (common random numbers)",
        "packages": package_versions(),
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def _check_counts(days: int, replications: int, seed: int, warmup_days: int = 0) -> int:
    """Checks the counts before anything runs; returns the warm-up as an int."""
    if int(days) < 1:
        raise FocussimError(f"days = {days!r}: allowed: a whole number of at least 1")
    if int(replications) < 1:
        raise FocussimError(f"replications = {replications!r}: allowed: a whole number of at least 1")
    if int(seed) < 0:
        raise FocussimError(f"seed = {seed!r}: allowed: a whole number of at least 0")
    return check_warmup_days(warmup_days)


# --------------------------------------------------------------------------- units of work


@dataclass(frozen=True)
class _Execution:
    """Where a study's units run and where they are kept (see :func:`_execution`)."""

    spec: ClusterSpec
    store: Path | None
    resume: bool
    block: int


def _execution(
    workers: int | None,
    cluster: str | None,
    scheduler: str | None,
    store: str | Path | None,
    resume: bool,
    block: int | None,
) -> _Execution:
    """Check the execution keywords before anything runs."""
    if workers is not None and (cluster is not None or scheduler is not None):
        raise FocussimError(
            f"workers = {workers} with {'--cluster' if cluster is not None else '--scheduler'}: allowed: one of them "
            "(workers: threads in this process; a cluster: its worker processes)"
        )
    spec = parse_cluster(cluster, scheduler, workers)
    if resume and store is None:
        raise FocussimError("resume = True without a store: allowed: store=<the folder of the interrupted study>")
    size = DEFAULT_BLOCK if block is None else block
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
        raise FocussimError(f"--block = {block!r}: allowed: a whole number of replications per unit of at least 1")
    return _Execution(spec, None if store is None else Path(store), bool(resume), int(size))


def _run_arms(
    kind: str,
    arms: Sequence[Arm],
    days: int,
    replications: int,
    seed: int,
    warmup: int,
    execution: _Execution,
    progress: Progress | None,
    output: str = "daily",
    keep_daily: bool = True,
    inputs: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, pd.DataFrame]]:
    """:func:`simulation.distributed.run_arms` after the policy-switch checks of :func:`simulation.run`."""
    for arm in arms:
        if arm.switch is not None:
            _check_switch(arm.scenario, arm.switch, arm.engine, int(days))
    return run_arms(
        kind,
        arms,
        days,
        replications,
        seed,
        warmup,
        execution.spec,
        progress,
        output=output,
        keep_daily=keep_daily,
        inputs=dict(inputs or {}),
        block=execution.block,
        store=execution.store,
        resume=execution.resume,
    )


def _flat_inputs(scenarios: Mapping[str, Scenario]) -> dict[str, Any]:
    """The base scenarios of a study, as the store records them (so a resume names a changed key)."""
    return {"scenarios": {label: s.flat() for label, s in scenarios.items()}}


def _design_record(points: pd.DataFrame) -> dict[str, Any]:
    return {
        "design": {
            str(int(row["point"])): {k: _plain(v) for k, v in row.items() if k != "point"}
            for row in points.to_dict("records")
        }
    }


# --------------------------------------------------------------------------- compare


def mean_interval(values: Sequence[float] | np.ndarray | pd.Series, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean of ``values`` (e.g. paired per-replication differences) and its two-sided Student t interval.

    Returns ``{"mean", "lo", "hi", "n"}``; non-finite values are dropped; the interval is NaN with fewer than
    two values.
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    mean = float(x.mean()) if n else math.nan
    half = math.nan
    if n >= 2:
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "n": n}


def paired_differences(
    per_rep: pd.DataFrame, baseline: str, metrics: Sequence[str] = COMPARE_METRICS, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Per metric and scenario: the mean paired difference (scenario minus baseline) and its interval.

    ``per_rep`` has one row per (scenario, replication); rows are paired by replication (common random
    numbers). The interval is Student's t at ``confidence`` (two-sided) on the paired differences; it is
    NaN with fewer than two replications.
    """
    base = per_rep[per_rep["scenario"] == baseline].set_index("replication")
    rows = []
    for name in per_rep["scenario"].drop_duplicates():
        if name == baseline:
            continue
        other = per_rep[per_rep["scenario"] == name].set_index("replication")
        reps = base.index.intersection(other.index)
        for metric in metrics:
            m = mean_interval(other.loc[reps, metric] - base.loc[reps, metric], confidence)
            rows.append(
                {
                    "metric": metric,
                    "unit": run_unit(metric),
                    "baseline": baseline,
                    "scenario": name,
                    "mean": m["mean"],
                    "lo": m["lo"],
                    "hi": m["hi"],
                    "baseline_mean": float(base.loc[reps, metric].mean()),
                    "scenario_mean": float(other.loc[reps, metric].mean()),
                    "n": m["n"],
                }
            )
    return pd.DataFrame(rows)


def compare(
    scenarios: Sequence[Scenario],
    days: int = 365,
    replications: int = 30,
    seed: int = 0,
    engine: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    metrics: Sequence[str] = COMPARE_METRICS,
    warmup_days: int = DEFAULT_WARMUP_DAYS,
    warmup_under: Scenario | None = None,
    cluster: str | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    block: int | None = None,
) -> Study:
    """Run ``scenarios`` under common random numbers; the first is the baseline of the differences.

    Each replication first runs ``warmup_days`` days under its scenario's policies (dropped), or, with
    ``warmup_under``, every arm warms up under that scenario's policies and adopts its own on day 1 (a policy
    switch at day 0, numba engine): the arms start from the same firm, and what follows is the policy's effect
    from its adoption.
    Tables: ``daily`` (tidy, every scenario), ``replications`` (run-level values, one row per scenario
    and replication), ``differences`` (:func:`paired_differences`).

    Where it runs (every study takes these): ``workers`` threads in this process (default all cores), or
    ``cluster="local:N"`` (a Dask LocalCluster of N processes), or ``scheduler="tcp://host:port"`` (a
    running Dask scheduler). The unit of work is one scenario and a block of at most ``block``
    replications (default 8); the tables are the same for any choice. ``store``: a folder where each
    finished unit is written as it completes (:mod:`simulation.store`); ``resume=True`` continues a
    study interrupted there, running only the missing units.
    """
    if len(scenarios) < 2:
        raise FocussimError("compare: allowed: at least two scenarios")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise FocussimError(f"compare: scenario names {names} repeat: allowed: distinct names (set name: in the YAML)")
    warmup = _check_counts(days, replications, seed, warmup_days)
    execution = _execution(workers, cluster, scheduler, store, resume, block)
    if engine is not None and engine not in ENGINES:
        raise FocussimError(f"engine = {engine!r}: allowed: {', '.join(ENGINES)}")
    started = _dt.datetime.now(_dt.UTC)
    arms = []
    for i, s in enumerate(scenarios):
        first, switch = _adopting(s, warmup_under)
        arm_engine = "numba" if switch is not None else (engine or default_engine(replications))
        arms.append(Arm(f"a{i:03d}", first, arm_engine, switch))
    inputs = _flat_inputs({s.name: s for s in [*scenarios, *_listed(warmup_under)]})
    ran = _run_arms("compare", arms, days, replications, seed, warmup, execution, progress, inputs=inputs)
    per = pd.concat([ran[a.key]["per_replication"] for a in arms], ignore_index=True)
    tables = {
        "daily": pd.concat([ran[a.key]["daily"] for a in arms], ignore_index=True),
        "replications": per,
        "differences": paired_differences(per, names[0], metrics),
    }
    return Study(
        "compare",
        tables,
        study_provenance([*scenarios, *_listed(warmup_under)], days, replications, seed, started, warmup),
        {
            "baseline": names[0],
            "scenarios": names,
            "confidence": CONFIDENCE,
            "engine": engine or "auto",
            "warmup_under": None if warmup_under is None else warmup_under.name,
            **_execution_record(execution),
        },
    )


def _execution_record(execution: _Execution) -> dict[str, Any]:
    """Where a study ran, for study.json (not part of its numbers)."""
    return {
        "executor": execution.spec.describe(),
        "block": execution.block,
        "store": None if execution.store is None else str(execution.store),
        "resumed": execution.resume,
    }


def _adopting(scenario: Scenario, warmup_under: Scenario | None) -> tuple[Scenario, tuple[Scenario, int] | None]:
    """What to run for an arm: the scenario itself, or ``warmup_under`` (under the arm's name) switching to it
    on day 0 (the first day after the warm-up)."""
    if warmup_under is None:
        return scenario, None
    return with_overrides(warmup_under, {}, name=scenario.name), (scenario, 0)


def _listed(scenario: Scenario | None) -> list[Scenario]:
    return [] if scenario is None else [scenario]


# --------------------------------------------------------------------------- designs


def _field(dotted: str) -> Any:
    """The schema annotation of ``section.key`` (None if unknown; the loader reports unknown keys)."""
    section, _, key = dotted.partition(".")
    sec = Scenario.model_fields.get(section)
    if sec is None or sec.annotation is None:
        return None
    f = getattr(sec.annotation, "model_fields", {}).get(key)
    return None if f is None else f.annotation


def _is_int(dotted: str) -> bool:
    return _field(dotted) is int


def _is_numeric(dotted: str) -> bool:
    return _field(dotted) in (int, float)


def _check_numeric_ranges(ranges: Mapping[str, tuple[float, float]]) -> None:
    """Every key of ``--vary key=lo:hi`` ranges must be a numeric parameter (one line naming it otherwise)."""
    for k, (lo, hi) in ranges.items():
        if not _is_numeric(k):
            raise ScenarioError(
                "--vary",
                k,
                f"{lo}:{hi}",
                problem="not a numeric parameter",
                allowed="numeric parameters (see focussim params)",
            )


def _cast(dotted: str, value: float) -> Any:
    """A design value as the schema wants it: whole numbers for integer parameters."""
    return int(round(value)) if _is_int(dotted) else float(value)


def parse_vary(items: Sequence[str], source: str = "--vary") -> dict[str, list[Any] | tuple[float, float, int | None]]:
    """``key=v1,v2,...`` (values) or ``key=lo:hi[:n]`` (a numeric range, ``n`` evenly spaced points).

    Returns ``{key: [values]}`` or ``{key: (lo, hi, n or None)}``, in the order given.
    """
    allowed = "key=v1,v2,... or key=lo:hi:n (n points) or key=lo:hi, e.g. empowerment.discretion_limit_usd=0:500:6"
    out: dict[str, list[Any] | tuple[float, float, int | None]] = {}
    for item in items:
        key, eq, text = str(item).partition("=")
        key, text = key.strip(), text.strip()
        if not eq or not key or not text:
            raise ScenarioError(source, problem=f"{ScenarioError.short(item)} is not key=values", allowed=allowed)
        if key in out:
            raise ScenarioError(source, key, text, problem="key given twice", allowed="each key once")
        if ":" in text and "," not in text:
            parts = text.split(":")
            try:
                lo, hi = float(parts[0]), float(parts[1])
                n = int(parts[2]) if len(parts) == 3 else None
                if len(parts) > 3:
                    raise ValueError
            except (ValueError, IndexError):
                raise ScenarioError(source, key, text, problem="not a range", allowed=allowed) from None
            if not _is_numeric(key):
                raise ScenarioError(source, key, text, problem="a range needs a numeric parameter", allowed=allowed)
            if not (lo < hi) or (n is not None and n < 2):
                raise ScenarioError(source, key, text, problem="empty range", allowed="lo < hi and n >= 2")
            out[key] = (lo, hi, n)
        else:
            values = [parse_yaml(v.strip(), source) for v in text.split(",") if v.strip()]
            if not values:
                raise ScenarioError(source, key, text, problem="no values", allowed=allowed)
            out[key] = values
    if not out:
        raise ScenarioError(source, problem="nothing to vary", allowed=allowed)
    return out


def design_points(
    vary: Mapping[str, list[Any] | tuple[float, float, int | None]],
    design: str = "grid",
    samples: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The design: one row per point (column ``point``, then one column per varied key).

    ``grid``: every combination (a range ``lo:hi:n`` gives ``n`` evenly spaced values). ``lhs``: ``samples``
    points of a Latin hypercube (scipy.stats.qmc, seeded) over the ranges; a key given as a list of values
    is sampled among them uniformly.
    """
    if design not in DESIGNS:
        raise FocussimError(f"--design = {design!r}: allowed: {', '.join(DESIGNS)}")
    keys = list(vary)
    if design == "grid":
        axes = []
        for k in keys:
            v = vary[k]
            if isinstance(v, tuple):
                lo, hi, n = v
                if n is None:
                    raise ScenarioError(
                        "--vary",
                        k,
                        f"{lo}:{hi}",
                        problem="a grid needs a number of points",
                        allowed="lo:hi:n, e.g. 0:500:6",
                    )
                axes.append([_cast(k, x) for x in np.linspace(lo, hi, n)])
            else:
                axes.append(list(v))
        rows = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*axes)]
    else:
        if samples is None or samples < 2:
            raise FocussimError(f"--samples = {samples}: allowed: a whole number of at least 2 for a Latin hypercube")
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(keys), seed=np.random.default_rng(seed)).random(samples)
        rows = []
        for i in range(samples):
            row = {}
            for j, k in enumerate(keys):
                v = vary[k]
                if isinstance(v, tuple):
                    row[k] = _cast(k, v[0] + u[i, j] * (v[1] - v[0]))
                else:
                    row[k] = v[min(int(u[i, j] * len(v)), len(v) - 1)]
            rows.append(row)
    table = pd.DataFrame(rows, columns=keys)
    table.insert(0, "point", np.arange(len(table)))
    return table


def _point_scenarios(scenario: Scenario, points: pd.DataFrame, keys: Sequence[str]) -> list[Scenario]:
    """Validated scenarios of every design point (all checked before anything runs)."""
    out = []
    for row in points.itertuples(index=False):
        values = {k: _plain(row[i + 1]) for i, k in enumerate(keys)}
        out.append(with_overrides(scenario, values, source="--vary", name=f"{scenario.name}#{row[0]}"))
    return out


def _plain(v: Any) -> Any:
    """numpy scalars as Python values (the schema is strict about types)."""
    return v.item() if isinstance(v, np.generic) else v


def _run_points(
    scenarios: Sequence[Scenario],
    points: pd.DataFrame,
    days: int,
    replications: int,
    seed: int,
    workers: int | None,
    progress: Progress | None,
    warmup_days: int,
    warmup_under: Scenario | None = None,
    execution: _Execution | None = None,
    kind: str = "sweep",
    inputs: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run every point (numba engine, summaries only, after the warm-up, under ``warmup_under`` if given: see
    :func:`compare`); one row per point and replication. Units: (point, block of replications)."""
    if execution is None:
        execution = _execution(workers, None, None, None, False, None)
    arms = []
    for s, point in zip(scenarios, points["point"], strict=True):
        first, switch = _adopting(s, warmup_under)
        arms.append(Arm(f"p{int(point):06d}", first, "numba", switch))
    record = {**dict(inputs or {}), **_design_record(points)}
    ran = _run_arms(
        kind, arms, days, replications, seed, warmup_days, execution, progress, "summary", False, inputs=record
    )
    tables = []
    for arm, point in zip(arms, points.itertuples(index=False), strict=True):
        per = ran[arm.key]["per_replication"].drop(columns=["scenario"])
        for i, col in enumerate(points.columns):
            per.insert(i, col, point[i])
        tables.append(per)
    return pd.concat(tables, ignore_index=True)


def sweep(
    scenario: Scenario,
    vary: Mapping[str, list[Any] | tuple[float, float, int | None]],
    design: str = "grid",
    samples: int | None = None,
    days: int = 365,
    replications: int = 10,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
    warmup_days: int = DEFAULT_WARMUP_DAYS,
    warmup_under: Scenario | None = None,
    cluster: str | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    block: int | None = None,
) -> Study:
    """Run ``scenario`` over a design (:func:`design_points`) on the numba engine.

    Each replication of each point first runs ``warmup_days`` days under that point's policies (dropped), or,
    with ``warmup_under``, under that scenario's, adopting the point's on day 1 (see :func:`compare`).
    Tables: ``design`` (the points), ``sweep`` (one row per point and replication: ``point``, the varied
    keys, ``replication``, then every run-level metric) and ``points`` (mean and 90 % interval of the
    sweep metrics per point). ``cluster``, ``scheduler``, ``store``, ``resume``, ``block``: as in
    :func:`compare` (a unit is a point and a block of replications).
    """
    warmup = _check_counts(days, replications, seed, warmup_days)
    execution = _execution(workers, cluster, scheduler, store, resume, block)
    started = _dt.datetime.now(_dt.UTC)
    points = design_points(vary, design, samples, seed)
    keys = list(vary)
    scenarios = _point_scenarios(scenario, points, keys)
    inputs = _flat_inputs({"base": scenario, **({"warmup_under": warmup_under} if warmup_under else {})})
    table = _run_points(
        scenarios, points, days, replications, seed, workers, progress, warmup, warmup_under, execution, "sweep", inputs
    )
    summary = _point_summary(table, keys)
    return Study(
        "sweep",
        {"design": points, "sweep": table, "points": summary},
        study_provenance([scenario, *_listed(warmup_under)], days, replications, seed, started, warmup),
        {
            "vary": {k: list(v) if isinstance(v, tuple) else v for k, v in vary.items()},
            "design": design,
            "samples": samples,
            "base": scenario.name,
            "warmup_under": None if warmup_under is None else warmup_under.name,
            **_execution_record(execution),
        },
    )


def _point_summary(table: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str] = SWEEP_METRICS) -> pd.DataFrame:
    """Per point: the mean of each metric and its 90 % interval over replications (t)."""
    rows = []
    for point, g in table.groupby("point", sort=True):
        row: dict[str, Any] = {"point": point, **{k: g[k].iloc[0] for k in keys}, "replications": len(g)}
        for m in metrics:
            mi = mean_interval(g[m])
            row.update({m: mi["mean"], f"{m}_lo": mi["lo"], f"{m}_hi": mi["hi"]})
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- sensitivity


def _problem(ranges: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    return {"num_vars": len(ranges), "names": list(ranges), "bounds": [list(map(float, b)) for b in ranges.values()]}


def sensitivity_sample(ranges: Mapping[str, tuple[float, float]], method: str, samples: int, seed: int) -> np.ndarray:
    """SALib's sample for ``method``: Sobol (Saltelli scheme, N (D + 2) points) or Morris (N trajectories)."""
    problem = _problem(ranges)
    if method == "sobol":
        from SALib.sample import sobol as sobol_sample

        return np.asarray(sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed))
    if method == "morris":
        from SALib.sample import morris as morris_sample

        return np.asarray(morris_sample.sample(problem, samples, num_levels=4, seed=seed))
    raise FocussimError(f"--method = {method!r}: allowed: {', '.join(METHODS)}")


def sensitivity_indices(
    ranges: Mapping[str, tuple[float, float]],
    x: np.ndarray,
    y: np.ndarray,
    outputs: Sequence[str],
    method: str,
    seed: int = 0,
) -> pd.DataFrame:
    """Indices per output and input: Sobol S1, ST (with 95 % confidence half-widths) or Morris mu*, sigma."""
    problem = _problem(ranges)
    rows = []
    for j, out in enumerate(outputs):
        yj = np.asarray(y[:, j], dtype=float)
        if method == "sobol":
            from SALib.analyze import sobol

            si = sobol.analyze(problem, yj, calc_second_order=False, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append(
                    {
                        "output": out,
                        "input": name,
                        "S1": si["S1"][i],
                        "S1_conf": si["S1_conf"][i],
                        "ST": si["ST"][i],
                        "ST_conf": si["ST_conf"][i],
                    }
                )
        elif method == "morris":
            from SALib.analyze import morris

            si = morris.analyze(problem, x, yj, num_levels=4, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append(
                    {
                        "output": out,
                        "input": name,
                        "mu_star": si["mu_star"][i],
                        "mu_star_conf": si["mu_star_conf"][i],
                        "sigma": si["sigma"][i],
                    }
                )
        else:
            raise FocussimError(f"--method = {method!r}: allowed: {', '.join(METHODS)}")
    return pd.DataFrame(rows)


def sensitivity(
    scenario: Scenario,
    ranges: Mapping[str, tuple[float, float]],
    method: str = "sobol",
    samples: int = 64,
    days: int = 365,
    replications: int = 4,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
    outputs: Sequence[str] = SENSITIVITY_OUTPUTS,
    warmup_days: int = DEFAULT_WARMUP_DAYS,
    cluster: str | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    block: int | None = None,
) -> Study:
    """Global sensitivity of ``outputs`` to the parameters in ``ranges`` (SALib).

    Each replication of each point first runs ``warmup_days`` days under that point's policies (dropped).
    Each design point is the mean over ``replications`` (common random numbers across points, so the
    replication noise is largely shared). Tables: ``samples`` (one row per point and replication),
    ``indices`` (:func:`sensitivity_indices`). ``cluster``, ``scheduler``, ``store``, ``resume``, ``block``: as
    in :func:`compare`.
    """
    if method not in METHODS:
        raise FocussimError(f"--method = {method!r}: allowed: {', '.join(METHODS)}")
    _check_numeric_ranges(ranges)
    warmup = _check_counts(days, replications, seed, warmup_days)
    execution = _execution(workers, cluster, scheduler, store, resume, block)
    started = _dt.datetime.now(_dt.UTC)
    keys = list(ranges)
    x = sensitivity_sample(ranges, method, samples, seed)
    points = pd.DataFrame({k: [_cast(k, v) for v in x[:, j]] for j, k in enumerate(keys)})
    points.insert(0, "point", np.arange(len(points)))
    scenarios = _point_scenarios(scenario, points, keys)
    inputs = _flat_inputs({"base": scenario})
    table = _run_points(
        scenarios, points, days, replications, seed, workers, progress, warmup, None, execution, "sensitivity", inputs
    )
    y = table.groupby("point", sort=True)[list(outputs)].mean().to_numpy()
    indices = sensitivity_indices(ranges, x, y, outputs, method, seed)
    return Study(
        "sensitivity",
        {"samples": table, "indices": indices},
        study_provenance([scenario], days, replications, seed, started, warmup),
        {
            "ranges": {k: list(v) for k, v in ranges.items()},
            "method": method,
            "samples": samples,
            "points": len(points),
            "outputs": list(outputs),
            "base": scenario.name,
            **_execution_record(execution),
        },
    )


# --------------------------------------------------------------------------- transition


def _median_never_last(days: pd.Series) -> float:
    """The median break-even day over every replication, a missing day (never) counting as after the horizon;
    NaN when half or more never break even."""
    m = float(days.fillna(np.inf).median())
    return m if np.isfinite(m) else float("nan")


def breakeven_days(jcurve: pd.DataFrame, at_day: int) -> pd.DataFrame:
    """Per replication: the first day from which switching stays ahead of staying put until the horizon.

    ``jcurve`` has columns replication, day, delta_cumulative_profit. NaN when switching is behind on
    the last day (no break-even within the horizon).
    """
    rows = []
    for rep, g in jcurve.groupby("replication", sort=True):
        g = g[g["day"] >= at_day].sort_values("day")
        d = g["delta_cumulative_profit"].to_numpy()
        days = g["day"].to_numpy()
        if len(d) == 0 or d[-1] < 0:
            day = math.nan
        else:
            behind = np.flatnonzero(d < 0)
            day = float(days[0] if len(behind) == 0 else days[behind[-1] + 1])
        rows.append({"replication": rep, "breakeven_day": day})
    return pd.DataFrame(rows)


def transition(
    start: Scenario,
    target: Scenario,
    at_day: int,
    days: int = 730,
    replications: int = 30,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
    warmup_days: int = DEFAULT_WARMUP_DAYS,
    cluster: str | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    block: int | None = None,
) -> Study:
    """Switch from ``start``'s policies to ``target``'s on ``at_day``, against staying with ``start``.

    Both arms first run ``warmup_days`` days under ``start``'s policies (dropped); ``at_day`` and the days
    of every table count from the end of the warm-up. Both arms share the random streams (common random
    numbers) and are identical until ``at_day``.
    Tables: ``daily`` (both arms), ``jcurve`` (per replication and day: the difference in cumulative
    profit, switch minus stay, USD), ``breakeven`` (:func:`breakeven_days`) and ``summary``. In the summary,
    ``breakeven_day_median`` is the median over every replication, one that never breaks even counting as
    after the horizon (NaN when half or more never do); ``breakeven_day_median_of_those``, ``_p5`` and
    ``_p95`` are over the replications that break even; ``share_never`` is the share that never does.
    ``cluster``, ``scheduler``, ``store``, ``resume``, ``block``: as in :func:`compare`.
    """
    warmup = _check_counts(days, replications, seed, warmup_days)
    if not (0 <= int(at_day) < int(days)):
        raise FocussimError(
            f"--at-day = {at_day}: allowed: a day from 0 to {int(days) - 1} "
            f"(the horizon is {days} days, counted from the end of the warm-up)"
        )
    execution = _execution(workers, cluster, scheduler, store, resume, block)
    started = _dt.datetime.now(_dt.UTC)
    stay_name = f"stay: {start.name}"
    switch_name = f"switch to {target.name} on day {at_day}"
    arms = [
        Arm("stay", with_overrides(start, {}, name=stay_name)),
        Arm("switch", with_overrides(start, {}, name=switch_name), switch=(target, int(at_day))),
    ]
    inputs = _flat_inputs({"start": start, "target": target})
    ran = _run_arms("transition", arms, days, replications, seed, warmup, execution, progress, inputs=inputs)
    stay_daily, moved_daily = ran["stay"]["daily"], ran["switch"]["daily"]
    cols = ["replication", "day", "profit"]
    a = stay_daily[cols].sort_values(["replication", "day"])
    b = moved_daily[cols].sort_values(["replication", "day"])
    jc = a[["replication", "day"]].copy()
    jc["delta_cumulative_profit"] = (
        b.groupby("replication")["profit"].cumsum().to_numpy() - a.groupby("replication")["profit"].cumsum().to_numpy()
    )
    be = breakeven_days(jc, at_day)
    med = jc.groupby("day")["delta_cumulative_profit"].median()
    last = jc[jc["day"] == jc["day"].max()]["delta_cumulative_profit"]
    summary = pd.DataFrame(
        [
            {
                "at_day": at_day,
                "horizon_days": days,
                "warmup_days": warmup,
                "replications": replications,
                "trough_usd": float(med.min()),
                "trough_day": int(med.index.to_numpy()[med.to_numpy().argmin()]),
                "delta_at_horizon_median_usd": float(last.median()),
                "delta_at_horizon_p5_usd": float(last.quantile(0.05)),
                "delta_at_horizon_p95_usd": float(last.quantile(0.95)),
                "breakeven_day_median": _median_never_last(be["breakeven_day"]),
                "breakeven_day_median_of_those": float(be["breakeven_day"].median()),
                "breakeven_day_p5": float(be["breakeven_day"].quantile(0.05)),
                "breakeven_day_p95": float(be["breakeven_day"].quantile(0.95)),
                "share_never": float(be["breakeven_day"].isna().mean()),
            }
        ]
    )
    return Study(
        "transition",
        {
            "daily": pd.concat([stay_daily, moved_daily], ignore_index=True),
            "jcurve": jc,
            "breakeven": be,
            "summary": summary,
        },
        study_provenance([start, target], days, replications, seed, started, warmup),
        {"start": start.name, "target": target.name, "at_day": int(at_day), **_execution_record(execution)},
    )


# --------------------------------------------------------------------------- discovery

#: Metrics whose paired differences a discovery reports per point (a condition may use any run-level metric).
DISCOVER_METRICS: tuple[str, ...] = COMPARE_METRICS


def discover(
    baseline: Scenario,
    policy: Scenario,
    ranges: Mapping[str, tuple[float, float]],
    samples: int = 64,
    where: str = "profit < 0",
    days: int = 365,
    replications: int = 4,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
    warmup_days: int = DEFAULT_WARMUP_DAYS,
    threshold: float = 0.8,
    max_boxes: int = 2,
    cluster: str | None = None,
    scheduler: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    block: int | None = None,
) -> Study:
    """Scenario discovery: where in the space of contexts does ``where`` hold for ``policy`` against ``baseline``?

    A Latin hypercube of ``samples`` points over ``ranges`` (context parameters, ``{key: (lo, hi)}``, applied
    to both scenarios); at each point both scenarios run ``replications`` replications under common random
    numbers, and the mean paired difference (policy minus baseline) of every run-level metric is the
    point's outcome; ``where`` (:func:`simulation.discovery.parse_where`, e.g. ``"profit < 0"``) on those
    differences marks the points where the condition holds; PRIM (EMA Workbench) finds up to ``max_boxes``
    boxes of the parameter space with a density of at least ``threshold``
    (:func:`simulation.discovery.prim_boxes`), and :func:`simulation.discovery.box_sentence` says what they
    mean. ``where``, ``threshold`` and ``max_boxes`` do not change the simulations: a stored study resumes
    with other values of them without running anything again.

    Tables: ``design`` (the points), ``replications`` (run values per point, arm and replication),
    ``discover`` (per point and replication: the paired difference of each metric), ``points`` (per point:
    the mean differences, their 90 % intervals for the condition's metrics, and ``condition``), ``boxes``,
    ``trajectory`` and ``findings`` (per box: coverage, density, mass, restricted parameters and the
    sentence). ``cluster``, ``scheduler``, ``store``, ``resume``, ``block``: as in :func:`compare`.
    """
    from simulation.discovery import box_sentence, parse_where, prim_boxes

    condition = parse_where(where)
    if baseline.name == policy.name:
        raise FocussimError(
            f"discover: both scenarios are named {policy.name!r}: allowed: distinct names (set name: in the YAML)"
        )
    if not ranges:
        raise FocussimError("--vary: nothing to vary: allowed: key=lo:hi for each context parameter (repeatable)")
    _check_numeric_ranges(ranges)
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 4:
        raise FocussimError(f"--samples = {samples!r}: allowed: a whole number of design points of at least 4")
    if not 0 < float(threshold) <= 1:
        raise FocussimError(f"--threshold = {threshold!r}: allowed: a density between 0 (excluded) and 1")
    if int(max_boxes) < 1:
        raise FocussimError(f"max_boxes = {max_boxes!r}: allowed: a whole number of at least 1")
    warmup = _check_counts(days, replications, seed, warmup_days)
    execution = _execution(workers, cluster, scheduler, store, resume, block)
    started = _dt.datetime.now(_dt.UTC)
    keys = list(ranges)
    points = design_points({k: (float(lo), float(hi), None) for k, (lo, hi) in ranges.items()}, "lhs", samples, seed)
    base_points = _point_scenarios(baseline, points, keys)
    policy_points = _point_scenarios(policy, points, keys)
    arms = []
    for point, at_base, at_policy in zip(points["point"], base_points, policy_points, strict=True):
        arms += [Arm(f"p{int(point):06d}-baseline", at_base), Arm(f"p{int(point):06d}-policy", at_policy)]
    inputs = {**_flat_inputs({"baseline": baseline, "policy": policy}), **_design_record(points)}
    ran = _run_arms(
        "discover", arms, days, replications, seed, warmup, execution, progress, "summary", False, inputs=inputs
    )
    per_rep, diffs = [], []
    for point in points.itertuples(index=False):
        pid = int(point[0])
        values = {k: point[j + 1] for j, k in enumerate(keys)}
        base_t = ran[f"p{pid:06d}-baseline"]["per_replication"]
        policy_t = ran[f"p{pid:06d}-policy"]["per_replication"]
        for arm, t in (("baseline", base_t), ("policy", policy_t)):
            per_rep.append(t.assign(point=pid, arm=arm, **values))
        cols = [c for c in base_t.columns if c not in ("scenario", "replication")]
        d = pd.DataFrame(policy_t[cols].to_numpy(dtype=float) - base_t[cols].to_numpy(dtype=float), columns=cols)
        d.insert(0, "replication", base_t["replication"].to_numpy())
        for j, k in enumerate(keys):
            d.insert(j, k, values[k])
        d.insert(0, "point", pid)
        diffs.append(d)
    replications_table = pd.concat(per_rep, ignore_index=True)
    front = ["point", "arm", *keys, "scenario", "replication"]
    replications_table = replications_table[front + [c for c in replications_table.columns if c not in front]]
    differences = pd.concat(diffs, ignore_index=True)
    summary_metrics = list(dict.fromkeys([*condition.metrics, *DISCOVER_METRICS]))
    rows = []
    for point_id, g in differences.groupby("point", sort=True):
        row: dict[str, Any] = {"point": point_id, **{k: g[k].iloc[0] for k in keys}, "replications": len(g)}
        for m in summary_metrics:
            mi = mean_interval(g[m])
            row[m] = mi["mean"]
            if m in condition.metrics:
                row.update({f"{m}_lo": mi["lo"], f"{m}_hi": mi["hi"]})
        rows.append(row)
    point_table = pd.DataFrame(rows)
    holds = condition.evaluate(point_table)
    point_table["condition"] = holds
    boxes, trajectory = prim_boxes(point_table[keys], holds, threshold=float(threshold), max_boxes=int(max_boxes))
    sentence = box_sentence(boxes, condition, policy.name, baseline.name, int(holds.sum()), len(holds))
    findings = _findings(boxes, sentence)
    return Study(
        "discover",
        {
            "design": points,
            "replications": replications_table,
            "discover": differences,
            "points": point_table,
            "boxes": boxes,
            "trajectory": trajectory,
            "findings": findings,
        },
        study_provenance([baseline, policy], days, replications, seed, started, warmup),
        {
            "baseline": baseline.name,
            "policy": policy.name,
            "ranges": {k: list(v) for k, v in ranges.items()},
            "samples": int(samples),
            "where": condition.text,
            "threshold": float(threshold),
            "max_boxes": int(max_boxes),
            "points_where_it_holds": int(holds.sum()),
            "finding": sentence,
            "prim": "ema_workbench.analysis.prim.Prim (peel_alpha max(0.05, 4 / points), mass_min 0.05); each box "
            "read off its peeling trajectory at the highest coverage with density >= threshold",
            **_execution_record(execution),
        },
    )


def _findings(boxes: pd.DataFrame, sentence: str) -> pd.DataFrame:
    """One row per box: its statistics and restricted parameters, and the study's sentence."""
    rows = []
    for b, g in boxes.groupby("box", sort=True):
        first = g.iloc[0]
        rows.append(
            {
                "box": b,
                "coverage": first["coverage"],
                "density": first["density"],
                "mass": first["mass"],
                "n_points": first["n_points"],
                "restricted": ", ".join(g.loc[g["restricted"], "parameter"]),
                "sentence": sentence,
            }
        )
    if not rows:
        rows.append(
            {"box": 0, "coverage": np.nan, "density": np.nan, "mass": np.nan, "n_points": 0, "restricted": "",
             "sentence": sentence}
        )  # fmt: skip
    return pd.DataFrame(rows)
