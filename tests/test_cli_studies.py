"""``focussim compare|sweep|sensitivity|transition`` end to end through the console script (small firm)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_cli_run import ROOT, focussim

pytestmark = pytest.mark.slow

SMALL = """extends: {base}
name: {name}
customers:
  initial: 300
firm:
  frontline: 3
  back_office: 1
  managers: 1
"""


@pytest.fixture()
def tiny(tmp_path: Path):
    """Small copies of the two archetypes, as YAML files that extend the shipped ones."""

    def make(kind: str) -> Path:
        path = tmp_path / f"{kind}_small.yaml"
        path.write_text(SMALL.format(base=ROOT / "scenarios" / f"{kind}.yaml", name=f"{kind}_small"))
        return path

    return make


def ok(result) -> str:
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return result.stdout


def test_compare_writes_differences_and_charts(tiny, tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    text = ok(
        focussim(
            "compare",
            tiny("operations_focused"),
            tiny("customer_focused"),
            "--replications",
            "3",
            "--days",
            "20",
            "--out",
            out,
        )
    )
    assert "files written to" in text and str(out) in text.replace("\n", "")
    diffs = pd.read_csv(out / "differences.csv")
    assert {"metric", "unit", "mean", "lo", "hi"} <= set(diffs.columns)
    assert (out / "differences.png").stat().st_size > 0 and (out / "study.json").exists()


def test_sweep_grid_has_the_asked_for_points(tiny, tmp_path: Path) -> None:
    out = tmp_path / "sw"
    ok(
        focussim(
            "sweep",
            tiny("customer_focused"),
            "--vary",
            "recovery.generosity=0.2:0.8:3",
            "--replications",
            "2",
            "--days",
            "15",
            "--out",
            out,
        )
    )
    table = pd.read_parquet(out / "sweep.parquet")
    assert sorted(table["recovery.generosity"].unique()) == pytest.approx([0.2, 0.5, 0.8])
    assert len(table) == 3 * 2
    assert (out / "sweep.png").exists() and (out / "sweep.svg").exists()


def test_sweep_lhs_and_a_bad_vary_is_one_line(tiny, tmp_path: Path) -> None:
    out = tmp_path / "lhs"
    ok(
        focussim(
            "sweep",
            tiny("customer_focused"),
            "--vary",
            "recovery.generosity=0.2:0.8",
            "--vary",
            "training.hours_per_year=10:80",
            "--design",
            "lhs",
            "--samples",
            "4",
            "--replications",
            "1",
            "--days",
            "10",
            "--out",
            out,
        )
    )
    assert len(pd.read_parquet(out / "design.parquet")) == 4
    bad = focussim("sweep", tiny("customer_focused"), "--vary", "recovery.generosity=0.2,7", "--out", tmp_path / "x")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "recovery.generosity" in bad.stderr


def test_sensitivity_morris_charts_indices(tiny, tmp_path: Path) -> None:
    out = tmp_path / "sa"
    ok(
        focussim(
            "sensitivity",
            tiny("customer_focused"),
            "--vary",
            "recovery.generosity=0.2:0.9",
            "--vary",
            "training.hours_per_year=10:80",
            "--method",
            "morris",
            "--samples",
            "2",
            "--replications",
            "1",
            "--days",
            "10",
            "--out",
            out,
        )
    )
    idx = pd.read_csv(out / "indices.csv")
    assert set(idx["output"]) == {"profit", "retention_annual", "turnover_annual"}
    assert (out / "sensitivity.png").exists()


def test_transition_writes_the_jcurve(tiny, tmp_path: Path) -> None:
    out = tmp_path / "tr"
    text = ok(
        focussim(
            "transition",
            tiny("operations_focused"),
            tiny("customer_focused"),
            "--at-day",
            "10",
            "--replications",
            "2",
            "--days",
            "30",
            "--out",
            out,
        )
    )
    assert "files written to" in text
    jc = pd.read_parquet(out / "jcurve.parquet")
    assert {"replication", "day", "delta_cumulative_profit"} <= set(jc.columns)
    assert (out / "jcurve.png").exists() and (out / "breakeven.csv").exists()


@pytest.mark.parametrize("command", ["sensitivity", "discover"])
def test_a_list_of_values_where_a_range_is_needed_is_one_line(command: str, tiny, tmp_path: Path) -> None:
    """sensitivity and discover vary over ranges: ``key=v1,v2`` is refused before anything runs."""
    scenarios = [tiny("customer_focused")] + ([tiny("operations_focused")] if command == "discover" else [])
    bad = focussim(command, *scenarios, "--vary", "recovery.generosity=0.2,0.8", "--out", tmp_path / "x")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and "--vary recovery.generosity" in lines[0] and "a range key=lo:hi" in lines[0]
    assert not (tmp_path / "x").exists()
