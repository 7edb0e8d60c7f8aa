"""Errors that reach users as one line, never as a traceback."""

from __future__ import annotations

from typing import Any

__all__ = ["FocussimError", "ScenarioError"]


class FocussimError(Exception):
    """Base of every error the CLI shows as a one-line message (exit code 2)."""


class ScenarioError(FocussimError):
    """A scenario file or override is malformed.

    The message names the source (file path or ``--set``/``overrides``), the
    dotted key path, the offending value and what is allowed, on one line.

    Attributes:
        source: the file (or ``"--set"``/``"overrides"``) the problem is in.
        key: dotted key path, or ``""`` when the whole document is at fault.
        value: the offending value (shortened repr), if any.
        allowed: what would have been accepted.
    """

    def __init__(self, source: str, key: str = "", value: Any = None, allowed: str = "", problem: str = ""):
        self.source = str(source)
        self.key = key
        self.value = value
        self.allowed = allowed
        self.problem = problem
        super().__init__(self._line())

    @staticmethod
    def short(value: Any, limit: int = 60) -> str:
        text = repr(value)
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def _line(self) -> str:
        parts = [self.source]
        if self.key:
            where = f"{self.key} = {self.short(self.value)}" if self.value is not None else self.key
            parts.append(where)
        if self.problem:
            parts.append(self.problem)
        if self.allowed:
            parts.append(f"allowed: {self.allowed}")
        return ": ".join(parts)
