"""The scaling benchmark (``experiments/bench_scaling.py --quick``) writes its tables (times are not asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "experiments" / "bench_scaling.py"


@pytest.mark.slow  # about 15 s: two LocalClusters start
def test_bench_scaling_quick_writes_the_section(tmp_path: Path, run_experiment) -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from bench_scaling import END, LABELS, START
    finally:
        sys.path.remove(str(SCRIPT.parent))

    out = tmp_path / "scaling.md"
    out.write_text("# Scaling\n\nKept text.\n\n" + START + "\nold\n" + END + "\n\nAfter.\n", encoding="utf-8")
    run_experiment("bench_scaling.py", "--quick", "--workers", "1,2", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Scaling\n\nKept text.\n") and text.rstrip().endswith("After.")
    assert text.count(START) == 1 and text.count(END) == 1 and "\nold\n" not in text
    section = text.split(START, 1)[1].split(END, 1)[0]
    assert "QUICK MODE" in section and "load average" in section
    for label in LABELS:
        assert f"| {label} |" in section, label
    for executor in ("in process, 1 thread(s)", "local:1", "local:2"):
        assert f"| {executor} |" in section, executor
