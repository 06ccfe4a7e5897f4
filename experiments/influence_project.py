"""Influence Project, part 2: which scoring rule crowns true influence and resists gamers?

Every rule of :data:`simulator.contest.scoring.RULES` (the arms) scores the
same contests (the same replicate keys), reading only each run's public
record; the study compares the rankings with true influence (all-honest
contests on disjoint random numbers, :mod:`simulator.contest.influence`),
measures the gaming premium of each gaming strategy on common random numbers
(:mod:`simulator.contest.evaluation`) and searches for the best rank an
adaptive attacker reaches (:mod:`simulator.contest.attack`).

Defaults and why (docs/contest.md, "Defaults and why"): a crowd of 100,000
people whose follower counts have Twitter's power-law tail
(``network=follower_powerlaw_100k``, exponent 2.276, Kwak et al. 2010), 1,000
players placed at random (``placement=random``: the 2010 contest was an open
sign-up), 20% gamers with part 1's documented parameters (issue 12).
Attackers are honest players outside the true top 10 (one already there
reaches the top 10 without gaming, which says nothing about a rule).

Premiums (``premium_*``): ``premium_players`` sampled honest players switch
together (``premium_design=joint``, :func:`~simulator.contest.evaluation.joint_premiums`;
``single`` switches one at a time, exact but ``premium_players`` times
slower), in batches of ``premium_replicates`` keys until every premium of
``premium_rules`` (default: every rule) has a CI half-width of at most
``premium_half_width`` ranks or ``premium_max_replicates`` keys are used. Ranks
are competition ranks (1 + players with a strictly higher score).

Outputs
-------
``summary.csv``: ``arm`` (rule), ``metric``, ``mean``, ``ci_low``, ``ci_high``,
``n`` (over replicates), ``half_width``: ``kendall_tau_honest``, ``gamers_in_top10``,
``precision_at_10``, ``crowd_trust_lost``, ``spam_impressions``,
``gaming_premium_<strategy>``, ``attacker_best_rank``, plus, the same for every
rule, ``true_top10_gamers``; and one row each with ``arm = all`` (the same for every
rule): ``reference_tau`` (part 1's reference among the same honest players) and
``reference_zero_share`` (the share of those players with no genuine action in the
reference run, which tau-b counts as ties).
``leaderboard.csv`` (rule, replicate, rank, player, strategy, score,
true_influence; the top ``leaderboard_size`` per rule and replicate),
``premiums.csv``, ``attacks.csv`` (one row per attacker trial),
``tau_by_share.csv``; ``results.parquet`` (one row per rule x scored contest:
the rule metrics of that contest); figures ``top20.png``, ``tau_vs_share.png``,
``premiums.png``.

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import FollowerConfig, small_config
>>> cfg = small_config(network=FollowerConfig(n=800, mean_following=10.0, n_celebrities=3),
...                    experiment=InfluenceProjectConfig(players=40, replicates=2,
...                    true_replicates=10, premium_players=1, premium_replicates=2,
...                    premium_max_replicates=2, attack_trials=2, attack_replicates=1,
...                    shares=[0.2], figures=False))
>>> out = run(cfg, tempfile.mkdtemp())
>>> sorted(out["summary"]["arm"].unique())[:3]  # the rules, and "all" for the reference
['all', 'conversions', 'decayed']
>>> out["summary"].query("arm == 'all'")["metric"].tolist()
['reference_tau', 'reference_zero_share']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from experiments.contest import ContestConfig
from experiments.study import Study
from simulator.analysis.stats import summarize
from simulator.contest import Contest, contest_keys
from simulator.contest.attack import attack_search, best_ranks
from simulator.contest.evaluation import (
    HONEST,
    adaptive_premiums,
    joint_premiums,
    premium_summary,
    ranks,
    rule_metrics,
    score_runs,
)
from simulator.contest.influence import reference_actions, reference_tau, true_influence
from simulator.contest.scoring import RULES
from simulator.contest.settings import DEFAULT_MIX
from simulator.contest.strategies import STRATEGIES
from simulator.rng import stream
from simulator.runs.build import build_network, build_population
from simulator.runs.config import Config

METRICS = [
    "kendall_tau_honest",
    "gamers_in_top10",
    "precision_at_10",
    "crowd_trust_lost",
    "spam_impressions",
]


@dataclass
class InfluenceProjectConfig(ContestConfig):
    """The contest (as in :class:`experiments.contest.ContestConfig`) plus the evaluation."""

    name: str = "influence_project"
    placement: str = "random"
    players: int = 1000
    replicates: int = 10  # scored contests (every rule scores the same ones)
    true_replicates: int = 100
    premium_players: int = 50  # honest players switched to each gaming strategy
    premium_design: str = "joint"  # "joint": all sampled players switched at once; "single"
    premium_replicates: int = 4  # replicate keys per batch of the premium runs
    premium_max_replicates: int = 400  # cap: batches stop here if not precise enough yet
    premium_half_width: float = 2.0  # stop when every target premium's CI is this narrow
    premium_rules: list[str] = field(default_factory=lambda: list(RULES))  # every rule
    attack_trials: int = 20
    attack_replicates: int = 2
    attack_players: int = 3  # honest players (outside the true top 10) an attacker may be
    shares: list[float] = field(default_factory=lambda: [0.0, 0.1, 0.2, 0.4])
    share_replicates: int = 2
    leaderboard_size: int = 20

    def __post_init__(self):
        super().__post_init__()
        for name in ("premium_players", "premium_replicates", "premium_max_replicates",
                     "attack_trials", "attack_replicates", "attack_players",
                     "share_replicates", "leaderboard_size"):  # fmt: skip
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.premium_design not in ("joint", "single"):
            raise ValueError(
                f"premium_design must be 'joint' or 'single', got {self.premium_design!r}"
            )
        if not float(self.premium_half_width) > 0:
            raise ValueError(
                f"premium_half_width must be positive, got {self.premium_half_width!r}"
            )
        for rule in self.premium_rules:
            if rule not in RULES:
                raise ValueError(
                    f"premium_rules: unknown rule {rule!r}; choose from {', '.join(RULES)}"
                )
        for share in self.shares:
            if not 0.0 <= float(share) <= 1.0:
                raise ValueError(f"shares must lie in [0, 1], got {share!r}")


def mix_with_share(share: float) -> dict[str, float]:
    """The default mix with gamers at ``share`` (split evenly), honest 5:3 as by default."""
    gamers = [k for k in DEFAULT_MIX if not STRATEGIES[k].honest]
    return {"honest": (1 - share) * 5 / 8, "enthusiast": (1 - share) * 3 / 8,
            **{g: share / len(gamers) for g in gamers}}  # fmt: skip


def _sample_honest(contest, k, name, seed, exclude=()):
    exclude = set(int(i) for i in exclude)
    honest = [i for i, s in enumerate(contest.strategies) if s.name in HONEST and i not in exclude]
    return stream(seed, name).choice(honest, min(k, len(honest)), replace=False).tolist()


def run(cfg: Config, outdir) -> dict:
    """Run the influence-project study described by ``cfg``; write its outputs into ``outdir``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp = cfg.experiment
    if not isinstance(exp, InfluenceProjectConfig):
        raise ValueError(
            "influence_project needs experiment settings of type InfluenceProjectConfig"
        )
    network = build_network(cfg.network, cfg.seed)
    population = build_population(cfg.population, network, cfg.seed)
    contest = Contest(network, population, exp.settings(), cfg.seed)
    truth = true_influence(contest, exp.true_replicates)["true_influence"].to_numpy()
    names = np.asarray(contest.strategy_names, str)
    honest = np.isin(names, HONEST)
    keys = contest_keys(cfg.seed, exp.replicates)
    scored = score_runs(contest, keys)
    rows = rule_metrics(scored, truth)
    true_top = np.argsort(-truth, kind="stable")[:10]
    rows["true_top10_gamers"] = int((~honest[true_top]).sum())
    # the reference ranks the same (honest) players as the rules; its share of players
    # with no genuine action at all says how many of them it leaves tied
    realised = [reference_actions(contest, replicate=r) for r in range(exp.replicates)]
    rows["reference_tau"] = rows["replicate"].map(
        {r: reference_tau(contest, truth, among=honest, realised=x)
         for r, x in enumerate(realised)}
    )  # fmt: skip
    rows["reference_zero_share"] = rows["replicate"].map(
        {r: float((x[honest] == 0).mean()) for r, x in enumerate(realised)}
    )
    # the leaderboard: top players of each rule and replicate
    board = []
    for r, table in enumerate(scored.scores):
        for rule in table.columns:
            s = table[rule].to_numpy()
            rk = ranks(s)
            for i in np.argsort(rk, kind="stable")[: exp.leaderboard_size]:
                board.append((rule, r, rk[i], int(contest.players[i]), names[i], s[i], truth[i]))
    board = pd.DataFrame(board, columns=["rule", "replicate", "rank", "player", "strategy",
                                         "score", "true_influence"])  # fmt: skip
    board.to_csv(outdir / "leaderboard.csv", index=False)

    # gaming premiums on common random numbers, in batches until the target rules'
    # half-widths are <= premium_half_width ranks (or the cap)
    size = exp.premium_players
    if exp.premium_design == "joint":  # the sample also forms the new rings: at least one
        size = max(size, contest.settings.ring_size)
    sample = _sample_honest(contest, size, "contest.premium.sample", cfg.seed)
    prem_keys = contest_keys(cfg.seed, exp.premium_max_replicates, "premium")
    if exp.premium_design == "joint":
        premiums = adaptive_premiums(
            contest, sample, None, prem_keys, exp.premium_replicates, exp.premium_rules,
            exp.premium_half_width, exp.ci_level, estimator=joint_premiums,
        )  # fmt: skip
    else:
        ring_sample = _sample_honest(contest, contest.settings.ring_size,
                                     "contest.premium.ring", cfg.seed)  # fmt: skip
        premiums = adaptive_premiums(
            contest, sample, ring_sample, prem_keys, exp.premium_replicates,
            exp.premium_rules, exp.premium_half_width, exp.ci_level,
        )  # fmt: skip
    premiums.to_csv(outdir / "premiums.csv", index=False)

    # adaptive attackers: ordinary players, outside the true top 10 (a player already there
    # reaches the top 10 without gaming, which says nothing about the rule)
    attackers = _sample_honest(contest, exp.attack_players, "contest.attack.sample", cfg.seed,
                               exclude=true_top)  # fmt: skip
    attacks = attack_search(contest, attackers, contest_keys(cfg.seed, exp.attack_replicates,
                            "attack"), exp.attack_trials, seed=cfg.seed)  # fmt: skip
    attacks.to_csv(outdir / "attacks.csv", index=False)
    best = best_ranks(attacks, list(scored.scores[0].columns))

    # tau against the share of gamers (same players, same keys)
    by_share = []
    for share in exp.shares:
        settings = exp.settings()
        settings.mix = mix_with_share(float(share))
        game = Contest(network, population, settings, cfg.seed, contest.players)
        sc = score_runs(game, contest_keys(cfg.seed, exp.share_replicates, "share"))
        m = rule_metrics(sc, truth)
        m["share"] = float(share)
        by_share.append(m)
    by_share = pd.concat(by_share, ignore_index=True)
    by_share.to_csv(outdir / "tau_by_share.csv", index=False)

    # summary: arm = rule; the reference, the same for every rule, is one row per metric
    # with arm "all" (as in part 1's study)
    summary = summarize(rows, [*METRICS, "true_top10_gamers"], level=exp.ci_level)
    once = rows.drop_duplicates("replicate").assign(arm="all")
    reference = summarize(once, ["reference_tau", "reference_zero_share"], level=exp.ci_level)
    prem = premium_summary(premiums, exp.ci_level)
    prem["metric"] = "gaming_premium_" + prem["strategy"]
    att = best.assign(metric="attacker_best_rank", mean=best["attacker_best_rank"],
                      ci_low=np.nan, ci_high=np.nan, n=exp.attack_replicates)  # fmt: skip
    summary = pd.concat(
        [summary, reference, prem[["arm", "metric", "mean", "ci_low", "ci_high", "n"]],
         att[["arm", "metric", "mean", "ci_low", "ci_high", "n"]]],
        ignore_index=True,
    )  # fmt: skip
    summary["half_width"] = (summary["ci_high"] - summary["ci_low"]) / 2
    summary.to_csv(outdir / "summary.csv", index=False)
    # the tidy rows: one per rule (arm) x scored contest, with the study and seed on each
    results = rows.assign(seed=cfg.seed)
    results.insert(0, "experiment", exp.name)
    results.to_parquet(outdir / "results.parquet", index=False)
    if exp.figures:
        top20_figure(board[board["replicate"] == 0]).savefig(outdir / "top20.png", dpi=110)
        tau_share_figure(by_share).savefig(outdir / "tau_vs_share.png", dpi=110)
        premium_figure(summary).savefig(outdir / "premiums.png", dpi=110)
    return {
        "summary": summary,
        "leaderboard": board,
        "premiums": premiums,
        "attacks": attacks,
        "best_attacks": best,
        "by_share": by_share,
        "contest": contest,
        "network": network,
        "text": format_table(summary),
    }


def top20_figure(board: pd.DataFrame) -> Figure:
    """The top 20 of each rule (one replicate), one square per player coloured by strategy."""
    rules = list(dict.fromkeys(board["rule"]))
    colours = {name: f"C{i}" for i, name in enumerate(sorted(STRATEGIES))}
    fig = Figure(figsize=(8, 0.45 * len(rules) + 1.2), layout="constrained")
    ax = fig.subplots()
    for y, rule in enumerate(rules):
        part = board[board["rule"] == rule].sort_values("rank").head(20)
        for x, strategy in enumerate(part["strategy"]):
            ax.add_patch(Rectangle((x, y), 0.9, 0.8, color=colours[strategy]))
    ax.set_xlim(0, 20)
    ax.set_ylim(0, len(rules))
    ax.set_yticks(np.arange(len(rules)) + 0.4, rules, fontsize=8)
    ax.set_xticks(np.arange(20) + 0.45, np.arange(1, 21), fontsize=7)
    ax.set_xlabel("rank")
    ax.invert_yaxis()
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in colours.values()]
    ax.legend(handles, list(colours), ncol=7, fontsize=7, loc="upper center",
              bbox_to_anchor=(0.5, -0.25), frameon=False)  # fmt: skip
    return fig


def tau_share_figure(by_share: pd.DataFrame) -> Figure:
    """Kendall tau among honest players against the share of gamers, one line per rule."""
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    mean = by_share.groupby(["arm", "share"])["kendall_tau_honest"].mean().unstack("arm")
    for i, rule in enumerate(mean.columns):
        ax.plot(mean.index, mean[rule], marker="o", color=f"C{i}", label=rule)
    ax.set_xlabel("share of gamers")
    ax.set_ylabel("Kendall tau-b, score vs true influence (honest players)")
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    return fig


def premium_figure(summary: pd.DataFrame) -> Figure:
    """Gaming premium (ranks gained, with CI) per rule and gaming strategy."""
    prem = summary[summary["metric"].str.startswith("gaming_premium_")]
    rules = list(dict.fromkeys(prem["arm"]))
    strategies = sorted(prem["metric"].unique())
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(len(strategies), 1)
    for j, metric in enumerate(strategies):
        part = prem[prem["metric"] == metric].set_index("arm").reindex(rules)
        x = np.arange(len(rules)) + j * width
        err = [part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]]
        ax.bar(x, part["mean"], width, yerr=err, color=f"C{j}",
               label=metric.removeprefix("gaming_premium_"))  # fmt: skip
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xticks(np.arange(len(rules)) + 0.4 - width / 2, rules, rotation=30, fontsize=8)
    ax.set_ylabel("ranks gained by gaming (mean, CI)")
    ax.set_yscale("symlog", linthresh=10)
    ax.legend(fontsize=7, frameon=False)
    return fig


def format_table(summary: pd.DataFrame) -> str:
    """Rules (rows) by key metrics (columns): the means; then the reference."""
    per_rule = summary[summary["arm"] != "all"]
    wide = per_rule.pivot_table(index="arm", columns="metric", values="mean")
    keep = [c for c in ["gamers_in_top10", "true_top10_gamers", "precision_at_10",
                        "kendall_tau_honest", "attacker_best_rank"]
            if c in wide.columns]  # fmt: skip
    keep += sorted(c for c in wide.columns if c.startswith("gaming_premium_"))
    text = wide[keep].round(2).to_string()
    ref = summary[(summary["arm"] == "all") & (summary["metric"] == "reference_tau")]
    if len(ref):
        tau = ref["mean"].iloc[0]
        text += f"\nreference tau (one all-honest run, the same honest players): {tau:.2f}"
    return text


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "influence_project",
    run,
    "Which contest scoring rule ranks true influence, and which resists adaptive gamers?",
    schema=InfluenceProjectConfig,
    reads=("network", "population"),
    unsharded="its premiums add batches of keys until their CIs are narrow enough and its "
    "attackers choose each trial from the earlier ones: a shard cannot know where the whole "
    "run stops (experiment=contest runs the scored contests in shards)",
    smoke=(
        "experiment.players=40",
        "experiment.true_replicates=4",
        "experiment.premium_players=1",
        "experiment.premium_replicates=2",
        "experiment.premium_max_replicates=2",
        "experiment.attack_trials=2",
        "experiment.attack_players=1",
        "experiment.attack_replicates=1",
        "experiment.shares=[0.0,0.2]",
        "experiment.share_replicates=1",
    ),
)
