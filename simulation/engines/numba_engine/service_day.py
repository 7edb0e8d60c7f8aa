"""One business day of service as an event-driven simulation in a numba kernel.

The same process as the mesa engine's SimPy day
(:mod:`simulation.engines.mesa_engine.service_day`), written over arrays:

* contacts arrive as a Poisson process over the opening hours (each
  customer's contacts are Poisson with its own propensity, so the firm's
  stream has the summed rate and each contact's owner is drawn in proportion
  to propensity), plus yesterday's unresolved repeats at uniform times;
* a free frontline employee (the longest idle: a FIFO ring) takes the next
  contact; a contact that finds none queues (FIFO) and reneges at its
  patience deadline. A reneged contact is noticed when it reaches the head
  of the queue or at the end of the day, so reneging needs no event;
* the employee holds the contact through its hand-offs (transmission delay,
  a back-office worker from a FIFO store, rework on failure); an exception
  is decided on the spot under guidelines, or taken and passed on: a manager
  decides it asynchronously (response delay, then a manager from a FIFO
  multi-server queue) while the employee serves the next customer;
* a voiced problem is a recovery episode: a granted remedy may go to the
  back office for fulfilment (its own delay, the same FIFO store, rework),
  and when the episode ends the customer's satisfaction moves with the TARP
  outcome of its length, and the customer has chased it;
* the pending events (service end, hand-off arrival, back-office end,
  manager arrival, approval end) sit in a binary heap keyed by time and a
  sequence number, so ties resolve in a fixed order; the loop runs until the
  last episode of the day has ended (past closing time if need be).

Every per-event step is O(log events in flight); nothing scans all servers
or all customers. Random numbers come from the named streams of the
replication, drawn in the same roles as in the mesa engine.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from simulation import mechanisms as mech
from simulation.engines.numba_engine import keys as K
from simulation.engines.numba_engine.draws import (
    APPROVALS_E,
    APPROVALS_G,
    APPROVALS_U,
    ARRIVALS_E,
    ARRIVALS_U,
    EXCEPTIONS_N,
    EXCEPTIONS_U,
    HANDOFFS_E,
    HANDOFFS_G,
    HANDOFFS_U,
    SERVICE_G,
    SERVICE_U,
    gamma_mean,
    lognormal,
    take,
)
from simulation.engines.numba_engine.state import (
    ABUSER,
    ABUSIVE,
    ADEQUACY,
    APPROVAL_DELAY,
    ARRIVAL,
    ATTEMPTS,
    BASE_EXPERIENCE,
    BUSY,
    CHAIN,
    CHAIN_N,
    CHURN_P,
    CLAIM,
    COURTESY,
    CUSTOMER,
    DEADLINE,
    EMPLOYEE,
    ENGAGEMENT,
    ESCALATED_AT,
    EXCEPTION,
    EXPECTED_WAIT,
    EXPERIENCE_SUM,
    FAILED,
    FIT,
    HANDOFF,
    JUDGEMENT,
    LEARNED,
    MAX_CHAIN,
    MEAN_TIME,
    ON_DUTY,
    ON_SPOT,
    OPENED,
    OUTCOME,
    PATIENCE_MEAN,
    PENDING,
    PHASE,
    PRODUCTIVITY,
    PROPENSITY,
    REPEAT,
    RESOLUTION,
    ROLE,
    SATISFACTION,
    SEGMENT,
    SENSITIVITY,
    SERVED,
    SOFT_INNATE,
    SOFT_TRAINED,
    START,
    STEP_START,
    TECHNICAL_INNATE,
    TECHNICAL_TRAINED,
    WORKER,
)

# Event kinds.
EV_SERVICE_END = 0
EV_HANDOFF_ARRIVE = 1
EV_BACKOFFICE_END = 2
EV_MANAGER_ARRIVE = 3
EV_APPROVAL_END = 4

# What a contact does next, within the same instant.
ACT_NONE = 0
ACT_CHECK = 1  # a hand-off came back: did it work?
ACT_HANDOFF = 2  # send (or resend) to the back office
ACT_DECIDE = 3  # an exception: decide or escalate
ACT_FINISH = 4  # resolution, experience, free the employee


# Indices into the day's statistics vector.
S_CONTACTS = 0
S_SERVED = 1
S_SERVED_REPEATS = 2
S_ABANDONED = 3
S_WAIT_SUM = 4
S_RESOLVED = 5
S_EXCEPTIONS = 6
S_ESCALATIONS = 7
S_APPROVAL_WAIT_SUM = 8
S_GRANTS = 9
S_RECOVERY_USD = 10
S_ABUSE_USD = 11
S_ABUSIVE_CLAIMS = 12
S_ABUSIVE_GRANTED = 13
S_BREACHES = 14
S_HANDOFFS = 15
S_HANDOFF_FAILURES = 16
S_MANAGER_MIN = 17
S_EXPERIENCE_SUM = 18
S_WAIT_P95 = 19
S_SERVED_FRESH = 20  # first of 3 (by customer segment): served first contacts (they earn revenue)
S_GRANTED_USD = 23  # first of 3 (by customer segment): money granted (recovery and abuse)
S_REPEAT_CONTACTS = 26  # contacts that are repeats of failed ones (failure demand)
S_FULFILMENTS = 27  # recoveries passed to the back office (rework included)
S_CHASES = 28  # contacts scheduled by customers chasing a slow recovery
S_EPISODES = 29  # recovery episodes that ended
S_EPISODE_SUM = 30  # their summed length (min)
N_STATS = 31

# Today's values of the firm's slow stocks, handed to the service day (the ``today`` vector).
T_HANDOFF_DELAY = 0  # mean hand-off transmission delay (min) under today's relationships along the chain
T_HANDOFF_FAILURE = 1  # hand-off failure probability under today's relationships
T_FULFIL_DELAY = 2  # mean wait before the back office picks up a fulfilment (min)
T_COMPETENCE = 3  # guideline competence
T_PREMIUM = 4  # the premium charged
T_KNOWLEDGE = 5  # what the frontline knows of the rest of the chain (shared knowledge)
N_TODAY = 6


# --------------------------------------------------------------------------- heap


@njit(cache=True, nogil=True, inline="always")
def heap_push(ht, hs, hk, hc, n, t, seq, kind, contact):  # noqa: PLR0913
    """Push an event (time, sequence) onto the binary heap of ``n`` events; returns the new size."""
    i = n
    while i > 0:
        parent = (i - 1) >> 1
        if ht[parent] < t or (ht[parent] == t and hs[parent] < seq):
            break
        ht[i] = ht[parent]
        hs[i] = hs[parent]
        hk[i] = hk[parent]
        hc[i] = hc[parent]
        i = parent
    ht[i] = t
    hs[i] = seq
    hk[i] = kind
    hc[i] = contact
    return n + 1


@njit(cache=True, nogil=True, inline="always")
def heap_pop(ht, hs, hk, hc, n):
    """Remove the earliest event; returns (time, kind, contact, new size)."""
    t0, k0, c0 = ht[0], hk[0], hc[0]
    n -= 1
    t, s, k, c = ht[n], hs[n], hk[n], hc[n]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and (ht[child + 1] < ht[child] or (ht[child + 1] == ht[child] and hs[child + 1] < hs[child])):
            child += 1
        if t < ht[child] or (t == ht[child] and s < hs[child]):
            break
        ht[i] = ht[child]
        hs[i] = hs[child]
        hk[i] = hk[child]
        hc[i] = hc[child]
        i = child
    if n > 0:
        ht[i] = t
        hs[i] = s
        hk[i] = k
        hc[i] = c
    return t0, k0, c0, n


# --------------------------------------------------------------------------- draws


@njit(cache=True, nogil=True)
def gamma_shape(p):
    """Shape of the gamma handle times: ``1 / cv**2`` (cv 1 is exponential)."""
    cv = p[K.SERVICE_TIME_CV]
    return 1.0 / (cv * cv)


@njit(cache=True, nogil=True)
def _sorted_uniforms(rng, n, scale):
    """``n`` sorted uniforms on [0, scale): normalised cumulative exponential spacings (no sort)."""
    gaps = rng.standard_exponential(n + 1)
    out = np.cumsum(gaps[:n])
    out *= scale / (out[n - 1] + gaps[n]) if n > 0 else 1.0
    return out


@njit(cache=True, nogil=True)
def _shuffle(rng, a):
    """Fisher-Yates shuffle of ``a`` in place."""
    n = a.shape[0]
    u = rng.random(n)
    for i in range(n - 1, 0, -1):
        j = int(u[i] * (i + 1))
        a[i], a[j] = a[j], a[i]


@njit(cache=True, nogil=True)
def draw_arrivals(cuf, cui, n_customers, open_min, rng, kf, ki):
    """Today's contacts, sorted by time, into the contact table (arrival, customer, repeat); returns their number.

    Fresh contacts: a Poisson number with mean sum(propensity) at sorted uniform times, each owner drawn
    in proportion to propensity, independently of the time: the same law as independent Poisson counts
    per customer at uniform times (the mesa engine's way). Owners are sorted uniforms merged with the
    cumulative propensities, then shuffled onto the times: O(customers + contacts), no search, no sort.
    Repeats: each pending repeat at its own uniform time. Returns -1 (and changes nothing) when the
    table is too small.
    """
    total = 0.0
    n_rep = 0
    for i in range(n_customers):
        total += cuf[i, PROPENSITY]
        n_rep += cui[i, PENDING]
    n_fresh = rng.poisson(total) if total > 0.0 else 0
    if n_fresh + n_rep > kf.shape[0]:
        return -1
    fresh_t = _sorted_uniforms(rng, n_fresh, open_min)
    marks = _sorted_uniforms(rng, n_fresh, total)
    fresh_o = np.empty(n_fresh, dtype=np.int64)
    i = 0
    cum = cuf[0, PROPENSITY] if n_customers > 0 else 0.0
    for k in range(n_fresh):
        while marks[k] >= cum and i < n_customers - 1:
            i += 1
            cum += cuf[i, PROPENSITY]
        fresh_o[k] = i
    _shuffle(rng, fresh_o)
    rep_o = np.empty(n_rep, dtype=np.int64)
    k = 0
    for i in range(n_customers):
        for _ in range(cui[i, PENDING]):
            rep_o[k] = i
            k += 1
        cui[i, PENDING] = 0
    rep_t = _sorted_uniforms(rng, n_rep, open_min)
    _shuffle(rng, rep_o)
    # Merge the two sorted streams.
    a = 0
    b = 0
    for n in range(n_fresh + n_rep):
        if b >= n_rep or (a < n_fresh and fresh_t[a] <= rep_t[b]):
            kf[n, ARRIVAL] = fresh_t[a]
            ki[n, CUSTOMER] = fresh_o[a]
            ki[n, REPEAT] = 0
            a += 1
        else:
            kf[n, ARRIVAL] = rep_t[b]
            ki[n, CUSTOMER] = rep_o[b]
            ki[n, REPEAT] = 1
            b += 1
    return n_fresh + n_rep


# --------------------------------------------------------------------------- the day


@njit(cache=True, nogil=True, inline="always")
def _technical(ef, e):
    return min(1.0, ef[e, TECHNICAL_INNATE] + ef[e, TECHNICAL_TRAINED])


@njit(cache=True, nogil=True, inline="always")
def _soft(ef, e):
    return min(1.0, ef[e, SOFT_INNATE] + ef[e, SOFT_TRAINED])


@njit(cache=True, nogil=True, inline="always")
def overcharge(p, premium, satisfaction):
    """The premium charged minus what the customer's experience is worth to them (:func:`mech.overcharge`)."""
    return mech.overcharge(
        premium,
        satisfaction,
        p[K.PRICING_WTP_MAX],
        p[K.PRICING_WTP_FLOOR_SATISFACTION],
        p[K.PRICING_WTP_FULL_SATISFACTION],
    )


@njit(cache=True, nogil=True, inline="always")
def churn_p(p, premium, satisfaction, sensitivity):
    """A customer's daily churn probability (cached per customer: it moves with satisfaction and the premium)."""
    return mech.churn_probability(
        satisfaction,
        overcharge(p, premium, satisfaction),
        sensitivity,
        p[K.LOYALTY_CHURN_PER_YEAR],
        p[K.LOYALTY_REFERENCE_SATISFACTION],
        p[K.LOYALTY_CHURN_SLOPE],
        p[K.LOYALTY_PRICE_ELASTICITY],
    )


@njit(cache=True, nogil=True, inline="always")
def _satisfy(p, today, cuf, cust, experience, rate):
    """Satisfaction moves toward an experience (an encounter, or a problem's outcome); churn risk follows."""
    cuf[cust, SATISFACTION] = mech.satisfaction_update(cuf[cust, SATISFACTION], experience, rate)
    cuf[cust, CHURN_P] = churn_p(p, today[T_PREMIUM], cuf[cust, SATISFACTION], cuf[cust, SENSITIVITY])


@njit(cache=True, nogil=True, inline="always")
def _after_contact(p, cuf, cui, cust, wait, unresolved, rb, rp):
    """The wait the customer learns to expect, and whether an unresolved contact comes back tomorrow."""
    cuf[cust, EXPECTED_WAIT] += mech.EXPECTED_WAIT_RATE * (wait - cuf[cust, EXPECTED_WAIT])
    if unresolved and take(rb, rp, ARRIVALS_U) < p[K.DEMAND_REPEAT_CONTACT_SHARE]:
        cui[cust, PENDING] += 1


@njit(cache=True, nogil=True, inline="always")
def _morning(p, ef, ei, e, time_factor, competence):
    """What an employee on duty brings to every contact today (their skills and engagement hold all day)."""
    technical = _technical(ef, e)
    if ei[e, ROLE] == 0:
        ef[e, MEAN_TIME] = mech.service_time_mean(
            p[K.SERVICE_HANDLE_TIME_MIN], technical, p[K.SERVICE_DATA_ACCESS], ef[e, PRODUCTIVITY], time_factor
        )
    else:
        ef[e, MEAN_TIME] = mech.service_time_mean(
            p[K.SERVICE_PHILOSOPHY_BACKOFFICE_TIME_MIN], technical, 0.0, ef[e, PRODUCTIVITY], time_factor
        )
    soft = _soft(ef, e)
    ef[e, RESOLUTION] = mech.resolution_probability(
        p[K.SERVICE_BASE_RESOLUTION],
        technical,
        soft,
        ef[e, ENGAGEMENT],
        p[K.SERVICE_DATA_ACCESS],
        ef[e, PRODUCTIVITY],
        time_factor,
        p[K.EROSION_QUALITY_ELASTICITY],
    )
    ef[e, COURTESY] = mech.courtesy(soft, ef[e, ENGAGEMENT])
    ef[e, JUDGEMENT] = mech.competent_judgement(
        mech.judgement(soft, ef[e, FIT], ef[e, ENGAGEMENT], ef[e, PRODUCTIVITY]),
        competence,
        p[K.EMPOWERMENT_COMPETENCE_WEIGHT],
    )


@njit(cache=True, nogil=True)
def _percentile_with_zeros(positive, n_pos, n, q):
    """The q-th percentile (numpy's linear rule) of ``n`` values: ``n - n_pos`` zeros and ``positive[:n_pos]``."""
    if n == 0:
        return 0.0
    h = (n - 1) * q / 100.0
    lo = int(math.floor(h))
    hi = min(lo + 1, n - 1)
    n_zero = n - n_pos
    if hi < n_zero:
        return 0.0
    # Selection, not a sort: O(n) for the one or two order statistics needed.
    if lo < n_zero:  # then hi == n_zero: the smallest positive value
        v_lo = 0.0
        v_hi = positive[:n_pos].min()
    else:
        k = lo - n_zero
        vals = np.partition(positive[:n_pos], k)
        v_lo = vals[k]
        v_hi = vals[k + 1 :].min() if hi > lo else v_lo
    return v_lo + (h - lo) * (v_hi - v_lo)


@njit(cache=True, nogil=True)
def service_day(  # noqa: C901, PLR0912, PLR0915
    p,
    cuf,
    cui,
    ef,
    ei,
    n_staff,
    kf,
    ki,
    n_contacts,
    time_factor,
    gate_share,
    today,
    rb,
    rp,
    stats,
):
    """Run one service day over ``n_contacts`` contacts already in ``kf, ki`` (customer, arrival, repeat).

    ``ef, ei`` rows with ``on_duty == 1`` serve (role 0 frontline, 1 back office); ``today`` holds the firm's
    slow stocks (``T_*``); ``stats`` (length ``N_STATS``) is filled; customers and employees are updated in place.
    """
    gs = gamma_shape(p)
    stats[:] = 0.0
    # Idle stores (FIFO rings) of frontline and back-office employees on duty.
    front_idle = np.empty(max(n_staff, 1), dtype=np.int64)
    back_idle = np.empty(max(n_staff, 1), dtype=np.int64)
    n_front = 0
    n_back = 0
    for e in range(n_staff):
        if ei[e, ON_DUTY] == 1:
            _morning(p, ef, ei, e, time_factor, today[T_COMPETENCE])
            if ei[e, ROLE] == 0:
                front_idle[n_front] = e
                n_front += 1
            else:
                back_idle[n_back] = e
                n_back += 1
    waits_pos = np.empty(max(n_contacts, 1))

    if n_front == 0:
        # Nobody on duty: every contact gives up (a closed shop, not a crash).
        for c in range(n_contacts):
            stats[S_CONTACTS] += 1.0
            stats[S_REPEAT_CONTACTS] += ki[c, REPEAT]
            stats[S_ABANDONED] += 1.0
            _satisfy(p, today, cuf, ki[c, CUSTOMER], mech.ABANDON_EXPERIENCE, p[K.LOYALTY_SATISFACTION_RATE])
            _after_contact(p, cuf, cui, ki[c, CUSTOMER], 0.0, True, rb, rp)
        return

    # Queues of contacts (FIFO, never wrap: each contact joins each queue at most MAX_CHAIN times).
    q_front = np.empty(max(n_contacts, 1), dtype=np.int64)
    q_back = np.empty(max(n_contacts * MAX_CHAIN, 1), dtype=np.int64)
    q_mgr = np.empty(max(n_contacts, 1), dtype=np.int64)

    # Event heap: at most one pending event per contact (in service, waiting for a manager or being fulfilled).
    hcap = max(n_contacts, 1)
    ht = np.empty(hcap)
    hs = np.empty(hcap, dtype=np.int64)
    hk = np.empty(hcap, dtype=np.int64)
    hc = np.empty(hcap, dtype=np.int64)

    n_waits, n_pos = _event_loop(
        p,
        cuf,
        cui,
        ef,
        ei,
        kf,
        ki,
        n_contacts,
        time_factor,
        gate_share,
        today,
        rb,
        rp,
        stats,
        gs,
        front_idle,
        back_idle,
        n_front,
        n_back,
        waits_pos,
        q_front,
        q_back,
        q_mgr,
        ht,
        hs,
        hk,
        hc,
    )
    stats[S_WAIT_P95] = _percentile_with_zeros(waits_pos, n_pos, n_waits, 95.0)


# No reference counting in the event loop: it allocates nothing, and numba's NRT would otherwise
# count references on every array the inlined helpers touch (~30 % of the loop's time, measured
# with perf). ``_nrt=False`` is safe here because every array is owned by the caller.
@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")  # type: ignore[call-overload]  # numba's _nrt flag is not in its type stubs
def _event_loop(  # noqa: C901, PLR0912, PLR0913, PLR0915
    p,
    cuf,
    cui,
    ef,
    ei,
    kf,
    ki,
    n_contacts,
    time_factor,
    gate_share,
    today,
    rb,
    rp,
    stats,
    gs,
    front_idle,
    back_idle,
    n_front,
    n_back,
    waits_pos,
    q_front,
    q_back,
    q_mgr,
    ht,
    hs,
    hk,
    hc,
):
    """The day's events, in time order, until the last contact has left; returns (waits, positive waits)."""
    guidelines = p[K.EMPOWERMENT_GUIDELINES] > 0.5
    regulated = p[K.COMPLIANCE_REGULATED] > 0.5
    servers = int(p[K.MANAGER_SERVERS])
    f_head, f_len = 0, n_front
    b_head, b_len = 0, n_back
    cap_f = max(n_front, 1)
    cap_b = max(n_back, 1)
    n_waits = 0
    n_pos = 0
    qf_head, qf_tail = 0, 0
    qb_head, qb_tail = 0, 0
    qm_head, qm_tail = 0, 0
    busy_mgr = 0
    hn = 0
    seq = 0
    ia = 0
    while True:
        # Next thing to happen: the earliest event, or the next arrival (events first at a tie).
        if hn == 0 or (ia < n_contacts and kf[ia, ARRIVAL] < ht[0]):
            if ia >= n_contacts:
                break
            c = ia
            ia += 1
            now = kf[c, ARRIVAL]
            stats[S_CONTACTS] += 1.0
            stats[S_REPEAT_CONTACTS] += ki[c, REPEAT]
            pm = mech.patience_mean(
                p[K.CUSTOMERS_PATIENCE_MEAN_MIN],
                p[K.CUSTOMERS_PATIENCE_ADAPTATION],
                cuf[ki[c, CUSTOMER], EXPECTED_WAIT],
            )
            kf[c, PATIENCE_MEAN] = pm
            kf[c, DEADLINE] = now + pm * take(rb, rp, ARRIVALS_E)
            if f_len > 0:
                e = front_idle[f_head]
                f_head = (f_head + 1) % cap_f
                f_len -= 1
                n_waits, n_pos, hn, seq = _start(
                    p,
                    cuf,
                    cui,
                    ef,
                    ei,
                    kf,
                    ki,
                    c,
                    e,
                    now,
                    time_factor,
                    gate_share,
                    rb,
                    rp,
                    gs,
                    stats,
                    waits_pos,
                    n_waits,
                    n_pos,
                    ht,
                    hs,
                    hk,
                    hc,
                    hn,
                    seq,
                )
            else:
                q_front[qf_tail] = c
                qf_tail += 1
            continue

        now, kind, c, hn = heap_pop(ht, hs, hk, hc, hn)
        action = ACT_NONE
        if kind == EV_SERVICE_END:
            action = ACT_HANDOFF if ki[c, HANDOFF] == 1 else (ACT_DECIDE if ki[c, EXCEPTION] == 1 else ACT_FINISH)
        elif kind == EV_HANDOFF_ARRIVE:
            if n_back == 0:
                action = ACT_CHECK  # no back office: the transmission alone
            elif b_len > 0:
                w = back_idle[b_head]
                b_head = (b_head + 1) % cap_b
                b_len -= 1
                hn, seq = _start_backoffice(
                    p, ef, ei, kf, ki, c, w, now, time_factor, rb, rp, gs, ht, hs, hk, hc, hn, seq
                )
            else:
                q_back[qb_tail] = c
                qb_tail += 1
        elif kind == EV_BACKOFFICE_END:
            w = ki[c, WORKER]
            ef[w, BUSY] += now - kf[c, STEP_START]
            if ki[c, PHASE] == 0:
                ei[w, SERVED] += 1
            if qb_head < qb_tail:  # the worker takes the next waiting hand-off or fulfilment
                hn, seq = _start_backoffice(
                    p, ef, ei, kf, ki, q_back[qb_head], w, now, time_factor, rb, rp, gs, ht, hs, hk, hc, hn, seq
                )
                qb_head += 1
            else:
                back_idle[(b_head + b_len) % cap_b] = w
                b_len += 1
            action = ACT_CHECK
        elif kind == EV_MANAGER_ARRIVE:
            if busy_mgr < servers:
                busy_mgr += 1
                hn, seq = _start_approval(p, kf, ki, c, now, rb, rp, gs, ht, hs, hk, hc, hn, seq)
            else:
                q_mgr[qm_tail] = c
                qm_tail += 1
        else:  # EV_APPROVAL_END: the manager decides and calls the customer back
            stats[S_MANAGER_MIN] += now - kf[c, STEP_START]
            if qm_head < qm_tail:  # the manager takes the next waiting approval
                hn, seq = _start_approval(p, kf, ki, q_mgr[qm_head], now, rb, rp, gs, ht, hs, hk, hc, hn, seq)
                qm_head += 1
            else:
                busy_mgr -= 1
            abusive = ki[c, ABUSIVE] == 1
            if abusive:
                granted = take(rb, rp, APPROVALS_U) >= p[K.MANAGERS_DETECTION]
            else:
                granted = take(rb, rp, APPROVALS_U) >= p[K.MANAGERS_STRICTNESS]
            amount = p[K.RECOVERY_GENEROSITY] * kf[c, CLAIM]
            if granted:
                _grant(p, cui, kf, ki, c, amount, stats)
                if regulated:
                    _breach(p, rb, rp, amount, ef[ki[c, EMPLOYEE], JUDGEMENT], True, stats)
            kf[c, APPROVAL_DELAY] = now - kf[c, ESCALATED_AT]
            stats[S_APPROVAL_WAIT_SUM] += kf[c, APPROVAL_DELAY]
            if granted and abusive:
                # An abusive claim granted by a manager: nothing to recover, the customer got its money.
                _satisfy(p, today, cuf, ki[c, CUSTOMER], kf[c, BASE_EXPERIENCE], p[K.LOYALTY_SATISFACTION_RATE])
            else:
                ki[c, OUTCOME] = mech.RESOLVED if granted else mech.UNRESOLVED
                kf[c, ADEQUACY] = p[K.RECOVERY_GENEROSITY]
                if not granted and take(rb, rp, ARRIVALS_U) < p[K.DEMAND_REPEAT_CONTACT_SHARE]:
                    cui[ki[c, CUSTOMER], PENDING] += 1  # a refusal on the callback: the customer calls back to argue
                hn, seq = _decided(p, today, cuf, cui, kf, ki, c, now, rb, rp, stats, ht, hs, hk, hc, hn, seq)
            continue

        if action == ACT_CHECK:  # did the hand-off (or the fulfilment) work? (rework at most MAX_CHAIN - 1 times)
            fulfilling = ki[c, PHASE] == 2
            if take(rb, rp, HANDOFFS_U) < today[T_HANDOFF_FAILURE]:
                stats[S_HANDOFF_FAILURES] += 1.0
                if not fulfilling:
                    ki[c, FAILED] += 1
                if ki[c, ATTEMPTS] < MAX_CHAIN:
                    action = ACT_HANDOFF
            if fulfilling:
                if action == ACT_HANDOFF:
                    hn, seq = _fulfil(today, ki, c, now, rb, rp, stats, ht, hs, hk, hc, hn, seq)
                else:
                    _close_episode(p, today, cuf, cui, kf, ki, c, now, stats)
                continue
            if action == ACT_CHECK:
                action = ACT_DECIDE if ki[c, EXCEPTION] == 1 else ACT_FINISH
        if action == ACT_HANDOFF:
            hn, seq = _to_back_office(
                ki, c, now, today[T_HANDOFF_DELAY], S_HANDOFFS, rb, rp, stats, ht, hs, hk, hc, hn, seq
            )
        elif action == ACT_DECIDE:  # on the spot under guidelines, else taken and passed to a manager
            stats[S_EXCEPTIONS] += 1.0
            abusive = ki[c, ABUSIVE] == 1
            cust = ki[c, CUSTOMER]
            if abusive:
                stats[S_ABUSIVE_CLAIMS] += 1.0
                if cui[cust, ABUSER] == 1 and guidelines:
                    cui[cust, LEARNED] = 1
            kf[c, OPENED] = now
            if ki[c, ON_SPOT] == 0:
                stats[S_ESCALATIONS] += 1.0
                kf[c, ESCALATED_AT] = now
                ki[c, OUTCOME] = mech.PENDING
                ki[c, PHASE] = 1
                t_next = now
                if p[K.MANAGERS_RESPONSE_DELAY_MIN] > 0.0:
                    t_next = now + p[K.MANAGERS_RESPONSE_DELAY_MIN] * take(rb, rp, APPROVALS_E)
                hn = heap_push(ht, hs, hk, hc, hn, t_next, seq, EV_MANAGER_ARRIVE, c)
                seq += 1
            else:
                # The employee's judgement (with guideline competence) sets how often abuse is spotted, how well
                # the remedy fits, how much more than needed is given and the breach risk.
                judgement = ef[ki[c, EMPLOYEE], JUDGEMENT]
                detection = mech.on_the_spot_detection(p[K.EMPOWERMENT_EMPLOYEE_DETECTION], judgement)
                granted = not (abusive and take(rb, rp, EXCEPTIONS_U) < detection)
                amount = mech.on_the_spot_grant(
                    p[K.RECOVERY_GENEROSITY] * kf[c, CLAIM], p[K.EMPOWERMENT_OVERGRANT], judgement
                )
                if granted:
                    _grant(p, cui, kf, ki, c, amount, stats)
                    if regulated:
                        _breach(p, rb, rp, amount, judgement, False, stats)
                if granted and abusive:
                    ki[c, OUTCOME] = mech.NO_PROBLEM  # the opportunist got what it came for
                else:
                    ki[c, OUTCOME] = mech.RESOLVED if granted else mech.UNRESOLVED
                    kf[c, ADEQUACY] = mech.on_the_spot_adequacy(p[K.RECOVERY_GENEROSITY], judgement, today[T_KNOWLEDGE])
            action = ACT_FINISH
        if action != ACT_FINISH:
            continue

        _finish_contact(p, today, cuf, cui, ef, ei, kf, ki, c, now, time_factor, rb, rp, gs, stats)
        if ki[c, EXCEPTION] == 1 and ki[c, OUTCOME] != mech.NO_PROBLEM:
            if ki[c, PHASE] == 0:  # decided on the spot: the episode goes on (fulfilment) or ends now
                hn, seq = _decided(p, today, cuf, cui, kf, ki, c, now, rb, rp, stats, ht, hs, hk, hc, hn, seq)
        else:
            rate = p[K.LOYALTY_SATISFACTION_RATE]
            if ki[c, OUTCOME] != mech.NO_PROBLEM:
                rate = p[K.LOYALTY_PROBLEM_RATE]
            factor = mech.problem_outcome_factor(
                ki[c, OUTCOME], kf[c, CLAIM] > p[K.RECOVERY_LARGE_CLAIM_USD], 0.0, 0.0, p[K.RECOVERY_SPEED_SCALE_MIN]
            )
            _satisfy(p, today, cuf, ki[c, CUSTOMER], kf[c, BASE_EXPERIENCE] * factor, rate)
        # The employee is free: the head of the queue takes them, skipping those who reneged.
        e = ki[c, EMPLOYEE]
        started = False
        while qf_head < qf_tail:
            nxt = q_front[qf_head]
            qf_head += 1
            if kf[nxt, DEADLINE] < now:
                _renege(p, today, cuf, cui, kf, ki, nxt, rb, rp, gs, stats)
                continue
            n_waits, n_pos, hn, seq = _start(
                p,
                cuf,
                cui,
                ef,
                ei,
                kf,
                ki,
                nxt,
                e,
                now,
                time_factor,
                gate_share,
                rb,
                rp,
                gs,
                stats,
                waits_pos,
                n_waits,
                n_pos,
                ht,
                hs,
                hk,
                hc,
                hn,
                seq,
            )
            started = True
            break
        if not started:
            front_idle[(f_head + f_len) % cap_f] = e
            f_len += 1

    # Whoever still queues at the end gave up at their deadline.
    while qf_head < qf_tail:
        _renege(p, today, cuf, cui, kf, ki, q_front[qf_head], rb, rp, gs, stats)
        qf_head += 1
    return n_waits, n_pos


@njit(cache=True, nogil=True, inline="always")
def _start_backoffice(p, ef, ei, kf, ki, c, w, now, time_factor, rb, rp, gs, ht, hs, hk, hc, hn, seq):
    """Back-office worker ``w`` takes hand-off (or fulfilment) ``c``."""
    ki[c, WORKER] = w
    if ki[c, PHASE] == 0:  # the chain of a contact the frontline holds sees its outcome (the mirror)
        ki[c, CHAIN + ki[c, CHAIN_N]] = w
        ki[c, CHAIN_N] += 1
    kf[c, STEP_START] = now
    mean = ef[w, MEAN_TIME]
    hn = heap_push(ht, hs, hk, hc, hn, now + gamma_mean(rb, rp, gs, HANDOFFS_G, mean), seq, EV_BACKOFFICE_END, c)
    return hn, seq + 1


@njit(cache=True, nogil=True, inline="always")
def _start_approval(p, kf, ki, c, now, rb, rp, gs, ht, hs, hk, hc, hn, seq):
    """A manager takes approval ``c``."""
    kf[c, STEP_START] = now
    dur = gamma_mean(rb, rp, gs, APPROVALS_G, p[K.MANAGERS_APPROVAL_TIME_MIN])
    hn = heap_push(ht, hs, hk, hc, hn, now + dur, seq, EV_APPROVAL_END, c)
    return hn, seq + 1


@njit(cache=True, nogil=True, inline="always")
def _renege(p, today, cuf, cui, kf, ki, c, rb, rp, gs, stats):
    stats[S_ABANDONED] += 1.0
    cust = ki[c, CUSTOMER]
    _satisfy(p, today, cuf, cust, mech.ABANDON_EXPERIENCE, p[K.LOYALTY_SATISFACTION_RATE])
    _after_contact(p, cuf, cui, cust, kf[c, DEADLINE] - kf[c, ARRIVAL], True, rb, rp)


@njit(cache=True, nogil=True, inline="always")
def _grant(p, cui, kf, ki, c, amount, stats):
    """Book a granted decision: ``amount`` USD, to recovery or (an abusive claim) to abuse."""
    stats[S_GRANTS] += 1.0
    stats[S_GRANTED_USD + cui[ki[c, CUSTOMER], SEGMENT]] += amount
    if ki[c, ABUSIVE] == 1:
        stats[S_ABUSE_USD] += amount
        stats[S_ABUSIVE_GRANTED] += 1.0
    else:
        stats[S_RECOVERY_USD] += amount


@njit(cache=True, nogil=True, inline="always")
def _breach(p, rb, rp, amount, judgement, reviewed, stats):
    """A granted decision in a regulated domain breaches with that decision's risk (:func:`mech.breach_probability`)."""
    risk = mech.breach_probability(
        amount,
        judgement,
        reviewed,
        p[K.COMPLIANCE_BREACH_PROBABILITY],
        p[K.COMPLIANCE_REFERENCE_LIMIT_USD],
        p[K.COMPLIANCE_GATED_FACTOR],
        p[K.MANAGERS_JUDGEMENT],
    )
    if take(rb, rp, APPROVALS_U) < risk:
        stats[S_BREACHES] += 1.0


@njit(cache=True, nogil=True, inline="always")
def _to_back_office(ki, c, now, delay_mean, counter, rb, rp, stats, ht, hs, hk, hc, hn, seq):
    """Send contact ``c`` (again) to the back office: it arrives after an exponential delay of mean
    ``delay_mean``; ``counter`` (``S_HANDOFFS`` or ``S_FULFILMENTS``) counts the pass."""
    stats[counter] += 1.0
    ki[c, ATTEMPTS] += 1
    t_next = now
    if delay_mean > 0.0:
        t_next = now + delay_mean * take(rb, rp, HANDOFFS_E)
    hn = heap_push(ht, hs, hk, hc, hn, t_next, seq, EV_HANDOFF_ARRIVE, c)
    return hn, seq + 1


@njit(cache=True, nogil=True, inline="always")
def _fulfil(today, ki, c, now, rb, rp, stats, ht, hs, hk, hc, hn, seq):
    """Pass a granted recovery (again) to the back office: it waits ``T_FULFIL_DELAY`` on average."""
    return _to_back_office(ki, c, now, today[T_FULFIL_DELAY], S_FULFILMENTS, rb, rp, stats, ht, hs, hk, hc, hn, seq)


@njit(cache=True, nogil=True, inline="always")
def _decided(p, today, cuf, cui, kf, ki, c, now, rb, rp, stats, ht, hs, hk, hc, hn, seq):
    """A recovery was decided (``OUTCOME`` is set): a granted one may need the back office, else the episode ends."""
    if (
        ki[c, OUTCOME] == mech.RESOLVED
        and p[K.RECOVERY_FULFILMENT_SHARE] > 0.0
        and take(rb, rp, HANDOFFS_U) < p[K.RECOVERY_FULFILMENT_SHARE]
    ):
        ki[c, PHASE] = 2
        ki[c, ATTEMPTS] = 0
        return _fulfil(today, ki, c, now, rb, rp, stats, ht, hs, hk, hc, hn, seq)
    _close_episode(p, today, cuf, cui, kf, ki, c, now, stats)
    return hn, seq


@njit(cache=True, nogil=True, inline="always")
def _close_episode(p, today, cuf, cui, kf, ki, c, now, stats):
    """The end of a recovery episode: its TARP outcome moves the customer's satisfaction; the chases it caused."""
    cust = ki[c, CUSTOMER]
    length = now - kf[c, OPENED]
    stats[S_EPISODES] += 1.0
    stats[S_EPISODE_SUM] += length
    chased = mech.chases(length, p[K.RECOVERY_CHASE_AFTER_MIN])
    stats[S_CHASES] += chased
    cui[cust, PENDING] += chased
    factor = mech.problem_outcome_factor(
        ki[c, OUTCOME],
        kf[c, CLAIM] > p[K.RECOVERY_LARGE_CLAIM_USD],
        kf[c, ADEQUACY],
        length,
        p[K.RECOVERY_SPEED_SCALE_MIN],
    )
    _satisfy(p, today, cuf, cust, kf[c, BASE_EXPERIENCE] * factor, p[K.LOYALTY_PROBLEM_RATE])


@njit(cache=True, nogil=True, inline="always")
def _start(
    p,
    cuf,
    cui,
    ef,
    ei,
    kf,
    ki,
    c,
    e,
    now,
    time_factor,
    gate_share,
    rb,
    rp,
    gs,
    stats,
    waits_pos,
    n_waits,
    n_pos,
    ht,
    hs,
    hk,
    hc,
    hn,
    seq,
):  # noqa: PLR0913
    """Employee ``e`` starts serving contact ``c``: what it carries, then its service-end event."""
    wait = now - kf[c, ARRIVAL]
    stats[S_WAIT_SUM] += wait
    if wait > 0.0:
        waits_pos[n_pos] = wait
        n_pos += 1
    n_waits += 1
    ki[c, EMPLOYEE] = e
    kf[c, START] = now
    ki[c, OUTCOME] = mech.NO_PROBLEM
    ki[c, EXCEPTION] = 0
    ki[c, ABUSIVE] = 0
    ki[c, ON_SPOT] = 0
    ki[c, PHASE] = 0
    kf[c, CLAIM] = 0.0
    kf[c, ADEQUACY] = 0.0
    kf[c, APPROVAL_DELAY] = 0.0
    ki[c, ATTEMPTS] = 0
    ki[c, FAILED] = 0
    ki[c, CHAIN_N] = 0
    cust = ki[c, CUSTOMER]
    guidelines = p[K.EMPOWERMENT_GUIDELINES] > 0.5
    limit = p[K.EMPOWERMENT_DISCRETION_LIMIT_USD]
    # What the contact carries (exceptions stream). Serial abusers claim more often and for more.
    abuser = cui[cust, ABUSER] == 1
    claim_share = p[K.DEMAND_ABUSER_CLAIM_SHARE] if abuser else p[K.DEMAND_OPPORTUNIST_CLAIM_SHARE]
    if cui[cust, SEGMENT] == mech.OPPORTUNIST and take(rb, rp, EXCEPTIONS_U) < claim_share:
        ki[c, EXCEPTION] = 1
        ki[c, ABUSIVE] = 1
        median = p[K.RECOVERY_ABUSIVE_CLAIM_MEDIAN_USD] * (p[K.RECOVERY_ABUSER_CLAIM_MULTIPLIER] if abuser else 1.0)
        kf[c, CLAIM] = lognormal(rb, rp, EXCEPTIONS_N, median, p[K.RECOVERY_CLAIM_SIGMA])
        if abuser and cui[cust, LEARNED] == 1 and guidelines:
            # A serial abuser who has met the limit keeps the claim just under it, on the spot.
            kf[c, CLAIM] = min(kf[c, CLAIM], mech.LEARNED_LIMIT_SHARE * limit)
    elif take(rb, rp, EXCEPTIONS_U) < p[K.DEMAND_PROBLEM_SHARE]:
        # The problem's size is drawn whether or not it is voiced: large problems hurt more either way.
        kf[c, CLAIM] = lognormal(rb, rp, EXCEPTIONS_N, p[K.RECOVERY_CLAIM_MEDIAN_USD], p[K.RECOVERY_CLAIM_SIGMA])
        if take(rb, rp, EXCEPTIONS_U) < p[K.DEMAND_COMPLAINT_SHARE]:
            ki[c, EXCEPTION] = 1
        else:
            ki[c, OUTCOME] = mech.UNVOICED
    ki[c, HANDOFF] = (
        1
        if (
            p[K.SERVICE_PHILOSOPHY_HANDOFF_SHARE] > 0.0
            and take(rb, rp, HANDOFFS_U) < p[K.SERVICE_PHILOSOPHY_HANDOFF_SHARE]
        )
        else 0
    )
    mean = ef[e, MEAN_TIME]
    if ki[c, EXCEPTION] == 1:
        on_the_spot = guidelines and kf[c, CLAIM] <= limit
        if on_the_spot and gate_share > 0.0 and take(rb, rp, APPROVALS_U) < gate_share:
            on_the_spot = False  # control drift: re-gated to approval
        ki[c, ON_SPOT] = 1 if on_the_spot else 0
        mean += mech.exception_time(p[K.SERVICE_EXCEPTION_TIME_MIN], time_factor, on_the_spot, ef[e, JUDGEMENT])
    hn = heap_push(ht, hs, hk, hc, hn, now + gamma_mean(rb, rp, gs, SERVICE_G, mean), seq, EV_SERVICE_END, c)
    return n_waits, n_pos, hn, seq + 1


@njit(cache=True, nogil=True, inline="always")
def _finish_contact(p, today, cuf, cui, ef, ei, kf, ki, c, now, time_factor, rb, rp, gs, stats):
    """Resolution, the encounter's experience (before any problem's outcome), the records of the employee and
    the internal chain, and what the customer learns of the wait."""
    e = ki[c, EMPLOYEE]
    cust = ki[c, CUSTOMER]
    failed = ki[c, FAILED]
    p_res = ef[e, RESOLUTION]
    if failed > 0:
        p_res *= (1.0 - p[K.SERVICE_PHILOSOPHY_TRANSFER_PENALTY]) ** failed
    outcome = ki[c, OUTCOME]
    resolved = take(rb, rp, SERVICE_U) < p_res and outcome != mech.UNRESOLVED and outcome != mech.PENDING
    value = mech.value_for_money(
        overcharge(p, today[T_PREMIUM], cuf[cust, SATISFACTION]), cuf[cust, SENSITIVITY], p[K.PRICING_VALUE_WEIGHT]
    )
    wait = kf[c, START] - kf[c, ARRIVAL]
    experience = mech.experience_score(
        wait,
        kf[c, PATIENCE_MEAN],
        resolved,
        ef[e, COURTESY],
        failed,
        p[K.SERVICE_PHILOSOPHY_TRANSFER_PENALTY],
        value,
    )
    kf[c, BASE_EXPERIENCE] = experience
    ef[e, BUSY] += now - kf[c, START]
    ei[e, SERVED] += 1
    ef[e, EXPERIENCE_SUM] += experience
    for k in range(ki[c, CHAIN_N]):  # the internal chain sees the outcome it contributed to
        ef[ki[c, CHAIN + k], EXPERIENCE_SUM] += experience
    stats[S_SERVED] += 1.0
    stats[S_SERVED_REPEATS] += ki[c, REPEAT]
    if ki[c, REPEAT] == 0:
        stats[S_SERVED_FRESH + cui[cust, SEGMENT]] += 1.0
    stats[S_RESOLVED] += 1.0 if resolved else 0.0
    stats[S_EXPERIENCE_SUM] += experience
    _after_contact(p, cuf, cui, cust, wait, not resolved and outcome != mech.PENDING, rb, rp)
