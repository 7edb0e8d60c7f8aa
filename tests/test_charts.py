"""Charts (``simulation.charts``): each figure has the panels, titles, units and legends it promises.

Synthetic tables in the documented formats (2 scenarios x 5 replications x 60 days, and the study
tables) keep the tests fast; one small real run of the numba engine checks the daily charts on the
engine's own table.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.figure import Figure

from simulation import charts
from simulation.metrics import COUNT_COLUMNS, DAILY_COLUMNS, METRICS, run_values

SCENARIOS = ("operations_focused", "customer_focused")
REPS, DAYS = 5, 60
LIMIT = "empowerment.discretion_limit_usd"
SHARE = "customers.opportunist_share"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def make_daily(scenarios=SCENARIOS, reps: int = REPS, days: int = DAYS, seed: int = 1) -> pd.DataFrame:
    """A tidy daily table with every daily column: noisy but plausible values."""
    rng = np.random.default_rng(seed)
    frames = []
    for k, name in enumerate(scenarios):
        for r in range(reps):
            df = pd.DataFrame({"scenario": name, "replication": r, "day": np.arange(1, days + 1)})
            for col in DAILY_COLUMNS:
                df[col] = rng.uniform(0.2, 0.8, days)
            df["active_customers"] = 500 + k * 10 + rng.integers(-5, 6, days)
            df["churned"] = rng.poisson(1 + k, days)
            df["employees"] = 20
            df["quits"] = rng.poisson(0.05 * (2 - k), days)
            df["served"] = rng.poisson(200, days)
            df["nps"] = rng.normal(10 + 20 * k, 3, days)
            costs = [f"cost_{c}" for c in charts.COST_CATEGORIES]
            for c in costs:
                df[c] = rng.uniform(50, 500, days)
            df["cost_total"] = df[costs].sum(axis=1)
            df["revenue"] = df["cost_total"] * rng.uniform(0.9, 1.2, days)
            df["profit"] = df["revenue"] - df["cost_total"]
            frames.append(df)
    daily = pd.concat(frames, ignore_index=True)
    for col in COUNT_COLUMNS:
        daily[col] = daily[col].round().astype("int64")
    return daily


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    return make_daily()


@pytest.fixture(scope="module")
def per_rep(daily: pd.DataFrame) -> pd.DataFrame:
    return run_values(daily)


@pytest.fixture(scope="module")
def diffs() -> pd.DataFrame:
    rows = []
    for scenario, shift in (("customer_focused", 1.0), ("lenscrafters", -0.5)):
        for metric, mean, half in (
            ("retention_annual", 0.05, 0.01),
            ("profit", 4e5, 1e5),
            ("turnover_annual", -0.3, 0.1),
        ):
            m = mean * shift
            wide = 1 if scenario == "customer_focused" else 10  # lenscrafters' interval includes 0
            rows.append(
                {
                    "metric": metric,
                    "unit": METRICS[metric].unit,
                    "baseline": "operations_focused",
                    "scenario": scenario,
                    "mean": m,
                    "lo": m - wide * half,
                    "hi": m + wide * half,
                    "baseline_mean": 1.0,
                    "scenario_mean": 1.0 + m,
                    "n": 30,
                }
            )
    return pd.DataFrame(rows)


def make_sweep(points: list[dict], reps: int = 4, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for p, values in enumerate(points):
        for r in range(reps):
            lim = values.get(LIMIT, 0.0)
            share = values.get(SHARE, 0.0)
            rows.append(
                {
                    "point": p,
                    "replication": r,
                    **values,
                    "retention_annual": 0.8 + lim / 5000 + rng.normal(0, 0.01),
                    "profit": 1e6 + 800 * lim - 5000 * lim * share + rng.normal(0, 2e4),
                    "turnover_annual": 0.4 - lim / 2000 + rng.normal(0, 0.02),
                }
            )
    return pd.DataFrame(rows)


def common_checks(fig: Figure, n_axes: int) -> None:
    """Panels, a title on the figure and on every panel, legends outside every panel."""
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(axes) == n_axes
    assert fig.get_suptitle().strip()
    for ax in axes:
        assert ax.get_title(loc="left").strip() or ax.get_title().strip(), ax
    fig.canvas.draw()
    for legend in fig.legends:
        box = legend.get_window_extent()
        for ax in axes:
            assert not box.overlaps(ax.get_window_extent()), "a legend covers a panel"


def legend_labels(fig: Figure) -> list[str]:
    assert len(fig.legends) == 1
    return [t.get_text() for t in fig.legends[0].get_texts()]


def ylabels(fig: Figure) -> list[str]:
    return [ax.get_ylabel() for ax in fig.axes]


# --------------------------------------------------------------------------- identity


def test_palette_keeps_each_scenario_colour_whatever_the_order_or_company() -> None:
    a = charts.palette(["operations_focused", "customer_focused"])
    b = charts.palette(["customer_focused", "base", "operations_focused", "southwest"])
    assert a["operations_focused"] == b["operations_focused"]
    assert a["customer_focused"] == b["customer_focused"]
    assert a["operations_focused"] != a["customer_focused"]
    assert charts.palette(["x", "y", "z"]) == charts.palette(["z", "x", "y"])  # sorted, not row order
    assert len(set(charts.palette([f"s{i}" for i in range(8)]).values())) == 8


def test_t_quantile_matches_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 5, 29, 30, 31, 50, 200, 5000):
        assert charts._t95(df) == pytest.approx(stats.t.ppf(0.95, df), abs=2e-3), df


# --------------------------------------------------------------------------- daily tables


def test_add_derived_daily_annualises_over_full_windows_and_keeps_scenario_order() -> None:
    days = 40
    df = pd.DataFrame(
        {
            "scenario": np.repeat(["zeta", "alpha"], days),
            "replication": 0,
            "day": np.tile(np.arange(1, days + 1), 2),
            "profit": 10.0,
            "cost_total": 100.0,
            "served": 50,
            "quits": 1,
            "employees": 10,
            "churned": 2,
            "active_customers": 100,
        }
    )
    out = charts.add_derived_daily(df, window=20)
    assert list(dict.fromkeys(out["scenario"])) == ["zeta", "alpha"]
    zeta = out[out["scenario"] == "zeta"]
    assert zeta["turnover_rolling_annual"].iloc[:19].isna().all()  # no extrapolation from part of a window
    assert zeta["turnover_rolling_annual"].iloc[19:].to_numpy() == pytest.approx(365.0 / 10)
    assert zeta["retention_rolling_annual"].iloc[19:].to_numpy() == pytest.approx(1 - 2 * 365.0 / 100)
    assert zeta["cost_per_served_rolling"].to_numpy() == pytest.approx(2.0)
    assert zeta["cumulative_profit_usd"].iloc[-1] == pytest.approx(10.0 * days)
    assert charts.rolling_window(df) == 20  # half of a 40-day run, shorter than the preferred 90
    assert "failure_demand_rolling" not in out  # a table without the failure-demand columns
    fd = charts.add_derived_daily(
        df.assign(
            contacts=50, repeat_contacts=np.tile(np.arange(days) % 2 * 10, 2), chases=3, recovery_episode_mean_min=60.0
        ),
        window=20,
    )
    assert fd["failure_demand_rolling"].iloc[19] == pytest.approx(100 / 1000)  # 10 repeats every other day
    assert fd["chases_smoothed"].to_numpy() == pytest.approx(3.0)


def test_band_plot_draws_the_median_across_replications() -> None:
    df = pd.DataFrame(
        {"scenario": "s", "replication": np.repeat(np.arange(5), 3), "day": np.tile([1, 2, 3], 5)}
    ).assign(value=lambda d: d["replication"] * 10.0)
    fig, ax = plt.subplots()
    charts.band_plot(ax, df, "value", charts.palette(["s"]), "widgets")
    assert list(ax.lines[0].get_ydata()) == [20.0, 20.0, 20.0]
    assert len(ax.collections) == 2  # the 90 % and 50 % bands
    assert ax.get_ylabel() == "widgets"


def test_band_panels_figure_has_one_panel_per_column_and_marks_the_day(daily: pd.DataFrame) -> None:
    panels = [
        ("engagement_mean", "Engagement", "engagement [0,1]"),
        ("profit", "Profit", "USD/day"),
        ("nps", "NPS", "points"),
    ]
    colours = charts.palette(SCENARIOS)
    fig = charts.band_panels_figure(daily, panels, colours, "Around the switch", mark_day=10, mark_label="the switch")
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in shown] == ["Engagement", "Profit", "NPS"]  # the theme titles left
    assert [ax.get_ylabel() for ax in shown] == ["engagement [0,1]", "USD/day", "points"]
    for ax in shown:  # the dashed marker at day 10 on every panel
        assert any(list(line.get_xdata()) == [10, 10] and line.get_linestyle() == "--" for line in ax.get_lines())
    assert legend_labels(fig) == list(colours)
    assert "dashed: the switch" in fig.legends[0].get_title().get_text()
    assert fig._suptitle is not None and fig._suptitle.get_text() == "Around the switch"


@pytest.mark.parametrize(
    ("function", "n_axes", "units"),
    [
        ("loyalty_figure", 3, ("active_customers", "retention_annual", "nps")),
        ("attrition_figure", 2, ("turnover_annual", "engagement_mean")),
        ("cost_figure", 3, ("cost_total", "cost_per_served_usd")),
        ("headline_figure", 6, ("active_customers", "nps", "turnover_annual", "engagement_mean")),
    ],
)
def test_daily_figures_have_panels_units_and_one_legend_entry_per_scenario(
    daily: pd.DataFrame, function: str, n_axes: int, units: tuple[str, ...]
) -> None:
    fig = getattr(charts, function)(daily)
    common_checks(fig, n_axes)
    labels = " | ".join(ylabels(fig) + [ax.get_xlabel() for ax in fig.axes])
    for metric in units:
        assert METRICS[metric].unit in labels, (metric, labels)
    assert legend_labels(fig) == ["operations focused", "customer focused"]
    colours = charts.palette(SCENARIOS)
    medians = [line for ax in fig.axes for line in ax.get_lines() if line.get_label() == "customer focused"]
    assert medians and all(line.get_color() == colours["customer_focused"] for line in medians)


def test_cost_figure_stacks_every_category_per_scenario(daily: pd.DataFrame) -> None:
    fig = charts.cost_figure(daily)
    bars = fig.axes[0]
    assert len(bars.patches) == len(charts.COST_CATEGORIES) * len(SCENARIOS)
    widest = max(p.get_x() + p.get_width() for p in bars.patches)
    expected = daily.groupby("scenario")["cost_total"].mean().max()
    assert widest == pytest.approx(expected)  # the stack adds up to the total
    category_legend = bars.get_legend()
    assert len(category_legend.get_texts()) == len(charts.COST_CATEGORIES)


def test_cost_breakdown_figure_still_works(daily: pd.DataFrame) -> None:
    fig = charts.cost_breakdown_figure(daily)
    assert len(fig.axes) == 1 and fig.axes[0].get_title(loc="left").startswith("Where the money goes")
    assert "USD/day" in fig.axes[0].get_xlabel()
    assert len(fig.legends[0].get_texts()) == len(charts.COST_CATEGORIES)
    assert [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()] == [
        "operations focused",
        "customer focused",
    ]


# --------------------------------------------------------------------------- run-level tables


def test_outcome_distributions_one_panel_per_metric_with_run_units(per_rep: pd.DataFrame) -> None:
    metrics = ("retention_annual", "profit", "turnover_annual", "nps")
    fig = charts.outcome_distributions_figure(per_rep, metrics=metrics)
    common_checks(fig, len(metrics))
    assert ylabels(fig) == ["share/yr", "USD (run total)", "share/yr", METRICS["nps"].unit]
    in_table_order = [s.replace("_", " ") for s in dict.fromkeys(per_rep["scenario"])]
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_xticklabels()]
    assert ticks == in_table_order
    assert legend_labels(fig) == in_table_order
    dots = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in dots) == len(per_rep)  # one dot per replication


def test_outcome_distributions_violins_and_unknown_metric(per_rep: pd.DataFrame) -> None:
    fig = charts.outcome_distributions_figure(per_rep, metrics=("profit",), kind="violin")
    common_checks(fig, 1)
    with pytest.raises(ValueError, match="no_such_metric"):
        charts.outcome_distributions_figure(per_rep, metrics=("no_such_metric",))


def test_paired_difference_figure_is_a_forest_per_metric(diffs: pd.DataFrame) -> None:
    fig = charts.paired_difference_figure(diffs)
    common_checks(fig, 3)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Customer retention", "Profit", "Staff turnover"]
    assert [ax.get_xlabel() for ax in fig.axes] == [
        "difference (share/yr)",
        "difference, USD (run total)",
        "difference (share/yr)",
    ]
    assert legend_labels(fig) == ["customer focused", "lenscrafters"]
    assert "operations focused" in fig.get_suptitle()
    for ax, metric in zip(fig.axes, ("retention_annual", "profit", "turnover_annual"), strict=True):
        assert [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [0, 0]], "no zero line"
        dots = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
        assert [d.get_xdata()[0] for d in dots] == pytest.approx(list(diffs[diffs["metric"] == metric]["mean"]))
        # customer_focused's interval excludes 0 (filled dot); lenscrafters' includes it (hollow).
        assert dots[0].get_markerfacecolor() != "white" and dots[1].get_markerfacecolor() == "white"


# --------------------------------------------------------------------------- sweeps


def test_sweep_lines_mean_and_interval_per_value() -> None:
    sweep = make_sweep([{LIMIT: float(v)} for v in (0, 100, 200, 300)], reps=6)
    metrics = ("retention_annual", "profit", "turnover_annual")
    fig = charts.sweep_lines_figure(sweep, LIMIT, metrics)
    common_checks(fig, 3)
    assert all(ax.get_xlabel() == f"{LIMIT} (USD/case)" for ax in fig.axes)
    assert ylabels(fig) == ["share/yr", "USD (run total)", "share/yr"]
    profit = fig.axes[1]
    means = sweep.groupby(LIMIT)["profit"].mean().to_numpy()
    assert profit.get_lines()[0].get_ydata() == pytest.approx(means)
    band = profit.collections[0].get_paths()[0].vertices[:, 1]
    g = sweep.groupby(LIMIT)["profit"]
    half = 2.015 * g.std().to_numpy() / math.sqrt(6)  # t(0.95, 5 df)
    assert band.max() == pytest.approx((means + half).max(), rel=1e-3)
    assert band.min() == pytest.approx((means - half).min(), rel=1e-3)


def test_sweep_lines_categorical_x_and_hue() -> None:
    sweep = make_sweep([{"empowerment.mode": m} for m in ("approval", "guidelines", "discretion")])
    fig = charts.sweep_lines_figure(sweep, "empowerment.mode", "profit")
    common_checks(fig, 1)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["approval", "guidelines", "discretion"]
    grid = make_sweep([{LIMIT: float(a), SHARE: b} for a in (0, 250, 500) for b in (0.0, 0.1)])
    fig = charts.sweep_lines_figure(grid, LIMIT, ["profit"], hue=SHARE)
    common_checks(fig, 1)
    assert legend_labels(fig) == ["0", "0.1"]
    assert len(fig.axes[0].get_lines()) == 2


def test_sweep_heatmap_one_annotated_cell_per_grid_point() -> None:
    xs, ys = (0.0, 100.0, 200.0, 300.0), (0.0, 0.05, 0.1)
    sweep = make_sweep([{LIMIT: a, SHARE: b} for a in xs for b in ys])
    fig = charts.sweep_heatmap_figure(sweep, LIMIT, SHARE, "profit")
    common_checks(fig, 1)
    ax = fig.axes[0]
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(mesh) == 1 and mesh[0].get_array().size == len(xs) * len(ys)
    assert len(ax.texts) == len(xs) * len(ys)
    assert "USD" in mesh[0].colorbar.ax.get_ylabel()
    assert ax.get_xlabel() == f"{LIMIT} (USD/case)" and ax.get_ylabel() == f"{SHARE} (share of customers)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.1", "0.05", "0"]  # the largest on top
    top_right = sweep[(sweep[LIMIT] == 300.0) & (sweep[SHARE] == 0.1)]["profit"].mean()
    assert ax.texts[len(xs) - 1].get_text() == charts._compact(top_right)


def test_sweep_heatmap_falls_back_to_a_scatter_off_grid() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform([0.0, 0.0], [500.0, 0.2], size=(12, 2))
    points = [{LIMIT: float(a), SHARE: float(b)} for a, b in xy]
    fig = charts.sweep_heatmap_figure(make_sweep(points), LIMIT, SHARE, "retention_annual")
    common_checks(fig, 1)
    ax = fig.axes[0]
    assert not [c for c in ax.collections if isinstance(c, QuadMesh)]
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == 12
    assert "not on a grid" in ax.get_title(loc="left")
    assert any("share/yr" in a.get_ylabel() for a in fig.axes if a is not ax)  # the colour bar


# --------------------------------------------------------------------------- sensitivity


INPUTS = (LIMIT, SHARE, "training.hours_per_year", "people_first.level", "leadership.consistency")


def test_sensitivity_sobol_bars_sorted_by_total_effect() -> None:
    rng = np.random.default_rng(4)
    rows = []
    for out in ("profit", "retention_annual"):
        st = rng.permutation([0.5, 0.3, 0.1, 0.05, 0.0])
        for name, v in zip(INPUTS, st, strict=True):
            rows.append({"output": out, "input": name, "S1": v * 0.8, "S1_conf": 0.02, "ST": v, "ST_conf": 0.03})
    indices = pd.DataFrame(rows)
    fig = charts.sensitivity_figure(indices)
    common_checks(fig, 2)
    for ax, out in zip(fig.axes, ("profit", "retention_annual"), strict=True):
        d = indices[indices["output"] == out].sort_values("ST", ascending=False)
        shown = [t.get_text().replace("\n", "") for t in ax.get_yticklabels()]
        assert shown == list(d["input"])
        total = sorted(
            (p for p in ax.patches if p.get_facecolor()[:3] == ax.patches[0].get_facecolor()[:3]),
            key=lambda p: p.get_y(),
        )
        widths = [p.get_width() for p in total]
        assert widths == sorted(widths, reverse=True)  # top (lowest y after inversion) is the largest
        assert ax.yaxis_inverted()
    assert legend_labels(fig) == ["total effect ST", "first-order effect S1"]


def test_sensitivity_morris_and_bad_columns() -> None:
    indices = pd.DataFrame(
        {"output": "profit", "input": INPUTS, "mu_star": [1e4, 5e5, 2e3, 8e4, 0.0], "mu_star_conf": 1e3, "sigma": 1e3}
    )
    fig = charts.sensitivity_figure(indices)
    common_checks(fig, 1)
    shown = [t.get_text().replace("\n", "") for t in fig.axes[0].get_yticklabels()]
    assert shown == [SHARE, "people_first.level", LIMIT, "training.hours_per_year", "leadership.consistency"]
    assert "USD" in fig.axes[0].get_xlabel()
    with pytest.raises(ValueError, match="mu_star"):
        charts.sensitivity_figure(pd.DataFrame({"output": ["profit"], "input": ["x"], "value": [1.0]}))


# --------------------------------------------------------------------------- transition


def test_jcurve_figure_states_the_share_that_never_breaks_even() -> None:
    days, at_day, reps = np.arange(1, 201), 50, 10
    rng = np.random.default_rng(5)
    jc = pd.concat(
        [
            pd.DataFrame(
                {
                    "replication": r,
                    "day": days,
                    "delta_cumulative_profit": np.where(days < at_day, 0.0, -1e4 + 150 * (days - at_day))
                    + rng.normal(0, 500, len(days)),
                }
            )
            for r in range(reps)
        ]
    )
    breakeven = pd.DataFrame({"replication": range(reps), "breakeven_day": [120.0] * 6 + [math.nan] * 4})
    fig = charts.jcurve_figure(jc, breakeven, at_day)
    common_checks(fig, 2)
    left, right = fig.axes
    assert "USD" in left.get_ylabel()
    assert any(list(ln.get_xdata()) == [at_day, at_day] for ln in left.get_lines())  # the switch day
    assert any(list(ln.get_ydata()) == [0, 0] for ln in left.get_lines())  # the zero line
    assert sum(p.get_height() for p in right.patches) == 6  # the finite break-even days
    assert any("40 % never break even" in t.get_text() for t in right.texts)
    assert legend_labels(fig) == ["median", "50 % of replications", "90 % of replications"]


# --------------------------------------------------------------------------- files


def test_save_figure_writes_png_and_svg_and_closes(tmp_path: Path, daily: pd.DataFrame) -> None:
    fig = charts.attrition_figure(daily)
    width_in = fig.get_figwidth()
    paths = charts.save_figure(fig, tmp_path / "new" / "dir", "attrition")
    assert [p.name for p in paths] == ["attrition.png", "attrition.svg"]
    png, svg = (p.read_bytes() for p in paths)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert int.from_bytes(png[16:20], "big") >= 0.9 * 150 * width_in  # at least 150 dpi (tight bbox trims)
    assert b"<svg" in svg[:2000] and len(svg) > 10_000
    assert not plt.fignum_exists(fig.number)
    with pytest.raises(ValueError, match="dpi"):
        charts.save_figure(plt.figure(), tmp_path, "blurry", dpi=72)


def test_daily_figures_on_a_real_numba_run(tmp_path: Path) -> None:
    import simulation

    scenario = simulation.load_scenario(
        None, overrides={"customers.initial": 300, "firm.frontline": 3, "firm.back_office": 1, "firm.managers": 1}
    )
    res = simulation.run(scenario, engine="numba", days=60, replications=3, workers=1)
    for function in (charts.loyalty_figure, charts.cost_figure, charts.attrition_figure):
        fig = function(res.daily)
        assert legend_labels(fig) == ["base"]
        assert "of 3 replications" in fig.legends[0].get_title().get_text()
        assert all(p.stat().st_size > 1000 for p in charts.save_figure(fig, tmp_path, function.__name__))
    fig = charts.outcome_distributions_figure(res.per_replication())
    common_checks(fig, len(charts.DEFAULT_OUTCOMES))
