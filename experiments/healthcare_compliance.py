"""Penalty × discretion: where does approval gating win?

The regulated firm of scenarios/healthcare_compliance.yaml (every granted decision risks a compliance
breach, more so the larger the grant and the poorer the decider's judgement; a manager's review takes
the better judgement and a tenth of the risk: docs/ODD.md 7.13) is run with guidelines at discretion
limits of 10, 25, 100 and 500 USD per case and no limit, across breach penalties of 0, 1,000, 10,000,
50,000 and 200,000 USD (HIPAA: about 145 to 73,000 USD per violation). Beside the grid, the same firm
under approval gating is run at every penalty as the reference. All points share the random streams of
replication r, so every difference against gating is paired, with a 90 % interval. The summary says, per
penalty, which policy makes the most profit and by how much against gating; and, per policy, the
break-even penalty above which approval gating beats it, with a 90 % (Fieller) interval, together with
breaches, compliance cost and retention per arm.

The penalty is a cost booked per detected breach (a share of breaches is ever found, after a lag, and
the fines of a year are capped); a detected breach also costs reputation, whatever the penalty. Unless a
budget rule reacts to profit the penalty changes nothing else, so breaches and their detections are the
same at every penalty and, while the annual cap does not bind, profit falls linearly with the penalty,
at a slope of the breaches detected (and fined) within the run. The script checks this on the results
and only then reads break-even penalties off the linear relation.

Horizon: 730 business days (the model's default two years): breaches happen at once (their fines
follow with the detection lag), but the retention and staff-turnover effects of gating (slower
recovery, less autonomy) take a year or more to reach profit. 20 replications per point (30 points,
about 6 min on 2 shared cores) resolve breach counts of a few to a few dozen and profit differences of
about 100,000 USD.

    python experiments/healthcare_compliance.py [--quick] [--days 730] [--replications 20] [--out DIR]
"""

from __future__ import annotations

import math
import sys
from typing import Any

import _common
import numpy as np
import pandas as pd
from _common import Experiment, fmt, interval
from _policies import (
    APPROVAL,
    LIMIT,
    NO_LIMIT,
    outline_best,
    policy,
    rank_policies,
    run_policies,
    winners,
)

from simulation import charts
from simulation.studies import CONFIDENCE, mean_interval, paired_differences

NAME = "healthcare_compliance"
QUESTION = "Penalty × discretion: where does approval gating win?"
PENALTY = "compliance.breach_penalty_usd"
LIMITS = (10.0, 25.0, 100.0, 500.0, NO_LIMIT)
PENALTIES = (0.0, 1_000.0, 10_000.0, 50_000.0, 200_000.0)
QUICK_LIMITS = (25.0, NO_LIMIT)
QUICK_PENALTIES = (0.0, 50_000.0)
SHOWN = ("profit", "breaches", "cost_compliance", "retention_annual", "turnover_annual")
BEFORE = "profit_before_penalties"  # profit + compliance cost: what the penalty does not touch
FINED = "breaches_detected"  # the breaches found (and fined) within the run: the slope of profit in the penalty
HIPAA_USD = (145.0, 73_000.0)  # HIPAA civil money penalty per violation (45 CFR 160.404), the scenario's source


def fieller(a: np.ndarray, b: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Fieller's interval for mean(a) / mean(b) from paired samples; (nan, nan) when it is unbounded."""
    from scipy import stats

    n = len(a)
    if n < 2:
        return math.nan, math.nan
    t2 = stats.t.ppf(0.5 + confidence / 2, n - 1) ** 2
    ma, mb = a.mean(), b.mean()
    cov = np.cov(a, b, ddof=1) / n
    qa, qb, qab = mb * mb - t2 * cov[1, 1], ma * mb - t2 * cov[0, 1], ma * ma - t2 * cov[0, 0]
    disc = qb * qb - qa * qab
    if qa <= 0 or disc < 0:
        return math.nan, math.nan
    root = math.sqrt(disc)
    return (qb - root) / qa, (qb + root) / qa


def paired(rows: pd.DataFrame, x: str, y: str, column: str) -> dict[str, float]:
    """Mean of ``column`` for x minus y, paired by replication, with its 90 % t-interval."""
    px = rows[rows.scenario == x].set_index("replication")[column]
    py = rows[rows.scenario == y].set_index("replication")[column]
    return mean_interval(px - py.reindex(px.index))


def breakeven(rows: pd.DataFrame, x: str, y: str) -> dict[str, Any]:
    """Where ``y`` overtakes ``x`` as the penalty grows: x's profit lead is a - P b (paired by replication)."""
    px = rows[rows.scenario == x].set_index("replication")
    py = rows[rows.scenario == y].set_index("replication")
    a = (px[BEFORE] - py[BEFORE]).to_numpy(dtype=float)
    b = (px[FINED] - py[FINED]).to_numpy(dtype=float)
    ma, mb = float(a.mean()), float(b.mean())
    out: dict[str, Any] = {"a": ma, "b": mb, "at": math.nan, "lo": math.nan, "hi": math.nan}
    if mb > 0 and ma > 0:
        out["at"] = ma / mb
        out["lo"], out["hi"] = fieller(a, b)
        out["reading"] = f"{y} wins above"
    elif mb <= 0 and ma >= 0:
        out["reading"] = f"{x} wins at every penalty"
    elif mb >= 0 and ma <= 0:
        out["reading"] = f"{y} wins at every penalty"
    else:
        out["at"] = ma / mb
        out["lo"], out["hi"] = fieller(a, b)
        out["reading"] = f"{x} wins above"
    return out


def at_text(r: dict[str, Any]) -> str:
    """A break-even penalty with its 90 % interval ('unbounded' when Fieller's interval is)."""
    if not math.isfinite(r["at"]):
        return "none"
    if not math.isfinite(r["lo"]):
        return f"{r['at']:,.0f} USD (interval unbounded)"
    return f"{r['at']:,.0f} USD [{max(r['lo'], 0.0):,.0f}, {r['hi']:,.0f}]"


def breakeven_figure(rows: list[dict[str, Any]], days: int, n: int) -> Any:
    """Per guideline limit: the penalty above which approval gating beats it, with its 90 % interval."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    charts.set_theme()
    fig = Figure(figsize=charts.SLIDE_INCHES, layout="constrained")
    ax = fig.subplots()
    colour = charts.palette(["approval"])["approval"]
    ax.axvspan(*HIPAA_USD, color="0.9", zorder=0, label="HIPAA civil penalty per violation: 145 to 73,000 USD")
    finite = [v for r in rows for v in (r["at"], r["hi"]) if math.isfinite(v)]
    right = max([HIPAA_USD[1] * 3, *finite]) * 1.5
    for i, r in enumerate(rows):
        if not math.isfinite(r["at"]):  # no break-even: one policy wins at every penalty
            ax.annotate(r["reading"], (0.98, i), xycoords=ax.get_yaxis_transform(), ha="right", va="center")
            continue
        bounded = math.isfinite(r["lo"]) and math.isfinite(r["hi"])
        lo, hi = (max(r["lo"], 1.0), r["hi"]) if bounded else (r["at"], r["at"])
        ax.errorbar(
            [r["at"]],
            [i],
            xerr=[[r["at"] - lo], [hi - r["at"]]],
            fmt="o",
            color=colour,
            markersize=11,
            capsize=7,
            elinewidth=2.5,
        )
        text = f"{r['at']:,.0f} USD" + ("" if bounded else " (interval unbounded)")
        ax.annotate(text, (r["at"], i), xytext=(0, 12), textcoords="offset points", ha="center", va="bottom")
    ax.set_xscale("log")
    ax.set_xlim(10, right)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_yticks(range(len(rows)), [r["policy"] for r in rows])
    ax.set_ylim(len(rows) - 0.4, -0.8)
    ax.set_xlabel("breach penalty (USD/breach, log scale)")
    ax.set_ylabel("guidelines: discretion limit")
    ax.set_title(f"Break-even penalty against approval gating: mean and 90 % interval, {n} paired replications")
    ax.grid(axis="y", visible=False)
    fig.legend(loc="outside lower center", frameon=False)
    fig.suptitle(f"Above this penalty per breach, approval gating makes more profit ({days} days)")
    return fig


def body(exp: Experiment) -> None:
    limits = QUICK_LIMITS if exp.quick else LIMITS
    penalties = QUICK_PENALTIES if exp.quick else PENALTIES
    base = exp.scenario("healthcare_compliance")
    t = run_policies(exp, base, PENALTY, penalties, limits, "breach penalty", "healthcare_approval")
    t[BEFORE] = t["profit"] + t["cost_compliance"]
    names = [policy(v) for v in (APPROVAL, *limits)]
    guideline_names = names[1:]

    per_penalty, rows = rank_policies(t, PENALTY, penalties, names, SHOWN, "penalty")
    compliance = [
        {"penalty": pen, **{n: per_penalty[pen]["means"].loc[n, "cost_compliance"] / 1e3 for n in names}}
        for pen in penalties
    ]

    # Is the penalty a pure cost (breaches and profit before penalties the same at every penalty)?
    spread = t.groupby(["scenario", "replication"])[["breaches", FINED, BEFORE]].agg(lambda v: v.max() - v.min()).max()
    uncapped = float((t["cost_compliance"] - t[PENALTY] * t[FINED]).abs().max()) < 1.0  # the annual cap never binds
    pure = float(spread["breaches"]) == 0 and float(spread[FINED]) < 1e-9 and float(spread[BEFORE]) < 1.0 and uncapped
    first = t[t[PENALTY] == penalties[0]]
    per_policy = paired_differences(first, "approval", ("breaches", "retention_annual", "turnover_annual"))
    per_policy = per_policy.set_index(["scenario", "metric"])
    m0 = first.groupby("scenario")[["breaches", "retention_annual", "turnover_annual", "cost_abuse", "grants"]].mean()
    m0["approval_wait"] = first.groupby("scenario")["approval_wait_mean_min"].mean()
    arms = []
    for n in names:
        row: dict[str, Any] = {
            "policy": n,
            "breaches": m0.loc[n, "breaches"],
            "per_k": 1e3 * m0.loc[n, "breaches"] / m0.loc[n, "grants"],
            "retention": m0.loc[n, "retention_annual"],
            "turnover": m0.loc[n, "turnover_annual"],
            "abuse": m0.loc[n, "cost_abuse"] / 1e3,
            "wait": m0.loc[n, "approval_wait"],
        }
        for metric, key in (("breaches", "d_breaches"), ("retention_annual", "d_retention")):
            row[key] = "" if n == "approval" else interval(per_policy.loc[(n, metric)])
        arms.append(row)

    years = exp.days / 365
    exp.say(
        "## Design",
        "",
        f"The regulated firm of `healthcare_compliance.yaml` (a granted decision of x USD breaches with "
        f"probability {base.compliance.breach_probability:g} × x / (x + "
        f"{base.compliance.reference_limit_usd:,.0f}) × (1.5 − the decider's judgement); a manager's review takes "
        f"the better judgement and multiplies the risk by {base.compliance.gated_factor:g}; "
        f"{100 * base.compliance.detection_probability:.0f} % of breaches are ever found, after a mean lag of "
        f"{base.compliance.detection_lag_days:,.0f} days, and fined at most "
        f"{base.compliance.annual_cap_usd:,.0f} USD a year) under guidelines with discretion limits "
        f"{', '.join(guideline_names)} × breach penalties {', '.join(f'{p:,.0f}' for p in penalties)} USD, and the "
        f"same firm under approval gating at every penalty ({t['point'].nunique()} points × {exp.replications} "
        f"replications). Profit and costs are run totals over {exp.days} days ({years:.1f} years), in thousands of "
        "USD; differences are against approval gating at the same penalty, paired by replication, mean and 90 % "
        "interval.",
        "",
        "## Profit against approval gating, per breach penalty",
        "",
    )
    cols = {"penalty": "penalty, USD/breach", "approval": "approval: profit, k USD"}
    cols |= {n: f"{n} − approval, k USD" for n in guideline_names}
    cols |= {"best": "most profitable", "lead": "best − runner-up, k USD"}
    exp.table(rows, cols)
    exp.say("## Compliance cost per arm (k USD over the run)", "")
    exp.table(compliance, {"penalty": "penalty, USD/breach", **{n: n for n in names}})
    same = (
        "They are the same at every penalty (checked on the results: the penalty is a pure cost here)."
        if pure
        else f"At a penalty of {penalties[0]:,.0f} USD; they differ across penalties (the penalty feeds back)."
    )
    exp.say("## Breaches, retention and staff turnover per policy", "", same, "")
    exp.table(
        arms,
        {
            "policy": "policy",
            "breaches": "breaches (run)",
            "d_breaches": "− approval",
            "per_k": "per 1,000 grants",
            "retention": "retention /yr",
            "d_retention": "− approval",
            "turnover": "turnover /yr",
            "abuse": "abuse cost, k USD",
            "wait": "approval wait, min",
        },
    )

    # Break-even penalties (from the linear relation, when the penalty is a pure cost).
    open_ = names[-1]
    bounded = [n for n in guideline_names if n != open_]
    be_rows: list[dict[str, Any]] = []
    be_open: dict[str, dict[str, Any]] = {}
    if pure:
        for n in guideline_names:
            r = breakeven(first, n, "approval")
            a, b = paired(first, n, "approval", BEFORE), paired(first, n, "approval", FINED)
            be_rows.append(
                {
                    "policy": n,
                    "a_text": interval(a, scale=1e-3),
                    "a_lo": a["lo"],
                    "b_text": interval(b),
                    "b_hi": b["hi"],
                    "at_text": at_text(r),
                    **r,
                }
            )
        for other in ["approval", *bounded]:
            be_open[other] = breakeven(first, open_, other)
        exp.say(
            "## Break-even penalty against approval gating",
            "",
            "Per guideline limit: its profit lead over gating before penalties (a), its extra breaches found and fined "
            "within the run (b), and the "
            "penalty a / b above which gating makes more profit, with Fieller's 90 % interval:",
            "",
        )
        exp.table(
            be_rows,
            {
                "policy": "policy",
                "a_text": "a: profit before penalties − approval, k USD",
                "b_text": "b: breaches fined − approval",
                "at_text": "break-even penalty per breach [90 %]",
                "reading": "reading",
            },
        )

    best_by_penalty = winners(per_penalty, penalties, lambda p: f"{p:,.0f}", " USD")
    text = [f"**Answer.** The most profitable policy by breach penalty: {'; '.join(best_by_penalty)}."]
    if pure:
        g = be_open["approval"]
        if math.isfinite(g["at"]) and g["reading"].startswith("approval"):
            text.append(
                f"Approval gating beats wide discretion ({open_}) above a penalty of **{at_text(g)} per breach** "
                f"({fmt(g['b'])} more breaches fined over the run against a profit lead of {fmt(g['a'] / 1e3)} k USD "
                "before penalties)."
            )
        else:
            text.append(f"Against wide discretion ({open_}): {g['reading']}.")
        overtakers = {k: v for k, v in be_open.items() if k != "approval" and v["reading"] == f"{k} wins above"}
        always = [k for k, v in be_open.items() if k != "approval" and v["reading"] == f"{k} wins at every penalty"]
        if overtakers:
            k = min(overtakers, key=lambda key: overtakers[key]["at"])
            sooner = " sooner" if not math.isfinite(g["at"]) or overtakers[k]["at"] < g["at"] else ""
            text.append(f"A bounded guideline beats it{sooner}: **{k}** above {at_text(overtakers[k])} per breach.")
        if always:
            names = always[0] if len(always) == 1 else f"{', '.join(always[:-1])} and {always[-1]}"
            text.append(f"{names} beat{'s' if len(always) == 1 else ''} it at every penalty.")
        for r in be_rows:
            if r["reading"] == f"{r['policy']} wins at every penalty":
                sure = r["a_lo"] > 0 and r["b_hi"] < 0
                fewer = "fewer" if r["b"] < 0 else "no more"
                text.append(
                    f"{'' if sure else 'On the means, '}**{r['policy']}** beats approval gating at every penalty: more "
                    f"profit before penalties ({r['a_text']} k USD) and {fewer} breaches fined "
                    f"({r['b_text']}) than gating."
                )
        gate_wins = [r for r in be_rows if r["reading"] == "approval wins above" and r["policy"] != open_]
        if gate_wins:
            text.append(
                "Gating also beats "
                + "; ".join(f"{r['policy']} above {at_text(r)}" for r in gate_wins)
                + " per breach."
            )
    else:
        text.append("The penalty feeds back here, so break-even penalties are read off the grid only (table above).")
    exp.say(" ".join(text), "")

    fig = charts.sweep_heatmap_figure(t, LIMIT, PENALTY, "profit", title="Profit: policy × breach penalty")
    ax = fig.axes[0]
    labels = [{"0": "approval", "1M": "no limit"}.get(x.get_text(), x.get_text()) for x in ax.get_xticklabels()]
    ax.set_xticks(ax.get_xticks(), labels)
    ax.set_xlabel("policy: approval gating, or guidelines with a discretion limit (USD/case)")
    exp.figure(outline_best(fig, t, PENALTY), "heatmap_profit")
    short = first.assign(policy=first["scenario"].str.replace(" USD", "", regex=False))
    fig = charts.sweep_lines_figure(
        short,
        "policy",
        ("breaches", "retention_annual", "turnover_annual", BEFORE),
        title="What the policy changes, whatever the penalty: breaches, loyalty, attrition, profit before penalties",
    )
    fig.axes[3].set_ylabel("USD (run total)")
    fig.axes[3].set_title("Profit before penalties")
    for i, a in enumerate(fig.axes):
        a.set_xlabel("policy: approval gating, or a discretion limit (USD/case)" if i >= 2 else "")
    exp.figure(fig, "policies")
    charts_list = [
        "`heatmap_profit.png` (profit per policy and penalty)",
        "`policies.png` (breaches, retention, turnover and profit before penalties per policy)",
    ]
    if pure:
        exp.figure(breakeven_figure(be_rows, exp.days, exp.replications), "breakeven")
        charts_list.insert(0, "`breakeven.png` (break-even penalty per discretion limit)")
    exp.say(
        "Charts: " + ", ".join(charts_list) + "; the guideline grid alone: `guidelines/heatmap_profit.png`, "
        "`guidelines/heatmap_retention_annual.png`, `guidelines/heatmap_cost_total.png`, "
        "`guidelines/heatmap_turnover_annual.png`; gating alone: `approval/sweep.png`.",
    )


def main(argv: list[str] | None = None) -> int:
    return _common.main(body, (NAME, QUESTION, __doc__, 730, 20), argv)


if __name__ == "__main__":
    sys.exit(main())
