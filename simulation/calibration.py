"""Stylized facts the default archetypes are calibrated to, measured on daily tables.

Each :class:`Target` names a real-world range (shared/model.md, docs/ODD.md
section 8.1), the scenario it applies to and a function that measures the
quantity on one replication's daily table. :func:`measure` evaluates every
target on the tables of a run and says whether its mean lies in the range
up to three standard errors across replications. The calibration tests and
``experiments/calibration_report.py`` both use it, so the report and the
tests check the same numbers.

This module is analysis: it reads DataFrames and never runs an engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulation.metrics import derived_metrics
from simulation.scenario.schema import DAYS_PER_YEAR

__all__ = ["TARGETS", "Target", "measure"]


@dataclass(frozen=True)
class Target:
    """A stylized fact: a quantity measured on one replication, and its real-world range."""

    key: str
    quantity: str
    scenario: str
    lo: float
    hi: float
    source: str
    #: (one replication's daily table, the scenario's flat parameters) -> the quantity
    measure: Callable[[pd.DataFrame, dict[str, Any]], float]


Measure = Callable[[pd.DataFrame, dict[str, Any]], float]


def _derived(name: str) -> Measure:
    return lambda g, p: derived_metrics(g)[name]


def _ratio(num: str, den: str) -> Measure:
    return lambda g, p: float(g[num].sum()) / max(float(g[den].sum()), 1e-9)


def _mean(column: str) -> Measure:
    return lambda g, p: float(g[column].mean())


def _per_year(total: float, days: int) -> float:
    return total * DAYS_PER_YEAR / days


TARGETS: tuple[Target, ...] = (
    Target(
        "turnover_operations",
        "annual employee turnover, operations-style service work",
        "operations_focused",
        0.30,
        0.75,
        "Mercer 2024, QATC; McKinsey, Korn Ferry 2022; BLS 2018",
        _derived("turnover_annual"),
    ),
    Target(
        "early_tenure_exits",
        "share of exits in the first 90 days",
        "operations_focused",
        0.30,
        0.56,
        "about 43 % (QATC)",
        _ratio("quits_early_tenure", "quits"),
    ),
    Target(
        "turnover_people_first",
        "annual turnover of people-first exemplars",
        "customer_focused",
        0.04,
        0.17,
        "Cascio 2006 (Costco 17 %); Southwest 2019 (4 %)",
        _derived("turnover_annual"),
    ),
    Target(
        "engaged_share",
        "share of employees engaged",
        "base",
        0.18,
        0.35,
        "Gallup: 23 % worldwide, 30 % US",
        _mean("engaged_share"),
    ),
    Target(
        "engaged_share_operations",
        "share of employees engaged (a low-engagement employer)",
        "operations_focused",
        0.10,
        0.30,
        "Gallup: 23 % worldwide, 30-33 % US; low-engagement units well below",
        _mean("engaged_share"),
    ),
    Target(
        "engaged_share_customer",
        "share of employees engaged (a best-practice employer)",
        "customer_focused",
        0.55,
        0.80,
        "Gallup Exceptional Workplace Award winners: about 70 %",
        _mean("engaged_share"),
    ),
    Target(
        "replacement_cost",
        "cost per hire / frontline annual pay",
        "base",
        0.16,
        0.21,
        "Boushey & Glynn 2012",
        # The hiring cost of a hire as a share of what the firm pays (market wage x (1 + pay premium)).
        lambda g, p: (
            _ratio("cost_hiring", "hires")(g, p) / (p["firm.wage_frontline_usd_per_year"] * (1.0 + p["pay.premium"]))
        ),
    ),
    Target(
        "vacancy_days",
        "days to fill a vacancy (Little's law)",
        "base",
        26.0,
        42.0,
        "SHRM 2016",
        lambda g, p: float(g["vacancies"].mean()) / max(float(g["hires"].mean()), 1e-9),
    ),
    Target(
        "training_hours",
        "training hours per employee and year",
        "base",
        28.0,
        38.0,
        "ATD 2016 (about 33 h)",
        lambda g, p: _per_year(float(g["training_hours"].sum()) / float(g["employees"].mean()), len(g)),
    ),
    *(
        Target(
            f"churn_{name}",
            "annual customer churn",
            name,
            0.08,
            0.24,
            "J.D. Power 2012 (banks 10 %); carriers 2019 (10-20 %); retail 24 %",
            _derived("churn_rate_annual"),
        )
        for name in ("base", "operations_focused", "customer_focused")
    ),
    Target(
        "acquisition_vs_retention",
        "acquisition cost / yearly recovery spend per customer",
        "base",
        5.0,
        25.0,
        "widely cited 5-25x; TARP 5-10x",
        lambda g, p: (
            p["marketing.acquisition_cost_usd"]
            / _per_year(float(g["cost_recovery"].sum()) / float(g["active_customers"].mean()), len(g))
        ),
    ),
    Target(
        "occupancy_base", "frontline occupancy", "base", 0.75, 0.85, "workforce-management practice", _mean("occupancy")
    ),
    Target(
        "occupancy_operations",
        "frontline occupancy",
        "operations_focused",
        0.75,
        0.85,
        "workforce-management practice",
        _mean("occupancy"),
    ),
    Target(
        "occupancy_customer",
        "frontline occupancy (with a staffing buffer: not idle, above 65 %)",
        "customer_focused",
        0.65,
        0.85,
        "workforce-management practice",
        _mean("occupancy"),
    ),
    Target(
        "escalated_or_transferred",
        "share of contacts escalated or transferred",
        "base",
        0.10,
        0.20,
        "SQM Group",
        lambda g, p: (
            float(g["escalations"].sum() + g["handoffs"].sum() - g["handoff_failures"].sum())
            / float(g["contacts"].sum())
        ),
    ),
    Target(
        "abusive_claims",
        "share of claims that are abusive",
        "base",
        0.10,
        0.14,
        "NRF / Appriss Retail 2019-2023",
        _ratio("abusive_claims", "exceptions"),
    ),
)


def measure(daily: dict[str, pd.DataFrame], parameters: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Evaluate every target whose scenario is in ``daily``.

    Args:
        daily: scenario name -> its daily table (several replications).
        parameters: scenario name -> its flat parameters (``Scenario.flat()``).

    Returns:
        One row per target: key, quantity, scenario, lo, hi, mean, se, replications, inside
        (the mean lies in [lo, hi] up to three standard errors), source.
    """
    rows = []
    for t in TARGETS:
        if t.scenario not in daily:
            continue
        flat = parameters[t.scenario]
        values = np.array([t.measure(g, flat) for _, g in daily[t.scenario].groupby("replication")], dtype=float)
        mean = float(values.mean())
        se = float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else 0.0
        rows.append(
            {
                "key": t.key,
                "quantity": t.quantity,
                "scenario": t.scenario,
                "lo": t.lo,
                "hi": t.hi,
                "mean": mean,
                "se": se,
                "replications": len(values),
                "inside": bool(t.lo - 3 * se <= mean <= t.hi + 3 * se),
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)
