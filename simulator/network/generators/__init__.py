"""Synthetic network generators.

Every generator returns a :class:`~simulator.network.core.Network` built with
:meth:`Network.from_edges <simulator.network.core.Network.from_edges>` and a
descriptive ``name``. Undirected models (Erdős–Rényi, Barabási–Albert, ...)
give two arcs per edge, one each way; directed models give arcs that point the
way a message travels (from the poster to the audience).

Randomness is explicit: every stochastic generator takes a
:class:`numpy.random.Generator` and draws only from it. The compiled (numba)
loops receive the same Generator object; numba advances its bit generator in
place, so one seed fixes the whole network and the Generator's state
afterwards. No networkx generator is called.

Cost grows with the size of the output, ``O(n + m)``, for every generator
(the stochastic block model adds a vectorised ``O(B^2)`` over its ``B``
blocks). Building the CSR arrays in ``Network.from_edges`` (a sort of the
arcs) dominates at ten million arcs.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> net = barabasi_albert(1_000, 3, rng)
>>> net.n, net.m == 2 * 3 * (1_000 - 3)
(1000, True)
"""

from __future__ import annotations

from simulator.network.generators.follower import follower_graph
from simulator.network.generators.lattices import ring_lattice, watts_strogatz
from simulator.network.generators.preferential import barabasi_albert, holme_kim
from simulator.network.generators.random_graphs import (
    _decode_unordered,  # noqa: F401  (tests check the pair decoding)
    erdos_renyi,
    powerlaw_configuration,
    stochastic_block_model,
)

__all__ = [
    "erdos_renyi",
    "barabasi_albert",
    "watts_strogatz",
    "ring_lattice",
    "stochastic_block_model",
    "powerlaw_configuration",
    "holme_kim",
    "follower_graph",
]
