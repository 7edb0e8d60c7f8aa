"""The scenario library: each file loads, documents its claim and sources, and sets the levers it names.

No simulation runs here (tests/test_scenarios.py runs every shipped scenario); these checks read the
files and the validated scenarios only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from simulation.scenario import Scenario, load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

#: Library file stem -> the archetype or base file it extends (the honest starting point).
LIBRARY: dict[str, str] = {
    "lenscrafters": "customer_focused.yaml",
    "southwest": "customer_focused.yaml",
    "healthcare_compliance": "base.yaml",
    "call_centre": "operations_focused.yaml",
    "balanced": "base.yaml",
    "service_heroes": "base.yaml",
    "cost_cutting": "operations_focused.yaml",
}

#: A citation in a header: an author or body with a year, e.g. "Gittell, J. H. (2003)" or "PwC (2018)".
CITATION = re.compile(r"[A-Z][A-Za-z&.'/ -]+,? \(?(19|20)\d\d\)?")


def path_of(stem: str) -> Path:
    return SCENARIOS / f"{stem}.yaml"


def header(stem: str) -> str:
    """The leading comment block of a library file, without the '#' marks."""
    lines = []
    for line in path_of(stem).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return "\n".join(lines)


def archetype(name: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.yaml")


@pytest.mark.parametrize("stem", LIBRARY)
def test_file_loads_and_is_named_after_itself(stem: str) -> None:
    scenario = load_scenario(path_of(stem))
    assert scenario.name == stem
    assert scenario.description.strip()


@pytest.mark.parametrize("stem", LIBRARY)
def test_extends_its_starting_point(stem: str) -> None:
    raw = yaml.safe_load(path_of(stem).read_text(encoding="utf-8"))
    assert raw["extends"] == LIBRARY[stem]
    assert raw["name"] == stem


@pytest.mark.parametrize("stem", LIBRARY)
def test_header_states_claim_sources_and_rationale(stem: str) -> None:
    text = header(stem)
    assert len(text.splitlines()) >= 10, f"{stem}: header of {len(text.splitlines())} line(s)"
    lowered = text.lower()
    assert "claim" in lowered, f"{stem}: the header does not state its claim"
    assert "source" in lowered, f"{stem}: the header lists no sources"
    assert CITATION.search(text), f"{stem}: the header cites no source with a year"
    assert "differ from" in lowered, f"{stem}: the header gives no rationale of the parameters that differ"


@pytest.mark.parametrize("stem", LIBRARY)
def test_every_set_parameter_is_explained_in_the_header(stem: str) -> None:
    """Each key the file sets (section.key) is named in the header's rationale."""
    raw = yaml.safe_load(path_of(stem).read_text(encoding="utf-8"))
    text = header(stem)
    for section, values in raw.items():
        if not isinstance(values, dict):
            continue
        for key in values:
            assert key in text, f"{stem}: {section}.{key} is set but not explained in the header"


def _lenscrafters(s: Scenario) -> None:
    cust = archetype("customer_focused")
    assert s.empowerment.mode == "guidelines"
    assert s.empowerment.discretion_limit_usd > cust.empowerment.discretion_limit_usd
    assert s.recovery.generosity == 1.0
    assert s.training.hours_per_year > cust.training.hours_per_year
    assert s.training.soft_skill_share >= 0.5
    assert s.pricing.price_premium > cust.pricing.price_premium
    assert s.marketing.paid_acquisition_share_per_year < Scenario().marketing.paid_acquisition_share_per_year


def _southwest(s: Scenario) -> None:
    assert s.service_philosophy.internal_orientation >= 0.8
    assert s.leadership.consistency >= 0.8
    assert s.people_first.level >= 0.8
    assert s.hiring.fit_weight >= 0.7
    assert s.pricing.price_premium < 0.0  # low prices: a discount on the market price
    assert not s.budget.cost_cutting


def _healthcare_compliance(s: Scenario) -> None:
    assert s.compliance.regulated
    assert s.compliance.breach_penalty_usd > Scenario().compliance.breach_penalty_usd
    # Bounded guidelines: a tight limit, below the breach-risk reference limit.
    assert s.empowerment.mode == "guidelines"
    assert s.empowerment.discretion_limit_usd < s.compliance.reference_limit_usd
    assert "mode" in header("healthcare_compliance").lower()


def _call_centre(s: Scenario) -> None:
    ops = archetype("operations_focused")
    assert s.empowerment.mode == "approval"
    assert s.managers.strictness > Scenario().managers.strictness
    assert s.hiring.fit_weight <= ops.hiring.fit_weight
    assert s.training.soft_skill_share == 0.0
    assert s.leadership.consistency < ops.leadership.consistency
    assert s.people_first.level == 0.0
    assert s.firm.frontline < Scenario().firm.frontline
    assert s.customers.patience_mean_min <= 2.0  # phone: about a minute
    assert s.budget.cost_cutting


def _balanced(s: Scenario) -> None:
    base, cust = Scenario(), archetype("customer_focused")
    assert s.empowerment.mode == "guidelines"
    assert 0 < s.empowerment.discretion_limit_usd < cust.empowerment.discretion_limit_usd
    assert s.empowerment.employee_detection > base.empowerment.employee_detection
    assert s.managers.detection > base.managers.detection
    assert 0.5 < s.recovery.generosity < 1.0


def _service_heroes(s: Scenario) -> None:
    base = Scenario()
    assert 0 < s.hiring.hero_share <= 0.25  # a few stars
    assert s.service_philosophy.internal_orientation < base.service_philosophy.internal_orientation
    assert s.service_philosophy.handoff_failure > base.service_philosophy.handoff_failure


def _cost_cutting(s: Scenario) -> None:
    base = Scenario()
    assert s.budget.cost_cutting
    assert s.budget.hiring_freeze
    assert s.budget.target_margin > base.budget.target_margin
    assert s.budget.training_cut > 0


LEVERS: dict[str, Callable[[Scenario], None]] = {
    "lenscrafters": _lenscrafters,
    "southwest": _southwest,
    "healthcare_compliance": _healthcare_compliance,
    "call_centre": _call_centre,
    "balanced": _balanced,
    "service_heroes": _service_heroes,
    "cost_cutting": _cost_cutting,
}


def test_every_library_file_has_lever_checks() -> None:
    assert set(LEVERS) == set(LIBRARY)
    assert all(path_of(stem).is_file() for stem in LIBRARY)


@pytest.mark.parametrize("stem", LIBRARY)
def test_sets_the_levers_its_claim_names(stem: str) -> None:
    LEVERS[stem](load_scenario(path_of(stem)))
