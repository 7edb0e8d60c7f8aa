"""Discretion limit × opportunist share: where does generosity stop paying?

The Lenscrafters firm (scenarios/lenscrafters.yaml: guidelines, "we take back anything", generosity 1)
is run over a grid of discretion limits (10, 25, 100, 500 USD per case and no limit) and shares of
opportunistic customers (0.05 to 0.5; 0.12 is the default, the NRF/Appriss estimate of abusive
returns). Beside the grid, the same firm with approval gating (every exception waits for a manager;
the same as a zero discretion limit) is run at every opportunist share as the reference. All points
share the random streams of replication r, so each policy's difference against gating at the same
share is paired, with a 90 % interval. The summary says, per opportunist share, which policy makes the
most profit, how much each limit gains or loses against gating, and at what share "no limit" stops
paying; and, for approval gating, the most profitable bounded limit and no limit at the default and the
highest share, who each policy keeps: annual retention and contribution by customer segment (regular,
price-sensitive, opportunist), as a table and as charts (``simulation.charts.segments_figure``).

Horizon: 730 business days (the model's default two years): opportunists attracted by a lenient
policy arrive with new customers, and retention and referrals need a year or more to show in
profit. 20 replications per point (36 points, about 5 min on 2 cores) put the 90 % interval of a
paired profit difference at a few tens of thousands of USD, well below the differences between
policies at high opportunist shares.

    python experiments/lenscrafters_returns.py [--quick] [--days 730] [--replications 20] [--out DIR]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import _common
from _common import Experiment, fmt, interval
from _policies import (
    APPROVAL,
    LIMIT,
    NO_LIMIT,
    outline_best,
    policy,
    rank_policies,
    relabel,
    run_policies,
    winners,
)

from simulation import charts
from simulation.scenario.schema import SEGMENTS
from simulation.studies import mean_interval

NAME = "lenscrafters_returns"
QUESTION = "Discretion limit × opportunist share: where does generosity stop paying?"
SHARE = "customers.opportunist_share"
LIMITS = (10.0, 25.0, 100.0, 500.0, NO_LIMIT)
SHARES = (0.05, 0.12, 0.2, 0.3, 0.4, 0.5)
QUICK_LIMITS = (25.0, NO_LIMIT)
QUICK_SHARES = (0.05, 0.4)
SHOWN = ("profit", "retention_annual", "cost_abuse", "turnover_annual")
SEGMENT_COLUMNS = [f"retention_{g}_annual" for g in SEGMENTS] + [f"contribution_{g}" for g in SEGMENTS]


def kusd(v: float) -> str:
    """A positive amount in thousands of USD for prose."""
    return f"{fmt(v / 1e3)} k USD"


def crossing(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The first x where ys turns from at least 0 to below 0 (linear interpolation); None if it does not."""
    for i in range(1, len(xs)):
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        if y0 >= 0 > y1:
            return x0 + (x1 - x0) * y0 / (y0 - y1)
    return None


def body(exp: Experiment) -> None:
    limits = QUICK_LIMITS if exp.quick else LIMITS
    shares = QUICK_SHARES if exp.quick else SHARES
    base = exp.scenario("lenscrafters")
    t = run_policies(exp, base, SHARE, shares, limits, "opportunist share", "lenscrafters_approval")
    names = [policy(v) for v in (APPROVAL, *limits)]
    guideline_names = names[1:]

    per_share, rows = rank_policies(t, SHARE, shares, names, SHOWN, "share")
    retention = [{"share": v, **{n: per_share[v]["means"].loc[n, "retention_annual"] for n in names}} for v in shares]
    abuse = [{"share": v, **{n: per_share[v]["means"].loc[n, "cost_abuse"] / 1e3 for n in names}} for v in shares]

    years = exp.days / 365
    exp.say(
        "## Design",
        "",
        f"The Lenscrafters firm (guidelines, generosity {base.recovery.generosity:g}: it takes back anything) "
        f"with discretion limits {', '.join(guideline_names)} × opportunist shares "
        f"{', '.join(f'{s:g}' for s in shares)}, and the same firm under approval gating at every share "
        f"({len(t['point'].unique())} points × {exp.replications} replications). Profit and abuse cost are run "
        f"totals over {exp.days} days ({years:.1f} years), in thousands of USD; differences are against approval "
        "gating at the same opportunist share, paired by replication, mean and 90 % interval.",
        "",
        "## Profit against approval gating",
        "",
    )
    cols = {"share": "opportunist share", "approval": "approval: profit, k USD"}
    cols |= {n: f"{n} − approval, k USD" for n in guideline_names}
    cols |= {"best": "most profitable", "lead": "best − runner-up, k USD"}
    exp.table(rows, cols)
    exp.say("## Retention per policy (share per year)", "")
    exp.table(retention, {"share": "opportunist share", **{n: n for n in names}})
    exp.say("## Abuse cost per policy (grants on abusive claims, k USD over the run)", "")
    exp.table(abuse, {"share": "opportunist share", **{n: n for n in names}})

    # The answer: which policy wins where, and where 'no limit' stops paying.
    open_ = names[-1]
    vs_gate = [float(per_share[s]["diffs"].loc[(open_, "profit"), "mean"]) for s in shares]
    vs_best = []
    for s in shares:
        m = per_share[s]["means"]["profit"]
        vs_best.append(float(m[open_] - m.drop(index=open_).max()))
    best_by_share = winners(per_share, shares, lambda v: f"{v:g}")
    cross = crossing(shares, vs_gate)
    cross_best = crossing(shares, vs_best)
    lo_s, hi_s = shares[0], shares[-1]
    default_share = float(base.customers.opportunist_share)
    if cross is not None:
        verdict = f"stops paying against approval gating at an opportunist share of about **{cross:.2f}**"
    elif vs_gate[0] < 0:
        verdict = f"does not pay against approval gating even at an opportunist share of {lo_s:g}"
    else:
        verdict = f"still pays against approval gating at an opportunist share of {hi_s:g}"
    if cross_best is not None:
        verdict_best = f"it stops being the most profitable policy at about {cross_best:.2f}"
    elif vs_best[0] < 0:
        verdict_best = f"on the means a bounded limit or gating beats it from a share of {lo_s:g} on"
    else:
        verdict_best = f"it is still the most profitable policy at {hi_s:g}"
    first, last = per_share[lo_s], per_share[hi_s]

    def against_best(share: float) -> str:
        """No limit minus the most profitable other policy at ``share``: mean and 90 % interval, k USD."""
        m = per_share[share]["means"]["profit"]
        other = m.drop(index=open_).idxmax()
        here = t[t[SHARE] == share].pivot(index="replication", columns="scenario", values="profit")
        return f"{interval(mean_interval(here[open_] - here[other]), scale=1e-3)} k USD against {other}"

    # Who a policy keeps: retention and contribution by customer segment, at the default and the highest share.
    shown_shares = list(dict.fromkeys([min(shares, key=lambda v: abs(v - default_share)), hi_s]))
    seg_rows = []
    for s in shown_shares:
        m = per_share[s]["means"]["profit"]
        bounded = m.reindex(guideline_names[:-1]).idxmax()
        here = t[(t[SHARE] == s) & t["scenario"].isin(["approval", bounded, open_])]
        means = here.groupby("scenario")[SEGMENT_COLUMNS].mean()
        for n in ("approval", bounded, open_):
            row = {"share": s, "policy": n + (" (best bounded)" if n == bounded else "")}
            row |= {c: means.loc[n, c] / (1e3 if c.startswith("contribution_") else 1) for c in SEGMENT_COLUMNS}
            seg_rows.append(row)
        fig = charts.segments_figure(
            here.sort_values(LIMIT, kind="stable"),
            title=f"Who each policy keeps at an opportunist share of {s:g}: retention and contribution by segment",
        )
        exp.figure(fig, f"segments_opportunists_{round(100 * s)}")
    exp.say(
        "## Who each policy keeps",
        "",
        f"Annual retention and contribution over the run (revenue less grants and acquisition cost, k USD) by "
        f"customer segment, for approval gating, the most profitable bounded limit and no limit, at the opportunist "
        f"share closest to the default ({default_share:g}) and at the highest ({hi_s:g}); means over replications "
        "(intervals in the charts):",
        "",
    )
    exp.table(
        seg_rows,
        {
            "share": "opportunist share",
            "policy": "policy",
            **{f"retention_{g}_annual": f"retention {g.replace('_', '-')} /yr" for g in SEGMENTS},
            **{f"contribution_{g}": f"contribution {g.replace('_', '-')}, k USD" for g in SEGMENTS},
        },
    )

    exp.say(
        f"**Answer.** The most profitable policy by opportunist share: {'; '.join(best_by_share)}. "
        f"Taking back anything with no discretion limit {verdict} "
        f"({open_} − approval: {interval(first['diffs'].loc[(open_, 'profit')], scale=1e-3)} k USD at "
        f"{lo_s:g}, {interval(last['diffs'].loc[(open_, 'profit')], scale=1e-3)} k USD at {hi_s:g}); "
        f"{verdict_best} (no limit − the best other policy, paired: {against_best(lo_s)} at {lo_s:g}, "
        f"{against_best(hi_s)} at {hi_s:g}). Abuse cost with no limit grows from "
        f"{kusd(first['means'].loc[open_, 'cost_abuse'])} to "
        f"{kusd(last['means'].loc[open_, 'cost_abuse'])} over the run (approval gating: "
        f"{kusd(first['means'].loc['approval', 'cost_abuse'])} to {kusd(last['means'].loc['approval', 'cost_abuse'])}"
        f"). At {hi_s:g} no limit costs {interval(last['diffs'].loc[(open_, 'cost_abuse')], scale=1e-3)} k USD more "
        f"in abuse than gating and changes retention by {interval(last['diffs'].loc[(open_, 'retention_annual')])} "
        "per year.",
        "",
    )

    heatmaps = {"profit": "Profit", "retention_annual": "Customer retention", "cost_abuse": "Abuse cost"}
    for metric, what in heatmaps.items():
        fig = charts.sweep_heatmap_figure(t, LIMIT, SHARE, metric, title=f"{what}: policy × opportunist share")
        if metric == "profit":
            outline_best(fig, t, SHARE)
        exp.figure(relabel(fig, ticks=True), f"heatmap_{metric}")
    gate = t[t.scenario == "approval"][[SHARE, "replication", "profit"]]
    d = t[t.scenario != "approval"].merge(gate, on=[SHARE, "replication"], suffixes=("", "_approval"))
    d["profit_vs_approval"] = d["profit"] - d["profit_approval"]
    fig = charts.sweep_lines_figure(
        d,
        SHARE,
        "profit_vs_approval",
        hue=LIMIT,
        title="Profit against approval gating: where does generosity stop paying?",
    )
    ax = fig.axes[0]
    ax.axhline(0, color="0.25", linewidth=1.3, zorder=0)
    ax.set_ylabel("USD over the run, minus gating")
    ax.set_title(f"Each discretion limit minus approval gating, paired ({exp.days} days)")
    exp.figure(relabel(fig, ticks=False), "profit_vs_approval")
    exp.say(
        "Charts: `profit_vs_approval.png` (each limit against gating, by opportunist share), "
        + ", ".join(f"`segments_opportunists_{round(100 * s)}.png`" for s in shown_shares)
        + " (who each policy keeps, by customer segment), "
        "`heatmap_profit.png`, `heatmap_retention_annual.png`, `heatmap_cost_abuse.png` (approval gating as the first "
        "column); the guideline grid alone: `guidelines/heatmap_profit.png`, "
        "`guidelines/heatmap_retention_annual.png`, "
        "`guidelines/heatmap_cost_total.png`, `guidelines/heatmap_turnover_annual.png`; gating alone: "
        "`approval/sweep.png`.",
    )


def main(argv: list[str] | None = None) -> int:
    return _common.main(body, (NAME, QUESTION, __doc__, 730, 20), argv)


if __name__ == "__main__":
    sys.exit(main())
