"""Named random streams derived from one seed.

Every replication gets its own family of generators, one per process
(arrivals, service, exceptions, ...), each built from
``SeedSequence(entropy=seed, spawn_key=(replication, stream))``. So:

* a run is reproducible from (scenario, seed) alone, whatever the number of
  workers or the order in which replications run;
* a change in how one process draws numbers does not shift another's;
* two scenarios run with the same seed see the same stream of arrivals,
  service-time draws and so on (common random numbers).

The global numpy and ``random`` generators are never used.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STREAMS", "replication_seed_sequence", "streams", "stream"]

#: Stream names in a fixed order: the index is part of each stream's seed,
#: so append new names at the end only.
STREAMS: tuple[str, ...] = (
    "init",  # initial customers, employees and managers
    "arrivals",  # contact counts, arrival times, patience
    "service",  # handle times, resolution
    "exceptions",  # problems, complaints, claims, employee decisions
    "handoffs",  # hand-off delays, back-office times, failures
    "approvals",  # manager response, approval decisions, compliance
    "churn",  # customer churn
    "acquisition",  # referrals and paid acquisition
    "employees",  # engagement noise, quits, on-duty rota
    "hiring",  # vacancy durations, applicant draws
)


def replication_seed_sequence(seed: int, replication: int, stream_index: int) -> np.random.SeedSequence:
    """The seed sequence of one named stream of one replication."""
    return np.random.SeedSequence(entropy=int(seed), spawn_key=(int(replication), int(stream_index)))


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """One named generator (PCG64) of one replication."""
    return np.random.Generator(np.random.PCG64(replication_seed_sequence(seed, replication, STREAMS.index(name))))


def streams(seed: int, replication: int) -> dict[str, np.random.Generator]:
    """All named generators of one replication."""
    return {name: stream(seed, replication, name) for name in STREAMS}
