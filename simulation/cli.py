"""The ``focussim`` command line: validate, list and run scenarios; compare, sweep, sensitivity, transition,
discover; deck; dashboard (the classroom in the browser).

Every :class:`~simulation.errors.FocussimError` reaches the user as one line
``focussim: <message>`` on stderr with exit code 2 (Ctrl-C: ``interrupted``,
130), never as a traceback. The simulation engine is imported only by
``focussim run``, so the other commands start fast.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from simulation.api import DEFAULT_WARMUP_DAYS, check_warmup_days
from simulation.errors import FocussimError, ScenarioError
from simulation.scenario.loader import (
    describe,
    load_scenario,
    parse_set,
    scenario_hash,
    shipped_scenarios,
)
from simulation.scenario.schema import field_table, format_value

__all__ = ["app"]

app = typer.Typer(
    name="focussim",
    help="Agent-based simulation of operations-focused versus customer-focused service firms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

out = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
DEFAULT_ENGINES: tuple[str, ...] = ("mesa", "numba")


def _say_error(message: str) -> None:
    """One plain line on stderr: no markup, no emoji, no wrapping."""
    err.print(f"focussim: {' '.join(str(message).split())}", markup=False, soft_wrap=True)


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn FocussimError and Ctrl-C into one line on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FocussimError as exc:
            _say_error(str(exc))
            raise typer.Exit(EXIT_ERROR) from None
        except KeyboardInterrupt as exc:
            _say_error(f"interrupted: {exc}" if str(exc) else "interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper


def _num(value: Any) -> str:
    """A result rounded for the terminal (4 significant digits, thousands separated)."""
    if isinstance(value, float) and value != value:  # NaN
        return "nan"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1000:
        return f"{value:,.0f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4g}"
    return format_value(value)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files to check.")],
) -> None:
    """Check scenario files; print 'ok  FILE  (name, hash)' or one error line per file."""
    failed = 0
    try:
        for path in files:
            try:
                scenario = load_scenario(path)
            except FocussimError as exc:
                failed += 1
                _say_error(str(exc))
                continue
            out.print(
                f"ok  {path}  ({scenario.name}, {scenario_hash(scenario)})",
                markup=False,
                soft_wrap=True,
            )
    except KeyboardInterrupt:
        _say_error("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if failed:
        raise typer.Exit(EXIT_ERROR)


@app.command()
@_guarded
def scenarios() -> None:
    """List the scenarios shipped in scenarios/."""
    table = Table(title="Shipped scenarios", title_justify="left")
    table.add_column("file", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("description", overflow="fold")
    failed = 0
    for path in shipped_scenarios():
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            failed += 1
            _say_error(str(exc))
            table.add_row(path.name, "", "(does not load, see error above)")
            continue
        table.add_row(path.name, scenario.name, describe(path))
    out.print(table)
    if failed:
        raise typer.Exit(EXIT_ERROR)


@app.command()
@_guarded
def params(
    section: Annotated[str | None, typer.Option("--section", "-s", help="Show only this section.")] = None,
) -> None:
    """Table of every scenario parameter: key, default, unit, range, description."""
    rows = field_table()
    if section is not None:
        sections = list(dict.fromkeys(r["key"].split(".", 1)[0] for r in rows))
        if section not in sections:
            import difflib

            close = difflib.get_close_matches(section, sections, n=1)
            hint = f"did you mean {close[0]!r}?" if close else ""
            raise FocussimError(
                f"--section = {section!r}: unknown section{' (' + hint + ')' if hint else ''}: "
                f"allowed: {', '.join(sections)}"
            )
        rows = [r for r in rows if r["key"].split(".", 1)[0] == section]
    if out.width < 110:
        # narrow terminal: one block per parameter reads better than a squeezed table
        for r in rows:
            rng = r["range"]
            out.print(
                f"{r['key']} = {format_value(r['default'])} {r['unit']}" + (f"  ({rng})" if rng else ""),
                markup=False,
                soft_wrap=True,
            )
            out.print(Padding(Text(r["description"]), (0, 0, 0, 4)))
        return
    width = max(len(r["key"]) for r in rows)
    table = Table(title="Scenario parameters", title_justify="left")
    table.add_column("key", no_wrap=True, min_width=width)
    table.add_column("default", justify="right", no_wrap=True)
    table.add_column("unit")
    table.add_column("range", no_wrap=True)
    table.add_column("description", overflow="fold", ratio=1)
    for r in rows:
        table.add_row(
            r["key"],
            format_value(r["default"]),
            r["unit"],
            r["range"],
            r["description"],
        )
    out.print(table)


#: ``--warmup-days``: read as text and checked here, so that every bad value (negative, 1.5, abc) is one line
#: and exit 2 like the other checked options (the option parser's own error for a non-integer is a usage box).
WarmupOpt = Annotated[
    str | None,
    typer.Option(
        "--warmup-days",
        metavar="<int>",
        help=f"Warm-up: business days each replication runs under its own policies before day 1 (default "
        f"{DEFAULT_WARMUP_DAYS}; 0: none). Results and charts count from the end of the warm-up.",
        show_default=False,
    ),
]


def _warmup_days(text: str | None) -> int:
    """The ``--warmup-days`` value: the default when not given, else a whole number of at least 0."""
    if text is None:
        return DEFAULT_WARMUP_DAYS
    value = text.strip()
    # Digits only (no sign, decimal point or exponent); anything else gets check_warmup_days' one-line error.
    return check_warmup_days(int(value) if value.isascii() and value.isdigit() else text, "--warmup-days")


def _safe_dirname(name: str) -> str:
    """A scenario name as a single, harmless folder name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned or "scenario"


def _engine_api() -> tuple[Callable[..., Any], tuple[str, ...]]:
    """``simulation.run`` and the allowed engine names, imported on first use."""
    try:
        import simulation
        import simulation.api as api
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("simulation"):
            raise FocussimError(f"the simulation engine is not available ({exc.name} is missing)") from None
        raise
    run = getattr(simulation, "run", None) or getattr(api, "run", None)
    if run is None:
        raise FocussimError("the simulation engine is not available (simulation.run is missing)")
    engines = tuple(getattr(api, "ENGINES", DEFAULT_ENGINES))
    return run, engines


@app.command()
@_guarded
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    engine: Annotated[
        str | None,
        typer.Option(help="Simulation engine: mesa or numba (default: numba for more than one replication)."),
    ] = None,
    days: Annotated[
        int, typer.Option(help="Business days per replication, counted from the end of the warm-up.")
    ] = 730,
    replications: Annotated[int, typer.Option(help="Independent replications.")] = 1,
    seed: Annotated[int, typer.Option(help="Base random seed.")] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Replications in parallel: processes (mesa, default 1) or threads (numba, default all cores). "
            "Same numbers for any count."
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            help="What to keep: daily (full table), compact (float32, half the memory) or summary "
            "(per-replication values and daily quantile bands only)."
        ),
    ] = "daily",
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: section.key=value (repeatable)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder (default results/<scenario name>)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar or summary.")] = False,
    warmup_days: WarmupOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    block: BlockOpt = None,
) -> None:
    """Run a scenario, save the results and print a summary.

    With --cluster or --scheduler the replications run in blocks on a Dask cluster, and each finished
    block is written to the output folder (parts/, manifest.sqlite): --resume continues an interrupted run.
    """
    if days < 1:
        raise FocussimError(f"--days = {days}: allowed: a whole number of at least 1")
    if replications < 1:
        raise FocussimError(f"--replications = {replications}: allowed: a whole number of at least 1")
    warmup = _warmup_days(warmup_days)
    overrides = parse_set(list(set_ or []))
    loaded = load_scenario(scenario, overrides, override_source="--set")
    simulate, engines = _engine_api()
    if engine is None:
        engine = "numba" if replications > 1 and "numba" in engines else "mesa"
    if workers is not None and workers < 1:
        raise FocussimError(f"--workers = {workers}: allowed: a whole number of at least 1")
    if output not in ("daily", "compact", "summary"):
        raise FocussimError(f"--output = {output!r}: allowed: daily, compact, summary")
    if engine not in engines:
        raise FocussimError(f"--engine = {engine!r}: unknown engine: allowed: {', '.join(engines)}")
    folder = out_dir if out_dir is not None else Path("results") / _safe_dirname(loaded.name)

    kwargs: dict[str, Any] = {"engine": engine, "days": days, "replications": replications, "seed": seed}
    kwargs.update({"workers": workers, "output": output, "warmup_days": warmup})
    if cluster is not None or scheduler is not None or resume:
        from simulation.distributed import parse_cluster

        if workers is not None and (cluster is not None or scheduler is not None):
            raise FocussimError(
                f"--workers = {workers} with {'--cluster' if cluster is not None else '--scheduler'}: allowed: one "
                "of them (--workers: threads or processes here; a cluster: its worker processes)"
            )
        parse_cluster(cluster, scheduler, workers)  # a bad value is one line before anything runs
        kwargs.update({"cluster": cluster, "scheduler": scheduler, "store": folder, "resume": resume, "block": block})
    try:
        results = _simulate_with_progress(simulate, loaded, kwargs, quiet)
    except KeyboardInterrupt as exc:
        partial = getattr(exc, "partial", None)
        if partial is not None and len(partial):  # nothing computed is lost
            folder.mkdir(parents=True, exist_ok=True)
            partial.to_parquet(folder / "daily_partial.parquet", index=False)
            _say_error(f"interrupted: {exc}; finished replications saved to {folder / 'daily_partial.parquet'}")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        raise

    results.save(folder)
    if not quiet:
        summary = results.summary()
        table = Table(
            title=f"{loaded.name}: {replications} replication(s) x {days} days ({engine}, "
            + (f"after a {warmup}-day warm-up)" if warmup else "no warm-up)"),
            title_justify="left",
        )
        table.add_column("metric", no_wrap=True)
        table.add_column("unit")
        for column in ("mean", "p5", "p95"):
            table.add_column(column, justify="right", no_wrap=True)
        for row in summary.itertuples(index=False):
            table.add_row(str(row.metric), str(row.unit), _num(row.mean), _num(row.p5), _num(row.p95))
        out.print(table)
    out.print(f"results: {folder}", markup=False, soft_wrap=True)


def _simulate_with_progress(simulate: Callable[..., Any], loaded: Any, kwargs: dict[str, Any], quiet: bool) -> Any:
    """Run with a rich progress bar over replication-days (none when quiet)."""
    return _study(f"{loaded.name} ({kwargs['engine']})", simulate, quiet, loaded, **kwargs)


# --------------------------------------------------------------------------- studies

DaysOpt = Annotated[int, typer.Option(help="Business days per replication, counted from the end of the warm-up.")]
RepsOpt = Annotated[int, typer.Option(help="Replications per scenario or design point (common random numbers).")]
SeedOpt = Annotated[int, typer.Option(help="Base random seed.")]
WorkersOpt = Annotated[int | None, typer.Option(help="Threads (default all cores). Same numbers for any count.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Output folder (default results/<study>).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", help="No progress bar.")]
VaryOpt = Annotated[
    list[str],
    typer.Option(help="A parameter to vary: key=v1,v2,... or key=lo:hi:n (repeatable), e.g. firm.frontline=30:50:3."),
]

ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        metavar="local:N",
        help="Run the units of work (a scenario or design point and a block of replications) on a Dask "
        "LocalCluster of N worker processes. Same numbers as in process.",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run the units on a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (a lab cluster, dask-jobqueue).",
    ),
]
ResumeOpt = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Continue the study interrupted in --out: run only the units missing there (same parameters only).",
    ),
]
BlockOpt = Annotated[
    int | None, typer.Option("--block", help="Replications per unit of work (default 8). Same numbers for any.")
]


def _execution_kwargs(
    workers: int | None, cluster: str | None, scheduler: str | None, resume: bool, block: int | None, folder: Path
) -> dict[str, Any]:
    """The execution keywords of a study: every study stores its units in its output folder."""
    return {
        "workers": workers,
        "cluster": cluster,
        "scheduler": scheduler,
        "store": folder,
        "resume": resume,
        "block": block,
    }


def _study(label: str, fn: Callable[..., Any], quiet: bool, /, *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` (a simulation or a study) with the shared progress bar on stderr (none when quiet)."""
    from simulation.progress import with_progress

    return with_progress(label, fn, *args, quiet=quiet, console=err, **kwargs)


def _show_frame(frame: Any, columns: list[str], title: str) -> None:
    """Print ``frame``'s ``columns`` as a table: text left, numbers right."""
    from pandas.api.types import is_numeric_dtype

    shown = Table(title=title, title_justify="left")
    for col in columns:
        shown.add_column(col, justify="right" if is_numeric_dtype(frame[col]) else "left")
    for row in frame[columns].itertuples(index=False):
        shown.add_row(*(_num(v) for v in row))
    out.print(shown)


def _finish_study(study: Any, folder: Path, table: str, columns: list[str], title: str) -> None:
    """Save a study, show its key table and say where everything is."""
    paths = study.save(folder)
    _show_frame(study.tables[table], columns, title)
    out.print(f"{len(paths)} files written to: {folder}", markup=False, soft_wrap=True)


def _scenario_files(paths: list[Path]) -> list[Any]:
    return [load_scenario(p) for p in paths]


@app.command()
@_guarded
def compare(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Two or more scenario YAML files; the first is the baseline.")
    ],
    replications: RepsOpt = 30,
    days: DaysOpt = 365,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    out_dir: OutOpt = None,
    quiet: QuietOpt = False,
    warmup_days: WarmupOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    block: BlockOpt = None,
) -> None:
    """Scenarios head to head under common random numbers: paired differences with 90 % intervals."""
    from simulation import studies

    warmup = _warmup_days(warmup_days)
    loaded = _scenario_files(scenarios)
    folder = out_dir or Path("results") / "compare"
    study = _study(
        "compare",
        studies.compare,
        quiet,
        loaded,
        days=days,
        replications=replications,
        seed=seed,
        warmup_days=warmup,
        **_execution_kwargs(workers, cluster, scheduler, resume, block, folder),
    )
    _finish_study(
        study,
        folder,
        "differences",
        ["metric", "unit", "scenario", "baseline_mean", "scenario_mean", "mean", "lo", "hi"],
        f"Paired differences (scenario - {loaded[0].name}), 90 % interval, {replications} replications",
    )


@app.command()
@_guarded
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    vary: VaryOpt,
    design: Annotated[str, typer.Option(help="grid (every combination) or lhs (Latin hypercube).")] = "grid",
    samples: Annotated[int | None, typer.Option(help="Points of a Latin hypercube design.")] = None,
    replications: RepsOpt = 10,
    days: DaysOpt = 365,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    out_dir: OutOpt = None,
    quiet: QuietOpt = False,
    warmup_days: WarmupOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    block: BlockOpt = None,
) -> None:
    """Run a scenario over a design of parameter values: a tidy table, line charts and heatmaps."""
    from simulation import studies

    warmup = _warmup_days(warmup_days)
    loaded = load_scenario(scenario)
    ranges = studies.parse_vary(vary)
    folder = out_dir or Path("results") / f"sweep_{_safe_dirname(loaded.name)}"
    study = _study(
        "sweep",
        studies.sweep,
        quiet,
        loaded,
        ranges,
        design=design,
        samples=samples,
        days=days,
        replications=replications,
        seed=seed,
        warmup_days=warmup,
        **_execution_kwargs(workers, cluster, scheduler, resume, block, folder),
    )
    cols = ["point", *ranges, *studies.SWEEP_METRICS]
    _finish_study(study, folder, "points", cols, f"{loaded.name}: mean over {replications} replications per point")


def _vary_ranges(vary: list[str]) -> dict[str, tuple[float, float]]:
    """``--vary key=lo:hi`` options as ranges (sensitivity, discover): a list of values is one line and exit 2."""
    from simulation import studies

    ranges = {}
    for key, v in studies.parse_vary(vary).items():
        if not isinstance(v, tuple):
            raise FocussimError(f"--vary {key}: {v} is a list of values: allowed: a range key=lo:hi")
        ranges[key] = (v[0], v[1])
    return ranges


@app.command()
@_guarded
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    vary: Annotated[list[str], typer.Option(help="A numeric parameter and its range: key=lo:hi (repeatable).")],
    method: Annotated[str, typer.Option(help="sobol (variance-based) or morris (elementary effects).")] = "sobol",
    samples: Annotated[
        int, typer.Option(help="Base sample size N (Sobol: N(D+2) points; Morris: N trajectories).")
    ] = 64,
    replications: RepsOpt = 4,
    days: DaysOpt = 365,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    out_dir: OutOpt = None,
    quiet: QuietOpt = False,
    warmup_days: WarmupOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    block: BlockOpt = None,
) -> None:
    """Global sensitivity (SALib) of profit, retention and turnover to the varied parameters."""
    from simulation import studies

    warmup = _warmup_days(warmup_days)
    loaded = load_scenario(scenario)
    ranges = _vary_ranges(vary)
    folder = out_dir or Path("results") / f"sensitivity_{_safe_dirname(loaded.name)}"
    study = _study(
        "sensitivity",
        studies.sensitivity,
        quiet,
        loaded,
        ranges,
        method=method,
        samples=samples,
        days=days,
        replications=replications,
        seed=seed,
        warmup_days=warmup,
        **_execution_kwargs(workers, cluster, scheduler, resume, block, folder),
    )
    cols = ["output", "input", *(["S1", "ST"] if method == "sobol" else ["mu_star", "sigma"])]
    _finish_study(study, folder, "indices", cols, f"{loaded.name}: {method} indices")


@app.command()
@_guarded
def transition(
    start: Annotated[Path, typer.Argument(help="Scenario the firm runs now (YAML).")],
    target: Annotated[Path, typer.Argument(help="Scenario it switches to (YAML).")],
    at_day: Annotated[
        int,
        typer.Option(help="Business days under the first scenario before the switch, after the warm-up."),
    ],
    replications: RepsOpt = 30,
    days: DaysOpt = 730,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    out_dir: OutOpt = None,
    quiet: QuietOpt = False,
    warmup_days: WarmupOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    block: BlockOpt = None,
) -> None:
    """Switch policy mid-run: the J-curve of cumulative profit against staying put, and the break-even day."""
    from simulation import studies

    warmup = _warmup_days(warmup_days)
    a, b = load_scenario(start), load_scenario(target)
    folder = out_dir or Path("results") / f"transition_{_safe_dirname(a.name)}_to_{_safe_dirname(b.name)}"
    study = _study(
        "transition",
        studies.transition,
        quiet,
        a,
        b,
        at_day,
        days=days,
        replications=replications,
        seed=seed,
        warmup_days=warmup,
        **_execution_kwargs(workers, cluster, scheduler, resume, block, folder),
    )
    cols = ["trough_usd", "trough_day", "breakeven_day_median", "share_never", "delta_at_horizon_median_usd"]
    _finish_study(study, folder, "summary", cols, f"{a.name} -> {b.name} after day {at_day}")


@app.command()
@_guarded
def discover(
    baseline: Annotated[Path, typer.Argument(help="Baseline scenario (YAML).")],
    policy: Annotated[Path, typer.Argument(help="Policy scenario (YAML): the effect is policy minus baseline.")],
    vary: Annotated[
        list[str],
        typer.Option(help="A context parameter and its range, applied to both: key=lo:hi (repeatable)."),
    ],
    samples: Annotated[int, typer.Option(help="Points of the Latin hypercube.")] = 64,
    where: Annotated[
        str,
        typer.Option(help='Condition on the mean paired differences, e.g. "profit < 0" or "profit < 0 and nps > 0".'),
    ] = "profit < 0",
    threshold: Annotated[
        float, typer.Option(help="Least density of a PRIM box (share of its points where it holds).")
    ] = 0.8,
    replications: RepsOpt = 4,
    days: DaysOpt = 365,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    out_dir: OutOpt = None,
    quiet: QuietOpt = False,
    warmup_days: WarmupOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    block: BlockOpt = None,
) -> None:
    """Scenario discovery: where in the space of contexts does the condition hold (PRIM boxes)?"""
    from simulation import studies
    from simulation.discovery import parse_where

    warmup = _warmup_days(warmup_days)
    parse_where(where)  # a bad condition is one line before anything runs
    a, b = load_scenario(baseline), load_scenario(policy)
    ranges = _vary_ranges(vary)
    folder = out_dir or Path("results") / f"discover_{_safe_dirname(b.name)}_vs_{_safe_dirname(a.name)}"
    study = _study(
        "discover",
        studies.discover,
        quiet,
        a,
        b,
        ranges,
        samples=samples,
        where=where,
        threshold=threshold,
        days=days,
        replications=replications,
        seed=seed,
        warmup_days=warmup,
        **_execution_kwargs(workers, cluster, scheduler, resume, block, folder),
    )
    paths = study.save(folder)
    boxes = study.tables["boxes"]
    if len(boxes):
        _show_frame(
            boxes.loc[boxes["restricted"]],
            ["box", "parameter", "lower", "upper", "coverage", "density"],
            f"PRIM boxes where {where} ({b.name} minus {a.name}): the parameters each restricts",
        )
    out.print(f"{len(paths)} files written to: {folder}", markup=False, soft_wrap=True)
    out.print(study.parameters["finding"], markup=False, soft_wrap=True)


@app.command()
@_guarded
def deck(
    spec: Annotated[
        Path, typer.Argument(help="What-if spec (YAML): the client's baseline, 1 to 4 proposals, observed KPIs.")
    ],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="The deck to write, .pptx (default results/<spec name>.pptx).")
    ] = None,
    replications: Annotated[int | None, typer.Option(help="Replications per arm (default: the spec's run).")] = None,
    days: Annotated[int | None, typer.Option(help="Business days after the warm-up (default: the spec's).")] = None,
    seed: Annotated[int | None, typer.Option(help="Base random seed (default: the spec's).")] = None,
    switch_day: Annotated[
        int | None, typer.Option(help="Day of the switch in the J-curves, after the warm-up (default: the spec's).")
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="A tiny firm and a short run: a smoke test of the deck, not a finding.")
    ] = False,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
    warmup_days: WarmupOpt = None,
) -> None:
    """A what-if deck for a client: the baseline against 1 to 4 proposals, as a 16:9 PowerPoint file."""
    from simulation import whatif
    from simulation.deck import write_deck

    warmup = None if warmup_days is None else _warmup_days(warmup_days)
    target = out_file if out_file is not None else Path("results") / f"{_safe_dirname(spec.stem)}.pptx"
    if target.suffix.lower() != ".pptx":
        raise FocussimError(f"--out = {str(target)!r}: allowed: a file name ending in .pptx")
    if target.exists() and target.is_dir():
        raise FocussimError(f"--out = {str(target)!r}: is a directory: allowed: a .pptx file")
    loaded = whatif.load_spec(
        spec,
        quick=quick,
        days=days,
        replications=replications,
        seed=seed,
        warmup_days=warmup,
        switch_day=switch_day,
    )
    o = loaded.options
    if quiet:
        result = whatif.run_whatif(loaded, workers=workers)
    else:
        with err.status(f"{loaded.spec.client}: running") as status:
            result = whatif.run_whatif(
                loaded, workers=workers, progress=lambda label: status.update(f"{loaded.spec.client}: {label}")
            )
    write_deck(result, target)
    out.print(result.summary_sentence(), markup=False, soft_wrap=True)
    out.print(
        f"deck: {target} ({o.replications} replications x {o.days} days per arm, seed {o.seed})",
        markup=False,
        soft_wrap=True,
    )


@app.command()
@_guarded
def dashboard(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every network interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    db: Annotated[
        Path | None,
        typer.Option(help="SQLite file of the classroom games (default: ~/.local/share/focussim/classroom.sqlite)."),
    ] = None,
) -> None:
    """Serve the classroom in the browser until Ctrl-C: the live firm (/), the team game (/game), the board (/board)."""
    try:
        from simulation.classroom.game import default_db_path
        from simulation.classroom.server import serve
    except ImportError as exc:
        raise FocussimError(
            f"the dashboard needs its extra packages ({exc.name} is missing): "
            "allowed: pip install 'focussim[dashboard]'"
        ) from None
    path = Path(db) if db is not None else default_db_path()
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    out.print(f"focussim dashboard: http://{shown}:{port}/  (game: /game, board: /board)", markup=False, soft_wrap=True)
    out.print(f"games are kept in {path}; Ctrl-C stops the server", markup=False, soft_wrap=True)
    serve(host, port, path)


def main() -> None:  # pragma: no cover - console entry point alias
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
