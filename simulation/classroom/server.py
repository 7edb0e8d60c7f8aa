"""Serving the classroom app: Solara's server (uvicorn) in this process, offline, telemetry off.

:func:`serve` is what ``focussim dashboard`` runs. Solara's front-end assets come from the
``solara-assets`` package, so no page asks the internet for anything. The game database is the SQLite
file named by ``FOCUSSIM_GAME_DB`` (:func:`simulation.classroom.game.default_db_path`).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["APP", "serve", "server_env"]

#: The app module Solara serves.
APP = "simulation.classroom.app"


def server_env(db: str | Path | None = None) -> dict[str, str]:
    """The environment the server needs: telemetry off, production mode, the game database."""
    env = {
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_MODE": "production",
        "SOLARA_CHECK_VERSION": "False",
    }
    if db is not None:
        env["FOCUSSIM_GAME_DB"] = str(Path(db).expanduser().resolve())
    return env


def serve(host: str = "127.0.0.1", port: int = 8765, db: str | Path | None = None) -> None:
    """Run the classroom app at ``http://host:port`` until Ctrl-C (blocking)."""
    os.environ.update(server_env(db))
    from solara.__main__ import run

    args = [APP, "--host", host, "--port", str(int(port)), "--production", "--no-open", "--log-level", "warning"]
    run.main(args=args, standalone_mode=False)
