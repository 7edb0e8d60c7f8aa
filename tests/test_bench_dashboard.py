"""The dashboard benchmark (``experiments/bench_dashboard.py --quick``) writes its block (times are not asserted)."""

from __future__ import annotations

from pathlib import Path


def test_bench_dashboard_quick_writes_its_block(tmp_path: Path, run_experiment) -> None:
    out = tmp_path / "performance.md"
    start, end = "<!-- bench_dashboard:start -->", "<!-- bench_dashboard:end -->"
    out.write_text(f"# Performance\n\nKept text.\n\n{start}\nold\n{end}\n\nAfter.\n", encoding="utf-8")
    run_experiment("bench_dashboard.py", "--quick", "--out", str(out), timeout=300)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nKept text.\n") and text.rstrip().endswith("After.")
    assert text.count(start) == 1 and text.count(end) == 1 and "\nold\n" not in text
    block = text.split(start, 1)[1].split(end, 1)[0]
    assert "QUICK MODE" in block and "load average" in block and "cores" in block
    for row in (
        "seconds per dashboard step, headless",
        "the model's step",
        "of which the DataCollector",
        "the classroom's bookkeeping",
        "component `FirmToday`",
        "component `LoyaltyChart`",
        "component `CostChart`",
        "component `AttritionChart`",
        "component `Distributions`",
        "all components",
    ):
        assert f"| {row} |" in block, row
    assert "step, browser" not in block  # no browser without --browser
