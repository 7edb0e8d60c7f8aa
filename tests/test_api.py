"""The public API: ``simulation.run`` and the :class:`simulation.Results` it returns."""

from __future__ import annotations

import json
import math
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulation
from simulation import FocussimError, Results, Scenario, load_scenario, scenario_hash
from simulation.metrics import COUNT_COLUMNS, DAILY_COLUMNS, HEADLINE, KEY_COLUMNS, METRICS

SMALL = {"customers.initial": 400, "firm.frontline": 5, "firm.back_office": 1, "firm.managers": 1}
DAYS, REPS, SEED = 8, 3, 21
#: The API's mechanics (shapes, dtypes, provenance, progress) from the initial state: no warm-up, so the mesa
#: runs stay short and the counts exact (the warm-up is tested in tests/test_warmup.py).
NO_WARMUP = 0

#: Count-like metrics (customers, contacts, employees, cases): whole numbers.


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(None, overrides=SMALL)


@pytest.fixture(scope="module")
def results(scenario: Scenario) -> Results:
    return simulation.run(scenario, engine="mesa", days=DAYS, replications=REPS, seed=SEED, warmup_days=NO_WARMUP)


def test_daily_table_shape(results: Results, scenario: Scenario) -> None:
    daily = results.daily
    assert isinstance(results, Results)
    assert list(daily.columns) == [*KEY_COLUMNS, *DAILY_COLUMNS]
    assert len(daily) == DAYS * REPS
    assert not daily.duplicated(["replication", "day"]).any()
    assert set(daily["scenario"]) == {scenario.name}
    for rep in range(REPS):
        days = daily.loc[daily["replication"] == rep, "day"].tolist()
        assert days == list(range(1, DAYS + 1))
    assert sorted(daily["replication"].unique()) == list(range(REPS))


def test_count_columns_are_integers(results: Results) -> None:
    daily = results.daily
    for col in COUNT_COLUMNS:
        assert pd.api.types.is_integer_dtype(daily[col]), (col, daily[col].dtype)
    for col in DAILY_COLUMNS:
        if col not in COUNT_COLUMNS:
            assert pd.api.types.is_float_dtype(daily[col]), (col, daily[col].dtype)
    assert pd.api.types.is_integer_dtype(daily["day"])
    assert pd.api.types.is_integer_dtype(daily["replication"])


def test_summary(results: Results, scenario: Scenario) -> None:
    summary = results.summary()
    assert list(summary.columns) == [
        "scenario",
        "metric",
        "unit",
        "mean",
        "p5",
        "p95",
        "replications",
    ]
    assert summary["metric"].tolist() == list(HEADLINE)
    assert set(summary["scenario"]) == {scenario.name}
    for row in summary.itertuples(index=False):
        assert row.unit, row.metric
        if not (math.isfinite(row.mean) and math.isfinite(row.p5) and math.isfinite(row.p95)):
            continue
        tol = 1e-9 * max(1.0, abs(row.mean))
        assert row.p5 - tol <= row.mean <= row.p95 + tol, row
        assert row.replications == REPS
    # Flows are summarised as run totals.
    units = dict(zip(summary["metric"], summary["unit"], strict=True))
    assert units["churned"] == "customers (run total)"
    assert units["active_customers"] == METRICS["active_customers"].unit


def test_per_replication_levels_and_flows(results: Results) -> None:
    per_rep = results.per_replication()
    daily = results.daily
    assert len(per_rep) == REPS
    assert sorted(per_rep["replication"].tolist()) == list(range(REPS))
    for rep in range(REPS):
        g = daily[daily["replication"] == rep].sort_values("day")
        row = per_rep[per_rep["replication"] == rep].iloc[0]
        for name in DAILY_COLUMNS:
            kind = METRICS[name].kind
            if kind == "flow":
                assert math.isclose(row[name], g[name].sum(), rel_tol=1e-12, abs_tol=1e-9), name
            elif kind == "level":
                assert row[name] == g[name].iloc[-1], name
            else:
                assert math.isclose(row[name], g[name].mean(), rel_tol=1e-12, abs_tol=1e-12), name
        for name in ("churn_rate_annual", "turnover_annual", "retention_annual", "cost_per_served_usd"):
            assert name in per_rep.columns
        years = DAYS / 365.0
        churn = g["churned"].sum() / g["active_customers"].mean() / years
        assert math.isclose(row["churn_rate_annual"], churn, rel_tol=1e-12)
        assert math.isclose(row["retention_annual"], 1.0 - churn, rel_tol=1e-12, abs_tol=1e-12)


def test_save_writes_three_files_with_provenance(results: Results, scenario: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "run"
    paths = results.save(out)
    assert sorted(p.name for p in paths) == ["daily.parquet", "replications.csv", "run.json", "summary.csv"]
    for p in paths:
        assert p.is_file() and p.parent == out

    back = pd.read_parquet(out / "daily.parquet")
    pd.testing.assert_frame_equal(back, results.daily)

    summary = pd.read_csv(out / "summary.csv")
    assert summary["metric"].tolist() == list(HEADLINE)
    np.testing.assert_allclose(summary["mean"], results.summary()["mean"], rtol=1e-12)

    meta = json.loads((out / "run.json").read_text())
    assert meta["scenario_hash"] == scenario_hash(scenario)
    assert meta["parameters"] == scenario.flat()
    assert meta["seed"] == SEED
    assert meta["replications"] == REPS
    assert meta["days"] == DAYS
    assert meta["warmup_days"] == NO_WARMUP
    assert meta["engine"] == "mesa"
    assert meta["scenario"] == scenario.name
    assert meta["packages"]["mesa"] == metadata.version("mesa")
    assert meta["packages"]["numpy"] == metadata.version("numpy")
    assert isinstance(meta["wall_time_s"], (int, float)) and meta["wall_time_s"] >= 0
    assert meta == json.loads(json.dumps(results.provenance, default=str))


def test_progress_callback_counts_replication_days(scenario: Scenario) -> None:
    calls: list[tuple[int, int]] = []
    simulation.run(
        scenario, days=4, replications=2, seed=1, progress=lambda d, t: calls.append((d, t)), warmup_days=NO_WARMUP
    )
    assert calls
    done = [d for d, _ in calls]
    assert all(b > a for a, b in zip(done, done[1:], strict=False))
    assert {t for _, t in calls} == {8}
    assert done[-1] == 8


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"engine": "nope"}, "engine"),
        ({"days": 0}, "days"),
        ({"replications": 0}, "replications"),
        ({"seed": -1}, "seed"),
        ({"workers": 0}, "workers"),
    ],
)
def test_bad_arguments_raise_one_line_errors(scenario: Scenario, kwargs: dict, name: str) -> None:
    args = {"days": 1, "replications": 1, "seed": 0, **kwargs}
    with pytest.raises(FocussimError) as info:
        simulation.run(scenario, **args)
    message = str(info.value)
    assert "\n" not in message
    assert name in message


def test_run_without_a_scenario_uses_the_defaults() -> None:
    res = simulation.run(days=1, warmup_days=NO_WARMUP)  # the default firm in mesa: a year's warm-up takes ~45 s
    assert res.provenance["scenario_hash"] == scenario_hash(Scenario())
    assert res.provenance["parameters"] == Scenario().flat()
    assert res.provenance["engine"] == "mesa" and res.provenance["seed"] == 0
    assert res.provenance["replications"] == 1 and res.provenance["days"] == 1
    assert len(res.daily) == 1
    assert res.daily["scenario"].iloc[0] == "base"
    assert res.daily["employees"].iloc[0] + res.daily["vacancies"].iloc[0] >= 50
    assert res.daily["active_customers"].iloc[0] > 4000
