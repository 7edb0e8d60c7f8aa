"""The game and board pages (filled in by the game UI)."""

from __future__ import annotations

import solara


@solara.component
def GamePage() -> None:
    solara.Markdown("# Game")


@solara.component
def BoardPage() -> None:
    solara.Markdown("# Board")
