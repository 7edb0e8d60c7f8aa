"""Welch's graphical method: how long a replication must warm up before its outputs are steady.

Welch (1983); Law & Kelton, *Simulation Modeling and Analysis*, section 9.5.1. For each output, on ``n``
replications of ``m`` days that all start from the initial state (``warmup_days=0``):

1. average the output over replications, day by day: ``Ybar_i = mean_j Y_ji`` (:func:`replication_average`);
2. smooth with a centred moving average of half-width ``w`` (:func:`welch_smooth`): for ``i > w`` the mean of
   ``Ybar_{i-w} .. Ybar_{i+w}`` (``2w + 1`` days); for ``i <= w`` the window shrinks towards the start, the mean
   of ``Ybar_1 .. Ybar_{2i-1}`` (``2i - 1`` days). The smoothed series is defined for ``i = 1 .. m - w``;
3. the truncation rule (:func:`welch_truncation`): the level is the mean of ``Ybar`` over the reference
   window, the final year of the horizon (the final third of shorter horizons, so that two thirds are left
   to search). The band around the level has, on day ``i``, the half-width

       max(rel_tol * |level|, abs_tol, noise_k * se_i)

   where ``se_i`` is the standard error of the smoothed mean's distance from the level on that day, the
   noise that smoothing leaves (:func:`_noise`), from batch means over the reference window: there the
   output is steady, so the spread of each replication's consecutive full-window means about its own mean
   (pooled over replications; a replication's persistent offset, e.g. its managers, cancels) is the noise
   of one smoothed replication; over ``n`` replications, plus the level's own error, it gives ``se_i`` for a
   full window, larger on the first ``w`` days where the window is shorter. Measuring the noise where the
   output is steady keeps the transient's own spread across replications out of it. Without it a
   rare-event output (a few quits a month) would pose its noise as a transient. The truncation
   day ``l`` is the last day on which the smoothed series lies outside the band (0 if it never does): from
   day ``l + 1`` on it stays inside, so a warm-up of ``l`` days deletes the transient. The band reported
   (and shaded in the chart) is that of a full window, with ``noise_se``.
   Welch's method presumes a steady state: the rise of a straight line fitted to the smoothed series over
   the reference window is the output's *drift* (its standard error from the replications' own drifts); an
   output whose drift is material (more than half the band) and clearly not noise (more than three standard
   errors) is still moving in the final year (a growth trend, not a start-up transient) and is reported as
   not steady;
4. the recommended warm-up (:func:`recommended_warmup`): the largest truncation day over the outputs and
   scenarios, rounded up to a multiple of 30 days.

``experiments/warmup.py`` runs it on the archetypes and writes docs/warmup.md; the model's default warm-up
:data:`simulation.api.DEFAULT_WARMUP_DAYS` is set from its recommendation.

This module is analysis: it reads arrays and daily tables and never runs an engine.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.scenario.schema import DAYS_PER_YEAR

__all__ = [
    "NOISE_K",
    "OUTPUTS",
    "REFERENCE_DAYS",
    "REL_TOL",
    "ROUND_TO",
    "WINDOW",
    "Output",
    "WelchResult",
    "output_matrix",
    "recommended_warmup",
    "reference_days",
    "replication_average",
    "welch_smooth",
    "welch_truncation",
]

#: Half-width ``w`` of the moving average (days): each smoothed point averages ``2w + 1 = 61`` days.
WINDOW = 30
#: Relative half-width of the tolerance band around the final-year level.
REL_TOL = 0.05
#: The band is at least this many standard errors of the smoothed mean's distance from the level. The band is
#: checked on about a thousand correlated days per output: in simulated stationary series of three years and
#: 20 replications (a rare-event rate like the quit rate; autocorrelated levels with replication offsets) pure
#: noise left a 4-SE band in at most 2 % of runs, a 3-SE band in up to 17 %.
NOISE_K = 4.0
#: The reference window: the final year of the horizon.
REFERENCE_DAYS = 365
#: The recommended warm-up is a multiple of this many days.
ROUND_TO = 30


@dataclass(frozen=True)
class Output:
    """An output of the analysis: its daily column (or derivation), label, unit and absolute tolerance."""

    name: str
    #: What it is, in words; ``title``: the same, short (a chart panel's title).
    label: str
    title: str
    unit: str
    #: The band's least half-width, for outputs whose level may be near zero.
    abs_tol: float


#: The outputs whose warm-up is measured.
OUTPUTS: tuple[Output, ...] = (
    Output("quit_rate_annual", "quits per employee, annualised", "Quit rate", "1/yr", 0.02),
    Output("engaged_share", "share of employees engaged", "Engaged share", "share of employees", 0.005),
    Output("satisfaction_mean", "mean customer satisfaction", "Customer satisfaction", "satisfaction [0,1]", 0.005),
    Output("active_customers", "active customers", "Active customers", "customers", 10.0),
    Output("profit", "profit (revenue minus cost)", "Profit", "USD/day", 100.0),
)


def output_matrix(daily: pd.DataFrame, output: str) -> np.ndarray:
    """One output of a one-scenario daily table as a (replications x days) array, days in order.

    ``quit_rate_annual`` is derived per replication and day: quits / employees x 365 (NaN without employees);
    any other name is a daily column.
    """
    d = daily.sort_values(["replication", "day"])
    if output == "quit_rate_annual":
        employees = d["employees"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(employees > 0, d["quits"].to_numpy(dtype=float) / employees * DAYS_PER_YEAR, np.nan)
    else:
        values = d[output].to_numpy(dtype=float)
    reps, days = int(d["replication"].nunique()), int(d["day"].nunique())
    if reps * days != len(d):
        raise ValueError(f"the daily table is not one row per replication and day ({len(d)} rows)")
    return values.reshape(reps, days)


def replication_average(matrix: np.ndarray) -> np.ndarray:
    """Welch's step 1: the mean over replications (rows) of each day (columns), ignoring NaN."""
    x = np.asarray(matrix, dtype=float)
    if x.ndim == 1:
        return x.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a day without any value: NaN, silently
        return np.nanmean(x, axis=0)


def welch_smooth(y: np.ndarray, w: int) -> np.ndarray:
    """Welch's moving average of half-width ``w`` (Law & Kelton 9.5.1), defined for days ``1 .. m - w``.

    Element ``i - 1`` is the mean of ``y_{i-w} .. y_{i+w}`` for ``i > w`` and of ``y_1 .. y_{2i-1}`` for
    ``i <= w`` (the window shrinks towards the start). Requires ``0 <= w <= m // 4`` (Law & Kelton's bound).
    A 2-D array is smoothed row by row (days along the last axis); NaN values are left out of their windows
    (a window without any value gives NaN).
    """
    y = np.asarray(y, dtype=float)
    m = y.shape[-1]
    if not 0 <= w <= m // 4:
        raise ValueError(f"window half-width w = {w}: allowed 0 <= w <= m // 4 = {m // 4} (m = {m} days)")
    ok = np.isfinite(y)
    zeros = np.zeros((*y.shape[:-1], 1))
    total = np.concatenate([zeros, np.cumsum(np.where(ok, y, 0.0), axis=-1)], axis=-1)
    count = np.concatenate([zeros, np.cumsum(ok, axis=-1)], axis=-1)
    i = np.arange(1, m - w + 1)  # 1-based days of the smoothed series
    half = np.minimum(i - 1, w)  # i - 1 below w: the shrinking window 2i - 1
    lo, hi = i - half, i + half  # 1-based, inclusive
    n = count[..., hi] - count[..., lo - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, (total[..., hi] - total[..., lo - 1]) / n, np.nan)


def reference_days(days: int, preferred: int = REFERENCE_DAYS) -> int:
    """The reference window: the final ``preferred`` days, or the final third of shorter horizons."""
    return max(1, min(int(preferred), int(days) // 3))


@dataclass(frozen=True)
class WelchResult:
    """Welch's method on one output of one scenario (see the module docstring)."""

    #: Replication average, day by day (``m`` values).
    average: np.ndarray
    #: The smoothed series (days ``1 .. m - w``).
    smoothed: np.ndarray
    window: int
    reference_days: int
    #: Mean of the replication average over the reference window.
    level: float
    #: Half-width of the tolerance band around ``level`` over the reference window (with ``noise_se``).
    band: float
    #: Half-width of the band day by day (days ``1 .. m - w``; wider where the smoothed mean is noisier).
    bands: np.ndarray
    #: Standard error of the smoothed mean's distance from the level with a full window (0 with one replication).
    noise_se: float
    #: Rise of a straight line fitted to the smoothed series over the reference window (the output's unit).
    drift: float
    #: Standard error of ``drift`` (from the replications' own drifts; 0 with one replication).
    drift_se: float
    #: The last day the smoothed series lies outside the band (0: never): the warm-up it asks for.
    truncation_day: int

    @property
    def steady(self) -> bool:
        """Whether the output is steady over the reference window: its drift is immaterial (at most half the
        band) or indistinguishable from noise (at most three standard errors)."""
        return bool(abs(self.drift) <= max(0.5 * self.band, 3.0 * self.drift_se))


def welch_truncation(
    matrix: np.ndarray,
    window: int = WINDOW,
    rel_tol: float = REL_TOL,
    abs_tol: float = 0.0,
    noise_k: float = NOISE_K,
    reference: int | None = None,
) -> WelchResult:
    """Welch's method on a (replications x days) array (one row is one replication; a 1-D array is one).

    ``reference``: days of the reference window (default :func:`reference_days` of the horizon). The
    window half-width must satisfy ``window <= days // 4``.
    """
    x = np.atleast_2d(np.asarray(matrix, dtype=float))
    avg = replication_average(x)
    m = len(avg)
    smoothed = welch_smooth(avg, window)
    ref = reference_days(m) if reference is None else int(reference)
    if not 1 <= ref <= m:
        raise ValueError(f"reference window of {ref} days: allowed 1 to {m}")
    level = float(np.nanmean(avg[m - ref :]))
    start = m - ref  # 0-based index of the reference window's first day (the smoothed series ends w days early)
    se = _noise(x, window, ref, len(smoothed))
    noise_se = float(se[-1]) if len(se) else 0.0  # a full window's
    # The drift: the rise of a straight line through the smoothed series over the reference window; its
    # standard error from the same line through each smoothed replication.
    drift = _drift(smoothed[start:], ref)
    drift_se = 0.0
    if x.shape[0] >= 2 and len(smoothed) > start:
        own = np.array([_drift(row, ref) for row in welch_smooth(x, window)[:, start:]])
        own = own[np.isfinite(own)]
        drift_se = float(np.std(own, ddof=1) / np.sqrt(len(own))) if len(own) >= 2 else 0.0
    floor = max(rel_tol * abs(level), abs_tol)
    band = max(floor, noise_k * noise_se)
    bands = np.maximum(floor, noise_k * se)
    outside = np.flatnonzero(~(np.abs(smoothed - level) <= bands))  # NaN counts as outside
    truncation = int(outside[-1] + 1) if len(outside) else 0
    return WelchResult(
        avg, smoothed, int(window), ref, level, float(band), bands, noise_se, drift, drift_se, truncation
    )


def _noise(x: np.ndarray, window: int, reference: int, length: int) -> np.ndarray:
    """Day by day (``length`` days), the standard error of the smoothed mean's distance from the level.

    Batch means over the reference window (the final ``reference`` days, where the output is steady): each
    replication's days there are cut into ``B`` consecutive batches of a full window (``2w + 1`` days); the
    variance of a batch mean about its replication's own mean, pooled over replications (so a replication's
    persistent offset cancels), is the variance ``v`` of one replication's full-window mean. The smoothed
    mean of ``n`` replications then has variance ``v / n`` and the level ``v / (n B)``; their sum is the
    variance of the distance on a full-window day, scaled by ``(2w + 1) / (2i - 1)`` on the first ``w`` days
    (a shorter window). Zero when the reference window holds fewer than two batches.
    """
    span = 2 * window + 1
    batches = reference // span
    if batches < 2 or length == 0:
        return np.zeros(length)
    reps = x.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(x[:, x.shape[1] - batches * span :].reshape(reps, batches, span), axis=2)
        v = float(np.nanmean(np.nanvar(means, axis=1, ddof=1)))
    if not np.isfinite(v):
        return np.zeros(length)
    i = np.arange(1, length + 1)
    days = 2 * np.minimum(i, window + 1) - 1  # the days in each day's window
    return np.sqrt(v / reps * (1.0 + 1.0 / batches) * span / days)


def _drift(series: np.ndarray, span: int) -> float:
    """The rise over ``span`` days of the least-squares line through ``series`` (0 with fewer than 3 values)."""
    ok = np.isfinite(series)
    if ok.sum() < 3:
        return 0.0
    days = np.arange(len(series), dtype=float)
    return float(np.polyfit(days[ok], series[ok], 1)[0] * (span - 1))


def recommended_warmup(truncation_days: Iterable[int], multiple: int = ROUND_TO) -> int:
    """The largest truncation day, rounded up to a multiple of ``multiple`` days (0 when there is none)."""
    days = [int(d) for d in truncation_days]
    top = max(days, default=0)
    return int(math.ceil(top / multiple) * multiple) if top > 0 else 0
