"""True influence of each player, and how well one noisy run can rank it.

**True influence** of a player is the expected number of *genuine* actions
(conversions and reshares by people neither spammed past tolerance, nor
deceived, nor pressured, all downstream generations included, since a
reshare carries the link on) credited to its link when it and every other
player behave honestly (:meth:`Contest.all_honest`: the same players, the
same crowd, each posting once to its followers). It is estimated by the mean
over ``replicates`` all-honest contests whose keys come from the stream
``contest.true_influence``, disjoint from the scored runs' keys.

The **reference** is Kendall's tau-b between true influence and the
realised genuine actions of one fresh all-honest run (keys from
``contest.reference``): how well one run's outcome ranks, ties and all. In
one run most players' genuine actions are often zero, and tau-b counts those
ties against the run, so a rule that breaks them by an informative public
signal can rank above the reference (docs/contest.md, *The reference and its
ties*).

References
----------
M. Wu. "The Influence Project" fiasco and the six factors of influence.
Lithium Building Community blog, 2010.
M. G. Kendall. The treatment of ties in ranking problems. Biometrika 33(3),
239-251, 1945 (tau-b).

Examples
--------
>>> import numpy as np
>>> from simulator.network.generators import barabasi_albert
>>> from simulator.contest import Contest, ContestSettings
>>> net = barabasi_albert(400, 3, np.random.default_rng(1))
>>> contest = Contest(net, None, ContestSettings(players=20, appeal=0.2), seed=5)
>>> table = true_influence(contest, 50)
>>> list(table.columns)
['link', 'player', 'true_influence', 'se']
>>> -1.0 <= reference_tau(contest, table["true_influence"]) <= 1.0
True
>>> reference_actions(contest).shape
(20,)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from simulator import checks
from simulator.contest.contest import contest_keys

__all__ = ["true_influence", "reference_actions", "reference_tau", "kendall_tau_b"]


def true_influence(contest, replicates: int, seed: int | None = None) -> pd.DataFrame:
    """Mean genuine actions per player over all-honest contests, with standard errors.

    ``seed`` defaults to the contest's own root seed.
    """
    replicates = checks.integer("replicates", replicates, 2)
    seed = contest.seed if seed is None else seed
    run = contest.all_honest().run(contest_keys(seed, replicates, "true_influence"))
    genuine = run.genuine_actions()
    return pd.DataFrame(
        {
            "link": np.arange(contest.players.size),
            "player": contest.players,
            "true_influence": genuine.mean(axis=0),
            "se": genuine.std(axis=0, ddof=1) / np.sqrt(replicates),
        }
    )


def kendall_tau_b(x, y) -> float:
    """Kendall's tau-b (ties in either ranking corrected); NaN when one side is constant.

    Examples
    --------
    >>> kendall_tau_b([1, 2, 3, 4], [1, 3, 2, 4])
    0.6666666666666669
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(kendalltau(x, y, variant="b").statistic)


def reference_actions(contest, seed: int | None = None, replicate: int = 0) -> np.ndarray:
    """Realised genuine actions per player in one fresh all-honest run.

    ``replicate`` picks which fresh run (key ``replicate`` of ``contest.reference``);
    ``seed`` defaults to the contest's own root seed.
    """
    seed = contest.seed if seed is None else seed
    keys = contest_keys(seed, replicate + 1, "reference")[replicate:]
    return contest.all_honest().run(keys).genuine_actions()[0]


def reference_tau(
    contest, true, seed: int | None = None, replicate: int = 0, among=None, realised=None
) -> float:
    """Tau-b between ``true`` influence and one fresh all-honest run's genuine actions.

    ``among``: a boolean mask of the players to rank (default: all), e.g. the
    honest players of a scored contest, so the reference ranks the same
    players as the rule it is compared with. ``realised``: the run's actions
    when already computed (:func:`reference_actions`); ``seed`` and
    ``replicate`` are then not used.
    """
    if realised is None:
        realised = reference_actions(contest, seed, replicate)
    true, realised = np.asarray(true, float), np.asarray(realised, float)
    if among is not None:
        among = np.asarray(among, bool)
        true, realised = true[among], realised[among]
    return kendall_tau_b(true, realised)
