"""The charity appeal: the funnel calibrated to a blogger's published 48-hour figures.

The scene, its branches and the fitted parameters are described in
:mod:`simulator.calibration.charity`. The study

1. fits the six parameters to the 48-hour targets (``experiment.targets``:
   446 tweets, 92 donors, $4,352, about 62 strong-tie donors, an estimated
   3 million celebrity impressions, exactly one celebrity donation) by
   ABC-SMC (:func:`simulator.calibration.abc_smc`), with an **error model**
   for the figures that are estimates (``experiment.errors``: the lognormal
   sd of the tweet count and of the impressions estimate, the normal sd of
   "about 62" strong donors; the donor count, amount and celebrity donation
   are exact). The noise is added to each simulation before it is compared
   ("noisy ABC": exact under the error model as the tolerance shrinks). The
   distance compares :data:`~simulator.calibration.charity_summaries.COMPARED` (all but
   the impressions, which the scene fixes). Proposals are simulated by
   ``experiment.workers`` processes (0: every available core); the fit is the same for any number;
2. reports the posterior (``posterior.csv``: intervals and posterior vs
   prior width; ``pairs.png``) and a fit table (``fit.csv``: target,
   observed, posterior predictive mean and 95% interval of the published
   figure (with the error model's noise), the weak-tie donors (donors minus
   the strong-tie ones, not a target), plus the qualitative checks:
   strong-tie donors give more on average, the largest gift comes from
   someone owing favours);
3. predicts the **final amount** once donations stopped: the observed
   $4,352 plus what the posterior predicts after 48 hours (the discovery
   process and the cascades still running, simulated to
   ``experiment.horizon`` hours); ``summary.csv`` metric ``final_amount``;
4. runs the **counterfactuals** (no celebrities; celebrities only: one
   account with a million followers and no community; twice the community;
   half the favours owed; a reminder after 24 hours) on posterior draws:
   ``counterfactuals.csv`` and ``counterfactuals.png``.

This module runs the chain and writes its outputs. The settings and their
checks are in :mod:`experiments.charity_appeal_config`, the published
figures' scale and error model in
:mod:`simulator.calibration.charity_summaries`, the tables and figures in
:mod:`experiments.charity_appeal_figures`; their names are importable from
here too.

The fit is resumable: after every generation the sampler's state goes to
``experiment.checkpoint`` (default: :func:`default_checkpoint`, apart from
the outputs), and a rerun with the same settings continues from it. Final
outputs are written to a temporary name and renamed (atomic).

References
----------
See :mod:`simulator.calibration.charity` and :mod:`simulator.calibration.smc`.

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import small_config
>>> cfg = small_config(experiment=CharityAppealConfig(
...     scene="small", particles=30, generations=2, predictive_draws=10,
...     counterfactual_draws=4, figures=False))
>>> out = run(cfg, tempfile.mkdtemp())
>>> list(out["summary"].query("metric == 'final_amount'")["arm"])
['baseline']
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from experiments.charity_appeal_config import CharityAppealConfig, default_checkpoint
from experiments.charity_appeal_figures import (
    counterfactual_figure,
    fit_table,
    interval,
    pairs_figure,
    posterior_table,
)
from experiments.study import Study
from simulator.calibration import abc_smc
from simulator.calibration.charity import VARIANTS, CharityModel
from simulator.calibration.charity_scene import CharityScene
from simulator.calibration.charity_summaries import COMPARED_INDEX, summaries
from simulator.rng import stream
from simulator.runs.config import Config

__all__ = [
    "STUDY",
    "CharityAppealConfig",
    "counterfactual_figure",
    "pairs_figure",
    "run",
]


def _atomic_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def _atomic_fig(fig: Figure, path: Path) -> None:
    tmp = path.with_name(path.stem + ".tmp" + path.suffix)
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)


def _simulate_draws(model, fit, rng_name, seed, draws, variant, horizon):
    rng = stream(seed, rng_name)
    idx = fit.resample(rng, draws)
    rows = []
    for r, i in enumerate(idx):
        out = model.simulate(fit.theta[i], stream(seed, rng_name, r), variant, horizon)
        rows.append(
            {
                "scenario": variant,
                "draw": r,
                **dict(zip(fit.names, fit.theta[i], strict=True)),
                **out,
            }
        )
    return pd.DataFrame(rows)


def run(cfg: Config, outdir) -> dict:
    """Fit, predict and run the counterfactuals; write the outputs into ``outdir``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp, level = cfg.experiment, cfg.experiment.ci_level
    scene = CharityScene.small() if exp.scene == "small" else CharityScene()
    prior = exp.prior()
    if 2 * exp.priors["community"][1] > scene.max_community:
        raise ValueError(
            f"priors.community reaches {exp.priors['community'][1]:g}; twice that (the "
            f"counterfactual) must not exceed the scene's {scene.max_community} members"
        )
    model = CharityModel(scene, cfg.seed)
    observed = summaries(exp.targets)[COMPARED_INDEX]

    # a prior draw whose cascade floods the crowd costs hundreds of typical simulations and is
    # rejected all the same: the fit's simulations stop at ten times the observed tweets
    cap = 10 * exp.targets["tweets"]

    def simulate(theta, rng):
        values = model.simulate(theta, rng, max_tweets=cap)
        return summaries(values, exp.errors, rng)[COMPARED_INDEX]

    checkpoint = exp.checkpoint or default_checkpoint(outdir, exp, cfg.seed)
    fit = abc_smc(
        simulate,
        observed,
        prior,
        cfg.seed,
        particles=exp.particles,
        generations=exp.generations,
        quantile=exp.quantile,
        checkpoint=checkpoint,
        workers=exp.workers,
    )
    post = posterior_table(fit, prior, level)
    pred = _simulate_draws(
        model, fit, "charity.predictive", cfg.seed, exp.predictive_draws, "baseline", exp.horizon
    )
    fits = fit_table(pred, exp.targets, level, exp.errors, stream(cfg.seed, "charity.observe"))
    final = exp.targets["amount"] + pred["after48_amount"].to_numpy(float)
    cf = pd.concat(
        [
            _simulate_draws(
                model,
                fit,
                f"charity.counterfactual.{v}",
                cfg.seed,
                exp.counterfactual_draws,
                v,
                None,
            )
            for v in VARIANTS
        ],
        ignore_index=True,
    )
    rows = []
    mean, lo, hi = interval(final, level)
    rows.append(("baseline", "final_amount", mean, lo, hi, final.size))
    mean, lo, hi = interval(pred["after48_donors"].to_numpy(float), level)
    rows.append(("baseline", "after48_donors", mean, lo, hi, len(pred)))
    for v, part in cf.groupby("scenario", sort=False):
        for metric in ("donors", "amount", "tweets", "strong_donors", "weak_donors"):
            mean, lo, hi = interval(part[metric].to_numpy(float), level)
            rows.append((v, metric, mean, lo, hi, len(part)))
    # arm = scenario (the baseline posterior predictive, or a counterfactual)
    summary = pd.DataFrame(rows, columns=["arm", "metric", "mean", "ci_low", "ci_high", "n"])
    results = pd.concat([pred.assign(scenario="baseline"), cf], ignore_index=True)
    results.insert(0, "arm", results.pop("scenario"))
    results.insert(1, "replicate", results.groupby("arm", sort=False).cumcount())
    results.insert(0, "experiment", exp.name)
    results["seed"] = cfg.seed
    tmp = outdir / "results.parquet.tmp"
    results.to_parquet(tmp, index=False)
    os.replace(tmp, outdir / "results.parquet")
    _atomic_csv(summary, outdir / "summary.csv")
    _atomic_csv(post, outdir / "posterior.csv")
    _atomic_csv(fits, outdir / "fit.csv")
    _atomic_csv(
        summary[summary["metric"].isin(["donors", "amount", "tweets"])],
        outdir / "counterfactuals.csv",
    )
    particles = pd.DataFrame(fit.theta, columns=fit.names).assign(weight=fit.weights)
    _atomic_csv(particles, outdir / "particles.csv")
    if exp.figures:
        _atomic_fig(pairs_figure(fit, prior), outdir / "pairs.png")
        _atomic_fig(counterfactual_figure(cf, level), outdir / "counterfactuals.png")
    text = "\n".join(
        [
            f"ABC-SMC: {fit.simulations} simulations, tolerances "
            + ", ".join(f"{e:.3g}" for e in fit.epsilons)
            + "; acceptance "
            + ", ".join(f"{a:.2f}" for a in fit.acceptance),
            post.round(3).to_string(index=False),
            fits.round(2).to_string(index=False),
            f"final_amount: {summary.iloc[0]['mean']:.0f} "
            f"[{summary.iloc[0]['ci_low']:.0f}, {summary.iloc[0]['ci_high']:.0f}]",
        ]
    )
    return {
        "fit": fit,
        "posterior": post,
        "fit_table": fits,
        "summary": summary,
        "counterfactuals": cf,
        "rows": results,
        "network": model.blog[0].network,
        "text": text,
    }


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "charity_appeal",
    run,
    "What do a charity appeal's 48-hour figures say about strong and weak ties, and what next?",
    schema=CharityAppealConfig,
    reads=(),
    unsharded="ABC-SMC is sequential: each generation's particles are drawn from the previous "
    "generation's (experiment.workers runs a generation's simulations in parallel instead)",
    smoke=(
        "experiment.scene=small",
        "experiment.particles=30",
        "experiment.generations=2",
        "experiment.predictive_draws=10",
        "experiment.counterfactual_draws=4",
    ),
)
