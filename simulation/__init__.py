"""focussim: operations-focused versus customer-focused service firms, simulated.

Public API::

    import simulation
    s = simulation.load_scenario("scenarios/customer_focused.yaml", overrides={"firm.frontline": 20})
    res = simulation.run(s, engine="mesa", days=365, replications=3, seed=1)
    res.daily        # tidy DataFrame: scenario, replication, day, one column per metric
    res.summary()    # per headline metric: mean, p5, p95 across replications
    res.save("out")  # daily.parquet, summary.csv, run.json
"""

from simulation.api import ENGINES, run
from simulation.errors import FocussimError, ScenarioError
from simulation.metrics import METRICS
from simulation.results import Results
from simulation.scenario import Scenario, field_table, load_scenario, scenario_hash

__all__ = [
    "ENGINES",
    "METRICS",
    "FocussimError",
    "Results",
    "Scenario",
    "ScenarioError",
    "field_table",
    "load_scenario",
    "run",
    "scenario_hash",
]
__version__ = "0.1.0"
