"""The classroom's components without a browser (``solara.render``), and the what-if study behind its panel."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara

from simulation.classroom import dashboard, pages
from simulation.classroom.dashboard import SIZES, ClassroomFirm, Dashboard, FirmToday, kpis, model_params, run_whatif
from simulation.classroom.game import GameStore
from simulation.classroom.levers import POLICY, LeverError, check_levers, scenario_names
from simulation.engines.mesa_engine import FirmModel
from simulation.scenario.loader import load_scenario

TINY = {"customers.initial": 250, "market.size": 1000, "firm.frontline": 4, "firm.back_office": 1, "firm.managers": 1}


def _text(rc, cls: str) -> str:
    return rc.find(v.Html, class_=cls).widget.children[0]


def _html(rc) -> str:
    """The text of every server-rendered Markdown note on the page."""
    return " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)


def _state(rc) -> dict[str, str]:
    return dict(part.split("=", 1) for part in _text(rc, "kpi-state").split(";"))


def test_the_dashboard_renders_and_step_advances_the_day():
    box, rc = solara.render(solara.AppLayout(children=[Dashboard()]), handle_error=False)
    assert _state(rc)["day"] == "0"
    assert _text(rc, "kpi-profit") == "0 USD"
    step = rc.find(v.Btn, children=["Step"])
    step.assert_single()
    step.widget.click()
    first = _state(rc)
    assert first["day"] == "1" and first["profit"] != "0 USD" and first["nps"] != "–"
    step.widget.click()
    assert _state(rc)["day"] == "2" and _state(rc)["profit"] != first["profit"]
    # The levers are SolaraViz widgets, starting at the scenario's values.
    labels = {w.label for w in rc.find(v.Slider).widgets}
    assert {"Leadership consistency", "People first", "Price premium"} <= labels
    assert rc.find(v.Select, label="Empowerment").widget.v_model == "guidelines"
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert _state(rc)["day"] == "0"


def test_each_session_gets_its_own_model():
    _, rc1 = solara.render(solara.AppLayout(children=[Dashboard()]), handle_error=False)
    _, rc2 = solara.render(solara.AppLayout(children=[Dashboard()]), handle_error=False)
    rc1.find(v.Btn, children=["Step"]).widget.click()
    assert _state(rc1)["day"] == "1" and _state(rc2)["day"] == "0"


def test_firm_today_shows_the_queue_backlog_and_the_event_feed():
    model = ClassroomFirm("operations_focused", seed=2, size=next(iter(SIZES)))
    for _ in range(12):
        model.step()
    _, rc = solara.render(solara.component(FirmToday)(model), handle_error=False)
    html = _html(rc)
    assert "Today's queue" in html and "Approval backlog" in html and "What happened today" in html
    row = model.rows[-1]
    assert f"{row['escalations']:.0f} exceptions sent to a manager" in html
    assert all(name in html for name in (ev.split(" (")[0] for ev in model.events[:3]))
    k = kpis(model)
    assert k["day"] == 12 and k["quits_so_far"] == sum(r["quits"] for r in model.rows)
    assert k["profit_so_far"] == pytest.approx(sum(r["profit"] for r in model.rows))


def test_classroom_firm_records_who_left_and_matches_the_engine():
    a = ClassroomFirm("customer_focused", seed=4)
    b = FirmModel("customer_focused", seed=4, overrides=SIZES[next(iter(SIZES))])
    for _ in range(5):
        a.step()
        b.step()
    assert a.rows == b.rows  # recording the event feed changes nothing in the run
    churned = sum(r["churned"] for r in a.rows[-1:])
    quits = a.rows[-1]["quits"]
    assert sum("left" in e for e in a.events) == churned and sum("quit" in e for e in a.events) == quits
    with pytest.raises(LeverError, match="size"):
        ClassroomFirm(size="huge")


def test_model_params_cover_every_lever_and_build_the_model():
    params = model_params("southwest")
    for lv in POLICY:
        assert lv.key in params
    assert params["pricing.price_premium"]["value"] == pytest.approx(-0.1)
    values = {k: (p["value"] if isinstance(p, dict) else p) for k, p in params.items()}
    model = ClassroomFirm(**values)  # what SolaraViz's Reset does
    assert model.scenario.pricing.price_premium == pytest.approx(-0.1)
    assert set(scenario_names()) >= {"customer_focused", "operations_focused", "lenscrafters", "southwest"}
    with pytest.raises(LeverError, match="from 0 to 1"):
        check_levers({"people_first.level": -0.1})


def test_whatif_pairs_the_settings_with_a_baseline():
    base = load_scenario("scenarios/operations_focused.yaml", overrides=TINY)
    mine = load_scenario("scenarios/customer_focused.yaml", overrides=TINY)
    study = run_whatif(mine, base, replications=4, days=20, seed=3, warmup_days=5, workers=1)
    diffs = study.tables["differences"]
    assert set(diffs["metric"]) == {"profit", "retention_annual", "nps", "turnover_annual", "cost_total"}
    assert (diffs["scenario"] == "your settings").all() and (diffs["baseline"] == "baseline: operations_focused").all()
    assert (diffs["lo"] <= diffs["mean"]).all() and (diffs["mean"] <= diffs["hi"]).all()
    per = study.tables["replications"]
    p = per.pivot(index="replication", columns="scenario", values="profit")
    assert diffs.set_index("metric").loc["profit", "mean"] == pytest.approx(
        float(np.mean(p["your settings"] - p["baseline: operations_focused"]))
    )


def test_game_and_board_pages_render_from_the_database(tmp_path, monkeypatch):
    db = tmp_path / "games.sqlite"
    monkeypatch.setenv("FOCUSSIM_GAME_DB", str(db))
    store = GameStore(db, workers=1)
    gid = store.open_game(
        "customer_focused",
        title="Unit game",
        quarters=1,
        teams=1,
        replications=1,
        quarter_days=5,
        warmup_days=0,
        overrides=TINY,
    )
    store.join(gid, "Owls")
    _, game = solara.render(pages.GamePage(), handle_error=False)
    rc = game
    rc.find(v.Select, label="…or play as").widget.v_model = "Owls"
    rc.find(v.Btn, children=["Commit quarter 1"]).assert_single()
    rc.find(v.Btn, children=["Commit quarter 1"]).widget.click()  # the only seat is taken: the quarter plays
    assert store.game(gid).over
    _, board = solara.render(pages.BoardPage(), handle_error=False)
    html = _html(board)
    assert "Unit game" in html and "1 of 1 quarters played" in html and "game over" in html
    game.close()  # pages poll the database: stop them before the next page (and the test's end)
    board.close()
    # A bad name from a browser: a message, nothing changes.
    store2 = GameStore(db, workers=1)
    gid2 = store2.open_game("customer_focused", title="Second", teams=3, overrides=TINY)
    _, rc = solara.render(pages.GamePage(), handle_error=False)
    try:
        # Pick the new game by hand, as a player would: the claim is about the join, not the default choice.
        picker = rc.find(v.Select, label="Game").widget
        picker.v_model = next(label for label in picker.items if label.startswith(f"#{gid2} "))
        rc.find(v.TextField, label="Team name").widget.v_model = "owls"
        store2.join(gid2, "Owls")
        rc.find(v.Btn, children=["Join"]).widget.click()
        assert "taken" in rc.find(v.Alert).widgets[-1].children[0]
        assert store2.teams(gid2) == ["Owls"]
    finally:
        rc.close()  # a failure must not leave the page polling into the next test


# --------------------------------------------------------------------------- charts drawn in place


def test_a_series_chart_appends_the_new_days_and_keeps_its_figure():
    model = ClassroomFirm("customer_focused", seed=3)
    chart = dashboard.SeriesChart(dashboard.COST)  # cost per day, and profit as a running total
    fig, lines = chart.fig, list(chart.lines)
    assert chart.update(model) == 0 and chart.png()[:8] == b"\x89PNG\r\n\x1a\n"
    model.step()
    model.step()
    assert chart.update(model) == 2
    x, cost = lines[0].get_data()
    _, profit = lines[1].get_data()
    assert list(x) == [1, 2]
    assert list(cost) == [r["cost_total"] for r in model.rows]
    assert list(profit) == pytest.approx(np.cumsum([r["profit"] for r in model.rows]))
    model.step()
    chart.update(model)
    x, cost = lines[0].get_data()
    assert list(x) == [1, 2, 3] and cost[-1] == model.rows[-1]["cost_total"]  # the new day's point
    assert lines[1].get_data()[1][-1] == pytest.approx(sum(r["profit"] for r in model.rows))
    assert chart.fig is fig and list(chart.lines) == lines
    lo, hi = chart.axes[0].get_ylim()
    assert lo <= min(cost) and max(cost) <= hi  # rescaled to the data
    # Another run with fewer days (a Reset): the chart starts again.
    fresh = ClassroomFirm("customer_focused", seed=3)
    fresh.step()
    assert chart.update(fresh) == 1 and list(lines[0].get_data()[0]) == [1]


def test_a_count_is_ticked_at_whole_numbers_and_autoscaling_stays_on():
    model = ClassroomFirm("customer_focused", seed=3)
    chart = dashboard.SeriesChart(dashboard.ATTRITION)  # quits so far (a count), mean engagement
    model.step()
    chart.update(model)
    ax = chart.axes[0]
    lo, hi = ax.get_ylim()
    assert lo < 0 and hi > 1
    assert all(float(t).is_integer() for t in ax.get_yticks())
    assert ax.get_autoscaley_on()
    for _ in range(3):
        model.step()
    chart.update(model)
    assert ax.get_ylim()[1] >= chart.y[0][-1]


def test_the_distribution_chart_bins_today_s_agents():
    model = ClassroomFirm("operations_focused", seed=2)
    model.step()
    chart = dashboard.DistributionChart()
    chart.update(model)
    sat = [c.satisfaction for c in model.customers]
    expected, _ = np.histogram(sat, bins=dashboard.DistributionChart.BINS)
    assert [bar.get_height() for bar in chart.bars[0]] == list(expected)
    assert f"n = {len(sat)}" in chart.axes[0].get_title(loc="left")
    assert sum(bar.get_height() for bar in chart.bars[1]) == len(model.frontline) + len(model.back_office)


def test_short_tick_labels():
    fmt = dashboard.ShortTicks()
    assert fmt.format_ticks([0, 10_000, 20_000]) == ["0", "10k", "20k"]
    assert fmt.format_ticks([-1_500_000, 0, 1_500_000]) == ["\u22121.5M", "0", "1.5M"]
    assert fmt.format_ticks([0.65, 0.7, 0.75]) == ["0.65", "0.70", "0.75"]
    assert fmt.format_ticks([4950, 4975, 5000]) == ["4950", "4975", "5000"]
    assert fmt.format_ticks([-30, -20, 0, 10]) == ["\u221230", "\u221220", "0", "10"]


def test_the_page_redraws_its_charts_in_place_after_a_step(monkeypatch):
    made: list[str] = []
    for cls in (dashboard.SeriesChart, dashboard.DistributionChart):
        init = cls.__init__

        def counted(self, *args, _init=init, _name=cls.__name__, **kwargs):
            made.append(_name)
            _init(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counted)
    _, rc = solara.render(solara.AppLayout(children=[Dashboard()]), handle_error=False)
    images = rc.find(ipywidgets.Image).widgets
    assert len(images) == 4 and sorted(made) == ["DistributionChart"] + ["SeriesChart"] * 3
    before = [w.value for w in images]
    step = rc.find(v.Btn, children=["Step"])
    step.widget.click()
    step.widget.click()
    after = [w.value for w in rc.find(ipywidgets.Image).widgets]
    assert all(a != b for a, b in zip(after, before, strict=True))  # every chart shows the new days
    assert len(made) == 4  # ... drawn on the figures made for this model, not new ones
    rc.find(v.Btn, children=["Reset"]).widget.click()  # a new model: new figures, from day 0
    assert len(made) == 8 and _state(rc)["day"] == "0"
    rc.close()
