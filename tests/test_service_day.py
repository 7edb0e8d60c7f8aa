"""The SimPy service day: exact event traces with scripted draws, and invariants.

Every draw of the scripted days is set by hand (``ScriptedRNG`` raises on a
draw nobody scripted and the tests check that each script is used up), so
each trace ``(time, event, contact, detail)`` is known exactly. Expected
experience scores are worked out from the documented formula of
``experience_score`` with soft skill and engagement 0.5 (courtesy 0.5):
``(0.45 + 0.25 resolved + 0.10 + 0.10 exp(-wait / patience)) * 0.88**failed * factor``.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation import mechanisms as mech
from simulation.engines.mesa_engine.service_day import (
    MAX_REWORKS,
    OPPORTUNIST,
    DayParams,
    day_params,
    run_service_day,
)

#: A fully explicit day: no reneging, no problems, no hand-offs, approval gating.
BASE = DayParams(
    handle_time_min=5.0,
    time_cv=1.0,
    exception_time_min=6.0,
    data_access=0.0,
    base_resolution=0.62,
    quality_elasticity=0.7,
    time_factor=1.0,
    reneging=False,
    patience_mean_min=8.0,
    patience_adaptation=0.0,
    satisfaction_rate=0.15,
    repeat_contact_share=0.6,
    problem_share=0.0,
    complaint_share=0.5,
    opportunist_claim_share=0.0,
    handoff_share=0.0,
    backoffice_time_min=6.0,
    handoff_delay_mean_min=2.0,
    handoff_failure_p=0.19,
    transfer_penalty=0.12,
    guidelines=False,
    discretion_limit_usd=100.0,
    gate_share=0.0,
    employee_detection=0.15,
    manager_response_min=5.0,
    approval_time_min=4.0,
    manager_strictness=0.2,
    manager_detection=0.6,
    claim_median_usd=15.0,
    claim_sigma=1.0,
    abusive_claim_median_usd=25.0,
    generosity=0.7,
    large_claim_usd=100.0,
    speed_scale_min=10.0,
    regulated=False,
)

RESOLVE = 0.0  # a resolution draw below every resolution probability (>= 0.01)
FAIL_TO_RESOLVE = 0.999  # above every resolution probability (<= 0.99)
NO_PROBLEM = 0.99  # the exceptions stream's problem draw, above problem_share


def experience(
    wait: float, resolved: bool = True, patience: float = 8.0, failed: int = 0, factor: float = 1.0
) -> float:
    return (0.45 + 0.25 * resolved + 0.10 + 0.10 * math.exp(-wait / patience)) * 0.88**failed * factor


def tarp(
    resolved_quick: float,
    resolved_slow: float,
    unresolved: float,
    adequacy: float,
    delay: float,
    scale: float = 10.0,
) -> float:
    """The TARP recovery factor by hand (problem_outcome_factor's docstring)."""
    resolved = resolved_slow + (resolved_quick - resolved_slow) * math.exp(-delay / scale)
    return unresolved + (resolved - unresolved) * adequacy


def run(p, contacts, front, rngs, back=(), managers=1):
    trace: list = []
    stats = run_service_day(p, contacts, list(front), list(back), managers, rngs, trace)
    for r in rngs.values():
        assert r.left() == {}, f"{r.name} script not used up: {r.left()}"
    return stats, trace


def assert_trace(actual: list, expected: list) -> None:
    assert len(actual) == len(expected), "\n".join(map(str, actual))
    for got, want in zip(actual, expected, strict=True):
        assert got[1:3] == want[1:3], (got, want)
        assert got[0] == pytest.approx(want[0], abs=1e-9), (got, want)
        if isinstance(want[3], float):
            assert got[3] == pytest.approx(want[3], abs=1e-9), (got, want)
        else:
            assert got[3] == want[3], (got, want)


def assert_counts(stats) -> None:
    assert stats.served + stats.abandoned == stats.contacts
    assert len(stats.waits_min) == stats.served  # queue waits of served contacts only
    assert len(stats.approval_waits_min) == stats.escalations


# --------------------------------------------------------------------------
# Queueing, reneging
# --------------------------------------------------------------------------


def test_single_server_fifo(fake_employee, fake_customer, make_streams) -> None:
    e0 = fake_employee("e0")
    c0, c1 = fake_customer(satisfaction=0.5), fake_customer(satisfaction=0.5)
    rngs = make_streams(
        service={"gamma": [3.0, 3.0], "random": [RESOLVE, RESOLVE]},
        exceptions={"random": [NO_PROBLEM, NO_PROBLEM]},
    )
    stats, trace = run(BASE, [(0.0, c0), (1.0, c1)], [e0], rngs)
    x0, x1 = experience(0.0), experience(2.0)
    assert_trace(
        trace,
        [
            (0.0, "arrive", 0, None),
            (0.0, "start", 0, "e0"),
            (1.0, "arrive", 1, None),
            (3.0, "depart", 0, x0),
            (3.0, "start", 1, "e0"),
            (6.0, "depart", 1, x1),
        ],
    )
    # Handle time: gamma(shape 1/cv^2, mean/shape), mean = handle time (skill 0.5, no data access).
    assert rngs["service"].calls == [
        ("gamma", (1.0, 5.0)),
        ("random", ()),
        ("gamma", (1.0, 5.0)),
        ("random", ()),
    ]
    assert_counts(stats)
    assert (stats.contacts, stats.served, stats.abandoned, stats.resolved) == (2, 2, 0, 2)
    assert stats.waits_min == [0.0, 2.0]
    assert stats.end_min == 6.0
    assert stats.experience_sum == pytest.approx(x0 + x1)
    assert (e0.busy_min, e0.served) == (6.0, 2)
    assert e0.experience_sum == pytest.approx(x0 + x1)
    assert c0.satisfaction == pytest.approx(0.5 + 0.15 * (x0 - 0.5))
    assert c1.satisfaction == pytest.approx(0.5 + 0.15 * (x1 - 0.5))
    assert (c0.expected_wait_min, c1.expected_wait_min) == (0.0, pytest.approx(0.4))
    assert c0.pending_repeats == c1.pending_repeats == 0


def test_longest_idle_employee_takes_the_next_customer(fake_employee, fake_customer, make_streams) -> None:
    e0, e1 = fake_employee("e0"), fake_employee("e1")
    rngs = make_streams(
        service={"gamma": [2.0, 1.0, 1.0], "random": [RESOLVE] * 3},
        exceptions={"random": [NO_PROBLEM] * 3},
    )
    contacts = [(0.0, fake_customer()), (0.0, fake_customer()), (5.0, fake_customer())]
    stats, trace = run(BASE, contacts, [e0, e1], rngs)
    starts = [(t, cid, who) for t, ev, cid, who in trace if ev == "start"]
    # e1 finished at 1, e0 at 2: e1 has been idle longer and takes the customer at 5.
    assert starts == [(0.0, 0, "e0"), (0.0, 1, "e1"), (5.0, 2, "e1")]
    assert (e0.busy_min, e1.busy_min) == (2.0, 2.0)
    assert_counts(stats)


def test_renege_at_patience_and_the_employee_is_not_lost(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, reneging=True)
    e0 = fake_employee("e0")
    c0, c1, c2 = fake_customer(), fake_customer(satisfaction=0.6), fake_customer()
    rngs = make_streams(
        arrivals={
            "exponential": [50.0, 2.0, 100.0],
            "random": [0.1],
        },  # patience of 0, 1, 2; c1's repeat
        service={"gamma": [10.0, 3.0], "random": [RESOLVE, RESOLVE]},
        exceptions={"random": [NO_PROBLEM, NO_PROBLEM]},
    )
    stats, trace = run(p, [(0.0, c0), (1.0, c1), (2.0, c2)], [e0], rngs)
    assert_trace(
        trace,
        [
            (0.0, "arrive", 0, None),
            (0.0, "start", 0, "e0"),
            (1.0, "arrive", 1, None),
            (2.0, "arrive", 2, None),
            (3.0, "renege", 1, 2.0),
            (10.0, "depart", 0, experience(0.0)),
            (10.0, "start", 2, "e0"),
            (13.0, "depart", 2, experience(8.0)),
        ],
    )
    assert rngs["arrivals"].calls[:3] == [("exponential", (8.0,))] * 3  # patience mean 8, no adaptation
    assert_counts(stats)
    assert (stats.contacts, stats.served, stats.abandoned) == (3, 2, 1)
    assert stats.waits_min == [0.0, 8.0]  # served contacts' waits; the abandoner's 2.0 is not a wait served
    assert stats.end_min == 13.0  # last departure, not the expiry of a pending patience timeout
    assert c1.satisfaction == pytest.approx(0.6 + 0.15 * (0.25 - 0.6))  # abandon experience 0.25
    assert c1.expected_wait_min == pytest.approx(0.4)
    assert c1.pending_repeats == 1  # repeat draw 0.1 < 0.6
    assert (e0.served, e0.busy_min) == (2, 13.0)


def test_renege_at_the_instant_an_employee_frees_up(fake_employee, fake_customer, make_streams) -> None:
    """A customer whose patience runs out at the very instant an employee is handed to them
    gives the employee back: a later customer is served at once."""
    p = replace(BASE, reneging=True)
    e0 = fake_employee("e0")
    rngs = make_streams(
        # c0 served 0-2; c1 arrives at 1, served 2-9; c2 arrives at 1.5, patience 7.5 (ends at 9).
        arrivals={"exponential": [100.0, 100.0, 7.5, 100.0], "random": [0.9]},
        service={"gamma": [2.0, 7.0, 1.0], "random": [RESOLVE] * 3},
        exceptions={"random": [NO_PROBLEM] * 3},
    )
    contacts = [
        (0.0, fake_customer()),
        (1.0, fake_customer()),
        (1.5, fake_customer()),
        (20.0, fake_customer()),
    ]
    stats, trace = run(p, contacts, [e0], rngs)
    events = [(t, ev, cid) for t, ev, cid, _ in trace]
    assert (9.0, "depart", 1) in events
    assert (
        9.0,
        "renege",
        2,
    ) in events  # the patience timeout was scheduled before c1's service end
    assert (20.0, "start", 3) in events and (21.0, "depart", 3) in events
    assert_counts(stats)
    assert (stats.served, stats.abandoned) == (3, 1)
    assert e0.served == 3


def test_no_frontline_closes_the_shop(fake_customer, make_streams) -> None:
    c = fake_customer(satisfaction=0.8)
    rngs = make_streams(arrivals={"random": [0.9]})
    stats, trace = run(BASE, [(4.0, c)], [], rngs)
    assert trace == [(4.0, "arrive", 0, None), (4.0, "renege", 0, 0.0)]  # at its arrival time
    assert (stats.contacts, stats.served, stats.abandoned, stats.waits_min) == (1, 0, 1, [])
    assert c.satisfaction == pytest.approx(0.8 + 0.15 * (0.25 - 0.8))


def test_empty_day(fake_employee, make_streams) -> None:
    stats, trace = run(BASE, [], [fake_employee()], make_streams())
    assert trace == [] and stats.contacts == 0 and stats.end_min == 0.0


def test_gamma_shape_and_scale_from_cv(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, time_cv=0.5, handle_time_min=4.0)
    rngs = make_streams(service={"gamma": [1.0], "random": [RESOLVE]}, exceptions={"random": [NO_PROBLEM]})
    run(p, [(0.0, fake_customer())], [fake_employee(technical=0.0)], rngs)
    # mean 4 * 1.3 (skill 0); shape 1/cv^2 = 4, scale mean/shape.
    assert rngs["service"].calls[0] == ("gamma", (4.0, pytest.approx(5.2 / 4.0)))


# --------------------------------------------------------------------------
# Hand-offs
# --------------------------------------------------------------------------


def test_handoff_with_one_failure_and_rework(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, handoff_share=1.0)
    e0, b0 = fake_employee("e0"), fake_employee("b0")
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions={"random": [NO_PROBLEM]},
        # needs a hand-off; first fails (0.1 < 0.19), rework succeeds (0.9).
        handoffs={"random": [0.0, 0.1, 0.9], "exponential": [1.5, 0.5], "gamma": [4.0, 2.0]},
    )
    stats, trace = run(p, [(0.0, fake_customer())], [e0], rngs, back=[b0])
    assert_trace(
        trace,
        [
            (0.0, "arrive", 0, None),
            (0.0, "start", 0, "e0"),
            (3.0, "handoff", 0, None),
            (8.5, "handoff_fail", 0, None),
            (8.5, "handoff", 0, None),
            (11.0, "depart", 0, experience(0.0, failed=1)),
        ],
    )
    # Transmission delay mean and back-office time mean (6 min at skill 0.5).
    assert ("exponential", (2.0,)) in rngs["handoffs"].calls
    assert ("gamma", (1.0, 6.0)) in rngs["handoffs"].calls
    assert (stats.handoffs, stats.handoff_failures) == (2, 1)
    assert (e0.busy_min, b0.busy_min, b0.served) == (11.0, 6.0, 2)  # the frontline holds the case


def test_handoff_reworks_are_capped(fake_employee, fake_customer, make_streams) -> None:
    n = 1 + MAX_REWORKS
    p = replace(BASE, handoff_share=1.0, handoff_failure_p=0.5)
    rngs = make_streams(
        service={"gamma": [1.0], "random": [FAIL_TO_RESOLVE]},
        exceptions={"random": [NO_PROBLEM]},
        handoffs={"random": [0.0] + [0.1] * n, "exponential": [1.0] * n, "gamma": [1.0] * n},
        arrivals={"random": [0.9]},
    )
    stats, trace = run(p, [(0.0, fake_customer())], [fake_employee()], rngs, back=[fake_employee()])
    assert (stats.handoffs, stats.handoff_failures) == (n, n)
    assert trace[-1] == (
        1.0 + 2.0 * n,
        "depart",
        0,
        pytest.approx(experience(0.0, resolved=False, failed=n)),
    )


def test_handoff_without_back_office_is_only_the_delay(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, handoff_share=1.0)
    rngs = make_streams(
        service={"gamma": [1.0], "random": [RESOLVE]},
        exceptions={"random": [NO_PROBLEM]},
        handoffs={"random": [0.0, 0.5], "exponential": [2.5]},
    )
    stats, trace = run(p, [(0.0, fake_customer())], [fake_employee()], rngs)
    assert trace[-1][:3] == (3.5, "depart", 0)
    assert (stats.handoffs, stats.handoff_failures) == (1, 0)


# --------------------------------------------------------------------------
# Exceptions: approval gating versus guidelines
# --------------------------------------------------------------------------


def voiced(claim: float) -> dict:
    """The exceptions stream of a regular customer who voices a problem with this claim."""
    return {"random": [0.0, 0.0], "lognormal": [claim]}


def sat_after(base: float, factor: float = 1.0, rate: float = 0.15, start: float = 0.8) -> float:
    """A customer's satisfaction after one experience ``base x factor`` (the problem's outcome at ``rate``)."""
    return start + rate * (base * factor - start)


def test_exception_under_approval_granted(fake_employee, fake_customer, make_streams) -> None:
    """Approval is asynchronous: the employee takes the case and serves on; the manager decides and calls
    back; the episode's length (5 min) sets the TARP outcome applied to the customer when it ends."""
    p = replace(BASE, problem_share=1.0)
    c = fake_customer()
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions=voiced(20.0),
        approvals={
            "exponential": [2.0],
            "gamma": [3.0],
            "random": [0.5],
        },  # 0.5 >= strictness: granted
    )
    stats, trace = run(p, [(0.0, c)], [fake_employee("e0")], rngs)
    factor = tarp(0.95, 0.70, 0.46, adequacy=0.7, delay=5.0)
    base = experience(0.0, False)  # not resolved at the first contact: the answer comes by callback
    assert_trace(
        trace,
        [
            (0.0, "arrive", 0, None),
            (0.0, "start", 0, "e0"),
            (3.0, "escalate", 0, None),
            (3.0, "depart", 0, base),
            (8.0, "approve", 0, 5.0),
            (8.0, "episode_end", 0, 5.0),
        ],
    )
    assert c.satisfaction == pytest.approx(sat_after(base, factor))
    assert c.pending_repeats == 0  # the customer waits for the callback
    # Service includes the exception's extra time; claim log-normal around the median.
    assert rngs["service"].calls[0] == ("gamma", (1.0, 11.0))
    assert ("lognormal", (pytest.approx(math.log(15.0)), 1.0)) in rngs["exceptions"].calls
    assert rngs["approvals"].calls[:2] == [("exponential", (5.0,)), ("gamma", (1.0, 4.0))]
    assert (stats.exceptions, stats.escalations, stats.grants, stats.resolved) == (1, 1, 1, 0)
    assert stats.approval_waits_min == [5.0] and stats.episodes_min == [5.0]
    assert stats.manager_min == 3.0
    assert stats.recovery_usd == pytest.approx(0.7 * 20.0)
    assert stats.abuse_usd == 0.0 and stats.breaches == 0


def test_a_slow_manager_does_not_hold_the_frontline(fake_employee, fake_customer, make_streams) -> None:
    """A manager who answers after 4 hours slows the recovery (and costs loyalty), not the queue: the next
    customer is served as soon as the employee has taken the case."""
    p = replace(BASE, problem_share=0.5, manager_response_min=240.0, chase_after_min=120.0)
    c0, c1 = fake_customer(), fake_customer()
    rngs = make_streams(
        service={"gamma": [3.0, 3.0], "random": [RESOLVE, RESOLVE]},
        exceptions={"random": [0.0, 0.0, 0.99], "lognormal": [20.0]},  # the second has no problem
        approvals={"exponential": [240.0], "gamma": [3.0], "random": [0.5]},
    )
    stats, trace = run(p, [(0.0, c0), (1.0, c1)], [fake_employee("e0")], rngs)
    starts = [(t, cid) for t, ev, cid, _ in trace if ev == "start"]
    assert starts == [(0.0, 0), (3.0, 1)]  # contact 1 waits 2 min, not 4 hours
    assert [(t, ev, d) for t, ev, _, d in trace if ev in ("approve", "episode_end")] == [
        (246.0, "approve", 243.0),
        (246.0, "episode_end", 243.0),
    ]
    assert c0.pending_repeats == mech.chases(243.0, 120.0) == 2  # the customer chased it twice
    assert stats.chases == 2
    slow = tarp(0.95, 0.70, 0.46, adequacy=0.7, delay=243.0)
    assert slow < tarp(0.95, 0.70, 0.46, adequacy=0.7, delay=5.0)
    assert c0.satisfaction == pytest.approx(sat_after(experience(0.0, False), slow))


def test_exception_under_approval_denied(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, problem_share=1.0)
    c = fake_customer()
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},  # drawn, but the case waits for the manager
        exceptions=voiced(20.0),
        approvals={
            "exponential": [2.0],
            "gamma": [3.0],
            "random": [0.1],
        },  # 0.1 < strictness: denied
        arrivals={"random": [0.5]},  # the refused customer calls back tomorrow
    )
    stats, trace = run(p, [(0.0, c)], [fake_employee("e0")], rngs)
    assert trace[-3:] == [
        (3.0, "depart", 0, pytest.approx(experience(0.0, False))),
        (8.0, "deny", 0, 5.0),
        (8.0, "episode_end", 0, 5.0),
    ]
    assert c.satisfaction == pytest.approx(sat_after(experience(0.0, False), 0.46))
    assert (stats.exceptions, stats.escalations, stats.grants, stats.resolved) == (1, 1, 0, 0)
    assert stats.recovery_usd == 0.0
    assert c.pending_repeats == 1


def test_approvals_queue_for_the_manager(fake_employee, fake_customer, make_streams) -> None:
    """Two exceptions escalated at once with one manager: the second waits for the first review."""
    p = replace(BASE, problem_share=1.0)
    rngs = make_streams(
        service={"gamma": [3.0, 3.0], "random": [RESOLVE, RESOLVE]},
        exceptions={"random": [0.0] * 4, "lognormal": [20.0, 30.0]},
        approvals={"exponential": [1.0, 1.0], "gamma": [4.0, 4.0], "random": [0.5, 0.5]},
    )
    contacts = [(0.0, fake_customer()), (0.0, fake_customer())]
    stats, trace = run(p, contacts, [fake_employee("e0"), fake_employee("e1")], rngs, managers=1)
    approvals = [(t, cid, d) for t, ev, cid, d in trace if ev == "approve"]
    assert approvals == [(8.0, 0, 5.0), (12.0, 1, 9.0)]
    assert stats.approval_waits_min == [5.0, 9.0]
    assert stats.manager_min == 8.0
    assert stats.recovery_usd == pytest.approx(0.7 * 50.0)


def test_exception_under_guidelines_granted_on_the_spot(fake_employee, fake_customer, make_streams) -> None:
    """An employee of full judgement grants what the policy allows, at once (soft skill 1, fit 1, engagement 0:
    judgement 0.5 + 2.5 x (0.7 - 0.5) = 1, courtesy 0.5 as the default employee's)."""
    p = replace(BASE, problem_share=1.0, guidelines=True)
    c = fake_customer()
    rngs = make_streams(service={"gamma": [3.0], "random": [RESOLVE]}, exceptions=voiced(20.0))
    judge = fake_employee("e0")
    judge.soft, judge.fit, judge.engagement = 1.0, 1.0, 0.0
    stats, trace = run(p, [(0.0, c)], [judge], rngs)
    factor = tarp(0.95, 0.70, 0.46, adequacy=0.7, delay=0.0)
    assert_trace(
        trace,
        [
            (0.0, "arrive", 0, None),
            (0.0, "start", 0, "e0"),
            (3.0, "grant", 0, 20.0),
            (3.0, "depart", 0, experience(0.0)),
            (3.0, "episode_end", 0, 0.0),
        ],
    )
    assert c.satisfaction == pytest.approx(sat_after(experience(0.0), factor))
    assert (stats.exceptions, stats.escalations, stats.grants) == (1, 0, 1)
    assert stats.approval_waits_min == [] and stats.manager_min == 0.0
    assert stats.recovery_usd == pytest.approx(14.0)
    # The exception time of a decision taken with full judgement is the standard one: 5 + 6 min.
    assert rngs["service"].calls[0] == ("gamma", (1.0, pytest.approx(11.0)))


def test_a_granted_recovery_is_fulfilled_by_the_back_office(fake_employee, fake_customer, make_streams) -> None:
    """A remedy the back office must carry out waits for it (fulfilment delay, then a worker); a failed
    fulfilment is redone; the episode ends when the remedy is received."""
    p = replace(BASE, problem_share=1.0, guidelines=True, fulfilment_share=1.0, fulfilment_delay_mean_min=60.0)
    c = fake_customer()
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions=voiced(20.0),
        # needs fulfilment; 1st pass: wait 60, work 10, fails (0.1 < 0.19); 2nd: wait 30, work 10, works.
        handoffs={"random": [0.0, 0.1, 0.5], "exponential": [60.0, 30.0], "gamma": [10.0, 10.0]},
    )
    stats, trace = run(p, [(0.0, c)], [fake_employee("e0")], rngs, back=[fake_employee("b0")])
    assert [(t, ev) for t, ev, _, _ in trace if ev.startswith(("fulfil", "episode"))] == [
        (3.0, "fulfil"),
        (73.0, "fulfil_fail"),
        (73.0, "fulfil"),
        (113.0, "episode_end"),
    ]
    assert (stats.fulfilments, stats.handoff_failures, stats.handoffs) == (2, 1, 0)
    assert stats.episodes_min == [110.0]
    assert rngs["handoffs"].calls[1] == ("exponential", (60.0,))


def test_a_middling_judge_gives_more_fixes_less_and_takes_longer(fake_employee, fake_customer, make_streams) -> None:
    """Judgement 0.5 (soft skill, fit and engagement 0.5): the grant is 1 + overgrant x 0.5 times the policy's
    (14 x 1.4 = 19.6 USD), the remedy fits half as well (adequacy 0.7 x 0.5) and the decision takes 1.5 times
    the exception time (Bowen & Lawler's costs of empowerment)."""
    p = replace(BASE, problem_share=1.0, guidelines=True, overgrant=0.8)
    c = fake_customer()
    rngs = make_streams(service={"gamma": [3.0], "random": [RESOLVE]}, exceptions=voiced(20.0))
    stats, trace = run(p, [(0.0, c)], [fake_employee("e0")], rngs)
    factor = tarp(0.95, 0.70, 0.46, adequacy=0.35, delay=0.0)
    assert c.satisfaction == pytest.approx(sat_after(experience(0.0), factor))
    assert stats.recovery_usd == pytest.approx(19.6)
    assert rngs["service"].calls[0] == ("gamma", (1.0, pytest.approx(5.0 + 1.5 * 6.0)))


def test_guideline_competence_scales_judgement_on_the_spot(fake_employee, fake_customer, make_streams) -> None:
    """A full judge without guideline competence (0, weight 0.5) decides as a middling one: judgement 0.5."""
    p = replace(BASE, problem_share=1.0, guidelines=True, overgrant=0.8, competence=0.0, competence_weight=0.5)
    rngs = make_streams(service={"gamma": [3.0], "random": [RESOLVE]}, exceptions=voiced(20.0))
    judge = fake_employee("e0")
    judge.soft, judge.fit, judge.engagement = 1.0, 1.0, 0.0
    stats, _ = run(p, [(0.0, fake_customer())], [judge], rngs)
    assert stats.recovery_usd == pytest.approx(19.6)
    assert rngs["service"].calls[0] == ("gamma", (1.0, pytest.approx(5.0 + 1.5 * 6.0)))


def test_claim_above_the_discretion_limit_escalates(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, problem_share=1.0, guidelines=True, discretion_limit_usd=100.0)
    c = fake_customer()
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions=voiced(150.0),
        approvals={"exponential": [2.0], "gamma": [3.0], "random": [0.5]},
    )
    stats, trace = run(p, [(0.0, c)], [fake_employee("e0")], rngs)
    factor = tarp(0.82, 0.54, 0.19, adequacy=0.7, delay=5.0)  # a large problem (claim > 100)
    assert [ev for _, ev, _, _ in trace] == ["arrive", "start", "escalate", "depart", "approve", "episode_end"]
    assert c.satisfaction == pytest.approx(sat_after(experience(0.0, False), factor))
    assert (stats.escalations, stats.grants) == (1, 1)
    assert stats.recovery_usd == pytest.approx(105.0)


def test_gate_share_regates_guideline_decisions(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, problem_share=1.0, guidelines=True, gate_share=0.5)
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions=voiced(20.0),
        approvals={"random": [0.2, 0.5], "exponential": [2.0], "gamma": [3.0]},  # 0.2 < 0.5: gated
    )
    stats, _ = run(p, [(0.0, fake_customer())], [fake_employee()], rngs)
    assert (stats.escalations, stats.grants) == (1, 1)


def test_abusive_claim_refused_by_the_employee(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, guidelines=True, opportunist_claim_share=1.0)
    c = fake_customer(segment=OPPORTUNIST)
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions={"random": [0.0, 0.05], "lognormal": [30.0]},  # abusive; 0.05 < detection 0.15
        arrivals={"random": [0.9]},
    )
    stats, trace = run(p, [(0.0, c)], [fake_employee("e0")], rngs)
    assert trace[2] == (3.0, "refuse", 0, 30.0)
    assert rngs["exceptions"].calls[1] == ("lognormal", (pytest.approx(math.log(25.0)), 1.0))
    assert (stats.exceptions, stats.abusive_claims, stats.abusive_granted, stats.grants) == (
        1,
        1,
        0,
        0,
    )
    assert stats.abuse_usd == 0.0 and stats.recovery_usd == 0.0
    assert trace[3][3] == pytest.approx(experience(0.0, False))
    assert c.satisfaction == pytest.approx(sat_after(experience(0.0, False), 0.46))


def test_abusive_claim_granted_is_abuse(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, guidelines=True, opportunist_claim_share=1.0)
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions={"random": [0.0, 0.5], "lognormal": [30.0]},  # not detected
    )
    stats, trace = run(p, [(0.0, fake_customer(segment=OPPORTUNIST))], [fake_employee()], rngs)
    assert trace[2] == (3.0, "grant", 0, 30.0)
    assert (stats.abusive_claims, stats.abusive_granted, stats.grants) == (1, 1, 1)
    assert stats.abuse_usd == pytest.approx(21.0 * 1.4) and stats.recovery_usd == 0.0  # judgement 0.5: x 1.4


def test_abusive_claim_detected_by_the_manager(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, opportunist_claim_share=1.0)
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions={"random": [0.0], "lognormal": [30.0]},
        approvals={"exponential": [1.0], "gamma": [1.0], "random": [0.5]},  # 0.5 < detection 0.6
        arrivals={"random": [0.9]},
    )
    stats, trace = run(p, [(0.0, fake_customer(segment=OPPORTUNIST))], [fake_employee()], rngs)
    assert trace[4] == (5.0, "deny", 0, 2.0)
    assert (stats.abusive_claims, stats.abusive_granted, stats.escalations) == (1, 0, 1)


def test_opportunist_without_a_claim_may_still_have_a_problem(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, opportunist_claim_share=0.3, problem_share=1.0, complaint_share=0.5)
    c = fake_customer(segment=OPPORTUNIST)
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        # no claim; a problem of 20 USD (small); not voiced
        exceptions={"random": [0.5, 0.0, 0.9], "lognormal": [20.0]},
    )
    stats, trace = run(p, [(0.0, c)], [fake_employee()], rngs)
    assert stats.exceptions == 0
    assert c.satisfaction == pytest.approx(sat_after(experience(0.0), 0.37))  # unvoiced small problem


def test_unvoiced_large_problem_uses_the_large_problem_figures(fake_employee, fake_customer, make_streams) -> None:
    """TARP: a large problem never complained about keeps 9 % (not 37 %) loyal."""
    p = replace(BASE, problem_share=1.0, complaint_share=0.5)
    rngs = make_streams(
        service={"gamma": [3.0], "random": [RESOLVE]},
        exceptions={"random": [0.0, 0.9], "lognormal": [500.0]},  # a 500 USD problem, not voiced
    )
    c = fake_customer()
    stats, trace = run(p, [(0.0, c)], [fake_employee()], rngs)
    assert stats.exceptions == 0
    assert c.satisfaction == pytest.approx(sat_after(experience(0.0), 0.09))


@pytest.mark.parametrize("guidelines", [True, False])
def test_regulated_breach_is_counted(guidelines, fake_employee, fake_customer, make_streams) -> None:
    p = replace(
        BASE,
        problem_share=1.0,
        guidelines=guidelines,
        regulated=True,
        breach_probability_max=1.0,
        breach_reference_usd=1e-9,  # a grant of 14 USD is of full size: risk 1 x (1.5 - 0.5) on the spot,
        gated_factor=0.1,  # 1 x (1.5 - 0.8) x 0.1 = 0.07 approved
    )
    approvals = {"random": [0.01]} if guidelines else {"exponential": [1.0], "gamma": [1.0], "random": [0.5, 0.01]}
    rngs = make_streams(service={"gamma": [3.0], "random": [RESOLVE]}, exceptions=voiced(20.0), approvals=approvals)
    stats, trace = run(p, [(0.0, fake_customer())], [fake_employee()], rngs)
    events = [ev for _, ev, _, _ in trace]
    assert stats.breaches == 1 and "breach" in events
    assert events.index("breach") < events.index("grant" if guidelines else "approve")
    assert rngs["approvals"].calls[-1] == ("random", ())


def test_unregulated_grants_draw_no_breach(fake_employee, fake_customer, make_streams) -> None:
    p = replace(BASE, problem_share=1.0, guidelines=True, breach_probability_max=0.9)
    rngs = make_streams(service={"gamma": [3.0], "random": [RESOLVE]}, exceptions=voiced(20.0))
    stats, _ = run(p, [(0.0, fake_customer())], [fake_employee()], rngs)  # no approvals draw scripted
    assert stats.breaches == 0


def test_day_params_of_a_scenario(tiny_scenario) -> None:
    s = tiny_scenario
    p = day_params(s, time_factor=0.9, gate_share=0.25)
    assert p.time_factor == 0.9 and p.gate_share == 0.25 and p.reneging
    assert p.handle_time_min == s.service.handle_time_min
    assert p.guidelines == (s.empowerment.mode == "guidelines")
    # Default orientation 0.3: delay x(1 - 0.21), failure x(1 - 0.24).
    sp = s.service_philosophy
    assert p.handoff_delay_mean_min == pytest.approx(sp.handoff_delay_min * (1 - 0.7 * sp.internal_orientation))
    assert p.handoff_failure_p == pytest.approx(sp.handoff_failure * (1 - 0.8 * sp.internal_orientation))
    co = s.compliance
    assert not p.regulated and p.breach_probability_max == co.breach_probability
    assert (p.breach_reference_usd, p.gated_factor) == (co.reference_limit_usd, co.gated_factor)
    assert p.manager_judgement == s.managers.judgement and p.price_premium == s.pricing.price_premium
    # Today's stocks: the relationships hand-offs get, guideline competence, the premium charged.
    q = day_params(s, relationships=1.0, competence=0.25, premium=0.05)
    assert q.handoff_delay_mean_min == pytest.approx(sp.handoff_delay_min * 0.3)
    assert q.fulfilment_delay_mean_min == pytest.approx(s.recovery.fulfilment_delay_min * 0.3)
    assert (q.competence, q.price_premium) == (0.25, 0.05)


# --------------------------------------------------------------------------
# Invariants on random days with real generators
# --------------------------------------------------------------------------

share = st.floats(0.0, 1.0)


@st.composite
def days(draw):
    p = DayParams(
        handle_time_min=draw(st.floats(0.5, 20.0)),
        time_cv=draw(st.floats(0.2, 2.0)),
        exception_time_min=draw(st.floats(0.0, 20.0)),
        data_access=draw(share),
        base_resolution=draw(share),
        quality_elasticity=draw(st.floats(0.0, 3.0)),
        time_factor=draw(st.floats(0.5, 1.0)),
        reneging=draw(st.booleans()),
        patience_mean_min=draw(st.floats(0.1, 30.0)),
        patience_adaptation=draw(st.floats(0.0, 2.0)),
        satisfaction_rate=draw(share),
        repeat_contact_share=draw(share),
        problem_share=draw(share),
        complaint_share=draw(share),
        opportunist_claim_share=draw(share),
        handoff_share=draw(share),
        backoffice_time_min=draw(st.floats(0.1, 20.0)),
        handoff_delay_mean_min=draw(st.floats(0.0, 10.0)),
        handoff_failure_p=draw(st.floats(0.0, 0.95)),
        transfer_penalty=draw(share),
        guidelines=draw(st.booleans()),
        discretion_limit_usd=draw(st.floats(0.0, 500.0)),
        gate_share=draw(share),
        employee_detection=draw(share),
        manager_response_min=draw(st.floats(0.0, 20.0)),
        approval_time_min=draw(st.floats(0.1, 20.0)),
        manager_strictness=draw(share),
        manager_detection=draw(share),
        claim_median_usd=draw(st.floats(0.0, 200.0)),
        claim_sigma=draw(st.floats(0.0, 2.0)),
        abusive_claim_median_usd=draw(st.floats(0.0, 200.0)),
        generosity=draw(share),
        large_claim_usd=draw(st.floats(0.0, 300.0)),
        speed_scale_min=draw(st.floats(0.1, 60.0)),
        regulated=draw(st.booleans()),
        breach_probability_max=draw(share),
        fulfilment_share=draw(share),
        fulfilment_delay_mean_min=draw(st.floats(0.0, 600.0)),
        chase_after_min=draw(st.floats(1.0, 600.0)),
        problem_rate=draw(share),
        competence=draw(share),
        competence_weight=draw(share),
        abuser_claim_share=draw(share),
    )
    n_front = draw(st.integers(1, 4))
    n_back = draw(st.integers(0, 2))
    n_contacts = draw(st.integers(0, 40))
    managers = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    return p, n_front, n_back, n_contacts, managers, seed


def _build(n_front, n_back, n_contacts, seed, fake_employee, fake_customer):
    rng = np.random.default_rng(seed)
    front = [fake_employee(f"f{i}", *rng.uniform(0.0, 1.0, 3), rng.uniform(0.5, 1.0)) for i in range(n_front)]
    back = [fake_employee(f"b{i}", *rng.uniform(0.0, 1.0, 3), rng.uniform(0.5, 1.0)) for i in range(n_back)]
    pool = [
        fake_customer(int(rng.integers(0, 3)), float(rng.uniform()), float(rng.uniform(0, 10)))
        for _ in range(max(1, n_contacts // 2))
    ]
    times = np.sort(rng.uniform(0.0, 480.0, n_contacts))
    contacts = [(float(t), pool[int(rng.integers(len(pool)))]) for t in times]  # customers may repeat
    names = ("arrivals", "service", "exceptions", "handoffs", "approvals")
    rngs = {n: np.random.default_rng([seed, i]) for i, n in enumerate(names)}
    return front, back, pool, contacts, rngs


@settings(max_examples=80, deadline=None)
@given(case=days())
def test_service_day_invariants(case, fake_employee, fake_customer) -> None:
    p, n_front, n_back, n_contacts, managers, seed = case
    front, back, pool, contacts, rngs = _build(n_front, n_back, n_contacts, seed, fake_employee, fake_customer)
    trace: list = []
    s = run_service_day(p, contacts, front, back, managers, rngs, trace)

    assert s.contacts == n_contacts
    assert s.served + s.abandoned == s.contacts
    assert len(s.waits_min) == s.served and all(w >= 0.0 for w in s.waits_min)
    assert len(s.approval_waits_min) == s.escalations and all(w >= 0.0 for w in s.approval_waits_min)
    for n in (
        s.served,
        s.abandoned,
        s.resolved,
        s.exceptions,
        s.escalations,
        s.grants,
        s.abusive_claims,
        s.abusive_granted,
        s.breaches,
        s.handoffs,
        s.handoff_failures,
    ):
        assert n >= 0
    assert s.resolved <= s.served
    assert s.escalations <= s.exceptions <= s.served
    assert s.grants <= s.exceptions
    assert s.abusive_granted <= s.abusive_claims <= s.exceptions
    assert s.abusive_granted <= s.grants
    assert s.breaches <= s.grants
    assert s.handoffs <= (1 + MAX_REWORKS) * s.served
    assert s.fulfilments <= (1 + MAX_REWORKS) * s.grants
    assert s.handoff_failures <= s.handoffs + s.fulfilments  # hand-offs and fulfilments that were redone
    # Every voiced problem (and refused abusive claim) is one episode, ended by the end of the run.
    assert len(s.episodes_min) <= s.exceptions and all(x >= 0.0 for x in s.episodes_min)
    assert s.chases <= mech.MAX_CHASES * len(s.episodes_min)
    assert s.recovery_usd >= 0.0 and s.abuse_usd >= 0.0 and s.manager_min >= 0.0
    if not p.regulated:
        assert s.breaches == 0
    if not p.reneging:
        assert s.abandoned == 0
    assert all(0.0 <= c.satisfaction <= 1.0 for c in pool)
    assert all(c.expected_wait_min >= 0.0 and c.pending_repeats >= 0 for c in pool)
    assert all(e.busy_min >= 0.0 for e in front + back)
    assert all(e.busy_min <= s.end_min + 1e-9 for e in front)  # the back office may fulfil after closing
    assert sum(e.served for e in front) == s.served
    assert sum(e.experience_sum for e in front) == pytest.approx(s.experience_sum)
    assert 0.0 <= s.experience_sum <= s.served

    # The trace tells the same story as the counters.
    count = {}
    for _, ev, _, _ in trace:
        count[ev] = count.get(ev, 0) + 1
    assert count.get("arrive", 0) == s.contacts
    assert count.get("start", 0) == count.get("depart", 0) == s.served
    assert count.get("renege", 0) == s.abandoned
    assert count.get("escalate", 0) == s.escalations
    assert count.get("approve", 0) + count.get("grant", 0) == s.grants
    assert count.get("handoff", 0) == s.handoffs and count.get("fulfil", 0) == s.fulfilments
    assert count.get("handoff_fail", 0) + count.get("fulfil_fail", 0) == s.handoff_failures
    assert count.get("episode_end", 0) == len(s.episodes_min)
    assert count.get("breach", 0) == s.breaches
    assert [t for t, *_ in trace] == sorted(t for t, *_ in trace)

    # Same seeds, fresh agents: the same day.
    front2, back2, pool2, contacts2, rngs2 = _build(n_front, n_back, n_contacts, seed, fake_employee, fake_customer)
    trace2: list = []
    s2 = run_service_day(p, contacts2, front2, back2, managers, rngs2, trace2)
    assert trace2 == trace
    assert s2 == s
    assert [c.satisfaction for c in pool2] == [c.satisfaction for c in pool]
