"""Figures of a sweep: each metric against each swept parameter, one line per arm."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from simulator.runs.report.aggregate import SweepData

__all__ = ["sweep_figures"]

MAX_PANELS = 12


def _numeric(values) -> bool:
    return all(isinstance(v, int | float | np.integer | np.floating) for v in values)


def sweep_figures(data: SweepData, outdir: Path) -> list[Path]:
    """Each metric against each swept parameter: one panel per combination of the
    other swept parameters, one line (and CI band) per arm."""
    from matplotlib.figure import Figure

    summary = data.summary
    if summary.empty:
        return []
    study_cols = [
        c
        for c in summary.columns
        if c not in data.params
        and c not in ("metric", "mean", "ci_low", "ci_high", "n", "ci_method", "metric")
    ]
    swept = [p for p in data.swept if p not in data.pooled and p in summary.columns]
    # the root seed is a replicate of the whole run, not a parameter to plot against
    axes_of = [p for p in swept if p != "seed"]
    written = []
    outdir.mkdir(parents=True, exist_ok=True)
    for x in axes_of:
        others = [p for p in swept if p != x]
        for metric in dict.fromkeys(summary["metric"]):
            part = summary[(summary["metric"] == metric) & summary[x].notna()]
            if part.empty:
                continue
            panels = (
                list(part.groupby(others, sort=False, dropna=False)) if others else [((), part)]
            )
            panels = panels[:MAX_PANELS]
            ncols = min(3, len(panels))
            nrows = math.ceil(len(panels) / ncols)
            fig = Figure(figsize=(5.2 * ncols, 3.8 * nrows), layout="constrained")
            axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
            xs_all = list(dict.fromkeys(part[x]))
            numeric = _numeric(xs_all)
            for ax, (key, panel) in zip(axes, panels, strict=False):
                lines = [c for c in study_cols if c in panel and panel[c].notna().any()]
                groups = panel.groupby(lines, sort=False, dropna=False) if lines else [((), panel)]
                for i, (name, line) in enumerate(groups):
                    name = name if isinstance(name, tuple) else (name,)
                    label = ", ".join(str(v) for v in name) or metric
                    line = line.sort_values(x) if numeric else line
                    pos = line[x] if numeric else [xs_all.index(v) for v in line[x]]
                    color = f"C{i % 10}"
                    ax.plot(pos, line["mean"], marker="o", color=color, label=label)
                    ax.fill_between(pos, line["ci_low"], line["ci_high"], color=color, alpha=0.2)
                if not numeric:
                    ax.set_xticks(range(len(xs_all)), [str(v) for v in xs_all])
                ax.set_xlabel(x)
                ax.set_ylabel(f"mean {metric} ({data.level:.0%} CI)")
                ax.grid(alpha=0.3)
                key = key if isinstance(key, tuple) else (key,)
                if others:
                    ax.set_title(", ".join(f"{k}={v}" for k, v in zip(others, key, strict=True)))
                ax.legend(frameon=False, fontsize=8)
            for ax in axes[len(panels) :]:
                ax.set_visible(False)
            path = outdir / f"{_safe(metric)}_vs_{_safe(x)}.png"
            fig.savefig(path, dpi=110)
            written.append(path)
    return written


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in str(name))
