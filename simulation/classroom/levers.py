"""The levers a class moves: the six levers of the firm model plus price, discretion and context.

One table (:data:`LEVERS`) gives each lever's scenario key, its label, its kind and the range the classroom
offers (a sub-range of what the schema allows); the dashboard builds its widgets from it and the game checks
a team's choices against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation import Scenario, load_scenario
from simulation.errors import FocussimError
from simulation.scenario.loader import shipped_scenarios

__all__ = [
    "CONTEXT",
    "load_with_levers",
    "LEVERS",
    "POLICY",
    "Lever",
    "LeverError",
    "check_levers",
    "lever_values",
    "scenario_names",
    "scenario_path",
]


class LeverError(FocussimError):
    """A lever value the classroom does not allow (the message names the lever, the value and the range)."""


@dataclass(frozen=True)
class Lever:
    """One lever: a scenario key, a label, a kind (``float``, ``choice`` or ``flag``) and the classroom's range."""

    key: str
    label: str
    kind: str
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.05
    choices: tuple[str, ...] = ()
    help: str = ""

    def check(self, value: Any) -> Any:
        """``value`` as this lever's type, or :class:`LeverError` naming the lever, the value and what is allowed."""
        if self.kind == "choice":
            if value not in self.choices:
                raise LeverError(f"{self.label} ({self.key}) = {value!r}: allowed: {', '.join(self.choices)}")
            return str(value)
        if self.kind == "flag":
            if not isinstance(value, bool):
                raise LeverError(f"{self.label} ({self.key}) = {value!r}: allowed: true or false")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise LeverError(
                f"{self.label} ({self.key}) = {value!r}: allowed: a number from {self.lo:g} to {self.hi:g}"
            )
        x = float(value)
        if not (self.lo <= x <= self.hi):  # NaN fails too
            raise LeverError(
                f"{self.label} ({self.key}) = {value!r}: allowed: a number from {self.lo:g} to {self.hi:g}"
            )
        return x


#: The six levers (one per difference between the two kinds of firm) and the two policy settings beside them.
POLICY: tuple[Lever, ...] = (
    Lever(
        "empowerment.mode",
        "Empowerment",
        "choice",
        choices=("approval", "guidelines"),
        help="approval: every exception waits for a manager; guidelines: staff decide on the spot",
    ),
    Lever(
        "hiring.fit_weight",
        "Hiring: weight on culture fit",
        "float",
        help="0 hire for technical skill, 1 hire for culture fit",
    ),
    Lever(
        "training.soft_skill_share",
        "Training: soft-skill share",
        "float",
        help="share of training hours on empathy and relationships",
    ),
    Lever(
        "leadership.consistency", "Leadership consistency", "float", help="how consistently managers model the values"
    ),
    Lever("people_first.level", "People first", "float", help="wellbeing spend and a staffing buffer"),
    Lever(
        "service_philosophy.internal_orientation",
        "Everyone serves (internal customers)",
        "float",
        help="0 service is a department, 1 everyone's job",
    ),
    Lever(
        "pricing.price_premium",
        "Price premium",
        "float",
        lo=-0.3,
        hi=0.5,
        step=0.01,
        help="share above the market price; negative is a discount",
    ),
    Lever(
        "empowerment.discretion_limit_usd",
        "Discretion limit (USD per case)",
        "float",
        lo=0.0,
        hi=2000.0,
        step=25.0,
        help="largest recovery staff may grant without approval",
    ),
)
#: Context a teacher sets (the market and the domain), not a team's decision.
CONTEXT: tuple[Lever, ...] = (
    Lever("customers.opportunist_share", "Opportunist customers (share)", "float", lo=0.0, hi=0.5, step=0.01),
    Lever("compliance.regulated", "Regulated domain", "flag"),
)
LEVERS: dict[str, Lever] = {lv.key: lv for lv in (*POLICY, *CONTEXT)}


def scenario_names() -> list[str]:
    """The shipped scenarios' names (file stems), sorted."""
    return [p.stem for p in shipped_scenarios()]


def scenario_path(name: str) -> Path:
    """The file of a shipped scenario, or :class:`LeverError` listing the shipped names."""
    for p in shipped_scenarios():
        if p.stem == name:
            return p
    raise LeverError(f"scenario = {name!r}: allowed: {', '.join(scenario_names())}")


def lever_values(scenario: Scenario, keys: tuple[Lever, ...] = (*POLICY, *CONTEXT)) -> dict[str, Any]:
    """The scenario's value of each lever (the classroom's starting point), clipped into the lever's range."""
    flat = scenario.flat()
    out: dict[str, Any] = {}
    for lv in keys:
        v = flat[lv.key]
        out[lv.key] = min(max(float(v), lv.lo), lv.hi) if lv.kind == "float" else v
    return out


def check_levers(values: Mapping[str, Any], allowed: tuple[Lever, ...] = POLICY) -> dict[str, Any]:
    """Checked lever values: unknown keys and values out of range raise :class:`LeverError` (nothing is half-set)."""
    by_key = {lv.key: lv for lv in allowed}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in by_key:
            raise LeverError(f"lever {key!r}: allowed: {', '.join(by_key)}")
        out[key] = by_key[key].check(value)
    return out


def load_with_levers(name: str, levers: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> Scenario:
    """A shipped scenario with checked lever values and ``extra`` overrides applied (validated by the schema)."""
    return load_scenario(
        scenario_path(name), overrides={**dict(extra or {}), **check_levers(levers, tuple(LEVERS.values()))}
    )
