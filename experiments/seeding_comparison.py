"""Seeding comparison: any set of strategies x seed counts (or budgets) on any network.

For each number of seeds in ``experiment.ks`` (default: ``seeding.k``), or
each budget in ``experiment.budgets`` when seeds have a cost, every strategy
in ``seeding.strategies`` is run over the same paired replicates. Writes
``results.parquet`` (one row per strategy x size x replicate),
``summary.csv`` (mean and CI per strategy and size), ``comparison.csv``
(paired differences against the first strategy), and figures of each metric
against the number of seeds or the budget.

With budgets, a seed costs ``cost_per_seed + cost_per_follower * followers``
and each strategy buys seeds in its order of preference while the budget
lasts; the tables then also hold reach (and conversions) per unit cost
(Bakshy et al. 2011).

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import small_config
>>> cfg = small_config(experiment=SeedingComparisonConfig(replicates=10, ks=[1, 5]))
>>> out = run(cfg, tempfile.mkdtemp())
>>> sorted(out["summary"]["k"].unique().tolist())
[1, 5]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.study import Study, end_run
from simulator.analysis.stats import format_summary, paired_differences, summarize
from simulator.cascade_log import FUNNEL_TOTALS
from simulator.plots.arms import metric_curves
from simulator.runs.build import build_model, build_network, build_population
from simulator.runs.config import Config, ExperimentConfig
from simulator.seeding.arms import run_seeding_arms
from simulator.seeding.budgets import seed_costs

FUNNEL = list(FUNNEL_TOTALS)


@dataclass
class SeedingComparisonConfig(ExperimentConfig):
    """Settings of the seeding comparison (beyond ``seeding.strategies``)."""

    name: str = "seeding_comparison"
    replicates: int = 200
    ks: list[int] = field(default_factory=list)  # seed counts; empty: [seeding.k]
    budgets: list[float] = field(default_factory=list)  # equal-budget arms instead of ks
    cost_per_seed: float = 1.0
    cost_per_follower: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        for k in self.ks:
            if isinstance(k, bool) or not isinstance(k, int) or k < 1:
                raise ValueError(f"ks must list integers >= 1, got {list(self.ks)}")
        for b in self.budgets:
            if not b > 0:
                raise ValueError(f"budgets must be > 0, got {list(self.budgets)}")
        if self.ks and self.budgets:
            raise ValueError("give ks (equal numbers of seeds) or budgets (equal cost), not both")
        if self.cost_per_seed < 0 or self.cost_per_follower < 0:
            raise ValueError("cost_per_seed and cost_per_follower must be >= 0")
        if self.cost_per_seed + self.cost_per_follower <= 0:
            raise ValueError("cost_per_seed and cost_per_follower cannot both be 0")


def run(cfg: Config, outdir) -> dict:
    """Run the comparison described by ``cfg`` and write its outputs into ``outdir``.

    With ``experiment.shard=I/N`` only that shard's replicates run and only their
    rows are written (:func:`experiments.study.write_shard`).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp = cfg.experiment
    network = build_network(cfg.network, cfg.seed)
    population = build_population(cfg.population, network, cfg.seed)
    model = build_model(cfg.campaign, population)
    by_budget = bool(exp.budgets)
    sizes = list(exp.budgets) if by_budget else (list(exp.ks) or [cfg.seeding.k])
    cost = seed_costs(network, exp.cost_per_seed, exp.cost_per_follower) if by_budget else None

    frames = []
    for size in sizes:
        rows = run_seeding_arms(
            network,
            model,
            list(cfg.seeding.strategies),
            None if by_budget else size,
            exp.replicates,
            cfg.seed,
            redraw=cfg.seeding.redraw,
            budget=size if by_budget else None,
            population=population,
            cost=cost,
            replicate_range=exp.replicate_range(),
        )
        if not by_budget:
            rows["k_target"] = size
        frames.append(rows)
    rows = pd.concat(frames, ignore_index=True)
    if by_budget:
        for metric in ("reach", "conversions"):
            if metric in rows:
                rows[f"{metric}_per_cost"] = rows[metric] / rows["spent"]
    rows.insert(0, "experiment", exp.name)
    rows["network"] = network.name
    rows["model"] = cfg.campaign.kind
    return end_run(rows, cfg, outdir, finish) | {"network": network}


def finish(rows, cfg: Config, outdir) -> dict:
    """Write ``results.parquet`` and every table and figure derived from all the rows
    (the end of :func:`run`; ``campaign-report`` calls it on the merged shards)."""
    outdir = Path(outdir)
    exp = cfg.experiment
    rows.to_parquet(outdir / "results.parquet", index=False)
    strategies = list(cfg.seeding.strategies)
    by_budget = bool(exp.budgets)
    metrics = ["reach", *FUNNEL] if cfg.campaign.kind == "funnel" else ["reach"]
    if by_budget:
        metrics += [f"{m}_per_cost" for m in ("reach", "conversions") if m in rows]
    size_col = "budget" if by_budget else "k_target"
    summary = summarize(rows, metrics, by=("arm", size_col), level=exp.ci_level)
    summary = summary.rename(columns={"k_target": "k"})
    summary.to_csv(outdir / "summary.csv", index=False)
    comparison = pd.concat(
        [
            paired_differences(group, metrics, baseline=strategies[0], level=exp.ci_level).assign(
                **{size_col: size}
            )
            for size, group in rows.groupby(size_col)
        ],
        ignore_index=True,
    ).rename(columns={"k_target": "k"})
    comparison.to_csv(outdir / "comparison.csv", index=False)
    x = "budget" if by_budget else "k"
    if exp.figures:
        for metric in metrics:
            fig = metric_curves(
                summary,
                x,
                metric,
                level=exp.ci_level,
                title=f"{rows['network'].iloc[0]}: {cfg.campaign.kind}, "
                f"{exp.replicates} paired replicates",
            )
            fig.savefig(outdir / f"{metric}.png", dpi=120)
    text = format_summary(summary[summary["metric"] == "reach"], exp.ci_level, group=x)
    return {"rows": rows, "summary": summary, "comparison": comparison, "text": text}


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "seeding_comparison",
    run,
    "Which seeding strategy reaches most people, at equal seed counts or equal budgets?",
    schema=SeedingComparisonConfig,
    finish=finish,
    order=("k_target", "budget", "arm"),
)
