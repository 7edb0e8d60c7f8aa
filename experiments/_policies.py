"""Discretion policies in experiment tables and charts: approval gating, guidelines with a limit, no limit.

Shared by lenscrafters_returns.py and healthcare_compliance.py, which sweep the discretion limit of
guidelines against a second key and add approval gating as the reference: in their combined tables
approval sits at limit 0 (a zero limit gates every claim) and ``NO_LIMIT`` stands for no limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from _common import Experiment, interval

from simulation.scenario.schema import Scenario
from simulation.studies import paired_differences, sweep

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


def run_policies(
    exp: Experiment, base: Scenario, key: str, values: Sequence[float], limits: Sequence[float], what: str, gated: str
) -> pd.DataFrame:
    """Guidelines at each discretion limit × ``key``, plus approval gating (scenario ``gated``) at each value of
    ``key``, under common random numbers; saved to ``guidelines/`` and ``approval/``; :func:`combined`."""
    runs = dict(days=exp.days, replications=exp.replications)
    grid = exp.study(
        f"guidelines: discretion limit x {what}",
        sweep,
        base,
        {LIMIT: list(limits), key: list(values)},
        folder="guidelines",
        **runs,
    )
    gating = exp.variant(base, {"empowerment.mode": "approval"}, name=gated)
    approval = exp.study(f"approval gating per {what}", sweep, gating, {key: list(values)}, folder="approval", **runs)
    return combined(grid.tables["sweep"], approval.tables["sweep"], key)


def rank_policies(
    t: pd.DataFrame, key: str, values: Sequence[float], names: Sequence[str], metrics: Sequence[str], column: str
) -> tuple[dict[float, dict[str, Any]], list[dict[str, Any]]]:
    """Per value of ``key``: every policy against approval (paired), the means, the most profitable policy, the
    runner-up and the winner's paired lead over it; and one profit-table row per value (k USD, under ``column``)."""
    per: dict[float, dict[str, Any]] = {}
    rows = []
    for value in values:
        here = t[t[key] == value]
        diffs = paired_differences(here, "approval", metrics).set_index(["scenario", "metric"])
        means = here.groupby("scenario")[list(metrics)].mean()
        ranked = means["profit"].reindex(names).sort_values(ascending=False)
        best, runner = ranked.index[0], ranked.index[1]
        lead = paired_differences(here[here.scenario.isin([best, runner])], runner, ("profit",)).iloc[0]
        per[value] = {"diffs": diffs, "means": means, "best": best, "runner": runner, "lead": lead}
        rows.append(
            {
                column: value,
                "approval": means.loc["approval", "profit"] / 1e3,
                **{n: interval(diffs.loc[(n, "profit")], scale=1e-3) for n in names if n != "approval"},
                "best": best,
                "lead": f"{runner}: " + interval(lead, scale=1e-3),
            }
        )
    return per, rows


def winners(
    per: dict[float, dict[str, Any]], values: Sequence[float], number: Callable[[float], str], unit: str = ""
) -> list[str]:
    """The most profitable policy over runs of ``values`` with the same winner, its gain against approval and ties
    within the interval (``number`` formats a value, ``unit`` follows it)."""
    out = []
    for group in runs_of(list(values), [per[v]["best"] for v in values]):
        best = per[group[0]]["best"]
        span = number(group[0]) if len(group) == 1 else f"{number(group[0])} to {number(group[-1])}"
        gain = ""
        if best != "approval":  # approval is the baseline of the differences: it has no row against itself
            gains = [interval(per[v]["diffs"].loc[(best, "profit")], scale=1e-3) for v in (group[0], group[-1])]
            gain = f" ({' to '.join(dict.fromkeys(gains))} k USD against approval)"
        ties = [f"{per[v]['runner']} at {number(v)}{unit}" for v in group if per[v]["lead"]["lo"] <= 0]
        tie = f", tied within the interval with {', '.join(ties)}" if ties else ""
        out.append(f"at {span}{unit} **{best}**{gain}{tie}")
    return out
