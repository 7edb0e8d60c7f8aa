"""The main job (``make demo``): the two archetypes head to head on the default scenarios.

Question: over a year, how do an operations-focused and a customer-focused firm of the default size
differ in loyalty, cost and attrition?

Runs scenarios/operations_focused.yaml and customer_focused.yaml under common random numbers
(``studies.compare``, numba engine), writes the tidy tables (Parquet and CSV), the charts (PNG and
SVG: the headline loyalty/cost/attrition panel, the cost breakdown, the paired differences with 90 %
intervals, the outcome distributions) and summary.md, and prints where they are.

    python experiments/demo.py [--quick] [--days 365] [--replications 20] [--out results/demo]
"""

from __future__ import annotations

import sys

import _common
from _common import Experiment

from simulation.charts import cost_breakdown_figure, headline_figure
from simulation.studies import compare

NAME = "demo"
QUESTION = "Operations-focused versus customer-focused: loyalty, cost and attrition"
ARCHETYPES = ("operations_focused", "customer_focused")
SHOWN = (
    "retention_annual",
    "nps",
    "turnover_annual",
    "engagement_mean",
    "revenue",
    "cost_total",
    "cost_training",
    "cost_recovery",
    "profit",
    "first_contact_resolution",
)


def body(exp: Experiment) -> None:
    arms = [exp.scenario(name) for name in ARCHETYPES]
    study = exp.study("archetypes", compare, arms, folder=".", days=exp.days, replications=exp.replications)
    daily = study.tables["daily"]
    exp.figure(headline_figure(daily), "loyalty_cost_attrition")
    exp.figure(cost_breakdown_figure(daily), "cost_breakdown")
    exp.say(
        "Customer-focused minus operations-focused: mean over replications and the 90 % interval of the paired "
        "difference. Flows are run totals, levels end-of-run values, rates annual.",
        "",
    )
    exp.differences(study.tables["differences"], SHOWN, "operations focused", "customer focused")
    exp.say(
        "Charts: `loyalty_cost_attrition.png` (the headline), `cost_breakdown.png`, `differences.png`, "
        "`outcomes.png`, `loyalty.png`, `cost.png`, `attrition.png` (each also as SVG). "
        "Tables: `daily.parquet`, `replications.csv`, `differences.csv`; provenance: `study.json`.",
    )


def main(argv: list[str] | None = None) -> int:
    return _common.main(body, (NAME, QUESTION, __doc__, 365, 20), argv)


if __name__ == "__main__":
    sys.exit(main())
