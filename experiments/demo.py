"""The main job: the two archetypes head to head on the default scenarios.

Question: over a year, how do an operations-focused and a customer-focused
firm of the default size differ in loyalty, cost and attrition?

Runs both archetype scenarios with the mesa engine under common random
numbers (same seed), writes each run's tables (daily.parquet, summary.csv,
run.json), the combined daily table, charts (PNG and SVG) and a short
markdown summary, and prints where they are.

    python experiments/demo.py [--days 365] [--replications 2] [--out results/demo] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

import simulation
from simulation.charts import cost_breakdown_figure, headline_figure, save_figure
from simulation.errors import FocussimError

ROOT = Path(__file__).resolve().parents[1]
ARCHETYPES = ("operations_focused", "customer_focused")
SHOWN = (
    "active_customers",
    "retention_annual",
    "nps",
    "turnover_annual",
    "engagement_mean",
    "cost_total",
    "cost_training",
    "cost_recovery",
    "profit",
    "wait_mean_min",
    "first_contact_resolution",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "demo")
    ap.add_argument("--quick", action="store_true", help="a small firm for 60 days (smoke test)")
    args = ap.parse_args(argv)
    console = Console()
    overrides = {}
    if args.quick:
        overrides = {"customers.initial": 500, "firm.frontline": 5, "firm.back_office": 1, "firm.managers": 1}
        args.days, args.replications = 60, 2
    try:
        frames, summaries = [], []
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            for name in ARCHETYPES:
                scenario = simulation.load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides=overrides)
                task = bar.add_task(name.replace("_", " "), total=args.days * args.replications)
                res = simulation.run(
                    scenario,
                    days=args.days,
                    replications=args.replications,
                    seed=args.seed,
                    workers=args.workers,
                    progress=lambda d, t, task=task: bar.update(task, completed=d),
                )
                res.save(args.out / name)
                frames.append(res.daily)
                summaries.append(res.summary())
    except FocussimError as exc:
        console.print(f"demo: {exc}", markup=False)
        return 2
    daily = pd.concat(frames, ignore_index=True)
    summary = pd.concat(summaries, ignore_index=True)
    args.out.mkdir(parents=True, exist_ok=True)
    daily.to_parquet(args.out / "daily.parquet", index=False)
    summary.to_csv(args.out / "summary.csv", index=False)
    charts = []
    for stem, fig in (
        ("loyalty_cost_attrition", headline_figure(daily)),
        ("cost_breakdown", cost_breakdown_figure(daily)),
    ):
        charts += save_figure(fig, args.out, stem)

    wide = summary[summary.metric.isin(SHOWN)].pivot_table(index="metric", columns="scenario", values="mean")
    wide = wide.reindex([m for m in SHOWN if m in wide.index])[list(ARCHETYPES)]

    def fmt(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"

    table = Table(title=f"Archetypes after {args.days} days ({args.replications} replications, mean)")
    table.add_column("metric")
    for name in ARCHETYPES:
        table.add_column(name.replace("_", " "), justify="right")
    lines = [
        f"# Archetypes head to head ({args.days} days, {args.replications} replications, seed {args.seed})",
        "",
        "| metric | unit | operations focused | customer focused |",
        "|---|---|---:|---:|",
    ]
    for metric, row in wide.iterrows():
        unit = summary.loc[summary.metric == metric, "unit"].iloc[0]
        table.add_row(metric, *(fmt(row[n]) for n in ARCHETYPES))
        lines.append(f"| {metric} | {unit} | {fmt(row[ARCHETYPES[0]])} | {fmt(row[ARCHETYPES[1]])} |")
    lines += [
        "",
        "Flows are run totals; levels are end-of-run values. Charts: loyalty_cost_attrition.png, cost_breakdown.png.",
    ]
    (args.out / "summary.md").write_text("\n".join(lines) + "\n")
    console.print(table)
    console.print(f"Charts and tables in {args.out}:")
    for path in [*charts, args.out / "summary.md", args.out / "daily.parquet"]:
        console.print(f"  {path}", markup=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
