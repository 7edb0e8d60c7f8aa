"""The shipped scenario files: they load, run, document themselves and encode the archetypes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import simulation
from simulation.metrics import DAILY_COLUMNS, HEADLINE
from simulation.scenario import Scenario, load_scenario, scenario_hash, shipped_scenarios
from simulation.scenario.defaults import base_yaml_text

SHIPPED = shipped_scenarios()
BY_NAME = {p.stem: p for p in SHIPPED}


def test_the_expected_files_are_shipped() -> None:
    assert {"base", "operations_focused", "customer_focused"} <= set(BY_NAME)


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_runs_at_its_own_size(path: Path) -> None:
    """Each shipped file validates and runs a month at its default size without NaNs."""
    scenario = load_scenario(path)
    # A smoke test of the file, not of its steady state: no warm-up (a year at full size in mesa takes ~45 s).
    res = simulation.run(scenario, engine="mesa", days=30, replications=1, seed=0, warmup_days=0)
    daily = res.daily
    assert len(daily) == 30
    headline_daily = [m for m in HEADLINE if m in DAILY_COLUMNS]
    assert not daily[headline_daily].isna().any().any(), daily[headline_daily].isna().sum()
    assert (daily["active_customers"] > 0).all()
    summary = res.summary()
    assert np.isfinite(summary["mean"].to_numpy()).all(), summary[~np.isfinite(summary["mean"])]


def test_base_yaml_is_the_schema_defaults() -> None:
    """scenarios/base.yaml resolves to Scenario() and is the committed output of its generator."""
    path = BY_NAME["base"]
    assert scenario_hash(load_scenario(path)) == scenario_hash(Scenario())
    assert load_scenario(path).flat() == Scenario().flat()
    assert path.read_text(encoding="utf-8") == base_yaml_text(), (
        "scenarios/base.yaml is stale: run `python -m simulation.scenario.defaults`"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_file_documents_itself(path: Path) -> None:
    """Each file opens with a comment header (at least 3 lines) and has a description."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = 0
    for line in lines:
        if not line.startswith("#"):
            break
        header += 1
    assert header >= 3, f"{path.name}: comment header of {header} line(s)"
    scenario = load_scenario(path)
    assert scenario.description.strip()
    assert scenario.name == path.stem


def test_archetypes_differ_on_the_six_levers() -> None:
    """Operations-focused vs customer-focused, lever by lever."""
    ops = load_scenario(BY_NAME["operations_focused"])
    cust = load_scenario(BY_NAME["customer_focused"])
    assert ops.empowerment.mode == "approval"
    assert cust.empowerment.mode == "guidelines"
    assert ops.hiring.fit_weight < cust.hiring.fit_weight
    assert ops.training.soft_skill_share < cust.training.soft_skill_share
    assert ops.leadership.consistency < cust.leadership.consistency
    assert ops.people_first.level < cust.people_first.level
    assert ops.service_philosophy.internal_orientation < cust.service_philosophy.internal_orientation
    # The budget rule belongs to the operations-focused firm.
    assert ops.budget.cost_cutting and not cust.budget.cost_cutting


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_default_firm_size(path: Path) -> None:
    """About 5,000 customers, 40 frontline, 10 back office and 4 managers."""
    s = load_scenario(path)
    assert math.isclose(s.customers.initial, 5000, rel_tol=0.1)
    assert math.isclose(s.firm.frontline, 40, rel_tol=0.1)
    assert math.isclose(s.firm.back_office, 10, rel_tol=0.1)
    assert s.firm.managers == 4
