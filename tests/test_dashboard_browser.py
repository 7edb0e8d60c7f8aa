"""The classroom in a real Chromium (Debian's ``chromium``, driven by Playwright), against a real server.

Each test starts ``focussim dashboard`` as a subprocess on a free port with its own SQLite file. Every request
to a host other than the server is blocked and recorded: the pages must work offline. Without chromium the
tests skip with a message, except in CI (``FOCUSSIM_CI`` set), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TINY = {"customers.initial": 250, "market.size": 1000, "firm.frontline": 4, "firm.back_office": 1, "firm.managers": 1}
GAME = dict(quarters=2, teams=2, seed=3, replications=2, quarter_days=10, warmup_days=5, overrides=TINY)


def _need_browser() -> None:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
        import solara  # noqa: F401
    except ImportError as exc:
        missing.append(f"{exc.name} (pip install -e '.[test]')")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("FOCUSSIM_CI"):
            pytest.fail(message + " (FOCUSSIM_CI is set: CI must run them)")
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``focussim dashboard`` in a subprocess."""

    def __init__(self, db: Path, port: int | None = None):
        self.db = db
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = db.with_suffix(f".{self.port}.log")
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        cmd = [sys.executable, "-m", "simulation.cli", "dashboard", "--port", str(self.port), "--db", str(db)]
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the server did not answer within 120 s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # the process this test started, by its id
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright's launch gives the browser a fresh temporary profile (user-data-dir) of its own.
        args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ]
        b = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("classroom") / "games.sqlite")
    yield srv
    srv.stop()


class Page:
    """A page in its own browser context (its own session) that may talk only to the server."""

    def __init__(self, browser: Any, server: Server):
        self.external: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(60_000)
        self.context.route(re.compile(r"^(?!http://127\.0\.0\.1:" + str(server.port) + r"/).*"), self._block)
        self.page = self.context.new_page()
        self.url = server.url

    def _block(self, route: Any) -> None:
        if not route.request.url.startswith(("data:", "blob:")):
            self.external.append(route.request.url)
        route.abort()

    def goto(self, path: str) -> Any:
        self.page.goto(self.url + path)
        return self.page

    def close(self) -> None:
        self.context.close()


def _state(page: Any) -> dict[str, str]:
    """Every KPI from one widget (one update carries them all: no half-updated reads)."""
    text = str(page.locator(".kpi-state").first.text_content()).strip()
    return dict(part.split("=", 1) for part in text.split(";"))


def _kpi(page: Any, name: str) -> str:
    return _state(page)[name]


def _wait_kpi(page: Any, name: str, value: str) -> None:
    page.wait_for_function(
        """([name, v]) => {
            const e = document.querySelector('.kpi-state');
            return e && e.textContent.split(';').includes(name + '=' + v);
        }""",
        arg=[name, value],
        timeout=60_000,
    )


def _select(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label``."""
    field = page.locator(".v-select").filter(has=page.locator("label", has_text=label)).first
    field.locator(".v-select__slot").click()
    page.locator(
        ".menuable__content__active .v-list-item", has_text=re.compile(rf"^\s*{re.escape(option)}\s*$")
    ).click()


def test_page_loads_offline_and_shows_kpis(browser, server):
    p = Page(browser, server)
    try:
        page = p.goto("/")
        page.wait_for_selector(".kpi-day")
        assert _kpi(page, "day") == "0"
        for label in ("Active customers", "NPS", "Staff turnover so far", "Cost today", "Cumulative profit"):
            assert page.get_by_text(label, exact=True).first.is_visible()
        assert page.get_by_role("button", name="Step").is_visible()
        assert page.get_by_text("Empowerment").first.is_visible()  # the levers
        assert p.external == [], f"the page asked the internet for {p.external[:5]}"
    finally:
        p.close()


def test_step_advances_the_day_and_the_kpis_change(browser, server):
    p = Page(browser, server)
    try:
        page = p.goto("/")
        page.wait_for_selector(".kpi-day")
        before = {k: _kpi(page, k) for k in ("nps", "cost", "profit")}
        page.get_by_role("button", name="Step").click()
        _wait_kpi(page, "day", "1")
        after = {k: _kpi(page, k) for k in ("nps", "cost", "profit")}
        assert after["nps"] != before["nps"] and after["cost"] != before["cost"] and after["profit"] != before["profit"]
        page.get_by_role("button", name="Step").click()
        _wait_kpi(page, "day", "2")
        assert _kpi(page, "profit") != after["profit"]
        assert page.get_by_text("What happened today").is_visible()
        assert p.external == []
    finally:
        p.close()


def test_a_lever_change_and_reset_change_the_run(browser, server):
    p = Page(browser, server)
    try:
        page = p.goto("/")
        page.wait_for_selector(".kpi-day")
        for day in ("1", "2", "3"):
            page.get_by_role("button", name="Step").click()
            _wait_kpi(page, "day", day)
        first = _kpi(page, "profit")
        # Same settings, Reset: the same run (reproducible from scenario and seed).
        page.get_by_role("button", name="Reset").click()
        _wait_kpi(page, "day", "0")
        for day in ("1", "2", "3"):
            page.get_by_role("button", name="Step").click()
            _wait_kpi(page, "day", day)
        assert _kpi(page, "profit") == first
        # Every exception now waits for a manager: after Reset the run differs.
        _select(page, "Empowerment", "approval")
        page.get_by_role("button", name="Reset").click()
        _wait_kpi(page, "day", "0")
        for day in ("1", "2", "3"):
            page.get_by_role("button", name="Step").click()
            _wait_kpi(page, "day", day)
        assert _kpi(page, "profit") != first
        assert p.external == []
    finally:
        p.close()


def _join(p: Page, team: str) -> Any:
    page = p.goto("/game")
    page.get_by_label("Team name").fill(team)
    page.get_by_role("button", name="Join").click()
    page.get_by_text(f"Team {team}").wait_for()
    return page


def test_two_teams_play_a_quarter_and_the_board_ranks_them(browser, server):
    from simulation.classroom.game import GameStore

    store = GameStore(server.db)
    gid = store.open_game("operations_focused", title="Browser game", **GAME)
    store.close()
    red, blue = Page(browser, server), Page(browser, server)
    try:
        page_red, page_blue = _join(red, "Red"), _join(blue, "Blue")
        _select(page_red, "Empowerment", "guidelines")
        page_red.get_by_role("button", name="Commit quarter 1").click()
        page_red.get_by_text("Waiting for: Blue").wait_for()
        page_blue.get_by_role("button", name="Commit quarter 1").click()
        # The last commit plays the quarter; both teams see their results.
        page_blue.get_by_text("Your results").wait_for(timeout=240_000)
        page_red.get_by_text("Your results").wait_for(timeout=60_000)
        page_red.get_by_text("Quarter 2 of 2").wait_for()
        board = red.goto("/board")
        board.get_by_text("1 of 2 quarters played").wait_for()
        rows = board.locator("tr", has_text=re.compile(r"Red|Blue"))
        rows.first.wait_for()
        cells = [[c.strip() for c in rows.nth(i).inner_text().split("\t")] for i in range(rows.count())]
        shown = [(row[row.index(team) - 1], team) for row in cells for team in ("Red", "Blue") if team in row]
        check = GameStore(server.db)
        ranked = list(check.board(gid)["team"])
        check.close()
        assert shown == [("1", ranked[0]), ("2", ranked[1])]
        assert red.external == [] and blue.external == []
    finally:
        red.close()
        blue.close()


def test_a_server_restart_keeps_the_game(browser, tmp_path):
    from simulation.classroom.game import GameStore

    db = tmp_path / "games.sqlite"
    store = GameStore(db)
    gid = store.open_game("customer_focused", title="Restart game", **GAME)
    store.close()
    srv = Server(db)
    green = Page(browser, srv)
    try:
        page = _join(green, "Green")
        # A second team joins in its own browser, then the server goes down before it commits.
        gold = Page(browser, srv)
        _join(gold, "Gold")
        page.get_by_role("button", name="Commit quarter 1").click()
        page.get_by_text("Waiting for: Gold").wait_for()
        gold.close()
        green.close()
    finally:
        srv.stop()
    srv = Server(db, port=srv.port)  # the same address, a new process
    try:
        again = Page(browser, srv)
        page = again.goto("/board")
        page.get_by_text("0 of 2 quarters played; waiting for: Gold").wait_for()
        page = again.goto("/game")
        _select(page, "…or play as", "Gold")
        page.get_by_text("Team Gold").wait_for()
        page.get_by_role("button", name="Commit quarter 1").click()
        page.get_by_text("Your results").wait_for(timeout=240_000)
        store = GameStore(db)
        assert [len(store.results(gid, t)) for t in ("Green", "Gold")] == [1, 1]
        assert store.game(gid).current_quarter == 2
        store.close()
        again.close()
    finally:
        srv.stop()
