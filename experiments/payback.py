"""What would make the switch to customer focus pay back within 180-900 days?

The second version of the model aims at a worse-before-better whose median break-even of cumulative
profit falls 180 to 900 days after a switch from the operations- to the customer-focused policy (model.md;
Rahmandad & Ton 2020). At the defaults it does not (docs/ODD.md 8.2 (j)). This experiment asks which
assumptions would bring it there, and at what price in calibration: the same switch (from steady state, on
day 0 after the warm-up, both arms on common random numbers) under alternative assumptions, each a set of
parameter overrides applied to both arms ("model") or to the target policy only ("policy"):

* ``default``: the model as it stands;
* ``steep loyalty``: churn falls more steeply with satisfaction (``loyalty.churn_slope`` 12 instead of 6,
  ``loyalty.churn_per_year`` 0.044 so that the operations-focused firm's churn stays in its range): Jones &
  Sasser (1995) found completely satisfied customers far more loyal than merely satisfied ones;
* ``lean customer focus``: the customer-focused policy with the base firm's bounded recovery policy
  (``recovery.generosity`` 0.7 instead of 0.9), which overgrants less while guideline competence is low;
* ``both``: the two together;
* ``both, faster stocks``: and faster slow stocks: belief lag 120 days, guideline competence 120,
  relationships 180 (time constants; half-lives of three to four months, shorter than the 6-12 months of
  Schneiderman 1988, while the defaults' 180, 180 and 270 are about four to six);
* ``both, faster stocks, no programme``: and no up-front change programme;
* ``instant change``: the limit of a fast culture change: belief, guideline competence, relationships and the
  reputation follow the new policy within a day (time constants of one day) and there is no programme, so what
  is left of the delay is the workforce (skills and culture fit change only with training, quits and hires) and
  the customers and market;
* ``three times the referrals``: each promoter brings 0.75 new customers a year instead of 0.25 (model.md: the
  short-term loss "that referrals pay back"; Lenscrafters' higher prices repaid by referrals);
* ``three times the referrals, steeper loyalty``: and churn falls more steeply with satisfaction
  (``loyalty.churn_slope`` 9, ``loyalty.churn_per_year`` 0.07, keeping the operations-focused firm's churn in
  range);
* ``four times the referrals, steep loyalty``: one new customer per promoter a year and ``steep loyalty``: the
  largest steady-state lead tried (the customer-focused firm earning almost three times the operations-focused
  firm's profit; Kumar, Petersen & Leone 2007 found far fewer referrals that convert).

Per variant: the trough of the median J-curve, the median break-even day (replications that never break even
count as after the horizon), the share that never breaks even, the steady-state profit advantage (the last
year of the horizon, switched minus stayed, per year), the operations-focused firm's annual customer churn in
the first year (the year docs/calibration.md measures), against its calibration range (0.08-0.24), and the
switched firm's in the last year. And, because a larger steady-state advantage is what brings the break-even
forward, what each variant does to the two peaks of the profit landscape (tests/test_patterns.py,
``test_two_peaks_consistent_corners_beat_mixed_ones``): over two years from steady state, the customer-focused
firm's lead over the operations-focused one, and the customer levers under approval gating (the mixed corner
that steeper loyalty and referrals favour) against the operations-focused firm; the two peaks hold on that axis
only when the mixed corner earns less, by the test's margin (the 99 % interval of the paired difference below
zero).

    python experiments/payback.py [--quick] [--days 1460] [--replications 30] [--out DIR]
"""

from __future__ import annotations

import sys
from typing import Any

import _common
from _common import Experiment, usd

from simulation import charts
from simulation.scenario.schema import DAYS_PER_YEAR
from simulation.studies import Study, compare, paired_differences, transition

NAME = "payback"
QUESTION = "What would make the switch to customer focus pay back within 180-900 days?"
#: The window the second version of the model aims at (days after the switch).
WINDOW = (180, 900)
#: The calibration range of annual customer churn (docs/calibration.md).
CHURN_RANGE = (0.08, 0.24)
STEEP = {"loyalty.churn_slope": 12.0, "loyalty.churn_per_year": 0.044}
LEAN = {"recovery.generosity": 0.7}
FAST = {
    "leadership.belief_lag_days": 120.0,
    "empowerment.competence_days": 120.0,
    "service_philosophy.relationship_days": 180.0,
}
NO_PROGRAMME = {"change.programme_days": 0.0, "change.programme_usd_per_employee": 0.0}
INSTANT = {
    "leadership.belief_lag_days": 1.0,
    "empowerment.competence_days": 1.0,
    "service_philosophy.relationship_days": 1.0,
    "market.reputation_days": 1.0,
    **NO_PROGRAMME,
}
REFERRALS = {"loyalty.referrals_per_promoter_year": 0.75}
REFERRALS4 = {"loyalty.referrals_per_promoter_year": 1.0}
STEEPER = {"loyalty.churn_slope": 9.0, "loyalty.churn_per_year": 0.07}
#: Confidence of the two-peaks verdict: a two-sided 99 % interval is the tests' one-sided 99.5 % margin.
PEAKS_CONFIDENCE = 0.99
#: Horizon of the two-peaks comparison (the test's two years).
PEAKS_DAYS = 730
#: (label, overrides of both arms, overrides of the target policy only).
VARIANTS: tuple[tuple[str, dict[str, Any], dict[str, Any]], ...] = (
    ("default", {}, {}),
    ("steep loyalty", STEEP, {}),
    ("lean customer focus", {}, LEAN),
    ("both", STEEP, LEAN),
    ("both, faster stocks", {**STEEP, **FAST}, LEAN),
    ("both, faster stocks, no programme", {**STEEP, **FAST, **NO_PROGRAMME}, LEAN),
    ("instant change", INSTANT, {}),
    ("three times the referrals", REFERRALS, {}),
    ("three times the referrals, steeper loyalty", {**REFERRALS, **STEEPER}, {}),
    ("four times the referrals, steep loyalty", {**REFERRALS4, **STEEP}, {}),
)


def outcome(study: Study, label: str) -> dict[str, Any]:
    """One row: the J-curve's trough and break-even, the last year's advantage and the stayed firm's churn."""
    s = study.tables["summary"].iloc[0]
    daily = study.tables["daily"]
    horizon = int(daily["day"].max())
    last = daily[daily["day"] > horizon - DAYS_PER_YEAR]
    stay = last["scenario"].str.startswith("stay")
    first = daily[(daily["day"] <= DAYS_PER_YEAR) & daily["scenario"].str.startswith("stay")]
    reps = daily["replication"].nunique()
    years = min(DAYS_PER_YEAR, horizon) / DAYS_PER_YEAR
    gap = (last.loc[~stay, "profit"].sum() - last.loc[stay, "profit"].sum()) / reps / years

    def churn(rows: Any) -> float:
        active = rows.groupby("replication")["active_customers"].mean()
        lost = rows.groupby("replication")["churned"].sum() / years
        return float((lost / active).mean())

    be = float(s["breakeven_day_median"])
    return {
        "variant": label,
        "trough": float(min(s["trough_usd"], 0.0)),
        "trough_day": int(s["trough_day"]),
        "be": be,
        "never": float(s["share_never"]),
        "gap": gap,
        "churn_stay": churn(first),
        "churn_switch": churn(last[~stay]),
        "in_window": bool(WINDOW[0] <= be <= WINDOW[1]),
        "churn_ok": bool(CHURN_RANGE[0] <= churn(first) <= CHURN_RANGE[1]),
    }


def peaks(study: Study, ops: str, cust: str, mixed: str) -> dict[str, Any]:
    """The steady-state comparison: the customer-focused lead and the mixed corner against the operations corner
    (two-year profit, paired); ``peaks`` is whether the mixed corner earns less by the tests' margin."""
    diffs = paired_differences(study.tables["replications"], ops, ["profit"], confidence=PEAKS_CONFIDENCE)
    by = diffs.set_index("scenario")
    return {
        "lead": float(by.loc[cust, "mean"]),
        "mixed": float(by.loc[mixed, "mean"]),
        "peaks": bool(by.loc[mixed, "hi"] < 0.0),
    }


def frontier_figure(rows: list[dict[str, Any]], days: int, peaks_days: int, n: int) -> Any:
    """Per variant: the median break-even day against the steady-state lead, the window shaded, and whether the
    two peaks hold (filled) or fail (hollow); a variant that never breaks even in the median sits above the
    horizon."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    charts.set_theme()
    fig = Figure(figsize=charts.SLIDE_INCHES, layout="constrained")
    ax = fig.subplots()
    colour = charts.palette(["customer_focused"])["customer_focused"]
    never = days * 1.08
    ax.axhspan(*WINDOW, color="0.9", zorder=0)
    ax.annotate(
        f"the aim: break-even {WINDOW[0]}-{WINDOW[1]} days after the switch",
        (0.01, WINDOW[1]),
        xycoords=ax.get_yaxis_transform(),
        xytext=(0, -4),
        textcoords="offset points",
        va="top",
    )
    ax.axhline(days, color="0.5", linewidth=1, linestyle=":")
    points = [(r["lead"] / 1e6, r["be"] if r["be"] == r["be"] else never) for r in rows]
    above = 0  # variants that never break even share a row: their labels stack downwards
    for r, (x, y) in zip(rows, points, strict=True):
        face = colour if r["peaks"] else "white"
        ax.plot([x], [y], "o", markersize=11, markerfacecolor=face, markeredgecolor=colour, markeredgewidth=2)
        dy = 4
        if y == never:
            dy, above = 4 - 14 * above, above + 1
        elif any(0 < u - x < 0.6 and abs(v - y) < 80 for u, v in points):
            dy = -16  # a neighbour to the right, level with this point: label below
        ax.annotate(r["variant"], (x, y), xytext=(8, dy), textcoords="offset points", fontsize="small")
    ax.set_ylim(0, never * 1.06)
    ax.set_yticks(
        [0, WINDOW[0], WINDOW[1], days, never], ["0", str(WINDOW[0]), str(WINDOW[1]), f"{days:,} (horizon)", "never"]
    )
    left, right = ax.get_xlim()
    ax.set_xlim(min(left, 0.0), right + 0.3 * (right - left))
    ax.set_xlabel(f"steady-state lead of the customer-focused firm (M USD over {peaks_days} days)")
    ax.set_ylabel("median break-even (days after the switch)")
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=10, markerfacecolor=c, markeredgecolor=colour)
        for c in (colour, "white")
    ]
    fig.legend(
        handles,
        ["two peaks hold", "two peaks fail (the customer levers pay under approval gating)"],
        loc="outside lower center",
        ncols=2,
        frameon=False,
    )
    fig.suptitle(f"What brings the break-even forward, and what it does to the two peaks ({n} replications each)")
    return fig


def body(exp: Experiment) -> None:
    peaks_days = min(PEAKS_DAYS, exp.days)
    rows = []
    for label, model, policy in VARIANTS:
        ops = exp.scenario("operations_focused", model, name=f"operations_focused ({label})")
        cust = exp.scenario("customer_focused", {**model, **policy}, name=f"customer_focused ({label})")
        mixed = exp.variant(cust, {"empowerment.mode": "approval"}, name=f"customer levers, approval ({label})")
        folder = label.replace(", ", "_").replace(" ", "_")
        study = exp.study(
            label, transition, ops, cust, at_day=0, days=exp.days, replications=exp.replications, folder=folder
        )
        steady = exp.study(
            f"{label}: steady state",
            compare,
            [ops, cust, mixed],
            days=peaks_days,
            replications=exp.replications,
            folder=f"{folder}/steady_state",
        )
        rows.append({**outcome(study, label), **peaks(steady, ops.name, cust.name, mixed.name)})
    for r in rows:
        r["never_pct"] = f"{100 * r['never']:.0f} %"
        r["window"] = "yes" if r["in_window"] else "no"
        r["calibrated"] = "yes" if r["churn_ok"] else "no"
        r["two_peaks"] = "yes" if r["peaks"] else "no"
    exp.say(
        "## The switch under alternative assumptions",
        "",
        "The operations-focused firm switches every policy to the customer-focused one on day 0 (from its "
        "steady state after the warm-up), against the same firm staying put. Break-even: the first day from "
        "which the switch stays ahead to the horizon (median over replications; n/a when half or more never "
        "break even). Advantage: the last year of the horizon, switched minus stayed, USD a year. Churn: the "
        "stayed (operations-focused) firm's in the first year and the switched firm's in the last; calibrated: the "
        f"stayed firm's first-year churn is inside {CHURN_RANGE[0]:g}-{CHURN_RANGE[1]:g}. Steady state: the same "
        f"policies each from its own warm-up, {peaks_days} days, profit: the customer-focused firm "
        "minus the operations-focused one (lead), and the customer levers under approval gating minus the "
        "operations-focused firm (mixed corner); two peaks: the mixed corner earns less, its 99 % interval below "
        "zero (the margin of the two-peaks test).",
        "",
    )
    exp.table(
        rows,
        {
            "variant": "variant",
            "trough": "trough, USD",
            "trough_day": "trough day",
            "be": "break-even day (median)",
            "never_pct": "never break even",
            "window": f"in {WINDOW[0]}-{WINDOW[1]}",
            "gap": "advantage in the last year, USD/yr",
            "churn_stay": "churn, stayed (year 1)",
            "churn_switch": "churn, switched (last year)",
            "calibrated": "calibrated",
            "lead": "steady-state lead, USD",
            "mixed": "mixed corner, USD",
            "two_peaks": "two peaks",
        },
    )
    hits = [r for r in rows if r["in_window"] and r["churn_ok"]]
    default, best = rows[0], min(rows, key=lambda r: r["be"] if r["be"] == r["be"] else float("inf"))
    instant = next(r for r in rows if r["variant"] == "instant change")

    def when(r: dict[str, Any]) -> str:
        if r["be"] != r["be"]:
            return f"does not break even within {exp.days} days in the median ({100 * r['never']:.0f} % never)"
        return f"breaks even on day {r['be']:,.0f} in the median"

    def peaks_said(r: dict[str, Any]) -> str:
        return (
            f"the customer levers under approval earn {usd(r['mixed'])} against the operations corner, so the two "
            + ("peaks hold" if r["peaks"] else "peaks fail")
        )

    if hits:
        window = "Within the calibrated variants the 180-900-day window is reached by " + "; ".join(
            f"**{r['variant']}** (day {r['be']:,.0f}; steady-state lead {usd(r['lead'])}; {peaks_said(r)})"
            for r in hits
        )
        window += ". " + (
            "Every one of them keeps the two peaks."
            if all(r["peaks"] for r in hits)
            else "A variant that reaches the window by a larger steady-state advantage makes the customer levers "
            "pay even under approval gating, unless the advantage comes from empowerment itself."
        )
    elif best["be"] == best["be"]:
        window = (
            f"No calibrated variant brings the median break-even into {WINDOW[0]}-{WINDOW[1]} days. The earliest "
            f"is **{best['variant']}**, which {when(best)} (trough {usd(best['trough'])}, steady-state lead "
            f"{usd(best['lead'])}; {peaks_said(best)}"
            + ("" if best["churn_ok"] else "; its operations-focused churn is outside the calibration range")
            + ")."
        )
    else:
        window = f"None of the variants breaks even within {exp.days} days in the median."
    exp.say(
        f"**Answer.** At the defaults the switch {when(default)}, with a trough of {usd(default['trough'])} "
        f"and an advantage of {usd(default['gap'])} a year in the last year of the horizon; the steady-state lead "
        f"is {usd(default['lead'])} over {peaks_days} days and {peaks_said(default)}. "
        f"Even a culture that changes overnight (**instant change**) {when(instant)}, with a trough of "
        f"{usd(instant['trough'])}: the slow stocks are not the whole delay, since the workforce's skills and fit "
        "change only with training, quits and hires, and the customers and the market follow the experience. "
        "The costs of the customer levers start on the switch day, so the break-even day is set by the trough "
        "over the steady-state advantage. " + window,
        "",
        "Charts: `frontier.png` (break-even against the steady-state lead, per variant); per variant "
        "(`<variant>/`): `jcurve.png`, `loyalty.png`, `cost.png`, `attrition.png`; the steady-state comparison in "
        "`<variant>/steady_state/`.",
    )
    exp.figure(frontier_figure(rows, exp.days, peaks_days, exp.replications), "frontier")


def main(argv: list[str] | None = None) -> int:
    return _common.main(body, (NAME, QUESTION, __doc__, 1460, 30), argv)


if __name__ == "__main__":
    sys.exit(main())
