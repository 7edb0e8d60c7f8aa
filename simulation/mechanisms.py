"""The model's mechanisms as small pure functions, shared by both engines.

Each function encodes one claim of the conceptual model (``shared/model.md``)
and is compiled with ``numba.njit(cache=True)`` so the array engine can call
it from nopython kernels; Python code (the mesa engine, tests, notebooks)
calls the same compiled function. A mechanism changed here changes in both
engines.

Conventions: satisfaction, engagement, skills, stress and policy indices are
in [0, 1]; times are minutes inside the service day and days outside it;
hazards are turned into daily probabilities with ``1 - exp(-h / 365)`` from
annual rates. Functions that draw random numbers take a
``numpy.random.Generator`` as their first argument and nothing global.

The equations are documented, with their sources, in ``docs/ODD.md``
(section 7, submodels).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from simulation.scenario.schema import DAYS_PER_YEAR

# Problem outcomes of an encounter (codes shared by both engines).
NO_PROBLEM = 0
UNVOICED = 1  # the customer had a problem and did not tell anyone
UNRESOLVED = 2  # voiced, but denied or left unresolved
RESOLVED = 3  # voiced and resolved (speed and adequacy matter)

# TARP (Goodman): share of customers still loyal after a problem, by what
# happened to it: never complained / complained, unresolved / resolved /
# resolved quickly. Small and large problems.
TARP_SMALL = (0.37, 0.46, 0.70, 0.95)
TARP_LARGE = (0.09, 0.19, 0.54, 0.82)

# Experience of a customer who gave up in the queue.
ABANDON_EXPERIENCE = 0.25

# Discretion limit (USD) at which felt autonomy is halfway between the
# approval level and the full-guidelines level.
AUTONOMY_HALF_LIMIT_USD = 50.0

# Structural constants both engines share (one definition, so the engines cannot drift apart).
REGULAR, PRICE_SENSITIVE, OPPORTUNIST = 0, 1, 2  # customer segments
MAX_REWORKS = 3  # at most this many reworks of one hand-off
EXPECTED_WAIT_RATE = 0.2  # share of the gap to the latest wait by which a customer's expected wait moves
PROPENSITY_SHAPE = 2.0  # shape of the gamma spread of contact propensity between customers
VACANCY_SHAPE = 4.0  # shape of the gamma distribution of vacancy durations
INITIAL_TENURE_MEAN_DAYS = 730.0  # mean tenure (days) of the initial workforce
ABUSE_MEMORY_DAYS = 30.0  # smoothing (days) of the abuse grant rate that opportunists respond to


@njit(cache=True)
def clip01(x: float) -> float:
    """Clamp to [0, 1]."""
    if x < 0.0:
        return 0.0
    if x > 1.0:
        return 1.0
    return x


@njit(cache=True)
def daily_probability(annual_hazard: float) -> float:
    """Daily event probability of a constant annual hazard rate (per year)."""
    if annual_hazard <= 0.0:
        return 0.0
    return 1.0 - math.exp(-annual_hazard / DAYS_PER_YEAR)


@njit(cache=True)
def smooth(level: float, value: float, days: float) -> float:
    """First-order exponential smoothing with a time constant in days (one daily step)."""
    if days <= 1.0:
        return value
    return level + (value - level) / days


# --------------------------------------------------------------------------
# Service encounter
# --------------------------------------------------------------------------


@njit(cache=True)
def ramp_productivity(tenure_days: float, ramp_days: float) -> float:
    """Productivity of a new hire: 50 % on day 0, rising linearly to 100 % at ``ramp_days``.

    Claim: new frontline staff take about 13 weeks to reach full competency.
    """
    if ramp_days <= 0.0 or tenure_days >= ramp_days:
        return 1.0
    return 0.5 + 0.5 * tenure_days / ramp_days


@njit(cache=True)
def service_time_mean(
    handle_time_min: float,
    technical_skill: float,
    data_access: float,
    productivity: float,
    time_factor: float,
) -> float:
    """Mean handle time (min) of one routine contact by one employee.

    Claim: service time falls with technical skill (x1.3 at skill 0 to x0.7 at
    skill 1) and with frontline access to customer data (up to -20 %); a new
    hire is slower (``productivity`` < 1); under pressure employees cut
    corners (``time_factor`` < 1, see :func:`time_pressure_factor`).
    """
    skill_factor = 1.3 - 0.6 * clip01(technical_skill)
    data_factor = 1.0 - 0.2 * clip01(data_access)
    return handle_time_min * skill_factor * data_factor * time_factor / max(productivity, 0.05)


@njit(cache=True)
def resolution_probability(
    base_resolution: float,
    technical_skill: float,
    soft_skill: float,
    engagement: float,
    data_access: float,
    productivity: float,
    time_factor: float,
    quality_elasticity: float,
) -> float:
    """Probability that a contact is resolved (first-contact resolution).

    Claim: resolution quality rises with technical skill, engagement (both
    +0.2 per unit), soft skill and data access (+0.1 per unit), is lower for new hires, and falls when
    employees spend less time than the work needs (corner cutting:
    ``time_factor ** quality_elasticity``).
    """
    p = (
        base_resolution
        + 0.20 * (technical_skill - 0.5)
        + 0.10 * (soft_skill - 0.5)
        + 0.20 * (engagement - 0.5)
        + 0.10 * (data_access - 0.5)
    )
    p *= math.sqrt(max(productivity, 0.0))
    p *= max(time_factor, 0.0) ** quality_elasticity
    return min(0.99, max(0.01, p))


@njit(cache=True)
def courtesy(soft_skill: float, engagement: float) -> float:
    """Courtesy and warmth the customer perceives, in [0, 1].

    Claim: the experience side of service comes from soft skills and from
    engaged staff in equal parts (the employee-customer link, Rucci, Kirn &
    Quinn 1998).
    """
    return clip01(0.5 * soft_skill + 0.5 * engagement)


@njit(cache=True)
def problem_outcome_factor(
    outcome: int, large: bool, adequacy: float, delay_min: float, speed_scale_min: float
) -> float:
    """Multiplier on an encounter's experience from what happened to a problem.

    Claim (TARP): of customers with a small problem 37 % stay loyal if they
    never complain, 46 % if they complain and it is not resolved, 70 % if it
    is resolved and 95 % if resolved quickly (large problems: 9/19/54/82 %).
    A recovery's value decays with its delay (``exp(-delay/speed_scale)``)
    and scales with its adequacy (granted share of the claim). The factor
    never exceeds 1: recovery does not lift a customer above one who never
    had a problem (the service recovery paradox does not reach loyalty, de
    Matos et al. 2007).
    """
    if outcome == NO_PROBLEM:
        return 1.0
    table = TARP_LARGE if large else TARP_SMALL
    if outcome == UNVOICED:
        return table[0]
    if outcome == UNRESOLVED:
        return table[1]
    speed = math.exp(-max(delay_min, 0.0) / max(speed_scale_min, 1e-9))
    resolved = table[2] + (table[3] - table[2]) * speed
    a = clip01(adequacy)
    return table[1] + (resolved - table[1]) * a


@njit(cache=True)
def experience_score(
    wait_min: float,
    patience_scale_min: float,
    resolved: bool,
    courtesy_level: float,
    failed_handoffs: int,
    transfer_penalty: float,
    outcome_factor: float,
) -> float:
    """Experience score of one served encounter, in [0, 1].

    Claim: experience is made of the wait (relative to what the customer will
    tolerate), resolution, courtesy, hand-off failures along the internal
    chain (each transfer costs about 12 %, SQM) and, for a problem, how it
    was recovered (:func:`problem_outcome_factor`). Weights: 0.45 floor,
    resolution 0.25, courtesy 0.20, waiting 0.10.
    """
    # exp(0) and x**0 are exactly 1: skipping them for the common no-wait, no-failure contact changes no bit.
    wait_term = math.exp(-wait_min / max(patience_scale_min, 1e-9)) if wait_min > 0.0 else 1.0
    e = 0.45 + 0.25 * (1.0 if resolved else 0.0) + 0.20 * clip01(courtesy_level) + 0.10 * wait_term
    if failed_handoffs > 0:
        e *= (1.0 - clip01(transfer_penalty)) ** failed_handoffs
    e *= outcome_factor
    return clip01(e)


@njit(cache=True)
def value_for_money(price_premium: float, price_sensitivity: float, value_weight: float) -> float:
    """Multiplier on an encounter's experience from the price paid, in [0, 1].

    Claim: the price paid is part of the experience (model.md, process 5): a
    premium lowers perceived value for price-sensitive customers. Customers
    say they would pay up to 16 % more for a great experience (PwC 2018), so
    the penalty is small: ``1 - value_weight * premium * sensitivity``.
    """
    return clip01(1.0 - value_weight * max(price_premium, 0.0) * clip01(price_sensitivity))


@njit(cache=True)
def satisfaction_update(satisfaction: float, experience: float, rate: float) -> float:
    """Satisfaction moves a share ``rate`` of the way toward each encounter's experience.

    Claim: satisfaction is an accumulation of experiences; recent ones weigh
    more (exponential smoothing per encounter).
    """
    return clip01(satisfaction + rate * (experience - satisfaction))


@njit(cache=True)
def patience_mean(base_patience_min: float, adaptation: float, expected_wait_min: float) -> float:
    """Mean patience (min), adapted to the waits the customer has learned to expect.

    Claim: patience adapts to expected waits (Zohar, Mandelbaum & Shimkin 2002).
    """
    return base_patience_min + adaptation * max(expected_wait_min, 0.0)


# --------------------------------------------------------------------------
# Loyalty
# --------------------------------------------------------------------------


@njit(cache=True)
def churn_probability(
    satisfaction: float,
    price_premium: float,
    price_sensitivity: float,
    churn_per_year: float,
    reference_satisfaction: float,
    churn_slope: float,
    price_elasticity: float,
) -> float:
    """Daily probability that an active customer leaves.

    Claim: the churn hazard falls with satisfaction (log-linear,
    ``churn_per_year`` at the reference satisfaction) and rises with the
    price premium times the customer's price sensitivity.
    """
    h = churn_per_year * math.exp(churn_slope * (reference_satisfaction - satisfaction))
    h *= 1.0 + price_elasticity * price_premium * price_sensitivity
    return daily_probability(h)


@njit(cache=True)
def referral_rate(promoters: float, detractors: float, per_promoter_year: float, per_detractor_year: float) -> float:
    """Expected referred new customers per day (never negative).

    Claim: satisfied customers refer new ones and detractors deter them
    (word of mouth); net referrals are a Poisson rate.
    """
    r = (promoters * per_promoter_year - detractors * per_detractor_year) / DAYS_PER_YEAR
    return max(r, 0.0)


@njit(cache=True)
def paid_acquisition_rate(
    active: float,
    target: float,
    baseline_per_day: float,
    catch_up_days: float,
    cap_per_day: float,
) -> float:
    """Expected customers bought by marketing per day.

    Claim: marketing acquires the rest: always-on marketing buys a baseline,
    and the firm buys the gap between its customer target and its active
    base (what churn took and referrals did not replace) at a set pace,
    within a budget cap. Acquiring a customer costs 5-25x keeping one, so a
    firm that loses customers pays to stand still.
    """
    gap = max(target - active, 0.0)
    return baseline_per_day + min(gap / max(catch_up_days, 1.0), cap_per_day)


@njit(cache=True)
def net_promoter_score(promoters: float, detractors: float, n: float) -> float:
    """NPS in [-100, 100]: promoters minus detractors, in percent of customers."""
    if n <= 0.0:
        return 0.0
    return 100.0 * (promoters - detractors) / n


@njit(cache=True)
def new_opportunist_share(base_share: float, generosity: float, abuse_grant_rate: float, attraction: float) -> float:
    """Share of opportunists among new customers.

    Claim: opportunists seek out lenient policies ('customer-compelled is not
    customer-focused'): the share rises with how generous grants are and how
    often abusive claims are granted.
    """
    return min(0.9, base_share * (1.0 + attraction * generosity * clip01(abuse_grant_rate)))


# --------------------------------------------------------------------------
# Exceptions, compliance, internal chain
# --------------------------------------------------------------------------


@njit(cache=True)
def breach_probability(discretion_limit_usd: float, breach_probability_max: float, reference_limit_usd: float) -> float:
    """Probability that one discretionary decision breaches compliance.

    Claim: in a regulated domain the risk of a discretionary decision grows
    with the authority given (half the maximum at the reference limit):
    empowerment must match accountability.
    """
    lim = max(discretion_limit_usd, 0.0)
    return breach_probability_max * lim / (lim + reference_limit_usd)


@njit(cache=True)
def handoff_delay_mean(base_delay_min: float, internal_orientation: float) -> float:
    """Mean hand-off transmission delay (min).

    Claim: a chain that treats colleagues as internal customers passes work
    on faster (up to -70 %).
    """
    return base_delay_min * (1.0 - 0.7 * clip01(internal_orientation))


@njit(cache=True)
def handoff_failure_probability(base_failure: float, internal_orientation: float) -> float:
    """Probability a hand-off fails and must be reworked.

    Claim: internal-customer orientation cuts hand-off failures (up to -80 %).
    """
    return base_failure * (1.0 - 0.8 * clip01(internal_orientation))


@njit(cache=True)
def autonomy(
    guidelines: bool, discretion_limit_usd: float, autonomy_approval: float, autonomy_guidelines: float
) -> float:
    """Felt autonomy of employees under the empowerment policy (before control drift re-gates decisions).

    Claim: approval gating takes autonomy away; guidelines give it in
    proportion to the authority (discretion limit) they carry.
    """
    if not guidelines:
        return autonomy_approval
    lim = max(discretion_limit_usd, 0.0)
    return autonomy_approval + (autonomy_guidelines - autonomy_approval) * lim / (lim + AUTONOMY_HALF_LIMIT_USD)


@njit(cache=True)
def felt_autonomy(
    guidelines: bool,
    discretion_limit_usd: float,
    autonomy_approval: float,
    autonomy_guidelines: float,
    gate_share: float,
) -> float:
    """Felt autonomy when a share ``gate_share`` of discretionary decisions is re-gated.

    Claim: control drift in a growing firm (re-gating decisions that
    guidelines had delegated) takes autonomy back toward the approval level.
    """
    base = autonomy(guidelines, discretion_limit_usd, autonomy_approval, autonomy_guidelines)
    return base + (autonomy_approval - base) * gate_share


# --------------------------------------------------------------------------
# Employees
# --------------------------------------------------------------------------


@njit(cache=True)
def overload(busy_share: float, target_occupancy: float) -> float:
    """Overload in [0, 1]: 0 at or below the target occupancy, 1 when busy all day.

    Claim: above 85-90 % occupancy for long, quality falls and attrition rises.
    """
    if busy_share <= target_occupancy or target_occupancy >= 1.0:
        return 0.0
    return clip01((busy_share - target_occupancy) / (1.0 - target_occupancy))


@njit(cache=True)
def stress_update(stress: float, overload_level: float, stress_days: float, people_first: float) -> float:
    """Stress follows overload with a delay; people-first investment halves it at level 1."""
    return clip01(smooth(stress, overload_level * (1.0 - 0.5 * clip01(people_first)), stress_days))


@njit(cache=True)
def engagement_target(
    baseline: float,
    autonomy_level: float,
    leadership: float,
    people_first: float,
    fit: float,
    mirror: float,
    stress: float,
    w_autonomy: float,
    w_leadership: float,
    w_people_first: float,
    w_fit: float,
    w_mirror: float,
    w_overload: float,
) -> float:
    """The engagement an employee drifts toward, in [0, 1].

    Claim: engagement rises with autonomy, the consistency of the manager's
    example (the largest weight: managers explain most of the variance),
    people-first investment, culture fit and the satisfaction of the
    customers served (the satisfaction mirror); stress from sustained
    overload drains it.
    """
    t = (
        baseline
        + w_autonomy * autonomy_level
        + w_leadership * leadership
        + w_people_first * people_first
        + w_fit * fit
        + w_mirror * mirror
        - w_overload * stress
    )
    return clip01(t)


@njit(cache=True)
def engagement_update(engagement: float, target: float, adjustment_days: float, noise: float) -> float:
    """Engagement moves toward its target with a time constant, plus daily noise."""
    return clip01(smooth(engagement, target, adjustment_days) + noise)


@njit(cache=True)
def quit_probability(
    engagement: float,
    tenure_days: float,
    fit: float,
    stress: float,
    people_first: float,
    base_quit_per_year: float,
    engagement_slope: float,
    fit_slope: float,
    stress_slope: float,
    people_first_effect: float,
    early_tenure_days: float,
    early_tenure_multiplier: float,
) -> float:
    """Daily probability that an employee quits.

    Claim: the quit hazard rises as engagement falls (top-quartile units have
    21-51 % lower turnover), falls with culture fit and people-first
    investment, rises with stress, and is several times higher in the first
    90 days (about 43 % of exits).
    """
    h = base_quit_per_year * math.exp(
        engagement_slope * (0.5 - engagement) + fit_slope * (0.5 - fit) + stress_slope * stress
    )
    h *= 1.0 - people_first_effect * clip01(people_first)
    if tenure_days < early_tenure_days:
        h *= early_tenure_multiplier
    return daily_probability(h)


@njit(cache=True)
def hire_draw(
    rng: np.random.Generator, fit_weight: float, applicants: int, hero_share: float
) -> tuple[float, float, float]:
    """Draw one hire (technical skill, soft skill, culture fit) from an applicant pool.

    Claim: hiring for skill or for fit shapes the mix of hires: the firm
    screens ``applicants`` candidates and hires the best on
    ``(1 - fit_weight) * skill + fit_weight * fit``. Soft skill correlates
    with fit (values and empathy go together). A ``hero_share`` of hires are
    service heroes with skills near the top.
    """
    best_score = -1.0
    best_t = 0.0
    best_s = 0.0
    best_f = 0.0
    for _ in range(max(applicants, 1)):
        t = rng.beta(4.0, 4.0)
        f = rng.beta(4.0, 4.0)
        s = clip01(0.5 * f + 0.5 * rng.beta(4.0, 4.0))
        score = (1.0 - fit_weight) * t + fit_weight * f
        if score > best_score:
            best_score = score
            best_t = t
            best_s = s
            best_f = f
    # Drawn whatever the share, so firms with and without heroes keep common random numbers.
    if rng.random() < hero_share:
        best_t = max(best_t, 0.95)
        best_s = max(best_s, 0.95)
    return best_t, best_s, best_f


@njit(cache=True)
def training_gain(skill: float, hours: float, gain_per_100h: float) -> float:
    """Skill gained from ``hours`` of training (diminishing returns as skill nears 1).

    Claim: training raises skills (soft-skill programmes: +11-12 % productivity).
    """
    return max(hours, 0.0) / 100.0 * gain_per_100h * (1.0 - clip01(skill))


@njit(cache=True)
def training_decay(trained: float, half_life_days: float, ongoing_support: float) -> float:
    """Trained skill left after one day of decay.

    Claim: without use and support half of a training gain is lost in 6.5
    (accuracy) to 13 (speed) months (Arthur et al. 1998); ongoing support
    slows the decay (none at support 1).
    """
    rate = math.log(2.0) / max(half_life_days, 1e-9) * (1.0 - clip01(ongoing_support))
    return trained * math.exp(-rate)


@njit(cache=True)
def train_skill(
    innate: float, trained: float, hours: float, half_life_days: float, ongoing_support: float, gain_per_100h: float
) -> float:
    """One day of one skill's training: the trained part decays, then today's hours add to it.

    The gain's diminishing returns use the skill after today's decay (innate plus trained, at most 1).
    Returns the new trained part.
    """
    trained = training_decay(trained, half_life_days, ongoing_support)
    return trained + training_gain(min(1.0, innate + trained), hours, gain_per_100h)


@njit(cache=True)
def beta_mean_sd(rng: np.random.Generator, mean: float, sd: float) -> float:
    """A beta draw with the given mean and standard deviation (the mean itself when sd is 0).

    Used for the satisfaction of initial and new customers.
    """
    mean = min(max(mean, 1e-3), 1.0 - 1e-3)
    var = sd * sd
    if var <= 0.0:
        return mean
    var = min(var, mean * (1.0 - mean) * 0.99)
    k = mean * (1.0 - mean) / var - 1.0
    return rng.beta(mean * k, (1.0 - mean) * k)


# --------------------------------------------------------------------------
# Corner cutting and erosion (Oliva & Sterman 2001)
# --------------------------------------------------------------------------


@njit(cache=True)
def time_pressure_factor(pressure: float, elasticity: float, floor: float) -> float:
    """Time spent per task relative to the standard, given work pressure.

    Claim: under pressure (demanded / sustainable occupancy above 1)
    employees cut corners: time per task falls with elasticity about -0.6,
    down to a floor.
    """
    if pressure <= 1.0:
        return 1.0
    return max(floor, pressure**elasticity)


@njit(cache=True)
def standard_update(standard: float, practice: float, erosion_days: float, recovery_days: float) -> float:
    """The service standard (time the staff consider proper, 1 = original) after one day.

    Claim: standards erode toward practice within about 19 weeks when
    corners are cut, and recover only slowly when pressure eases (erosion is
    sticky).
    """
    if practice < standard:
        return smooth(standard, practice, erosion_days)
    return min(1.0, smooth(standard, 1.0, recovery_days))


@njit(cache=True)
def time_factor(standard: float, pressure: float, elasticity: float, floor: float) -> float:
    """Time actually spent per task relative to the original standard: the eroded
    standard times today's corner cutting, never below the floor (some work cannot be
    skipped)."""
    return max(floor, standard * time_pressure_factor(pressure, elasticity, floor))
