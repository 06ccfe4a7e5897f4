"""Global sensitivity analysis (Sobol or Morris) of a campaign metric over chosen parameters.

Which inputs move reach the most: the spread probability, the number of
seeds, the network's density? Choose a few config keys with ranges
(:class:`Factor`); this module draws a SALib design over them, runs the model
once per design point (the base config with those values set, validated like
any config, run with :func:`simulator.seeding.arms.run_seeding_arms`) and analyses the
mean of a metric:

- ``method="sobol"``: first-order and total Sobol indices (variance shares)
  from Saltelli's design, ``n * (d + 2)`` runs for ``d`` factors.
- ``method="morris"``: elementary effects (``mu_star``: mean absolute effect,
  ``sigma``: non-linearity or interactions), ``n * (d + 1)`` runs; a cheap
  screening for many factors.

All design points share the base config's root seed, so they see the same
random numbers (common random numbers): a factor without effect has an index
of exactly 0, and the noise of the metric adds little to the indices.
Sampling and bootstrap draw from the named streams
``sensitivity.sample`` / ``sensitivity.analyse`` of that seed.

Needs SALib (``pip install -e ".[sensitivity]"``). From the shell::

    python -m simulator.runs.sensitivity --method sobol -n 64 \\
        --factor campaign.p=0.01:0.1 --factor seeding.k=1:50:int \\
        --out sens/ network.n=2000 experiment.replicates=100

See docs/sensitivity.md for a worked example.

Examples
--------
>>> from simulator.runs.config import small_config
>>> factors = [Factor("campaign.p", 0.01, 0.2), Factor("experiment.ci_level", 0.8, 0.99)]
>>> res = sensitivity(small_config(), factors, method="morris", n=2, replicates=10)
>>> float(res.indices.set_index("factor")["mu_star"]["experiment.ci_level"])  # no effect
0.0

References
----------
.. [1] Saltelli, A. et al. (2010). Variance based sensitivity analysis of model
   output. Computer Physics Communications 181(2), 259-270.
.. [2] Morris, M. D. (1991). Factorial sampling plans for preliminary
   computational experiments. Technometrics 33(2), 161-174.
.. [3] Herman, J. and Usher, W. (2017). SALib: an open-source Python library
   for sensitivity analysis. Journal of Open Source Software 2(9), 97.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from simulator.rng import stream
from simulator.runs.compose import load_config
from simulator.runs.config import Config, to_config

__all__ = [
    "Factor",
    "SensitivityResult",
    "design",
    "values",
    "evaluate",
    "analyse",
    "sensitivity",
]

METHODS = ("sobol", "morris")
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Factor:
    """One input of the analysis: a dotted config key and its range [low, high]."""

    key: str
    low: float
    high: float
    integer: bool = False

    def __post_init__(self):
        if not self.low < self.high:
            raise ValueError(f"{self.key}: low must be < high, got [{self.low}, {self.high}]")

    @classmethod
    def parse(cls, text: str) -> Factor:
        """``"campaign.p=0.01:0.1"`` or ``"seeding.k=1:50:int"``."""
        key, _, spec = text.partition("=")
        parts = spec.split(":")
        if not key or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "int"):
            raise ValueError(f"factor {text!r}: write KEY=LOW:HIGH or KEY=LOW:HIGH:int")
        return cls(key, float(parts[0]), float(parts[1]), len(parts) == 3)


@dataclass
class SensitivityResult:
    """The design (one row per run: factor values and the metric) and the indices."""

    method: str
    metric: str
    samples: pd.DataFrame
    indices: pd.DataFrame


def _problem(factors: Sequence[Factor]) -> dict:
    return {
        "num_vars": len(factors),
        "names": [f.key for f in factors],
        # integers: sample [low, high + 1) and floor, so every value is equally likely
        "bounds": [[f.low, f.high + 1 if f.integer else f.high] for f in factors],
    }


def design(factors: Sequence[Factor], method: str, n: int, seed: int) -> np.ndarray:
    """The SALib design: one row per model run, one column per factor.

    ``n`` is Saltelli's base sample size (a power of 2) for Sobol and the
    number of trajectories for Morris.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    rng = stream(seed, "sensitivity.sample")
    problem = _problem(factors)
    if method == "sobol":
        from SALib.sample import sobol

        if n < 1 or n & (n - 1):
            raise ValueError(f"n must be a power of 2 for Sobol sampling, got {n}")
        x = sobol.sample(problem, n, calc_second_order=False, seed=rng)
    else:
        from SALib.sample import morris

        x = morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=rng)
    return x


def values(factors: Sequence[Factor], x: np.ndarray) -> np.ndarray:
    """The design in the factors' own values (integers floored into [low, high])."""
    x = np.array(x, dtype=float)
    for j, factor in enumerate(factors):
        if factor.integer:
            x[:, j] = np.minimum(np.floor(x[:, j]), factor.high)
    return x


def _with_values(base: Config, factors: Sequence[Factor], row) -> Config:
    cfg = OmegaConf.structured(base)
    for factor, value in zip(factors, row, strict=True):
        OmegaConf.update(cfg, factor.key, int(value) if factor.integer else float(value))
    return to_config(cfg)


def evaluate(
    base: Config,
    factors: Sequence[Factor],
    x: np.ndarray,
    metric: str = "reach",
    strategy: str | None = None,
    replicates: int | None = None,
) -> np.ndarray:
    """Mean ``metric`` of seeding ``strategy`` for each design row (the base config's seed).

    ``strategy`` defaults to the base config's first seeding strategy and
    ``replicates`` to ``experiment.replicates``. Networks and populations are
    built once per distinct network (population) config.
    """
    from simulator.runs.build import build_model, build_network, build_population
    from simulator.seeding.arms import run_seeding_arms

    strategy = strategy or base.seeding.strategies[0]
    networks, populations = {}, {}
    y = np.empty(len(x))
    for i, row in enumerate(values(factors, x)):
        cfg = _with_values(base, factors, row)
        replicas = replicates or cfg.experiment.replicates
        net_key = repr(cfg.network)
        if net_key not in networks:
            networks[net_key] = build_network(cfg.network, cfg.seed)
        network = networks[net_key]
        pop_key = (net_key, repr(cfg.population))
        if pop_key not in populations:
            populations[pop_key] = build_population(cfg.population, network, cfg.seed)
        population = populations[pop_key]
        model = build_model(cfg.campaign, population)
        rows = run_seeding_arms(
            network,
            model,
            [strategy],
            cfg.seeding.k,
            replicas,
            cfg.seed,
            redraw=cfg.seeding.redraw,
            progress=False,
            population=population,
        )
        if metric not in rows:
            raise ValueError(f"metric {metric!r} not in the results: {', '.join(rows.columns)}")
        y[i] = float(rows[metric].mean())
    return y


def analyse(
    factors: Sequence[Factor], x: np.ndarray, y: np.ndarray, method: str, seed: int
) -> pd.DataFrame:
    """Sensitivity indices, one row per factor.

    Sobol: ``S1, S1_conf, ST, ST_conf`` (bootstrap 95% half-widths). Morris:
    ``mu_star, mu_star_conf, mu, sigma``.
    """
    problem = _problem(factors)
    rng = stream(seed, "sensitivity.analyse")
    names = [f.key for f in factors]
    if method == "sobol":
        from SALib.analyze import sobol

        if np.ptp(y) == 0:  # no factor moves the metric
            zeros = np.zeros(len(factors))
            return pd.DataFrame(
                {"factor": names, "S1": zeros, "S1_conf": zeros, "ST": zeros, "ST_conf": zeros}
            )
        si = sobol.analyze(problem, y, calc_second_order=False, seed=rng)
        columns = ["S1", "S1_conf", "ST", "ST_conf"]
    elif method == "morris":
        from SALib.analyze import morris

        si = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, seed=rng)
        columns = ["mu_star", "mu_star_conf", "mu", "sigma"]
    else:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    return pd.DataFrame({"factor": names, **{c: np.asarray(si[c], float) for c in columns}})


def sensitivity(
    base: Config,
    factors: Sequence[Factor],
    method: str = "sobol",
    n: int = 64,
    metric: str = "reach",
    strategy: str | None = None,
    replicates: int | None = None,
) -> SensitivityResult:
    """Design, run and analyse: the sensitivity of mean ``metric`` to ``factors``.

    Parameters
    ----------
    base : Config
        Every other setting, and the root seed shared by all runs.
    factors : sequence of Factor
        Dotted config keys with ranges; values are validated like any config.
    method : {"sobol", "morris"}
    n : int
        Sobol: base sample size (power of 2), ``n * (d + 2)`` runs. Morris:
        trajectories, ``n * (d + 1)`` runs.
    metric : str
        A column of the results (``reach``, ``depth``; funnel totals).
    strategy : str, optional
        Seeding strategy (default: the base config's first).
    replicates : int, optional
        Replicates per run (default: ``base.experiment.replicates``).
    """
    if not factors:
        raise ValueError("name at least one factor")
    x = design(factors, method, n, base.seed)
    y = evaluate(base, factors, x, metric, strategy, replicates)
    samples = pd.DataFrame(values(factors, x), columns=[f.key for f in factors])
    for factor in factors:
        if factor.integer:
            samples[factor.key] = samples[factor.key].astype(int)
    samples[metric] = y
    return SensitivityResult(method, metric, samples, analyse(factors, x, y, method, base.seed))


def _base_config(overrides: Sequence[str]) -> Config:
    return load_config(*overrides)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m simulator.runs.sensitivity --factor KEY=LOW:HIGH ... [overrides]``."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator.runs.sensitivity",
        description="Sobol or Morris sensitivity of a campaign metric to config keys.",
    )
    parser.add_argument("overrides", nargs="*", help="config overrides of the base run")
    parser.add_argument(
        "--factor",
        action="append",
        required=True,
        help="KEY=LOW:HIGH, or KEY=LOW:HIGH:int for an integer key (repeat per factor)",
    )
    parser.add_argument("--method", choices=METHODS, default="sobol")
    parser.add_argument("-n", type=int, default=64, help="Sobol base sample / Morris paths")
    parser.add_argument("--metric", default="reach")
    parser.add_argument("--strategy", help="seeding strategy (default: the config's first)")
    parser.add_argument("--out", type=Path, help="write samples.csv and indices.csv here")
    args = parser.parse_args(argv)
    try:
        factors = [Factor.parse(text) for text in args.factor]
        result = sensitivity(
            _base_config(args.overrides),
            factors,
            args.method,
            args.n,
            args.metric,
            args.strategy,
        )
    except ValueError as err:
        parser.error(str(err))
    print(result.indices.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        result.samples.to_csv(args.out / "samples.csv", index=False)
        result.indices.to_csv(args.out / "indices.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
