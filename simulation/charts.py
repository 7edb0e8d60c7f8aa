"""Charts of loyalty, cost and attrition, and of the studies around them.

Charts are functions of tidy DataFrames: they never run an engine. Each
takes one of the project's tables and returns a matplotlib figure sized as
a 16:9 slide; :func:`save_figure` writes it as PNG and SVG.

The tables:

* ``daily``: one row per (scenario, replication, day), one column per daily
  metric (:data:`simulation.metrics.KEY_COLUMNS` + ``DAILY_COLUMNS``), as in
  :attr:`simulation.results.Results.daily`. Charts: :func:`loyalty_figure`,
  :func:`cost_figure`, :func:`attrition_figure`, :func:`headline_figure`,
  :func:`cost_breakdown_figure`.
* ``per_rep``: one row per (scenario, replication) of run-level values
  (:func:`simulation.metrics.run_values`). Chart:
  :func:`outcome_distributions_figure`.
* ``diffs``: paired differences, scenario minus baseline, with a 90 %
  interval (``metric, unit, baseline, scenario, mean, lo, hi, baseline_mean,
  scenario_mean, n``). Chart: :func:`paired_difference_figure`.
* ``sweep``: one row per design point and replication (``point``,
  ``replication``, the varied dotted keys, run-level metrics). Charts:
  :func:`sweep_lines_figure`, :func:`sweep_heatmap_figure`.
* ``indices``: sensitivity indices per output and input (Sobol ``S1, ST``
  or Morris ``mu_star, sigma``, with ``*_conf``). Chart:
  :func:`sensitivity_figure`.
* ``jcurve`` and ``breakeven``: the cumulative-profit difference of
  switching policy against staying put, and each replication's break-even
  day. Chart: :func:`jcurve_figure`.
* ``boxes``, ``trajectory`` and ``points`` of a scenario discovery
  (:func:`simulation.discovery.prim_boxes`): the PRIM boxes' limits per
  parameter, their peeling trajectories, and the design points with the
  condition. Charts: :func:`prim_boxes_figure`, :func:`prim_tradeoff_figure`,
  :func:`prim_scatter_figure`.

One visual identity, set in :func:`set_theme`: seaborn's ``whitegrid`` at
talk size, the colour-blind-safe ``colorblind`` palette with a stable colour
per scenario (:func:`palette`), the median as a line and the 50 % and 90 %
bands across replications as shades, titles that name what is shown, units
(from :data:`simulation.metrics.METRICS`) on every value axis, legends
outside the data.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files, not windows: safe on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import Formatter, MaxNLocator  # noqa: E402

from simulation.metrics import COST_CATEGORIES, METRICS  # noqa: E402
from simulation.results import run_unit  # noqa: E402
from simulation.scenario.schema import DAYS_PER_YEAR, SEGMENTS, field_table  # noqa: E402

__all__ = [
    "COST_SMOOTHING_DAYS",
    "ROLLING_DAYS",
    "add_derived_daily",
    "attrition_figure",
    "failure_demand_figure",
    "band_panels_figure",
    "band_plot",
    "cost_breakdown_figure",
    "cost_figure",
    "headline_figure",
    "jcurve_figure",
    "loyalty_figure",
    "outcome_distributions_figure",
    "paired_difference_figure",
    "palette",
    "prim_boxes_figure",
    "prim_scatter_figure",
    "prim_tradeoff_figure",
    "rolling_window",
    "save_figure",
    "sensitivity_figure",
    "set_theme",
    "sweep_heatmap_figure",
    "sweep_lines_figure",
]

RGB = tuple[float, float, float]

ROLLING_DAYS = 90  # window of annualised turnover and churn (shortened on short runs, see rolling_window)
COST_SMOOTHING_DAYS = 30  # window of the daily-cost and cost-per-contact panels
SLIDE_INCHES = (13.33, 7.5)  # a 16:9 slide: points on the figure are points on the slide
BANDS = ((0.05, 0.95, 0.15), (0.25, 0.75, 0.32))  # (low, high quantile, alpha): 90 % then 50 % band
DEFAULT_OUTCOMES = ("retention_annual", "nps", "profit", "cost_per_served_usd", "turnover_annual", "engagement_mean")
HEATMAP_MAX_CELLS = 400  # more distinct (x, y) cells than this: a scatter instead of a heatmap
ANNOTATE_MAX_CELLS = 80  # more cells than this: the heatmap is not annotated (numbers would not fit)

# Colours (indices into seaborn's 10-colour "colorblind" palette) of the named scenario files, so the
# archetypes look the same in every chart; grey is kept for the baseline.
_FIXED_COLOURS = {"customer_focused": 0, "operations_focused": 1, "base": 7}
_FREE_ORDER = (0, 1, 2, 4, 9, 5, 8, 6, 3, 7)  # for other names: blue, orange, green, purple, ... grey last

# Short panel titles; other metrics get their name in words.
_TITLES = {
    "active_customers": "Active customers",
    "retention_annual": "Customer retention",
    "churn_rate_annual": "Customer churn",
    "churned": "Customers lost",
    "new_customers": "New customers",
    "referrals": "Referred customers",
    "satisfaction_mean": "Customer satisfaction",
    "nps": "Net promoter score",
    "revenue": "Revenue",
    "cost_total": "Total cost",
    "profit": "Profit",
    "cost_per_served_usd": "Cost per served contact",
    "employees": "Employees",
    "turnover_annual": "Staff turnover",
    "quits": "Quits",
    "engagement_mean": "Employee engagement",
    "occupancy": "Frontline occupancy",
    "wait_mean_min": "Mean wait",
    "wait_p95_min": "95th percentile wait",
    "abandon_rate": "Abandoned contacts",
    "first_contact_resolution": "First-contact resolution",
    "approval_wait_mean_min": "Approval wait",
}


# --------------------------------------------------------------------------- identity


def set_theme() -> None:
    """The one visual identity: seaborn whitegrid at talk size, colour-blind-safe palette, slide fonts.

    Every figure function calls it first (it sets matplotlib's global rcParams, as ``sns.set_theme`` does).
    """
    sns.set_theme(
        context="talk",
        style="whitegrid",
        palette="colorblind",
        font_scale=0.8,
        rc={
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.titlepad": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.titlesize": 19,
            "figure.titleweight": "bold",
            "legend.frameon": False,
            "grid.alpha": 0.5,
            "savefig.dpi": 200,
        },
    )


def palette(scenarios: Iterable[Any]) -> dict[str, RGB]:
    """A colour-blind-safe colour per scenario, stable across charts.

    The archetypes keep one colour everywhere (customer focused blue, operations focused orange, base
    grey); other names take the free colours in sorted order, so the same set of scenarios gets the same
    colours whatever the row order.
    """
    colours = sns.color_palette("colorblind", n_colors=10)
    names = list(dict.fromkeys(str(s) for s in scenarios))
    index = {s: _FIXED_COLOURS[s] for s in names if s in _FIXED_COLOURS}
    free = [i for i in _FREE_ORDER if i not in index.values()]
    for k, s in enumerate(sorted(s for s in names if s not in index)):
        index[s] = free[k % len(free)]
    return {s: colours[index[s]] for s in names}


def _label(name: Any, width: int = 24) -> str:
    """A scenario or key as shown: underscores as spaces, wrapped."""
    return textwrap.fill(str(name).replace("_", " "), width)


def _title(metric: str) -> str:
    if metric in _TITLES:
        return _TITLES[metric]
    if metric.startswith("cost_"):
        return "Cost: " + metric.removeprefix("cost_").replace("_", " ")
    return metric.replace("_", " ").capitalize()


def _run_unit(metric: str) -> str:
    """Unit of a metric's run-level value (``results.run_unit``); empty for a column that is not a metric."""
    return run_unit(metric) if metric in METRICS else ""


def _param_unit(key: str) -> str:
    for row in field_table():
        if row["key"] == key:
            return str(row["unit"])
    return ""


def _with_unit(what: str, unit: str) -> str:
    """``what (unit)``, or ``what, unit`` when the unit has its own parentheses (no nested brackets)."""
    if not unit:
        return what
    return f"{what}, {unit}" if "(" in unit else f"{what} ({unit})"


def _fmt(v: float) -> str:
    """A value for an annotation: thousands separated, else 3 significant digits."""
    if not np.isfinite(v):
        return "n/a"
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def _compact(v: float, scale: float | None = None) -> str:
    """A number for a tick: 12.5k, 1.2M; small values as they are. ``scale`` (the largest value on the
    axis) picks the suffix, so all ticks of an axis share it (0, 2.5k, 5k rather than 0, 2500, 5k)."""
    a = abs(v) if scale is None else abs(scale)
    if a >= 1e6:
        s = f"{v / 1e6:.3g}M"
    elif a >= 1e4:
        s = f"{v / 1e3:.3g}k"
    else:
        s = f"{v:.4g}"
    if v == 0:
        s = "0"
    return s.replace("-", "\u2212")


class _CompactFormatter(Formatter):
    """Tick labels with k and M suffixes chosen from the axis range: no offset text, no 1e6 corner label."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        scale = None
        if self.axis is not None:
            lo, hi = self.axis.get_view_interval()
            scale = max(abs(lo), abs(hi))
        return _compact(x, scale)


def _lighten(colour: RGB, amount: float = 0.5) -> RGB:
    r, g, b = colour
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _grid(n: int, max_cols: int = 3) -> tuple[int, int]:
    """(rows, columns) for n panels: 1, 2, 3 in a row, 4 as 2 x 2, more in rows of three."""
    cols = 2 if n == 4 else min(n, max_cols)
    return math.ceil(n / cols), max(cols, 1)


def _panels(n: int, height_per_row: float, max_cols: int = 3, extra: float = 1.6) -> tuple[Figure, list[Axes]]:
    """A constrained-layout figure with n panels (spare grid cells removed)."""
    rows, cols = _grid(n, max_cols)
    height = max(extra + rows * height_per_row, 4.0)
    fig, axes = plt.subplots(rows, cols, figsize=(SLIDE_INCHES[0], height), layout="constrained", squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.remove()
    return fig, flat[:n]


def _legend(fig: Figure, handles: Sequence[Any], labels: Sequence[str], title: str | None = None) -> None:
    """A figure legend below the panels, outside the data."""
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(len(labels), 4),
        title=title,
        handlelength=2.2,
        columnspacing=2.0,
    )


def _scenario_handles(colours: dict[str, RGB]) -> tuple[list[Any], list[str]]:
    handles = [Line2D([], [], color=c, linewidth=4) for c in colours.values()]
    return handles, [_label(s, 40) for s in colours]


# --------------------------------------------------------------------------- daily tables


def band_panels_figure(
    daily: pd.DataFrame,
    panels: Sequence[tuple[str, str, str]],
    colours: dict[str, RGB],
    title: str,
    mark_day: int | None = None,
    mark_label: str = "",
) -> Figure:
    """A grid of time series (one panel per ``(column, title, unit)``), median and 50/90 % bands per scenario.

    ``daily`` is a tidy daily table with the columns named in ``panels`` (derived ones added beforehand);
    ``colours`` maps each scenario to its colour and sets the legend order. ``mark_day`` draws a dashed
    line on every panel (a policy switch), explained in the legend by ``mark_label``.
    """
    set_theme()
    cols = 3 if len(panels) > 4 else 2
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=SLIDE_INCHES, layout="constrained", squeeze=False)
    for ax, (col, panel_title, unit) in zip(axes.flat, panels, strict=False):
        band_plot(ax, daily, col, colours, unit)
        if mark_day is not None:
            ax.axvline(mark_day, color="0.2", linestyle="--", linewidth=1.3)
        ax.set_title(panel_title)
        ax.set_xlim(0, int(daily["day"].max()))
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    n = int(daily["replication"].nunique())
    handles = [Line2D([], [], color=c, linewidth=4) for c in colours.values()]
    note = f"; dashed: {mark_label}" if mark_day is not None and mark_label else ""
    fig.legend(
        handles,
        list(colours),
        loc="outside lower center",
        ncols=len(colours),
        title=f"line: median; shades: 50 % and 90 % of {n} replications{note}",
    )
    fig.suptitle(title)
    return fig


def rolling_window(daily: pd.DataFrame, preferred: int = ROLLING_DAYS) -> int:
    """The rolling window in days: ``preferred``, or half the run on runs shorter than twice that."""
    days = int(daily["day"].nunique()) if len(daily) else 0
    return max(1, min(preferred, days // 2))


def add_derived_daily(daily: pd.DataFrame, window: int | None = None) -> pd.DataFrame:
    """Adds per-day derived series, per (scenario, replication).

    Columns added: ``cumulative_profit_usd`` (USD), ``cost_total_smoothed`` (USD/day,
    :data:`COST_SMOOTHING_DAYS`-day mean), ``cost_per_served_rolling`` (USD/contact over the same window),
    ``failure_demand_rolling`` (repeat contacts over contacts), ``chases_smoothed`` (contacts/day) and
    ``recovery_episode_smoothed`` (min) over the same window (when the table has those columns),
    and over ``window`` days (default :func:`rolling_window`), annualised: ``turnover_rolling_annual``,
    ``churn_rolling_annual`` and ``retention_rolling_annual`` (share/yr; NaN until a full window).
    """
    window = rolling_window(daily) if window is None else int(window)
    smooth = min(COST_SMOOTHING_DAYS, window)
    # Scenarios stay in the order they first appear (the caller's order), replications and days sorted.
    rank = {s: i for i, s in enumerate(dict.fromkeys(daily["scenario"]))}
    order = np.lexsort((daily["day"].to_numpy(), daily["replication"].to_numpy(), daily["scenario"].map(rank)))
    df = daily.iloc[order].reset_index(drop=True)
    g = df.groupby(["scenario", "replication"], sort=False)

    def rolling(col: str, days: int, how: str, min_periods: int | None = None) -> pd.Series:
        r = g[col].rolling(days, min_periods=min_periods)
        out = r.sum() if how == "sum" else r.mean()
        return out.reset_index(level=[0, 1], drop=True)  # back to df's index

    df["cumulative_profit_usd"] = g["profit"].cumsum()
    df["cost_total_smoothed"] = rolling("cost_total", smooth, "mean", min_periods=1)
    served = rolling("served", smooth, "sum", min_periods=1)
    df["cost_per_served_rolling"] = rolling("cost_total", smooth, "sum", min_periods=1) / served.where(served > 0)
    # Full windows only for the annualised rates: no extrapolation from a few days.
    per_year = DAYS_PER_YEAR / window
    df["turnover_rolling_annual"] = (
        rolling("quits", window, "sum") / rolling("employees", window, "mean").where(lambda s: s > 0) * per_year
    )
    df["churn_rolling_annual"] = (
        rolling("churned", window, "sum")
        / rolling("active_customers", window, "mean").where(lambda s: s > 0)
        * per_year
    )
    df["retention_rolling_annual"] = 1.0 - df["churn_rolling_annual"]
    if {"contacts", "repeat_contacts", "chases", "recovery_episode_mean_min"} <= set(df.columns):
        contacts = rolling("contacts", smooth, "sum", min_periods=1)
        repeats = rolling("repeat_contacts", smooth, "sum", min_periods=1)
        df["failure_demand_rolling"] = repeats / contacts.where(contacts > 0)
        df["chases_smoothed"] = rolling("chases", smooth, "mean", min_periods=1)
        df["recovery_episode_smoothed"] = rolling("recovery_episode_mean_min", smooth, "mean", min_periods=1)
    return df


def _band_series(ax: Axes, values: pd.DataFrame, colour: RGB, label: str | None) -> None:
    """Median line and 50 % / 90 % shades of a (day x replication) table."""
    q = values.quantile([0.05, 0.25, 0.5, 0.75, 0.95], axis=1).T
    for lo, hi, alpha in BANDS:
        ax.fill_between(q.index, q[lo], q[hi], color=colour, alpha=alpha, linewidth=0)
    ax.plot(q.index, q[0.5], color=colour, linewidth=2.2, label=label)


def band_plot(
    ax: Axes,
    daily: pd.DataFrame,
    column: str,
    colours: dict[str, RGB],
    ylabel: str,
) -> None:
    """Median line with 50 % and 90 % bands across replications, one colour per scenario."""
    drawn = False
    for scenario, g in daily.groupby("scenario", sort=False):
        values = g.pivot_table(index="day", columns="replication", values=column, aggfunc="mean").dropna(how="all")
        if values.empty:  # e.g. a rolling window longer than the run
            continue
        _band_series(ax, values, colours[str(scenario)], _label(scenario))
        drawn = True
    if not drawn:
        ax.text(0.5, 0.5, "not enough days for this window", transform=ax.transAxes, ha="center", va="center")
    ax.set_xlabel("day")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(_CompactFormatter())


def _n_replications(df: pd.DataFrame) -> int:
    return int(df.groupby("scenario")["replication"].nunique().min()) if len(df) else 0


def _time_series_figure(
    daily: pd.DataFrame,
    panels: Sequence[tuple[str, str, str]],
    title: str,
    max_cols: int = 3,
) -> Figure:
    """Panels of (column, panel title, y label), scenarios as hue, a scenario legend below."""
    set_theme()
    df = add_derived_daily(daily)
    colours = palette(df["scenario"].unique())
    rows, _ = _grid(len(panels), max_cols)
    fig, axes = _panels(len(panels), height_per_row=6.0 if rows == 1 else 3.3, max_cols=max_cols, extra=1.5)
    for ax, (col, panel_title, ylabel) in zip(axes, panels, strict=True):
        band_plot(ax, df, col, colours, ylabel)
        ax.set_title(panel_title)
        ax.set_xlim(df["day"].min(), df["day"].max())  # the same time axis, even where a window starts late
    n = _n_replications(df)
    _legend(fig, *_scenario_handles(colours), title=f"line: median; shades: 50 % and 90 % of {n} replications")
    fig.suptitle(title)
    return fig


def _window_note(daily: pd.DataFrame) -> str:
    return f"{rolling_window(daily)}-day window"


def loyalty_figure(daily: pd.DataFrame, title: str | None = None) -> Figure:
    """Customers kept: active customers, annualised retention (rolling window) and NPS by scenario."""
    unit = METRICS["retention_annual"].unit
    panels = [
        ("active_customers", "Active customers", METRICS["active_customers"].unit),
        ("retention_rolling_annual", "Retention, annualised", f"{unit}, {_window_note(daily)}"),
        ("nps", "Net promoter score", METRICS["nps"].unit),
    ]
    return _time_series_figure(daily, panels, title or "Customers kept: active customers, retention and NPS")


def attrition_figure(daily: pd.DataFrame, title: str | None = None) -> Figure:
    """Staff kept: annualised turnover (rolling window) and mean engagement by scenario."""
    panels = [
        (
            "turnover_rolling_annual",
            "Staff turnover, annualised",
            f"{METRICS['turnover_annual'].unit}, {_window_note(daily)}",
        ),
        ("engagement_mean", "Mean employee engagement", METRICS["engagement_mean"].unit),
    ]
    return _time_series_figure(daily, panels, title or "Staff kept: turnover and engagement")


def failure_demand_figure(daily: pd.DataFrame, title: str | None = None) -> Figure:
    """Failure demand (Seddon 2003): the share of contacts caused by earlier failures, the contacts of customers
    chasing a recovery, and how long a recovery takes from the complaint to the remedy."""
    smooth = f"{min(COST_SMOOTHING_DAYS, rolling_window(daily))}-day window"
    panels = [
        ("failure_demand_rolling", "Failure demand", f"share of contacts, {smooth}"),
        ("chases_smoothed", "Customers chasing a recovery", f"{METRICS['chases'].unit}, {smooth} mean"),
        (
            "recovery_episode_smoothed",
            "Length of a recovery",
            f"{METRICS['recovery_episode_mean_min'].unit}, {smooth} mean",
        ),
    ]
    return _time_series_figure(
        daily, panels, title or "Failure demand: repeat contacts, chases and the length of a recovery"
    )


def _cost_colours() -> dict[str, Any]:
    """Colour per cost category, in stacking order: the fixed bulk (overhead, labour) in greys first, so the
    categories the policies move stand out in colour; blue and orange, the archetypes' colours, are not used."""
    cb = sns.color_palette("colorblind", n_colors=10)
    chosen = {
        "overhead": "0.85",
        "labour": "0.62",
        "training": cb[2],
        "hiring": cb[3],
        "wellbeing": "0.35",
        "recovery": cb[4],
        "abuse": cb[6],
        "compliance": cb[5],
        "manager_time": cb[8],
        "coaching": sns.color_palette("dark")[2],
        "coordination": sns.color_palette("pastel")[4],
        "systems": sns.color_palette("dark")[9],
        "acquisition": cb[9],
    }
    fallback = iter(sns.color_palette("colorblind", n_colors=len(COST_CATEGORIES)))
    # Only the registry's categories; one added to it later still gets a colour (and a place at the end).
    return {
        **{k: v for k, v in chosen.items() if k in COST_CATEGORIES},
        **{k: next(fallback) for k in COST_CATEGORIES if k not in chosen},
    }


def _cost_bars(ax: Axes, daily: pd.DataFrame) -> list[Patch]:
    """Stacked horizontal bars of the mean daily cost by category, one bar per scenario; returns legend handles."""
    category_colours = _cost_colours()
    cols = [f"cost_{k}" for k in category_colours]
    mean = daily.groupby("scenario", sort=False)[cols].mean()
    colours = list(category_colours.values())
    labels = [_label(s, 16) for s in mean.index]
    y = np.arange(len(mean))
    left = np.zeros(len(mean))
    handles = []
    for i, col in enumerate(cols):
        v = mean[col].to_numpy(dtype=float)
        ax.barh(y, v, left=left, color=colours[i], edgecolor="white", linewidth=0.6, height=0.6)
        left += v
        handles.append(Patch(facecolor=colours[i], label=col.removeprefix("cost_").replace("_", " ")))
    for yi, total in zip(y, left, strict=True):
        ax.text(float(total), float(yi), f" {_fmt(total)}", va="center", ha="left", fontsize="small")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()  # first scenario on top
    ax.set_xlim(0, left.max() * 1.18 if len(left) and left.max() > 0 else 1)
    ax.set_xlabel(f"mean cost ({METRICS['cost_total'].unit})")
    ax.xaxis.set_major_formatter(_CompactFormatter())
    ax.grid(axis="y", visible=False)
    return handles


def cost_figure(daily: pd.DataFrame, title: str | None = None) -> Figure:
    """What it costs: mean daily cost by category per scenario (stacked), total daily cost and cost per
    served contact over time (median and bands)."""
    set_theme()
    df = add_derived_daily(daily)
    colours = palette(df["scenario"].unique())
    fig = plt.figure(figsize=SLIDE_INCHES, layout="constrained")
    gs = fig.add_gridspec(2, 2, width_ratios=[1.15, 1])
    bars = fig.add_subplot(gs[:, 0])
    handles = _cost_bars(bars, df)
    bars.set_title("Where the money goes: mean per day")
    bars.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncols=3,
        title="cost category",
        fontsize="small",
        title_fontsize="small",
    )
    smooth = min(COST_SMOOTHING_DAYS, rolling_window(daily))
    usd_day = METRICS["cost_total"].unit
    total = fig.add_subplot(gs[0, 1])
    band_plot(total, df, "cost_total_smoothed", colours, f"{usd_day}, {smooth}-day mean")
    total.set_title("Total cost per day")
    per = fig.add_subplot(gs[1, 1])
    band_plot(
        per, df, "cost_per_served_rolling", colours, f"{METRICS['cost_per_served_usd'].unit}, {smooth}-day window"
    )
    per.set_title("Cost per served contact")
    n = _n_replications(df)
    _legend(fig, *_scenario_handles(colours), title=f"line: median; shades: 50 % and 90 % of {n} replications")
    fig.suptitle(title or "What service costs: cost by category and per contact served")
    return fig


def headline_figure(daily: pd.DataFrame, title: str | None = None) -> Figure:
    """Loyalty, cost and attrition over time, scenarios side by side (2 x 3 panels)."""
    window = _window_note(daily)
    smooth = min(COST_SMOOTHING_DAYS, rolling_window(daily))
    panels = [
        ("active_customers", "Loyalty: active customers", METRICS["active_customers"].unit),
        ("nps", "Loyalty: net promoter score", METRICS["nps"].unit),
        ("cumulative_profit_usd", "Cost: cumulative profit", "USD"),
        ("cost_total_smoothed", "Cost: total cost per day", f"{METRICS['cost_total'].unit}, {smooth}-day mean"),
        ("turnover_rolling_annual", "Attrition: staff turnover", f"{METRICS['turnover_annual'].unit}, {window}"),
        ("engagement_mean", "Attrition: mean engagement", METRICS["engagement_mean"].unit),
    ]
    return _time_series_figure(daily, panels, title or "Loyalty, cost and attrition over time")


def cost_breakdown_figure(daily: pd.DataFrame, title: str | None = None) -> Figure:
    """Mean daily cost by category, stacked, per scenario (USD/day)."""
    set_theme()
    n = daily["scenario"].nunique()
    fig, ax = plt.subplots(figsize=(SLIDE_INCHES[0], max(4.5, 3.2 + 0.9 * n)), layout="constrained")
    handles = _cost_bars(ax, daily)
    fig.legend(handles=handles, loc="outside right upper", title="cost category")
    ax.set_title(title or "Where the money goes: mean daily cost by category")
    return fig


# --------------------------------------------------------------------------- run-level tables


def outcome_distributions_figure(
    per_rep: pd.DataFrame,
    metrics: Sequence[str] = DEFAULT_OUTCOMES,
    title: str | None = None,
    kind: str = "auto",
) -> Figure:
    """How runs end: each metric's run-level value by scenario, one dot per replication over a box.

    Args:
        per_rep: one row per (scenario, replication) (:func:`simulation.metrics.run_values`).
        metrics: the panels; flows are run totals, levels end-of-run values, rates means over days.
        title: the figure title (default names the metrics' subject).
        kind: ``"box"`` (box and dots), ``"violin"``, or ``"auto"`` (violins above 200 replications).
    """
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    missing = [m for m in metrics if m not in per_rep.columns]
    if missing:
        raise ValueError(f"metrics {missing} not in the table; columns: {', '.join(map(str, per_rep.columns))}")
    if kind not in ("auto", "box", "violin"):
        raise ValueError(f"kind = {kind!r}: allowed: auto, box, violin")
    set_theme()
    data = per_rep.assign(scenario=per_rep["scenario"].astype(str))
    scenarios = list(dict.fromkeys(data["scenario"]))
    colours = palette(scenarios)
    n_rep = int(data.groupby("scenario")["replication"].nunique().max()) if len(data) else 0
    violin = kind == "violin" or (kind == "auto" and n_rep > 200)
    rows, _ = _grid(len(metrics))
    fig, axes = _panels(len(metrics), height_per_row=5.6 if rows == 1 else 3.3, extra=1.5)
    for ax, m in zip(axes, metrics, strict=True):
        common: dict[str, Any] = dict(
            data=data, x="scenario", y=m, hue="scenario", order=scenarios, legend=False, ax=ax
        )
        if violin:
            sns.violinplot(**common, hue_order=scenarios, palette=colours, inner="quart", cut=0, linewidth=1.2)
        else:
            light = {s: _lighten(c, 0.6) for s, c in colours.items()}
            with warnings.catch_warnings():  # seaborn 0.13 passes matplotlib 3.11's deprecated `vert`
                warnings.filterwarnings("ignore", message="vert: bool", category=DeprecationWarning)
                sns.boxplot(**common, hue_order=scenarios, palette=light, showfliers=False, width=0.55, linewidth=1.4)
            sns.stripplot(**common, hue_order=scenarios, palette=colours, size=5, alpha=0.8, jitter=0.18)
        ax.set_xticks(range(len(scenarios)), [_label(s, 14) for s in scenarios])
        ax.set_xlabel("")
        ax.set_ylabel(_run_unit(m) or m)
        ax.set_title(_title(m))
        ax.yaxis.set_major_formatter(_CompactFormatter())
        ax.grid(axis="x", visible=False)
    shape = "violin: distribution, lines: quartiles" if violin else "dots: one replication each; box: middle 50 %"
    _legend(fig, *_scenario_handles(colours), title=f"{shape} ({n_rep} replications)")
    fig.suptitle(title or "How runs end: outcomes by scenario")
    return fig


def segments_figure(per_rep: pd.DataFrame, title: str | None = None) -> Figure:
    """Who a policy keeps and who pays for it: by customer segment (regular, price-sensitive, opportunist),
    each scenario's annual retention and the segment's contribution over the run (revenue less what was granted
    to it and what it cost to acquire), means with 90 % intervals over replications.

    Args:
        per_rep: one row per (scenario, replication) with ``retention_<segment>_annual`` and
            ``contribution_<segment>`` (:func:`simulation.metrics.run_values`, a study's ``replications``).
        title: the figure title.
    """
    panels = {
        "retention": [f"retention_{g}_annual" for g in SEGMENTS],
        "contribution": [f"contribution_{g}" for g in SEGMENTS],
    }
    _check_columns(per_rep, [c for cols in panels.values() for c in cols], "segments_figure")
    set_theme()
    data = per_rep.assign(scenario=per_rep["scenario"].astype(str))
    scenarios = list(dict.fromkeys(data["scenario"]))
    colours = palette(scenarios)
    stats = _mean_ci(data, ["scenario"], [c for cols in panels.values() for c in cols]).set_index("scenario")
    fig, axes = _panels(2, height_per_row=4.8, max_cols=2, extra=1.5)
    width = 0.8 / max(len(scenarios), 1)
    x = np.arange(len(SEGMENTS))
    for ax, (what, cols) in zip(axes, panels.items(), strict=True):
        for i, sc in enumerate(scenarios):
            mean = np.array([stats.loc[sc, f"{c}:mean"] for c in cols], dtype=float)
            lo = np.array([stats.loc[sc, f"{c}:lo"] for c in cols], dtype=float)
            hi = np.array([stats.loc[sc, f"{c}:hi"] for c in cols], dtype=float)
            err = np.nan_to_num(np.vstack([mean - lo, hi - mean]))
            at = x - 0.4 + width * (i + 0.5)
            if what == "retention":  # points, not bars: the axis does not start at zero
                ax.errorbar(
                    at,
                    mean,
                    yerr=err,
                    fmt="o",
                    markersize=8,
                    color=colours[sc],
                    ecolor="0.25",
                    capsize=3,
                    elinewidth=1.2,
                )
            else:
                style: dict[str, Any] = {"ecolor": "0.25", "capsize": 3, "elinewidth": 1.2}
                ax.bar(at, mean, width=width * 0.92, color=colours[sc], yerr=err, error_kw=style)
        ax.set_xticks(x, [g.replace("_", "-") for g in SEGMENTS])
        ax.set_ylabel(_run_unit(cols[0]) or cols[0])
        ax.set_title("annual retention" if what == "retention" else "contribution over the run")
        ax.yaxis.set_major_formatter(_CompactFormatter())
        ax.grid(axis="x", visible=False)
        if what == "contribution":
            ax.axhline(0, color="0.25", linewidth=1)
    _legend(fig, *_scenario_handles(colours), title="means with 90 % intervals over replications")
    fig.suptitle(title or "Who the policy keeps: retention and contribution by customer segment")
    return fig


def paired_difference_figure(diffs: pd.DataFrame, title: str | None = None) -> Figure:
    """What changes against the baseline: a forest plot of paired differences, one panel per metric.

    Each panel has its own axis (units differ): the mean difference (scenario minus baseline) as a dot,
    its 90 % interval as a bar, a line at zero. A filled dot: the interval excludes zero; hollow: it does
    not. The label gives the difference and its size relative to the baseline mean.
    """
    set_theme()
    metrics = list(dict.fromkeys(diffs["metric"]))
    pairs = list(dict.fromkeys(zip(diffs["baseline"].astype(str), diffs["scenario"].astype(str), strict=True)))
    baselines = list(dict.fromkeys(b for b, _ in pairs))
    colours = palette([*baselines, *(s for _, s in pairs)])  # the same set as the scenarios' other charts
    one_base = len(baselines) == 1
    row_labels = [_label(s, 16) if one_base else _label(f"{s} − {b}", 16) for b, s in pairs]
    k = len(pairs)
    rows, cols = _grid(len(metrics))
    fig, axes = _panels(len(metrics), height_per_row=1.5 + 0.55 * k, extra=2.0)
    for idx, (ax, metric) in enumerate(zip(axes, metrics, strict=True)):
        d = diffs[diffs["metric"] == metric]
        for i, (b, s) in enumerate(pairs):
            r = d[(d["baseline"].astype(str) == b) & (d["scenario"].astype(str) == s)]
            if r.empty:
                continue
            mean, lo, hi = (float(r[c].iloc[0]) for c in ("mean", "lo", "hi"))
            c = colours[s]
            has_interval = np.isfinite(lo) and np.isfinite(hi)
            excludes_zero = has_interval and (lo > 0 or hi < 0)
            ax.errorbar(
                [mean],
                [i],
                xerr=[[mean - lo], [hi - mean]] if has_interval else None,
                fmt="o",
                color=c,
                markerfacecolor=c if excludes_zero else "white",
                markeredgecolor=c,
                markeredgewidth=2,
                markersize=10,
                capsize=6,
                elinewidth=2.5,
            )
            base = float(r["baseline_mean"].iloc[0]) if "baseline_mean" in r else math.nan
            text = ("+" if mean > 0 else "") + _fmt(mean)
            # Relative change only against a positive baseline and when it is not absurd (NPS near 0).
            if np.isfinite(base) and base > 0 and np.isfinite(mean) and abs(mean / base) <= 5:
                text += f" ({100 * mean / base:+.1f} %)"
            ax.annotate(
                text.replace("-", "\u2212"),
                (mean, i),
                xytext=(0, 10),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize="small",
            )
        ax.axvline(0, color="0.25", linewidth=1.3, zorder=0)
        ax.set_yticks(range(k), row_labels)
        ax.set_ylim(k - 0.5, -0.85)  # first pair on top, room for its label
        if idx % cols:
            ax.tick_params(labelleft=False)  # same rows in every panel: labels once per row of panels
        unit = _run_unit(metric) or (str(d["unit"].iloc[0]) if "unit" in d and len(d) else "")
        ax.set_xlabel(_with_unit("difference", unit))
        ax.set_title(_title(metric))
        ax.margins(x=0.15)
        ax.xaxis.set_major_formatter(_CompactFormatter())
        ax.grid(axis="y", visible=False)
    n = int(diffs["n"].max()) if "n" in diffs and len(diffs) else 0
    handles = [
        Line2D([], [], color=colours[s], marker="o", markersize=10, linewidth=2.5)
        for s in dict.fromkeys(s for _, s in pairs)
    ]
    labels = [_label(s, 40) for s in dict.fromkeys(s for _, s in pairs)]
    _legend(fig, handles, labels, title=f"mean and 90 % interval over {n} paired replications; hollow: includes 0")
    default = f"Against {_label(baselines[0], 60)}: paired differences" if one_base else "Paired differences"
    fig.suptitle(title or default)
    return fig


# --------------------------------------------------------------------------- sweeps


#: Student's t quantile 0.95 for 1 to 30 degrees of freedom.
_T95: tuple[float, ...] = (
    *(6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753),
    *(1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697),
)


def _t95(df: int) -> float:
    """Student's t quantile 0.95 (a two-sided 90 % interval) with ``df`` degrees of freedom.

    A table to 30, then the Cornish-Fisher expansion (error below 1e-4): no scipy at run time.
    """
    if df < 1:
        return math.nan
    if df <= len(_T95):
        return _T95[df - 1]
    z = 1.6448536269514722
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _mean_ci(df: pd.DataFrame, by: list[str], metrics: Sequence[str]) -> pd.DataFrame:
    """Per group: each metric's mean and 90 % t-interval over the rows (replications), finite values only."""
    rows = []
    for key, g in df.groupby(by, sort=True):
        row: dict[str, Any] = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        for m in metrics:
            v = g[m].to_numpy(dtype=float)
            v = v[np.isfinite(v)]
            mean = float(v.mean()) if v.size else math.nan
            half = _t95(v.size - 1) * float(v.std(ddof=1)) / math.sqrt(v.size) if v.size > 1 else math.nan
            row.update({f"{m}:mean": mean, f"{m}:lo": mean - half, f"{m}:hi": mean + half, f"{m}:n": v.size})
        rows.append(row)
    return pd.DataFrame(rows)


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _tick(v: Any) -> str:
    return _compact(float(v)) if isinstance(v, int | float | np.number) and not isinstance(v, bool) else str(v)


def _check_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: no column {missing}; columns: {', '.join(map(str, df.columns))}")


def sweep_lines_figure(
    sweep: pd.DataFrame,
    x: str,
    metrics: Sequence[str] | str,
    hue: str | None = None,
    title: str | None = None,
) -> Figure:
    """What one parameter changes: each metric's mean and 90 % confidence interval against ``x``.

    Args:
        sweep: one row per design point and replication (``point``, ``replication``, the varied keys,
            run-level metrics).
        x: the varied key on the horizontal axis (its unit comes from the scenario schema).
        metrics: one panel each.
        hue: another column (a varied key, say) drawn as separate lines; without it rows with the same
            ``x`` are pooled.
        title: the figure title.
    """
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    _check_columns(sweep, [x, *metrics, *([hue] if hue else [])], "sweep_lines_figure")
    set_theme()
    by = [x] if hue is None else [x, hue]
    stats = _mean_ci(sweep, by, metrics)
    numeric = _is_numeric(sweep[x])
    categories = list(dict.fromkeys(sweep[x])) if not numeric else []  # in the design's order
    levels: list[Any] = [None] if hue is None else sorted(stats[hue].unique())
    if hue is None:
        colours: dict[Any, RGB] = {None: sns.color_palette("colorblind")[0]}
    elif _is_numeric(stats[hue]):  # ordered levels: an ordered, colour-blind-safe ramp (no pale yellow end)
        colours = dict(zip(levels, sns.color_palette("viridis", len(levels) + 1)[: len(levels)], strict=True))
    else:
        named = palette(levels)
        colours = {v: named[str(v)] for v in levels}
    rows, _ = _grid(len(metrics))
    fig, axes = _panels(len(metrics), height_per_row=5.6 if rows == 1 else 3.3, extra=1.6)
    for ax, m in zip(axes, metrics, strict=True):
        for level in levels:
            s = stats if hue is None else stats[stats[hue] == level]
            xs = s[x].to_numpy() if numeric else np.array([categories.index(v) for v in s[x]])
            order = np.argsort(xs, kind="stable")
            xs = xs[order]
            mean, lo, hi = (s[f"{m}:{q}"].to_numpy()[order] for q in ("mean", "lo", "hi"))
            c = colours[level]
            if numeric:
                ax.fill_between(xs, lo, hi, color=c, alpha=0.22, linewidth=0)
                ax.plot(xs, mean, color=c, marker="o", markersize=6, linewidth=2.2)
            else:  # categories: no lines between them
                ax.errorbar(xs, mean, yerr=[mean - lo, hi - mean], fmt="o", color=c, markersize=8, capsize=6)
        if not numeric:
            ax.set_xticks(range(len(categories)), [_label(v, 12) for v in categories])
        else:
            ax.xaxis.set_major_formatter(_CompactFormatter())
        ax.set_xlabel(_with_unit(x, _param_unit(x)))
        ax.set_ylabel(_run_unit(m) or m)
        ax.set_title(_title(m))
        ax.yaxis.set_major_formatter(_CompactFormatter())
    n = int(sweep.groupby(by)["replication"].count().min()) if len(sweep) else 0
    note = f"line: mean; shade: 90 % confidence interval ({n}+ replications per value)"
    if hue is None:
        c0 = colours[None]
        _legend(
            fig,
            [Line2D([], [], color=c0, marker="o", linewidth=2.2), Patch(color=c0, alpha=0.22)],
            ["mean", "90 % confidence interval"],
            title=f"{n}+ replications per value",
        )
    else:
        handles = [Line2D([], [], color=colours[v], marker="o", linewidth=2.2) for v in levels]
        _legend(fig, handles, [_tick(v) for v in levels], title=f"{_with_unit(hue, _param_unit(hue))}; {note}")
    subject = ", ".join(_title(m).lower() for m in metrics)
    fig.suptitle(title or textwrap.fill(f"What {x} changes: {subject}", 90))
    return fig


def sweep_heatmap_figure(
    sweep: pd.DataFrame,
    x: str,
    y: str,
    metric: str,
    title: str | None = None,
) -> Figure:
    """How a metric responds to two parameters: the mean per cell of a grid, annotated, with a colour bar.

    Designs whose points do not form a grid (a Latin hypercube) are drawn as a scatter of the design
    points coloured by the metric's mean.
    """
    _check_columns(sweep, ["point", x, y, metric], "sweep_heatmap_figure")
    set_theme()
    pts = sweep.groupby("point", sort=True).agg(xv=(x, "first"), yv=(y, "first"), value=(metric, "mean"))
    n = int(sweep.groupby("point")[metric].count().min()) if len(sweep) else 0
    cells = pts.groupby(["xv", "yv"], sort=True)["value"].mean()  # points sharing a cell: their mean
    nx, ny = pts["xv"].nunique(), pts["yv"].nunique()
    unit = _run_unit(metric) or metric
    fig, ax = plt.subplots(figsize=SLIDE_INCHES, layout="constrained")
    if len(cells) == nx * ny and len(cells) <= HEATMAP_MAX_CELLS:
        grid = cells.unstack("xv").sort_index(ascending=False)  # the largest y on top
        annotate = grid.size <= ANNOTATE_MAX_CELLS
        sns.heatmap(
            grid,
            ax=ax,
            cmap="viridis",
            annot=grid.map(lambda v: _compact(v) if np.isfinite(v) else "").to_numpy() if annotate else False,
            fmt="",
            linewidths=1.5,
            linecolor="white",
            cbar_kws={"label": unit, "format": _CompactFormatter()},
        )
        ax.set_xticks(np.arange(nx) + 0.5, [_tick(v) for v in grid.columns], rotation=0)
        ax.set_yticks(np.arange(ny) + 0.5, [_tick(v) for v in grid.index], rotation=0)
        ax.set_title(f"Mean of {n} replications per cell")
    else:
        xs, ys = (
            (pts[c].to_numpy(dtype=float) if _is_numeric(pts[c]) else pd.factorize(pts[c], sort=True)[0])
            for c in ("xv", "yv")
        )
        sc = ax.scatter(xs, ys, c=pts["value"], cmap="viridis", s=160, edgecolors="white", linewidths=0.8)
        fig.colorbar(sc, ax=ax, label=unit, format=_CompactFormatter())
        for axis, c in ((ax.xaxis, "xv"), (ax.yaxis, "yv")):
            if _is_numeric(pts[c]):
                axis.set_major_formatter(_CompactFormatter())
            else:
                cats = pd.factorize(pts[c], sort=True)[1]
                axis.set_ticks(range(len(cats)), [str(v) for v in cats])
        ax.set_title(f"Design points not on a grid: one dot per point, mean of {n} replications")
    ax.set_xlabel(_with_unit(x, _param_unit(x)))
    ax.set_ylabel(_with_unit(y, _param_unit(y)))
    fig.suptitle(title or textwrap.fill(f"{_title(metric)} across {x} and {y}", 90))
    return fig


# --------------------------------------------------------------------------- sensitivity


def sensitivity_figure(indices: pd.DataFrame, title: str | None = None) -> Figure:
    """Which inputs drive each output: horizontal bars, inputs sorted by total effect, error bars.

    ``indices`` has ``output``, ``input`` and either ``S1, S1_conf, ST, ST_conf`` (Sobol: total and
    first-order indices, sorted by ST) or ``mu_star, mu_star_conf, sigma`` (Morris: mean absolute
    elementary effect, sorted by mu_star, with sigma as a marker).
    """
    if {"S1", "ST"} <= set(indices.columns):
        method, key = "sobol", "ST"
    elif "mu_star" in indices.columns:
        method, key = "morris", "mu_star"
    else:
        raise ValueError(
            "sensitivity_figure: expected columns S1, S1_conf, ST, ST_conf (sobol) or mu_star, mu_star_conf, "
            f"sigma (morris); got {', '.join(map(str, indices.columns))}"
        )
    set_theme()
    outputs = list(dict.fromkeys(indices["output"]))
    m = int(indices.groupby("output")["input"].nunique().max()) if len(indices) else 1
    per_input = 0.5 if method == "sobol" else 0.38
    fig, axes = _panels(len(outputs), height_per_row=1.3 + per_input * m, extra=1.8)
    dark = sns.color_palette("colorblind")[0]
    light = _lighten(dark, 0.55)

    def conf(d: pd.DataFrame, col: str) -> np.ndarray | None:
        return d[col].fillna(0).to_numpy(dtype=float) if col in d else None

    for ax, out in zip(axes, outputs, strict=True):
        d = indices[indices["output"] == out].sort_values(key, ascending=False, na_position="last")
        y = np.arange(len(d))
        err = {"ecolor": "0.25", "capsize": 3, "elinewidth": 1.3}
        if method == "sobol":
            ax.barh(y - 0.2, d["ST"], height=0.4, xerr=conf(d, "ST_conf"), color=dark, error_kw=err)
            ax.barh(y + 0.2, d["S1"], height=0.4, xerr=conf(d, "S1_conf"), color=light, error_kw=err)
            ax.set_xlabel("Sobol index (share of variance)")
        else:
            ax.barh(y, d["mu_star"], height=0.6, xerr=conf(d, "mu_star_conf"), color=light, error_kw=err)
            if "sigma" in d:
                ax.scatter(d["sigma"], y, marker="D", s=50, color="0.15", zorder=3)
            ax.set_xlabel(_with_unit("elementary effect", _run_unit(str(out))))
            ax.xaxis.set_major_formatter(_CompactFormatter())
        ax.set_yticks(y, [str(v).replace(".", ".\n", 1) for v in d["input"]], fontsize="small")
        ax.set_ylim(len(d) - 0.5, -0.5)  # the largest on top
        ax.axvline(0, color="0.25", linewidth=1)
        ax.set_title(_title(str(out)))
        ax.grid(axis="y", visible=False)
    if method == "sobol":
        handles: list[Any] = [Patch(color=dark), Patch(color=light)]
        labels = ["total effect ST", "first-order effect S1"]
        how = "sorted by total effect; error bars: confidence half-widths"
    else:
        handles = [Patch(color=light), Line2D([], [], marker="D", color="0.15", linestyle="none", markersize=8)]
        labels = ["μ*: mean absolute effect", "σ: spread (interactions, non-linearity)"]
        how = "sorted by μ*; error bars: confidence half-widths of μ*"
    _legend(fig, handles, labels, title=how)
    name = "Sobol indices" if method == "sobol" else "Morris screening"
    fig.suptitle(title or f"What drives the outcomes: {name}")
    return fig


# --------------------------------------------------------------------------- transition


def jcurve_figure(
    jcurve: pd.DataFrame,
    breakeven: pd.DataFrame,
    at_day: int,
    title: str | None = None,
) -> Figure:
    """Paying for a switch: the J-curve of cumulative profit (switch minus stay) and the break-even day.

    Left: median and 50 % / 90 % bands across replications of ``delta_cumulative_profit`` (USD) by day,
    a line at zero and one at the switch day. Right: the histogram of ``breakeven_day``, with the share
    of replications that never break even within the horizon stated in the panel.
    """
    _check_columns(jcurve, ["replication", "day", "delta_cumulative_profit"], "jcurve_figure")
    _check_columns(breakeven, ["breakeven_day"], "jcurve_figure")
    set_theme()
    colour = sns.color_palette("colorblind")[0]
    fig, (left, right) = plt.subplots(1, 2, figsize=SLIDE_INCHES, layout="constrained", width_ratios=[1.6, 1])
    values = jcurve.pivot_table(index="day", columns="replication", values="delta_cumulative_profit", aggfunc="mean")
    _band_series(left, values, colour, "median")
    left.axhline(0, color="0.2", linewidth=1.2)
    left.axvline(at_day, color="0.2", linestyle="--", linewidth=1.5)
    left.annotate(
        f"switch on day {at_day}",
        xy=(at_day, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(6, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize="small",
    )
    left.set_xlabel("day")
    left.set_ylabel("cumulative profit, switch − stay (USD)")
    left.yaxis.set_major_formatter(_CompactFormatter())
    left.set_title("Cumulative profit: switching vs staying put")

    horizon = int(jcurve["day"].max()) if len(jcurve) else at_day
    be = breakeven["breakeven_day"].to_numpy(dtype=float)
    finite = be[np.isfinite(be)]
    never = 1.0 - finite.size / be.size if be.size else math.nan
    if finite.size:
        bins = min(30, max(5, len(np.histogram_bin_edges(finite, bins="auto")) - 1))
        counts, _, _ = right.hist(finite, bins=bins, color=colour, edgecolor="white", linewidth=0.8)
        med = float(np.median(finite))
        late = med > (at_day + horizon) / 2  # labels go on the emptier side of the median line
        right.axvline(med, color="0.15", linestyle="--", linewidth=1.5)
        right.annotate(
            f"median: day {med:.0f}",
            xy=(med, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-5 if late else 5, -4),
            textcoords="offset points",
            ha="right" if late else "left",
            va="top",
            fontsize="small",
        )
        right.set_ylim(0, max(counts.max(), 1) * 1.6)  # headroom for the statements at the top
    right.set_xlim(at_day, max(horizon, at_day + 1))
    late = finite.size > 0 and float(np.median(finite)) > (at_day + horizon) / 2
    right.text(
        0.03 if late else 0.97,
        0.86,
        f"{100 * never:.0f} % never break even\nwithin the {horizon}-day horizon",
        transform=right.transAxes,
        ha="left" if late else "right",
        va="top",
        fontsize="small",
        bbox={"facecolor": "white", "edgecolor": "0.7", "boxstyle": "round,pad=0.4"},
    )
    right.set_xlabel("break-even day (day)")
    right.set_ylabel("replications (count)")
    right.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 replications
    right.set_title("When switching pays off")
    right.grid(axis="x", visible=False)
    n = int(jcurve["replication"].nunique())
    handles = [Line2D([], [], color=colour, linewidth=2.2), *(Patch(color=colour, alpha=a) for _, _, a in BANDS[::-1])]
    _legend(fig, handles, ["median", "50 % of replications", "90 % of replications"], title=f"{n} replications")
    fig.suptitle(title or "Paying for the switch: the J-curve of cumulative profit and the break-even day")
    return fig


# --------------------------------------------------------------------------- files


# --------------------------------------------------------------------------- scenario discovery (PRIM)


def prim_boxes_figure(boxes: pd.DataFrame, title: str | None = None) -> Figure:
    """Each PRIM box's limits: per parameter, the sampled range (grey) and the box's range (colour), scaled
    to the sampled range, with the limits written at the ends; one panel per box, coverage and density in
    its title. Restricted parameters are drawn dark, the others light."""
    _check_columns(boxes, ["box", "parameter", "lower", "upper", "range_lo", "range_hi", "restricted"], "prim_boxes")
    set_theme()
    ids = list(dict.fromkeys(boxes["box"]))
    m = int(boxes.groupby("box")["parameter"].nunique().max()) if len(boxes) else 1
    fig, axes = _panels(max(len(ids), 1), height_per_row=1.0 + 0.55 * m, max_cols=2, extra=1.4)
    colour = sns.color_palette("colorblind")[0]
    for ax, b in zip(axes, ids, strict=False):
        g = boxes[boxes["box"] == b].reset_index(drop=True)
        span = (g["range_hi"] - g["range_lo"]).replace(0, 1.0)
        lo = ((g["lower"] - g["range_lo"]) / span).to_numpy(dtype=float)
        hi = ((g["upper"] - g["range_lo"]) / span).to_numpy(dtype=float)
        y = np.arange(len(g))
        ax.barh(y, 1.0, left=0.0, height=0.55, color="0.88")
        shade = [colour if r else _lighten(colour, 0.6) for r in g["restricted"]]
        ax.barh(y, hi - lo, left=lo, height=0.55, color=shade)
        for i, row in g.iterrows():
            ax.text(-0.02, i, _fmt(float(row["lower"])), ha="right", va="center", fontsize="small")
            ax.text(1.02, i, _fmt(float(row["upper"])), ha="left", va="center", fontsize="small")
        ax.set_yticks(y, [str(v).replace(".", ".\n", 1) for v in g["parameter"]], fontsize="small")
        ax.set_ylim(len(g) - 0.5, -0.5)
        ax.set_xlim(-0.25, 1.25)
        ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"])
        ax.set_xlabel("position in the sampled range")
        ax.grid(axis="y", visible=False)
        first = g.iloc[0]
        ax.set_title(f"Box {b}: coverage {first['coverage']:.2f}, density {first['density']:.2f}")
    if not ids:
        axes[0].text(0.5, 0.5, "no box: the condition holds nowhere densely enough", ha="center", va="center")
        axes[0].set_axis_off()
    fig.suptitle(title or "Where the condition holds: PRIM boxes (dark: restricted parameters)")
    return fig


def prim_tradeoff_figure(trajectory: pd.DataFrame, title: str | None = None) -> Figure:
    """The peeling trajectory of each box: density against coverage, one dot per peeling step coloured by
    the number of restricted parameters; the chosen step ringed."""
    _check_columns(trajectory, ["box", "coverage", "density", "res_dim", "selected"], "prim_tradeoff")
    set_theme()
    ids = list(dict.fromkeys(trajectory["box"]))
    fig, axes = _panels(max(len(ids), 1), height_per_row=5.2, max_cols=2, extra=1.2)
    most = int(trajectory["res_dim"].max()) if len(trajectory) else 1
    cmap = plt.get_cmap("viridis", max(most + 1, 2))
    for ax, b in zip(axes, ids, strict=False):
        t = trajectory[trajectory["box"] == b]
        ax.plot(t["coverage"], t["density"], color="0.6", linewidth=1, zorder=1)
        sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap=cmap, vmin=-0.5, vmax=most + 0.5, s=45)
        chosen = t[t["selected"]]
        ax.scatter(chosen["coverage"], chosen["density"], s=260, facecolors="none", edgecolors="0.1", linewidths=2)
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("coverage (share of the points where it holds that are in the box)")
        ax.set_ylabel("density (share of the box's points where it holds)")
        ax.set_title(f"Box {b}: peeling trajectory (ringed: the box reported)")
        fig.colorbar(sc, ax=ax, label="restricted parameters", ticks=range(most + 1))
    if not ids:
        axes[0].set_axis_off()
    fig.suptitle(title or "PRIM: coverage against density while peeling")
    return fig


def prim_scatter_figure(
    points: pd.DataFrame, boxes: pd.DataFrame, x: str, y: str, condition: str = "condition", title: str | None = None
) -> Figure:
    """The design points over two parameters, those where the condition holds coloured, with each box's
    limits in these two parameters drawn as a rectangle."""
    _check_columns(points, [x, y, condition], "prim_scatter")
    set_theme()
    fig, ax = plt.subplots(figsize=SLIDE_INCHES, layout="constrained")
    holds = points[condition].astype(bool)
    yes, no = sns.color_palette("colorblind")[1], "0.7"
    ax.scatter(points.loc[~holds, x], points.loc[~holds, y], s=40, color=no, label="does not hold")
    ax.scatter(points.loc[holds, x], points.loc[holds, y], s=55, color=yes, label="holds")
    from matplotlib.patches import Rectangle

    for b, g in boxes.groupby("box", sort=True):
        lower = g.set_index("parameter")["lower"].astype(float).to_dict()
        upper = g.set_index("parameter")["upper"].astype(float).to_dict()
        if x not in lower or y not in lower:
            continue
        x0, x1, y0, y1 = lower[x], upper[x], lower[y], upper[y]
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, linewidth=2.5, edgecolor="0.1"))
        ax.text(x0, y1, f" box {b}", va="bottom", ha="left", fontsize="small")
    ax.set_xlabel(_with_unit(x, _param_unit(x)))
    ax.set_ylabel(_with_unit(y, _param_unit(y)))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="the condition")
    fig.suptitle(title or textwrap.fill(f"Design points and PRIM boxes over {x} and {y}", 90))
    return fig


def save_figure(fig: Figure, directory: str | Path, name: str, dpi: int = 200) -> list[Path]:
    """Write ``name.png`` (``dpi``, at least 150) and ``name.svg`` into ``directory``, close the figure.

    Creates the directory. Returns the two paths.
    """
    if dpi < 150:
        raise ValueError(f"dpi = {dpi}: allowed: at least 150 (slides need sharp text)")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    try:
        for path in paths:
            fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.15)
    finally:
        plt.close(fig)
    return paths
