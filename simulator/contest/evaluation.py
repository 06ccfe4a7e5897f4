"""How well a scoring rule ranks, and how much gaming it pays: ranks, metrics, premiums.

Everything here runs contests, turns each replicate into its public record,
scores it with the rules of :mod:`simulator.contest.scoring` and compares the
ranking with true influence (:mod:`simulator.contest.influence`), which the
rules never see.

- :func:`ranks`: rank 1 is the highest score; a player's rank is 1 + the
  number of players with a strictly higher score (standard competition
  ranking: tied players share the best rank of their block).
- :func:`rule_metrics`: per rule and replicate, ``kendall_tau_honest``,
  ``gamers_in_top10``, ``precision_at_10``, ``crowd_trust_lost``,
  ``spam_impressions``.
- :func:`gaming_premiums`: ranks gained by a player who switches from its
  best honest strategy (honest or enthusiast, whichever ranks better on
  average) to a gaming one, everything else equal, on common random numbers
  (the same replicate keys; :meth:`Contest.with_strategies`). Ring premiums
  switch ``ring_size`` sampled players together and are per member.
- :func:`premium_summary`: mean and CI of each premium over replicate keys
  (the per-key mean over the sampled players), with its half-width and n;
  :func:`adaptive_premiums` adds batches of keys until the premiums of the
  chosen rules are as precise as asked, or the keys run out.

Why competition ranks: most players of a contest score exactly 0 under the
strict rules (86% under ``trusted_voluntary`` at the study's defaults). With
mean ranks, a player of that block sits mid-block (rank ~570 of 1,000) and
one counted action moves it past half the block at once, so a premium is a
sum of jumps of hundreds of ranks. "Ranks gained" is meant as players
overtaken: with competition ranks a player tied at 0 has rank 1 + (players
above 0), and leaving the block by a hair overtakes nobody who beat it.

Examples
--------
>>> ranks(np.array([5.0, 1.0, 5.0, 0.0])).tolist()
[1.0, 3.0, 1.0, 4.0]
>>> top_k(np.array([5.0, 1.0, 5.0, 0.0]), 2).tolist()
[0, 2]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from simulator.analysis.stats import summarize
from simulator.contest.influence import kendall_tau_b
from simulator.contest.kernel_layout import LINK_COLUMNS
from simulator.contest.record import public_record
from simulator.contest.scoring import RULES, score_all
from simulator.progress import progress_bar

__all__ = [
    "GAMING",
    "ranks",
    "top_k",
    "score_runs",
    "rule_metrics",
    "gaming_premiums",
    "joint_premiums",
    "premium_summary",
    "adaptive_premiums",
    "Scored",
]

#: The gaming strategies whose premium is measured.
GAMING = ("spammer", "deceiver", "sybil", "ring", "manipulator")
HONEST = ("honest", "enthusiast")


def ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; rank = 1 + players with a strictly higher score (ties share
    the best rank of their block: standard competition ranking, "1224")."""
    return rankdata(-np.asarray(scores, float), method="min").astype(np.float64)


def top_k(scores: np.ndarray, k: int = 10) -> np.ndarray:
    """Indices of the ``k`` highest scores (ties broken by index, lowest first)."""
    scores = np.asarray(scores, float)
    return np.lexsort((np.arange(scores.size), -scores))[:k]


@dataclass
class Scored:
    """Scores of every rule for every replicate: ``scores[r]`` is a (P, rules) frame."""

    contest: object
    keys: np.ndarray
    scores: list[pd.DataFrame]
    totals: np.ndarray


def score_runs(contest, keys, rules=None) -> Scored:
    """Run ``contest`` on ``keys`` (with events) and score each replicate's public record."""
    run = contest.run(keys, record=1)
    rules = RULES if rules is None else rules
    scores = [score_all(public_record(run, r), rules) for r in range(len(keys))]
    return Scored(contest, np.asarray(keys), scores, run.totals)


def rule_metrics(scored: Scored, truth: np.ndarray, k: int = 10) -> pd.DataFrame:
    """One row per rule x replicate: tau among honest players, gamers in the top ``k``,
    precision at ``k`` against the true-influence top ``k``, and the replicate's crowd
    costs (the same for every rule: trust lost and impressions past tolerance)."""
    names = np.asarray(scored.contest.strategy_names, str)
    honest = np.isin(names, HONEST)
    truth = np.asarray(truth, float)
    true_top = set(top_k(truth, k).tolist())
    trust = scored.totals[:, :, LINK_COLUMNS.index("trust_lost")].sum(axis=1)
    spam = scored.totals[:, :, LINK_COLUMNS.index("spam_impressions")].sum(axis=1)
    rows = []
    for r, table in enumerate(scored.scores):
        for rule in table.columns:
            s = table[rule].to_numpy()
            top = top_k(s, k)
            rows.append(
                {
                    "arm": rule,
                    "replicate": r,
                    "kendall_tau_honest": kendall_tau_b(s[honest], truth[honest]),
                    "gamers_in_top10": int((~honest[top]).sum()),
                    "precision_at_10": len(true_top & set(top.tolist())) / k,
                    "crowd_trust_lost": float(trust[r]),
                    "spam_impressions": float(spam[r]),
                }
            )
    return pd.DataFrame(rows)


def _rank_of(scored: Scored, index: int) -> pd.DataFrame:
    """Rank of player ``index`` per replicate (rows) and rule (columns)."""
    return pd.DataFrame(
        [{rule: ranks(t[rule].to_numpy())[index] for rule in t.columns} for t in scored.scores]
    )


def gaming_premiums(contest, sample, keys, gaming=GAMING, rules=None) -> pd.DataFrame:
    """Ranks gained by switching sampled honest players to each gaming strategy.

    Parameters
    ----------
    contest : Contest
    sample : sequence of int
        Player indices to switch (they should play an honest strategy).
    keys : array of uint64
        Replicate keys, shared by every version of the contest (CRN).
    gaming : sequence of str
        Gaming strategies; ``ring`` switches ``ring_size`` sampled players at
        once into one new ring and reports each member.

    Returns
    -------
    DataFrame with one row per (strategy, player, replicate, rule): ``premium``
    = rank under the player's best honest strategy - rank when gaming (> 0:
    gaming pays), and ``honest_strategy``.
    """
    sample = [int(i) for i in sample]
    base = {h: {i: _rank_of(score_runs(contest.with_strategy(i, h), keys, rules), i)
                for i in sample} for h in HONEST}  # fmt: skip
    rows = []

    def emit(strategy, i, gamed):
        for rule in gamed.columns:
            best = min(HONEST, key=lambda h: base[h][i][rule].mean())
            diff = base[best][i][rule].to_numpy() - gamed[rule].to_numpy()
            for r, d in enumerate(diff):
                rows.append((strategy, i, r, rule, float(d), best))

    for strategy in gaming:
        if contest.settings.strategy(strategy).colludes:
            size = contest.settings.ring_size
            for lo in range(0, len(sample) - size + 1, size):
                group = sample[lo : lo + size]
                switched = contest.with_strategies({i: strategy for i in group}, ring=group)
                scored = score_runs(switched, keys, rules)
                for i in group:
                    emit(strategy, i, _rank_of(scored, i))
        else:
            for i in sample:
                scored = score_runs(contest.with_strategy(i, strategy), keys, rules)
                emit(strategy, i, _rank_of(scored, i))
    return pd.DataFrame(
        rows, columns=["strategy", "link", "replicate", "arm", "premium", "honest_strategy"]
    )


def _field_ranks(scores: np.ndarray, switched: np.ndarray) -> np.ndarray:
    """Rank of each ``switched`` player among the players not switched (and itself):
    1 + the unswitched players with a strictly higher score."""
    others = np.sort(np.delete(scores, switched))
    return 1.0 + others.size - np.searchsorted(others, scores[switched], "right")


def joint_premiums(contest, sample, keys, gaming=GAMING, rules=None) -> pd.DataFrame:
    """:func:`gaming_premiums` with every sampled player switched in the same contest.

    One contest per strategy (and per honest strategy) instead of one per
    player and strategy: the sampled players all play ``honest``, then all
    ``enthusiast``, then all each gaming strategy (colluding strategies: rings
    of ``ring_size`` consecutive sampled players). Each switched player is
    ranked against the players that were not switched (plus itself), so the
    other switched players' scores never enter its rank; what remains of their
    presence is their load on the shared crowd (attention, trust), small when
    the sample is a small share of the players and the crowd is large
    (tests/test_influence_project.py compares it with one switch at a time).
    Same columns as :func:`gaming_premiums`.
    """
    sample = [int(i) for i in sample]
    switched = np.asarray(sample, np.int64)

    def field_ranks(game):
        scored = score_runs(game, keys, rules)
        return {
            rule: np.array([_field_ranks(t[rule].to_numpy(), switched) for t in scored.scores])
            for rule in scored.scores[0].columns
        }

    base = {h: field_ranks(contest.with_strategies({i: h for i in sample})) for h in HONEST}
    rows = []
    for strategy in gaming:
        if contest.settings.strategy(strategy).colludes:
            size = contest.settings.ring_size
            groups = [sample[lo : lo + size] for lo in range(0, len(sample) - size + 1, size)]
            members = [i for g in groups for i in g]
            game = contest
            for group in groups:  # one new ring per group, the other rings untouched
                game = game.with_strategies({i: strategy for i in group}, ring=group)
        else:
            game, members = contest.with_strategies({i: strategy for i in sample}), sample
        gamed = field_ranks(game)
        for rule, table in gamed.items():
            for col, i in enumerate(sample):
                if i not in members:
                    continue
                best = min(HONEST, key=lambda h: base[h][rule][:, col].mean())
                diff = base[best][rule][:, col] - table[:, col]
                rows += [(strategy, i, r, rule, float(d), best) for r, d in enumerate(diff)]
    return pd.DataFrame(
        rows, columns=["strategy", "link", "replicate", "arm", "premium", "honest_strategy"]
    )


def premium_summary(premiums: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean premium per rule (``arm``) and strategy, with its CI over replicate keys.

    Each replicate key gives one value, the mean premium over the sampled
    players (all switched on the same keys: common random numbers); the CI is
    Student's t over those values. Columns: ``arm``, ``strategy``, ``mean``,
    ``ci_low``, ``ci_high``, ``half_width``, ``n`` (replicate keys) and
    ``players`` (switched players averaged per key). One key gives an
    infinite half-width.

    Examples
    --------
    >>> p = pd.DataFrame({"strategy": "spammer", "link": [1, 2, 1, 2], "replicate": [0, 0, 1, 1],
    ...                   "arm": "r", "premium": [1.0, 3.0, 2.0, 2.0]})
    >>> row = premium_summary(p).iloc[0]
    >>> float(row["mean"]), float(row["half_width"]), int(row["n"]), int(row["players"])
    (2.0, 0.0, 2, 2)
    """
    per_key = premiums.groupby(["arm", "strategy", "replicate"], sort=False)
    per_key = per_key.agg(premium=("premium", "mean"), players=("link", "nunique")).reset_index()
    out = summarize(per_key, ["premium"], by=("arm", "strategy"), level=level)
    one = out["n"] == 1  # one key: no interval yet (the adaptive loop must go on)
    out.loc[one, "ci_low"], out.loc[one, "ci_high"] = -np.inf, np.inf
    out["half_width"] = (out["ci_high"] - out["ci_low"]) / 2
    out["players"] = per_key.groupby(["arm", "strategy"], sort=False)["players"].max().to_numpy()
    return out[["arm", "strategy", "mean", "ci_low", "ci_high", "half_width", "n", "players"]]


def adaptive_premiums(
    contest, sample, ring_sample, keys, batch, target_rules=None, half_width=2.0, level=0.95,
    gaming=GAMING, rules=None, estimator=None, progress=None,
) -> pd.DataFrame:  # fmt: skip
    """Premiums in batches of ``batch`` keys until every premium of ``target_rules``
    (default: every rule) has a CI half-width of at most ``half_width`` ranks, or
    ``keys`` run out (the cap).

    ``estimator`` None is :func:`gaming_premiums` (one switch at a time):
    ``sample`` plays each non-colluding gaming strategy in turn and
    ``ring_sample`` (``ring_size`` players) forms one new ring. With
    ``estimator=joint_premiums`` the whole ``sample`` switches at once (rings:
    consecutive groups of it) and ``ring_sample`` is unused. Replicate numbers
    run on across batches. ``progress``: a bar of keys used out of the cap (None:
    on a terminal only). Returns the rows of :func:`gaming_premiums`.
    """

    keys = np.asarray(keys)
    single = [g for g in gaming if not contest.settings.strategy(g).colludes]
    ring = [g for g in gaming if contest.settings.strategy(g).colludes]
    parts, used = [], 0
    bar = progress_bar(
        progress=progress, total=keys.size, desc="premium keys", unit="key", leave=False
    )
    while used < keys.size:
        chunk = keys[used : used + batch]
        if estimator is not None:
            part = estimator(contest, sample, chunk, gaming, rules)
        else:
            part = [gaming_premiums(contest, sample, chunk, single, rules)] if single else []
            if ring:
                part.append(gaming_premiums(contest, ring_sample, chunk, ring, rules))
            part = pd.concat(part, ignore_index=True)
        part["replicate"] += used
        parts.append(part)
        used += chunk.size
        bar.update(chunk.size)
        table = premium_summary(pd.concat(parts, ignore_index=True), level)
        if target_rules is not None:
            table = table[table["arm"].isin(list(target_rules))]
        if used > 1 and (table["half_width"] <= half_width).all():
            break
    bar.close()
    return pd.concat(parts, ignore_index=True)
