"""The numba engine: same outputs as the mesa engine, reproducible at any thread count,
queueing theory for its service layer, and the model's invariants.

Small firms and short horizons keep each run at milliseconds once the kernels
are compiled (the first test in a process loads them from numba's cache). Runs
keep the default warm-up where it is cheap; mesa runs, and the invariant checks
(which count customers from ``customers.initial``), pass ``warmup_days=0``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine import ARCHETYPES, SMALL, _scenario_strategy, archetype, check_invariants, small
from test_queueing import HANDLE_MIN, MU, SERVERS, WARMUP, erlang_a_abandonment, erlang_c

import simulation
from simulation.engines.numba_engine import keys as K
from simulation.engines.numba_engine import pack, run_one
from simulation.engines.numba_engine import state as S
from simulation.engines.numba_engine.draws import PER_CONTACT, new_buffers, top_up
from simulation.engines.numba_engine.service_day import N_STATS, N_TODAY, S_ABANDONED, S_SERVED, service_day
from simulation.metrics import COUNT_COLUMNS, DAILY_COLUMNS, KEY_COLUMNS, METRICS, replication_table, run_values_array
from simulation.rng import STREAMS, streams
from simulation.runner import Interrupted

ROOT = Path(__file__).resolve().parents[1]


def _digest(df: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes()).hexdigest()


# ---------------------------------------------------------------- outputs


def test_same_columns_and_dtypes_as_the_mesa_engine() -> None:
    s = small()
    nb = simulation.run(s, engine="numba", days=6, replications=2, seed=3).daily
    me = simulation.run(s, engine="mesa", days=6, replications=1, seed=3, warmup_days=0).daily  # columns only
    assert list(nb.columns) == list(me.columns) == [*KEY_COLUMNS, *DAILY_COLUMNS]
    assert (nb.dtypes == me.dtypes).all()
    assert len(nb) == 12
    assert nb["day"].tolist() == [*range(1, 7)] * 2
    assert nb["replication"].tolist() == [0] * 6 + [1] * 6
    assert nb[list(DAILY_COLUMNS)].notna().all().all()


def test_numba_is_the_default_engine_for_monte_carlo() -> None:
    s = small()
    # Which engine runs, not what it computes: no warm-up (a mesa year would take seconds).
    assert simulation.run(s, days=3, replications=2, seed=1, warmup_days=0).provenance["engine"] == "numba"
    assert simulation.run(s, days=3, replications=1, seed=1, warmup_days=0).provenance["engine"] == "mesa"


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    s = archetype("customer_focused")
    a = simulation.run(s, engine="numba", days=20, replications=3, seed=11).daily
    b = simulation.run(s, engine="numba", days=20, replications=3, seed=11).daily
    c = simulation.run(s, engine="numba", days=20, replications=3, seed=12).daily
    pd.testing.assert_frame_equal(a, b)
    assert not a[list(DAILY_COLUMNS)].equals(c[list(DAILY_COLUMNS)])


def test_thread_count_does_not_change_the_numbers() -> None:
    """Claim: each replication draws only from its own streams, so 1 and 2 threads agree exactly."""
    s = archetype("operations_focused")
    one = simulation.run(s, engine="numba", days=20, replications=5, seed=9, workers=1).daily
    two = simulation.run(s, engine="numba", days=20, replications=5, seed=9, workers=2).daily
    pd.testing.assert_frame_equal(one, two)


def test_numba_num_threads_environment_does_not_change_the_numbers() -> None:
    """Claim: the default thread count follows NUMBA_NUM_THREADS and the table does not."""
    code = (
        "import hashlib, pandas as pd, simulation;"
        f"s = simulation.load_scenario(None, overrides={SMALL!r});"
        "r = simulation.run(s, engine='numba', days=10, replications=4, seed=5);"
        "h = pd.util.hash_pandas_object(r.daily, index=False).to_numpy().tobytes();"
        "print(r.provenance['workers'], hashlib.sha256(h).hexdigest())"
    )
    outs = []
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        res = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        outs.append(res.stdout.split())
    assert [o[0] for o in outs] == ["1", "2"]
    assert outs[0][1] == outs[1][1]


def test_compact_and_summary_outputs() -> None:
    s = small()
    full = simulation.run(s, engine="numba", days=8, replications=3, seed=2)
    compact = simulation.run(s, engine="numba", days=8, replications=3, seed=2, output="compact")
    summary = simulation.run(s, engine="numba", days=8, replications=3, seed=2, output="summary")
    for col in DAILY_COLUMNS:
        expected = "int32" if col in COUNT_COLUMNS else "float32"
        assert compact.daily[col].dtype == expected, col
        np.testing.assert_allclose(
            compact.daily[col].astype(float), full.daily[col].astype(float), rtol=1e-6, atol=1e-3
        )
    assert len(summary.daily) == 0
    bands = summary.daily_bands()
    assert set(bands["metric"]) == set(DAILY_COLUMNS)
    assert len(bands) == 8 * len(DAILY_COLUMNS)
    q = bands[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-9).all()
    # Summary statistics agree between the full table and the kept per-replication values.
    pd.testing.assert_frame_equal(
        full.summary().drop(columns=["mean", "p5", "p95"]), summary.summary().drop(columns=["mean", "p5", "p95"])
    )
    np.testing.assert_allclose(full.summary()["mean"], summary.summary()["mean"], rtol=1e-5)
    # Bands computed from the daily table equal the ones kept without it (up to float32).
    np.testing.assert_allclose(full.daily_bands()["q50"], bands["q50"], rtol=1e-5, atol=1e-3)


def test_save_with_summary_output_writes_bands_not_daily(tmp_path: Path) -> None:
    res = simulation.run(small(), engine="numba", days=5, replications=2, seed=1, output="summary")
    names = sorted(p.name for p in res.save(tmp_path))
    assert names == ["bands.parquet", "replications.csv", "run.json", "summary.csv"]


def test_per_replication_values_match_the_tidy_path() -> None:
    """The array shortcut for run values gives what ``metrics.run_values`` gives on the daily table."""
    s = archetype("operations_focused")
    res = simulation.run(s, engine="numba", days=12, replications=3, seed=4)
    slow = simulation.metrics.run_values(res.daily)
    cube = res.daily[list(DAILY_COLUMNS)].to_numpy(float).reshape(3, 12, len(DAILY_COLUMNS))
    fast = replication_table(cube, s.name)
    pd.testing.assert_frame_equal(
        slow.drop(columns=["scenario"]).astype(float), fast.drop(columns=["scenario"]).astype(float), check_dtype=False
    )
    assert run_values_array(cube).shape == (3, len(DAILY_COLUMNS))


def test_ctrl_c_keeps_finished_replications(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claim: Ctrl-C stops cleanly and the replications already finished come back with the exception."""
    import simulation.runner as runner

    calls = {"n": 0}

    def progress(done: int, total: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as info:
        runner.run_replications(small(), "numba", 5, 400, 1, progress=progress, workers=1)
    partial = info.value.partial
    assert 2 <= info.value.done < 400
    assert len(partial) == 5 * info.value.done
    assert list(partial.columns) == [*KEY_COLUMNS, *DAILY_COLUMNS]


# ---------------------------------------------------------------- invariants


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers=_scenario_strategy(), seed=st.integers(0, 2**16))
def test_invariants_over_random_small_scenarios(levers: dict[str, Any], seed: int) -> None:
    """Claim: conservation of customers and positions, the ledger and every metric's range hold
    in the numba engine whatever the levers (the mesa engine's checks)."""
    s = small(**levers)
    daily = simulation.run(s, engine="numba", days=15, replications=2, seed=seed, warmup_days=0).daily
    p = pack(s)
    check_invariants(s, daily, int(p[K.PLANNED_FRONTLINE] + p[K.FIRM_BACK_OFFICE]))


@pytest.mark.parametrize("name", ARCHETYPES)
def test_invariants_hold_for_both_archetypes(name: str) -> None:
    s = archetype(name)
    daily = simulation.run(s, engine="numba", days=60, replications=3, seed=7, warmup_days=0).daily
    p = pack(s)
    check_invariants(s, daily, int(p[K.PLANNED_FRONTLINE] + p[K.FIRM_BACK_OFFICE]))


def test_firm_grows_past_its_buffers() -> None:
    """Growth beyond the preallocated customer and contact tables (doubling) keeps the identities."""
    # Referrals of ten customers a year per promoter, with everyone delighted: the base more than
    # doubles (past the customer table's initial capacity) and the daily contacts with it.
    s = small(
        **{
            "loyalty.referrals_per_promoter_year": 10.0,
            "customers.initial_satisfaction": 0.95,
            "firm.frontline": 30,
            "firm.back_office": 8,
            "firm.managers": 3,
        }
    )
    daily = simulation.run(s, engine="numba", days=120, replications=1, seed=3, workers=1, warmup_days=0).daily
    assert daily["active_customers"].iloc[-1] > 2.5 * s.customers.initial
    assert daily["contacts"].max() > 2 * 2 * s.customers.contacts_per_day * s.customers.initial
    p = pack(s)
    check_invariants(s, daily, int(p[K.PLANNED_FRONTLINE] + p[K.FIRM_BACK_OFFICE]))


# ---------------------------------------------------------------- queueing theory


def _queue_day(lam: float, window: float, patience_min: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One M/M/c(+M) day of the numba service layer: SERVERS identical servers of average skill, no
    data access (mean service = HANDLE_MIN), no exceptions, hand-offs or repeats, one customer per
    contact (patience never adapts). Returns arrival times, waits (nan if reneged) and renege flags."""
    s = simulation.load_scenario(
        None,
        overrides={
            "service.handle_time_min": HANDLE_MIN,
            "service.time_cv": 1.0,
            "service.data_access": 0.0,
            "demand.problem_share": 0.0,
            "demand.opportunist_claim_share": 0.0,
            "demand.repeat_contact_share": 0.0,
            "service_philosophy.handoff_share": 0.0,
            "customers.patience_mean_min": patience_min,
            "customers.patience_adaptation": 0.0,
        },
    )
    p = pack(s)
    gens = streams(seed, 0)
    rngs = tuple(gens[n] for n in STREAMS)
    arr = gens["init"]
    n = int(arr.poisson(lam * window))
    times = np.sort(arr.uniform(0.0, window, n))
    cuf, cui = S.new_table(n, S.N_CUSTOMER_F, S.N_CUSTOMER_I)
    cuf[:, S.SATISFACTION] = 0.8
    ef, ei = S.new_table(SERVERS, S.N_EMPLOYEE_F, S.N_EMPLOYEE_I)
    ef[:, S.TECHNICAL_INNATE] = 0.5
    ef[:, S.SOFT_INNATE] = 0.5
    ef[:, S.ENGAGEMENT] = 0.5
    ef[:, S.PRODUCTIVITY] = 1.0
    ei[:, S.ON_DUTY] = 1
    kf, ki = S.new_table(n, S.N_CONTACT_F, S.N_CONTACT_I)
    kf[:, S.ARRIVAL] = times
    kf[:, S.START] = -1.0
    ki[:, S.CUSTOMER] = np.arange(n)
    rb, rp, rn = new_buffers()
    rb = top_up(rb, rp, rn, rngs, 1.0, n, PER_CONTACT)
    stats = np.zeros(N_STATS)
    today = np.zeros(N_TODAY)
    service_day(p, cuf, cui, ef, ei, SERVERS, kf, ki, n, 1.0, 0.0, today, rb, rp, stats)
    reneged = kf[:, S.START] < 0
    assert stats[S_SERVED] + stats[S_ABANDONED] == n
    assert int(reneged.sum()) == int(stats[S_ABANDONED])
    waits = np.where(reneged, np.nan, kf[:, S.START] - times)
    return times, waits, reneged


def test_mmc_waits_match_erlang_c() -> None:
    """Claim: with reneging off (patience far beyond any wait) the frontline queue is M/M/c (Erlang C)."""
    lam, window = 0.8, 3000.0  # rho = lam / (c mu) = 0.8
    _, wq = erlang_c(lam, MU, SERVERS)
    means = []
    for r in range(30):
        times, waits, reneged = _queue_day(lam, window, 1e5, seed=100 + r)
        assert reneged.mean() < 1e-3  # patience of 1e5 min on average: (almost) nobody reneges
        assert (waits[~reneged] >= 0).all()
        means.append(np.nanmean(waits[times > WARMUP * window]))
    m, se = float(np.mean(means)), float(np.std(means, ddof=1) / np.sqrt(len(means)))
    assert abs(m - wq) < 4 * se, (m, se, wq)


def test_mmc_plus_m_abandonment_matches_erlang_a() -> None:
    """Claim: with exponential patience the queue is M/M/c+M; its abandonment matches Erlang A."""
    lam, window, patience = 1.1, 3000.0, 8.0  # overloaded: rho = 1.1
    expected = erlang_a_abandonment(lam, MU, 1.0 / patience, SERVERS)
    shares = []
    for r in range(30):
        times, _, reneged = _queue_day(lam, window, patience, seed=500 + r)
        shares.append(reneged[times > WARMUP * window].mean())
    m, se = float(np.mean(shares)), float(np.std(shares, ddof=1) / np.sqrt(len(shares)))
    assert abs(m - expected) < 4 * se, (m, se, expected)


def test_run_one_counts_the_workload() -> None:
    table, counts = run_one(pack(small()), 10, 0, 0)
    j = DAILY_COLUMNS.index
    assert counts[1] == table[:, j("contacts")].sum()
    assert counts[3] == table[:, j("handoffs")].sum() + table[:, j("escalations")].sum()
    assert METRICS["contacts"].kind == "flow"
