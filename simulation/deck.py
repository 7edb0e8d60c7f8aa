"""The what-if deck: a :class:`~simulation.whatif.WhatIf` study as a 16:9 PowerPoint file (python-pptx).

Slides, in order: title; executive summary (the answer in one sentence with its numbers and interval, a
native bar chart of every proposal's profit difference and a table of all proposals at a glance); the
baseline against the client's observed KPIs (misses above 20 % flagged); for each proposal three slides
(what it changes and what that does: paired differences with 90 % intervals; loyalty, cost and attrition
over time as native line charts; the J-curve of switching, with the break-even distribution, as a picture);
the risks (how the headline answer moves with opportunists, penalties and price sensitivity); method and
assumptions (model, engine, replications, seed, scenario hashes); two appendix tables.

Tables are native PowerPoint tables and the headline charts native charts, so a consultant can restyle
them; the J-curve (bands across replications, which native charts cannot draw) is a picture at slide
resolution from :func:`simulation.charts.jcurve_figure`.

:func:`write_deck` writes to a temporary file beside the target and renames it at the end, so a failure
never leaves half a deck behind.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from simulation import __version__
from simulation.whatif import (
    MISS_TOLERANCE,
    PROPOSAL_METRICS,
    SPEC_KEYS,
    WhatIf,
    fmt_diff,
    fmt_metric,
    fmt_value,
)

__all__ = ["SLIDE_HEIGHT", "SLIDE_WIDTH", "slide_titles", "write_deck"]

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.55)
BODY_TOP = Inches(1.45)
BODY_BOTTOM = Inches(6.85)
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN

NAVY = RGBColor(0x1F, 0x3B, 0x57)
GREY = RGBColor(0x6B, 0x6B, 0x6B)
LIGHT = RGBColor(0xF1, 0xF3, 0xF6)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
RED = RGBColor(0xB0, 0x3A, 0x2E)
GREEN = RGBColor(0x1E, 0x7B, 0x4A)
# seaborn's colour-blind-safe palette: grey for today, then blue, green, purple, vermillion for proposals.
BASELINE_COLOUR = RGBColor(0x94, 0x94, 0x94)
PROPOSAL_COLOURS = (
    RGBColor(0x01, 0x73, 0xB2),
    RGBColor(0x02, 0x9E, 0x73),
    RGBColor(0xCC, 0x78, 0xBC),
    RGBColor(0xD5, 0x5E, 0x00),
)
#: Pixels per inch of pictures: sharp on a projector, small in the file.
PICTURE_DPI = 150

_LABELS = {
    "profit": "Profit",
    "revenue": "Revenue",
    "cost_total": "Total cost",
    "retention_annual": "Customer retention",
    "nps": "Net promoter score",
    "turnover_annual": "Staff turnover",
    "engagement_mean": "Employee engagement",
    "first_contact_resolution": "First-contact resolution",
    "satisfaction_mean": "Customer satisfaction",
    "cost_training": "Training cost",
    "cost_recovery": "Recovery cost",
    "cost_per_served_usd": "Cost per served contact",
    "failure_demand_share": "Failure demand",
}


def _label(metric: str) -> str:
    return _LABELS.get(metric, metric.replace("_", " ").capitalize())


# --------------------------------------------------------------------------- shapes


def _text(
    slide: Any,
    x: int,
    y: int,
    w: int,
    h: int,
    paragraphs: Sequence[str | tuple[str, dict[str, Any]]],
    size: float = 16,
    colour: RGBColor = NAVY,
    bold: bool = False,
    align: Any = PP_ALIGN.LEFT,
    anchor: Any = MSO_ANCHOR.TOP,
    space_after: float = 6,
) -> Any:
    """A text box: each paragraph a string or (string, {size, colour, bold, italic, bullet})."""
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.05)
    tf.margin_top = tf.margin_bottom = Inches(0.03)
    for i, item in enumerate(paragraphs):
        text, opts = (item, {}) if isinstance(item, str) else item
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        p.space_after = Pt(opts.get("space_after", space_after))
        run = p.add_run()
        run.text = ("•  " if opts.get("bullet") else "") + text
        run.font.name = FONT
        run.font.size = Pt(opts.get("size", size))
        run.font.bold = opts.get("bold", bold)
        run.font.italic = opts.get("italic", False)
        run.font.color.rgb = opts.get("colour", colour)
    return box


def _slide(prs: Any, title: str, deck: _Deck) -> Any:
    """A slide with its title (the layout's title placeholder, moved to the 16:9 frame) and the footer."""
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    t = slide.shapes.title
    t.left, t.top, t.width, t.height = MARGIN, Inches(0.3), CONTENT_WIDTH, Inches(0.95)
    t.text = title
    tf = t.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    for p in tf.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        for r in p.runs:
            r.font.name = FONT
            r.font.size = Pt(28 if len(title) <= 50 else 24 if len(title) <= 64 else 20)
            r.font.bold = True
            r.font.color.rgb = NAVY
    line = slide.shapes.add_connector(1, MARGIN, Inches(1.27), SLIDE_WIDTH - MARGIN, Inches(1.27))
    line.line.color.rgb = PROPOSAL_COLOURS[0]
    line.line.width = Pt(1.5)
    deck.footer(slide)
    return slide


#: Fonts: Arial in PowerPoint, its metric twin Liberation Sans in LibreOffice, so text measures the same.
FONT = "Arial"
#: Width of an average character of Arial (digits, lower case, spaces) as a share of the font size.
CHAR_EM = 0.56
BOLD_EM = 0.61


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width of one line of ``text`` in inches."""
    return len(text) * size * (BOLD_EM if bold else CHAR_EM) / 72


def _lines(text: str, size: float, width: float, bold: bool = False) -> int:
    """Estimated number of lines ``text`` wraps to in a column ``width`` inches wide (word wrap)."""
    words, lines, line = text.split(" "), 1, ""
    for word in words:
        trial = f"{line} {word}".strip()
        if _text_width(trial, size, bold) <= width or not line:
            line = trial
        else:
            lines, line = lines + 1, word
    return lines


def _table(
    slide: Any,
    x: int,
    y: int,
    max_width: float,
    rows: Sequence[Sequence[str]],
    size: float = 12,
    min_size: float = 9,
    colours: dict[tuple[int, int], RGBColor] | None = None,
    align_right_from: int = 1,
    fill: bool = False,
) -> int:
    """A native table (a header row on navy, banded body rows) sized to its content: the font shrinks from
    ``size`` to ``min_size`` until the columns fit ``max_width`` inches; past that the first column wraps.
    ``fill`` stretches the columns to ``max_width``. Returns the table's height in EMU (rows are sized for
    their wrapped text, so what follows can be placed below it)."""
    n_cols = max(len(r) for r in rows)
    cells = [[str(r[j]) if j < len(r) else "" for j in range(n_cols)] for r in rows]
    pad = 0.2  # cell margins and a little air, inches
    font = size
    while True:
        natural = [max(_text_width(c[j], font, i == 0) for i, c in enumerate(cells)) + pad for j in range(n_cols)]
        # The first column (labels) may wrap to two lines, never narrower than its longest word.
        word = max(_text_width(wd, font, i == 0) for i, c in enumerate(cells) for wd in c[0].split(" ")) + pad
        first = max(natural[0] / 2 + pad, word)
        if sum(natural[1:]) + first <= max_width or font <= min_size:
            break
        font -= 0.5
    widths = list(natural)
    if sum(widths) > max_width:  # wrap the first column (labels), never the numbers
        widths[0] = max(first, max_width - sum(widths[1:]))
    if fill and sum(widths) < max_width:
        extra = max_width - sum(widths)
        widths = [w + extra * w / sum(natural) for w in widths]
    heights = []
    for i, c in enumerate(cells):
        n = max(_lines(c[j], font, widths[j] - pad, i == 0) for j in range(n_cols))
        heights.append(Pt(n * font * 1.2 + 7))
    shape = slide.shapes.add_table(len(cells), n_cols, x, y, Inches(sum(widths)), sum(heights))
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    for i, c in enumerate(cells):
        table.rows[i].height = heights[i]
        for j in range(n_cols):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.025)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.fill.solid()
            cell.fill.fore_color.rgb = NAVY if i == 0 else (LIGHT if i % 2 == 0 else WHITE)
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if j >= align_right_from and i > 0 else PP_ALIGN.LEFT
            run = p.add_run()
            run.text = c[j] or " "  # an empty cell would take the default (18 pt) height
            run.font.name = FONT
            run.font.size = Pt(font)
            run.font.bold = i == 0
            colour = (colours or {}).get((i, j))
            run.font.color.rgb = WHITE if i == 0 else (colour if colour is not None else RGBColor(0x22, 0x22, 0x22))
    return int(sum(heights))


def _records(frame: pd.DataFrame) -> list[Any]:
    """The rows of ``frame`` as objects with attribute access (``row.metric``)."""
    from types import SimpleNamespace

    return [SimpleNamespace(**{str(k): v for k, v in rec.items()}) for rec in frame.to_dict("records")]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _emu_in(emu: int) -> float:
    return emu / 914400


def _and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _usd_format(values: Sequence[float]) -> tuple[str, str]:
    """A chart number format for USD values and its unit: thousands as k when the values are large."""
    big = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    if big >= 1e6:
        return '#,##0.0,,"M";-#,##0.0,,"M"', "USD"
    if big >= 1e5:
        return '#,##0,"k";-#,##0,"k"', "USD"
    if big >= 1e4:
        return '#,##0.0,"k";-#,##0.0,"k"', "USD"
    return "#,##0;-#,##0", "USD"


def _style_chart(chart: Any, size: float = 11) -> None:
    chart.font.name = FONT
    chart.font.size = Pt(size)
    chart.font.color.rgb = RGBColor(0x33, 0x33, 0x33)


def _chart_title(chart: Any, text: str, size: float = 13) -> None:
    chart.has_title = True
    tf = chart.chart_title.text_frame
    tf.text = text
    for p in tf.paragraphs:
        for r in p.runs:
            r.font.size = Pt(size)
            r.font.bold = True
            r.font.color.rgb = NAVY


def _bar_chart(
    slide: Any,
    x: int,
    y: int,
    w: int,
    h: int,
    categories: Sequence[str],
    values: Sequence[float],
    title: str,
    number_format: str,
    colours: Sequence[RGBColor] | None = None,
    title_size: float = 13,
) -> Any:
    """A native horizontal bar chart, one bar per category; negative bars red unless ``colours`` given."""
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    data.add_series(title, [float(v) if math.isfinite(v) else None for v in values])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, x, y, w, h, data).chart
    _style_chart(chart)
    _chart_title(chart, title, title_size)
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.font.size = Pt(11)
    series = plot.series[0]
    series.invert_if_negative = False
    for i, v in enumerate(values):
        fill = series.points[i].format.fill
        fill.solid()
        if colours is not None:
            fill.fore_color.rgb = colours[i % len(colours)]
        else:
            fill.fore_color.rgb = RED if v < 0 else PROPOSAL_COLOURS[0]
    cat = chart.category_axis
    cat.reverse_order = True  # the first category on top
    cat.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # labels left of the plot, also for negative bars
    cat.has_major_gridlines = False
    cat.format.line.color.rgb = RGBColor(0xBB, 0xBB, 0xBB)
    val = chart.value_axis
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    val.tick_labels.number_format = number_format
    val.tick_labels.number_format_is_linked = False
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = min([0.0, *finite]), max([0.0, *finite])
    pad = 0.45 * (hi - lo or 1.0)  # room for the data labels
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=4).tick_values(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))
    val.minimum_scale, val.maximum_scale = float(ticks[0]), float(ticks[-1])
    val.major_unit = float(ticks[1] - ticks[0])
    return chart


def _line_chart(
    slide: Any,
    x: int,
    y: int,
    w: int,
    h: int,
    series: Sequence[tuple[str, pd.Series, RGBColor]],
    title: str,
    number_format: str,
) -> Any:
    """A native line chart over days (an XY chart with lines, no markers): one line per (name, values, colour)."""
    data = XyChartData()
    lo, hi = math.inf, -math.inf
    for name, values, _ in series:
        s = data.add_series(name, number_format=number_format)
        for day, v in zip(values.index.to_numpy(dtype=float), values.to_numpy(dtype=float), strict=True):
            if math.isfinite(v):
                s.add_data_point(float(day), float(v))
                lo, hi = min(lo, float(v)), max(hi, float(v))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS, x, y, w, h, data).chart
    _style_chart(chart, 11)
    _chart_title(chart, title, 13)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(11)
    for plot_series, (_, _, colour) in zip(chart.plots[0].series, series, strict=True):
        plot_series.smooth = False
        plot_series.format.line.color.rgb = colour
        plot_series.format.line.width = Pt(2.25)
    val = chart.value_axis
    val.tick_labels.number_format = number_format
    val.tick_labels.number_format_is_linked = False
    val.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    val.crosses = XL_AXIS_CROSSES.MINIMUM  # the day axis at the bottom, whatever the values
    if math.isfinite(lo) and math.isfinite(hi):
        from matplotlib.ticker import MaxNLocator

        pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi) * 0.05, 0.01 if "%" in number_format else 1.0)
        ticks = MaxNLocator(nbins=5).tick_values(lo - pad, hi + pad)
        val.minimum_scale, val.maximum_scale = float(ticks[0]), float(ticks[-1])
        val.major_unit = float(ticks[1] - ticks[0])
    days = [float(d) for _, v, _ in series for d in v.index]
    cat = chart.category_axis  # the x axis of an XY chart
    cat.has_major_gridlines = False
    cat.tick_labels.number_format = "0"
    cat.tick_labels.number_format_is_linked = False
    if days:
        cat.minimum_scale, cat.maximum_scale = min(days), max(days)
    cat.has_title = True
    cat.axis_title.text_frame.text = "business day after the warm-up"
    for p in cat.axis_title.text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(10)
            r.font.bold = False
    return chart


def _picture(slide: Any, fig: Any, x: int, y: int, max_w: int, max_h: int) -> Any:
    """A matplotlib figure as a PNG at slide resolution, fitted into the box (aspect kept), centred."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=PICTURE_DPI, bbox_inches="tight", pad_inches=0.1)
    finally:
        plt.close(fig)
    buf.seek(0)
    from PIL import Image

    with Image.open(buf) as im:
        px_w, px_h = im.size
    buf.seek(0)
    scale = min(max_w / px_w, max_h / px_h)
    w, h = int(px_w * scale), int(px_h * scale)
    return slide.shapes.add_picture(buf, x + (max_w - w) // 2, y, Emu(w), Emu(h))


# --------------------------------------------------------------------------- the deck


class _Deck:
    def __init__(self, w: WhatIf, when: _dt.date):
        self.w = w
        self.when = when
        self.prs = Presentation()
        self.prs.slide_width = SLIDE_WIDTH
        self.prs.slide_height = SLIDE_HEIGHT
        self.colour = {name: PROPOSAL_COLOURS[i] for i, name in enumerate(w.names)}

    def footer(self, slide: Any) -> None:
        n = len(self.prs.slides)
        quick = "  ·  QUICK RUN: a smoke test, not a finding" if self.w.loaded.quick else ""
        _text(
            slide,
            MARGIN,
            Inches(7.0),
            Inches(10),
            Inches(0.35),
            [f"{self.w.loaded.spec.client}  ·  what-if study, focussim {__version__}  ·  {self.when:%d %B %Y}{quick}"],
            size=10,
            colour=GREY,
        )
        _text(
            slide, SLIDE_WIDTH - MARGIN - Inches(1), Inches(7.0), Inches(1), Inches(0.35), [str(n)], 10, GREY, False,
            PP_ALIGN.RIGHT,
        )  # fmt: skip

    # ----------------------------------------------------------------- slides

    def title_slide(self) -> None:
        w = self.w
        spec = w.loaded.spec
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        title, subtitle = slide.shapes.title, slide.placeholders[1]
        title.left, title.top, title.width, title.height = MARGIN, Inches(2.0), CONTENT_WIDTH, Inches(1.9)
        title.text = spec.title or f"What if {spec.client} changed course?"
        for p in title.text_frame.paragraphs:
            p.alignment = PP_ALIGN.LEFT
            for r in p.runs:
                r.font.size = Pt(40)
                r.font.bold = True
                r.font.color.rgb = NAVY
        title.text_frame.word_wrap = True
        title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, Inches(4.1), CONTENT_WIDTH, Inches(1.6)
        n = len(w.names)
        lines = [
            spec.client,
            f"{n} proposal{'s' if n > 1 else ''} against the firm today, simulated: loyalty, cost and attrition",
            f"{self.when:%d %B %Y}",
        ]
        if w.loaded.quick:
            lines.append("QUICK RUN: a tiny firm and a short horizon, a smoke test, not a finding")
        subtitle.text = "\n".join(lines)
        for i, p in enumerate(subtitle.text_frame.paragraphs):
            p.alignment = PP_ALIGN.LEFT
            for r in p.runs:
                r.font.size = Pt(22 if i == 0 else 16)
                r.font.bold = i == 0
                r.font.color.rgb = RED if lines[i].startswith("QUICK") else (NAVY if i == 0 else GREY)
        bar = slide.shapes.add_shape(1, 0, 0, Inches(0.25), SLIDE_HEIGHT)
        bar.fill.solid()
        bar.fill.fore_color.rgb = PROPOSAL_COLOURS[0]
        bar.line.fill.background()

    def summary_slide(self) -> None:
        w = self.w
        o = w.options
        base = w.loaded.baseline.name
        slide = _slide(self.prs, "Executive summary", self)
        sentence = w.summary_sentence()
        size = 20 if len(sentence) < 330 else 18
        n_lines = _lines(sentence, size, _emu_in(CONTENT_WIDTH) - 0.1)
        text_h = Pt(n_lines * size * 1.25 + 8)
        _text(slide, MARGIN, BODY_TOP, CONTENT_WIDTH, text_h, [sentence], size=size)
        names = w.names
        top = BODY_TOP + text_h + Inches(0.25)
        rows = [["Proposal", "Profit [90 % interval]", "Retention", "Turnover", "Break-even"]]
        for n in names:
            p, r, t = (w.difference(n, m) for m in ("profit", "retention_annual", "turnover_annual"))
            be = float(w.transition_summary(n)["breakeven_day_median"])
            rows.append(
                [
                    n,
                    fmt_diff("profit", p["mean"], p["lo"], p["hi"]),
                    fmt_metric("retention_annual", r["mean"], signed=True),
                    fmt_metric("turnover_annual", t["mean"], signed=True),
                    f"day {be:.0f}" if math.isfinite(be) else "not in horizon",
                ]
            )
        table_w = 7.75
        h = _table(slide, MARGIN, top, table_w, rows, size=14, min_size=10)
        _text(
            slide,
            MARGIN,
            top + h + Inches(0.15),
            Inches(table_w),
            BODY_BOTTOM - (top + h + Inches(0.15)),
            [
                f"Proposal minus {base}, paired over {o.replications} replications under common random numbers; "
                f"profit over {o.days} business days; retention and staff turnover in percentage points a year. "
                f"Break-even: the median day from which switching on day {o.switch_day} stays ahead of staying put."
            ],
            size=11,
            colour=GREY,
        )
        profit = [float(w.difference(n, "profit")["mean"]) for n in names]
        fmt, unit = _usd_format(profit)
        x_chart = MARGIN + Inches(table_w + 0.25)
        _bar_chart(
            slide,
            x_chart,
            top - Inches(0.1),
            SLIDE_WIDTH - MARGIN - x_chart,
            BODY_BOTTOM - top,
            names,
            profit,
            f"Profit against {base} ({unit}, mean)",
            fmt,
            [self.colour[n] for n in names],
        )

    def kpi_slide(self) -> None:
        w = self.w
        k = w.kpis
        base = w.loaded.baseline.name
        slide = _slide(self.prs, "Is the model the client? The baseline against observed KPIs", self)
        rows = [["KPI", "Observed", f"Model: {_cap(base)}", "90 % of replications", "Miss", "Check"]]
        colours: dict[tuple[int, int], RGBColor] = {}
        tolerance = f"{100 * MISS_TOLERANCE:.0f} %"
        for i, r in enumerate(_records(k), start=1):
            observed = math.isfinite(r.observed)
            check = "not observed"
            if observed:
                check = f"misses by > {tolerance}" if r.flagged else f"within {tolerance}"
                colours[(i, 5)] = RED if r.flagged else GREEN
            rows.append(
                [
                    r.label,
                    fmt_metric(r.metric, r.observed) if observed else "—",
                    fmt_metric(r.metric, r.model_mean),
                    f"{fmt_metric(r.metric, r.model_p5)} to {fmt_metric(r.metric, r.model_p95)}",
                    (f"{100 * r.miss:.0f} %" if math.isfinite(r.miss) else "—") if observed else "—",
                    check,
                ]
            )
        h = _table(slide, MARGIN, BODY_TOP + Inches(0.1), _emu_in(CONTENT_WIDTH), rows, size=16, colours=colours)
        flagged = [r.label.lower() for r in _records(k) if r.flagged]
        unobserved = [r.label.lower() for r in _records(k) if not math.isfinite(r.observed)]
        if flagged:
            verdict = (
                f"The baseline misses {_and(flagged)} by more than {tolerance}: there it is not yet the client. "
                "Adjust the client's numbers (or the scenario) until it matches before trusting the proposals."
            )
        elif len(unobserved) == len(k):
            verdict = "No KPIs were observed: nothing checks that the baseline behaves like the client."
        else:
            verdict = f"Every observed KPI is within {tolerance} of the model's baseline."
        notes: list[str | tuple[str, dict[str, Any]]] = [(verdict, {"size": 17, "colour": RED if flagged else NAVY})]
        if unobserved and len(unobserved) < len(k):
            notes.append((f"Not observed: {_and(unobserved)}.", {"size": 13, "colour": GREY}))
        notes.append(
            (
                f"Model: the baseline's mean over {w.options.replications} replications of {w.options.days} business "
                "days after the warm-up (turnover and churn annualised). Miss: |model − observed| / |observed|.",
                {"size": 12, "colour": GREY},
            )
        )
        top = BODY_TOP + Inches(0.35) + h
        _text(slide, MARGIN, top, CONTENT_WIDTH, BODY_BOTTOM - top, notes)

    def proposal_slides(self, name: str) -> None:
        self._changes_slide(name)
        self._time_slide(name)
        self._jcurve_slide(name)

    def _changes_slide(self, name: str) -> None:
        w = self.w
        base = w.loaded.baseline.name
        proposal = next(p for p in w.loaded.spec.proposals if p.name == name)
        slide = _slide(self.prs, f"{name}: what changes, and what it does", self)
        top: int = BODY_TOP
        if proposal.description:
            _text(slide, MARGIN, top, CONTENT_WIDTH, Inches(0.45), [proposal.description], size=15, colour=GREY)
            top = top + Inches(0.55)
        changes = w.loaded.changes[name]
        shown = changes[:10]
        rows = [["Lever", _cap(base), "Proposal"]]
        rows += [[k, fmt_value(k, a), fmt_value(k, b)] for k, a, b in shown]
        if len(changes) > len(shown):
            rows.append([f"… {len(changes) - len(shown)} more (appendix)", "", ""])
        _table(slide, MARGIN, top, 4.7, rows, size=12, min_size=9)
        rows2 = [["Metric", _cap(base), "Proposal", "Difference [90 % interval]"]]
        colours = {}
        for i, m in enumerate(PROPOSAL_METRICS, start=1):
            d = w.difference(name, m)
            rows2.append(
                [
                    _label(m),
                    fmt_metric(m, d["baseline_mean"]),
                    fmt_metric(m, d["scenario_mean"]),
                    fmt_diff(m, d["mean"], d["lo"], d["hi"]),
                ]
            )
            lower_is_better = m in ("turnover_annual", "cost_total")
            good = d["hi"] < 0 if lower_is_better else d["lo"] > 0
            bad = d["lo"] > 0 if lower_is_better else d["hi"] < 0
            if good or bad:
                colours[(i, 3)] = GREEN if good else RED
        x2 = MARGIN + Inches(5.0)
        avail = _emu_in(SLIDE_WIDTH - MARGIN - x2)
        h = _table(slide, x2, top, avail, rows2, size=14, colours=colours, fill=True)
        o = w.options
        y = top + h + Inches(0.15)
        _text(
            slide,
            x2,
            y,
            SLIDE_WIDTH - MARGIN - x2,
            BODY_BOTTOM - y,
            [
                f"Each firm warmed up {o.warmup_days} days under its own policies, then {o.days} business days were "
                f"counted: profit, revenue and cost are totals over them. Difference: proposal minus {base}, "
                f"paired over {o.replications} replications under common random numbers. Green: better with 90 % "
                "confidence; red: worse.",
            ],
            size=11,
            colour=GREY,
        )

    def _time_slide(self, name: str) -> None:
        from simulation.charts import add_derived_daily

        w = self.w
        base = w.loaded.baseline.name
        slide = _slide(self.prs, f"{name} over time: loyalty, cost and attrition", self)
        daily = w.compare.tables["daily"]
        df = add_derived_daily(daily[daily["scenario"].isin([base, name])])
        days = int(df["day"].max())
        step = max(1, days // 150)
        panels = (
            ("retention_rolling_annual", "Customer retention, annualised", "0%"),
            ("cost_total_smoothed", "Total cost (USD a day)", "#,##0"),
            ("turnover_rolling_annual", "Staff turnover, annualised", "0%"),
        )
        gap = Inches(0.2)
        width = (CONTENT_WIDTH - 2 * gap) // 3
        height = Inches(4.6)
        for i, (col, title, fmt) in enumerate(panels):
            series = []
            for scen, colour in ((base, BASELINE_COLOUR), (name, self.colour[name])):
                med = df[df["scenario"] == scen].groupby("day")[col].median()
                med = med[(med.index % step == 0) | (med.index == days)]
                series.append((scen, med, colour))
            _line_chart(slide, MARGIN + i * (width + gap), BODY_TOP + Inches(0.05), width, height, series, title, fmt)
        window = min(90, days // 2)
        _text(
            slide,
            MARGIN,
            BODY_TOP + height + Inches(0.25),
            CONTENT_WIDTH,
            Inches(0.7),
            [
                f"Lines: the median of {w.options.replications} replications each day. Retention and turnover over a "
                f"rolling {window}-day window, annualised (they start once the window is full); cost smoothed over "
                f"{min(30, window)} days."
            ],
            size=11,
            colour=GREY,
        )

    def _jcurve_slide(self, name: str) -> None:
        from simulation import charts

        w = self.w
        o = w.options
        st = w.transitions[name]
        s = w.transition_summary(name)
        slide = _slide(self.prs, f"Switching to {name} on day {o.switch_day}: the J-curve", self)
        fig = charts.jcurve_figure(
            st.tables["jcurve"],
            st.tables["breakeven"],
            o.switch_day,
            title=f"{_cap(w.loaded.baseline.name)}, switching to “{name}”, against staying put",
        )
        pic = _picture(slide, fig, MARGIN, BODY_TOP + Inches(0.05), CONTENT_WIDTH, Inches(4.3))
        be = float(s["breakeven_day_median"])
        trough = float(s["trough_usd"])
        first = (
            f"Median trough: {fmt_metric('profit', trough, signed=True)} of cumulative profit on day "
            f"{int(s['trough_day'])}"
            if trough < 0
            else "The median curve never dips below staying put"
        )
        second = (
            f"median break-even on day {be:.0f}" if math.isfinite(be) else "no median break-even within the horizon"
        )
        third = (
            f"{100 * float(s['share_never']):.0f} % of replications never break even by day {o.days}; at the horizon "
            f"the gain is {fmt_metric('profit', float(s['delta_at_horizon_median_usd']), signed=True)} (median; "
            f"5–95 %: {fmt_metric('profit', float(s['delta_at_horizon_p5_usd']), signed=True)} to "
            f"{fmt_metric('profit', float(s['delta_at_horizon_p95_usd']), signed=True)})."
        )
        y = pic.top + pic.height + Inches(0.15)
        _text(
            slide,
            MARGIN,
            y,
            CONTENT_WIDTH,
            BODY_BOTTOM - y,
            [
                (f"{first}; {second}. {third}", {"size": 15}),
                (
                    "Both arms share people, customers and random numbers until the switch; then the firm adopts the "
                    "proposal's policies (new hiring rules reach new hires only; beliefs, skills and relationships "
                    "build with delays).",
                    {"size": 11, "colour": GREY},
                ),
            ],
        )

    def risks_slide(self) -> None:
        w = self.w
        r = w.risks
        best = w.headline
        base = w.loaded.baseline.name
        slide = _slide(self.prs, f"Risks: how the answer for “{best}” moves", self)
        rows = [["Risk", "Level", "Profit [90 % interval]", "Retention"]]
        colours = {}
        last = None
        for i, x in enumerate(_records(r), start=1):
            rows.append(
                [
                    x.risk if x.risk != last else "",
                    x.level,
                    fmt_diff("profit", x.profit, x.profit_lo, x.profit_hi),
                    fmt_metric("retention_annual", x.retention_annual, signed=True),
                ]
            )
            last = x.risk
            if x.profit_lo > 0 or x.profit_hi < 0:
                colours[(i, 2)] = GREEN if x.profit_lo > 0 else RED
        h = _table(slide, MARGIN, BODY_TOP + Inches(0.05), 8.0, rows, size=13, colours=colours)
        o = w.options
        y = BODY_TOP + Inches(0.2) + h
        _text(
            slide,
            MARGIN,
            y,
            Inches(8.0),
            BODY_BOTTOM - y,
            [
                f"Each risk reruns {base} and “{best}” with one thing changed on both: the share of opportunistic "
                "customers; a regulated domain with a penalty per compliance breach; the share of price-sensitive "
                f"customers. Proposal minus {base} over {o.days} days, {o.replications} paired replications. Green: "
                "the proposal wins with 90 % confidence; red: it loses."
            ],
            size=11,
            colour=GREY,
        )
        x_chart = MARGIN + Inches(8.25)
        chart_h = (BODY_BOTTOM - BODY_TOP) // 3
        for i, (risk, g) in enumerate(r.groupby("risk", sort=False)):
            values = list(g["profit"].astype(float))
            fmt, unit = _usd_format(values)
            _bar_chart(
                slide,
                x_chart,
                BODY_TOP + i * chart_h,
                SLIDE_WIDTH - MARGIN - x_chart,
                chart_h - Inches(0.05),
                list(g["short"]),
                values,
                f"{risk}: profit ({unit})",
                fmt,
                title_size=11,
            )

    def method_slide(self) -> None:
        w = self.w
        o = w.options
        pv = w.provenance
        slide = _slide(self.prs, "Method and assumptions", self)
        versions = pv.get("packages", {})
        bullets = [
            "Model: focussim, an agent-based model of a service firm (customers, frontline, back office, "
            "managers; docs/ODD.md). The numbers come from the model; only the inputs in the appendix come from "
            "the client.",
            f"Engine: numba; {o.replications} replications per arm, seed {o.seed}. Replication r of every arm draws "
            "the same random streams (common random numbers), so differences are paired.",
            f"Each arm warms up {o.warmup_days} business days under its own policies; {o.days} days are counted "
            f"after it. The J-curve: the firm switches on day {o.switch_day} after a warm-up under today's policies.",
            "Intervals: 90 % Student t intervals of the mean paired difference. Risks: the same with one factor "
            "changed on both arms.",
            "The client's numbers replace the scenario's; the market keeps the scenario's size relative to the "
            "customer base unless given. Everything else is the scenario's.",
            f"Spec {w.loaded.source} (sha256 {w.loaded.spec_hash}); numpy {versions.get('numpy', '?')}, "
            f"numba {versions.get('numba', '?')}, pandas {versions.get('pandas', '?')}.",
        ]
        if w.loaded.quick:
            bullets.append("QUICK RUN: a tiny firm and a short horizon; a smoke test of the deck, not a finding.")
        _text(
            slide,
            MARGIN,
            BODY_TOP,
            Inches(7.4),
            BODY_BOTTOM - BODY_TOP,
            [(b, {"bullet": True, "size": 14, "space_after": 9}) for b in bullets],
        )
        rows = [["Scenario", "Parameter hash"]]
        for name, rec in pv["scenarios"].items():
            rows.append([name, rec["hash"]])
        x = MARGIN + Inches(7.7)
        _table(slide, x, BODY_TOP + Inches(0.05), _emu_in(SLIDE_WIDTH - MARGIN - x), rows, size=12, align_right_from=9)

    def appendix_differences(self) -> None:
        w = self.w
        names = w.names
        slide = _slide(self.prs, "Appendix: every paired difference [90 % interval]", self)
        metrics = list(dict.fromkeys(w.differences["metric"]))
        rows = [["Metric", _cap(w.loaded.baseline.name), *names]]
        for m in metrics:
            diffs = [w.difference(n, m) for n in names]
            rows.append(
                [_label(m), fmt_metric(m, diffs[0]["baseline_mean"])]
                + [fmt_diff(m, d["mean"], d["lo"], d["hi"]) for d in diffs]
            )
        _table(slide, MARGIN, BODY_TOP + Inches(0.05), _emu_in(CONTENT_WIDTH), rows, size=12, min_size=8, fill=True)

    def appendix_inputs(self) -> None:
        w = self.w
        slide = _slide(self.prs, "Appendix: the client's numbers and every lever change", self)
        reverse = {v: k for k, v in SPEC_KEYS.items()}
        base = w.loaded.baseline.flat()
        rows = [["Client input", "Scenario key", "Value"]]
        for key in w.loaded.client_overrides:
            label = reverse.get(key, "overrides")
            if key == "market.size" and key not in w.loaded.spec.baseline.overrides:
                label = "(scaled with customers)"
            if key in w.loaded.quick_overrides:
                label = "(quick run)"
            rows.append([label, key, fmt_value(key, base[key])])
        if len(rows) > 17:
            rows = [*rows[:16], [f"… {len(rows) - 16} more in the spec", "", ""]]
        _table(slide, MARGIN, BODY_TOP + Inches(0.05), 6.0, rows, size=11, min_size=8, align_right_from=2)
        rows2 = [["Proposal", "Lever", "Today → proposal"]]
        for name in w.names:
            for i, (k, a, b) in enumerate(w.loaded.changes[name]):
                rows2.append([name if i == 0 else "", k, f"{fmt_value(k, a)} → {fmt_value(k, b)}"])
        if len(rows2) > 17:
            rows2 = [*rows2[:16], ["", f"… {len(rows2) - 16} more in the spec", ""]]
        x = MARGIN + Inches(6.25)
        _table(slide, x, BODY_TOP + Inches(0.05), _emu_in(SLIDE_WIDTH - MARGIN - x), rows2, size=11, min_size=8,
               align_right_from=2)  # fmt: skip

    def build(self) -> Any:
        self.title_slide()
        self.summary_slide()
        self.kpi_slide()
        for name in self.w.names:
            self.proposal_slides(name)
        self.risks_slide()
        self.method_slide()
        self.appendix_differences()
        self.appendix_inputs()
        return self.prs


def slide_titles(w: WhatIf) -> list[str]:
    """The titles of the deck :func:`write_deck` makes of ``w``, in order (the title slide's first)."""
    spec = w.loaded.spec
    titles = [spec.title or f"What if {spec.client} changed course?", "Executive summary"]
    titles.append("Is the model the client? The baseline against observed KPIs")
    for n in w.names:
        titles += [
            f"{n}: what changes, and what it does",
            f"{n} over time: loyalty, cost and attrition",
            f"Switching to {n} on day {w.options.switch_day}: the J-curve",
        ]
    titles += [
        f"Risks: how the answer for “{w.headline}” moves",
        "Method and assumptions",
        "Appendix: every paired difference [90 % interval]",
        "Appendix: the client's numbers and every lever change",
    ]
    return titles


def write_deck(w: WhatIf, out: str | Path, when: _dt.date | None = None) -> Path:
    """Write the deck of ``w`` to ``out`` (.pptx); a temporary file is renamed at the end, so a failure leaves
    no file (and no half deck) behind. Returns the path."""
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    prs = _Deck(w, when or _dt.date.today()).build()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        prs.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
