"""Results of a run: the tidy daily table, summaries and files with provenance."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.metrics import HEADLINE, METRICS, run_values

__all__ = ["Results", "package_versions", "run_unit"]

_PACKAGES = ("focussim", "mesa", "simpy", "numba", "numpy", "pandas", "pydantic", "pyarrow")


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape the numbers."""
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def run_unit(metric: str) -> str:
    """The unit of a metric's run-level value: a flow's is its daily unit summed over the run."""
    m = METRICS[metric]
    return m.unit.replace("/day", " (run total)") if m.kind == "flow" else m.unit


@dataclass
class Results:
    """What :func:`simulation.run` returns.

    Attributes:
        daily: tidy table, one row per (scenario, replication, day), one column per metric
            (see :data:`simulation.metrics.METRICS` for units); empty with ``output="summary"``.
        provenance: resolved parameters and their hash, seeds, engine, package versions, wall time.
        replications: per-replication run values when the engine computed them (else derived
            from ``daily`` on demand).
        bands: per (scenario, metric, day): mean and 5/25/50/75/95 % quantiles across
            replications (``output="summary"``; else computed from ``daily`` by :meth:`daily_bands`).
    """

    daily: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)
    replications: pd.DataFrame | None = None
    bands: pd.DataFrame | None = None

    def per_replication(self) -> pd.DataFrame:
        """One row per replication: every metric's run-level value (levels at the end, flows summed)."""
        if self.replications is not None:
            return self.replications
        return run_values(self.daily)

    def daily_bands(self) -> pd.DataFrame:
        """Per (scenario, metric, day): mean and quantiles across replications."""
        if self.bands is not None:
            return self.bands
        from simulation.metrics import DAILY_COLUMNS
        from simulation.runner import daily_bands

        frames = []
        for name, g in self.daily.groupby("scenario", sort=False):
            g = g.sort_values(["replication", "day"])
            reps, days = g["replication"].nunique(), g["day"].nunique()
            cube = g[list(DAILY_COLUMNS)].to_numpy(dtype=np.float64).reshape(reps, days, len(DAILY_COLUMNS))
            frames.append(daily_bands(cube, str(name)))
        return pd.concat(frames, ignore_index=True)

    def summary(self, metrics: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
        """Per metric and scenario: mean, 5th and 95th percentile across replications."""
        per_rep = self.per_replication()
        rows = []
        for scenario, g in per_rep.groupby("scenario", sort=False):
            for name in metrics:
                v = g[name].to_numpy(dtype=float)
                v = v[np.isfinite(v)]
                rows.append(
                    {
                        "scenario": scenario,
                        "metric": name,
                        "unit": run_unit(name),
                        "mean": float(v.mean()) if v.size else float("nan"),
                        "p5": float(np.percentile(v, 5)) if v.size else float("nan"),
                        "p95": float(np.percentile(v, 95)) if v.size else float("nan"),
                        "replications": int(v.size),
                    }
                )
        return pd.DataFrame(rows)

    def save(self, directory: str | Path) -> list[Path]:
        """Write ``daily.parquet`` (or ``bands.parquet`` without a daily table), ``replications.csv``,
        ``summary.csv`` and ``run.json``; returns the paths."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        if len(self.daily) or self.bands is None:
            paths.append(out / "daily.parquet")
            self.daily.to_parquet(paths[-1], index=False)
        if self.bands is not None:
            paths.append(out / "bands.parquet")
            self.bands.to_parquet(paths[-1], index=False)
        paths.append(out / "replications.csv")
        self.per_replication().to_csv(paths[-1], index=False)
        paths.append(out / "summary.csv")
        self.summary().to_csv(paths[-1], index=False)
        paths.append(out / "run.json")
        paths[-1].write_text(json.dumps(self.provenance, indent=2, sort_keys=True, default=str) + "\n")
        return paths
