"""The reference engine: Mesa agents with a SimPy service day inside each step."""

from simulation.engines.mesa_engine.agents import Customer, Employee, Manager
from simulation.engines.mesa_engine.model import FirmModel
from simulation.engines.mesa_engine.service_day import DayParams, DayStats, day_params, run_service_day

__all__ = ["Customer", "DayParams", "DayStats", "Employee", "FirmModel", "Manager", "day_params", "run_service_day"]
