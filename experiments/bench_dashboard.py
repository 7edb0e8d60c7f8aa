"""Benchmark: how long does one Step take on the classroom dashboard, and where does the time go?

Question: at the class firm (1,000 customers, what the dashboard opens with) and at the scenario's own size
(the default firm, 5,000 customers), how many seconds pass between pressing Step and the page showing the new
day, and how much of that is the model, the DataCollector, each chart and the KPIs? Writes its marked section
of docs/performance.md (or --out), naming the machine and the load average. Timings are measured here, never
asserted in tests.

Three measurements, each a median over ``--steps`` steps after one step not counted:

* **parts**: the model's step (``FirmModel.step`` on the mesa engine, the DataCollector's row inside it
  timed apart), the classroom's own bookkeeping (``ClassroomFirm.step`` around it: who left today) and each
  dashboard component re-rendered in its own ``solara.render`` context, as SolaraViz re-renders it after a
  step;
* **page, headless**: the whole page (``Dashboard``: SolaraViz, levers, what-if panel) in ``solara.render``,
  the Step button clicked: the model's step and every re-render, without a browser;
* **page, browser** (``--browser``; Debian's ``/usr/bin/chromium`` driven by Playwright, as the browser
  tests do): ``focussim dashboard`` in a subprocess; time to first page (``goto("/")`` until the KPIs and the
  four charts show) and, per step, from the click until the page shows the new day and all four charts have
  new images.

    python experiments/bench_dashboard.py [--steps 20] [--browser] [--quick] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engines import machine  # noqa: E402  (the same machine description in every table)

from simulation.doc_tables import write_block  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: The two sizes measured: the dashboard's "Size" choices.
SIZES = {"class": "class firm (1,000 customers)", "default": "the scenario's own size"}
QUICK_STEPS = 3


# --------------------------------------------------------------------------- parts, in process


class Timer:
    """Seconds per call of a few methods, by name (wrapped in place: the numbers the model computes stay)."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}

    def wrap(self, owner: Any, attr: str, name: str) -> Callable[[], None]:
        original = getattr(owner, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds.setdefault(name, []).append(time.perf_counter() - t0)

        setattr(owner, attr, timed)
        return lambda: setattr(owner, attr, original)

    def median(self, name: str, skip: int = 1) -> float:
        xs = self.seconds.get(name, [])[skip:]
        return statistics.median(xs) if xs else float("nan")


@contextlib.contextmanager
def timed_engine(timer: Timer) -> Iterator[None]:
    """Time ``FirmModel.step`` and ``FirmModel._collect`` (the DataCollector's row) while inside."""
    from simulation.engines.mesa_engine import FirmModel

    undo = [timer.wrap(FirmModel, "step", "model"), timer.wrap(FirmModel, "_collect", "datacollector")]
    try:
        yield
    finally:
        for u in reversed(undo):
            u()


def parts(size: str, steps: int) -> dict[str, float]:
    """Median seconds per step of the model, the DataCollector, the classroom's bookkeeping and each component."""
    import solara

    from simulation.classroom.dashboard import COMPONENTS, ClassroomFirm

    @solara.component
    def Harness(fn: Callable[[Any], Any], model: Any, tick: solara.Reactive[int]) -> Any:
        tick.get()  # re-rendered when the tick moves, as SolaraViz's wrapper is on its update counter
        return fn(model)

    model = ClassroomFirm(size=SIZES[size])
    harnesses = []
    for fn, _page in COMPONENTS:
        tick = solara.Reactive(0)
        _, rc = solara.render(Harness(fn, model, tick), handle_error=False)
        harnesses.append((fn.__name__, tick, rc))
    timer = Timer()
    with timed_engine(timer):
        for _ in range(steps + 1):
            t0 = time.perf_counter()
            model.step()
            timer.seconds.setdefault("classroom step", []).append(time.perf_counter() - t0)
            for name, tick, _rc in harnesses:
                t0 = time.perf_counter()
                tick.value += 1
                timer.seconds.setdefault(name, []).append(time.perf_counter() - t0)
    for _, _, rc in harnesses:
        rc.close()
    out = {
        "model": timer.median("model"),
        "datacollector": timer.median("datacollector"),
        "bookkeeping": timer.median("classroom step") - timer.median("model"),
    }
    for name, _, _ in harnesses:
        out[name] = timer.median(name)
    out["components"] = sum(out[name] for name, _, _ in harnesses)
    return out


def page_headless(size: str, steps: int) -> dict[str, float]:
    """The whole page in ``solara.render``: seconds to build it, and per click on Step (median)."""
    import ipyvuetify as v
    import solara

    from simulation.classroom.dashboard import Dashboard

    times = []
    with contextlib.redirect_stdout(io.StringIO()):  # solara prints the app bar's elements outside a server
        t0 = time.perf_counter()
        page = solara.AppLayout(children=[Dashboard(initial={"size": SIZES[size]})])
        _, rc = solara.render(page, handle_error=False)
        first = time.perf_counter() - t0
        step = rc.find(v.Btn, children=["Step"])
        step.assert_single()
        for _ in range(steps + 1):
            t0 = time.perf_counter()
            step.widget.click()
            times.append(time.perf_counter() - t0)
        rc.close()
    return {"first": first, "step": statistics.median(times[1:])}


# --------------------------------------------------------------------------- the page in a browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(db: Path) -> Iterator[str]:
    """``focussim dashboard`` in a subprocess on a free port; yields its address, stops it (by its id) after."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "simulation.cli", "dashboard", "--port", str(port), "--db", str(db)]
    log = db.with_suffix(".log")
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # as Ctrl-C: uvicorn shuts down at once
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)


CHARTS_READY = """n => {
    const k = document.querySelector('.kpi-state');
    const imgs = Array.from(document.querySelectorAll('img.widget-image'));
    return k && imgs.length >= n && imgs.every(i => i.complete && i.naturalWidth > 0);
}"""

#: Click Step in the page; returns the page's clock at the click (ms).
CLICK_STEP = """() => {
    const b = Array.from(document.querySelectorAll('button')).find(b => b.textContent.trim() === 'Step');
    const t = performance.now();
    b.click();
    return t;
}"""

#: True (the page's clock, ms) once the KPIs show ``text`` and every chart has a new, decoded image.
SHOWN = """([cls, text, before]) => {
    const k = document.querySelector(cls);
    if (!k || !k.textContent.trim().split(';').includes(text)) return false;
    const imgs = Array.from(document.querySelectorAll('img.widget-image'));
    const fresh = imgs.length >= before.length && imgs.every(i => i.complete && i.naturalWidth > 0)
        && before.every(src => !imgs.some(i => i.src === src));
    return fresh ? performance.now() : false;
}"""


def _images(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("img.widget-image", "els => els.map(e => e.src)"))


def browser(steps: int, sizes: list[str]) -> dict[str, float]:
    """In Debian's chromium (Playwright): time to first page, time to switch to the default firm, and median
    seconds per step per size, from the click until the page shows the new day and four new chart images
    (both read on the page's own clock, polled every 10 ms)."""
    import re

    from playwright.sync_api import sync_playwright

    from simulation import load_scenario
    from simulation.classroom.dashboard import DEFAULT_SCENARIO, warm_engine
    from simulation.classroom.dashboard import SIZES as DASH_SIZES
    from simulation.classroom.levers import scenario_path

    warm_engine()  # the numba kernels compiled (or cached) first: the server's warm-up thread then only loads them

    out: dict[str, float] = {}
    charts = 4
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp) / "games.sqlite") as url:
        with sync_playwright() as p:
            args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
            b = p.chromium.launch(executable_path=CHROMIUM, args=args)
            try:
                for visit, size in enumerate(sizes):
                    ctx = b.new_context(viewport={"width": 1400, "height": 1000})
                    ctx.set_default_timeout(120_000)
                    page = ctx.new_page()
                    t0 = time.perf_counter()
                    page.goto(url + "/")
                    page.wait_for_function(CHARTS_READY, arg=charts, polling=10)
                    out[f"first:{visit}"] = time.perf_counter() - t0
                    if SIZES[size] != next(iter(DASH_SIZES)):
                        n = load_scenario(scenario_path(DEFAULT_SCENARIO)).customers.initial
                        before = _images(page)
                        field = page.locator(".v-select").filter(has=page.locator("label", has_text="Size")).first
                        field.locator(".v-select__slot").click()
                        option = page.locator(
                            ".menuable__content__active .v-list-item",
                            has_text=re.compile(rf"^\s*{re.escape(SIZES[size])}\s*$"),
                        )
                        option.wait_for()
                        t0 = time.perf_counter()
                        option.click()
                        page.wait_for_function(SHOWN, arg=[".kpi-customers", f"{n:,}", before], polling=10)
                        out[f"switch:{size}"] = time.perf_counter() - t0
                    times = []
                    for day in range(1, steps + 2):
                        before = _images(page)
                        clicked = float(page.evaluate(CLICK_STEP))
                        done = page.wait_for_function(SHOWN, arg=[".kpi-state", f"day={day}", before], polling=10)
                        times.append((float(done.json_value()) - clicked) / 1000)
                    out[f"step:{size}"] = statistics.median(times[1:])
                    ctx.close()
            finally:
                b.close()
    return out


# --------------------------------------------------------------------------- the table


def _ms(x: float) -> str:
    if x != x:
        return "–"
    if x < 0.001:
        return f"{1e6 * x:.0f} µs"
    return f"{1000 * x:.1f} ms" if x < 0.01 else f"{1000 * x:.0f} ms"


def _s(x: float) -> str:
    return "–" if x != x else f"{x:.2f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=20, help="steps measured per size (after one not counted)")
    ap.add_argument("--browser", action="store_true", help="also through Debian's chromium (Playwright)")
    ap.add_argument("--quick", action="store_true", help="the class firm only, 3 steps (smoke test)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = ap.parse_args(argv)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    warnings.filterwarnings("ignore", category=UserWarning)  # solara's hook validation of mesa's components
    sizes = ["class"] if args.quick else ["class", "default"]
    steps = QUICK_STEPS if args.quick else args.steps
    load_before = os.getloadavg()[0]
    measured = {size: parts(size, steps) for size in sizes}
    headless = {size: page_headless(size, steps) for size in sizes}
    in_browser = browser(steps, sizes) if args.browser and Path(CHROMIUM).exists() else {}
    load = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"

    from simulation.classroom.dashboard import COMPONENTS

    names = [fn.__name__ for fn, _ in COMPONENTS]
    label = {"class": "class firm (1,000 customers)", "default": "default firm (5,000 customers)"}
    lines = [
        "## The classroom dashboard",
        "",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}; {load} (other work on the machine slows "
        "every row)." + (" **QUICK MODE: the class firm, 3 steps; the numbers mean little.**" if args.quick else ""),
        f"Measured by `python experiments/bench_dashboard.py{' --quick' if args.quick else ''}"
        f"{' --browser' if args.browser else ''}`: medians over {steps} steps (after one not counted) from the "
        "start of the customer_focused run, seed 1.",
        "",
        "| quantity | " + " | ".join(label[s] for s in sizes) + " | note |",
        "|---|" + "---:|" * len(sizes) + "---|",
    ]

    def row(name: str, cells: list[str], note: str) -> None:
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {note} |")

    nan = float("nan")
    if in_browser:
        row(
            "**seconds per dashboard step, browser**",
            [f"**{_s(in_browser.get(f'step:{s}', nan))}**" for s in sizes],
            "Debian's chromium (Playwright): from the click on Step until the page shows the new day and four new "
            "chart images (the page's clock)",
        )
        later = in_browser.get("first:1", nan)
        row(
            "time to first page, browser",
            [_s(in_browser.get("first:0", nan))] + ["–"] * (len(sizes) - 1),
            "`goto('/')` until the KPIs and the four charts show, the first session after the server started "
            "(server up, numba kernels cached); the page opens at the class firm"
            + (f"; a second session: {_s(later)}" if later == later else ""),
        )
        if "default" in sizes:
            row(
                "time to switch to this size, browser",
                ["–" if s == "class" else _s(in_browser.get(f"switch:{s}", nan)) for s in sizes],
                "from choosing it under Size until the KPIs show the new firm and the four charts are drawn",
            )
    row(
        "seconds per dashboard step, headless",
        [_s(headless[s]["step"]) for s in sizes],
        "the whole page in `solara.render`, Step clicked: the model's step and every re-render, no browser",
    )
    row(
        "time to build the page, headless",
        [_s(headless[s]["first"]) for s in sizes],
        "the first `solara.render` of the page at that size, the model's construction included",
    )
    row("the model's step", [_ms(measured[s]["model"]) for s in sizes], "`FirmModel.step`, mesa engine")
    row(
        "of which the DataCollector",
        [_ms(measured[s]["datacollector"]) for s in sizes],
        "the day's row of model reporters (`FirmModel._collect`)",
    )
    row(
        "the classroom's bookkeeping",
        [_ms(measured[s]["bookkeeping"]) for s in sizes],
        "`ClassroomFirm.step` around the model's step: who left today, for the event feed",
    )
    for name in names:
        row(f"component `{name}`", [_ms(measured[s][name]) for s in sizes], "its re-render after a step")
    row("all components", [_ms(measured[s]["components"]) for s in sizes], "sum of the rows above")
    text = "\n".join(lines)
    write_block(args.out, "bench_dashboard", text)  # the rest of the file (other benchmarks) stays
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
