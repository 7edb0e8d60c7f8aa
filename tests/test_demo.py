"""The demo experiment (``experiments/demo.py --quick``) runs end to end and writes its outputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ARCHETYPES = ("operations_focused", "customer_focused")


@pytest.mark.slow
def test_demo_quick_writes_charts_and_tables(tmp_path: Path, run_experiment) -> None:
    out = tmp_path / "demo"
    proc = run_experiment("demo.py", "--quick", "--out", str(out), timeout=300)
    for stem in ("loyalty_cost_attrition", "cost_breakdown", "differences", "outcomes"):
        for ext in ("png", "svg"):
            path = out / f"{stem}.{ext}"
            assert path.is_file() and path.stat().st_size > 1000, path
    assert (out / "loyalty_cost_attrition.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (out / "cost_breakdown.svg").read_text(encoding="utf-8")[:2000]
    assert str(out) in proc.stdout, "the demo says where its outputs are"

    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Operations-focused versus customer-focused")
    assert "| metric | unit | operations focused | customer focused | difference [90 %] |" in summary
    assert "| retention_annual | share/yr |" in summary

    daily = pd.read_parquet(out / "daily.parquet")
    assert set(daily["scenario"]) == set(ARCHETYPES)
    # --quick: 60 days, 2 replications per archetype.
    assert len(daily) == 2 * 60 * 2
    diffs = pd.read_csv(out / "differences.csv")
    assert {"metric", "unit", "baseline", "scenario", "mean", "lo", "hi"} <= set(diffs.columns)
    assert set(diffs["scenario"]) == {"customer_focused"} and (diffs["lo"] <= diffs["hi"]).all()
    assert (out / "study.json").is_file()


@pytest.mark.slow
def test_bench_mesa_quick_writes_a_table(tmp_path: Path, run_experiment) -> None:
    """The benchmark script runs in quick mode and writes its table (times are not asserted)."""
    out = tmp_path / "perf.md"
    run_experiment("bench_mesa.py", "--quick", "--out", str(out), timeout=300)
    text = out.read_text()
    assert "| operations_focused | 20 |" in text and "| customer_focused | 20 |" in text
    assert "encounters per second" in text


@pytest.mark.slow
def test_calibration_report_quick_writes_a_table(tmp_path: Path, run_experiment) -> None:
    """The calibration report runs in quick mode and writes one row per stylized fact."""
    from simulation.calibration import TARGETS

    out = tmp_path / "calibration.md"
    run_experiment("calibration_report.py", "--quick", "--workers", "1", "--out", str(out))
    text = out.read_text()
    assert "QUICK MODE" in text
    assert sum(line.startswith("| ") for line in text.splitlines()) == len(TARGETS) + 1  # header + rows
