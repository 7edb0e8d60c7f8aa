"""``focussim run`` through the installed console script, with a real (small) model run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FOCUSSIM = Path(sys.executable).parent / "focussim"
SMALL_SET = [
    "--set",
    "customers.initial=300",
    "--set",
    "firm.frontline=4",
    "--set",
    "firm.back_office=1",
    "--set",
    "firm.managers=1",
]
TIMEOUT_S = 120


def focussim(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the console script from the repository root; plain output, wide terminal."""
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(
        [str(FOCUSSIM), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=env,
        check=False,
    )


def small_run(out: Path) -> subprocess.CompletedProcess[str]:
    return focussim(
        "run", "scenarios/base.yaml", "--days", "5", "--replications", "2", "--seed", "3", *SMALL_SET, "--out", out
    )


@pytest.fixture(scope="module")
def console_script() -> Path:
    assert FOCUSSIM.is_file(), f"console script not installed at {FOCUSSIM}"
    return FOCUSSIM


def test_run_writes_results_and_prints_a_table(console_script: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    result = small_run(first)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("daily.parquet", "summary.csv", "run.json"):
        assert (first / name).is_file(), name
    assert f"results: {first}" in result.stdout
    assert "base: 2 replication(s) x 5 days" in result.stdout
    for word in ("metric", "mean", "p5", "p95", "active_customers", "cost_total"):
        assert word in result.stdout, word
    daily = pd.read_parquet(first / "daily.parquet")
    assert len(daily) == 10
    assert sorted(daily["replication"].unique()) == [0, 1]
    assert daily["day"].tolist() == [1, 2, 3, 4, 5] * 2
    assert (daily["employees"] + daily["vacancies"] <= 6).all()

    # Reproducible from the command line.
    again = small_run(second)
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(second / "daily.parquet"), daily)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_bad_set_value_is_one_line_exit_2(console_script: Path, tmp_path: Path) -> None:
    result = focussim(
        "run", "scenarios/base.yaml", "--days", "5", "--set", "empowerment.mode=sometimes", "--out", tmp_path / "bad"
    )
    line = _one_error_line(result)
    assert "empowerment.mode" in line
    assert not (tmp_path / "bad").exists()


def test_missing_scenario_file_is_one_line_exit_2(console_script: Path, tmp_path: Path) -> None:
    result = focussim("run", "scenarios/no_such_file.yaml", "--days", "5", "--out", tmp_path / "missing")
    line = _one_error_line(result)
    assert "no_such_file.yaml" in line
    assert not (tmp_path / "missing").exists()


def test_validate_shipped_scenarios(console_script: Path) -> None:
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    result = focussim("validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok  ") == len(files)


def test_help_lists_the_commands(console_script: Path) -> None:
    result = focussim("--help")
    assert result.returncode == 0, result.stderr
    for command in ("run", "validate", "scenarios", "params"):
        assert command in result.stdout, command
