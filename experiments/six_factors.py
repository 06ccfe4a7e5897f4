"""Six factors: is each of Wu's factors necessary, and none sufficient, to find influencers?

The world keeps every mechanism of the funnel (:mod:`simulator.behavior`):
the sender's domain credibility on the topic (``credibility * expertise``)
and bandwidth, the content's relevance to the target (``interest``), timing
(the target's daily activity curve and time zone against the hour the seed
posts, ``campaign.start_hour``), channel alignment (the arc's layer against
``campaign.channel``) and the target's confidence (trust). Each candidate
seed ``u`` gets one number per factor (:func:`factor_table`, which is
:func:`simulator.seeding.six_factors.six_factor_table`, the one definition the
``six_factor`` seeding strategy ranks by):

=============  =============================================================
credibility    ``credibility[u] * expertise[u, topic]``
bandwidth      ``bandwidth[u] * followers(u)``: expected audience of one post
relevance      mean ``interest[v, topic]`` over ``u``'s followers ``v``
timing         mean over followers of the chance to be online within the
               attention window after ``start_hour`` (their local hours)
channel        mean channel fit of ``u``'s out-arcs (1, or ``channel_mismatch``)
confidence     mean trust of ``u``'s followers in ``u`` (the arcs' start trust)
=============  =============================================================

The six-factor score is their product (each factor necessary). Arms, all
with ``experiment.k`` seeds and the same replicate keys (common random
numbers, so differences are paired): ``six_factor``; the baselines
``experiment.baselines`` from the seeding registry (top degree, PageRank,
random); ``drop_<factor>`` (the factor replaced by its mean over the
candidates, i.e. left out of the ranking) and ``only_<factor>`` (ranked by
that factor alone). Candidates: nodes with at least one follower.

Outputs
-------
``results.parquet`` (one row per arm x replicate: the funnel's totals),
``summary.csv`` (mean and CI per arm and metric), ``comparison.csv``
(paired differences against ``six_factor``), ``factors.csv`` (per factor:
the paired difference in conversions of dropping it and of using it alone,
with CIs, and whether the model agrees that it is necessary / not
sufficient), ``factors.png``.

Shards (``experiment.shard=I/N``, docs/sweeps.md): a shard runs every arm on
its block of replicates, with the whole run's replicate keys and the random
baseline's seeds from each replicate's own stream; :func:`finish` (the end of
the whole run too) writes the tables from the merged rows, which equal the
whole run's files byte for byte (tests/test_shards.py).

References
----------
M. Wu. The six factors of online social influence. Lithium Technologies
community blog ("Building Community: The Science of Social"), 2010.

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import small_config, FunnelConfig
>>> cfg = small_config(campaign=FunnelConfig(appeal=0.6),
...                    experiment=SixFactorsConfig(replicates=20, k=5, figures=False))
>>> out = run(cfg, tempfile.mkdtemp())
>>> sorted(out["factors"]["factor"])[:2]
['bandwidth', 'channel']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.study import Study, end_run
from simulator.analysis.stats import paired_differences, summarize
from simulator.cascade_log import FUNNEL_TOTALS
from simulator.checks import integer
from simulator.engine.run import run_cascades
from simulator.rng import replicate_key_block
from simulator.runs.build import build_model, build_network, build_population
from simulator.runs.config import Config, ExperimentConfig
from simulator.seeding.arms import seeds_for_arm
from simulator.seeding.six_factors import (
    SIX_FACTORS,
    six_factor_seeds,
    six_factor_strategy,
    six_factor_table,
)

FACTORS = SIX_FACTORS
METRICS = ["reach", *FUNNEL_TOTALS]
BASE = "six_factor"


@dataclass
class SixFactorsConfig(ExperimentConfig):
    """Settings of the six-factors study (the world: ``network``, ``population``, ``campaign``)."""

    name: str = "six_factors"
    replicates: int = 300
    k: int = 10  # seeds per arm
    baselines: list[str] = field(default_factory=lambda: ["top_degree", "pagerank", "random"])

    def __post_init__(self):
        super().__post_init__()
        from simulator.seeding.registry import STRATEGIES

        integer("k", self.k)
        for name in self.baselines:
            if name not in STRATEGIES:
                raise ValueError(
                    f"baselines: unknown seeding strategy {name!r}; "
                    f"choose from {', '.join(sorted(STRATEGIES))}"
                )


def factor_table(network, population, campaign) -> pd.DataFrame:
    """The six factors of every node as a sender of ``campaign`` (one row per node).

    The one definition, :func:`simulator.seeding.six_factors.six_factor_table`,
    which the ``six_factor`` seeding strategy also ranks by.

    Examples
    --------
    >>> from simulator import Campaign, Network
    >>> from simulator.population import Population
    >>> net = Network.from_edges([0, 0], [1, 2])
    >>> pop = Population(trust=[1.0, 0.5, 1.0], reciprocity=[0.5] * 3, bandwidth=[0.5] * 3,
    ...                  activity=[1.0] * 3, credibility=[0.4] * 3, interest=[1.0, 0.2, 0.6],
    ...                  owed_to_originator=[0] * 3, favours=[0.0, 0.0])
    >>> factor_table(net, pop, Campaign()).loc[0].round(2).tolist()
    [0.4, 1.0, 0.4, 1.0, 1.0, 0.75]
    """
    return pd.DataFrame(
        six_factor_table(network, population, campaign),
        columns=list(FACTORS),
        index=pd.RangeIndex(network.n, name="node"),
    )


def factor_seeds(network, table: pd.DataFrame, k: int, drop=(), only=None) -> np.ndarray:
    """The ``k`` best candidates by the six-factor score (:func:`six_factor_seeds`).

    ``drop``: factors replaced by their mean over the candidates (left out);
    ``only``: rank by this factor alone. Candidates have a follower; ties go
    to more followers, then the lower index.
    """
    return six_factor_seeds(network, table[list(FACTORS)].to_numpy(), k, drop, only)


def _arms(table, network, population, campaign, exp, seed, span):
    """The seeds of every arm in each replicate of ``span`` (the whole run's seeds)."""
    # the seeding strategy itself (the same score as the table's: tests/test_six_factors.py)
    best = six_factor_strategy(population, campaign=campaign)(network, exp.k, None)
    count = len(span)
    arms = {BASE: [best] * count}
    for name in exp.baselines:
        # stochastic baselines draw replicate r's seeds from its own stream, as in the whole run
        arms[name] = seeds_for_arm(
            network, name, exp.k, exp.replicates, seed, population=population, replicate_range=span
        )
    for f in FACTORS:
        arms[f"drop_{f}"] = [factor_seeds(network, table, exp.k, drop=(f,))] * count
    for f in FACTORS:
        arms[f"only_{f}"] = [factor_seeds(network, table, exp.k, only=f)] * count
    return arms


def factor_verdicts(comparison: pd.DataFrame, metric: str = "conversions") -> pd.DataFrame:
    """Per factor: the paired effect of dropping it and of using it alone, and the verdict.

    ``necessary``: dropping it loses conversions (CI entirely below 0).
    ``sufficient``: alone it does as well (CI reaches 0 or above).
    """
    comp = comparison[comparison["metric"] == metric].set_index("arm")
    rows = []
    for f in FACTORS:
        d, o = comp.loc[f"drop_{f}"], comp.loc[f"only_{f}"]
        rows.append(
            {
                "factor": f,
                "drop_diff": d["mean_diff"],
                "drop_ci_low": d["ci_low"],
                "drop_ci_high": d["ci_high"],
                "only_diff": o["mean_diff"],
                "only_ci_low": o["ci_low"],
                "only_ci_high": o["ci_high"],
                "necessary": bool(d["ci_high"] < 0),
                "sufficient": bool(o["ci_high"] >= 0),
            }
        )
    return pd.DataFrame(rows)


def factors_figure(comparison: pd.DataFrame, title: str = "", level: float = 0.95) -> Figure:
    """Paired difference in conversions against the six-factor arm, per arm, with CIs."""
    comp = comparison[comparison["metric"] == "conversions"].reset_index(drop=True)
    fig = Figure(figsize=(7, 0.35 * len(comp) + 1.2), layout="constrained")
    ax = fig.subplots()
    for i, row in comp.iterrows():
        color = "C3" if row["arm"].startswith("drop_") else "C0"
        color = "C2" if row["arm"].startswith("only_") else color
        ax.errorbar(
            row["mean_diff"],
            i,
            xerr=[[row["mean_diff"] - row["ci_low"]], [row["ci_high"] - row["mean_diff"]]],
            fmt="o",
            color=color,
            capsize=3,
        )
    ax.axvline(0.0, color="k", lw=0.8)
    ax.set_yticks(np.arange(len(comp)), comp["arm"])
    ax.invert_yaxis()
    ax.set_xlabel(f"conversions minus six_factor arm (paired, {level:.0%} CI)")
    ax.set_title(title, fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return fig


def format_verdicts(verdicts: pd.DataFrame) -> str:
    """A plain-text table of :func:`factor_verdicts`."""
    lines = [f"{'factor':<12} {'drop it':>24} {'alone':>24}  necessary  sufficient"]
    for r in verdicts.to_dict("records"):
        drop = f"{r['drop_diff']:+.2f} [{r['drop_ci_low']:+.2f}, {r['drop_ci_high']:+.2f}]"
        only = f"{r['only_diff']:+.2f} [{r['only_ci_low']:+.2f}, {r['only_ci_high']:+.2f}]"
        lines.append(
            f"{r['factor']:<12} {drop:>24} {only:>24}  {r['necessary']!s:<9}  {r['sufficient']!s}"
        )
    return "\n".join(lines)


def run(cfg: Config, outdir) -> dict:
    """Run the six-factors study described by ``cfg`` and write its outputs into ``outdir``.

    With ``experiment.shard=I/N`` only that shard's replicates run (each arm
    with the whole run's replicate keys and seeds) and only their rows are
    written (:func:`experiments.study.write_shard`); ``campaign-report`` merges
    the shards and calls :func:`finish`.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp = cfg.experiment
    if cfg.campaign.kind != "funnel":
        raise ValueError("six_factors needs the campaign funnel: campaign=funnel")
    network = build_network(cfg.network, cfg.seed)
    population = build_population(cfg.population, network, cfg.seed)
    model = build_model(cfg.campaign, population)
    table = factor_table(network, population, model)
    span = exp.replicate_range()
    # a replicate's outcome depends on its key only, so a block of the keys gives the
    # whole run's numbers for those replicates
    keys = replicate_key_block(cfg.seed, exp.replicates, span)
    frames = []
    for arm, rows in _arms(table, network, population, model, exp, cfg.seed, span).items():
        res = run_cascades(
            network, np.array(rows), model, len(span), cfg.seed, log=False, keys=keys
        )
        frames.append(
            pd.DataFrame(
                {
                    "arm": arm,
                    "replicate": np.arange(span.start, span.stop),
                    "seed": cfg.seed,
                    "replicate_key": keys,
                    "k": exp.k,
                    "reach": res.reach,
                    "depth": res.depth,
                    **res.totals,
                }
            )
        )
    rows = pd.concat(frames, ignore_index=True)
    rows.insert(0, "experiment", exp.name)
    rows["network"] = network.name
    extra = {"table": table, "network": network}
    return end_run(rows, cfg, outdir, finish) | extra


def finish(rows: pd.DataFrame, cfg: Config, outdir) -> dict:
    """Write ``results.parquet`` and every table and figure derived from all the rows
    (the end of :func:`run`; ``campaign-report`` calls it on the merged shards)."""
    outdir = Path(outdir)
    exp = cfg.experiment
    rows.to_parquet(outdir / "results.parquet", index=False)
    level = exp.ci_level
    summary = summarize(rows, METRICS, level=level)
    summary.to_csv(outdir / "summary.csv", index=False)
    comparison = paired_differences(rows, METRICS, baseline=BASE, level=level)
    comparison.to_csv(outdir / "comparison.csv", index=False)
    verdicts = factor_verdicts(comparison)
    verdicts.to_csv(outdir / "factors.csv", index=False)
    if exp.figures:
        title = f"{rows['network'].iloc[0]}: {exp.k} seeds, {exp.replicates} paired replicates"
        factors_figure(comparison, title, level).savefig(outdir / "factors.png", dpi=120)
    conv = summary[summary["metric"] == "conversions"].set_index("arm")["mean"]
    text = "mean conversions per arm:\n" + "\n".join(
        f"  {arm:<18} {value:8.2f}" for arm, value in conv.items()
    )
    return {
        "rows": rows,
        "summary": summary,
        "comparison": comparison,
        "factors": verdicts,
        "text": text + "\n\n" + format_verdicts(verdicts),
    }


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "six_factors",
    run,
    "Is each of Wu's six factors necessary, and none sufficient, to pick seeds that convert?",
    schema=SixFactorsConfig,
    reads=("network", "population", "campaign"),
    smoke=("experiment.k=3",),
    finish=finish,
    order=("arm",),
)
