"""Figures. Built on ``matplotlib.figure.Figure`` (no pyplot, no window), so
they work headless, in notebooks and under Hydra alike.

Examples
--------
>>> import pandas as pd
>>> from simulator.analysis.stats import summarize
>>> rows = pd.DataFrame({"arm": ["a", "a", "b", "b"], "replicate": [0, 1, 0, 1],
...                      "reach": [3, 5, 8, 9]})
>>> fig = arm_comparison(rows, summarize(rows, ["reach"]), "reach")
>>> len(fig.axes)
2
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["arm_comparison", "metric_curves"]


def arm_comparison(
    rows: pd.DataFrame, summary: pd.DataFrame, metric: str, title: str = "", level: float = 0.95
) -> Figure:
    """Left: mean and CI per arm. Right: the distribution (CCDF) per arm.

    The CCDF panel shows what means hide: whether an arm wins by starting
    more large cascades or by making every cascade a little larger.
    """
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_mean, ax_dist = fig.subplots(1, 2)
    summ = summary[summary["metric"] == metric].reset_index(drop=True)
    y = np.arange(len(summ))
    colors = [f"C{i}" for i in range(len(summ))]
    for i, row in summ.iterrows():
        ax_mean.errorbar(
            row["mean"],
            i,
            xerr=[[row["mean"] - row["ci_low"]], [row["ci_high"] - row["mean"]]],
            fmt="o",
            color=colors[i],
            elinewidth=2,
            capsize=4,
        )
    ax_mean.set_yticks(y, summ["arm"])
    ax_mean.invert_yaxis()
    ax_mean.set_xlabel(f"mean {metric} ({level:.0%} CI)")
    ax_mean.grid(axis="x", alpha=0.3)
    for i, arm in enumerate(summ["arm"]):
        values = np.sort(rows.loc[rows["arm"] == arm, metric].to_numpy())
        ccdf = 1.0 - np.arange(values.size) / values.size
        ax_dist.step(values, ccdf, where="post", color=colors[i], label=str(arm))
    if (rows[metric] > 0).all():
        ax_dist.set_xscale("log")
    ax_dist.set_yscale("log")
    ax_dist.set_xlabel(metric)
    ax_dist.set_ylabel(f"P({metric} >= x)")
    ax_dist.legend(frameon=False)
    ax_dist.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def metric_curves(
    summary: pd.DataFrame, x: str, metric: str, title: str = "", level: float = 0.95
) -> Figure:
    """Mean of ``metric`` against ``x`` (seeds or budget), one line and CI band per arm.

    Examples
    --------
    >>> summary = pd.DataFrame({"arm": ["a", "a"], "k": [1, 5], "metric": ["reach"] * 2,
    ...                         "mean": [2.0, 6.0], "ci_low": [1.0, 5.0], "ci_high": [3.0, 7.0]})
    >>> metric_curves(summary, "k", "reach").axes[0].get_xlabel()
    'k'
    """
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    data = summary[summary["metric"] == metric]
    for i, (arm, group) in enumerate(data.groupby("arm", sort=False)):
        group = group.sort_values(x)
        ax.plot(group[x], group["mean"], marker="o", color=f"C{i}", label=str(arm))
        ax.fill_between(group[x], group["ci_low"], group["ci_high"], color=f"C{i}", alpha=0.2)
    ax.set_xlabel(x)
    ax.set_ylabel(f"mean {metric} ({level:.0%} CI)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig
