"""Scenario discovery: where in the space of contexts does a condition on a policy's effect hold?

The question "under which conditions does customer focus lose profit?" is answered in three steps
(:func:`simulation.studies.discover` runs them):

1. a Latin hypercube over context parameters (opportunist share, breach penalty, price sensitivity,
   market size, wages...);
2. at each point, the policy and the baseline under common random numbers, and the mean paired
   difference (policy minus baseline) of each run-level metric;
3. PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999) as the EMA Workbench implements it
   (Kwakkel 2017), on the points where the condition (``--where "profit < 0"``) holds: boxes (a range per
   parameter) that hold many of those points (coverage) and few others (density).

This module holds steps 3's pieces: the condition (:func:`parse_where`), PRIM (:func:`prim_boxes`) and the
sentence that says what was found (:func:`box_sentence`). A box is read off its peeling trajectory at the
point with the highest coverage among those with a density of at least the threshold: the widest box
that is still mostly where the condition holds.
"""

from __future__ import annotations

import difflib
import logging
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import FocussimError
from simulation.metrics import METRICS

__all__ = ["Condition", "box_sentence", "parse_where", "prim_boxes"]

_OPS = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}
_COMPARISON = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)
_ALLOWED = (
    "METRIC OP NUMBER, joined by 'and' / 'or' ('and' binds first), with OP one of <, <=, >, >= and METRIC a "
    'run-level metric (the paired difference, policy minus baseline), e.g. "profit < 0" or '
    '"profit < 0 and retention_annual > 0"'
)


@dataclass(frozen=True)
class Condition:
    """A condition on the mean paired differences of a point: ``or`` of ``and`` groups of comparisons."""

    text: str
    groups: tuple[tuple[tuple[str, str, float], ...], ...]

    @property
    def metrics(self) -> list[str]:
        return list(dict.fromkeys(m for g in self.groups for m, _, _ in g))

    def evaluate(self, table: pd.DataFrame) -> np.ndarray:
        """Where the condition holds, one bool per row of ``table`` (a NaN difference never satisfies it)."""
        out = np.zeros(len(table), dtype=bool)
        for group in self.groups:
            ok = np.ones(len(table), dtype=bool)
            for metric, op, value in group:
                x = table[metric].to_numpy(dtype=float)
                with np.errstate(invalid="ignore"):
                    ok &= _OPS[op](x, value) & np.isfinite(x)
            out |= ok
        return out


def parse_where(text: str, source: str = "--where") -> Condition:
    """Parse a condition such as ``"profit < 0"`` or ``"profit < 0 and retention_annual > 0.01"``.

    Raises a one-line :class:`FocussimError` naming the part that is wrong and what is allowed.
    """
    raw = " ".join(str(text).split())
    if not raw:
        raise FocussimError(f"{source} = '': allowed: {_ALLOWED}")
    groups = []
    for alternative in re.split(r"\s+or\s+", raw):
        group = []
        for part in re.split(r"\s+and\s+", alternative):
            m = _COMPARISON.match(part)
            if m is None:
                raise FocussimError(f"{source} = {raw!r}: {part!r} is not a comparison: allowed: {_ALLOWED}")
            metric, op, value = m.group(1), m.group(2), float(m.group(3))
            if metric not in METRICS:
                close = difflib.get_close_matches(metric, list(METRICS), n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise FocussimError(
                    f"{source} = {raw!r}: {metric!r} is not a run-level metric{hint}: allowed: the metrics of "
                    "simulation.metrics.METRICS (docs/ODD.md section 9), e.g. profit, retention_annual, "
                    "turnover_annual, cost_total, nps"
                )
            group.append((metric, op, value))
        groups.append(tuple(group))
    return Condition(raw, tuple(groups))


# --------------------------------------------------------------------------- PRIM


def _import_prim() -> Any:
    """The EMA Workbench's PRIM, imported quietly (it warns about optional parallel back-ends)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    threshold: float = 0.8,
    max_boxes: int = 2,
    peel_alpha: float | None = None,
    mass_min: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Boxes where ``y`` (bool, one per row of ``x``) is mostly true, by PRIM (EMA Workbench).

    Each box is chosen on its peeling trajectory at the highest coverage with a density of at least
    ``threshold``; up to ``max_boxes`` boxes are found in turn (each on the points the earlier ones left),
    stopping at the first that does not reach the threshold. ``peel_alpha``: the share of a box's points
    each peel removes; default 0.05, raised to 4 / points for small designs (the EMA Workbench's peel of
    5 % of 40 points removes none, and PRIM stops before it starts).

    Returns ``boxes`` (one row per box and parameter: ``box``, ``parameter``, ``lower``, ``upper``, the
    parameter's sampled ``range_lo`` and ``range_hi``, whether the box restricts it, and the box's
    ``coverage``, ``density``, ``mass``, ``n_points``, ``res_dim``) and ``trajectory`` (per box, every
    peeling step: ``box``, ``step``, ``coverage``, ``density``, ``mass``, ``res_dim``, ``selected``).
    """
    y = np.asarray(y, dtype=bool)
    boxes_cols = [
        "box", "parameter", "lower", "upper", "range_lo", "range_hi", "restricted",
        "coverage", "density", "mass", "n_points", "res_dim",
    ]  # fmt: skip
    traj_cols = ["box", "step", "coverage", "density", "mass", "res_dim", "selected"]
    if len(x) == 0 or not y.any() or y.all():  # nothing to separate
        return pd.DataFrame(columns=boxes_cols), pd.DataFrame(columns=traj_cols)
    prim = _import_prim()
    data = x.reset_index(drop=True).astype(float)
    alpha = max(0.05, min(0.2, 4 / len(data))) if peel_alpha is None else float(peel_alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the Workbench's own pandas deprecations, not the user's concern
        finder = prim.Prim(data, y, threshold=threshold, peel_alpha=alpha, mass_min=mass_min)
    lo, hi = data.min(), data.max()
    box_rows, traj_rows = [], []
    for b in range(1, max_boxes + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = finder.find_box()
        if box is None:
            break
        traj = box.peeling_trajectory.reset_index(drop=True)
        ok = traj[traj["density"] >= threshold]
        if ok.empty:  # a dump box: the remaining points hold no box dense enough
            break
        best = ok.sort_values(["coverage", "density"], ascending=False).index[0]
        box.select(int(best))
        lim = box.box_lim
        stats = traj.loc[best]
        for name in data.columns:
            lower, upper = float(lim[name].iloc[0]), float(lim[name].iloc[1])
            box_rows.append(
                {
                    "box": b,
                    "parameter": name,
                    "lower": lower,
                    "upper": upper,
                    "range_lo": float(lo[name]),
                    "range_hi": float(hi[name]),
                    "restricted": bool(lower > lo[name] or upper < hi[name]),
                    "coverage": float(stats["coverage"]),
                    "density": float(stats["density"]),
                    "mass": float(stats["mass"]),
                    "n_points": int(stats["n"]),
                    "res_dim": int(stats["res_dim"]),
                }
            )
        for i, row in traj.iterrows():
            traj_rows.append(
                {
                    "box": b,
                    "step": int(i),
                    "coverage": float(row["coverage"]),
                    "density": float(row["density"]),
                    "mass": float(row["mass"]),
                    "res_dim": int(row["res_dim"]),
                    "selected": bool(i == best),
                }
            )
    return pd.DataFrame(box_rows, columns=boxes_cols), pd.DataFrame(traj_rows, columns=traj_cols)


# --------------------------------------------------------------------------- the sentence

_UNIT_SUFFIX = re.compile(r"(_usd.*|_per_.*|_min|_days|_hours|_h)$")


def _parameter_label(key: str) -> str:
    """``customers.opportunist_share`` -> ``opportunist share``; ``empowerment.discretion_limit_usd`` ->
    ``discretion limit``; a one-word name keeps its section (``customers.initial``)."""
    name = _UNIT_SUFFIX.sub("", key.rsplit(".", 1)[-1])
    return name.replace("_", " ") if "_" in name else key


def _parameter_value(key: str, value: float) -> str:
    """A parameter's value with its unit: shares as percentages, money in USD."""
    from simulation.scenario.schema import field_table

    unit = next((str(r["unit"]) for r in field_table() if r["key"] == key), "")
    if unit.startswith("share") or unit.startswith("probability"):
        return f"{value * 100:.0f} %"
    if unit.startswith("USD"):
        return f"{value:,.0f} USD"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip() if unit and not unit.startswith("index") else text


def _restriction(row: pd.Series) -> str:
    key = str(row["parameter"])
    label = _parameter_label(key)
    low = row["lower"] > row["range_lo"]
    high = row["upper"] < row["range_hi"]
    if low and high:
        lo, hi = _parameter_value(key, row["lower"]), _parameter_value(key, row["upper"])
        return f"the {label} is between {lo} and {hi}"
    if low:
        return f"the {label} exceeds {_parameter_value(key, row['lower'])}"
    return f"the {label} is below {_parameter_value(key, row['upper'])}"


def _effect(condition: Condition, policy: str, baseline: str) -> str:
    """What the condition says about the policy, in words where it is one comparison with zero."""
    if len(condition.groups) == 1 and len(condition.groups[0]) == 1:
        metric, op, value = condition.groups[0][0]
        what = metric.replace("_", " ")
        if value == 0 and op in ("<", "<="):
            return f"{policy} loses {what} against {baseline}"
        if value == 0 and op in (">", ">="):
            return f"{policy} gains {what} against {baseline}"
    return f"{condition.text} holds for {policy} minus {baseline}"


def box_sentence(boxes: pd.DataFrame, condition: Condition, policy: str, baseline: str, n_true: int, n: int) -> str:
    """The finding in a sentence: "customer focus loses profit against ... when the opportunist share exceeds
    31 % and ... (coverage 0.84, density 0.91)"."""
    effect = _effect(condition, policy, baseline)
    if n_true == 0:
        return f"Nowhere in the sampled ranges: {condition.text} holds at none of the {n} points."
    if n_true == n:
        return f"Everywhere in the sampled ranges: {effect} at all {n} points."
    if boxes.empty:
        return (
            f"{effect} at {n_true} of {n} points, but PRIM found no box where it holds densely enough "
            "(scattered points: more samples or replications, or a lower threshold)."
        )
    parts = []
    for _, g in boxes.groupby("box", sort=True):
        restricted = g[g["restricted"]]
        where = " and ".join(_restriction(r) for _, r in restricted.iterrows()) or "anywhere in the ranges"
        first = g.iloc[0]
        parts.append(f"when {where} (coverage {first['coverage']:.2f}, density {first['density']:.2f})")
    return f"{effect} " + "; and ".join(parts) + "."
