"""Likelihood-free calibration: ABC by sequential Monte Carlo (population Monte Carlo).

The scheme of Beaumont, Cornuet, Marin & Robert (2009) and Toni et al.
(2009), with the tolerance set adaptively as a quantile of the previous
generation's distances (Del Moral, Doucet & Jasra 2012):

1. generation 0: ``particles`` draws from the prior, each simulated once;
   the distance of each simulation to the observed data is recorded, and the
   scales of the summaries are fixed from this prior predictive sample;
2. generation ``g``: the summaries are rescaled by the spread (MAD) of
   generation ``g - 1``'s simulations (an adaptive distance, Prangle 2017),
   and the tolerance ``eps_g`` is the ``quantile`` of generation ``g - 1``'s
   distances under that scale; proposals are drawn from the weighted
   particles of ``g - 1``, each moved by a Gaussian kernel with its own
   *optimal local covariance* (Filippi, Barnes, Cornebise & Stumpf 2013:
   the weighted second moment, about the particle, of the previous
   particles already within ``eps_g``; in the prior's working space: log
   for log-uniform parameters), and accepted when their simulation lies
   within ``eps_g``; weights ``prior(theta) / sum_j w_j K_j(theta | theta_j)``;
3. stop after ``generations`` or when the acceptance rate falls below
   ``min_acceptance``.

Why this scheme and not a package: pyabc and elfi are heavy (a database
back end, a graph framework) for a 6-parameter fit whose simulator already
runs in milliseconds; the 120-line scheme below is the textbook algorithm,
runs on numpy alone, is deterministic (proposal ``i`` of generation ``g``
draws from the stream ``(seed, "abc", g, i)``, so a resumed fit equals an
uninterrupted one) and checkpoints after every generation. Proposals are
simulated in parallel by ``workers`` forked processes, in chunks, and read
back in index order: the first ``particles`` accepted are kept, so the fit
is the same for any number of workers.

The accepted particles' simulated summaries are posterior predictive draws
(under the error model, when the simulator adds the observation noise:
"noisy ABC", Wilkinson 2013, which makes ABC exact under that error model
as the tolerance shrinks).

References
----------
M. A. Beaumont, J.-M. Cornuet, J.-M. Marin, C. P. Robert. Adaptive
approximate Bayesian computation. Biometrika 96(4), 983-990, 2009.
T. Toni, D. Welch, N. Strelkowa, A. Ipsen, M. P. H. Stumpf. Approximate
Bayesian computation scheme for parameter inference and model selection in
dynamical systems. J. R. Soc. Interface 6(31), 187-202, 2009.
P. Del Moral, A. Doucet, A. Jasra. An adaptive sequential Monte Carlo method
for approximate Bayesian computation. Stat. Comput. 22(5), 1009-1020, 2012.
S. Filippi, C. P. Barnes, J. Cornebise, M. P. H. Stumpf. On optimality of
kernels for approximate Bayesian computation using sequential Monte Carlo.
Stat. Appl. Genet. Mol. Biol. 12(1), 87-107, 2013.
D. Prangle. Adapting the ABC distance function. Bayesian Analysis 12(1),
289-309, 2017.
R. D. Wilkinson. Approximate Bayesian computation (ABC) gives exact results
under the assumption of model error. Stat. Appl. Genet. Mol. Biol. 12(2), 2013.

Examples
--------
A normal mean with known unit variance, 20 observations, flat prior:

>>> import numpy as np
>>> obs = np.random.default_rng(1).normal(2.0, 1.0, 20).mean()
>>> prior = Prior(("mu",), (-5.0,), (5.0,))
>>> sim = lambda theta, rng: np.array([rng.normal(theta[0], 1.0, 20).mean()])
>>> fit = abc_smc(sim, np.array([obs]), prior, seed=3, particles=300, generations=5,
...               progress=False)
>>> lo, hi = fit.interval(0)
>>> bool(lo < 2.0 < hi), bool(hi - lo < 1.5)
(True, True)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator import checks
from simulator.calibration.parallel import Pool, available_workers
from simulator.progress import progress_bar
from simulator.rng import stream

__all__ = ["Prior", "SMCResult", "abc_smc", "available_workers", "weighted_quantile"]


@dataclass(frozen=True)
class Prior:
    """Independent uniform priors, or log-uniform where ``log`` is True.

    Examples
    --------
    >>> p = Prior(("a", "b"), (0.0, 1.0), (1.0, 100.0), log=(False, True))
    >>> p.sample(np.random.default_rng(0), 2).shape
    (2, 2)
    >>> Prior(("a",), (1.0,), (0.5,))
    Traceback (most recent call last):
    ...
    ValueError: prior of a: low (1) must be below high (0.5)
    """

    names: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    log: tuple[bool, ...] | None = None

    def __post_init__(self):
        d = len(self.names)
        log = (False,) * d if self.log is None else tuple(bool(x) for x in self.log)
        object.__setattr__(self, "log", log)
        if not (len(self.low) == len(self.high) == len(log) == d) or d == 0:
            raise ValueError("prior: names, low, high and log must have one entry per parameter")
        for name, lo, hi, lg in zip(self.names, self.low, self.high, log, strict=True):
            if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
                raise ValueError(f"prior of {name}: low ({lo:g}) must be below high ({hi:g})")
            if lg and lo <= 0:
                raise ValueError(f"prior of {name}: a log-uniform prior needs low > 0, got {lo:g}")

    @property
    def dim(self) -> int:
        """Number of parameters."""
        return len(self.names)

    def _box(self):
        lo, hi = np.array(self.low, float), np.array(self.high, float)
        lg = np.array(self.log)
        return (
            np.where(lg, np.log(np.where(lg, lo, 1.0)), lo),  # log only where low > 0
            np.where(lg, np.log(np.where(lg, hi, 1.0)), hi),
        )

    def to_work(self, theta: np.ndarray) -> np.ndarray:
        """Parameters -> working space (log for log-uniform ones)."""
        return np.where(np.array(self.log), np.log(np.maximum(theta, 1e-300)), theta)

    def from_work(self, z: np.ndarray) -> np.ndarray:
        """Working space -> parameters."""
        return np.where(np.array(self.log), np.exp(z), z)

    def inside(self, z: np.ndarray) -> np.ndarray:
        """Whether working-space points lie in the prior's support."""
        lo, hi = self._box()
        return np.all((z >= lo) & (z <= hi), axis=-1)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws, shape (size, dim), in parameter space."""
        lo, hi = self._box()
        return self.from_work(rng.uniform(lo, hi, size=(size, self.dim)))

    def width(self, level: float = 0.95) -> np.ndarray:
        """Width of the central ``level`` interval of each parameter's prior."""
        lo, hi = self._box()
        a, b = lo + (hi - lo) * (1 - level) / 2, hi - (hi - lo) * (1 - level) / 2
        return self.from_work(b) - self.from_work(a)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q) -> np.ndarray:
    """Quantiles ``q`` of weighted ``values`` (inverse of the weighted CDF, midpoints).

    Examples
    --------
    >>> float(weighted_quantile(np.array([1.0, 2.0, 3.0]), np.ones(3), 0.5))
    2.0
    """
    order = np.argsort(values)
    v, w = values[order], weights[order] / weights.sum()
    cdf = np.cumsum(w) - 0.5 * w
    return np.interp(q, cdf, v)


@dataclass
class SMCResult:
    """The final population of an ABC-SMC fit.

    ``theta`` (N, d) particles, ``weights`` (N,) normalised, ``summaries``
    (N, s) their simulated summaries (posterior predictive draws),
    ``distances`` (N,), ``epsilons`` per generation, ``simulations`` run in
    total, ``acceptance`` per generation, ``names`` of the parameters.
    """

    theta: np.ndarray
    weights: np.ndarray
    summaries: np.ndarray
    distances: np.ndarray
    epsilons: list
    simulations: int
    acceptance: list
    names: tuple

    def interval(self, i: int, level: float = 0.95) -> tuple[float, float]:
        """Central posterior interval of parameter ``i``."""
        lo, hi = weighted_quantile(
            self.theta[:, i], self.weights, [(1 - level) / 2, (1 + level) / 2]
        )
        return float(lo), float(hi)

    def mean(self) -> np.ndarray:
        """Posterior means."""
        return self.weights @ self.theta

    def resample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Indices of ``size`` particles drawn by weight."""
        return rng.choice(self.weights.size, size=size, p=self.weights)


def _save(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **state)
    os.replace(tmp, path)


def abc_smc(
    simulate: Callable[[np.ndarray, np.random.Generator], np.ndarray],
    observed: np.ndarray,
    prior: Prior,
    seed: int,
    *,
    particles: int = 500,
    generations: int = 6,
    quantile: float = 0.5,
    min_acceptance: float = 0.02,
    checkpoint: str | os.PathLike | None = None,
    progress: bool | None = None,
    workers: int | None = None,
) -> SMCResult:
    """ABC-SMC fit of ``prior`` to ``observed`` summaries (see the module docstring).

    Parameters
    ----------
    simulate : callable ``(theta, rng) -> summaries``
        One simulation (observation noise included, if any) at parameters
        ``theta`` (shape (d,)), returning a 1-D array like ``observed``.
    observed : ndarray, shape (s,)
    prior : Prior
    seed : int
        Root seed; proposal ``i`` of generation ``g`` uses ``stream(seed, "abc", g, i)``.
    particles, generations : int >= 1
    quantile : float in (0, 1)
        The next tolerance is this quantile of the current distances.
    min_acceptance : float in [0, 1)
        Stop early when a generation accepts fewer proposals than this.
    checkpoint : path, optional
        ``.npz`` file written after every generation; a fit with the same
        settings resumes from it, and may ask for more generations than the
        checkpoint holds (a different fit raises).
    progress : bool or None
        A progress bar per generation (None: only on a terminal).
    workers : int or None
        Processes that simulate proposals in parallel (forked from this one,
        so ``simulate`` may close over a large model; it should not start
        threads of its own). None or 0: every available core. The result is
        the same for any number (proposal ``i`` has its own stream and the
        first ``particles`` accepted in index order are kept).
    """
    checks.integer("particles", particles, 2)
    checks.integer("generations", generations, 1)
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile must be in (0, 1), got {quantile!r}")
    observed = np.asarray(observed, float)
    tag = hashlib.sha256(
        json.dumps(
            [
                seed,
                particles,
                quantile,
                prior.names,
                prior.low,
                prior.high,
                prior.log,
                observed.tolist(),
            ]
        ).encode()
    ).hexdigest()
    path = None if checkpoint is None else Path(checkpoint)
    state = None
    if path is not None and path.exists():
        with np.load(path, allow_pickle=False) as f:
            state = {k: f[k] for k in f.files}
        if str(state["tag"]) != tag:
            raise ValueError(f"checkpoint {path} belongs to another fit; remove it to start over")

    workers = (
        available_workers() if workers in (None, 0) else checks.integer("workers", workers, 1)
    )
    with Pool(simulate, seed, workers) as pool:
        if state is None:  # generation 0: the prior
            draws = prior.sample(stream(seed, "abc.prior"), particles)
            bar = progress_bar(progress=progress, total=particles, desc="ABC gen 0 (prior)")
            with bar:
                out = pool.run(0, 0, particles, ("prior", draws), bar)
            summaries = np.array([o[1] for o in out])
            mad = _mad(summaries)
            scale = np.where(mad > 0, mad, 1.4826 * np.maximum(np.abs(observed), 1.0))
            state = dict(
                tag=tag,
                gen=np.array(0),
                theta=draws,
                weights=np.full(particles, 1.0 / particles),
                summaries=summaries,
                distances=_dist(summaries, observed, scale),
                scale=scale,
                epsilons=np.array([np.inf]),
                acceptance=np.array([1.0]),
                sims=np.array(particles),
            )
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                _save(path, state)
        while int(state["gen"]) + 1 < generations and state["acceptance"][-1] >= min_acceptance:
            g = int(state["gen"]) + 1
            theta0, w0 = state["theta"], state["weights"]
            z0 = prior.to_work(theta0)
            # adaptive distance (Prangle 2017): rescale the summaries by the current population's
            # spread, so a summary already fitted keeps weight as the tolerance shrinks
            mad = _mad(state["summaries"])
            state["scale"] = np.where(mad > 0, mad, state["scale"])
            state["distances"] = _dist(state["summaries"], observed, state["scale"])
            eps = float(weighted_quantile(state["distances"], np.ones(particles), quantile))
            kernel = _kernel(z0, w0, state["distances"], eps)
            budget = particles / max(min_acceptance, 1e-3)  # simulations before giving up
            acc_theta, acc_sum, acc_dist = [], [], []
            attempt, simulated = 0, 0  # proposals drawn (stream index); simulations run
            rate = max(float(state["acceptance"][-1]) * quantile, min_acceptance, 1e-3)
            bar = progress_bar(
                progress=progress, total=particles, desc=f"ABC gen {g} (eps {eps:.3g})"
            )
            with bar:
                while len(acc_theta) < particles and simulated <= budget:
                    # a batch of proposals, simulated in parallel, then read in index order:
                    # the first `particles` accepted ones are the same for any worker count
                    size = int(np.clip((particles - len(acc_theta)) / rate, 4 * workers, budget))
                    for theta, summary in pool.run(
                        g, attempt, attempt + size, ("kernel", prior, kernel), None
                    ):
                        attempt += 1
                        if theta is None:
                            continue  # outside the prior's support: density 0, not simulated
                        simulated += 1
                        dist = float(_dist(summary[None, :], observed, state["scale"])[0])
                        if dist <= eps:
                            acc_theta.append(theta)
                            acc_sum.append(summary)
                            acc_dist.append(dist)
                            bar.update(1)
                            if len(acc_theta) == particles:
                                break
                        if simulated > budget:
                            break  # acceptance below the floor: stop with the previous generation
            if len(acc_theta) < particles:
                state["acceptance"] = np.append(state["acceptance"], len(acc_theta) / simulated)
                break
            theta = np.array(acc_theta)
            w = prior_density_ratio(prior, theta, z0, w0, kernel)
            state = dict(
                tag=tag,
                gen=np.array(g),
                theta=theta,
                weights=w / w.sum(),
                summaries=np.array(acc_sum),
                distances=np.array(acc_dist),
                scale=state["scale"],
                epsilons=np.append(state["epsilons"], eps),
                acceptance=np.append(state["acceptance"], particles / simulated),
                sims=np.array(int(state["sims"]) + simulated),
            )
            if path is not None:
                _save(path, state)
    return SMCResult(
        theta=state["theta"],
        weights=state["weights"],
        summaries=state["summaries"],
        distances=state["distances"],
        epsilons=state["epsilons"].tolist(),
        simulations=int(state["sims"]),
        acceptance=state["acceptance"].tolist(),
        names=tuple(prior.names),
    )


def _kernel(z0, w0, distances, eps):
    """Gaussian kernels with an optimal local covariance per particle (Filippi et al. 2013).

    Particle ``j``'s covariance is ``sum_k v_k (z_k - z_j)(z_k - z_j)^T`` over
    the previous particles ``k`` already within the new tolerance (weights
    ``v`` renormalised among them): the kernel of particle ``j`` reaches
    towards the region the next generation accepts, which raises the
    acceptance rate over the global ``2 x covariance`` kernel of Beaumont et
    al. at the same tolerance.
    """
    n, d = z0.shape
    inside = distances <= eps
    if inside.sum() < d + 1:  # too few to estimate a covariance: the global kernel
        inside = np.ones(n, bool)
    v = w0 * inside
    v = v / v.sum()
    mean = v @ z0
    cov = (z0 - mean).T @ ((z0 - mean) * v[:, None])
    jitter = 1e-10 * np.maximum(np.diag(np.atleast_2d(np.cov(z0.T, aweights=w0))), 1e-12)
    off = mean - z0  # (n, d): each particle's offset to the accepted region's mean
    covs = cov[None] + off[:, :, None] * off[:, None, :] + np.diag(jitter)[None]
    chol = np.linalg.cholesky(covs)
    inv = np.linalg.inv(covs)
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    return dict(z0=z0, w0=w0, chol=chol, inv=inv, logdet=logdet)


def prior_density_ratio(prior: Prior, theta, z0, w0, kernel) -> np.ndarray:
    """Importance weights ``prior(theta) / sum_j w_j K_j(theta | theta_j)`` (unnormalised).

    The prior is uniform in the working space, hence constant on its support.
    """
    z = prior.to_work(theta)
    diff = z[:, None, :] - z0[None, :, :]  # (i, j, d)
    quad = np.einsum("ijk,jkl,ijl->ij", diff, kernel["inv"], diff)
    logk = -0.5 * (quad + kernel["logdet"][None, :])
    top = logk.max(axis=1, keepdims=True)  # log-sum-exp: kernels may be narrow
    return np.exp(-top[:, 0]) / (np.exp(logk - top) @ w0)


def _mad(summaries):
    """Each summary's median absolute deviation, scaled to a normal law's sd (x 1.4826)."""
    return 1.4826 * np.median(np.abs(summaries - np.median(summaries, axis=0)), axis=0)


def _dist(summaries, observed, scale):
    return np.sqrt((((summaries - observed) / scale) ** 2).sum(axis=1))
