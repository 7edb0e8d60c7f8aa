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
# # 2. Lenscrafters: "we take back anything"
#
# **Learning objectives.** After this notebook you can
#
# 1. say what empowerment (employees decide on the spot, within a discretion limit) and a generous returns
#    policy change in the service process, and what they cost;
# 2. explain how a price premium can be *earned*: customers pay more only while the experience is worth it
#    to them, and satisfied customers bring others by referral;
# 3. find, with a sweep over two parameters, where generosity stops paying as opportunistic customers grow;
# 4. tell being customer-*focused* from being customer-*compelled*.
#
# The case: an optical retailer gives every employee broad authority to fix a problem on the spot and takes
# back anything, trains soft skills at length, and charges more than its competitors. Recovery costs more
# than elsewhere. Does it pay? Every number below is computed when the notebook runs.

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


def interval(row, spec="+,.0f"):
    return f"{row['mean']:{spec}} [{row['lo']:{spec}}, {row['hi']:{spec}}]"


# %% [markdown]
# ## The two firms
#
# `lenscrafters.yaml` extends `customer_focused.yaml`: both empower their employees, hire for fit, train
# soft skills with ongoing support and put people first. Lenscrafters goes further on four levers.

# %%
cust = scenario("customer_focused")
lens = scenario("lenscrafters")
rows = [
    ("discretion limit (USD per case)", "empowerment.discretion_limit_usd"),
    ("share of a claim granted", "recovery.generosity"),
    ("training hours a year", "training.hours_per_year"),
    ("price premium over the market", "pricing.price_premium"),
]
say(
    "| lever | customer-focused | Lenscrafters |\n|---|---|---|\n"
    + "\n".join(f"| {label} | {cust.flat()[key]:g} | {lens.flat()[key]:g} |" for label, key in rows)
)

# %% [markdown]
# ## Does generosity pay?
#
# Both firms run under common random numbers (the same customers, problems and applicants in replication
# `r`); the chart shows Lenscrafters minus the customer-focused firm for each headline metric.

# %%
study = studies.compare([cust, lens], days=DAYS, replications=REPLICATIONS, seed=SEED, warmup_days=WARMUP)
diffs = study.tables["differences"]
show(charts.paired_difference_figure(diffs, title="Lenscrafters minus the customer-focused firm"))
diffs.set_index("metric").loc[["profit", "revenue", "cost_recovery", "retention_annual", "nps"], ["mean", "lo", "hi"]]

# %%
d = diffs.set_index("metric")
say(
    f"Over {DAYS} business days, Lenscrafters minus the customer-focused firm: recovery cost "
    f"**{usd(d.loc['cost_recovery', 'mean'])}**, revenue **{usd(d.loc['revenue', 'mean'])}**, profit "
    f"**{interval(d.loc['profit'])} USD** (mean and 90 % interval), annual retention "
    f"{interval(d.loc['retention_annual'], '+.3f')}."
)

# %% [markdown]
# ## Where do the new customers come from?
#
# A firm that keeps its customers happy grows by referral: promoters bring new customers, detractors deter
# them, and marketing buys the rest at a price that rises when the firm's reputation falls. The cost chart
# splits each firm's daily cost by category.

# %%
daily = study.tables["daily"]
show(charts.cost_figure(daily))
totals = daily.groupby("scenario")[["new_customers", "referrals", "cost_acquisition", "cost_recovery"]].sum()
totals["referral_share"] = totals["referrals"] / totals["new_customers"].where(totals["new_customers"] > 0)
totals.round(2)

# %%
shares = totals["referral_share"]
say(
    f"Share of new customers who came by referral: customer-focused **{shares[cust.name]:.0%}**, "
    f"Lenscrafters **{shares[lens.name]:.0%}**. Marketing spend on acquisition: "
    f"{totals.loc[cust.name, 'cost_acquisition']:,.0f} USD against {totals.loc[lens.name, 'cost_acquisition']:,.0f} "
    "USD (all replications together)."
)

# %% [markdown]
# ## Where does generosity stop paying?
#
# Opportunistic customers exploit a lenient policy with abusive claims; a generous policy also attracts
# more of them. We sweep Lenscrafters over the share of opportunists and the discretion limit (the largest
# value stands for "no limit"). Every point uses the same seed, so points are compared under common random
# numbers too.

# %%
shares_grid = [0.05, 0.3] if QUICK else [0.05, 0.15, 0.3, 0.5]
limits = [100.0, 100_000.0] if QUICK else [25.0, 100.0, 500.0, 100_000.0]
sw = studies.sweep(
    lens,
    {"customers.opportunist_share": shares_grid, "empowerment.discretion_limit_usd": limits},
    days=DAYS,
    replications=SWEEP_REPLICATIONS,
    seed=SEED,
    warmup_days=WARMUP,
)
table = sw.tables["sweep"]
show(
    charts.sweep_lines_figure(
        table,
        "customers.opportunist_share",
        ["profit", "retention_annual"],
        hue="empowerment.discretion_limit_usd",
        title="Profit and retention by opportunist share, one line per discretion limit",
    )
)
profit = sw.tables["points"].pivot(
    index="customers.opportunist_share", columns="empowerment.discretion_limit_usd", values="profit"
)
profit.round(0)

# %%
unlimited = max(limits)
bounded = profit.drop(columns=unlimited)
gap = profit[unlimited] - bounded.max(axis=1)
best = profit.idxmax(axis=1)
lines = [
    f"- with {share:.0%} opportunists the most profitable limit is **{best[share]:,.0f} USD**; no limit earns "
    f"**{usd(gap[share])}** against the best bounded limit"
    for share in profit.index
]
trend = "loses ground" if gap.iloc[-1] < gap.iloc[0] else "does not lose ground"
say(
    "\n".join(lines)
    + f"\n\nAgainst the best bounded limit, taking back anything {trend} as opportunists grow in this run "
    f"({usd(gap.iloc[0])} at the lowest share, {usd(gap.iloc[-1])} at the highest)."
)

# %% [markdown]
# ## Questions and exercises
#
# 1. Lenscrafters spends more on recovery than the customer-focused firm. Through which mechanisms can that
#    spending come back as profit? Name the chain from a quick, generous recovery to revenue.
# 2. Why does the premium cost some customers even when the experience is good? Which customers, and what
#    would you change in the scenario to test your answer?
# 3. In the sweep, how does the most profitable discretion limit move as opportunists grow? Explain it with
#    what a bounded limit does to abusive claims and what it does to genuine ones.
# 4. "Customer-compelled is not customer-focused." Use the sweep to argue for or against this sentence.
# 5. Set `pricing.price_premium` to 0 in the Lenscrafters firm (with `scenario("lenscrafters", {...})`) and
#    compare again. What does the premium add, and what does it cost?
# 6. *Project*: add `recovery.generosity` to the sweep (for example 0.5 and 1). Does a limit or a lower
#    generosity protect better against opportunists?
