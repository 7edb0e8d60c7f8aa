"""Scenario layer: the validated schema and the YAML loader."""

from simulation.scenario.loader import load_scenario, parse_set, scenario_hash, shipped_scenarios, with_overrides
from simulation.scenario.schema import Scenario, field_table

__all__ = [
    "Scenario",
    "field_table",
    "load_scenario",
    "parse_set",
    "scenario_hash",
    "shipped_scenarios",
    "with_overrides",
]
