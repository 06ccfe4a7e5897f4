"""Scoring rules of the influence contest: each a pure function of the public record.

A rule maps one contest's :class:`~simulator.contest.record.PublicRecord` to
one score per link (higher ranks first). It sees nothing else: no trust, no
strategy labels, no event flags (the record has none; a test checks that every
rule runs on the record alone). :data:`RULES` is the registry, name -> rule;
parametrised rules are frozen dataclasses whose fields are their parameters.

The rules, from the 2010 rule to the one designed here:

- ``naive_clicks``: clicks on the link, by anyone, by any means (Fast Company 2010);
- ``unique_clickers``: distinct accounts that clicked;
- ``conversions``: sign-ups on the landing page (the costly act);
- ``second_generation``: clicks on reshares of the link (someone passed it on);
- ``trust_weighted``: clicks weighted by the clicker's engagement signals
  (account age, activity), net of the unfollows and spam reports the player drew;
- ``rate_limited``: only clicks on the first ``k`` pushes of a poster count;
- ``decayed``: a click on a poster's ``j``-th push of the link counts ``1 / j``;
- ``followers_only``: only clicks by people who follow the account they clicked;
- ``trusted_voluntary`` (designed here, reads engagement): :class:`TrustedVoluntary`;
  spam, fake accounts and rings gain nothing, pressure does (docs/contest.md);
- ``trusted_audience`` (designed here, engagement-blind): :func:`trusted_audience`,
  trusted followers (other contestants left out) net of the cuts drawn; every gaming
  tactic costs.

References
----------
Fast Company. The Influence Project, 2010. M. Wu. "The Influence Project" fiasco
and the six factors of influence. Lithium Building Community blog, 2010.
Z. Gyongyi, H. Garcia-Molina, J. Pedersen. Combating web spam with TrustRank.
VLDB 2004, 576-587.
Q. Cao, M. Sirivianos, X. Yang, T. Pregueiro. Aiding the detection of fake
accounts in large scale social online services (SybilRank). NSDI 2012.

Examples
--------
>>> import numpy as np
>>> from simulator.network.generators import barabasi_albert
>>> from simulator.contest import Contest, ContestSettings, contest_keys
>>> from simulator.contest.record import public_record
>>> net = barabasi_albert(300, 3, np.random.default_rng(1))
>>> record = public_record(Contest(net, None, ContestSettings(players=20), 5).run(
...     contest_keys(5, 1), record=1))
>>> scores = {name: rule(record) for name, rule in RULES.items()}
>>> all(s.shape == (20,) for s in scores.values())
True
>>> bool((scores["unique_clickers"] <= scores["naive_clicks"]).all())
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator import checks
from simulator.contest.record import PublicRecord
from simulator.contest.record_queries import (
    cuts_after_clicks,
    follows,
    link_owner,
    per_link,
    push_index,
)
from simulator.contest.trust_rules import TrustedVoluntary, trust_rank, trusted_audience

__all__ = [
    "RULES",
    "Rule",
    "score_all",
    "naive_clicks",
    "unique_clickers",
    "conversions",
    "second_generation",
    "TrustWeighted",
    "RateLimited",
    "Decayed",
    "followers_only",
    "TrustedVoluntary",
    "trusted_audience",
    "trust_rank",
]

Rule = Callable[[PublicRecord], np.ndarray]


def _cuts_after_clicks(record: PublicRecord) -> tuple[np.ndarray, np.ndarray]:
    """Unfollows and spam reports per link: cuts of an account ``a`` by a person
    who had clicked the link on ``a``'s post, at or before the cut (public joins)."""
    out = []
    for cuts in (record.unfollows, record.reports):
        joined = cuts_after_clicks(record, cuts)
        joined = joined.drop_duplicates(["person", "account", "step", "link"])
        out.append(per_link(record, joined["link"]))
    return out[0], out[1]


# -------------------------------------------------------------- plain rules
def naive_clicks(record: PublicRecord) -> np.ndarray:
    """Clicks on the link, by anyone, by any means: the 2010 Influence Project's rule.

    References
    ----------
    Fast Company. The Influence Project, 2010.
    """
    return per_link(record, record.clicks["link"])


def unique_clickers(record: PublicRecord) -> np.ndarray:
    """Distinct accounts that clicked the link (repeat clicks count once)."""
    return per_link(record, record.clicks.drop_duplicates(["clicker", "link"])["link"])


def conversions(record: PublicRecord) -> np.ndarray:
    """Conversions (sign-ups on the landing page) credited to the link."""
    return per_link(record, record.conversions["link"])


def second_generation(record: PublicRecord) -> np.ndarray:
    """Clicks on reshares of the link (``via`` is not the link's player)."""
    clicks = record.clicks
    mask = clicks["via"].to_numpy() != link_owner(record, clicks["link"])
    return per_link(record, clicks["link"].to_numpy()[mask])


def followers_only(record: PublicRecord) -> np.ndarray:
    """Clicks by people who follow the account whose post they clicked."""
    clicks = record.clicks
    mask = follows(record, clicks["clicker"], clicks["via"])
    return per_link(record, clicks["link"].to_numpy()[mask])


@dataclass(frozen=True)
class TrustWeighted:
    """Clicks weighted by the clicker's engagement, net of unfollows and spam reports.

    A click by account ``c`` counts ``min(1, age_c / age_full) * min(1,
    activity_c / activity_full)``: young or barely active accounts count less
    (a Klout-like engagement score). Each unfollow and spam report of an
    account by someone who had clicked the link on that account's post
    subtracts ``penalty``.
    """

    age_full: float = 365.0
    activity_full: float = 2.0
    penalty: float = 1.0

    def __call__(self, record: PublicRecord) -> np.ndarray:
        acc = record.accounts.set_index("account")
        clicker = record.clicks["clicker"].to_numpy()
        age = acc["age_days"].to_numpy()[clicker] if clicker.size else np.zeros(0)
        act = acc["activity"].to_numpy()[clicker] if clicker.size else np.zeros(0)
        w = np.minimum(1.0, age / self.age_full) * np.minimum(1.0, act / self.activity_full)
        unf, rep = _cuts_after_clicks(record)
        return per_link(record, record.clicks["link"], w) - self.penalty * (unf + rep)


@dataclass(frozen=True)
class RateLimited:
    """Only clicks on a poster's first ``k`` pushes of the link count.

    ``k=3`` is the audience's tolerance of part 1 (three posts from one sender
    before it loses trust): a rule cannot see tolerance, but platforms cap
    repeated mentions at a handful.
    """

    k: int = 3

    def __post_init__(self):
        checks.integer("rate_limited.k", self.k)

    def __call__(self, record: PublicRecord) -> np.ndarray:
        clicks = record.clicks
        keep = push_index(record, clicks, "via") <= self.k
        return per_link(record, clicks["link"].to_numpy()[keep])


@dataclass(frozen=True)
class Decayed:
    """A click on a poster's ``j``-th push of the link counts ``j ** -power``."""

    power: float = 1.0

    def __post_init__(self):
        checks.real("decayed.power", self.power, low=0.0)

    def __call__(self, record: PublicRecord) -> np.ndarray:
        clicks = record.clicks
        w = push_index(record, clicks, "via").astype(np.float64) ** -self.power
        return per_link(record, clicks["link"], w)


#: The registry: name -> rule (a pure function of the public record).
RULES: dict[str, Rule] = {
    "naive_clicks": naive_clicks,
    "unique_clickers": unique_clickers,
    "conversions": conversions,
    "second_generation": second_generation,
    "trust_weighted": TrustWeighted(),
    "rate_limited": RateLimited(),
    "decayed": Decayed(),
    "followers_only": followers_only,
    "trusted_voluntary": TrustedVoluntary(),
    "trusted_audience": trusted_audience,
}


def score_all(record: PublicRecord, rules: dict[str, Rule] | None = None) -> pd.DataFrame:
    """Scores of every rule (columns) for every link (rows) of one record.

    See the module's example.
    """
    rules = RULES if rules is None else rules
    return pd.DataFrame({name: rule(record) for name, rule in rules.items()})
