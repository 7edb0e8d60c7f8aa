"""Studies (compare, sweep, sensitivity, transition): their pieces on known inputs, then end to end.

End-to-end runs use a small firm (300 customers, 3 frontline) and a few replications: they check
files, columns and the design, not the model's findings (the pattern tests do that).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import simulation
from simulation import studies
from simulation.errors import FocussimError, ScenarioError
from simulation.metrics import DAILY_COLUMNS
from simulation.scenario import load_scenario, with_overrides

SMALL = {"customers.initial": 300, "firm.frontline": 3, "firm.back_office": 1, "firm.managers": 1}


def small(path: str | None = None, name: str | None = None) -> simulation.Scenario:
    return with_overrides(load_scenario(path), SMALL, name=name)


# --------------------------------------------------------------------------- pieces


def test_parse_vary_reads_values_and_ranges() -> None:
    got = studies.parse_vary(
        ["empowerment.mode=approval,guidelines", "firm.frontline=30:50:3", "recovery.generosity=0.2:0.9"]
    )
    assert got == {
        "empowerment.mode": ["approval", "guidelines"],
        "firm.frontline": (30.0, 50.0, 3),
        "recovery.generosity": (0.2, 0.9, None),
    }


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        ("firm.frontline", "not key=values"),
        ("firm.frontline=50:30:3", "empty range"),
        ("firm.frontline=1:2:x", "not a range"),
        ("empowerment.mode=0:1:3", "numeric parameter"),
    ],
)
def test_parse_vary_refuses_bad_items_in_one_line(item: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as info:
        studies.parse_vary([item])
    message = str(info.value)
    assert fragment in message and "--vary" in message and "\n" not in message


def test_grid_design_has_every_combination_with_schema_types() -> None:
    vary = studies.parse_vary(["firm.frontline=30:50:3", "empowerment.mode=approval,guidelines"])
    points = studies.design_points(vary, "grid")
    assert len(points) == 6
    assert list(points.columns) == ["point", "firm.frontline", "empowerment.mode"]
    assert sorted(set(points["firm.frontline"])) == [30, 40, 50]
    assert all(isinstance(v, int) for v in points["firm.frontline"])


def test_lhs_design_stratifies_each_range_and_is_seeded() -> None:
    vary = studies.parse_vary(["recovery.generosity=0:1", "firm.frontline=20:60"])
    a = studies.design_points(vary, "lhs", samples=10, seed=3)
    b = studies.design_points(vary, "lhs", samples=10, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 10
    # Latin hypercube: exactly one point in each tenth of the range.
    assert sorted(np.floor(a["recovery.generosity"] * 10).astype(int)) == list(range(10))
    assert a["firm.frontline"].between(20, 60).all()
    with pytest.raises(FocussimError, match="--samples"):
        studies.design_points(vary, "lhs", samples=None)
    with pytest.raises(ScenarioError, match="number of points"):
        studies.design_points(vary, "grid")


def test_paired_differences_mean_and_t_interval() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(100, 10, 8)
    d = np.array([1.0, 2.0, 3.0, 2.0, 1.0, 3.0, 2.0, 2.0])
    per = pd.DataFrame(
        {
            "scenario": ["a"] * 8 + ["b"] * 8,
            "replication": list(range(8)) * 2,
            "profit": np.concatenate([base, base + d]),
        }
    )
    got = studies.paired_differences(per, "a", ["profit"]).iloc[0]
    half = 1.894578605 * d.std(ddof=1) / math.sqrt(8)  # t(0.95, 7)
    assert got["mean"] == pytest.approx(2.0)
    assert got["hi"] - got["mean"] == pytest.approx(half, rel=1e-6)
    assert (got["scenario"], got["baseline"], got["n"], got["unit"]) == ("b", "a", 8, "USD (run total)")


def test_breakeven_day_is_the_first_day_it_stays_ahead() -> None:
    days = np.arange(1, 11)
    jc = pd.DataFrame(
        {
            "replication": [0] * 10 + [1] * 10,
            "day": np.concatenate([days, days]),
            # rep 0: dips, crosses at day 6, dips again at 7, ahead from 8; rep 1: never recovers.
            "delta_cumulative_profit": [0, 0, -1, -2, -1, 1, -1, 1, 2, 3] + [0, 0, -1, -2, -3, -3, -3, -2, -2, -1],
        }
    )
    be = studies.breakeven_days(jc, at_day=2)
    assert be.loc[be.replication == 0, "breakeven_day"].item() == 8
    assert math.isnan(be.loc[be.replication == 1, "breakeven_day"].item())


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_sensitivity_finds_the_dominant_input_of_a_planted_function(method: str) -> None:
    """Claim: the indices rank inputs by influence. y = 10 a + b + 0 c (+ a small interaction)."""
    ranges = {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)}
    x = studies.sensitivity_sample(ranges, method, 256 if method == "sobol" else 40, seed=1)
    y = (10 * x[:, 0] + x[:, 1] + 0.5 * x[:, 0] * x[:, 1])[:, None]
    idx = studies.sensitivity_indices(ranges, x, y, ["y"], method, seed=1)
    assert np.isfinite(idx.drop(columns=["output", "input"]).to_numpy(dtype=float)).all()
    key = "ST" if method == "sobol" else "mu_star"
    ranked = idx.sort_values(key, ascending=False)["input"].tolist()
    assert ranked == ["a", "b", "c"]
    if method == "sobol":
        a = idx.set_index("input").loc["a"]
        assert a["S1"] > 0.9 and abs(idx.set_index("input").loc["c", "ST"]) < 0.05


# --------------------------------------------------------------------------- end to end


def _file_columns(path, columns) -> None:
    table = pd.read_parquet(path)
    assert set(columns) <= set(table.columns), set(columns) - set(table.columns)
    assert pd.read_csv(path.with_suffix(".csv")).shape == table.shape


def test_compare_pairs_replications_and_writes_its_files(tmp_path) -> None:
    a = small("scenarios/operations_focused.yaml", "ops")
    b = small("scenarios/customer_focused.yaml", "cust")
    study = studies.compare([a, b], days=30, replications=3, seed=2)
    diffs = study.tables["differences"]
    assert set(diffs["metric"]) == set(studies.COMPARE_METRICS) and (diffs["scenario"] == "cust").all()
    assert (diffs["lo"] <= diffs["mean"]).all() and (diffs["mean"] <= diffs["hi"]).all()
    paths = study.save(tmp_path)
    names = {p.name for p in paths}
    assert {"daily.parquet", "differences.csv", "replications.parquet", "study.json", "differences.png"} <= names
    assert {"loyalty.svg", "cost.png", "attrition.png", "outcomes.png"} <= names
    _file_columns(tmp_path / "differences.parquet", ["metric", "unit", "mean", "lo", "hi", "n"])
    with pytest.raises(FocussimError, match="at least two"):
        studies.compare([a])


def test_sweep_runs_every_point_with_common_random_numbers(tmp_path) -> None:
    vary = studies.parse_vary(["recovery.generosity=0.3,0.9", "empowerment.discretion_limit_usd=0:200:2"])
    study = studies.sweep(small("scenarios/customer_focused.yaml"), vary, days=20, replications=2, seed=1)
    table = study.tables["sweep"]
    assert len(table) == 4 * 2
    assert list(table.columns[:4]) == [
        "point",
        "recovery.generosity",
        "empowerment.discretion_limit_usd",
        "replication",
    ]
    assert set(studies.SWEEP_METRICS) <= set(table.columns)
    names = {p.name for p in study.save(tmp_path)}
    assert {"sweep.parquet", "sweep.csv", "points.csv", "design.csv", "heatmap_profit.png"} <= names


def test_sweep_refuses_a_value_outside_the_schema_before_running() -> None:
    with pytest.raises(ScenarioError, match="recovery.generosity"):
        studies.sweep(small(), {"recovery.generosity": [0.5, 7.0]}, days=5, replications=1)


def test_sensitivity_end_to_end_morris(tmp_path) -> None:
    ranges = {"recovery.generosity": (0.2, 0.9), "training.hours_per_year": (10.0, 80.0)}
    study = studies.sensitivity(small(), ranges, method="morris", samples=2, days=20, replications=1, seed=1)
    idx = study.tables["indices"]
    assert len(idx) == 2 * len(studies.SENSITIVITY_OUTPUTS)
    assert np.isfinite(idx["mu_star"]).all()
    assert len(study.tables["samples"]) == 2 * (2 + 1)  # N (D + 1) points, one replication each
    assert "sensitivity.png" in {p.name for p in study.save(tmp_path)}


def test_transition_arms_agree_until_the_switch_then_differ(tmp_path) -> None:
    a = small("scenarios/operations_focused.yaml")
    b = small("scenarios/customer_focused.yaml")
    study = studies.transition(a, b, at_day=15, days=40, replications=3, seed=4)
    jc = study.tables["jcurve"]
    assert (jc.loc[jc.day <= 15, "delta_cumulative_profit"] == 0).all()
    assert (jc.loc[jc.day > 15, "delta_cumulative_profit"] != 0).any()
    assert len(study.tables["breakeven"]) == 3
    names = {p.name for p in study.save(tmp_path)}
    assert {"jcurve.parquet", "breakeven.csv", "summary.csv", "jcurve.png", "jcurve.svg"} <= names
    # The summary's median break-even counts the replications that never break even as after the horizon.
    days = study.tables["breakeven"]["breakeven_day"]
    summary = study.tables["summary"].iloc[0]
    expected = float(days.fillna(math.inf).median())
    if math.isfinite(expected):
        assert summary["breakeven_day_median"] == expected
    else:
        assert math.isnan(summary["breakeven_day_median"]) and summary["share_never"] >= 0.5
    assert summary["breakeven_day_median_of_those"] == pytest.approx(days.median(), nan_ok=True)


def test_a_switch_keeps_the_structure_and_needs_the_numba_engine() -> None:
    a = small()
    with pytest.raises(FocussimError, match="firm.managers"):
        simulation.run(a, engine="numba", days=5, replications=1, switch=(with_overrides(a, {"firm.managers": 2}), 2))
    with pytest.raises(FocussimError, match="numba"):
        simulation.run(a, engine="mesa", days=5, replications=1, switch=(a, 2))
    with pytest.raises(FocussimError, match="at-day"):
        studies.transition(a, a, at_day=5, days=5, replications=1)


def test_a_bigger_staffing_plan_is_hired_after_the_switch() -> None:
    a = small()
    b = with_overrides(a, {"firm.frontline": 6})
    res = simulation.run(a, engine="numba", days=120, replications=2, seed=1, switch=(b, 10))
    staff = res.daily.groupby("day")["employees"].mean()
    assert staff.loc[10] <= 4 + 1e-9  # 3 frontline + 1 back office before the switch
    assert staff.loc[120] > 5.5  # the 3 new posts filled (time to fill about a month)


# --------------------------------------------------------------------------- schedules (several switches)

SCHEDULE_RUN = {"engine": "numba", "days": 30, "replications": 2, "seed": 6, "warmup_days": 10, "workers": 1}


def test_a_schedule_of_one_switch_is_that_switch() -> None:
    a, b = small("scenarios/operations_focused.yaml"), small("scenarios/customer_focused.yaml")
    one = simulation.run(a, switch=(b, 7), **SCHEDULE_RUN)
    listed = simulation.run(a, switch=[(b, 7)], **SCHEDULE_RUN)
    pd.testing.assert_frame_equal(one.daily, listed.daily, check_exact=True)
    assert one.provenance["switch"]["after_day"] == 7 and "schedule" not in one.provenance
    assert [s["after_day"] for s in listed.provenance["schedule"]] == [7] and "switch" not in listed.provenance


def test_a_schedule_that_switches_back_differs_from_no_switch_and_from_one_switch() -> None:
    a, b = small("scenarios/operations_focused.yaml"), small("scenarios/customer_focused.yaml")

    def table(switch: object) -> pd.DataFrame:
        daily = simulation.run(a, switch=switch, **SCHEDULE_RUN).daily
        return daily.set_index(["replication", "day"])[list(DAILY_COLUMNS)]

    stay, once, there_and_back = table(None), table((b, 5)), table([(b, 5), (a, 15)])
    early, late = slice(None, 5), slice(16, None)
    idx = pd.IndexSlice
    # Until the first switch all three are one firm; until the second, the schedule is the single switch.
    pd.testing.assert_frame_equal(there_and_back.loc[idx[:, early], :], stay.loc[idx[:, early], :])
    pd.testing.assert_frame_equal(there_and_back.loc[idx[:, :15], :], once.loc[idx[:, :15], :])
    assert not there_and_back.loc[idx[:, late], :].equals(once.loc[idx[:, late], :])
    # Back on a's policies, the firm is not the one that never left them (people and customers carried over).
    assert not there_and_back.loc[idx[:, late], :].equals(stay.loc[idx[:, late], :])
    res = simulation.run(a, switch=[(b, 5), (a, 15)], **SCHEDULE_RUN)
    assert [(s["scenario"], s["after_day"]) for s in res.provenance["schedule"]] == [(b.name, 5), (a.name, 15)]


def test_a_later_switch_keeps_the_training_days_of_a_running_change_programme() -> None:
    """Claim (ODD 6): a switch inside an earlier switch's programme window does not cancel what is left of
    that programme: one that moves none of the programme's levers leaves it running, so its training days
    stay off the floor (the change cost goes on) exactly as after the first switch alone."""
    a, b = small("scenarios/operations_focused.yaml"), small("scenarios/customer_focused.yaml")
    dearer = with_overrides(b, {"pricing.price_premium": 0.1}, name="b, dearer")
    once = simulation.run(a, switch=(b, 5), **SCHEDULE_RUN).daily
    twice = simulation.run(a, switch=[(b, 5), (dearer, 10)], **SCHEDULE_RUN).daily
    after = twice["day"] > 10
    assert (twice.loc[after, "cost_change"] > 0).all(), "the programme's training days go on after day 10"
    # Programme time is booked at the wages of the staff on the floor: the same firm until the price moves it.
    on_day_11 = (once["day"] == 11) & (twice["day"] == 11)
    assert np.allclose(twice.loc[on_day_11, "cost_change"], once.loc[on_day_11, "cost_change"], rtol=0.05)


@pytest.mark.parametrize(
    ("schedule", "pattern"),
    [
        ("empty", r"^switch = \[\]: allowed: a pair \(scenario_after, day\) or a non-empty list"),
        ("same day", r"^switch\[1\] day = 5: allowed: a day after the previous switch's \(5\)"),
        ("backwards", r"^switch\[1\] day = 3: allowed: a day after the previous switch's \(5\)"),
        ("past the horizon", r"^switch\[1\] day = 30: allowed: a day from 0 to 29"),
        ("before the start", r"^switch\[0\] day = -1: allowed: a day from 0 to 29"),
        ("not a pair", r"^switch\[1\] = 7: allowed: a pair \(scenario_after, day\)"),
        ("not a day", r"^switch\[0\] day = 2.5: allowed: a whole number of days"),
        ("a string", r"^switch = 'b': allowed: a pair"),
        ("other structure", r"firm\.managers = 2 differs"),
    ],
)
def test_bad_schedules_are_refused_in_one_line(schedule: str, pattern: str) -> None:
    a, b = small(), small("scenarios/customer_focused.yaml")
    bigger = with_overrides(b, {"firm.managers": 2})
    given = {
        "empty": [],
        "same day": [(b, 5), (a, 5)],
        "backwards": [(b, 5), (a, 3)],
        "past the horizon": [(b, 5), (a, 30)],
        "before the start": [(b, -1)],
        "not a pair": [(b, 5), 7],
        "not a day": [(b, 2.5)],
        "a string": "b",
        "other structure": [(b, 5), (bigger, 9)],
    }[schedule]
    with pytest.raises(FocussimError, match=pattern) as info:
        simulation.run(a, switch=given, **SCHEDULE_RUN)
    assert "\n" not in str(info.value)


def test_warmup_under_starts_every_arm_from_the_same_firm() -> None:
    """With ``warmup_under`` every arm warms up under that scenario and adopts its own policies on day 1: an arm
    equal to ``warmup_under`` runs exactly as it does alone, and another arm equals a switch at day 0."""
    off = with_overrides(small("scenarios/cost_cutting.yaml"), {"budget.cost_cutting": False}, name="off")
    on = small("scenarios/cost_cutting.yaml", name="on")
    common = dict(days=30, replications=2, seed=3, warmup_days=20)
    study = studies.compare([off, on], warmup_under=off, **common)
    daily = study.tables["daily"]
    alone = simulation.run(off, engine="numba", **common).daily
    switched = simulation.run(with_overrides(off, {}, name="on"), engine="numba", switch=(on, 0), **common).daily
    cols = [c for c in alone.columns if c != "scenario"]
    for arm, expected in (("off", alone), ("on", switched)):
        got = daily[daily["scenario"] == arm][cols].reset_index(drop=True)
        assert np.array_equal(got.to_numpy(float), expected[cols].to_numpy(float), equal_nan=True), arm
    assert study.parameters["warmup_under"] == "off"
    swept = studies.sweep(on, {"budget.target_margin": [0.05, 0.2]}, warmup_under=off, **common)
    assert swept.parameters["warmup_under"] == "off" and len(swept.tables["sweep"]) == 4
