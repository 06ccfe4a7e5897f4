"""Influentials: does a top-degree seed start global cascades more often than a random one?

The setting of Watts & Dodds (2007): Watts' threshold model
(:class:`~simulator.engine.textbook.FractionalThreshold`, every node adopts
once a fraction ``phi`` of its neighbours has) on Erdős–Rényi networks
swept across the cascade window of mean degrees. For each mean degree ``z``
in ``experiment.mean_degrees`` the study builds one G(n, z) network with
``n = network.n`` (the only network setting it reads; the sweep replaces
``network.mean_degree``), then starts ``experiment.replicates`` single-seed
cascades per arm:

* ``influential``: a node drawn uniformly from the top ``top_fraction`` of
  nodes by degree (the registry's ``top_degree``; ties at the cut-off go to
  the lower index, which in G(n, p) is unrelated to anything else);
* ``random``: a node drawn uniformly from all ``n``.

A cascade is *global* when its reach is at least ``global_fraction * n``.
The model is deterministic given the seed, so the only randomness is the
network and the seed draws: arm ``a``'s seed in replicate ``r`` at mean
degree ``z`` comes from ``stream(seed, "seeding.<a>", key(z), r)`` and the
network from ``stream(seed, "network", key(z))``, with ``key(z) =
round(1000 z)``; a sub-sweep therefore reproduces the full sweep's rows for
its mean degrees. Both arms run with the same replicate keys, but the two
arms' seeds are independent draws, so the arms are independent samples
(common keys cannot pair outcomes of a deterministic model).

Outputs
-------
``results.parquet``: one row per arm x mean degree x replicate (``arm,
mean_degree, replicate, seed, replicate_key, seed_node, seed_degree, reach,
depth, global``, the network's name and the model).
``summary.csv``: per arm and mean degree, ``metric`` ``global`` (P(global)
with a Wilson score interval) and ``reach`` (mean, Student-t interval), and
the large-``n`` theory of :mod:`simulator.analysis.cascade_window` for P(global).
``comparison.csv``: the multiplier ``P(global | influential) / P(global |
random)`` per mean degree with a Katz log interval (independent samples);
infinite or undefined where the random arm has no global cascade.
``cascade_window.png``: P(global) against mean degree per arm with interval
bands and theory lines, and the multiplier below.

The CIs are conditional on the one network per mean degree; inside the
window the network-to-network spread of P(global) is of order ``n^-1/2``,
near the window's edges it is larger.

References
----------
D. J. Watts, P. S. Dodds. Influentials, networks, and public opinion
formation. Journal of Consumer Research 34(4), 441-458, 2007.
D. J. Watts. A simple model of global cascades on random networks. PNAS
99(9), 5766-5771, 2002.
E. B. Wilson. Probable inference, the law of succession, and statistical
inference. JASA 22(158), 209-212, 1927.
D. Katz, J. Baptista, S. P. Azen, M. C. Pike. Obtaining confidence intervals
for the risk ratio in cohort studies. Biometrics 34(3), 469-474, 1978.

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import Config, ErdosRenyiConfig, IndependentCascadeConfig
>>> cfg = Config(network=ErdosRenyiConfig(n=500), campaign=IndependentCascadeConfig(),
...              experiment=InfluentialsConfig(replicates=50, mean_degrees=[3, 12],
...                                            figures=False))
>>> out = run(cfg, tempfile.mkdtemp())
>>> p = out["summary"].query("metric == 'global'").set_index(["arm", "mean_degree"])["mean"]
>>> bool(p["influential", 3.0] > 0.5), float(p["random", 12.0])
(True, 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.study import Study, end_run
from simulator.analysis.cascade_window import (
    poisson_degree_law,
    top_degree_law,
    trigger_probability,
)
from simulator.analysis.stats import mean_ci, proportion_ci, ratio_ci
from simulator.engine.run import run_cascades
from simulator.engine.textbook import FractionalThreshold
from simulator.network.generators import erdos_renyi
from simulator.rng import replicate_key_block, stream
from simulator.runs.config import Config, ExperimentConfig
from simulator.seeding.registry import select_seeds

ARMS = ("influential", "random")
BATCH = 1000  # replicates per kernel call


@dataclass
class InfluentialsConfig(ExperimentConfig):
    """Settings of the influentials study (the network size is ``network.n``)."""

    name: str = "influentials"
    replicates: int = 1000  # single-seed cascades per arm and mean degree
    mean_degrees: list[float] = field(
        default_factory=lambda: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0]
    )
    phi: float = 0.18  # adoption threshold: fraction of neighbours
    top_fraction: float = 0.1  # influentials: this top share of nodes by degree
    global_fraction: float = 0.1  # global cascade: reach >= this share of n

    def __post_init__(self):
        super().__post_init__()
        if not self.mean_degrees:
            raise ValueError("mean_degrees must list at least one mean degree")
        for z in self.mean_degrees:
            if isinstance(z, bool) or not isinstance(z, (int, float)) or not z >= 0:
                raise ValueError(
                    f"mean_degrees must be numbers >= 0, got {list(self.mean_degrees)}"
                )
        keys = [degree_key(z) for z in self.mean_degrees]
        if len(set(keys)) != len(keys):
            raise ValueError(
                "mean_degrees must be distinct when rounded to 0.001, "
                f"got {list(self.mean_degrees)}"
            )
        if not 0 < self.phi <= 1:
            raise ValueError(f"phi must be in (0, 1], got {self.phi}")
        if not 0 < self.top_fraction <= 1:
            raise ValueError(f"top_fraction must be in (0, 1], got {self.top_fraction}")
        if not 0 < self.global_fraction <= 1:
            raise ValueError(f"global_fraction must be in (0, 1], got {self.global_fraction}")


def degree_key(mean_degree: float) -> int:
    """The integer naming a mean degree in the random streams: ``round(1000 z)``."""
    return int(round(1000 * float(mean_degree)))


def _arm_seeds(arm, network, exp, seed, key) -> np.ndarray:
    """Each replicate's seed node for ``arm`` (one stream per replicate; the
    replicates of ``exp.replicate_range()``, all but in a shard)."""
    if arm == "influential":
        top = int(np.ceil(exp.top_fraction * network.n))
        pool = select_seeds("top_degree", network, top, stream(seed, "seeding.top_degree", key))
    else:
        pool = np.arange(network.n)
    draws = [
        stream(seed, f"seeding.{arm}", key, r).integers(pool.size) for r in exp.replicate_range()
    ]
    return np.asarray(pool)[draws].astype(np.int64)


def _run_degree(network, model, exp, seed, z, keys) -> pd.DataFrame:
    """The rows of both arms at one mean degree."""
    degree = network.out_degree()
    frames = []
    for arm in ARMS:
        seeds = _arm_seeds(arm, network, exp, seed, degree_key(z))
        reach, depth = [], []
        for lo in range(0, len(keys), BATCH):
            hi = min(lo + BATCH, len(keys))
            res = run_cascades(
                network, seeds[lo:hi, None], model, hi - lo, seed, log=False, keys=keys[lo:hi]
            )
            reach.append(res.reach)
            depth.append(res.depth)
        reach = np.concatenate(reach)
        frames.append(
            pd.DataFrame(
                {
                    "arm": arm,
                    "mean_degree": float(z),
                    "replicate": np.asarray(exp.replicate_range()),
                    "seed": seed,
                    "replicate_key": keys,
                    "seed_node": seeds,
                    "seed_degree": degree[seeds],
                    "reach": reach,
                    "depth": np.concatenate(depth),
                    "global": reach >= exp.global_fraction * network.n,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _summaries(rows, exp) -> tuple[pd.DataFrame, pd.DataFrame]:
    level = exp.ci_level
    summary, comparison = [], []
    for z, at_z in rows.groupby("mean_degree", sort=True):
        theory = theory_curve(exp.phi, exp.top_fraction, [z]).iloc[0]
        hits = {}
        for arm in ARMS:
            group = at_z[at_z["arm"] == arm]
            n, x = len(group), int(group["global"].sum())
            hits[arm] = (x, n)
            lo, hi = proportion_ci(x, n, level)
            summary.append((arm, z, "global", x / n, lo, hi, n, theory[arm]))
            mean, lo, hi = mean_ci(group["reach"].to_numpy(), level)
            summary.append((arm, z, "reach", mean, lo, hi, n, np.nan))
        ratio, lo, hi, se = ratio_ci(*hits["influential"], *hits["random"], level)
        comparison.append(
            (
                "influential",
                "random",
                z,
                hits["influential"][0] / hits["influential"][1],
                hits["random"][0] / hits["random"][1],
                ratio,
                lo,
                hi,
                se,
                theory["multiplier"],
            )
        )
    summary = pd.DataFrame(
        summary,
        columns=["arm", "mean_degree", "metric", "mean", "ci_low", "ci_high", "n", "theory"],
    )
    comparison = pd.DataFrame(
        comparison,
        columns=[
            "arm",
            "baseline",
            "mean_degree",
            "p_arm",
            "p_baseline",
            "multiplier",
            "ci_low",
            "ci_high",
            "se_log",
            "theory",
        ],
    )
    return summary, comparison


def theory_curve(phi: float, top_fraction: float, mean_degrees) -> pd.DataFrame:
    """Large-n P(global) of each arm and their ratio on a grid of mean degrees.

    Examples
    --------
    >>> curve = theory_curve(0.18, 0.1, [4.0, 12.0])
    >>> curve.round(3).values.tolist()
    [[4.0, 0.995, 0.865, 1.15], [12.0, 0.0, 0.0, nan]]
    """
    out = []
    for z in mean_degrees:
        pk = poisson_degree_law(z)
        p_random = trigger_probability(pk, phi)
        p_top = trigger_probability(pk, phi, top_degree_law(pk, top_fraction))
        out.append((float(z), p_top, p_random, p_top / p_random if p_random > 0 else np.nan))
    return pd.DataFrame(out, columns=["mean_degree", "influential", "random", "multiplier"])


def cascade_window_figure(
    summary, comparison, theory=None, title: str = "", level: float = 0.95
) -> Figure:
    """Top: P(global) per arm against mean degree (CI bands). Bottom: the multiplier.

    ``theory`` (from :func:`theory_curve`, optional) adds the large-n curves, dashed.
    """
    fig = Figure(figsize=(6.5, 6.5), layout="constrained")
    ax_p, ax_m = fig.subplots(2, 1, sharex=True)
    data = summary[summary["metric"] == "global"]
    for i, arm in enumerate(ARMS):
        group = data[data["arm"] == arm].sort_values("mean_degree")
        x = group["mean_degree"]
        ax_p.plot(x, group["mean"], marker="o", color=f"C{i}", label=arm)
        ax_p.fill_between(x, group["ci_low"], group["ci_high"], color=f"C{i}", alpha=0.2)
        if theory is not None:
            ax_p.plot(
                theory["mean_degree"],
                theory[arm],
                ls="--",
                color=f"C{i}",
                lw=1,
                label=f"{arm}, n → ∞",
            )
    ax_p.set_ylabel(f"P(global cascade) ({level:.0%} CI)")
    ax_p.legend(frameon=False, fontsize=8)
    ax_p.grid(alpha=0.3)
    comp = comparison.sort_values("mean_degree")
    finite = np.isfinite(comp["multiplier"])
    ax_m.errorbar(
        comp.loc[finite, "mean_degree"],
        comp.loc[finite, "multiplier"],
        yerr=[
            (comp["multiplier"] - comp["ci_low"])[finite].fillna(0),
            (comp["ci_high"] - comp["multiplier"])[finite].fillna(0),
        ],
        fmt="o",
        color="C0",
        capsize=3,
        label="simulated",
    )
    if theory is not None:
        ax_m.plot(
            theory["mean_degree"], theory["multiplier"], ls="--", color="C0", lw=1, label="n → ∞"
        )
    ax_m.axhline(1.0, color="0.5", lw=0.8)
    ax_m.set_xlabel("mean degree z")
    ax_m.set_ylabel("multiplier P(infl.) / P(random)")
    ax_m.legend(frameon=False, fontsize=8)
    ax_m.grid(alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def format_table(summary, comparison, level: float = 0.95) -> str:
    """Mean degree, P(global) per arm with CIs, multiplier with CI and its large-n value."""
    p = summary[summary["metric"] == "global"].set_index(["arm", "mean_degree"])
    pct = f"{level:.0%} CI"
    lines = [
        f"{'z':>6}  {'P(global) random':<22}  {'P(global) influential':<22}  "
        f"{'multiplier':<22}  {'theory':>6}",
        f"{'':>6}  {pct:<22}  {pct:<22}  {pct + ' (Katz)':<22}  {'n → ∞':>6}",
    ]
    for row in comparison.sort_values("mean_degree").to_dict("records"):
        z = row["mean_degree"]
        cells = []
        for arm in ("random", "influential"):
            r = p.loc[(arm, z)]
            cells.append(f"{r['mean']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]")
        m, lo, hi = row["multiplier"], row["ci_low"], row["ci_high"]
        if np.isnan(m):
            mult = "- (no global cascade)"
        elif np.isnan(lo):
            mult = f"{m:.2f} [-]"
        else:
            mult = f"{m:.2f} [{lo:.2f}, {hi:.2f}]"
        theory = "-" if np.isnan(row["theory"]) else f"{row['theory']:.2f}"
        lines.append(f"{z:>6g}  {cells[0]:<22}  {cells[1]:<22}  {mult:<22}  {theory:>6}")
    return "\n".join(lines)


def run(cfg: Config, outdir) -> dict:
    """Run the influentials study described by ``cfg`` and write its outputs into ``outdir``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp = cfg.experiment
    if cfg.network.kind != "erdos_renyi" or cfg.network.directed:
        raise ValueError(
            "influentials builds undirected Erdős–Rényi networks of network.n nodes, one per "
            "experiment.mean_degrees; use network=erdos_renyi with network.directed=false"
        )
    n = cfg.network.n
    model = FractionalThreshold(exp.phi)
    span = exp.replicate_range()  # all replicates, or this shard's
    keys = replicate_key_block(cfg.seed, exp.replicates, span)
    frames, networks = [], {}
    for z in exp.mean_degrees:
        if z > n - 1:
            raise ValueError(f"mean_degrees: {z} exceeds network.n - 1 = {n - 1}")
        network = erdos_renyi(n, z, stream(cfg.seed, "network", degree_key(z)))
        networks[float(z)] = network
        rows = _run_degree(network, model, exp, cfg.seed, z, keys)
        rows["network"] = network.name
        frames.append(rows)
    rows = pd.concat(frames, ignore_index=True)
    rows.insert(0, "experiment", exp.name)
    rows["model"] = f"fractional_threshold(phi={exp.phi:g})"
    return end_run(rows, cfg, outdir, finish) | {"network": None, "networks": networks}


def finish(rows, cfg: Config, outdir) -> dict:
    """Write ``results.parquet`` and every table and figure derived from all the rows
    (the end of :func:`run`; ``campaign-report`` calls it on the merged shards)."""
    outdir = Path(outdir)
    exp = cfg.experiment
    n = cfg.network.n
    rows.to_parquet(outdir / "results.parquet", index=False)
    summary, comparison = _summaries(rows, exp)
    summary.to_csv(outdir / "summary.csv", index=False)
    comparison.to_csv(outdir / "comparison.csv", index=False)
    if exp.figures:
        zs = np.asarray(exp.mean_degrees, dtype=float)
        grid = np.linspace(zs.min(), zs.max(), 241)
        fig = cascade_window_figure(
            summary,
            comparison,
            theory_curve(exp.phi, exp.top_fraction, grid),
            title=f"Watts threshold phi = {exp.phi:g} on G(n = {n}, z); "
            f"{exp.replicates} single-seed cascades per arm and z",
            level=exp.ci_level,
        )
        fig.savefig(outdir / "cascade_window.png", dpi=120)
    return {
        "rows": rows,
        "summary": summary,
        "comparison": comparison,
        "text": format_table(summary, comparison, exp.ci_level),
    }


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "influentials",
    run,
    "Are well-connected people more likely to start a global cascade (Watts-Dodds)?",
    schema=InfluentialsConfig,
    reads=("network.n",),
    finish=finish,
    order=("mean_degree", "arm"),
)
