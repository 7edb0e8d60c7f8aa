"""One business day of service as a SimPy discrete-event simulation (minutes).

Customers arrive over the day (a Poisson process: the engine draws each
customer's contact count and uniform arrival times). Each contact:

1. queues for a free frontline employee (FIFO, a ``simpy.Store`` of idle
   employees, so the longest-idle employee takes the next customer) and
   reneges past its patience (``get | timeout(patience)``);
2. is served for a gamma-distributed handle time that depends on the
   employee (skill, ramp-up) and the firm (data access, corner cutting);
3. may need hand-offs through the back office: the frontline employee holds
   the case while it waits for the internal chain (the bucket brigade); a
   failed hand-off is reworked;
4. may be an exception (a voiced problem or an abusive claim): under
   approval gating (or above the discretion limit) it waits for a manager
   while the employee holds it; under guidelines the employee decides on the
   spot; grants cost money and, in a regulated domain, risk a breach;
5. ends with an experience score that moves the customer's satisfaction, and
   the employee's record of the customers served (the satisfaction mirror).

The day is self-contained: it needs duck-typed employee objects (attributes
``technical``, ``soft``, ``engagement``, ``productivity``, and counters
``busy_min``, ``served``, ``experience_sum``), customers (``segment``,
``satisfaction``, ``sensitivity``, ``expected_wait_min``, ``pending_repeats``), a
:class:`DayParams` and named generators (anything with ``random``,
``exponential``, ``gamma``, ``lognormal``), which lets tests script exact
event traces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from simulation import mechanisms as mech
from simulation.scenario.schema import Scenario

__all__ = ["DayParams", "DayStats", "REGULAR", "PRICE_SENSITIVE", "OPPORTUNIST", "day_params", "run_service_day"]

# Shared with the numba engine (simulation.mechanisms).
REGULAR, PRICE_SENSITIVE, OPPORTUNIST = mech.REGULAR, mech.PRICE_SENSITIVE, mech.OPPORTUNIST
MAX_REWORKS = mech.MAX_REWORKS
EXPECTED_WAIT_RATE = mech.EXPECTED_WAIT_RATE


@dataclass(frozen=True)
class DayParams:
    """Everything the service day needs to know about policy and context."""

    handle_time_min: float = 5.0
    time_cv: float = 1.0
    exception_time_min: float = 6.0
    data_access: float = 0.5
    base_resolution: float = 0.62
    quality_elasticity: float = 0.7
    time_factor: float = 1.0
    reneging: bool = True
    patience_mean_min: float = 8.0
    patience_adaptation: float = 0.5
    satisfaction_rate: float = 0.15
    repeat_contact_share: float = 0.6
    problem_share: float = 0.12
    complaint_share: float = 0.5
    opportunist_claim_share: float = 0.3
    handoff_share: float = 0.2
    backoffice_time_min: float = 6.0
    handoff_delay_mean_min: float = 2.8
    handoff_failure_p: float = 0.19
    transfer_penalty: float = 0.12
    guidelines: bool = False
    discretion_limit_usd: float = 100.0
    gate_share: float = 0.0
    employee_detection: float = 0.15
    overgrant: float = 0.8
    manager_response_min: float = 5.0
    approval_time_min: float = 4.0
    manager_strictness: float = 0.2
    manager_detection: float = 0.6
    claim_median_usd: float = 15.0
    claim_sigma: float = 1.0
    abusive_claim_median_usd: float = 25.0
    generosity: float = 0.7
    large_claim_usd: float = 100.0
    speed_scale_min: float = 10.0
    regulated: bool = False
    breach_p_discretion: float = 0.0
    breach_p_gated: float = 0.0
    price_premium: float = 0.0
    value_weight: float = 0.5
    wtp_max: float = 0.16
    wtp_floor_satisfaction: float = 0.65
    wtp_full_satisfaction: float = 0.9


def day_params(s: Scenario, time_factor: float = 1.0, gate_share: float = 0.0) -> DayParams:
    """The service-day parameters of a scenario, given today's firm state."""
    sp, em, co = s.service_philosophy, s.empowerment, s.compliance
    p_disc = mech.breach_probability(em.discretion_limit_usd, co.breach_probability, co.reference_limit_usd)
    return DayParams(
        handle_time_min=s.service.handle_time_min,
        time_cv=s.service.time_cv,
        exception_time_min=s.service.exception_time_min,
        data_access=s.service.data_access,
        base_resolution=s.service.base_resolution,
        quality_elasticity=s.erosion.quality_elasticity,
        time_factor=time_factor,
        reneging=True,
        patience_mean_min=s.customers.patience_mean_min,
        patience_adaptation=s.customers.patience_adaptation,
        satisfaction_rate=s.loyalty.satisfaction_rate,
        repeat_contact_share=s.demand.repeat_contact_share,
        problem_share=s.demand.problem_share,
        complaint_share=s.demand.complaint_share,
        opportunist_claim_share=s.demand.opportunist_claim_share,
        handoff_share=sp.handoff_share,
        backoffice_time_min=sp.backoffice_time_min,
        handoff_delay_mean_min=mech.handoff_delay_mean(sp.handoff_delay_min, sp.internal_orientation),
        handoff_failure_p=mech.handoff_failure_probability(sp.handoff_failure, sp.internal_orientation),
        transfer_penalty=sp.transfer_penalty,
        guidelines=em.mode == "guidelines",
        discretion_limit_usd=em.discretion_limit_usd,
        gate_share=gate_share,
        employee_detection=em.employee_detection,
        overgrant=em.overgrant,
        manager_response_min=s.managers.response_delay_min,
        approval_time_min=s.managers.approval_time_min,
        manager_strictness=s.managers.strictness,
        manager_detection=s.managers.detection,
        claim_median_usd=s.recovery.claim_median_usd,
        claim_sigma=s.recovery.claim_sigma,
        abusive_claim_median_usd=s.recovery.abusive_claim_median_usd,
        generosity=s.recovery.generosity,
        large_claim_usd=s.recovery.large_claim_usd,
        speed_scale_min=s.recovery.speed_scale_min,
        regulated=s.compliance.regulated,
        breach_p_discretion=p_disc if co.regulated else 0.0,
        breach_p_gated=co.breach_probability * co.gated_factor if co.regulated else 0.0,
        price_premium=s.pricing.price_premium,
        value_weight=s.pricing.value_weight,
        wtp_max=s.pricing.wtp_max,
        wtp_floor_satisfaction=s.pricing.wtp_floor_satisfaction,
        wtp_full_satisfaction=s.pricing.wtp_full_satisfaction,
    )


@dataclass
class DayStats:
    """What happened during one service day."""

    contacts: int = 0
    repeat_contacts: int = 0  # contacts that are repeats of failed ones (failure demand)
    served: int = 0
    served_repeats: int = 0  # served contacts that were repeats of unresolved ones (no new revenue)
    abandoned: int = 0
    waits_min: list[float] = field(default_factory=list)  # queue waits of served contacts
    resolved: int = 0
    exceptions: int = 0
    escalations: int = 0
    approval_waits_min: list[float] = field(default_factory=list)
    grants: int = 0
    recovery_usd: float = 0.0
    abuse_usd: float = 0.0
    abusive_claims: int = 0
    abusive_granted: int = 0
    breaches: int = 0
    handoffs: int = 0
    handoff_failures: int = 0
    manager_min: float = 0.0
    experience_sum: float = 0.0
    end_min: float = 0.0  # time of the last departure or renege
    # By customer segment (regular, price-sensitive, opportunist): served first contacts (they earn revenue)
    # and money granted (recovery and abuse).
    served_fresh_by_segment: list[int] = field(default_factory=lambda: [0, 0, 0])
    granted_usd_by_segment: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])


def _gamma(rng: Any, mean: float, cv: float) -> float:
    """A gamma draw with the given mean and coefficient of variation (cv 1 = exponential)."""
    if mean <= 0.0:
        return 0.0
    shape = 1.0 / (cv * cv)
    return float(rng.gamma(shape, mean / shape))


class _Day:
    """The processes of one day; state lives here so the generators stay short."""

    def __init__(
        self,
        p: DayParams,
        frontline: list,
        back_office: list,
        manager_servers: int,
        rngs: dict[str, Any],
        trace: list | None,
    ):
        self.p = p
        self.env = simpy.Environment()
        self.front = simpy.Store(self.env)
        self.front.items.extend(frontline)
        self.back = simpy.Store(self.env)
        self.back.items.extend(back_office)
        self.has_back_office = len(back_office) > 0
        self.managers = simpy.Resource(self.env, capacity=max(1, manager_servers))
        self.r_arr = rngs["arrivals"]
        self.r_srv = rngs["service"]
        self.r_exc = rngs["exceptions"]
        self.r_hand = rngs["handoffs"]
        self.r_appr = rngs["approvals"]
        self.trace = trace
        self.stats = DayStats()

    def log(self, event: str, cid: int, detail: Any = None) -> None:
        if self.trace is not None:
            self.trace.append((round(self.env.now, 9), event, cid, detail))

    def arrivals(self, contacts: list[tuple]):
        for cid, item in enumerate(contacts):
            t, customer = item[0], item[1]
            if t > self.env.now:
                yield self.env.timeout(t - self.env.now)
            repeat = len(item) > 2 and bool(item[2])
            self.stats.contacts += 1
            self.stats.repeat_contacts += int(repeat)
            self.env.process(self.contact(cid, customer, repeat))

    def contact(self, cid: int, cust: Any, repeat: bool = False):
        env, p, st = self.env, self.p, self.stats
        arrived = env.now
        self.log("arrive", cid)
        pm = mech.patience_mean(p.patience_mean_min, p.patience_adaptation, cust.expected_wait_min)
        get = self.front.get()
        if p.reneging:
            patience = float(self.r_arr.exponential(pm))
            result = yield get | env.timeout(patience)
            if get not in result:
                if get.triggered:  # an employee freed up at the same instant: hand them back
                    self.front.put(get.value)
                else:
                    get.cancel()
                wait = env.now - arrived
                st.abandoned += 1
                st.end_min = max(st.end_min, env.now)
                self.log("renege", cid, wait)
                self._finish_customer(cust, mech.ABANDON_EXPERIENCE, wait, unresolved=True)
                return
        else:
            yield get
        emp: Any = get.value
        wait = env.now - arrived
        st.waits_min.append(wait)
        start = env.now
        self.log("start", cid, getattr(emp, "unique_id", None))

        # What the contact carries (exceptions stream).
        outcome = mech.NO_PROBLEM
        exception = abusive = False
        claim = 0.0
        if cust.segment == OPPORTUNIST and self.r_exc.random() < p.opportunist_claim_share:
            exception = abusive = True
            claim = float(self.r_exc.lognormal(math.log(max(p.abusive_claim_median_usd, 1e-9)), p.claim_sigma))
        elif self.r_exc.random() < p.problem_share:
            # The problem's size is drawn whether or not it is voiced: large problems hurt more either way.
            claim = float(self.r_exc.lognormal(math.log(max(p.claim_median_usd, 1e-9)), p.claim_sigma))
            if self.r_exc.random() < p.complaint_share:
                exception = True
            else:
                outcome = mech.UNVOICED
        needs_handoff = p.handoff_share > 0.0 and self.r_hand.random() < p.handoff_share

        mean = mech.service_time_mean(p.handle_time_min, emp.technical, p.data_access, emp.productivity, p.time_factor)
        judgement = mech.judgement(emp.soft, emp.fit, emp.engagement, emp.productivity)
        if exception:
            on_the_spot = p.guidelines and claim <= p.discretion_limit_usd
            mean += mech.exception_time(p.exception_time_min, p.time_factor, on_the_spot, judgement)
        yield env.timeout(_gamma(self.r_srv, mean, p.time_cv))

        failed = 0
        chain: list = []  # back-office workers who touched this contact
        if needs_handoff:
            failed = yield from self.handoff(cid, chain)

        adequacy = delay = 0.0
        if exception:
            st.exceptions += 1
            if abusive:
                st.abusive_claims += 1
            granted, delay, amount, fit = yield from self.decide(cid, abusive, claim, judgement)
            if granted:
                st.grants += 1
                st.granted_usd_by_segment[cust.segment] += amount
                if abusive:
                    # The opportunist got what it came for: no problem to recover from.
                    st.abuse_usd += amount
                    st.abusive_granted += 1
                else:
                    st.recovery_usd += amount
                    outcome = mech.RESOLVED
                    adequacy = fit
            else:
                outcome = mech.UNRESOLVED

        p_res = (
            mech.resolution_probability(
                p.base_resolution,
                emp.technical,
                emp.soft,
                emp.engagement,
                p.data_access,
                emp.productivity,
                p.time_factor,
                p.quality_elasticity,
            )
            * (1.0 - p.transfer_penalty) ** failed
        )
        resolved = self.r_srv.random() < p_res and outcome != mech.UNRESOLVED
        factor = mech.problem_outcome_factor(outcome, claim > p.large_claim_usd, adequacy, delay, p.speed_scale_min)
        gap = mech.overcharge(
            p.price_premium, cust.satisfaction, p.wtp_max, p.wtp_floor_satisfaction, p.wtp_full_satisfaction
        )
        factor *= mech.value_for_money(gap, cust.sensitivity, p.value_weight)
        experience = mech.experience_score(
            wait, pm, resolved, mech.courtesy(emp.soft, emp.engagement), failed, p.transfer_penalty, factor
        )
        self.front.put(emp)
        busy = env.now - start
        emp.busy_min += busy
        emp.served += 1
        emp.experience_sum += experience
        for worker in chain:  # the internal chain sees the outcome it contributed to
            worker.experience_sum += experience
        st.served += 1
        st.served_repeats += int(repeat)
        if not repeat:
            st.served_fresh_by_segment[cust.segment] += 1
        st.resolved += int(resolved)
        st.experience_sum += experience
        st.end_min = max(st.end_min, env.now)
        self.log("depart", cid, round(experience, 9))
        self._finish_customer(cust, experience, wait, unresolved=not resolved)

    def handoff(self, cid: int, chain: list):
        """The internal chain: transmission delay, back-office work, rework on failure."""
        env, p, st = self.env, self.p, self.stats
        failed = 0
        for _ in range(1 + MAX_REWORKS):
            st.handoffs += 1
            self.log("handoff", cid)
            if p.handoff_delay_mean_min > 0.0:
                yield env.timeout(float(self.r_hand.exponential(p.handoff_delay_mean_min)))
            if self.has_back_office:
                bget = self.back.get()
                worker = yield bget
                t0 = env.now
                mean = mech.service_time_mean(
                    p.backoffice_time_min, worker.technical, 0.0, worker.productivity, p.time_factor
                )
                yield env.timeout(_gamma(self.r_hand, mean, p.time_cv))
                worker.busy_min += env.now - t0
                worker.served += 1
                chain.append(worker)
                self.back.put(worker)
            if self.r_hand.random() < p.handoff_failure_p:
                failed += 1
                st.handoff_failures += 1
                self.log("handoff_fail", cid)
                continue
            break
        return failed

    def decide(self, cid: int, abusive: bool, claim: float, judgement: float):
        """An exception: on the spot under guidelines, else through a manager.

        Returns whether it was granted, the delay to the decision (min), the money granted and how well
        the remedy fits the problem (its adequacy).
        """
        env, p, st = self.env, self.p, self.stats
        gated = (not p.guidelines) or claim > p.discretion_limit_usd
        if not gated and p.gate_share > 0.0 and self.r_appr.random() < p.gate_share:
            gated = True
        if not gated:
            # The employee's judgement sets how often abuse is spotted, how well the remedy fits and how much
            # more than needed is given.
            granted = not (
                abusive and self.r_exc.random() < mech.on_the_spot_detection(p.employee_detection, judgement)
            )
            if granted and p.regulated and self.r_appr.random() < p.breach_p_discretion:
                st.breaches += 1
                self.log("breach", cid)
            self.log("grant" if granted else "refuse", cid, round(claim, 9))
            amount = mech.on_the_spot_grant(p.generosity * claim, p.overgrant, judgement)
            return granted, 0.0, amount, mech.on_the_spot_adequacy(p.generosity, judgement)
        st.escalations += 1
        t0 = env.now
        self.log("escalate", cid)
        if p.manager_response_min > 0.0:
            yield env.timeout(float(self.r_appr.exponential(p.manager_response_min)))
        with self.managers.request() as req:
            yield req
            m0 = env.now
            yield env.timeout(_gamma(self.r_appr, p.approval_time_min, p.time_cv))
            st.manager_min += env.now - m0
        if abusive:
            granted = self.r_appr.random() >= p.manager_detection
        else:
            granted = self.r_appr.random() >= p.manager_strictness
        if granted and p.regulated and self.r_appr.random() < p.breach_p_gated:
            st.breaches += 1
            self.log("breach", cid)
        delay = env.now - t0
        st.approval_waits_min.append(delay)
        self.log("approve" if granted else "deny", cid, round(delay, 9))
        return granted, delay, p.generosity * claim, p.generosity

    def _finish_customer(self, cust: Any, experience: float, wait: float, unresolved: bool) -> None:
        p = self.p
        cust.satisfaction = mech.satisfaction_update(cust.satisfaction, experience, p.satisfaction_rate)
        cust.expected_wait_min += EXPECTED_WAIT_RATE * (wait - cust.expected_wait_min)
        if unresolved and self.r_arr.random() < p.repeat_contact_share:
            cust.pending_repeats += 1


def run_service_day(
    p: DayParams,
    contacts: list[tuple],
    frontline: list,
    back_office: list,
    manager_servers: int,
    rngs: dict[str, Any],
    trace: list | None = None,
) -> DayStats:
    """Run one service day.

    Args:
        p: policy and context of the day.
        contacts: ``(arrival_min, customer)`` or ``(arrival_min, customer, is_repeat)`` tuples sorted
            by arrival time; repeats of unresolved contacts earn no revenue.
        frontline: the frontline employees on duty (idle at the start).
        back_office: the back-office employees on duty.
        manager_servers: managers available for approvals at once.
        rngs: generators ``arrivals``, ``service``, ``exceptions``, ``handoffs``, ``approvals``.
        trace: if given, ``(time_min, event, contact_index, detail)`` tuples are appended.

    Returns:
        The day's :class:`DayStats`; customers and employees are updated in place.
    """
    day = _Day(p, frontline, back_office, manager_servers, rngs, trace)
    if contacts and not frontline:
        # Nobody on duty: every contact gives up (a closed shop, not a crash).
        for cid, item in enumerate(contacts):
            t, cust = item[0], item[1]
            day.stats.contacts += 1
            day.stats.repeat_contacts += int(len(item) > 2 and bool(item[2]))
            day.stats.abandoned += 1
            if trace is not None:
                trace.extend([(round(t, 9), "arrive", cid, None), (round(t, 9), "renege", cid, 0.0)])
            day._finish_customer(cust, mech.ABANDON_EXPERIENCE, 0.0, unresolved=True)
        return day.stats
    day.env.process(day.arrivals(contacts))
    day.env.run()
    return day.stats


def percentile(values: list[float], q: float) -> float:
    """Percentile of a list (0 for an empty list)."""
    return float(np.percentile(values, q)) if values else 0.0
