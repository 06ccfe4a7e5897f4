"""Viral coefficient: how many seeds a campaign needs, as the proposition gets better.

For each viral coefficient ``K`` in ``experiment.viral_coefficients`` the
study runs the independent cascade on the run's network (an Erdős–Rényi
graph by default) with ``p = K / d``, ``d`` the network's mean excess degree
(:func:`simulator.analysis.critical_mass.ic_probability`); the ``campaign`` group is
not used. It then finds, for every arm (``random``: ordinary people;
``top_degree``: the best-connected), the **critical mass**: the smallest
number of seeds ``k`` for which ``P(reach >= target_fraction * n) >=
probability``, estimated over ``replicates`` replicates by exponential search
and bisection over ``k`` (:func:`~simulator.analysis.critical_mass.critical_mass_search`),
up to ``max_seeds``.

The search is deterministic and exact for its replicates. Replicate ``r``
uses the same key (hence the same live arcs) for every ``k``, ``K`` and arm,
and its seeds for ``k`` are the first ``k`` of one ordering: a random
permutation drawn from ``stream(seed, "seeding.random", r)`` for ``random``,
the degree ranking (ties to the lower index) for ``top_degree``. Reach is
then non-decreasing in ``k`` (and in ``K``) replicate by replicate, so the
estimated success rate is too, and bisection returns the smallest ``k``.

A second, logged run per ``K`` (first arm, ``curve_seeds`` seeds, same
replicates) gives the spread over steps, the cascade trees (one per seed:
sizes and generations), and the estimates of ``K`` back from the cascades:
Harris's estimator with each replicate observed until it has reached
``fit_fraction`` of the network (the seeds' offspring always), so that
depletion, which lowers the offspring by about ``K`` times the share already
reached, stays small; and per-generation ratios, with bootstrap CIs over
replicates.

Outputs
-------
``results.parquet``: one row per arm x K x k tried x replicate (``arm,
viral_coefficient, p, k, replicate, seed, replicate_key, reach,
reached_target``, the network and the model).
``summary.csv``: per arm, K and k tried: ``reach`` (mean, Student-t CI) and
``reached_target`` (share of replicates, Wilson CI).
``critical_mass.csv``: seeds needed per arm and K, the success rates at it
and one seed fewer, and the large-``n`` Erdős–Rényi theory
(:func:`~simulator.analysis.critical_mass.er_critical_mass`).
``viral_estimates.csv``: K estimated back from the logged runs (Harris's
estimator and the first three generation ratios, bootstrap CIs over replicates).
``spread.csv``: mean share reached per step and K (CI).
Figures: ``seeds_needed.png``, ``spread.png``, ``cascade_ccdf.png``,
``generations.png``.

References
----------
M. Wu. The viral coefficient: how to estimate it, and why influencers don't
matter as much as you think. Lithium Building Community blog, 2011.
T. E. Harris. Branching processes. Annals of Mathematical Statistics 19(4),
474-494, 1948.
M. E. J. Newman. Spread of epidemic disease on networks. Physical Review E 66,
016128, 2002.

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import Config, ErdosRenyiConfig, IndependentCascadeConfig
>>> cfg = Config(network=ErdosRenyiConfig(n=500), campaign=IndependentCascadeConfig(),
...              experiment=ViralCoefficientConfig(replicates=20, viral_coefficients=[0.5, 2.0],
...                                                figures=False))
>>> out = run(cfg, tempfile.mkdtemp())
>>> need = out["critical_mass"].set_index(["arm", "viral_coefficient"])["seeds_needed"]
>>> bool(need["random", 0.5] > 10 * need["random", 2.0])
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.study import Study
from simulator.analysis import metrics
from simulator.analysis.critical_mass import critical_mass_search, er_critical_mass, ic_probability
from simulator.analysis.stats import column_mean_ci, proportion_ci, summarize
from simulator.analysis.viral import generation_ratios, harris_estimator
from simulator.engine.models import IndependentCascade
from simulator.engine.run import run_cascades
from simulator.plots.cascades import (
    critical_mass_curves,
    generation_fit,
    size_ccdf,
    spread_curves,
)
from simulator.rng import replicate_keys, stream
from simulator.runs.build import build_network
from simulator.runs.config import Config, ErdosRenyiConfig, ExperimentConfig
from simulator.seeding.registry import top_degree

ARMS = ("random", "top_degree")


@dataclass
class ViralCoefficientConfig(ExperimentConfig):
    """Settings of the viral-coefficient study (the network is the ``network`` group)."""

    name: str = "viral_coefficient"
    replicates: int = 200
    viral_coefficients: list[float] = field(
        default_factory=lambda: [0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0]
    )
    target_fraction: float = 0.2  # reach at least this share of the network...
    probability: float = 0.9  # ...with at least this probability
    max_seeds: int = 2000  # search up to this many seeds (and at most n)
    arms: list[str] = field(default_factory=lambda: list(ARMS))
    curve_seeds: int = 10  # seeds of the logged run (spread, trees, K estimates)
    fit_fraction: float = 0.01  # Harris fit: each replicate until it reaches this share
    n_boot: int = 1000  # bootstrap resamples for the K estimates

    def __post_init__(self):
        super().__post_init__()
        if not self.viral_coefficients:
            raise ValueError("viral_coefficients must list at least one value")
        for k in self.viral_coefficients:
            if isinstance(k, bool) or not isinstance(k, (int, float)) or not k >= 0:
                raise ValueError(
                    f"viral_coefficients must be numbers >= 0, got {list(self.viral_coefficients)}"
                )
        if len(set(self.viral_coefficients)) != len(self.viral_coefficients):
            raise ValueError(f"viral_coefficients lists a value twice: {self.viral_coefficients}")
        if not 0 < self.target_fraction <= 1:
            raise ValueError(f"target_fraction must be in (0, 1], got {self.target_fraction}")
        if not 0 < self.probability < 1:
            raise ValueError(f"probability must be in (0, 1), got {self.probability}")
        for name in ("max_seeds", "curve_seeds", "n_boot"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if not self.arms or any(a not in ARMS for a in self.arms):
            raise ValueError(f"arms must list some of {', '.join(ARMS)}, got {list(self.arms)}")
        if len(set(self.arms)) != len(self.arms):
            raise ValueError(f"arms lists an arm twice: {list(self.arms)}")
        if not 0 < self.fit_fraction <= 1:
            raise ValueError(f"fit_fraction must be in (0, 1], got {self.fit_fraction}")


def seed_orders(network, arm: str, replicates: int, k_max: int, seed: int) -> np.ndarray:
    """``(replicates, k_max)`` seed orderings; the seeds for ``k`` are the first ``k`` columns.

    ``random``: a permutation per replicate from ``stream(seed, "seeding.random", r)``
    (its first ``k`` are a uniform random ``k``-set); ``top_degree``: the
    registry's ranking, the same in every replicate.

    Examples
    --------
    >>> from simulator import Network
    >>> star = Network.from_edges([0, 0, 0, 1], [1, 2, 3, 2], directed=False)
    >>> seed_orders(star, "top_degree", 2, 3, seed=0).tolist()
    [[0, 1, 2], [0, 1, 2]]
    """
    if arm == "random":
        return np.stack(
            [
                stream(seed, "seeding.random", r).permutation(network.n)[:k_max]
                for r in range(replicates)
            ]
        ).astype(np.int64)
    if arm == "top_degree":
        order = top_degree(network, k_max, stream(seed, "seeding.top_degree"))
        return np.broadcast_to(order, (replicates, k_max)).copy()
    raise ValueError(f"unknown arm {arm!r}; choose from {', '.join(ARMS)}")


def fitted_generations(Z: np.ndarray, stop_at: float) -> int:
    """Generations the typical replicate contributes to Harris's fit with ``stop_at``.

    The median over replicates of the last generation whose parents were
    counted, plus one (at least 1).
    """
    if Z.shape[1] < 2:
        return 1
    used = np.cumsum(Z[:, :-1], axis=1) <= stop_at
    used[:, 0] = True
    last = used.shape[1] - 1 - np.argmax(used[:, ::-1], axis=1)
    return int(np.median(last)) + 1


def _estimates(Z: np.ndarray, stop_at: float, exp, rng: np.random.Generator):
    """K from generation sizes: Harris (each replicate up to ``stop_at`` nodes), ratios.

    Returns the table of estimates and the fit ``(K, generations)`` for the figure.
    """
    harris = harris_estimator(
        Z, rng, finished=True, stop_at=stop_at, n_boot=exp.n_boot, level=exp.ci_level
    )
    out = [
        {
            "method": f"harris (each replicate up to {stop_at:g} nodes)",
            "estimate": harris.estimate,
            "ci_low": harris.ci_low,
            "ci_high": harris.ci_high,
            "units": harris.units,
        }
    ]
    ratios = generation_ratios(Z, rng, n_boot=exp.n_boot, level=exp.ci_level)
    for row in ratios.head(3).to_dict("records"):
        g = int(row["generation"])
        out.append(
            {"method": f"ratio Z{g + 1}/Z{g}"}
            | {k: row[k] for k in ("estimate", "ci_low", "ci_high", "units")}
        )
    return pd.DataFrame(out), (harris.estimate, fitted_generations(Z, stop_at))


def _curve_frame(values: np.ndarray, level: float) -> pd.DataFrame:
    """Mean and Student-t CI per column (step) of a (replicates, steps) array."""
    mean, low, high = column_mean_ci(values, level)
    return pd.DataFrame(
        {"step": np.arange(mean.size), "mean": mean, "ci_low": low, "ci_high": high}
    )


def run(cfg: Config, outdir) -> dict:
    """Run the study described by ``cfg`` and write its outputs into ``outdir``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp: ViralCoefficientConfig = cfg.experiment
    network = build_network(cfg.network, cfg.seed)
    n, R, level = network.n, exp.replicates, exp.ci_level
    k_max = min(exp.max_seeds, n)
    curve_k = min(exp.curve_seeds, n)
    target = exp.target_fraction * n
    keys = replicate_keys(cfg.seed, R)
    orders = {arm: seed_orders(network, arm, R, max(k_max, curve_k), cfg.seed) for arm in exp.arms}
    is_er = isinstance(cfg.network, ErdosRenyiConfig) and not cfg.network.directed

    frames, masses, estimates, spread = [], [], [], []
    curves, tree_sizes, gen_sizes, fits = {}, {}, {}, {}
    for K in exp.viral_coefficients:
        p = ic_probability(K, network)
        model = IndependentCascade(p)
        theory = er_critical_mass(K, n, exp.target_fraction, exp.probability) if is_er else np.nan
        for arm in exp.arms:

            def reach_of_k(k, arm=arm, model=model):
                seeds = orders[arm][:, :k]
                return run_cascades(network, seeds, model, R, cfg.seed, log=False, keys=keys).reach

            found = critical_mass_search(reach_of_k, target, exp.probability, k_max)
            for k, reach in found.probes.items():
                frames.append(
                    pd.DataFrame(
                        {
                            "arm": arm,
                            "viral_coefficient": float(K),
                            "p": p,
                            "k": k,
                            "replicate": np.arange(R),
                            "seed": cfg.seed,
                            "replicate_key": keys,
                            "reach": reach,
                            "reached_target": reach >= target,
                        }
                    )
                )
            rate = found.success(target)
            k_star = found.seeds
            masses.append(
                {
                    "arm": arm,
                    "viral_coefficient": float(K),
                    "p": p,
                    "seeds_needed": np.nan if k_star is None else k_star,
                    "success_at_seeds_needed": rate.get(k_star, np.nan),
                    "success_one_fewer": rate.get(k_star - 1, np.nan) if k_star else np.nan,
                    "probes": len(found.probes),
                    "max_seeds": k_max,
                    "theory_er": theory,
                }
            )

        # the logged run: spread, trees, and K back from the cascades
        label = f"K={K:g}"
        res = run_cascades(
            network, orders[exp.arms[0]][:, :curve_k], model, R, cfg.seed, keys=keys
        )
        forest = metrics.cascade_forest(res.log)
        curves[label] = metrics.reach_by_step(res.log)
        tree_sizes[label] = forest.tree_sizes()
        gen_sizes[label] = forest.generation_sizes()
        rng = stream(cfg.seed, "bootstrap", round(1000 * K))
        fitted, fits[label] = _estimates(gen_sizes[label], exp.fit_fraction * n, exp, rng)
        estimates.append(fitted.assign(viral_coefficient=float(K), p=p))
        spread.append(_curve_frame(curves[label] / n, level).assign(viral_coefficient=float(K)))

    rows = pd.concat(frames, ignore_index=True)
    rows.insert(0, "experiment", exp.name)
    rows["network"] = network.name
    rows["model"] = "independent_cascade"
    rows.to_parquet(outdir / "results.parquet", index=False)

    by = ("arm", "viral_coefficient", "k")
    summary = summarize(rows, ["reach"], by=by, level=level)
    hits = rows.groupby(list(by), sort=False)["reached_target"].agg(["sum", "size"]).reset_index()
    hit_rows = [
        (*key, "reached_target", s / t, *proportion_ci(s, t, level), t)
        for *key, s, t in hits.itertuples(index=False)
    ]
    summary = pd.concat([summary, pd.DataFrame(hit_rows, columns=summary.columns)])
    summary = summary.sort_values([*by, "metric"], ignore_index=True)
    summary.to_csv(outdir / "summary.csv", index=False)
    critical = pd.DataFrame(masses)
    critical.to_csv(outdir / "critical_mass.csv", index=False)
    estimates = pd.concat(estimates, ignore_index=True)
    estimates = estimates[["viral_coefficient", "p", *estimates.columns[:-2]]]
    estimates.to_csv(outdir / "viral_estimates.csv", index=False)
    spread = pd.concat(spread, ignore_index=True)
    spread = spread[["viral_coefficient", "step", "mean", "ci_low", "ci_high"]]
    spread.to_csv(outdir / "spread.csv", index=False)

    setting = f"{network.name}; IC with p = K / mean excess degree; {R} replicates"
    if exp.figures:
        figures = {
            "seeds_needed": critical_mass_curves(
                critical,
                theory="theory_er" if is_er else None,
                k_max=k_max,
                title=f"seeds for P(reach >= {exp.target_fraction:.0%} of n) >= "
                f"{exp.probability:g}\n{setting}",
            ),
            "spread": spread_curves(
                curves,
                n=n,
                target=exp.target_fraction,
                level=level,
                title=f"{curve_k} {exp.arms[0]} seeds\n{setting}",
            ),
            "cascade_ccdf": size_ccdf(
                tree_sizes, title=f"one tree per seed, {curve_k} {exp.arms[0]} seeds\n{setting}"
            ),
            "generations": generation_fit(
                gen_sizes,
                fits,
                level=level,
                title=f"{curve_k} {exp.arms[0]} seeds; Harris fit up to "
                f"{exp.fit_fraction:.0%} of n\n{setting}",
            ),
        }
        for name, fig in figures.items():
            fig.savefig(outdir / f"{name}.png", dpi=120)

    text = _text(critical, estimates, exp, n)
    return {
        "rows": rows,
        "summary": summary,
        "critical_mass": critical,
        "estimates": estimates,
        "spread": spread,
        "network": network,
        "text": text,
    }


def _text(critical: pd.DataFrame, estimates: pd.DataFrame, exp, n: int) -> str:
    target = math.ceil(exp.target_fraction * n)
    lines = [
        f"seeds needed for P(reach >= {target} of {n}) >= {exp.probability:g}",
        f"{'K':>6} " + " ".join(f"{arm:>12}" for arm in exp.arms) + f" {'ER theory':>10}"
        "   Harris K (CI)",
    ]
    harris = estimates[estimates["method"].str.startswith("harris")].set_index("viral_coefficient")
    k_max = int(critical["max_seeds"].iloc[0])
    for K, group in critical.groupby("viral_coefficient", sort=False):
        need = group.set_index("arm")["seeds_needed"]
        cells = " ".join(
            f"{need[a]:>12.0f}" if np.isfinite(need[a]) else f"{'>' + str(k_max):>12}"
            for a in exp.arms
        )
        h = harris.loc[K]
        theory = group["theory_er"].iloc[0]
        th = f"{theory:>10.0f}" if np.isfinite(theory) else f"{'':>10}"
        lines.append(
            f"{K:>6g} {cells} {th}   {h['estimate']:.3f} [{h['ci_low']:.3f}, {h['ci_high']:.3f}]"
        )
    return "\n".join(lines)


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "viral_coefficient",
    run,
    "How many seeds reach a target share of the network, as the viral coefficient grows?",
    schema=ViralCoefficientConfig,
    reads=("network",),
    # Which k the critical-mass bisection tries next depends on the success rate over
    # all replicates, and Harris's bootstrap resamples all of them: a shard's share of
    # the replicates would search other k's, so merged shards could not equal the run.
    unsharded="the critical-mass search picks each next k from the success rate over "
    "all replicates; sweep experiment.viral_coefficients across jobs instead",
)
