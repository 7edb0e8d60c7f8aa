"""The engine benchmark (``experiments/bench_engines.py --quick``) writes its table (times are not asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "experiments" / "bench_engines.py"


@pytest.mark.slow  # about 20 s once the kernels are cached
def test_bench_engines_quick_writes_the_section(tmp_path: Path, run_experiment) -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from bench_engines import END, LABELS, START, write_section
    finally:
        sys.path.remove(str(SCRIPT.parent))

    out = tmp_path / "performance.md"
    out.write_text("# Performance\n\nKept text.\n", encoding="utf-8")
    run_experiment("bench_engines.py", "--quick", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nKept text.\n")
    assert text.count(START) == 1 and text.count(END) == 1
    section = text.split(START, 1)[1].split(END, 1)[0]
    assert "| quantity | value | unit / notes |" in section
    assert "QUICK MODE" in section and "skipped in quick mode" in section
    for label in LABELS:
        assert f"| {label} |" in section, label
    assert "| target | measured | status |" in section
    assert section.count("| met |") + section.count("| **not met** |") == 5

    # Writing again replaces the section instead of appending another one.
    write_section(out, "## New section\n")
    again = out.read_text(encoding="utf-8")
    assert again.count(START) == 1 and again.startswith("# Performance\n\nKept text.\n")
    assert "## New section" in again and "| quantity |" not in again
