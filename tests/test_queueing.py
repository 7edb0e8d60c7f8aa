"""The service day as a queue: it must agree with queueing theory.

With exceptions, hand-offs and (for Erlang C) reneging switched off,
identical servers of average skill and no data access (mean service time =
``handle_time_min``), exponential handle times (``time_cv = 1``) and Poisson
arrivals, one service day is an M/M/c queue; with exponential patience it
is an M/M/c+M (Erlang-A) queue.

Each statistical check runs independent replications (numpy generators
spawned from one seed sequence), drops the contacts that arrive during the
first 10 % of the window (warm-up from an empty system), and compares the
mean of the replication means with theory within 4 standard errors of that
mean.
"""

from __future__ import annotations

import math
from dataclasses import replace

import ciw
import numpy as np
import pytest

from simulation import mechanisms as mech
from simulation.engines.mesa_engine.service_day import DayParams, run_service_day

SERVERS = 5
HANDLE_MIN = 5.0
MU = 1.0 / HANDLE_MIN  # service rate per minute
WARMUP = 0.1  # share of the window dropped at the start

#: An M/M/c day: no exceptions, no hand-offs, no reneging, exponential handle times.
MMC = DayParams(
    handle_time_min=HANDLE_MIN,
    time_cv=1.0,
    data_access=0.0,
    time_factor=1.0,
    reneging=False,
    patience_mean_min=8.0,
    patience_adaptation=0.0,
    problem_share=0.0,
    opportunist_claim_share=0.0,
    handoff_share=0.0,
    repeat_contact_share=0.0,
)

STREAM_NAMES = ("arrivals", "service", "exceptions", "handoffs", "approvals")


class Agent:
    """A duck-typed employee or customer (one customer object per contact, so that
    expected waits, and with them patience, never adapt)."""

    def __init__(self, uid: int = 0):
        self.unique_id = uid
        self.technical, self.soft, self.fit, self.engagement, self.productivity = 0.5, 0.5, 0.5, 0.5, 1.0
        self.busy_min, self.served, self.experience_sum = 0.0, 0, 0.0
        self.segment, self.satisfaction, self.sensitivity = 0, 0.8, 0.3
        self.expected_wait_min, self.pending_repeats = 0.0, 0


# --------------------------------------------------------------------------
# Theory
# --------------------------------------------------------------------------


def erlang_c(lam: float, mu: float, c: int) -> tuple[float, float]:
    """Erlang C: probability of waiting and mean wait in queue of M/M/c.

    With offered load a = lam / mu < c (Kleinrock, Queueing Systems I, 1975, eq. 3.40;
    Gross & Harris, Fundamentals of Queueing Theory, section 2.3):
    ``C(c, a) = [a^c / c! * c / (c - a)] / [sum_{k<c} a^k / k! + a^c / c! * c / (c - a)]``
    and ``Wq = C(c, a) / (c mu - lam)``.
    """
    a = lam / mu
    assert a < c
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait, p_wait / (c * mu - lam)


def erlang_a_abandonment(lam: float, mu: float, theta: float, c: int, n_max: int = 2000) -> float:
    """Probability of abandonment of M/M/c+M (Erlang A) from its birth-death chain.

    States n = customers in system; birth rate lam, death rate min(n, c) mu + max(n - c, 0) theta
    (Palm 1943; Garnett, Mandelbaum & Reiman 2002). Abandonments per unit time are
    theta E[(N - c)+], so P(abandon) = theta E[(N - c)+] / lam. The chain is truncated where
    its mass is negligible.
    """
    log_p = [0.0]
    for n in range(1, n_max + 1):
        death = min(n, c) * mu + max(n - c, 0) * theta
        log_p.append(log_p[-1] + math.log(lam / death))
    m = max(log_p)
    p = np.exp(np.array(log_p) - m)
    p /= p.sum()
    queue = np.maximum(np.arange(n_max + 1) - c, 0)
    return float(theta * (p * queue).sum() / lam)


def test_erlang_formulas_known_values() -> None:
    # M/M/1: P(wait) = rho, Wq = rho / (mu - lam).
    assert erlang_c(0.5, 1.0, 1) == pytest.approx((0.5, 1.0))
    # M/M/2 with a = 1: C = 1/3 (textbook value), Wq = (1/3) / (2 - 1).
    assert erlang_c(1.0, 1.0, 2) == pytest.approx((1.0 / 3.0, 1.0 / 3.0))
    assert erlang_a_abandonment(0.01, 1.0, 1.0, 5) < 1e-6  # light load: nobody waits
    # M/M/1+M with theta = mu: the system is M/M/infinity, N ~ Poisson(a); P(ab) = E[(N-1)+] / a.
    a = 2.0
    expected = (a - (1.0 - math.exp(-a))) / a
    assert erlang_a_abandonment(a, 1.0, 1.0, 1) == pytest.approx(expected)


# --------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------


def one_day(p: DayParams, lam: float, window: float, seed: np.random.SeedSequence) -> dict[str, np.ndarray]:
    """One day with Poisson arrivals over ``window`` minutes.

    Returns, per contact arriving after the warm-up: arrival time, wait, service time (nan if
    it reneged) and whether it reneged."""
    children = seed.spawn(1 + len(STREAM_NAMES))
    arr_rng = np.random.default_rng(children[0])
    n = int(arr_rng.poisson(lam * window))
    times = np.sort(arr_rng.uniform(0.0, window, n))
    contacts = [(float(t), Agent()) for t in times]
    rngs = {name: np.random.default_rng(s) for name, s in zip(STREAM_NAMES, children[1:], strict=True)}
    trace: list = []
    stats = run_service_day(p, contacts, [Agent(i) for i in range(SERVERS)], [], 1, rngs, trace)
    assert stats.contacts == n and stats.served + stats.abandoned == n

    arrive = np.full(n, np.nan)
    start = np.full(n, np.nan)
    depart = np.full(n, np.nan)
    renege = np.zeros(n, dtype=bool)
    for t, event, cid, _ in trace:
        if event == "arrive":
            arrive[cid] = t
        elif event == "start":
            start[cid] = t
        elif event == "depart":
            depart[cid] = t
        elif event == "renege":
            renege[cid] = True
            start[cid] = t  # the wait ends when the customer gives up
    keep = arrive >= WARMUP * window
    assert np.allclose(arrive, times)
    return {
        "arrive": arrive[keep],
        "wait": (start - arrive)[keep],
        "service": (depart - start)[keep],
        "renege": renege[keep],
    }


def mean_and_se(values: list[float]) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v)))


def test_mean_service_time_is_the_handle_time() -> None:
    assert mech.service_time_mean(HANDLE_MIN, 0.5, 0.0, 1.0, 1.0) == HANDLE_MIN


@pytest.mark.slow
def test_mmc_mean_wait_matches_erlang_c() -> None:
    """Claim: with Poisson arrivals, exponential handle times and c identical servers, the
    frontline queue is M/M/c: the mean wait and the share of contacts that wait match Erlang C
    (c = 5, rho = 0.8), and the mean handle time is handle_time_min."""
    rho = 0.8
    lam = rho * SERVERS * MU
    window = 20_000.0
    p_wait_theory, wq_theory = erlang_c(lam, MU, SERVERS)
    waits, shares, services = [], [], []
    for seed in np.random.SeedSequence(20240611).spawn(8):
        day = one_day(MMC, lam, window, seed)
        assert not day["renege"].any()
        waits.append(day["wait"].mean())
        shares.append((day["wait"] > 0.0).mean())
        services.append(day["service"].mean())
    m, se = mean_and_se(waits)
    assert abs(m - wq_theory) < 4.0 * se, (m, se, wq_theory)
    m, se = mean_and_se(shares)
    assert abs(m - p_wait_theory) < 4.0 * se, (m, se, p_wait_theory)
    m, se = mean_and_se(services)
    assert abs(m - HANDLE_MIN) < 4.0 * se, (m, se)


def ciw_abandonment(lam: float, theta: float, window: float, seed: int) -> float:
    """Abandonment share of M/M/c+M in ciw, over customers arriving in [warm-up, 90 %] of the
    window (all of them have left by the end of the run)."""
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(lam)],
        service_distributions=[ciw.dists.Exponential(MU)],
        number_of_servers=[SERVERS],
        reneging_time_distributions=[ciw.dists.Exponential(theta)],
    )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(window)
    recs = [r for r in q.get_all_records() if WARMUP * window <= r.arrival_date < 0.9 * window]
    assert recs and {r.record_type for r in recs} <= {"service", "renege"}
    return sum(r.record_type == "renege" for r in recs) / len(recs)


@pytest.mark.slow
def test_reneging_matches_erlang_a_and_ciw() -> None:
    """Claim: customers renege once their (exponential) patience runs out, so the day is an
    M/M/c+M queue: its abandonment share agrees with ciw's simulation of the same queue and with
    the Erlang-A birth-death chain (c = 5, offered load = c, mean patience 8 min)."""
    lam = 1.0 * SERVERS * MU
    patience = 8.0
    theta = 1.0 / patience
    window = 16_000.0
    p = replace(MMC, reneging=True, patience_mean_min=patience, patience_adaptation=0.0)
    ours, theirs = [], []
    for i, seed in enumerate(np.random.SeedSequence(777).spawn(8)):
        day = one_day(p, lam, window, seed)
        sel = day["arrive"] < 0.9 * window
        ours.append(day["renege"][sel].mean())
        theirs.append(ciw_abandonment(lam, theta, window, 1000 + i))
    m1, se1 = mean_and_se(ours)
    m2, se2 = mean_and_se(theirs)
    assert abs(m1 - m2) < 4.0 * math.hypot(se1, se2), (m1, se1, m2, se2)
    exact = erlang_a_abandonment(lam, MU, theta, SERVERS)
    assert abs(m1 - exact) < 4.0 * se1, (m1, se1, exact)
    assert abs(m2 - exact) < 4.0 * se2, (m2, se2, exact)
