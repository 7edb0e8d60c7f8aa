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
# # 4. Changing course: from operations- to customer-focused
#
# **Learning objectives.** After this notebook you can
#
# 1. describe what the model carries over when a firm switches policy (its people, customers and their
#    state) and what changes (hiring, training, leadership, empowerment, the other levers);
# 2. read a J-curve: cumulative profit of switching minus staying put, with its spread across
#    replications, and the distribution of the break-even day;
# 3. decompose the curve into revenue and cost categories and name what drives the dip and the recovery;
# 4. judge how a price premium changes the depth of the dip and the time to pay back.
#
# "Worse before better": moving to the high road first lowers profit, because training, hiring, belief in
# the new leadership message and relationships along the chain pay back with delays. Firms often give up
# before it pays. Every number below is computed when the notebook runs.

# %% tags=["parameters"]
QUICK = False
SEED = 2026

# %%
import io
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, Markdown, display

import simulation
from simulation import charts, studies

QUICK = QUICK or os.environ.get("FOCUSSIM_QUICK") == "1"
SMALL = {"customers.initial": 400, "firm.frontline": 5, "firm.back_office": 1, "firm.managers": 1} if QUICK else {}
DAYS = 60 if QUICK else 1825  # five years: a switch takes years to pay back
REPLICATIONS = 3 if QUICK else 20
WARMUP = 30 if QUICK else 365
AT_DAY = 10 if QUICK else 120
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
# ## The switch
#
# `studies.transition` runs two arms from the same firm: one stays operations-focused, the other adopts
# the customer-focused policies on day `AT_DAY` after the warm-up. Both arms share people, customers and
# random numbers until the switch, so the difference afterwards is the switch itself.

# %%
ops = scenario("operations_focused")
cust = scenario("customer_focused")
tr = studies.transition(ops, cust, AT_DAY, days=DAYS, replications=REPLICATIONS, seed=SEED, warmup_days=WARMUP)
show(charts.jcurve_figure(tr.tables["jcurve"], tr.tables["breakeven"], AT_DAY))
summary = tr.tables["summary"].iloc[0]
tr.tables["summary"].T

# %%
be = summary["breakeven_day_median"]
payback = (
    f"the median replication breaks even on day **{be:.0f}**"
    if be == be
    else "half or more of the replications never break even within the horizon"
)
say(
    f"Switching on day {AT_DAY}, the median curve bottoms out at **{usd(summary['trough_usd'])}** on day "
    f"{summary['trough_day']:.0f}; {payback}; **{summary['share_never']:.0%}** of replications are still behind "
    f"on day {DAYS}. At the horizon the median gain is {usd(summary['delta_at_horizon_median_usd'])} "
    f"(5th to 95th percentile: {usd(summary['delta_at_horizon_p5_usd'])} to "
    f"{usd(summary['delta_at_horizon_p95_usd'])})."
)

# %% [markdown]
# ## What drives the curve
#
# The J-curve is cumulative profit, revenue minus costs. Splitting the difference (switch minus stay) by
# category shows what costs more from the first day (training, coaching, wages above the market,
# wellbeing, coordination) and what pays back later (revenue from customers kept and referred, fewer
# replacements to buy, fewer hires to make).

# %%
daily = tr.tables["daily"]
stay_name, switch_name = daily["scenario"].drop_duplicates().tolist()
columns = ["revenue"] + [c for c in simulation.METRICS if c.startswith("cost_") and c in daily and c != "cost_total"]
per_day = daily.groupby(["scenario", "day"])[columns].mean()
gap = (per_day.loc[switch_name] - per_day.loc[stay_name]).cumsum()
trough_day = int(summary["trough_day"])
at = {"at the trough": gap.loc[trough_day], "at the horizon": gap.iloc[-1]}
effect = {k: v.copy() for k, v in at.items()}
for v in effect.values():
    v[v.index != "revenue"] *= -1  # a cost saved adds to profit
order = effect["at the horizon"].abs().sort_values().index
fig, ax = plt.subplots(figsize=(10, 6))
height = 0.4
for i, (label, values) in enumerate(effect.items()):
    ax.barh([j + i * height for j in range(len(order))], values[order], height=height, label=label)
ax.set_yticks([j + height / 2 for j in range(len(order))], [c.replace("cost_", "") for c in order])
ax.axvline(0, color="0.3", linewidth=1)
ax.set_xlabel("effect on cumulative profit, switch minus stay (USD; a cost saved is positive)")
ax.legend()
show(fig)
(gap.loc[[trough_day, gap.index[-1]]].T).round(0)

# %%
first = effect["at the trough"].drop("revenue").sort_values()
say(
    f"At the trough the biggest drags are **{first.index[0].replace('cost_', '')}** "
    f"({usd(first.iloc[0])}) and **{first.index[1].replace('cost_', '')}** ({usd(first.iloc[1])}); revenue has "
    f"moved by {usd(effect['at the trough']['revenue'])}. By the horizon revenue has moved by "
    f"{usd(effect['at the horizon']['revenue'])}."
)

# %% [markdown]
# The people side moves slowly: engagement follows leadership only after employees believe the new
# message, and turnover falls as engagement rises and the new hiring policy reaches new hires.

# %%
show(charts.attrition_figure(daily, title="Staff kept: staying put against switching"))

# %% [markdown]
# ## Without the premium
#
# The customer-focused scenario charges a premium, earned only while customers find the experience worth
# it. What if the firm switched without raising its price?

# %%
plain = scenario("customer_focused", {"pricing.price_premium": 0.0}, name="customer_focused, no premium")
tr2 = studies.transition(ops, plain, AT_DAY, days=DAYS, replications=REPLICATIONS, seed=SEED, warmup_days=WARMUP)
show(charts.jcurve_figure(tr2.tables["jcurve"], tr2.tables["breakeven"], AT_DAY, title="Switching without the premium"))
both = pd.concat(
    [tr.tables["summary"].assign(target="with the premium"), tr2.tables["summary"].assign(target="without the premium")]
)
both.set_index("target")[["trough_usd", "trough_day", "breakeven_day_median", "share_never"]]

# %%
s2 = tr2.tables["summary"].iloc[0]
say(
    f"Without the premium the median trough is **{usd(s2['trough_usd'])}** (with it: {usd(summary['trough_usd'])}) "
    f"and **{s2['share_never']:.0%}** of replications never break even (with it: {summary['share_never']:.0%})."
)

# %% [markdown]
# ## Questions and exercises
#
# 1. Why does the switch lower profit first? Name the costs that start on the switch day and the benefits
#    that arrive only later, and say what delays each benefit.
# 2. Read the break-even distribution. What does it mean for a manager that the spread is so wide, and
#    that some replications never break even?
# 3. "Firms give up before it pays." Using the J-curve, explain why a board that reviews profit every
#    quarter might stop the change, and what it could watch instead.
# 4. How does the premium change the curve, and why can the firm charge it only after the experience has
#    improved?
# 5. Switch on a later day (`AT_DAY`), or to `balanced.yaml` instead of `customer_focused.yaml`. Which
#    change makes the dip shallower, and what does it cost in the long run?
# 6. *Project*: design a phased transition (first leadership and people first, then empowerment) with two
#    transitions in a row, and compare its J-curve with the one-step switch.
