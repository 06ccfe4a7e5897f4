"""Spread models: what each arc's trial means.

Each model is a small frozen dataclass that validates its parameters and
turns a network into the per-arc quantities the compiled kernels need.

Examples
--------
>>> from simulator import Network
>>> net = Network.from_edges([0, 1, 2], [2, 2, 0])
>>> IndependentCascade(0.3).arc_probabilities(net).tolist()
[0.3, 0.3, 0.3]
>>> WeightedCascade().arc_probabilities(net).tolist()  # 1 / in-degree of the target
[0.5, 0.5, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from simulator import checks
from simulator.engine.counter_rng import arc_hazards
from simulator.engine.independent_cascade import ic_events, ic_summary
from simulator.engine.result import ACTIVATION_ROW_BYTES, ModelResult, check_overflow
from simulator.errors import event_row_cap

__all__ = ["IndependentCascade", "WeightedCascade", "simulate_one_trial_per_arc"]


def simulate_one_trial_per_arc(network, prob, seed_rows, keys, log) -> ModelResult:
    """Run the independent-cascade kernel with per-arc probabilities ``prob``.

    ``seed_rows`` is the (replicates, k) matrix of
    :func:`~simulator.engine.run.seed_matrix`, ``keys`` the replicate keys;
    ``log=False`` is the summary mode (no events, replicates in parallel).
    With the log, a thread keeps at most the memory guard's rows
    (:func:`~simulator.errors.event_row_cap`); a run that needs more stops
    and raises :class:`~simulator.errors.MemoryLimitError`.
    Returns a :class:`~simulator.engine.result.ModelResult`, as every
    model's ``simulate`` does. Both modes run on every numba thread.
    """
    hazards = arc_hazards(network.indptr, prob)
    threads = numba.get_num_threads()
    args = (network.indptr, network.indices, *hazards, seed_rows, keys, threads)
    if not log:
        reach, depth = ic_summary(*args)
        return ModelResult(reach, depth)
    reach, depth, columns, wanted = ic_events(*args, event_row_cap(ACTIVATION_ROW_BYTES, threads))
    check_overflow(wanted, ACTIVATION_ROW_BYTES, threads)  # the memory guard
    return ModelResult.from_activations(reach, depth, columns)


@dataclass(frozen=True)
class IndependentCascade:
    """Independent cascade: each newly active node gets one chance per out-arc.

    Parameters
    ----------
    p : float
        Activation probability per arc, in [0, 1].
    scale_by_strength : bool
        If True the arc's probability is ``p * strength`` (strong ties carry more).

    References
    ----------
    J. Goldenberg, B. Libai, E. Muller. Talk of the network: a complex systems
    look at the underlying process of word-of-mouth. Marketing Letters 12, 2001.
    D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
    through a social network. KDD 2003.
    """

    p: float = 0.1
    scale_by_strength: bool = False

    def __post_init__(self):
        object.__setattr__(self, "p", checks.probability("p", self.p))

    def arc_probabilities(self, network) -> np.ndarray:
        prob = np.full(network.m, self.p)
        return prob * network.strength if self.scale_by_strength else prob

    def simulate(self, network, seed_rows, keys, log):
        """Kernel run; see :func:`simulate_one_trial_per_arc` for the contract."""
        return simulate_one_trial_per_arc(
            network, self.arc_probabilities(network), seed_rows, keys, log
        )


@dataclass(frozen=True)
class WeightedCascade:
    """Independent cascade with ``p(u -> v) = 1 / in-degree(v)`` (Kempe et al. 2003)."""

    def arc_probabilities(self, network) -> np.ndarray:
        indeg = network.in_degree()
        return 1.0 / indeg[network.indices]

    def simulate(self, network, seed_rows, keys, log):
        """Kernel run; see :func:`simulate_one_trial_per_arc` for the contract."""
        return simulate_one_trial_per_arc(
            network, self.arc_probabilities(network), seed_rows, keys, log
        )
