"""The game and board pages: a thin layer over :class:`simulation.classroom.game.GameStore`.

``/game``: the teacher opens a game; a team joins by name (or picks its name again after a refresh or a
server restart), sets its levers and commits; the quarter is simulated when every team has committed (or the
teacher closes it); the team sees its results. ``/board``: teams ranked by cumulative profit, and at the end
the debrief. Each page polls the database every few seconds, so other teams' moves show up by themselves.
Every :class:`~simulation.classroom.game.GameError` is shown as a message; nothing else changes.
"""

from __future__ import annotations

import functools
import html
import math
import threading
from collections.abc import Callable
from typing import Any, cast

import pandas as pd
import solara

from simulation.classroom.dashboard import SIZES, Note
from simulation.classroom.game import GameError, GameStore, default_db_path
from simulation.classroom.levers import POLICY, LeverError, scenario_names
from simulation.errors import FocussimError

__all__ = ["BoardPage", "GamePage", "store"]

POLL_SECONDS = 2.0


@functools.lru_cache(maxsize=4)
def _store(path: str) -> GameStore:
    return GameStore(path)


def store() -> GameStore:
    """The process's connection to the games' database (the file named by ``FOCUSSIM_GAME_DB``)."""
    return _store(str(default_db_path()))


def use_poll(seconds: float = POLL_SECONDS) -> int:
    """A counter that ticks every ``seconds`` while the page is open (re-reads the database)."""
    tick, set_tick = solara.use_state(0)

    def loop(cancel: threading.Event) -> None:
        n = 0
        while not cancel.wait(seconds):  # set when the page goes away
            n += 1
            set_tick(n)

    solara.use_thread(loop, dependencies=[], intrusive_cancel=False)
    return tick


def _esc(text: str) -> str:
    """Text typed in a browser, safe inside Markdown and HTML."""
    return html.escape(text).replace("_", "&#95;").replace("*", "&#42;")


def _money(x: float) -> str:
    if x != x:
        return "–"
    return f"{x / 1000:+,.1f} k USD"


def _guard(set_message: Callable[[str], None], fn: Callable[[], Any]) -> Any:
    try:
        out = fn()
    except (GameError, LeverError, FocussimError) as exc:
        set_message(str(exc))
        return None
    set_message("")
    return out


@solara.component
def TeacherPanel(on_open: Callable[[int], None]) -> None:
    scenario, set_scenario = solara.use_state("operations_focused")
    quarters, set_quarters = solara.use_state(4)
    teams, set_teams = solara.use_state(6)
    reps, set_reps = solara.use_state(8)
    size, set_size = solara.use_state(next(iter(SIZES)))
    message, set_message = solara.use_state("")

    def open_game() -> None:
        gid = _guard(
            set_message,
            lambda: store().open_game(
                scenario, quarters=int(quarters), teams=int(teams), replications=int(reps), overrides=SIZES[size]
            ),
        )
        if gid is not None:
            on_open(int(gid))

    with solara.Card("Teacher: open a game"):
        solara.Select(
            "Scenario (the firm every team inherits)", value=scenario, values=scenario_names(), on_value=set_scenario
        )
        solara.Select("Size", value=size, values=list(SIZES), on_value=set_size)
        solara.SliderInt("Quarters", value=quarters, min=1, max=8, on_value=set_quarters)
        solara.SliderInt("Teams (at most)", value=teams, min=1, max=20, on_value=set_teams)
        solara.SliderInt("Replications per quarter", value=reps, min=1, max=30, on_value=set_reps)
        solara.Button("Open game", on_click=open_game, color="primary")
        if message:
            solara.Error(message)


def _levers_widgets(values: dict[str, Any], set_values: Callable[[dict[str, Any]], None]) -> None:
    for lv in POLICY:

        def change(v: Any, key: str = lv.key) -> None:
            set_values({**values, key: v})

        if lv.kind == "choice":
            solara.Select(lv.label, value=values[lv.key], values=list(lv.choices), on_value=change)
        else:
            solara.SliderFloat(
                f"{lv.label}: {float(values[lv.key]):g}",
                value=float(values[lv.key]),
                min=lv.lo,
                max=lv.hi,
                step=lv.step,
                on_value=change,
            )


def _results_table(results: list[dict[str, float]]) -> pd.DataFrame:
    rows = []
    for q, r in enumerate(results, 1):
        rows.append(
            {
                "quarter": q,
                "profit": _money(r["profit"]),
                "customers (end)": f"{r['active_end']:,.0f}",
                "churned": f"{r['churned']:,.0f}",
                "NPS": f"{r['nps']:.1f}",
                "quits": f"{r['quits']:.1f}",
            }
        )
    return pd.DataFrame(rows)


@solara.component
def TeamPanel(game_id: int, team: str, tick: int) -> None:
    s = store()
    g = s.game(game_id)
    current, set_current = solara.use_state(g.current_quarter)
    values, set_values = solara.use_state(s.levers(game_id, team))
    message, set_message = solara.use_state("")
    if g.current_quarter != current:  # a quarter was played: start from the levers now in force
        set_current(g.current_quarter)
        set_values(s.levers(game_id, team))

    def commit() -> None:
        played = _guard(set_message, lambda: s.commit(game_id, team, current, values))
        if played is not None:
            set_message("")

    with solara.Card(f"Team {team}"):
        if g.over:
            solara.Success(f"{g.title} is over: see the board and the debrief.")
        else:
            Note(f"**Quarter {g.current_quarter} of {g.quarters}**: set your levers and commit.")
            _levers_widgets(values, set_values)
            solara.Button(f"Commit quarter {current}", on_click=commit, color="primary")
            if s.committed(game_id, team):
                waiting = s.waiting(game_id)
                solara.Info(f"Committed. Waiting for: {', '.join(waiting)}" if waiting else "Committed.", dense=True)
        if message:
            solara.Error(message)
        results = s.results(game_id, team)
        if results:
            Note("**Your results** (means over the replications; every team met the same luck)")
            solara.DataFrame(_results_table(results), items_per_page=12)


@solara.component
def GamePage() -> None:
    """``/game``: open a game (teacher), join it and play (teams)."""
    tick = use_poll()
    s = store()
    games = s.games()
    game_id, set_game_id = solara.use_state(cast(int | None, games[0].id if games else None))
    team, set_team = solara.use_state("")
    name, set_name = solara.use_state("")
    message, set_message = solara.use_state("")
    if game_id is None and games:
        set_game_id(games[0].id)

    def join() -> None:
        if game_id is not None:
            joined = _guard(set_message, lambda: s.join(game_id, name))
            if joined:
                set_team(joined)

    def close_quarter() -> None:
        if game_id is not None:
            _guard(set_message, lambda: s.close_quarter(game_id))

    def pick_game(label: str | None) -> None:
        if label is not None:
            set_game_id(labels[label])
            set_team("")

    def opened(gid: int) -> None:
        set_game_id(gid)
        set_team("")

    def play_as(name: str | None) -> None:
        set_team(name or "")

    with solara.Column(style={"max-width": "960px", "padding": "12px"}):
        Note("# The classroom game")
        labels = {
            f"#{g.id} {g.title} ({g.status}, quarter {min(g.current_quarter, g.quarters)}/{g.quarters})": g.id
            for g in games
        }
        with solara.Row():
            with solara.Column():
                if labels:
                    current = next((k for k, v in labels.items() if v == game_id), None)
                    solara.Select("Game", value=current, values=list(labels), on_value=pick_game)
                else:
                    solara.Info("No game yet: the teacher opens one below.")
                if game_id is not None:
                    g = s.game(int(game_id))
                    teams = s.teams(g.id)
                    Note(
                        f"Scenario **{g.scenario}**, {g.quarters} quarters of {g.quarter_days} business "
                        f"days, teams: {_esc(', '.join(teams)) or 'none yet'}."
                    )
                    if not team:
                        with solara.Card("Join"):
                            solara.InputText("Team name", value=name, on_value=set_name, continuous_update=True)
                            solara.Button("Join", on_click=join, color="primary")
                            if teams:
                                solara.Select("…or play as", value=None, values=teams, on_value=play_as)
                    else:
                        TeamPanel(int(g.id), team, tick).key(f"team|{g.id}|{team}")
                    if message:
                        solara.Error(message)
                    if not g.over and teams:
                        solara.Button(
                            f"Teacher: close quarter {g.current_quarter} now", on_click=close_quarter, outlined=True
                        )
            with solara.Column():
                TeacherPanel(on_open=opened)


def _board_table(board: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "rank": board["rank"],
            "team": board["team"],
            "cumulative profit": [_money(x) for x in board["profit"]],
            "retention (annualised)": [("–" if math.isnan(x) else f"{x:.1%}") for x in board["retention"]],
            "NPS (latest)": [("–" if math.isnan(x) else f"{x:.1f}") for x in board["nps"]],
            "staff turnover (annualised)": [("–" if math.isnan(x) else f"{x:.1%}") for x in board["turnover"]],
            "quarters": board["quarters"],
        }
    )
    return out


@solara.component
def Debrief(game_id: int) -> None:
    s = store()

    def compute() -> dict[str, pd.DataFrame]:
        return s.debrief(game_id)

    task = solara.lab.use_task(compute, dependencies=[game_id])
    with solara.Card("Debrief"):
        if task.pending:
            solara.ProgressLinear(True)
            solara.Text("Simulating each team's final policy held from the first quarter…")
        elif task.error:
            solara.Error(str(task.exception))
        elif task.finished and task.value is not None:
            paths, consistent = task.value["paths"], task.value["consistent"]
            Note("**Each team's lever path and what it earned, quarter by quarter**")
            keys = [lv.key for lv in POLICY]
            shown = paths[["team", "quarter", *keys, "profit", "nps", "quits"]].copy()
            shown.columns = ["team", "quarter", *[lv.label for lv in POLICY], "profit", "NPS", "quits"]
            solara.DataFrame(shown.round(3), items_per_page=20)
            Note(
                "**The best consistent strategies**: each team's final levers held from quarter 1 (same seed), "
                "ranked by cumulative profit, beside what the team earned on the path it played."
            )
            best = consistent[["teams", *keys, "profit", "played_profit", "retention", "nps", "turnover"]].copy()
            best.columns = [
                "teams",
                *[lv.label for lv in POLICY],
                "held profit",
                "played profit",
                "retention",
                "NPS",
                "turnover",
            ]
            solara.DataFrame(best.round(3), items_per_page=20)


@solara.component
def BoardPage() -> None:
    """``/board``: the leaderboard of a game, refreshed every few seconds; the debrief at the end."""
    use_poll()
    s = store()
    games = s.games()
    game_id, set_game_id = solara.use_state(cast(int | None, games[0].id if games else None))
    if game_id is None and games:
        set_game_id(games[0].id)

    def pick_game(label: str | None) -> None:
        if label is not None:
            set_game_id(labels[label])

    labels = {f"#{g.id} {g.title}": g.id for g in games}
    with solara.Column(style={"max-width": "1100px", "padding": "12px"}):
        Note("# Leaderboard")
        if not games or game_id is None:
            solara.Info("No game yet.")
            return
        current = next((k for k, v in labels.items() if v == game_id), None)
        solara.Select("Game", value=current, values=list(labels), on_value=pick_game)
        g = s.game(int(game_id))
        played = min(g.current_quarter - 1, g.quarters)
        Note(
            f"**{_esc(g.title)}**: {played} of {g.quarters} quarters played"
            + (" — game over" if g.over else f"; waiting for: {_esc(', '.join(s.waiting(g.id))) or '–'}")
        )
        board = s.board(g.id)
        if len(board):
            solara.DataFrame(_board_table(board), items_per_page=40)
        if g.over:
            Debrief(int(g.id))
