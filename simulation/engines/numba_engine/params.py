"""A scenario as one flat ``float64`` vector for the numba kernels.

Every scenario key is one entry, at the index named after the key in
:mod:`.keys` (``service.handle_time_min`` -> ``K.SERVICE_HANDLE_TIME_MIN``);
booleans are 0/1 and the empowerment mode is ``EMPOWERMENT_GUIDELINES``.
The few quantities derived from several keys (the planned headcount, the
approval capacity, pay and hiring effects) are computed here once, with the same mechanism
functions the mesa engine uses.

A vector, not a record: numba passes a tuple as one argument per field, so a
131-field record is copied at every call of a kernel helper; an array is one
pointer. ``python -m simulation.engines.numba_engine.params`` regenerates
:mod:`.keys` after a schema change (a test checks it is current).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from simulation import mechanisms as mech
from simulation.scenario.schema import Scenario

__all__ = ["DERIVED", "FIELDS", "keys_source", "pack", "unpack"]

#: Entries computed from several scenario keys (same formulas as the mesa engine's ``day_params``).
DERIVED: dict[str, str] = {
    "empowerment_guidelines": "1 under guidelines, 0 under approval gating",
    "planned_frontline": "frontline headcount including the people-first staffing buffer",
    "manager_servers": "managers available for approvals at once",
    "discretion": "discretion the job carries under the empowerment policy [0, 1)",
    "pay_quit_factor": "quit-hazard multiplier of the pay premium",
    "applicants": "qualified applicants screened per vacancy under the pay and hiring policy",
    "time_to_fill_mean_days": "mean days to fill a vacancy under the pay and hiring policy",
    "hiring_cost_share": "hiring cost of one hire as a share of its annual pay, searching for fit included",
    "on_duty_share": "share of paid staff on duty (less shrinkage and coordination time)",
    "prospect_sensitivity": "mean price sensitivity of a prospect (segments in their base shares)",
}

FIELDS: tuple[str, ...] = tuple(k.replace(".", "_") for k in Scenario().flat() if k != "empowerment.mode") + tuple(
    DERIVED
)


def pack(s: Scenario) -> np.ndarray:
    """The parameter vector of a scenario (``float64``, indexed by :mod:`.keys`)."""
    values: dict[str, float] = {}
    for key, value in s.flat().items():
        if key != "empowerment.mode":
            values[key.replace(".", "_")] = float(value)
    sp, em = s.service_philosophy, s.empowerment
    values["empowerment_guidelines"] = 1.0 if em.mode == "guidelines" else 0.0
    values["planned_frontline"] = float(
        round(s.firm.frontline * (1.0 + s.people_first.staffing_buffer * s.people_first.level))
    )
    values["manager_servers"] = float(max(1, round(s.firm.managers * s.managers.availability)))
    h, pay, c = s.hiring, s.pay, s.customers
    values["discretion"] = mech.discretion_index(em.mode == "guidelines", em.discretion_limit_usd)
    values["pay_quit_factor"] = mech.pay_quit_factor(pay.premium, pay.quit_elasticity)
    values["applicants"] = float(
        mech.applicants_per_vacancy(
            h.applicants_per_vacancy, pay.premium, pay.applicant_elasticity, h.fit_weight, h.fit_applicant_loss
        )
    )
    values["time_to_fill_mean_days"] = mech.time_to_fill(
        h.time_to_fill_days, pay.premium, pay.fill_elasticity, h.fit_weight, h.fit_search_share
    )
    values["hiring_cost_share"] = mech.hiring_cost_share(h.replacement_cost_share, h.fit_search_share, h.fit_weight)
    values["on_duty_share"] = mech.on_duty_share(s.firm.shrinkage, sp.coordination_share, sp.internal_orientation)
    values["prospect_sensitivity"] = mech.mean_sensitivity(
        c.opportunist_share,
        c.price_sensitive_share,
        c.sensitivity_regular,
        c.sensitivity_price_sensitive,
        c.sensitivity_opportunist,
    )
    return np.array([values[name] for name in FIELDS], dtype=np.float64)


def unpack(vector: np.ndarray) -> dict[str, float]:
    """Name -> value of a parameter vector (for inspection and tests)."""
    return {name: float(v) for name, v in zip(FIELDS, vector, strict=True)}


def keys_source() -> str:
    """The text of :mod:`.keys`."""
    lines = [
        '"""Indices into the numba engine\'s parameter vector (generated; do not edit).',
        "",
        "Regenerate with ``python -m simulation.engines.numba_engine.params``.",
        '"""',
        "",
        "# ruff: noqa: E501",
        "",
    ]
    for i, name in enumerate(FIELDS):
        note = f"  # {DERIVED[name]}" if name in DERIVED else ""
        lines.append(f"{name.upper()} = {i}{note}")
    lines.append(f"N_PARAMS = {len(FIELDS)}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(__file__).with_name("keys.py")
    target.write_text(keys_source())
    sys.stdout.write(f"wrote {target}\n")
