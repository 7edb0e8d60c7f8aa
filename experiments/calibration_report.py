"""Calibration report: do the default archetypes land inside the stylized facts?

Question: in year one and in year two after the default warm-up
(simulation.api.DEFAULT_WARMUP_DAYS; --warmup-days), where does each
calibrated quantity of the default firms (base, operations_focused,
customer_focused) fall relative to its real-world range (docs/ODD.md
section 8.1)? Mirrors tests/test_calibration.py: the numba engine, 730 days
after the warm-up split into its two years, 12 replications and the tests'
seed by default, and the same measurements (simulation.calibration.measure
over simulation.calibration.TARGETS). Writes one table with a year column to
docs/calibration.md (or --out): mean, standard error and range per row.

    python experiments/calibration_report.py [--replications 12] [--days 730] [--warmup-days N] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

import simulation
from simulation.api import DEFAULT_WARMUP_DAYS
from simulation.calibration import measure
from simulation.scenario.schema import DAYS_PER_YEAR

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("base", "operations_focused", "customer_focused")
ENGINE = "numba"
#: The seed of tests/test_calibration.py, so the report shows the numbers the tests check.
TEST_SEED = 20261123
#: Business days in a year (the tests split their 730 days at day 365).
YEAR = int(DAYS_PER_YEAR)


def periods(days: int) -> list[tuple[str, int, int]]:
    """(label, first day, last day) of each whole year in ``days``; the whole run when it is shorter than a year."""
    years = days // YEAR
    if years == 0:
        return [(f"days 1-{days}", 1, days)]
    return [(str(y), YEAR * (y - 1) + 1, YEAR * y) for y in range(1, years + 1)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=2 * YEAR, help="days after the warm-up (whole years)")
    ap.add_argument("--replications", type=int, default=12)
    ap.add_argument("--seed", type=int, default=TEST_SEED)
    ap.add_argument("--workers", type=int, default=2, help="numba threads (the numbers do not depend on it)")
    ap.add_argument(
        "--warmup-days",
        type=int,
        default=DEFAULT_WARMUP_DAYS,
        help=f"days each replication runs before the measured years (default {DEFAULT_WARMUP_DAYS})",
    )
    ap.add_argument(
        "--quick", action="store_true", help="a small firm for 60 days (smoke test; numbers not meaningful)"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "calibration.md")
    args = ap.parse_args(argv)
    overrides = {}
    if args.quick:
        overrides = {"customers.initial": 400, "firm.frontline": 5, "firm.back_office": 1, "firm.managers": 1}
        args.days, args.replications = 60, 2
    spans = periods(args.days)
    daily, params = {}, {}
    for name in SCENARIOS:
        scenario = simulation.load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides=overrides)
        res = simulation.run(
            scenario,
            engine=ENGINE,
            days=args.days,
            replications=args.replications,
            seed=args.seed,
            workers=args.workers,
            warmup_days=args.warmup_days,
        )
        daily[name], params[name] = res.daily, scenario.flat()
    tables = []
    for i, (label, first, last) in enumerate(spans):
        year = {name: d[(d["day"] >= first) & (d["day"] <= last)] for name, d in daily.items()}
        tables.append(measure(year, params).assign(year=label, period=i).rename_axis("target").reset_index())
    # Rows in TARGETS order, each with its years next to each other.
    table = pd.concat(tables).sort_values(["target", "period"], kind="stable")
    outside = table[~table["inside"]]
    years = (
        "measured as one period"
        if args.days < YEAR
        else f"years 1 to {len(spans)} after it, each measured on its own"
        if len(spans) > 1
        else "year 1 after it"
    )
    lines = [
        "# Calibration results",
        "",
        f"One run of `python experiments/calibration_report.py`: {args.days} days after a {args.warmup_days}-day "
        f"warm-up ({years}), {args.replications} replications per scenario, "
        f"seed {args.seed}, {ENGINE} engine"
        + (" (QUICK MODE: a small firm; not a calibration result)" if args.quick else ", default firm sizes")
        + ". The measurements are `simulation.calibration.measure`, the ones tests/test_calibration.py asserts.",
        "A row is inside when its mean over replications lies in the range up to three standard errors "
        "(the test's rule).",
        "",
        "| quantity | scenario | year | model mean | SE | real-world range | inside | source |",
        "|---|---|:---:|---:|---:|---|:---:|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.quantity} | {r.scenario} | {r.year} | {r.mean:.3g} | {r.se:.2g} | {r.lo:g}-{r.hi:g} | "
            f"{'yes' if r.inside else 'NO'} | {r.source} |"
        )
    lines += [
        "",
        "Every row is inside its range."
        if outside.empty
        else f"Outside their range: {len(outside)} of {len(table)} rows ("
        + "; ".join(
            f"{r.quantity}, {r.scenario}, {'year ' if r.year.isdigit() else ''}{r.year}" for r in outside.itertuples()
        )
        + ").",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
