"""The mesa engine end to end: reproducibility, invariants and the budget rule.

Small firms (400 customers, 5 frontline, 1 back office, 1 manager) keep a
simulated day at a few milliseconds, so the checks run the real engine
through the public :func:`simulation.run`. They are about mechanics from the
initial state (conservation from ``customers.initial``, what happens on day 1),
so every run passes ``warmup_days=0``: a year's warm-up would also multiply the
mesa time by about twenty.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulation
from simulation import mechanisms as mech
from simulation.engines.mesa_engine import FirmModel
from simulation.engines.mesa_engine.agents import FRONTLINE
from simulation.metrics import COST_CATEGORIES, COUNT_COLUMNS, DAILY_COLUMNS
from simulation.scenario import load_scenario, shipped_scenarios

SMALL: dict[str, Any] = {
    "customers.initial": 400,
    "firm.frontline": 5,
    "firm.back_office": 1,
    "firm.managers": 1,
}
ARCHETYPES = ("operations_focused", "customer_focused")

#: Every event name the SimPy service day writes to its trace
#: (``simulation/engines/mesa_engine/service_day.py``: contact, handoff, decide).
TRACE_EVENTS = {
    "arrive",
    "renege",
    "start",
    "depart",
    "handoff",
    "handoff_fail",
    "escalate",
    "approve",
    "deny",
    "grant",
    "refuse",
    "breach",
    "fulfil",
    "fulfil_fail",
    "episode_end",
}

RATE_COLUMNS = (
    "abandon_rate",
    "first_contact_resolution",
    "satisfaction_mean",
    "engagement_mean",
    "engaged_share",
    "stress_mean",
    "opportunist_share",
    "service_standard",
)
COST_COLUMNS = (*(f"cost_{k}" for k in COST_CATEGORIES), "cost_total")


def archetype(name: str, **extra: Any) -> simulation.Scenario:
    """A shipped archetype at the small size, with extra dotted overrides."""
    path = next(p for p in shipped_scenarios() if p.stem == name)
    return load_scenario(path, overrides={**SMALL, **extra})


def small(**extra: Any) -> simulation.Scenario:
    """The base firm at the small size, with extra dotted overrides."""
    return load_scenario(None, overrides={**SMALL, **extra})


# ---------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("name", ARCHETYPES)
def test_same_seed_same_table_other_seed_other_table(name: str) -> None:
    """Claim: a run is reproducible from (scenario, seed) alone; the seed matters."""
    s = archetype(name)
    a = simulation.run(s, engine="mesa", days=20, replications=2, seed=11, warmup_days=0).daily
    b = simulation.run(s, engine="mesa", days=20, replications=2, seed=11, warmup_days=0).daily
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 40
    c = simulation.run(s, engine="mesa", days=20, replications=2, seed=12, warmup_days=0).daily
    assert not a.equals(c)
    assert not a[list(DAILY_COLUMNS)].equals(c[list(DAILY_COLUMNS)])


@pytest.mark.parametrize("name", ARCHETYPES)
def test_replication_zero_equals_single_replication_run(name: str) -> None:
    """Claim: replication r draws only from the streams of (seed, r), so adding
    replications does not change replication 0, and replications differ."""
    s = archetype(name)
    two = simulation.run(s, engine="mesa", days=20, replications=2, seed=5, warmup_days=0).daily
    one = simulation.run(s, engine="mesa", days=20, replications=1, seed=5, warmup_days=0).daily
    rep0 = two[two["replication"] == 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(rep0, one)
    rep1 = two[two["replication"] == 1].reset_index(drop=True)
    assert not rep0[list(DAILY_COLUMNS)].equals(rep1[list(DAILY_COLUMNS)])


def test_workers_do_not_change_the_numbers() -> None:
    """Claim: the table is identical for any number of worker processes."""
    s = archetype("customer_focused")
    serial = simulation.run(s, engine="mesa", days=15, replications=2, seed=3, workers=1, warmup_days=0).daily
    parallel = simulation.run(s, engine="mesa", days=15, replications=2, seed=3, workers=2, warmup_days=0).daily
    pd.testing.assert_frame_equal(serial, parallel)


# ---------------------------------------------------------------- invariants


def _scenario_strategy() -> st.SearchStrategy[dict[str, Any]]:
    unit = st.floats(0.0, 1.0, allow_nan=False)
    return st.fixed_dictionaries(
        {
            "empowerment.mode": st.sampled_from(["approval", "guidelines"]),
            "empowerment.discretion_limit_usd": st.floats(0.0, 1000.0, allow_nan=False),
            # price_sensitive_share stays at its default 0.30, so at most 0.70 opportunists.
            "customers.opportunist_share": st.floats(0.0, 0.7, allow_nan=False),
            "service_philosophy.internal_orientation": unit,
            "hiring.fit_weight": unit,
            "people_first.level": unit,
            "budget.cost_cutting": st.booleans(),
            "compliance.regulated": st.booleans(),
            "training.hours_per_year": st.floats(0.0, 400.0, allow_nan=False),
            "pricing.price_premium": unit,
        }
    )


def check_invariants(s: simulation.Scenario, daily: pd.DataFrame, planned_positions: int) -> None:
    """Accounting identities and ranges that hold on every day of every run."""
    initial = s.customers.initial
    for _, g in daily.groupby("replication"):
        g = g.sort_values("day")
        # Customers are conserved: nobody appears or vanishes outside churn and acquisition.
        expected = initial + g["new_customers"].cumsum() - g["churned"].cumsum()
        np.testing.assert_array_equal(g["active_customers"].to_numpy(), expected.to_numpy())
    # Positions are conserved: every quit opens a vacancy, every hire fills one.
    np.testing.assert_array_equal(
        (daily["employees"] + daily["vacancies"]).to_numpy(), np.full(len(daily), planned_positions)
    )
    # The ledger adds up.
    parts = daily[[f"cost_{k}" for k in COST_CATEGORIES]].sum(axis=1)
    np.testing.assert_allclose(parts, daily["cost_total"], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(daily["profit"], daily["revenue"] - daily["cost_total"], rtol=1e-9, atol=1e-6)
    # Every contact is either served or abandons.
    assert (daily["served"] + daily["abandoned"] == daily["contacts"]).all()
    for col in RATE_COLUMNS:
        v = daily[col]
        assert v.notna().all(), col
        assert ((v >= 0.0) & (v <= 1.0)).all(), (col, v.min(), v.max())
    for col in ("wait_mean_min", "wait_p95_min", "approval_wait_mean_min", "occupancy", "training_hours"):
        assert (daily[col] >= 0.0).all(), col
    for col in COUNT_COLUMNS:
        assert (daily[col] >= 0).all(), col
    assert (daily["frontline"] <= daily["employees"]).all()
    assert (daily["escalations"] <= daily["exceptions"]).all()
    assert (daily["grants"] <= daily["exceptions"]).all()
    assert (daily["abusive_claims"] <= daily["exceptions"]).all()
    assert (daily["quits_early_tenure"] <= daily["quits"]).all()
    assert (daily["handoff_failures"] <= daily["handoffs"] + daily["fulfilments"]).all()  # either was redone
    assert (daily["chases"] <= mech.MAX_CHASES * daily["exceptions"]).all()
    assert (daily["referrals"] <= daily["new_customers"]).all()
    if s.empowerment.mode == "approval":
        assert (daily["escalations"] == daily["exceptions"]).all()
    for col in COST_COLUMNS:
        assert (daily[col] >= 0.0).all(), (col, daily[col].min())
    if not s.compliance.regulated:
        assert (daily["breaches"] == 0).all()
        assert (daily["cost_compliance"] == 0.0).all()
    assert daily["budget_cut"].isin([0.0, 1.0]).all()
    if not s.budget.cost_cutting:
        assert (daily["budget_cut"] == 0.0).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers=_scenario_strategy(), seed=st.integers(0, 2**16))
def test_invariants_over_random_small_scenarios(levers: dict[str, Any], seed: int) -> None:
    """Claim: conservation of customers and positions, the ledger and the ranges of
    every metric hold whatever the levers."""
    s = small(**levers)
    daily = simulation.run(s, engine="mesa", days=15, replications=1, seed=seed, warmup_days=0).daily
    model = FirmModel(s, seed=seed)
    check_invariants(s, daily, model.planned_frontline + model.planned_back_office)


def test_invariants_hold_for_both_archetypes() -> None:
    """Claim: the same identities hold for the shipped archetypes (two replications)."""
    for name in ARCHETYPES:
        s = archetype(name)
        daily = simulation.run(s, engine="mesa", days=15, replications=2, seed=7, warmup_days=0).daily
        model = FirmModel(s, seed=7)
        check_invariants(s, daily, model.planned_frontline + model.planned_back_office)


# ---------------------------------------------------------------- engine behaviour


def test_trace_day_keeps_the_event_trace_of_that_day() -> None:
    """Claim (FirmModel docstring): with ``trace_day`` set, the SimPy event trace of
    that day is kept in ``model.trace`` as ``(time_min, event, contact, detail)``."""
    s = small()
    model = FirmModel(s, seed=2, trace_day=3)
    for _ in range(3):
        model.step()
    assert model.trace is None  # days 0, 1, 2 are not traced
    model.step()  # day 3
    trace = model.trace
    assert trace
    names = {event for _, event, _, _ in trace}
    assert names <= TRACE_EVENTS, names - TRACE_EVENTS
    assert {"arrive", "start", "depart"} <= names
    times = [t for t, *_ in trace]
    assert times == sorted(times)
    assert all(t >= 0.0 for t in times)
    row = model.rows[3]
    assert sum(event == "arrive" for _, event, _, _ in trace) == row["contacts"]
    assert sum(event == "depart" for _, event, _, _ in trace) == row["served"]
    assert sum(event == "renege" for _, event, _, _ in trace) == row["abandoned"]
    assert sum(event == "escalate" for _, event, _, _ in trace) == row["escalations"]
    model.step()
    assert model.trace is trace  # later days leave the kept trace alone


#: High turnover and quick refills, so quits and hires happen within weeks.
CHURNY = {
    "turnover.base_quit_per_year": 5.0,
    "hiring.time_to_fill_days": 2.0,
    "training.hours_per_year": 100.0,
    "budget.training_cut": 0.4,
}
#: A target margin no firm reaches: the budget rule always binds (when enabled).
ALWAYS_BINDING = {"budget.target_margin": 0.99}


def test_budget_rule_freezes_hiring_while_it_binds() -> None:
    """Claim (budget.cost_cutting): when the trailing margin is below target the firm
    freezes hiring: vacancies stay open and can only grow; without the rule, the same
    firm hires."""
    s = small(**CHURNY, **ALWAYS_BINDING, **{"budget.cost_cutting": True, "budget.min_staffing_share": 0.0})
    daily = simulation.run(s, engine="mesa", days=60, seed=4, warmup_days=0).daily
    assert (daily["budget_cut"] == 1.0).all()  # binds from the end of day 1
    later = daily[daily["day"] >= 2]
    assert (later["hires"] == 0).all()
    assert (daily["vacancies"].diff().dropna() >= 0).all()
    assert daily["quits"].sum() > 0
    assert daily["vacancies"].iloc[-1] == daily["quits"].sum() - daily["hires"].sum()

    control_scenario = small(**CHURNY, **ALWAYS_BINDING, **{"budget.cost_cutting": False})
    control = simulation.run(control_scenario, engine="mesa", days=60, seed=4, warmup_days=0).daily
    assert (control["budget_cut"] == 0.0).all()
    assert control["hires"].sum() > 0


def test_hiring_freeze_keeps_minimum_staffing() -> None:
    """Claim (budget.min_staffing_share): a freeze runs the firm lean, never closed: while a role
    is below the minimum share of plan, no vacancy that is due is held open (vacancies still take
    their normal time to fill); at or above it, the freeze pauses recruiting (a frozen vacancy's due
    day moves on with the calendar)."""
    s = small(**CHURNY, **ALWAYS_BINDING, **{"budget.cost_cutting": True, "budget.min_staffing_share": 0.8})
    model = FirmModel(s, seed=4)
    floor = 0.8 * model.planned_frontline
    lowest = model.planned_frontline
    held_at_or_above_floor = 0
    for _ in range(120):
        before = [due for role, due in model.vacancies if role == FRONTLINE]
        model.step()
        today = model.day - 1  # the step that just ran
        after = [due for role, due in model.vacancies if role == FRONTLINE]
        due_and_open = [due for due in after if due <= today]
        assert not (due_and_open and len(model.frontline) < floor), (today, len(model.frontline), due_and_open)
        # A frozen vacancy stays open and its due day moves on by a day: the freeze pauses recruiting.
        held_at_or_above_floor += any(due + 1.0 in after for due in before)
        lowest = min(lowest, len(model.frontline))
    daily = pd.DataFrame(model.rows)
    assert (daily["budget_cut"].iloc[1:] == 1.0).all()
    assert held_at_or_above_floor > 0  # the freeze did hold vacancies...
    assert daily["hires"].sum() > 0  # ...and the floor forced hiring despite it
    assert lowest < model.planned_frontline


def test_budget_rule_cuts_training_hours_while_it_binds() -> None:
    """Claim (budget.training_cut): while the rule binds, training hours per employee
    fall by ``training_cut``; the rule takes effect the day after it first binds."""
    s = small(**CHURNY, **ALWAYS_BINDING, **{"budget.cost_cutting": True})
    daily = simulation.run(s, engine="mesa", days=30, seed=4, warmup_days=0).daily
    full = s.training.hours_per_year / 365.0
    planned = FirmModel(s, seed=4)
    staff_before = np.concatenate(
        [[planned.planned_frontline + planned.planned_back_office], daily["employees"].to_numpy()[:-1]]
    )
    per_employee = daily["training_hours"].to_numpy() / staff_before
    assert math.isclose(per_employee[0], full, rel_tol=1e-9)  # no cut yet on day 1
    np.testing.assert_allclose(per_employee[1:], full * (1.0 - s.budget.training_cut), rtol=1e-9)

    control = simulation.run(small(**CHURNY), engine="mesa", days=30, seed=4, warmup_days=0).daily
    assert (control["budget_cut"] == 0.0).all()
    assert control["training_hours"].iloc[0] == daily["training_hours"].iloc[0]
