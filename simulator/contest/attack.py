"""Adaptive attackers: search the gaming tactics' parameters for the best rank one gamer reaches.

One search serves every rule: each trial is a tactic (a gaming strategy and
its parameters, a player to play it), one contest per replicate key is run
with that player switched, the record is scored by every rule, and the
trial's objectives are the attacker's mean rank under each rule (minimised
together by Optuna's multi-objective TPE sampler, seeded from the config).
``attacker_best_rank`` of a rule is the best mean rank any trial reached under
it, so a rule is attacked by every tactic tried against any rule.

The space (honest effort within tolerance is not gaming and is not searched):

==============  ==========================================================
spammer         ``interval`` 1-16 steps, ``strangers_per_post`` 0-200 (log)
deceiver        ``posts`` 1-24, ``interval`` 1-16, ``boost`` 1-5
sybil           ``fakes`` 1-500 (log), ``clicks_per_fake`` 1-5
ring            ring size 2-20 (the attacker recruits other honest
                players), ``rounds`` 1-5
manipulator     ``posts`` 1-24, ``interval`` 1-16, ``boost`` 1-3
==============  ==========================================================

References
----------
T. Akiba, S. Sano, T. Yanase, T. Ohta, M. Koyama. Optuna: a next-generation
hyperparameter optimization framework. KDD 2019. Y. Ozaki et al.
Multiobjective tree-structured Parzen estimator. JAIR 75, 2022.

Examples
--------
>>> import numpy as np
>>> from simulator.network.generators import barabasi_albert
>>> from simulator.contest import Contest, ContestSettings, contest_keys
>>> net = barabasi_albert(300, 3, np.random.default_rng(1))
>>> game = Contest(net, None, ContestSettings(players=20), seed=5)
>>> trials = attack_search(game, [0, 1], contest_keys(5, 1), n_trials=3, seed=0)
>>> sorted(trials.columns)[:3]
['attacker', 'conversions', 'decayed']
"""

from __future__ import annotations

import pandas as pd

from simulator.contest.evaluation import HONEST, _rank_of, score_runs
from simulator.contest.scoring import RULES
from simulator.contest.strategies import make_strategy
from simulator.progress import progress_bar
from simulator.rng import stream

__all__ = ["attack_search", "suggest_tactic", "best_ranks"]


def suggest_tactic(trial) -> tuple[str, dict, int]:
    """A gaming strategy, its parameters and (rings) the ring size, from an Optuna trial."""
    name = trial.suggest_categorical(
        "strategy", ["spammer", "deceiver", "sybil", "ring", "manipulator"]
    )
    size = 0
    if name == "spammer":
        params = {
            "interval": trial.suggest_int("spammer.interval", 1, 16),
            "strangers_per_post": trial.suggest_int("spammer.strangers", 0, 200),
        }
    elif name in ("deceiver", "manipulator"):
        params = {
            "posts": trial.suggest_int(f"{name}.posts", 1, 24),
            "interval": trial.suggest_int(f"{name}.interval", 1, 16),
            "boost": trial.suggest_float(f"{name}.boost", 1.0, 5.0 if name == "deceiver" else 3.0),
        }
    elif name == "sybil":
        params = {
            "fakes": trial.suggest_int("sybil.fakes", 1, 500, log=True),
            "clicks_per_fake": trial.suggest_int("sybil.clicks", 1, 5),
        }
    else:
        size = trial.suggest_int("ring.size", 2, 20)
        params = {"rounds": trial.suggest_int("ring.rounds", 1, 5)}
    return name, params, size


def attack_search(
    contest, attackers, keys, n_trials=30, seed=0, rules=None, progress=None
) -> pd.DataFrame:
    """Search tactics for the attacker (one of ``attackers``, player indices) against every rule.

    Returns one row per trial: the tactic, the attacker and its mean rank
    under each rule (one column per rule) over the replicates ``keys`` (the
    same keys for every trial: common random numbers). ``progress``: a bar of
    trials (None: on a terminal only).
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rules = RULES if rules is None else rules
    names = list(rules)
    attackers = [int(a) for a in attackers]
    honest = [
        i for i, s in enumerate(contest.strategies) if s.name in HONEST and i not in attackers
    ]
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, n_trials))
    study = optuna.create_study(directions=["minimize"] * len(names), sampler=sampler)
    rows = []
    bar = progress_bar(
        range(n_trials), progress=progress, desc="attacker trials", unit="trial", leave=False
    )
    for number in bar:
        trial = study.ask()
        name, params, size = suggest_tactic(trial)
        attacker = attackers[trial.suggest_int("attacker", 0, len(attackers) - 1)]
        strategy = make_strategy(name, **params)
        if size:
            rng = stream(seed, "contest.attack.partners", number)
            group = [attacker, *rng.choice(honest, size - 1, replace=False).tolist()]
            game = contest.with_strategies({i: strategy for i in group}, ring=group)
        else:
            game = contest.with_strategy(attacker, strategy)
        rank = _rank_of(score_runs(game, keys, rules), attacker).mean()
        study.tell(trial, [float(rank[r]) for r in names])
        rows.append(
            {"trial": number, "strategy": name, "params": repr(params), "ring_size": size,
             "attacker": attacker, **{r: float(rank[r]) for r in names}}
        )  # fmt: skip
    return pd.DataFrame(rows)


def best_ranks(trials: pd.DataFrame, rules) -> pd.DataFrame:
    """Per rule, the best mean rank any trial reached and the tactic that reached it."""
    out = []
    for rule in rules:
        best = trials.loc[trials[rule].idxmin()]
        out.append(
            {"arm": rule, "attacker_best_rank": best[rule], "strategy": best["strategy"],
             "params": best["params"], "ring_size": best["ring_size"], "trial": best["trial"]}
        )  # fmt: skip
    return pd.DataFrame(out)
