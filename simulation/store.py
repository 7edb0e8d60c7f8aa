"""A study's finished units on disk, so that a killed study can be resumed.

A study (:mod:`simulation.studies`) is cut into units of work: (design point or arm, block of
replications). With a store, each unit's tables are written to the study's output folder the moment the
unit finishes:

* ``parts/<unit>.<table>.parquet``: the unit's tables (the run values of its replications; the daily
  table when the study keeps one). Each is written to a temporary name and renamed into place, so a part
  is either whole or absent, whatever kills the process and when.
* ``manifest.sqlite``: the study's parameters and their hash (``study`` table), one row per finished unit
  (``units``: key, tables, rows, session, time) and one per session that worked on it (``sessions``).
  A unit's row is committed after its parts are in place, so a unit in the manifest is complete.

Why SQLite (the standard library's ``sqlite3``) rather than a JSON manifest rewritten atomically: a
finished unit is one small transaction (an append), not a rewrite of the whole manifest, which for a
study of 100,000 units would cost O(units) per unit, O(units²) in all; SQLite's journal makes each
commit atomic and durable through SIGKILL or a lost machine; the unit key is a primary key, so a unit
can never be counted twice; and the manifest can be queried while the study runs (how far it got, which
session did what) with any SQLite client.

``open_store`` refuses to resume a study whose parameters differ from the stored ones, and names what
differs; the parameters are those that decide the units' numbers (scenarios, design, days, warm-up,
replications, seed, block size, engine, output), not those of the analysis that follows (a discovery's
condition can change on resume: the simulations are reused).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.errors import FocussimError

__all__ = ["MANIFEST", "PARTS", "StudyStore", "parameters_hash", "open_store"]

MANIFEST = "manifest.sqlite"
PARTS = "parts"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS study (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY, started_utc TEXT NOT NULL, resumed INTEGER NOT NULL, executor TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS units (
    key TEXT PRIMARY KEY, tables TEXT NOT NULL, rows INTEGER NOT NULL, session INTEGER NOT NULL,
    finished_utc TEXT NOT NULL
);
"""


def _canonical(parameters: Mapping[str, Any]) -> str:
    return json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=str)


def parameters_hash(parameters: Mapping[str, Any]) -> str:
    """A short hash of the parameters that decide a study's numbers (canonical JSON, SHA-256)."""
    return hashlib.sha256(_canonical(parameters).encode()).hexdigest()[:16]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_differences(stored: Mapping[str, Any], wanted: Mapping[str, Any], limit: int = 3) -> str:
    """What differs between two parameter records, on one line: ``days = 20 there, 30 here; ...``."""
    a, b = _flatten(json.loads(_canonical(stored))), _flatten(json.loads(_canonical(wanted)))
    diffs = []
    for key in sorted(set(a) | set(b)):
        if a.get(key, "<absent>") != b.get(key, "<absent>"):
            diffs.append(f"{key} = {_short(a.get(key, '<absent>'))} there, {_short(b.get(key, '<absent>'))} here")
    text = "; ".join(diffs[:limit])
    if len(diffs) > limit:
        text += f"; and {len(diffs) - limit} more"
    return text or "nothing visible (the hash differs)"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


class StudyStore:
    """The parts and manifest of one study in ``folder`` (see the module docstring)."""

    def __init__(self, folder: Path, parameters: Mapping[str, Any], executor: str, resumed: bool):
        self.folder = folder
        self.parts = folder / PARTS
        self.parts.mkdir(parents=True, exist_ok=True)
        self.parameters = dict(parameters)
        self.hash = parameters_hash(parameters)
        self._db = sqlite3.connect(folder / MANIFEST)
        self._db.executescript(_SCHEMA)
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO study VALUES ('hash', ?)", (self.hash,))
            self._db.execute("INSERT OR IGNORE INTO study VALUES ('parameters', ?)", (_canonical(parameters),))
            self._db.execute("INSERT OR IGNORE INTO study VALUES ('created_utc', ?)", (_now(),))
            cur = self._db.execute(
                "INSERT INTO sessions (started_utc, resumed, executor) VALUES (?, ?, ?)",
                (_now(), int(resumed), executor),
            )
        self.session = int(cur.lastrowid or 0)

    # ----------------------------------------------------------------- reading

    def done(self) -> set[str]:
        """Keys of the units whose parts are all in place."""
        out = set()
        for key, tables in self._db.execute("SELECT key, tables FROM units"):
            if all(self._path(key, t).exists() for t in json.loads(tables)):
                out.add(key)
        return out

    def sessions_of(self) -> dict[str, int]:
        """The session that finished each unit (1 is the first run, 2 the first resume, ...)."""
        return dict(self._db.execute("SELECT key, session FROM units").fetchall())

    def read(self, key: str, table: str) -> pd.DataFrame:
        return pd.read_parquet(self._path(key, table))

    def tables_of(self, key: str) -> list[str]:
        row = self._db.execute("SELECT tables FROM units WHERE key = ?", (key,)).fetchone()
        return [] if row is None else list(json.loads(row[0]))

    # ----------------------------------------------------------------- writing

    def _path(self, key: str, table: str) -> Path:
        return self.parts / f"{key}.{table}.parquet"

    def put(self, key: str, tables: Mapping[str, pd.DataFrame]) -> None:
        """Write a finished unit: each table to a temporary file renamed into place, then its manifest row."""
        rows = 0
        for name, frame in tables.items():
            final = self._path(key, name)
            tmp = final.with_name(final.name + f".tmp{os.getpid()}")
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, final)  # atomic: a part is whole or absent
            rows = max(rows, len(frame))
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?, ?)",
                (key, json.dumps(sorted(tables)), rows, self.session, _now()),
            )

    def close(self) -> None:
        self._db.close()


def _stored(folder: Path) -> tuple[str, dict[str, Any], int] | None:
    """The hash, parameters and unit count of the study stored in ``folder`` (None when there is none)."""
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM study").fetchall())
            n = int(db.execute("SELECT COUNT(*) FROM units").fetchone()[0])
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise FocussimError(
            f"{path}: not a readable study manifest ({exc}): allowed: a folder written by focussim, or another --out"
        ) from None
    if "hash" not in meta:
        return None
    return meta["hash"], json.loads(meta.get("parameters", "{}")), n


def _reset(folder: Path) -> None:
    shutil.rmtree(folder / PARTS, ignore_errors=True)
    for suffix in ("", "-journal", "-wal", "-shm"):
        (folder / (MANIFEST + suffix)).unlink(missing_ok=True)


def open_store(
    folder: str | Path, parameters: Mapping[str, Any], units: Iterable[str], resume: bool, executor: str
) -> StudyStore:
    """Open the store of a study in ``folder``.

    ``resume=True`` continues the study stored there (it must have the same parameters: otherwise a
    one-line :class:`FocussimError` names what differs); with nothing stored it starts one. ``resume=False``
    starts afresh, clearing an earlier study's parts, but refuses to throw away an unfinished study with the
    same parameters (resume it, or remove the folder).
    """
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    stored = _stored(path)
    wanted = parameters_hash(parameters)
    total = len(set(units))
    if stored is not None:
        got_hash, got_params, n_done = stored
        if resume and got_hash != wanted:
            what = describe_differences(got_params, parameters)
            raise FocussimError(
                f"{path}: --resume: the study there has other parameters: {what}: "
                "allowed: the parameters of the interrupted study, or another --out"
            )
        if not resume and got_hash == wanted and 0 < n_done < total:
            raise FocussimError(
                f"{path}: holds an unfinished study with these parameters ({n_done} of {total} units done): "
                "allowed: --resume (resume=True) to continue it, or remove the folder to start again"
            )
        if not resume:
            _reset(path)
    return StudyStore(path, parameters, executor, resumed=resume and stored is not None)
