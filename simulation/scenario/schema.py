"""The scenario schema: every lever and context parameter of the firm model.

A :class:`Scenario` is the validated, complete description of one simulated
firm. Every field has a default (an empty scenario is valid and describes the
baseline firm of ``scenarios/base.yaml``), a unit, an allowed range and a
description of what it models. Key names are shared by YAML files, dotted
``--set`` overrides, result provenance and (later) sweep designs: the dotted
key ``empowerment.discretion_limit_usd`` is the field
``Scenario.empowerment.discretion_limit_usd``.

Units are carried in each field's ``json_schema_extra["unit"]`` and in the
name where practical (``_usd``, ``_min``, ``_days``, ``_per_year``).
"""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "DAYS_PER_YEAR",
    "SEGMENTS",
    "Scenario",
    "field_table",
    "format_value",
]


#: Customer segments, in the order of their codes (0 regular, 1 price-sensitive, 2 opportunist).
SEGMENTS: tuple[str, ...] = ("regular", "price_sensitive", "opportunist")

#: The model's time scale: one step is a business day and the firm is open every day of the year.
DAYS_PER_YEAR = 365.0


def P(default: Any, lo: float | None, hi: float | None, unit: str, doc: str) -> Any:
    """A schema field with a default, an allowed range, a unit and a description."""
    extra = {"unit": unit}
    kwargs: dict[str, Any] = {"description": doc, "json_schema_extra": extra}
    if lo is not None:
        kwargs["ge"] = lo
    if hi is not None:
        kwargs["le"] = hi
    return Field(default, **kwargs)


class Section(BaseModel):
    """A group of related parameters; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class Firm(Section):
    """Headcount plan, working day and fixed costs."""

    frontline: int = P(40, 1, 5000, "employees", "Planned frontline headcount: staff who serve external customers.")
    back_office: int = P(10, 0, 2000, "employees", "Planned back-office headcount: the internal chain that prepares work for the frontline (its internal customers).")
    managers: int = P(4, 1, 500, "managers", "Managers: approve exceptions under approval gating, set the leadership example, supervise employees.")
    open_minutes_per_day: float = P(480.0, 60.0, 1440.0, "min/day", "Length of the service day: customers arrive uniformly over this window (a Poisson process).")
    shrinkage: float = P(0.30, 0.0, 0.9, "share of paid time", "Paid time not available for customers (breaks, meetings, admin, absence); contact-centre planning uses 30-35 %.")
    wage_frontline_usd_per_year: float = P(38000.0, 0.0, 500000.0, "USD/employee/yr", "Local market wage (loaded annual pay) of a frontline employee; the firm pays it times 1 + pay.premium.")
    wage_back_office_usd_per_year: float = P(42000.0, 0.0, 500000.0, "USD/employee/yr", "Local market wage (loaded annual pay) of a back-office employee; the firm pays it times 1 + pay.premium.")
    wage_manager_usd_per_year: float = P(70000.0, 0.0, 1000000.0, "USD/manager/yr", "Loaded annual pay of a manager.")
    overhead_usd_per_frontline_day: float = P(225.0, 0.0, 1e6, "USD/planned frontline employee/day", "Fixed costs (rent, systems, goods handling) that no lever changes, scaled by the planned frontline headcount (9,000 USD/day at the default size).")


class Customers(Section):
    """The customer base: size, segments and behaviour."""

    initial: int = P(5000, 0, 1_000_000, "customers", "Active customers on day 0.")
    opportunist_share: float = P(0.12, 0.0, 1.0, "share of customers", "Share of customers who exploit lenient policy with abusive claims (10-14 % of retail returns are fraudulent or abusive, NRF/Appriss).")
    price_sensitive_share: float = P(0.30, 0.0, 1.0, "share of customers", "Share of customers in the price-sensitive segment (the rest of the non-opportunists are regulars).")
    contacts_per_day: float = P(0.26, 0.0, 10.0, "contacts/customer/day", "Mean service contacts per active customer per business day; sets demand, and with staffing the frontline occupancy (75-85 % is the sustainable target).")
    patience_mean_min: float = P(8.0, 0.1, 100000.0, "min", "Mean patience in the frontline queue (exponential); past it the customer reneges. About 1 min on the phone, longer in person.")
    patience_adaptation: float = P(0.5, 0.0, 5.0, "min of patience per min of expected wait", "How far patience adapts to the waits a customer has learned to expect (Zohar, Mandelbaum & Shimkin 2002).")
    initial_satisfaction: float = P(0.78, 0.0, 1.0, "satisfaction [0,1]", "Mean satisfaction of the initial customers (beta distributed).")
    satisfaction_sd: float = P(0.10, 0.0, 0.45, "satisfaction [0,1]", "Standard deviation of initial satisfaction.")
    sensitivity_regular: float = P(0.3, 0.0, 1.0, "index [0,1]", "Price sensitivity of regular customers.")
    sensitivity_price_sensitive: float = P(1.0, 0.0, 1.0, "index [0,1]", "Price sensitivity of price-sensitive customers.")
    sensitivity_opportunist: float = P(0.6, 0.0, 1.0, "index [0,1]", "Price sensitivity of opportunists.")
    abuser_share: float = P(0.1, 0.0, 1.0, "share of opportunists", "Share of opportunists who are serial abusers: they claim far more often and for more (demand.abuser_claim_share, recovery.abuser_claim_multiplier) and, once they have met the discretion limit, keep their claims just under it.")


class Demand(Section):
    """What customers ask for: problems, complaints, abusive claims, repeats."""

    problem_share: float = P(0.12, 0.0, 1.0, "share of contacts", "Share of contacts by genuine customers that involve a problem (a failed product or service).")
    complaint_share: float = P(0.5, 0.0, 1.0, "share of problems", "Share of problems the customer voices to the frontline, making an exception (about half, Goodman 2005); unvoiced problems hurt without a chance of recovery.")
    opportunist_claim_share: float = P(0.055, 0.0, 1.0, "share of contacts", "Share of an opportunist's contacts that carry an abusive claim (an exception).")
    abuser_claim_share: float = P(0.2, 0.0, 1.0, "share of contacts", "Share of a serial abuser's contacts that carry an abusive claim.")
    repeat_contact_share: float = P(0.5, 0.0, 1.0, "share of unresolved contacts", "Share of unresolved or abandoned contacts that come back the next day (failure demand).")


class Service(Section):
    """The frontline service encounter."""

    handle_time_min: float = P(6.0, 0.1, 120.0, "min", "Mean handle time of a routine contact by a fully productive employee of average skill (3-6 min in contact centres).")
    time_cv: float = P(1.0, 0.05, 3.0, "coefficient of variation", "Variability of handle times (gamma distributed; 1 = exponential).")
    exception_time_min: float = P(6.0, 0.0, 240.0, "min", "Extra frontline time to handle an exception (listen, decide, document).")
    data_access: float = P(0.5, 0.0, 1.0, "index [0,1]", "Frontline access to customer data: 1 cuts handle time by 20 % and raises resolution.")
    data_cost_usd_per_seat_year: float = P(1800.0, 0.0, 100000.0, "USD/frontline employee/yr", "Systems spend per frontline seat at data access 1 (scaled by data_access): CRM and case-history licences run about 1,200-2,000 USD a seat a year.")
    base_resolution: float = P(0.68, 0.0, 1.0, "probability", "Probability an average, fully ramped, moderately engaged employee resolves a contact; first-contact resolution of about 70 % is typical.")
    target_occupancy: float = P(0.85, 0.3, 1.0, "share of available time", "Occupancy above which staff feel pressure, cut corners and build up stress (75-85 % is sustainable; above 85-90 % for long, quality falls and attrition rises).")


class ServicePhilosophy(Section):
    """Customer service as a department, or everyone's job (internal customers)."""

    internal_orientation: float = P(0.3, 0.0, 1.0, "index [0,1]", "How far the internal chain treats colleagues as customers (0 = service is a department, 1 = everyone's job): shortens hand-off delays and failures.")
    handoff_share: float = P(0.12, 0.0, 1.0, "share of contacts", "Share of contacts that need work from the back office before the frontline can resolve them (the bucket brigade).")
    backoffice_time_min: float = P(10.0, 0.1, 240.0, "min", "Mean back-office processing time per hand-off.")
    handoff_delay_min: float = P(4.0, 0.0, 240.0, "min", "Mean transmission delay of a hand-off at zero internal orientation; falls by up to 70 % with orientation.")
    handoff_failure: float = P(0.25, 0.0, 0.95, "probability", "Probability a hand-off fails (rework) at zero internal orientation; falls by up to 80 % with orientation.")
    transfer_penalty: float = P(0.12, 0.0, 1.0, "share of experience", "Experience lost per failed hand-off (a transfer costs about 12 % in satisfaction, SQM).")
    coordination_share: float = P(0.06, 0.0, 0.5, "share of paid time", "Paid time every employee spends on coordination and relationships along the chain at internal orientation 1 (scaled by orientation): it comes off the time available for work, on top of shrinkage (Gittell 2001: relational coordination takes meetings and shared time).")
    knowledge_weight: float = P(0.5, 0.0, 1.0, "share of adequacy", "Share of the fit of a remedy decided on the spot that needs shared knowledge of the rest of the chain: adequacy x (1 - weight x (1 - relationships)) (Gittell 2000: relational coordination makes empowerment work).")
    relationship_days: float = P(270.0, 1.0, 3650.0, "days", "Time constant with which relationships along the chain (the internal orientation hand-offs and fulfilment actually get) follow the policy's internal_orientation: improvement half-lives across functions are longer than 6-12 months (Schneiderman 1988; Sterman, Repenning & Kofman 1997).")


class Empowerment(Section):
    """Manager-approval gating versus guideline empowerment."""

    mode: Literal["approval", "guidelines"] = P("approval", None, None, "mode", "approval: every exception waits for a manager; guidelines: the employee decides on the spot up to the discretion limit, above it escalates.")
    discretion_limit_usd: float = P(100.0, 0.0, 1_000_000.0, "USD/case", "Largest recovery an employee may grant without approval under guidelines (Ritz-Carlton: up to 2,000 USD). Values above every claim act as 'no limit'.")
    autonomy_approval: float = P(0.2, 0.0, 1.0, "index [0,1]", "Felt autonomy of employees under approval gating.")
    autonomy_guidelines: float = P(0.9, 0.0, 1.0, "index [0,1]", "Felt autonomy under guidelines with a generous limit (scaled down for small limits).")
    employee_detection: float = P(0.15, 0.0, 1.0, "probability", "Probability that an employee of middling judgement (0.5) deciding on the spot recognises an abusive claim and refuses it; it scales with the employee's judgement (twice this at judgement 1).")
    overgrant: float = P(0.8, 0.0, 5.0, "share of the grant", "Extra money an employee without judgement gives on the spot: a grant is generosity x claim x (1 + overgrant x (1 - judgement)); judgement comes from soft skill, culture fit and engagement.")
    decision_strain: float = P(1.0, 0.0, 1.0, "stress drive at full discretion and no judgement", "Stress drive of having to decide on the spot without the judgement to do it (role stress, Rizzo, House & Lirtzman 1970): strain = this x discretion x (1 - judgement), added to overload.")
    training_hours_per_hire: float = P(16.0, 0.0, 400.0, "h/hire", "Onboarding in the guidelines (cases, limits) for each hire, at full discretion (scaled by the discretion the guidelines give; none under approval gating): a cost of empowerment, counted as training hours; the judgement to use discretion comes from soft skill, fit and engagement.")
    competence_days: float = P(180.0, 1.0, 3650.0, "days", "Time constant with which guideline competence (judgement in using discretion, built by practice and coaching) follows the policy: toward 1 under guidelines, toward 0 without practice; consistent coaching shortens it (x 1 / (0.5 + consistency)).")
    competence_weight: float = P(0.5, 0.0, 1.0, "share of judgement", "Share of an employee's judgement on the spot that needs guideline competence: judgement x (1 - weight x (1 - competence)).")


class Recovery(Section):
    """Service recovery: claims, grants, returns policy."""

    claim_median_usd: float = P(10.0, 0.0, 100000.0, "USD/claim", "Median value of a genuine claim (log-normal); with the problem and complaint shares it sets recovery spend per customer, about a tenth of the cost of acquiring one at the base firm (acquiring costs 5-25 times keeping, TARP 5-10).")
    claim_sigma: float = P(1.0, 0.0, 3.0, "log-USD", "Log-normal shape of claim values.")
    abusive_claim_median_usd: float = P(17.0, 0.0, 100000.0, "USD/claim", "Median value of an abusive claim (log-normal, same shape): about 1.7 times a genuine one.")
    generosity: float = P(0.7, 0.0, 1.0, "share of claim", "Returns/recovery policy: share of a claim's value granted when it is granted ('we take back anything' = 1).")
    large_claim_usd: float = P(100.0, 0.0, 1_000_000.0, "USD", "Claims above this value are large problems (TARP: loyalty after a large problem is 9/19/54/82 % instead of 37/46/70/95 %).")
    speed_scale_min: float = P(480.0, 0.1, 20000.0, "min", "Length of a recovery episode (from the complaint to the remedy received, business minutes) over which the value of a quick recovery decays as exp(-length/scale) (TARP: resolved quickly keeps 95 % of customers with a small problem, resolved slowly 70 %); a business day.")
    fulfilment_share: float = P(0.5, 0.0, 1.0, "share of granted recoveries", "Share of granted genuine recoveries that the back office must fulfil (a refund posted, a replacement shipped, a record changed); the rest are handed over on the spot.")
    fulfilment_delay_min: float = P(480.0, 0.0, 20000.0, "min", "Mean wait (business minutes, exponential) before the back office picks up a fulfilment at zero internal orientation; up to 70 % shorter with the relationships along the chain (as hand-offs).")
    chase_after_min: float = P(480.0, 1.0, 20000.0, "min", "Time without news after which a customer with an open recovery chases it: one repeat contact per interval (at most 3), failure demand.")
    abuser_claim_multiplier: float = P(4.0, 1.0, 100.0, "ratio", "Serial abusers' claims are this many times an opportunist's (the heavy tail of return abuse: a few abusers take most of the money).")


class Compliance(Section):
    """Regulated domains, where a discretionary decision can breach rules."""

    regulated: bool = P(False, None, None, "flag", "Whether discretionary decisions risk a compliance breach (e.g. healthcare, finance).")
    breach_penalty_usd: float = P(10000.0, 0.0, 2_200_000.0, "USD/breach", "Penalty per breach (HIPAA: about 145 to 73,000 USD per violation).")
    breach_probability: float = P(0.01, 0.0, 1.0, "probability/decision", "Risk scale of one granted decision: its breach probability is this x amount / (amount + reference_limit_usd) x (1.5 - the decider's judgement), so a decider of judgement 0.5 granting reference_limit_usd breaches with half of it; a manager's review takes the better judgement and multiplies by gated_factor.")
    reference_limit_usd: float = P(250.0, 1.0, 1_000_000.0, "USD", "Grant (USD) at which a decision's breach risk is half its size term: larger decisions are riskier.")
    gated_factor: float = P(0.1, 0.0, 1.0, "ratio", "A manager's review multiplies the breach risk of the same decision by this factor (on top of the manager's judgement): an approval never makes a decision riskier.")
    detection_probability: float = P(0.3, 0.0, 1.0, "share of breaches", "Share of breaches that audits, complaints or regulators ever find (most privacy breaches are never reported).")
    detection_lag_days: float = P(365.0, 0.0, 3650.0, "days", "Mean time (exponential) from a breach to its detection and fine (HHS OCR investigations take a year or more).")
    annual_cap_usd: float = P(2_000_000.0, 0.0, 100_000_000.0, "USD/yr", "Cap on the penalties of one provision in one calendar year (HIPAA: about 2.1 M USD per provision a year, 2024); the model's breaches fall under one provision.")
    reputation_hit: float = P(0.02, 0.0, 1.0, "satisfaction [0,1]", "Drop in the firm's reputation (the smoothed satisfaction prospects hear of) for each detected breach made public.")


class Managers(Section):
    """Managers' approval work."""

    approval_time_min: float = P(4.0, 0.1, 240.0, "min/case", "Manager time to review one exception.")
    response_delay_min: float = P(30.0, 0.0, 2880.0, "min", "Mean delay (exponential) before a manager attends to an approval request. Approval is asynchronous: the frontline takes the case and moves on, the manager decides and calls the customer back, so the delay slows the recovery, not the queue.")
    availability: float = P(0.5, 0.05, 1.0, "share of managers", "Share of managers available for approvals at any time (the rest is in meetings, planning, coaching).")
    strictness: float = P(0.2, 0.0, 1.0, "probability", "Probability a manager denies a genuine claim.")
    detection: float = P(0.6, 0.0, 1.0, "probability", "Probability a manager recognises and denies an abusive claim.")
    judgement: float = P(0.8, 0.0, 1.0, "index [0,1]", "A manager's judgement in a regulated decision: an approval takes the better of the manager's and the employee's judgement, which lowers the breach risk of the same case.")


class Leadership(Section):
    """Leaders who walk the talk, or 'do as I say, not as I do'."""

    consistency: float = P(0.5, 0.0, 1.0, "index [0,1]", "How consistently managers model the firm's service values; each manager draws around it. Managers explain at least 70 % of engagement variance (Gallup).")
    consistency_sd: float = P(0.25, 0.0, 0.5, "index [0,1]", "Spread of consistency between managers.")
    integrity_weight: float = P(0.8, 0.0, 1.0, "share per unit of gap", "How much of the leaders' example is lost per unit by which the values they preach (consistency) exceed the discretion employees have (behavioural integrity, Simons 2002): perceived consistency = consistency x (1 - weight x max(consistency - discretion, 0)).")
    coaching_hours_per_employee_year: float = P(40.0, 0.0, 1000.0, "manager h/employee/yr", "Managers' time spent coaching and modelling the values, per employee and year, at consistency 1 (scaled by the managers' mean consistency): about an hour a week one to one; bought as extra managers' hours (Gittell 2001: Southwest's narrow spans of supervision).")
    belief_lag_days: float = P(180.0, 0.0, 3650.0, "days", "Time constant with which employees' belief in their manager's example follows what the manager does: a new message is believed only after months of consistent behaviour (Sterman, Repenning & Kofman 1997; 0 = at once).")


class Hiring(Section):
    """Who is hired: for skill or for culture fit."""

    fit_weight: float = P(0.3, 0.0, 1.0, "weight [0,1]", "Selection weight on culture fit versus technical skill (0 = skill only, 1 = culture fit only).")
    applicants_per_vacancy: int = P(5, 1, 200, "applicants", "Qualified applicants screened per vacancy at the market wage when hiring for skill: the best on the weighted score is hired (pay and hiring for fit change the number).")
    time_to_fill_days: float = P(34.0, 0.0, 365.0, "days", "Mean days from a quit to the new hire's first day at the market wage when hiring for skill (26-42 days, SHRM 2016).")
    replacement_cost_share: float = P(0.18, 0.0, 2.0, "share of annual pay", "Hiring and onboarding cost of one hire when hiring for skill (16-21 % of annual pay, Boushey & Glynn 2012).")
    ramp_days: float = P(91.0, 0.0, 730.0, "days", "Days for a new hire of middling technical skill (0.5) to reach full productivity in scripted work under approval gating (about 13 weeks in contact centres); less skilled hires take longer.")
    ramp_discretion_days: float = P(42.0, 0.0, 730.0, "days", "Extra ramp-up days when the job carries full discretion (scaled by the discretion the guidelines give): simple scripted work is learnt faster.")
    fit_search_share: float = P(0.4, 0.0, 5.0, "share at fit weight 1", "Hiring for fit takes longer searches and costs more (structured interviews, assessments): time to fill and hiring cost times 1 + this x fit_weight.")
    fit_applicant_loss: float = P(0.3, 0.0, 0.9, "share at fit weight 1", "Hiring for fit screens out more of the applicants: qualified applicants per vacancy times 1 - this x fit_weight.")
    hero_share: float = P(0.0, 0.0, 1.0, "share of frontline", "Share of frontline employees who are 'service heroes' (skill and soft skill near the top).")


class Training(Section):
    """Technical versus soft-skill training, and whether it is sustained."""

    hours_per_year: float = P(33.0, 0.0, 400.0, "h/employee/yr", "Formal training per employee (about 33 h, ATD 2016); the time comes out of shrinkage.")
    soft_skill_share: float = P(0.3, 0.0, 1.0, "share of hours", "Share of training hours on soft skills (empathy, relationships); the rest is technical and product knowledge.")
    ongoing_support: float = P(0.3, 0.0, 1.0, "index [0,1]", "Coaching and refreshers that sustain training gains (1 = no decay; 0 = half of a gain lost in 6.5-13 months, Arthur et al. 1998).")
    gain_per_100h: float = P(0.25, 0.0, 1.0, "skill points/100 h", "Skill gain per 100 training hours for an employee at zero skill (diminishing as skill approaches 1).")
    cost_usd_per_hour: float = P(30.0, 0.0, 1000.0, "USD/h", "Direct cost of one technical training hour (trainer, materials), on top of the trainee's paid time.")
    soft_cost_ratio: float = P(1.5, 0.0, 10.0, "ratio", "Direct cost of a soft-skill training hour relative to a technical one (facilitators, role play, small groups).")
    soft_gain_ratio: float = P(0.6, 0.0, 2.0, "ratio", "Skill gained per soft-skill training hour relative to a technical one: scripted technical content is learnt faster.")
    support_hours_per_year: float = P(24.0, 0.0, 400.0, "h/employee/yr", "Coaching and refresher hours per employee and year at ongoing support 1 (scaled by ongoing_support): paid time plus the direct cost per hour (not counted as formal training hours).")
    half_life_soft_days: float = P(198.0, 1.0, 3650.0, "days", "Half-life of soft-skill (accuracy-like) training gains without support (6.5 months).")
    half_life_technical_days: float = P(396.0, 1.0, 3650.0, "days", "Half-life of technical (speed-like) training gains without support (13 months).")


class Pay(Section):
    """Pay relative to the local market wage."""

    premium: float = P(0.0, -0.3, 1.0, "share of market wage", "Pay above (below, if negative) the local market wage, for frontline and back-office staff (Costco paid about 40-72 % more than Sam's Club, Cascio 2006).")
    quit_elasticity: float = P(1.2, 0.0, 10.0, "log-hazard per unit of premium", "Quit hazard times exp(-quit_elasticity x premium): Costco's 17 % against Sam's Club's 44 % turnover at 40-72 % higher pay (Cascio 2006), part of it people first.")
    applicant_elasticity: float = P(1.5, 0.0, 10.0, "elasticity", "Qualified applicants per vacancy times (1 + premium) ** applicant_elasticity: better pay draws a larger pool, so better hires.")
    fill_elasticity: float = P(1.0, 0.0, 10.0, "elasticity", "Time to fill times (1 + premium) ** -fill_elasticity: better pay fills vacancies faster.")


class PeopleFirst(Section):
    """Systems and bottom line first, or people first."""

    level: float = P(0.3, 0.0, 1.0, "index [0,1]", "Investment in employee wellbeing and staffing buffer: lifts engagement, relieves stress, lowers the quit hazard.")
    wellbeing_usd_per_employee_year: float = P(3000.0, 0.0, 100000.0, "USD/employee/yr", "Wellbeing spend per employee at level 1 (scaled by the level).")
    staffing_buffer: float = P(0.10, 0.0, 1.0, "share of frontline", "Extra frontline headcount above plan at level 1 (scaled by the level).")


class Engagement(Section):
    """How engagement forms and moves (behavioural constants)."""

    baseline: float = P(0.24, 0.0, 1.0, "engagement [0,1]", "Target engagement with every driver at zero (the intercept of the engagement target).")
    initial_sd: float = P(0.15, 0.0, 0.5, "engagement [0,1]", "Spread of initial engagement around each employee's steady-state target (Gallup: about 23-30 % of employees are engaged).")
    engaged_threshold: float = P(0.6, 0.0, 1.0, "engagement [0,1]", "Engagement above which an employee counts as engaged.")
    adjustment_days: float = P(60.0, 1.0, 3650.0, "days", "Time constant with which engagement moves toward its target.")
    noise_sd: float = P(0.02, 0.0, 0.2, "engagement/day", "Daily idiosyncratic noise in engagement.")
    weight_autonomy: float = P(0.02, 0.0, 1.0, "weight", "Weight of felt autonomy in target engagement.")
    weight_leadership: float = P(0.35, 0.0, 1.0, "weight", "Weight of the manager's consistency in target engagement (the largest: managers explain most variance).")
    weight_people_first: float = P(0.015, 0.0, 1.0, "weight", "Weight of people-first investment in target engagement.")
    weight_fit: float = P(0.08, 0.0, 1.0, "weight", "Weight of the employee's culture fit in target engagement.")
    weight_mirror: float = P(0.15, 0.0, 1.0, "weight", "Weight of the experience of customers served (the satisfaction mirror: happy customers lift staff).")
    weight_overload: float = P(0.25, 0.0, 1.0, "weight", "Loss of target engagement per unit of stress from sustained overload.")
    stress_days: float = P(20.0, 1.0, 365.0, "days", "Time constant with which stress follows overload.")


class Turnover(Section):
    """Quits."""

    base_quit_per_year: float = P(0.30, 0.0, 5.0, "quits/employee/yr", "Annual quit hazard of a tenured employee at engagement 0.5, average fit, no stress, people-first level 0.")
    engagement_slope: float = P(1.3, 0.0, 20.0, "log-hazard per engagement unit", "How steeply the quit hazard falls with engagement (top vs bottom quartile: 21-51 % lower turnover, Gallup).")
    fit_slope: float = P(1.5, 0.0, 20.0, "log-hazard per fit unit", "How steeply the quit hazard falls with culture fit.")
    stress_slope: float = P(1.0, 0.0, 20.0, "log-hazard per stress unit", "How steeply the quit hazard rises with stress.")
    people_first_effect: float = P(0.4, 0.0, 1.0, "share", "Reduction of the quit hazard at people-first level 1 (pay, wellbeing, schedules).")
    early_tenure_days: float = P(90.0, 0.0, 730.0, "days", "Early-tenure window with a raised hazard (about 43 % of exits happen in the first 90 days).")
    early_tenure_multiplier: float = P(7.0, 1.0, 20.0, "ratio", "Quit hazard multiplier during early tenure.")


class Loyalty(Section):
    """Satisfaction, churn and word of mouth."""

    satisfaction_rate: float = P(0.15, 0.0, 1.0, "share per encounter", "How far one encounter moves satisfaction toward its experience score.")
    problem_rate: float = P(0.3, 0.0, 1.0, "share per problem", "How far a problem moves satisfaction toward its outcome when its episode ends (the TARP outcome: never voiced, voiced and not resolved, resolved, resolved quickly; small or large): a problem weighs about two ordinary encounters (bad is stronger than good, Baumeister et al. 2001).")
    churn_per_year: float = P(0.12, 0.0, 5.0, "churn/customer/yr", "Annual churn hazard at the reference satisfaction when the price is what the customer's experience is worth to them (banks about 10 %, telecom 10-20 %, retail 24 %); a price below that lowers it, above raises it (loyalty.price_elasticity).")
    reference_satisfaction: float = P(0.8, 0.0, 1.0, "satisfaction [0,1]", "Satisfaction at which the churn hazard equals churn_per_year.")
    churn_slope: float = P(6.0, 0.0, 30.0, "log-hazard per satisfaction unit", "How steeply churn falls with satisfaction.")
    price_elasticity: float = P(8.0, 0.0, 50.0, "log-hazard per unit of overcharge", "Churn hazard times exp(price_elasticity x sensitivity x (premium - willingness to pay)) when the price exceeds what the experience is worth to the customer; a bargain lowers it at a rate divided by loss aversion (2.25).")
    promoter_threshold: float = P(0.85, 0.0, 1.0, "satisfaction [0,1]", "Satisfaction at or above which a customer is a promoter (recommend 9-10).")
    detractor_threshold: float = P(0.65, 0.0, 1.0, "satisfaction [0,1]", "Satisfaction below which a customer is a detractor (recommend 0-6).")
    referrals_per_promoter_year: float = P(0.25, 0.0, 10.0, "new customers/promoter/yr", "New customers each promoter brings per year.")
    deterrence_per_detractor_year: float = P(0.25, 0.0, 10.0, "lost prospects/detractor/yr", "Prospective customers each detractor deters per year (subtracted from referrals).")
    opportunist_attraction: float = P(0.5, 0.0, 5.0, "ratio", "How strongly a lenient policy raises the opportunist share of new customers: the share is multiplied by 1 + attraction x generosity x the recent share of abusive claims granted.")


class Pricing(Section):
    """Price, revenue and what an experience is worth to a customer."""

    revenue_per_contact_usd: float = P(17.0, 0.0, 100000.0, "USD/served contact", "Contribution (revenue net of cost of goods) per served contact at the market price.")
    price_premium: float = P(0.0, -0.3, 1.0, "share of market price", "Price premium over competitors, charged on every served first contact; negative is a discount (Southwest, Costco). Where it exceeds what a customer's experience is worth to them (see wtp_max), that customer churns more and rates the encounter lower, and prospects convert less.")
    value_weight: float = P(0.5, 0.0, 5.0, "experience lost per unit of overcharge x sensitivity", "How much paying more than the experience is worth lowers an encounter's experience: 1 - weight x sensitivity x (premium - willingness to pay), when positive.")
    wtp_max: float = P(0.16, 0.0, 1.0, "share of market price", "Willingness to pay above the market price for a great experience (customers say up to 16 %, PwC 2018); none for a poor one.")
    wtp_floor_satisfaction: float = P(0.65, 0.0, 1.0, "satisfaction [0,1]", "Satisfaction at or below which a customer is willing to pay no premium (a detractor's experience is worth nothing extra).")
    wtp_full_satisfaction: float = P(0.9, 0.0, 1.0, "satisfaction [0,1]", "Satisfaction at or above which a customer is willing to pay the full wtp_max (linear in between).")


class Market(Section):
    """A finite market that remembers: prospects, lost customers, reputation."""

    size: int = P(20000, 0, 100_000_000, "people", "Potential customers in the firm's market (customers, prospects and those lost to competitors); the prospects that referrals and marketing can convert are what is left.")
    win_back_share: float = P(0.2, 0.0, 1.0, "share of churned customers", "Share of churned customers who stay within reach (back among the prospects); the rest go to competitors and are lost to the firm until memory_days have passed.")
    memory_days: float = P(1825.0, 1.0, 36500.0, "days", "Time constant with which lost customers drift back among the prospects (they forget, competitors disappoint them).")
    reputation_days: float = P(90.0, 1.0, 3650.0, "days", "Time constant of the firm's reputation: the mean satisfaction of its customers as word of mouth carries it to prospects.")
    cac_reputation_slope: float = P(4.0, 0.0, 30.0, "log-cost per satisfaction unit", "Cost of acquiring a customer times exp(-slope x (reputation - loyalty.reference_satisfaction)): a firm with a good name converts prospects more cheaply.")
    conversion_elasticity: float = P(8.0, 0.0, 50.0, "log-conversion per unit of overcharge", "Referrals and paid conversions times exp(-elasticity x mean sensitivity x (premium - willingness to pay at the reputation)): prospects judge the price by what the firm's customers say its experience is worth (bargains help at a rate divided by loss aversion).")
    expectation_weight: float = P(0.5, 0.0, 1.0, "weight", "How far a new customer's initial satisfaction is set by the firm's reputation instead of customers.initial_satisfaction.")


class Marketing(Section):
    """Paid customer acquisition."""

    paid_acquisition_share_per_year: float = P(0.02, 0.0, 10.0, "new customers/initial customer/yr", "Always-on (brand) marketing: customers bought each year as a share of the initial customer base, whatever the gap to target (Poisson).")
    growth_target_per_year: float = P(0.0, -0.5, 1.0, "share/yr", "Growth of the customer base the firm aims for (0 = hold the initial base); marketing buys the rest of the gap that referrals leave.")
    catch_up_days: float = P(30.0, 1.0, 3650.0, "days", "Marketing buys the gap between the target and the active base at this pace (gap / catch_up_days customers a day).")
    max_paid_share_per_year: float = P(0.5, 0.0, 10.0, "new customers/initial customer/yr", "Marketing budget cap: the spend that buys this share of the initial base per year at the base acquisition cost; a poor reputation or a depleted market buys fewer with it.")
    acquisition_cost_usd: float = P(600.0, 0.0, 100000.0, "USD/new customer", "Cost of acquiring one new customer at the reference reputation (loyalty.reference_satisfaction), in an untouched market, at a price equal to what the reputation says the experience is worth: 5-25x the cost of keeping one. It rises as the prospects run out, as the reputation falls and as the price outruns it.")


class Budget(Section):
    """The operations-focused budget rule."""

    cost_cutting: bool = P(False, None, None, "flag", "Whether the firm cuts training and freezes hiring when trailing profit margin falls short of target.")
    target_margin: float = P(0.10, -1.0, 1.0, "profit/revenue", "Profit margin below which the budget rule cuts.")
    review_days: float = P(30.0, 1.0, 365.0, "days", "Smoothing window of the profit margin the rule watches.")
    training_cut: float = P(0.5, 0.0, 1.0, "share of hours", "Share of training hours cut while the rule binds.")
    hiring_freeze: bool = P(True, None, None, "flag", "Whether due vacancies stay open while the rule binds (down to min_staffing_share of plan).")
    min_staffing_share: float = P(0.85, 0.0, 1.0, "share of planned headcount", "A hiring freeze never lets a role's headcount fall below this share of plan (a lean firm, not a closed one).")


class Erosion(Section):
    """Corner cutting under pressure and the erosion of standards."""

    pressure_days: float = P(14.0, 1.0, 365.0, "days", "Smoothing window over which employees perceive work pressure.")
    time_elasticity: float = P(-0.6, -3.0, 0.0, "elasticity", "Elasticity of time per task to work pressure (about -0.6, Oliva & Sterman 2001).")
    min_time_factor: float = P(0.6, 0.1, 1.0, "ratio", "Floor of the time actually spent per task relative to the original standard (pressure and erosion together): some work cannot be skipped.")
    quality_elasticity: float = P(0.7, 0.0, 3.0, "elasticity", "Elasticity of resolution probability to time spent relative to the standard.")
    erosion_days: float = P(133.0, 1.0, 3650.0, "days", "Time constant with which the service standard erodes toward practice (about 19 weeks).")
    recovery_days: float = P(1095.0, 1.0, 36500.0, "days", "Time constant with which an eroded standard recovers once pressure eases (slow: erosion is sticky).")


class Measures(Section):
    """What the firm manages to: inside-out (handle time, cost per contact) or outside-in (resolution, satisfaction)."""

    inside_out: float = P(0.5, 0.0, 1.0, "index [0,1]", "Weight of inside-out measures (average handle time, cost per contact) in what managers track and reward; the rest is outside-in (first-contact resolution, satisfaction). Managing to handle time adds pressure to cut corners: faster contacts, lower resolution, more failure demand (Seddon 2003).")
    corner_cut: float = P(0.10, 0.0, 0.5, "share of time", "Time per contact cut at inside_out 1: the time factor is multiplied by 1 - corner_cut x inside_out (resolution falls with it through erosion.quality_elasticity).")
    monitoring_strain: float = P(0.1, 0.0, 1.0, "stress drive at inside_out 1", "Stress drive of being managed to handle time, felt by the frontline: strain = this x inside_out, added to overload and decision strain (call-centre monitoring and quantity targets raise exhaustion and quits: Holman, Chissick & Totterdell 2002; Deery, Iverson & Walsh 2002).")
    outside_in_cost_usd_per_seat_year: float = P(250.0, 0.0, 100000.0, "USD/frontline employee/yr", "Cost of measuring outside-in (customer surveys, resolution tracking, case reviews) per frontline seat at inside_out 0 (scaled by 1 - inside_out), booked as systems spend.")


class Change(Section):
    """The up-front programme of a policy switch (training days, fees, lost capacity)."""

    programme_days: float = P(3.0, 0.0, 60.0, "days/employee", "Training days per employee for a full change of course (scaled by the size of the change: the moves in discretion, internal orientation, leadership consistency and soft-skill share, capped at 1); spread over window_days, off the floor.")
    programme_usd_per_employee: float = P(1500.0, 0.0, 100000.0, "USD/employee", "Fees, facilitators and materials of a full change programme per employee (scaled as programme_days), booked on the switch day.")
    window_days: float = P(90.0, 1.0, 730.0, "days", "Days over which the programme's training days are taken after the switch.")


class Scale(Section):
    """A growing firm drifts toward control."""

    control_drift: float = P(0.0, 0.0, 1.0, "share per log-growth", "Share of guideline decisions re-gated to approval per unit of log growth of the customer base.")


class Scenario(BaseModel):
    """A complete, validated firm scenario.

    Every field has a default, so ``Scenario()`` is the baseline firm.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    name: str = Field("base", description="Short name used in result tables.", max_length=80)
    description: str = Field("", description="One line saying what the scenario represents.", max_length=400)
    firm: Firm = Firm()
    customers: Customers = Customers()
    demand: Demand = Demand()
    service: Service = Service()
    service_philosophy: ServicePhilosophy = ServicePhilosophy()
    empowerment: Empowerment = Empowerment()
    recovery: Recovery = Recovery()
    compliance: Compliance = Compliance()
    managers: Managers = Managers()
    leadership: Leadership = Leadership()
    hiring: Hiring = Hiring()
    training: Training = Training()
    pay: Pay = Pay()
    people_first: PeopleFirst = PeopleFirst()
    engagement: Engagement = Engagement()
    turnover: Turnover = Turnover()
    loyalty: Loyalty = Loyalty()
    pricing: Pricing = Pricing()
    market: Market = Market()
    marketing: Marketing = Marketing()
    budget: Budget = Budget()
    erosion: Erosion = Erosion()
    measures: Measures = Measures()
    change: Change = Change()
    scale: Scale = Scale()

    @model_validator(mode="after")
    def _cross_field(self) -> Scenario:
        """Checks that involve more than one field (one place, as in Ciw)."""
        c = self.customers
        if c.opportunist_share + c.price_sensitive_share > 1.0 + 1e-12:
            raise ValueError(
                "customers.opportunist_share + customers.price_sensitive_share = "
                f"{c.opportunist_share + c.price_sensitive_share:g}; allowed: at most 1"
            )
        lo = self.loyalty
        if lo.detractor_threshold > lo.promoter_threshold:
            raise ValueError(
                f"loyalty.detractor_threshold = {lo.detractor_threshold:g} exceeds "
                f"loyalty.promoter_threshold = {lo.promoter_threshold:g}; allowed: detractor <= promoter"
            )
        pr = self.pricing
        if pr.wtp_floor_satisfaction >= pr.wtp_full_satisfaction:
            raise ValueError(
                f"pricing.wtp_floor_satisfaction = {pr.wtp_floor_satisfaction:g} is not below "
                f"pricing.wtp_full_satisfaction = {pr.wtp_full_satisfaction:g}; allowed: floor < full"
            )
        if self.market.size < c.initial:
            raise ValueError(
                f"market.size = {self.market.size} is smaller than customers.initial = {c.initial}; "
                "allowed: a market at least as large as the initial customer base"
            )
        return self

    def flat(self) -> dict[str, Any]:
        """The resolved parameters as ``{"section.key": value}`` (name and description excluded)."""
        out: dict[str, Any] = {}
        for section, values in self.model_dump().items():
            if isinstance(values, dict):
                for key, value in values.items():
                    out[f"{section}.{key}"] = value
        return out


def format_value(value: Any) -> str:
    """A compact, exact rendering of a default or a bound (``10,000``, ``0.25``, ``true``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return repr(value) if isinstance(value, float) else str(value)


def _range_text(annotation: Any, lo: Any, hi: Any) -> str:
    """The allowed values: the choices of a mode or a flag, or an interval."""
    if typing.get_origin(annotation) is typing.Literal:
        return ", ".join(str(choice) for choice in typing.get_args(annotation))
    if annotation is bool:
        return "true, false"
    if lo is not None and hi is not None:
        return f"[{format_value(lo)}, {format_value(hi)}]"
    if lo is not None:
        return f"≥ {format_value(lo)}"
    if hi is not None:
        return f"≤ {format_value(hi)}"
    return "any"


def field_table() -> list[dict[str, Any]]:
    """Every parameter: dotted key, default, unit, allowed range and description.

    Each row has ``key``, ``default``, ``unit``, ``min``, ``max``, ``range``
    (the allowed values as text) and ``description``. Used by the docs (ODD
    parameter table), ``focussim params`` and tests.
    """
    rows = []
    for section_name, section_field in Scenario.model_fields.items():
        section_type = section_field.annotation
        if not (isinstance(section_type, type) and issubclass(section_type, Section)):
            continue
        for key, f in section_type.model_fields.items():
            lo = hi = None
            for m in f.metadata:
                lo = getattr(m, "ge", lo)
                hi = getattr(m, "le", hi)
            extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            rows.append(
                {
                    "key": f"{section_name}.{key}",
                    "default": f.default,
                    "unit": extra.get("unit", ""),
                    "min": lo,
                    "max": hi,
                    "range": _range_text(f.annotation, lo, hi),
                    "description": f.description or "",
                }
            )
    return rows
