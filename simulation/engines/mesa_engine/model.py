"""The reference engine: a Mesa model whose step is one business day.

Order of one step (``FirmModel.step``), as in docs/ODD.md section 3; each
phase is one method, named as the numba engine's kernel for the same phase
(``simulation.engines.numba_engine.model``), so the two read side by side:

1. ``_morning``: reset the day's counters, update ramp-up, pick who is on
   duty (shrinkage and coordination time), draw today's contacts (Poisson
   per customer, plus yesterday's unresolved repeats) at uniform times over
   the opening hours;
2. ``_service_day``: the service day in SimPy (:mod:`.service_day`);
3. ``_customers``: churn, then referrals and paid acquisition from a finite
   market that remembers (prospects, lost customers, reputation);
4. ``_employees``: stress, engagement, training and its decay, then quits;
5. ``_vacancies``: open ones are filled when due (a hiring freeze holds them
   open while the role is staffed at or above the minimum staffing share);
6. ``_firm``: work pressure, corner cutting and the service standard;
7. ``_ledger``: revenue and costs by category, then the budget rule;
8. ``_record``: the day's row of metrics.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from simulation import mechanisms as mech
from simulation.engines.mesa_engine.agents import BACK_OFFICE, FRONTLINE, Customer, Employee, Manager
from simulation.engines.mesa_engine.service_day import (
    OPPORTUNIST,
    PRICE_SENSITIVE,
    REGULAR,
    DayStats,
    day_params,
    percentile,
    run_service_day,
)
from simulation.errors import ScenarioError
from simulation.metrics import COST_CATEGORIES, DAILY_COLUMNS
from simulation.rng import streams
from simulation.scenario.loader import load_scenario, shipped_scenarios, with_overrides
from simulation.scenario.schema import SEGMENTS, Scenario

__all__ = ["FirmModel"]

# Shared with the numba engine (simulation.mechanisms).
PROPENSITY_SHAPE = mech.PROPENSITY_SHAPE
VACANCY_SHAPE = mech.VACANCY_SHAPE
INITIAL_TENURE_MEAN_DAYS = mech.INITIAL_TENURE_MEAN_DAYS
ABUSE_MEMORY_DAYS = mech.ABUSE_MEMORY_DAYS


class FirmModel(mesa.Model):
    """One simulated firm (one replication).

    It can be built from keywords alone, as Mesa's ``SolaraViz`` does on Reset (``type(model)(**params)``)::

        FirmModel(scenario="customer_focused", seed=3, **{"empowerment.mode": "approval"})
        FirmModel(scenario="scenarios/southwest.yaml", people_first__level=0.5)

    Args:
        scenario: the validated scenario, a shipped scenario's name (``"customer_focused"``), the path of a
            scenario file, or ``None`` for the defaults.
        seed: the run's seed; with ``replication`` it determines every random stream.
        replication: replication index (selects the replication's streams).
        trace_day: if set, the SimPy event trace of step ``trace_day`` (0-based; the row with
            ``day == trace_day + 1`` in the daily table) is kept in ``self.trace``.
        overrides: dotted scenario keys and values applied to ``scenario`` (``{"firm.frontline": 20}``).
        collect_agents: also collect the agent reporters (each customer's satisfaction, each employee's
            engagement and stress) every step. Off by default: it keeps one record per agent and day.
        **kwargs: more overrides, a dotted key (``**{"pricing.price_premium": 0.1}``) or with ``__`` for
            the dot (``pricing__price_premium=0.1``).

    Attributes:
        customers: active customers.
        frontline, back_office: employees on the payroll.
        managers: the managers.
        rows: one dict of metrics per simulated day.
        datacollector: a ``mesa.DataCollector`` with one model reporter per daily metric of
            :data:`simulation.metrics.DAILY_COLUMNS`, collected once per step (its model-vars table has the
            same values as ``rows``); agent reporters by type: ``Customer`` ``satisfaction``, ``Employee``
            ``engagement`` and ``stress`` (collected with ``collect_agents``). Collecting draws no random
            numbers.

    Raises:
        ScenarioError: an unknown scenario name, a bad file, an unknown key or a value out of range.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        seed: int = 0,
        replication: int = 0,
        trace_day: int | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        collect_agents: bool = False,
        **kwargs: Any,
    ):
        scenario = resolve_scenario(scenario, {**dict(overrides or {}), **_dotted(kwargs)})
        self.scenario = s = scenario
        self.streams = streams(seed, replication)
        init = self.streams["init"]
        super().__init__(rng=int(init.integers(2**63)))
        self.seed_value = seed
        self.replication = replication
        self.trace_day = trace_day
        self.trace: list | None = None
        self.day = 0
        self.rows: list[dict[str, float]] = []

        self.guidelines = s.empowerment.mode == "guidelines"
        self.discretion = mech.discretion_index(self.guidelines, s.empowerment.discretion_limit_usd)
        self.autonomy = self._autonomy(gate_share=0.0)
        self.pay_factor = mech.pay_quit_factor(s.pay.premium, s.pay.quit_elasticity)
        self.applicants = mech.applicants_per_vacancy(
            s.hiring.applicants_per_vacancy,
            s.pay.premium,
            s.pay.applicant_elasticity,
            s.hiring.fit_weight,
            s.hiring.fit_applicant_loss,
        )
        self.planned_frontline = round(s.firm.frontline * (1.0 + s.people_first.staffing_buffer * s.people_first.level))
        self.planned_back_office = s.firm.back_office

        # Firm state.
        self.pressure = 1.0
        self.service_standard = 1.0
        self.time_factor = 1.0
        self.profit_smooth = 0.0
        self.revenue_smooth = 0.0
        self.budget_cut = False
        self.abuse_grant_rate = 0.0
        self.vacancies: list[list] = []  # [role, due_day]
        # Today's values by customer segment, handed from one phase to the next (customers, ledger -> record).
        self.acquisition_by_segment = [0.0, 0.0, 0.0]
        self.revenue_by_segment = [0.0, 0.0, 0.0]
        # The market: prospects within reach, customers lost to competitors, the firm's reputation.
        self.initial_prospects = float(s.market.size - s.customers.initial)
        self.prospects = self.initial_prospects
        self.lost = 0.0
        self.reputation = s.customers.initial_satisfaction
        # Stocks that change only slowly (steady state at the start: the firm has run this way for a while).
        self.competence = 1.0 if self.guidelines else 0.0  # guideline competence
        self.relationships = s.service_philosophy.internal_orientation  # along the internal chain
        self.premium_charged = s.pricing.price_premium
        self.measures_factor = mech.measures_factor(s.measures.inside_out, s.measures.corner_cut)
        # Compliance: breaches still to be found (expected number), penalties paid this calendar year.
        self.undetected = 0.0
        self.fined_this_year = 0.0
        self.breaches_detected = 0.0

        self.managers = []
        for _ in range(s.firm.managers):
            consistency = mech.clip01(float(init.normal(s.leadership.consistency, s.leadership.consistency_sd)))
            self.managers.append(Manager(self, consistency, self._perceived(consistency)))
        self.frontline: list[Employee] = []
        self.back_office: list[Employee] = []
        for role, n in ((FRONTLINE, self.planned_frontline), (BACK_OFFICE, self.planned_back_office)):
            for _ in range(n):
                tenure = float(init.exponential(INITIAL_TENURE_MEAN_DAYS))
                self._add_employee(role, init, tenure, initial=True)

        self.customers: list[Customer] = []
        self.initial_customers = s.customers.initial
        for _ in range(s.customers.initial):
            segment = self._draw_segment(init, s.customers.opportunist_share)
            self._add_customer(
                init,
                segment,
                mech.beta_mean_sd(init, s.customers.initial_satisfaction, s.customers.satisfaction_sd),
                referred=False,
            )
        self.collect_agents = bool(collect_agents)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: functools.partial(latest_value, name=name) for name in DAILY_COLUMNS},
            agenttype_reporters={
                Customer: {"satisfaction": "satisfaction"},
                Employee: {"engagement": "engagement", "stress": "stress"},
            },
        )

    # ------------------------------------------------------------------ setup

    def _draw_segment(self, rng: np.random.Generator, opportunist_share: float) -> int:
        u = rng.random()
        if u < opportunist_share:
            return OPPORTUNIST
        if u < opportunist_share + self.scenario.customers.price_sensitive_share:
            return PRICE_SENSITIVE
        return REGULAR

    def _add_customer(self, rng: np.random.Generator, segment: int, satisfaction: float, referred: bool) -> Customer:
        c = self.scenario.customers
        sensitivity = (c.sensitivity_regular, c.sensitivity_price_sensitive, c.sensitivity_opportunist)[segment]
        propensity = c.contacts_per_day * float(rng.gamma(PROPENSITY_SHAPE, 1.0 / PROPENSITY_SHAPE))
        abuser = segment == OPPORTUNIST and float(rng.random()) < c.abuser_share
        cust = Customer(self, segment, satisfaction, propensity, sensitivity, referred, abuser)
        self.customers.append(cust)
        return cust

    def _least_loaded_manager(self) -> Manager:
        return min(self.managers, key=lambda m: (m.reports, m.unique_id))

    def _add_employee(self, role: str, rng: np.random.Generator, tenure: float, initial: bool) -> Employee:
        s = self.scenario
        technical, soft, fit = mech.hire_draw(
            rng, s.hiring.fit_weight, self.applicants, s.hiring.hero_share if role == FRONTLINE else 0.0
        )
        manager = self._least_loaded_manager()
        emp = Employee(self, role, technical, soft, fit, 0.5, manager, tenure)
        manager.reports += 1
        # Steady state of the employee's drivers: the firm has run this way for a while.
        target = self._engagement_target(emp, mirror=0.8)
        emp.engagement = mech.clip01(target + float(rng.normal(0.0, s.engagement.initial_sd))) if initial else target
        emp.mirror = 0.8
        if initial:
            for _ in range(int(min(tenure, 730))):
                self._train(emp, s.training.hours_per_year / mech.DAYS_PER_YEAR)
        emp.productivity = self._productivity(emp)
        (self.frontline if role == FRONTLINE else self.back_office).append(emp)
        return emp

    # ------------------------------------------------------------ mechanisms

    def _autonomy(self, gate_share: float) -> float:
        """Felt autonomy under the policy; re-gated decisions take it back (control drift of a growing firm)."""
        em = self.scenario.empowerment
        return mech.felt_autonomy(
            self.guidelines, em.discretion_limit_usd, em.autonomy_approval, em.autonomy_guidelines, gate_share
        )

    def _perceived(self, consistency: float) -> float:
        """What a manager's example is worth to employees who watch it long enough (behavioural integrity)."""
        ld = self.scenario.leadership
        return mech.perceived_consistency(consistency, ld.consistency, self.discretion, ld.integrity_weight)

    def _judgement(self, emp: Employee) -> float:
        """An employee's judgement on the spot: their own, as far as guideline competence makes it usable."""
        em = self.scenario.empowerment
        own = mech.judgement(emp.soft, emp.fit, emp.engagement, emp.productivity)
        return mech.competent_judgement(own, self.competence, em.competence_weight)

    def _engagement_target(self, emp: Employee, mirror: float) -> float:
        s, e = self.scenario, self.scenario.engagement
        return mech.engagement_target(
            e.baseline,
            self.autonomy,
            emp.manager.belief,
            s.people_first.level,
            emp.fit,
            mirror,
            emp.stress,
            e.weight_autonomy,
            e.weight_leadership,
            e.weight_people_first,
            e.weight_fit,
            e.weight_mirror,
            e.weight_overload,
        )

    def _productivity(self, emp: Employee) -> float:
        """Ramp-up productivity: slower for less skilled hires and for jobs with discretion."""
        h = self.scenario.hiring
        ramp = mech.ramp_days(h.ramp_days, h.ramp_discretion_days, self.discretion, emp.technical_innate)
        return mech.ramp_productivity(emp.tenure_days, ramp)

    def _train(self, emp: Employee, hours: float) -> None:
        t = self.scenario.training
        soft_h = hours * t.soft_skill_share
        tech_h = hours - soft_h
        emp.technical_trained = mech.train_skill(
            emp.technical_innate,
            emp.technical_trained,
            tech_h,
            t.half_life_technical_days,
            t.ongoing_support,
            t.gain_per_100h,
        )
        emp.soft_trained = mech.train_skill(
            emp.soft_innate,
            emp.soft_trained,
            soft_h,
            t.half_life_soft_days,
            t.ongoing_support,
            t.gain_per_100h * t.soft_gain_ratio,
        )

    # ------------------------------------------------------------------ step

    def step(self) -> None:
        """Simulate one business day, phase by phase."""
        on_front, contacts, gate_share = self._morning()
        stats = self._service_day(on_front, contacts, gate_share)
        churned, referrals, paid, acquisition_cost = self._customers(stats)
        training_hours, quits, quits_early = self._employees()
        hires, hiring_cost, onboarding_hours = self._vacancies()
        occupancy = self._firm(on_front)
        costs, revenue = self._ledger(stats, training_hours, onboarding_hours, hiring_cost, acquisition_cost)
        self.rows.append(
            self._record(
                stats,
                churned,
                referrals,
                paid,
                revenue,
                costs,
                quits,
                quits_early,
                hires,
                occupancy,
                training_hours + onboarding_hours,
            )
        )
        for cust in self.customers:
            cust.tenure_days += 1
        for emp in self.frontline + self.back_office:
            emp.tenure_days += 1
        self.day += 1
        self._collect()

    def _collect(self) -> None:
        """The Mesa data collector's row of the day (and the agents' records with ``collect_agents``)."""
        dc = self.datacollector
        if self.collect_agents:
            dc.collect(self)
            return
        # Model reporters only: the same record DataCollector.collect writes, without the agent tables.
        for var, reporter in dc.model_reporters.items():
            dc.model_vars[var].append(reporter(self))  # a number: no copy needed

    def _morning(self) -> tuple[list[Employee], list[tuple[float, Customer, bool]], float]:
        """Reset the day, ramp-up, the rota and today's contacts; returns who is on the frontline, the
        contacts and the share of discretionary decisions re-gated by control drift."""
        s = self.scenario
        rng_emp = self.streams["employees"]
        for emp in self.frontline + self.back_office:
            emp.reset_day()
            emp.productivity = self._productivity(emp)
        on_front = self._rota(self.frontline, rng_emp)
        self._rota(self.back_office, rng_emp)
        contacts = self._draw_contacts()
        gate_share = 0.0
        if self.guidelines and s.scale.control_drift > 0.0 and self.initial_customers > 0 and self.customers:
            growth = math.log(max(len(self.customers), 1) / self.initial_customers)
            gate_share = min(1.0, s.scale.control_drift * max(growth, 0.0))
        self.autonomy = self._autonomy(gate_share)
        return on_front, contacts, gate_share

    def _service_day(
        self, on_front: list[Employee], contacts: list[tuple[float, Customer, bool]], gate_share: float
    ) -> DayStats:
        """The service day in SimPy (the event trace is kept on ``trace_day``)."""
        s = self.scenario
        params = day_params(
            s,
            time_factor=self.time_factor * self.measures_factor,
            gate_share=gate_share,
            relationships=self.relationships,
            competence=self.competence,
            premium=self.premium_charged,
        )
        manager_servers = max(1, round(len(self.managers) * s.managers.availability))
        on_back = [e for e in self.back_office if e.on_duty]
        trace: list | None = [] if self.trace_day == self.day else None
        stats = run_service_day(params, contacts, on_front, on_back, manager_servers, self.streams, trace)
        if trace is not None:
            self.trace = trace
        return stats

    def _customers(self, stats: DayStats) -> tuple[list[int], int, int, float]:
        """Churn, then new customers from the market; returns churned by segment, referrals, paid and
        the acquisition cost of the paid ones."""
        churned = self._churn()
        referrals, paid, cost = self._acquire(stats, sum(churned))
        return churned, referrals, paid, cost

    def _employees(self) -> tuple[float, int, int]:
        """Stress, engagement and training, then quits; returns training hours, quits and early quits."""
        training_hours = self._update_employees()
        quits, quits_early = self._quits()
        return training_hours, quits, quits_early

    def _rota(self, staff: list[Employee], rng: np.random.Generator) -> list[Employee]:
        """Who is on duty today: a random share of the payroll (less shrinkage and coordination time)."""
        n = len(staff)
        if n == 0:
            return []
        s = self.scenario
        share = mech.on_duty_share(
            s.firm.shrinkage, s.service_philosophy.coordination_share, s.service_philosophy.internal_orientation
        )
        k = max(1, round(n * share))
        idx = np.sort(rng.choice(n, size=min(k, n), replace=False))
        chosen = [staff[i] for i in idx]
        for emp in chosen:
            emp.on_duty = True
        return chosen

    def _draw_contacts(self) -> list[tuple[float, Customer, bool]]:
        """Today's contacts: Poisson counts per customer plus repeats, at uniform times.

        Each contact is ``(arrival_min, customer, is_repeat)``; repeats are
        flagged (they earn no revenue) and arrive at independent uniform times.
        """
        rng = self.streams["arrivals"]
        if not self.customers:
            return []
        lam = np.fromiter((c.propensity for c in self.customers), dtype=float, count=len(self.customers))
        fresh = rng.poisson(lam)
        repeats = np.fromiter((c.pending_repeats for c in self.customers), dtype=np.int64, count=len(self.customers))
        counts = fresh + repeats
        for c in self.customers:
            c.pending_repeats = 0
        total = int(counts.sum())
        times = rng.uniform(0.0, self.scenario.firm.open_minutes_per_day, size=total)
        owners = np.repeat(np.arange(len(self.customers)), counts)
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        is_repeat = (np.arange(total) - starts) >= np.repeat(fresh, counts)
        order = np.argsort(times, kind="stable")
        return [(float(times[i]), self.customers[owners[i]], bool(is_repeat[i])) for i in order]

    def churn_probability(self, cust: Customer) -> float:
        """Today's churn probability of a customer: satisfaction and the price against what the
        customer's experience is worth to them."""
        s = self.scenario
        lo, pr = s.loyalty, s.pricing
        gap = mech.overcharge(
            self.premium_charged, cust.satisfaction, pr.wtp_max, pr.wtp_floor_satisfaction, pr.wtp_full_satisfaction
        )
        return mech.churn_probability(
            cust.satisfaction,
            gap,
            cust.sensitivity,
            lo.churn_per_year,
            lo.reference_satisfaction,
            lo.churn_slope,
            lo.price_elasticity,
        )

    def _churn(self) -> list[int]:
        """Churn draws; returns the churned customers by segment."""
        rng = self.streams["churn"]
        u = rng.random(len(self.customers))
        stay = []
        churned = [0, 0, 0]
        for cust, draw in zip(self.customers, u, strict=True):
            if draw < self.churn_probability(cust):
                churned[cust.segment] += 1
                cust.remove()
            else:
                stay.append(cust)
        self.customers = stay
        return churned

    def _acquire(self, stats: DayStats, churned: int) -> tuple[int, int, float]:
        """Referrals and paid acquisition from the market's prospects; returns referrals, paid and their cost.

        Churned customers leave for the market first (most of them lost to competitors); new ones arrive
        with expectations set partly by the firm's reputation.
        """
        s = self.scenario
        lo, mk, mkt, pr, c = s.loyalty, s.marketing, s.market, s.pricing, s.customers
        rng = self.streams["acquisition"]
        promoters = sum(1 for cu in self.customers if cu.satisfaction >= lo.promoter_threshold)
        detractors = sum(1 for cu in self.customers if cu.satisfaction < lo.detractor_threshold)
        conversion = mech.prospect_conversion(
            self.premium_charged,
            self.reputation,
            mech.mean_sensitivity(
                c.opportunist_share,
                c.price_sensitive_share,
                c.sensitivity_regular,
                c.sensitivity_price_sensitive,
                c.sensitivity_opportunist,
            ),
            mkt.conversion_elasticity,
            pr.wtp_max,
            pr.wtp_floor_satisfaction,
            pr.wtp_full_satisfaction,
        )
        pool = self.prospects / max(self.initial_prospects, 1.0)
        rate = mech.referral_rate(
            promoters, detractors, lo.referrals_per_promoter_year, lo.deterrence_per_detractor_year
        )
        referrals = int(rng.poisson(rate * pool * conversion))
        target = self.initial_customers * (1.0 + mk.growth_target_per_year) ** ((self.day + 1) / mech.DAYS_PER_YEAR)
        per_day = self.initial_customers / mech.DAYS_PER_YEAR
        planned = mech.paid_acquisition_rate(
            len(self.customers) + referrals,
            target,
            mk.paid_acquisition_share_per_year * per_day,
            mk.catch_up_days,
            mk.max_paid_share_per_year * per_day,
        )
        yield_ = mech.acquisition_yield(
            self.prospects,
            self.initial_prospects,
            self.reputation,
            lo.reference_satisfaction,
            mkt.cac_reputation_slope,
            conversion,
        )
        paid = int(rng.poisson(planned * yield_))
        referrals, paid = mech.cap_to_prospects(referrals, paid, self.prospects)
        cost_each = mk.acquisition_cost_usd / max(yield_, 1e-9)
        if stats.abusive_claims:
            today = stats.abusive_granted / stats.abusive_claims
            self.abuse_grant_rate = mech.smooth(self.abuse_grant_rate, today, ABUSE_MEMORY_DAYS)
        share = mech.new_opportunist_share(
            c.opportunist_share, s.recovery.generosity, self.abuse_grant_rate, lo.opportunist_attraction
        )
        sat_mean = mech.new_customer_satisfaction_mean(c.initial_satisfaction, self.reputation, mkt.expectation_weight)
        self.acquisition_by_segment = [0.0, 0.0, 0.0]
        for i in range(referrals + paid):
            segment = self._draw_segment(rng, share)
            sat = mech.beta_mean_sd(rng, sat_mean, c.satisfaction_sd)
            self._add_customer(rng, segment, sat, referred=i < referrals)
            if i >= referrals:
                self.acquisition_by_segment[segment] += cost_each
        self.prospects, self.lost = mech.market_update(
            self.prospects, self.lost, churned, referrals + paid, mkt.win_back_share, mkt.memory_days
        )
        return referrals, paid, paid * cost_each

    def _update_employees(self) -> float:
        """Stress (on-duty staff), engagement (with the satisfaction mirror) and training; returns training hours."""
        s = self.scenario
        rng = self.streams["employees"]
        open_min = s.firm.open_minutes_per_day
        hours = s.training.hours_per_year / mech.DAYS_PER_YEAR
        if self.budget_cut:
            hours *= 1.0 - s.budget.training_cut
        orientation = s.service_philosophy.internal_orientation
        for m in self.managers:  # employees come to believe what their manager does, with a lag
            m.belief = mech.smooth(m.belief, self._perceived(m.consistency), s.leadership.belief_lag_days)
        staff = self.frontline + self.back_office
        noise = rng.normal(0.0, s.engagement.noise_sd, size=len(staff))
        timed = mech.monitoring_strain(s.measures.monitoring_strain, s.measures.inside_out)  # the same for all
        for emp, eps in zip(staff, noise, strict=True):
            if emp.on_duty:
                load = mech.overload(emp.busy_min / open_min, s.service.target_occupancy)
                strain = 0.0
                if emp.role == FRONTLINE:  # the frontline decides exceptions and is timed; the back office is neither
                    strain = mech.decision_strain(s.empowerment.decision_strain, self.discretion, self._judgement(emp))
                    strain += timed
                emp.stress = mech.stress_update(
                    emp.stress, load, strain, s.engagement.stress_days, s.people_first.level
                )
                if emp.served:
                    seen = emp.experience_sum / emp.served
                    if emp.role == BACK_OFFICE:
                        # A department that never meets the customer is not lifted by them.
                        seen = orientation * seen + (1.0 - orientation) * 0.5
                    emp.mirror = seen
            target = self._engagement_target(emp, emp.mirror)
            emp.engagement = mech.engagement_update(emp.engagement, target, s.engagement.adjustment_days, float(eps))
            self._train(emp, hours)
        return hours * len(staff)

    def quit_probability(self, emp: Employee, tenure_days: float | None = None) -> float:
        """Today's quit probability of an employee under this scenario (optionally at another tenure)."""
        t = self.scenario.turnover
        return mech.quit_probability(
            emp.engagement,
            emp.tenure_days if tenure_days is None else tenure_days,
            emp.fit,
            emp.stress,
            self.scenario.people_first.level,
            self.pay_factor,
            t.base_quit_per_year,
            t.engagement_slope,
            t.fit_slope,
            t.stress_slope,
            t.people_first_effect,
            t.early_tenure_days,
            t.early_tenure_multiplier,
        )

    def time_to_fill_days(self) -> float:
        """Mean days to fill a vacancy under this scenario's pay and hiring policy."""
        s = self.scenario
        return mech.time_to_fill(
            s.hiring.time_to_fill_days,
            s.pay.premium,
            s.pay.fill_elasticity,
            s.hiring.fit_weight,
            s.hiring.fit_search_share,
        )

    def _quits(self) -> tuple[int, int]:
        """Quit draws; returns all quits and those in the early-tenure window. Each quit opens a vacancy."""
        t = self.scenario.turnover
        rng = self.streams["employees"]
        fill_days = self.time_to_fill_days()
        quits = early = 0
        for role, staff in ((FRONTLINE, self.frontline), (BACK_OFFICE, self.back_office)):
            stay = []
            u = rng.random(len(staff))
            for emp, draw in zip(staff, u, strict=True):
                p = self.quit_probability(emp)
                if draw < p:
                    quits += 1
                    early += int(emp.tenure_days < t.early_tenure_days)
                    emp.manager.reports -= 1
                    emp.remove()
                    due = self.day + float(self.streams["hiring"].gamma(VACANCY_SHAPE, fill_days / VACANCY_SHAPE))
                    self.vacancies.append([role, due])
                else:
                    stay.append(emp)
            if role == FRONTLINE:
                self.frontline = stay
            else:
                self.back_office = stay
        return quits, early

    def _vacancies(self) -> tuple[int, float, float]:
        """Hire into vacancies that are due; returns the hires, their hiring cost and their onboarding
        hours in the guidelines."""
        s = self.scenario
        rng = self.streams["hiring"]
        hires, cost = 0, 0.0
        still_open = []
        planned = {FRONTLINE: self.planned_frontline, BACK_OFFICE: self.planned_back_office}
        staffed = {FRONTLINE: len(self.frontline), BACK_OFFICE: len(self.back_office)}
        freeze = self.budget_cut and s.budget.hiring_freeze
        h = s.hiring
        cost_share = mech.hiring_cost_share(h.replacement_cost_share, h.fit_search_share, h.fit_weight)
        for role, due in self.vacancies:
            # A freeze holds due vacancies open, but never below the minimum staffing share.
            frozen = freeze and staffed[role] >= s.budget.min_staffing_share * planned[role]
            if due <= self.day and not frozen:
                staffed[role] += 1
                self._add_employee(role, rng, 0.0, initial=False)
                hires += 1
                cost += self._annual_pay(role) * cost_share
            else:
                # A freeze pauses recruiting: a frozen vacancy's time to fill stands still (its due day moves on
                # with the calendar), so it still takes the rest of that time once the freeze lifts.
                still_open.append([role, due + 1.0 if frozen else due])
        self.vacancies = still_open
        return hires, cost, hires * s.empowerment.training_hours_per_hire * self.discretion

    def _firm(self, on_front: list[Employee]) -> float:
        """Work pressure, corner cutting and the sticky erosion of the service standard; returns occupancy."""
        er = self.scenario.erosion
        occupancy = (
            sum(e.busy_min for e in on_front) / (len(on_front) * self.scenario.firm.open_minutes_per_day)
            if on_front
            else 0.0
        )
        # The load at the standard's pace: what occupancy would be without today's corner cutting (the
        # measures' cut included).
        demanded = occupancy * self.service_standard / max(self.time_factor * self.measures_factor, 1e-9)
        self.pressure = mech.smooth(self.pressure, demanded / self.scenario.service.target_occupancy, er.pressure_days)
        practice = mech.time_factor(self.service_standard, self.pressure, er.time_elasticity, er.min_time_factor)
        self.service_standard = mech.standard_update(self.service_standard, practice, er.erosion_days, er.recovery_days)
        self.time_factor = mech.time_factor(
            self.service_standard, self.pressure, er.time_elasticity, er.min_time_factor
        )
        self._stocks()
        return occupancy

    def _stocks(self) -> None:
        """The slow stocks: guideline competence, relationships along the chain, the premium charged."""
        s = self.scenario
        consistency = float(np.mean([m.consistency for m in self.managers])) if self.managers else 0.0
        self.competence = mech.competence_update(
            self.competence, self.guidelines, s.empowerment.competence_days, consistency
        )
        self.relationships = mech.smooth(
            self.relationships, s.service_philosophy.internal_orientation, s.service_philosophy.relationship_days
        )
        pr = s.pricing
        self.premium_charged = mech.charged_premium(
            self.premium_charged,
            pr.price_premium,
            self.reputation,
            pr.wtp_max,
            pr.wtp_floor_satisfaction,
            pr.wtp_full_satisfaction,
        )

    def _ledger(
        self,
        stats: DayStats,
        formal_hours: float,
        onboarding_hours: float,
        hiring_cost: float,
        acquisition_cost: float,
    ) -> tuple[dict[str, float], float]:
        """Revenue and the day's costs by category, then the budget rule; returns the costs and revenue."""
        s = self.scenario
        f, t, sp = s.firm, s.training, s.service_philosophy
        per_day = 1.0 / mech.DAYS_PER_YEAR
        pay = 1.0 + s.pay.premium
        wages_front = len(self.frontline) * f.wage_frontline_usd_per_year * pay * per_day
        wages_back = len(self.back_office) * f.wage_back_office_usd_per_year * pay * per_day
        wages_mgr = len(self.managers) * f.wage_manager_usd_per_year * per_day
        hours_per_day = f.open_minutes_per_day / 60.0
        mgr_per_hour = f.wage_manager_usd_per_year * per_day / hours_per_day
        manager_time = min(stats.manager_min / 60.0 * mgr_per_hour, wages_mgr)
        n_staff = len(self.frontline) + len(self.back_office)
        mean_wage_hour = ((wages_front + wages_back) / n_staff / hours_per_day) if n_staff else 0.0
        # Training: formal hours (soft-skill hours cost more), onboarding in the guidelines and ongoing support.
        support_hours = n_staff * t.ongoing_support * t.support_hours_per_year * per_day
        training_hours = formal_hours + onboarding_hours
        soft_hours = formal_hours * t.soft_skill_share
        trainee_time = (training_hours + support_hours) * mean_wage_hour
        direct = t.cost_usd_per_hour * (training_hours + support_hours + soft_hours * (t.soft_cost_ratio - 1.0))
        coordination = sp.coordination_share * sp.internal_orientation * (wages_front + wages_back)
        consistency = float(np.mean([m.consistency for m in self.managers])) if self.managers else 0.0
        coaching = (
            mech.coaching_hours_per_day(consistency, s.leadership.coaching_hours_per_employee_year, n_staff)
            * mgr_per_hour
        )
        penalties = self._compliance(stats.breaches)
        systems = (
            len(self.frontline)
            * per_day
            * (
                s.service.data_access * s.service.data_cost_usd_per_seat_year
                + (1.0 - s.measures.inside_out) * s.measures.outside_in_cost_usd_per_seat_year
            )
        )
        costs = {
            "labour": wages_front + wages_back + wages_mgr - manager_time - trainee_time - coordination,
            "training": trainee_time + direct,
            "hiring": hiring_cost,
            "recovery": stats.recovery_usd,
            "abuse": stats.abuse_usd,
            "compliance": penalties,
            "manager_time": manager_time,
            "coaching": coaching,
            "coordination": coordination,
            "systems": systems,
            "acquisition": acquisition_cost,
            "wellbeing": n_staff * s.people_first.level * s.people_first.wellbeing_usd_per_employee_year * per_day,
            "change": 0.0,  # a change programme comes with a policy switch (numba engine)
            "overhead": f.overhead_usd_per_frontline_day * f.frontline,
        }
        costs["total"] = sum(costs[k] for k in COST_CATEGORIES)
        # Failure demand (repeats of unresolved contacts) costs time but earns nothing.
        price = s.pricing.revenue_per_contact_usd * (1.0 + self.premium_charged)
        self.revenue_by_segment = [n * price for n in stats.served_fresh_by_segment]
        revenue = (stats.served - stats.served_repeats) * price
        self._budget_rule(revenue, revenue - costs["total"])
        return costs, revenue

    def _compliance(self, breaches: int) -> float:
        """Today's penalties: a share of breaches is found, after an exponential lag, and fined under an
        annual cap per provision; sets ``breaches_detected``."""
        co = self.scenario.compliance
        if int(self.day // mech.DAYS_PER_YEAR) != int((self.day - 1) // mech.DAYS_PER_YEAR):
            self.fined_this_year = 0.0  # a new calendar year
        self.undetected += breaches * co.detection_probability
        found = self.undetected * mech.detected_share(co.detection_lag_days)
        self.undetected -= found
        self.breaches_detected = found
        fine = mech.capped_penalty(found * co.breach_penalty_usd, self.fined_this_year, co.annual_cap_usd)
        self.fined_this_year += fine
        return fine

    def _annual_pay(self, role: str) -> float:
        """What the firm pays one employee of a role a year (the market wage times 1 + pay premium)."""
        f = self.scenario.firm
        market = f.wage_frontline_usd_per_year if role == FRONTLINE else f.wage_back_office_usd_per_year
        return market * (1.0 + self.scenario.pay.premium)

    def _budget_rule(self, revenue: float, profit: float) -> None:
        b = self.scenario.budget
        self.revenue_smooth = mech.smooth(self.revenue_smooth, revenue, b.review_days) if self.day else revenue
        self.profit_smooth = mech.smooth(self.profit_smooth, profit, b.review_days) if self.day else profit
        margin = self.profit_smooth / self.revenue_smooth if self.revenue_smooth > 0 else -1.0
        self.budget_cut = bool(b.cost_cutting and margin < b.target_margin)

    def _record(
        self,
        st: DayStats,
        churned: list[int],
        referrals: int,
        paid: int,
        revenue: float,
        costs: dict[str, float],
        quits: int,
        quits_early: int,
        hires: int,
        occupancy: float,
        training_hours: float,
    ) -> dict[str, float]:
        """The day's row of metrics; also moves the reputation toward today's mean satisfaction."""
        lo = self.scenario.loyalty
        n = len(self.customers)
        sat = np.fromiter((c.satisfaction for c in self.customers), dtype=float, count=n)
        segment = np.fromiter((c.segment for c in self.customers), dtype=np.int64, count=n)
        promoters = float((sat >= lo.promoter_threshold).sum())
        detractors = float((sat < lo.detractor_threshold).sum())
        if n:
            self.reputation = mech.smooth(self.reputation, float(sat.mean()), self.scenario.market.reputation_days)
        # Breaches made public hurt the name (compliance.reputation_hit each).
        hit = self.breaches_detected * self.scenario.compliance.reputation_hit
        self.reputation = mech.clip01(self.reputation - hit)
        staff = self.frontline + self.back_office
        eng = np.fromiter((e.engagement for e in staff), dtype=float, count=len(staff))
        row: dict[str, float] = {
            "active_customers": n,
            "churned": sum(churned),
            "new_customers": referrals + paid,
            "referrals": referrals,
            "satisfaction_mean": float(sat.mean()) if n else float("nan"),
            "nps": mech.net_promoter_score(promoters, detractors, n),
            "opportunist_share": float((segment == OPPORTUNIST).sum()) / n if n else 0.0,
            "contacts": st.contacts,
            "repeat_contacts": st.repeat_contacts,
            "served": st.served,
            "abandoned": st.abandoned,
            "revenue": revenue,
            **{f"cost_{k}": costs[k] for k in COST_CATEGORIES},
            "cost_total": costs["total"],
            "profit": revenue - costs["total"],
            "employees": len(staff),
            "frontline": len(self.frontline),
            "quits": quits,
            "quits_early_tenure": quits_early,
            "hires": hires,
            "vacancies": len(self.vacancies),
            "engagement_mean": float(eng.mean()) if len(staff) else float("nan"),
            "engaged_share": float((eng > self.scenario.engagement.engaged_threshold).mean()) if len(staff) else 0.0,
            "stress_mean": float(np.mean([e.stress for e in staff])) if staff else 0.0,
            "occupancy": occupancy,
            "wait_mean_min": float(np.mean(st.waits_min)) if st.waits_min else 0.0,
            "wait_p95_min": percentile(st.waits_min, 95.0),
            "abandon_rate": st.abandoned / st.contacts if st.contacts else 0.0,
            "exceptions": st.exceptions,
            "abusive_claims": st.abusive_claims,
            "escalations": st.escalations,
            "approval_wait_mean_min": float(np.mean(st.approval_waits_min)) if st.approval_waits_min else 0.0,
            "grants": st.grants,
            "breaches": st.breaches,
            "breaches_detected": self.breaches_detected,
            "fulfilments": st.fulfilments,
            "chases": st.chases,
            "recovery_episode_mean_min": float(np.mean(st.episodes_min)) if st.episodes_min else 0.0,
            "first_contact_resolution": st.resolved / st.served if st.served else 0.0,
            "handoffs": st.handoffs,
            "handoff_failures": st.handoff_failures,
            "training_hours": training_hours,
            "service_standard": self.service_standard,
            "budget_cut": float(self.budget_cut),
            "prospects": self.prospects,
            "reputation": self.reputation,
            "belief_mean": float(np.mean([e.manager.belief for e in staff])) if staff else 0.0,
            "competence": self.competence,
            "relationships": self.relationships,
            "premium_charged": self.premium_charged,
        }
        for code, seg in enumerate(SEGMENTS):
            row[f"active_{seg}"] = int((segment == code).sum())
            row[f"churned_{seg}"] = churned[code]
            row[f"revenue_{seg}"] = self.revenue_by_segment[code]
            row[f"contribution_{seg}"] = (
                self.revenue_by_segment[code] - st.granted_usd_by_segment[code] - self.acquisition_by_segment[code]
            )
        return row

    def run(self, days: int) -> None:
        """Advance ``days`` business days."""
        for _ in range(days):
            self.step()


def latest_value(model: FirmModel, name: str) -> float:
    """A model reporter: the latest daily value of the metric ``name`` (NaN before the first step)."""
    return model.rows[-1][name] if model.rows else float("nan")


def _dotted(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword overrides as dotted scenario keys (``people_first__level`` -> ``people_first.level``)."""
    return {key.replace("__", "."): value for key, value in kwargs.items()}


def resolve_scenario(scenario: Scenario | str | Path | None, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """A validated scenario from a Scenario, a shipped scenario's name, a file path or ``None`` (the defaults),
    with dotted ``overrides`` applied.

    Raises:
        ScenarioError: an unknown name (the message lists the shipped ones), a bad file or a bad override.
    """
    ov = dict(overrides or {})
    if isinstance(scenario, Scenario):
        return with_overrides(scenario, ov, name=scenario.name) if ov else scenario
    if scenario is None or scenario == "":
        return load_scenario(None, ov) if ov else Scenario()
    path = Path(scenario)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_scenario(path, ov)
    shipped = {p.stem: p for p in shipped_scenarios()}
    if str(scenario) in shipped:
        return load_scenario(shipped[str(scenario)], ov)
    raise ScenarioError(
        "scenario", problem=f"{scenario!r} is neither a file nor a shipped scenario", allowed=", ".join(sorted(shipped))
    )
