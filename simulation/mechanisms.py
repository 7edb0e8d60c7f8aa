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

from simulation.scenario.schema import DAYS_PER_YEAR, SEGMENTS  # noqa: F401  (SEGMENTS: the names of the codes below)

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
# An overcharge weighs 2.25 times a bargain of the same size (loss aversion, Tversky & Kahneman 1992).
LOSS_AVERSION = 2.25
JUDGEMENT_STRETCH = 2.5  # slope of judgement around 0.5 in its drivers' weighted mean (see judgement)
MAX_CHASES = 3  # at most this many contacts chasing one recovery
LEARNED_LIMIT_SHARE = 0.95  # a serial abuser who has met the discretion limit claims at most this share of it
PENDING = 4  # problem outcome of a voiced problem whose recovery episode is still open


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
def discretion_index(guidelines: bool, discretion_limit_usd: float) -> float:
    """How much discretion the job carries, in [0, 1): 0 under approval gating, half at a 50 USD limit.

    The same saturating curve sets felt autonomy (:func:`autonomy`), the extra ramp-up of a job with
    discretion and the onboarding in the guidelines.
    """
    if not guidelines:
        return 0.0
    lim = max(discretion_limit_usd, 0.0)
    return lim / (lim + AUTONOMY_HALF_LIMIT_USD)


@njit(cache=True)
def ramp_days(base_days: float, discretion_days: float, discretion: float, technical_innate: float) -> float:
    """Days for one hire to reach full productivity.

    Claim: about 13 weeks in contact centres for a hire of middling skill in scripted work; a less
    skilled hire (as hiring for fit brings) takes longer (``x (1.5 - skill)``), and a job with
    discretion takes longer to learn than a scripted one (the low road's advantage).
    """
    return max(base_days * (1.5 - clip01(technical_innate)) + discretion_days * clip01(discretion), 0.0)


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
def willingness_to_pay(
    satisfaction: float, wtp_max: float, floor_satisfaction: float, full_satisfaction: float
) -> float:
    """Premium over the market price a customer is willing to pay for the experience they have had.

    Claim: customers say they would pay up to 16 % more for a great experience and nothing more for a
    poor one (PwC 2018): zero at or below ``floor_satisfaction``, ``wtp_max`` at or above
    ``full_satisfaction``, linear in between.
    """
    span = max(full_satisfaction - floor_satisfaction, 1e-9)
    return wtp_max * clip01((satisfaction - floor_satisfaction) / span)


@njit(cache=True)
def overcharge(
    price_premium: float, satisfaction: float, wtp_max: float, floor_satisfaction: float, full_satisfaction: float
) -> float:
    """The premium minus what an experience at ``satisfaction`` is worth (:func:`willingness_to_pay`): positive
    when the price exceeds it, negative for a bargain. A customer judges by their own satisfaction, a prospect by
    the firm's reputation."""
    return price_premium - willingness_to_pay(satisfaction, wtp_max, floor_satisfaction, full_satisfaction)


@njit(cache=True)
def price_response(overcharge: float, sensitivity: float, elasticity: float) -> float:
    """Multiplier on a hazard (churn) or the inverse of one on a rate (conversion) from the price gap.

    ``overcharge`` is the premium minus the willingness to pay: positive when the price exceeds what
    the experience is worth. Claim: the response is log-linear in the gap times the customer's price
    sensitivity, and a bargain (negative gap) counts less than an overcharge of the same size (loss
    aversion, Tversky & Kahneman 1992).
    """
    x = elasticity * clip01(sensitivity) * overcharge
    if x < 0.0:
        x /= LOSS_AVERSION
    return math.exp(x)


@njit(cache=True)
def value_for_money(overcharge: float, price_sensitivity: float, value_weight: float) -> float:
    """Multiplier on an encounter's experience from the price paid, in [0, 1].

    Claim: the price paid is part of the experience (model.md, process 5): paying more than the
    experience is worth to the customer (``overcharge`` = premium minus willingness to pay) lowers it,
    more for price-sensitive customers: ``1 - value_weight * overcharge * sensitivity``. A premium the
    experience earns costs nothing.
    """
    return clip01(1.0 - value_weight * max(overcharge, 0.0) * clip01(price_sensitivity))


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
    overcharge: float,
    price_sensitivity: float,
    churn_per_year: float,
    reference_satisfaction: float,
    churn_slope: float,
    price_elasticity: float,
) -> float:
    """Daily probability that an active customer leaves.

    Claim: the churn hazard falls with satisfaction (log-linear,
    ``churn_per_year`` at the reference satisfaction) and rises when the
    price exceeds what the customer's experience is worth to them
    (``overcharge`` = premium minus willingness to pay, times the customer's
    price sensitivity, :func:`price_response`); a bargain lowers it.
    """
    h = churn_per_year * math.exp(churn_slope * (reference_satisfaction - satisfaction))
    h *= price_response(overcharge, price_sensitivity, price_elasticity)
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
def acquisition_yield(
    prospects: float,
    initial_prospects: float,
    reputation: float,
    reference_satisfaction: float,
    cac_reputation_slope: float,
    conversion: float,
) -> float:
    """Customers a marketing dollar buys relative to an untouched market at a neutral reputation.

    Claim: the market is finite and remembers: as prospects run out each one costs more to find
    (``prospects / initial_prospects``), a firm with a good name converts them more cheaply
    (``exp(slope * (reputation - reference))``) and a price above what its experience is worth
    converts fewer (``conversion``). The cost of one acquired customer is the base cost over this yield.
    """
    pool = max(prospects, 0.0) / max(initial_prospects, 1.0)
    return pool * math.exp(cac_reputation_slope * (reputation - reference_satisfaction)) * conversion


@njit(cache=True)
def mean_sensitivity(
    opportunist_share: float,
    price_sensitive_share: float,
    sensitivity_regular: float,
    sensitivity_price_sensitive: float,
    sensitivity_opportunist: float,
) -> float:
    """Mean price sensitivity of a prospect, the segments in their base shares."""
    regular = 1.0 - opportunist_share - price_sensitive_share
    return (
        regular * sensitivity_regular
        + price_sensitive_share * sensitivity_price_sensitive
        + opportunist_share * sensitivity_opportunist
    )


@njit(cache=True)
def prospect_conversion(
    price_premium: float,
    reputation: float,
    sensitivity: float,
    conversion_elasticity: float,
    wtp_max: float,
    floor_satisfaction: float,
    full_satisfaction: float,
) -> float:
    """Share of the prospects reached who become customers, relative to a price at the market level.

    Claim: a prospect has no experience of its own and judges the price by what the firm's customers
    say its experience is worth (the willingness to pay at the firm's reputation): a premium the
    reputation does not carry converts fewer, a bargain converts more (less strongly: loss aversion).
    """
    gap = overcharge(price_premium, reputation, wtp_max, floor_satisfaction, full_satisfaction)
    return 1.0 / price_response(gap, sensitivity, conversion_elasticity)


@njit(cache=True)
def new_customer_satisfaction_mean(initial_satisfaction: float, reputation: float, expectation_weight: float) -> float:
    """Mean satisfaction a new customer arrives with: partly what the firm's reputation promised."""
    w = clip01(expectation_weight)
    return (1.0 - w) * initial_satisfaction + w * reputation


@njit(cache=True)
def market_update(
    prospects: float, lost: float, churned: float, acquired: float, win_back_share: float, memory_days: float
) -> tuple[float, float]:
    """The market's prospects and lost customers after one day.

    Claim: churned customers mostly go to competitors for good: a ``win_back_share`` stays within
    reach (back among the prospects), the rest are lost to the firm and drift back only over
    ``memory_days``; acquired customers leave the prospects. The caller never acquires more than
    there are prospects (:func:`cap_to_prospects`), so people are conserved.
    """
    back = lost / max(memory_days, 1.0)
    lost = lost + (1.0 - clip01(win_back_share)) * churned - back
    prospects = max(prospects + clip01(win_back_share) * churned + back - acquired, 0.0)
    return prospects, lost


@njit(cache=True)
def cap_to_prospects(referrals: int, paid: int, prospects: float) -> tuple[int, int]:
    """Today's referred and paid new customers, at most the prospects left (referrals first)."""
    room = max(int(prospects), 0)
    referrals = min(referrals, room)
    return referrals, min(paid, room - referrals)


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
def breach_probability(
    amount_usd: float,
    judgement_level: float,
    reviewed: bool,
    breach_probability_max: float,
    reference_usd: float,
    gated_factor: float,
    manager_judgement: float,
) -> float:
    """Probability that one granted decision breaches compliance (risk per decision).

    Claim: in a regulated domain a decision's risk grows with its size (half the maximum at the
    reference amount) and falls with the decider's judgement (1.5 - judgement: 1 at judgement 0.5,
    0.5 at judgement 1). A manager's review takes the better of the two judgements and multiplies the
    risk by ``gated_factor`` (at most 1), so an approval is never riskier than the same decision on the
    spot: empowerment must match accountability.
    """
    amount = max(amount_usd, 0.0)
    size = amount / (amount + max(reference_usd, 1e-9))
    j = clip01(judgement_level)
    factor = 1.0
    if reviewed:
        j = max(j, clip01(manager_judgement))
        factor = min(max(gated_factor, 0.0), 1.0)
    return clip01(breach_probability_max * size * (1.5 - j) * factor)


@njit(cache=True)
def detected_share(lag_days: float) -> float:
    """Share of the breaches still to be found that are found today (an exponential lag; all at once at 0)."""
    if lag_days <= 0.0:
        return 1.0
    return 1.0 - math.exp(-1.0 / lag_days)


@njit(cache=True)
def capped_penalty(penalty: float, fined_this_year: float, annual_cap: float) -> float:
    """The part of ``penalty`` still payable this calendar year under an annual cap per provision (HIPAA)."""
    return min(max(penalty, 0.0), max(annual_cap - fined_this_year, 0.0))


@njit(cache=True)
def chases(episode_min: float, chase_after_min: float) -> int:
    """Contacts a customer makes to chase a recovery that took ``episode_min``: one per ``chase_after_min``
    without news, at most :data:`MAX_CHASES` (failure demand, Seddon 2003)."""
    if episode_min <= 0.0:
        return 0
    return min(MAX_CHASES, int(episode_min / max(chase_after_min, 1e-9)))


@njit(cache=True)
def competent_judgement(judgement_level: float, competence: float, weight: float) -> float:
    """Judgement on the spot: the employee's judgement times the share of it that guideline competence
    (built with practice and coaching) makes usable: ``judgement x (1 - weight x (1 - competence))``."""
    return clip01(judgement_level) * (1.0 - clip01(weight) * (1.0 - clip01(competence)))


@njit(cache=True)
def competence_update(competence: float, guidelines: bool, days: float, consistency: float) -> float:
    """Guideline competence, a stock: toward 1 with the practice guidelines give, toward 0 without it.

    Claim: judgement in using discretion is learned by deciding and by coaching, and is lost without
    practice; the time constant is ``days / (0.5 + consistency)`` (consistent managers coach it faster).
    Improvement half-lives are 6-12 months within a function (Schneiderman 1988).
    """
    target = 1.0 if guidelines else 0.0
    return smooth(competence, target, days / (0.5 + clip01(consistency)))


@njit(cache=True)
def charged_premium(
    charged: float,
    target: float,
    reputation: float,
    wtp_max: float,
    floor_satisfaction: float,
    full_satisfaction: float,
) -> float:
    """The premium the firm charges today: it follows the experience, not the policy.

    Claim: a price cut applies at once; a rise to the policy's premium is introduced only as far as the
    firm's reputation says the experience is worth (:func:`willingness_to_pay` at the reputation), and is
    never taken back for that reason. A firm that has long charged its premium keeps it.
    """
    if target <= charged:
        return target
    earned = willingness_to_pay(reputation, wtp_max, floor_satisfaction, full_satisfaction)
    return min(target, max(charged, earned))


@njit(cache=True)
def measures_factor(inside_out: float, corner_cut: float) -> float:
    """Time factor of what the firm manages to: ``1 - corner_cut x inside_out``.

    Claim: managing to handle time and cost per contact (inside-out) pressures staff to cut contacts
    short, which lowers resolution and creates failure demand; managing to resolution and satisfaction
    (outside-in) does not (Seddon 2003).
    """
    return 1.0 - clip01(corner_cut) * clip01(inside_out)


@njit(cache=True)
def monitoring_strain(strain_weight: float, inside_out: float) -> float:
    """Stress drive of being managed to handle time: ``strain_weight x inside_out``, in [0, strain_weight].

    Claim: in call centres, close monitoring of handle time and an emphasis on the quantity of calls over
    their quality raise emotional exhaustion, anxiety and strain, and exhaustion raises absence and
    intentions to quit (Holman, Chissick & Totterdell 2002; Deery, Iverson & Walsh 2002; Sprigg & Jackson
    2006); managing to resolution and satisfaction (outside-in) does not add it. Felt by the frontline,
    whose contacts are timed.
    """
    return max(strain_weight, 0.0) * clip01(inside_out)


@njit(cache=True)
def change_size(
    discretion_change: float, orientation_change: float, consistency_change: float, soft_share_change: float
) -> float:
    """Size of a change of course in [0, 1]: the summed moves of the policies a programme must teach."""
    return clip01(abs(discretion_change) + abs(orientation_change) + abs(consistency_change) + abs(soft_share_change))


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
    d = discretion_index(guidelines, discretion_limit_usd)
    return autonomy_approval + (autonomy_guidelines - autonomy_approval) * d


@njit(cache=True)
def judgement(soft_skill: float, fit: float, engagement: float, productivity: float) -> float:
    """An employee's judgement in using discretion, in [0, 1].

    Claim: discretion is used well by people with the soft skills to read the case, who share the
    firm's values (fit) and care (engagement) (Bowen & Lawler 1992: empowerment pays with employees
    of strong interpersonal skills and growth needs); a new hire still learning the job judges worse
    (times the ramp-up productivity). The drivers' weighted mean (0.4, 0.3, 0.3) is stretched around
    0.5 by ``JUDGEMENT_STRETCH``: judgement is a threshold skill, and the middling employee of a
    middling firm judges middlingly. Under guidelines it sets how often abuse is spotted, how well the
    remedy fits, how much more than needed is given away and how long the decision takes.
    """
    x = 0.4 * soft_skill + 0.3 * fit + 0.3 * engagement
    return clip01(0.5 + JUDGEMENT_STRETCH * (x - 0.5)) * clip01(productivity)


@njit(cache=True)
def exception_time(exception_time_min: float, time_factor: float, on_the_spot: bool, judgement_level: float) -> float:
    """Extra frontline minutes an exception takes (listen, decide, document).

    Claim: deciding on the spot takes longer the less judgement the employee has (they hesitate, look
    things up, ask a colleague: Bowen & Lawler 1992's "slower or inconsistent service delivery"), up to
    twice the time; a case escalated to a manager takes the standard time plus the wait for the decision.
    """
    t = exception_time_min * time_factor
    if on_the_spot:
        t *= 2.0 - clip01(judgement_level)
    return t


@njit(cache=True)
def on_the_spot_detection(employee_detection: float, judgement_level: float) -> float:
    """Probability an employee deciding on the spot recognises an abusive claim (``employee_detection`` at
    judgement 0.5, twice that at judgement 1, never above 1)."""
    return clip01(2.0 * employee_detection * clip01(judgement_level))


@njit(cache=True)
def on_the_spot_adequacy(generosity: float, judgement_level: float, knowledge: float) -> float:
    """How well a remedy granted on the spot fits the customer's problem (the adequacy of
    :func:`problem_outcome_factor`): ``generosity * judgement * knowledge``.

    Claim: discretion without judgement makes bad decisions (Bowen & Lawler 1992, the costs of
    empowerment): the remedy misses what the customer needed; and a frontline that does not know what the
    rest of the chain can do promises remedies that do not fit (``knowledge``, :func:`shared_knowledge`).
    A manager's approved remedy fits as well as the policy allows (``generosity``), only later.
    """
    return clip01(generosity) * clip01(judgement_level) * clip01(knowledge)


@njit(cache=True)
def shared_knowledge(relationships: float, weight: float) -> float:
    """What the frontline knows of the rest of the chain: ``1 - weight x (1 - relationships)``.

    Claim (Gittell 2000, relational coordination): shared knowledge across functions comes with the
    relationships along the chain; an empowered employee without it fixes the customer's problem as far as
    their own function sees it. So empowerment and a strong internal chain are complements.
    """
    return 1.0 - clip01(weight) * (1.0 - clip01(relationships))


@njit(cache=True)
def on_the_spot_grant(amount: float, overgrant: float, judgement_level: float) -> float:
    """Money given on the spot for a grant of ``amount`` under the policy.

    Claim: discretion without judgement gives away more than the case needs (sweethearting and
    generous guesses; Brady, Voorhees & Brusco 2012): ``amount * (1 + overgrant * (1 - judgement))``.
    The extra money buys no extra loyalty.
    """
    return amount * (1.0 + max(overgrant, 0.0) * (1.0 - clip01(judgement_level)))


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
def decision_strain(strain_weight: float, discretion: float, judgement_level: float) -> float:
    """Strain of having to decide on the spot without the judgement to do it, in [0, strain_weight].

    Claim: responsibility beyond one's competence is a source of role stress (Kahn et al. 1964; Rizzo,
    House & Lirtzman 1970); empowerment suits employees with the skills and growth needs to use it
    (Bowen & Lawler 1992): ``strain_weight * discretion * (1 - judgement)``.
    """
    return max(strain_weight, 0.0) * clip01(discretion) * (1.0 - clip01(judgement_level))


@njit(cache=True)
def stress_update(
    stress: float, overload_level: float, strain: float, stress_days: float, people_first: float
) -> float:
    """Stress follows its drive (overload plus decision strain, at most 1) with a delay; people-first investment
    halves the drive at level 1."""
    drive = clip01(overload_level + strain) * (1.0 - 0.5 * clip01(people_first))
    return clip01(smooth(stress, drive, stress_days))


@njit(cache=True)
def perceived_consistency(consistency: float, espoused: float, discretion: float, integrity_weight: float) -> float:
    """The leadership example employees perceive, in [0, 1].

    Claim: walking the talk is judged against the system too (behavioural integrity, Simons 2002): a
    firm whose managers preach service values (the policy's consistency, ``espoused``) while every
    exception waits for their approval says one thing and does another, and its leaders' example counts
    for less: ``consistency * (1 - integrity_weight * max(espoused - discretion, 0))``. Discretion that
    matches the message leaves the example whole.
    """
    gap = max(espoused - clip01(discretion), 0.0)
    return clip01(consistency) * (1.0 - clip01(integrity_weight * gap))


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
    pay_factor: float,
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
    90 days (about 43 % of exits). ``pay_factor`` (:func:`pay_quit_factor`)
    scales it for pay above or below the market wage.
    """
    h = base_quit_per_year * math.exp(
        engagement_slope * (0.5 - engagement) + fit_slope * (0.5 - fit) + stress_slope * stress
    )
    h *= (1.0 - people_first_effect * clip01(people_first)) * pay_factor
    if tenure_days < early_tenure_days:
        h *= early_tenure_multiplier
    return daily_probability(h)


@njit(cache=True)
def pay_quit_factor(pay_premium: float, quit_elasticity: float) -> float:
    """Quit-hazard multiplier of pay above (below) the market wage: ``exp(-elasticity * premium)``.

    Claim: Costco paid about 40-72 % more than Sam's Club and had 17 % against 44 % turnover
    (Cascio 2006); part of that gap is people first, part is pay.
    """
    return math.exp(-quit_elasticity * pay_premium)


@njit(cache=True)
def applicants_per_vacancy(
    base: float, pay_premium: float, applicant_elasticity: float, fit_weight: float, fit_applicant_loss: float
) -> int:
    """Qualified applicants screened per vacancy (at least one).

    Claim: better pay draws a larger pool (``(1 + premium) ** elasticity``); screening for culture fit
    leaves fewer qualified applicants (``1 - loss * fit_weight``).
    """
    n = base * (1.0 + pay_premium) ** applicant_elasticity * (1.0 - fit_applicant_loss * clip01(fit_weight))
    return max(1, int(round(n)))


@njit(cache=True)
def time_to_fill(
    base_days: float, pay_premium: float, fill_elasticity: float, fit_weight: float, fit_search_share: float
) -> float:
    """Mean days to fill a vacancy: shorter with better pay, longer when searching for fit.

    Claim: 26-42 days at the market wage (SHRM 2016); pay above market fills faster; hiring for
    values takes longer searches.
    """
    return base_days * (1.0 + pay_premium) ** (-fill_elasticity) * (1.0 + fit_search_share * clip01(fit_weight))


@njit(cache=True)
def hiring_cost_share(replacement_cost_share: float, fit_search_share: float, fit_weight: float) -> float:
    """Cost of one hire as a share of its annual pay: 16-21 % (Boushey & Glynn 2012) when hiring for skill,
    more when the search screens for culture fit (structured interviews, assessments)."""
    return replacement_cost_share * (1.0 + fit_search_share * clip01(fit_weight))


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
def coaching_hours_per_day(consistency: float, hours_per_employee_year: float, employees: float) -> float:
    """Managers' hours a day spent coaching and modelling the values (the price of consistent leadership).

    Claim: leaders who walk the talk spend time with their people (about an hour a week one to one at
    consistency 1); Southwest runs the narrowest spans of supervision in its industry (Gittell 2001).
    """
    return clip01(consistency) * max(hours_per_employee_year, 0.0) * max(employees, 0.0) / DAYS_PER_YEAR


@njit(cache=True)
def on_duty_share(shrinkage: float, coordination_share: float, internal_orientation: float) -> float:
    """Share of paid staff available for work today.

    Claim: shrinkage (breaks, meetings, absence) takes 30-35 % of paid time; treating colleagues as
    internal customers takes time too (coordination, relationships along the chain, Gittell 2001),
    ``coordination_share`` at orientation 1.
    """
    return max(1.0 - shrinkage - coordination_share * clip01(internal_orientation), 0.05)


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
