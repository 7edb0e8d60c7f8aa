"""Units of work and where they run: in this process or on a Dask cluster.

A study is cut into **units**: one arm or design point and a block of consecutive replications. A unit
carries everything it needs (the scenario, days, warm-up, seed, replication range), and replication ``r``
draws from the streams of ``(seed, r)`` (:mod:`simulation.rng`) wherever it runs, so the assembled tables
are bit-identical for any executor and any number of workers.

Executors:

* in process (default): a thread pool (the numba kernels release the GIL; ``workers`` threads) or, for
  the mesa engine with more than one worker, a process pool;
* ``cluster="local:N"``: a ``dask.distributed`` LocalCluster of N worker processes (one thread each);
* ``scheduler="tcp://host:8786"``: an existing Dask scheduler (a lab's cluster, or dask-jobqueue on an
  HPC system: docs/scaling.md has the recipe).

On a cluster the numba kernels are compiled (or loaded) once in this process before the workers start,
so the workers load them from numba's cache instead of compiling each; units are submitted in a sliding
window (a few per worker thread), so a study of a million units does not flood the scheduler; a worker
that dies has its units rerun by the scheduler (up to ``distributed.scheduler.allowed-failures`` times);
and every worker must run the same focussim sources as this process (checked when the client connects).

:func:`run_units` drives a study: it skips the units a store already holds, runs the rest, writes each to
the store as it finishes (:mod:`simulation.store`) and reports progress in replication-days of finished
units, across the cluster.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import FocussimError
from simulation.metrics import DAILY_COLUMNS, METRICS, replication_table, run_values
from simulation.runner import Switches, _tidy, as_schedule, run_mesa_replication
from simulation.scenario.schema import Scenario

__all__ = [
    "DEFAULT_BLOCK",
    "Arm",
    "ClusterSpec",
    "StudyInterrupted",
    "Unit",
    "blocks",
    "open_executor",
    "parse_cluster",
    "run_arms",
    "run_distributed",
    "run_unit",
    "run_units",
    "source_fingerprint",
    "warm_numba",
]

#: Replications per unit at most, when the caller does not choose: a default-size replication with a
#: year's warm-up takes about 0.35 s on one core, so a unit of 8 is a few seconds of work, long against a
#: Dask task's overhead (milliseconds) and short enough to lose little when a worker dies.
DEFAULT_BLOCK = 8
#: Seconds to wait for a scheduler to answer (``FOCUSSIM_CONNECT_TIMEOUT_S`` overrides it).
CONNECT_TIMEOUT_S = 10.0
#: Units in flight per worker thread on a cluster (the rest wait in this process).
WINDOW_PER_THREAD = 4

Progress = Callable[[int, int], None]


class StudyInterrupted(KeyboardInterrupt):
    """Ctrl-C during a study: the finished units are in the store (if any); ``--resume`` continues."""


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    """One unit of work: replications ``first .. stop - 1`` of one scenario (an arm or a design point).

    ``output``: ``"daily"`` (float64 cube: the daily table kept in full), ``"compact"`` (float32 cube, the
    daily table in float32 / int32) or ``"summary"`` (float32 cube, run values only). ``keep_daily``: return
    the daily table (for ``"summary"``: the compact one, from which a run's daily bands are computed).
    ``switch``: one policy switch ``(scenario_after, day)`` or a schedule of them (numba engine).
    """

    key: str
    scenario: Scenario
    engine: str
    days: int
    warmup_days: int
    seed: int
    first: int
    stop: int
    output: str = "daily"
    keep_daily: bool = True
    switch: Switches | None = None

    @property
    def replications(self) -> int:
        return self.stop - self.first

    @property
    def work(self) -> int:
        """Replication-days this unit simulates (warm-up included): the unit of progress."""
        return (self.warmup_days + self.days) * self.replications

    @property
    def tables(self) -> tuple[str, ...]:
        return ("per_replication", "daily") if self.keep_daily else ("per_replication",)


def blocks(replications: int, block: int | None = None) -> list[tuple[int, int]]:
    """Replication ranges ``(first, stop)`` of at most ``block`` (default :data:`DEFAULT_BLOCK`), as even as
    possible: 10 replications in blocks of at most 8 are 0-5 and 5-10."""
    size = DEFAULT_BLOCK if block is None else int(block)
    if size < 1:
        raise FocussimError(f"--block = {block!r}: allowed: a whole number of replications per unit of at least 1")
    n = math.ceil(int(replications) / size)
    edges = [round(i * replications / n) for i in range(n + 1)]
    return [(edges[i], edges[i + 1]) for i in range(n)]


def run_unit(unit: Unit) -> dict[str, pd.DataFrame]:
    """Run one unit; returns its tables: ``per_replication`` (and ``daily`` when kept).

    The numbers are those of the same replications in :func:`simulation.run` (the same kernels, the same
    streams of ``(seed, replication)``, the same dtype for the run values).
    """
    reps = np.arange(unit.first, unit.stop)
    name = unit.scenario.name
    simulated = unit.warmup_days + unit.days
    if unit.engine == "mesa":
        frames = [
            run_mesa_replication(unit.scenario, unit.days, unit.seed, int(r), warmup_days=unit.warmup_days)
            for r in reps
        ]
        daily = pd.concat(frames, ignore_index=True)
        for col in DAILY_COLUMNS:
            daily[col] = daily[col].astype(METRICS[col].dtype)  # type: ignore[call-overload]
        daily["scenario"] = daily["scenario"].astype("string")
        # the run values the in-process runner computes: from the daily table, or from the float64 cube
        per = run_values(daily) if unit.output == "daily" else _mesa_per_replication(frames, name, reps)
        return {"per_replication": per, "daily": daily}
    from simulation.engines.numba_engine import pack, run_one  # compiles (or loads) the kernels

    params = pack(unit.scenario)
    after = [(pack(s), unit.warmup_days + int(day)) for s, day in as_schedule(unit.switch)]
    dtype = np.float64 if unit.output == "daily" else np.float32
    cube = np.zeros((len(reps), unit.days, len(DAILY_COLUMNS)), dtype=dtype)
    for i, r in enumerate(reps):
        table, _ = run_one(params, simulated, unit.seed, int(r), after)
        cube[i] = table[unit.warmup_days :]
    out = {"per_replication": replication_table(cube, name, reps)}
    if unit.keep_daily:
        out["daily"] = _tidy(cube, name, reps, compact=unit.output != "daily")
    return out


def _mesa_per_replication(frames: Sequence[pd.DataFrame], name: str, reps: np.ndarray) -> pd.DataFrame:
    cube = np.stack([f[list(DAILY_COLUMNS)].to_numpy(dtype=np.float64) for f in frames])
    return replication_table(cube, name, reps)


def warm_numba() -> None:
    """Compile (or load from numba's cache) the numba kernels once in this process, running one day of a
    tiny firm, so that workers sharing this file system load them from the cache instead of compiling."""
    from simulation.engines.numba_engine import pack, run_one
    from simulation.scenario.schema import Customers, Firm

    tiny = Scenario(name="warm-up", firm=Firm(frontline=1, back_office=1, managers=1), customers=Customers(initial=10))
    run_one(pack(tiny), 1, 0, 0, None)


def source_fingerprint() -> str:
    """A hash of this focussim's sources: workers must run the same code as the process that submits."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- executors


@dataclass(frozen=True)
class ClusterSpec:
    """Where units run: ``kind`` is ``"process"`` (threads here), ``"local"`` (a LocalCluster of ``workers``
    processes) or ``"scheduler"`` (an existing scheduler at ``address``)."""

    kind: str
    workers: int = 1
    address: str = ""

    def describe(self) -> str:
        if self.kind == "local":
            return f"local:{self.workers}"
        if self.kind == "scheduler":
            return f"scheduler {self.address}"
        return f"in process ({self.workers} thread(s))"


_LOCAL = re.compile(r"^local:(\d+)$")
MAX_LOCAL_WORKERS = 256


def parse_cluster(cluster: str | None, scheduler: str | None, workers: int | None = None) -> ClusterSpec:
    """Check ``--cluster`` / ``--scheduler`` (one of them at most) and return where the units run."""
    if cluster is not None and scheduler is not None:
        raise FocussimError(
            f"--cluster = {cluster!r} and --scheduler = {scheduler!r}: allowed: one of them "
            "(--cluster starts a cluster here, --scheduler uses a running one)"
        )
    if cluster is not None:
        m = _LOCAL.match(str(cluster).strip())
        if m is None or not 1 <= int(m.group(1)) <= MAX_LOCAL_WORKERS:
            raise FocussimError(
                f"--cluster = {cluster!r}: allowed: local:N, N worker processes on this machine "
                f"(1 to {MAX_LOCAL_WORKERS}), e.g. local:2; for another machine's cluster use --scheduler ADDRESS"
            )
        return ClusterSpec("local", int(m.group(1)))
    if scheduler is not None:
        address = str(scheduler).strip()
        if not address:
            raise FocussimError("--scheduler = '': allowed: a Dask scheduler address such as tcp://10.0.0.5:8786")
        return ClusterSpec("scheduler", address=address)
    if workers is not None and int(workers) < 1:
        raise FocussimError(f"workers = {workers!r}: allowed: a whole number of at least 1")
    return ClusterSpec("process", workers=int(workers) if workers is not None else _default_threads())


def _default_threads() -> int:
    from simulation.runner import default_threads

    return default_threads()


class InProcess:
    """Units on a thread pool (numba) or a process pool (mesa, more than one worker) in this process."""

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))
        self.name = f"in process, {self.workers} worker(s)"

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any], keys: Sequence[str]) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, fn(item))`` as items finish. On Ctrl-C, waiting items are cancelled."""
        if not items:
            return
        mesa = any(getattr(u, "engine", "") == "mesa" for u in items)
        pool: Executor
        if mesa and self.workers > 1:
            pool = ProcessPoolExecutor(max_workers=min(self.workers, len(items)))
        else:
            pool = ThreadPoolExecutor(max_workers=min(self.workers, len(items)))
        try:
            futures: dict[Future[Any], int] = {pool.submit(fn, item): i for i, item in enumerate(items)}
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    yield futures[fut], fut.result()
        except KeyboardInterrupt:  # waiting units are cancelled, running ones finish and are handed over
            pool.shutdown(wait=True, cancel_futures=True)
            for fut in pending:
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    yield futures[fut], fut.result()
            raise
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def close(self) -> None:
        pass


class DaskExecutor:
    """Units on a Dask cluster, submitted in a sliding window, gathered as they finish."""

    def __init__(self, client: Any, cluster: Any, name: str):
        self.client = client
        self.cluster = cluster
        self.name = name

    def threads(self) -> int:
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:  # noqa: BLE001 - a scheduler without workers yet (jobqueue): start small
            return 1

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any], keys: Sequence[str]) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, fn(item))`` as items finish on the cluster (each item is one task)."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        if not items:
            return
        todo = iter(range(len(items)))
        index_of: dict[str, int] = {}
        window = max(2, WINDOW_PER_THREAD * self.threads())
        done = as_completed()

        def submit(i: int) -> None:
            fut = self.client.submit(fn, items[i], key=keys[i], pure=False)
            index_of[fut.key] = i
            done.add(fut)

        for i in todo:
            submit(i)
            if len(index_of) >= window:
                break
        try:
            for fut in done:
                i = index_of[fut.key]
                try:
                    result = fut.result()
                except KilledWorker:
                    raise FocussimError(
                        f"unit {keys[i]}: killed every worker that ran it (distributed.scheduler.allowed-failures "
                        "times): allowed: a unit that fits a worker's memory (smaller --block, or more memory)"
                    ) from None
                fut.release()
                nxt = next(todo, None)
                if nxt is not None:
                    submit(nxt)
                yield i, result
        except BaseException:
            with contextlib.suppress(Exception):
                pending = list(done.futures)  # submitted, not yet gathered: cancel them on the cluster
                done.clear()
                self.client.cancel(pending, force=True)
            raise

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close(timeout=10)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=10)


def _connect_timeout() -> float:
    text = os.environ.get("FOCUSSIM_CONNECT_TIMEOUT_S")
    try:
        return float(text) if text else CONNECT_TIMEOUT_S
    except ValueError:
        return CONNECT_TIMEOUT_S


def _start_local(n: int) -> DaskExecutor:
    try:
        from distributed import Client, LocalCluster
    except ModuleNotFoundError as exc:  # pragma: no cover - dask is a dependency
        raise FocussimError(f"--cluster local:{n}: dask.distributed is not installed ({exc.name})") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a port in use: not the user's concern, a free one is taken
            cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # the scheduler's HTTP endpoints (health, metrics) on a free port, not 8787, which another
                # cluster on this machine may hold
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.CRITICAL,  # failures reach the user as one line, not as log tracebacks
            )
    except Exception as exc:  # noqa: BLE001 - any failure to start is the user's one line
        raise FocussimError(
            f"--cluster = 'local:{n}': the cluster did not start ({type(exc).__name__}: {_one_line(exc)}): "
            "allowed: local:N with N workers that fit this machine (a script that starts one runs its study under "
            "if __name__ == '__main__'); or --scheduler ADDRESS"
        ) from None
    try:
        client = Client(cluster, timeout=_connect_timeout())
    except Exception as exc:  # noqa: BLE001
        with contextlib.suppress(Exception):
            cluster.close()
        raise FocussimError(
            f"--cluster = 'local:{n}': no client for the cluster ({type(exc).__name__}: {_one_line(exc)})"
        ) from None
    return DaskExecutor(client, cluster, f"local:{n}")


def _connect(address: str) -> DaskExecutor:
    from distributed import Client

    timeout = _connect_timeout()
    try:
        client = Client(address, timeout=timeout)
    except (ValueError, TypeError) as exc:
        raise FocussimError(
            f"--scheduler = {address!r}: not a Dask scheduler address ({_one_line(exc)}): "
            "allowed: PROTOCOL://HOST:PORT as a running scheduler prints it, e.g. tcp://10.0.0.5:8786"
        ) from None
    except OSError as exc:
        raise FocussimError(
            f"--scheduler = {address!r}: no Dask scheduler answered ({_one_line(exc)}): "
            "allowed: the address a running scheduler prints, e.g. tcp://10.0.0.5:8786"
        ) from None
    except Exception as exc:  # noqa: BLE001
        raise FocussimError(
            f"--scheduler = {address!r}: could not connect ({type(exc).__name__}: {_one_line(exc)}): "
            "allowed: the address a running scheduler prints, e.g. tcp://10.0.0.5:8786"
        ) from None
    return DaskExecutor(client, None, f"scheduler {address}")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _check_workers(executor: DaskExecutor) -> None:
    """Every connected worker runs the same focussim sources as this process."""
    mine = source_fingerprint()
    try:
        theirs = executor.client.run(source_fingerprint)
    except Exception as exc:  # noqa: BLE001 - workers that cannot import focussim
        raise FocussimError(
            f"{executor.name}: the workers cannot run focussim ({type(exc).__name__}: {_one_line(exc)}): "
            "allowed: workers started in an environment where `import simulation` works"
        ) from None
    for worker, fp in theirs.items():
        if fp != mine:
            raise FocussimError(
                f"{executor.name}: worker {worker} runs other focussim sources ({fp}, here {mine}): "
                "allowed: workers running the same checkout as this process"
            )


@contextlib.contextmanager
def open_executor(spec: ClusterSpec, numba: bool = True) -> Iterator[InProcess | DaskExecutor]:
    """The executor of ``spec``, closed on exit. On a cluster the numba kernels are warmed here first."""
    if spec.kind == "process":
        yield InProcess(spec.workers)
        return
    if spec.kind == "local":
        if numba:
            warm_numba()  # once, here, before the workers start: they load the kernels from numba's cache
        executor = _start_local(spec.workers)
    else:
        executor = _connect(spec.address)  # a bad address fails fast, before any compiling
        if numba:
            warm_numba()  # workers that share this file system load the kernels from its cache
    try:
        _check_workers(executor)
        yield executor
    finally:
        executor.close()


# --------------------------------------------------------------------------- the driver


def run_units(
    units: Sequence[Unit],
    spec: ClusterSpec,
    progress: Progress | None = None,
    store: Any = None,
    key_prefix: str = "focussim",
) -> dict[str, dict[str, pd.DataFrame]]:
    """Run ``units`` (those not already in ``store``) on ``spec``'s executor; returns every unit's tables.

    With a store (:class:`simulation.store.StudyStore`) each unit is written to it as it finishes, and the
    tables returned are read back from it (the same for a fresh and a resumed study); without one they are
    kept in memory. ``progress(done, total)`` counts replication-days of finished units (units found in
    the store count as done from the start).

    Raises:
        StudyInterrupted: on Ctrl-C, after the finished units are stored.
    """
    keys = [u.key for u in units]
    if len(set(keys)) != len(keys):
        raise ValueError("unit keys repeat")
    already = store.done() if store is not None else set()
    todo = [u for u in units if u.key not in already]
    total = sum(u.work for u in units)
    done = sum(u.work for u in units if u.key in already)
    if progress is not None:
        progress(done, total)
    results: dict[str, dict[str, pd.DataFrame]] = {}
    finished = len(already)
    try:
        if todo:
            with open_executor(spec, numba=any(u.engine == "numba" for u in todo)) as executor:
                task_keys = [f"{key_prefix}-{u.key}" for u in todo]
                for i, tables in executor.map(run_unit, todo, task_keys):
                    unit = todo[i]
                    if store is not None:
                        store.put(unit.key, tables)
                    else:
                        results[unit.key] = tables
                    finished += 1
                    done += unit.work
                    if progress is not None:
                        progress(done, total)
    except KeyboardInterrupt:
        where = f"; they are in {store.folder}: continue with --resume" if store is not None else ""
        raise StudyInterrupted(f"{finished} of {len(units)} units finished{where}") from None
    if store is None:
        return results
    return {u.key: {t: store.read(u.key, t) for t in u.tables} for u in units}


def assemble(units: Iterable[Unit], tables: dict[str, dict[str, pd.DataFrame]], table: str) -> pd.DataFrame:
    """One table of the given units, concatenated in the units' order."""
    frames = [tables[u.key][table] for u in units]
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- arms: what studies and run() call


@dataclass(frozen=True)
class Arm:
    """One scenario (an arm of a comparison, a design point) whose replications a study runs."""

    key: str
    scenario: Scenario
    engine: str = "numba"
    switch: Switches | None = None

    def fingerprint(self) -> str:
        """What decides this arm's numbers: the engine, the scenario (and each switch: the scenario after it by
        name and content hash, and its day) by name and content hash. One switch, or a schedule of one, keeps
        the key it always had; a schedule adds a (name, hash, day) per switch, so different schedules differ."""
        from simulation.scenario.loader import scenario_hash

        parts = [self.engine, self.scenario.name, scenario_hash(self.scenario)]
        for after, day in as_schedule(self.switch):
            parts += [after.name, scenario_hash(after), str(int(day))]
        return "/".join(parts)


def run_arms(
    kind: str,
    arms: Sequence[Arm],
    days: int,
    replications: int,
    seed: int,
    warmup: int,
    spec: ClusterSpec,
    progress: Progress | None,
    output: str = "daily",
    keep_daily: bool = True,
    inputs: dict[str, Any] | None = None,
    block: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
) -> dict[str, dict[str, pd.DataFrame]]:
    """Run every arm's replications as units (arm, block of replications) on ``spec``'s executor.

    Returns per arm key its tables (``per_replication``; ``daily`` when kept), each concatenated over the
    arm's blocks in replication order: the same tables whatever the executor, the number of workers, the
    block size or how many sessions it took (a store written, killed and resumed). ``store``: the folder
    of the study's parts and manifest (:func:`simulation.store.open_store`); ``inputs``: what else decides
    the numbers, recorded there (the base scenarios, the design), so that a resume names what changed.
    """
    from simulation.store import open_store, parameters_hash

    size = DEFAULT_BLOCK if block is None else int(block)
    ranges = blocks(replications, size)
    by_arm = {
        arm.key: [
            Unit(
                key=f"{arm.key}-r{a:06d}-{b:06d}",
                scenario=arm.scenario,
                engine=arm.engine,
                days=int(days),
                warmup_days=int(warmup),
                seed=int(seed),
                first=a,
                stop=b,
                output=output,
                keep_daily=keep_daily,
                switch=arm.switch,
            )
            for a, b in ranges
        ]
        for arm in arms
    }
    if len(by_arm) != len(arms):
        raise ValueError("arm keys repeat")
    units = [u for arm in arms for u in by_arm[arm.key]]
    parameters = {
        "study": kind,
        "days": int(days),
        "warmup_days": int(warmup),
        "replications": int(replications),
        "seed": int(seed),
        "block": size,
        "output": output,
        "keep_daily": keep_daily,
        **dict(inputs or {}),
        "arms": {arm.key: arm.fingerprint() for arm in arms},
    }
    prefix = f"focussim-{kind}-{parameters_hash(parameters)}"
    opened = None
    if store is not None:
        opened = open_store(store, parameters, [u.key for u in units], resume, spec.describe())
    try:
        tables = run_units(units, spec, progress, opened, key_prefix=prefix)
    finally:
        if opened is not None:
            opened.close()
    return {
        arm.key: {
            name: pd.concat([tables[u.key][name] for u in by_arm[arm.key]], ignore_index=True)
            for name in by_arm[arm.key][0].tables
        }
        for arm in arms
    }


def run_distributed(
    scenario: Scenario,
    engine: str,
    days: int,
    replications: int,
    seed: int,
    progress: Progress | None,
    output: str,
    switch: Switches | None,
    warmup_days: int,
    spec: ClusterSpec,
    store: str | Path | None = None,
    resume: bool = False,
    block: int | None = None,
) -> tuple[pd.DataFrame, float, dict[str, pd.DataFrame]]:
    """What :func:`simulation.runner.run_replications` returns (daily table, wall time, extra tables), from
    units on ``spec``'s executor, optionally stored and resumed: the same tables, bit for bit."""
    import time

    from simulation.runner import daily_bands

    t0 = time.perf_counter()
    arm = Arm("run", scenario, engine, switch)
    schedule = as_schedule(switch)
    scenarios: dict[str, Any] = {"scenario": scenario.flat()}
    inputs: dict[str, Any] = {"scenarios": scenarios}
    if len(schedule) == 1:  # one switch (or a schedule of one): as a switch always was
        scenarios["switch"] = schedule[0][0].flat()
    elif schedule:  # a schedule: each switch's scenario and day (a resume names which differs)
        scenarios["schedule"] = {str(i + 1): after.flat() for i, (after, _) in enumerate(schedule)}
        inputs["schedule_days"] = [int(day) for _, day in schedule]
    tables = run_arms(
        "run", [arm], days, replications, seed, warmup_days, spec, progress, output, True, inputs, block, store, resume
    )["run"]
    daily = tables["daily"]
    extra: dict[str, pd.DataFrame] = {}
    name = scenario.name
    if engine == "numba":
        extra["per_replication"] = tables["per_replication"]
        if output == "summary":  # the bands need every replication: from the compact (float32) daily parts
            cube = _cube_of(daily, replications, days, np.float32)
            extra["bands"] = daily_bands(cube, name)
            daily = _tidy(cube[:0], name, np.arange(0), compact=True)
    elif output != "daily":  # mesa: as run_replications does from the float64 daily tables
        cube = _cube_of(daily, replications, days, np.float64)
        if output == "compact":
            daily = _tidy(cube, name, np.arange(replications), compact=True)
        else:
            extra["bands"] = daily_bands(cube, name)
            extra["per_replication"] = replication_table(cube, name)
            daily = daily.iloc[0:0]
    return daily, time.perf_counter() - t0, extra


def _cube_of(daily: pd.DataFrame, replications: int, days: int, dtype: type) -> np.ndarray:
    """The (replications x days x metrics) array of a daily table in (replication, day) order."""
    values = daily[list(DAILY_COLUMNS)].to_numpy(dtype=dtype)
    return values.reshape(replications, days, len(DAILY_COLUMNS))
