"""The classroom game without a browser: SQLite persistence, bad input, common random numbers."""

from __future__ import annotations

import math
import sqlite3

import pytest

from simulation import Scenario, run
from simulation.classroom.game import GameError, GameStore, _outcome, simulate_quarter
from simulation.classroom.levers import scenario_path
from simulation.scenario import load_scenario

#: A tiny firm and short quarters: each quarter is a few numba runs of a few dozen days.
TINY = {"customers.initial": 250, "market.size": 1000, "firm.frontline": 4, "firm.back_office": 1, "firm.managers": 1}
SETTINGS = dict(quarters=2, teams=3, seed=11, replications=2, quarter_days=10, warmup_days=5, overrides=TINY)
CUSTOMER = {"empowerment.mode": "guidelines", "people_first.level": 0.9, "leadership.consistency": 0.9}


@pytest.fixture
def db(tmp_path):
    return tmp_path / "games.sqlite"


def test_a_game_survives_a_restart_and_resumes(db):
    store = GameStore(db, workers=1)
    gid = store.open_game("operations_focused", **{**SETTINGS, "teams": 2})
    store.join(gid, "Red")
    store.join(gid, "Blue")
    assert store.commit(gid, "Red", 1, CUSTOMER) is False  # Blue has not committed yet
    store.close()

    store = GameStore(db, workers=1)  # the server restarted
    assert store.teams(gid) == ["Red", "Blue"]
    assert store.waiting(gid) == ["Blue"]
    assert store.levers(gid, "Red")["empowerment.mode"] == "guidelines"
    assert store.commit(gid, "blue", 1, {"pricing.price_premium": 0.05}) is True  # the last commit plays the quarter
    g = store.game(gid)
    assert (g.current_quarter, g.status) == (2, "playing")
    red1 = store.results(gid, "Red")
    assert len(red1) == 1 and math.isfinite(red1[0]["profit"])
    store.close()

    store = GameStore(db, workers=1)
    assert store.results(gid, "Red") == red1
    store.commit(gid, "Red", 2, {})
    store.commit(gid, "Blue", 2, {})
    assert store.game(gid).over
    board = store.board(gid)
    assert list(board["team"]) == sorted(["Red", "Blue"], key=lambda t: -board.set_index("team").loc[t, "profit"])
    assert list(board["rank"]) == [1, 2] and (board["quarters"] == 2).all()
    assert board["profit"].is_monotonic_decreasing
    for col in ("retention", "nps", "turnover"):
        assert board[col].notna().all()


def test_bad_input_gets_a_message_and_changes_nothing(db):
    store = GameStore(db, workers=1)
    gid = store.open_game("customer_focused", **SETTINGS)
    store.join(gid, "Lenscrafters fans")
    with pytest.raises(GameError, match="taken"):
        store.join(gid, "  lenscrafters   FANS ")
    with pytest.raises(GameError, match="team name"):
        store.join(gid, "<script>")
    with pytest.raises(GameError, match="empty"):
        store.join(gid, "   ")
    assert store.teams(gid) == ["Lenscrafters fans"]

    before = store.levers(gid, "Lenscrafters fans")
    with pytest.raises(GameError, match=r"People first .*allowed: a number from 0 to 1"):
        store.commit(gid, "Lenscrafters fans", 1, {"people_first.level": 1.5, "hiring.fit_weight": 0.2})
    with pytest.raises(GameError, match="allowed: approval, guidelines"):
        store.commit(gid, "Lenscrafters fans", 1, {"empowerment.mode": "anarchy"})
    with pytest.raises(GameError, match="lever 'firm.frontline'"):
        store.commit(gid, "Lenscrafters fans", 1, {"firm.frontline": 100})
    with pytest.raises(GameError, match="has not joined"):
        store.commit(gid, "Nobody", 1, {})
    assert store.levers(gid, "Lenscrafters fans") == before
    assert store.waiting(gid) == ["Lenscrafters fans"]

    # Seats are free in quarter 1, so the commit waits for the teacher, who closes the quarter.
    assert store.commit(gid, "Lenscrafters fans", 1, {"hiring.fit_weight": 0.2}) is False
    assert store.game(gid).current_quarter == 1
    assert store.close_quarter(gid) == 1
    with pytest.raises(GameError, match="quarter 1 is closed"):
        store.close_quarter(gid, quarter=1)
    with pytest.raises(GameError, match="quarter 1 is closed"):
        store.commit(gid, "Lenscrafters fans", 1, {"hiring.fit_weight": 0.9})
    with pytest.raises(GameError, match="joining before the first quarter"):
        store.join(gid, "Latecomers")
    assert store.levers(gid, "Lenscrafters fans", 1)["hiring.fit_weight"] == 0.2
    assert len(store.results(gid, "Lenscrafters fans")) == 1
    with pytest.raises(GameError, match="quarters"):
        store.open_game("customer_focused", quarters=0)
    with pytest.raises(GameError, match="no_such"):
        store.open_game("no_such_scenario")
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM games").fetchone()[0] == 1


def test_common_random_numbers_and_reproducible_paths(db):
    store = GameStore(db, workers=1)
    gid = store.open_game("operations_focused", **SETTINGS)
    for t in ("A", "B", "C"):
        store.join(gid, t)
    store.commit(gid, "A", 1, CUSTOMER)
    store.commit(gid, "B", 1, CUSTOMER)  # the same choice as A
    store.commit(gid, "C", 1, {})  # stays put
    a, b, c = (store.results(gid, t)[0] for t in ("A", "B", "C"))
    assert a == b  # same levers, same seed: the same firm, to the last digit
    assert a != c
    # A quarter is a function of (scenario, seed, lever path): recomputed outside the game it is the same.
    again = simulate_quarter(
        "operations_focused",
        TINY,
        store.path(gid, "A", 1),
        1,
        seed=11,
        replications=2,
        quarter_days=10,
        warmup_days=5,
        workers=1,
    )
    assert again == pytest.approx(a, rel=1e-12)
    # Quarter 2: B changes course again, A holds; C's numbers do not depend on what the others do.
    store.commit(gid, "A", 2, {})
    store.commit(gid, "B", 2, {"empowerment.mode": "approval"})
    store.commit(gid, "C", 2, {})
    path_b = store.path(gid, "B", 2)
    assert [p["empowerment.mode"] for p in path_b] == ["guidelines", "approval"]
    b2 = simulate_quarter(
        "operations_focused", TINY, path_b, 2, seed=11, replications=2, quarter_days=10, warmup_days=5, workers=1
    )
    assert store.results(gid, "B")[1] == pytest.approx(b2, rel=1e-12)
    solo = GameStore(":memory:", workers=1)
    sid = solo.open_game("operations_focused", **{**SETTINGS, "teams": 1})
    solo.join(sid, "C alone")
    solo.commit(sid, "C alone", 1, {})
    solo.commit(sid, "C alone", 2, {})
    assert solo.results(sid, "C alone") == store.results(gid, "C")

    debrief = store.debrief(gid)
    paths = debrief["paths"]
    assert set(paths["team"]) == {"A", "B", "C"} and len(paths) == 6
    consistent = debrief["consistent"]
    # A and B end on different levers; C and A differ too: three final policies, ranked by profit.
    assert len(consistent) == 3 and consistent["profit"].is_monotonic_decreasing
    # A held its levers from quarter 1: held consistently it earns what it earned.
    row_a = consistent[consistent["teams"] == "A"].iloc[0]
    assert row_a["profit"] == pytest.approx(row_a["played_profit"], rel=1e-9)
    assert store.debrief(gid)["consistent"].equals(consistent)  # stored, not recomputed


def test_a_path_with_two_changes_is_simulated_exactly_as_one_schedule() -> None:
    """Quarter 3 of a path that changes in quarters 1 and 2 is the slice of one run with a switch at the start
    of each: the firm entering quarter 3 is the one the whole path made, not only its last change."""
    q, reps, warmup = 10, 2, 5
    approval = {**CUSTOMER, "empowerment.mode": "approval"}
    path = [CUSTOMER, approval, approval]  # changes in quarters 1 and 2, holds in quarter 3
    got = simulate_quarter(
        "operations_focused", TINY, path, 3, seed=11, replications=reps, quarter_days=q, warmup_days=warmup, workers=1
    )

    def levers(changes: dict[str, object]) -> Scenario:
        return load_scenario(scenario_path("operations_focused"), overrides={**TINY, **changes})

    common = dict(engine="numba", days=3 * q, replications=reps, seed=11, warmup_days=warmup, workers=1)
    exact = run(levers({}), switch=[(levers(CUSTOMER), 0), (levers(approval), q)], **common).daily
    assert got == _outcome(exact[exact["day"] > 2 * q])
    # What the game computed before schedules (only the last change: the firm warmed up under quarter 1's
    # levers) is another firm.
    last_only = run(levers(CUSTOMER), switch=(levers(approval), q), **common).daily
    assert got["profit"] != _outcome(last_only[last_only["day"] > 2 * q])["profit"]
