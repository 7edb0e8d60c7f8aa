"""Pre-drawn random numbers for the service day, stream by stream.

A numba ``Generator`` method call carries a reference count on the
generator; in the service day's branchy event loop those counts are not
optimised away and cost several times the draw itself (measured: a contact
took 1-2 µs). So the event loop never touches a generator. Before each day,
every (stream, kind) *slot* is topped up, by one vectorised call to its
stream, with enough standard variates for the day's worst case (a bounded
number per contact, :data:`PER_CONTACT`); numbers left over carry to the
next day, so every number drawn is used in order. The stream of a slot is
the one ``simulation.rng.STREAMS`` names: streams stay independent, and a
replication depends only on (seed, replication), never on the thread count.

Scaled draws are built from standard ones: ``exponential(m) = m * E``,
``lognormal(mu, s) = exp(mu + s * N)``, ``gamma(k, m / k) = m / k * G_k``
with ``k = 1 / cv**2`` the scenario's handle-time shape.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from simulation.rng import STREAMS

__all__ = ["N_SLOTS", "PER_CONTACT", "gamma_mean", "lognormal", "new_buffers", "take", "top_up"]

# Kinds of standard variate.
UNIFORM, EXPONENTIAL, NORMAL, GAMMA = 0, 1, 2, 3
N_KINDS = 4
N_SLOTS = len(STREAMS) * N_KINDS


def _slot(stream: str, kind: int) -> int:
    return STREAMS.index(stream) * N_KINDS + kind


ARRIVALS_U = _slot("arrivals", UNIFORM)  # repeat decisions
ARRIVALS_E = _slot("arrivals", EXPONENTIAL)  # patience
SERVICE_U = _slot("service", UNIFORM)  # resolution
SERVICE_G = _slot("service", GAMMA)  # handle times
EXCEPTIONS_U = _slot("exceptions", UNIFORM)  # opportunist claim, problem, complaint, employee detection
EXCEPTIONS_N = _slot("exceptions", NORMAL)  # claim sizes
HANDOFFS_U = _slot("handoffs", UNIFORM)  # needs a hand-off, hand-off failures, needs fulfilment, its failures
HANDOFFS_E = _slot("handoffs", EXPONENTIAL)  # transmission and fulfilment delays
HANDOFFS_G = _slot("handoffs", GAMMA)  # back-office times
APPROVALS_U = _slot("approvals", UNIFORM)  # re-gating, decisions, breaches
APPROVALS_E = _slot("approvals", EXPONENTIAL)  # manager response delays
APPROVALS_G = _slot("approvals", GAMMA)  # approval times

#: Most numbers one contact can take from each slot (its draws are bounded: at most 4 hand-offs and 4
#: fulfilment passes).
PER_CONTACT = np.zeros(N_SLOTS, dtype=np.int64)
for _s, _n in (
    (ARRIVALS_U, 2),  # repeat after the contact, repeat after a refusal on the callback
    (ARRIVALS_E, 1),
    (SERVICE_U, 1),
    (SERVICE_G, 1),
    (EXCEPTIONS_U, 4),
    (EXCEPTIONS_N, 1),
    (HANDOFFS_U, 10),  # needs a hand-off, 4 hand-off checks, needs fulfilment, 4 fulfilment checks
    (HANDOFFS_E, 8),
    (HANDOFFS_G, 8),
    (APPROVALS_U, 3),
    (APPROVALS_E, 1),
    (APPROVALS_G, 1),
):
    PER_CONTACT[_s] = _n


def new_buffers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Empty buffers: numbers (``N_SLOTS x 0``), read positions and valid counts."""
    return np.zeros((N_SLOTS, 0)), np.zeros(N_SLOTS, dtype=np.int64), np.zeros(N_SLOTS, dtype=np.int64)


@njit(cache=True, nogil=True)
def top_up(rb, rp, rn, rngs, gamma_shape, n_contacts, per_contact):
    """Make every slot hold at least ``per_contact[slot] * n_contacts`` unread numbers; returns the buffer.

    Unread numbers move to the front; new ones are drawn from the slot's stream, in order.
    """
    width = 0
    for s in range(rb.shape[0]):
        width = max(width, per_contact[s] * n_contacts)
    if width > rb.shape[1]:
        grown = np.zeros((rb.shape[0], 2 * width))
        for s in range(rb.shape[0]):
            grown[s, : rn[s] - rp[s]] = rb[s, rp[s] : rn[s]]
            rn[s] -= rp[s]
            rp[s] = 0
        rb = grown
    for s in range(rb.shape[0]):
        need = per_contact[s] * n_contacts
        left = rn[s] - rp[s]
        if left >= need:
            continue
        rb[s, :left] = rb[s, rp[s] : rn[s]].copy()
        k = need - left
        rng = rngs[s // N_KINDS]
        kind = s % N_KINDS
        if kind == UNIFORM:
            rb[s, left:need] = rng.random(k)
        elif kind == EXPONENTIAL:
            rb[s, left:need] = rng.standard_exponential(k)
        elif kind == NORMAL:
            rb[s, left:need] = rng.standard_normal(k)
        else:
            rb[s, left:need] = rng.standard_gamma(gamma_shape, k)
        rp[s] = 0
        rn[s] = need
    return rb


@njit(cache=True, nogil=True, inline="always")
def take(rb, rp, slot):
    """The next unread standard variate of ``slot``."""
    i = rp[slot]
    rp[slot] = i + 1
    return rb[slot, i]


@njit(cache=True, nogil=True, inline="always")
def gamma_mean(rb, rp, gamma_shape, slot, mean):
    """A gamma draw with the given mean and shape ``gamma_shape`` (0, without a draw, when the mean is 0)."""
    if mean <= 0.0:
        return 0.0
    return mean / gamma_shape * take(rb, rp, slot)


@njit(cache=True, nogil=True, inline="always")
def lognormal(rb, rp, slot, median, sigma):
    """A lognormal draw with the given median and log-sd."""
    return math.exp(math.log(max(median, 1e-9)) + sigma * take(rb, rp, slot))
