"""Textbook spread models: linear threshold, fractional threshold, complex contagion, SIR.

Each model is a small frozen dataclass that validates its parameters and
runs its compiled kernel through ``simulate(network, seed_rows, keys, log)``,
which returns a :class:`~simulator.engine.result.ModelResult` like every
spread model: its ``events`` are None in summary mode, else the flat arrays
(replicate, node, parent, step, action, arc) with action "seed" for seeds
and "activate" for every other node reached (for SIR: infected).

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

from simulator import checks
from simulator.engine.counter_rng import arc_hazards
from simulator.engine.result import ACTIVATION_ROW_BYTES, ModelResult, check_overflow
from simulator.engine.sir import sir_events, sir_summary
from simulator.engine.threshold import threshold_events, threshold_summary
from simulator.errors import event_row_cap

__all__ = ["ComplexContagion", "FractionalThreshold", "LinearThreshold", "SIR"]

_LT_WEIGHTS = ("in_degree", "strength")


def _run_activations(events_kernel, summary_kernel, args, log) -> ModelResult:
    """Run an activation kernel pair on ``args`` (ending with seed rows and keys).

    Both modes run on every numba thread; with the log, a run that needs
    more rows than the memory guard allows a thread raises
    :class:`~simulator.errors.MemoryLimitError`.
    """
    threads = numba.get_num_threads()
    args = (*args, threads)
    if not log:
        reach, depth = summary_kernel(*args)
        return ModelResult(reach, depth)
    reach, depth, columns, wanted = events_kernel(
        *args, event_row_cap(ACTIVATION_ROW_BYTES, threads)
    )
    check_overflow(wanted, ACTIVATION_ROW_BYTES, threads)  # the memory guard
    return ModelResult.from_activations(reach, depth, columns)


def _run_threshold(network, weight, prob, random_threshold, fixed, seed_rows, keys, log):
    args = (
        network.indptr,
        network.indices,
        np.ascontiguousarray(weight, dtype=np.float64),
        *arc_hazards(network.indptr, prob),
        random_threshold,
        float(fixed),
        seed_rows,
        keys,
    )
    return _run_activations(threshold_events, threshold_summary, args, log)


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
        """Kernel run: a :class:`~simulator.engine.result.ModelResult`."""
        return _run_threshold(
            network, self.arc_weights(network), np.ones(network.m), True, 0.0, seed_rows, keys, log
        )


@dataclass(frozen=True)
class FractionalThreshold:
    """Watts' threshold model: a node adopts once a fraction ``phi`` of its in-neighbours has.

    Node ``v`` with in-degree ``k_v`` activates at step ``t + 1`` once
    ``a / k_v >= phi``, where ``a`` counts its in-neighbours active at step
    ``<= t`` (``a / k_v`` is the floating-point quotient, so ``phi = 0.18``
    is reached by 9 of 50 and ``phi = 0.1`` by 1 of 10, as one would read
    them). Every node has the same threshold ``phi`` and nothing is random:
    the same seeds always give the same cascade, whatever the replicate keys.
    Nodes with ``k_v <= 1 / phi`` are *vulnerable*: one active neighbour
    suffices. On a random graph, global cascades from a single seed are
    possible inside the *cascade window* of mean degrees, where the
    vulnerable nodes percolate (Watts 2002).

    The model runs on the threshold kernel of :mod:`simulator.engine.threshold`
    with fixed threshold 1 and every arc firing. Rather than summing weights
    ``1 / k_v`` against ``phi`` (ten arcs of weight 0.1 sum to
    ``0.9999999999999999 < 1`` in floating point), each node's threshold is
    turned into the integer count it needs, ``c_v`` (:meth:`required_counts`),
    and each of its in-arcs weighs ``1 / (c_v - 1/2)``: ``c_v - 1`` arrivals
    sum to at most ``1 - 1 / (2 k_v)`` and ``c_v`` arrivals to more than 1,
    margins far wider than the rounding of the sum (about ``k_v`` units in the
    last place) for any in-degree below ``10**7``.

    Only a fixed ``phi`` is offered. Thresholds drawn per node and replicate
    (Watts' heterogeneous case) would need the kernel to transform its
    uniform threshold draws, which it does not do today.

    Parameters
    ----------
    phi : float
        Fraction of in-neighbours needed, in (0, 1]. (With ``phi = 0`` every
        node would adopt unprompted, which a cascade from seeds cannot express.)

    References
    ----------
    D. J. Watts. A simple model of global cascades on random networks.
    PNAS 99(9), 5766-5771, 2002.
    D. J. Watts, P. S. Dodds. Influentials, networks, and public opinion
    formation. Journal of Consumer Research 34(4), 441-458, 2007.

    Examples
    --------
    >>> from simulator import Network, run_cascades
    >>> star = Network.from_edges([0] * 10, range(1, 11), directed=False)
    >>> FractionalThreshold(1.0).required_counts(star)[:3].tolist()  # centre needs all 10
    [10, 1, 1]
    >>> run_cascades(star, range(1, 10), FractionalThreshold(1.0), 1, seed=0).reach.tolist()
    [9]
    >>> run_cascades(star, range(1, 11), FractionalThreshold(1.0), 1, seed=0).reach.tolist()
    [11]
    >>> FractionalThreshold(0.0)
    Traceback (most recent call last):
    ...
    ValueError: phi must be in (0, 1], got 0
    """

    phi: float = 0.18

    def __post_init__(self):
        object.__setattr__(self, "phi", checks.real("phi", self.phi, 0.0, 1.0, low_open=True))

    def required_counts(self, network) -> np.ndarray:
        """``c_v``: the fewest active in-neighbours with ``c_v / k_v >= phi`` (0 if ``k_v = 0``).

        Examples
        --------
        >>> from simulator import Network
        >>> hub = Network.from_edges(range(1, 51), [0] * 50)  # node 0 sees 50 accounts
        >>> int(FractionalThreshold(0.18).required_counts(hub)[0])  # 9 / 50 == 0.18
        9
        """
        k = network.in_degree().astype(np.int64)
        c = np.minimum(np.ceil(self.phi * k).astype(np.int64), k)
        has = k > 0
        kk = np.where(has, k, 1)
        for _ in range(4):  # phi * k is off by at most one ulp: one pass fixes it
            lower = has & (c > 1) & ((c - 1) / kk >= self.phi)
            higher = has & (c < k) & (c / kk < self.phi)
            if not (lower.any() or higher.any()):
                break
            c = c - lower + higher
        return np.where(has, np.maximum(c, 1), 0)

    def simulate(self, network, seed_rows, keys, log):
        """Kernel run: a :class:`~simulator.engine.result.ModelResult`."""
        need = self.required_counts(network)[network.indices]
        weight = 1.0 / (need - 0.5)
        return _run_threshold(
            network, weight, np.ones(network.m), False, 1.0, seed_rows, keys, log
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
        object.__setattr__(self, "k", checks.integer("k", self.k))
        object.__setattr__(self, "p", checks.probability("p", self.p))

    def simulate(self, network, seed_rows, keys, log):
        """Kernel run: a :class:`~simulator.engine.result.ModelResult`."""
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

    beta: float = 0.05
    gamma: float = 1.0
    max_steps: int = 10_000

    def __post_init__(self):
        object.__setattr__(self, "beta", checks.probability("beta", self.beta))
        object.__setattr__(self, "gamma", checks.probability("gamma", self.gamma))
        object.__setattr__(self, "max_steps", checks.integer("max_steps", self.max_steps))

    def simulate(self, network, seed_rows, keys, log):
        """Kernel run: a :class:`~simulator.engine.result.ModelResult`."""
        args = (
            network.indptr,
            network.indices,
            arc_hazards(network.indptr, [self.beta])[0],
            self.gamma,
            self.max_steps,
            seed_rows,
            keys,
        )
        return _run_activations(sir_events, sir_summary, args, log)
