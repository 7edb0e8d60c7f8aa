"""``focussim deck``: the what-if deck end to end (quick runs of the example specs).

The deck is reopened with python-pptx (16:9, slide count and titles, native tables and charts, the J-curve
pictures) and checked against the study it came from: the executive summary's numbers and the native
charts' values are those of the tables of :func:`simulation.whatif.run_whatif` run again in this process
with the same spec and seed (common random numbers make the two runs identical). LibreOffice renders it to
one PDF page per slide. A bad spec is one line on stderr, exit code 2 and no file; a run that fails half-way
leaves no half deck behind.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from test_cli_run import ROOT, focussim
from typer.testing import CliRunner

from simulation import deck, whatif
from simulation.cli import app
from simulation.errors import FocussimError

pytestmark = pytest.mark.slow

SPEC = ROOT / "scenarios" / "whatif" / "regional_opticians.yaml"
SPECS = sorted((ROOT / "scenarios" / "whatif").glob("*.yaml"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, whatif.WhatIf]:
    """The quick deck of the first example spec, written by the console script, and the same study run here."""
    out = tmp_path_factory.mktemp("deck") / "opticians.pptx"
    proc = focussim("deck", SPEC, "--quick", "--out", out)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert f"deck: {out}" in proc.stdout
    study = whatif.run_whatif(whatif.load_spec(SPEC, quick=True))
    return out, study


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def _tables(slide) -> list:
    return [s.table for s in slide.shapes if s.has_table]


def _charts(slide) -> list:
    return [s.chart for s in slide.shapes if s.has_chart]


def _rows(table) -> list[list[str]]:
    return [[c.text.strip() for c in row.cells] for row in table.rows]


def test_deck_is_16_9_with_the_expected_slides(built) -> None:
    path, study = built
    prs = Presentation(str(path))
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)
    titles = [s.shapes.title.text for s in prs.slides]
    n = len(study.names)
    assert n == 3
    assert len(prs.slides) == 7 + 3 * n
    assert titles == deck.slide_titles(study)
    assert titles[1] == "Executive summary" and titles[-3] == "Method and assumptions"
    for name in study.names:
        assert f"{name}: what changes, and what it does" in titles
    # The quick run says so on every slide.
    for slide in prs.slides:
        assert "QUICK RUN" in _texts(slide)


def test_native_tables_charts_and_pictures(built) -> None:
    path, study = built
    prs = Presentation(str(path))
    slides = list(prs.slides)
    n = len(study.names)
    charts = [c for s in slides for c in _charts(s)]
    kinds = [c.chart_type for c in charts]
    assert kinds.count(XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS) == 3 * n  # loyalty, cost, attrition per proposal
    assert kinds.count(XL_CHART_TYPE.BAR_CLUSTERED) == 1 + 3  # the summary's, one per risk
    pictures = [sh for s in slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == n  # one J-curve per proposal
    for pic in pictures:
        assert pic.image.content_type == "image/png"
        px_w, _ = pic.image.size
        assert px_w / (pic.width / 914400) >= 100, "a picture at slide resolution (at least 100 pixels an inch)"
        assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
    tables = [t for s in slides for t in _tables(s)]
    assert len(tables) >= 3 + 2 * n
    # Every shape lies on the slide.
    for slide in slides:
        for sh in slide.shapes:
            assert sh.left >= 0 and sh.top >= 0, sh.name
            assert sh.left + sh.width <= prs.slide_width + 1 and sh.top + sh.height <= prs.slide_height + 1, sh.name


def _numbers(text: str) -> list[float]:
    """Numbers of a formatted difference (``+3.9 k USD [+1.2 k, +6.6 k]``) in USD or points."""
    out = []
    for sign, digits, scale in re.findall(r"([+−-]?)(\d[\d,]*(?:\.\d+)?)\s*(k|M)?", text):
        v = float(digits.replace(",", "")) * {"k": 1e3, "M": 1e6, "": 1.0}[scale]
        out.append(-v if sign in ("−", "-") else v)
    return out


def _close(shown: float, value: float, text: str) -> None:
    """``shown`` is ``value`` rounded as the text shows it (to its last digit, k or M included)."""
    m = re.search(r"\d(?:\.(\d+))?\s*(k|M)?", text)
    assert m
    decimals = len(m.group(1) or "")
    unit = {"k": 1e3, "M": 1e6, None: 1.0}[m.group(2)]
    assert abs(shown - value) <= 0.5 * unit * 10**-decimals + 1e-9, (shown, value, text)


def test_executive_summary_numbers_are_the_studys(built) -> None:
    path, study = built
    prs = Presentation(str(path))
    slide = prs.slides[1]
    text = _texts(slide)
    sentence = study.summary_sentence()
    assert sentence in text
    best = study.headline
    diffs = study.differences
    profit = diffs[diffs["metric"] == "profit"].set_index("scenario")
    assert best == profit["mean"].idxmax()
    assert f"“{best}”" in sentence
    # The profit difference and its interval, read back from the sentence, are the table's.
    row = profit.loc[best]
    shown = whatif.fmt_diff("profit", row["mean"], row["lo"], row["hi"])
    assert shown in sentence
    mean, lo, hi = _numbers(shown)
    parts = re.split(r"[\[,\]]", shown)
    for value, target, part in zip((mean, lo, hi), (row["mean"], row["lo"], row["hi"]), parts, strict=False):
        _close(value, float(target), part)
    assert f"{int(row['n'])} paired replications" in sentence
    retention = diffs[(diffs["metric"] == "retention_annual") & (diffs["scenario"] == best)].iloc[0]
    assert whatif.fmt_diff("retention_annual", retention["mean"], retention["lo"], retention["hi"]) in sentence
    # The table at a glance: one row per proposal, its profit difference the study's.
    (table,) = _tables(slide)
    rows = _rows(table)
    assert [r[0] for r in rows[1:]] == study.names
    for r in rows[1:]:
        p = profit.loc[r[0]]
        assert r[1] == whatif.fmt_diff("profit", p["mean"], p["lo"], p["hi"])
    # The native bar chart holds the unrounded means.
    (chart,) = _charts(slide)
    values = list(chart.plots[0].series[0].values)
    assert values == pytest.approx([float(profit.loc[n, "mean"]) for n in study.names])


def test_kpi_slide_flags_the_misses(built) -> None:
    path, study = built
    prs = Presentation(str(path))
    (table,) = _tables(prs.slides[2])
    rows = {r[0]: r for r in _rows(table)[1:]}
    per = study.compare.tables["replications"]
    base = per[per["scenario"] == study.loaded.baseline.name]
    observed = study.loaded.spec.observed
    for key, (metric, label) in whatif.KPIS.items():
        obs = getattr(observed, key)
        model = float(base[metric].mean())
        check = rows[label][-1]
        if obs is None:
            assert check == "not observed"
        else:
            missed = abs(model - obs) / abs(obs) > 0.20
            assert check.startswith("misses") == missed, (label, model, obs, check)


def test_proposal_tables_match_the_differences(built) -> None:
    path, study = built
    prs = Presentation(str(path))
    for name in study.names:
        slide = next(s for s in prs.slides if s.shapes.title.text == f"{name}: what changes, and what it does")
        levers, metrics = _tables(slide)
        assert len(_rows(levers)) - 1 == len(study.loaded.changes[name])
        for row in _rows(metrics)[1:]:
            metric = next(m for m in whatif.PROPOSAL_METRICS if deck._label(m) == row[0])
            d = study.difference(name, metric)
            assert row[3] == whatif.fmt_diff(metric, d["mean"], d["lo"], d["hi"])
        time_slide = next(s for s in prs.slides if s.shapes.title.text.startswith(f"{name} over time"))
        for chart in _charts(time_slide):
            assert [s.name for s in chart.plots[0].series] == [study.loaded.baseline.name, name]


@pytest.fixture(scope="module")
def pdf(built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deck rendered by LibreOffice (skipped only off CI when LibreOffice is not installed)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") or os.environ.get("FOCUSSIM_CI"):
            pytest.fail("LibreOffice (soffice) is missing in CI: .ci/run installs libreoffice-impress-nogui")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-impress-nogui")
    path, _ = built
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir",
         str(out), str(path)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    target = out / (path.stem + ".pdf")
    assert proc.returncode == 0 and target.is_file(), proc.stdout + proc.stderr
    return target


def test_libreoffice_renders_one_page_per_slide(built, pdf: Path) -> None:
    path, _ = built
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    assert pages == len(Presentation(str(path)).slides)


def test_second_example_spec_builds(tmp_path: Path) -> None:
    assert len(SPECS) >= 2
    other = next(s for s in SPECS if s != SPEC)
    out = tmp_path / "other.pptx"
    proc = focussim("deck", other, "--quick", "--replications", "3", "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr[-2000:]
    prs = Presentation(str(out))
    study_names = [p.name for p in whatif.load_spec(other).spec.proposals]
    assert len(prs.slides) == 7 + 3 * len(study_names)
    # Not observed KPIs are said to be so, never compared.
    kpi_rows = _rows(_tables(prs.slides[2])[0])[1:]
    unobserved = [r for r in kpi_rows if r[-1] == "not observed"]
    spec = whatif.load_spec(other).spec.observed
    assert len(unobserved) == sum(getattr(spec, k) is None for k in whatif.KPIS)


# --------------------------------------------------------------------------- bad specs and failures

GOOD = """client: Test
baseline:
  scenario: {scenario}
  headcount: {{frontline: 6}}
proposals:
  - name: empower
    levers: {{empowerment.mode: guidelines}}
"""

BAD = {
    "unknown top-level key": ("clinet: x\n", "clinet"),
    "unknown client number": (GOOD.replace("{{frontline: 6}}", "{{frontlin: 6}}"), "baseline.headcount.frontlin"),
    "headcount out of range": (GOOD.replace("{{frontline: 6}}", "{{frontline: 0}}"), "baseline.headcount.frontline"),
    "headcount not a number": (GOOD.replace("{{frontline: 6}}", "{{frontline: many}}"), "baseline.headcount.frontline"),
    "missing proposals": (GOOD.split("proposals:")[0], "proposals"),
    "five proposals": (
        GOOD.split("proposals:")[0]
        + "proposals:\n"
        + "".join(f"  - name: p{i}\n    levers: {{{{empowerment.mode: guidelines}}}}\n" for i in range(5)),
        "proposals",
    ),
    "unknown lever": (GOOD.replace("empowerment.mode:", "empowerment.mod:"), "proposals[0].levers.empowerment.mod"),
    "lever out of range": (
        GOOD.replace("empowerment.mode: guidelines", "recovery.generosity: 2"),
        "proposals[0].levers.recovery.generosity",
    ),
    "structural lever": (GOOD.replace("empowerment.mode: guidelines", "customers.initial: 10"), "customers.initial"),
    "lever that changes nothing": (
        GOOD.replace("empowerment.mode: guidelines", "empowerment.mode: approval"),
        "changes nothing",
    ),
    "repeated proposal names": (
        GOOD + "  - name: empower\n    levers: {{empowerment.mode: guidelines}}\n",
        "repeat",
    ),
    "observed NPS out of range": (GOOD + "observed: {{nps: 300}}\n", "observed.nps"),
    "switch after the horizon": (GOOD + "run: {{days: 30, switch_day: 30}}\n", "run.switch_day"),
    "scenario file missing": (GOOD.replace("{scenario}", "nowhere.yaml"), "baseline.scenario"),
    "not YAML": ("client: [unclosed\n", "not valid YAML"),
    "a YAML tag": (GOOD + "title: !!python/object:os.system x\n", "tag"),
}


def _cli(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_spec_is_one_line_exit_2_no_file(case: str, tmp_path: Path) -> None:
    text, needle = BAD[case]
    spec = tmp_path / "spec.yaml"
    spec.write_text(text.format(scenario=ROOT / "scenarios" / "operations_focused.yaml"), encoding="utf-8")
    out = tmp_path / "deck.pptx"
    result = _cli("deck", spec, "--quick", "--out", out, "--quiet")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"focussim: {spec}") and needle in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists() and list(tmp_path.iterdir()) == [spec]


@pytest.mark.parametrize(
    "args, needle",
    [
        (("--replications", "1"), "--replications"),
        (("--days", "0"), "--days"),
        (("--warmup-days", "-3"), "--warmup-days"),
        (("--out", "deck.pdf"), "--out"),
    ],
)
def test_bad_options_are_one_line_exit_2_no_file(args: tuple[str, ...], needle: str, tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    result = _cli("deck", SPEC, "--quick", "--quiet", *(args if "--out" in args else (*args, "--out", out)))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert not out.exists() and not Path("deck.pdf").exists()


def test_a_failed_run_writes_no_deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise FocussimError("a replication failed")

    monkeypatch.setattr(whatif, "transition", broken)  # fails after the comparison has run
    out = tmp_path / "deck.pptx"
    result = _cli("deck", SPEC, "--quick", "--quiet", "--out", out)
    assert result.exit_code == 2 and "a replication failed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_no_half_deck(built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, study = built
    target = tmp_path / "deck.pptx"
    target.write_bytes(b"the previous deck")

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(deck.Presentation()), "save", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        deck.write_deck(study, target)
    assert target.read_bytes() == b"the previous deck", "the old file is untouched"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"], "no temporary file left behind"


def test_summary_sentence_variants_follow_the_interval(built) -> None:
    """The sentence says 'earns' only when the whole interval is above zero, 'spans zero' when it straddles it."""
    _, study = built
    row = study.difference(study.headline, "profit")
    sentence = study.summary_sentence()
    if row["lo"] > 0:
        assert "earns" in sentence
    elif row["hi"] < 0:
        assert "does not pay" in sentence or "None of the" in sentence
    else:
        assert "spans zero" in sentence
    assert math.isfinite(row["mean"])
