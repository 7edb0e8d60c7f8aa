"""Markdown tables for the documentation, generated from the code.

The parameter table of ``docs/ODD.md`` is rendered from
:func:`simulation.scenario.schema.field_table` and the output table from
:data:`simulation.metrics.METRICS`, so the documentation cannot drift from
the defaults, units and ranges the code uses. ``tests/test_docs.py`` checks
that the blocks in ``docs/ODD.md`` equal these functions' output.

Whoever changes a default, a unit or a metric regenerates the two blocks
with one command::

    python -m simulation.doc_tables            # rewrites docs/ODD.md in place
    python -m simulation.doc_tables --check    # exit 1 if the blocks are stale

The blocks are the lines between ``<!-- params:start -->`` and
``<!-- params:end -->`` (and likewise ``metrics``). The same command also
refreshes every default quoted in the prose as "`section.key` = value"
(the calibration table) and logs which ones changed, so that whoever
changed them can re-read the claims around them.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulation.metrics import METRICS
from simulation.scenario.schema import Scenario, field_table, format_value

__all__ = [
    "BLOCKS",
    "ODD_PATH",
    "metric_table_markdown",
    "parameter_table_markdown",
    "refresh_quoted_defaults",
    "replace_block",
    "update_odd",
]

logger = logging.getLogger(__name__)

#: The ODD document of the repository.
ODD_PATH = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell (no pipes, no line breaks)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def parameter_table_markdown() -> str:
    """Every scenario parameter as a Markdown table: key, default, unit, range, description.

    Returns:
        The table (header, separator and one row per parameter), without a
        trailing newline.
    """
    lines = ["| key | default | unit | range | description |", "|---|---|---|---|---|"]
    for row in field_table():
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{row['key']}`",
                    _cell(format_value(row["default"])),
                    _cell(row["unit"]),
                    _cell(row["range"]),
                    _cell(row["description"]),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def metric_table_markdown() -> str:
    """Every output metric as a Markdown table: name, unit, kind, description.

    Returns:
        The table (header, separator and one row per metric), without a
        trailing newline.
    """
    lines = ["| name | unit | kind | description |", "|---|---|---|---|"]
    for m in METRICS.values():
        lines.append(f"| `{m.name}` | {_cell(m.unit)} | {m.kind} | {_cell(m.description)} |")
    return "\n".join(lines)


#: Generated blocks of the ODD: marker name -> renderer.
BLOCKS: dict[str, Callable[[], str]] = {
    "params": parameter_table_markdown,
    "metrics": metric_table_markdown,
}


def replace_block(text: str, name: str, content: str) -> str:
    """``text`` with the lines between the ``{name}:start`` and ``{name}:end`` markers replaced.

    Raises:
        ValueError: if either marker line is missing, repeated or out of order.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.strip() == start]
    ends = [i for i, line in enumerate(lines) if line.strip() == end]
    if len(starts) != 1 or len(ends) != 1 or starts[0] >= ends[0]:
        raise ValueError(
            f"expected one line {start!r} followed by one line {end!r}; "
            f"found {len(starts)} start and {len(ends)} end marker(s)"
        )
    i, j = starts[0], ends[0]
    return "\n".join([*lines[: i + 1], *content.split("\n"), *lines[j:]])


def write_block(path: Path, name: str, content: str) -> None:
    """Replace the ``{name}`` marked block of the file at ``path`` with ``content``, keeping the rest;
    append the block (with its markers) when the file or the markers do not exist yet."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text:
        text = replace_block(text, name, content.rstrip("\n"))
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + f"{start}\n{content.rstrip()}\n{end}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


#: A default quoted in prose: "`section.key` = 0.25" (commas allowed in the number).
QUOTED_DEFAULT = re.compile(r"`([a-z_]+\.[a-z_0-9]+)` = (-?[0-9][0-9,]*(?:\.[0-9]+)?)")


def refresh_quoted_defaults(text: str) -> tuple[str, list[str]]:
    """``text`` with every quoted "`section.key` = number" set to the schema default.

    Quotes whose value already equals the default keep their formatting;
    unknown keys and non-numeric defaults are left alone.

    Returns:
        The new text and one line per changed quote (``key: old -> new``).
    """
    defaults = Scenario().flat()
    changes: list[str] = []

    def swap(m: re.Match[str]) -> str:
        key, quoted = m.group(1), m.group(2)
        value = defaults.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return m.group(0)
        if float(quoted.replace(",", "")) == float(value):
            return m.group(0)
        changes.append(f"{key}: {quoted} -> {format_value(value)}")
        return f"`{key}` = {format_value(value)}"

    return QUOTED_DEFAULT.sub(swap, text), changes


def update_odd(path: Path = ODD_PATH, check: bool = False) -> bool:
    """Regenerate the generated blocks and the quoted defaults of the ODD document.

    Args:
        path: the Markdown file with the marker lines.
        check: only compare; do not write.

    Returns:
        True if the file was (or, with ``check``, would be) changed.
    """
    old = path.read_text(encoding="utf-8")
    new = old
    for name, render in BLOCKS.items():
        new = replace_block(new, name, render())
    new, changes = refresh_quoted_defaults(new)
    for line in changes:
        logger.info("quoted default changed (re-read the text around it): %s", line)
    changed = new != old
    if changed and not check:
        path.write_text(new, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m simulation.doc_tables [--check] [PATH]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    path = Path(paths[0]) if paths else ODD_PATH
    changed = update_odd(path, check=check)
    if check:
        logger.info("%s: generated tables %s", path, "are stale" if changed else "are up to date")
        return 1 if changed else 0
    logger.info("%s: generated tables %s", path, "rewritten" if changed else "already up to date")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())
