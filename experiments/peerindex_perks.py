"""PeerIndex perks: 60 invitations, influencers vs random customers, and the viral coefficient.

A loyalty programme sent 60 invitations and reached over 200,000 people. If
every participant invites ``K = 2`` others, 60 seeds pass 250,000 people at
generation 12; if the 60 are influencers who each reach 20 and everyone after
invites 2, at generation 8 (counted from the seeds). Influencers speed things
up "a bit"; the motivating proposition (the viral coefficient ``K``) decides
whether the message spreads at all.

The study first reproduces that arithmetic (``arithmetic.csv``), then
simulates the two arms as branching processes with Poisson offspring in a
finite market of ``population`` people (a Reed–Frost chain binomial: the
offspring shrink as the market fills), for each viral coefficient in
``viral_coefficients``. The influencer arm's seeds
have ``influencer_reach * K / invites_per_person`` children on average (an
influencer reaches 20 where a customer reaches 2, at the same conversion
rate); everyone else has ``K``. Paired replicates use the same random
stream per (K, replicate) in both arms. The tables show how much of the
reach the seeding adds at each K and how much the proposition adds across K.

References
----------
M. Wu. The viral coefficient: how to estimate it, and why influencers don't
matter as much as you think. Lithium Building Community blog, 2011
(the PeerIndex perks example).
T. E. Harris. The Theory of Branching Processes. Springer, 1963.

Examples
--------
>>> generations_to_pass(60, 2, 2, 250_000), generations_to_pass(60, 20, 2, 250_000)
(12, 8)
>>> import tempfile
>>> from simulator.runs.config import small_config
>>> cfg = small_config(experiment=PerksConfig(replicates=20, viral_coefficients=[0.5, 2.0]))
>>> out = run(cfg, tempfile.mkdtemp())
>>> sorted(out["rows"]["arm"].unique())
['influencers', 'random']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.study import Study, end_run
from simulator.analysis.stats import format_summary, paired_differences, summarize
from simulator.rng import stream
from simulator.runs.config import Config, ExperimentConfig

ARMS = ("random", "influencers")


@dataclass
class PerksConfig(ExperimentConfig):
    """Settings of the PeerIndex perks study."""

    name: str = "peerindex_perks"
    replicates: int = 500
    invitations: int = 60  # seeds
    influencer_reach: float = 20.0  # people each influencer seed reaches
    invites_per_person: float = 2.0  # the viral coefficient of the arithmetic
    target: int = 250_000
    population: int = 1_000_000  # the market
    generations: int = 30
    viral_coefficients: list[float] = field(
        default_factory=lambda: [0.5, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0]
    )

    def __post_init__(self):
        super().__post_init__()
        for name in ("invitations", "target", "population", "generations"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if not self.influencer_reach > 0 or not self.invites_per_person > 0:
            raise ValueError("influencer_reach and invites_per_person must be > 0")
        if not self.viral_coefficients or any(not k >= 0 for k in self.viral_coefficients):
            raise ValueError(
                f"viral_coefficients must list values >= 0, got {list(self.viral_coefficients)}"
            )
        if self.invitations > self.population or self.target > self.population:
            raise ValueError("invitations and target must not exceed population")


def generation_sizes(seeds: float, first: float, then: float, generations: int) -> np.ndarray:
    """Deterministic generation sizes: ``seeds``, ``seeds * first``, then ``* then`` each time.

    Examples
    --------
    >>> generation_sizes(60, 20, 2, 3).tolist()
    [60.0, 1200.0, 2400.0, 4800.0]
    """
    sizes = np.empty(generations + 1)
    sizes[0] = seeds
    sizes[1:] = seeds * first * then ** np.arange(generations)
    return sizes


def generations_to_pass(
    seeds: float, first: float, then: float, target: float, limit: int = 1000
) -> int | None:
    """First generation at which the cumulative count passes ``target`` (None if never)."""
    cumulative = np.cumsum(generation_sizes(seeds, first, then, limit))
    passed = np.flatnonzero(cumulative > target)
    return int(passed[0]) if passed.size else None


def branching(
    seeds: int,
    first_mean: float,
    mean: float,
    population: int,
    generations: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Generation sizes of one branching run in a finite market (Reed–Frost chain binomial).

    Generation 0 is the seeds. Each person not yet reached joins generation
    ``g + 1`` with probability ``1 - exp(-m * size_g / population)``, where
    ``m`` is ``first_mean`` for the seeds' invitations and ``mean`` after: while
    the market is large this is a Galton–Watson process with Poisson(m)
    offspring, and the final share reached solves ``S = 1 - exp(-m S)``.
    """
    sizes = np.zeros(generations + 1, np.int64)
    sizes[0] = seeds
    reached = seeds
    for g in range(generations):
        if sizes[g] == 0 or reached >= population:
            break
        m = first_mean if g == 0 else mean
        # each person not yet reached escapes all sizes[g] inviters with prob exp(-m sizes[g] / N)
        children = rng.binomial(population - reached, -np.expm1(-m * sizes[g] / population))
        sizes[g + 1] = children
        reached += children
    return sizes


def _arithmetic(exp: PerksConfig) -> pd.DataFrame:
    rows = []
    for arm, first in (("random", exp.invites_per_person), ("influencers", exp.influencer_reach)):
        sizes = generation_sizes(exp.invitations, first, exp.invites_per_person, 20)
        passed = generations_to_pass(exp.invitations, first, exp.invites_per_person, exp.target)
        for g, (size, cum) in enumerate(zip(sizes, np.cumsum(sizes), strict=True)):
            rows.append(
                {
                    "arm": arm,
                    "generation": g,
                    "size": size,
                    "cumulative": cum,
                    "passes_target_here": g == passed,
                }
            )
    return pd.DataFrame(rows)


def run(cfg: Config, outdir) -> dict:
    """Run the study described by ``cfg`` and write its outputs into ``outdir``.

    With ``experiment.shard=I/N`` only that shard's replicates run and only their
    rows are written (:func:`experiments.study.write_shard`).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp: PerksConfig = cfg.experiment
    rows = []
    for i, k in enumerate(exp.viral_coefficients):
        first = {"random": k, "influencers": exp.influencer_reach * k / exp.invites_per_person}
        for r in exp.replicate_range():
            for arm in ARMS:
                rng = stream(cfg.seed, "branching", i, r)  # the same stream in both arms
                sizes = branching(
                    exp.invitations, first[arm], k, exp.population, exp.generations, rng
                )
                cumulative = np.cumsum(sizes)
                passed = np.flatnonzero(cumulative > exp.target)
                rows.append(
                    {
                        "arm": arm,
                        "viral_coefficient": k,
                        "replicate": r,
                        "seed": cfg.seed,
                        "reach": int(cumulative[-1]),
                        "generations_to_target": float(passed[0]) if passed.size else np.nan,
                        "passed_target": bool(passed.size),
                        "extinct": bool(sizes[-1] == 0),
                    }
                )
    rows = pd.DataFrame(rows)
    rows.insert(0, "experiment", exp.name)
    return end_run(rows, cfg, outdir, finish)


def finish(rows, cfg: Config, outdir) -> dict:
    """Write ``results.parquet``, the arithmetic and every table and figure derived from
    all the rows (the end of :func:`run`; ``campaign-report`` calls it on merged shards)."""
    outdir = Path(outdir)
    exp: PerksConfig = cfg.experiment
    arithmetic = _arithmetic(exp)
    arithmetic.to_csv(outdir / "arithmetic.csv", index=False)
    rows.to_parquet(outdir / "results.parquet", index=False)

    level = exp.ci_level
    metrics = ["reach", "passed_target"]
    summary = summarize(
        rows.assign(passed_target=rows["passed_target"].astype(float)),
        metrics,
        by=("arm", "viral_coefficient"),
        level=level,
    )
    timing = summarize(
        rows.dropna(subset=["generations_to_target"]),
        ["generations_to_target"],
        by=("arm", "viral_coefficient"),
        level=level,
    )
    summary = pd.concat([summary, timing], ignore_index=True)
    summary.to_csv(outdir / "summary.csv", index=False)
    comparison = pd.concat(
        [
            paired_differences(g, ["reach"], baseline="random", level=level).assign(
                viral_coefficient=k
            )
            for k, g in rows.groupby("viral_coefficient")
        ],
        ignore_index=True,
    )
    comparison.to_csv(outdir / "comparison.csv", index=False)
    if exp.figures:
        _figure(summary, exp).savefig(outdir / "perks.png", dpi=120)

    passes = arithmetic[arithmetic["passes_target_here"]].set_index("arm")["generation"]
    text = "\n".join(
        [
            f"arithmetic: {exp.invitations} seeds x {exp.invites_per_person:g} per generation "
            f"pass {exp.target:,} at generation {passes.get('random')}; influencers reaching "
            f"{exp.influencer_reach:g} each, at generation {passes.get('influencers')}",
            "",
            format_summary(
                summary[summary["metric"] == "reach"], level, group="viral_coefficient"
            ),
        ]
    )
    return {
        "rows": rows,
        "summary": summary,
        "comparison": comparison,
        "arithmetic": arithmetic,
        "text": text,
    }


def _figure(summary: pd.DataFrame, exp: PerksConfig) -> Figure:
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_reach, ax_time = fig.subplots(1, 2)
    for i, arm in enumerate(ARMS):
        for ax, metric in ((ax_reach, "reach"), (ax_time, "generations_to_target")):
            data = summary[(summary["arm"] == arm) & (summary["metric"] == metric)]
            data = data.sort_values("viral_coefficient")
            ax.plot(data["viral_coefficient"], data["mean"], marker="o", color=f"C{i}", label=arm)
            ax.fill_between(
                data["viral_coefficient"],
                data["ci_low"],
                data["ci_high"],
                color=f"C{i}",
                alpha=0.2,
            )
    ax_reach.set_yscale("log")
    ax_reach.axhline(exp.target, color="grey", lw=0.8, ls="--")
    ax_reach.set_xlabel("viral coefficient K (the proposition)")
    ax_reach.set_ylabel(f"mean reach after {exp.generations} generations")
    ax_time.set_xlabel("viral coefficient K")
    ax_time.set_ylabel(f"generations to pass {exp.target:,} (runs that did)")
    for ax in (ax_reach, ax_time):
        ax.axvline(1.0, color="grey", lw=0.8)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False)
    fig.suptitle(
        f"{exp.invitations} invitations: influencers reaching "
        f"{exp.influencer_reach:g} each vs random customers"
    )
    return fig


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "peerindex_perks",
    run,
    "Do influencers speed a campaign up, or does the viral coefficient decide?",
    schema=PerksConfig,
    reads=(),
    finish=finish,
    order=("viral_coefficient",),
)
