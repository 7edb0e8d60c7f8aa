"""The mechanisms of ``simulation.mechanisms``: exact small cases and properties.

Expected values are worked out by hand from each function's documented
formula; hypothesis checks the monotonicity each claim states and that
every probability, index and score stays in [0, 1].
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation import mechanisms as mech

approx = pytest.approx
SETTINGS = settings(max_examples=60, deadline=None)

unit = st.floats(0.0, 1.0, allow_nan=False)
pos = st.floats(0.0, 50.0, allow_nan=False)


# --------------------------------------------------------------------------
# Exact cases
# --------------------------------------------------------------------------


def test_clip_and_daily_probability() -> None:
    assert mech.clip01(-0.5) == 0.0
    assert mech.clip01(1.5) == 1.0
    assert mech.clip01(0.3) == 0.3
    assert mech.daily_probability(0.0) == 0.0
    assert mech.daily_probability(-1.0) == 0.0
    assert mech.daily_probability(365.0) == approx(1.0 - math.exp(-1.0))


def test_smooth() -> None:
    assert mech.smooth(0.0, 1.0, 4.0) == approx(0.25)
    assert mech.smooth(0.2, 0.9, 1.0) == 0.9  # a time constant of a day or less jumps
    assert mech.smooth(0.2, 0.9, 0.5) == 0.9


def test_ramp_productivity() -> None:
    assert mech.ramp_productivity(0.0, 91.0) == 0.5
    assert mech.ramp_productivity(45.5, 91.0) == approx(0.75)
    assert mech.ramp_productivity(91.0, 91.0) == 1.0
    assert mech.ramp_productivity(400.0, 91.0) == 1.0
    assert mech.ramp_productivity(0.0, 0.0) == 1.0


def test_service_time_mean() -> None:
    # Average skill, no data access, full productivity: exactly the handle time.
    assert mech.service_time_mean(5.0, 0.5, 0.0, 1.0, 1.0) == approx(5.0)
    assert mech.service_time_mean(5.0, 0.0, 0.0, 1.0, 1.0) == approx(6.5)  # x1.3
    assert mech.service_time_mean(5.0, 1.0, 1.0, 1.0, 1.0) == approx(5.0 * 0.7 * 0.8)
    assert mech.service_time_mean(5.0, 0.5, 0.0, 0.5, 1.0) == approx(10.0)  # new hire
    assert mech.service_time_mean(5.0, 0.5, 0.0, 0.0, 1.0) == approx(5.0 / 0.05)  # floor
    assert mech.service_time_mean(5.0, 0.5, 0.0, 1.0, 0.8) == approx(4.0)  # corner cutting


def test_resolution_probability() -> None:
    assert mech.resolution_probability(0.62, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 0.7) == approx(0.62)
    assert mech.resolution_probability(0.62, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.7) == approx(0.62 + 0.30)
    # Engagement weighs as much as technical skill (+0.2 per unit), soft skill half as much.
    assert mech.resolution_probability(0.62, 0.5, 0.5, 1.0, 0.5, 1.0, 1.0, 0.7) == approx(0.72)
    assert mech.resolution_probability(0.62, 0.5, 1.0, 0.5, 0.5, 1.0, 1.0, 0.7) == approx(0.67)
    assert mech.resolution_probability(0.62, 0.5, 0.5, 0.5, 0.5, 0.25, 1.0, 0.7) == approx(0.31)
    assert mech.resolution_probability(0.62, 0.5, 0.5, 0.5, 0.5, 1.0, 0.5, 1.0) == approx(0.31)
    assert mech.resolution_probability(5.0, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 0.7) == 0.99
    assert mech.resolution_probability(-5.0, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 0.7) == 0.01


def test_courtesy() -> None:
    assert mech.courtesy(1.0, 0.0) == approx(0.5)
    assert mech.courtesy(0.0, 1.0) == approx(0.5)
    assert mech.courtesy(0.5, 0.5) == approx(0.5)


@pytest.mark.parametrize(("large", "table"), [(False, (0.37, 0.46, 0.70, 0.95)), (True, (0.09, 0.19, 0.54, 0.82))])
def test_problem_outcome_factor_reproduces_tarp(large: bool, table: tuple[float, ...]) -> None:
    """TARP (Goodman): loyalty never complained / unresolved / resolved / resolved quickly."""
    f = mech.problem_outcome_factor
    assert f(mech.NO_PROBLEM, large, 0.0, 100.0, 10.0) == 1.0
    assert f(mech.UNVOICED, large, 1.0, 0.0, 10.0) == approx(table[0])
    assert f(mech.UNRESOLVED, large, 1.0, 0.0, 10.0) == approx(table[1])
    assert f(mech.RESOLVED, large, 1.0, 1e9, 10.0) == approx(table[2])  # resolved slowly
    assert f(mech.RESOLVED, large, 1.0, 0.0, 10.0) == approx(table[3])  # resolved at once
    # Delay of one speed scale: the quick bonus decays by 1/e.
    assert f(mech.RESOLVED, large, 1.0, 10.0, 10.0) == approx(table[2] + (table[3] - table[2]) / math.e)
    # Adequacy scales the recovery between unresolved and resolved.
    assert f(mech.RESOLVED, large, 0.0, 0.0, 10.0) == approx(table[1])
    assert f(mech.RESOLVED, large, 0.5, 0.0, 10.0) == approx((table[1] + table[3]) / 2)
    assert f(mech.RESOLVED, large, 0.5, -3.0, 10.0) == approx((table[1] + table[3]) / 2)  # no negative delay


def test_experience_score() -> None:
    assert mech.experience_score(0.0, 8.0, True, 0.5, 0, 0.12, 1.0) == approx(0.9)
    assert mech.experience_score(8.0, 8.0, True, 0.5, 0, 0.12, 1.0) == approx(0.8 + 0.1 / math.e)
    assert mech.experience_score(0.0, 8.0, True, 0.5, 2, 0.12, 1.0) == approx(0.9 * 0.88**2)
    assert mech.experience_score(0.0, 8.0, True, 0.5, 0, 0.12, 0.37) == approx(0.9 * 0.37)
    assert mech.experience_score(1e9, 8.0, False, 0.0, 0, 0.12, 1.0) == approx(0.45)
    assert mech.experience_score(0.0, 8.0, True, 1.0, 0, 0.12, 1.0) == approx(1.0)


def test_satisfaction_and_patience() -> None:
    assert mech.satisfaction_update(0.5, 1.0, 0.2) == approx(0.6)
    assert mech.satisfaction_update(0.5, 0.0, 1.0) == 0.0
    assert mech.patience_mean(8.0, 0.5, 4.0) == approx(10.0)
    assert mech.patience_mean(8.0, 0.5, -4.0) == approx(8.0)


def test_churn_probability() -> None:
    # By hand: h = 0.12 * exp(6 * (0.8 - sat)) * price_response(overcharge); p = 1 - exp(-h / 365).
    base = 1.0 - math.exp(-0.12 / 365.0)
    assert mech.churn_probability(0.8, 0.0, 1.0, 0.12, 0.8, 6.0, 3.0) == approx(base)
    assert mech.churn_probability(0.7, 0.0, 1.0, 0.12, 0.8, 6.0, 3.0) == approx(
        1.0 - math.exp(-0.12 * math.exp(0.6) / 365.0)
    )
    # An overcharge of 0.1 at elasticity 3: hazard x exp(0.3).
    assert mech.churn_probability(0.8, 0.1, 1.0, 0.12, 0.8, 6.0, 3.0) == approx(
        1.0 - math.exp(-0.12 * math.exp(0.3) / 365.0)
    )
    # A bargain of 0.1: hazard x exp(-0.3 / 2.25) (loss aversion).
    assert mech.churn_probability(0.8, -0.1, 1.0, 0.12, 0.8, 6.0, 3.0) == approx(
        1.0 - math.exp(-0.12 * math.exp(-0.3 / 2.25) / 365.0)
    )
    assert mech.churn_probability(0.8, 0.1, 0.0, 0.12, 0.8, 6.0, 3.0) == approx(base)  # insensitive
    assert mech.churn_probability(0.8, -0.1, 0.0, 0.12, 0.8, 6.0, 3.0) == approx(base)


def test_referrals_nps_opportunists() -> None:
    assert mech.referral_rate(100.0, 20.0, 0.25, 0.25) == approx(20.0 / 365.0)
    assert mech.referral_rate(10.0, 100.0, 0.25, 0.25) == 0.0
    assert mech.net_promoter_score(30.0, 10.0, 100.0) == approx(20.0)
    assert mech.net_promoter_score(3.0, 1.0, 0.0) == 0.0
    assert mech.new_opportunist_share(0.12, 1.0, 1.0, 0.5) == approx(0.18)
    assert mech.new_opportunist_share(0.12, 0.0, 1.0, 0.5) == approx(0.12)
    assert mech.new_opportunist_share(0.8, 1.0, 1.0, 5.0) == 0.9


def test_compliance_chain_autonomy() -> None:
    # Risk per decision: half the maximum at the reference amount for a decider of judgement 0.5.
    assert mech.breach_probability(250.0, 0.5, False, 0.01, 250.0, 0.1, 0.8) == approx(0.005)
    assert mech.breach_probability(0.0, 0.5, False, 0.01, 250.0, 0.1, 0.8) == 0.0
    assert mech.breach_probability(250.0, 1.0, False, 0.01, 250.0, 0.1, 0.8) == approx(0.0025)  # good judgement
    # A review takes the better judgement (0.8 -> x0.7) and the review factor (x0.1).
    assert mech.breach_probability(250.0, 0.5, True, 0.01, 250.0, 0.1, 0.8) == approx(0.01 * 0.5 * 0.7 * 0.1)
    assert mech.handoff_delay_mean(4.0, 0.0) == approx(4.0)
    assert mech.handoff_delay_mean(4.0, 1.0) == approx(1.2)
    assert mech.handoff_failure_probability(0.25, 0.0) == approx(0.25)
    assert mech.handoff_failure_probability(0.25, 1.0) == approx(0.05)
    assert mech.autonomy(False, 1000.0, 0.2, 0.9) == 0.2
    assert mech.autonomy(True, 0.0, 0.2, 0.9) == approx(0.2)
    assert mech.autonomy(True, 50.0, 0.2, 0.9) == approx(0.55)  # halfway at 50 USD
    assert mech.autonomy(True, 150.0, 0.2, 0.9) == approx(0.2 + 0.7 * 0.75)  # discretion index 150/200


def test_overload_stress_engagement() -> None:
    assert mech.overload(0.8, 0.8) == 0.0
    assert mech.overload(0.9, 0.8) == approx(0.5)
    assert mech.overload(1.0, 0.8) == approx(1.0)
    assert mech.overload(1.0, 1.0) == 0.0
    assert mech.stress_update(0.0, 1.0, 0.0, 20.0, 0.0) == approx(0.05)
    assert mech.stress_update(0.0, 1.0, 0.0, 20.0, 1.0) == approx(0.025)
    assert mech.stress_update(0.0, 0.3, 0.2, 20.0, 0.0) == approx(0.025)  # overload plus strain drive it
    assert mech.stress_update(0.0, 0.8, 0.8, 20.0, 0.0) == approx(0.05)  # the drive is at most 1
    t = mech.engagement_target(0.1, 0.2, 0.5, 0.3, 0.5, 0.8, 0.4, 0.2, 0.35, 0.15, 0.1, 0.15, 0.25)
    assert t == approx(0.1 + 0.04 + 0.175 + 0.045 + 0.05 + 0.12 - 0.1)
    assert mech.engagement_target(0.9, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1) == 1.0
    assert mech.engagement_update(0.5, 0.8, 3.0, 0.01) == approx(0.61)


def test_quit_probability() -> None:
    args = dict(
        fit=0.5,
        stress=0.0,
        people_first=0.0,
        pay_factor=1.0,
        base_quit_per_year=0.3,
        engagement_slope=2.5,
        fit_slope=1.5,
        stress_slope=1.0,
        people_first_effect=0.5,
        early_tenure_days=90.0,
        early_tenure_multiplier=3.0,
    )

    def q(engagement: float, tenure: float, **kw: float) -> float:
        a = {**args, **kw}
        return mech.quit_probability(
            engagement,
            tenure,
            a["fit"],
            a["stress"],
            a["people_first"],
            a["pay_factor"],
            a["base_quit_per_year"],
            a["engagement_slope"],
            a["fit_slope"],
            a["stress_slope"],
            a["people_first_effect"],
            a["early_tenure_days"],
            a["early_tenure_multiplier"],
        )

    assert q(0.5, 365.0) == approx(1.0 - math.exp(-0.3 / 365.0))
    assert q(0.5, 10.0) == approx(1.0 - math.exp(-0.9 / 365.0))  # early tenure x3
    assert q(0.5, 365.0, people_first=1.0) == approx(1.0 - math.exp(-0.15 / 365.0))
    assert q(0.0, 365.0) == approx(1.0 - math.exp(-0.3 * math.exp(1.25) / 365.0))
    assert q(0.5, 365.0, stress=1.0) == approx(1.0 - math.exp(-0.3 * math.e / 365.0))
    # The pay factor multiplies the hazard.
    assert q(0.5, 365.0, pay_factor=0.5) == approx(1.0 - math.exp(-0.15 / 365.0))
    assert q(0.5, 10.0, pay_factor=2.0) == approx(1.0 - math.exp(-1.8 / 365.0))
    assert q(0.5, 365.0, pay_factor=mech.pay_quit_factor(0.5, 2.0)) == approx(1.0 - math.exp(-0.3 / math.e / 365.0))


def test_training() -> None:
    assert mech.training_gain(0.0, 100.0, 0.25) == approx(0.25)
    assert mech.training_gain(0.5, 100.0, 0.25) == approx(0.125)
    assert mech.training_gain(0.5, -3.0, 0.25) == 0.0
    for half_life in (198, 396):
        x = 1.0
        for _ in range(half_life):
            x = mech.training_decay(x, float(half_life), 0.0)
        assert x == approx(0.5)
        y = 1.0
        for _ in range(half_life):
            y = mech.training_decay(y, float(half_life), 0.5)
        assert y == approx(2.0**-0.5)  # half the support, half the rate
    assert mech.training_decay(0.7, 198.0, 1.0) == 0.7


def test_time_pressure_and_standard() -> None:
    assert mech.time_pressure_factor(2.0, -0.6, 0.1) == 2.0**-0.6
    assert mech.time_pressure_factor(1.0, -0.6, 0.1) == 1.0
    assert mech.time_pressure_factor(0.5, -0.6, 0.1) == 1.0
    assert mech.time_pressure_factor(10.0, -0.6, 0.6) == 0.6
    assert mech.standard_update(1.0, 0.8, 133.0, 1095.0) == approx(1.0 - 0.2 / 133.0)
    assert mech.standard_update(0.8, 0.8, 133.0, 1095.0) == approx(0.8 + 0.2 / 1095.0)
    assert mech.standard_update(1.0, 1.0, 133.0, 1095.0) == 1.0


# --------------------------------------------------------------------------
# Monotonicity (each claim's direction)
# --------------------------------------------------------------------------


@SETTINGS
@given(
    w1=pos,
    w2=pos,
    scale=st.floats(0.1, 30.0),
    resolved=st.booleans(),
    c=unit,
    failed=st.integers(0, 4),
    pen=unit,
    factor=unit,
)
def test_more_wait_never_raises_experience(w1, w2, scale, resolved, c, failed, pen, factor) -> None:
    lo, hi = sorted((w1, w2))
    assert mech.experience_score(hi, scale, resolved, c, failed, pen, factor) <= mech.experience_score(
        lo, scale, resolved, c, failed, pen, factor
    )


churn_rest = dict(
    sens=unit,
    per_year=st.floats(0.0, 5.0),
    ref=unit,
    slope=st.floats(0.0, 30.0),
    elast=st.floats(0.0, 30.0),
)


overcharge = st.floats(-1.0, 1.0, allow_nan=False)


@SETTINGS
@given(s1=unit, s2=unit, gap=overcharge, **churn_rest)
def test_higher_satisfaction_never_raises_churn(s1, s2, gap, sens, per_year, ref, slope, elast) -> None:
    lo, hi = sorted((s1, s2))
    p_hi = mech.churn_probability(hi, gap, sens, per_year, ref, slope, elast)
    p_lo = mech.churn_probability(lo, gap, sens, per_year, ref, slope, elast)
    assert p_hi <= p_lo
    assert 0.0 <= p_hi <= 1.0


@SETTINGS
@given(sat=unit, m1=overcharge, m2=overcharge, **churn_rest)
def test_higher_overcharge_never_lowers_churn(sat, m1, m2, sens, per_year, ref, slope, elast) -> None:
    """Claim: the more the price exceeds what the experience is worth, the more churn (a bargain included)."""
    lo, hi = sorted((m1, m2))
    assert mech.churn_probability(sat, hi, sens, per_year, ref, slope, elast) >= mech.churn_probability(
        sat, lo, sens, per_year, ref, slope, elast
    )


def _annual_hazard(p: float) -> float:
    return -365.0 * math.log1p(-p)


@SETTINGS
@given(
    sat=unit,
    gap=st.floats(0.001, 0.3),
    sens=st.floats(0.01, 1.0),
    per_year=st.floats(0.01, 1.0),
    ref=unit,
    slope=st.floats(0.0, 3.0),
    elast=st.floats(0.1, 10.0),
)
def test_bargain_lowers_churn_less_than_overcharge_raises_it(sat, gap, sens, per_year, ref, slope, elast) -> None:
    """Claim (loss aversion): a negative overcharge lowers churn, but by less than the same positive one
    raises it; on the log-hazard scale by exactly 1 / LOSS_AVERSION as much. (Hazards kept below a few
    hundred a year so that the daily probability can be inverted back to the hazard accurately.)"""
    args = (sens, per_year, ref, slope, elast)
    h0 = _annual_hazard(mech.churn_probability(sat, 0.0, *args))
    h_up = _annual_hazard(mech.churn_probability(sat, gap, *args))
    h_down = _annual_hazard(mech.churn_probability(sat, -gap, *args))
    assert h_down <= h0 <= h_up
    assert h0 - h_down <= h_up - h0
    assert math.log(h0 / h_down) == approx(math.log(h_up / h0) / mech.LOSS_AVERSION, rel=1e-6, abs=1e-9)


quit_args = st.tuples(
    unit,  # engagement
    st.floats(0.0, 3000.0),  # tenure
    unit,  # fit
    unit,  # stress
    unit,  # people_first
    st.floats(0.0, 3.0),  # pay factor
    st.floats(0.0, 5.0),  # base
    st.floats(0.0, 20.0),  # engagement slope
    st.floats(0.0, 20.0),  # fit slope
    st.floats(0.0, 20.0),  # stress slope
    unit,  # people-first effect
    st.floats(0.0, 730.0),  # early tenure days
    st.floats(1.0, 20.0),  # early multiplier
)


@SETTINGS
@given(args=quit_args, e2=unit, s2=unit, t2=st.floats(0.0, 3000.0), f2=st.floats(0.0, 3.0))
def test_quit_probability_directions(args, e2, s2, t2, f2) -> None:
    """Claim: lower engagement, more stress, early tenure and a larger pay factor never lower the quit hazard."""
    a = list(args)
    p = mech.quit_probability(*a)
    assert 0.0 <= p <= 1.0
    b = a.copy()
    b[0] = e2
    pe = mech.quit_probability(*b)
    assert (pe >= p) if e2 <= a[0] else (pe <= p)
    b = a.copy()
    b[3] = s2
    ps = mech.quit_probability(*b)
    assert (ps >= p) if s2 >= a[3] else (ps <= p)
    b = a.copy()
    b[1] = t2
    pt = mech.quit_probability(*b)
    assert (pt >= p) if t2 <= a[1] else (pt <= p)
    b = a.copy()
    b[5] = f2
    pf = mech.quit_probability(*b)
    assert (pf >= p) if f2 >= a[5] else (pf <= p)


@SETTINGS
@given(o1=unit, o2=unit, delay=st.floats(0.0, 240.0), fail=st.floats(0.0, 0.95))
def test_internal_orientation_never_slows_or_breaks_handoffs(o1, o2, delay, fail) -> None:
    lo, hi = sorted((o1, o2))
    assert mech.handoff_delay_mean(delay, hi) <= mech.handoff_delay_mean(delay, lo)
    assert mech.handoff_failure_probability(fail, hi) <= mech.handoff_failure_probability(fail, lo)
    assert 0.0 <= mech.handoff_failure_probability(fail, hi) <= fail


@SETTINGS
@given(
    k1=unit,
    k2=unit,
    handle=st.floats(0.1, 120.0),
    data=unit,
    prod=st.floats(0.0, 1.0),
    tf=st.floats(0.1, 1.0),
)
def test_more_technical_skill_never_raises_service_time(k1, k2, handle, data, prod, tf) -> None:
    lo, hi = sorted((k1, k2))
    assert mech.service_time_mean(handle, hi, data, prod, tf) <= mech.service_time_mean(handle, lo, data, prod, tf)


@SETTINGS
@given(
    s=st.floats(0.001, 1.0),
    frac=st.floats(0.001, 1.0),
    e_days=st.floats(1.0, 3650.0),
    extra=st.floats(0.0, 30000.0),
)
def test_standard_erodes_at_least_as_fast_as_it_recovers(s, frac, e_days, extra) -> None:
    """Claim: erosion is sticky: for the same gap, the standard never rises faster than it falls
    when recovery_days >= erosion_days."""
    r_days = e_days + extra
    g = frac * s
    down = s - mech.standard_update(s, s - g, e_days, r_days)  # practice g below the standard
    low = 1.0 - g  # a standard g below the original, no corner cutting (practice == standard)
    up = mech.standard_update(low, low, e_days, r_days) - low
    assert up >= 0.0 and down > 0.0
    assert up <= down * (1.0 + 1e-9) + 1e-15


@SETTINGS
@given(
    p1=st.floats(0.0, 20.0),
    p2=st.floats(0.0, 20.0),
    el=st.floats(-3.0, 0.0),
    floor=st.floats(0.1, 1.0),
)
def test_time_pressure_factor_bounds_and_direction(p1, p2, el, floor) -> None:
    lo, hi = sorted((p1, p2))
    f_lo, f_hi = mech.time_pressure_factor(lo, el, floor), mech.time_pressure_factor(hi, el, floor)
    assert floor <= f_hi <= f_lo <= 1.0


# --------------------------------------------------------------------------
# Bounds: every [0, 1] output stays in [0, 1]
# --------------------------------------------------------------------------


def in01(x: float) -> bool:
    return 0.0 <= x <= 1.0


@SETTINGS
@given(
    a=unit,
    b=unit,
    c=unit,
    d=unit,
    e=unit,
    f=unit,
    x=st.floats(-10.0, 10.0),
    wait=pos,
    n=st.integers(0, 5),
    tenure=st.floats(0.0, 2000.0),
    days=st.floats(0.0, 3650.0),
    outcome=st.integers(0, 3),
    large=st.booleans(),
    base=st.floats(-1.0, 2.0),
)
def test_unit_outputs_stay_in_unit_interval(a, b, c, d, e, f, x, wait, n, tenure, days, outcome, large, base) -> None:
    assert in01(mech.clip01(x))
    assert in01(mech.daily_probability(abs(x) * 100))
    assert 0.5 <= mech.ramp_productivity(tenure, days) <= 1.0
    assert in01(mech.resolution_probability(base, a, b, c, d, e, f * 1.5, 0.7))
    assert in01(mech.courtesy(a, b))
    assert in01(mech.problem_outcome_factor(outcome, large, a, wait, days + 0.1))
    assert in01(mech.experience_score(wait, days + 0.1, bool(n % 2), a, n, b, c))
    assert in01(mech.satisfaction_update(a, b, c))
    assert in01(mech.breach_probability(wait * 10, a, bool(n % 2), b, days + 1.0, c, d))
    assert in01(mech.competent_judgement(a, b, c))
    assert in01(mech.shared_knowledge(a, b))
    assert in01(mech.competence_update(a, bool(n % 2), days + 1.0, b))
    assert in01(mech.detected_share(days))
    assert in01(mech.measures_factor(a, b))
    assert in01(mech.change_size(x, a, b, c))
    assert in01(mech.autonomy(bool(n % 2), wait * 10, a, b))
    assert in01(mech.discretion_index(bool(n % 2), x * 100))
    assert in01(mech.judgement(a, b, c, d))
    assert in01(mech.on_the_spot_detection(a, x))
    assert in01(mech.value_for_money(x, a, b * 10))
    assert in01(mech.new_customer_satisfaction_mean(a, b, x))
    assert in01(mech.on_duty_share(a, b, c))
    assert in01(mech.new_opportunist_share(a, b, x, abs(x)))
    assert in01(mech.overload(a, b))
    assert in01(mech.stress_update(a, b, c, days, c))
    assert in01(mech.engagement_target(x, a, b, c, d, e, f, a, b, c, d, e, f))
    assert in01(mech.engagement_update(a, b, days, x / 10))
    assert in01(mech.training_decay(a, days, b))
    assert in01(mech.time_pressure_factor(wait, -a * 3, max(b, 0.01)))
    assert in01(mech.standard_update(a, b, days + 1.0, days + 1.0))


# --------------------------------------------------------------------------
# Hiring for skill or for fit (random draws)
# --------------------------------------------------------------------------


def _hires(fit_weight: float, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array([mech.hire_draw(rng, fit_weight, 5, 0.0) for _ in range(n)])


def test_hire_draw_selects_on_fit_or_skill() -> None:
    """Claim: hiring for fit yields hires with more culture fit, hiring for skill more
    technical skill (best of 5 applicants on the weighted score; the attribute not selected
    on keeps the Beta(4,4) mean 0.5)."""
    n = 2000
    fit_hires = _hires(1.0, n, 11)  # columns: technical, soft, fit
    skill_hires = _hires(0.0, n, 12)
    assert np.all((fit_hires >= 0.0) & (fit_hires <= 1.0))
    assert np.all((skill_hires >= 0.0) & (skill_hires <= 1.0))

    def se(*cols: np.ndarray) -> float:
        return math.sqrt(sum(c.var(ddof=1) / len(c) for c in cols))

    d_fit = fit_hires[:, 2].mean() - skill_hires[:, 2].mean()
    assert d_fit > 4.0 * se(fit_hires[:, 2], skill_hires[:, 2])
    d_tech = skill_hires[:, 0].mean() - fit_hires[:, 0].mean()
    assert d_tech > 4.0 * se(fit_hires[:, 0], skill_hires[:, 0])
    # The attribute not selected on keeps its population mean.
    assert abs(fit_hires[:, 0].mean() - 0.5) < 4.0 * se(fit_hires[:, 0])
    assert abs(skill_hires[:, 2].mean() - 0.5) < 4.0 * se(skill_hires[:, 2])
    # Soft skill goes with fit.
    assert fit_hires[:, 1].mean() - skill_hires[:, 1].mean() > 4.0 * se(fit_hires[:, 1], skill_hires[:, 1])


def test_hire_draw_heroes_and_reproducibility() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        t, s, f = mech.hire_draw(rng, 0.3, 5, 1.0)
        assert t >= 0.95 and s >= 0.95 and 0.0 <= f <= 1.0
    assert _hires(0.3, 20, 5).tolist() == _hires(0.3, 20, 5).tolist()


def test_value_for_money() -> None:
    """Claim: the price paid is part of the experience; no overcharge (a premium the experience earns,
    or a bargain) or no sensitivity costs nothing."""
    assert mech.value_for_money(0.0, 1.0, 0.5) == 1.0
    assert mech.value_for_money(-0.1, 1.0, 0.5) == 1.0  # a bargain does not lift the experience
    assert mech.value_for_money(0.2, 0.0, 0.5) == 1.0
    assert mech.value_for_money(0.1, 1.0, 0.5) == approx(0.95)
    assert mech.value_for_money(0.1, 0.5, 0.5) > mech.value_for_money(0.1, 1.0, 0.5)
    assert mech.value_for_money(5.0, 1.0, 5.0) == 0.0


def test_paid_acquisition_buys_the_rest() -> None:
    """Claim: marketing buys the gap to target (at the catch-up pace, within the cap) on top of a baseline."""
    assert mech.paid_acquisition_rate(5000.0, 5000.0, 0.3, 30.0, 5.0) == approx(0.3)
    assert mech.paid_acquisition_rate(5100.0, 5000.0, 0.3, 30.0, 5.0) == approx(0.3)  # above target: baseline only
    assert mech.paid_acquisition_rate(4940.0, 5000.0, 0.3, 30.0, 5.0) == approx(0.3 + 2.0)
    assert mech.paid_acquisition_rate(1000.0, 5000.0, 0.3, 30.0, 5.0) == approx(0.3 + 5.0)  # budget cap


# --------------------------------------------------------------------------
# Price, willingness to pay and the market
# --------------------------------------------------------------------------


def test_willingness_to_pay() -> None:
    # By hand: wtp_max * clip01((sat - floor) / (full - floor)) with wtp_max 0.16, floor 0.5, full 0.9.
    assert mech.willingness_to_pay(0.3, 0.16, 0.5, 0.9) == 0.0  # a poor experience earns nothing
    assert mech.willingness_to_pay(0.5, 0.16, 0.5, 0.9) == 0.0
    assert mech.willingness_to_pay(0.7, 0.16, 0.5, 0.9) == approx(0.08)  # halfway
    assert mech.willingness_to_pay(0.9, 0.16, 0.5, 0.9) == approx(0.16)
    assert mech.willingness_to_pay(1.0, 0.16, 0.5, 0.9) == approx(0.16)  # capped at wtp_max


def test_overcharge() -> None:
    # By hand: premium minus willingness to pay (0.16 x (0.8 - 0.65) / 0.25 = 0.096 at satisfaction 0.8).
    assert mech.overcharge(0.16, 0.8, 0.16, 0.65, 0.9) == approx(0.16 - 0.096)
    assert mech.overcharge(0.0, 0.95, 0.16, 0.65, 0.9) == approx(-0.16)  # a bargain
    assert mech.overcharge(0.1, 0.5, 0.16, 0.65, 0.9) == approx(0.1)  # a poor experience is worth nothing extra


def test_price_response() -> None:
    # By hand: exp(elasticity * clip01(sensitivity) * overcharge), a negative exponent divided by 2.25.
    assert mech.LOSS_AVERSION == 2.25
    assert mech.price_response(0.0, 1.0, 3.0) == 1.0
    assert mech.price_response(0.1, 1.0, 3.0) == approx(math.exp(0.3))
    assert mech.price_response(-0.1, 1.0, 3.0) == approx(math.exp(-0.3 / 2.25))  # a bargain counts less
    assert mech.price_response(0.1, 0.5, 3.0) == approx(math.exp(0.15))
    assert mech.price_response(0.1, 0.0, 3.0) == 1.0  # insensitive
    assert mech.price_response(0.1, 2.0, 3.0) == approx(math.exp(0.3))  # sensitivity clipped to 1


def test_acquisition_yield() -> None:
    # By hand: prospects / initial * exp(slope * (reputation - reference)) * conversion.
    assert mech.acquisition_yield(1000.0, 1000.0, 0.8, 0.8, 2.0, 1.0) == approx(1.0)  # untouched, neutral
    assert mech.acquisition_yield(500.0, 1000.0, 0.8, 0.8, 2.0, 1.0) == approx(0.5)  # half the market left
    assert mech.acquisition_yield(1000.0, 1000.0, 0.9, 0.8, 2.0, 1.0) == approx(math.exp(0.2))
    assert mech.acquisition_yield(1000.0, 1000.0, 0.7, 0.8, 2.0, 1.0) == approx(math.exp(-0.2))
    assert mech.acquisition_yield(1000.0, 1000.0, 0.8, 0.8, 2.0, 0.5) == approx(0.5)
    assert mech.acquisition_yield(-5.0, 1000.0, 0.8, 0.8, 2.0, 1.0) == 0.0  # no negative pool


def test_mean_sensitivity() -> None:
    # By hand: 0.7 * 0.3 + 0.2 * 0.9 + 0.1 * 0.6 = 0.21 + 0.18 + 0.06.
    assert mech.mean_sensitivity(0.1, 0.2, 0.3, 0.9, 0.6) == approx(0.45)
    assert mech.mean_sensitivity(0.0, 0.0, 0.3, 0.9, 0.6) == approx(0.3)  # all regular
    assert mech.mean_sensitivity(0.0, 1.0, 0.3, 0.9, 0.6) == approx(0.9)
    assert mech.mean_sensitivity(1.0, 0.0, 0.3, 0.9, 0.6) == approx(0.6)


def test_prospect_conversion() -> None:
    # By hand: wtp at reputation 0.7 (floor 0.5, full 0.9, max 0.16) is 0.08;
    # conversion = 1 / exp(3 * 0.5 * (premium - 0.08)), a negative exponent divided by 2.25.
    args = (0.5, 3.0, 0.16, 0.5, 0.9)
    assert mech.prospect_conversion(0.08, 0.7, *args) == approx(1.0)  # the reputation carries the premium
    assert mech.prospect_conversion(0.16, 0.7, *args) == approx(math.exp(-0.12))
    assert mech.prospect_conversion(0.0, 0.7, *args) == approx(math.exp(0.12 / 2.25))
    assert mech.prospect_conversion(0.0, 0.3, *args) == approx(1.0)  # market price, poor name: neutral
    assert mech.prospect_conversion(0.1, 0.3, *args) == approx(math.exp(-0.15))
    assert mech.prospect_conversion(0.1, 0.3, 0.0, 3.0, 0.16, 0.5, 0.9) == approx(1.0)  # insensitive market


def test_new_customer_satisfaction_mean() -> None:
    # By hand: (1 - w) * initial + w * reputation.
    assert mech.new_customer_satisfaction_mean(0.6, 0.9, 0.25) == approx(0.675)
    assert mech.new_customer_satisfaction_mean(0.6, 0.9, 0.0) == approx(0.6)
    assert mech.new_customer_satisfaction_mean(0.6, 0.9, 1.0) == approx(0.9)
    assert mech.new_customer_satisfaction_mean(0.6, 0.9, 2.0) == approx(0.9)  # weight clipped to 1


def test_market_update() -> None:
    # By hand: back = 200 / 100 = 2; lost = 200 + 0.75 * 10 - 2 = 205.5;
    # prospects = 1000 + 0.25 * 10 + 2 - 4 = 1000.5 (and 1000.5 + 205.5 = 1200 + 10 - 4).
    assert mech.market_update(1000.0, 200.0, 10.0, 4.0, 0.25, 100.0) == approx((1000.5, 205.5))
    assert mech.market_update(1000.0, 0.0, 10.0, 0.0, 1.0, 100.0) == approx((1010.0, 0.0))  # all within reach
    assert mech.market_update(1000.0, 0.0, 10.0, 0.0, 0.0, 100.0) == approx((1000.0, 10.0))  # all lost
    assert mech.market_update(1000.0, 50.0, 0.0, 0.0, 0.25, 0.5) == approx((1050.0, 0.0))  # memory >= 1 day
    assert mech.market_update(3.0, 0.0, 0.0, 5.0, 0.25, 100.0) == approx((0.0, 0.0))  # prospects never negative


@SETTINGS
@given(s1=unit, s2=unit, wtp_max=st.floats(0.0, 1.0), floor=unit, full=unit)
def test_willingness_to_pay_rises_with_satisfaction_within_bounds(s1, s2, wtp_max, floor, full) -> None:
    lo, hi = sorted((s1, s2))
    w_lo = mech.willingness_to_pay(lo, wtp_max, floor, full)
    w_hi = mech.willingness_to_pay(hi, wtp_max, floor, full)
    assert 0.0 <= w_lo <= w_hi <= wtp_max


@SETTINGS
@given(g1=overcharge, g2=overcharge, sens=unit, elast=st.floats(0.0, 30.0), gap=st.floats(0.0, 1.0))
def test_price_response_direction_and_loss_aversion(g1, g2, sens, elast, gap) -> None:
    """Claim: log-linear in the gap; a bargain's log-response is 1 / LOSS_AVERSION of the same overcharge's."""
    lo, hi = sorted((g1, g2))
    assert 0.0 < mech.price_response(lo, sens, elast) <= mech.price_response(hi, sens, elast)
    up, down = mech.price_response(gap, sens, elast), mech.price_response(-gap, sens, elast)
    assert down <= 1.0 <= up
    assert math.log(down) == approx(-math.log(up) / mech.LOSS_AVERSION, rel=1e-9, abs=1e-12)


@SETTINGS
@given(g1=st.floats(-2.0, 2.0), g2=st.floats(-2.0, 2.0), sens=unit, weight=st.floats(0.0, 10.0))
def test_value_for_money_falls_with_overcharge_only(g1, g2, sens, weight) -> None:
    lo, hi = sorted((g1, g2))
    v_lo, v_hi = mech.value_for_money(lo, sens, weight), mech.value_for_money(hi, sens, weight)
    assert 0.0 <= v_hi <= v_lo <= 1.0
    if lo <= 0.0:
        assert v_lo == 1.0  # a premium the experience earns, or a bargain, costs nothing


@SETTINGS
@given(
    p1=st.floats(0.0, 1e5),
    p2=st.floats(0.0, 1e5),
    initial=st.floats(1.0, 1e5),
    r1=unit,
    r2=unit,
    ref=unit,
    slope=st.floats(0.0, 10.0),
    conv=st.floats(0.0, 3.0),
)
def test_acquisition_yield_rises_with_reputation_and_prospects(p1, p2, initial, r1, r2, ref, slope, conv) -> None:
    p_lo, p_hi = sorted((p1, p2))
    r_lo, r_hi = sorted((r1, r2))
    y = mech.acquisition_yield
    assert 0.0 <= y(p_lo, initial, r1, ref, slope, conv) <= y(p_hi, initial, r1, ref, slope, conv)
    assert y(p1, initial, r_lo, ref, slope, conv) <= y(p1, initial, r_hi, ref, slope, conv)
    assert y(initial, initial, ref, ref, slope, 1.0) == approx(1.0)  # full pool, neutral name, conversion 1


@SETTINGS
@given(
    opp=unit,
    ps=unit,
    s_reg=unit,
    s_ps=unit,
    s_opp=unit,
)
def test_mean_sensitivity_is_a_weighted_mean(opp, ps, s_reg, s_ps, s_opp) -> None:
    ps = ps * (1.0 - opp)  # shares that sum to at most 1
    m = mech.mean_sensitivity(opp, ps, s_reg, s_ps, s_opp)
    eps = 1e-12
    assert min(s_reg, s_ps, s_opp) - eps <= m <= max(s_reg, s_ps, s_opp) + eps


conversion_rest = dict(
    sens=st.floats(0.01, 1.0),
    elast=st.floats(0.1, 30.0),
    wtp_max=st.floats(0.0, 0.5),
    floor=st.floats(0.0, 0.5),
    full=st.floats(0.5, 1.0),
)


@SETTINGS
@given(rep=unit, gap=st.floats(0.001, 1.0), **conversion_rest)
def test_prospect_conversion_around_the_willingness_to_pay(rep, gap, sens, elast, wtp_max, floor, full) -> None:
    """Claim: 1 when the premium equals the willingness to pay at the reputation, below 1 when
    overcharging, above 1 with a discount, but by less (on the log scale, the scale the response is
    linear on) than the symmetric overcharge lowers it."""
    wtp = mech.willingness_to_pay(rep, wtp_max, floor, full)
    args = (sens, elast, wtp_max, floor, full)
    assert mech.prospect_conversion(wtp, rep, *args) == approx(1.0)
    over = mech.prospect_conversion(wtp + gap, rep, *args)
    under = mech.prospect_conversion(wtp - gap, rep, *args)
    assert over < 1.0 < under
    assert math.log(under) < -math.log(over)
    assert math.log(under) == approx(-math.log(over) / mech.LOSS_AVERSION, rel=1e-6)


@SETTINGS
@given(m1=st.floats(-0.3, 1.0), m2=st.floats(-0.3, 1.0), r1=unit, r2=unit, **conversion_rest)
def test_prospect_conversion_directions(m1, m2, r1, r2, sens, elast, wtp_max, floor, full) -> None:
    """A higher premium never converts more; a better reputation never converts fewer."""
    m_lo, m_hi = sorted((m1, m2))
    r_lo, r_hi = sorted((r1, r2))
    args = (sens, elast, wtp_max, floor, full)
    assert mech.prospect_conversion(m_hi, r1, *args) <= mech.prospect_conversion(m_lo, r1, *args)
    assert mech.prospect_conversion(m1, r_lo, *args) <= mech.prospect_conversion(m1, r_hi, *args)


@SETTINGS
@given(init=unit, rep=unit, w=st.floats(-1.0, 2.0))
def test_new_customer_satisfaction_between_initial_and_reputation(init, rep, w) -> None:
    m = mech.new_customer_satisfaction_mean(init, rep, w)
    eps = 1e-12
    assert min(init, rep) - eps <= m <= max(init, rep) + eps


@SETTINGS
@given(
    prospects=st.floats(0.0, 1e6),
    lost=st.floats(0.0, 1e6),
    churned=st.floats(0.0, 1e3),
    acq_share=unit,
    win_back=st.floats(-0.5, 1.5),
    memory=st.floats(0.0, 3650.0),
)
def test_market_update_conserves_people(prospects, lost, churned, acq_share, win_back, memory) -> None:
    """Claim: prospects + lost change only by what is churned (in) and acquired (out): when prospects stay
    positive (acquired at most the prospects), prospects + lost rises by exactly churned - acquired."""
    acquired = acq_share * prospects
    new_p, new_l = mech.market_update(prospects, lost, churned, acquired, win_back, memory)
    assert new_p >= 0.0 and new_l >= 0.0
    assert new_p + new_l == approx(prospects + lost + churned - acquired, rel=1e-9, abs=1e-6)
    assert new_l <= lost + churned  # nobody is lost who did not churn


@SETTINGS
@given(prospects=st.floats(0.0, 1e3), lost=st.floats(0.0, 1e3), churned=st.floats(0.0, 1e3), acquired=pos)
def test_market_update_prospects_never_negative(prospects, lost, churned, acquired) -> None:
    new_p, _ = mech.market_update(prospects, lost, churned, acquired, 0.25, 100.0)
    assert new_p >= 0.0


# --------------------------------------------------------------------------
# Discretion and judgement
# --------------------------------------------------------------------------


def test_discretion_index() -> None:
    # By hand: limit / (limit + 50) under guidelines, 0 under approval gating.
    assert mech.discretion_index(False, 100.0) == 0.0
    assert mech.discretion_index(True, 0.0) == 0.0
    assert mech.discretion_index(True, 50.0) == approx(0.5)
    assert mech.discretion_index(True, 150.0) == approx(0.75)
    assert mech.discretion_index(True, -10.0) == 0.0  # no negative limit


def test_ramp_days() -> None:
    # By hand: base * (1.5 - skill) + discretion_days * discretion.
    assert mech.ramp_days(91.0, 30.0, 0.0, 0.5) == approx(91.0)  # middling skill, scripted: 13 weeks
    assert mech.ramp_days(91.0, 30.0, 1.0, 0.5) == approx(121.0)
    assert mech.ramp_days(91.0, 30.0, 0.0, 0.0) == approx(136.5)
    assert mech.ramp_days(91.0, 30.0, 0.0, 1.0) == approx(45.5)
    assert mech.ramp_days(91.0, 30.0, 0.5, 1.0) == approx(60.5)
    assert mech.ramp_days(91.0, 30.0, 2.0, 2.0) == approx(75.5)  # inputs clipped to [0, 1]


def test_judgement() -> None:
    # By hand: x = 0.4 soft + 0.3 fit + 0.3 engagement; clip01(0.5 + 2.5 (x - 0.5)) * clip01(productivity).
    assert mech.JUDGEMENT_STRETCH == 2.5
    assert mech.judgement(1.0, 1.0, 1.0, 1.0) == approx(1.0)
    assert mech.judgement(0.5, 0.5, 0.5, 1.0) == approx(0.5)
    assert mech.judgement(0.6, 0.6, 0.6, 1.0) == approx(0.75)
    assert mech.judgement(1.0, 0.0, 0.0, 1.0) == approx(0.25)  # x = 0.4
    assert mech.judgement(0.0, 1.0, 0.0, 1.0) == 0.0  # x = 0.3: clipped
    assert mech.judgement(1.0, 1.0, 0.0, 1.0) == approx(1.0)  # x = 0.7
    assert mech.judgement(0.6, 0.6, 0.6, 0.5) == approx(0.375)  # a new hire at half productivity


def test_exception_time() -> None:
    # By hand: exception time x time factor, times 2 - judgement when decided on the spot.
    assert mech.exception_time(6.0, 1.0, False, 0.0) == approx(6.0)
    assert mech.exception_time(6.0, 0.8, False, 0.3) == approx(4.8)
    assert mech.exception_time(6.0, 1.0, True, 1.0) == approx(6.0)
    assert mech.exception_time(6.0, 1.0, True, 0.5) == approx(9.0)
    assert mech.exception_time(6.0, 0.5, True, 0.0) == approx(6.0)


def test_on_the_spot_adequacy() -> None:
    # By hand: generosity x judgement.
    assert mech.on_the_spot_adequacy(0.7, 1.0, 1.0) == approx(0.7)
    assert mech.on_the_spot_adequacy(0.7, 0.5, 1.0) == approx(0.35)
    assert mech.on_the_spot_adequacy(0.9, 0.0, 1.0) == 0.0
    # Shared knowledge of the chain (relational coordination): a weak chain halves the fit at weight 1.
    assert mech.on_the_spot_adequacy(0.7, 1.0, mech.shared_knowledge(0.0, 0.5)) == approx(0.35)
    assert mech.shared_knowledge(1.0, 0.5) == 1.0 and mech.shared_knowledge(0.3, 0.5) == approx(0.65)


def test_perceived_consistency_and_decision_strain() -> None:
    # By hand: consistency x (1 - weight x max(espoused - discretion, 0)); weight x discretion x (1 - judgement).
    assert mech.perceived_consistency(0.8, 0.8, 0.0, 0.6) == approx(0.8 * (1 - 0.48))  # preached, gated
    assert mech.perceived_consistency(0.8, 0.8, 0.8, 0.6) == approx(0.8)  # preached and delegated
    assert mech.perceived_consistency(0.4, 0.5, 0.2, 1.0) == approx(0.4 * 0.7)
    assert mech.perceived_consistency(0.9, 0.9, 0.0, 1.0) == approx(0.9 * 0.1)
    assert mech.decision_strain(0.5, 0.8, 0.4) == approx(0.24)
    assert mech.decision_strain(0.5, 0.0, 0.0) == 0.0  # approval gating: nothing to decide
    assert mech.decision_strain(0.5, 0.8, 1.0) == 0.0  # full judgement


@SETTINGS
@given(c=unit, e1=unit, e2=unit, d1=unit, d2=unit, w=unit)
def test_integrity_gap_never_raises_the_perceived_example(c, e1, e2, d1, d2, w) -> None:
    """Claim: preaching more than the system delegates never raises the example employees perceive, and more
    discretion never lowers it; it never exceeds the manager's consistency."""
    lo_e, hi_e = sorted((e1, e2))
    lo_d, hi_d = sorted((d1, d2))
    assert mech.perceived_consistency(c, hi_e, d1, w) <= mech.perceived_consistency(c, lo_e, d1, w) + 1e-12
    assert mech.perceived_consistency(c, e1, lo_d, w) <= mech.perceived_consistency(c, e1, hi_d, w) + 1e-12
    assert 0.0 <= mech.perceived_consistency(c, e1, d1, w) <= c + 1e-12


def test_on_the_spot_detection_and_grant() -> None:
    # By hand: clip01(2 * detection * judgement); amount * (1 + overgrant * (1 - judgement)).
    assert mech.on_the_spot_detection(0.3, 0.5) == approx(0.3)
    assert mech.on_the_spot_detection(0.3, 1.0) == approx(0.6)
    assert mech.on_the_spot_detection(0.3, 0.0) == 0.0
    assert mech.on_the_spot_detection(0.7, 1.0) == 1.0  # clipped
    assert mech.on_the_spot_grant(100.0, 0.5, 1.0) == approx(100.0)
    assert mech.on_the_spot_grant(100.0, 0.5, 0.0) == approx(150.0)
    assert mech.on_the_spot_grant(100.0, 0.5, 0.5) == approx(125.0)
    assert mech.on_the_spot_grant(100.0, -0.5, 0.0) == approx(100.0)  # no negative overgrant


@SETTINGS
@given(l1=st.floats(0.0, 1e6), l2=st.floats(0.0, 1e6), g=st.booleans(), a_app=unit, a_gl=unit)
def test_discretion_index_bounds_and_direction(l1, l2, g, a_app, a_gl) -> None:
    lo, hi = sorted((l1, l2))
    d_lo, d_hi = mech.discretion_index(g, lo), mech.discretion_index(g, hi)
    assert 0.0 <= d_lo <= d_hi < 1.0
    if not g:
        assert d_hi == 0.0
    a = mech.autonomy(g, hi, a_app, a_gl)
    eps = 1e-12
    assert min(a_app, a_gl) - eps <= a <= max(a_app, a_gl) + eps


@SETTINGS
@given(
    base=st.floats(0.0, 365.0),
    extra=st.floats(0.0, 365.0),
    d1=unit,
    d2=unit,
    k1=unit,
    k2=unit,
)
def test_ramp_days_grows_with_discretion_and_falls_with_skill(base, extra, d1, d2, k1, k2) -> None:
    d_lo, d_hi = sorted((d1, d2))
    k_lo, k_hi = sorted((k1, k2))
    assert 0.0 <= mech.ramp_days(base, extra, d_lo, k1) <= mech.ramp_days(base, extra, d_hi, k1)
    assert mech.ramp_days(base, extra, d1, k_hi) <= mech.ramp_days(base, extra, d1, k_lo)


@SETTINGS
@given(args=st.tuples(unit, unit, unit, unit), i=st.integers(0, 3), v=unit)
def test_judgement_bounds_and_direction(args, i, v) -> None:
    """Claim: judgement is in [0, 1] and never falls with soft skill, fit, engagement or productivity."""
    j = mech.judgement(*args)
    assert in01(j)
    b = list(args)
    b[i] = v
    j2 = mech.judgement(*b)
    assert (j2 >= j) if v >= args[i] else (j2 <= j)


@SETTINGS
@given(det=st.floats(0.0, 1.0), j1=st.floats(-0.5, 1.5), j2=st.floats(-0.5, 1.5))
def test_on_the_spot_detection_bounds_and_direction(det, j1, j2) -> None:
    lo, hi = sorted((j1, j2))
    d_lo, d_hi = mech.on_the_spot_detection(det, lo), mech.on_the_spot_detection(det, hi)
    assert 0.0 <= d_lo <= d_hi <= 1.0


@SETTINGS
@given(amount=st.floats(0.0, 1e4), over=st.floats(0.0, 5.0), j1=unit, j2=unit)
def test_on_the_spot_grant_never_below_the_policy_amount(amount, over, j1, j2) -> None:
    """Claim: discretion without judgement gives more than the policy amount, never less; exactly the
    amount at judgement 1; better judgement never gives more."""
    lo, hi = sorted((j1, j2))
    g_lo, g_hi = mech.on_the_spot_grant(amount, over, lo), mech.on_the_spot_grant(amount, over, hi)
    assert amount <= g_hi <= g_lo <= amount * (1.0 + over) * (1.0 + 1e-12)
    assert mech.on_the_spot_grant(amount, over, 1.0) == amount


# --------------------------------------------------------------------------
# Pay, hiring and staffing
# --------------------------------------------------------------------------


def test_pay_quit_factor() -> None:
    # By hand: exp(-elasticity * premium).
    assert mech.pay_quit_factor(0.0, 2.0) == 1.0
    assert mech.pay_quit_factor(0.5, 2.0) == approx(math.exp(-1.0))
    assert mech.pay_quit_factor(-0.2, 2.0) == approx(math.exp(0.4))  # below market: more quits
    assert mech.pay_quit_factor(0.5, 0.0) == 1.0


def test_applicants_per_vacancy() -> None:
    # By hand: round(base * (1 + premium) ** elasticity * (1 - loss * fit_weight)), at least 1.
    assert mech.applicants_per_vacancy(5.0, 0.0, 1.5, 0.0, 0.4) == 5
    assert mech.applicants_per_vacancy(5.0, 0.0, 1.5, 1.0, 0.4) == 3
    assert mech.applicants_per_vacancy(4.0, 0.5, 2.0, 0.0, 0.4) == 9  # 4 * 1.5 ** 2
    assert mech.applicants_per_vacancy(4.0, 0.5, 2.0, 0.5, 0.4) == 7  # 9 * 0.8 = 7.2
    assert mech.applicants_per_vacancy(1.0, 0.0, 1.0, 1.0, 1.0) == 1  # never fewer than one
    assert isinstance(mech.applicants_per_vacancy(5.0, 0.0, 1.5, 0.0, 0.4), int)


def test_time_to_fill_and_hiring_cost() -> None:
    # By hand: base * (1 + premium) ** -elasticity * (1 + search_share * fit_weight).
    assert mech.time_to_fill(30.0, 0.0, 1.0, 0.0, 0.5) == approx(30.0)
    assert mech.time_to_fill(30.0, 1.0, 1.0, 0.0, 0.5) == approx(15.0)
    assert mech.time_to_fill(30.0, 0.0, 1.0, 1.0, 0.5) == approx(45.0)
    assert mech.time_to_fill(30.0, 1.0, 1.0, 1.0, 0.5) == approx(22.5)
    # By hand: replacement share * (1 + search_share * fit_weight).
    assert mech.hiring_cost_share(0.2, 0.5, 0.0) == approx(0.2)
    assert mech.hiring_cost_share(0.2, 0.5, 1.0) == approx(0.3)
    assert mech.hiring_cost_share(0.2, 0.5, 0.5) == approx(0.25)


def test_coaching_hours_and_on_duty_share() -> None:
    # By hand: consistency * hours per employee-year * employees / 365.
    assert mech.coaching_hours_per_day(1.0, 52.0, 365.0) == approx(52.0)
    assert mech.coaching_hours_per_day(0.5, 52.0, 365.0) == approx(26.0)
    assert mech.coaching_hours_per_day(0.0, 52.0, 365.0) == 0.0
    assert mech.coaching_hours_per_day(1.5, 52.0, 365.0) == approx(52.0)  # consistency clipped
    # By hand: max(1 - shrinkage - coordination * orientation, 0.05).
    assert mech.on_duty_share(0.3, 0.1, 0.0) == approx(0.7)
    assert mech.on_duty_share(0.3, 0.1, 1.0) == approx(0.6)
    assert mech.on_duty_share(0.3, 0.1, 0.5) == approx(0.65)
    assert mech.on_duty_share(0.9, 0.2, 1.0) == 0.05  # floor


pay_premium = st.floats(-0.5, 2.0)


@SETTINGS
@given(m1=pay_premium, m2=pay_premium, elast=st.floats(0.0, 5.0), args=quit_args)
def test_more_pay_never_raises_quits(m1, m2, elast, args) -> None:
    lo, hi = sorted((m1, m2))
    f_lo, f_hi = mech.pay_quit_factor(lo, elast), mech.pay_quit_factor(hi, elast)
    assert 0.0 < f_hi <= f_lo
    a_lo, a_hi = list(args), list(args)
    a_lo[5], a_hi[5] = f_lo, f_hi
    assert mech.quit_probability(*a_hi) <= mech.quit_probability(*a_lo)


hiring_args = dict(
    m1=pay_premium,
    m2=pay_premium,
    w1=unit,
    w2=unit,
    elast=st.floats(0.0, 3.0),
    share=st.floats(0.0, 1.0),
)


@SETTINGS
@given(base=st.floats(0.0, 50.0), **hiring_args)
def test_applicants_rise_with_pay_and_fall_with_fit_weight(base, m1, m2, w1, w2, elast, share) -> None:
    m_lo, m_hi = sorted((m1, m2))
    w_lo, w_hi = sorted((w1, w2))
    n = mech.applicants_per_vacancy
    assert 1 <= n(base, m_lo, elast, w1, share) <= n(base, m_hi, elast, w1, share)
    assert 1 <= n(base, m1, elast, w_hi, share) <= n(base, m1, elast, w_lo, share)


@SETTINGS
@given(base=st.floats(1.0, 120.0), **hiring_args)
def test_time_to_fill_falls_with_pay_and_rises_with_fit_weight(base, m1, m2, w1, w2, elast, share) -> None:
    m_lo, m_hi = sorted((m1, m2))
    w_lo, w_hi = sorted((w1, w2))
    t = mech.time_to_fill
    assert 0.0 < t(base, m_hi, elast, w1, share) <= t(base, m_lo, elast, w1, share)
    assert t(base, m1, elast, w_lo, share) <= t(base, m1, elast, w_hi, share)
    c = mech.hiring_cost_share
    assert base / 1000.0 <= c(base / 1000.0, share, w_lo) <= c(base / 1000.0, share, w_hi)


@SETTINGS
@given(c=unit, hours=st.floats(0.0, 200.0), staff=st.floats(0.0, 5000.0))
def test_coaching_hours_scale_linearly(c, hours, staff) -> None:
    """Claim: coaching time is linear in consistency and in staff."""
    full = mech.coaching_hours_per_day(1.0, hours, staff)
    assert mech.coaching_hours_per_day(c, hours, staff) == approx(c * full, rel=1e-12, abs=1e-12)
    assert mech.coaching_hours_per_day(c, hours, 2.0 * staff) == approx(
        2.0 * mech.coaching_hours_per_day(c, hours, staff), rel=1e-12, abs=1e-12
    )
    assert mech.coaching_hours_per_day(c, hours, 0.0) == 0.0


@SETTINGS
@given(shrink=st.floats(0.0, 1.0), coord=st.floats(0.0, 1.0), o1=unit, o2=unit)
def test_on_duty_share_falls_with_orientation_with_a_floor(shrink, coord, o1, o2) -> None:
    lo, hi = sorted((o1, o2))
    s_lo, s_hi = mech.on_duty_share(shrink, coord, lo), mech.on_duty_share(shrink, coord, hi)
    assert 0.05 <= s_hi <= s_lo <= 1.0


@SETTINGS
@given(
    amount=st.floats(0.0, 1e5),
    judgement=unit,
    manager=unit,
    p_max=unit,
    reference=st.floats(1.0, 1e4),
    factor=unit,
)
def test_an_approval_is_never_riskier_than_the_same_decision_on_the_spot(
    amount, judgement, manager, p_max, reference, factor
) -> None:
    """Claim (accountability): a manager's review of a decision never raises its breach risk, whatever the
    manager's judgement, and a larger grant is never less risky."""
    spot = mech.breach_probability(amount, judgement, False, p_max, reference, factor, manager)
    reviewed = mech.breach_probability(amount, judgement, True, p_max, reference, factor, manager)
    assert reviewed <= spot + 1e-15
    assert mech.breach_probability(amount * 2 + 1, judgement, False, p_max, reference, factor, manager) >= spot


def test_compliance_detection_and_cap() -> None:
    # An exponential lag: a share 1 - exp(-1/lag) of what is still hidden is found each day; all at once at 0.
    assert mech.detected_share(0.0) == 1.0
    assert mech.detected_share(365.0) == approx(1.0 - math.exp(-1.0 / 365.0))
    # Penalties are capped per provision and calendar year.
    assert mech.capped_penalty(50_000.0, 0.0, 2e6) == 50_000.0
    assert mech.capped_penalty(50_000.0, 1.98e6, 2e6) == approx(20_000.0)
    assert mech.capped_penalty(50_000.0, 2e6, 2e6) == 0.0


def test_recovery_chases_and_change_stocks() -> None:
    assert mech.chases(0.0, 480.0) == 0
    assert mech.chases(479.0, 480.0) == 0
    assert mech.chases(960.0, 480.0) == 2
    assert mech.chases(1e6, 480.0) == mech.MAX_CHASES
    # Guideline competence: toward 1 under guidelines, toward 0 without; consistent coaching speeds it up.
    assert mech.competence_update(0.0, True, 180.0, 0.5) == approx(1.0 / 180.0)
    assert mech.competence_update(0.0, True, 180.0, 1.0) == approx(1.5 / 180.0)
    assert mech.competence_update(1.0, False, 180.0, 0.5) == approx(1.0 - 1.0 / 180.0)
    assert mech.competent_judgement(0.8, 1.0, 0.5) == approx(0.8)
    assert mech.competent_judgement(0.8, 0.0, 0.5) == approx(0.4)
    # The premium follows the experience: a rise only as far as the reputation earns it, a cut at once.
    wtp = mech.willingness_to_pay(0.775, 0.16, 0.65, 0.9)  # 0.08
    assert mech.charged_premium(0.0, 0.15, 0.775, 0.16, 0.65, 0.9) == approx(wtp)
    assert mech.charged_premium(0.0, 0.05, 0.775, 0.16, 0.65, 0.9) == approx(0.05)
    assert mech.charged_premium(0.12, 0.15, 0.7, 0.16, 0.65, 0.9) == approx(0.12)  # never taken back
    assert mech.charged_premium(0.12, -0.1, 0.9, 0.16, 0.65, 0.9) == approx(-0.1)
    # Measures: inside-out cuts time per contact; outside-in does not.
    assert mech.measures_factor(1.0, 0.15) == approx(0.85)
    assert mech.measures_factor(0.0, 0.15) == 1.0
    assert mech.change_size(0.8, 0.6, 0.3, 0.4) == 1.0
    assert mech.change_size(0.1, 0.0, -0.1, 0.0) == approx(0.2)


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
@settings(max_examples=60, deadline=None)
def test_monitoring_strain_grows_with_inside_out_measures(weight: float, a: float, b: float) -> None:
    """Claim (Holman et al. 2002; Deery et al. 2002): being managed to handle time strains the frontline, more
    the more the firm manages inside-out; managing outside-in adds none, and the strain never exceeds its
    weight. Through the stress drive it raises stress."""
    lo, hi = sorted((a, b))
    assert mech.monitoring_strain(weight, 0.0) == 0.0
    assert mech.monitoring_strain(weight, 1.0) == pytest.approx(weight)
    assert mech.monitoring_strain(weight, lo) <= mech.monitoring_strain(weight, hi) <= weight
    calm = mech.stress_update(0.0, 0.0, mech.monitoring_strain(weight, lo), 20.0, 0.1)
    timed = mech.stress_update(0.0, 0.0, mech.monitoring_strain(weight, hi), 20.0, 0.1)
    assert calm <= timed
