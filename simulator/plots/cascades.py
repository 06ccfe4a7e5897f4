"""Figures of cascades: spread over time, size distributions, generations, critical mass.

Built on ``matplotlib.figure.Figure`` (no pyplot, no window), like
:mod:`simulator.plots.arms`. Each function takes plain arrays or tidy tables keyed
by a label (an arm, a viral coefficient) and returns the Figure.

Examples
--------
>>> import numpy as np
>>> curves = {"K=0.5": np.array([[1, 2, 2], [1, 1, 1]]), "K=2": np.array([[1, 3, 9], [1, 2, 6]])}
>>> fig = spread_curves(curves, n=10, target=0.5)
>>> fig.axes[0].get_ylabel()
'share of the network reached (95% CI)'
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator.analysis.metrics import ccdf
from simulator.analysis.stats import column_mean_ci

__all__ = ["spread_curves", "size_ccdf", "generation_fit", "critical_mass_curves"]


def spread_curves(
    curves: Mapping[str, np.ndarray],
    n: int | None = None,
    target: float | None = None,
    level: float = 0.95,
    xlabel: str = "step",
    title: str = "",
) -> Figure:
    """Mean cumulative reach against time, one line and CI band per label.

    Parameters
    ----------
    curves : mapping of label -> array (replicates, steps + 1)
        Cumulative reach per replicate (e.g. :func:`simulator.analysis.metrics.reach_by_step`);
        curves of different lengths are fine. The band is
        :func:`~simulator.analysis.stats.column_mean_ci` (none with a single replicate).
    n : int, optional
        Network size: plot the share of the network instead of counts.
    target : float, optional
        A share (with ``n``) or count to mark with a dashed line.
    """
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    scale = float(n) if n else 1.0
    for i, (label, values) in enumerate(curves.items()):
        mean, lo, hi = column_mean_ci(np.asarray(values) / scale, level)
        x = np.arange(mean.size)
        ax.plot(x, mean, color=f"C{i}", label=str(label))
        ax.fill_between(x, lo, hi, color=f"C{i}", alpha=0.2, lw=0)
    if target is not None:
        ax.axhline(target, color="grey", ls="--", lw=0.8)
    ax.set_xlabel(xlabel)
    what = "share of the network reached" if n else "reached"
    ax.set_ylabel(f"{what} ({level:.0%} CI)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def size_ccdf(sizes: Mapping[str, np.ndarray], title: str = "") -> Figure:
    """Log-log CCDF ``P(size >= s)`` of cascade sizes, one step line per label.

    At ``K = 1`` a branching process gives ``P(size >= s) ~ s^(-1/2)``; a
    dotted reference line of that slope is drawn through the first point.

    Examples
    --------
    >>> fig = size_ccdf({"K=1": np.array([1, 1, 2, 5, 40])})
    >>> fig.axes[0].get_xscale()
    'log'
    """
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    largest = 1.0
    for i, (label, values) in enumerate(sizes.items()):
        x, p = ccdf(values)
        if x.size == 0:
            continue
        ax.step(x, p, where="post", color=f"C{i}", label=f"{label} ({np.size(values)} cascades)")
        largest = max(largest, float(x[-1]))
    s = np.geomspace(1.0, max(largest, 2.0), 50)
    ax.plot(s, s**-0.5, color="black", ls=":", lw=1, label="slope -1/2 (K = 1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("cascade size s (nodes in one seed's tree)")
    ax.set_ylabel("P(size >= s)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def generation_fit(
    sizes: Mapping[str, np.ndarray],
    fits: Mapping[str, tuple[float, int]],
    level: float = 0.95,
    title: str = "",
) -> Figure:
    """Mean generation sizes (log scale, CI bars) with the fitted growth ``Z_0 K^g``.

    Parameters
    ----------
    sizes : mapping of label -> array (units, G + 1)
        Generation sizes, column 0 the seeds.
    fits : mapping of label -> (K, G)
        The fitted viral coefficient and the last generation of the fit; the
        line is solid up to ``G`` and dotted for three generations beyond.

    Examples
    --------
    >>> Z = np.array([[10, 15, 22], [10, 14, 24]])
    >>> len(generation_fit({"K=1.5": Z}, {"K=1.5": (1.5, 2)}).axes[0].lines) >= 2
    True
    """
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    low, high = np.inf, 0.0
    for i, (label, Z) in enumerate(sizes.items()):
        mean, lo, hi = column_mean_ci(Z, level)
        g = np.arange(mean.size)
        shown = mean > 0
        if shown.any():
            low, high = min(low, mean[shown].min()), max(high, mean[shown].max())
        ax.errorbar(
            g[shown],
            mean[shown],
            yerr=[np.clip(mean - lo, 0, None)[shown], np.clip(hi - mean, 0, None)[shown]],
            fmt="o",
            ms=3,
            elinewidth=0.8,
            color=f"C{i}",
            label=str(label),
        )
        if label in fits and np.isfinite(fits[label][0]) and fits[label][0] > 0:
            k_hat, last = fits[label]
            gg = np.arange(min(mean.size - 1, last + 3) + 1)
            line = mean[0] * k_hat ** gg.astype(np.float64)
            fit = gg <= last
            ax.plot(gg[fit], line[fit], color=f"C{i}", lw=1.2)
            ax.plot(
                gg[~fit | (gg == last)], line[~fit | (gg == last)], color=f"C{i}", lw=1, ls=":"
            )
    if high > 0:
        ax.set_ylim(low / 3, high * 3)
    ax.set_yscale("log")
    ax.set_xlabel("generation g (depth from the seeds)")
    ax.set_ylabel(f"mean size of generation g ({level:.0%} CI)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(frameon=False, fontsize=8, title="fit: Z0 K^g", title_fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def critical_mass_curves(
    table: pd.DataFrame,
    x: str = "viral_coefficient",
    y: str = "seeds_needed",
    theory: str | None = None,
    k_max: int | None = None,
    title: str = "",
) -> Figure:
    """Seeds needed against ``x`` (log scale), one line per ``arm``, theory dashed.

    ``table`` has columns ``arm``, ``x``, ``y`` and optionally ``theory``;
    missing values of ``y`` (the target was not met within ``k_max`` seeds)
    are drawn as open markers at ``k_max``.

    Examples
    --------
    >>> t = pd.DataFrame({"arm": ["random"] * 3, "viral_coefficient": [0.5, 1.0, 2.0],
    ...                   "seeds_needed": [np.nan, 40, 2]})
    >>> critical_mass_curves(t, k_max=100).axes[0].get_yscale()
    'log'
    """
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    for i, (arm, group) in enumerate(table.groupby("arm", sort=False)):
        group = group.sort_values(x)
        ax.plot(group[x], group[y], marker="o", color=f"C{i}", label=str(arm))
        missing = group[y].isna()
        if k_max is not None and missing.any():
            ax.scatter(
                group.loc[missing, x],
                np.full(missing.sum(), k_max),
                marker="^",
                facecolors="none",
                edgecolors=f"C{i}",
                label=f"{arm}: more than {k_max}",
            )
    if theory is not None and theory in table:
        th = table.drop_duplicates(x).sort_values(x)
        ax.plot(
            th[x], th[theory], color="black", ls="--", lw=1, label="theory, random seeds (large n)"
        )
    ax.axvline(1.0, color="grey", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("viral coefficient K" if x == "viral_coefficient" else x)
    ax.set_ylabel("seeds needed")
    ax.grid(alpha=0.3, which="both")
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return fig
