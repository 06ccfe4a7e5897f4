"""Textbook spread models: linear threshold, complex contagion, SIR.

Each model is a small frozen dataclass that validates its parameters and
runs its compiled kernel through ``simulate(network, seed_rows, keys, log)``,
which returns ``(reach, depth, events)`` like every spread model (see
:func:`simulator.engine.models.simulate_one_trial_per_arc`): ``events`` is
None in summary mode, else the flat arrays ``(replicate, node, parent, step,
action, arc)`` with action "seed" for seeds and "activate" for every other
node reached (for SIR: infected).

Examples
--------
>>> from simulator import Network, run_cascades
>>> star = Network.from_edges([0] * 10, range(1, 11), directed=False)
>>> run_cascades(star, [0], LinearThreshold(), replicates=3, seed=1).reach.tolist()
[11, 11, 11]
>>> LinearThreshold().arc_weights(star)[:2].tolist()  # leaves have in-degree 1
[1.0, 1.0]
>>> SIR(beta=0.5, gamma=1.5)
Traceback (most recent call last):
...
ValueError: gamma must be a probability in [0, 1], got 1.5
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from simulator.engine.models import activation_events, check_probability
from simulator.engine.sir import sir_events, sir_summary
from simulator.engine.threshold import threshold_events, threshold_summary

__all__ = ["ComplexContagion", "LinearThreshold", "SIR"]

_LT_WEIGHTS = ("in_degree", "strength")


def _check_int(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _kernel_seeds(seed_rows) -> np.ndarray:
    """C-contiguous, writeable int64 seeds (a read-only view would compile a second kernel)."""
    return np.require(seed_rows, np.int64, ["C_CONTIGUOUS", "WRITEABLE"])


def _with_actions(reach, depth, table):
    return reach, depth, activation_events(table)


def _run_threshold(network, weight, prob, random_threshold, fixed, seed_rows, keys, log):
    args = (
        network.indptr,
        network.indices,
        np.ascontiguousarray(weight, dtype=np.float64),
        np.ascontiguousarray(prob, dtype=np.float64),
        random_threshold,
        float(fixed),
        _kernel_seeds(seed_rows),
        keys,
    )
    if not log:
        reach, depth = threshold_summary(*args, numba.get_num_threads())
        return reach, depth, None
    return _with_actions(*threshold_events(*args))


@dataclass(frozen=True)
class LinearThreshold:
    """Linear threshold model: a node adopts once enough of its in-weight is active.

    Node ``v`` draws a threshold ``theta_v ~ U[0, 1)`` (one per replicate,
    the same in every arm run with the same keys) and activates at step
    ``t + 1`` once the weights ``b(u, v)`` of its in-neighbours active at
    step ``<= t`` sum to at least ``theta_v``. The weights of each node's
    in-arcs sum to at most 1. The kernel and its random numbers are
    described in :mod:`simulator.engine.threshold`.

    Parameters
    ----------
    weights : {"in_degree", "strength"}
        ``"in_degree"``: ``b(u, v) = 1 / in-degree(v)``, the threshold
        analogue of the weighted cascade (Kempe et al. 2003).
        ``"strength"``: ``b(u, v) = s(u, v) / max(1, S_v)``, where ``s`` is
        the tie strength and ``S_v`` the sum of the strengths into ``v``:
        strengths are kept as they are where they already sum to at most 1
        (the rest of ``v``'s weight is then unpersuadable) and scaled down
        in proportion where they sum to more. With all strengths 1 this is
        ``"in_degree"``.

    References
    ----------
    M. Granovetter. Threshold models of collective behavior. American
    Journal of Sociology 83(6), 1978.
    D. Kempe, J. Kleinberg, E. Tardos. Maximizing the spread of influence
    through a social network. KDD 2003.

    Examples
    --------
    >>> from simulator import Network
    >>> net = Network.from_edges([0, 1, 1], [2, 2, 0], weight=[0.2, 0.4, 1.0])
    >>> LinearThreshold("strength").arc_weights(net).tolist()  # arcs 0->2, 1->0, 1->2
    [0.2, 1.0, 0.4]
    >>> LinearThreshold("in_degree").arc_weights(net).tolist()
    [0.5, 1.0, 0.5]
    """

    weights: str = "in_degree"

    def __post_init__(self):
        if self.weights not in _LT_WEIGHTS:
            raise ValueError(f"weights must be one of {_LT_WEIGHTS}, got {self.weights!r}")

    def arc_weights(self, network) -> np.ndarray:
        """``b(u, v)`` of every arc, aligned with ``network.indices``."""
        if self.weights == "in_degree":
            return 1.0 / network.in_degree()[network.indices]
        total_in = np.bincount(network.indices, weights=network.strength, minlength=network.n)
        return network.strength / np.maximum(total_in, 1.0)[network.indices]

    def simulate(self, network, seed_rows, keys, log):
        """Kernel run: ``(reach, depth, events)``; see the module docstring."""
        return _run_threshold(
            network, self.arc_weights(network), np.ones(network.m), True, 0.0, seed_rows, keys, log
        )


@dataclass(frozen=True)
class ComplexContagion:
    """Complex contagion: a node adopts once ``k`` distinct in-neighbours exposed it.

    When ``u`` activates at step ``t``, each out-arc ``u -> v`` exposes
    ``v`` with probability ``p`` (one coin per arc, the independent-cascade
    coin of that arc); ``v`` activates at step ``t + 1`` once at least ``k``
    distinct in-neighbours active at step ``<= t`` have exposed it. With
    ``k = 1`` this is :class:`~simulator.engine.models.IndependentCascade`
    with the same ``p``, draw for draw.

    Parameters
    ----------
    k : int
        Exposures needed, ``>= 1``.
    p : float
        Probability that an arc carries the exposure, in [0, 1].

    References
    ----------
    D. Centola, M. Macy. Complex contagions and the weakness of long ties.
    American Journal of Sociology 113(3), 2007.

    Examples
    --------
    >>> from simulator import Network, run_cascades
    >>> net = Network.from_edges([0, 1, 0], [2, 2, 3])  # 2 sees 0 and 1; 3 sees 0
    >>> run_cascades(net, [0, 1], ComplexContagion(k=2), 1, seed=0).log.node.tolist()
    [0, 1, 2]
    """

    k: int = 2
    p: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "k", _check_int("k", self.k, 1))
        object.__setattr__(self, "p", check_probability("p", self.p))

    def simulate(self, network, seed_rows, keys, log):
        """Kernel run: ``(reach, depth, events)``; see the module docstring."""
        return _run_threshold(
            network,
            np.ones(network.m),
            np.full(network.m, self.p),
            False,
            self.k,
            seed_rows,
            keys,
            log,
        )


@dataclass(frozen=True)
class SIR:
    """Discrete-time SIR epidemic: infectious nodes transmit each step until they recover.

    At every step each infectious node infects each susceptible
    out-neighbour with probability ``beta``, then recovers with probability
    ``gamma``; the seeds are infected at step 0. Reach counts the nodes ever
    infected, depth is the last step with a new infection; nothing after
    step ``max_steps`` is simulated. Exact semantics, the event-driven
    kernel and its random numbers are in :mod:`simulator.engine.sir`. With
    ``gamma = 1`` every node is infectious for one step and the model is
    :class:`~simulator.engine.models.IndependentCascade` with ``p = beta``,
    draw for draw. In the events, "activate" means "infected".

    Parameters
    ----------
    beta : float
        Per-step transmission probability along an arc, in [0, 1].
    gamma : float
        Per-step recovery probability, in [0, 1] (0: never recovers).
    max_steps : int
        Horizon, ``>= 1``.

    References
    ----------
    W. O. Kermack, A. G. McKendrick. A contribution to the mathematical
    theory of epidemics. Proc. R. Soc. Lond. A 115, 1927.
    M. E. J. Newman. Spread of epidemic disease on networks. Physical Review
    E 66, 016128, 2002.

    Examples
    --------
    >>> from simulator import Network, run_cascades
    >>> path = Network.from_edges(range(9), range(1, 10))
    >>> res = run_cascades(path, [0], SIR(1.0, 0.0, max_steps=4), replicates=2, seed=0)
    >>> res.reach.tolist(), res.depth.tolist()
    ([5, 5], [4, 4])
    """

    beta: float
    gamma: float
    max_steps: int = 10_000

    def __post_init__(self):
        object.__setattr__(self, "beta", check_probability("beta", self.beta))
        object.__setattr__(self, "gamma", check_probability("gamma", self.gamma))
        object.__setattr__(self, "max_steps", _check_int("max_steps", self.max_steps, 1))

    def simulate(self, network, seed_rows, keys, log):
        """Kernel run: ``(reach, depth, events)``; see the module docstring."""
        args = (
            network.indptr,
            network.indices,
            self.beta,
            self.gamma,
            self.max_steps,
            _kernel_seeds(seed_rows),
            keys,
        )
        if not log:
            reach, depth = sir_summary(*args, numba.get_num_threads())
            return reach, depth, None
        return _with_actions(*sir_events(*args))
