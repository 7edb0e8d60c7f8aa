"""The focussim command line: validate, scenarios, params and run's error handling.

A real model run is tested elsewhere; here ``run`` talks to a fake engine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from simulation import cli
from simulation.cli import app
from simulation.scenario import load_scenario, scenario_hash, shipped_scenarios

runner = CliRunner()


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text("name: nice\nfirm: {frontline: 12}\n", encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text("firm:\n  frontline: [many]\n", encoding="utf-8")
    return path


def test_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "scenarios", "params", "run"):
        assert command in result.output
    for command in ("validate", "scenarios", "params", "run"):
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0, sub.output
        assert "Usage" in sub.output


def test_validate_good(good: Path) -> None:
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    digest = scenario_hash(load_scenario(good))
    assert f"ok  {good}  (nice, {digest})" in result.stdout
    assert result.stderr == ""


def test_validate_bad_and_good(good: Path, bad: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = runner.invoke(app, ["validate", str(bad), str(good), str(missing)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    err = lines(result.stderr)
    assert len(err) == 2  # one line per bad file
    assert "broken.yaml" in err[0] and "firm.frontline" in err[0] and "allowed" in err[0]
    assert err[0].startswith("focussim: ")
    assert "missing.yaml" in err[1]
    assert f"ok  {good}" in result.stdout  # checked although the first file failed


def test_validate_long_error_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 60 + ".yaml")
    path.write_text("firm:\n  frontlin: 3\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert len(lines(result.stderr)) == 1
    assert "did you mean 'frontline'?" in result.stderr


def test_validate_markup_is_not_interpreted(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text('firm: {frontline: "[bold]x[/bold]"}\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "[bold]" in result.stderr


def test_validate_needs_a_file() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_scenarios_lists_shipped() -> None:
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0, result.output
    assert "file" in result.stdout and "description" in result.stdout
    for path in shipped_scenarios():
        assert path.name in result.stdout


def test_params() -> None:
    result = runner.invoke(app, ["params"])
    assert result.exit_code == 0, result.output
    assert "empowerment.discretion_limit_usd" in result.stdout
    assert "firm.frontline" in result.stdout


def test_params_wide() -> None:
    wide = cli.out.width
    cli.out.width = 200
    try:
        result = runner.invoke(app, ["params", "--section", "empowerment"])
    finally:
        cli.out.width = wide
    assert result.exit_code == 0, result.output
    assert "empowerment.discretion_limit_usd" in result.stdout
    assert "approval, guidelines" in result.stdout
    assert "firm.frontline" not in result.stdout


def test_params_unknown_section() -> None:
    result = runner.invoke(app, ["params", "--section", "empowermnt"])
    assert result.exit_code == 2
    assert lines(result.stderr) == [result.stderr.strip()]
    assert "did you mean 'empowerment'?" in result.stderr


def test_run_bad_set(good: Path) -> None:
    result = runner.invoke(app, ["run", str(good), "--set", "firm.frontline=forty"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    err = lines(result.stderr)
    assert len(err) == 1
    assert err[0].startswith("focussim: --set: firm.frontline = 'forty'")
    assert "allowed" in err[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "firm.frontlin=3"], "did you mean 'frontline'?"),
        (["--set", "nonsense"], "--set"),
        (["--set", "firm.frontline=!!python/name:os.system"], "tags are not allowed"),
        (["--days", "0"], "--days"),
        (["--replications", "-1"], "--replications"),
    ],
)
def test_run_bad_options(good: Path, args: list[str], expected: str) -> None:
    result = runner.invoke(app, ["run", str(good), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(lines(result.stderr)) == 1
    assert expected in result.stderr


def test_run_bad_scenario_file(bad: Path) -> None:
    result = runner.invoke(app, ["run", str(bad)])
    assert result.exit_code == 2
    assert len(lines(result.stderr)) == 1
    assert "broken.yaml" in result.stderr


class FakeResults:
    def __init__(self) -> None:
        self.saved: list[Path] = []

    def summary(self) -> Any:
        import pandas as pd

        return pd.DataFrame(
            {
                "metric": ["profit", "satisfaction"],
                "unit": ["USD", "index [0,1]"],
                "mean": [1234567.0, 0.8123],
                "p5": [1000000.0, 0.79],
                "p95": [1500000.0, 0.83],
            }
        )

    def save(self, folder: Path) -> list[Path]:
        self.saved.append(Path(folder))
        return []


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    calls: dict[str, Any] = {"results": FakeResults()}

    def fake_run(scenario: Any, **kwargs: Any) -> FakeResults:
        calls["scenario"] = scenario
        calls["kwargs"] = kwargs
        progress = kwargs.get("progress")
        if progress is not None:
            total = kwargs["days"] * kwargs["replications"]
            for done in (1, total // 2, total):
                progress(done, total)
        if calls.get("interrupt"):
            raise KeyboardInterrupt
        return calls["results"]

    monkeypatch.setattr(cli, "_engine_api", lambda: (fake_run, ("mesa",)))
    return calls


def test_run_with_fake_engine(good: Path, tmp_path: Path, fake_engine: dict[str, Any]) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            str(good),
            "--days",
            "10",
            "--replications",
            "3",
            "--seed",
            "7",
            "--set",
            "empowerment.mode=guidelines",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    scenario = fake_engine["scenario"]
    assert scenario.empowerment.mode == "guidelines" and scenario.firm.frontline == 12
    kwargs = fake_engine["kwargs"]
    assert (kwargs["engine"], kwargs["days"], kwargs["replications"], kwargs["seed"]) == (
        "mesa",
        10,
        3,
        7,
    )
    assert fake_engine["results"].saved == [out]
    assert "profit" in result.stdout and "satisfaction" in result.stdout
    assert str(out) in result.stdout.replace("\n", "")


def test_run_default_out_folder(
    good: Path, fake_engine: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", str(good), "--quiet", "--set", "name=../../evil name"])
    assert result.exit_code == 0, result.output
    (saved,) = fake_engine["results"].saved
    assert saved.parent == Path("results")
    assert ".." not in saved.parts and "/" not in saved.name
    assert "progress" not in fake_engine["kwargs"]


def test_run_unknown_engine(good: Path, fake_engine: dict[str, Any]) -> None:
    result = runner.invoke(app, ["run", str(good), "--engine", "warp"])
    assert result.exit_code == 2
    err = lines(result.stderr)
    assert len(err) == 1 and "warp" in err[0] and "allowed: mesa" in err[0]


def test_run_interrupted(good: Path, tmp_path: Path, fake_engine: dict[str, Any]) -> None:
    fake_engine["interrupt"] = True
    result = runner.invoke(app, ["run", str(good), "--out", str(tmp_path / "o")])
    assert result.exit_code == 130
    assert "focussim: interrupted" in result.stderr
    assert "Traceback" not in result.output


def test_cli_import_is_light() -> None:
    code = (
        "import sys, simulation.cli\n"
        "heavy = [m for m in ('mesa', 'numba') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(cli.__file__).parents[1])
