"""Contest: players with personal links compete for clicks on one crowd; who is influential?

The Influence Project of 2010 (part 1 of the study, issue 11): ``players``
people of the crowd each get a personal link and play a strategy from the
registry :data:`simulator.contest.strategies.STRATEGIES` (the ``mix``:
honest, enthusiast, spammer, deceiver, sybil, ring, manipulator). All links
spread in the same run over the same crowd, whose attention is shared
(:mod:`simulator.contest.kernel`). The study runs ``replicates`` scored
contests and estimates every player's **true influence** (expected genuine
actions when everyone plays honest) from ``true_replicates`` all-honest
contests on disjoint random numbers, and the **reference** Kendall tau-b
between true influence and one fresh all-honest run
(:mod:`simulator.contest.influence`).

Outputs
-------
``results.parquet``: one row per player x scored replicate: ``arm`` (the
player's strategy), ``replicate``, ``seed``, ``replicate_key``, ``link``,
``player`` (node), ``reach`` (people who read the link), the kernel's per-link
totals (posts, impressions, clicks, fake and planned clicks, shares,
conversions, genuine actions, unfollows, reports, trust lost...) and
``true_influence`` with its standard error.
``summary.csv``: per strategy, the mean over replicates of the per-player
means of clicks, conversions, genuine actions and true influence (Student-t
CI over replicates), plus one row ``arm = all, metric = reference_tau``.
``players.csv``: per player, strategy, mean clicks, conversions, genuine
actions and true influence. ``contest.png``: clicks against true influence
per player, coloured by strategy. With ``save_events``, the first scored
contest's events: ``events.parquet`` (the contest's table, hidden flags
included), ``clicks.parquet`` (its public record's clicks) and
``cascade_log.parquet`` (its :class:`~simulator.cascade_log.CascadeLog`,
with the ``link`` each post, click, reshare and conversion belongs to).

Runs in shards (``experiment.shard=I/N``): the scored contests are
independent replicates, contest ``r`` keyed by key ``r`` of
``contest.scored``; every shard computes true influence and the reference
in full (they read no scored contest), so the merged shards are the whole run.

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import ErdosRenyiConfig, small_config
>>> cfg = small_config(experiment=ContestConfig(players=30, replicates=4, true_replicates=20,
...                                             figures=False))
>>> out = run(cfg, tempfile.mkdtemp())
>>> sorted(out["players"]["strategy"].unique())[:3]
['deceiver', 'enthusiast', 'honest']
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.study import Study, write_shard
from simulator.analysis.stats import summarize
from simulator.contest import Contest, ContestSettings, contest_keys
from simulator.contest.influence import reference_tau, true_influence
from simulator.contest.record import public_record
from simulator.runs.build import build_network, build_population
from simulator.runs.config import Config, ExperimentConfig

METRICS = ["clicks", "conversions", "genuine_actions", "true_influence"]
#: The column that carries the reference tau-b from the shards' rows to :func:`finish`.
REFERENCE = "reference_tau"


@dataclass
class ContestConfig(ExperimentConfig, ContestSettings):
    """Settings of the contest study: the contest's own (:class:`ContestSettings`,
    flattened into ``experiment.*``) plus how many all-honest contests estimate
    true influence."""

    name: str = "contest"
    replicates: int = 20  # scored contests
    true_replicates: int = 200  # all-honest contests behind true influence

    def __post_init__(self):
        ExperimentConfig.__post_init__(self)
        ContestSettings.__post_init__(self)
        if isinstance(self.true_replicates, bool) or not (
            isinstance(self.true_replicates, int) and self.true_replicates >= 2
        ):
            raise ValueError(
                f"true_replicates must be an integer >= 2, got {self.true_replicates!r}"
            )

    def settings(self) -> ContestSettings:
        """The contest's settings alone."""
        names = {f.name for f in fields(ContestSettings)}
        return ContestSettings(**{k: getattr(self, k) for k in names})


def contest_figure(players: pd.DataFrame, title: str = "") -> Figure:
    """Mean clicks against true influence per player, one colour per strategy."""
    fig = Figure(figsize=(6.5, 4.5), layout="constrained")
    ax = fig.subplots()
    for i, (strategy, group) in enumerate(players.groupby("strategy")):
        ax.scatter(
            group["true_influence"] + 0.1,
            group["clicks"] + 0.1,
            s=14,
            color=f"C{i}",
            label=strategy,
            alpha=0.8,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("true influence (genuine actions, all honest) + 0.1")
    ax.set_ylabel("clicks per contest (mean) + 0.1")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def format_table(players: pd.DataFrame, tau: float) -> str:
    """Per strategy: players and mean clicks, conversions, genuine actions, true influence."""
    by = players.groupby("strategy")
    table = by[METRICS].mean().round(2)
    table.insert(0, "players", by.size())
    return f"{table.to_string()}\n\nreference Kendall tau-b (one all-honest run): {tau:.3f}"


def run(cfg: Config, outdir) -> dict:
    """Run the contest study described by ``cfg`` and write its outputs into ``outdir``.

    With ``experiment.shard=I/N`` only that shard's scored contests run (contest
    ``r`` with the whole run's key ``r``) and only their rows are written
    (:func:`experiments.study.write_shard`); true influence and the reference
    tau are computed in full by every shard (the same numbers in each), and
    carried in the rows for :func:`finish`.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp = cfg.experiment
    if not isinstance(exp, ContestConfig):
        raise ValueError("the contest study needs experiment settings of type ContestConfig")
    network = build_network(cfg.network, cfg.seed)
    population = build_population(cfg.population, network, cfg.seed)
    contest = Contest(network, population, exp.settings(), cfg.seed)
    keys = contest_keys(cfg.seed, exp.replicates)  # the whole run's keys, in every shard
    span = exp.replicate_range()
    scored = contest.run(keys[span.start : span.stop])
    truth = true_influence(contest, exp.true_replicates)
    tau = reference_tau(contest, truth["true_influence"])

    rows = scored.per_link()
    rows["replicate"] += span.start
    rows.insert(0, "experiment", exp.name)
    rows.insert(1, "arm", rows["strategy"])
    rows.insert(3, "seed", cfg.seed)
    rows.insert(4, "replicate_key", keys[rows["replicate"].to_numpy()])
    rows = rows.merge(truth[["link", "true_influence", "se"]], on="link")
    rows = rows.rename(columns={"se": "true_influence_se"})
    rows["network"] = network.name
    rows[REFERENCE] = tau  # for finish; not a column of results.parquet
    if exp.shard is not None:
        return write_shard(rows, cfg, outdir)
    out = finish(rows, cfg, outdir, contest=contest)
    return out | {"true_influence": truth, "contest": contest, "network": network}


def finish(rows: pd.DataFrame, cfg: Config, outdir, contest: Contest | None = None) -> dict:
    """Write ``results.parquet`` and every table and figure derived from all the rows
    (the end of :func:`run`; ``campaign-report`` calls it on the merged shards).

    ``contest`` is needed only with ``save_events`` (the first scored contest's
    events); without it the contest is built again from ``cfg``.
    """
    outdir = Path(outdir)
    exp = cfg.experiment
    taus = rows.pop(REFERENCE).unique()
    if taus.size != 1:  # every shard computes it in full: one value
        raise ValueError(f"the shards' reference tau-b disagree: {taus.tolist()}")
    tau = float(taus[0])
    rows.to_parquet(outdir / "results.parquet", index=False)

    per_replicate = rows.groupby(["arm", "replicate"], as_index=False)[METRICS].mean()
    summary = summarize(per_replicate, METRICS, level=exp.ci_level)
    reference = pd.DataFrame(
        [("all", "reference_tau", tau, np.nan, np.nan, 1)], columns=summary.columns
    )
    summary = pd.concat([summary, reference], ignore_index=True)
    summary.to_csv(outdir / "summary.csv", index=False)
    players = rows.groupby(["link", "player", "strategy"], as_index=False)[METRICS].mean()
    players.to_csv(outdir / "players.csv", index=False)
    if exp.save_events:
        if contest is None:
            network = build_network(cfg.network, cfg.seed)
            population = build_population(cfg.population, network, cfg.seed)
            contest = Contest(network, population, exp.settings(), cfg.seed)
        events = contest.run(contest_keys(cfg.seed, 1), record=1)
        public_record(events).clicks.to_parquet(outdir / "clicks.parquet", index=False)
        events.events.to_parquet(outdir / "events.parquet", index=False)
        events.log.to_frame().to_parquet(outdir / "cascade_log.parquet", index=False)
    if exp.figures:
        fig = contest_figure(
            players,
            f"{rows['network'].iloc[0]}: {exp.players} players, {exp.replicates} contests; "
            f"reference tau-b {tau:.2f}",
        )
        fig.savefig(outdir / "contest.png", dpi=120)
    return {
        "rows": rows,
        "summary": summary,
        "players": players,
        "reference_tau": tau,
        "text": format_table(players, tau),
    }


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "contest",
    run,
    "Who wins a most-clicks influence contest, and how far is it from true influence?",
    schema=ContestConfig,
    reads=("network", "population"),
    finish=finish,
    order=(),
)
