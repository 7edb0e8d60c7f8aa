"""Resumable studies: a study killed with SIGKILL part-way and resumed ends with the tables of an
uninterrupted run, no unit runs twice, and a resume with other parameters is refused in one line."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from test_cli_run import FOCUSSIM, ROOT
from test_distributed import focussim, small

import simulation
from simulation import studies
from simulation.errors import FocussimError
from simulation.scenario import with_overrides
from simulation.store import MANIFEST

#: A default-size firm (a unit of one two-year replication takes about 0.2 s) so that the kill lands
#: part-way through the sweep's 12 units.
SWEEP = [
    "--vary",
    "recovery.generosity=0.3,0.9",
    "--vary",
    "firm.frontline=36,44",
    "--replications",
    "3",
    "--days",
    "730",
    "--warmup-days",
    "0",
    "--seed",
    "5",
    "--block",
    "1",
    "--workers",
    "1",
]
UNITS = 4 * 3


def finished_units(folder: Path) -> dict[str, int]:
    """Unit key -> the session that finished it, from the study's manifest."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(db.execute("SELECT key, session FROM units").fetchall())
        finally:
            db.close()
    except sqlite3.OperationalError:  # created but no table yet
        return {}


SCENARIO = ROOT / "scenarios" / "customer_focused.yaml"


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sweep run without interruption."""
    out = tmp_path_factory.mktemp("whole")
    res = focussim("sweep", SCENARIO, *SWEEP, "--quiet", "--out", out)
    assert res.returncode == 0, res.stderr
    return out


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(folder: Path, sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Start the sweep into ``folder`` and send ``sig`` once three units are finished."""
    proc = subprocess.Popen(
        [str(FOCUSSIM), "sweep", str(SCENARIO), *SWEEP, "--quiet", "--out", str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A job started in the background of a non-interactive shell inherits SIGINT ignored, and Python then
        # never turns Ctrl-C into KeyboardInterrupt: give the sweep the disposition a terminal would.
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 120
    while len(finished_units(folder)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def assert_resumes_to(killed: Path, whole: Path, before: dict[str, int]) -> None:
    """``--resume`` runs only the missing units and ends with the uninterrupted tables."""
    res = focussim("sweep", SCENARIO, *SWEEP, "--quiet", "--resume", "--out", killed)
    assert res.returncode == 0, res.stderr
    after = finished_units(killed)
    assert len(after) == UNITS
    # only what was missing ran: the units finished before the interruption keep their first session
    assert all(after[k] == 1 for k in before)
    assert sum(1 for s in after.values() if s == 2) == UNITS - len(before)
    for name in ("design", "sweep", "points"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(killed / f"{name}.parquet"), pd.read_parquet(whole / f"{name}.parquet"), check_exact=True
        )
    table = pd.read_parquet(killed / "sweep.parquet")
    assert not table.duplicated(["point", "replication"]).any()
    assert len(table) == 4 * 3


@pytest.mark.slow
def test_a_sweep_killed_with_sigkill_resumes_to_the_uninterrupted_tables(tmp_path: Path, whole: Path) -> None:
    killed = tmp_path / "killed"
    interrupt(killed, signal.SIGKILL)
    before = finished_units(killed)
    assert 3 <= len(before) < UNITS, f"the kill did not land part-way: {len(before)} of {UNITS} units"
    assert not (killed / "sweep.parquet").exists()
    assert_resumes_to(killed, whole, before)


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_units_and_says_how_to_resume(tmp_path: Path, whole: Path) -> None:
    stopped = tmp_path / "stopped"
    res = interrupt(stopped, signal.SIGINT)
    before = finished_units(stopped)
    assert res.returncode == 130, res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "interrupted" in lines[0] and "--resume" in lines[0], res.stderr
    assert f"{len(before)} of {UNITS} units finished" in lines[0]
    assert 3 <= len(before) < UNITS and "Traceback" not in res.stderr
    assert_resumes_to(stopped, whole, before)


def test_a_resume_with_changed_parameters_is_refused_naming_what_differs(tmp_path: Path) -> None:
    base = small("customer_focused")
    vary = {"recovery.generosity": [0.4, 0.8]}
    kwargs = {"days": 6, "replications": 2, "warmup_days": 0, "seed": 1}
    studies.sweep(base, vary, store=tmp_path, **kwargs)
    with pytest.raises(FocussimError) as info:
        studies.sweep(base, vary, store=tmp_path, resume=True, **{**kwargs, "days": 7})
    message = str(info.value)
    assert "days = 6 there, 7 here" in message and "--resume" in message and "\n" not in message
    with pytest.raises(FocussimError, match=r"customers\.initial = 300 there, 301 here"):
        studies.sweep(with_overrides(base, {"customers.initial": 301}), vary, store=tmp_path, resume=True, **kwargs)
    with pytest.raises(FocussimError, match=r"design\.1\.recovery\.generosity = 0\.8 there, 0\.9 here"):
        studies.sweep(base, {"recovery.generosity": [0.4, 0.9]}, store=tmp_path, resume=True, **kwargs)
    # the same parameters resume (nothing left to run) and give the same tables
    again = studies.sweep(base, vary, store=tmp_path, resume=True, **kwargs)
    assert len(again.tables["sweep"]) == 4


def test_a_stored_run_with_a_schedule_resumes_only_with_that_schedule(tmp_path: Path) -> None:
    a, b = small("operations_focused"), small("customer_focused")
    kwargs = {"engine": "numba", "days": 10, "replications": 2, "seed": 3, "warmup_days": 2, "block": 1}
    schedule = [(b, 2), (a, 6)]
    stored = simulation.run(a, switch=schedule, store=tmp_path, **kwargs)
    with pytest.raises(FocussimError, match=r"schedule_days = \[2, 6\] there, \[2, 7\] here"):
        simulation.run(a, switch=[(b, 2), (a, 7)], store=tmp_path, resume=True, **kwargs)
    for other in ([(b, 2), (a, 7)], [(b, 2)], (b, 2), [(b, 2), (a, 6), (b, 8)]):
        with pytest.raises(FocussimError, match=r"arms\.run = ") as info:
            simulation.run(a, switch=other, store=tmp_path, resume=True, **kwargs)
        assert "\n" not in str(info.value)
    again = simulation.run(a, switch=schedule, store=tmp_path, resume=True, **kwargs)
    pd.testing.assert_frame_equal(again.daily, stored.daily, check_exact=True)
    pd.testing.assert_frame_equal(stored.daily, simulation.run(a, switch=schedule, **kwargs).daily, check_exact=True)


def test_the_cli_refuses_a_changed_resume_in_one_line(tmp_path: Path) -> None:
    scenario = tmp_path / "c.yaml"
    scenario.write_text(
        f"extends: {ROOT / 'scenarios' / 'customer_focused.yaml'}\nname: c\ncustomers:\n  initial: 300\n"
    )
    common = ["--vary", "recovery.generosity=0.2,0.5", "--replications", "2", "--warmup-days", "0", "--quiet"]
    assert focussim("sweep", scenario, *common, "--days", "5", "--out", tmp_path / "o").returncode == 0
    res = focussim("sweep", scenario, *common, "--days", "6", "--resume", "--out", tmp_path / "o")
    assert res.returncode == 2
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "days = 5 there, 6 here" in lines[0] and "Traceback" not in res.stderr
    assert (tmp_path / "o" / "sweep.parquet").exists()  # nothing computed is lost


def test_an_unfinished_study_is_not_overwritten_without_resume(tmp_path: Path) -> None:
    base = small("customer_focused")
    vary = {"recovery.generosity": [0.4, 0.8]}
    kwargs = {"days": 6, "replications": 2, "warmup_days": 0, "seed": 1, "block": 1}
    studies.sweep(base, vary, store=tmp_path, **kwargs)
    (tmp_path / "parts" / "p000001-r000001-000002.per_replication.parquet").unlink()  # as if killed before it
    with sqlite3.connect(tmp_path / MANIFEST) as db:
        db.execute("DELETE FROM units WHERE key = 'p000001-r000001-000002'")
    with pytest.raises(FocussimError, match="unfinished study with these parameters .3 of 4 units"):
        studies.sweep(base, vary, store=tmp_path, **kwargs)
    done = studies.sweep(base, vary, store=tmp_path, resume=True, **kwargs)
    fresh = studies.sweep(base, vary, **kwargs)
    pd.testing.assert_frame_equal(done.tables["sweep"], fresh.tables["sweep"], check_exact=True)
