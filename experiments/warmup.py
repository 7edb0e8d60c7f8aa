"""How long must a replication warm up before its outputs are steady?

Every replication starts from an initial state that is not the firm's steady state (the operations-focused
firm's turnover, for one, keeps moving for a year or more). This script measures the start-up transient with
Welch's graphical method (Welch 1983; Law & Kelton, Simulation Modeling and Analysis, section 9.5.1;
``simulation.warmup``) and recommends the warm-up that ``simulation.api.DEFAULT_WARMUP_DAYS`` is set from.

It runs operations_focused, customer_focused and base (scenarios/*.yaml) from the initial state
(``warmup_days=0``; the script has no ``--warmup-days``) for a long horizon, 1095 days and 100 replications by
default, on the numba engine under common random numbers. For each output (the annualised quit rate, the
engaged share, customer satisfaction, active customers, profit) and scenario it averages the daily values
over replications, smooths them with Welch's centred moving average (half-width 30 days, shrinking near the
start) and finds the truncation day: the last day the smoothed series lies outside a band around its level
over the final year (half-width: the largest of 5 % of the level, an absolute tolerance for outputs near
zero and four standard errors of the smoothed mean's distance from the level). The recommended warm-up is the largest
truncation day over the outputs that are steady in the final year, rounded up to a multiple of 30 days; an
output whose own final-year drift exceeds its band (a growth trend, not a transient) is reported but does
not set it.

Writes to results/warmup/ (or --out): the runs (``runs/``, a compare study with study.json), the truncation
table (``truncation.csv``/``.parquet``), the smoothed series (``smoothed.parquet``), the chart ``welch.png``
(and SVG) and summary.md; and the table with the recommendation into its marked block of docs/warmup.md
(``--quick``: into ``<out>/warmup.md`` instead, so a smoke test never rewrites the documentation).

    python experiments/warmup.py [--quick] [--days 1095] [--replications 100] [--out DIR]
"""

from __future__ import annotations

import sys
from typing import Any

import _common
import numpy as np
import pandas as pd
from _common import ROOT, Experiment, fmt

from simulation import charts
from simulation.api import DEFAULT_WARMUP_DAYS
from simulation.doc_tables import write_block
from simulation.studies import compare
from simulation.warmup import (
    NOISE_K,
    OUTPUTS,
    REFERENCE_DAYS,
    REL_TOL,
    ROUND_TO,
    WINDOW,
    WelchResult,
    output_matrix,
    recommended_warmup,
    reference_days,
    welch_truncation,
)

NAME = "warmup"
QUESTION = "How long must a replication warm up before its outputs are steady?"
SCENARIOS = ("operations_focused", "customer_focused", "base")
DOCS = ROOT / "docs" / "warmup.md"
BLOCK = "warmup"


def analyse(daily: pd.DataFrame, window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Welch's method per scenario and output: the truncation table and the smoothed series (tidy)."""
    rows: list[dict[str, Any]] = []
    series: list[pd.DataFrame] = []
    for scenario in SCENARIOS:
        one = daily[daily["scenario"] == scenario]
        for out in OUTPUTS:
            r: WelchResult = welch_truncation(output_matrix(one, out.name), window=window, abs_tol=out.abs_tol)
            rows.append(
                {
                    "scenario": scenario,
                    "output": out.name,
                    "unit": out.unit,
                    "level": r.level,
                    "band": r.band,
                    "band_rel": r.band / abs(r.level) if r.level else np.nan,
                    "noise_se": r.noise_se,
                    "drift": r.drift,
                    "drift_se": r.drift_se,
                    "steady": r.steady,
                    # What sets the band: the noise (a transient smaller than the band cannot be seen with this
                    # many replications), or the tolerance.
                    "band_set_by": "noise"
                    if NOISE_K * r.noise_se > max(REL_TOL * abs(r.level), out.abs_tol)
                    else "tolerance",
                    "truncation_day": r.truncation_day,
                }
            )
            series.append(
                pd.DataFrame(
                    {
                        "scenario": scenario,
                        "output": out.name,
                        "day": np.arange(1, len(r.smoothed) + 1),
                        "average": r.average[: len(r.smoothed)],
                        "smoothed": r.smoothed,
                    }
                )
            )
    return pd.DataFrame(rows), pd.concat(series, ignore_index=True)


def welch_figure(table: pd.DataFrame, smoothed: pd.DataFrame, window: int, reps: int, warmup: int) -> Any:
    """One panel per output: the smoothed series per scenario, its band (shade) and truncation day (dashed)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    charts.set_theme()
    colours = charts.palette(SCENARIOS)
    fig, axes = plt.subplots(2, 3, figsize=charts.SLIDE_INCHES, layout="constrained", squeeze=False)
    for ax, out in zip(axes.flat, OUTPUTS, strict=False):
        for scenario in SCENARIOS:
            s = smoothed[(smoothed["scenario"] == scenario) & (smoothed["output"] == out.name)]
            row = table[(table["scenario"] == scenario) & (table["output"] == out.name)].iloc[0]
            c = colours[scenario]
            ax.axhspan(row["level"] - row["band"], row["level"] + row["band"], color=c, alpha=0.12, linewidth=0)
            ax.plot(s["day"], s["smoothed"], color=c, linewidth=2)
            if row["truncation_day"] > 0:
                ax.axvline(row["truncation_day"], color=c, linestyle="--", linewidth=1.3)
        if warmup > 0:
            ax.axvline(warmup, color="0.2", linestyle=":", linewidth=1.5)
        ax.set_title(out.title)
        ax.set_ylabel(out.unit)
        ax.set_xlabel("day (from the initial state)")
        ax.set_xlim(0, int(smoothed["day"].max()))
    for ax in list(axes.flat)[len(OUTPUTS) :]:
        ax.set_visible(False)
    handles = [Line2D([], [], color=colours[s], linewidth=4) for s in SCENARIOS]
    labels = list(SCENARIOS)
    handles.append(Line2D([], [], color="0.2", linestyle=":", linewidth=1.5))
    labels.append(f"recommended warm-up ({warmup} days)")
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=len(labels),
        title=f"line: mean of {reps} replications, Welch moving average (w = {window}, {2 * window + 1} days); "
        "shade: tolerance band around the final-year level; dashed: truncation day",
    )
    fig.suptitle("Welch's method: when do the outputs settle?")
    return fig


def docs_block(table: pd.DataFrame, exp: Experiment, window: int, ref: int, warmup: int, everything: int) -> str:
    """The generated block of docs/warmup.md: the run, the table and the recommendation."""
    lines = [
        f"Measured by `python experiments/warmup.py{' --quick' if exp.quick else ''}`: {exp.days} days from the "
        f"initial state, {exp.replications} replications per scenario, seed {exp.seed}, numba engine; moving "
        f"average half-width w = {window} days, reference window the final {ref} days, band "
        f"max({REL_TOL:.0%} of the level, absolute tolerance, {NOISE_K:g} standard errors of the smoothed mean's "
        "distance from the level)."
        + (" **Quick run (a small firm, a short horizon): a smoke test, not a finding.**" if exp.quick else ""),
        "",
        "Truncation day (days) per output and scenario, with the output's level over the reference window and "
        "the band's half-width; *trend* marks an output whose straight line over the reference window moves by "
        "more than half its band and more than three standard errors (not steady: it does not set the "
        "recommendation).",
        "",
        "| output | unit | " + " | ".join(SCENARIOS) + " |",
        "|---|---|" + "---:|" * len(SCENARIOS),
    ]
    for out in OUTPUTS:
        cells = []
        for scenario in SCENARIOS:
            row = table[(table["scenario"] == scenario) & (table["output"] == out.name)].iloc[0]
            cell = f"{int(row['truncation_day'])}"
            noise = "†" if row["band_set_by"] == "noise" else ""
            cell += f" (level {fmt(row['level'])} ± {fmt(row['band'])}{noise})"
            if not row["steady"]:
                cell += f", *trend* {fmt(row['drift'])}"
            cells.append(cell)
        lines.append(f"| {out.name} | {out.unit} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"† The band is set by the noise ({NOISE_K:g} standard errors): a transient smaller than it cannot be seen "
        f"with {exp.replications} replications (the standard error falls with the square root of their number).",
        "",
        f"**Recommended warm-up: {warmup} days** (the largest truncation day of the steady outputs, rounded up "
        f"to a multiple of {ROUND_TO} days; over every output including trends it would be {everything} days). "
        f"`DEFAULT_WARMUP_DAYS` in simulation/api.py is {DEFAULT_WARMUP_DAYS} days.",
    ]
    return "\n".join(lines)


def body(exp: Experiment) -> None:
    arms = [exp.scenario(name, name=name) for name in SCENARIOS]
    study = exp.study(
        "Welch runs, no warm-up",
        compare,
        arms,
        folder="runs",
        days=exp.days,
        replications=exp.replications,
        engine="numba",
        warmup_days=0,  # the transient is what is measured
    )
    window = min(WINDOW, exp.days // 4)  # Law & Kelton: w <= m / 4
    ref = reference_days(exp.days, REFERENCE_DAYS)
    table, smoothed = analyse(study.tables["daily"], window)
    steady = table[table["steady"]]
    warmup = recommended_warmup(steady["truncation_day"])
    everything = recommended_warmup(table["truncation_day"])

    for name, frame in (("truncation", table), ("smoothed", smoothed)):
        path = exp.out / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        exp.written.append(path)
        if name == "truncation":
            exp.written.append(exp.out / f"{name}.csv")
            frame.to_csv(exp.written[-1], index=False)
    exp.figure(welch_figure(table, smoothed, window, exp.replications, warmup), "welch")

    docs = exp.out / "warmup.md" if exp.quick else DOCS
    write_block(docs, BLOCK, docs_block(table, exp, window, ref, warmup, everything))
    exp.written.append(docs)

    worst = steady.sort_values("truncation_day", ascending=False).head(1)
    trends = table[~table["steady"]]
    exp.say(
        "## Method",
        "",
        f"Each scenario runs from the initial state (no warm-up). Per output and day, the mean over the "
        f"{exp.replications} replications is smoothed by Welch's centred moving average of half-width w = {window} "
        f"days ({2 * window + 1} days; shorter near the start). The level is the output's mean over the final "
        f"{ref} days; the band around it has half-width max({REL_TOL:.0%} of the level, an absolute tolerance, "
        f"{NOISE_K:g} standard errors of the smoothed mean's distance from the level, from batch means over the "
        "final year). The "
        "truncation day is the last day the smoothed series lies outside the band. An output whose straight line "
        "rises or falls over the final year by more than half the band and more than three standard errors of "
        "that movement is not steady (*trend*) and does not set the recommendation. Where the noise sets the "
        "band, a transient smaller than it cannot be seen with this many replications; more replications narrow "
        "it.",
        "",
        "## Truncation days",
        "",
    )
    exp.table(
        [
            {
                "scenario": r.scenario,
                "output": r.output,
                "unit": r.unit,
                "level": r.level,
                "band": r.band,
                "drift": r.drift,
                "steady": "yes" if r.steady else "trend",
                "band_set_by": r.band_set_by,
                "truncation_day": r.truncation_day,
            }
            for r in table.itertuples(index=False)
        ],
        {
            "scenario": "scenario",
            "output": "output",
            "unit": "unit",
            "level": "final-year level",
            "band": "band ±",
            "drift": "final-year drift",
            "steady": "steady",
            "band_set_by": "band set by",
            "truncation_day": "truncation day",
        },
    )
    slowest = (
        f"the slowest steady output is {worst['output'].iloc[0]} of {worst['scenario'].iloc[0]} (truncation day "
        f"{int(worst['truncation_day'].iloc[0])})"
        if len(worst)
        else "no output is steady in the final year"
    )
    trend_words = (
        "Not steady in the final year (reported, not counted): "
        + ", ".join(f"{r.output} of {r.scenario} (drift {fmt(r.drift)} {r.unit})" for r in trends.itertuples())
        + f"; over every output the warm-up would be {everything} days."
        if len(trends)
        else "Every output is steady over the final year."
    )
    exp.say(
        f"**Answer.** A replication should warm up for **{warmup} days** before day 1: {slowest}, rounded up to a "
        f"multiple of {ROUND_TO} days. {trend_words} `DEFAULT_WARMUP_DAYS` (simulation/api.py) is "
        f"{DEFAULT_WARMUP_DAYS} days"
        + (
            ": it covers this recommendation (docs/warmup.md)."
            if DEFAULT_WARMUP_DAYS >= warmup
            else f", shorter than this recommendation by {warmup - DEFAULT_WARMUP_DAYS} days (docs/warmup.md)."
        ),
        "",
        f"Charts: `welch.png` (smoothed series, bands and truncation days). Tables: `truncation.csv`, "
        f"`smoothed.parquet`, the runs in `runs/`. Docs table: `{docs}`.",
    )


def main(argv: list[str] | None = None) -> int:
    return _common.main(body, (NAME, QUESTION, __doc__, 1095, 100), argv, warmup=False)


if __name__ == "__main__":
    sys.exit(main())
