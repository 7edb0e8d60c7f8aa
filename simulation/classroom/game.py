"""The classroom game: teams run rival copies of one firm, a quarter at a time, under common random numbers.

A teacher opens a game (a shipped scenario, a number of quarters, how many teams); teams join by name; each
quarter every team sets its levers (:data:`simulation.classroom.levers.POLICY`) and commits; when every team
has committed (or the teacher closes the quarter) the quarter is simulated for every team, on the numba
engine, with the same seed (common random numbers: every team meets the same customers and the same luck),
and the teams see their results. The board ranks teams by cumulative profit, with retention, NPS and staff
turnover beside it; at the end a debrief shows each team's lever path against its outcomes and what the
teams' final policies would have earned held consistently from the first quarter.

How a path of lever changes is simulated (reproducibly from the scenario, the seed and the path): quarter
``q`` of a team is the slice of days ``(q-1)*Q+1 .. q*Q`` (after the warm-up) of one ``simulation.run(base,
switch=schedule, days=q*Q)``: the firm warms up and starts under the scenario's own levers (``base``), and the
schedule has one policy switch at the start of every quarter ``k <= q`` whose levers differ from quarter
``k-1``'s, on day ``(k-1)*Q``, to quarter ``k``'s levers. A team that never changed runs its scenario without
a switch. Every change of the path counts, so the firm entering a quarter is the one the whole path made
(people, customers and their state carry over each switch). Each quarter's numbers are the mean of
``replications`` replications. They are computed once, when the quarter closes, and stored: a quarter closed
by an older focussim, which kept only a path's last change, keeps the numbers it was closed with.

State lives in SQLite (standard library): a restart of the server loses nothing and a game resumes where it
was. Every change is one transaction; bad input (a lever out of range, a team name that is taken, a commit
after the quarter closed) raises :class:`GameError` with a message for the browser and changes nothing.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation import Scenario, run
from simulation.classroom.levers import POLICY, LeverError, check_levers, lever_values, scenario_path
from simulation.errors import FocussimError
from simulation.metrics import run_values
from simulation.scenario.loader import load_scenario

__all__ = [
    "GameError",
    "GameInfo",
    "GameStore",
    "QUARTER_DAYS",
    "default_db_path",
    "simulate_quarter",
]

#: Business days in a quarter (the model's year has 365 business days).
QUARTER_DAYS = 91
MAX_NAME = 30
NAME_PATTERN = re.compile(r"^[\w .'&+-]+$")
#: The outcomes stored per team and quarter (means over replications).
QUARTER_FIELDS = (
    "profit",
    "revenue",
    "cost_total",
    "churned",
    "active_mean",
    "active_end",
    "quits",
    "employees_mean",
    "nps",
    "engagement_end",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    scenario TEXT NOT NULL,
    overrides TEXT NOT NULL,
    quarters INTEGER NOT NULL,
    quarter_days INTEGER NOT NULL,
    max_teams INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    replications INTEGER NOT NULL,
    warmup_days INTEGER NOT NULL,
    current_quarter INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'open',
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS teams (
    game_id INTEGER NOT NULL REFERENCES games(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    joined TEXT NOT NULL,
    PRIMARY KEY (game_id, name_key)
);
CREATE TABLE IF NOT EXISTS decisions (
    game_id INTEGER NOT NULL,
    team TEXT NOT NULL,
    quarter INTEGER NOT NULL,
    levers TEXT NOT NULL,
    committed INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (game_id, team, quarter)
);
CREATE TABLE IF NOT EXISTS results (
    game_id INTEGER NOT NULL,
    team TEXT NOT NULL,
    quarter INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (game_id, team, quarter)
);
CREATE TABLE IF NOT EXISTS debriefs (
    game_id INTEGER PRIMARY KEY,
    consistent TEXT NOT NULL
);
"""


class GameError(FocussimError):
    """Bad input from a browser or a teacher: the message says what was wrong and what is allowed."""


def default_db_path() -> Path:
    """The games' SQLite file: ``FOCUSSIM_GAME_DB`` or ``~/.local/share/focussim/classroom.sqlite``."""
    env = os.environ.get("FOCUSSIM_GAME_DB")
    if env:
        return Path(env)
    return Path.home() / ".local" / "share" / "focussim" / "classroom.sqlite"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class GameInfo:
    """One game as stored."""

    id: int
    title: str
    scenario: str
    overrides: dict[str, Any]
    quarters: int
    quarter_days: int
    max_teams: int
    seed: int
    replications: int
    warmup_days: int
    current_quarter: int
    status: str  # open (teams may join), playing, over
    created: str

    @property
    def over(self) -> bool:
        return self.status == "over"


# --------------------------------------------------------------------------- simulation (pure)


def _scenario(scenario: str, overrides: Mapping[str, Any], levers: Mapping[str, Any], label: str) -> Scenario:
    s = load_scenario(scenario_path(scenario), overrides={**dict(overrides), **dict(levers)})
    return s.model_copy(update={"name": label})


def simulate_quarter(
    scenario: str,
    overrides: Mapping[str, Any],
    path: Sequence[Mapping[str, Any]],
    quarter: int,
    seed: int,
    replications: int,
    quarter_days: int = QUARTER_DAYS,
    warmup_days: int = 365,
    workers: int | None = None,
) -> dict[str, float]:
    """One team's outcomes in ``quarter`` (1-based), from its lever path (see the module's docstring).

    Args:
        scenario: a shipped scenario's name; ``overrides``: the game's context (size, market) on top of it.
        path: the team's levers in quarters 1..``quarter`` (at least ``quarter`` entries; later ones ignored).
        seed, replications, quarter_days, warmup_days: the game's settings.

    Returns:
        The means over replications of :data:`QUARTER_FIELDS` for the quarter's days.
    """
    if len(path) < quarter:
        raise GameError(f"quarter {quarter}: the lever path has only {len(path)} quarters")
    base = lever_values(load_scenario(scenario_path(scenario), overrides=dict(overrides)), POLICY)
    chain = [base, *[{**base, **dict(p)} for p in path[:quarter]]]
    days = quarter * quarter_days
    # One switch at the start of each quarter whose levers differ from the quarter before (none: no change).
    schedule = [
        (_scenario(scenario, overrides, chain[k], "team"), (k - 1) * quarter_days)
        for k in range(1, quarter + 1)
        if chain[k] != chain[k - 1]
    ]
    res = run(
        _scenario(scenario, overrides, chain[0], "team"),
        engine="numba",
        days=days,
        replications=replications,
        seed=seed,
        warmup_days=warmup_days,
        workers=workers,
        switch=schedule or None,
    )
    daily = res.daily
    part = daily[daily["day"] > (quarter - 1) * quarter_days]
    return _outcome(part)


def _outcome(part: pd.DataFrame) -> dict[str, float]:
    per = run_values(part)
    g = part.groupby("replication")
    values = {
        "profit": per["profit"],
        "revenue": per["revenue"],
        "cost_total": per["cost_total"],
        "churned": per["churned"],
        "active_mean": g["active_customers"].mean().to_numpy(),
        "active_end": per["active_customers"],
        "quits": per["quits"],
        "employees_mean": g["employees"].mean().to_numpy(),
        "nps": per["nps"],
        "engagement_end": per["engagement_mean"],
    }
    return {k: float(np.mean(np.asarray(v, dtype=float))) for k, v in values.items()}


def aggregate(outcomes: Sequence[Mapping[str, float]], quarter_days: int) -> dict[str, float]:
    """A team's game so far from its quarters: cumulative profit, annualised retention and staff turnover,
    the latest NPS and active customers."""
    if not outcomes:
        return {"profit": 0.0, "retention": math.nan, "nps": math.nan, "turnover": math.nan, "customers": math.nan}
    years = len(outcomes) * quarter_days / 365.0
    active = float(np.mean([o["active_mean"] for o in outcomes]))
    staff = float(np.mean([o["employees_mean"] for o in outcomes]))
    return {
        "profit": float(sum(o["profit"] for o in outcomes)),
        "retention": 1.0 - sum(o["churned"] for o in outcomes) / max(active, 1e-9) / years,
        "nps": float(outcomes[-1]["nps"]),
        "turnover": sum(o["quits"] for o in outcomes) / max(staff, 1e-9) / years,
        "customers": float(outcomes[-1]["active_end"]),
    }


# --------------------------------------------------------------------------- the store


class GameStore:
    """Games in one SQLite file; every public method is one transaction (nothing half-done on an error).

    Args:
        path: the database file (created with its tables if missing), or ``":memory:"``.
        workers: threads for the numba engine when a quarter is simulated (default: all cores).
    """

    def __init__(self, path: str | Path, workers: int | None = None):
        self.db_path = str(path)
        if self.db_path != ":memory:":
            Path(self.db_path).parent.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self._lock = threading.RLock()  # one writer at a time in this process (SQLite serialises processes)
        self._db = sqlite3.connect(self.db_path, check_same_thread=False, timeout=30.0, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        if self.db_path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ----------------------------------------------------------------- games

    def open_game(
        self,
        scenario: str,
        quarters: int = 4,
        teams: int = 6,
        title: str | None = None,
        seed: int = 1,
        replications: int = 8,
        quarter_days: int = QUARTER_DAYS,
        warmup_days: int = 365,
        overrides: Mapping[str, Any] | None = None,
    ) -> int:
        """Open a game; returns its id. Raises :class:`GameError` on a bad setting."""
        try:
            scenario_path(scenario)
            load_scenario(scenario_path(scenario), overrides=dict(overrides or {}))
        except FocussimError as exc:
            raise GameError(str(exc)) from None
        for name, value, lo, hi in (
            ("quarters", quarters, 1, 12),
            ("teams", teams, 1, 40),
            ("replications", replications, 1, 200),
            ("quarter_days", quarter_days, 1, 365),
            ("warmup_days", warmup_days, 0, 3650),
            ("seed", seed, 0, 2**31 - 1),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise GameError(f"{name} = {value!r}: allowed: a whole number from {lo} to {hi}")
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO games (title, scenario, overrides, quarters, quarter_days, max_teams, seed, replications,"
                " warmup_days, created) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    title or f"{scenario} game",
                    scenario,
                    json.dumps(dict(overrides or {}), sort_keys=True),
                    quarters,
                    quarter_days,
                    teams,
                    seed,
                    replications,
                    warmup_days,
                    _now(),
                ),
            )
            return int(cur.lastrowid or 0)

    def games(self) -> list[GameInfo]:
        """Every game, newest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM games ORDER BY id DESC").fetchall()
        return [self._info(r) for r in rows]

    def game(self, game_id: int) -> GameInfo:
        with self._lock:
            row = self._db.execute("SELECT * FROM games WHERE id = ?", (int(game_id),)).fetchone()
        if row is None:
            raise GameError(f"game {game_id}: no such game")
        return self._info(row)

    @staticmethod
    def _info(r: sqlite3.Row) -> GameInfo:
        d = dict(r)
        d["overrides"] = json.loads(d["overrides"])
        return GameInfo(**d)

    # ----------------------------------------------------------------- teams

    def join(self, game_id: int, name: str) -> str:
        """Add a team; returns its name as stored. Raises :class:`GameError` on a clash or a bad name."""
        clean = " ".join(str(name).split())
        if not clean:
            raise GameError("team name is empty: allowed: 1 to 30 letters, digits, spaces and . ' & + -")
        if len(clean) > MAX_NAME or not NAME_PATTERN.match(clean):
            raise GameError(f"team name {clean!r}: allowed: 1 to {MAX_NAME} letters, digits, spaces and . ' & + -")
        with self._tx() as db:
            g = self.game(game_id)
            if g.status != "open":
                raise GameError(f"{g.title}: quarter 1 has been played: allowed: joining before the first quarter")
            taken = db.execute(
                "SELECT name FROM teams WHERE game_id = ? AND name_key = ?", (g.id, clean.casefold())
            ).fetchone()
            if taken is not None:
                raise GameError(f"team name {clean!r} is taken (by {taken['name']!r}): allowed: another name")
            n = db.execute("SELECT COUNT(*) FROM teams WHERE game_id = ?", (g.id,)).fetchone()[0]
            if n >= g.max_teams:
                raise GameError(f"{g.title} is full ({g.max_teams} teams): allowed: ask the teacher for a new game")
            db.execute(
                "INSERT INTO teams (game_id, name, name_key, joined) VALUES (?,?,?,?)",
                (g.id, clean, clean.casefold(), _now()),
            )
        return clean

    def teams(self, game_id: int) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT name FROM teams WHERE game_id = ? ORDER BY rowid", (int(game_id),))
            return [r["name"] for r in rows.fetchall()]

    def _team(self, game_id: int, name: str) -> str:
        row = self._db.execute(
            "SELECT name FROM teams WHERE game_id = ? AND name_key = ?",
            (int(game_id), " ".join(str(name).split()).casefold()),
        ).fetchone()
        if row is None:
            raise GameError(
                f"team {name!r} has not joined this game: allowed: {', '.join(self.teams(game_id)) or 'join first'}"
            )
        return str(row["name"])

    # ----------------------------------------------------------------- decisions

    def levers(self, game_id: int, team: str, quarter: int | None = None) -> dict[str, Any]:
        """The levers a team has for ``quarter`` (default: the current one): its decision, else the levers it
        had the quarter before (the scenario's own in quarter 1)."""
        g = self.game(game_id)
        q = g.current_quarter if quarter is None else int(quarter)
        with self._lock:
            name = self._team(g.id, team)
            return self._levers_for(g, name, q)

    def _levers_for(self, g: GameInfo, team: str, quarter: int) -> dict[str, Any]:
        base = lever_values(load_scenario(scenario_path(g.scenario), overrides=g.overrides), POLICY)
        rows = self._db.execute(
            "SELECT quarter, levers FROM decisions WHERE game_id = ? AND team = ? AND quarter <= ? ORDER BY quarter",
            (g.id, team, quarter),
        ).fetchall()
        levers = dict(base)
        for r in rows:
            levers.update(json.loads(r["levers"]))
        return levers

    def commit(self, game_id: int, team: str, quarter: int, levers: Mapping[str, Any]) -> bool:
        """A team's levers for ``quarter``; returns whether the quarter was simulated because every team has
        now committed (in quarter 1 only once the game is full; otherwise the teacher closes it). Raises
        :class:`GameError` (nothing changes) for a closed quarter, an unknown team or a
        lever out of range."""
        try:
            checked = check_levers(levers, POLICY)
        except LeverError as exc:
            raise GameError(str(exc)) from None
        with self._tx() as db:
            g = self.game(game_id)
            name = self._team(g.id, team)
            if g.over:
                raise GameError(f"{g.title} is over: allowed: nothing more to commit")
            if int(quarter) != g.current_quarter:
                raise GameError(
                    f"quarter {quarter} is closed: allowed: a commit for quarter {g.current_quarter}, the one open now"
                )
            merged = {**self._levers_for(g, name, g.current_quarter - 1), **checked}
            db.execute(
                "INSERT OR REPLACE INTO decisions (game_id, team, quarter, levers, committed, at) VALUES (?,?,?,?,1,?)",
                (g.id, name, g.current_quarter, json.dumps(merged, sort_keys=True), _now()),
            )
            waiting = self._waiting(g)
            seats_free = g.status == "open" and len(self.teams(g.id)) < g.max_teams
        # The last commit plays the quarter, unless seats are still free in quarter 1 (more teams may join:
        # then the teacher closes it).
        if waiting or seats_free:
            return False
        try:
            self.close_quarter(g.id, quarter=g.current_quarter)
        except GameError:
            if self.game(g.id).current_quarter == g.current_quarter:
                raise
            # another caller closed this quarter first, with this commit in it
        return True

    def _waiting(self, g: GameInfo) -> list[str]:
        done = {
            r["team"]
            for r in self._db.execute(
                "SELECT team FROM decisions WHERE game_id = ? AND quarter = ? AND committed = 1",
                (g.id, g.current_quarter),
            )
        }
        return [t for t in self.teams(g.id) if t not in done]

    def waiting(self, game_id: int) -> list[str]:
        """Teams that have not committed for the current quarter."""
        with self._lock:
            return self._waiting(self.game(game_id))

    def committed(self, game_id: int, team: str) -> bool:
        with self._lock:
            return self._team(game_id, team) not in self._waiting(self.game(game_id))

    # ----------------------------------------------------------------- playing a quarter

    def path(self, game_id: int, team: str, upto: int) -> list[dict[str, Any]]:
        """A team's levers in quarters 1..``upto``."""
        g = self.game(game_id)
        with self._lock:
            name = self._team(g.id, team)
            return [self._levers_for(g, name, q) for q in range(1, int(upto) + 1)]

    def close_quarter(self, game_id: int, quarter: int | None = None) -> int:
        """Simulate the open quarter for every team (those that did not commit keep their levers) and open the
        next; returns the quarter simulated. ``quarter``: the quarter the caller means to close; if another
        caller closed it first, :class:`GameError` and nothing happens."""
        g = self.game(game_id)
        q = g.current_quarter
        if quarter is not None and int(quarter) != q:
            raise GameError(f"quarter {quarter} is closed: allowed: closing quarter {q}, the one open now")
        if g.over:
            raise GameError(f"{g.title} is over: allowed: nothing more to simulate")
        teams = self.teams(g.id)
        if not teams:
            raise GameError(f"{g.title} has no teams: allowed: closing a quarter once a team has joined")
        outcomes: dict[str, dict[str, float]] = {}
        simulated: dict[str, str] = {}  # team -> the path its outcome was simulated for
        for _attempt in range(5):
            paths = {t: self.path(g.id, t, q) for t in teams}
            for t, p in paths.items():
                key = json.dumps(p, sort_keys=True)
                if simulated.get(t) != key:
                    outcomes[t] = simulate_quarter(
                        g.scenario,
                        g.overrides,
                        p,
                        q,
                        g.seed,
                        g.replications,
                        g.quarter_days,
                        g.warmup_days,
                        self.workers,
                    )
                    simulated[t] = key
            if {t: self.path(g.id, t, q) for t in teams} == paths:  # nobody committed while this simulated
                break
        with self._tx() as db:
            now = self.game(g.id)
            if now.current_quarter != q:  # someone else closed it while this one simulated
                raise GameError(f"quarter {q} is closed: allowed: a commit for quarter {now.current_quarter}")
            if self.teams(g.id) != teams or {t: self.path(g.id, t, q) for t in teams} != paths:
                raise GameError(f"quarter {q}: decisions kept changing while it was simulated: allowed: close it again")
            for t in teams:
                db.execute(
                    "INSERT OR IGNORE INTO decisions (game_id, team, quarter, levers, committed, at)"
                    " VALUES (?,?,?,?,0,?)",
                    (g.id, t, q, json.dumps(paths[t][-1], sort_keys=True), _now()),
                )
                db.execute(
                    "INSERT INTO results (game_id, team, quarter, outcome) VALUES (?,?,?,?)",
                    (g.id, t, q, json.dumps(outcomes[t], sort_keys=True)),
                )
            status = "over" if q >= g.quarters else "playing"
            db.execute("UPDATE games SET current_quarter = ?, status = ? WHERE id = ?", (q + 1, status, g.id))
        return q

    # ----------------------------------------------------------------- results

    def results(self, game_id: int, team: str) -> list[dict[str, float]]:
        """A team's outcomes, one dict per simulated quarter."""
        with self._lock:
            name = self._team(game_id, team)
            rows = self._db.execute(
                "SELECT outcome FROM results WHERE game_id = ? AND team = ? ORDER BY quarter", (int(game_id), name)
            ).fetchall()
        return [json.loads(r["outcome"]) for r in rows]

    def board(self, game_id: int) -> pd.DataFrame:
        """Teams ranked by cumulative profit, with retention (annualised), the latest NPS and staff turnover
        (annualised) beside it."""
        g = self.game(game_id)
        rows = []
        for t in self.teams(g.id):
            res = self.results(g.id, t)
            rows.append({"team": t, "quarters": len(res), **aggregate(res, g.quarter_days)})
        board = pd.DataFrame(rows, columns=["team", "quarters", "profit", "retention", "nps", "turnover", "customers"])
        board = board.sort_values(["profit", "team"], ascending=[False, True], kind="stable").reset_index(drop=True)
        board.insert(0, "rank", np.arange(1, len(board) + 1))
        return board

    def debrief(self, game_id: int) -> dict[str, pd.DataFrame]:
        """At the end: ``paths`` (each team's levers and outcomes by quarter) and ``consistent`` (each team's
        final levers held from quarter 1 for the whole game, same seed, ranked by cumulative profit)."""
        g = self.game(game_id)
        if not g.over:
            raise GameError(f"{g.title}: the debrief comes after the last quarter (now quarter {g.current_quarter})")
        teams = self.teams(g.id)
        rows = []
        for t in teams:
            for q, (lv, out) in enumerate(zip(self.path(g.id, t, g.quarters), self.results(g.id, t), strict=True), 1):
                rows.append({"team": t, "quarter": q, **lv, **out})
        paths = pd.DataFrame(rows)
        with self._lock:
            cached = self._db.execute("SELECT consistent FROM debriefs WHERE game_id = ?", (g.id,)).fetchone()
        if cached is not None:
            consistent = pd.DataFrame(json.loads(cached["consistent"]))
        else:
            text = self._consistent(g, teams).to_json(orient="records")
            with self._tx() as db:
                db.execute("INSERT OR REPLACE INTO debriefs (game_id, consistent) VALUES (?, ?)", (g.id, text))
            consistent = pd.DataFrame(json.loads(text))  # as a later call reads it back
        return {"paths": paths, "consistent": consistent}

    def _consistent(self, g: GameInfo, teams: Sequence[str]) -> pd.DataFrame:
        rows = []
        seen: dict[str, dict[str, Any]] = {}
        for t in teams:
            final = self._levers_for(g, t, g.quarters)
            key = json.dumps(final, sort_keys=True)
            if key in seen:
                seen[key]["teams"] += f", {t}"
                continue
            held = [final] * g.quarters
            outs = [
                simulate_quarter(
                    g.scenario,
                    g.overrides,
                    held,
                    q,
                    g.seed,
                    g.replications,
                    g.quarter_days,
                    g.warmup_days,
                    self.workers,
                )
                for q in range(1, g.quarters + 1)
            ]
            played = aggregate(self.results(g.id, t), g.quarter_days)["profit"]
            row = {"teams": t, **final, **aggregate(outs, g.quarter_days), "played_profit": played}
            seen[key] = row
            rows.append(row)
        table = pd.DataFrame(rows).sort_values("profit", ascending=False, kind="stable").reset_index(drop=True)
        return table
