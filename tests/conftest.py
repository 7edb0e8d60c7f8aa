"""Shared fixtures: a tiny scenario, fake service-day agents and a scripted RNG.

The service day (``simulation.engines.mesa_engine.service_day``) is
duck-typed: it needs employees, customers and generators with a few
attributes and methods. The fakes here have exactly those, so a test can
build a day by hand and, with :class:`ScriptedRNG`, control every draw.
The classes are handed out through session-scoped fixtures (safe to use
with hypothesis' ``@given``).
"""

from __future__ import annotations

import subprocess
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulation.scenario.schema import Customers, Firm, Scenario

#: The generators ``run_service_day`` expects.
DAY_STREAMS = ("arrivals", "service", "exceptions", "handoffs", "approvals")


@dataclass
class FakeEmployee:
    """What the service day reads and writes on an employee."""

    unique_id: Any = 0
    technical: float = 0.5
    soft: float = 0.5
    fit: float = 0.5
    engagement: float = 0.5
    productivity: float = 1.0
    busy_min: float = 0.0
    served: int = 0
    experience_sum: float = 0.0


@dataclass
class FakeCustomer:
    """What the service day reads and writes on a customer (segment 0 = regular)."""

    segment: int = 0
    satisfaction: float = 0.8
    sensitivity: float = 0.3
    expected_wait_min: float = 0.0
    pending_repeats: int = 0
    abuser: bool = False
    learned_limit: bool = False


class ScriptedRNG:
    """A generator whose draws come from per-method queues.

    ``ScriptedRNG(random=[0.1, 0.9], gamma=[3.0])`` returns 0.1 then 0.9 from
    ``random()`` and 3.0 from ``gamma(shape, scale)`` whatever the arguments.
    A draw nobody scripted raises ``AssertionError`` (an unexpected draw is a
    test failure, not a silent default). Every call is recorded in
    ``calls`` as ``(method, args)``.
    """

    METHODS = ("random", "exponential", "gamma", "lognormal")

    def __init__(self, name: str = "rng", **scripts: list[float]):
        unknown = set(scripts) - set(self.METHODS)
        if unknown:
            raise TypeError(f"no such scripted method: {sorted(unknown)}")
        self.name = name
        self.queues = {m: deque(scripts.get(m, ())) for m in self.METHODS}
        self.calls: list[tuple[str, tuple]] = []

    def _draw(self, method: str, *args: float) -> float:
        self.calls.append((method, args))
        queue = self.queues[method]
        if not queue:
            raise AssertionError(f"unscripted draw {self.name}.{method}{args}")
        return queue.popleft()

    def random(self) -> float:
        return self._draw("random")

    def exponential(self, scale: float = 1.0) -> float:
        return self._draw("exponential", scale)

    def gamma(self, shape: float, scale: float = 1.0) -> float:
        return self._draw("gamma", shape, scale)

    def lognormal(self, mean: float = 0.0, sigma: float = 1.0) -> float:
        return self._draw("lognormal", mean, sigma)

    def left(self) -> dict[str, list[float]]:
        """Scripted values not drawn (empty when the script was used up)."""
        return {m: list(q) for m, q in self.queues.items() if q}


def scripted_streams(**scripts: dict[str, list[float]]) -> dict[str, ScriptedRNG]:
    """The day's five generators, scripted: ``scripted_streams(service={"gamma": [3.0]})``."""
    unknown = set(scripts) - set(DAY_STREAMS)
    if unknown:
        raise TypeError(f"no such stream: {sorted(unknown)}")
    return {name: ScriptedRNG(name, **scripts.get(name, {})) for name in DAY_STREAMS}


@pytest.fixture(scope="session")
def fake_employee() -> type[FakeEmployee]:
    return FakeEmployee


@pytest.fixture(scope="session")
def fake_customer() -> type[FakeCustomer]:
    return FakeCustomer


@pytest.fixture(scope="session")
def scripted_rng() -> type[ScriptedRNG]:
    return ScriptedRNG


@pytest.fixture(scope="session")
def make_streams():
    """Factory of the day's five scripted generators (see :func:`scripted_streams`)."""
    return scripted_streams


@pytest.fixture(scope="session")
def tiny_scenario() -> Scenario:
    """A small valid firm: 3 frontline, 1 back office, 1 manager, 30 customers."""
    return Scenario(
        name="tiny",
        firm=Firm(frontline=3, back_office=1, managers=1),
        customers=Customers(initial=30),
    )


EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"


def _run_experiment(script: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``experiments/<script>`` with ``args`` from the project root; it must exit 0 without a traceback."""
    proc = subprocess.run(
        [sys.executable, str(EXPERIMENTS / script), *args],
        cwd=EXPERIMENTS.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="session")
def run_experiment():
    """Runner of an experiment script (see :func:`_run_experiment`)."""
    return _run_experiment
