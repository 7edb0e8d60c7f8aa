"""The teaching notebooks: every one runs top to bottom in a fresh kernel in quick mode and keeps its form.

Each ``notebooks/NN_name.py`` (Jupytext percent format) is executed by ``notebooks/execute.py`` (nbclient,
a fresh ``python3`` kernel in ``notebooks/``, ``FOCUSSIM_QUICK=1``). The checks: no cell fails; it opens
with learning objectives and ends with questions and exercises, each answered in the teacher's key
(docs/teaching_answers.md); it shows a chart before its first table; it uses only the public API; its prose
types no model numbers (they are computed when it runs).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import jupytext
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
ANSWERS = ROOT / "docs" / "teaching_answers.md"
#: What a notebook may use of the package: the public API.
PUBLIC = {"load_scenario", "run", "studies", "charts", "METRICS"}


def _execute_module():
    spec = importlib.util.spec_from_file_location("notebook_execute", ROOT / "notebooks" / "execute.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_four_notebooks_exist() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        "01_first_experiment",
        "02_lenscrafters",
        "03_southwest",
        "04_changing_course",
    ]


def _exercises(nb) -> list[str]:
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and "Questions and exercises" in last.source, last.source[:200]
    return re.findall(r"^(\d+)\. ", last.source, flags=re.M)


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_form(source: Path) -> None:
    nb = jupytext.read(source)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "**Learning objectives.**" in first.source
    assert len(_exercises(nb)) >= 4
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "QUICK = False" in params[0].source, "a papermill parameters cell with QUICK"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "FOCUSSIM_QUICK" in code
    used = set(re.findall(r"\bsimulation\.(\w+)", code))
    assert used <= PUBLIC, f"beyond the public API: {sorted(used - PUBLIC)}"
    imports = set(re.findall(r"^(?:from|import) (simulation[\w.]*)", code, flags=re.M))
    assert imports <= {"simulation"}, imports
    assert set(re.findall(r"^from simulation import (.+)$", code, flags=re.M)) <= {
        "charts, studies",
        "studies",
        "charts",
    }
    # Prose types no model results: amounts of money, percentages of results and days come from code cells.
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"\d[\d,.]*\s*(k |M )?USD", cell.source), cell.source[:300]
            assert not re.search(r"\bday \d+", cell.source), cell.source[:300]


def test_answer_key_answers_every_exercise() -> None:
    key = ANSWERS.read_text(encoding="utf-8")
    sections = re.split(r"^## ", key, flags=re.M)[1:]
    by_notebook = {s.split("\n", 1)[0].split()[0]: s for s in sections}
    for source in NOTEBOOKS:
        nb = jupytext.read(source)
        questions = _exercises(nb)
        assert source.stem in by_notebook, f"no section for {source.stem} in {ANSWERS.name}"
        answers = re.findall(r"^(\d+)\. ", by_notebook[source.stem], flags=re.M)
        assert answers == questions, (source.stem, questions, answers)
        # Answers reason about mechanisms and the notebook's own output, never a typed model number.
        assert not re.search(r"\d[\d,.]*\s*(k |M )?USD", by_notebook[source.stem])


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel_in_quick_mode(source: Path) -> None:
    nb = _execute_module().execute(source, quick=True, timeout=600)
    kinds = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            assert out.get("output_type") != "error", out
            data = out.get("data", {})
            if "image/png" in data:
                kinds.append("chart")
            elif "text/html" in data and "<table" in data["text/html"]:
                kinds.append("table")
            elif "text/markdown" in data:
                kinds.append("text")
    assert kinds.count("chart") >= 3 and "text" in kinds, kinds
    if "table" in kinds:
        assert kinds.index("chart") < kinds.index("table"), "a chart before the first table"
    # Quick mode reached the kernel: the sentences speak of the short run.
    text = " ".join(
        out["data"]["text/markdown"]
        for c in nb.cells
        if c.cell_type == "code"
        for out in c.outputs
        if "text/markdown" in out.get("data", {})
    )
    assert "nan" not in text.lower().split(), text
