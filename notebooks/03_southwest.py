# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 3. Southwest: relationships along the whole chain
#
# **Learning objectives.** After this notebook you can
#
# 1. explain the *bucket brigade*: the frontline can only serve as well as the back office passes work to
#    it, so a weak internal chain caps what frontline empowerment can do;
# 2. measure what relationships along the chain (every employee treats colleagues as internal customers)
#    change in hand-offs, first-contact resolution and profit;
# 3. compare a few service heroes in a weak network with a consistent network of ordinary employees;
# 4. see how low prices can be a customer-focused strategy too.
#
# The case: an airline known for relational coordination across functions, consistent leaders, people
# first and low fares (`southwest.yaml`). Every number below is computed when the notebook runs.

# %% tags=["parameters"]
QUICK = False
SEED = 2026

# %%
import io
import os
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import Image, Markdown, display

import simulation
from simulation import charts, studies

QUICK = QUICK or os.environ.get("FOCUSSIM_QUICK") == "1"
SMALL = {"customers.initial": 400, "firm.frontline": 5, "firm.back_office": 1, "firm.managers": 1} if QUICK else {}
DAYS = 60 if QUICK else 365
REPLICATIONS = 3 if QUICK else 20
SWEEP_REPLICATIONS = 2 if QUICK else 10
WARMUP = 30 if QUICK else 365
# The repository's scenarios/ folder, from notebooks/ or from the repository root.
SCENARIOS = next(p / "scenarios" for p in [Path.cwd(), *Path.cwd().parents] if (p / "scenarios/base.yaml").is_file())


def scenario(stem, changes=None, name=None):
    """scenarios/<stem>.yaml with dotted changes (and the small firm in quick mode)."""
    overrides = {**SMALL, **(changes or {})}
    if name:
        overrides["name"] = name
    return simulation.load_scenario(SCENARIOS / f"{stem}.yaml", overrides=overrides)


def show(fig):
    """Show a chart in the notebook and free its memory."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=72, bbox_inches="tight")
    plt.close(fig)
    display(Image(buf.getvalue()))


def say(text):
    display(Markdown(text))


def usd(x):
    return f"{x:+,.0f} USD"


# %% [markdown]
# ## The bucket brigade
#
# Some requests need work from the back office before the frontline can resolve them. Each hand-off adds
# delay and can fail (rework); the more the chain treats colleagues as customers
# (`service_philosophy.internal_orientation`), the faster and more reliable the hand-offs. We sweep the
# Southwest firm over that orientation, with and without frontline empowerment.

# %%
sw_firm = scenario("southwest")
orientations = [0.1, 0.95] if QUICK else [0.1, 0.5, 0.95]
sweep = studies.sweep(
    sw_firm,
    {"service_philosophy.internal_orientation": orientations, "empowerment.mode": ["approval", "guidelines"]},
    days=DAYS,
    replications=SWEEP_REPLICATIONS,
    seed=SEED,
    warmup_days=WARMUP,
)
table = sweep.tables["sweep"]
table["handoff_failure_share"] = table["handoff_failures"] / table["handoffs"].where(table["handoffs"] > 0)
show(
    charts.sweep_lines_figure(
        table,
        "service_philosophy.internal_orientation",
        ["first_contact_resolution", "profit"],
        hue="empowerment.mode",
        title="What the internal chain does to resolution and profit, with and without empowerment",
    )
)
means = table.groupby(["service_philosophy.internal_orientation", "empowerment.mode"])[
    ["handoff_failure_share", "first_contact_resolution", "retention_annual", "profit"]
].mean()
means.round(3)

# %%
profit = means["profit"].unstack("empowerment.mode")
gain = profit["guidelines"] - profit["approval"]
weak, strong = gain.index.min(), gain.index.max()
fail = means["handoff_failure_share"].unstack("empowerment.mode").mean(axis=1)
say(
    f"With a weak chain (orientation {weak:g}) **{fail[weak]:.0%}** of hand-offs fail; with a strong one "
    f"({strong:g}) **{fail[strong]:.0%}**. Empowerment changes profit by **{usd(gain[weak])}** in the weak chain "
    f"and **{usd(gain[strong])}** in the strong one: a strong chain "
    + ("raises" if gain[strong] > gain[weak] else "does not raise")
    + f" what empowerment adds in this run ({usd(gain[strong] - gain[weak])}; compare with the intervals in the chart)."
)


# %% [markdown]
# ## Heroes or a network?
#
# `service_heroes.yaml` has a few star employees (top skill and soft skill) in a weak, failure-prone
# chain. Is it better to have heroes, or to strengthen the chain around ordinary employees? We compare
# four firms under common random numbers: the heroes in their weak chain (the baseline), the same heroes in
# a strong chain, no heroes in the weak chain, and no heroes in a strong chain (a consistent network).

# %%
strong_chain = {
    "service_philosophy.internal_orientation": 0.85,
    "service_philosophy.handoff_failure": 0.25,
    "service_philosophy.handoff_delay_min": 4.0,
}
arms = [
    scenario("service_heroes", name="heroes, weak chain"),
    scenario("service_heroes", strong_chain, name="heroes, strong chain"),
    scenario("service_heroes", {"hiring.hero_share": 0.0}, name="no heroes, weak chain"),
    scenario("service_heroes", {**strong_chain, "hiring.hero_share": 0.0}, name="consistent network"),
]
heroes = studies.compare(arms, days=DAYS, replications=REPLICATIONS, seed=SEED, warmup_days=WARMUP)
hd = heroes.tables["differences"]
show(charts.paired_difference_figure(hd, title="Each firm minus the heroes in a weak chain"))
hd[hd["metric"] == "profit"][["scenario", "mean", "lo", "hi"]].round(0)

# %%
p = hd[hd["metric"] == "profit"].set_index("scenario")
heroes_alone = -p.loc["no heroes, weak chain", "mean"]  # what the heroes add in the weak chain
chain = p.loc["heroes, strong chain", "mean"]
say(
    f"In the weak chain the heroes add **{usd(heroes_alone)}** of profit (heroes minus no heroes). Strengthening "
    f"the chain around them adds **{usd(chain)}**, and the consistent network without heroes ends "
    f"**{usd(p.loc['consistent network', 'mean'])}** against the heroes in the weak chain "
    f"(90 % interval {usd(p.loc['consistent network', 'lo'])} to {usd(p.loc['consistent network', 'hi'])})."
)

# %% [markdown]
# ## Low prices
#
# Southwest charges less than its competitors. A discount lowers revenue per contact, but price-sensitive
# customers churn less and prospects convert more easily. We compare Southwest at the market price with
# Southwest at its usual discount.

# %%
market = scenario("southwest", {"pricing.price_premium": 0.0}, name="southwest at the market price")
low = scenario("southwest", name="southwest, low fares")
prices = studies.compare([market, low], days=DAYS, replications=REPLICATIONS, seed=SEED, warmup_days=WARMUP)
show(charts.loyalty_figure(prices.tables["daily"], title="Customers kept at the market price and at low fares"))
pd_ = prices.tables["differences"].set_index("metric")
pd_.loc[["retention_annual", "revenue", "cost_total", "profit"], ["baseline_mean", "scenario_mean", "mean", "lo", "hi"]]

# %%
say(
    f"Low fares ({low.pricing.price_premium:+.0%} against the market) change annual retention by "
    f"**{pd_.loc['retention_annual', 'mean']:+.3f}**, revenue by **{usd(pd_.loc['revenue', 'mean'])}** and profit by "
    f"**{usd(pd_.loc['profit', 'mean'])}** (90 % interval {usd(pd_.loc['profit', 'lo'])} to "
    f"{usd(pd_.loc['profit', 'hi'])}) over {DAYS} business days."
)

# %% [markdown]
# ## Questions and exercises
#
# 1. Explain the bucket brigade in your own words. Which results of the first sweep show it, and which
#    would you expect to see in a real firm?
# 2. Why might frontline empowerment add little when hand-offs fail often? Trace one customer's problem
#    through the chain in each case.
# 3. The heroes add something in the weak chain. Why does the model let a strong chain add more? What is
#    it about a network that a few individuals cannot replace?
# 4. Low fares lower revenue per contact. Through which mechanisms can they still raise profit, and for
#    which customers does the effect work most strongly?
# 5. Relationships along the chain take paid time (`service_philosophy.coordination_share`). Double it
#    and rerun the sweep: at what point does the time cost outweigh the better hand-offs?
# 6. *Project*: Southwest's crew is lean (`firm.frontline`). Sweep the frontline headcount and describe
#    what happens to occupancy, the service standard and profit.
