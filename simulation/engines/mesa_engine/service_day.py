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
   guidelines (up to the discretion limit) the employee decides on the spot;
   otherwise the employee takes the case and moves on, and a manager decides
   asynchronously (response delay, then a manager's time) and calls the
   customer back. Grants cost money and, in a regulated domain, risk a breach
   (per decision: its size and the decider's judgement; an approval lowers
   it). A granted recovery may need the back office to fulfil it (a refund
   posted, a replacement shipped), with its own delay and rework;
5. ends with an experience score and the employee's record of the customers
   served (the satisfaction mirror). A voiced problem is a recovery
   *episode*: the customer's satisfaction moves when the episode ends, toward
   the encounter's experience times the TARP outcome (resolved quickly,
   resolved, not resolved; small or large), and a customer left waiting
   chases the recovery (repeat contacts).

The day is self-contained: it needs duck-typed employee objects (attributes
``technical``, ``soft``, ``engagement``, ``productivity``, and counters
``busy_min``, ``served``, ``experience_sum``), customers (``segment``,
``satisfaction``, ``sensitivity``, ``expected_wait_min``, ``pending_repeats``,
``abuser``, ``learned_limit``), a
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
    abuser_claim_share: float = 0.35
    abuser_claim_multiplier: float = 4.0
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
    fulfilment_share: float = 0.0
    fulfilment_delay_mean_min: float = 0.0
    chase_after_min: float = 480.0
    problem_rate: float = 0.15
    competence: float = 1.0
    competence_weight: float = 0.0
    knowledge: float = 1.0
    regulated: bool = False
    breach_probability_max: float = 0.0
    breach_reference_usd: float = 250.0
    gated_factor: float = 0.1
    manager_judgement: float = 0.8
    price_premium: float = 0.0
    value_weight: float = 0.5
    wtp_max: float = 0.16
    wtp_floor_satisfaction: float = 0.65
    wtp_full_satisfaction: float = 0.9


def day_params(
    s: Scenario,
    time_factor: float = 1.0,
    gate_share: float = 0.0,
    relationships: float | None = None,
    competence: float = 1.0,
    premium: float | None = None,
) -> DayParams:
    """The service-day parameters of a scenario, given today's firm state: the time factor (corner cutting),
    the share of guideline decisions re-gated, the relationships along the chain (the internal orientation
    hand-offs actually get; the policy's when ``None``), guideline competence and the premium charged (the
    policy's when ``None``)."""
    sp, em, co, rc = s.service_philosophy, s.empowerment, s.compliance, s.recovery
    orientation = sp.internal_orientation if relationships is None else relationships
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
        abuser_claim_share=s.demand.abuser_claim_share,
        abuser_claim_multiplier=rc.abuser_claim_multiplier,
        handoff_share=sp.handoff_share,
        backoffice_time_min=sp.backoffice_time_min,
        handoff_delay_mean_min=mech.handoff_delay_mean(sp.handoff_delay_min, orientation),
        handoff_failure_p=mech.handoff_failure_probability(sp.handoff_failure, orientation),
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
        speed_scale_min=rc.speed_scale_min,
        fulfilment_share=rc.fulfilment_share,
        fulfilment_delay_mean_min=mech.handoff_delay_mean(rc.fulfilment_delay_min, orientation),
        chase_after_min=rc.chase_after_min,
        problem_rate=s.loyalty.problem_rate,
        competence=competence,
        competence_weight=em.competence_weight,
        knowledge=mech.shared_knowledge(orientation, sp.knowledge_weight),
        regulated=co.regulated,
        breach_probability_max=co.breach_probability,
        breach_reference_usd=co.reference_limit_usd,
        gated_factor=co.gated_factor,
        manager_judgement=s.managers.judgement,
        price_premium=s.pricing.price_premium if premium is None else premium,
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
    fulfilments: int = 0
    chases: int = 0
    episodes_min: list[float] = field(default_factory=list)  # lengths of the recovery episodes that ended
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
                self._satisfy(cust, mech.ABANDON_EXPERIENCE, p.satisfaction_rate)
                self._after_contact(cust, wait, unresolved=True)
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
        if cust.segment == OPPORTUNIST and self.r_exc.random() < (
            p.abuser_claim_share if cust.abuser else p.opportunist_claim_share
        ):
            exception = abusive = True
            median = p.abusive_claim_median_usd * (p.abuser_claim_multiplier if cust.abuser else 1.0)
            claim = float(self.r_exc.lognormal(math.log(max(median, 1e-9)), p.claim_sigma))
            if cust.abuser and cust.learned_limit and p.guidelines:
                # A serial abuser who has met the limit keeps the claim just under it, on the spot.
                claim = min(claim, mech.LEARNED_LIMIT_SHARE * p.discretion_limit_usd)
        elif self.r_exc.random() < p.problem_share:
            # The problem's size is drawn whether or not it is voiced: large problems hurt more either way.
            claim = float(self.r_exc.lognormal(math.log(max(p.claim_median_usd, 1e-9)), p.claim_sigma))
            if self.r_exc.random() < p.complaint_share:
                exception = True
            else:
                outcome = mech.UNVOICED
        needs_handoff = p.handoff_share > 0.0 and self.r_hand.random() < p.handoff_share

        mean = mech.service_time_mean(p.handle_time_min, emp.technical, p.data_access, emp.productivity, p.time_factor)
        judgement = mech.competent_judgement(
            mech.judgement(emp.soft, emp.fit, emp.engagement, emp.productivity), p.competence, p.competence_weight
        )
        on_the_spot = False
        if exception:
            on_the_spot = p.guidelines and claim <= p.discretion_limit_usd
            if on_the_spot and p.gate_share > 0.0 and self.r_appr.random() < p.gate_share:
                on_the_spot = False  # control drift: re-gated to approval
            mean += mech.exception_time(p.exception_time_min, p.time_factor, on_the_spot, judgement)
        yield env.timeout(_gamma(self.r_srv, mean, p.time_cv))

        failed = 0
        chain: list = []  # back-office workers who touched this contact
        if needs_handoff:
            failed = yield from self.handoff(cid, chain)

        decision: tuple[bool, float, float] | None = None
        if exception:
            st.exceptions += 1
            if abusive:
                st.abusive_claims += 1
                if cust.abuser and p.guidelines:
                    cust.learned_limit = True
            if on_the_spot:
                decision = self.decide_on_the_spot(cid, cust, abusive, claim, judgement)
                outcome = mech.RESOLVED if decision[0] and not abusive else mech.UNRESOLVED
                if decision[0] and abusive:
                    outcome = mech.NO_PROBLEM  # the opportunist got what it came for: no problem to recover from
            else:
                st.escalations += 1
                self.log("escalate", cid)
                outcome = mech.PENDING  # the employee takes the case and moves on; a manager will call back

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
        resolved = self.r_srv.random() < p_res and outcome not in (mech.UNRESOLVED, mech.PENDING)
        gap = mech.overcharge(
            p.price_premium, cust.satisfaction, p.wtp_max, p.wtp_floor_satisfaction, p.wtp_full_satisfaction
        )
        value = mech.value_for_money(gap, cust.sensitivity, p.value_weight)
        # The encounter's experience before any problem's outcome (the employee and the chain see this one).
        base = mech.experience_score(
            wait, pm, resolved, mech.courtesy(emp.soft, emp.engagement), failed, p.transfer_penalty, value
        )
        self.front.put(emp)
        busy = env.now - start
        emp.busy_min += busy
        emp.served += 1
        emp.experience_sum += base
        for worker in chain:  # the internal chain sees the outcome it contributed to
            worker.experience_sum += base
        st.served += 1
        st.served_repeats += int(repeat)
        if not repeat:
            st.served_fresh_by_segment[cust.segment] += 1
        st.resolved += int(resolved)
        st.experience_sum += base
        st.end_min = max(st.end_min, env.now)
        self.log("depart", cid, round(base, 9))
        self._after_contact(cust, wait, unresolved=not resolved and outcome != mech.PENDING)
        large = claim > p.large_claim_usd
        if exception and outcome != mech.NO_PROBLEM:
            # A voiced problem (or a refused abusive claim) is an episode: it ends when the remedy is received.
            env.process(self.episode(cid, cust, abusive, claim, large, judgement, base, decision))
        else:
            rate = p.problem_rate if outcome != mech.NO_PROBLEM else p.satisfaction_rate
            factor = mech.problem_outcome_factor(outcome, large, 0.0, 0.0, p.speed_scale_min)
            self._satisfy(cust, base * factor, rate)

    def handoff(self, cid: int, chain: list | None, fulfilment: bool = False):
        """The internal chain: transmission delay, back-office work, rework on failure.

        A fulfilment (a granted recovery the back office carries out) waits ``fulfilment_delay_mean_min``
        instead of the hand-off delay, and nobody holds the customer meanwhile.
        """
        env, p, st = self.env, self.p, self.stats
        failed = 0
        delay_mean = p.fulfilment_delay_mean_min if fulfilment else p.handoff_delay_mean_min
        for _ in range(1 + MAX_REWORKS):
            if fulfilment:
                st.fulfilments += 1
            else:
                st.handoffs += 1
            self.log("fulfil" if fulfilment else "handoff", cid)
            if delay_mean > 0.0:
                yield env.timeout(float(self.r_hand.exponential(delay_mean)))
            if self.has_back_office:
                bget = self.back.get()
                worker = yield bget
                t0 = env.now
                mean = mech.service_time_mean(
                    p.backoffice_time_min, worker.technical, 0.0, worker.productivity, p.time_factor
                )
                yield env.timeout(_gamma(self.r_hand, mean, p.time_cv))
                worker.busy_min += env.now - t0
                if chain is not None:
                    worker.served += 1
                    chain.append(worker)
                self.back.put(worker)
            if self.r_hand.random() < p.handoff_failure_p:
                failed += 1
                st.handoff_failures += 1
                self.log("fulfil_fail" if fulfilment else "handoff_fail", cid)
                continue
            break
        return failed

    def _grant(self, cust: Any, abusive: bool, amount: float) -> None:
        st = self.stats
        st.grants += 1
        st.granted_usd_by_segment[cust.segment] += amount
        if abusive:
            st.abuse_usd += amount
            st.abusive_granted += 1
        else:
            st.recovery_usd += amount

    def _breach(self, cid: int, amount: float, judgement: float, reviewed: bool) -> None:
        """A granted decision in a regulated domain breaches with a risk set by the decision (per decision)."""
        p = self.p
        if not p.regulated:
            return
        risk = mech.breach_probability(
            amount,
            judgement,
            reviewed,
            p.breach_probability_max,
            p.breach_reference_usd,
            p.gated_factor,
            p.manager_judgement,
        )
        if self.r_appr.random() < risk:
            self.stats.breaches += 1
            self.log("breach", cid)

    def decide_on_the_spot(self, cid: int, cust: Any, abusive: bool, claim: float, judgement: float):
        """An exception decided by the employee under guidelines: (granted, amount, adequacy).

        The employee's judgement (with guideline competence) sets how often abuse is spotted, how well the
        remedy fits, how much more than needed is given and the breach risk.
        """
        p = self.p
        granted = not (abusive and self.r_exc.random() < mech.on_the_spot_detection(p.employee_detection, judgement))
        amount = mech.on_the_spot_grant(p.generosity * claim, p.overgrant, judgement)
        if granted:
            self._grant(cust, abusive, amount)
            self._breach(cid, amount, judgement, reviewed=False)
        self.log("grant" if granted else "refuse", cid, round(claim, 9))
        return granted, amount, mech.on_the_spot_adequacy(p.generosity, judgement, p.knowledge)

    def approve(self, cid: int, cust: Any, abusive: bool, claim: float, judgement: float):
        """An exception a manager decides, asynchronously: response delay, the manager's time (a callback to
        the customer included); returns (granted, amount, adequacy)."""
        env, p, st = self.env, self.p, self.stats
        t0 = env.now
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
        amount = p.generosity * claim
        if granted:
            self._grant(cust, abusive, amount)
            self._breach(cid, amount, judgement, reviewed=True)
        delay = env.now - t0
        st.approval_waits_min.append(delay)
        self.log("approve" if granted else "deny", cid, round(delay, 9))
        return granted, amount, p.generosity

    def episode(
        self,
        cid: int,
        cust: Any,
        abusive: bool,
        claim: float,
        large: bool,
        judgement: float,
        base: float,
        decision: tuple[bool, float, float] | None,
    ):
        """A recovery episode, from the complaint to the remedy received (or refused).

        A manager decides if the employee could not; a granted genuine recovery may need the back office
        to fulfil it. When it ends, the customer's satisfaction moves toward the encounter's experience
        times the TARP outcome of its length, and the customer has chased it once per interval without news.
        """
        env, p, st = self.env, self.p, self.stats
        opened = env.now
        approved = decision is None
        if decision is None:
            decision = yield from self.approve(cid, cust, abusive, claim, judgement)
        granted, _, adequacy = decision
        if approved and not granted and self.r_arr.random() < p.repeat_contact_share:
            cust.pending_repeats += 1  # a refusal on the callback: the customer calls back to argue
        if granted and abusive:
            # An abusive claim granted by a manager: nothing to recover, the customer got its money.
            self._satisfy(cust, base, p.satisfaction_rate)
            return
        outcome = mech.RESOLVED if granted else mech.UNRESOLVED
        if granted and p.fulfilment_share > 0.0 and self.r_hand.random() < p.fulfilment_share:
            yield from self.handoff(cid, None, fulfilment=True)
        length = env.now - opened
        st.episodes_min.append(length)
        chased = mech.chases(length, p.chase_after_min)
        st.chases += chased
        cust.pending_repeats += chased
        self.log("episode_end", cid, round(length, 9))
        factor = mech.problem_outcome_factor(outcome, large, adequacy, length, p.speed_scale_min)
        self._satisfy(cust, base * factor, p.problem_rate)

    def _satisfy(self, cust: Any, experience: float, rate: float) -> None:
        cust.satisfaction = mech.satisfaction_update(cust.satisfaction, experience, rate)

    def _after_contact(self, cust: Any, wait: float, unresolved: bool) -> None:
        """The wait the customer learns to expect, and whether an unresolved contact comes back tomorrow."""
        p = self.p
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
            day._satisfy(cust, mech.ABANDON_EXPERIENCE, p.satisfaction_rate)
            day._after_contact(cust, 0.0, unresolved=True)
        return day.stats
    day.env.process(day.arrivals(contacts))
    day.env.run()
    return day.stats


def percentile(values: list[float], q: float) -> float:
    """Percentile of a list (0 for an empty list)."""
    return float(np.percentile(values, q)) if values else 0.0
