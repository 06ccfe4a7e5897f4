"""Quickstart: influencers (top degree) vs random seeds under independent cascade.

``campaign=funnel`` switches the spread to the full campaign funnel; the
tables then also hold impressions, clicks, shares, conversions and amount.

A 10,000-node scale-free network, 10 seeds per arm, 500 paired replicates
(both arms see the same random numbers in each replicate). Writes
``results.parquet`` (one row per arm x replicate), ``summary.csv`` (mean and
95% CI per arm), ``comparison.csv`` (paired differences against the first
arm), ``manifest.json`` and ``reach.png`` into ``outdir``.

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import small_config
>>> out = run(small_config(), tempfile.mkdtemp())
>>> sorted(out["summary"]["arm"])
['random', 'top_degree']
"""

from __future__ import annotations

from pathlib import Path

from experiments.study import Study, end_run
from simulator.analysis.stats import format_summary, paired_differences, summarize
from simulator.cascade_log import FUNNEL_TOTALS
from simulator.plots.arms import arm_comparison
from simulator.runs.build import build_model, build_network, build_population
from simulator.runs.config import Config
from simulator.seeding.arms import run_seeding_arms

METRICS = ["reach"]
FUNNEL_METRICS = ["reach", *FUNNEL_TOTALS]


def run(cfg: Config, outdir) -> dict:
    """Run the study described by ``cfg`` and write its outputs into ``outdir``.

    With ``experiment.shard=I/N`` only that shard's replicates run and only their
    rows are written (:func:`experiments.study.write_shard`).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    network = build_network(cfg.network, cfg.seed)
    population = build_population(cfg.population, network, cfg.seed)
    model = build_model(cfg.campaign, population)
    rows = run_seeding_arms(
        network,
        model,
        list(cfg.seeding.strategies),
        cfg.seeding.k,
        cfg.experiment.replicates,
        cfg.seed,
        redraw=cfg.seeding.redraw,
        population=population,
        replicate_range=cfg.experiment.replicate_range(),
    )
    rows.insert(0, "experiment", cfg.experiment.name)
    rows["network"] = network.name
    rows["model"] = cfg.campaign.kind
    return end_run(rows, cfg, outdir, finish) | {"network": network}


def finish(rows, cfg: Config, outdir) -> dict:
    """Write ``results.parquet`` and every table and figure derived from all the rows
    (the end of :func:`run`; ``campaign-report`` calls it on the merged shards)."""
    outdir = Path(outdir)
    rows.to_parquet(outdir / "results.parquet", index=False)
    metrics = FUNNEL_METRICS if cfg.campaign.kind == "funnel" else METRICS
    strategies = list(cfg.seeding.strategies)
    level = cfg.experiment.ci_level
    summary = summarize(rows, metrics, level=level)
    summary.to_csv(outdir / "summary.csv", index=False)
    comparison = paired_differences(rows, metrics, baseline=strategies[0], level=level)
    comparison.to_csv(outdir / "comparison.csv", index=False)
    if cfg.experiment.figures:
        fig = arm_comparison(
            rows,
            summary,
            "reach",
            level=level,
            title=f"{rows['network'].iloc[0]}: {cfg.seeding.k} seeds, "
            f"{cfg.experiment.replicates} paired replicates",
        )
        fig.savefig(outdir / "reach.png", dpi=120)
    return {
        "rows": rows,
        "summary": summary,
        "comparison": comparison,
        "text": format_summary(summary, level),
    }


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "quickstart",
    run,
    "Influencers (top degree) or random seeds: how far does the message reach?",
    finish=finish,
    order=("arm",),
)
