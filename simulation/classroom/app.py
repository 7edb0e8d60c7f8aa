"""The Solara app of the classroom: ``/`` the live firm, ``/game`` the team game, ``/board`` the leaderboard.

Served by ``focussim dashboard`` (:mod:`simulation.classroom.server`), or ``solara run
simulation.classroom.app``. Importing it turns Solara's telemetry off and starts compiling the numba engine
in a background thread, so the first page does not wait for the compile. Nothing here holds a model: each
browser session builds its own.
"""

from __future__ import annotations

import os
import threading

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

import solara  # noqa: E402
import solara.server.settings  # noqa: E402

from simulation.classroom.dashboard import Dashboard, warm_engine  # noqa: E402
from simulation.classroom.pages import BoardPage, GamePage  # noqa: E402

solara.server.settings.telemetry.mixpanel_enable = False

_warming = threading.Thread(target=warm_engine, name="focussim-numba-warm-up", daemon=True)
_warming.start()


@solara.component
def Home() -> None:
    Dashboard()


routes = [
    solara.Route(path="/", component=Home, label="Live firm"),
    solara.Route(path="game", component=GamePage, label="Game"),
    solara.Route(path="board", component=BoardPage, label="Board"),
]
