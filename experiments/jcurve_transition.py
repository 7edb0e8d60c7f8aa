"""Moving from operations- to customer-focused: how deep is the J-curve and when does it pay back?

The operations-focused firm (scenarios/operations_focused.yaml) switches all its policies to those of
scenarios/customer_focused.yaml on day 120 and runs on to day 1825, against the same firm staying put
(studies.transition: both arms share the random streams and are identical until the switch; people,
customers and their state carry over). Per arm: the trough of the J-curve (the median, over replications,
of cumulative profit switch minus stay, at its lowest), the break-even day (the first day from which the
switch stays ahead to the horizon; median with 5th and 95th percentiles), the share of replications that
never break even and the cumulative gain at the horizon.

Horizon: five years (1825 days) after the warm-up. Since the second version of the model (every lever
costs something from the switch day on, the premium must be earned by the customers' own satisfaction,
reputation builds slowly) the switch does not pay back within two years: on a two-year horizon the
median curve is still falling at its end, and the question "when does it pay back?" has no answer.

Then the same switch to other targets (customer_focused without its price premium, which isolates the
premium; balanced.yaml, the mid-way firm with bounded guidelines; southwest.yaml) and on other days (60 and
365). Finally, for the main switch, what drives the curve: the cumulative profit difference split into
revenue (price premium and volume) and each cost category (the change programme among them), the drivers
(engagement, staff turnover, first-contact resolution, retention, training and acquisition cost) in windows
around the switch, and what delays the payback: how long each slow stock (belief in the managers' example,
guideline competence, relationships along the chain, engagement, satisfaction, reputation, the premium
charged) takes to cover half of its move.

``--quick`` switches on day 20 (and 10 and 40) of the 60-day smoke test.

    python experiments/jcurve_transition.py [--quick] [--days 1825] [--replications 30] [--out DIR]
"""

from __future__ import annotations

import math
import sys
from typing import Any

import _common
import pandas as pd
from _common import Experiment, fmt, usd

from simulation.metrics import COST_CATEGORIES
from simulation.scenario.schema import DAYS_PER_YEAR, Scenario
from simulation.studies import Study, transition

NAME = "jcurve_transition"
QUESTION = "Moving from operations- to customer-focused: how deep is the J-curve and when does it pay back?"
AT_DAY = 120
OTHER_DAYS = (60, 365)
QUICK_AT_DAY = 20
QUICK_OTHER_DAYS = (10, 40)
#: Targets: (label, scenario stem, overrides). The first is the main arm.
TARGETS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("customer_focused", "customer_focused", {}),
    ("customer_focused_no_premium", "customer_focused", {"pricing.price_premium": 0.0}),
    ("balanced", "balanced", {}),
    ("southwest", "southwest", {}),
)
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


# --------------------------------------------------------------------------- tables


def outcome(study: Study, label: str) -> dict[str, Any]:
    """One row of the J-curve table from a transition study's summary."""
    s = study.tables["summary"].iloc[0]
    at = int(s["at_day"])
    # The median over every replication, those that never break even counting as after the horizon: n/a
    # (NaN) when half or more never do.
    be = float(s["breakeven_day_median"])
    # The trough after the switch (the summary's minimum also covers the identical days before it).
    jc = study.tables["jcurve"]
    med = jc[jc["day"] >= at].groupby("day")["delta_cumulative_profit"].median()
    trough = min(float(med.min()), 0.0)
    trough_day = int(med.idxmin()) if trough < 0 else at
    return {
        "target": label,
        "at": at,
        "trough": trough,
        "trough_day": trough_day,
        "be": be,
        "be_range": f"{fmt(float(s['breakeven_day_p5']))}–{fmt(float(s['breakeven_day_p95']))}"
        if math.isfinite(float(s["breakeven_day_p95"]))
        else "n/a",
        "be_those": float(s["breakeven_day_median_of_those"]),
        "payback": be - at,
        "payback_months": (be - at) / DAYS_PER_MONTH,
        "never": f"{100 * float(s['share_never']):.0f} %",
        "share_never": float(s["share_never"]),
        "gain": float(s["delta_at_horizon_median_usd"]),
        "gain_range": f"{fmt(float(s['delta_at_horizon_p5_usd']))} to {fmt(float(s['delta_at_horizon_p95_usd']))}",
    }


OUTCOME_COLUMNS = {
    "target": "target",
    "at": "switch day",
    "trough": "trough, USD (median curve)",
    "trough_day": "trough day",
    "be": "break-even day (median)",
    "be_range": "break-even p5–p95 of those that do",
    "payback": "days after switch",
    "never": "never break even",
    "gain": "gain at horizon, USD (median)",
    "gain_range": "gain p5 to p95, USD",
}


def arms(daily: pd.DataFrame) -> tuple[str, str]:
    """(stay, switch) scenario names of a transition's daily table."""
    names = list(dict.fromkeys(daily["scenario"]))
    stay = next(n for n in names if n.startswith("stay:"))
    return stay, next(n for n in names if n != stay)


def decomposition(daily: pd.DataFrame, at: int, premium: float, ends: dict[str, int]) -> list[dict[str, Any]]:
    """Cumulative profit difference (switch − stay, mean over replications) from the switch to each end day,
    split into revenue (price premium, volume) and the cost categories (shown as their effect on profit)."""
    stay, switch = arms(daily)
    cols = ["revenue", *(f"cost_{c}" for c in COST_CATEGORIES), "profit"]
    mean = daily[daily["day"] > at].groupby(["scenario", "day"])[cols].mean()
    a, b = mean.loc[stay], mean.loc[switch]
    parts = pd.DataFrame(index=a.index)
    parts["revenue: price premium"] = b["revenue"] * premium / (1 + premium)
    parts["revenue: volume (first contacts served)"] = b["revenue"] / (1 + premium) - a["revenue"]
    for c in COST_CATEGORIES:
        parts[f"cost: {c.replace('_', ' ')}"] = -(b[f"cost_{c}"] - a[f"cost_{c}"])
    parts["profit (total)"] = b["profit"] - a["profit"]
    rows = []
    for name in parts.columns:
        row: dict[str, Any] = {"component": name}
        for key, end in ends.items():
            row[key] = float(parts.loc[parts.index <= end, name].sum())
        rows.append(row)
    last = list(ends)[-1]
    body = [r for r in rows[:-1] if abs(r[last]) >= 1.0 or any(abs(r[k]) >= 1.0 for k in ends)]
    body.sort(key=lambda r: -abs(r[last]))
    return [*body, rows[-1]]


def window_edges(at: int, days: int) -> list[int]:
    """A month before the switch, then the first month, months 2-3, months 4-6, the rest of the first year, the
    second year and the rest after it (the windows that fit in the horizon).

    The daily tables number days from 1: day ``at`` is the last under the old policies, ``at + k`` the
    k-th under the new ones.
    """
    edges = [max(1, at - 29), at + 1] + [at + 1 + k for k in (30, 90, 180, 365, 730) if at + k < days] + [days + 1]
    return sorted(set(edges))


def drivers(daily: pd.DataFrame, at: int, days: int) -> list[dict[str, Any]]:
    """Per window around the switch: the drivers in the stay arm and the switch arm (pooled over replications)."""
    stay, switch = arms(daily)
    edges = window_edges(at, days)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        w = daily[(daily["day"] >= lo) & (daily["day"] < hi)]
        per_year = DAYS_PER_YEAR / (hi - lo)
        vals: dict[str, dict[str, float]] = {}
        for arm in (stay, switch):
            g = w[w["scenario"] == arm]
            n_rep = g["replication"].nunique()
            vals[arm] = {
                "engagement": float(g["engagement_mean"].mean()),
                "turnover": float(g["quits"].sum() / n_rep / g["employees"].mean() * per_year),
                "fcr": float(g["first_contact_resolution"].mean()),
                "abandon": float(g["abandoned"].sum() / max(g["contacts"].sum(), 1)),
                "retention": float(1 - g["churned"].sum() / n_rep / g["active_customers"].mean() * per_year),
                "training": float(g["cost_training"].mean()),
                "acquisition": float(g["cost_acquisition"].mean()),
                "recovery": float(g["cost_recovery"].mean() + g["cost_abuse"].mean()),
                "profit": float(g["profit"].mean()),
            }
        label = f"days {lo}–{hi - 1}" + (" (before)" if hi <= at + 1 else f" ({lo - at}–{hi - 1 - at} after)")
        row: dict[str, Any] = {"window": label, "lo": lo, "hi": hi}
        for k in vals[stay]:
            row[k] = f"{fmt(vals[stay][k])} → {fmt(vals[switch][k])}"
            row[f"{k}_stay"], row[f"{k}_switch"] = vals[stay][k], vals[switch][k]
        rows.append(row)
    return rows


#: The slow stocks of a change (and what they move), whose half-times say what delays the payback.
STOCKS: tuple[tuple[str, str], ...] = (
    ("belief_mean", "employees' belief in their managers' example"),
    ("competence", "guideline competence"),
    ("relationships", "relationships along the internal chain"),
    ("engaged_share", "engaged share of employees"),
    ("first_contact_resolution", "first-contact resolution"),
    ("satisfaction_mean", "customers' mean satisfaction"),
    ("reputation", "reputation"),
    ("premium_charged", "price premium charged"),
)


def delays(daily: pd.DataFrame, at: int, days: int) -> list[dict[str, Any]]:
    """How long each slow stock takes to move after the switch: its value on the eve of the switch and over the
    last quarter of the horizon (median curve over replications), and the days after the switch until it has
    covered half and 90 % of that move (n/a when it has not, or barely moves)."""
    _, switch = arms(daily)
    med = daily[daily["scenario"] == switch].groupby("day")[[c for c, _ in STOCKS]].median()
    rows = []
    for col, label in STOCKS:
        before = float(med[col].loc[med.index <= at].iloc[-1])
        after = float(med[col].loc[med.index > max(days - 91, at)].mean())
        move = after - before
        row: dict[str, Any] = {"stock": label, "column": col, "before": before, "after": after}
        for key, share in (("half", 0.5), ("ninety", 0.9)):
            path = med[col].loc[med.index > at]
            reached = path.index[(path - before) / move >= share] if abs(move) > 1e-3 else []
            row[key] = float(reached[0] - at) if len(reached) else math.nan
        rows.append(row)
    return rows


DELAY_COLUMNS = {
    "stock": "stock",
    "before": "on the eve of the switch",
    "after": "last quarter of the horizon",
    "half": "days to half the move",
    "ninety": "days to 90 % of the move",
}


DRIVER_COLUMNS = {
    "window": "window (day)",
    "engagement": "engagement [0,1]",
    "turnover": "staff turnover /yr",
    "fcr": "first-contact resolution",
    "abandon": "abandoned, share of contacts",
    "retention": "customer retention /yr",
    "training": "training, USD/day",
    "recovery": "recovery + abuse, USD/day",
    "acquisition": "acquisition, USD/day",
    "profit": "profit, USD/day",
}


def span(values: list[float], unit: str = "", usd: bool = False) -> str:
    """``a to b`` over the finite values (with how many are missing: no break-even within the horizon)."""
    finite = [v for v in values if math.isfinite(v)]
    show = _common.usd if usd else (lambda v: f"{fmt(v)}{unit}")
    text = (
        (f"{show(min(finite))} to {show(max(finite))}" if min(finite) != max(finite) else show(finite[0]))
        if finite
        else "n/a"
    )
    missing = len(values) - len(finite)
    return text + (f" ({missing} arm(s) without a median break-even)" if missing else "")


def paybacks(rows: dict[str, dict[str, Any]]) -> str:
    """Each arm's median payback in days after the switch; for an arm whose median replication does not break
    even, the share that never does."""
    paid = [f"{fmt(r['payback'])} days for {k}" for k, r in rows.items() if math.isfinite(r["payback"])]
    never = [f"{k} ({r['never']} never)" for k, r in rows.items() if not math.isfinite(r["payback"])]
    parts = ([f"the median payback is {', '.join(paid)}"] if paid else []) + (
        [f"the median replication does not break even for {', '.join(never)}"] if never else []
    )
    return "; ".join(parts)


# --------------------------------------------------------------------------- charts


def curves(studies: dict[str, Study]) -> pd.DataFrame:
    """The J-curves of several transition studies as one table with a ``scenario`` column (the label)."""
    frames = []
    for label, st in studies.items():
        jc = st.tables["jcurve"][["replication", "day", "delta_cumulative_profit"]].copy()
        jc.insert(0, "scenario", label)
        frames.append(jc)
    return pd.concat(frames, ignore_index=True)


def colour_map(names: Any, ordered: bool) -> dict[str, Any]:
    """Targets: customer_focused keeps its blue, the others take distinct colour-blind-safe colours (orange
    stays the operations-focused firm's); ordered levels (switch days): an ordered viridis ramp."""
    import seaborn as sns

    from simulation import charts

    names = list(names)
    if ordered:
        return dict(zip(names, sns.color_palette("viridis", len(names) + 1)[: len(names)], strict=True))
    cb = sns.color_palette("colorblind", n_colors=10)
    free = iter(cb[i] for i in (2, 4, 5, 8, 9, 6, 3, 7))
    fixed = charts.palette(names)
    return {n: fixed[n] if n == "customer_focused" else next(free) for n in names}


def jcurves_figure(by_target: dict[str, Study], by_day: dict[str, Study], at: int, n: int) -> Any:
    """Median J-curves (with 50 % and 90 % bands) by target and by switch day."""
    import matplotlib.pyplot as plt

    from simulation import charts

    charts.set_theme()
    fig, axes = plt.subplots(1, 2, figsize=charts.SLIDE_INCHES, layout="constrained", sharey=True)
    panels = (
        (axes[0], by_target, f"By target, switch on day {at}"),
        (axes[1], by_day, "By switch day, to customer_focused"),
    )
    for ax, group, title in panels:
        table = curves(group)
        colours = colour_map(group, ordered=group is by_day)
        charts.band_plot(ax, table, "delta_cumulative_profit", colours, "cumulative profit, switch − stay (USD)")
        ax.axhline(0, color="0.2", linewidth=1.2)
        ax.set_title(title)
        ax.legend(loc="upper left", fontsize="small", title="median; shades 50 %, 90 %", title_fontsize="small")
    axes[1].set_ylabel("")
    fig.suptitle(f"J-curves of the switch from operations_focused: cumulative profit gained ({n} replications)")
    return fig


def drivers_figure(daily: pd.DataFrame, at: int, target: str) -> Any:
    """What moves around the switch: engagement, turnover, FCR, retention, and the costs and profit (30-day means)."""
    from simulation import charts

    stay, switch = arms(daily)
    df = charts.add_derived_daily(daily)
    df = df.sort_values(["scenario", "replication", "day"])
    g = df.groupby(["scenario", "replication"], sort=False)
    for col in ("profit", "cost_acquisition", "cost_training"):
        df[f"{col}_30"] = g[col].transform(lambda s: s.rolling(30, min_periods=1).mean())
    fixed = charts.palette(["operations_focused", target])
    colours = {stay: fixed["operations_focused"], switch: fixed[target]}
    window = charts.rolling_window(daily)
    panels = (
        ("engagement_mean", "Employee engagement", "engagement [0,1]"),
        ("turnover_rolling_annual", "Staff turnover, annualised", f"share/yr, {window}-day window"),
        ("first_contact_resolution", "First-contact resolution", "share of served contacts"),
        ("retention_rolling_annual", "Customer retention, annualised", f"share/yr, {window}-day window"),
        ("cost_acquisition_30", "Paid acquisition cost", "USD/day, 30-day mean"),
        ("profit_30", "Profit", "USD/day, 30-day mean"),
    )
    return charts.band_panels_figure(
        df, panels, colours, f"What moves when the firm switches to {target} on day {at}", at, "the switch"
    )


# --------------------------------------------------------------------------- the experiment


def body(exp: Experiment) -> None:
    days = exp.days
    at = QUICK_AT_DAY if exp.quick else min(AT_DAY, days // 3)
    others = [d for d in (QUICK_OTHER_DAYS if exp.quick else OTHER_DAYS) if 0 < d < days and d != at]
    runs = dict(days=days, replications=exp.replications)
    ops = exp.scenario("operations_focused")
    targets: dict[str, Scenario] = {
        label: exp.scenario(stem, overrides, name=label) for label, stem, overrides in TARGETS
    }
    main_label = TARGETS[0][0]

    by_target: dict[str, Study] = {}
    for label, target in targets.items():
        by_target[label] = exp.study(
            f"switch to {label} on day {at}", transition, ops, target, at_day=at, folder=f"{label}_day{at}", **runs
        )
    by_day: dict[str, Study] = {}
    for d in sorted([*others, at]):
        if d == at:
            by_day[f"day {d}"] = by_target[main_label]
            continue
        by_day[f"day {d}"] = exp.study(
            f"switch to {main_label} on day {d}",
            transition,
            ops,
            targets[main_label],
            at_day=d,
            folder=f"{main_label}_day{d}",
            **runs,
        )

    main = by_target[main_label]
    m = outcome(main, main_label)
    target_rows = [outcome(st, label) for label, st in by_target.items()]
    day_rows = [outcome(st, main_label) for st in by_day.values()]
    daily = main.tables["daily"]
    premium = targets[main_label].pricing.price_premium
    ends: dict[str, int] = {"to_trough": m["trough_day"]}
    if math.isfinite(m["be"]):
        ends["to_breakeven"] = int(m["be"])
    ends["to_horizon"] = days
    parts = decomposition(daily, at, premium, ends)
    windows = drivers(daily, at, days)
    stocks = delays(daily, at, days)

    exp.figure(jcurves_figure(by_target, by_day, at, exp.replications), "jcurves")
    exp.figure(drivers_figure(daily, at, main_label), "drivers")

    # ---- summary
    exp.say(
        "## The switch to customer_focused",
        "",
        f"The operations-focused firm runs its own policies for {at} days, then every customer-focused policy to "
        f"day {days}, against the same firm staying put (paired replications). The trough is the lowest point "
        "of the median curve of cumulative profit (switch − stay); break-even is the first day from which "
        "switching stays ahead to the horizon. Days are calendar days (365 a year).",
        "",
    )
    exp.table(target_rows[:1], OUTCOME_COLUMNS)
    exp.say(
        "## Other targets and other switch days",
        "",
        f"The same switch on day {at} to other targets (`customer_focused_no_premium` is customer_focused "
        "with `pricing.price_premium: 0`: it isolates the premium):",
        "",
    )
    exp.table(target_rows, OUTCOME_COLUMNS)
    exp.say("The switch to customer_focused on other days:", "")
    exp.table(day_rows, OUTCOME_COLUMNS)

    exp.say(
        "## What drives the curve",
        "",
        "Cumulative profit difference (switch − stay, USD, mean over replications) from the switch to the "
        "trough, to the median break-even day and to the horizon, by component; costs are shown as their "
        "effect on profit (a saving is positive). Revenue is split into the price premium charged from the "
        "switch day on and the volume of first contacts served:",
        "",
    )
    part_cols = {"component": "component", "to_trough": f"to the trough (day {ends['to_trough']})"}
    if "to_breakeven" in ends:
        part_cols["to_breakeven"] = f"to break-even (day {ends['to_breakeven']})"
    part_cols["to_horizon"] = f"to the horizon (day {ends['to_horizon']})"
    exp.table(parts, part_cols)
    exp.say(
        "Drivers around the switch, operations_focused (stay) → after the switch (pooled over replications; "
        "turnover and retention annualised within the window):",
        "",
    )
    exp.table(windows, DRIVER_COLUMNS)
    exp.say(
        "What delays the payback: the slow stocks of the switched firm (median curve over replications), their "
        "value before and after, and how long each takes to cover half and 90 % of its move:",
        "",
    )
    exp.table(stocks, DELAY_COLUMNS)

    # ---- the answer, from the numbers above
    before = windows[0]
    first = windows[1] if len(windows) > 1 else windows[0]
    later = windows[min(2, len(windows) - 1)]
    last = windows[-1]
    by_part = {r["component"]: r for r in parts}
    key = "to_breakeven" if "to_breakeven" in ends else "to_horizon"
    upto = {"to_breakeven": "break-even", "to_horizon": "the horizon"}[key]
    gains = sorted((r for r in parts[:-1] if r[key] > 0), key=lambda r: -r[key])
    losses = sorted((r for r in parts[:-1] if r[key] < 0), key=lambda r: r[key])
    nop = next(r for r in target_rows if r["target"] == "customer_focused_no_premium")
    stay_name, _ = arms(daily)
    stay_profit = float(daily[(daily["scenario"] == stay_name) & (daily["day"] >= at)]["profit"].mean())
    trough_days = -m["trough"] / stay_profit if stay_profit > 0 else math.nan
    if m["trough"] < 0:
        depth = "shallow" if trough_days < 30 else "deep"
        jcurve = (
            f"The J-curve is {depth}: switching on day {at} costs at most {usd(m['trough'])} of cumulative profit "
            f"(median curve, on day {m['trough_day']}, {m['trough_day'] - at} days after the switch; about "
            f"{trough_days:.0f} days of the operations-focused firm's profit)"
        )
    else:
        jcurve = f"There is no J-curve: the median switch is never behind in cumulative profit after day {at}"
    payback = (
        f"the median break-even comes on day {fmt(m['be'])}, {fmt(m['payback'])} days "
        f"({m['payback_months']:.1f} months) after the switch (of those that break even, 90 % do on days "
        f"{m['be_range']})"
        if math.isfinite(m["be"])
        else "the median replication does not break even within the horizon"
        + (
            f" (those that do, on day {fmt(m['be_those'])}, median, {fmt(m['be_those'] - m['at'])} days after "
            f"the switch; 90 % of them on days {m['be_range']})"
            if math.isfinite(m["be_those"])
            else ""
        )
    )
    fast = math.isfinite(m["be"]) and m["payback"] < DAYS_PER_YEAR
    nop_be = (
        f"the median break-even day {fmt(nop['be'])} ({fmt(nop['payback'])} days after the switch)"
        if math.isfinite(nop["be"])
        else "the median replication does not break even"
    )
    day_paybacks = {f"day {r['at']}": r for r in day_rows}
    shorter = next((w for w in windows[1:] if w["abandon_switch"] < w["abandon_stay"]), None)
    if first["abandon_switch"] < first["abandon_stay"]:
        queue = (
            f"the queue shortens, so the share of contacts abandoned goes from {fmt(first['abandon_stay'])} to "
            f"{fmt(first['abandon_switch'])} and more first contacts are served and paid"
        )
    else:
        queue = (
            f"yet the share of contacts abandoned goes from {fmt(first['abandon_stay'])} to "
            f"{fmt(first['abandon_switch'])} in that window (the change programme takes training days off the "
            "floor and on-the-spot decisions are slow while competence is low), and "
            + (
                f"falls below staying put only in {shorter['window']} ({fmt(shorter['abandon_switch'])} switched "
                f"against {fmt(shorter['abandon_stay'])}), when more first contacts are served and paid"
                if shorter is not None
                else "stays above staying put to the horizon"
            )
        )
    stock = {r["column"]: r for r in stocks}
    fcr = stock["first_contact_resolution"]
    fcr_days = f"{fmt(fcr['half'])} day{'' if fcr['half'] == 1 else 's'}"

    def took(col: str) -> str:
        r = stock[col]
        return f"{fmt(r['before'])} → {fmt(r['after'])}, half of it in {fmt(r['half'])} days"

    exp.say(
        f"**Answer.** {jcurve}; {payback}; {m['never']} of replications never break even within {days} days, "
        f"and the median gain at the horizon is {usd(m['gain'])} (p5 to p95: {m['gain_range']} USD). "
        f"Across targets (switch on day {at}) {paybacks({r['target']: r for r in target_rows})}, and the trough "
        f"is {span([r['trough'] for r in target_rows], usd=True)}; across switch days (to {main_label}) "
        f"{paybacks(day_paybacks)}.",
        "",
        f"{'A payback within a year is fast for a culture change. ' if fast else ''}"
        "What drives the curve: the switch's costs come at once, its benefits follow slow stocks. "
        f"(1) The {100 * premium:.0f} % price premium is raised only as far as the reputation earns it "
        f"(premium charged {took('premium_charged')}): {usd(by_part['revenue: price premium'][key])} up to "
        f"{upto}; without it (customer_focused_no_premium) the trough is {usd(nop['trough'])}, {nop_be}, "
        f"{nop['never']} never break even. "
        f"(2) First-contact resolution goes from {fmt(first['fcr_stay'])} to {fmt(first['fcr_switch'])} in "
        f"{first['window']} (guidelines, data access), so fewer contacts come back as repeats; {queue}. "
        f"(3) Engagement goes from {fmt(before['engagement_switch'])} before the switch to "
        f"{fmt(first['engagement_switch'])} in the first window and {fmt(later['engagement_switch'])} in "
        f"{later['window']}: managers change their behaviour on the switch day, but employees believe it only "
        f"slowly (belief {took('belief_mean')}; `leadership.belief_lag_days`), guideline competence is built by "
        f"practice and coaching ({took('competence')}; overgranting and misfit remedies meanwhile) and "
        f"relationships along the chain follow the new orientation ({took('relationships')}); staff turnover in "
        f"that window is {fmt(later['turnover_switch'])} /yr against {fmt(later['turnover_stay'])} staying put. "
        f"(4) Customer retention in that window is {fmt(later['retention_switch'])} /yr against "
        f"{fmt(later['retention_stay'])}, and in {last['window']} paid acquisition costs "
        f"{fmt(last['acquisition_switch'])} USD/day against {fmt(last['acquisition_stay'])}: referrals and fewer "
        "losses replace bought customers (the firm buys customers to hold its base). "
        f"Up to {upto} the largest gains are "
        + ", ".join(f"{r['component']} ({usd(r[key])})" for r in gains[:3])
        + "; the largest costs "
        + ", ".join(f"{r['component']} ({usd(r[key])})" for r in losses[:3])
        + ". The change programme (`cost_change`: fees on the switch day and training days off the floor over "
        f"`change.window_days`) costs {usd(-by_part.get('cost: change', {key: 0.0})[key])} up to {upto}, and the new "
        "levers' running costs (coaching, coordination, systems, training, support, wages) start on the switch "
        "day, while satisfaction, reputation and the premium they earn build slowly "
        f"(engaged share {took('engaged_share')}; reputation {took('reputation')}). First-contact resolution "
        f"moves {fmt(fcr['before'])} → {fmt(fcr['after'])}, half of it in {fcr_days} (decisions on the spot, no "
        f"corner cut) but 90 % only in {fmt(fcr['ninety'])} days, as the workforce's skills and culture fit change "
        "with training, quits and hires.",
        "",
        "Charts: `jcurves.png` (the J-curves by target and by switch day), `drivers.png` (what moves around the "
        "switch); per study folder (`<target>_day<day>/`): `jcurve.png`, `loyalty.png`, `cost.png`, "
        "`attrition.png`.",
    )


def main(argv: list[str] | None = None) -> int:
    return _common.main(body, (NAME, QUESTION, __doc__, 1825, 30), argv)


if __name__ == "__main__":
    sys.exit(main())
