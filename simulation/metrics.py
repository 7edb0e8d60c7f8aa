"""The one registry of output metrics: names, units, descriptions, kinds.

Every writer (engines, result tables, summaries, charts, the dashboard)
takes column names, units and descriptions from here. A metric's *kind*
says how it is summarised over a run:

* ``level``: a state at the end of the day (active customers, employees);
  the run's value is the last day's.
* ``flow``: a count or amount during the day (churned, revenue, cost); the
  run's value is the total over all days.
* ``rate``: a per-day ratio or average (wait, NPS, abandonment); the run's
  value is the mean over days.
* ``derived``: a run-level figure computed from other columns (annual churn
  and turnover rates); not a daily column.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from simulation.scenario.schema import DAYS_PER_YEAR, SEGMENTS

__all__ = [
    "COST_CATEGORIES",
    "COUNT_COLUMNS",
    "DAILY_COLUMNS",
    "HEADLINE",
    "KEY_COLUMNS",
    "METRICS",
    "Metric",
    "derived_array",
    "derived_metrics",
    "replication_table",
    "run_values",
    "run_values_array",
]

Kind = Literal["level", "flow", "rate", "derived"]


@dataclass(frozen=True)
class Metric:
    """One output metric."""

    name: str
    unit: str
    kind: Kind
    description: str
    dtype: str = "float64"


#: Cost categories; each has a daily column ``cost_<category>`` (USD/day).
COST_CATEGORIES: dict[str, str] = {
    "labour": "Wages (market wage times 1 + pay premium) of frontline and back-office staff and of managers, less the time booked under training, coordination and manager time.",
    "training": "Training: trainees' paid time plus direct cost per hour (formal training, onboarding in the guidelines, ongoing coaching and refreshers).",
    "hiring": "Recruiting and onboarding of new hires (16-21 % of annual pay each).",
    "recovery": "Recovery grants (refunds, replacements, goodwill) to genuine customers.",
    "abuse": "Grants paid on abusive claims by opportunists.",
    "compliance": "Penalties for the compliance breaches found today (each breach is found with a probability and a lag; penalties are capped per provision and calendar year).",
    "manager_time": "Managers' paid time spent on approvals.",
    "coaching": "Managers' hours spent coaching and modelling the values (the price of consistent leadership).",
    "coordination": "Staff time spent on coordination and relationships along the internal chain.",
    "systems": "Systems spend that gives the frontline access to customer data.",
    "acquisition": "Marketing cost of paid new customers.",
    "wellbeing": "People-first spend on employee wellbeing.",
    "change": "The up-front programme of a change of course: fees on the switch day, then the trainees' paid time off the floor.",
    "overhead": "Fixed costs that no lever changes.",
}

_M = [
    Metric("active_customers", "customers", "level", "Active customers at the end of the day.", "int64"),
    Metric("churned", "customers/day", "flow", "Customers who left during the day.", "int64"),
    Metric("new_customers", "customers/day", "flow", "New customers during the day (referred plus paid).", "int64"),
    Metric("referrals", "customers/day", "flow", "New customers brought by word of mouth.", "int64"),
    Metric("satisfaction_mean", "satisfaction [0,1]", "level", "Mean satisfaction of active customers."),
    Metric("nps", "NPS points [-100,100]", "rate", "Net promoter score of active customers."),
    Metric("opportunist_share", "share of customers", "level", "Share of active customers who are opportunists."),
    Metric("contacts", "contacts/day", "flow", "Service contacts that arrived (first and repeat).", "int64"),
    Metric("repeat_contacts", "contacts/day", "flow", "Failure demand: contacts that arrived because an earlier one failed (unresolved, denied or abandoned, the failure of a hand-off included), a share demand.repeat_contact_share of those failures.", "int64"),
    Metric("served", "contacts/day", "flow", "Contacts served by the frontline.", "int64"),
    Metric("abandoned", "contacts/day", "flow", "Contacts that reneged in the queue.", "int64"),
    Metric("revenue", "USD/day", "flow", "Contribution from served first contacts, including the price premium (repeats of unresolved contacts earn nothing)."),
    *[Metric(f"cost_{k}", "USD/day", "flow", v) for k, v in COST_CATEGORIES.items()],
    Metric("cost_total", "USD/day", "flow", "Sum of all cost categories."),
    Metric("profit", "USD/day", "flow", "Revenue minus total cost."),
    Metric("employees", "employees", "level", "Employees on the payroll (frontline and back office).", "int64"),
    Metric("frontline", "employees", "level", "Frontline employees on the payroll.", "int64"),
    Metric("quits", "employees/day", "flow", "Employees who quit during the day.", "int64"),
    Metric("quits_early_tenure", "employees/day", "flow", "Quits by employees still in their early-tenure window (first 90 days by default).", "int64"),
    Metric("hires", "employees/day", "flow", "New hires who started during the day.", "int64"),
    Metric("vacancies", "positions", "level", "Open positions at the end of the day.", "int64"),
    Metric("engagement_mean", "engagement [0,1]", "level", "Mean engagement of employees."),
    Metric("engaged_share", "share of employees", "level", "Share of employees above the engagement threshold."),
    Metric("stress_mean", "stress [0,1]", "level", "Mean stress of employees."),
    Metric("occupancy", "share of available time", "rate", "Frontline busy time over on-duty time (can pass 1 when the queue runs past closing)."),
    Metric("wait_mean_min", "min", "rate", "Mean wait of served contacts in the frontline queue (average speed of answer)."),
    Metric("wait_p95_min", "min", "rate", "95th percentile of the served contacts' queue wait."),
    Metric("abandon_rate", "share of contacts", "rate", "Share of contacts that reneged."),
    Metric("exceptions", "cases/day", "flow", "Exceptions raised (voiced problems and abusive claims).", "int64"),
    Metric("abusive_claims", "cases/day", "flow", "Exceptions that were abusive claims by opportunists.", "int64"),
    Metric("escalations", "cases/day", "flow", "Exceptions sent to a manager for approval.", "int64"),
    Metric("approval_wait_mean_min", "min", "rate", "Mean wait from escalation to a manager's decision (0 when none)."),
    Metric("grants", "cases/day", "flow", "Exceptions granted a recovery.", "int64"),
    Metric("breaches", "breaches/day", "flow", "Compliance breaches committed (decisions that broke a rule, found or not).", "int64"),
    Metric("breaches_detected", "breaches/day", "flow", "Breaches found today (expected number: a share compliance.detection_probability of breaches, found after an exponential lag)."),
    Metric("fulfilments", "cases/day", "flow", "Granted recoveries passed to the back office for fulfilment (rework included).", "int64"),
    Metric("chases", "contacts/day", "flow", "Chasing contacts: customers whose recovery took longer than recovery.chase_after_min call again (they arrive as failure demand).", "int64"),
    Metric("recovery_episode_mean_min", "min", "rate", "Mean length of the recovery episodes that ended today, from the complaint to the remedy received or refused (business minutes; 0 when none)."),
    Metric("first_contact_resolution", "share of served contacts", "rate", "Share of served contacts resolved at the first contact."),
    Metric("handoffs", "hand-offs/day", "flow", "Hand-offs to the back office (including rework).", "int64"),
    Metric("handoff_failures", "hand-offs/day", "flow", "Hand-offs that failed and were reworked.", "int64"),
    Metric("training_hours", "h/day", "flow", "Training hours delivered."),
    Metric("service_standard", "ratio", "level", "Service standard: time staff consider proper, relative to the original (erodes under pressure)."),
    Metric("budget_cut", "flag", "level", "1 while the cost-cutting budget rule binds."),
    Metric("prospects", "people", "level", "Prospects in the market still within the firm's reach (neither customers nor lost to competitors)."),
    Metric("reputation", "satisfaction [0,1]", "level", "The firm's reputation: its customers' mean satisfaction as word of mouth carries it (smoothed), less the detected breaches made public."),
    Metric("belief_mean", "index [0,1]", "level", "Employees' mean belief in their managers' example: perceived consistency, following what managers do with a lag of months."),
    Metric("competence", "index [0,1]", "level", "Guideline competence: the judgement in using discretion that practice and coaching build (toward 1 under guidelines, 0 without)."),
    Metric("relationships", "index [0,1]", "level", "Relationships along the internal chain: the internal orientation hand-offs and fulfilment actually get (following the policy with a lag)."),
    Metric("premium_charged", "share of market price", "level", "The price premium charged: a rise follows what the reputation says the experience is worth, a cut applies at once."),
    # By customer segment: each kind of column for the three segments in a row (regular, price-sensitive, opportunist).
    *[Metric(f"active_{seg}", "customers", "level", f"Active {seg.replace('_', '-')} customers at the end of the day.", "int64") for seg in SEGMENTS],
    *[Metric(f"churned_{seg}", "customers/day", "flow", f"{seg.replace('_', '-').capitalize()} customers who left during the day.", "int64") for seg in SEGMENTS],
    *[Metric(f"revenue_{seg}", "USD/day", "flow", f"Revenue from {seg.replace('_', '-')} customers' served first contacts.") for seg in SEGMENTS],
    *[Metric(f"contribution_{seg}", "USD/day", "flow", f"Revenue from {seg.replace('_', '-')} customers less what was granted to them (recovery and abuse) and the acquisition cost of those bought by marketing.") for seg in SEGMENTS],
    Metric("churn_rate_annual", "share/yr", "derived", "Churned customers per mean active customer, annualised."),
    Metric("turnover_annual", "share/yr", "derived", "Quits per mean employee, annualised."),
    Metric("retention_annual", "share/yr", "derived", "One minus the annualised churn rate."),
    Metric("cost_per_served_usd", "USD/contact", "derived", "Total cost per served contact."),
    Metric("failure_demand_share", "share of contacts", "derived", "Repeat contacts (failure demand) over all contacts of the run (Seddon 2003)."),
    *[Metric(f"retention_{seg}_annual", "share/yr", "derived", f"One minus the annualised churn rate of {seg.replace('_', '-')} customers.") for seg in SEGMENTS],
]

#: name -> Metric, in table order.
METRICS: dict[str, Metric] = {m.name: m for m in _M}

#: Identifying columns of every daily table.
KEY_COLUMNS: tuple[str, ...] = ("scenario", "replication", "day")

#: Metric columns of the daily table, in order.
DAILY_COLUMNS: tuple[str, ...] = tuple(m.name for m in _M if m.kind != "derived")

#: Daily columns that count whole things (customers, contacts, employees, cases): stored as int64.
COUNT_COLUMNS: tuple[str, ...] = tuple(m.name for m in _M if m.kind != "derived" and m.dtype == "int64")

#: Metrics shown in run summaries (the headline of loyalty, cost and attrition).
HEADLINE: tuple[str, ...] = (
    "active_customers",
    "retention_annual",
    "churned",
    "new_customers",
    "referrals",
    "satisfaction_mean",
    "nps",
    "revenue",
    "cost_total",
    "cost_training",
    "cost_recovery",
    "cost_abuse",
    "cost_compliance",
    "profit",
    "cost_per_served_usd",
    "employees",
    "turnover_annual",
    "quits",
    "engagement_mean",
    "occupancy",
    "wait_mean_min",
    "abandon_rate",
    "first_contact_resolution",
    "escalations",
    "approval_wait_mean_min",
    "handoff_failures",
)


def run_values_array(cube: np.ndarray) -> np.ndarray:
    """Run-level values (replications x metrics) of a (replications x days x DAILY_COLUMNS) array.

    Levels take the last day, flows the total, rates the mean over the days with a finite value.
    """
    out = np.full((cube.shape[0], cube.shape[2]), np.nan)
    if cube.shape[1] == 0:
        return out
    for j, col in enumerate(DAILY_COLUMNS):
        kind = METRICS[col].kind
        x = cube[:, :, j].astype(np.float64)
        if kind == "level":
            out[:, j] = x[:, -1]
        elif kind == "flow":
            out[:, j] = x.sum(axis=1)
        else:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a rate that is never finite gives NaN
                out[:, j] = np.nanmean(np.where(np.isfinite(x), x, np.nan), axis=1)
    return out


def derived_array(cube: np.ndarray) -> dict[str, np.ndarray]:
    """The derived run metrics, one value per replication, of a (replications x days x DAILY_COLUMNS) array."""
    reps, days = cube.shape[0], cube.shape[1]
    if days == 0:
        return {m: np.full(reps, np.nan) for m, v in METRICS.items() if v.kind == "derived"}
    j = DAILY_COLUMNS.index
    years = days / DAYS_PER_YEAR
    total = cube.astype(np.float64).sum(axis=1)
    mean_active = cube[:, :, j("active_customers")].astype(np.float64).mean(axis=1)
    mean_emp = cube[:, :, j("employees")].astype(np.float64).mean(axis=1)
    churn = total[:, j("churned")] / np.maximum(mean_active, 1e-9) / years
    served = total[:, j("served")]
    with np.errstate(all="ignore"):
        cost_per_served = np.where(served > 0, total[:, j("cost_total")] / served, np.nan)
    out = {
        "churn_rate_annual": churn,
        "turnover_annual": total[:, j("quits")] / np.maximum(mean_emp, 1e-9) / years,
        "retention_annual": 1.0 - churn,
        "cost_per_served_usd": cost_per_served,
        "failure_demand_share": total[:, j("repeat_contacts")] / np.maximum(total[:, j("contacts")], 1e-9),
    }
    for seg in SEGMENTS:
        active = cube[:, :, j(f"active_{seg}")].astype(np.float64).mean(axis=1)
        with np.errstate(all="ignore"):
            out[f"retention_{seg}_annual"] = np.where(
                active > 0, 1.0 - total[:, j(f"churned_{seg}")] / np.maximum(active, 1e-9) / years, np.nan
            )
    return out


def _cube(daily_one_run: pd.DataFrame) -> np.ndarray:
    return daily_one_run[list(DAILY_COLUMNS)].to_numpy(dtype=np.float64)[None, :, :]


def derived_metrics(daily_one_run: pd.DataFrame) -> dict[str, float]:
    """Run-level derived metrics of one replication's daily table."""
    if len(daily_one_run) == 0:
        return {m: float("nan") for m, v in METRICS.items() if v.kind == "derived"}
    return {k: float(v[0]) for k, v in derived_array(_cube(daily_one_run)).items()}


def replication_table(cube: np.ndarray, scenario: str, replications: np.ndarray | None = None) -> pd.DataFrame:
    """One row per replication of one scenario: run-level values and derived metrics."""
    table = pd.DataFrame(run_values_array(cube), columns=list(DAILY_COLUMNS))
    for key, v in derived_array(cube).items():
        table[key] = v
    reps = np.arange(cube.shape[0]) if replications is None else replications
    table.insert(0, "replication", reps)
    table.insert(0, "scenario", scenario)
    return table


def run_values(daily: pd.DataFrame) -> pd.DataFrame:
    """One row per (scenario, replication): each metric's run-level value.

    Levels take the last day, flows the total, rates the mean over days;
    derived metrics come from :func:`derived_metrics`.
    """
    rows = []
    for (scenario, rep), g in daily.sort_values("day").groupby(["scenario", "replication"], sort=True):
        rows.append(replication_table(_cube(g), str(scenario), np.array([rep])))
    if not rows:
        return pd.DataFrame()
    return pd.concat(rows, ignore_index=True)
