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

import io
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import markdown as _markdown
import numpy as np
import pandas as pd
import solara
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation
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


# --------------------------------------------------------------------------- charts
#
# A chart is drawn on one matplotlib figure per browser session and model (``solara.use_memo``): after a step
# only the new days are read from the DataCollector's lists and appended to the lines (running totals are
# carried, not recomputed), and the same figure is drawn again, once, with fixed margins (no layout pass) and
# tick labels kept short so that the margins always fit them. Rebuilding each figure, its layout and the
# whole history every step cost about 80 ms a chart.


class ShortTicks(ticker.Formatter):
    """Tick labels of at most about six characters: ``950``, ``12.5k``, ``-1.2M``, ``0.65``."""

    def format_ticks(self, values: Any) -> list[str]:
        vals = [float(v) for v in values]
        top = max((abs(v) for v in vals), default=0.0)
        scale, suffix = (1e6, "M") if top >= 1e6 else (1e3, "k") if top >= 1e4 else (1.0, "")
        scaled = [v / scale for v in vals]
        # The fewest decimals that show every tick exactly (ticks are round numbers: at most 3 needed).
        digits = next((d for d in range(4) if all(abs(round(x, d) - x) < 1e-9 * max(1.0, abs(x)) for x in scaled)), 3)
        return [_minus(f"{x:.{digits}f}{suffix}") if x else "0" for x in scaled]

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.format_ticks([x])[0]


def _minus(text: str) -> str:
    return text.replace("-", "\N{MINUS SIGN}")


@dataclass(frozen=True)
class Panel:
    """One panel of a chart: its title, its unit and the DataCollector's column it shows (``total``: as a
    running total; ``integer``: a count, ticked at whole numbers)."""

    title: str
    unit: str
    column: str
    total: bool = False
    integer: bool = False


LOYALTY = (Panel("Active customers", "customers", "active_customers"), Panel("Net promoter score", "points", "nps"))
COST = (Panel("Cost per day", "USD/day", "cost_total"), Panel("Cumulative profit", "USD", "profit", total=True))
ATTRITION = (
    Panel("Quits so far", "employees", "quits", total=True, integer=True),
    Panel("Mean engagement", "[0,1]", "engagement_mean"),
)
LINE_COLOUR = "#2b6cb0"
#: Figure size and margins (fractions of the figure) of every chart: 480 x 304 pixels.
CHART_SIZE, CHART_DPI = (6.0, 3.8), 80
CHART_MARGINS = {"left": 0.135, "right": 0.975, "top": 0.92, "bottom": 0.115}
#: Where the axis labels sit, in points left of (y) and below (x) the axes: beside tick labels of six characters
#: (``−1.25M`` is 33 points wide at size 8, plus 7 points of tick and pad).
YLABEL_OFFSET_PT, XLABEL_OFFSET_PT = 44.0, 20.0


def _style(ax: Any) -> None:
    ax.tick_params(labelsize=8)
    ax.yaxis.set_major_formatter(ShortTicks())


def _title(ax: Any, text: str) -> None:
    """A title at a fixed height (``y`` given: matplotlib otherwise measures the ticks on every draw to place it)."""
    ax.set_title(text, fontsize=10, loc="left", y=1.0)


def _labels(ax: Any, unit: str, xlabel: str | None = None) -> None:
    """Axis labels at fixed places (matplotlib otherwise measures every tick label on every draw to place them)."""
    fig = ax.figure
    ax.set_ylabel(unit, fontsize=8)
    ax.yaxis.set_label_coords(
        0.0, 0.5, transform=ax.transAxes + ScaledTranslation(-YLABEL_OFFSET_PT / 72, 0.0, fig.dpi_scale_trans)
    )
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=8)
        ax.xaxis.set_label_coords(
            0.5, 0.0, transform=ax.transAxes + ScaledTranslation(0.0, -XLABEL_OFFSET_PT / 72, fig.dpi_scale_trans)
        )


def _figure() -> Figure:
    fig = Figure(figsize=CHART_SIZE, dpi=CHART_DPI)
    FigureCanvasAgg(fig)  # kept with the figure: its renderer, and the text sizes measured with it, serve every draw
    return fig


class _Chart:
    """A figure kept between steps."""

    fig: Figure

    def png(self) -> bytes:
        """The figure as a PNG (one draw)."""
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()


class SeriesChart(_Chart):
    """Panels of daily series over business days, extended in place as the model steps.

    ``update(model)`` appends the days the DataCollector holds that the chart does not show yet (only those
    are read) and rescales the axes; ``png()`` draws the figure. A model with fewer days than the chart shows
    (another run) starts the chart again.
    """

    def __init__(self, panels: tuple[Panel, ...]):
        self.panels = panels
        self.fig = _figure()
        self.fig.subplots_adjust(hspace=0.32, **CHART_MARGINS)
        self.axes = list(self.fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0])
        self.lines = []
        for ax, panel in zip(self.axes, panels, strict=True):
            (line,) = ax.plot([], [], color=LINE_COLOUR, lw=1.6)
            self.lines.append(line)
            _title(ax, panel.title)
            _labels(ax, panel.unit, "business day" if ax is self.axes[-1] else None)
            ax.grid(alpha=0.3)
            _style(ax)
            if panel.integer:
                ax.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        self.x: list[float] = []
        self.y: list[list[float]] = [[] for _ in panels]
        self.totals = [0.0] * len(panels)

    @property
    def days(self) -> int:
        """How many days the chart shows."""
        return len(self.x)

    def update(self, model: FirmModel) -> int:
        """Append the model's new days; returns the number of days shown."""
        columns = [model.datacollector.model_vars[p.column] for p in self.panels]
        n = min(len(c) for c in columns)  # a step writes every column: equal unless read mid-step
        if n < self.days:
            self.x, self.y, self.totals = [], [[] for _ in self.panels], [0.0] * len(self.panels)
        start = self.days
        if n == start:
            return n
        self.x.extend(range(start + 1, n + 1))
        for i, (panel, column) in enumerate(zip(self.panels, columns, strict=True)):
            new = [float(v) for v in column[start:n]]
            if panel.total:
                new = list(np.cumsum(new) + self.totals[i])
                self.totals[i] = float(new[-1])
            self.y[i].extend(new)
        for ax, line, y, panel in zip(self.axes, self.lines, self.y, self.panels, strict=True):
            line.set_data(self.x, y)
            ax.relim()
            ax.autoscale_view()
            if panel.integer:  # at least 0 to 1, so that whole-number ticks exist (auto=None: autoscaling stays on)
                lo, hi = ax.get_ylim()
                ax.set_ylim(min(lo, -0.05), max(hi, 1.05), auto=None)
        return n


class DistributionChart(_Chart):
    """Today's histograms of customers' satisfaction and of employees' engagement: the bars are made once
    and only their heights change (``numpy.histogram`` on the agents' values)."""

    BINS = np.linspace(0.0, 1.0, 21)

    def __init__(self) -> None:
        self.fig = _figure()
        self.fig.subplots_adjust(hspace=0.42, **{**CHART_MARGINS, "bottom": 0.075})
        self.axes = list(self.fig.subplots(2, 1))
        widths = np.diff(self.BINS)
        self.bars = []
        for ax, colour in zip(self.axes, ("#2f855a", "#c05621"), strict=True):
            self.bars.append(ax.bar(self.BINS[:-1], np.zeros(len(widths)), widths, align="edge", color=colour))
            ax.set_xlim(0, 1)
            _style(ax)

    def update(self, model: FirmModel) -> None:
        """Today's agents' values, binned."""
        sat = np.fromiter((c.satisfaction for c in model.customers), dtype=float)
        eng = np.fromiter((e.engagement for e in model.frontline + model.back_office), dtype=float)
        titles = ("Customers' satisfaction", "Employees' engagement")
        for ax, bars, values, title in zip(self.axes, self.bars, (sat, eng), titles, strict=True):
            counts, _ = np.histogram(values, bins=self.BINS)
            for bar, h in zip(bars, counts, strict=True):
                bar.set_height(float(h))
            ax.set_ylim(0, max(float(counts.max(initial=0)), 1.0) * 1.05)
            _title(ax, f"{title} (n = {len(values)})")


@solara.component
def ChartView(model: FirmModel, day: int, panels: tuple[Panel, ...] | None = None) -> None:
    """A chart of ``model`` kept for the browser session (a :class:`SeriesChart` of ``panels``, or without them
    the :class:`DistributionChart`), brought up to date and redrawn when ``day`` moves."""
    chart = solara.use_memo(lambda: DistributionChart() if panels is None else SeriesChart(panels), [model, panels])

    def draw() -> bytes:
        chart.update(model)
        return chart.png()

    solara.Image(solara.use_memo(draw, [model, panels, day]), format="png")


def LoyaltyChart(model: FirmModel) -> solara.Element:
    """Loyalty: active customers and NPS, day by day."""
    return ChartView(model, model.day, LOYALTY)


def CostChart(model: FirmModel) -> solara.Element:
    """Cost: the day's total cost and the cumulative profit."""
    return ChartView(model, model.day, COST)


def AttritionChart(model: FirmModel) -> solara.Element:
    """Attrition: cumulative quits and mean engagement."""
    return ChartView(model, model.day, ATTRITION)


def Distributions(model: FirmModel) -> solara.Element:
    """Today's distribution of customers' satisfaction and of employees' engagement."""
    return ChartView(model, model.day)


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
