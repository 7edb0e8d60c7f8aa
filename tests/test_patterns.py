"""The patterns model.md says the model must show, each checked on the numba engine.

Every test names its claim. Arms run under common random numbers (the same master seed, so replication
``r`` of every arm draws from the same streams) and a claim about a difference is checked on the paired
per-replication differences: the mean must clear zero by ``T`` standard errors (Student's t at 99.5 %
one-sided for the replications used), so a test fails when the model stops showing the pattern, not by
chance. The firm is the default size (the patterns are about the calibrated firm) and every run starts after
the default warm-up (simulation.api.DEFAULT_WARMUP_DAYS); the horizon is one year, or two where the pattern
takes time to develop (the erosion spiral). The M/M/c pattern is checked
in tests/test_queueing.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation.scenario.loader import load_scenario, with_overrides
from simulation.studies import compare, transition

pytestmark = pytest.mark.slow

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
REPS = 12
SEED = 20261123
#: Standard errors a mean paired difference must clear: one-sided 99.5 % t with REPS - 1 degrees of freedom.
T = float(stats.t.ppf(0.995, REPS - 1))


def scenario(stem: str, name: str | None = None, **overrides: object):
    return with_overrides(load_scenario(SCENARIOS / f"{stem}.yaml"), overrides, name=name or stem)


def per_rep(arms, days: int = 365, replications: int = REPS) -> pd.DataFrame:
    """Run-level values, one row per replication, columns (arm name, metric)."""
    study = compare(arms, days=days, replications=replications, seed=SEED, workers=2)
    table = study.tables["replications"]
    return table.pivot(index="replication", columns="scenario")


def clears_zero(d: np.ndarray | pd.Series, sign: int, what: str) -> None:
    """``d`` (paired differences) has mean of ``sign`` at least T standard errors from zero."""
    d = np.asarray(d, dtype=float)
    mean, se = d.mean(), d.std(ddof=1) / math.sqrt(len(d))
    t = T if len(d) == REPS else float(stats.t.ppf(0.995, len(d) - 1))
    assert sign * mean > t * se, f"{what}: mean {mean:.4g}, standard error {se:.3g}, need {'>' if sign > 0 else '<'} 0"


def test_customer_focused_keeps_customers_and_staff_at_a_higher_training_and_recovery_cost():
    """Claim: at default settings the customer-focused firm beats the operations-focused one on retention and
    employee attrition, and pays more for training and recovery."""
    ops, cust = scenario("operations_focused"), scenario("customer_focused")
    t = per_rep([ops, cust])

    def diff(metric: str) -> pd.Series:
        return t[(metric, "customer_focused")] - t[(metric, "operations_focused")]

    clears_zero(diff("retention_annual"), +1, "retention, customer minus operations")
    clears_zero(diff("turnover_annual"), -1, "turnover, customer minus operations")
    clears_zero(diff("cost_training"), +1, "training cost, customer minus operations")
    clears_zero(diff("cost_recovery"), +1, "recovery cost, customer minus operations")


def test_switching_to_customer_focus_is_worse_before_better_and_takes_months():
    """Claim (Rahmandad & Ton 2020; Schneiderman 1988; Sterman, Repenning & Kofman 1997): after switching from
    operations- to customer-focused from steady state, cumulative profit first falls behind staying put (the
    programme, pay, training and overgranting while guideline competence is low cost at once), and culture
    changes over quarters, not weeks: employees' belief in the managers' example and the engaged share take
    more than 90 days to cover half of their move, and the price premium is raised only as the reputation earns
    it. (The payback itself is beyond the two-year horizon at the default economics: docs/ODD.md 8.2.)"""
    study = transition(
        scenario("operations_focused"), scenario("customer_focused"), at_day=0, days=730, replications=REPS, seed=SEED
    )
    jc = study.tables["jcurve"]
    clears_zero(jc.groupby("replication")["delta_cumulative_profit"].min(), -1, "deepest cumulative-profit gap")
    daily = study.tables["daily"]
    switched = daily[~daily["scenario"].str.startswith("stay")]

    def half_days(column: str) -> pd.Series:
        def one(g: pd.DataFrame) -> float:
            g = g.sort_values("day")
            before = g[column].iloc[0]
            after = g[g["day"] > g["day"].max() - 90][column].mean()
            moved = (g[column] - before) / (after - before)
            return float(g.loc[moved >= 0.5, "day"].iloc[0])

        return switched.groupby("replication").apply(one, include_groups=False)

    for column in ("belief_mean", "engaged_share"):
        clears_zero(half_days(column) - 90.0, +1, f"days for {column} to cover half its move, minus 90")
    month = switched[switched["day"] == 30].set_index("replication")["premium_charged"]
    target = scenario("customer_focused").pricing.price_premium
    clears_zero(month - target, -1, "premium charged a month after the switch minus the policy's premium")


def test_opportunists_with_no_limit_erode_the_customer_focused_advantage():
    """Claim: with many opportunists (half the customers) and an unlimited discretion limit, the customer-focused
    firm's profit advantage shrinks (customer-compelled is not customer-focused)."""
    arms = []
    for share in (0.12, 0.50):
        arms.append(scenario("operations_focused", f"ops {share}", **{"customers.opportunist_share": share}))
        arms.append(
            scenario(
                "customer_focused",
                f"no limit {share}",
                **{
                    "customers.opportunist_share": share,
                    "empowerment.discretion_limit_usd": 1e6,
                    "recovery.generosity": 1.0,
                },
            )
        )
    # Two years (a lenient policy attracts more opportunists as it goes) and 24 replications: at 50 % opportunists
    # the operations-focused firm suffers too, and the difference of differences is noisy.
    runs = per_rep(arms, days=730, replications=24)
    t = runs["profit"]
    advantage_few = t["no limit 0.12"] - t["ops 0.12"]
    advantage_many = t["no limit 0.5"] - t["ops 0.5"]
    clears_zero(advantage_many - advantage_few, -1, "change of the profit advantage from 12 % to 50 % opportunists")
    abuse = runs["cost_abuse"]
    clears_zero(abuse["no limit 0.5"] - abuse["ops 0.5"], +1, "abuse cost, unlimited discretion minus gating")


def test_regulated_domain_with_high_penalties_favours_gating_or_bounded_guidelines():
    """Claim: in a regulated domain with high penalties, approval gating or bounded guidelines beat wide discretion,
    and regulation is what costs wide discretion: its profit against gating is lower with regulation than without
    (empowerment must match accountability). Since the second version of the model, wide discretion does not beat
    gating in this scenario even without regulation (a middling judge overgrants and misfits remedies, docs/ODD.md
    8.2), so the control is the difference in differences, not the unregulated comparison alone."""
    high = {"compliance.breach_penalty_usd": 200_000.0}
    arms = [
        scenario("healthcare_compliance", "approval", **high, **{"empowerment.mode": "approval"}),
        scenario("healthcare_compliance", "bounded", **high),  # the scenario's 25 USD guideline bound
        scenario("healthcare_compliance", "wide", **high, **{"empowerment.discretion_limit_usd": 1e6}),
        scenario(
            "healthcare_compliance",
            "approval, unregulated",
            **high,
            **{"empowerment.mode": "approval", "compliance.regulated": False},
        ),
        scenario(
            "healthcare_compliance",
            "wide, unregulated",
            **high,
            **{"empowerment.discretion_limit_usd": 1e6, "compliance.regulated": False},
        ),
    ]
    t = per_rep(arms)["profit"]
    best_bounded = np.maximum(t["approval"], t["bounded"])
    clears_zero(best_bounded - t["wide"], +1, "profit, best of gating and bounded guidelines minus wide discretion")
    clears_zero(
        (t["wide"] - t["approval"]) - (t["wide, unregulated"] - t["approval, unregulated"]),
        -1,
        "profit of wide discretion against gating, regulated minus unregulated",
    )


def test_a_weak_internal_chain_caps_what_empowerment_achieves():
    """Claim: a weak internal chain caps what frontline empowerment can achieve: an empowered frontline with a weak
    chain keeps customers less satisfied and earns less than the same empowered frontline with a strong chain (the
    bucket brigade). The empowerment *gain* itself is larger with a strong chain (the complements test). Since
    the second version a strong chain takes coordination time off the frontline too, so its first-contact
    resolution gain (about +0.4 points) is within the noise and no longer part of the claim (ODD pattern 4)."""
    empowered = {"empowerment.mode": "guidelines", "empowerment.discretion_limit_usd": 200.0}
    weak = scenario("base", "weak chain", **empowered, **{"service_philosophy.internal_orientation": 0.05})
    strong = scenario("base", "strong chain", **empowered, **{"service_philosophy.internal_orientation": 0.9})
    t = per_rep([weak, strong])
    for metric in ("satisfaction_mean", "profit"):
        clears_zero(t[(metric, "strong chain")] - t[(metric, "weak chain")], +1, f"{metric}, strong minus weak chain")


def test_service_heroes_in_a_weak_network_do_worse_than_a_consistent_network():
    """Claim: a few service heroes (10 % of the frontline) in a weak internal chain do worse than a consistent
    network without heroes (the default chain)."""
    heroes, network = scenario("service_heroes"), scenario("base", "consistent network")
    t = per_rep([heroes, network])
    for metric in ("profit", "retention_annual", "satisfaction_mean"):
        clears_zero(
            t[(metric, "consistent network")] - t[(metric, "service_heroes")], +1, f"{metric}, network minus heroes"
        )


def test_cost_cutting_under_pressure_starts_an_erosion_spiral():
    """Claim: cutting training and staff when profit falls short starts a quality-erosion spiral: the service
    standard erodes and keeps eroding, first-contact resolution and retention fall below the same firm without the
    budget rule, and the gap widens from the first year to the second.

    The spiral starts when the rule does: both arms warm up without it (the default warm-up), then one adopts it on
    day 1 (a policy switch on day 0). Warming up under the rule would start the spiral during the warm-up."""
    from simulation import run

    cutting = scenario("cost_cutting")
    steady = scenario("cost_cutting", "no cutting", **{"budget.cost_cutting": False})
    common = dict(days=730, replications=REPS, seed=SEED, workers=2, engine="numba")
    arms = {
        "no cutting": run(steady, **common),
        "cost_cutting": run(with_overrides(steady, {}, name="cost_cutting"), switch=(cutting, 0), **common),
    }

    def at(day: int, arm: str, metric: str) -> pd.Series:
        daily = arms[arm].daily
        return daily[daily["day"] == day].set_index("replication")[metric]

    gap_1 = at(364, "no cutting", "service_standard") - at(364, "cost_cutting", "service_standard")
    gap_2 = at(729, "no cutting", "service_standard") - at(729, "cost_cutting", "service_standard")
    clears_zero(gap_1, +1, "service standard gap after one year")
    clears_zero(gap_2 - gap_1, +1, "widening of the service standard gap in the second year")
    clears_zero(
        at(729, "cost_cutting", "service_standard") - at(364, "cost_cutting", "service_standard"),
        -1,
        "the cutting firm's standard, year 2 minus year 1",
    )
    t = {arm: res.per_replication().set_index("replication") for arm, res in arms.items()}
    for metric in ("first_contact_resolution", "retention_annual"):
        clears_zero(t["no cutting"][metric] - t["cost_cutting"][metric], +1, f"{metric}, no cutting minus cutting")


def test_eroded_standards_stay_low_after_the_pressure_eases():
    """Claim: erosion is sticky (Oliva & Sterman 2001): when the cost-cutting firm drops its budget rule after a year,
    its service standard a year later is still below that of the same firm that never cut, and the firm has won
    back less than half of the gap it had built."""
    from simulation import run

    cutting = scenario("cost_cutting")
    steady = scenario("cost_cutting", "no cutting", **{"budget.cost_cutting": False})
    common = dict(days=730, replications=REPS, seed=SEED, workers=2, engine="numba")
    never = run(steady, **common).daily
    eased = run(cutting, switch=(steady, 365), **common).daily

    def standard(daily: pd.DataFrame, day: int) -> pd.Series:
        return daily[daily["day"] == day].set_index("replication")["service_standard"]

    gap_at_switch = standard(never, 364) - standard(eased, 364)
    gap_a_year_on = standard(never, 729) - standard(eased, 729)
    regained = standard(eased, 729) - standard(eased, 364)
    clears_zero(gap_at_switch, +1, "standard gap when the rule is dropped")
    clears_zero(gap_a_year_on, +1, "standard gap a year after the rule is dropped")
    clears_zero(0.5 * gap_at_switch - regained, +1, "half the gap at the switch minus what the firm regained in a year")


# --------------------------------------------------------------------------
# The economics of the two roads (second version of the model)
# --------------------------------------------------------------------------


def test_a_premium_must_be_earned():
    """Claim: a mediocre experience cannot carry a premium, a great one can (PwC 2018: customers pay up to 16 % more
    for a great experience, nothing more for a poor one): over two years the operations-focused firm earns less with
    a 16 % premium than without, and the customer-focused firm earns more with 8 % than with none."""
    arms = [
        scenario("operations_focused", "ops 0", **{"pricing.price_premium": 0.0}),
        scenario("operations_focused", "ops 16", **{"pricing.price_premium": 0.16}),
        scenario("customer_focused", "cust 0", **{"pricing.price_premium": 0.0}),
        scenario("customer_focused", "cust 8", **{"pricing.price_premium": 0.08}),
    ]
    t = per_rep(arms, days=730)["profit"]
    clears_zero(t["ops 16"] - t["ops 0"], -1, "operations-focused profit, 16 % premium minus none")
    clears_zero(t["cust 8"] - t["cust 0"], +1, "customer-focused profit, 8 % premium minus none")


def test_two_peaks_consistent_corners_beat_mixed_ones():
    """Claim (Rahmandad & Ton 2020; Bowen & Lawler 1992): the profit landscape has two peaks. Both consistent corners
    (the operations levers with approval gating; the customer levers with the customer-focused firm's guidelines)
    earn more over two years than both mixed corners (the same guidelines on the operations levers; approval gating
    on the customer levers): discretion pays only with the judgement, fit and engagement the customer levers build,
    and those levers pay only when employees may use them."""
    guidelines = {"empowerment.mode": "guidelines", "empowerment.discretion_limit_usd": 200.0}
    arms = [
        scenario("operations_focused", "ops, approval"),
        scenario("customer_focused", "customer, guidelines"),
        scenario("operations_focused", "ops, guidelines", **guidelines),
        scenario("customer_focused", "customer, approval", **{"empowerment.mode": "approval"}),
    ]
    t = per_rep(arms, days=730)["profit"]
    for consistent in ("ops, approval", "customer, guidelines"):
        for mixed in ("ops, guidelines", "customer, approval"):
            clears_zero(t[consistent] - t[mixed], +1, f"profit, {consistent} minus {mixed}")


def test_paying_above_market_lowers_turnover_and_raises_labour_cost():
    """Claim: paying 40 % above the market wage (Costco against Sam's Club, Cascio 2006) lowers employee turnover and
    raises the labour cost."""
    arms = [scenario("base", "market pay"), scenario("base", "pay +40 %", **{"pay.premium": 0.4})]
    t = per_rep(arms, days=730)  # two years: quits of a 50-person payroll are few and noisy
    clears_zero(
        t[("turnover_annual", "pay +40 %")] - t[("turnover_annual", "market pay")], -1, "turnover, +40 % minus market"
    )
    clears_zero(
        t[("cost_labour", "pay +40 %")] - t[("cost_labour", "market pay")], +1, "labour cost, +40 % minus market"
    )


def test_failure_demand_is_higher_in_the_operations_focused_firm():
    """Claim (Seddon 2003): a large share of the contacts a command-and-control service centre handles are caused by
    its earlier failures; the operations-focused firm's failure demand (repeats of unresolved, denied or abandoned
    contacts, as a share of all contacts) is higher than the customer-focused firm's."""
    t = per_rep([scenario("operations_focused"), scenario("customer_focused")])
    clears_zero(
        t[("failure_demand_share", "customer_focused")] - t[("failure_demand_share", "operations_focused")],
        -1,
        "failure demand share, customer minus operations",
    )


# --------------------------------------------------------------------------
# Dynamics and risk (issue 12)
# --------------------------------------------------------------------------


def test_a_slow_manager_costs_customers_but_not_the_firm():
    """Claim: approval is asynchronous, so a manager who answers in four hours instead of five minutes slows every
    recovery (TARP: resolved quickly keeps more customers) and loses customers, without blocking the frontline: the
    operations-focused firm stays profitable with either."""
    arms = [
        scenario("operations_focused", "5 min", **{"managers.response_delay_min": 5.0}),
        scenario("operations_focused", "4 h", **{"managers.response_delay_min": 240.0}),
    ]
    t = per_rep(arms, days=730, replications=24)
    clears_zero(
        t[("churned", "4 h")] - t[("churned", "5 min")], +1, "customers churned, 4-hour minus 5-minute response"
    )
    for arm in ("5 min", "4 h"):
        clears_zero(t[("profit", arm)], +1, f"two-year profit with a {arm} response")


def test_in_a_regulated_domain_gating_breaches_no_more_than_a_small_guideline():
    """Claim (accountability): breach risk is per decision and an approval never raises it (tested on the mechanism
    in tests/test_mechanisms.py), so in the regulated scenario approval gating breaches less than a 10 USD guideline,
    whose small grants are decided on the spot by employees of middling judgement."""
    arms = [
        scenario("healthcare_compliance", "gating", **{"empowerment.mode": "approval"}),
        scenario(
            "healthcare_compliance",
            "10 USD guideline",
            **{"empowerment.mode": "guidelines", "empowerment.discretion_limit_usd": 10.0},
        ),
    ]
    t = per_rep(arms, days=730)
    clears_zero(
        t[("breaches", "10 USD guideline")] - t[("breaches", "gating")], +1, "breaches, 10 USD guideline minus gating"
    )


def test_guidelines_and_a_strong_internal_chain_are_complements():
    """Claim (Gittell 2000; issue 12): the profit gain of guidelines over approval gating is larger with a strong
    internal chain (orientation 0.9) than with a weak one (0.1): an empowered frontline's remedies fit only as
    well as it knows what the rest of the chain can do, and are received only as fast as the back office fulfils
    them. (At the base firm's middling judgement guidelines lose against gating either way: two peaks.)"""
    arms = []
    for orientation in (0.1, 0.9):
        chain = {"service_philosophy.internal_orientation": orientation}
        arms.append(scenario("base", f"approval {orientation}", **chain))
        arms.append(scenario("base", f"guidelines {orientation}", **chain, **{"empowerment.mode": "guidelines"}))
    # 64 replications: the difference of differences is noisy (a standard deviation of about 275-320 k USD per
    # replication against a mean of about 130-175 k), so 24 or 36 replications cannot tell it from zero at 99.5 %.
    t = per_rep(arms, days=730, replications=64)["profit"]
    gain_weak = t["guidelines 0.1"] - t["approval 0.1"]
    gain_strong = t["guidelines 0.9"] - t["approval 0.9"]
    clears_zero(gain_strong - gain_weak, +1, "profit gain of guidelines over gating, strong minus weak chain")
