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
    base = 1.0 - math.exp(-0.12 / 365.0)
    assert mech.churn_probability(0.8, 0.0, 1.0, 0.12, 0.8, 6.0, 3.0) == approx(base)
    assert mech.churn_probability(0.7, 0.0, 1.0, 0.12, 0.8, 6.0, 3.0) == approx(
        1.0 - math.exp(-0.12 * math.exp(0.6) / 365.0)
    )
    assert mech.churn_probability(0.8, 0.1, 1.0, 0.12, 0.8, 6.0, 3.0) == approx(1.0 - math.exp(-0.12 * 1.3 / 365.0))
    assert mech.churn_probability(0.8, 0.1, 0.0, 0.12, 0.8, 6.0, 3.0) == approx(base)  # insensitive


def test_referrals_nps_opportunists() -> None:
    assert mech.referral_rate(100.0, 20.0, 0.25, 0.25) == approx(20.0 / 365.0)
    assert mech.referral_rate(10.0, 100.0, 0.25, 0.25) == 0.0
    assert mech.net_promoter_score(30.0, 10.0, 100.0) == approx(20.0)
    assert mech.net_promoter_score(3.0, 1.0, 0.0) == 0.0
    assert mech.new_opportunist_share(0.12, 1.0, 1.0, 0.5) == approx(0.18)
    assert mech.new_opportunist_share(0.12, 0.0, 1.0, 0.5) == approx(0.12)
    assert mech.new_opportunist_share(0.8, 1.0, 1.0, 5.0) == 0.9


def test_compliance_chain_autonomy() -> None:
    assert mech.breach_probability(250.0, 0.01, 250.0) == approx(0.005)
    assert mech.breach_probability(0.0, 0.01, 250.0) == 0.0
    assert mech.handoff_delay_mean(4.0, 0.0) == approx(4.0)
    assert mech.handoff_delay_mean(4.0, 1.0) == approx(1.2)
    assert mech.handoff_failure_probability(0.25, 0.0) == approx(0.25)
    assert mech.handoff_failure_probability(0.25, 1.0) == approx(0.05)
    assert mech.autonomy(False, 1000.0, 0.2, 0.9) == 0.2
    assert mech.autonomy(True, 0.0, 0.2, 0.9) == approx(0.2)
    assert mech.autonomy(True, 50.0, 0.2, 0.9) == approx(0.55)  # halfway at 50 USD


def test_overload_stress_engagement() -> None:
    assert mech.overload(0.8, 0.8) == 0.0
    assert mech.overload(0.9, 0.8) == approx(0.5)
    assert mech.overload(1.0, 0.8) == approx(1.0)
    assert mech.overload(1.0, 1.0) == 0.0
    assert mech.stress_update(0.0, 1.0, 20.0, 0.0) == approx(0.05)
    assert mech.stress_update(0.0, 1.0, 20.0, 1.0) == approx(0.025)
    t = mech.engagement_target(0.1, 0.2, 0.5, 0.3, 0.5, 0.8, 0.4, 0.2, 0.35, 0.15, 0.1, 0.15, 0.25)
    assert t == approx(0.1 + 0.04 + 0.175 + 0.045 + 0.05 + 0.12 - 0.1)
    assert mech.engagement_target(0.9, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1) == 1.0
    assert mech.engagement_update(0.5, 0.8, 3.0, 0.01) == approx(0.61)


def test_quit_probability() -> None:
    args = dict(
        fit=0.5,
        stress=0.0,
        people_first=0.0,
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


@SETTINGS
@given(s1=unit, s2=unit, premium=unit, **churn_rest)
def test_higher_satisfaction_never_raises_churn(s1, s2, premium, sens, per_year, ref, slope, elast) -> None:
    lo, hi = sorted((s1, s2))
    p_hi = mech.churn_probability(hi, premium, sens, per_year, ref, slope, elast)
    p_lo = mech.churn_probability(lo, premium, sens, per_year, ref, slope, elast)
    assert p_hi <= p_lo
    assert 0.0 <= p_hi <= 1.0


@SETTINGS
@given(sat=unit, m1=unit, m2=unit, **churn_rest)
def test_higher_premium_never_lowers_churn(sat, m1, m2, sens, per_year, ref, slope, elast) -> None:
    lo, hi = sorted((m1, m2))
    assert mech.churn_probability(sat, hi, sens, per_year, ref, slope, elast) >= mech.churn_probability(
        sat, lo, sens, per_year, ref, slope, elast
    )


quit_args = st.tuples(
    unit,  # engagement
    st.floats(0.0, 3000.0),  # tenure
    unit,  # fit
    unit,  # stress
    unit,  # people_first
    st.floats(0.0, 5.0),  # base
    st.floats(0.0, 20.0),  # engagement slope
    st.floats(0.0, 20.0),  # fit slope
    st.floats(0.0, 20.0),  # stress slope
    unit,  # people-first effect
    st.floats(0.0, 730.0),  # early tenure days
    st.floats(1.0, 20.0),  # early multiplier
)


@SETTINGS
@given(args=quit_args, e2=unit, s2=unit, t2=st.floats(0.0, 3000.0))
def test_quit_probability_directions(args, e2, s2, t2) -> None:
    """Claim: lower engagement, more stress and early tenure never lower the quit hazard."""
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
    assert in01(mech.breach_probability(wait * 10, a, days + 1.0))
    assert in01(mech.autonomy(bool(n % 2), wait * 10, a, b))
    assert in01(mech.new_opportunist_share(a, b, x, abs(x)))
    assert in01(mech.overload(a, b))
    assert in01(mech.stress_update(a, b, days, c))
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
    """Claim: the price paid is part of the experience; no premium or no sensitivity costs nothing."""
    assert mech.value_for_money(0.0, 1.0, 0.5) == 1.0
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
