"""Every experiment script runs with ``--quick`` and writes its charts, tables and summary.

The numbers of a quick run are not findings (a small firm, 60 days after the default warm-up, 2 replications;
warmup.py runs without a warm-up); the checks are
that the script answers its question in the expected form: a summary headed by the question with an
**Answer.** paragraph, PNG and SVG charts, readable non-empty tables, a provenance file per study.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from simulation.api import DEFAULT_WARMUP_DAYS

pytestmark = pytest.mark.slow

SCRIPTS = (
    "ops_vs_customer.py",
    "lenscrafters_returns.py",
    "southwest_chain.py",
    "healthcare_compliance.py",
    "jcurve_transition.py",
    "quality_erosion.py",
    "service_heroes.py",
    "two_roads.py",
    "warmup.py",
    "payback.py",
)


@pytest.mark.parametrize("script", SCRIPTS)
def test_experiment_runs_quick_and_writes_its_outputs(script: str, tmp_path: Path, run_experiment) -> None:
    out = tmp_path / script.removesuffix(".py")
    proc = run_experiment(script, "--quick", "--out", str(out), timeout=600)
    assert str(out) in proc.stdout, "the script says where its outputs are"

    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# ") and summary.splitlines()[0].endswith("?"), summary.splitlines()[0]
    assert "**Answer.**" in summary
    assert "Quick run" in summary and "not a finding" in summary
    assert "| " in summary, "a table of numbers"

    pngs = sorted(out.rglob("*.png"))
    assert pngs, "charts"
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
        assert png.with_suffix(".svg").is_file(), png
    studies = sorted(out.rglob("study.json"))
    assert studies, "provenance"
    for record in studies:
        data = json.loads(record.read_text())
        assert data["seed"] == 2026 and data["days"] == 60 and data["replications"] == 2, record
        # The default warm-up reaches every study (warmup.py measures the transient: it runs without one).
        assert data["warmup_days"] == (0 if script == "warmup.py" else DEFAULT_WARMUP_DAYS), record
    for table in out.rglob("*.parquet"):
        frame = pd.read_parquet(table)
        assert len(frame) > 0 and len(frame.columns) > 1, table


def test_every_experiment_script_is_tested() -> None:
    """A new experiment script must join SCRIPTS (demo, benchmarks and the calibration report have their own)."""
    here = Path(__file__).resolve().parents[1] / "experiments"
    own = {"demo.py", "calibration_report.py"}
    found = {p.name for p in here.glob("*.py") if not p.name.startswith(("_", "bench")) and p.name not in own}
    assert found == set(SCRIPTS)
