"""Charts of loyalty, cost and attrition: functions of tidy DataFrames.

Plots never import an engine: they take the daily table of
:class:`simulation.results.Results` (or a file read back from Parquet) and
return matplotlib figures. One visual identity: seaborn's colour-blind-safe
palette, the median as a line, the 50 % and 90 % bands across replications
as shades, units on every axis.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files, not windows: safe on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from simulation.metrics import COST_CATEGORIES, METRICS  # noqa: E402
from simulation.scenario.schema import DAYS_PER_YEAR  # noqa: E402

__all__ = ["add_derived_daily", "band_plot", "cost_breakdown_figure", "headline_figure", "palette"]

ROLLING_DAYS = 90  # window of annualised turnover and churn
COST_SMOOTHING_DAYS = 30  # window of the daily-cost panel


def palette(scenarios: list[str]) -> dict[str, tuple[float, float, float]]:
    """A stable colour-blind-safe colour per scenario."""
    colours = sns.color_palette("colorblind", n_colors=max(len(scenarios), 3))
    return {s: colours[i] for i, s in enumerate(scenarios)}


def add_derived_daily(daily: pd.DataFrame) -> pd.DataFrame:
    """Adds per-day derived series: cumulative profit, rolling annualised turnover and churn."""
    df = daily.sort_values(["scenario", "replication", "day"]).copy()
    g = df.groupby(["scenario", "replication"], sort=False)
    df["cumulative_profit_musd"] = g["profit"].cumsum() / 1e6
    df["cost_total_smoothed"] = g["cost_total"].transform(
        lambda s: s.rolling(COST_SMOOTHING_DAYS, min_periods=1).mean()
    )

    def rolling_sum(col: str) -> pd.Series:  # full windows only: no extrapolation from a few days
        return g[col].transform(lambda s: s.rolling(ROLLING_DAYS).sum())

    def rolling_mean(col: str) -> pd.Series:
        return g[col].transform(lambda s: s.rolling(ROLLING_DAYS).mean())

    df["turnover_rolling_annual"] = rolling_sum("quits") / rolling_mean("employees") * DAYS_PER_YEAR / ROLLING_DAYS
    df["churn_rolling_annual"] = (
        rolling_sum("churned") / rolling_mean("active_customers") * DAYS_PER_YEAR / ROLLING_DAYS
    )
    return df


def band_plot(
    ax: plt.Axes,
    daily: pd.DataFrame,
    column: str,
    colours: dict,
    ylabel: str,
) -> None:
    """Median line with 50 % and 90 % bands across replications, one colour per scenario."""
    for scenario, g in daily.groupby("scenario", sort=False):
        values = g.pivot_table(index="day", columns="replication", values=column)
        if values.empty:  # e.g. a 90-day window on a shorter run
            ax.text(0.5, 0.5, "not enough days for this window", transform=ax.transAxes, ha="center", va="center")
            continue
        q = values.quantile([0.05, 0.25, 0.5, 0.75, 0.95], axis=1).T
        c = colours[scenario]
        ax.fill_between(q.index, q[0.05], q[0.95], color=c, alpha=0.15, linewidth=0)
        ax.fill_between(q.index, q[0.25], q[0.75], color=c, alpha=0.3, linewidth=0)
        ax.plot(q.index, q[0.5], color=c, linewidth=2, label=str(scenario).replace("_", " "))
    ax.set_xlabel("day")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)


def headline_figure(daily: pd.DataFrame, title: str | None = None) -> plt.Figure:
    """Loyalty, cost and attrition over time, scenarios side by side (2 x 3 panels)."""
    sns.set_theme(style="whitegrid", context="talk", font_scale=0.7)
    df = add_derived_daily(daily)
    colours = palette(list(df["scenario"].unique()))
    fig, axes = plt.subplots(2, 3, figsize=(16, 9), constrained_layout=True)
    panels = [
        ("active_customers", "active customers", "Loyalty: customer base"),
        ("nps", METRICS["nps"].unit, "Loyalty: net promoter score"),
        ("cumulative_profit_musd", "cumulative profit (million USD)", "Cost: cumulative profit"),
        ("cost_total_smoothed", f"total cost (USD/day, {COST_SMOOTHING_DAYS}-day mean)", "Cost: daily cost"),
        ("turnover_rolling_annual", "turnover (share/yr, 90-day window)", "Attrition: annualised staff turnover"),
        ("engagement_mean", METRICS["engagement_mean"].unit, "Attrition: mean engagement"),
    ]
    for ax, (col, ylabel, panel_title) in zip(axes.flat, panels, strict=True):
        band_plot(ax, df, col, colours, ylabel)
        ax.set_title(panel_title, loc="left", fontweight="bold")
    axes.flat[0].legend(loc="best", frameon=False)
    n_rep = df.groupby("scenario")["replication"].nunique().min()
    fig.suptitle(
        title or f"Loyalty, cost and attrition (median, 50 % and 90 % bands over {n_rep} replications)",
        fontsize=15,
        fontweight="bold",
    )
    return fig


def cost_breakdown_figure(daily: pd.DataFrame, title: str | None = None) -> plt.Figure:
    """Mean daily cost by category, stacked, per scenario (USD/day)."""
    sns.set_theme(style="whitegrid", context="talk", font_scale=0.7)
    cols = [f"cost_{k}" for k in COST_CATEGORIES]
    mean = daily.groupby("scenario", sort=False)[cols].mean()
    mean.columns = [c.removeprefix("cost_").replace("_", " ") for c in cols]
    fig, ax = plt.subplots(figsize=(11, 6), constrained_layout=True)
    colours = sns.color_palette("colorblind", n_colors=len(cols))
    left = np.zeros(len(mean))
    labels = [s.replace("_", " ") for s in mean.index]
    for i, cat in enumerate(mean.columns):
        ax.barh(labels, mean[cat].to_numpy(), left=left, color=colours[i], label=cat)
        left += mean[cat].to_numpy()
    ax.set_xlabel("mean cost (USD/day)")
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.15), frameon=False)
    ax.set_title(title or "Where the money goes: mean daily cost by category", loc="left", fontweight="bold")
    return fig
