"""Keep numba's on-disk cache honest across modules.

``numba.njit(cache=True)`` invalidates a cached function only when its own
source file changes, not when a function it calls (in another module)
does: a kernel in ``model.py`` would keep running an old mechanism from
``mechanisms.py``. So before the kernels load, this module hashes every
source they are built from and clears the engine's cached kernels when the
hash differs from the one they were compiled against.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[2]  # .../simulation
_SOURCES = (
    "mechanisms.py",
    "metrics.py",
    "rng.py",
    "scenario/schema.py",
    "engines/numba_engine/draws.py",
    "engines/numba_engine/keys.py",
    "engines/numba_engine/model.py",
    "engines/numba_engine/service_day.py",
    "engines/numba_engine/state.py",
)


def sources_hash() -> str:
    """Hash of the sources the kernels are compiled from."""
    h = hashlib.sha256()
    for rel in _SOURCES:
        h.update(rel.encode())
        h.update((_PACKAGE / rel).read_bytes())
    return h.hexdigest()[:16]


def refresh() -> None:
    """Clear stale cached kernels (best effort: a read-only tree just recompiles in memory)."""
    cache_dirs = [_PACKAGE / "engines" / "numba_engine" / "__pycache__", _PACKAGE / "__pycache__"]
    stamp = cache_dirs[0] / "sources.sha"
    current = sources_hash()
    try:
        if stamp.exists() and stamp.read_text().strip() == current:
            return
        for folder in cache_dirs:
            for pattern in ("*.nbi", "*.nbc"):
                for f in folder.glob(pattern):
                    if folder == cache_dirs[0] or f.name.startswith("mechanisms."):
                        f.unlink(missing_ok=True)
        cache_dirs[0].mkdir(parents=True, exist_ok=True)
        stamp.write_text(current + "\n")
    except OSError:
        pass
