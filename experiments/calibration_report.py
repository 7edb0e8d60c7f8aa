"""Calibration report: do the default archetypes land inside the stylized facts?

Question: after one simulated year, where does each calibrated quantity of
the default firms (base, operations_focused, customer_focused) fall relative
to its real-world range (docs/ODD.md section 8.1)? The year is measured after
the default warm-up (simulation.api.DEFAULT_WARMUP_DAYS; --warmup-days).
Writes the table to docs/calibration.md (or --out) with mean, standard error
and range per row, using the same measurements as tests/test_calibration.py
(simulation.calibration).

    python experiments/calibration_report.py [--replications 4] [--days 365] [--warmup-days N] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import simulation
from simulation.api import DEFAULT_WARMUP_DAYS
from simulation.calibration import measure

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("base", "operations_focused", "customer_focused")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--replications", type=int, default=4)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--warmup-days",
        type=int,
        default=DEFAULT_WARMUP_DAYS,
        help=f"days each replication runs before the measured year (default {DEFAULT_WARMUP_DAYS})",
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
    daily, params = {}, {}
    for name in SCENARIOS:
        scenario = simulation.load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides=overrides)
        res = simulation.run(
            scenario,
            days=args.days,
            replications=args.replications,
            seed=args.seed,
            workers=args.workers,
            warmup_days=args.warmup_days,
        )
        daily[name], params[name] = res.daily, scenario.flat()
    table = measure(daily, params)
    lines = [
        "# Calibration results",
        "",
        f"One run of `python experiments/calibration_report.py`: {args.days} days after a {args.warmup_days}-day "
        f"warm-up, {args.replications} "
        f"replications per scenario, seed {args.seed}, mesa engine"
        + (" (QUICK MODE: a small firm; not a calibration result)" if args.quick else ", default firm sizes")
        + ".",
        "A row is inside when its mean lies in the range up to three standard errors (the test's rule).",
        "",
        "| quantity | scenario | model mean | SE | real-world range | inside | source |",
        "|---|---|---:|---:|---|:---:|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.quantity} | {r.scenario} | {r.mean:.3g} | {r.se:.2g} | {r.lo:g}-{r.hi:g} | "
            f"{'yes' if r.inside else 'NO'} | {r.source} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
