"""Studies on a Dask cluster: the same tables as in process, work that survives a dead worker, one-line errors.

Every cluster here is real: a ``dask.distributed`` LocalCluster of worker processes started by the study
(``cluster="local:N"``). The firm is small (300 customers, 3 frontline) and the runs short.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pandas as pd
import pytest
from test_cli_run import FOCUSSIM, ROOT, TIMEOUT_S

import simulation
from simulation import studies
from simulation.distributed import Arm, ClusterSpec, blocks, open_executor, parse_cluster
from simulation.errors import FocussimError
from simulation.scenario import load_scenario, with_overrides
from simulation.scenario.loader import scenario_hash

SMALL = {"customers.initial": 300, "firm.frontline": 3, "firm.back_office": 1, "firm.managers": 1}


def small(kind: str) -> simulation.Scenario:
    return with_overrides(load_scenario(ROOT / "scenarios" / f"{kind}.yaml"), SMALL, name=f"{kind}_small")


def focussim(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The console script, as tests/test_cli_run.py runs it, with extra environment variables."""
    full = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb", **(env or {})}
    return subprocess.run(
        [str(FOCUSSIM), *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S, env=full
    )


def tables_equal(a: studies.Study, b: studies.Study) -> None:
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)


# --------------------------------------------------------------------------- pieces


def test_blocks_cover_every_replication_once_and_evenly() -> None:
    for reps in (1, 2, 7, 8, 9, 10, 30, 101):
        for size in (1, 3, 8):
            got = blocks(reps, size)
            covered = [r for a, b in got for r in range(a, b)]
            assert covered == list(range(reps))
            lengths = [b - a for a, b in got]
            assert max(lengths) <= size and max(lengths) - min(lengths) <= 1
    assert blocks(10, 8) == [(0, 5), (5, 10)]


@pytest.mark.parametrize(
    ("cluster", "scheduler", "fragment"),
    [
        ("local:0", None, "local:N"),
        ("local:two", None, "local:N"),
        ("tcp://x:1", None, "local:N"),
        ("local:2", "tcp://127.0.0.1:8786", "one of them"),
        (None, " ", "scheduler address"),
    ],
)
def test_bad_cluster_values_are_one_line(cluster: str | None, scheduler: str | None, fragment: str) -> None:
    with pytest.raises(FocussimError) as info:
        parse_cluster(cluster, scheduler)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_workers_and_a_cluster_together_are_refused() -> None:
    with pytest.raises(FocussimError, match="one of them"):
        studies.sweep(
            small("customer_focused"),
            {"recovery.generosity": [0.5]},
            days=5,
            warmup_days=0,
            workers=2,
            cluster="local:1",
        )


# --------------------------------------------------------------------------- identical tables


def test_sweep_is_identical_in_process_and_on_local_clusters_of_one_and_two_workers() -> None:
    """Claim: the unit of work carries its seeds, so the tables do not depend on where or how it runs."""
    base = small("customer_focused")
    vary = studies.parse_vary(["recovery.generosity=0.2:0.8:3", "firm.frontline=2,4"])
    kwargs = {"days": 20, "replications": 3, "seed": 7, "warmup_days": 10, "block": 2}
    here = studies.sweep(base, vary, **kwargs)
    one = studies.sweep(base, vary, cluster="local:1", **kwargs)
    two = studies.sweep(base, vary, cluster="local:2", **kwargs)
    tables_equal(here, one)
    tables_equal(here, two)
    assert len(here.tables["sweep"]) == 6 * 3
    assert one.parameters["executor"] == "local:1" and two.parameters["executor"] == "local:2"
    # and they are the numbers simulation.run gives for one point (the units do not change the model)
    point = here.tables["design"].iloc[4]
    alone = simulation.run(
        with_overrides(base, {"recovery.generosity": float(point["recovery.generosity"]), "firm.frontline": 2}),
        engine="numba",
        days=20,
        replications=3,
        seed=7,
        warmup_days=10,
        output="summary",
    )
    assert point["firm.frontline"] == 2
    got = here.tables["sweep"].query("point == 4").drop(columns=["point", "recovery.generosity", "firm.frontline"])
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), alone.per_replication().drop(columns=["scenario"]), check_exact=True
    )


def test_transition_and_run_are_identical_on_a_cluster() -> None:
    start, target = small("operations_focused"), small("customer_focused")
    kwargs = {"days": 15, "replications": 3, "seed": 2, "warmup_days": 5}
    here = studies.transition(start, target, at_day=4, **kwargs)
    there = studies.transition(start, target, at_day=4, cluster="local:2", block=1, **kwargs)
    tables_equal(here, there)
    ref = simulation.run(target, engine="numba", output="summary", **kwargs)
    got = simulation.run(target, engine="numba", output="summary", cluster="local:2", block=2, **kwargs)
    pd.testing.assert_frame_equal(ref.per_replication(), got.per_replication(), check_exact=True)
    pd.testing.assert_frame_equal(ref.daily_bands(), got.daily_bands(), check_exact=True)


def test_different_schedules_get_different_arm_keys_and_one_switch_keeps_its_key() -> None:
    a, b = small("operations_focused"), small("customer_focused")
    keys = {
        "none": Arm("x", a).fingerprint(),
        "one": Arm("x", a, switch=(b, 5)).fingerprint(),
        "listed": Arm("x", a, switch=[(b, 5)]).fingerprint(),
        "back": Arm("x", a, switch=[(b, 5), (a, 9)]).fingerprint(),
        "later": Arm("x", a, switch=[(b, 5), (a, 10)]).fingerprint(),
        "other": Arm("x", a, switch=[(b, 5), (with_overrides(a, {"pricing.price_premium": 0.1}), 9)]).fingerprint(),
        "three": Arm("x", a, switch=[(b, 5), (a, 9), (b, 12)]).fingerprint(),
    }
    h = scenario_hash
    assert keys["one"] == f"numba/{a.name}/{h(a)}/{b.name}/{h(b)}/5"  # as a single switch's key always was
    assert keys["listed"] == keys["one"]  # the same numbers, the same key
    assert len({k for name, k in keys.items() if name != "listed"}) == len(keys) - 1


def test_a_schedule_runs_the_same_on_a_cluster_and_in_process() -> None:
    a, b = small("operations_focused"), small("customer_focused")
    kwargs = {"engine": "numba", "days": 12, "replications": 3, "seed": 2, "warmup_days": 4}
    schedule = [(b, 3), (a, 8)]
    here = simulation.run(a, switch=schedule, **kwargs)
    there = simulation.run(a, switch=schedule, cluster="local:2", block=1, **kwargs)
    pd.testing.assert_frame_equal(here.daily, there.daily, check_exact=True)
    assert there.provenance["schedule"] == here.provenance["schedule"]
    assert not here.daily.equals(simulation.run(a, switch=(b, 3), **kwargs).daily)


def test_progress_counts_every_replication_day_once() -> None:
    calls: list[tuple[int, int]] = []
    studies.compare(
        [small("operations_focused"), small("customer_focused")],
        days=8,
        replications=5,
        warmup_days=2,
        block=2,
        progress=lambda done, total: calls.append((done, total)),
    )
    total = 2 * 5 * (8 + 2)
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert all(b[0] >= a[0] for a, b in zip(calls, calls[1:], strict=False))
    assert len(calls) == 1 + 2 * 3  # one tick per finished unit (two arms, three blocks each)


# --------------------------------------------------------------------------- a worker dies


def _square_or_die(item: tuple[int, str]) -> int:
    """Kill the worker process the first time item 0 runs; otherwise square."""
    i, marker = item
    if i == 0 and not os.path.exists(marker):
        Path(marker).write_text("died once\n")
        os._exit(1)
    return i * i


def test_a_dead_workers_units_are_rerun(tmp_path: Path) -> None:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    marker = str(tmp_path / "died")
    items = [(i, marker) for i in range(6)]
    with open_executor(ClusterSpec("local", 2), numba=False) as executor:
        got = dict(executor.map(_square_or_die, items, [f"square-{i}" for i in range(6)]))
    assert Path(marker).exists()  # a worker really died
    assert got == {i: i * i for i in range(6)}


# --------------------------------------------------------------------------- bad input: one line, exit 2


def test_a_bad_scheduler_address_is_one_line_and_exit_2(tmp_path: Path) -> None:
    scenario = tmp_path / "c.yaml"
    scenario.write_text(
        f"extends: {ROOT / 'scenarios' / 'customer_focused.yaml'}\nname: c\ncustomers:\n  initial: 300\n"
    )
    common = ["--vary", "recovery.generosity=0.2,0.5", "--days", "5", "--warmup-days", "0", "--out", tmp_path / "o"]
    for address, fragment in (("nonsense", "not a Dask scheduler address"), ("tcp://127.0.0.1:9", "no Dask scheduler")):
        env = {"FOCUSSIM_CONNECT_TIMEOUT_S": "2"}
        res = focussim("sweep", scenario, *common, "--scheduler", address, env=env)
        assert res.returncode == 2, res.stderr
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and fragment in lines[0] and address in lines[0], res.stderr
        assert "Traceback" not in res.stderr


def test_a_cluster_that_cannot_start_is_one_line_and_exit_2(tmp_path: Path) -> None:
    scenario = tmp_path / "c.yaml"
    scenario.write_text(
        f"extends: {ROOT / 'scenarios' / 'customer_focused.yaml'}\nname: c\ncustomers:\n  initial: 300\n"
    )
    # every worker imports a module that does not exist before it starts: the cluster cannot start
    env = {"DASK_DISTRIBUTED__WORKER__PRELOAD": '["focussim_no_such_module"]'}
    res = focussim(
        "run", scenario, "--replications", "2", "--days", "5", "--cluster", "local:1", "--out", tmp_path / "o", env=env
    )
    assert res.returncode == 2, res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "the cluster did not start" in lines[0] and "local:1" in lines[0], res.stderr
    assert "Traceback" not in res.stderr


def test_numbers_match_for_any_block_size() -> None:
    a, b = small("operations_focused"), small("customer_focused")
    one = studies.compare([a, b], days=6, replications=5, warmup_days=3, block=1)
    many = studies.compare([a, b], days=6, replications=5, warmup_days=3, block=8)
    tables_equal(one, many)
    assert np.isfinite(one.tables["differences"]["mean"]).any()
