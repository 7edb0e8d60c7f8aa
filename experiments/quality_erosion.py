"""Does cost cutting under profit pressure start a quality-erosion spiral?

scenarios/cost_cutting.yaml is the operations-focused firm under a 20 % margin target: whenever its
trailing margin falls short, the budget rule cuts training by 75 % and freezes hiring (down to 80 % of
plan). The remaining staff carry more load, cut corners and let the service standard erode (Oliva &
Sterman 2001). It runs against the same firm with the rule switched off (``budget.cost_cutting: false``)
under common random numbers, so every difference is paired (90 % t intervals).

The spiral is measured from its start: both arms warm up without the rule (the default warm-up), and the
cutting arm adopts it on day 1 (``simulation.studies.compare(..., warmup_under=...)``: a policy switch at day 0).
Warming up under the rule would start the spiral inside the warm-up, so that day 1 would be mid-spiral
(the pattern test ``test_cost_cutting_under_pressure_starts_an_erosion_spiral`` runs the same design).

Three questions: does the spiral appear (per quarter: the service standard, first-contact resolution,
satisfaction, engagement, turnover, headcount and profit of both arms, and the last quarter's paired
differences); did the cuts pay for themselves in cumulative profit (and what they saved and lost); and
does quality come back when the pressure eases (``erosion.recovery_days``: erosion is sticky). For the
last, a third arm has cut during its whole warm-up (the cost_cutting firm as it is, a year into the spiral
on day 1) and drops the rule on day 1 (studies.transition, against keeping it: a transition switches once,
so the year of cutting is the warm-up's; ``simulation.run`` with a schedule of switches could adopt the rule
and drop it again within the horizon), and without a warm-up (``--warmup-days 0``) that arm cuts from day 1
and drops the rule half way. Finally a sweep of ``budget.target_margin``, each target adopted on
day 1 by the firm warmed up without the rule: how much pressure it takes.

    python experiments/quality_erosion.py [--quick] [--days 730] [--replications 30] [--out DIR]
"""

from __future__ import annotations

import math
import sys
from typing import Any

import _common
import numpy as np
import pandas as pd
from _common import Experiment, difference_rows, fmt, interval, usd

from simulation.metrics import run_values
from simulation.scenario.schema import DAYS_PER_YEAR
from simulation.studies import compare, mean_interval, paired_differences, sweep, transition

NAME = "quality_erosion"
QUESTION = "Does cost cutting under profit pressure start a quality-erosion spiral?"
MARGIN = "budget.target_margin"
MARGINS = (0.10, 0.14, 0.16, 0.18, 0.20, 0.22, 0.25)
QUICK_MARGINS = (0.10, 0.20)
QUARTER = DAYS_PER_YEAR / 4
#: Arm labels (scenario names in the tables).
CUTS = "cost_cutting"
NO_CUTS = "cost_cutting_rule_off"
#: What the last-quarter and whole-run differences show.
QUALITY = (
    "service_standard",
    "first_contact_resolution",
    "satisfaction_mean",
    "engagement_mean",
    "stress_mean",
    "occupancy",
    "abandon_rate",
    "turnover_annual",
    "employees",
    "retention_annual",
    "profit",
)
MONEY = (
    "profit",
    "revenue",
    "cost_total",
    "cost_training",
    "cost_labour",
    "cost_hiring",
    "cost_acquisition",
    "cost_recovery",
)


def periods(days: int) -> list[tuple[int, int]]:
    """Quarters of the run (at least four periods on a short run): ``(first day, day after the last)``; the
    daily tables number days from 1."""
    n = max(4, round(days / QUARTER))
    edges = np.linspace(0, days, n + 1).round().astype(int) + 1
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def by_period(daily: pd.DataFrame, arms: tuple[str, str], days: int) -> list[dict[str, Any]]:
    """Per period: 'cuts / no cuts' for the standard, FCR, satisfaction, engagement, turnover, headcount, profit."""
    rows = []
    for lo, hi in periods(days):
        w = daily[(daily["day"] >= lo) & (daily["day"] < hi)]
        per_year = DAYS_PER_YEAR / (hi - lo)
        v: dict[str, dict[str, float]] = {}
        for arm in arms:
            g = w[w["scenario"] == arm]
            reps = g["replication"].nunique()
            v[arm] = {
                "binds": float(g["budget_cut"].mean()),
                "standard": float(g["service_standard"].mean()),
                "fcr": float(g["first_contact_resolution"].mean()),
                "satisfaction": float(g["satisfaction_mean"].mean()),
                "engagement": float(g["engagement_mean"].mean()),
                "turnover": float(g["quits"].sum() / reps / g["employees"].mean() * per_year),
                "employees": float(g["employees"].mean()),
                "training": float(g["training_hours"].mean()),
                "profit": float(g["profit"].mean()),
            }
        a, b = arms
        row: dict[str, Any] = {"period": f"{lo}–{hi - 1}"}
        for k in v[a]:
            row[k] = f"{fmt(v[a][k])} / {fmt(v[b][k])}"
            row[f"{k}_cuts"], row[f"{k}_none"] = v[a][k], v[b][k]
        rows.append(row)
    return rows


PERIOD_COLUMNS = {
    "period": "days",
    "binds": "rule binds, share of days",
    "standard": "service standard",
    "fcr": "first-contact resolution",
    "satisfaction": "satisfaction",
    "engagement": "engagement",
    "turnover": "staff turnover /yr",
    "employees": "employees",
    "training": "training h/day",
    "profit": "profit USD/day",
}


def window_values(daily: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    """Run-level values (levels at the window's end, rates its mean, flows its total) per arm and replication."""
    return run_values(daily[(daily["day"] >= lo) & (daily["day"] < hi)])


def cumulative_gap(daily: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Per replication and day: cumulative profit of ``a`` minus ``b`` (USD)."""
    cols = ["replication", "day", "profit"]
    x = daily[daily["scenario"] == a][cols].sort_values(["replication", "day"])
    y = daily[daily["scenario"] == b][cols].sort_values(["replication", "day"])
    out = x[["replication", "day"]].copy()
    out["delta_cumulative_profit"] = (
        x.groupby("replication")["profit"].cumsum().to_numpy() - y.groupby("replication")["profit"].cumsum().to_numpy()
    )
    out.insert(0, "scenario", f"{a} − {b}")
    return out


# --------------------------------------------------------------------------- charts


def arm_colours(labels: dict[str, str]) -> dict[str, Any]:
    """The budget rule on in the operations-focused orange, off in the baseline grey, ended half way in green."""
    import seaborn as sns

    from simulation import charts

    fixed = charts.palette(["operations_focused", "base"])
    green = sns.color_palette("colorblind", n_colors=10)[2]
    on, off, ended = labels.values()
    return {on: fixed["operations_focused"], off: fixed["base"], ended: green}


def spiral_figure(daily: pd.DataFrame, labels: dict[str, str], ease_day: int, target: float) -> Any:
    """The spiral over time: standard, FCR, satisfaction, turnover, headcount and profit, three arms (the arm
    that drops the rule is drawn from the day it does; a dashed line marks that day when it is not day 1)."""
    from simulation import charts

    df = daily[daily["scenario"].isin(labels)].copy()
    df["scenario"] = df["scenario"].map(labels)
    df = charts.add_derived_daily(df)
    df = df.sort_values(["scenario", "replication", "day"])
    df["profit_30"] = df.groupby(["scenario", "replication"])["profit"].transform(
        lambda s: s.rolling(30, min_periods=1).mean()
    )
    ended = labels[list(labels)[2]]
    df = df[(df["scenario"] != ended) | (df["day"] >= ease_day)]
    colours = arm_colours(labels)
    window = charts.rolling_window(daily)
    panels = (
        ("service_standard", "Service standard", "ratio to the original standard"),
        ("first_contact_resolution", "First-contact resolution", "share of served contacts"),
        ("satisfaction_mean", "Customer satisfaction", "satisfaction [0,1]"),
        ("turnover_rolling_annual", "Staff turnover, annualised", f"share/yr, {window}-day window"),
        ("employees", "Employees on the payroll", "employees"),
        ("profit_30", "Profit", "USD/day, 30-day mean"),
    )
    return charts.band_panels_figure(
        df,
        panels,
        colours,
        f"Quality erosion under a {100 * target:.0f} % margin target: the rule cuts training, freezes hiring",
        ease_day if ease_day > 0 else None,
        "the rule dropped",
    )


# --------------------------------------------------------------------------- the experiment


def body(exp: Experiment) -> None:
    from simulation import charts

    days = exp.days
    runs = dict(days=days, replications=exp.replications)
    cuts = exp.scenario("cost_cutting")
    none = exp.variant(cuts, {"budget.cost_cutting": False}, name=NO_CUTS)
    # The arm that drops the rule: after a warm-up under it, on day 1; without a warm-up, half way.
    ease = 0 if exp.warmup_days else days // 2

    # Both arms warm up without the rule; the cutting arm adopts it on day 1.
    head = exp.study(
        "rule adopted on day 1 vs never", compare, [none, cuts], folder="rule_on_vs_off", warmup_under=none, **runs
    )
    eased = exp.study(
        f"rule dropped on day {ease + 1}", transition, cuts, none, at_day=ease, folder="rule_dropped", **runs
    )
    margins = QUICK_MARGINS if exp.quick else MARGINS
    swept = exp.study(
        f"sweep {MARGIN}, adopted on day 1",
        sweep,
        cuts,
        {MARGIN: list(margins)},
        folder="target_margin",
        warmup_under=none,
        **runs,
    )

    daily = head.tables["daily"]
    switched = list(dict.fromkeys(eased.tables["daily"]["scenario"]))[-1]
    history = f"after a {exp.warmup_days}-day warm-up under it" if exp.warmup_days else f"after {ease} days under it"
    ended_name = f"rule dropped on day {ease + 1}"
    three = pd.concat(
        [daily, eased.tables["daily"][eased.tables["daily"]["scenario"] == switched].assign(scenario=ended_name)],
        ignore_index=True,
    )
    labels = {
        CUTS: "budget rule adopted on day 1",
        NO_CUTS: "budget rule off",
        ended_name: f"{ended_name}, {history}",
    }
    exp.figure(spiral_figure(three, labels, ease, cuts.budget.target_margin), "spiral")
    fig = charts.sweep_lines_figure(
        swept.tables["sweep"],
        MARGIN,
        ["service_standard", "first_contact_resolution", "turnover_annual", "profit"],
        title="How much pressure it takes: the margin target (adopted on day 1) against quality, turnover and profit",
    )
    exp.figure(fig, "target_margin")

    # ---- the spiral, quarter by quarter
    rows = by_period(daily, (CUTS, NO_CUTS), days)
    exp.say(
        "## The spiral, quarter by quarter",
        "",
        f"Each cell is **rule on / rule off** (`{CUTS}` / the same firm with `budget.cost_cutting: false`), "
        "the mean over days and replications of the period (turnover annualised within it):",
        "",
    )
    exp.table(rows, PERIOD_COLUMNS)

    lo_q, hi_q = periods(days)[-1]
    last = window_values(three, lo_q, hi_q)
    last_diffs = paired_differences(last, NO_CUTS, QUALITY)
    last_diffs.loc[last_diffs["metric"] == "profit", "unit"] = "USD (quarter total)"
    exp.say(
        f"In the last quarter (days {lo_q}–{hi_q - 1}), rule on minus rule off, mean and 90 % interval of the "
        "paired difference (levels at the end of the quarter, rates its mean, profit its total):",
        "",
    )
    exp.differences(last_diffs, QUALITY, "rule off", "rule on", CUTS)

    # ---- did the cuts pay?
    per = head.tables["replications"]
    money = paired_differences(per, NO_CUTS, MONEY)
    gap = cumulative_gap(daily, CUTS, NO_CUTS)
    med = gap.groupby("day")["delta_cumulative_profit"].median()
    lead, lead_day = float(med.max()), int(med.idxmax())
    final = gap[gap["day"] == gap["day"].max()]["delta_cumulative_profit"]
    exp.say(
        "## Did the cuts pay for themselves?",
        "",
        f"Over the whole run ({days} days), rule on minus rule off (run totals):",
        "",
    )
    exp.differences(money, MONEY, "rule off", "rule on", CUTS)

    # ---- pressure eases
    end_rows = []
    # The standard when the rule is dropped: its last day under the rule (day 1 when it drops it on day 1).
    ease_at = max(ease, 1)
    year_on = ease_at + int(DAYS_PER_YEAR) - 1 if ease_at + DAYS_PER_YEAR < days else None
    standard = three.groupby(["scenario", "day"])["service_standard"].mean()
    at_ease, at_end = standard.xs(ease_at, level="day"), standard.xs(days, level="day")
    fcr_last = three[three["day"] >= lo_q].groupby("scenario")["first_contact_resolution"].mean()
    for name in (NO_CUTS, CUTS, ended_name):
        end_rows.append(
            {
                "arm": labels[name],
                "std_ease": float(at_ease[name]),
                "std_year": float(standard[(name, year_on)]) if year_on else math.nan,
                "std_end": float(at_end[name]),
                "fcr": float(fcr_last[name]),
            }
        )
    room = at_end[NO_CUTS] - at_ease[ended_name]
    closed = f"{100 * (at_end[ended_name] - at_ease[ended_name]) / room:.0f} %" if room > 1e-3 else "n/a"
    t = eased.tables["summary"].iloc[0]
    exp.say(
        "## Does quality come back when the pressure eases?",
        "",
        (
            f"A third arm is `{CUTS}` as it stands: it warmed up under the rule, so it has cut for "
            f"{exp.warmup_days} days (from the initial state) when it drops the rule on day 1"
            if ease == 0
            else f"A third arm runs `{CUTS}` for {ease} days and then drops the rule"
        )
        + f" (the hiring freeze ends, training is restored); the other two arms are those above. The standard "
        f"recovers toward 1 with the time constant `erosion.recovery_days` = {fmt(cuts.erosion.recovery_days)} days "
        f"(it erodes with `erosion.erosion_days` = {fmt(cuts.erosion.erosion_days)}).",
        "",
    )
    exp.table(
        end_rows,
        {
            "arm": "arm",
            "std_ease": f"service standard, day {ease_at}",
            **({"std_year": f"service standard, day {year_on}"} if year_on else {}),
            "std_end": f"service standard, day {days}",
            "fcr": f"first-contact resolution, days {lo_q}–{hi_q - 1}",
        },
    )
    exp.say(f"Last quarter, {ended_name} minus never on (90 % intervals):", "")
    exp.differences(last_diffs, QUALITY, "rule off", "rule on", ended_name)

    # ---- the sweep
    sw = swept.tables["sweep"]
    base_margin = min(margins)
    ref = sw[sw[MARGIN] == base_margin].set_index("replication")
    sweep_rows = []
    for m, g in sw.groupby(MARGIN, sort=True):
        g = g.set_index("replication")
        d = mean_interval(g["profit"] - ref.loc[g.index, "profit"])
        sweep_rows.append(
            {
                "margin": m,
                "binds": float(g["budget_cut"].mean()),
                "standard": float(g["service_standard"].mean()),
                "fcr": float(g["first_contact_resolution"].mean()),
                "turnover": float(g["turnover_annual"].mean()),
                "profit": float(g["profit"].mean()),
                "vs": interval(d),
            }
        )
    exp.say(
        "## How much pressure it takes",
        "",
        f"`{MARGIN}` swept on `{CUTS}`, each target adopted on day 1 by the firm warmed up without the rule "
        "(mean over replications; the rule's state and the standard on the last "
        f"day; profit difference paired against the lowest target, {fmt(base_margin)}):",
        "",
    )
    exp.table(
        sweep_rows,
        {
            "margin": "target margin",
            "binds": "rule binds on the last day, share of replications",
            "standard": "service standard, end",
            "fcr": "first-contact resolution",
            "turnover": "staff turnover /yr",
            "profit": "profit, USD (run total)",
            "vs": f"profit vs target {fmt(base_margin)}, USD [90 %]",
        },
    )

    # ---- the answer
    q = {r["metric"]: r for r in difference_rows(last_diffs, QUALITY, CUTS)}
    ld = last_diffs[last_diffs["scenario"] == CUTS].set_index("metric")
    eroded = bool(ld.loc["service_standard", "hi"] < 0 and ld.loc["first_contact_resolution", "hi"] < 0)
    binds_run = float(daily[daily["scenario"] == CUTS]["budget_cut"].mean())
    binds_last = rows[-1]["binds_cuts"]
    # The loop that would close the spiral: does the erosion cost margin, keeping the rule binding?
    margin = {
        arm: last[last["scenario"] == arm].set_index("replication").eval("profit / revenue") for arm in (CUTS, NO_CUTS)
    }
    dm = mean_interval(margin[CUTS] - margin[NO_CUTS].loc[margin[CUTS].index])
    dm_text = interval(dm)
    target = cuts.budget.target_margin
    off_margin = float(margin[NO_CUTS].mean())
    if eroded and dm["hi"] < 0:
        loop = (
            f"The loop closes: the erosion costs margin ({dm_text} in the last quarter), which keeps the rule "
            "binding, so the cuts feed themselves."
        )
    else:
        loop = (
            f"The loop that would make it a spiral in the Oliva–Sterman sense is weak here: in the last quarter the "
            f"margin with the rule is not lower than without it ({dm_text}); the rule keeps binding because the "
            f"{fmt(target)} target is above what this firm earns even without cuts (margin {fmt(off_margin)}), so "
            "the erosion is driven by the cuts the rule keeps imposing, not by a margin the erosion destroyed."
        )
    p = money[(money["scenario"] == CUTS)].set_index("metric")
    pr = p.loc["profit"]
    if pr["lo"] > 0:
        paid = f"the cuts paid for themselves: cumulative profit {interval(pr)} USD over {days} days"
    elif pr["hi"] < 0:
        paid = f"the cuts did not pay for themselves: cumulative profit {interval(pr)} USD over {days} days"
    else:
        paid = (
            f"the cuts neither clearly paid nor clearly lost: cumulative profit {interval(pr)} USD over {days} "
            "days, an interval that spans zero"
        )

    def amount(metric: str) -> str:
        return usd(abs(float(p.loc[metric, "mean"]))).lstrip("+−")

    def flow(metric: str, what: str) -> str:
        v = float(p.loc[metric, "mean"])
        if metric == "revenue":
            return f"{'lost' if v < 0 else 'gained'} {amount(metric)} of revenue"
        return f"{'saved' if v < 0 else 'spent'} {amount(metric)} {'on' if v < 0 else 'more on'} {what}"

    flows = ", ".join(
        flow(m, w)
        for m, w in (
            ("cost_training", "training"),
            ("cost_labour", "wages"),
            ("cost_hiring", "hiring"),
            ("cost_acquisition", "buying (replacement) customers"),
            ("cost_recovery", "recovery"),
            ("revenue", ""),
        )
    )

    late = rows[-1]["profit_cuts"] - rows[-1]["profit_none"]
    drift = (
        f" Even without the rule the standard drifts to {fmt(q['service_standard']['base'])}: that firm's "
        f"mean occupancy is {fmt(q['occupancy']['base'])}, but on busy days demand passes the "
        f"{fmt(cuts.service.target_occupancy)} above which staff feel pressure and cut corners, and the standard "
        "recovers far more slowly than it erodes."
        if q["service_standard"]["base"] < 0.99
        else ""
    )
    el = last_diffs[last_diffs["scenario"] == ended_name].set_index("metric")
    still_low = bool(el.loc["service_standard", "hi"] < 0)
    be, never = float(t["breakeven_day_median"]), float(t["share_never"])
    if math.isfinite(be) and never < 0.5:
        payback = f"pays back from day {fmt(be)} (median; {100 * never:.0f} % of replications never within {days} days)"
    elif math.isfinite(be):
        payback = (
            f"does not pay back within {days} days in {100 * never:.0f} % of replications (those that do, from day "
            f"{fmt(be)}, median)"
        )
    else:
        payback = f"does not pay back within {days} days in any replication"
    exp.say(
        f"**Answer.** {'Yes, quality erodes' if eroded else 'No clear erosion'}: under a {fmt(target)} margin target "
        f"the budget rule binds on {100 * binds_run:.0f} % of days ({100 * binds_last:.0f} % in the last quarter). "
        f"In the last quarter the service standard is {fmt(q['service_standard']['other'])} against "
        f"{fmt(q['service_standard']['base'])} without the rule (difference {q['service_standard']['diff']}; "
        f"it was {fmt(rows[0]['standard_cuts'])} in the first quarter), first-contact resolution "
        f"{fmt(q['first_contact_resolution']['other'])} against {fmt(q['first_contact_resolution']['base'])} "
        f"({q['first_contact_resolution']['diff']}), satisfaction {q['satisfaction_mean']['diff']}, customer "
        f"retention {q['retention_annual']['diff']} /yr, staff turnover {q['turnover_annual']['diff']} /yr, "
        f"engagement {q['engagement_mean']['diff']}, headcount {q['employees']['diff']} employees."
        + (f" {loop}" if eroded else ""),
        "",
        f"On profit, {paid}. With the rule the firm {flows}; the share of contacts abandoned in the last quarter "
        f"differs by {q['abandon_rate']['diff']}. "
        f"The median cumulative lead of the cutting firm peaked at {usd(lead)} on day {lead_day} and stands at "
        f"{usd(float(final.median()))} on the last day ({100 * float((final > 0).mean()):.0f} % of replications "
        f"ahead); in the last quarter it earns {usd(abs(late)).lstrip('+−')} a day "
        f"{'more' if late > 0 else 'less'} than the firm without the rule.{drift}",
        "",
        f"When the pressure eases (the rule dropped on day {ease + 1}, {history}) the standard goes from "
        f"{fmt(end_rows[2]['std_ease'])} to "
        + (f"{fmt(end_rows[2]['std_year'])} a year later and " if year_on else "")
        + f"{fmt(end_rows[2]['std_end'])} by day {days}, "
        f"{closed} of the way back to the firm that never cut ({fmt(end_rows[0]['std_end'])}): "
        + (
            "erosion is sticky, the standard is still lower in the last quarter by "
            + interval(el.loc["service_standard"])
            if still_low
            else "the standard is no longer clearly lower than the never-cut firm's"
        )
        + f". First-contact resolution in the last quarter is {fmt(end_rows[2]['fcr'])} against "
        f"{fmt(end_rows[0]['fcr'])} never cut and {fmt(end_rows[1]['fcr'])} with the rule adopted on day 1. Dropping "
        "the rule, against keeping it, "
        f"{payback}, "
        f"{usd(float(t['delta_at_horizon_median_usd']))} at the horizon (median) against keeping it.",
        "",
        "Charts: `spiral.png` (the three arms over time), `target_margin.png` (the sweep), "
        "`rule_on_vs_off/` (`differences.png`, `outcomes.png`, `segments.png`, `loyalty.png`, `cost.png`, "
        "`attrition.png`), "
        "`rule_dropped/jcurve.png` (cumulative profit of dropping the rule against keeping it), "
        "`target_margin/sweep.png`.",
    )


def main(argv: list[str] | None = None) -> int:
    return _common.main(body, (NAME, QUESTION, __doc__, 730, 30), argv)


if __name__ == "__main__":
    sys.exit(main())
