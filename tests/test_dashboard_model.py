"""The reference engine's Mesa conventions: a DataCollector and construction from keywords alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simulation
from simulation.engines.mesa_engine import FirmModel
from simulation.engines.mesa_engine.agents import Customer, Employee
from simulation.metrics import DAILY_COLUMNS
from simulation.runner import run_mesa_replication

TINY = {"customers.initial": 250, "firm.frontline": 5, "firm.back_office": 2, "firm.managers": 1}


def test_model_vars_dataframe_has_one_row_per_step_equal_to_rows():
    model = FirmModel("customer_focused", seed=3, overrides=TINY)
    assert model.datacollector.get_model_vars_dataframe().empty
    for _ in range(4):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(DAILY_COLUMNS)
    assert len(df) == 4 == len(model.rows)
    expected = pd.DataFrame(model.rows, columns=list(DAILY_COLUMNS))
    pd.testing.assert_frame_equal(df.astype(float), expected.astype(float))


def test_collecting_draws_no_random_numbers_and_matches_the_runner():
    s = simulation.load_scenario("scenarios/customer_focused.yaml", overrides=TINY)
    with_agents = FirmModel(s, seed=5, collect_agents=True)
    for _ in range(6):
        with_agents.step()
    table = run_mesa_replication(s, days=6, seed=5, replication=0)
    np.testing.assert_array_equal(
        pd.DataFrame(with_agents.rows)[list(DAILY_COLUMNS)].to_numpy(float), table[list(DAILY_COLUMNS)].to_numpy(float)
    )


def test_agent_reporters_by_type():
    model = FirmModel("customer_focused", seed=1, overrides=TINY, collect_agents=True)
    model.step()
    model.step()
    cust = model.datacollector.get_agenttype_vars_dataframe(Customer)
    emp = model.datacollector.get_agenttype_vars_dataframe(Employee)
    assert set(cust.columns) == {"satisfaction"}
    assert {"engagement", "stress"} <= set(emp.columns)
    last = cust.xs(2, level="Step")
    assert len(last) == len(model.customers)
    assert last["satisfaction"].between(0, 1).all()
    assert len(emp.xs(2, level="Step")) == len(model.frontline) + len(model.back_office)


def test_keyword_construction_dotted_and_dunder_and_path():
    a = FirmModel(scenario="customer_focused", seed=2, **{**TINY, "people_first.level": 0.4})
    b = FirmModel(
        scenario="scenarios/customer_focused.yaml",
        seed=2,
        customers__initial=250,
        firm__frontline=5,
        firm__back_office=2,
        firm__managers=1,
        people_first__level=0.4,
    )
    assert a.scenario == b.scenario
    assert a.scenario.people_first.level == 0.4 and a.scenario.name == "customer_focused"
    a.step()
    b.step()
    assert a.rows == b.rows
    assert FirmModel().scenario == simulation.Scenario()


def test_keyword_construction_errors_name_the_problem():
    with pytest.raises(simulation.ScenarioError, match="customer_focused"):
        FirmModel(scenario="no_such_firm")
    with pytest.raises(simulation.ScenarioError, match="people_first.level"):
        FirmModel(scenario="customer_focused", **{"people_first.level": 3.0})
