"""A few service heroes in a weak network, or a consistent network?

The pattern of shared/model.md: "a few service heroes in a weak network do worse than a consistent
network" (Gittell 2003, heroes versus networks). Five arms, all built on scenarios/service_heroes.yaml so
that only the heroes and the internal chain differ:

1. the scenario as it stands: a share of service heroes on the frontline of a weak, failure-prone chain
   (the baseline);
2. the same firm without heroes (what the heroes add in the weak chain);
3. three times as many heroes in the same weak chain (can more heroes make up for the chain?);
4. the same heroes with a strong chain (internal orientation 0.8 and base.yaml's hand-off failure and
   delay);
5. no heroes with that strong chain: the consistent network.

All arms share the random streams of replication r (common random numbers), so every difference is
paired, with a 90 % t interval. 730 days: the model's default horizon; heroes are diluted as staff turn
over (hero_share also applies to replacements) and the chain acts on retention through satisfaction,
both of which play out over months.

    python experiments/service_heroes.py [--quick] [--days 730] [--replications 30] [--out DIR]
"""

from __future__ import annotations

import math
import sys
from typing import Any

import _common
import pandas as pd
from _common import Experiment, fmt, interval, usd

from simulation.studies import COMPARE_METRICS, compare, paired_differences

NAME = "service_heroes"
QUESTION = "A few service heroes in a weak network, or a consistent network?"
HERO = "hiring.hero_share"
ORIENT = "service_philosophy.internal_orientation"
FAILURE = "service_philosophy.handoff_failure"
DELAY = "service_philosophy.handoff_delay_min"
#: The strong chain's internal orientation (customer_focused.yaml has 0.85, Southwest 0.95).
STRONG_ORIENTATION = 0.8
#: More heroes: this many times the scenario's share.
MORE = 3
SHOWN = (
    "profit",
    "retention_annual",
    "first_contact_resolution",
    "satisfaction_mean",
    "turnover_annual",
    "handoff_failures",
)
HEADERS = {
    "profit": "profit, USD",
    "retention_annual": "retention /yr",
    "first_contact_resolution": "FCR",
    "satisfaction_mean": "satisfaction",
    "turnover_annual": "turnover /yr",
    "handoff_failures": "failed hand-offs",
}


def verdict(row: Any, up: str, down: str, neither: str) -> str:
    """Words for the sign of a paired difference's interval."""
    if row["lo"] > 0:
        return up
    if row["hi"] < 0:
        return down
    return neither


def body(exp: Experiment) -> None:
    heroes = exp.scenario("service_heroes")
    base = exp.scenario("base")
    share = heroes.hiring.hero_share
    sp = heroes.service_philosophy
    strong = {
        ORIENT: STRONG_ORIENTATION,
        FAILURE: base.service_philosophy.handoff_failure,
        DELAY: base.service_philosophy.handoff_delay_min,
    }
    more = min(1.0, MORE * share)

    def pct(x: float) -> str:
        return f"{100 * x:.0f} %"

    names = {
        "baseline": f"{pct(share)} heroes, weak chain",
        "none_weak": "no heroes, weak chain",
        "more_weak": f"{pct(more)} heroes, weak chain",
        "heroes_strong": f"{pct(share)} heroes, strong chain",
        "network": "no heroes, strong chain (consistent network)",
    }
    arms = [
        exp.scenario("service_heroes", {}, name=names["baseline"]),
        exp.scenario("service_heroes", {HERO: 0.0}, name=names["none_weak"]),
        exp.scenario("service_heroes", {HERO: more}, name=names["more_weak"]),
        exp.scenario("service_heroes", strong, name=names["heroes_strong"]),
        exp.scenario("service_heroes", {**strong, HERO: 0.0}, name=names["network"]),
    ]
    metrics = tuple(dict.fromkeys((*SHOWN, *COMPARE_METRICS)))
    study = exp.study(
        "heroes vs network",
        compare,
        arms,
        folder="arms",
        days=exp.days,
        replications=exp.replications,
        metrics=SHOWN,
    )
    per = study.tables["replications"]
    per = per.assign(failed_share=per["handoff_failures"] / per["handoffs"].where(per["handoffs"] > 0))

    exp.say(
        "## The arms",
        "",
        f"All from `service_heroes.yaml`: heroes are {pct(share)} of the frontline and of its replacements "
        "(technical and soft skill near the top); its weak chain has internal orientation "
        f"{sp.internal_orientation:g}, hand-off failure {sp.handoff_failure:g} and delay {sp.handoff_delay_min:g} min "
        f"at zero orientation. The strong chain: orientation {STRONG_ORIENTATION:g}, failure {strong[FAILURE]:g} and "
        f"delay {strong[DELAY]:g} min (base.yaml's). Mean per arm (profit and failed hand-offs: run totals; "
        "FCR: mean over days; satisfaction: "
        "end of run; retention and turnover: annual rates):",
        "",
    )
    means = per.groupby("scenario", sort=False)[[*SHOWN, "failed_share"]].mean()
    exp.table(
        [{"arm": a, **means.loc[a].to_dict()} for a in names.values()],
        {"arm": "arm", **HEADERS, "failed_share": "hand-offs failed, share"},
    )

    d = study.tables["differences"]
    exp.say(
        f"## Against the baseline ({names['baseline']})",
        "",
        "Each arm minus the baseline, paired per replication, mean and 90 % interval:",
        "",
    )
    exp.table(
        [
            {"arm": a, **{m: interval(d[(d.scenario == a) & (d.metric == m)].iloc[0]) for m in SHOWN}}
            for a in names.values()
            if a != names["baseline"]
        ],
        {"arm": "arm", **HEADERS},
    )

    def contrast(a: str, b: str) -> pd.DataFrame:
        """Arm ``a`` minus arm ``b``, paired per replication, indexed by metric."""
        rows = per[per["scenario"].isin([names[a], names[b]])]
        return paired_differences(rows, names[b], metrics).set_index("metric")

    pairs = {
        "network − baseline": contrast("network", "baseline"),
        f"network − {pct(more)} heroes in the weak chain": contrast("network", "more_weak"),
        "what heroes add, weak chain": contrast("baseline", "none_weak"),
        "what heroes add, strong chain": contrast("heroes_strong", "network"),
        f"what the chain adds, with {pct(share)} heroes": contrast("heroes_strong", "baseline"),
        "what the chain adds, no heroes": contrast("network", "none_weak"),
    }
    exp.say(
        "## Heroes or the network",
        "",
        "The contrasts that answer the question, paired per replication (the consistent network is no heroes "
        "with the strong chain):",
        "",
    )
    exp.table(
        [{"contrast": k, **{m: interval(v.loc[m]) for m in SHOWN}} for k, v in pairs.items()],
        {"contrast": "contrast", **HEADERS},
    )

    vs_network = paired_differences(per, names["network"], SHOWN)
    from simulation import charts

    exp.figure(
        charts.paired_difference_figure(
            vs_network, title="How far each arm is from the consistent network (arm − no heroes, strong chain)"
        ),
        "against_network",
    )

    net, more_row = list(pairs.values())[0], list(pairs.values())[1]
    add_weak, add_strong = pairs["what heroes add, weak chain"], pairs["what heroes add, strong chain"]
    chain = pairs[f"what the chain adds, with {pct(share)} heroes"]
    p, r = net.loc["profit"], net.loc["retention_annual"]
    beats = verdict(
        p,
        "**the consistent network does better**",
        "**the heroes in the weak network do better**",
        "**neither is measurably better on profit**",
    )
    more_words = verdict(
        more_row.loc["profit"],
        f"even {pct(more)} heroes in the weak chain fall short of it",
        f"{pct(more)} heroes in the weak chain do beat it",
        f"{pct(more)} heroes in the weak chain are not measurably different from it",
    )
    ratio = (
        abs(chain.loc["profit", "mean"]) / abs(add_weak.loc["profit", "mean"])
        if add_weak.loc["profit", "mean"]
        else float("nan")
    )
    exp.say(
        "",
        f"**Answer.** Against {pct(share)} heroes in the weak network, {beats}: the consistent network (no heroes, "
        f"strong chain) minus the heroes is {interval(p)} USD of profit over {exp.days} days, "
        f"{interval(r, digits=2)} retention /yr, {interval(net.loc['first_contact_resolution'], digits=2)} "
        f"first-contact resolution, {interval(net.loc['satisfaction_mean'], digits=2)} satisfaction, "
        f"{interval(net.loc['turnover_annual'], digits=2)} turnover /yr and "
        f"{interval(net.loc['handoff_failures'])} failed hand-offs. On profit, {more_words} "
        f"({interval(more_row.loc['profit'])} USD, network minus them). "
        f"The heroes themselves add {interval(add_weak.loc['profit'])} USD in the weak chain and "
        f"{interval(add_strong.loc['profit'])} USD in the strong one; strengthening the chain around the same "
        f"heroes adds {interval(chain.loc['profit'])} USD"
        + (
            f", {ratio:.1f} times what the heroes add in the weak chain ({usd(chain.loc['profit', 'mean'])} against "
            f"{usd(add_weak.loc['profit', 'mean'])})."
            if math.isfinite(ratio) and min(chain.loc["profit", "mean"], add_weak.loc["profit", "mean"]) > 0
            else "."
        )
        + f" (Paired differences over {fmt(exp.replications)} replications, 90 % intervals.)",
        "",
        "Charts: `against_network.png` (every arm minus the consistent network), `arms/differences.png` (every arm "
        "minus the baseline), `arms/outcomes.png`, `arms/loyalty.png`, `arms/cost.png`, `arms/attrition.png`.",
    )


def main(argv: list[str] | None = None) -> int:
    return _common.main(body, (NAME, QUESTION, __doc__, 730, 30), argv)


if __name__ == "__main__":
    sys.exit(main())
