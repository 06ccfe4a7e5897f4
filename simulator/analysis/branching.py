"""Galton–Watson branching processes: a seeded simulator writing a CascadeLog, and theory.

A branching process is the network-free limit of a cascade: every
participant independently brings a random number of new participants (its
offspring), with mean ``K``, the viral coefficient. :func:`galton_watson`
simulates it and writes the same :class:`~simulator.cascade_log.CascadeLog` the
engines write (``step`` is the generation, ``action`` is ``seed`` or
``activate``; no network, so ``tie`` is NaN and ``layer`` -1), which makes it
an oracle for :mod:`simulator.analysis.metrics` and :mod:`simulator.analysis.viral`. The theory
functions give what such a process must reproduce: the extinction
probability, which solves ``q = f(q)`` for the offspring generating function
``f`` (``q = exp(K (q - 1))`` for Poisson offspring), and the mean total
size ``seeds / (1 - K)`` below ``K = 1``.

Examples
--------
>>> import numpy as np
>>> from simulator.analysis.metrics import generation_sizes
>>> log = galton_watson(60, 1.5, np.random.default_rng(1), generations=3)
>>> generation_sizes(log)[0, 0]
np.int64(60)
>>> round(extinction_probability(1.5), 4), round(extinction_probability(2.0), 4)
(0.4172, 0.2032)

References
----------
H. W. Watson, F. Galton. On the probability of the extinction of families.
Journal of the Anthropological Institute 4, 138-144, 1875.
T. E. Harris. The Theory of Branching Processes. Springer, 1963.
K. B. Athreya, P. E. Ney. Branching Processes. Springer, 1972.
"""

from __future__ import annotations

import numpy as np
from scipy.special import lambertw

from simulator import checks
from simulator.cascade_log import ACTION_CODE, CascadeLog

__all__ = ["OFFSPRING", "galton_watson", "extinction_probability", "expected_total_size"]

#: Offspring laws with mean ``K``: Poisson(K) (variance K) and geometric on
#: 0, 1, 2, ... (variance K (1 + K), a heavier tail).
OFFSPRING = ("poisson", "geometric")


def _draw(offspring: str, mean: float, size: int, rng: np.random.Generator) -> np.ndarray:
    if offspring == "poisson":
        return rng.poisson(mean, size)
    return rng.negative_binomial(1, 1.0 / (1.0 + mean), size)  # failures before a success


def galton_watson(
    seeds: int,
    mean: float,
    rng: np.random.Generator,
    *,
    replicates: int = 1,
    generations: int | None = None,
    max_size: int | None = None,
    offspring: str = "poisson",
) -> CascadeLog:
    """Simulate ``replicates`` branching processes from ``seeds`` roots each.

    Generation ``g + 1`` is the offspring of generation ``g``, each member
    having an independent ``offspring`` number of children with mean
    ``mean``. A replicate stops when it dies out, after ``generations``
    generations, or once its total size reaches ``max_size`` (the generation
    that crosses it is kept whole). Nodes are numbered ``0 .. size - 1``
    within each replicate, seeds first, in order of birth.

    Parameters
    ----------
    seeds : int >= 0
        Roots per replicate.
    mean : float >= 0
        Mean offspring per node: the viral coefficient ``K``.
    rng : numpy.random.Generator
        The only source of randomness. Draws are vectorised over the
        replicates of a generation, so one replicate's numbers depend on how
        many replicates are run.
    replicates : int >= 1
    generations : int >= 0, optional
        Generations to grow beyond the seeds.
    max_size : int >= 1, optional
        Stop growing a replicate once its total size reaches this.
    offspring : {"poisson", "geometric"}

    Returns
    -------
    CascadeLog
        ``step`` holds the generation.

    Raises
    ------
    ValueError
        For bad arguments, or ``mean >= 1`` with neither ``generations`` nor
        ``max_size`` (the process may never stop).

    Examples
    --------
    >>> log = galton_watson(2, 0.0, np.random.default_rng(0), replicates=2)
    >>> log.node.tolist(), log.parent.tolist(), log.replicate.tolist()
    ([0, 1, 0, 1], [-1, -1, -1, -1], [0, 0, 1, 1])
    """
    seeds = checks.integer("seeds", seeds, 0)
    replicates = checks.integer("replicates", replicates)
    checks.generator("rng", rng)
    mean = checks.real("mean", mean, 0.0)
    if offspring not in OFFSPRING:
        raise ValueError(f"offspring must be one of {', '.join(OFFSPRING)}, got {offspring!r}")
    if generations is not None:
        generations = checks.integer("generations", generations, 0)
    if max_size is not None:
        max_size = checks.integer("max_size", max_size)
    if mean >= 1 and generations is None and max_size is None:
        raise ValueError("mean >= 1 needs generations or max_size (the process may never stop)")

    cur_rep = np.repeat(np.arange(replicates, dtype=np.int64), seeds)
    cur_node = np.tile(np.arange(seeds, dtype=np.int64), replicates)
    parts = [(cur_rep, cur_node, np.full(cur_rep.size, -1, np.int64), 0)]
    next_id = np.full(replicates, seeds, np.int64)
    g = 0
    while cur_rep.size and (generations is None or g < generations):
        if max_size is not None:
            keep = next_id[cur_rep] < max_size
            cur_rep, cur_node = cur_rep[keep], cur_node[keep]
        counts = _draw(offspring, mean, cur_rep.size, rng)
        child_rep = np.repeat(cur_rep, counts)  # sorted by replicate, as cur_rep is
        child_parent = np.repeat(cur_node, counts)
        per_rep = np.bincount(child_rep, minlength=replicates)
        offset = np.cumsum(per_rep) - per_rep
        child_node = next_id[child_rep] + np.arange(child_rep.size) - offset[child_rep]
        next_id += per_rep
        g += 1
        parts.append((child_rep, child_node, child_parent, g))
        cur_rep, cur_node = child_rep, child_node

    rep = np.concatenate([p[0] for p in parts])
    order = np.argsort(rep, kind="stable")  # replicate by replicate, generations in order
    node = np.concatenate([p[1] for p in parts])[order]
    parent = np.concatenate([p[2] for p in parts])[order]
    step = np.concatenate([np.full(p[0].size, p[3], np.int64) for p in parts])[order]
    size = rep.size
    return CascadeLog(
        replicate=rep[order].astype(np.int32),
        node=node.astype(np.int32),
        parent=parent.astype(np.int32),
        step=step.astype(np.int32),
        action=np.where(parent < 0, ACTION_CODE["seed"], ACTION_CODE["activate"]).astype(np.int8),
        tie=np.full(size, np.nan, np.float32),
        layer=np.full(size, -1, np.int8),
        amount=np.zeros(size, np.float32),
        replicates=int(replicates),
    )


def extinction_probability(mean: float, offspring: str = "poisson") -> float:
    """Probability that the line of one seed dies out: the smallest root of ``q = f(q)``.

    Poisson offspring: ``q = exp(K (q - 1))``, solved in closed form as
    ``q = -W(-K exp(-K)) / K`` with ``W`` the principal branch of Lambert's W.
    Geometric offspring: ``f(s) = 1 / (1 + K (1 - s))``, so ``q = 1 / K``.
    ``q = 1`` for ``K <= 1``. With ``k`` seeds the cascade dies out with
    probability ``q ** k``.

    Examples
    --------
    >>> extinction_probability(0.5), round(extinction_probability(3.0, "geometric"), 4)
    (1.0, 0.3333)
    """
    mean = checks.real("mean", mean, 0.0)
    if offspring not in OFFSPRING:
        raise ValueError(f"offspring must be one of {', '.join(OFFSPRING)}, got {offspring!r}")
    if mean <= 1.0:
        return 1.0
    if offspring == "geometric":
        return 1.0 / mean
    return float(-lambertw(-mean * np.exp(-mean), 0).real / mean)


def expected_total_size(mean: float, seeds: int = 1) -> float:
    """Mean total size (seeds included) of a finished process: ``seeds / (1 - K)``, inf at K >= 1.

    Generation ``g`` has mean ``seeds * K**g``; the sum converges below 1.

    Examples
    --------
    >>> expected_total_size(0.5), round(expected_total_size(0.8, seeds=60), 6)
    (2.0, 300.0)
    """
    mean = checks.real("mean", mean, 0.0)
    return seeds / (1.0 - mean) if mean < 1.0 else float("inf")
