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
# # 1. Your first experiment: two firms, many futures
#
# **Learning objectives.** After this notebook you can
#
# 1. load a scenario (a firm described in a YAML file) and read its parameters;
# 2. run it many times (replications) and read the tidy table of results, one row per replication and day;
# 3. compare two firms under *common random numbers* and read a paired difference with its 90 % interval;
# 4. explain why one run proves nothing, and why pairing the runs makes a comparison sharper.
#
# The model simulates a service firm day by day: customers arrive, employees serve them, problems are
# fixed or not, customers stay or leave, employees stay or quit. Chance plays a part in every step, so two
# runs of the same firm never end the same way. Every number below is computed when the notebook runs.
#
# *Quick mode*: set `QUICK = True` below (or the environment variable `FOCUSSIM_QUICK=1`) for a tiny firm
# and a short run that finishes in seconds. Its numbers are a smoke test, not findings.

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


# %% [markdown]
# ## Load a firm
#
# A scenario is a YAML file. `operations_focused.yaml` describes a firm run by rules: every exception waits
# for a manager's approval, it hires for technical skill, trains technical skills, its leaders do not
# always do what they preach, and customer service is a department. Every parameter has a default;
# the file lists only what differs from the baseline firm.

# %%
ops = scenario("operations_focused")
cust = scenario("customer_focused")
say(
    f"The operations-focused firm has **{ops.firm.frontline}** frontline employees, **{ops.firm.back_office}** in "
    f"the back office and **{ops.customers.initial:,}** customers at the start. Its exceptions are handled by "
    f"*{ops.empowerment.mode}*; the customer-focused firm's by *{cust.empowerment.mode}* with a discretion "
    f"limit of **{cust.empowerment.discretion_limit_usd:,.0f} USD**."
)

# %% [markdown]
# ## Run it many times
#
# `simulation.run` simulates the firm. Each replication first runs a *warm-up* under the firm's own
# policies (so we measure the firm in its steady state, not the start-up from arbitrary initial values),
# then the days we keep. Replication `r` draws its random numbers from streams derived from the seed and
# `r`: the same seed gives the same numbers.

# %%
res = simulation.run(ops, days=DAYS, replications=REPLICATIONS, seed=SEED, warmup_days=WARMUP)
show(charts.loyalty_figure(res.daily, title="The operations-focused firm: customers kept"))

# %% [markdown]
# The line is the median across replications and the shades hold the middle 50 % and 90 % of them: the
# spread is what chance alone does to one firm. Now the table behind the chart: one row per replication
# and day, one column per metric (units in `simulation.METRICS`).

# %%
res.daily[["scenario", "replication", "day", "active_customers", "churned", "profit", "quits"]].head(8)

# %% [markdown]
# One number per replication: flows (like profit) are summed over the kept days, rates (like retention)
# annualised.

# %%
per = res.per_replication()
show(charts.outcome_distributions_figure(per, metrics=("profit", "retention_annual", "turnover_annual")))
per[["replication", "profit", "retention_annual", "turnover_annual"]].round(3)

# %%
lo, hi = per["profit"].min(), per["profit"].max()
say(
    f"The same firm, the same policies, only different luck: profit over {DAYS} business days ranges from "
    f"**{lo:,.0f} USD** to **{hi:,.0f} USD** across {len(per)} replications. One run would have shown one of "
    "these, and told us nothing about the others."
)

# %% [markdown]
# ## Compare two firms under common random numbers
#
# `studies.compare` runs both firms with the same seed: replication `r` of each firm sees the same
# customers arriving, the same problems, the same applicants. The difference between the two replications
# `r` is then the effect of the policies, with most of the luck cancelled out. The first scenario is the
# baseline.

# %%
study = studies.compare([ops, cust], days=DAYS, replications=REPLICATIONS, seed=SEED, warmup_days=WARMUP)
diffs = study.tables["differences"]
show(charts.paired_difference_figure(diffs))
diffs[["metric", "unit", "baseline_mean", "scenario_mean", "mean", "lo", "hi"]].round(3)

# %%
row = diffs[diffs["metric"] == "profit"].iloc[0]
verdict = (
    "earns more"
    if row["lo"] > 0
    else "earns less"
    if row["hi"] < 0
    else "cannot be told apart from the operations-focused firm"
)
say(
    f"Customer-focused minus operations-focused: profit **{row['mean']:+,.0f} USD** (90 % interval "
    f"{row['lo']:+,.0f} to {row['hi']:+,.0f}). With these replications the customer-focused firm **{verdict}**."
)

# %% [markdown]
# ## Why pairing matters
#
# Suppose we had run the customer-focused firm with a *different* seed: its replication `r` would then meet
# different customers from the operations-focused firm's replication `r`. The average difference would be
# about the same, but its interval would carry the luck of both runs. We compute both intervals with the
# same function, `studies.mean_interval`.

# %%
unpaired = simulation.run(cust, days=DAYS, replications=REPLICATIONS, seed=SEED + 1000, warmup_days=WARMUP)
base_profit = per.set_index("replication")["profit"]
arms = study.tables["replications"]
paired_gap = arms[arms["scenario"] == cust.name].set_index("replication")["profit"] - base_profit
unpaired_gap = unpaired.per_replication().set_index("replication")["profit"] - base_profit
paired_ci = studies.mean_interval(paired_gap)
unpaired_ci = studies.mean_interval(unpaired_gap)

fig, ax = plt.subplots(figsize=(8, 2.6))
for y, ci in enumerate([paired_ci, unpaired_ci]):
    ax.errorbar(ci["mean"], y, xerr=[[ci["mean"] - ci["lo"]], [ci["hi"] - ci["mean"]]], fmt="o", capsize=6)
ax.set_yticks([0, 1], ["common random numbers", "independent seeds"])
ax.axvline(0, color="0.3", linewidth=1)
ax.set_xlabel("profit difference, customer- minus operations-focused (USD), 90 % interval")
show(fig)

# %%
width_p = paired_ci["hi"] - paired_ci["lo"]
width_u = unpaired_ci["hi"] - unpaired_ci["lo"]
say(
    f"The paired interval is **{width_p:,.0f} USD** wide; the unpaired one **{width_u:,.0f} USD**"
    + (f", {width_u / width_p:.1f} times as wide" if width_p > 0 else "")
    + ". To make an unpaired interval as narrow you would need many more replications, since an interval "
    "narrows only with the square root of their number."
)

# %% [markdown]
# ## Questions and exercises
#
# 1. Rerun the comparison with a different `SEED`. Which numbers change, and which conclusions stay?
# 2. Halve and double `REPLICATIONS`. How does the width of the profit interval change? Is that what the
#    square-root rule predicts?
# 3. Why does the model warm up before it measures? Set `WARMUP = 0` and compare the first weeks of the
#    loyalty chart with the run above.
# 4. In the table of differences, find a metric whose interval spans zero. What may you conclude about
#    it, and what may you not?
# 5. The paired interval was narrower than the unpaired one. Which parts of the randomness cancel out
#    when the two firms meet the same customers, and which cannot?
# 6. *Project*: pick one lever (for example `people_first.level`) and compare the operations-focused firm
#    with a copy that changes only that lever. Write one sentence with the difference and its interval.
