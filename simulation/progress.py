"""One progress bar for every long job (commands, experiment scripts, notebooks).

:func:`with_progress` calls a simulation or study function with a ``progress(done, total)`` callback
that drives a rich bar over replication-days. The command line and the experiment scripts share it, so
a run looks the same wherever it is started.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console

__all__ = ["with_progress"]


def with_progress(
    label: str,
    fn: Callable[..., Any],
    /,
    *args: Any,
    quiet: bool = False,
    console: Console | None = None,
    **kwargs: Any,
) -> Any:
    """Run ``fn(*args, progress=callback, **kwargs)`` under a transient rich bar (no bar when ``quiet``)."""
    if quiet:
        return fn(*args, **kwargs)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"{label} (replication-days)", total=None)

        def callback(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return fn(*args, progress=callback, **kwargs)
