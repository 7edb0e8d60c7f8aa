"""Discretion policies in experiment tables and charts: approval gating, guidelines with a limit, no limit.

Shared by lenscrafters_returns.py and healthcare_compliance.py, which sweep the discretion limit of
guidelines against a second key and add approval gating as the reference: in their combined tables
approval sits at limit 0 (a zero limit gates every claim) and ``NO_LIMIT`` stands for no limit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

LIMIT = "empowerment.discretion_limit_usd"
NO_LIMIT = 1e6  # above every claim: the schema's 'no limit'
APPROVAL = 0.0  # approval gating sits at limit 0 in the combined table (a zero limit gates every claim)


def policy(limit: float) -> str:
    """A policy's name from its discretion limit (0: approval gating)."""
    if limit == APPROVAL:
        return "approval"
    if limit >= NO_LIMIT:
        return "no limit"
    return f"≤ {limit:,.0f} USD"


def relabel(fig: Any, ticks: bool) -> Any:
    """Limits as policies in a chart: 0 as 'approval', 1M as 'no limit' (x ticks of a heatmap, legends)."""
    names = {"0": "approval", "1M": "no limit"}
    if ticks:
        ax = fig.axes[0]
        labels = [names.get(t.get_text(), t.get_text()) for t in ax.get_xticklabels()]
        ax.set_xticks(ax.get_xticks(), labels)
        ax.set_xlabel("policy: approval gating, or guidelines with a discretion limit (USD/case)")
    for legend in fig.legends:
        for text in legend.get_texts():
            text.set_text(names.get(text.get_text(), text.get_text()))
    return fig


def outline_best(fig: Any, t: pd.DataFrame, y: str) -> Any:
    """Frame the most profitable policy in each row of a profit heatmap (rows: values of ``y``, largest on top)."""
    from matplotlib.patches import Rectangle

    ax = fig.axes[0]
    xs, ys = sorted(t[LIMIT].unique()), sorted(t[y].unique(), reverse=True)
    best = t.groupby([y, LIMIT])["profit"].mean().groupby(level=0).idxmax()
    for yv, (_, xv) in best.items():
        ax.add_patch(Rectangle((xs.index(xv), ys.index(yv)), 1, 1, fill=False, edgecolor="black", linewidth=4))
    ax.set_title(ax.get_title(loc="left") + "; framed: the most profitable policy per row", loc="left")
    return fig


def combined(grid: pd.DataFrame, gated: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per (policy, ``key`` value, replication): the guideline grid plus approval gating at limit 0."""
    gated = gated.copy()
    gated[LIMIT] = APPROVAL
    t = pd.concat([gated, grid], ignore_index=True).sort_values([LIMIT, key, "replication"], kind="stable")
    t["point"] = t.groupby([LIMIT, key], sort=True).ngroup()
    t["scenario"] = t[LIMIT].map(policy)
    return t.reset_index(drop=True)


def runs_of(xs: list[float], labels: list[str]) -> list[list[float]]:
    """``xs`` split into runs of consecutive values with the same label."""
    groups: list[list[float]] = []
    for i, x in enumerate(xs):
        if i and labels[i] == labels[i - 1]:
            groups[-1].append(x)
        else:
            groups.append([x])
    return groups
