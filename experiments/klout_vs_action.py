"""Klout-like scores vs action: does the ability to make content travel predict conversions?

A Klout-like score is computed the way such services computed theirs: from
the **observable record of cheap actions**, never from the model's hidden
parameters. Every sampled agent posts ``history_posts`` ordinary posts
(the campaign funnel with ``history_appeal`` and no ask: conversion rate 0);
its score is the mean number of clicks plus reshares those posts elicit
(:func:`klout_like_scores`). Its **actual influence on a costly action** is
the mean number of conversions credited to it: the conversions of a
campaign (``campaign``: donate or buy) that it starts alone
(:func:`single_seed_runs`, ``replicates`` runs per agent, the same
replicate keys for every agent and every cost).

The study reports the Spearman correlation of the two over the sampled
agents with a 95% interval (Fisher's z with the variance
(1 + rho^2 / 2) / (n - 3) of Bonett & Wright,
:func:`simulator.analysis.stats.spearman_ci`), a scatter plot, and a sweep
over how costly the action is (``conversion_rates`` x ``tie_exponents``:
conversions need ``strength ** tie_exponent``), on the synthetic
``network`` and on the real network ``real_path`` (an undirected edge
list; tie strength from neighbourhood overlap; found by the data-path rule
of :func:`simulator.runs.build.resolve_data_path`, by default in the shared data folder).
Where the correlation falls below ``threshold`` (0.3) the score no longer
says who moves people to act.

The credited conversions are estimates (``replicates`` runs), so the
correlation is attenuated by their noise; ``reliability`` in summary.csv
is the split-half reliability of the influence estimate (Spearman-Brown),
which bounds how high the correlation can be.

Runs in shards (``experiment.shard=I/N``): the replicates are the campaign
runs; a shard runs its block of them for every agent and setting and writes
one row per (setting, run, agent); :func:`finish` averages all runs per agent,
so the merged ``results.parquet`` (one row per agent and setting) and
``summary.csv`` equal the whole run's. The whole run keeps no such rows: it
averages each setting's runs as soon as they are run, with the same arrays.

References
----------
A. Rao, N. Spasojevic, Z. Li, T. DSouza. Klout score: measuring influence
across multiple social networks. IEEE Big Data 2015.
M. Cha, H. Haddadi, F. Benevenuto, K. P. Gummadi. Measuring user influence
in Twitter: the million follower fallacy. ICWSM 2010.
D. G. Bonett, T. A. Wright. Sample size requirements for estimating
Pearson, Kendall and Spearman correlations. Psychometrika 65(1), 23-28, 2000.
J.-P. Onnela et al. Structure and tie strengths in mobile communication
networks. PNAS 104(18), 2007 (overlap).

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import small_config, FunnelConfig
>>> cfg = small_config(campaign=FunnelConfig(), experiment=KloutVsActionConfig(
...     agents=60, replicates=10, history_posts=4, conversion_rates=[0.2],
...     tie_exponents=[0.0, 4.0], real_path=None, figures=False))
>>> out = run(cfg, tempfile.mkdtemp())
>>> sorted(out["summary"]["tie_exponent"].unique().tolist())
[0.0, 4.0]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.study import Study, write_shard
from simulator.analysis.stats import spearman_ci
from simulator.checks import integer, probability
from simulator.engine.run import run_cascades
from simulator.errors import check_memory
from simulator.network.ties import TieModel
from simulator.rng import replicate_key_block, replicate_keys, stream
from simulator.runs.build import (
    build_model,
    build_network,
    build_population,
    resolve_data_path,
)
from simulator.runs.config import Config, ExperimentConfig, FileNetworkConfig


@dataclass
class KloutVsActionConfig(ExperimentConfig):
    """Settings of the Klout-vs-action study."""

    name: str = "klout_vs_action"
    replicates: int = 200  # campaign runs per agent (credited conversions)
    agents: int = 800  # agents sampled among those with a follower
    history_posts: int = 10  # ordinary posts per agent behind its score
    history_appeal: float = 0.3  # appeal of ordinary posts
    conversion_rates: list[float] = field(default_factory=lambda: [0.05, 0.2, 0.6])
    tie_exponents: list[float] = field(default_factory=lambda: [0.0, 1.0, 2.0, 4.0])
    threshold: float = 0.3  # report where the correlation falls below this
    # the real network, found by the data-path rule (simulator.runs.build); null: none
    real_path: str | None = "facebook_ego_combined/facebook_combined.txt"

    def __post_init__(self):
        super().__post_init__()
        for name in ("agents", "history_posts"):
            integer(name, getattr(self, name), 2)
        probability("history_appeal", self.history_appeal)
        if not self.conversion_rates or any(not 0 <= r <= 1 for r in self.conversion_rates):
            raise ValueError(
                f"conversion_rates must be probabilities, got {list(self.conversion_rates)}"
            )
        if not self.tie_exponents or any(not e >= 0 for e in self.tie_exponents):
            raise ValueError(f"tie_exponents must be >= 0, got {list(self.tie_exponents)}")
        for name in ("conversion_rates", "tie_exponents"):  # one setting, one table row
            if len(set(values := list(getattr(self, name)))) != len(values):
                raise ValueError(f"{name} lists a value twice: {values}")
        if not -1.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (-1, 1), got {self.threshold}")
        if self.real_path is not None and not str(self.real_path).strip():
            raise ValueError("real_path must name a network file, or be null for none")


def single_seed_runs(network, model, agents, keys) -> dict[str, np.ndarray]:
    """Each agent's cascades started alone, one per key: ``(agents, len(keys))`` totals.

    Run ``j`` of every agent uses ``keys[j]`` (common random numbers across
    agents); a run's totals depend only on its agent and its key, so a block of
    the keys gives that block of the columns (what a shard computes).
    """
    agents = np.asarray(agents, np.int64)
    runs = len(keys)
    seeds = np.repeat(agents, runs)[:, None]
    res = run_cascades(
        network, seeds, model, seeds.shape[0], 0, log=False, keys=np.tile(keys, len(agents))
    )
    return {name: v.reshape(len(agents), runs) for name, v in res.totals.items()}


def single_seed_totals(network, model, agents, runs, keys) -> dict[str, np.ndarray]:
    """Each agent's cascades started alone: mean totals per agent over ``runs`` runs.

    ``keys`` (``runs`` replicate keys) are the same for every agent.
    """
    per_run = single_seed_runs(network, model, agents, keys[:runs])
    return {name: v.mean(axis=1) for name, v in per_run.items()}


def klout_like_scores(network, campaign, agents, posts, appeal, keys) -> np.ndarray:
    """Mean clicks plus reshares elicited by an agent's ordinary posts (its public record).

    ``campaign`` gives the world (population, schedule); the posts carry
    ``appeal`` and no ask, so only cheap actions happen.
    """
    ordinary = dataclasses.replace(campaign, appeal=appeal, conversion_rate=0.0, amount=0.0)
    totals = single_seed_totals(network, ordinary, agents, posts, keys)
    return totals["clicks"] + totals["shares"]


def split_half_reliability(runs: np.ndarray) -> float:
    """Spearman-Brown reliability of the per-agent mean, from odd and even runs."""
    a, b = runs[:, 0::2].mean(axis=1), runs[:, 1::2].mean(axis=1)
    r = spearman_ci(a, b)[0]  # NaN, not a warning, when a half is constant (no conversions)
    return 2 * r / (1 + r) if np.isfinite(r) and r > -1 else float("nan")


def _world(cfg: Config, which: str, real_file: Path | None):
    if which == "synthetic":
        return build_network(cfg.network, cfg.seed)
    real = FileNetworkConfig(path=str(real_file), directed=False, ties=TieModel(kind="overlap"))
    return build_network(real, cfg.seed)


#: The totals kept per campaign run (the per-agent means and the reliability need them).
RUN_TOTALS = ("conversions", "clicks", "shares")
#: The loops outside the campaign runs: world, conversion rate, tie exponent.
SETTINGS = ["arm", "conversion_rate", "tie_exponent"]
#: Peak bytes per campaign-run row a shard keeps: the rows and their concatenated copy (~240).
RUN_ROW_BYTES = 256


@dataclass(frozen=True)
class _Agents:
    """One world's sampled agents: the same in every shard (drawn and scored in full by each)."""

    which: str  # "synthetic" or "real"
    network: object
    base: object  # the world's campaign model, before each setting's rate and exponent
    nodes: np.ndarray
    followers: np.ndarray
    score: np.ndarray


def _sample_agents(cfg, which, real_file=None) -> _Agents:
    """Build world ``which``, sample its agents and compute their Klout-like scores."""
    exp = cfg.experiment
    network = _world(cfg, which, real_file)
    population = build_population(cfg.population, network, cfg.seed)
    base = build_model(cfg.campaign, population)
    eligible = np.flatnonzero(network.out_degree() > 0)
    rng = stream(cfg.seed, f"klout.agents.{which}")
    agents = np.sort(rng.choice(eligible, min(exp.agents, eligible.size), replace=False))
    history = replicate_keys(cfg.seed, exp.history_posts, "klout.history")
    score = klout_like_scores(
        network, base, agents, exp.history_posts, exp.history_appeal, history
    )
    return _Agents(which, network, base, agents, network.out_degree()[agents], score)


def _setting_runs(world: _Agents, exp, keys):
    """Per (conversion rate, tie exponent), in the study's order: ``(rate, expo, per_run)``,
    the ``(agents, len(keys))`` totals of the campaign runs with ``keys``."""
    for rate in exp.conversion_rates:
        for expo in exp.tie_exponents:
            model = dataclasses.replace(world.base, conversion_rate=rate, tie_exponent=expo)
            yield rate, expo, single_seed_runs(world.network, model, world.nodes, keys)


def _run_rows(world: _Agents, rate, expo, runs, per_run) -> pd.DataFrame:
    """A shard's rows of one setting: one per (run, agent), runs outside agents;
    ``replicate`` is the run (its key is the whole run's ``replicate_keys(seed,
    replicates)[run]``)."""
    frame = pd.DataFrame(
        {
            "arm": world.which,
            "conversion_rate": rate,
            "tie_exponent": expo,
            "replicate": np.repeat(runs, len(world.nodes)),
            "node": np.tile(world.nodes, len(runs)),
            "followers": np.tile(world.followers, len(runs)),
            "klout": np.tile(world.score, len(runs)),
        }
    )
    for name in RUN_TOTALS:  # (agents, runs) -> runs outside agents
        frame[name] = per_run[name].T.ravel()
    return frame.assign(network_name=world.network.name)


def _setting_tables(which, rate, expo, agents, per_run, exp):
    """One setting's per-agent rows and correlation from its ``(agents, runs)`` totals of all
    runs; ``agents`` is ``(nodes, followers, score, network_name)``. The whole run and
    :func:`agent_tables` (merged shards) both end here with the same arrays, so their
    means and correlations are the same to the bit."""
    nodes, followers, score, network_name = agents
    # (agents, runs), contiguous: each mean is summed in the same order in both paths
    per_run = {name: np.ascontiguousarray(per_run[name]) for name in RUN_TOTALS}
    conv_runs = per_run["conversions"]
    conv = conv_runs.mean(axis=1)
    rho, lo, hi = spearman_ci(score, conv, exp.ci_level)
    summary = {
        "network": which,
        "conversion_rate": rate,
        "tie_exponent": expo,
        "metric": "spearman",
        "mean": rho,
        "ci_low": lo,
        "ci_high": hi,
        "n": len(score),
        "reliability": split_half_reliability(conv_runs),
        "below_threshold": bool(rho < exp.threshold),
        "network_name": network_name,
    }
    rows = pd.DataFrame(
        {
            "network": which,
            "conversion_rate": rate,
            "tie_exponent": expo,
            "node": nodes,
            "followers": followers,
            "klout": score,
            "conversions": conv,
            "clicks": per_run["clicks"].mean(axis=1),
            "shares": per_run["shares"].mean(axis=1),
            "network_name": network_name,
        }
    )
    return rows, summary


def agent_tables(runs: pd.DataFrame, cfg: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-agent rows and the correlations, from the campaign-run rows of all runs.

    For each (world, conversion rate, tie exponent), in the order they come,
    the agent's mean totals over the runs and the Spearman correlation of its
    score with its mean conversions (with the split-half reliability).
    """
    exp = cfg.experiment
    rows, summary = [], []
    for (which, rate, expo), g in runs.groupby(SETTINGS, sort=False):
        count = g["replicate"].nunique()
        nodes = g["node"].to_numpy().reshape(count, -1)
        if not (nodes == nodes[0]).all():
            raise ValueError(f"klout_vs_action: the runs of {which} list different agents")
        first = g.iloc[: nodes.shape[1]]
        # (runs, agents) rows -> (agents, runs)
        per_run = {name: g[name].to_numpy().reshape(count, -1).T for name in RUN_TOTALS}
        agents = (*(first[c].to_numpy() for c in ("node", "followers", "klout")),)
        agents += (first["network_name"].iloc[0],)
        table, line = _setting_tables(which, rate, expo, agents, per_run, exp)
        rows.append(table)
        summary.append(line)
    return pd.concat(rows, ignore_index=True), pd.DataFrame(summary)


def klout_figure(rows: pd.DataFrame, summary: pd.DataFrame, threshold: float) -> Figure:
    """Left: score vs credited conversions at the costliest setting. Right: rho vs tie exponent."""
    nets = list(summary["network"].unique())
    fig = Figure(figsize=(10, 3.6 * len(nets)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(nets), 2))
    for i, net in enumerate(nets):
        ax_sc, ax_rho = axes[i]
        sub = rows[rows["network"] == net]
        for j, expo in enumerate(sorted(sub["tie_exponent"].unique())):
            part = sub[
                (sub["tie_exponent"] == expo)
                & (sub["conversion_rate"] == sub["conversion_rate"].max())
            ]
            ax_sc.scatter(
                part["klout"],
                part["conversions"] + 1e-3,
                s=6,
                alpha=0.5,
                color=f"C{j}",
                label=f"tie exponent {expo:g}",
            )
        ax_sc.set_xscale("symlog")
        ax_sc.set_yscale("log")
        ax_sc.set_xlabel("Klout-like score (clicks + reshares per ordinary post)")
        ax_sc.set_ylabel("credited conversions (+0.001)")
        ax_sc.set_title(f"{net}: highest conversion rate", fontsize=9)
        ax_sc.legend(frameon=False, fontsize=7)
        s = summary[summary["network"] == net]
        for j, rate in enumerate(sorted(s["conversion_rate"].unique())):
            part = s[s["conversion_rate"] == rate].sort_values("tie_exponent")
            ax_rho.errorbar(
                part["tie_exponent"],
                part["mean"],
                yerr=[part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]],
                fmt="o-",
                capsize=3,
                color=f"C{j}",
                label=f"conversion rate {rate:g}",
            )
        ax_rho.axhline(threshold, color="k", lw=0.8, ls="--")
        ax_rho.set_xlabel("tie exponent (how costly: conversions ~ strength^e)")
        ax_rho.set_ylabel("Spearman rho (95% CI)")
        ax_rho.legend(frameon=False, fontsize=7)
    return fig


def run(cfg: Config, outdir) -> dict:
    """Run the Klout-vs-action study described by ``cfg`` and write its outputs into ``outdir``.

    With ``experiment.shard=I/N`` only that shard's campaign runs (replicates)
    are run, for every agent and setting, and only their rows are written
    (:func:`experiments.study.write_shard`); :func:`finish` turns the rows of
    all runs into the per-agent table and the correlations. The whole run
    reduces each setting's runs as soon as they are run (it does not keep the
    campaign-run rows: 0.4 GB at the default size instead of 1.3 GB) and
    writes what :func:`finish` would write from its rows, byte for byte.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp = cfg.experiment
    if cfg.campaign.kind != "funnel":
        raise ValueError("klout_vs_action needs the campaign funnel: campaign=funnel")
    worlds = ["synthetic"] + ([] if exp.real_path is None else ["real"])
    # found before the synthetic world runs, so a wrong path fails at once
    real_file = None
    if exp.real_path is not None:
        real_file = resolve_data_path("experiment.real_path", exp.real_path)
    span = exp.replicate_range()
    sharded = exp.shard is not None
    if sharded:
        settings = len(exp.conversion_rates) * len(exp.tie_exponents)
        count = len(worlds) * settings * len(span) * exp.agents
        check_memory(
            f"klout_vs_action's campaign-run rows ({count:,}: "
            "networks x settings x runs x agents)",
            count * RUN_ROW_BYTES,
            "experiment.replicates or experiment.agents",
        )
    keys = replicate_key_block(cfg.seed, exp.replicates, span)
    runs = np.arange(span.start, span.stop)
    frames, network = [], None
    for which in worlds:
        world = _sample_agents(cfg, which, real_file)
        network = network or world.network
        agents = (world.nodes, world.followers, world.score, world.network.name)
        for rate, expo, per_run in _setting_runs(world, exp, keys):
            if sharded:
                frames.append(_run_rows(world, rate, expo, runs, per_run))
            else:  # this setting's per-agent rows and correlation
                frames.append(_setting_tables(which, rate, expo, agents, per_run, exp))
    if sharded:
        out = write_shard(pd.concat(frames, ignore_index=True), cfg, outdir)
    else:
        tables, summary = zip(*frames, strict=True)
        rows = pd.concat(tables, ignore_index=True)
        out = write_tables(rows, pd.DataFrame(list(summary)), cfg, outdir)
    return out | {"network": network}


def finish(runs: pd.DataFrame, cfg: Config, outdir) -> dict:
    """Write ``results.parquet`` (one row per agent and setting), ``summary.csv`` and the
    figure from the campaign-run rows of all runs (``campaign-report`` calls it on the
    merged shards' rows; the whole run writes the same files without keeping those rows)."""
    return write_tables(*agent_tables(runs, cfg), cfg, Path(outdir))


def write_tables(rows: pd.DataFrame, summary: pd.DataFrame, cfg: Config, outdir) -> dict:
    """Write ``results.parquet``, ``summary.csv`` and the figure from the per-agent rows
    and the correlations of :func:`agent_tables` (the end of the whole run and of
    :func:`finish`)."""
    outdir = Path(outdir)
    exp = cfg.experiment
    # arm = the world (synthetic or real network); replicate = the agent's row in its world
    rows.insert(0, "arm", rows["network"].to_numpy())
    rows.insert(1, "replicate", rows.groupby("arm", sort=False).cumcount())
    rows.insert(0, "experiment", exp.name)
    rows["seed"] = cfg.seed
    rows.to_parquet(outdir / "results.parquet", index=False)
    summary.to_csv(outdir / "summary.csv", index=False)
    if exp.figures:
        klout_figure(rows, summary, exp.threshold).savefig(outdir / "klout_vs_action.png", dpi=120)
    lines = [f"{'network':<10} {'conv':>5} {'expo':>5}  rho [95% CI]            reliability"]
    for r in summary.to_dict("records"):
        mark = "  < threshold" if r["below_threshold"] else ""
        lines.append(
            f"{r['network']:<10} {r['conversion_rate']:>5g} {r['tie_exponent']:>5g}  "
            f"{r['mean']:+.2f} [{r['ci_low']:+.2f}, {r['ci_high']:+.2f}]     "
            f"{r['reliability']:.2f}{mark}"
        )
    return {"rows": rows, "summary": summary, "text": "\n".join(lines)}


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "klout_vs_action",
    run,
    "Does a Klout-like score (cheap actions elicited) say who moves people to a costly action?",
    schema=KloutVsActionConfig,
    reads=("network", "population", "campaign"),
    finish=finish,
    order=tuple(SETTINGS),  # world, conversion rate, tie exponent; then runs
    smoke=(
        "experiment.agents=30",
        "experiment.history_posts=3",
        "experiment.conversion_rates=[0.2]",
        "experiment.tie_exponents=[0.0,2.0]",
    ),
)
