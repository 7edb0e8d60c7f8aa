"""What every experiment script shares: options, scenarios, progress, the summary file, errors.

An experiment answers one question. It runs studies from :mod:`simulation.studies` (the same API as the
``focussim`` commands), saves each study's tables and charts in a sub-folder of ``results/<name>/`` and
writes ``results/<name>/summary.md``: the question, the answer in numbers, and where the charts are.

``--quick`` is a smoke test (a small firm, few replications, a short horizon); its numbers are not
findings. Without it, an experiment uses the default firm and enough replications for its claims.

``--warmup-days`` (default :data:`simulation.api.DEFAULT_WARMUP_DAYS`, also under ``--quick``) is passed to
every study the experiment runs through :meth:`Experiment.study`: each replication first runs that many days
under its own policies, and ``--days``, the tables, the charts and switch days count from the end of it.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from simulation.api import DEFAULT_WARMUP_DAYS, check_warmup_days
from simulation.errors import FocussimError
from simulation.progress import with_progress
from simulation.scenario.loader import load_scenario, with_overrides
from simulation.scenario.schema import Scenario
from simulation.studies import Study

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

#: ``--quick``: a firm a tenth of the default size (same ratios: about 125 customers per frontline employee).
QUICK_FIRM: dict[str, Any] = {
    "customers.initial": 500,
    "firm.frontline": 4,
    "firm.back_office": 1,
    "firm.managers": 1,
}
QUICK_DAYS = 60
QUICK_REPLICATIONS = 2


@dataclass
class Experiment:
    """One experiment's options and outputs (made by :func:`start`)."""

    name: str
    question: str
    args: argparse.Namespace
    console: Console
    out: Path
    lines: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def quick(self) -> bool:
        return bool(self.args.quick)

    @property
    def days(self) -> int:
        return int(self.args.days)

    @property
    def replications(self) -> int:
        return int(self.args.replications)

    @property
    def seed(self) -> int:
        return int(self.args.seed)

    @property
    def warmup_days(self) -> int:
        """Days each replication runs before day 1 (``--warmup-days``); 0 for a script without the option."""
        return int(getattr(self.args, "warmup_days", 0))

    def scenario(self, stem: str, overrides: Mapping[str, Any] | None = None, name: str | None = None) -> Scenario:
        """``scenarios/<stem>.yaml`` with ``overrides`` (and the small firm under ``--quick``)."""
        loaded = load_scenario(SCENARIOS / f"{stem}.yaml")
        return self.variant(loaded, overrides or {}, name=name)

    def variant(self, scenario: Scenario, overrides: Mapping[str, Any], name: str | None = None) -> Scenario:
        """A validated copy of ``scenario`` with dotted ``overrides`` (and the small firm under ``--quick``)."""
        merged = {**(QUICK_FIRM if self.quick else {}), **overrides}
        return with_overrides(scenario, merged, source=f"experiments/{self.name}.py", name=name)

    def study(self, label: str, fn: Callable[..., Study], *args: Any, folder: str, **kwargs: Any) -> Study:
        """Run a study function with a progress bar and save it (tables, charts, study.json) to ``out/folder``."""
        kwargs.setdefault("seed", self.seed)
        kwargs.setdefault("workers", self.args.workers)
        kwargs.setdefault("warmup_days", self.warmup_days)
        result: Study = with_progress(label, fn, *args, console=self.console, **kwargs)
        self.written += result.save(self.out / folder)
        return result

    def say(self, *lines: str) -> None:
        """Add lines to summary.md."""
        self.lines.extend(lines)

    def table(self, rows: Iterable[Mapping[str, Any]], columns: Mapping[str, str]) -> None:
        """Add a markdown table to summary.md: ``columns`` maps row keys to headers; numbers formatted."""
        self.lines.append("| " + " | ".join(columns.values()) + " |")
        self.lines.append("|" + "---|" * len(columns))
        for row in rows:
            self.lines.append("| " + " | ".join(fmt(row[k]) for k in columns) + " |")
        self.lines.append("")

    def differences(
        self, diffs: Any, metrics: Iterable[str], baseline: str, label: str, scenario: str | None = None
    ) -> None:
        """Add a table of paired differences (:func:`difference_rows`), headed ``baseline`` and ``label``."""
        self.table(
            difference_rows(diffs, metrics, scenario),
            {"metric": "metric", "unit": "unit", "base": baseline, "other": label, "diff": "difference [90 %]"},
        )

    def figure(self, fig: Any, stem: str) -> None:
        """Save an extra chart (PNG and SVG) to the experiment folder."""
        from simulation.charts import save_figure

        self.written += save_figure(fig, self.out, stem)

    def finish(self) -> int:
        """Write summary.md, print it and where every output is."""
        header = [
            f"# {self.question}",
            "",
            f"Experiment `experiments/{self.name}.py`: {self.days} days "
            + (f"after a {self.warmup_days}-day warm-up" if self.warmup_days else "from the initial state (no warm-up)")
            + f", {self.replications} replications per arm, "
            f"seed {self.seed}, numba engine, common random numbers across arms."
            + (" **Quick run (a small firm, a short horizon): a smoke test, not a finding.**" if self.quick else ""),
            "",
        ]
        path = self.out / "summary.md"
        path.write_text("\n".join(header + self.lines).rstrip() + "\n")
        self.written.append(path)
        from rich.markdown import Markdown

        self.console.print(Markdown(path.read_text()))
        self.console.print(f"{len(self.written)} files written to: {self.out}", markup=False, soft_wrap=True)
        self.console.print(f"Summary: {path}", markup=False, soft_wrap=True)
        return 0


def difference_rows(diffs: Any, metrics: Iterable[str], scenario: str | None = None) -> list[dict[str, Any]]:
    """Rows (metric, unit, base, other, diff) of ``studies.paired_differences`` for one scenario against its
    baseline (``scenario`` None: the table holds one pair); metrics the table lacks are left out."""
    d = (diffs if scenario is None else diffs[diffs["scenario"] == scenario]).set_index("metric")
    return [
        {
            "metric": m,
            "unit": d.loc[m, "unit"],
            "base": d.loc[m, "baseline_mean"],
            "other": d.loc[m, "scenario_mean"],
            "diff": interval(d.loc[m]),
        }
        for m in metrics
        if m in d.index
    ]


def start(
    name: str,
    question: str,
    doc: str | None,
    days: int,
    replications: int,
    argv: list[str] | None = None,
    warmup: bool = True,
) -> Experiment:
    """Parse the common options (``--quick --days --replications --seed --workers --out``, and ``--warmup-days``
    unless ``warmup`` is False: a script that chooses its own warm-up)."""
    ap = argparse.ArgumentParser(
        prog=f"experiments/{name}.py",
        description=(doc or question).strip().split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--quick", action="store_true", help="smoke test: a small firm, a short horizon, 2 replications")
    ap.add_argument("--days", type=int, default=None, help=f"horizon in business days (default {days})")
    ap.add_argument("--replications", type=int, default=None, help=f"replications per arm (default {replications})")
    ap.add_argument("--seed", type=int, default=2026, help="master seed (default 2026)")
    ap.add_argument("--workers", type=int, default=None, help="worker threads (default: all cores)")
    ap.add_argument("--out", type=Path, default=None, help=f"output folder (default results/{name})")
    if warmup:
        # Read as text and checked below: a bad value is one line and exit 2 (a FocussimError), not a usage error.
        ap.add_argument(
            "--warmup-days",
            default=None,
            metavar="N",
            help=f"days each replication runs under its own policies before day 1 (default {DEFAULT_WARMUP_DAYS}; "
            "0: none); results, charts and switch days count from the end of the warm-up",
        )
    args = ap.parse_args(argv)
    if warmup:
        args.warmup_days = warmup_option(args.warmup_days)
    if args.days is None:
        args.days = QUICK_DAYS if args.quick else days
    if args.replications is None:
        args.replications = QUICK_REPLICATIONS if args.quick else replications
    out = args.out or ROOT / "results" / name
    out.mkdir(parents=True, exist_ok=True)
    return Experiment(name, question, args, Console(), out)


def warmup_option(text: str | None) -> int:
    """The ``--warmup-days`` value: the default when not given, else a whole number of at least 0."""
    if text is None:
        return DEFAULT_WARMUP_DAYS
    value = str(text).strip()
    return check_warmup_days(int(value) if value.isascii() and value.isdigit() else text, "--warmup-days")


def main(
    body: Callable[[Experiment], None],
    exp_args: tuple[Any, ...],
    argv: list[str] | None = None,
    warmup: bool = True,
) -> int:
    """Run ``body(experiment)``; a FocussimError becomes one line and exit 2, Ctrl-C exit 130."""
    try:
        exp = start(*exp_args, argv=argv, warmup=warmup)
        body(exp)
        return exp.finish()
    except FocussimError as exc:
        print(f"{exp_args[0]}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{exp_args[0]}: interrupted", file=sys.stderr)
        return 130


def fmt(v: Any) -> str:
    """A number for a summary table: thousands separated above 1000, else 3 significant digits."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, float) and math.isnan(v):
        return "n/a"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if isinstance(v, int) or float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.3g}"


def usd(v: float) -> str:
    """USD in thousands or millions for prose (``+1.23 M USD``)."""
    sign = "+" if v > 0 else "−" if v < 0 else ""
    a = abs(v)
    if a >= 1e6:
        return f"{sign}{a / 1e6:.2f} M USD"
    if a >= 1e3:
        return f"{sign}{a / 1e3:.0f} k USD"
    return f"{sign}{a:.0f} USD"


def interval(row: Mapping[str, Any], scale: float = 1.0, digits: int = 3) -> str:
    """``mean [lo, hi]`` of a paired-difference row (studies.paired_differences)."""
    m, lo, hi = (row[k] * scale for k in ("mean", "lo", "hi"))
    if max(abs(m), abs(lo), abs(hi)) >= 1000:
        return f"{m:,.0f} [{lo:,.0f}, {hi:,.0f}]"
    return f"{m:.{digits}g} [{lo:.{digits}g}, {hi:.{digits}g}]"
