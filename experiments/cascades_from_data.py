"""Cascades from data: real retweet cascades, their sizes, depths, structural virality and K.

The study reads timestamped events (default: the Higgs Twitter activity file,
``A B t RT`` = A retweeted B) or a table of parent -> child links, builds the
forest of cascades with :mod:`simulator.analysis.cascade_import` (every user attached
to their earliest exposure; one tree per originator; the data problems found
are counted), and estimates from it:

- per cascade: size (users reached, root included), depth (generations) and
  structural virality (the mean distance between two users of the tree,
  Goel et al. 2016; undefined for a root alone);
- the viral coefficient ``K`` from the generation sizes ``Z_g`` pooled over
  cascades: per-generation ratios ``Z_{g+1} / Z_g``; Harris's estimator
  ``sum_{g=1}^{D} Z_g / sum_{g=0}^{D-1} Z_g`` (``D`` the deepest generation);
  the same from generation 1 on (``K_harris_gen1``); and the finished-cascade
  estimator ``(users - roots) / users`` (every user has had their chance).

Originators enter retweet data only when somebody retweets them, so
generation 0 is selected for having children and ``K_harris`` and
``K_finished`` overstate ``K``; ``K_harris_gen1`` (whether a retweeter is
retweeted in turn) does not suffer from it.

The metrics come from :mod:`simulator.analysis.metrics` (the log holds one tree per
replicate, so per-replicate metrics are per-cascade metrics) and the
estimators from :mod:`simulator.analysis.viral`. Confidence intervals are percentile
bootstraps over cascades (resampling whole trees) with
``experiment.replicates`` resamples, all drawn in a fixed order from the
generator ``stream(seed, "bootstrap")``. The file is ``data.path``,
found by the one data-path rule (:func:`simulator.runs.build.resolve_data_path`:
absolute as given, else relative to the launch directory, the repository or
the data folder; by default the Higgs file in the shared data folder).
The study reads no network, population, campaign or seeding settings.

Outputs
-------
``results.parquet``: one row per cascade (``arm`` = "data", ``replicate`` =
cascade index, ``seed``, ``cascade`` (the data's cascade id, else the root),
``root``, ``size`` = ``reach``, ``depth``, ``structural_virality``,
``children`` (generation 1), ``start_step``, ``start_time``,
``duration_hours``). ``summary.csv``: ``arm, metric, mean, ci_low, ci_high,
n`` (the mean per cascade of reach, depth and structural virality, and the K
point estimates, with bootstrap CIs; ``n`` = cascades). ``generations.csv``:
``Z_g`` and the ratios with CIs. ``data_report.csv`` / ``.json``: the cleaning
counts. Figures: ``cascade_sizes.png`` (log-log CCDF), ``generations.png``
(``Z_g`` with the K fits, the ratios) and ``reach_over_time.png``.

References
----------
T. E. Harris. Branching processes. Annals of Mathematical Statistics 19(4),
474-494, 1948.
S. Goel, A. Anderson, J. Hofman, D. J. Watts. The structural virality of
online diffusion. Management Science 62(1), 180-196, 2016.
B. Efron, R. J. Tibshirani. An Introduction to the Bootstrap. Chapman & Hall, 1993.
M. De Domenico, A. Lima, P. Mougel, M. Musolesi. The anatomy of a scientific
rumor. Scientific Reports 3, 2980, 2013.

Examples
--------
>>> import tempfile, pathlib
>>> from simulator.runs.config import DataConfig, small_config
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "links.csv").write_text("parent,child,time\\na,b,0\\na,c,60\\nb,d,4000\\n")
>>> exp = CascadesFromDataConfig(replicates=50, figures=False)  # format: from the header
>>> cfg = small_config(experiment=exp, data=DataConfig(path=str(tmp / "links.csv")))
>>> out = run(cfg, tmp)
>>> out["rows"][["root", "size", "depth", "structural_virality"]].values.tolist()
[['a', 4, 2, 1.6666666666666667]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.study import Study
from simulator.analysis import metrics, viral
from simulator.analysis.cascade_import import FORMATS, read_cascades
from simulator.analysis.cascade_types import ImportedCascades
from simulator.analysis.stats import format_summary
from simulator.plots.cascades import size_ccdf
from simulator.rng import stream
from simulator.runs.build import resolve_data_path
from simulator.runs.config import Config, ExperimentConfig

#: The default data set, relative to the data folder (the data-path rule finds it).
HIGGS = "higgs_twitter/higgs-activity_time.txt.gz"
ARM = "data"
K_METRICS = ("K_harris", "K_harris_gen1", "K_finished")


@dataclass
class CascadesFromDataConfig(ExperimentConfig):
    """Settings of the cascades-from-data study (``replicates``: bootstrap resamples)."""

    name: str = "cascades_from_data"
    replicates: int = 1000
    # "auto" (a header naming parent and child: parent_child, else events), "events"
    # (source target time kind) or "parent_child" (parent child time [cascade])
    format: str = "auto"
    kinds: list[str] = field(default_factory=lambda: ["RT"])  # events: kinds to use
    step_seconds: float = 3600.0
    # parent-child tables: trust the given parent links (None: yes for parent_child)
    trust_parents: bool | None = None

    def __post_init__(self):
        super().__post_init__()
        if self.format not in ("auto", *FORMATS):
            raise ValueError(
                f"format must be one of auto, {', '.join(FORMATS)}; got {self.format!r}"
            )
        if not self.kinds or not all(isinstance(k, str) and k for k in self.kinds):
            raise ValueError(f"kinds must list interaction kinds such as RT, got {self.kinds}")
        if not isinstance(self.step_seconds, (int, float)) or not self.step_seconds > 0:
            raise ValueError(f"step_seconds must be > 0, got {self.step_seconds!r}")


# ------------------------------------------------------------ tree metrics
def tree_table(casc: ImportedCascades) -> pd.DataFrame:
    """Per cascade: size, depth, structural virality, children of the root, timing.

    The log has one tree per replicate, so the per-replicate metrics of
    :mod:`simulator.analysis.metrics` are per-cascade metrics.
    """
    log = casc.log
    forest = metrics.cascade_forest(log)  # one root per replicate, in replicate order
    z = forest.generation_sizes()
    first = np.full(casc.replicates, np.inf)
    last = np.full(casc.replicates, -np.inf)
    np.minimum.at(first, log.replicate, casc.time)
    np.maximum.at(last, log.replicate, casc.time)
    return pd.DataFrame(
        {
            "cascade": _plain(casc.cascade),
            "root": _plain(casc.labels[casc.root]),
            "size": z.sum(axis=1),
            "reach": z.sum(axis=1),
            "depth": metrics.depth(log),
            "structural_virality": forest.structural_virality(),
            "children": z[:, 1] if z.shape[1] > 1 else 0,
            "start_step": forest.step[forest.roots],
            "start_time": first,
            "duration_hours": (last - first) / 3600.0,
        }
    )


def _plain(values: np.ndarray) -> np.ndarray:
    """Labels Parquet can store: object columns of mixed types become strings."""
    if values.dtype == object and len({type(v) for v in values}) > 1:
        return values.astype(str)
    return values


def estimates(
    casc: ImportedCascades, table: pd.DataFrame, rng, resamples: int, level: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Means per cascade and the K estimators with bootstrap CIs: ``(summary, generations)``.

    Every interval resamples whole cascades (:mod:`simulator.analysis.viral`), drawing
    from ``rng`` in a fixed order. ``K_harris_gen1`` is Harris's estimator on
    generations 1 .. D (generation 1 taken as the "seeds").
    """
    z = metrics.generation_sizes(casc.log)
    n = casc.replicates
    sv = table["structural_virality"].to_numpy(np.float64)
    valid = np.isfinite(sv)
    num = np.column_stack([table["reach"], table["depth"], np.where(valid, sv, 0.0)])
    den = np.column_stack([np.ones(n), np.ones(n), valid])
    mean, lo, hi = viral.bootstrap_ratio(num, den, rng, resamples, level)
    rows = [
        (ARM, name, *map(float, (mean[i], lo[i], hi[i])), n)
        for i, name in enumerate(["reach", "depth", "structural_virality"])
    ]
    nan = viral.KEstimate("none", np.nan, np.nan, np.nan, n, level)
    fits = {
        "K_harris": viral.harris_estimator(z, rng, n_boot=resamples, level=level)
        if z.shape[1] > 1
        else nan,
        "K_harris_gen1": viral.harris_estimator(z[:, 1:], rng, n_boot=resamples, level=level)
        if z.shape[1] > 2
        else nan,
        "K_finished": viral.finished_cascade_estimator(
            table["size"].to_numpy(), rng, n_boot=resamples, level=level
        ),
    }
    rows += [(ARM, k, e.estimate, e.ci_low, e.ci_high, n) for k, e in fits.items()]
    summary = pd.DataFrame(rows, columns=["arm", "metric", "mean", "ci_low", "ci_high", "n"])
    ratios = viral.generation_ratios(z, rng, n_boot=resamples, level=level)
    generations = pd.DataFrame({"generation": np.arange(z.shape[1]), "users": z.sum(axis=0)})
    generations = generations.merge(
        ratios[["generation", "estimate", "ci_low", "ci_high"]], on="generation", how="left"
    ).rename(columns={"estimate": "ratio"})
    return summary, generations


# ------------------------------------------------------------------ figures
def generations_figure(
    generations: pd.DataFrame, summary: pd.DataFrame, level: float, title: str = ""
) -> Figure:
    """Left: users per generation with the K fits. Right: per-generation ratios and K."""
    fig = Figure(figsize=(10, 4), layout="constrained")
    if title:
        fig.suptitle(title, fontsize=10)
    ax_z, ax_r = fig.subplots(1, 2)
    est = summary.set_index("metric")
    g, z = generations["generation"].to_numpy(), generations["users"].to_numpy()
    ax_z.plot(g, z, "o", color="C0", label="data (pooled)")
    k0, k1 = est.loc["K_harris", "mean"], est.loc["K_harris_gen1", "mean"]
    ax_z.plot(g, z[0] * k0**g, color="C1", label=f"Z0 K^g, Harris K = {k0:.3f}")
    if z.size > 1:
        ax_z.plot(g[1:], z[1] * k1 ** (g[1:] - 1.0), color="C2", label=f"from gen 1: K = {k1:.3f}")
    ax_z.set_yscale("log")
    ax_z.set_xlabel("generation")
    ax_z.set_ylabel("users")
    ax_z.legend(frameon=False, fontsize=8)
    ax_z.grid(alpha=0.3)
    ratios = generations.dropna(subset=["ratio"])
    err = np.vstack(
        [ratios["ratio"] - ratios["ci_low"], ratios["ci_high"] - ratios["ratio"]]
    ).clip(min=0)
    ax_r.errorbar(
        ratios["generation"], ratios["ratio"], yerr=np.nan_to_num(err), fmt="o", capsize=3
    )
    for name, color in (("K_harris", "C1"), ("K_harris_gen1", "C2")):
        row = est.loc[name]
        ax_r.axhline(row["mean"], color=color, label=name)
        ax_r.axhspan(row["ci_low"], row["ci_high"], color=color, alpha=0.15)
    ax_r.axhline(1.0, color="grey", ls=":", lw=1)
    if (ratios["ratio"] > 0).all() and len(ratios):
        ax_r.set_yscale("log")
    ax_r.set_xlabel("generation g")
    ax_r.set_ylabel(f"Z(g+1) / Z(g) ({level:.0%} CI)")
    ax_r.legend(frameon=False, fontsize=8)
    ax_r.grid(alpha=0.3)
    return fig


def reach_figure(casc: ImportedCascades, title: str = "") -> Figure:
    """Users reached over time: cumulative (top), new per step (bottom)."""
    fig = Figure(figsize=(6.5, 5), layout="constrained")
    if title:
        fig.suptitle(title, fontsize=10)
    ax_cum, ax_new = fig.subplots(2, 1, sharex=True)
    steps = casc.log.step
    new = np.bincount(steps)
    hours = np.arange(new.size) * casc.step_seconds / 3600.0
    ax_cum.plot(hours, np.cumsum(new), drawstyle="steps-post")
    ax_cum.set_ylabel("users reached")
    seeds = np.bincount(steps[casc.generation == 0], minlength=new.size)
    ax_new.plot(hours, new, drawstyle="steps-post", label="users")
    ax_new.plot(hours, seeds, drawstyle="steps-post", label="new cascades")
    ax_new.set_ylabel(f"new per {casc.step_seconds / 3600:g} h")
    ax_new.set_xlabel("hours since the first event")
    ax_new.legend(frameon=False)
    for ax in (ax_cum, ax_new):
        ax.grid(alpha=0.3)
    return fig


# ---------------------------------------------------------------------- run
def run(cfg: Config, outdir) -> dict:
    """Import the cascades named by ``cfg``, analyse them and write the outputs."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp = cfg.experiment
    path = resolve_data_path("data.path", cfg.data.path)
    casc = read_cascades(path, exp.format, list(exp.kinds), exp.step_seconds, exp.trust_parents)
    report = casc.report
    report.to_frame().to_csv(outdir / "data_report.csv", index=False)
    pd.Series(report.to_dict()).to_json(outdir / "data_report.json", indent=2)

    table = tree_table(casc)
    rng = stream(cfg.seed, "bootstrap")
    summary, generations = estimates(casc, table, rng, exp.replicates, exp.ci_level)
    rows = table.assign(arm=ARM, replicate=np.arange(len(table)), seed=cfg.seed)
    rows.insert(0, "experiment", exp.name)
    rows["dataset"] = path.name
    rows.to_parquet(outdir / "results.parquet", index=False)
    summary.to_csv(outdir / "summary.csv", index=False)
    generations.to_csv(outdir / "generations.csv", index=False)
    if exp.save_events:
        casc.to_frame().to_parquet(outdir / "events.parquet", index=False)
    if exp.figures:
        title = f"{path.name}: {len(table)} cascades, {report.nodes} users"
        size_ccdf({ARM: table["size"].to_numpy()}, title).savefig(
            outdir / "cascade_sizes.png", dpi=120
        )
        generations_figure(generations, summary, exp.ci_level, title).savefig(
            outdir / "generations.png", dpi=120
        )
        reach_figure(casc, title).savefig(outdir / "reach_over_time.png", dpi=120)
    text = "\n".join(
        [
            f"{path.name}: {report}; largest cascade {table['size'].max()} users",
            *report.lines(),
            format_summary(summary, exp.ci_level),
        ]
    )
    return {
        "rows": rows,
        "summary": summary,
        "generations": generations,
        "report": report,
        "cascades": casc,
        "network": None,
        "text": text,
    }


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "cascades_from_data",
    run,
    "How large, deep and viral are real cascades, and what is their K?",
    schema=CascadesFromDataConfig,
    reads=("data",),
    # Nothing is simulated: a row is a cascade of the data, and experiment.replicates
    # counts bootstrap resamples drawn one after another from one stream over all
    # cascades, so there are no independent replicates to split.
    unsharded="it simulates nothing: its rows are the data's cascades and its replicates "
    "are bootstrap resamples of all of them, drawn from one stream",
)
