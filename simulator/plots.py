"""Figures. Built on ``matplotlib.figure.Figure`` (no pyplot, no window), so
they work headless, in notebooks and under Hydra alike.

Examples
--------
>>> import pandas as pd
>>> from simulator.results import summarize
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

__all__ = ["arm_comparison"]


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
