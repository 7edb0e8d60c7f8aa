"""The warm-up: runs, switches, studies, provenance, the command line and the experiment scripts; and
Welch's method that chooses its default (``simulation.warmup``).

A run with ``warmup_days=W`` and ``days=D`` must be exactly the last ``D`` days of a run of ``W + D`` days
without a warm-up (every metric; days renumbered from 1), in both engines; a switch on day ``s`` after the
warm-up is a switch on day ``W + s`` of the longer run. Small firms and short horizons keep each run cheap.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_cli_run import ROOT, SMALL_SET, focussim

import simulation
from simulation import studies
from simulation.api import DEFAULT_WARMUP_DAYS
from simulation.errors import FocussimError
from simulation.metrics import DAILY_COLUMNS
from simulation.scenario import load_scenario, with_overrides
from simulation.warmup import (
    OUTPUTS,
    output_matrix,
    recommended_warmup,
    reference_days,
    replication_average,
    welch_smooth,
    welch_truncation,
)

SMALL = {"customers.initial": 300, "firm.frontline": 3, "firm.back_office": 1, "firm.managers": 1}
EXPERIMENTS = ROOT / "experiments"


def small(stem: str = "operations_focused", name: str | None = None) -> simulation.Scenario:
    return with_overrides(load_scenario(ROOT / "scenarios" / f"{stem}.yaml"), SMALL, name=name)


def tail(daily: pd.DataFrame, warmup: int) -> pd.DataFrame:
    """The days after ``warmup`` of a run without warm-up, renumbered from 1."""
    out = daily[daily["day"] > warmup].copy()
    out["day"] = (out["day"] - warmup).astype(daily["day"].dtype)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- runs


@pytest.mark.parametrize("output", ["daily", "compact"])
def test_numba_warmup_is_the_tail_of_a_longer_run(output: str) -> None:
    s = small()
    days, warmup = 20, 37
    warm = simulation.run(s, engine="numba", days=days, replications=3, seed=5, warmup_days=warmup, output=output)
    cold = simulation.run(s, engine="numba", days=warmup + days, replications=3, seed=5, warmup_days=0, output=output)
    assert list(warm.daily.columns[3:]) == list(DAILY_COLUMNS)
    assert warm.daily["day"].tolist() == list(range(1, days + 1)) * 3
    pd.testing.assert_frame_equal(warm.daily.reset_index(drop=True), tail(cold.daily, warmup))
    # The run values come from the kept days only.
    pd.testing.assert_frame_equal(
        warm.per_replication().reset_index(drop=True),
        simulation.metrics.run_values(tail(cold.daily, warmup)).reset_index(drop=True),
        check_dtype=False,
        rtol=1e-5 if output == "compact" else 1e-12,
    )


def test_numba_summary_output_keeps_the_tail_too() -> None:
    s = small()
    warm = simulation.run(s, engine="numba", days=10, replications=2, seed=1, warmup_days=15, output="summary")
    cold = simulation.run(s, engine="numba", days=25, replications=2, seed=1, warmup_days=0)
    bands = warm.daily_bands()
    assert sorted(bands["day"].unique()) == list(range(1, 11))
    expected = tail(cold.daily, 15).groupby("day")["active_customers"].mean().to_numpy()
    got = bands[bands["metric"] == "active_customers"].sort_values("day")["mean"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_mesa_warmup_is_the_tail_of_a_longer_run() -> None:
    s = small("customer_focused")
    warm = simulation.run(s, engine="mesa", days=4, replications=1, seed=2, warmup_days=6)
    cold = simulation.run(s, engine="mesa", days=10, replications=1, seed=2, warmup_days=0)
    assert warm.daily["day"].tolist() == [1, 2, 3, 4]
    pd.testing.assert_frame_equal(warm.daily.reset_index(drop=True), tail(cold.daily, 6))


def test_mesa_warmup_in_worker_processes_matches_one_process() -> None:
    s = small()
    serial = simulation.run(s, engine="mesa", days=3, replications=2, seed=4, workers=1, warmup_days=3).daily
    parallel = simulation.run(s, engine="mesa", days=3, replications=2, seed=4, workers=2, warmup_days=3).daily
    pd.testing.assert_frame_equal(serial, parallel)


def test_a_switch_counts_its_day_from_the_end_of_the_warmup() -> None:
    a, b = small(), small("customer_focused")
    days, warmup, at = 30, 25, 8
    warm = simulation.run(a, engine="numba", days=days, replications=2, seed=3, warmup_days=warmup, switch=(b, at))
    cold = simulation.run(
        a, engine="numba", days=warmup + days, replications=2, seed=3, warmup_days=0, switch=(b, warmup + at)
    )
    pd.testing.assert_frame_equal(warm.daily.reset_index(drop=True), tail(cold.daily, warmup))
    stay = simulation.run(a, engine="numba", days=days, replications=2, seed=3, warmup_days=warmup).daily
    cols = list(DAILY_COLUMNS)
    before, after = warm.daily["day"] <= at, warm.daily["day"] > at
    pd.testing.assert_frame_equal(warm.daily.loc[before, cols], stay.loc[before, cols])  # the warm-up ran a's policies
    assert not warm.daily.loc[after, cols].equals(stay.loc[after, cols])
    assert warm.provenance["switch"]["after_day"] == at and warm.provenance["warmup_days"] == warmup


@pytest.mark.parametrize(("engine", "reps"), [("numba", 3), ("mesa", 1)])
def test_progress_counts_the_warmup_days(engine: str, reps: int) -> None:
    calls: list[tuple[int, int]] = []
    simulation.run(
        small(), engine=engine, days=4, replications=reps, warmup_days=6, progress=lambda d, t: calls.append((d, t))
    )
    assert {t for _, t in calls} == {(6 + 4) * reps}
    assert calls[-1][0] == (6 + 4) * reps


def test_the_default_is_one_constant() -> None:
    for fn in (simulation.run, studies.compare, studies.sweep, studies.sensitivity, studies.transition):
        assert inspect.signature(fn).parameters["warmup_days"].default == DEFAULT_WARMUP_DAYS, fn.__name__
    res = simulation.run(small(), engine="numba", days=2, replications=2)
    assert res.provenance["warmup_days"] == DEFAULT_WARMUP_DAYS


def test_provenance_records_the_warmup(tmp_path: Path) -> None:
    res = simulation.run(small(), engine="numba", days=5, replications=2, seed=1, warmup_days=12)
    res.save(tmp_path)
    meta = json.loads((tmp_path / "run.json").read_text())
    assert meta["warmup_days"] == 12 and meta["days"] == 5


@pytest.mark.parametrize("value", [-1, 1.5, 30.0, "30", True, None])
def test_bad_warmup_values_are_one_line_errors(value: object) -> None:
    with pytest.raises(FocussimError) as info:
        simulation.run(small(), engine="numba", days=2, replications=1, warmup_days=value)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message and "warmup_days" in message and repr(value) in message and "allowed" in message
    with pytest.raises(FocussimError, match="warmup_days"):
        studies.compare([small(), small("customer_focused")], days=2, replications=1, warmup_days=value)  # type: ignore[arg-type]


def test_numpy_integers_are_accepted() -> None:
    res = simulation.run(small(), engine="numba", days=2, replications=2, warmup_days=np.int64(3))
    assert res.provenance["warmup_days"] == 3 and isinstance(res.provenance["warmup_days"], int)


# --------------------------------------------------------------------------- studies


def test_studies_record_and_pass_the_warmup(tmp_path: Path) -> None:
    a, b = small(name="ops"), small("customer_focused", name="cust")
    study = studies.compare([a, b], days=6, replications=2, seed=1, warmup_days=9)
    cold = simulation.run(a, engine="numba", days=15, replications=2, seed=1, warmup_days=0).daily
    daily = study.tables["daily"]
    pd.testing.assert_frame_equal(daily[daily["scenario"] == "ops"].reset_index(drop=True), tail(cold, 9))
    study.save(tmp_path / "cmp", charts=False)
    assert json.loads((tmp_path / "cmp" / "study.json").read_text())["warmup_days"] == 9

    vary = {"recovery.generosity": [0.3, 0.9]}
    sw = studies.sweep(small("customer_focused"), vary, days=5, replications=1, seed=1, warmup_days=4)
    assert sw.provenance["warmup_days"] == 4
    sa = studies.sensitivity(
        small(), {"recovery.generosity": (0.2, 0.9)}, method="morris", samples=2, days=5, replications=1, warmup_days=3
    )
    assert sa.provenance["warmup_days"] == 3


def test_a_transition_switches_after_the_warmup() -> None:
    calls: list[tuple[int, int]] = []
    study = studies.transition(
        small(),
        small("customer_focused"),
        at_day=5,
        days=12,
        replications=2,
        seed=2,
        warmup_days=20,
        progress=lambda d, t: calls.append((d, t)),
    )
    jc = study.tables["jcurve"]
    assert sorted(jc["day"].unique()) == list(range(1, 13))
    assert (jc.loc[jc["day"] <= 5, "delta_cumulative_profit"] == 0).all()
    assert (jc.loc[jc["day"] > 5, "delta_cumulative_profit"] != 0).any()
    assert study.provenance["warmup_days"] == 20 and study.parameters["at_day"] == 5
    assert {t for _, t in calls} == {2 * (20 + 12) * 2} and calls[-1][0] == calls[-1][1]


# --------------------------------------------------------------------------- command line


def _one_error_line(result) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_cli_run_passes_the_warmup(tmp_path: Path) -> None:
    common = ["run", "scenarios/base.yaml", "--days", "4", "--replications", "2", "--seed", "1", *SMALL_SET]
    given = focussim(*common, "--warmup-days", "7", "--out", tmp_path / "seven")
    assert given.returncode == 0, given.stderr
    assert json.loads((tmp_path / "seven" / "run.json").read_text())["warmup_days"] == 7
    assert "after a 7-day warm-up" in given.stdout
    assert pd.read_parquet(tmp_path / "seven" / "daily.parquet")["day"].tolist() == [1, 2, 3, 4] * 2
    default = focussim(*common, "--quiet", "--out", tmp_path / "default")
    assert default.returncode == 0, default.stderr
    assert json.loads((tmp_path / "default" / "run.json").read_text())["warmup_days"] == DEFAULT_WARMUP_DAYS


def test_cli_studies_pass_the_warmup(tmp_path: Path) -> None:
    small_yaml = tmp_path / "small.yaml"
    small_yaml.write_text(
        f"extends: {ROOT / 'scenarios' / 'operations_focused.yaml'}\nname: small\n"
        "customers: {initial: 300}\nfirm: {frontline: 3, back_office: 1, managers: 1}\n"
    )
    out = tmp_path / "tr"
    args = ["--at-day", "3", "--days", "6", "--replications", "2", "--warmup-days", "0", "--quiet", "--out", out]
    result = focussim("transition", small_yaml, small_yaml, *args)
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "study.json").read_text())["warmup_days"] == 0


@pytest.mark.parametrize(
    ("command", "value"),
    [
        *(("run", v) for v in ("-1", "1.5", "abc")),
        *((c, "-1") for c in ("compare", "sweep", "sensitivity")),
        ("transition", "abc"),
    ],
)
def test_cli_bad_warmup_is_one_line_exit_2(command: str, value: str, tmp_path: Path) -> None:
    base = "scenarios/base.yaml"
    args = {
        "run": [base],
        "compare": [base, "scenarios/customer_focused.yaml"],
        "sweep": [base, "--vary", "recovery.generosity=0.2,0.4"],
        "sensitivity": [base, "--vary", "recovery.generosity=0.2:0.4"],
        "transition": [base, "scenarios/customer_focused.yaml", "--at-day", "3"],
    }[command]
    line = _one_error_line(focussim(command, *args, f"--warmup-days={value}", "--out", tmp_path / "x"))
    assert line.startswith("focussim: --warmup-days") and repr(value) in line and "allowed" in line
    assert not (tmp_path / "x").exists()


def test_every_simulating_command_documents_the_flag() -> None:
    from typer.testing import CliRunner

    from simulation.cli import app

    runner = CliRunner()
    for command in ("run", "compare", "sweep", "sensitivity", "transition"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        text = " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())  # the help's box drawing aside
        assert "--warmup-days" in text and f"default {DEFAULT_WARMUP_DAYS}" in text, command
        assert "count from the end of the warm-up" in text, command


# --------------------------------------------------------------------------- experiment scripts


def _common():
    sys.path.insert(0, str(EXPERIMENTS))
    try:
        import _common
    finally:
        sys.path.remove(str(EXPERIMENTS))
    return _common


def test_experiment_option_reaches_every_study(tmp_path: Path) -> None:
    common = _common()
    exp = common.start("x", "Why?", None, 60, 2, argv=["--quick", "--warmup-days", "11", "--out", str(tmp_path)])
    assert exp.warmup_days == 11
    assert common.start("x", "Why?", None, 60, 2, argv=["--out", str(tmp_path)]).warmup_days == DEFAULT_WARMUP_DAYS
    seen: dict[str, object] = {}

    class Saved:
        def save(self, folder: Path) -> list[Path]:
            return []

    def fake_study(*args: object, **kwargs: object) -> Saved:
        seen.update(kwargs)
        return Saved()

    exp.study("label", fake_study, folder="f")  # type: ignore[arg-type]
    assert seen["warmup_days"] == 11 and seen["seed"] == exp.seed
    exp.study("label", fake_study, folder="f", warmup_days=0)  # type: ignore[arg-type]
    assert seen["warmup_days"] == 0  # a script may choose its own


@pytest.mark.parametrize("value", ["-3", "2.5", "many"])
def test_experiment_bad_warmup_is_one_line_exit_2(value: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    common = _common()
    ran = []
    code = common.main(ran.append, ("x", "Why?", None, 60, 2), argv=[f"--warmup-days={value}", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and not ran
    assert len(err.strip().splitlines()) == 1 and "--warmup-days" in err and repr(value) in err


# --------------------------------------------------------------------------- Welch's method


def test_welch_smoothing_shrinks_its_window_near_the_start() -> None:
    y = np.arange(1, 11, dtype=float) ** 2
    # Law & Kelton 9.5.1 with w = 2: i = 1: y1; i = 2: mean(y1..y3); then mean(y_{i-2}..y_{i+2}); m - w = 8 values.
    expected = [1.0, 14 / 3, 11.0, 18.0, 27.0, 38.0, 51.0, 66.0]
    np.testing.assert_allclose(welch_smooth(y, 2), expected)
    np.testing.assert_allclose(welch_smooth(y, 0), y)
    np.testing.assert_allclose(welch_smooth(np.vstack([y, 2 * y]), 2), [expected, 2 * np.array(expected)])
    with pytest.raises(ValueError, match="m // 4"):
        welch_smooth(y, 3)
    np.testing.assert_allclose(replication_average(np.array([[1.0, np.nan], [3.0, 4.0]])), [2.0, 4.0])


def test_welch_finds_a_planted_truncation_point() -> None:
    """An exponential approach to a level with noise: y = 1 - 0.5 exp(-t / 100) + N(0, 0.05), 20 replications.

    The deviation falls below 5 % of the level where 0.5 exp(-t / 100) = 0.05, at t = 100 ln 10 = 230 days
    (the 61-day window moves it by about 1.5 days). The rule must find it within 10 days.
    """
    rng = np.random.default_rng(20260101)
    t = np.arange(1, 1096)
    x = 1.0 - 0.5 * np.exp(-t / 100.0) + rng.normal(0.0, 0.05, (20, len(t)))
    r = welch_truncation(x, window=30, rel_tol=0.05)
    planted = 100.0 * np.log(10.0)
    assert abs(r.truncation_day - planted) <= 10, r.truncation_day
    assert r.level == pytest.approx(1.0, abs=0.005) and r.steady
    assert r.reference_days == 365 and len(r.smoothed) == 1095 - 30
    # From the day after the truncation day on, the smoothed series stays inside the band.
    assert (np.abs(r.smoothed[r.truncation_day :] - r.level) <= r.bands[r.truncation_day :]).all()
    assert abs(r.smoothed[r.truncation_day - 1] - r.level) > r.bands[r.truncation_day - 1]
    assert r.bands.min() == pytest.approx(r.band)  # the noise is small: the band is 5 % of the level every day


def test_welch_on_a_steady_series_and_on_a_trend() -> None:
    rng = np.random.default_rng(7)
    flat = 5.0 + rng.normal(0.0, 1.0, (10, 400))
    r = welch_truncation(flat, window=20)
    assert r.truncation_day == 0 and r.steady
    # Noise is not a transient: a rare-event series keeps its truncation day small (the band's noise term).
    rare = rng.poisson(0.05, (20, 1000)).astype(float)
    assert welch_truncation(rare, window=30, rel_tol=0.05).truncation_day < 100
    # A trend is not a steady state: it is flagged, whatever its truncation day.
    trend = 100.0 + 0.1 * np.arange(1000) + rng.normal(0.0, 1.0, (10, 1000))
    assert not welch_truncation(trend, window=30).steady


def test_recommendation_and_reference_window() -> None:
    assert recommended_warmup([0, 12, 233]) == 240
    assert recommended_warmup([240]) == 240
    assert recommended_warmup([0, 0]) == 0 and recommended_warmup([]) == 0
    assert reference_days(1095) == 365 and reference_days(60) == 20


def test_output_matrix_derives_the_annualised_quit_rate() -> None:
    daily = pd.DataFrame(
        {
            "replication": [0, 0, 1, 1],
            "day": [1, 2, 1, 2],
            "quits": [1, 0, 2, 1],
            "employees": [10, 0, 20, 10],
            "profit": [1.0, 2.0, 3.0, 4.0],
        }
    )
    q = output_matrix(daily, "quit_rate_annual")
    np.testing.assert_allclose(q, [[36.5, np.nan], [36.5, 36.5]])
    np.testing.assert_allclose(output_matrix(daily, "profit"), [[1.0, 2.0], [3.0, 4.0]])
    assert {o.name for o in OUTPUTS} == {
        "quit_rate_annual",
        "engaged_share",
        "satisfaction_mean",
        "active_customers",
        "profit",
    }


def test_the_readme_quotes_the_default() -> None:
    """README's command documentation names the flag and the default the code uses."""
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "[--warmup-days N]" in text
    assert f"(`--warmup-days`, default {DEFAULT_WARMUP_DAYS} business days" in text
    assert f"(`--warmup-days N`, default {DEFAULT_WARMUP_DAYS};" in text
