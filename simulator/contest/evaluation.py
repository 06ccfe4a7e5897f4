"""How well a scoring rule ranks, and how much gaming it pays: ranks, metrics, premiums.

Everything here runs contests, turns each replicate into its public record,
scores it with the rules of :mod:`simulator.contest.scoring` and compares the
ranking with true influence (:mod:`simulator.contest.influence`), which the
rules never see.

- :func:`ranks`: rank 1 is the highest score; ties share their mean rank.
- :func:`rule_metrics`: per rule and replicate, ``kendall_tau_honest``,
  ``gamers_in_top10``, ``precision_at_10``, ``crowd_trust_lost``,
  ``spam_impressions``.
- :func:`gaming_premiums`: ranks gained by a player who switches from its
  best honest strategy (honest or enthusiast, whichever ranks better on
  average) to a gaming one, everything else equal, on common random numbers
  (the same replicate keys; :meth:`Contest.with_strategies`). Ring premiums
  switch ``ring_size`` sampled players together and are per member.

Examples
--------
>>> ranks(np.array([5.0, 1.0, 5.0, 0.0])).tolist()
[1.5, 3.0, 1.5, 4.0]
>>> top_k(np.array([5.0, 1.0, 5.0, 0.0]), 2).tolist()
[0, 2]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from simulator.contest.influence import kendall_tau_b
from simulator.contest.kernel import LINK_COLUMNS
from simulator.contest.record import public_record
from simulator.contest.scoring import RULES, score_all

__all__ = [
    "GAMING",
    "ranks",
    "top_k",
    "score_runs",
    "rule_metrics",
    "gaming_premiums",
    "Scored",
]

#: The gaming strategies whose premium is measured.
GAMING = ("spammer", "deceiver", "sybil", "ring", "manipulator")
HONEST = ("honest", "enthusiast")


def ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; tied scores share the mean of their ranks."""
    return rankdata(-np.asarray(scores, float), method="average")


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
