"""Writes ``scenarios/base.yaml``: every default of the schema, with a comment each.

The base scenario must resolve to exactly ``Scenario()`` (a test checks the
content hash), so it is generated from the schema rather than kept by hand.
After changing a default, run ``python -m simulation.scenario.defaults``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from simulation.scenario.loader import scenarios_dir
from simulation.scenario.schema import field_table

__all__ = ["base_yaml_text", "write_base_yaml"]

_HEADER = """\
# Base firm: every parameter at its default, with what it models, its unit and allowed range.
# Generated from simulation/scenario/schema.py by `python -m simulation.scenario.defaults`;
# it resolves to exactly Scenario() (tests/test_scenarios.py checks the content hash).
#
# Claims: a mid-way service firm between the two archetypes (about 5,000 customers,
# 40 frontline, 10 back office and 4 managers; approval gating with some coaching and
# middling leadership), calibrated to the stylized facts listed in docs/ODD.md.
# The archetypes `operations_focused.yaml` and `customer_focused.yaml` extend it.
name: base
description: "Baseline mid-way firm: every default written out"
"""


def _yaml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def base_yaml_text() -> str:
    """The text of ``scenarios/base.yaml``."""
    lines = [_HEADER.rstrip("\n")]
    section = None
    for row in field_table():
        sec, key = row["key"].split(".")
        if sec != section:
            lines += ["", f"{sec}:"]
            section = sec
        allowed = f" Range: [{row['min']}, {row['max']}]." if row["min"] is not None else ""
        text = f"{' '.join(row['description'].split())} Unit: {row['unit']}.{allowed}"
        lines += [f"  # {chunk}" for chunk in textwrap.wrap(text, 96)]
        lines.append(f"  {key}: {_yaml_value(row['default'])}")
    return "\n".join(lines) + "\n"


def write_base_yaml(path: Path | None = None) -> Path:
    """Write the base scenario (default: the repository's ``scenarios/base.yaml``)."""
    target = path or scenarios_dir() / "base.yaml"
    target.write_text(base_yaml_text())
    return target


if __name__ == "__main__":
    write_base_yaml()
