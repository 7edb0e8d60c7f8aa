"""Execute the teaching notebooks: each Jupytext percent file in a fresh kernel, saved as an executed .ipynb.

    python notebooks/execute.py [--quick] [--out results/notebooks] [NAME ...]

``--quick`` sets ``FOCUSSIM_QUICK=1`` for the kernels (a tiny firm and a short run: a smoke test). The
kernel runs in ``notebooks/`` with the repository on ``PYTHONPATH``, so it imports this checkout's
``simulation`` package.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def notebooks() -> list[Path]:
    """The notebook sources, in order (``NN_name.py``)."""
    return sorted(p for p in HERE.glob("[0-9][0-9]_*.py"))


def execute(source: Path, quick: bool, timeout: int = 1800):
    """Run ``source`` top to bottom in a fresh ``python3`` kernel; returns the executed notebook."""
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(source)
    env = {"FOCUSSIM_QUICK": "1" if quick else "0"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}})
        client.execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks to run (default: all), e.g. 01_first_experiment")
    parser.add_argument("--quick", action="store_true", help="a tiny firm and a short run (a smoke test)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "notebooks", help="output folder")
    args = parser.parse_args(argv)
    chosen = [p for p in notebooks() if not args.names or p.stem in args.names]
    if not chosen:
        print(f"no notebook matches {args.names}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for source in chosen:
        started = time.perf_counter()
        nb = execute(source, args.quick)
        target = args.out / f"{source.stem}.ipynb"
        nbformat.write(nb, target)
        print(f"{target}  ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
