"""The live firm in the browser: Mesa's ``SolaraViz`` over the reference engine, plus a what-if panel.

One business day per step (Step, Play and Reset are SolaraViz's). The components read the model: its daily
rows and ``datacollector`` (:class:`~simulation.engines.mesa_engine.FirmModel`), its agents for the
distributions, and :class:`ClassroomFirm`'s record of who left today for the event feed. The what-if panel
runs the current settings against a baseline on the numba engine (:func:`simulation.studies.compare`, common
random numbers) in a background thread.

Every browser session builds its own model (``solara.use_memo`` inside :func:`Dashboard`): a model made at
module level would be shared by every browser.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import markdown as _markdown
import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz

from simulation import load_scenario
from simulation.classroom.levers import CONTEXT, POLICY, LeverError, lever_values, scenario_names, scenario_path
from simulation.engines.mesa_engine import FirmModel

__all__ = [
    "COMPONENTS",
    "Note",
    "DEFAULT_SCENARIO",
    "DEFAULT_SIZE",
    "SIZES",
    "WHATIF_METRICS",
    "WhatIfPanel",
    "ClassroomFirm",
    "Dashboard",
    "WARM",
    "kpis",
    "model_params",
    "run_whatif",
    "warm_engine",
]

#: Firm sizes on offer: a class-sized firm (a step in a few hundredths of a second) or the scenario's own size.
SIZES: dict[str, dict[str, Any]] = {
    "class firm (1,000 customers)": {
        "customers.initial": 1000,
        "market.size": 4000,
        "firm.frontline": 8,
        "firm.back_office": 2,
        "firm.managers": 1,
    },
    "the scenario's own size": {},
}
DEFAULT_SIZE = next(iter(SIZES))
DEFAULT_SCENARIO = "customer_focused"
#: Set once the numba engine has compiled (or loaded) its kernels: the what-if panel waits for it.
WARM = threading.Event()
FEED_LIMIT = 8


class ClassroomFirm(FirmModel):
    """A :class:`FirmModel` for the classroom: built from keywords (as SolaraViz's Reset does), of a chosen
    size, and recording who left each day for the event feed.

    Args:
        scenario: a shipped scenario's name.
        seed: the run's seed.
        size: a key of :data:`SIZES`.
        **kwargs: dotted lever overrides (``**{"people_first.level": 0.8}``).
    """

    def __init__(self, scenario: str = DEFAULT_SCENARIO, seed: int = 1, size: str = DEFAULT_SIZE, **kwargs: Any):
        if size not in SIZES:
            raise LeverError(f"size = {size!r}: allowed: {', '.join(SIZES)}")
        super().__init__(scenario, seed=int(seed), overrides=SIZES[size], **kwargs)
        self.size = size
        self.scenario_name = scenario
        self.events: list[str] = []

    def step(self) -> None:
        """One business day; afterwards ``events`` lists who left today (a few of them, by name)."""
        customers = {c.unique_id: c for c in self.customers}
        staff = {e.unique_id: e for e in self.frontline + self.back_office}
        super().step()
        # One set of who is still here, built once (a set per customer made this quadratic in the firm's size).
        here_c = {x.unique_id for x in self.customers}
        gone_c = [c for uid, c in customers.items() if uid not in here_c]
        here = {x.unique_id for x in self.frontline + self.back_office}
        gone_e = [e for uid, e in staff.items() if uid not in here]
        segment = ("regular", "price-sensitive", "opportunist")
        events = [
            f"Employee #{e.unique_id} ({e.role.replace('_', ' ')}, engagement {e.engagement:.2f}, "
            f"stress {e.stress:.2f}, {e.tenure_days:.0f} days in the job) quit"
            for e in gone_e
        ]
        events += [
            f"Customer #{c.unique_id} ({segment[c.segment]}, satisfaction {c.satisfaction:.2f}, "
            f"{c.tenure_days} days a customer) left"
            for c in sorted(gone_c, key=lambda c: c.satisfaction)
        ]
        self.events = events


# --------------------------------------------------------------------------- numbers shown


def kpis(model: FirmModel) -> dict[str, float]:
    """The headline numbers of the run so far: day, active customers, NPS, turnover so far, cost, profit."""
    rows = model.rows
    today = rows[-1] if rows else {}
    quits = float(sum(r["quits"] for r in rows))
    staff = [r["employees"] for r in rows] or [len(model.frontline) + len(model.back_office)]
    return {
        "day": float(model.day),
        "active_customers": float(len(model.customers)),
        "nps": float(today.get("nps", float("nan"))),
        "quits_so_far": quits,
        "turnover_so_far": quits / max(float(np.mean(staff)), 1e-9),
        "cost_today": float(today.get("cost_total", float("nan"))),
        "cost_so_far": float(sum(r["cost_total"] for r in rows)),
        "profit_so_far": float(sum(r["profit"] for r in rows)),
    }


def _money(x: float) -> str:
    if x != x:
        return "–"
    sign = "−" if x < 0 else ""
    x = abs(x)
    if x >= 1e6:
        return f"{sign}{x / 1e6:.2f} M USD"
    if x >= 1e3:
        return f"{sign}{x / 1e3:.1f} k USD"
    return f"{sign}{x:.0f} USD"


def _num(x: float, fmt: str = "{:.1f}") -> str:
    return "–" if x != x else fmt.format(x)


def model_params(scenario: str, size: str = DEFAULT_SIZE) -> dict[str, Any]:
    """SolaraViz's ``model_params``: the scenario and size fixed, the seed and every lever a widget that starts
    at the scenario's value."""
    values = lever_values(load_scenario(scenario_path(scenario)))
    params: dict[str, Any] = {"scenario": scenario, "size": size}
    params["seed"] = {"type": "SliderInt", "value": 1, "min": 0, "max": 99, "step": 1, "label": "Seed"}
    for lv in (*POLICY, *CONTEXT):
        v = values[lv.key]
        if lv.kind == "choice":
            params[lv.key] = {"type": "Select", "value": v, "values": list(lv.choices), "label": lv.label}
        elif lv.kind == "flag":
            params[lv.key] = {"type": "Checkbox", "value": bool(v), "label": lv.label}
        else:
            params[lv.key] = {
                "type": "SliderFloat",
                "value": v,
                "min": lv.lo,
                "max": lv.hi,
                "step": lv.step,
                "label": lv.label,
            }
    return params


# --------------------------------------------------------------------------- components


@solara.component
def Note(text: str) -> None:
    """Markdown rendered on the server: ``solara.Markdown`` would fetch KaTeX from a CDN, and the classroom
    runs offline."""
    solara.HTML(tag="div", unsafe_innerHTML=_markdown.markdown(text), classes=["focussim-note"])


@solara.component
def Kpi(label: str, value: str, name: str) -> None:
    with solara.Column(gap="0px", style={"min-width": "118px", "padding": "4px 8px"}):
        solara.Text(label, style={"font-size": "0.8em", "color": "#555"})
        solara.Text(value, classes=[f"kpi-{name}"], style={"font-size": "1.35em", "font-weight": "600"})


def FirmToday(model: FirmModel) -> solara.Element:
    """KPIs, today's queue and approval backlog, and the event feed."""
    k = kpis(model)
    today = model.rows[-1] if model.rows else None
    with solara.Column(gap="6px", style={"padding": "6px"}) as main:
        with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
            Kpi("Day", f"{k['day']:.0f}", "day")
            Kpi("Active customers", f"{k['active_customers']:,.0f}", "customers")
            Kpi("NPS", _num(k["nps"]), "nps")
            Kpi("Staff turnover so far", f"{k['turnover_so_far']:.1%} ({k['quits_so_far']:.0f} quits)", "turnover")
            Kpi("Cost today", _money(k["cost_today"]), "cost")
            Kpi("Cumulative profit", _money(k["profit_so_far"]), "profit")
        # Every KPI in one widget (hidden): one update carries them all, for tests and scripts that read the page.
        state = (
            f"day={k['day']:.0f};nps={_num(k['nps'])};cost={_money(k['cost_today'])};"
            f"profit={_money(k['profit_so_far'])}"
        )
        solara.Text(state, classes=["kpi-state"], style={"display": "none"})
        if today is None:
            solara.Info("Day 0: press Step (one business day) or Play.", dense=True)
        else:
            Note(
                f"**Today's queue**: {today['contacts']:.0f} contacts, {today['served']:.0f} served, "
                f"{today['abandoned']:.0f} gave up waiting; mean wait {today['wait_mean_min']:.1f} min "
                f"(95 % within {today['wait_p95_min']:.1f} min), occupancy {today['occupancy']:.0%}.  \n"
                f"**Approval backlog**: {today['escalations']:.0f} exceptions sent to a manager, "
                f"mean wait for a decision {today['approval_wait_mean_min']:.0f} min; "
                f"{today['grants']:.0f} recoveries granted; {today['vacancies']:.0f} open posts."
            )
            feed = [
                f"{today['quits']:.0f} employees quit, {today['churned']:.0f} customers churned, "
                f"{today['escalations']:.0f} escalations, {today['breaches']:.0f} compliance breaches",
            ]
            events = getattr(model, "events", [])
            feed += events[:FEED_LIMIT]
            if len(events) > FEED_LIMIT:
                feed.append(f"… and {len(events) - FEED_LIMIT} more")
            Note("**What happened today**\n\n" + "\n".join(f"- {line}" for line in feed))
    return main


def _series_figure(df: pd.DataFrame, panels: list[tuple[str, str, Callable[[pd.DataFrame], pd.Series]]]) -> Figure:
    fig = Figure(figsize=(6.0, 1.9 * len(panels)), dpi=80, layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (title, unit, get) in zip(axes, panels, strict=True):
        if len(df):
            ax.plot(np.arange(1, len(df) + 1), get(df).to_numpy(dtype=float), color="#2b6cb0", lw=1.6)
        ax.set_title(title, fontsize=10, loc="left")
        ax.set_ylabel(unit, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("business day", fontsize=8)
    return fig


def _chart(model: FirmModel, panels: list[tuple[str, str, Callable[[pd.DataFrame], pd.Series]]]) -> solara.Element:
    df = model.datacollector.get_model_vars_dataframe()
    return solara.FigureMatplotlib(_series_figure(df, panels), format="png")


def LoyaltyChart(model: FirmModel) -> solara.Element:
    """Loyalty: active customers and NPS, day by day."""
    return _chart(
        model,
        [
            ("Active customers", "customers", lambda d: d["active_customers"]),
            ("Net promoter score", "points", lambda d: d["nps"]),
        ],
    )


def CostChart(model: FirmModel) -> solara.Element:
    """Cost: the day's total cost and the cumulative profit."""
    return _chart(
        model,
        [
            ("Cost per day", "USD/day", lambda d: d["cost_total"]),
            ("Cumulative profit", "USD", lambda d: d["profit"].cumsum()),
        ],
    )


def AttritionChart(model: FirmModel) -> solara.Element:
    """Attrition: cumulative quits and mean engagement."""
    return _chart(
        model,
        [
            ("Quits so far", "employees", lambda d: d["quits"].cumsum()),
            ("Mean engagement", "[0,1]", lambda d: d["engagement_mean"]),
        ],
    )


def Distributions(model: FirmModel) -> solara.Element:
    """Today's distribution of customers' satisfaction and of employees' engagement."""
    sat = np.array([c.satisfaction for c in model.customers], dtype=float)
    eng = np.array([e.engagement for e in model.frontline + model.back_office], dtype=float)
    fig = Figure(figsize=(6.0, 3.8), dpi=80, layout="constrained")
    ax1, ax2 = fig.subplots(2, 1)
    bins = np.linspace(0, 1, 21)
    ax1.hist(sat, bins=bins, color="#2f855a")
    ax1.set_title(f"Customers' satisfaction (n = {len(sat)})", fontsize=10, loc="left")
    ax2.hist(eng, bins=bins, color="#c05621")
    ax2.set_title(f"Employees' engagement (n = {len(eng)})", fontsize=10, loc="left")
    for ax in (ax1, ax2):
        ax.tick_params(labelsize=8)
        ax.set_xlim(0, 1)
    return solara.FigureMatplotlib(fig, format="png")


# --------------------------------------------------------------------------- what if

#: What the what-if panel reports (run-level metrics of simulation.studies.compare).
WHATIF_METRICS: tuple[str, ...] = ("profit", "retention_annual", "nps", "turnover_annual", "cost_total")


def run_whatif(
    current: Any,
    baseline: Any,
    replications: int = 24,
    days: int = 365,
    seed: int = 1,
    warmup_days: int = 365,
    workers: int | None = None,
) -> Any:
    """The current settings against a baseline under common random numbers (numba engine).

    Returns the :class:`simulation.studies.Study` of :func:`simulation.studies.compare` with the baseline
    first, the arms named ``baseline: <name>`` and ``your settings``.
    """
    from simulation.studies import compare

    base = baseline.model_copy(update={"name": f"baseline: {baseline.name}"})
    mine = current.model_copy(update={"name": "your settings"})
    return compare(
        [base, mine],
        days=days,
        replications=replications,
        seed=seed,
        engine="numba",
        warmup_days=warmup_days,
        workers=workers,
        metrics=WHATIF_METRICS,
    )


def warm_engine() -> None:
    """Compile (or load from the cache) the numba kernels with a tiny run, then set :data:`WARM`."""
    from simulation import run

    try:
        tiny = load_scenario(None, {"customers.initial": 50, "firm.frontline": 2, "firm.back_office": 1})
        run(tiny, engine="numba", days=2, replications=1, warmup_days=0, workers=1)
    finally:
        WARM.set()


def _differences_table(diffs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in diffs.to_dict("records"):
        rows.append(
            {
                "metric": r["metric"],
                "baseline": f"{r['baseline_mean']:,.3g}",
                "your settings": f"{r['scenario_mean']:,.3g}",
                "difference (90 % interval)": f"{r['mean']:+,.3g} [{r['lo']:+,.3g}, {r['hi']:+,.3g}]",
            }
        )
    return pd.DataFrame(rows)


@solara.component
def WhatIfPanel(model: FirmModel) -> None:
    """The current settings against a baseline: a few dozen replications on the numba engine."""
    size = getattr(model, "size", DEFAULT_SIZE)
    own = getattr(model, "scenario_name", DEFAULT_SCENARIO)
    baseline, set_baseline = solara.use_state("operations_focused" if own != "operations_focused" else own)
    reps, set_reps = solara.use_state(24)

    def compute() -> Any:
        WARM.wait()
        base = load_scenario(scenario_path(baseline), overrides=SIZES.get(size, {}))
        return run_whatif(model.scenario, base, replications=int(reps), seed=int(model.seed_value))

    task = solara.lab.use_task(compute, dependencies=None, prefer_threaded=True)
    running = bool(task.pending)
    result = task.value if task.finished else None
    error = f"{type(task.exception).__name__}: {task.exception}" if task.error else ""

    with solara.Card("What if: your settings against a baseline, with the uncertainty a single run hides"):
        Note(
            "Runs the settings of the firm on the left (as last Reset) and a baseline "
            f"{reps} times each under common random numbers (numba engine, one year after a one-year "
            "warm-up) and shows the paired differences with 90 % intervals."
        )
        with solara.Row():
            solara.Select("Baseline", value=baseline, values=scenario_names(), on_value=set_baseline)
            solara.SliderInt("Replications", value=reps, min=8, max=60, step=4, on_value=set_reps)
            solara.Button("Run what-if", on_click=lambda: task(), disabled=running, color="primary")
        if not WARM.is_set():
            solara.Info("The Monte Carlo engine is still compiling; a run will start when it is ready.", dense=True)
        if running:
            solara.ProgressLinear(True)
            solara.Text("Simulating…")
        if error:
            solara.Error(error)
        if result is not None:
            diffs = result.tables["differences"]
            solara.DataFrame(_differences_table(diffs), items_per_page=10)
            from simulation import charts

            fig = charts.paired_difference_figure(diffs)
            solara.FigureMatplotlib(fig, format="png", dpi=70)
            per = result.tables["replications"]
            Note(
                "Profit over the year, replication by replication: "
                + _spread(per, "profit")
                + ". One run of the live firm is one draw from spreads like these."
            )


def _spread(per: pd.DataFrame, metric: str) -> str:
    parts = []
    for name, g in per.groupby("scenario", sort=False):
        x = g[metric].to_numpy(dtype=float)
        parts.append(f"{name} {_money(float(np.percentile(x, 5)))} to {_money(float(np.percentile(x, 95)))}")
    return "; ".join(parts) + " (5th to 95th percentile)"


# --------------------------------------------------------------------------- the page

COMPONENTS: list[tuple[Callable[[FirmModel], Any], int]] = [
    (FirmToday, 0),
    (LoyaltyChart, 0),
    (CostChart, 0),
    (AttritionChart, 0),
    (Distributions, 0),
]


@solara.component
def Dashboard(initial: Mapping[str, Any] | None = None) -> None:
    """The live firm: scenario and size select, SolaraViz (controls, levers, charts) and the what-if panel."""
    init = dict(initial or {})
    scenario, set_scenario = solara.use_state(str(init.get("scenario", DEFAULT_SCENARIO)))
    size, set_size = solara.use_state(str(init.get("size", DEFAULT_SIZE)))
    # One model per session and per choice of firm: never at module level. SolaraViz's Reset replaces the
    # value of this reactive, so the what-if panel sees the settings of the latest Reset.
    first = solara.use_memo(lambda: ClassroomFirm(scenario=scenario, seed=1, size=size), [scenario, size])
    model: solara.Reactive[ClassroomFirm] = solara.use_reactive(first)
    params = solara.use_memo(lambda: model_params(scenario, size), [scenario, size])
    with solara.Sidebar():
        with solara.Card("Firm"):
            solara.Select("Scenario", value=scenario, values=scenario_names(), on_value=set_scenario)
            solara.Select("Size", value=size, values=list(SIZES), on_value=set_size)
            solara.Text("Levers below apply on Reset.", style={"font-size": "0.85em"})
    with solara.Column():
        SolaraViz(
            model, components=COMPONENTS, model_params=params, name="focussim: the live firm", play_interval=150
        ).key(f"viz|{scenario}|{size}")
        WhatIfPanel(model.value).key(f"whatif|{scenario}|{size}")
