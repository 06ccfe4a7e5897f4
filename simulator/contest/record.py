"""What a scoring rule may observe: the public record of one contest run.

A scoring rule (issue 12) reads only a :class:`PublicRecord`: the players'
links, their public posts, clicks (clicker, time, link, and the account whose
post was clicked: the player itself, or a resharer), reshares, conversions on
the landing page, the follower graph (fake accounts' follows included), the
accounts' ages and activity, unfollows and spam reports. Hidden state stays
out of it: trust, strategy labels, and the flags of each event (bait,
pressure, fake, genuine), which :func:`hidden_state` returns for evaluation.

Account ages: people's are lognormal with a median of three years (log-sd 1)
from stream ``contest.accounts``; fake accounts are created for the contest,
0 to 7 days old, from ``contest.accounts.fake``. Activity is the number of
public actions (posts, clicks, reshares, conversions) an account made in the
run.

Examples
--------
>>> import numpy as np
>>> from simulator.network.generators import barabasi_albert
>>> from simulator.contest import Contest, ContestSettings, contest_keys
>>> net = barabasi_albert(300, 3, np.random.default_rng(1))
>>> contest = Contest(net, None, ContestSettings(players=20), seed=5)
>>> record = public_record(contest.run(contest_keys(5, 1), record=1))
>>> sorted(record.clicks.columns)
['clicker', 'link', 'step', 'via']
>>> "strategy" in record.players.columns, "flags" in record.clicks.columns
(False, False)
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.contest.kernel_layout import ACTIONS, FLAGS
from simulator.rng import stream

__all__ = ["PublicRecord", "public_record", "hidden_state", "account_ages"]

_CODE = {name: i for i, name in enumerate(ACTIONS)}


@dataclass(frozen=True)
class PublicRecord:
    """The observable tables of one contest run (one replicate).

    Attributes
    ----------
    players : DataFrame (link, account)
    posts : DataFrame (account, step, link, mentions)
        The players' posts (``mentions``: strangers tagged besides followers).
    clicks : DataFrame (clicker, step, link, via)
        ``via`` is the account whose post was clicked: the link's player for a
        direct click, a resharer otherwise.
    shares : DataFrame (account, step, link, via)
    conversions : DataFrame (person, step, link)
    follows : DataFrame (follower, account)
    accounts : DataFrame (account, age_days, activity)
    unfollows, reports : DataFrame (person, account, step)
    """

    players: pd.DataFrame
    posts: pd.DataFrame
    clicks: pd.DataFrame
    shares: pd.DataFrame
    conversions: pd.DataFrame
    follows: pd.DataFrame
    accounts: pd.DataFrame
    unfollows: pd.DataFrame
    reports: pd.DataFrame


def account_ages(n_people: int, n_fakes: int, seed: int) -> np.ndarray:
    """Account ages in days: people first, then fake accounts.

    Examples
    --------
    >>> ages = account_ages(1000, 5, 0)
    >>> bool(ages[-5:].max() < 7 <= np.median(ages[:1000]))
    True
    """
    people = stream(seed, "contest.accounts").lognormal(np.log(3 * 365.0), 1.0, size=n_people)
    fakes = stream(seed, "contest.accounts.fake").uniform(0.0, 7.0, size=n_fakes)
    return np.concatenate([people, fakes])


#: contest -> (graph key, (follows, account ages)): the same for every record of a contest
#: and of its variants with the same fake accounts, built once
_GRAPHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _graph_key(contest) -> tuple:
    """What the public graph and the ages depend on: the crowd, the seed and which
    players own how many fake accounts (not the other players' strategies)."""
    sybils = contest.players[np.asarray(contest.fake_owner, np.int64)]
    return id(contest.network), contest.seed, contest.accounts, sybils.tobytes()


def _public_graph(contest) -> tuple[pd.DataFrame, np.ndarray]:
    """The public follower graph (fake accounts' follows of their sybil included) and
    the account ages of ``contest``: fixed before the contest starts, so every record
    of it shares one copy (read-only arrays: a rule cannot change another's record),
    and so do the records of its variants (:meth:`Contest.with_strategies`) whose
    fake accounts are the same, which lets :func:`trust_rank` reuse its result."""
    cached = _GRAPHS.get(contest)
    if cached is None:
        key = _graph_key(contest)
        for other, (other_key, graph) in list(_GRAPHS.items()):
            if other.network is contest.network and other_key == key:
                _GRAPHS[contest] = (key, graph)
                return graph
        net = contest.network
        src = np.repeat(np.arange(net.n), np.diff(net.indptr))
        fake_ids = np.arange(net.n, contest.accounts)
        sybil = contest.players[np.asarray(contest.fake_owner, np.int64)]
        follower = np.concatenate([net.indices, fake_ids]).astype(np.int64)
        account = np.concatenate([src, sybil]).astype(np.int64)
        ages = account_ages(net.n, contest.accounts - net.n, contest.seed)
        for array in (follower, account, ages):
            array.flags.writeable = False
        follows = pd.DataFrame({"follower": follower, "account": account}, copy=False)
        _GRAPHS[contest] = (key, (follows, ages))
        return follows, ages
    return cached[1]


def public_record(run, replicate: int = 0, until: int | None = None) -> PublicRecord:
    """The :class:`PublicRecord` of one replicate of ``run`` (made with ``record >= 1``).

    With ``until``, the record as it stood before step ``until``: only the
    events of steps ``< until``, and each account's activity counted over
    them; the follower graph and the account ages exist before the contest
    and stay whole.

    Examples
    --------
    >>> from simulator.network.generators import barabasi_albert
    >>> from simulator.contest import Contest, ContestSettings, contest_keys
    >>> net = barabasi_albert(300, 3, np.random.default_rng(1))
    >>> run = Contest(net, None, ContestSettings(players=20), seed=5).run(
    ...     contest_keys(5, 1), record=1)
    >>> public_record(run, until=10**6).accounts.equals(public_record(run).accounts)
    True
    >>> cut = public_record(run, until=0)
    >>> len(cut.clicks), int(cut.accounts.activity.sum()), len(cut.follows) > 0
    (0, 0, True)
    """
    if run.events is None:
        raise ValueError("run has no events: run the contest with record=1")
    contest = run.contest
    keep = run.events["replicate"].to_numpy() == replicate
    if until is not None:
        keep &= run.events["step"].to_numpy() < until
    ev = run.events[keep]

    def of(action, columns):
        part = ev[ev["action"] == _CODE[action]]
        return part[list(columns.values())].rename(columns={v: k for k, v in columns.items()})

    follows, ages = _public_graph(contest)
    public = ev[ev["action"].isin([_CODE[a] for a in ("post", "click", "share", "convert")])]
    activity = np.bincount(public["node"].to_numpy(), minlength=contest.accounts)
    accounts = pd.DataFrame(
        {
            "account": np.arange(contest.accounts),
            "age_days": ages,
            "activity": activity[: contest.accounts],
        }
    )
    return PublicRecord(
        players=pd.DataFrame(
            {"link": np.arange(contest.players.size), "account": contest.players}
        ),
        posts=of(
            "post", {"account": "node", "step": "step", "link": "link", "mentions": "mentions"}
        ),
        clicks=of("click", {"clicker": "node", "step": "step", "link": "link", "via": "parent"}),
        shares=of("share", {"account": "node", "step": "step", "link": "link", "via": "parent"}),
        conversions=of("convert", {"person": "node", "step": "step", "link": "link"}),
        follows=follows,
        accounts=accounts,
        unfollows=of("unfollow", {"person": "node", "account": "parent", "step": "step"}),
        reports=of("report", {"person": "node", "account": "parent", "step": "step"}),
    )


def hidden_state(run, replicate: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the record hides: ``(players with strategy and traits, events with flags)``.

    The events get one boolean column per flag of
    :data:`~simulator.contest.kernel_layout.FLAGS` and the action name.
    """
    contest = run.contest
    players = pd.DataFrame(
        {"link": np.arange(contest.players.size), "account": contest.players,
         "strategy": contest.strategy_names}
    )  # fmt: skip
    for trait in ("honest", "spams", "deceives", "pressures", "fake_accounts", "colludes"):
        players[trait] = [getattr(s, trait) for s in contest.strategies]
    ev = run.events[run.events["replicate"] == replicate].copy()
    ev["action"] = np.asarray(ACTIONS, dtype=object)[ev["action"].to_numpy()]
    for name, bit in FLAGS.items():
        ev[name] = (ev["flags"].to_numpy() & bit) != 0
    return players, ev
