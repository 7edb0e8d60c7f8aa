"""Stylized facts: the default archetypes stay inside real-world ranges.

One test per row of the calibration table of ``shared/model.md`` (and of
docs/ODD.md section 8.1). Rows the model *produces* are checked in year one
*and* year two after the default warm-up (``simulation.api.DEFAULT_WARMUP_DAYS``:
the firms are measured in their steady state, not while they slide into it)
of the default-size firms (base, operations_focused, customer_focused; fixed
seeds), with margins of three standard errors of the mean across
replications. Rows that *set* a parameter directly are checked on the
parameter and the mechanism that uses it.

The years run on the numba engine (docked to the mesa reference engine in
tests/test_docking.py; experiments/calibration_report.py, which writes
docs/calibration.md, runs on it too): with the warm-up, the mesa engine
would simulate three default-size years per replication, most of the
suite's time. The tests are marked ``slow`` and run in ``make test`` (CI) on
one xdist worker (``--dist loadfile``), so the years are simulated once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simulation
from simulation import mechanisms as mech
from simulation.calibration import TARGETS, measure
from simulation.engines.mesa_engine import FirmModel
from simulation.metrics import run_values
from simulation.scenario import shipped_scenarios

pytestmark = pytest.mark.slow

DAYS = 730  # two years after the warm-up
REPLICATIONS = 12
SEED = 20261123
SCENARIOS = ("base", "operations_focused", "customer_focused")


def _scenario(name: str) -> simulation.Scenario:
    path = {p.stem: p for p in shipped_scenarios()}[name]
    return simulation.load_scenario(path)


@pytest.fixture(scope="module")
def years() -> dict[int, dict[str, pd.DataFrame]]:
    """Daily tables of years one and two after the warm-up, per archetype (numba engine), by year."""
    runs = {
        name: simulation.run(
            _scenario(name), engine="numba", days=DAYS, replications=REPLICATIONS, seed=SEED, workers=2
        ).daily
        for name in SCENARIOS
    }
    return {
        y: {name: d[(d["day"] > 365 * (y - 1)) & (d["day"] <= 365 * y)] for name, d in runs.items()} for y in (1, 2)
    }


@pytest.fixture(scope="module")
def year(years: dict[int, dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Year one after the warm-up."""
    return years[1]


def per_rep(daily: pd.DataFrame) -> pd.DataFrame:
    return run_values(daily)


# ---------------------------------------------------------------- attrition


def test_customer_focused_keeps_staff_and_customers(year):
    """Pattern (model.md): customer-focused beats operations-focused on employee attrition
    (Cascio 2006: Costco 17 % vs Sam's Club 44 %) and on customer retention."""
    cust, ops = per_rep(year["customer_focused"]), per_rep(year["operations_focused"])
    assert cust["turnover_annual"].mean() < 0.5 * ops["turnover_annual"].mean()
    assert cust["churn_rate_annual"].mean() < ops["churn_rate_annual"].mean()


@pytest.mark.parametrize("target", TARGETS, ids=[t.key for t in TARGETS])
@pytest.mark.parametrize("y", (1, 2), ids=("year1", "year2"))
def test_stylized_fact(years, y, target):
    """Each run-based row of the calibration table, in year one and in year two after the warm-up: the mean
    over replications lies in the real-world range up to three standard errors (simulation.calibration)."""
    daily = years[y][target.scenario]
    row = measure({target.scenario: daily}, {target.scenario: _scenario(target.scenario).flat()})
    row = row[row["key"] == target.key].iloc[0]
    assert row["inside"], (
        f"{target.quantity} ({target.scenario}, year {y}): mean {row['mean']:.4g} (SE {row['se']:.2g}) outside "
        f"[{target.lo}, {target.hi}] ({target.source})"
    )


def test_engagement_quartiles_and_turnover():
    """Gallup Q12 meta-analysis: top-quartile engagement has 21-51 % lower turnover than the
    bottom quartile (checked on the quit hazard of the base workforce)."""
    model = FirmModel(_scenario("base"), seed=SEED)
    staff = sorted(model.frontline + model.back_office, key=lambda e: e.engagement)
    q = len(staff) // 4

    def hazard(group):
        return np.mean([model.quit_probability(e, tenure_days=365.0) for e in group])

    reduction = 1.0 - hazard(staff[-q:]) / hazard(staff[:q])
    # One workforce of ~50: allow 0.05 either side for the sampling of its quartiles.
    assert 0.21 - 0.05 <= reduction <= 0.51 + 0.05, f"top vs bottom quartile hazard reduction {reduction:.2f}"


def test_managers_explain_most_engagement_variance():
    """Beck & Harter 2015: managers explain at least 70 % of the variance in (team)
    engagement. A large base-policy firm after 120 days: R^2 of team mean engagement
    on the manager's consistency."""
    path = {p.stem: p for p in shipped_scenarios()}["base"]
    s = simulation.load_scenario(
        path, overrides={"customers.initial": 0, "firm.frontline": 400, "firm.back_office": 0, "firm.managers": 40}
    )
    model = FirmModel(s, seed=SEED)
    for _ in range(120):
        model.step()
    teams = pd.DataFrame(
        {
            "manager": [e.manager.unique_id for e in model.frontline],
            "consistency": [e.manager.consistency for e in model.frontline],
            "engagement": [e.engagement for e in model.frontline],
        }
    )
    team = teams.groupby("manager").mean()
    r = np.corrcoef(team["consistency"], team["engagement"])[0, 1]
    assert r * r >= 0.70 - 0.1, f"R^2 = {r * r:.2f}"  # 40 teams: SE of R^2 about 0.05


def test_ramp_up_to_competency():
    """Dimension Data 2015: about 13 weeks to full competency in contact centres."""
    ramp = _scenario("base").hiring.ramp_days
    assert 84 <= ramp <= 98
    assert mech.ramp_productivity(ramp - 1, ramp) < 1.0 == mech.ramp_productivity(ramp, ramp)


def test_training_decay():
    """Arthur et al. 1998: without support half a training gain is lost in 6.5 (accuracy) to
    13 (speed) months (the volume, ATD's 33 h, is the training_hours target)."""
    t = _scenario("base").training
    for half_life in (t.half_life_soft_days, t.half_life_technical_days):
        assert 6.5 * 30.4 - 1 <= half_life <= 13 * 30.4 + 1
        assert mech.training_decay(1.0, half_life, 0.0) ** half_life == pytest.approx(0.5, rel=1e-6)


def test_soft_skill_training_raises_resolution_and_experience():
    """Adhvaryu, Kala & Nyshadham: soft-skill training raises productivity (+11-12 %).
    Known tension (docs/ODD.md 8.2): here soft skill acts on resolution and courtesy, not
    speed; the check is the direction and a measurable size of the customer-focused
    programme's effect after one year."""
    t = _scenario("customer_focused").training
    soft = 0.5
    trained = 0.0
    for _ in range(365):
        trained = mech.training_decay(trained, t.half_life_soft_days, t.ongoing_support)
        trained += mech.training_gain(soft + trained, t.hours_per_year * t.soft_skill_share / 365, t.gain_per_100h)
    before = mech.experience_score(1.0, 8.0, True, mech.courtesy(soft, 0.5), 0, 0.12, 1.0)
    after = mech.experience_score(1.0, 8.0, True, mech.courtesy(soft + trained, 0.5), 0, 0.12, 1.0)
    assert trained > 0.02 and after > before


# ----------------------------------------------------------------- loyalty


def test_loyalty_after_a_problem_follows_tarp():
    """TARP (Goodman): after a small problem 37 % stay loyal if they never complain, 46 % if
    unresolved, 70 % if resolved, 95 % if resolved quickly (large: 9/19/54/82). The model's
    one-year retention after such an encounter keeps TARP's order, and never beats a
    customer without a problem (de Matos et al. 2007: the recovery paradox does not reach
    loyalty)."""
    lo = _scenario("base").loyalty

    def retention_after(factor: float) -> float:
        e = mech.experience_score(0.5, 8.0, True, 0.6, 0, 0.12, factor)
        s = mech.satisfaction_update(0.8, e, lo.satisfaction_rate)
        p = mech.churn_probability(
            s, 0.0, 0.3, lo.churn_per_year, lo.reference_satisfaction, lo.churn_slope, lo.price_elasticity
        )
        return (1 - p) ** 365

    for large in (False, True):
        outcomes = [
            mech.problem_outcome_factor(mech.UNVOICED, large, 0.0, 0.0, 10.0),
            mech.problem_outcome_factor(mech.UNRESOLVED, large, 0.0, 0.0, 10.0),
            mech.problem_outcome_factor(mech.RESOLVED, large, 1.0, 120.0, 10.0),
            mech.problem_outcome_factor(mech.RESOLVED, large, 1.0, 0.0, 10.0),
            mech.problem_outcome_factor(mech.NO_PROBLEM, large, 0.0, 0.0, 10.0),
        ]
        kept = [retention_after(f) for f in outcomes]
        assert kept == sorted(kept), kept


def test_about_half_of_problems_are_voiced():
    """Goodman: about half of customers with a problem tell the frontline."""
    assert 0.4 <= _scenario("base").demand.complaint_share <= 0.6


# -------------------------------------------------------------- operations


def test_service_times_and_patience():
    """Industry surveys: handle time 3-6 min; Zohar et al. 2002: patience adapts to expected waits."""
    s = _scenario("base")
    assert 3.0 <= s.service.handle_time_min <= 6.0
    assert s.customers.patience_adaptation > 0
    assert mech.patience_mean(8.0, s.customers.patience_adaptation, 4.0) > 8.0


def test_corner_cutting_parameters():
    """Oliva & Sterman 2001: time per task falls with pressure (elasticity about -0.6);
    standards erode within about 19 weeks and do not recover when pressure eases."""
    er = _scenario("base").erosion
    assert er.time_elasticity == pytest.approx(-0.6)
    assert 120 <= er.erosion_days <= 140
    assert er.recovery_days > 5 * er.erosion_days
    assert mech.time_pressure_factor(1.5, er.time_elasticity, er.min_time_factor) == pytest.approx(1.5**-0.6)


def test_policy_ranges():
    """Ritz-Carlton: up to 2,000 USD per incident without approval; HHS: HIPAA penalties of about
    145-73,000 USD per violation, up to 2.2 M USD a year; PwC 2018: customers pay up to 16 % more
    for a great experience."""
    cust, base = _scenario("customer_focused"), _scenario("base")
    assert 0 < cust.empowerment.discretion_limit_usd <= 2000
    assert 145 <= base.compliance.breach_penalty_usd <= 73000
    limits = {row["key"]: row for row in simulation.field_table()}
    assert limits["compliance.breach_penalty_usd"]["max"] >= 2_200_000
    assert limits["empowerment.discretion_limit_usd"]["max"] >= 2000
    assert 0 < cust.pricing.price_premium <= 0.16


def test_employee_customer_link():
    """Rucci, Kirn & Quinn 1998 (Sears): 5 points of employee attitude moved customer impression
    1.3 points (slope about 0.26). The direct slope of an encounter's experience on the
    server's engagement (courtesy and resolution) lies within half to one and a half of it."""
    base = _scenario("base").service

    def expected_experience(engagement: float) -> float:
        p = mech.resolution_probability(base.base_resolution, 0.5, 0.5, engagement, base.data_access, 1.0, 1.0, 0.7)
        c = mech.courtesy(0.5, engagement)
        return p * mech.experience_score(0.5, 8.0, True, c, 0, 0.12, 1.0) + (1 - p) * mech.experience_score(
            0.5, 8.0, False, c, 0, 0.12, 1.0
        )

    slope = (expected_experience(0.7) - expected_experience(0.3)) / 0.4
    assert 0.13 <= slope <= 0.39, f"slope {slope:.3f}"
