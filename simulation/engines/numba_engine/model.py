"""One replication of the firm over arrays: the numba engine's daily loop.

:func:`run_replication` is the kernel: one call simulates one replication
for ``days`` business days and writes one row of the daily table per day
(columns in :data:`simulation.metrics.DAILY_COLUMNS` order). It only
orchestrates: each process of the day is one small kernel, named after the
phases of the mesa engine's ``FirmModel.step`` (docs/ODD.md section 3), so
the two engines read side by side, process by process:

0. set-up: :func:`_init_firm` (the state vectors), :func:`_init_managers`,
   :func:`_init_employees` (frontline first, then back office),
   :func:`_init_customers`; on each switch day, :func:`_switch` (policies and
   a new staffing plan);
1. :func:`_morning`: reset the day's counters, ramp-up, the rota, today's
   contacts, the gate share and felt autonomy;
2. the service day (:func:`.service_day.service_day`);
3. :func:`_customers`: churn, then referrals and paid acquisition;
4. :func:`_employees`: stress, engagement, training, then quits
   (:func:`_quits`);
5. :func:`_vacancies`: vacancies filled when due (a freeze holds them while
   the role is staffed at or above the minimum share);
6. :func:`_firm`: work pressure, corner cutting and the standard;
   :func:`_ledger`: costs, revenue, profit and the budget rule;
7. :func:`_record`: the day's row; then :func:`_night` (a day of tenure).

The phases share the replication's tables (customers, employees, contacts)
and two small state vectors: ``firm`` (floats, positions ``F_*``) and ``n``
(counts, positions ``I_*``); a phase that may regrow a table returns it.
The kernels release the GIL (``nogil``), so replications run in parallel
from a thread pool; they draw only from the replication's own generators, in
the order of ``simulation.rng.STREAMS``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from simulation import mechanisms as mech
from simulation.engines.numba_engine import keys as K
from simulation.engines.numba_engine.draws import N_SLOTS, PER_CONTACT, top_up
from simulation.engines.numba_engine.service_day import (
    N_STATS,
    N_TODAY,
    S_ABANDONED,
    S_ABUSE_USD,
    S_ABUSIVE_CLAIMS,
    S_ABUSIVE_GRANTED,
    S_APPROVAL_WAIT_SUM,
    S_BREACHES,
    S_CHASES,
    S_CONTACTS,
    S_EPISODE_SUM,
    S_EPISODES,
    S_ESCALATIONS,
    S_EXCEPTIONS,
    S_FULFILMENTS,
    S_GRANTED_USD,
    S_GRANTS,
    S_HANDOFF_FAILURES,
    S_HANDOFFS,
    S_MANAGER_MIN,
    S_RECOVERY_USD,
    S_REPEAT_CONTACTS,
    S_RESOLVED,
    S_SERVED,
    S_SERVED_FRESH,
    S_SERVED_REPEATS,
    S_WAIT_P95,
    S_WAIT_SUM,
    T_COMPETENCE,
    T_FULFIL_DELAY,
    T_HANDOFF_DELAY,
    T_HANDOFF_FAILURE,
    T_KNOWLEDGE,
    T_PREMIUM,
    churn_p,
    draw_arrivals,
    gamma_shape,
    service_day,
)
from simulation.engines.numba_engine.state import (
    ABUSER,
    BUSY,
    CHURN_P,
    ENGAGEMENT,
    EXPECTED_WAIT,
    EXPERIENCE_SUM,
    FIT,
    JUDGEMENT,
    LEARNED,
    MANAGER,
    MIRROR,
    N_CONTACT_F,
    N_CONTACT_I,
    N_CUSTOMER_F,
    N_CUSTOMER_I,
    N_EMPLOYEE_F,
    N_EMPLOYEE_I,
    ON_DUTY,
    PENDING,
    PRODUCTIVITY,
    PROPENSITY,
    ROLE,
    SATISFACTION,
    SEGMENT,
    SENSITIVITY,
    SERVED,
    SOFT_INNATE,
    SOFT_TRAINED,
    STRESS,
    TECHNICAL_INNATE,
    TECHNICAL_TRAINED,
    TENURE,
)
from simulation.metrics import COST_CATEGORIES, DAILY_COLUMNS
from simulation.rng import STREAMS
from simulation.scenario.schema import DAYS_PER_YEAR, SEGMENTS

__all__ = ["N_COLUMNS", "run_replication"]

REGULAR, PRICE_SENSITIVE, OPPORTUNIST = mech.REGULAR, mech.PRICE_SENSITIVE, mech.OPPORTUNIST

# Generators, by their names in simulation.rng.STREAMS.
R_INIT = STREAMS.index("init")
R_ARRIVALS = STREAMS.index("arrivals")
R_CHURN = STREAMS.index("churn")
R_ACQUISITION = STREAMS.index("acquisition")
R_EMPLOYEES = STREAMS.index("employees")
R_HIRING = STREAMS.index("hiring")

N_COLUMNS = len(DAILY_COLUMNS)
_col = DAILY_COLUMNS.index
C_ACTIVE = _col("active_customers")
C_CHURNED = _col("churned")
C_NEW = _col("new_customers")
C_REFERRALS = _col("referrals")
C_SATISFACTION = _col("satisfaction_mean")
C_NPS = _col("nps")
C_OPPORTUNIST = _col("opportunist_share")
C_CONTACTS = _col("contacts")
C_REPEAT_CONTACTS = _col("repeat_contacts")
C_SERVED = _col("served")
C_ABANDONED = _col("abandoned")
C_REVENUE = _col("revenue")
C_LABOUR = _col("cost_labour")
C_TRAINING = _col("cost_training")
C_HIRING = _col("cost_hiring")
C_RECOVERY = _col("cost_recovery")
C_ABUSE = _col("cost_abuse")
C_COMPLIANCE = _col("cost_compliance")
C_MANAGER_TIME = _col("cost_manager_time")
C_COACHING = _col("cost_coaching")
C_COORDINATION = _col("cost_coordination")
C_SYSTEMS = _col("cost_systems")
C_ACQUISITION = _col("cost_acquisition")
C_WELLBEING = _col("cost_wellbeing")
C_CHANGE = _col("cost_change")
C_OVERHEAD = _col("cost_overhead")
C_COST_TOTAL = _col("cost_total")
C_PROFIT = _col("profit")
C_EMPLOYEES = _col("employees")
C_FRONTLINE = _col("frontline")
C_QUITS = _col("quits")
C_QUITS_EARLY = _col("quits_early_tenure")
C_HIRES = _col("hires")
C_VACANCIES = _col("vacancies")
C_ENGAGEMENT = _col("engagement_mean")
C_ENGAGED = _col("engaged_share")
C_STRESS = _col("stress_mean")
C_OCCUPANCY = _col("occupancy")
C_WAIT_MEAN = _col("wait_mean_min")
C_WAIT_P95 = _col("wait_p95_min")
C_ABANDON_RATE = _col("abandon_rate")
C_EXCEPTIONS = _col("exceptions")
C_ABUSIVE_CLAIMS = _col("abusive_claims")
C_ESCALATIONS = _col("escalations")
C_APPROVAL_WAIT = _col("approval_wait_mean_min")
C_GRANTS = _col("grants")
C_BREACHES = _col("breaches")
C_BREACHES_DETECTED = _col("breaches_detected")
C_FULFILMENTS = _col("fulfilments")
C_CHASES = _col("chases")
C_EPISODE = _col("recovery_episode_mean_min")
C_BELIEF = _col("belief_mean")
C_COMPETENCE = _col("competence")
C_RELATIONSHIPS = _col("relationships")
C_PREMIUM = _col("premium_charged")
C_FCR = _col("first_contact_resolution")
C_HANDOFFS = _col("handoffs")
C_HANDOFF_FAILURES = _col("handoff_failures")
C_TRAINING_HOURS = _col("training_hours")
C_STANDARD = _col("service_standard")
C_BUDGET_CUT = _col("budget_cut")
C_PROSPECTS = _col("prospects")
C_REPUTATION = _col("reputation")
# By customer segment (codes 0, 1, 2): the first of three consecutive columns each.
C_ACTIVE_SEG = _col("active_regular")
C_CHURNED_SEG = _col("churned_regular")
C_REVENUE_SEG = _col("revenue_regular")
C_CONTRIBUTION_SEG = _col("contribution_regular")
for _first, _kind in (
    (C_ACTIVE_SEG, "active"),
    (C_CHURNED_SEG, "churned"),
    (C_REVENUE_SEG, "revenue"),
    (C_CONTRIBUTION_SEG, "contribution"),
):
    assert [DAILY_COLUMNS.index(f"{_kind}_{seg}") - _first for seg in SEGMENTS] == [0, 1, 2]
# The cost columns are consecutive, in COST_CATEGORIES order (the ledger sums C_LABOUR..C_OVERHEAD).
assert [DAILY_COLUMNS.index(f"cost_{k}") for k in COST_CATEGORIES] == list(range(C_LABOUR, C_OVERHEAD + 1))

# Positions in the firm-state vector ``firm`` (float64). Carried from day to day:
F_PRESSURE = 0  # smoothed work pressure (demanded over target occupancy)
F_STANDARD = 1  # the service standard (time the staff consider proper, 1 = original)
F_TIME_FACTOR = 2  # time actually spent per task (eroded standard x corner cutting), for the next service day
F_PROFIT_SMOOTH = 3  # smoothed daily profit (the budget rule watches its margin)
F_REVENUE_SMOOTH = 4  # smoothed daily revenue
F_BUDGET_CUT = 5  # 1 while the budget rule cuts training and freezes hiring
F_ABUSE_RATE = 6  # smoothed share of abusive claims granted (attracts opportunists)
F_AUTONOMY = 7  # felt autonomy under today's gate share
F_OPEN_MIN = 8  # minutes open a day (fixed at set-up: a switch keeps it)
# Today's values, handed from one phase to the next:
F_GATE_SHARE = 9  # share of guideline decisions re-gated to approval (morning -> service day)
F_BUSY_FRONT = 10  # busy minutes of the frontline on duty (employees -> firm)
F_OCCUPANCY = 11  # frontline occupancy (firm -> row)
F_TRAINING_HOURS = 12  # training hours given (employees -> ledger, row)
F_HIRING_COST = 13  # replacement cost of today's hires (vacancies -> ledger)
# The market, carried from day to day:
F_PROSPECTS = 14  # prospects within the firm's reach
F_LOST = 15  # customers lost to competitors (drifting back among the prospects over memory_days)
F_REPUTATION = 16  # the customers' mean satisfaction as word of mouth carries it (smoothed)
F_INITIAL_PROSPECTS = 17  # prospects at set-up (market size less the initial base)
# Today's values, handed from one phase to the next:
F_ACQUISITION_COST = 18  # marketing cost of today's paid customers (customers -> ledger)
F_ONBOARDING_HOURS = 19  # onboarding hours in the guidelines of today's hires (vacancies -> ledger, row)
F_ACQUISITION_SEG = 20  # first of 3 (by segment): acquisition cost of today's paid customers (customers -> ledger)
# Slow stocks, carried from day to day:
F_COMPETENCE = 23  # guideline competence
F_RELATIONSHIPS = 24  # relationships along the internal chain (the orientation hand-offs get)
F_PREMIUM = 25  # the premium charged
F_UNDETECTED = 26  # breaches still to be found (expected number)
F_FINED_YEAR = 27  # penalties paid this calendar year
# A change programme (set by a switch):
F_PROGRAMME_SHARE = 28  # share of paid time in the programme's training, off the floor
F_PROGRAMME_UNTIL = 29  # the day the programme ends
# Today's values, handed from one phase to the next:
F_DETECTED = 30  # breaches found today (ledger -> row)
F_CHANGE_FEE = 31  # the programme's fees booked today (switch -> ledger)
F_PREMIUM_MOVED = 32  # 1 if the premium charged changed yesterday (firm -> customers: refresh churn risks)
N_FIRM = 33

# Positions in the count vector ``n`` (int64). Fixed at set-up (a switch keeps them):
I_MANAGERS = 0
I_INITIAL_CUSTOMERS = 1
# Carried from day to day:
I_CUSTOMERS = 2  # active customers (rows of cuf, cui in use)
I_STAFF = 3  # employees on the payroll (rows of ef, ei in use)
I_VACANCIES = 4  # open vacancies (entries of vac_role, vac_due in use)
I_PLANNED_FRONT = 5  # the staffing plan (changed only by a switch)
I_PLANNED_BACK = 6
# Today's counts:
I_ON_FRONT = 7  # frontline on duty
I_CONTACTS = 8  # contacts drawn for today (rows of kf, ki in use)
I_CHURNED = 9
I_REFERRALS = 10
I_PAID = 11  # customers bought by marketing
I_QUITS = 12
I_QUITS_EARLY = 13
I_HIRES = 14
I_FRONTLINE = 15  # frontline on the payroll after hiring
I_BACK_OFFICE = 16  # back office on the payroll after hiring
I_CHURNED_SEG = 17  # first of 3 (by segment): churned today
N_COUNTS = 20


@njit(cache=True, nogil=True)
def _grown(a, rows):
    """``a`` with ``rows`` rows (the first rows copied, the rest zero)."""
    b = np.zeros((rows, a.shape[1]), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


# --------------------------------------------------------------------------- helpers


@njit(cache=True, nogil=True)
def _draw_segment(p, rng, opportunist_share):
    u = rng.random()
    if u < opportunist_share:
        return OPPORTUNIST
    if u < opportunist_share + p[K.CUSTOMERS_PRICE_SENSITIVE_SHARE]:
        return PRICE_SENSITIVE
    return REGULAR


@njit(cache=True, nogil=True)
def _add_customer(p, cuf, cui, i, rng, segment, satisfaction, premium):
    if segment == REGULAR:
        sensitivity = p[K.CUSTOMERS_SENSITIVITY_REGULAR]
    elif segment == PRICE_SENSITIVE:
        sensitivity = p[K.CUSTOMERS_SENSITIVITY_PRICE_SENSITIVE]
    else:
        sensitivity = p[K.CUSTOMERS_SENSITIVITY_OPPORTUNIST]
    cui[i, SEGMENT] = segment
    cuf[i, SATISFACTION] = satisfaction
    cuf[i, PROPENSITY] = p[K.CUSTOMERS_CONTACTS_PER_DAY] * rng.gamma(mech.PROPENSITY_SHAPE, 1.0 / mech.PROPENSITY_SHAPE)
    cui[i, ABUSER] = 1 if segment == OPPORTUNIST and rng.random() < p[K.CUSTOMERS_ABUSER_SHARE] else 0
    cui[i, LEARNED] = 0
    cuf[i, SENSITIVITY] = sensitivity
    cuf[i, EXPECTED_WAIT] = 0.0
    cui[i, PENDING] = 0
    cuf[i, CHURN_P] = churn_p(p, premium, satisfaction, sensitivity)


@njit(cache=True, nogil=True)
def _autonomy(p, gate_share):
    return mech.felt_autonomy(
        p[K.EMPOWERMENT_GUIDELINES] > 0.5,
        p[K.EMPOWERMENT_DISCRETION_LIMIT_USD],
        p[K.EMPOWERMENT_AUTONOMY_APPROVAL],
        p[K.EMPOWERMENT_AUTONOMY_GUIDELINES],
        gate_share,
    )


@njit(cache=True, nogil=True)
def _perceived(p, consistency):
    """What a manager's example is worth to employees who watch it long enough (behavioural integrity)."""
    return mech.perceived_consistency(
        consistency, p[K.LEADERSHIP_CONSISTENCY], p[K.DISCRETION], p[K.LEADERSHIP_INTEGRITY_WEIGHT]
    )


@njit(cache=True, nogil=True)
def _engagement_target(p, ef, ei, e, autonomy, belief, mirror):
    return mech.engagement_target(
        p[K.ENGAGEMENT_BASELINE],
        autonomy,
        belief,
        p[K.PEOPLE_FIRST_LEVEL],
        ef[e, FIT],
        mirror,
        ef[e, STRESS],
        p[K.ENGAGEMENT_WEIGHT_AUTONOMY],
        p[K.ENGAGEMENT_WEIGHT_LEADERSHIP],
        p[K.ENGAGEMENT_WEIGHT_PEOPLE_FIRST],
        p[K.ENGAGEMENT_WEIGHT_FIT],
        p[K.ENGAGEMENT_WEIGHT_MIRROR],
        p[K.ENGAGEMENT_WEIGHT_OVERLOAD],
    )


@njit(cache=True, nogil=True)
def _train(p, ef, e, hours):
    soft_h = hours * p[K.TRAINING_SOFT_SKILL_SHARE]
    ef[e, TECHNICAL_TRAINED] = mech.train_skill(
        ef[e, TECHNICAL_INNATE],
        ef[e, TECHNICAL_TRAINED],
        hours - soft_h,
        p[K.TRAINING_HALF_LIFE_TECHNICAL_DAYS],
        p[K.TRAINING_ONGOING_SUPPORT],
        p[K.TRAINING_GAIN_PER_100H],
    )
    ef[e, SOFT_TRAINED] = mech.train_skill(
        ef[e, SOFT_INNATE],
        ef[e, SOFT_TRAINED],
        soft_h,
        p[K.TRAINING_HALF_LIFE_SOFT_DAYS],
        p[K.TRAINING_ONGOING_SUPPORT],
        p[K.TRAINING_GAIN_PER_100H] * p[K.TRAINING_SOFT_GAIN_RATIO],
    )


@njit(cache=True, nogil=True)
def _productivity(p, ef, e):
    """Ramp-up productivity: slower for less skilled hires and for jobs with discretion."""
    ramp = mech.ramp_days(
        p[K.HIRING_RAMP_DAYS], p[K.HIRING_RAMP_DISCRETION_DAYS], p[K.DISCRETION], ef[e, TECHNICAL_INNATE]
    )
    return mech.ramp_productivity(ef[e, TENURE], ramp)


@njit(cache=True, nogil=True)
def _add_employee(p, ef, ei, e, belief, reports, role, rng, tenure, initial, autonomy):
    """Hire into row ``e``: skills and fit from the applicant pool, the least-loaded manager."""
    hero = p[K.HIRING_HERO_SHARE] if role == 0 else 0.0
    technical, soft, fit = mech.hire_draw(rng, p[K.HIRING_FIT_WEIGHT], int(p[K.APPLICANTS]), hero)
    m = 0
    for k in range(1, reports.shape[0]):
        if reports[k] < reports[m]:
            m = k
    reports[m] += 1
    ei[e, ROLE] = role
    ef[e, TECHNICAL_INNATE] = technical
    ef[e, SOFT_INNATE] = soft
    ef[e, TECHNICAL_TRAINED] = 0.0
    ef[e, SOFT_TRAINED] = 0.0
    ef[e, FIT] = fit
    ef[e, STRESS] = 0.0
    ef[e, TENURE] = tenure
    ei[e, MANAGER] = m
    ef[e, BUSY] = 0.0
    ei[e, SERVED] = 0
    ef[e, EXPERIENCE_SUM] = 0.0
    ei[e, ON_DUTY] = 0
    # Steady state of the employee's drivers: the firm has run this way for a while.
    ef[e, MIRROR] = 0.8
    target = _engagement_target(p, ef, ei, e, autonomy, belief[m], 0.8)
    if initial:
        ef[e, ENGAGEMENT] = mech.clip01(target + rng.normal(0.0, p[K.ENGAGEMENT_INITIAL_SD]))
        daily_hours = p[K.TRAINING_HOURS_PER_YEAR] / DAYS_PER_YEAR
        for _ in range(int(min(tenure, 730.0))):
            _train(p, ef, e, daily_hours)
    else:
        ef[e, ENGAGEMENT] = target
    ef[e, PRODUCTIVITY] = _productivity(p, ef, e)


@njit(cache=True, nogil=True)
def _rota(ef, ei, n_staff, role, share, rng, pick):
    """Put a random ``share`` of the role's payroll on duty (partial Fisher-Yates)."""
    n = 0
    for e in range(n_staff):
        if ei[e, ROLE] == role:
            pick[n] = e
            n += 1
    if n == 0:
        return 0
    k = min(max(1, int(np.round(n * share))), n)
    u = rng.random(k)
    for i in range(k):
        j = i + int(u[i] * (n - i))
        pick[i], pick[j] = pick[j], pick[i]
    # On duty in payroll order (as the mesa engine's sorted choice), so the idle store starts in that order.
    chosen = np.sort(pick[:k])
    for i in range(k):
        ei[chosen[i], ON_DUTY] = 1
    return k


@njit(cache=True, nogil=True)
def _move_row(f, i, src, dst):
    """Copy row ``src`` of a table to row ``dst`` element by element (a row slice would cost a view)."""
    for col in range(f.shape[1]):
        f[dst, col] = f[src, col]
    for col in range(i.shape[1]):
        i[dst, col] = i[src, col]


@njit(cache=True, nogil=True)
def _compact(f, i, keep, n):
    """Keep the rows of a table where ``keep`` is true, in order; returns the new row count."""
    j = 0
    for r in range(n):
        if keep[r]:
            if r != j:
                _move_row(f, i, r, j)
            j += 1
    return j


@njit(cache=True, nogil=True)
def _staff_buffers(rows):
    """Scratch rows for the rota (``pick``) and quits (``keep``), and the vacancy list (``vac_role, vac_due``)."""
    return (
        np.empty(rows, dtype=np.int64),
        np.empty(rows, dtype=np.bool_),
        np.zeros(rows, dtype=np.int64),
        np.zeros(rows),
    )


# --------------------------------------------------------------------------- set-up


@njit(cache=True, nogil=True)
def _init_firm(p):
    """The state vectors at day 0: ``firm`` (floats, ``F_*``) and ``n`` (counts, ``I_*``)."""
    firm = np.zeros(N_FIRM)
    firm[F_PRESSURE] = 1.0
    firm[F_STANDARD] = 1.0
    firm[F_TIME_FACTOR] = 1.0
    firm[F_AUTONOMY] = _autonomy(p, 0.0)
    firm[F_OPEN_MIN] = p[K.FIRM_OPEN_MINUTES_PER_DAY]
    firm[F_INITIAL_PROSPECTS] = p[K.MARKET_SIZE] - p[K.CUSTOMERS_INITIAL]
    firm[F_PROSPECTS] = firm[F_INITIAL_PROSPECTS]
    firm[F_REPUTATION] = p[K.CUSTOMERS_INITIAL_SATISFACTION]
    # Slow stocks in steady state: the firm has run this way for a while.
    firm[F_COMPETENCE] = 1.0 if p[K.EMPOWERMENT_GUIDELINES] > 0.5 else 0.0
    firm[F_RELATIONSHIPS] = p[K.SERVICE_PHILOSOPHY_INTERNAL_ORIENTATION]
    firm[F_PREMIUM] = p[K.PRICING_PRICE_PREMIUM]
    firm[F_PROGRAMME_UNTIL] = -1.0
    n = np.zeros(N_COUNTS, dtype=np.int64)
    n[I_MANAGERS] = int(p[K.FIRM_MANAGERS])
    n[I_INITIAL_CUSTOMERS] = int(p[K.CUSTOMERS_INITIAL])
    n[I_PLANNED_FRONT] = int(p[K.PLANNED_FRONTLINE])
    n[I_PLANNED_BACK] = int(p[K.FIRM_BACK_OFFICE])
    return firm, n


@njit(cache=True, nogil=True)
def _init_managers(p, n, rng):
    """Each manager's consistency (drawn around the policy's mean), their reports' belief in it (steady
    state: what it is worth) and their count of reports (zero)."""
    n_managers = n[I_MANAGERS]
    consistency = np.empty(max(n_managers, 1))
    reports = np.zeros(max(n_managers, 1), dtype=np.int64)
    for m in range(n_managers):
        consistency[m] = mech.clip01(rng.normal(p[K.LEADERSHIP_CONSISTENCY], p[K.LEADERSHIP_CONSISTENCY_SD]))
    if n_managers == 0:
        consistency[0] = mech.clip01(p[K.LEADERSHIP_CONSISTENCY])
    belief = np.empty(consistency.shape[0])
    for m in range(consistency.shape[0]):
        belief[m] = _perceived(p, consistency[m])
    return consistency, reports, belief


@njit(cache=True, nogil=True)
def _init_employees(p, n, firm, belief, reports, rng):
    """The payroll at its planned size, frontline first, then back office (as the mesa engine): ``ef, ei``."""
    cap_staff = max(n[I_PLANNED_FRONT] + n[I_PLANNED_BACK], 1)
    ef = np.zeros((cap_staff, N_EMPLOYEE_F))
    ei = np.zeros((cap_staff, N_EMPLOYEE_I), dtype=np.int64)
    n_staff = 0
    for role in range(2):
        for _ in range(n[I_PLANNED_FRONT] if role == 0 else n[I_PLANNED_BACK]):
            tenure = rng.exponential(mech.INITIAL_TENURE_MEAN_DAYS)
            _add_employee(p, ef, ei, n_staff, belief, reports, role, rng, tenure, True, firm[F_AUTONOMY])
            n_staff += 1
    n[I_STAFF] = n_staff
    return ef, ei


@njit(cache=True, nogil=True)
def _init_customers(p, n, firm, rng):
    """The initial customer base (room for it to double): ``cuf, cui``."""
    initial = n[I_INITIAL_CUSTOMERS]
    cap_cust = max(2 * initial, 16)
    cuf = np.zeros((cap_cust, N_CUSTOMER_F))
    cui = np.zeros((cap_cust, N_CUSTOMER_I), dtype=np.int64)
    n_cust = 0
    for _ in range(initial):
        seg = _draw_segment(p, rng, p[K.CUSTOMERS_OPPORTUNIST_SHARE])
        sat = mech.beta_mean_sd(rng, p[K.CUSTOMERS_INITIAL_SATISFACTION], p[K.CUSTOMERS_SATISFACTION_SD])
        _add_customer(p, cuf, cui, n_cust, rng, seg, sat, firm[F_PREMIUM])
        n_cust += 1
    n[I_CUSTOMERS] = n_cust
    return cuf, cui


@njit(cache=True, nogil=True)
def _contact_buffers(p, n):
    """The day's contact table ``kf, ki``: twice the expected contacts of the initial base (regrown on demand)."""
    expected = p[K.CUSTOMERS_CONTACTS_PER_DAY] * max(n[I_INITIAL_CUSTOMERS], 1)
    rows = int(2 * expected + 64)
    return np.zeros((rows, N_CONTACT_F)), np.zeros((rows, N_CONTACT_I), dtype=np.int64)


# --------------------------------------------------------------------------- the phases of a day


@njit(cache=True, nogil=True)
def _switch(p, p_after, day, n, firm, consistency, ef, ei, pick, keep, vac_role, vac_due, rng):
    """The policy switch (the morning of ``switch_day``): managers and the staffing plan move to ``p_after``.

    Each manager's consistency moves by the change in the policy's mean (what employees believe of it
    follows with a lag). A change programme starts: fees today, training days off the floor over the
    programme's window, both scaled by the size of the change (:func:`mech.change_size`); the training days
    a running programme has left join the new one's window, and a switch that changes none of the
    programme's levers (size 0) leaves a running programme as it is. Posts above the
    old plan open as vacancies (hired after the usual time to fill); posts below it close as their holders
    leave (no lay-offs). Returns the staff tables and buffers, regrown if the new plan needs more rows.
    """
    size = mech.change_size(
        p_after[K.DISCRETION] - p[K.DISCRETION],
        p_after[K.SERVICE_PHILOSOPHY_INTERNAL_ORIENTATION] - p[K.SERVICE_PHILOSOPHY_INTERNAL_ORIENTATION],
        p_after[K.LEADERSHIP_CONSISTENCY] - p[K.LEADERSHIP_CONSISTENCY],
        p_after[K.TRAINING_SOFT_SKILL_SHARE] - p[K.TRAINING_SOFT_SKILL_SHARE],
    )
    firm[F_CHANGE_FEE] = size * p_after[K.CHANGE_PROGRAMME_USD_PER_EMPLOYEE] * n[I_STAFF]
    if size > 0.0:
        # A new programme; the training days an earlier one had left are still taken, over the new window.
        left = firm[F_PROGRAMME_SHARE] * max(firm[F_PROGRAMME_UNTIL] - day, 0.0)
        firm[F_PROGRAMME_SHARE] = (size * p_after[K.CHANGE_PROGRAMME_DAYS] + left) / p_after[K.CHANGE_WINDOW_DAYS]
        firm[F_PROGRAMME_UNTIL] = day + p_after[K.CHANGE_WINDOW_DAYS]
    shift = p_after[K.LEADERSHIP_CONSISTENCY] - p[K.LEADERSHIP_CONSISTENCY]
    for m in range(consistency.shape[0]):
        consistency[m] = mech.clip01(consistency[m] + shift)
    planned_front = n[I_PLANNED_FRONT]
    planned_back = n[I_PLANNED_BACK]
    n_vac = n[I_VACANCIES]
    new_front = int(p_after[K.PLANNED_FRONTLINE])
    new_back = int(p_after[K.FIRM_BACK_OFFICE])
    extra = max(new_front - planned_front, 0) + max(new_back - planned_back, 0)
    rows = max(new_front + new_back, n[I_STAFF] + n_vac + extra)
    if rows > ef.shape[0]:
        ef = _grown(ef, 2 * rows)
        ei = _grown(ei, 2 * rows)
        pick, keep, vr, vd = _staff_buffers(2 * rows)
        vr[:n_vac] = vac_role[:n_vac]
        vd[:n_vac] = vac_due[:n_vac]
        vac_role, vac_due = vr, vd
    for role in range(2):
        for _ in range((new_front - planned_front) if role == 0 else (new_back - planned_back)):
            vac_role[n_vac] = role
            vac_due[n_vac] = day + rng.gamma(mech.VACANCY_SHAPE, p_after[K.TIME_TO_FILL_MEAN_DAYS] / mech.VACANCY_SHAPE)
            n_vac += 1
    n[I_VACANCIES] = n_vac
    n[I_PLANNED_FRONT] = new_front
    n[I_PLANNED_BACK] = new_back
    return ef, ei, pick, keep, vac_role, vac_due


@njit(cache=True, nogil=True)
def _morning(p, day, n, firm, ef, ei, cuf, cui, kf, ki, pick, r_emp, r_arrivals):
    """Reset the day's counters, ramp-up, the rota, today's contacts, the gate share and felt autonomy.

    Today's contacts go into ``kf, ki`` (``n[I_CONTACTS]`` rows); returns them, regrown if they were too small.
    """
    n_staff = n[I_STAFF]
    for e in range(n_staff):
        ef[e, BUSY] = 0.0
        ei[e, SERVED] = 0
        ef[e, EXPERIENCE_SUM] = 0.0
        ei[e, ON_DUTY] = 0
        ef[e, PRODUCTIVITY] = _productivity(p, ef, e)
    share = p[K.ON_DUTY_SHARE]
    if day < firm[F_PROGRAMME_UNTIL]:  # a change programme takes its training days off the floor
        share *= 1.0 - firm[F_PROGRAMME_SHARE]
    n[I_ON_FRONT] = _rota(ef, ei, n_staff, 0, share, r_emp, pick)
    _rota(ef, ei, n_staff, 1, share, r_emp, pick)
    n_cust = n[I_CUSTOMERS]
    n_contacts = draw_arrivals(cuf, cui, n_cust, firm[F_OPEN_MIN], r_arrivals, kf, ki)
    while n_contacts < 0:  # buffers too small today: grow and draw again (pending repeats were kept)
        kf = np.zeros((2 * kf.shape[0], N_CONTACT_F))
        ki = np.zeros((2 * ki.shape[0], N_CONTACT_I), dtype=np.int64)
        n_contacts = draw_arrivals(cuf, cui, n_cust, firm[F_OPEN_MIN], r_arrivals, kf, ki)
    n[I_CONTACTS] = n_contacts
    # Control drift: a growing firm re-gates guideline decisions to approval.
    gate_share = 0.0
    initial = n[I_INITIAL_CUSTOMERS]
    guidelines = p[K.EMPOWERMENT_GUIDELINES] > 0.5
    if guidelines and p[K.SCALE_CONTROL_DRIFT] > 0.0 and initial > 0 and n_cust > 0:
        growth = math.log(max(n_cust, 1) / initial)
        gate_share = min(1.0, p[K.SCALE_CONTROL_DRIFT] * max(growth, 0.0))
    firm[F_GATE_SHARE] = gate_share
    firm[F_AUTONOMY] = _autonomy(p, gate_share)
    return kf, ki


@njit(cache=True, nogil=True)
def _customers(p, day, n, firm, cuf, cui, stats, counts, r_churn, r_acq):
    """Churn, then referrals and paid acquisition; returns ``cuf, cui`` (regrown if the base outgrew them)."""
    # Churn. Each customer tests its own uniform; a churned row takes the last row (already tested:
    # the scan runs backwards), so the cost is per churned customer, not per customer.
    n_cust = n[I_CUSTOMERS]
    churned = 0
    for code in range(3):
        n[I_CHURNED_SEG + code] = 0
    if firm[F_PREMIUM_MOVED] > 0.5:  # the premium charged moved: every customer's churn risk with it
        for i in range(n_cust):
            cuf[i, CHURN_P] = churn_p(p, firm[F_PREMIUM], cuf[i, SATISFACTION], cuf[i, SENSITIVITY])
    u_churn = r_churn.random(n_cust)
    counts[0] += n_cust
    for i in range(n_cust - 1, -1, -1):
        if u_churn[i] < cuf[i, CHURN_P]:  # kept current as satisfaction moves
            churned += 1
            n[I_CHURNED_SEG + cui[i, SEGMENT]] += 1
            n_cust -= 1
            if i != n_cust:
                _move_row(cuf, cui, n_cust, i)

    # Referrals from promoters (deterred by detractors), then marketing buys the rest of the gap to target,
    # both from the prospects the market has left and at the price the firm's reputation carries.
    promoters = 0
    detractors = 0
    for i in range(n_cust):
        if cuf[i, SATISFACTION] >= p[K.LOYALTY_PROMOTER_THRESHOLD]:
            promoters += 1
        elif cuf[i, SATISFACTION] < p[K.LOYALTY_DETRACTOR_THRESHOLD]:
            detractors += 1
    rate = mech.referral_rate(
        promoters, detractors, p[K.LOYALTY_REFERRALS_PER_PROMOTER_YEAR], p[K.LOYALTY_DETERRENCE_PER_DETRACTOR_YEAR]
    )
    conversion = mech.prospect_conversion(
        firm[F_PREMIUM],
        firm[F_REPUTATION],
        p[K.PROSPECT_SENSITIVITY],
        p[K.MARKET_CONVERSION_ELASTICITY],
        p[K.PRICING_WTP_MAX],
        p[K.PRICING_WTP_FLOOR_SATISFACTION],
        p[K.PRICING_WTP_FULL_SATISFACTION],
    )
    pool = firm[F_PROSPECTS] / max(firm[F_INITIAL_PROSPECTS], 1.0)
    referrals = r_acq.poisson(rate * pool * conversion)
    initial = n[I_INITIAL_CUSTOMERS]
    target = initial * (1.0 + p[K.MARKETING_GROWTH_TARGET_PER_YEAR]) ** ((day + 1) / DAYS_PER_YEAR)
    per_day = initial / DAYS_PER_YEAR
    rate = mech.paid_acquisition_rate(
        n_cust + referrals,
        target,
        p[K.MARKETING_PAID_ACQUISITION_SHARE_PER_YEAR] * per_day,
        p[K.MARKETING_CATCH_UP_DAYS],
        p[K.MARKETING_MAX_PAID_SHARE_PER_YEAR] * per_day,
    )
    yield_ = mech.acquisition_yield(
        firm[F_PROSPECTS],
        firm[F_INITIAL_PROSPECTS],
        firm[F_REPUTATION],
        p[K.LOYALTY_REFERENCE_SATISFACTION],
        p[K.MARKET_CAC_REPUTATION_SLOPE],
        conversion,
    )
    paid = r_acq.poisson(rate * yield_)
    referrals, paid = mech.cap_to_prospects(referrals, paid, firm[F_PROSPECTS])
    cost_each = p[K.MARKETING_ACQUISITION_COST_USD] / max(yield_, 1e-9)
    # Generous recovery that abusers learn of draws more opportunists.
    if stats[S_ABUSIVE_CLAIMS] > 0:
        today = stats[S_ABUSIVE_GRANTED] / stats[S_ABUSIVE_CLAIMS]
        firm[F_ABUSE_RATE] = mech.smooth(firm[F_ABUSE_RATE], today, mech.ABUSE_MEMORY_DAYS)
    share = mech.new_opportunist_share(
        p[K.CUSTOMERS_OPPORTUNIST_SHARE],
        p[K.RECOVERY_GENEROSITY],
        firm[F_ABUSE_RATE],
        p[K.LOYALTY_OPPORTUNIST_ATTRACTION],
    )
    if n_cust + referrals + paid > cuf.shape[0]:
        cuf = _grown(cuf, 2 * (n_cust + referrals + paid))
        cui = _grown(cui, 2 * (n_cust + referrals + paid))
    # New customers arrive with expectations set partly by the firm's reputation.
    sat_mean = mech.new_customer_satisfaction_mean(
        p[K.CUSTOMERS_INITIAL_SATISFACTION], firm[F_REPUTATION], p[K.MARKET_EXPECTATION_WEIGHT]
    )
    for code in range(3):
        firm[F_ACQUISITION_SEG + code] = 0.0
    for k in range(referrals + paid):
        seg = _draw_segment(p, r_acq, share)
        sat = mech.beta_mean_sd(r_acq, sat_mean, p[K.CUSTOMERS_SATISFACTION_SD])
        _add_customer(p, cuf, cui, n_cust, r_acq, seg, sat, firm[F_PREMIUM])
        n_cust += 1
        if k >= referrals:
            firm[F_ACQUISITION_SEG + seg] += cost_each
    firm[F_ACQUISITION_COST] = paid * cost_each
    firm[F_PROSPECTS], firm[F_LOST] = mech.market_update(
        firm[F_PROSPECTS],
        firm[F_LOST],
        churned,
        referrals + paid,
        p[K.MARKET_WIN_BACK_SHARE],
        p[K.MARKET_MEMORY_DAYS],
    )
    n[I_CUSTOMERS] = n_cust
    n[I_CHURNED] = churned
    n[I_REFERRALS] = referrals
    n[I_PAID] = paid
    return cuf, cui


@njit(cache=True, nogil=True)
def _employees(p, day, n, firm, ef, ei, consistency, belief, reports, keep, vac_role, vac_due, counts, r_emp, r_hire):
    """Beliefs in the managers' example, then stress, engagement (with the satisfaction mirror) and training of
    everyone on the payroll, then quits."""
    for m in range(n[I_MANAGERS]):  # employees come to believe what their manager does, with a lag
        belief[m] = mech.smooth(belief[m], _perceived(p, consistency[m]), p[K.LEADERSHIP_BELIEF_LAG_DAYS])
    n_staff = n[I_STAFF]
    open_min = firm[F_OPEN_MIN]
    hours = p[K.TRAINING_HOURS_PER_YEAR] / DAYS_PER_YEAR
    if firm[F_BUDGET_CUT] > 0.5:
        hours *= 1.0 - p[K.BUDGET_TRAINING_CUT]
    orientation = p[K.SERVICE_PHILOSOPHY_INTERNAL_ORIENTATION]
    busy_front = 0.0  # summed here, before quits remove rows; the firm phase turns it into occupancy
    noise = r_emp.standard_normal(n_staff)
    timed = mech.monitoring_strain(p[K.MEASURES_MONITORING_STRAIN], p[K.MEASURES_INSIDE_OUT])  # the same for all
    for e in range(n_staff):
        eps = p[K.ENGAGEMENT_NOISE_SD] * noise[e]
        if ei[e, ON_DUTY] == 1:
            if ei[e, ROLE] == 0:
                busy_front += ef[e, BUSY]
            load = mech.overload(ef[e, BUSY] / open_min, p[K.SERVICE_TARGET_OCCUPANCY])
            strain = 0.0
            if ei[e, ROLE] == 0:  # the frontline decides exceptions and is timed; the back office is neither
                strain = mech.decision_strain(p[K.EMPOWERMENT_DECISION_STRAIN], p[K.DISCRETION], ef[e, JUDGEMENT])
                strain += timed
            ef[e, STRESS] = mech.stress_update(
                ef[e, STRESS], load, strain, p[K.ENGAGEMENT_STRESS_DAYS], p[K.PEOPLE_FIRST_LEVEL]
            )
            if ei[e, SERVED] > 0:
                seen = ef[e, EXPERIENCE_SUM] / ei[e, SERVED]
                if ei[e, ROLE] == 1:
                    # A department that never meets the customer is not lifted by them.
                    seen = orientation * seen + (1.0 - orientation) * 0.5
                ef[e, MIRROR] = seen
        tgt = _engagement_target(p, ef, ei, e, firm[F_AUTONOMY], belief[ei[e, MANAGER]], ef[e, MIRROR])
        ef[e, ENGAGEMENT] = mech.engagement_update(ef[e, ENGAGEMENT], tgt, p[K.ENGAGEMENT_ADJUSTMENT_DAYS], eps)
        _train(p, ef, e, hours)
    firm[F_BUSY_FRONT] = busy_front
    firm[F_TRAINING_HOURS] = hours * n_staff
    counts[2] += n_staff
    _quits(p, day, n, ef, ei, reports, keep, vac_role, vac_due, r_emp, r_hire)


@njit(cache=True, nogil=True)
def _quits(p, day, n, ef, ei, reports, keep, vac_role, vac_due, r_emp, r_hire):
    """Quits, frontline rows first, then back office (as the mesa engine's lists); each leaves a vacancy."""
    n_staff = n[I_STAFF]
    n_vac = n[I_VACANCIES]
    quits = 0
    early = 0
    u_quit = r_emp.random(n_staff)
    for role in range(2):
        for e in range(n_staff):
            if ei[e, ROLE] != role:
                continue
            pq = mech.quit_probability(
                ef[e, ENGAGEMENT],
                ef[e, TENURE],
                ef[e, FIT],
                ef[e, STRESS],
                p[K.PEOPLE_FIRST_LEVEL],
                p[K.PAY_QUIT_FACTOR],
                p[K.TURNOVER_BASE_QUIT_PER_YEAR],
                p[K.TURNOVER_ENGAGEMENT_SLOPE],
                p[K.TURNOVER_FIT_SLOPE],
                p[K.TURNOVER_STRESS_SLOPE],
                p[K.TURNOVER_PEOPLE_FIRST_EFFECT],
                p[K.TURNOVER_EARLY_TENURE_DAYS],
                p[K.TURNOVER_EARLY_TENURE_MULTIPLIER],
            )
            quit = u_quit[e] < pq
            keep[e] = not quit
            if quit:
                quits += 1
                if ef[e, TENURE] < p[K.TURNOVER_EARLY_TENURE_DAYS]:
                    early += 1
                reports[ei[e, MANAGER]] -= 1
                vac_role[n_vac] = role
                vac_due[n_vac] = day + r_hire.gamma(
                    mech.VACANCY_SHAPE, p[K.TIME_TO_FILL_MEAN_DAYS] / mech.VACANCY_SHAPE
                )
                n_vac += 1
    n[I_STAFF] = _compact(ef, ei, keep, n_staff)
    n[I_VACANCIES] = n_vac
    n[I_QUITS] = quits
    n[I_QUITS_EARLY] = early


@njit(cache=True, nogil=True)
def _vacancies(p, day, n, firm, ef, ei, belief, reports, vac_role, vac_due, r_hire):
    """Fill the vacancies that are due (a freeze holds them while the role is staffed at or above the minimum share)."""
    n_staff = n[I_STAFF]
    staffed_front = 0
    for e in range(n_staff):
        if ei[e, ROLE] == 0:
            staffed_front += 1
    staffed_back = n_staff - staffed_front
    freeze = firm[F_BUDGET_CUT] > 0.5 and p[K.BUDGET_HIRING_FREEZE] > 0.5
    hires = 0
    hiring_cost = 0.0
    k = 0
    for v in range(n[I_VACANCIES]):
        role = vac_role[v]
        staffed = staffed_front if role == 0 else staffed_back
        planned = n[I_PLANNED_FRONT] if role == 0 else n[I_PLANNED_BACK]
        if staffed >= planned:
            continue  # a post closed by a new staffing plan (never happens without a switch)
        frozen = freeze and staffed >= p[K.BUDGET_MIN_STAFFING_SHARE] * planned
        if vac_due[v] <= day and not frozen:
            if role == 0:
                staffed_front += 1
            else:
                staffed_back += 1
            _add_employee(p, ef, ei, n_staff, belief, reports, role, r_hire, 0.0, False, firm[F_AUTONOMY])
            n_staff += 1
            hires += 1
            market = p[K.FIRM_WAGE_FRONTLINE_USD_PER_YEAR] if role == 0 else p[K.FIRM_WAGE_BACK_OFFICE_USD_PER_YEAR]
            hiring_cost += market * (1.0 + p[K.PAY_PREMIUM]) * p[K.HIRING_COST_SHARE]
        else:
            vac_role[k] = role
            vac_due[k] = vac_due[v] + (1.0 if frozen else 0.0)  # a freeze pauses recruiting (7.23)
            k += 1
    n[I_VACANCIES] = k
    n[I_STAFF] = n_staff
    n[I_FRONTLINE] = staffed_front
    n[I_BACK_OFFICE] = staffed_back
    n[I_HIRES] = hires
    firm[F_HIRING_COST] = hiring_cost
    firm[F_ONBOARDING_HOURS] = hires * p[K.EMPOWERMENT_TRAINING_HOURS_PER_HIRE] * p[K.DISCRETION]


@njit(cache=True, nogil=True)
def _measures(p):
    """Time factor of what the firm manages to (:func:`mech.measures_factor`)."""
    return mech.measures_factor(p[K.MEASURES_INSIDE_OUT], p[K.MEASURES_CORNER_CUT])


@njit(cache=True, nogil=True)
def _firm(p, n, firm, consistency):
    """Work pressure from today's occupancy, corner cutting (tomorrow's time factor), the service standard and
    the slow stocks (guideline competence, relationships along the chain, the premium charged)."""
    n_on_front = n[I_ON_FRONT]
    occupancy = firm[F_BUSY_FRONT] / (n_on_front * firm[F_OPEN_MIN]) if n_on_front > 0 else 0.0
    firm[F_OCCUPANCY] = occupancy
    # The load at the standard's pace: what occupancy would be without today's corner cutting (the measures'
    # cut included).
    demanded = occupancy * firm[F_STANDARD] / max(firm[F_TIME_FACTOR] * _measures(p), 1e-9)
    firm[F_PRESSURE] = mech.smooth(
        firm[F_PRESSURE], demanded / p[K.SERVICE_TARGET_OCCUPANCY], p[K.EROSION_PRESSURE_DAYS]
    )
    practice = mech.time_factor(
        firm[F_STANDARD], firm[F_PRESSURE], p[K.EROSION_TIME_ELASTICITY], p[K.EROSION_MIN_TIME_FACTOR]
    )
    firm[F_STANDARD] = mech.standard_update(
        firm[F_STANDARD], practice, p[K.EROSION_EROSION_DAYS], p[K.EROSION_RECOVERY_DAYS]
    )
    firm[F_TIME_FACTOR] = mech.time_factor(
        firm[F_STANDARD], firm[F_PRESSURE], p[K.EROSION_TIME_ELASTICITY], p[K.EROSION_MIN_TIME_FACTOR]
    )
    mean_consistency = 0.0
    for m in range(n[I_MANAGERS]):
        mean_consistency += consistency[m]
    mean_consistency /= max(n[I_MANAGERS], 1)
    firm[F_COMPETENCE] = mech.competence_update(
        firm[F_COMPETENCE], p[K.EMPOWERMENT_GUIDELINES] > 0.5, p[K.EMPOWERMENT_COMPETENCE_DAYS], mean_consistency
    )
    firm[F_RELATIONSHIPS] = mech.smooth(
        firm[F_RELATIONSHIPS], p[K.SERVICE_PHILOSOPHY_INTERNAL_ORIENTATION], p[K.SERVICE_PHILOSOPHY_RELATIONSHIP_DAYS]
    )
    premium = mech.charged_premium(
        firm[F_PREMIUM],
        p[K.PRICING_PRICE_PREMIUM],
        firm[F_REPUTATION],
        p[K.PRICING_WTP_MAX],
        p[K.PRICING_WTP_FLOOR_SATISFACTION],
        p[K.PRICING_WTP_FULL_SATISFACTION],
    )
    firm[F_PREMIUM_MOVED] = 1.0 if premium != firm[F_PREMIUM] else 0.0
    firm[F_PREMIUM] = premium


@njit(cache=True, nogil=True)
def _ledger(p, day, n, firm, consistency, stats, row):
    """Costs, revenue and profit into the day's ``row``; then the budget rule on the smoothed margin."""
    open_min = firm[F_OPEN_MIN]
    n_staff = n[I_STAFF]
    onboarding_hours = firm[F_ONBOARDING_HOURS]
    training_hours = firm[F_TRAINING_HOURS] + onboarding_hours
    per_day = 1.0 / DAYS_PER_YEAR
    pay = 1.0 + p[K.PAY_PREMIUM]
    manager_wages = n[I_MANAGERS] * p[K.FIRM_WAGE_MANAGER_USD_PER_YEAR] / DAYS_PER_YEAR
    wages_front = n[I_FRONTLINE] * p[K.FIRM_WAGE_FRONTLINE_USD_PER_YEAR] * pay * per_day
    wages_back = n[I_BACK_OFFICE] * p[K.FIRM_WAGE_BACK_OFFICE_USD_PER_YEAR] * pay * per_day
    hours_per_day = open_min / 60.0
    mgr_per_hour = p[K.FIRM_WAGE_MANAGER_USD_PER_YEAR] * per_day / hours_per_day
    manager_time = min(stats[S_MANAGER_MIN] / 60.0 * mgr_per_hour, manager_wages)
    mean_wage_hour = (wages_front + wages_back) / n_staff / hours_per_day if n_staff > 0 else 0.0
    # Training: formal hours (soft-skill hours cost more), onboarding in the guidelines and ongoing support.
    support_hours = n_staff * p[K.TRAINING_ONGOING_SUPPORT] * p[K.TRAINING_SUPPORT_HOURS_PER_YEAR] * per_day
    soft_hours = firm[F_TRAINING_HOURS] * p[K.TRAINING_SOFT_SKILL_SHARE]
    trainee_time = (training_hours + support_hours) * mean_wage_hour
    direct = p[K.TRAINING_COST_USD_PER_HOUR] * (
        training_hours + support_hours + soft_hours * (p[K.TRAINING_SOFT_COST_RATIO] - 1.0)
    )
    coordination = (
        p[K.SERVICE_PHILOSOPHY_COORDINATION_SHARE]
        * p[K.SERVICE_PHILOSOPHY_INTERNAL_ORIENTATION]
        * (wages_front + wages_back)
    )
    mean_consistency = 0.0
    for m in range(n[I_MANAGERS]):
        mean_consistency += consistency[m]
    mean_consistency /= max(n[I_MANAGERS], 1)
    coaching = (
        mech.coaching_hours_per_day(mean_consistency, p[K.LEADERSHIP_COACHING_HOURS_PER_EMPLOYEE_YEAR], n_staff)
        * mgr_per_hour
    )
    # A change programme: today's fees, and the paid time its training days take off the floor.
    programme_time = 0.0
    if day < firm[F_PROGRAMME_UNTIL]:
        programme_time = firm[F_PROGRAMME_SHARE] * (wages_front + wages_back)
    row[C_CHANGE] = firm[F_CHANGE_FEE] + programme_time
    firm[F_CHANGE_FEE] = 0.0
    # Compliance: a share of breaches is found, after an exponential lag, and fined under an annual cap.
    if int(day // DAYS_PER_YEAR) != int((day - 1) // DAYS_PER_YEAR):
        firm[F_FINED_YEAR] = 0.0  # a new calendar year
    firm[F_UNDETECTED] += stats[S_BREACHES] * p[K.COMPLIANCE_DETECTION_PROBABILITY]
    found = firm[F_UNDETECTED] * mech.detected_share(p[K.COMPLIANCE_DETECTION_LAG_DAYS])
    firm[F_UNDETECTED] -= found
    firm[F_DETECTED] = found
    fine = mech.capped_penalty(
        found * p[K.COMPLIANCE_BREACH_PENALTY_USD], firm[F_FINED_YEAR], p[K.COMPLIANCE_ANNUAL_CAP_USD]
    )
    firm[F_FINED_YEAR] += fine
    row[C_LABOUR] = (
        wages_front + wages_back + manager_wages - manager_time - trainee_time - coordination - programme_time
    )
    row[C_TRAINING] = trainee_time + direct
    row[C_HIRING] = firm[F_HIRING_COST]
    row[C_RECOVERY] = stats[S_RECOVERY_USD]
    row[C_ABUSE] = stats[S_ABUSE_USD]
    row[C_COMPLIANCE] = fine
    row[C_MANAGER_TIME] = manager_time
    row[C_COACHING] = coaching
    row[C_COORDINATION] = coordination
    row[C_SYSTEMS] = (
        n[I_FRONTLINE]
        * per_day
        * (
            p[K.SERVICE_DATA_ACCESS] * p[K.SERVICE_DATA_COST_USD_PER_SEAT_YEAR]
            + (1.0 - p[K.MEASURES_INSIDE_OUT]) * p[K.MEASURES_OUTSIDE_IN_COST_USD_PER_SEAT_YEAR]
        )
    )
    row[C_ACQUISITION] = firm[F_ACQUISITION_COST]
    row[C_WELLBEING] = n_staff * p[K.PEOPLE_FIRST_LEVEL] * p[K.PEOPLE_FIRST_WELLBEING_USD_PER_EMPLOYEE_YEAR] * per_day
    row[C_OVERHEAD] = p[K.FIRM_OVERHEAD_USD_PER_FRONTLINE_DAY] * p[K.FIRM_FRONTLINE]
    total = 0.0
    for col in range(C_LABOUR, C_OVERHEAD + 1):
        total += row[col]
    row[C_COST_TOTAL] = total
    # Failure demand (repeats of unresolved contacts) costs time but earns nothing.
    price = p[K.PRICING_REVENUE_PER_CONTACT_USD] * (1.0 + firm[F_PREMIUM])
    revenue = (stats[S_SERVED] - stats[S_SERVED_REPEATS]) * price
    profit = revenue - total
    row[C_REVENUE] = revenue
    row[C_PROFIT] = profit
    for code in range(3):
        seg_revenue = stats[S_SERVED_FRESH + code] * price
        row[C_REVENUE_SEG + code] = seg_revenue
        row[C_CONTRIBUTION_SEG + code] = seg_revenue - stats[S_GRANTED_USD + code] - firm[F_ACQUISITION_SEG + code]

    # Budget rule: cut training and freeze hiring while the smoothed margin is below target.
    if day == 0:
        firm[F_REVENUE_SMOOTH] = revenue
        firm[F_PROFIT_SMOOTH] = profit
    else:
        firm[F_REVENUE_SMOOTH] = mech.smooth(firm[F_REVENUE_SMOOTH], revenue, p[K.BUDGET_REVIEW_DAYS])
        firm[F_PROFIT_SMOOTH] = mech.smooth(firm[F_PROFIT_SMOOTH], profit, p[K.BUDGET_REVIEW_DAYS])
    margin = firm[F_PROFIT_SMOOTH] / firm[F_REVENUE_SMOOTH] if firm[F_REVENUE_SMOOTH] > 0 else -1.0
    firm[F_BUDGET_CUT] = 1.0 if (p[K.BUDGET_COST_CUTTING] > 0.5 and margin < p[K.BUDGET_TARGET_MARGIN]) else 0.0


@njit(cache=True, nogil=True)
def _record(p, n, firm, cuf, cui, ef, ei, belief, stats, row, counts):
    """The day's row (all but the ledger's money columns) and the day's workload ``counts``."""
    n_cust = n[I_CUSTOMERS]
    n_staff = n[I_STAFF]
    sat_sum = 0.0
    promoters = 0
    detractors = 0
    opportunists = 0
    for i in range(n_cust):
        s = cuf[i, SATISFACTION]
        sat_sum += s
        if s >= p[K.LOYALTY_PROMOTER_THRESHOLD]:
            promoters += 1
        if s < p[K.LOYALTY_DETRACTOR_THRESHOLD]:
            detractors += 1
        if cui[i, SEGMENT] == OPPORTUNIST:
            opportunists += 1
    for code in range(3):
        row[C_ACTIVE_SEG + code] = 0.0
    for i in range(n_cust):
        row[C_ACTIVE_SEG + cui[i, SEGMENT]] += 1.0
    if n_cust > 0:
        firm[F_REPUTATION] = mech.smooth(firm[F_REPUTATION], sat_sum / n_cust, p[K.MARKET_REPUTATION_DAYS])
    # Breaches made public hurt the name (compliance.reputation_hit each).
    firm[F_REPUTATION] = mech.clip01(firm[F_REPUTATION] - firm[F_DETECTED] * p[K.COMPLIANCE_REPUTATION_HIT])
    eng_sum = 0.0
    belief_sum = 0.0
    engaged = 0
    stress_sum = 0.0
    for e in range(n_staff):
        eng_sum += ef[e, ENGAGEMENT]
        stress_sum += ef[e, STRESS]
        belief_sum += belief[ei[e, MANAGER]]
        if ef[e, ENGAGEMENT] > p[K.ENGAGEMENT_ENGAGED_THRESHOLD]:
            engaged += 1
    served = stats[S_SERVED]
    row[C_ACTIVE] = n_cust
    row[C_CHURNED] = n[I_CHURNED]
    row[C_NEW] = n[I_REFERRALS] + n[I_PAID]
    row[C_REFERRALS] = n[I_REFERRALS]
    row[C_SATISFACTION] = sat_sum / n_cust if n_cust > 0 else np.nan
    row[C_NPS] = mech.net_promoter_score(promoters, detractors, n_cust)
    row[C_OPPORTUNIST] = opportunists / n_cust if n_cust > 0 else 0.0
    row[C_CONTACTS] = stats[S_CONTACTS]
    row[C_REPEAT_CONTACTS] = stats[S_REPEAT_CONTACTS]
    row[C_SERVED] = served
    row[C_ABANDONED] = stats[S_ABANDONED]
    row[C_EMPLOYEES] = n_staff
    row[C_FRONTLINE] = n[I_FRONTLINE]
    row[C_QUITS] = n[I_QUITS]
    row[C_QUITS_EARLY] = n[I_QUITS_EARLY]
    row[C_HIRES] = n[I_HIRES]
    row[C_VACANCIES] = n[I_VACANCIES]
    row[C_ENGAGEMENT] = eng_sum / n_staff if n_staff > 0 else np.nan
    row[C_ENGAGED] = engaged / n_staff if n_staff > 0 else 0.0
    row[C_STRESS] = stress_sum / n_staff if n_staff > 0 else 0.0
    row[C_OCCUPANCY] = firm[F_OCCUPANCY]
    row[C_WAIT_MEAN] = stats[S_WAIT_SUM] / served if served > 0 else 0.0
    row[C_WAIT_P95] = stats[S_WAIT_P95]
    row[C_ABANDON_RATE] = stats[S_ABANDONED] / stats[S_CONTACTS] if stats[S_CONTACTS] > 0 else 0.0
    row[C_EXCEPTIONS] = stats[S_EXCEPTIONS]
    row[C_ABUSIVE_CLAIMS] = stats[S_ABUSIVE_CLAIMS]
    row[C_ESCALATIONS] = stats[S_ESCALATIONS]
    row[C_APPROVAL_WAIT] = stats[S_APPROVAL_WAIT_SUM] / stats[S_ESCALATIONS] if stats[S_ESCALATIONS] > 0 else 0.0
    row[C_GRANTS] = stats[S_GRANTS]
    row[C_BREACHES] = stats[S_BREACHES]
    row[C_BREACHES_DETECTED] = firm[F_DETECTED]
    row[C_FULFILMENTS] = stats[S_FULFILMENTS]
    row[C_CHASES] = stats[S_CHASES]
    row[C_EPISODE] = stats[S_EPISODE_SUM] / stats[S_EPISODES] if stats[S_EPISODES] > 0 else 0.0
    row[C_BELIEF] = belief_sum / n_staff if n_staff > 0 else 0.0
    row[C_COMPETENCE] = firm[F_COMPETENCE]
    row[C_RELATIONSHIPS] = firm[F_RELATIONSHIPS]
    row[C_PREMIUM] = firm[F_PREMIUM]
    row[C_FCR] = stats[S_RESOLVED] / served if served > 0 else 0.0
    row[C_HANDOFFS] = stats[S_HANDOFFS]
    row[C_HANDOFF_FAILURES] = stats[S_HANDOFF_FAILURES]
    row[C_TRAINING_HOURS] = firm[F_TRAINING_HOURS] + firm[F_ONBOARDING_HOURS]
    row[C_STANDARD] = firm[F_STANDARD]
    row[C_BUDGET_CUT] = firm[F_BUDGET_CUT]
    row[C_PROSPECTS] = firm[F_PROSPECTS]
    row[C_REPUTATION] = firm[F_REPUTATION]
    for code in range(3):
        row[C_CHURNED_SEG + code] = n[I_CHURNED_SEG + code]
    counts[1] += stats[S_CONTACTS]
    counts[3] += stats[S_HANDOFFS] + stats[S_ESCALATIONS]


@njit(cache=True, nogil=True)
def _night(n, ef):
    """Everyone on the payroll is a day older."""
    for e in range(n[I_STAFF]):
        ef[e, TENURE] += 1.0


@njit(cache=True, nogil=True)
def _today(p, firm, today):
    """The service day's view of the slow stocks: relationships along the chain (hand-off and fulfilment
    delays, hand-off failures, shared knowledge), guideline competence and the premium charged."""
    rel = firm[F_RELATIONSHIPS]
    today[T_HANDOFF_DELAY] = mech.handoff_delay_mean(p[K.SERVICE_PHILOSOPHY_HANDOFF_DELAY_MIN], rel)
    today[T_HANDOFF_FAILURE] = mech.handoff_failure_probability(p[K.SERVICE_PHILOSOPHY_HANDOFF_FAILURE], rel)
    today[T_FULFIL_DELAY] = mech.handoff_delay_mean(p[K.RECOVERY_FULFILMENT_DELAY_MIN], rel)
    today[T_COMPETENCE] = firm[F_COMPETENCE]
    today[T_PREMIUM] = firm[F_PREMIUM]
    today[T_KNOWLEDGE] = mech.shared_knowledge(rel, p[K.SERVICE_PHILOSOPHY_KNOWLEDGE_WEIGHT])


# --------------------------------------------------------------------------- the kernel


@njit(cache=True, nogil=True)
def run_replication(p, days, rngs, out, counts, p_after, switch_days):  # noqa: PLR0913
    """Simulate one replication for ``days`` days, writing the daily table into ``out`` (days x N_COLUMNS).

    ``counts`` (length 4) receives the random-number workload: customer-days, contacts, employee-days
    and hand-offs plus escalations (used by the benchmark's floor). A schedule of policy switches: from
    day ``switch_days[i]`` on (int64, strictly increasing; empty: no switch) the firm runs under the
    policies ``p_after[i]`` (one row per switch): the people, customers and their state carry over; each
    manager's consistency moves by the change in the policy's mean; structural keys (sizes, opening
    hours) must be the same in all (checked by the caller).

    Set-up: :func:`_init_firm`, :func:`_init_managers`, :func:`_init_employees`, :func:`_init_customers`.
    Each day, in the order of the mesa engine's ``FirmModel.step``: :func:`_switch` (on a switch day
    only), :func:`_morning`, the service day, :func:`_customers`, :func:`_employees` (with
    :func:`_quits`), :func:`_vacancies`, :func:`_firm`, :func:`_ledger`, :func:`_record`, :func:`_night`.
    """
    r_init = rngs[R_INIT]
    r_arrivals = rngs[R_ARRIVALS]
    r_churn = rngs[R_CHURN]
    r_acq = rngs[R_ACQUISITION]
    r_emp = rngs[R_EMPLOYEES]
    r_hire = rngs[R_HIRING]

    # Set-up: the state vectors, managers, the payroll, customers, and the day's buffers.
    firm, n = _init_firm(p)
    consistency, reports, belief = _init_managers(p, n, r_init)
    ef, ei = _init_employees(p, n, firm, belief, reports, r_init)
    pick, keep, vac_role, vac_due = _staff_buffers(ef.shape[0])
    cuf, cui = _init_customers(p, n, firm, r_init)
    today = np.zeros(N_TODAY)
    kf, ki = _contact_buffers(p, n)
    stats = np.zeros(N_STATS)
    rb = np.zeros((N_SLOTS, 0))
    rp = np.zeros(N_SLOTS, dtype=np.int64)
    rn = np.zeros(N_SLOTS, dtype=np.int64)
    gs = gamma_shape(p)
    nxt = 0  # the next switch of the schedule

    for day in range(days):
        row = out[day]
        # 0. A policy switch: new policies, consistency and staffing plan from this morning on.
        if nxt < switch_days.shape[0] and day == switch_days[nxt]:
            ef, ei, pick, keep, vac_role, vac_due = _switch(
                p, p_after[nxt], day, n, firm, consistency, ef, ei, pick, keep, vac_role, vac_due, r_hire
            )
            p = p_after[nxt]
            gs = gamma_shape(p)
            nxt += 1

        # 1. Morning: reset, ramp-up, the rota, today's contacts, gate share and autonomy.
        kf, ki = _morning(p, day, n, firm, ef, ei, cuf, cui, kf, ki, pick, r_emp, r_arrivals)

        # 2. The service day (its random numbers drawn up front, stream by stream), under today's stocks.
        n_staff, n_contacts = n[I_STAFF], n[I_CONTACTS]
        time_factor, gate_share = firm[F_TIME_FACTOR] * _measures(p), firm[F_GATE_SHARE]
        _today(p, firm, today)
        rb = top_up(rb, rp, rn, rngs, gs, n_contacts, PER_CONTACT)
        service_day(p, cuf, cui, ef, ei, n_staff, kf, ki, n_contacts, time_factor, gate_share, today, rb, rp, stats)

        # 3. Customers: churn, then referrals and paid acquisition from the market.
        cuf, cui = _customers(p, day, n, firm, cuf, cui, stats, counts, r_churn, r_acq)

        # 4. Employees: stress, engagement, training, then quits (each quit opens a vacancy).
        _employees(
            p, day, n, firm, ef, ei, consistency, belief, reports, keep, vac_role, vac_due, counts, r_emp, r_hire
        )

        # 5. Vacancies filled when due.
        _vacancies(p, day, n, firm, ef, ei, belief, reports, vac_role, vac_due, r_hire)

        # 6. Firm: work pressure, corner cutting, the standard and the slow stocks; the ledger and the budget rule.
        _firm(p, n, firm, consistency)
        _ledger(p, day, n, firm, consistency, stats, row)

        # 7. The day's row; overnight, a day of tenure.
        _record(p, n, firm, cuf, cui, ef, ei, belief, stats, row, counts)
        _night(n, ef)
