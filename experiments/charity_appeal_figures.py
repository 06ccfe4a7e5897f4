"""The charity-appeal study's tables and figures, from its fit and its simulated draws.

:func:`posterior_table` (``posterior.csv``) and :func:`pairs_figure`
(``pairs.png``) show the posterior against the prior; :func:`fit_table`
(``fit.csv``) the targets beside the posterior predictive of the published
figures (with the error model, :func:`~simulator.calibration.charity_summaries.observe`)
and the qualitative checks; :func:`counterfactual_figure`
(``counterfactuals.png``) the scenarios. :mod:`experiments.charity_appeal`
runs the study and writes them.

Examples
--------
>>> columns = TARGETS + ("weak_donors", "strong_amount", "weak_amount", "max_gift_owed")
>>> pred = pd.DataFrame({k: [1.0, 2.0, 3.0] for k in columns})
>>> table = fit_table(pred, dict.fromkeys(TARGETS, 2.0), level=0.5)
>>> table[["target", "mean", "ci_low", "ci_high"]].head(2).to_dict("split")["data"]
[['tweets', 2.0, 1.5, 2.5], ['donors', 2.0, 1.5, 2.5]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator.calibration import Prior, weighted_quantile
from simulator.calibration.charity_summaries import TARGETS, observe

__all__ = ["counterfactual_figure", "fit_table", "interval", "pairs_figure", "posterior_table"]


def interval(x, level: float) -> tuple[float, float, float]:
    """Mean and central ``level`` interval of ``x``: ``(mean, low, high)``."""
    return float(np.mean(x)), *np.quantile(x, [(1 - level) / 2, (1 + level) / 2]).tolist()


def posterior_table(fit, prior: Prior, level: float = 0.95) -> pd.DataFrame:
    """Per parameter: prior bounds, posterior mean and interval, posterior / prior width."""
    rows = []
    prior_width = prior.width(level)
    for i, name in enumerate(fit.names):
        lo, hi = fit.interval(i, level)
        median = float(weighted_quantile(fit.theta[:, i], fit.weights, 0.5))
        rows.append(
            {
                "parameter": name,
                "prior_low": prior.low[i],
                "prior_high": prior.high[i],
                "mean": float(fit.mean()[i]),
                "median": median,
                "ci_low": lo,
                "ci_high": hi,
                "width_ratio": (hi - lo) / prior_width[i],
            }
        )
    return pd.DataFrame(rows)


def pairs_figure(fit, prior: Prior) -> Figure:
    """Pair plot of the weighted posterior (resampled), with the prior box as axes limits."""
    d = len(fit.names)
    idx = fit.resample(np.random.default_rng(0), 1000)
    theta = fit.theta[idx]
    fig = Figure(figsize=(2.0 * d, 2.0 * d), layout="constrained")
    axes = fig.subplots(d, d)
    for i in range(d):
        for j in range(d):
            ax = axes[i, j]
            if i == j:
                ax.hist(theta[:, i], bins=30, color="C0")
            elif i > j:
                ax.scatter(theta[:, j], theta[:, i], s=2, alpha=0.3)
            else:
                ax.set_axis_off()
                continue
            if prior.log[j]:
                ax.set_xscale("log")
            if i != j and prior.log[i]:
                ax.set_yscale("log")
            if i == d - 1:
                ax.set_xlabel(fit.names[j], fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(fit.names[i], fontsize=8)
            ax.tick_params(labelsize=6)
    return fig


def fit_table(
    pred: pd.DataFrame, targets: dict, level: float = 0.95, errors: dict | None = None, rng=None
) -> pd.DataFrame:
    """Target, observed, posterior predictive mean and interval; then the qualitative checks.

    With ``errors`` (and ``rng``), the predictive of a figure with an error
    model is that of the published figure: the simulated value with its
    observation noise (:func:`observe`).
    """
    rows = []
    for key in TARGETS:
        values = pred[key].to_numpy(float)
        if errors is not None:
            values = observe(key, values, errors, rng)
        mean, lo, hi = interval(values, level)
        rows.append(
            {"target": key, "observed": targets[key], "mean": mean, "ci_low": lo, "ci_high": hi}
        )
    # weak-tie donors: not a separate target (donors minus "about 62"), reported beside them
    mean, lo, hi = interval(pred["weak_donors"].to_numpy(float), level)
    weak_observed = targets["donors"] - targets["strong_donors"]
    rows.append(
        {
            "target": "weak_donors",
            "observed": weak_observed,
            "mean": mean,
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    strong = pred["strong_amount"] / pred["strong_donors"].where(pred["strong_donors"] > 0)
    weak = pred["weak_amount"] / pred["weak_donors"].where(pred["weak_donors"] > 0)
    qualitative = {
        "P(strong-tie donors give more on average)": float((strong > weak).mean()),
        "P(largest gift from someone owing favours)": float(pred["max_gift_owed"].mean()),
    }
    for key, p in qualitative.items():
        rows.append(
            {"target": key, "observed": 1.0, "mean": p, "ci_low": np.nan, "ci_high": np.nan}
        )
    return pd.DataFrame(rows)


def counterfactual_figure(cf: pd.DataFrame, level: float = 0.95) -> Figure:
    """Donors, amount and tweets per scenario (48 hours), means with intervals."""
    fig = Figure(figsize=(11, 3.4), layout="constrained")
    for ax, metric in zip(fig.subplots(1, 3), ("donors", "amount", "tweets"), strict=True):
        for k, (_, part) in enumerate(cf.groupby("scenario", sort=False)):
            mean, lo, hi = interval(part[metric].to_numpy(float), level)
            ax.errorbar(mean, k, xerr=[[mean - lo], [hi - mean]], fmt="o", capsize=3)
        ax.set_yticks(range(cf["scenario"].nunique()), list(dict.fromkeys(cf["scenario"])))
        ax.invert_yaxis()
        ax.set_xscale("symlog", linthresh=1.0)
        ax.set_xlim(left=0.0)
        ax.set_xlabel(f"{metric} in 48 hours ({level:.0%} interval)")
    return fig
