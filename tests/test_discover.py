"""Scenario discovery: PRIM recovers a planted box; the condition and the sentence; discover end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc
from test_cli_run import ROOT
from test_distributed import focussim, small

from simulation import charts, studies
from simulation.discovery import box_sentence, parse_where, prim_boxes
from simulation.errors import FocussimError


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prim_recovers_a_planted_box(seed: int) -> None:
    """Claim: where y = (a < 0.3 and b > 0.6) over a uniform design (c is noise), PRIM's box is that box,
    its limits within the sampling resolution: the peeling step, 5 % of the points (and of each range)."""
    n = 500
    u = qmc.LatinHypercube(d=3, seed=np.random.default_rng(seed)).random(n)
    x = pd.DataFrame(u, columns=["a", "b", "c"])
    y = ((x["a"] < 0.3) & (x["b"] > 0.6)).to_numpy()
    boxes, trajectory = prim_boxes(x, y, threshold=0.8)
    box = boxes[boxes["box"] == 1].set_index("parameter")
    resolution = 0.05
    assert abs(box.loc["a", "upper"] - 0.3) <= resolution
    assert abs(box.loc["b", "lower"] - 0.6) <= resolution
    assert box.loc["a", "lower"] <= resolution and box.loc["b", "upper"] >= 1 - resolution
    assert box.loc["c", "lower"] <= resolution and box.loc["c", "upper"] >= 1 - resolution  # noise: not cut
    assert set(box.index[box["restricted"]]) >= {"a", "b"}
    assert box["coverage"].iloc[0] >= 0.85 and box["density"].iloc[0] >= 0.85
    chosen = trajectory[trajectory["selected"]]
    assert len(chosen) == 1 and chosen["density"].iloc[0] >= 0.8


def test_prim_finds_nothing_where_there_is_nothing_to_separate() -> None:
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    for y in (np.zeros(50, dtype=bool), np.ones(50, dtype=bool)):
        boxes, trajectory = prim_boxes(x, y)
        assert boxes.empty and trajectory.empty


def test_parse_where_reads_comparisons_joined_by_and_or() -> None:
    c = parse_where("profit < 0 and retention_annual >= 0.01 or nps > 5")
    table = pd.DataFrame(
        {"profit": [-1.0, -1.0, 1.0, np.nan], "retention_annual": [0.02, 0.0, 0.0, 0.5], "nps": [0, 0, 6, 0]}
    )
    assert c.evaluate(table).tolist() == [True, False, True, False]
    assert c.metrics == ["profit", "retention_annual", "nps"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("profits < 0", "did you mean profit"),
        ("profit <", "is not a comparison"),
        ("profit = 0", "is not a comparison"),
        ("", "allowed"),
    ],
)
def test_a_bad_condition_is_one_line(text: str, fragment: str) -> None:
    with pytest.raises(FocussimError) as info:
        parse_where(text)
    assert fragment in str(info.value) and "--where" in str(info.value) and "\n" not in str(info.value)


def test_the_sentence_names_each_restriction_with_its_unit() -> None:
    rows = [
        ("customers.opportunist_share", 0.31, 0.6, 0.0, 0.6, True),
        ("empowerment.discretion_limit_usd", 0.0, 400.0, 0.0, 1000.0, True),
        ("customers.initial", 2000, 8000, 1000, 9000, True),
        ("pay.premium", 0.0, 0.3, 0.0, 0.3, False),
    ]
    boxes = pd.DataFrame(
        [
            {"box": 1, "parameter": p, "lower": lo, "upper": hi, "range_lo": rlo, "range_hi": rhi, "restricted": r,
             "coverage": 0.84, "density": 0.91, "mass": 0.2, "n_points": 20, "res_dim": 3}
            for p, lo, hi, rlo, rhi, r in rows
        ]
    )  # fmt: skip
    text = box_sentence(boxes, parse_where("profit < 0"), "customer focus", "operations focus", 30, 64)
    assert text == (
        "customer focus loses profit against operations focus when the opportunist share exceeds 31 % and the "
        "discretion limit is below 400 USD and the customers.initial is between 2,000 customers and 8,000 customers "
        "(coverage 0.84, density 0.91)."
    )
    assert "none of the 64 points" in box_sentence(boxes.iloc[0:0], parse_where("profit < 0"), "p", "b", 0, 64)
    for fig in (charts.prim_boxes_figure(boxes), charts.prim_boxes_figure(boxes.iloc[0:0])):
        assert len(fig.axes) >= 1


def test_discover_end_to_end_finds_where_generous_guidelines_lose(tmp_path) -> None:
    """A small firm over 60 days: the customer-focused firm loses most against the operations-focused one
    where opportunists are many. The condition is on the run, resumable with another condition."""
    base, policy = small("operations_focused"), small("customer_focused")
    ranges = {"customers.opportunist_share": (0.0, 0.6), "empowerment.discretion_limit_usd": (0.0, 1000.0)}
    kwargs = {"samples": 40, "days": 60, "replications": 2, "warmup_days": 0, "seed": 1, "store": tmp_path}
    study = studies.discover(base, policy, ranges, where="profit < -7000", **kwargs)
    t = study.tables
    assert len(t["design"]) == 40 and len(t["discover"]) == 80 and len(t["replications"]) == 160
    mean_profit = t["discover"].groupby("point")["profit"].mean().to_numpy()
    np.testing.assert_allclose(t["points"]["profit"].to_numpy(), mean_profit)
    assert (t["points"]["condition"] == (mean_profit < -7000)).all()
    box = t["boxes"][t["boxes"]["box"] == 1].set_index("parameter")
    assert bool(box.loc["customers.opportunist_share", "restricted"])
    assert box.loc["customers.opportunist_share", "lower"] > 0.2  # many opportunists, not few
    assert "opportunist share exceeds" in study.parameters["finding"]
    paths = study.save(tmp_path / "out")
    assert {"boxes.png", "trajectory.png", "points.png", "findings.csv", "boxes.parquet"} <= {p.name for p in paths}
    # another condition on the same simulations: nothing runs again, the points are the same
    other = studies.discover(base, policy, ranges, where="profit < -8000", resume=True, **kwargs)
    pd.testing.assert_frame_equal(other.tables["discover"], t["discover"], check_exact=True)
    assert other.tables["points"]["condition"].sum() < t["points"]["condition"].sum()


def test_discover_on_the_command_line_prints_the_finding(tmp_path) -> None:
    res = focussim(
        "discover",
        ROOT / "scenarios" / "operations_focused.yaml",
        ROOT / "scenarios" / "customer_focused.yaml",
        "--vary",
        "customers.opportunist_share=0:0.6",
        "--samples",
        "8",
        "--days",
        "5",
        "--warmup-days",
        "0",
        "--replications",
        "2",
        "--quiet",
        "--cluster",
        "local:2",
        "--out",
        tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert "files written to" in res.stdout and "points" in res.stdout
    assert (tmp_path / "findings.csv").exists() and (tmp_path / "manifest.sqlite").exists()
    bad = focussim("discover", ROOT / "scenarios" / "base.yaml", ROOT / "scenarios" / "customer_focused.yaml",
                   "--vary", "customers.opportunist_share=0:0.6", "--where", "profit ~ 0")  # fmt: skip
    assert bad.returncode == 2 and "--where" in bad.stderr and "Traceback" not in bad.stderr
