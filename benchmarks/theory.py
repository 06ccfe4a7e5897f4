"""W0: the textbook results at benchmark scale (Erdős–Rényi n = 100,000).

Independent cascade on G(n, c/n) with transmissibility p is bond percolation:
a major outbreak reaches the fraction S solving ``S = 1 - exp(-c p S)``
(0.583 for c p = 1.5), and below the threshold (c p = 0.5) the mean cascade
from one seed is ``1 / (1 - c p)`` = 2.0. The tests check the same at
n = 10,000; here the larger n leaves less room for finite-size effects.

References
----------
M. E. J. Newman. Spread of epidemic disease on networks. Phys. Rev. E 66, 2002.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

import simulator
from benchmarks.common import SEED, mean_se, timed
from simulator.network import generators
from simulator.rng import stream

N, MEAN_DEGREE = 100_000, 5.0


def giant_fraction(cp: float) -> float:
    """The non-zero root of S = 1 - exp(-cp S) (0 below the threshold)."""
    return 0.0 if cp <= 1 else brentq(lambda s: s - 1 + np.exp(-cp * s), 1e-9, 1.0)


def er_theory(replicates: int) -> dict:
    """Measured vs theoretical outbreak sizes on one ER graph, one random seed each."""
    net = generators.erdos_renyi(N, MEAN_DEGREE, stream(SEED, "W0.network"))
    seeds = stream(SEED, "W0.seeds").integers(0, N, size=(replicates, 1))
    rows = []
    for p in (0.3, 0.1):
        model = simulator.IndependentCascade(p)
        secs, res = timed(
            lambda m=model: simulator.run_cascades(net, seeds, m, replicates, SEED, log=False)
        )
        cp = MEAN_DEGREE * p
        if cp > 1:  # the fraction reached in major outbreaks (cut far above minor sizes)
            major = res.reach[res.reach > 0.1 * N] / N
            value, se = mean_se(major)
            rows.append(
                {
                    "p": p,
                    "quantity": "fraction reached in major outbreaks",
                    "theory": giant_fraction(cp),
                    "value": value,
                    "se": se,
                    "n": major.size,
                    "seconds": secs,
                }
            )
        else:
            value, se = mean_se(res.reach)
            rows.append(
                {
                    "p": p,
                    "quantity": "mean cascade size from one seed",
                    "theory": 1 / (1 - cp),
                    "value": value,
                    "se": se,
                    "n": replicates,
                    "seconds": secs,
                }
            )
    return {"rows": rows, "mean_degree": float(net.m / net.n)}
