"""The ODD document cannot rot: generated tables, mechanisms, sources, quoted defaults.

* the parameter and metric tables in ``docs/ODD.md`` equal what
  :mod:`simulation.doc_tables` renders from the schema and the metrics
  registry (regenerate with ``python -m simulation.doc_tables``);
* every ``@njit`` mechanism in ``simulation/mechanisms.py`` is described;
* every source of the stylized-fact table of ``shared/model.md`` is cited;
* every "`section.key` = value" quoted in the ODD is a real key whose
  schema default is that value.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from simulation import doc_tables, mechanisms
from simulation.doc_tables import metric_table_markdown, parameter_table_markdown, replace_block
from simulation.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
#: The conceptual model lives beside the repository (``shared/model.md``).
MODEL_MD_CANDIDATES = (ROOT / "docs" / "model.md", ROOT.parent / "shared" / "model.md")

REGENERATE = "run `python -m simulation.doc_tables` to regenerate docs/ODD.md"

#: Each row of model.md's stylized-fact table (its first cell) and the names
#: of its sources that the ODD must cite.
SOURCES_BY_ROW: dict[str, tuple[str, ...]] = {
    "annual employee turnover, operations-style service work": (
        "Mercer",
        "QATC",
        "McKinsey",
        "Korn Ferry",
        "BLS",
    ),
    "annual turnover, people-first exemplars": ("Cascio", "Southwest"),
    "engagement and turnover": ("Gallup", "Q12", "Beck & Harter"),
    "engaged share": ("Gallup", "State of the Global Workplace"),
    "cost of replacing a frontline employee": ("Boushey & Glynn",),
    "vacancy and ramp-up": ("SHRM", "Dimension Data"),
    "training volume and decay": ("ATD", "Arthur et al."),
    "soft-skill training effect": ("Adhvaryu", "Kala", "Nyshadham"),
    "annual customer churn": ("J.D. Power", "carriers' reports"),
    "acquisition vs retention cost": ("TARP",),
    "loyalty after a problem, by recovery": ("TARP", "Goodman"),
    "complaining": ("Goodman",),
    "service recovery paradox": ("de Matos", "Henrique", "Rossi"),
    "frontline occupancy": ("workforce-management practice",),
    "service times and patience": ("industry surveys", "Zohar", "Mandelbaum", "Shimkin"),
    "exceptions and transfers": ("SQM",),
    "cutting corners under pressure": ("Oliva & Sterman",),
    "opportunists": ("NRF", "Appriss"),
    "discretion limits": ("Ritz-Carlton",),
    "compliance penalties": ("HHS",),
    "price premium": ("PwC",),
    "employee → customer link": ("Rucci", "Kirn", "Quinn"),
}


@pytest.fixture(scope="module")
def odd() -> str:
    assert ODD.is_file(), f"{ODD} is missing"
    return ODD.read_text(encoding="utf-8")


def block(text: str, name: str) -> str:
    """The lines strictly between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    lines = text.split("\n")
    start = [i for i, line in enumerate(lines) if line.strip() == f"<!-- {name}:start -->"]
    end = [i for i, line in enumerate(lines) if line.strip() == f"<!-- {name}:end -->"]
    assert len(start) == 1 and len(end) == 1 and start[0] < end[0], (
        f"docs/ODD.md needs exactly one '<!-- {name}:start -->' line before one '<!-- {name}:end -->' line"
    )
    return "\n".join(lines[start[0] + 1 : end[0]])


def test_parameter_table_is_current(odd: str) -> None:
    assert block(odd, "params") == parameter_table_markdown(), (
        f"the parameter table in docs/ODD.md is stale: {REGENERATE}"
    )


def test_metric_table_is_current(odd: str) -> None:
    assert block(odd, "metrics") == metric_table_markdown(), f"the metric table in docs/ODD.md is stale: {REGENERATE}"


def test_parameter_table_has_every_parameter() -> None:
    table = parameter_table_markdown()
    rows = table.split("\n")[2:]
    keys = [row.split("|")[1].strip().strip("`") for row in rows]
    assert keys == list(Scenario().flat())
    assert all(row.count(" | ") == 4 for row in rows), "a cell contains an unescaped pipe"


def test_metric_table_has_every_metric() -> None:
    from simulation.metrics import METRICS

    rows = metric_table_markdown().split("\n")[2:]
    assert [row.split("|")[1].strip().strip("`") for row in rows] == list(METRICS)


def test_regeneration_round_trip(tmp_path: Path, odd: str) -> None:
    """``python -m simulation.doc_tables`` rewrites only the blocks, and is idempotent."""
    path = tmp_path / "ODD.md"
    stale = replace_block(replace_block(odd, "params", "old"), "metrics", "old")
    path.write_text(stale, encoding="utf-8")
    assert doc_tables.update_odd(path, check=True) is True
    assert path.read_text(encoding="utf-8") == stale  # --check does not write
    assert doc_tables.main([str(path)]) == 0
    fresh = path.read_text(encoding="utf-8")
    assert block(fresh, "params") == parameter_table_markdown()
    assert block(fresh, "metrics") == metric_table_markdown()
    assert doc_tables.main(["--check", str(path)]) == 0
    outside = re.sub(r"<!-- (\w+):start -->.*?<!-- \1:end -->", "", fresh, flags=re.S)
    assert outside == re.sub(r"<!-- (\w+):start -->.*?<!-- \1:end -->", "", stale, flags=re.S)


def test_refresh_quoted_defaults() -> None:
    defaults = Scenario().flat()
    stale = "x `firm.frontline` = 12345 and `customers.initial` = 5,000 and `no.such` = 3"
    text, changes = doc_tables.refresh_quoted_defaults(stale)
    assert f"`firm.frontline` = {defaults['firm.frontline']}" in text
    assert "`customers.initial` = 5,000" in text or defaults["customers.initial"] != 5000
    assert "`no.such` = 3" in text
    assert changes and changes[0].startswith("firm.frontline: 12345 -> ")
    assert doc_tables.refresh_quoted_defaults(text)[1] == []


def test_replace_block_refuses_missing_markers() -> None:
    with pytest.raises(ValueError, match="params:start"):
        replace_block("no markers here", "params", "x")


def _njit_functions() -> list[str]:
    """Names of the functions decorated with ``njit`` or ``njit(...)`` in mechanisms.py."""
    tree = ast.parse(Path(mechanisms.__file__).read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for dec in node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "njit":
                names.append(node.name)
    return names


def test_every_mechanism_is_described(odd: str) -> None:
    names = _njit_functions()
    assert len(names) >= 20, "found suspiciously few @njit functions in mechanisms.py"
    missing = [name for name in names if f"`{name}`" not in odd]
    assert not missing, f"mechanisms not named in docs/ODD.md (in backticks): {missing}"


def test_every_stylized_fact_source_is_cited(odd: str) -> None:
    missing = sorted({s for names in SOURCES_BY_ROW.values() for s in names if s not in odd})
    assert not missing, f"sources of model.md's stylized facts not cited in docs/ODD.md: {missing}"


def _model_md() -> Path | None:
    return next((p for p in MODEL_MD_CANDIDATES if p.is_file()), None)


def _calibration_rows(text: str) -> dict[str, str]:
    """model.md's stylized-fact table as {quantity: source cell}."""
    section = text.split("## Stylized facts to calibrate to", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("quantity", "") or set(cells[0]) <= set("-: "):
            continue
        rows[cells[0]] = cells[2]
    return rows


def test_source_list_matches_model_md() -> None:
    """The list above covers every row of model.md's table, and names its real sources."""
    path = _model_md()
    if path is None:
        pytest.skip("shared/model.md not found beside the repository")
    rows = _calibration_rows(path.read_text(encoding="utf-8"))
    assert rows, "no stylized-fact table found in model.md"
    new, gone = sorted(set(rows) - set(SOURCES_BY_ROW)), sorted(set(SOURCES_BY_ROW) - set(rows))
    assert not new and not gone, (
        "model.md's stylized-fact rows changed: update SOURCES_BY_ROW and docs/ODD.md "
        f"section 8.1; new: {new}, gone: {gone}"
    )
    for quantity, cell in rows.items():
        for name in SOURCES_BY_ROW[quantity]:
            assert name in cell, f"{name!r} not in model.md's sources for {quantity!r}: {cell!r}"


_QUOTED = re.compile(r"`([a-z_]+\.[a-z_0-9]+)` = (-?[0-9][0-9,]*(?:\.[0-9]+)?)")


def test_quoted_defaults_match_the_schema(odd: str) -> None:
    """Every "`section.key` = value" in the ODD (the calibration table) is the current default."""
    defaults = Scenario().flat()
    quoted = _QUOTED.findall(odd)
    assert len(quoted) >= 20, "expected the calibration table to quote defaults as `key` = value"
    wrong = []
    for key, text in quoted:
        if key not in defaults:
            wrong.append(f"{key}: not a parameter")
            continue
        if abs(float(text.replace(",", "")) - float(defaults[key])) > 1e-12:
            wrong.append(f"{key}: ODD says {text}, schema default is {defaults[key]}")
    assert not wrong, (
        "docs/ODD.md quotes stale defaults; run `python -m simulation.doc_tables` "
        "and re-read the claims around them: " + "; ".join(wrong)
    )


def test_backticked_keys_exist(odd: str) -> None:
    """Every backticked dotted key that names a schema section is a real parameter."""
    defaults = Scenario().flat()
    sections = {k.split(".", 1)[0] for k in defaults}
    keys = set(re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", odd))
    unknown = sorted(k for k in keys if k.split(".", 1)[0] in sections and k not in defaults)
    assert not unknown, f"docs/ODD.md names parameters the schema does not have: {unknown}"
