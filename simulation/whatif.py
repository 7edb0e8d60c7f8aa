"""What-if studies for consultants: a client's firm today against one to four proposals.

A *spec* (YAML) names the client's baseline (a scenario file plus the client's own numbers: headcount,
wages, customers, demand, margin, and any other scenario key), one to four proposals (sets of lever changes)
and, optionally, the KPIs the client observes today (staff turnover, customer churn, NPS, first-contact
resolution)::

    client: Acme Opticians
    baseline:
      scenario: ../operations_focused.yaml      # relative to the spec's folder
      headcount: {frontline: 30, back_office: 8, managers: 3}
      wages: {frontline_usd_per_year: 36000}
      customers: 4000
      demand: {contacts_per_day: 0.28}
      margin: {revenue_per_contact_usd: 18}
      overrides: {budget.cost_cutting: false}   # any other scenario key
    proposals:
      - name: Empower the frontline
        levers: {empowerment.mode: guidelines, empowerment.discretion_limit_usd: 100}
    observed: {turnover: 0.42, churn: 0.18, nps: 12, first_contact_resolution: 0.66}
    run: {days: 730, replications: 20, seed: 2026, switch_day: 60}

:func:`load_spec` validates it (every problem is one :class:`~simulation.errors.ScenarioError` line naming
the spec file, the key, the value and what is allowed, as for a scenario file) and builds the validated
scenarios before anything runs. :func:`run_whatif` runs, all on the numba engine under common random numbers
(replication ``r`` of every arm draws from the streams of ``(seed, r)``):

* :func:`simulation.studies.compare` of the baseline and every proposal, each warmed up under its own
  policies: where each policy leads (paired differences with 90 % intervals);
* :func:`simulation.studies.transition` from the baseline to each proposal on ``switch_day``: the J-curve of
  cumulative profit against staying put, and the distribution of the break-even day;
* small :func:`simulation.studies.sweep` s of the baseline and the headline proposal over the share of
  opportunists, compliance penalties (in a regulated domain) and the share of price-sensitive customers:
  how the headline answer moves with them (the risks).

The result (:class:`WhatIf`) holds every table the deck (:mod:`simulation.deck`) shows, and the one
sentence of its executive summary (:meth:`WhatIf.summary_sentence`), so a test can check the deck against
the tables it came from.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simulation.api import STRUCTURAL_KEYS
from simulation.errors import ScenarioError
from simulation.results import run_unit
from simulation.scenario.loader import load_scenario, parse_yaml, read_yaml_text, with_overrides
from simulation.scenario.schema import Scenario
from simulation.studies import Study, compare, mean_interval, study_provenance, sweep, transition

__all__ = [
    "KPIS",
    "QUICK",
    "RISKS",
    "SPEC_KEYS",
    "KpiSpec",
    "RunOptions",
    "Spec",
    "WhatIf",
    "fmt_diff",
    "fmt_metric",
    "fmt_number",
    "load_spec",
    "run_whatif",
]

MAX_PROPOSALS = 4
#: A miss of the model against an observed KPI above this share of the observed value is flagged.
MISS_TOLERANCE = 0.20

#: The client's own numbers: spec key (under ``baseline``) -> scenario key.
SPEC_KEYS: dict[str, str] = {
    "headcount.frontline": "firm.frontline",
    "headcount.back_office": "firm.back_office",
    "headcount.managers": "firm.managers",
    "wages.frontline_usd_per_year": "firm.wage_frontline_usd_per_year",
    "wages.back_office_usd_per_year": "firm.wage_back_office_usd_per_year",
    "wages.manager_usd_per_year": "firm.wage_manager_usd_per_year",
    "customers": "customers.initial",
    "demand.contacts_per_day": "customers.contacts_per_day",
    "demand.problem_share": "demand.problem_share",
    "margin.revenue_per_contact_usd": "pricing.revenue_per_contact_usd",
    "margin.price_premium": "pricing.price_premium",
}

#: Observed KPIs: spec key -> (run-level metric the model reports, label, unit shown).
KPIS: dict[str, tuple[str, str]] = {
    "turnover": ("turnover_annual", "Staff turnover"),
    "churn": ("churn_rate_annual", "Customer churn"),
    "nps": ("nps", "Net promoter score"),
    "first_contact_resolution": ("first_contact_resolution", "First-contact resolution"),
}

#: The risks: (label, scenario key, levels, extra overrides on both arms, kind of level: share or usd).
RISKS: tuple[tuple[str, str, tuple[Any, ...], dict[str, Any], str], ...] = (
    ("Opportunistic customers", "customers.opportunist_share", (0.05, 0.15, 0.30), {}, "share"),
    (
        "Compliance penalties (regulated)",
        "compliance.breach_penalty_usd",
        (0.0, 25_000.0, 100_000.0),
        {"compliance.regulated": True},
        "usd",
    ),
    ("Price-sensitive customers", "customers.price_sensitive_share", (0.10, 0.30, 0.50), {}, "share"),
)

#: ``--quick``: a tiny firm and a short run (a smoke test of the deck, not a finding).
QUICK: dict[str, Any] = {
    "firm": {"customers.initial": 400, "firm.frontline": 5, "firm.back_office": 1, "firm.managers": 1},
    "run": {"days": 60, "replications": 4, "warmup_days": 30, "switch_day": 10},
}

#: Metrics of each proposal's table of differences, in order.
PROPOSAL_METRICS: tuple[str, ...] = (
    "profit",
    "revenue",
    "cost_total",
    "retention_annual",
    "nps",
    "turnover_annual",
    "engagement_mean",
    "first_contact_resolution",
)


# --------------------------------------------------------------------------- the spec


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


Name = Annotated[str, Field(min_length=1, max_length=40)]


class Headcount(_Strict):
    frontline: int | None = None
    back_office: int | None = None
    managers: int | None = None


class Wages(_Strict):
    frontline_usd_per_year: float | None = None
    back_office_usd_per_year: float | None = None
    manager_usd_per_year: float | None = None


class Demand(_Strict):
    contacts_per_day: float | None = None
    problem_share: float | None = None


class Margin(_Strict):
    revenue_per_contact_usd: float | None = None
    price_premium: float | None = None


class Baseline(_Strict):
    scenario: str = Field(min_length=1, description="a scenario YAML file, relative to the spec's folder")
    name: Name = "today"
    headcount: Headcount = Headcount()
    wages: Wages = Wages()
    customers: int | None = None
    demand: Demand = Demand()
    margin: Margin = Margin()
    overrides: dict[str, Any] = Field(default_factory=dict, description="a mapping of section.key: value")


class Proposal(_Strict):
    name: Name
    description: str = Field("", max_length=200)
    levers: dict[str, Any] = Field(min_length=1, description="a mapping of section.key: value (at least one)")


class KpiSpec(_Strict):
    turnover: float | None = Field(None, ge=0, le=5, description="staff quits per employee and year, 0 to 5")
    churn: float | None = Field(None, ge=0, le=1, description="customers lost per customer and year, 0 to 1")
    nps: float | None = Field(None, ge=-100, le=100, description="net promoter score, -100 to 100")
    first_contact_resolution: float | None = Field(
        None, ge=0, le=1, description="share of contacts resolved at the first contact, 0 to 1"
    )


class RunOptions(_Strict):
    days: int = Field(730, ge=1, le=3650, description="business days after the warm-up, 1 to 3650")
    replications: int = Field(20, ge=2, le=1000, description="replications per arm, 2 to 1000")
    seed: int = Field(2026, ge=0, description="a whole number of at least 0")
    warmup_days: int = Field(365, ge=0, le=3650, description="business days of warm-up, 0 to 3650")
    switch_day: int = Field(60, ge=0, description="the day the firm switches policy, counted after the warm-up")


class Spec(_Strict):
    """A what-if spec (see the module docstring)."""

    client: str = Field(min_length=1, max_length=60, description="the client's name, 1 to 60 characters")
    title: str = Field("", max_length=90)
    baseline: Baseline
    proposals: list[Proposal] = Field(min_length=1, max_length=MAX_PROPOSALS, description="1 to 4 proposals")
    observed: KpiSpec = KpiSpec()
    run: RunOptions = RunOptions()

    @field_validator("proposals")
    @classmethod
    def _distinct(cls, v: list[Proposal]) -> list[Proposal]:
        names = [p.name for p in v]
        if len(set(names)) != len(names):
            raise ValueError(f"proposal names repeat ({', '.join(names)})")
        return v


def _inner_model(ann: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``Headcount``, ``list[Proposal]``), if any."""
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in typing.get_args(ann):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(loc: tuple[Any, ...]) -> tuple[type[BaseModel] | None, Any]:
    """The model that holds the field at ``loc`` and that field's FieldInfo (None when not a field)."""
    model: type[BaseModel] | None = Spec
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return model, None
        info = model.model_fields[part]
        model = _inner_model(info.annotation)
    return model, info


def _allowed(loc: tuple[Any, ...]) -> str:
    """What the spec accepts at ``loc``, in words."""
    owner, info = _model_at(loc)
    if info is None:
        keys = list(getattr(owner, "model_fields", {})) if owner is not None else []
        return "the keys " + ", ".join(keys) if keys else "a key of the spec"
    if info.description:
        return str(info.description)
    ann = info.annotation
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "a mapping of " + ", ".join(ann.model_fields)
    args = set(typing.get_args(ann)) - {type(None)}
    if ann is str or args == {str}:
        limit = next((getattr(m, "max_length", None) for m in info.metadata if getattr(m, "max_length", None)), None)
        return f"text of at most {limit} characters" if limit else "text"
    if int in args or ann is int:
        return "a whole number"
    if float in args or ann is float:
        return "a number"
    return "a value the spec accepts"


def _spec_error(exc: ValidationError, source: str, lines: Mapping[tuple[str, ...], int]) -> ScenarioError:
    """One line from pydantic's first error (and how many more there were)."""
    # An unknown key first: a misspelt key also makes the key it meant "missing".
    errors = sorted(exc.errors(include_url=False), key=lambda e: e.get("type") != "extra_forbidden")
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    err = errors[0]
    loc = tuple(err.get("loc", ()))
    dotted = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    line = lines.get(tuple(str(p) for p in loc))
    where = f" (line {line})" if line else ""
    value = err.get("input")
    if err.get("type") == "extra_forbidden":
        return ScenarioError(source, dotted, value, allowed=_allowed(loc) + more, problem=f"unknown key{where}")
    if err.get("type") == "missing":
        return ScenarioError(source, dotted, allowed=_allowed(loc) + more, problem="missing")
    msg = " ".join(str(err.get("msg", "invalid value")).split()).removeprefix("Value error, ")
    problem = msg[:1].lower() + msg[1:] + where
    shown = None if isinstance(value, Mapping) else value
    return ScenarioError(source, dotted, shown, allowed=_allowed(loc) + more, problem=problem)


def _flatten(prefix: str, data: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{prefix}.{k}" if prefix else k: v for k, v in data.items()}


@dataclass
class LoadedSpec:
    """A validated spec and its validated scenarios (nothing has run yet)."""

    spec: Spec
    source: str
    spec_hash: str
    baseline: Scenario
    proposals: list[Scenario]
    client_overrides: dict[str, Any]
    options: RunOptions
    quick: bool = False
    #: What ``--quick`` set on top of the client's numbers (the tiny firm).
    quick_overrides: dict[str, Any] = field(default_factory=dict)
    #: Per proposal: (scenario key, today's value, the proposal's value) for every key the proposal changes.
    changes: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=dict)


def _check_switch_day(options: RunOptions, source: str) -> None:
    if options.switch_day >= options.days:
        raise ScenarioError(
            source,
            "run.switch_day",
            options.switch_day,
            problem=f"not before the end of the {options.days}-day horizon",
            allowed=f"a day from 0 to {options.days - 1}",
        )


def load_spec(path: str | Path, quick: bool = False, **run_overrides: int | None) -> LoadedSpec:
    """Read and validate a spec and build its scenarios; nothing runs.

    Args:
        path: the spec YAML file.
        quick: a tiny firm and a short run (:data:`QUICK`), for smoke tests; explicit ``run_overrides`` win.
        run_overrides: ``days``, ``replications``, ``seed``, ``warmup_days``, ``switch_day`` (None: the spec's).

    Raises:
        ScenarioError: one line naming the spec (or the scenario file at fault), the key, the value and what
            is allowed.
    """
    p = Path(path)
    source = str(path)
    text = read_yaml_text(p, source)
    lines: dict[tuple[str, ...], int] = {}
    data = parse_yaml(text, source, lines)
    if not isinstance(data, dict):
        raise ScenarioError(source, problem="the top level is not a mapping", allowed="client, baseline, proposals...")
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise _spec_error(exc, source, lines) from None

    # Run options: the spec's (checked as written), then --quick's, then explicit flags.
    _check_switch_day(spec.run, source)
    opts = spec.run.model_dump()
    if quick:
        opts.update(QUICK["run"])
    opts.update({k: v for k, v in run_overrides.items() if v is not None})
    try:
        options = RunOptions.model_validate(opts)
    except ValidationError as exc:
        err = _spec_error(exc, source, {})
        if run_overrides.get(err.key) is not None:  # a command-line option
            raise ScenarioError(f"--{err.key.replace('_', '-')}", "", None, err.allowed, err.problem) from None
        raise ScenarioError(source, f"run.{err.key}", err.value, allowed=err.allowed, problem=err.problem) from None
    _check_switch_day(options, source)

    # The baseline: the scenario file, the client's numbers, the other overrides (and --quick's tiny firm).
    b = spec.baseline
    scenario_path = (p.parent / b.scenario).resolve()
    if not scenario_path.is_file():
        raise ScenarioError(
            source,
            "baseline.scenario",
            b.scenario,
            problem=f"file not found ({p.parent / b.scenario})",
            allowed="a scenario YAML file, relative to the spec's folder",
        )
    client: dict[str, Any] = {}
    groups = b.model_dump(include={"headcount", "wages", "demand", "margin"})
    given = {**{f"{g}.{k}": v for g, sub in groups.items() for k, v in sub.items()}, "customers": b.customers}
    for spec_key, value in given.items():
        if value is not None:
            client[SPEC_KEYS[spec_key]] = value
    client.update(b.overrides)
    base_file = load_scenario(scenario_path)
    reverse = {v: k for k, v in SPEC_KEYS.items()}

    def build(overrides: dict[str, Any]) -> Scenario:
        overrides = dict(overrides)
        if "customers.initial" in overrides and "market.size" not in b.overrides:
            # The market keeps the scenario's size relative to the customer base.
            ratio = base_file.market.size / max(base_file.customers.initial, 1)
            initial = overrides["customers.initial"]
            if isinstance(initial, int) and not isinstance(initial, bool):
                overrides["market.size"] = max(int(round(ratio * initial)), initial)
        try:
            return load_scenario(scenario_path, overrides, override_source=f"{source}: baseline")
        except ScenarioError as exc:
            if exc.source == f"{source}: baseline":  # name the key as the spec spells it
                key = reverse.get(exc.key, f"overrides.{exc.key}" if exc.key else "")
                shown = f"baseline.{key}" if key else "baseline"
                raise ScenarioError(source, shown, exc.value, exc.allowed, exc.problem) from None
            raise

    baseline = build(client)  # the client's numbers are checked as given, also under --quick
    if quick:
        client.update(QUICK["firm"])
        baseline = build(client)
    if "customers.initial" in client and "market.size" not in b.overrides:
        client["market.size"] = baseline.market.size
    baseline = with_overrides(baseline, {}, name=b.name)
    if b.name in {pr.name for pr in spec.proposals}:
        raise ScenarioError(
            source, "baseline.name", b.name, problem="the name of a proposal too", allowed="a distinct name"
        )

    proposals: list[Scenario] = []
    changes: dict[str, list[tuple[str, Any, Any]]] = {}
    for i, pr in enumerate(spec.proposals):
        where = f"proposals[{i}].levers"
        for key in pr.levers:
            if key.strip() in STRUCTURAL_KEYS:
                raise ScenarioError(
                    source,
                    f"{where}.{key}",
                    pr.levers[key],
                    problem="the firm's structure, not a lever (a switch keeps it)",
                    allowed=f"any scenario key but {', '.join(STRUCTURAL_KEYS)}",
                )
        try:
            scen = with_overrides(baseline, pr.levers, source=f"{source}: {where}", name=pr.name)
        except ScenarioError as exc:
            raise ScenarioError(source, f"{where}.{exc.key}", exc.value, exc.allowed, exc.problem) from None
        before, after = baseline.flat(), scen.flat()
        changes[pr.name] = [(k, before[k], after[k]) for k in after if after[k] != before[k] and k != "name"]
        if not changes[pr.name]:
            raise ScenarioError(
                source, where, problem="changes nothing", allowed="at least one value that differs from the baseline"
            )
        proposals.append(scen)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    quick_overrides = dict(QUICK["firm"]) if quick else {}
    return LoadedSpec(spec, source, digest, baseline, proposals, client, options, quick, quick_overrides, changes)


# --------------------------------------------------------------------------- formatting


def _usd(v: float, signed: bool) -> str:
    sign = ("+" if v > 0 else "−" if v < 0 else "") if signed else ("−" if v < 0 else "")
    a = abs(v)
    if a >= 1e6:
        text = f"{a / 1e6:.2f} M"
    elif a >= 1e4:
        text = f"{a / 1e3:.0f} k"
    elif a >= 1e3:
        text = f"{a / 1e3:.1f} k"
    else:
        text = f"{a:.0f}"
    return sign + text


def fmt_number(metric: str, value: float, signed: bool = False) -> tuple[str, str]:
    """``value`` of ``metric`` as (number, unit) text: USD in k/M, shares in % (differences in points); a value
    that rounds to zero has no sign."""
    num, unit = _fmt_number(metric, value, signed)
    if not any(ch in "123456789" for ch in num):
        num = num.lstrip("+−")
    return num, unit


def _fmt_number(metric: str, value: float, signed: bool) -> tuple[str, str]:
    unit = run_unit(metric)
    if value is None or not math.isfinite(float(value)):
        return "n/a", ""
    v = float(value)
    if unit.startswith("USD") and "contact" not in unit:
        return _usd(v, signed), "USD"
    sign = "+" if signed and v > 0 else ""
    minus = "−" if v < 0 else ""
    a = abs(v)
    if unit.startswith("USD"):
        return f"{sign}{minus}{a:.2f}", "USD"
    if unit.startswith("share"):
        return f"{sign}{minus}{100 * a:.1f}", "pts" if signed else "%"
    if unit.startswith("NPS"):
        return f"{sign}{minus}{a:.0f}", "points"
    return f"{sign}{minus}{a:.3f}", ""


def fmt_metric(metric: str, value: float, signed: bool = False) -> str:
    """``value`` of ``metric`` as text with its unit (``195 k USD``, ``88.5 %``, ``+4.0 pts``)."""
    num, unit = fmt_number(metric, value, signed)
    return f"{num} {unit}".strip()


def fmt_diff(metric: str, mean: float, lo: float, hi: float) -> str:
    """A paired difference and its interval: ``+195 k USD [+148 k, +241 k]``."""
    m, unit = fmt_number(metric, mean, True)
    a, _ = fmt_number(metric, lo, True)
    b, _ = fmt_number(metric, hi, True)
    return f"{m} {unit} [{a}, {b}]".replace("  ", " ")


def fmt_value(key: str, value: Any) -> str:
    """A scenario value for a table of lever changes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# --------------------------------------------------------------------------- the run


Progress = Callable[[int, int], None]


@dataclass
class WhatIf:
    """Everything the deck shows, and where it came from."""

    loaded: LoadedSpec
    compare: Study
    transitions: dict[str, Study]
    kpis: pd.DataFrame
    risks: pd.DataFrame
    headline: str
    provenance: dict[str, Any]

    @property
    def options(self) -> RunOptions:
        return self.loaded.options

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.loaded.proposals]

    @property
    def differences(self) -> pd.DataFrame:
        return self.compare.tables["differences"]

    def difference(self, proposal: str, metric: str) -> pd.Series:
        """The row of the table of paired differences for ``proposal`` and ``metric``."""
        d = self.differences
        return d[(d["scenario"] == proposal) & (d["metric"] == metric)].iloc[0]

    def transition_summary(self, proposal: str) -> pd.Series:
        return self.transitions[proposal].tables["summary"].iloc[0]

    def summary_sentence(self) -> str:
        """The executive summary in one sentence: the headline proposal's profit difference with its interval,
        its retention and turnover differences, and how long the switch takes to pay back."""
        o = self.options
        best = self.headline
        p = self.difference(best, "profit")
        r = self.difference(best, "retention_annual")
        t = self.difference(best, "turnover_annual")
        n = len(self.names)
        horizon = f"over {o.days} business days"
        profit = fmt_diff("profit", p["mean"], p["lo"], p["hi"])
        today = self.loaded.baseline.name
        who = f"“{best}”, the best of {n} proposals," if n > 1 else f"“{best}”"
        if p["lo"] > 0:
            lead = f"{who} earns {profit} more profit than {today} {horizon}"
        elif p["hi"] < 0:
            lead = (
                f"None of the {n} proposals pays: the least costly, “{best}”, changes profit by {profit} "
                f"against {today} {horizon}"
                if n > 1
                else f"“{best}” does not pay: it changes profit by {profit} against {today} {horizon}"
            )
        else:
            lead = f"{who} changes profit by {profit} against {today} {horizon}, an interval that spans zero"
        s = self.transition_summary(best)
        be = float(s["breakeven_day_median"])
        payback = (
            f"switching on day {o.switch_day} breaks even on day {be:.0f} (median)"
            if math.isfinite(be)
            else f"switching on day {o.switch_day} does not break even within the horizon "
            f"in {100 * float(s['share_never']):.0f} % of replications"
        )
        return (
            f"{lead} (90 % interval, {int(p['n'])} paired replications), with retention "
            f"{fmt_diff('retention_annual', r['mean'], r['lo'], r['hi'])} and staff turnover "
            f"{fmt_diff('turnover_annual', t['mean'], t['lo'], t['hi'])} a year; {payback}."
        )


def _kpi_table(per_rep: pd.DataFrame, baseline: str, observed: KpiSpec) -> pd.DataFrame:
    base = per_rep[per_rep["scenario"] == baseline]
    rows = []
    for key, (metric, label) in KPIS.items():
        x = base[metric].to_numpy(dtype=float)
        obs = getattr(observed, key)
        model = float(np.mean(x))
        miss = math.nan
        if obs is not None:
            miss = abs(model - obs) / abs(obs) if obs != 0 else (0.0 if model == 0 else math.inf)
        rows.append(
            {
                "kpi": key,
                "metric": metric,
                "label": label,
                "unit": run_unit(metric),
                "observed": math.nan if obs is None else float(obs),
                "model_mean": model,
                "model_p5": float(np.quantile(x, 0.05)),
                "model_p95": float(np.quantile(x, 0.95)),
                "miss": miss,
                "flagged": bool(obs is not None and miss > MISS_TOLERANCE),
            }
        )
    return pd.DataFrame(rows)


def _risk_table(
    loaded: LoadedSpec, proposal: Scenario, progress: Callable[[str], None] | None, workers: int | None
) -> pd.DataFrame:
    """Per risk and level: the headline proposal minus the baseline in profit and retention (paired)."""
    o = loaded.options
    rows = []
    for label, key, levels, extra, shown in RISKS:
        if progress is not None:
            progress(f"risk: {label.lower()}")
        runs = []
        for arm in (loaded.baseline, proposal):
            scen = with_overrides(arm, extra, source="risks") if extra else arm
            st = sweep(
                scen,
                {key: list(levels)},
                days=o.days,
                replications=o.replications,
                seed=o.seed,
                warmup_days=o.warmup_days,
                workers=workers,
            )
            runs.append(st.tables["sweep"].set_index(["point", "replication"]))
        a, b = runs
        for point, level in enumerate(levels):
            text = f"{100 * level:.0f} % of customers" if shown == "share" else f"{level:,.0f} USD per breach"
            short = f"{100 * level:.0f} %" if shown == "share" else f"{level / 1000:,.0f} k USD"
            row: dict[str, Any] = {"risk": label, "key": key, "value": level, "level": text, "short": short}
            for metric in ("profit", "retention_annual", "turnover_annual"):
                d = (b.xs(point)[metric] - a.xs(point)[metric]).to_numpy(dtype=float)  # paired by replication
                mi = mean_interval(d)
                row.update({metric: mi["mean"], f"{metric}_lo": mi["lo"], f"{metric}_hi": mi["hi"]})
            rows.append(row)
    return pd.DataFrame(rows)


def run_whatif(loaded: LoadedSpec, workers: int | None = None, progress: Callable[[str], None] | None = None) -> WhatIf:
    """Run the what-if study of a loaded spec (numba engine, common random numbers; see the module docstring).

    ``progress(label)`` is called before each step.
    """
    o = loaded.options
    started = _dt.datetime.now(_dt.UTC)
    say = progress or (lambda _label: None)
    say("baseline and proposals")
    cmp = compare(
        [loaded.baseline, *loaded.proposals],
        days=o.days,
        replications=o.replications,
        seed=o.seed,
        engine="numba",
        workers=workers,
        warmup_days=o.warmup_days,
    )
    transitions = {}
    for scen in loaded.proposals:
        say(f"switch to {scen.name}")
        transitions[scen.name] = transition(
            loaded.baseline,
            scen,
            o.switch_day,
            days=o.days,
            replications=o.replications,
            seed=o.seed,
            workers=workers,
            warmup_days=o.warmup_days,
        )
    d = cmp.tables["differences"]
    profit = d[d["metric"] == "profit"].set_index("scenario")["mean"]
    headline = str(profit.idxmax())
    best = next(s for s in loaded.proposals if s.name == headline)
    risks = _risk_table(loaded, best, say, workers)
    kpis = _kpi_table(cmp.tables["replications"], loaded.baseline.name, loaded.spec.observed)
    provenance = study_provenance(
        [loaded.baseline, *loaded.proposals], o.days, o.replications, o.seed, started, o.warmup_days
    )
    provenance.update(
        {
            "spec": loaded.source,
            "spec_hash": loaded.spec_hash,
            "engine": "numba",
            "switch_day": o.switch_day,
            "quick": loaded.quick,
            "client_overrides": loaded.client_overrides,
        }
    )
    return WhatIf(loaded, cmp, transitions, kpis, risks, headline, provenance)
