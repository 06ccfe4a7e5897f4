"""The charity appeal scene: a blogger, his community, weak ties, two celebrities, a crowd.

A blogger posts one charity appeal. The scene (:class:`CharityScene`, sizes
and fixed settings documented there) has three branches whose counts add:

* **the blog branch** (the funnel kernel, one replicate): the blogger (node
  0); ``community`` regular readers, strong ties to him (Beta(8, 2)) and to
  each other (each follows ``community_follows`` others, Beta(6, 3)), a
  share ``favour_share`` of them owing him ``1 + Poisson(favours_mean)``
  favours; ``weak_followers`` who follow him without knowing him (Beta(1,
  9)); and a ``crowd``: every account but the blogger has
  ``Poisson(crowd_followers)`` followers drawn from the crowd, a share
  ``friend_share`` of them friends (Beta(6, 3)) and the rest acquaintances
  (Beta(1, 9)), so shares travel on through weak ties and reach the
  sharers' friends: people the blogger does not know (weak to him) can be
  reached over a strong tie;
* **the celebrity branch**: two accounts with ``celebrity_followers``
  followers post the appeal ``celebrity_posts`` times from hour
  ``celebrity_start``, every ``celebrity_gap`` hours. A
  ``celebrity_scale`` sample of the followers (their attributes, weak ties
  to the celebrity) gives, in closed form, each follower's expected
  impressions and chances to retweet and to give over the posts (the
  funnel's own delivery, timing, click and conversion laws,
  :meth:`CharityModel._celebrity_chances`); impressions are the expectation
  rescaled by ``1 / celebrity_scale``; retweets and direct donors, rare and
  independent over hundreds of thousands of followers, are Poisson with the
  rescaled expected counts (the law of rare events), and each retweet starts
  a cascade from an ordinary account of the crowd (the blog branch's crowd,
  for the hours left after the first post), whose tweets and donors count
  too: the celebrity donors are the direct ones and those down a retweet.
  (A first version simulated the sample itself and multiplied what
  happened in it by ``1 / celebrity_scale``: right on average, but one
  sampled retweet then counted as 100 tweets and a dozen donors, lumps that
  widened every fit.)
* **discovery**: the post keeps being found (search, links, aggregators):
  strangers arrive at the rate ``r(t) = r0 exp(-t / tau)`` per hour; each
  sees the post directly over a weak tie (``visitor_strength``) and clicks,
  shares and donates by the behaviour functions. Outcomes of independent
  arrivals are a thinned Poisson process, so the numbers of visitor tweets
  and donors in any time span are Poisson with mean the expected arrivals
  times the mean chance (over visitors' attributes). The fitted quantity is
  ``visitors48``, the expected arrivals in the first 48 hours; ``tau``
  (not identified by 48-hour totals) has a lognormal prior, median
  ``decay_median`` hours, and only moves the prediction after 48 hours.

This module is long because the scene's builders and the simulation that
reads their arrays (member ranks, arcs to cut, broadcast arcs) are one
contract; about a quarter of it is the documentation of the scene and of
the published measurements its settings come from.

"Strong" and "weak" donors are the donor's relation to the blogger: strong
= a community member; everyone else is weak.

Fitted parameters (:data:`PARAMETERS`): ``share_rate``,
``conversion_rate``, ``channel_mismatch`` (the attention an appeal written
for a community gets when a celebrity broadcasts it: the click factor of
the celebrities' own arcs, layer ``broadcast``), ``amount`` (the base gift),
``community`` (the number of regular readers: the branch is built with
``max_community`` members and the arcs of members beyond ``community`` are
cut, so a simulation at any size reuses one network) and ``visitors48``.
Fixed: ``appeal`` (confounded with the two rates, since clicks are not
observed), ``tie_exponent`` = 2 (the funnel's default: a costly act scales
with the square of tie strength), ``celebrity_bandwidth`` = 1 (the write-up's "impressions" are
tweets delivered to timelines: followers times tweets, the usual way such
estimates are made; whether a follower then opens one is the timing step)
and the rest of :class:`CharityScene`.

Examples
--------
>>> model = CharityModel(CharityScene.small(), seed=1)
>>> out = model.simulate(np.array([0.3, 0.3, 0.01, 45.0, 200, 300.0]),
...                      np.random.default_rng(0))
>>> sorted(out)[:4]
['after48_amount', 'after48_donors', 'amount', 'celebrity_donors']
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from simulator import behavior, checks
from simulator.calibration.replay import Replay
from simulator.cascade_log import ACTION_CODE
from simulator.engine.campaign import Campaign
from simulator.network.core import Network
from simulator.population import Population
from simulator.rng import stream

__all__ = ["PARAMETERS", "CharityModel", "CharityScene", "VARIANTS"]

#: The fitted parameters, in order.
PARAMETERS = (
    "share_rate",
    "conversion_rate",
    "channel_mismatch",
    "amount",
    "community",
    "visitors48",
)
#: Counterfactual scenarios :meth:`CharityModel.simulate` knows.
VARIANTS = (
    "baseline",
    "no_celebrities",
    "celebrities_only",
    "twice_community",
    "half_favours",
    "reminder_24h",
)
# positions in Campaign.kernel_arrays' msg vector
_MSG = {"share_rate": 1, "conversion_rate": 2, "tie_exponent": 3, "amount": 5}
TIE_EXPONENT = 2.0
CONVERT, CLICK = ACTION_CODE["convert"], ACTION_CODE["click"]


@dataclass(frozen=True)
class CharityScene:
    """Sizes and fixed settings of the scene (documented choices, not fitted).

    Sizes follow the write-up where it gives them (two celebrities with
    more than 100,000 and 500,000 followers; a community of regulars) and
    are round numbers elsewhere: a blog of a few hundred regulars and a few
    thousand followers who do not know the blogger.

    The audience of an ordinary account (a regular reader or anyone in the
    crowd) follows published measurements of the social networks of the
    time: ``crowd_followers`` = 100, the median number of Facebook friends
    (99, Ugander, Karrer, Backstrom & Marlow 2011); ``audience_reach``, the
    Beta law of the share of them one post reaches (the funnel's bandwidth),
    mean 0.35 (a post reaches 35% of the author's friends, Bernstein, Bakshy,
    Burke & Karrer 2013); ``friend_share`` = 0.2 of them close friends,
    between the 15- and 50-person layers of a ~150-person network (Dunbar,
    Arnaboldi, Conti & Passarella 2015). A share thus puts the appeal before
    about 100 x 0.35 x 0.2 = 7 friends of the sharer who do not know the
    blogger: the weak-tie donors of the write-up. (An earlier scene, with 20
    followers and a reach of 0.2 chosen as round numbers, reached 0.8
    friends per share; held to 446 tweets and about 62 strong-tie donors,
    its fit made 8 weak-tie donors where the write-up counts about 30.)

    References
    ----------
    J. Ugander, B. Karrer, L. Backstrom, C. Marlow. The anatomy of the
    Facebook social graph. arXiv:1111.4503, 2011.
    M. S. Bernstein, E. Bakshy, M. Burke, B. Karrer. Quantifying the
    invisible audience in social networks. CHI 2013.
    R. I. M. Dunbar, V. Arnaboldi, M. Conti, A. Passarella. The structure of
    online social networks mirrors those in the offline world. Social
    Networks 43, 39-47, 2015.
    """

    max_community: int = 10000
    weak_followers: int = 3000
    crowd: int = 20000
    crowd_followers: float = 100.0
    audience_reach: tuple[float, float] = (3.5, 6.5)
    friend_share: float = 0.2
    community_follows: float = 8.0
    favour_share: float = 0.25
    favours_mean: float = 1.0
    celebrity_followers: tuple[int, ...] = (100_000, 500_000)
    celebrity_scale: float = 0.01
    celebrity_posts: int = 4
    celebrity_start: int = 6
    celebrity_gap: int = 8
    celebrity_bandwidth: float = 1.0
    appeal: float = 0.5
    community_interest: tuple[float, float] = (5.0, 2.0)
    weak_attention: float = 0.5
    blogger_bandwidth: float = 0.8
    blogger_credibility: float = 0.8
    visitor_strength: float = 0.1
    steps: int = 48
    attention_window: int = 12
    decay_median: float = 48.0
    decay_sigma: float = 0.6

    def __post_init__(self):
        for name in ("max_community", "weak_followers", "crowd", "celebrity_posts", "steps"):
            checks.integer(f"scene.{name}", getattr(self, name))
        checks.real("scene.celebrity_scale", self.celebrity_scale, 0.0, 1.0, low_open=True)
        if not self.celebrity_start + (self.celebrity_posts - 1) * self.celebrity_gap < self.steps:
            raise ValueError("scene: the celebrities' last post must fall within the steps")

    @classmethod
    def small(cls) -> CharityScene:
        """A scene a tenth of the size (tests, notebooks): same shape, faster."""
        return cls(weak_followers=600, crowd=4000, celebrity_scale=0.002)


def _audience_ties(rng, scene, size):
    """Strengths of ordinary accounts' follower arcs: friends (strong) and acquaintances."""
    friend = rng.random(size) < scene.friend_share
    return np.where(friend, rng.beta(6, 3, size), rng.beta(1, 9, size))


def _followers(rng, sources, pool_lo, pool_hi, mean):
    counts = rng.poisson(mean, size=sources.size)
    src = np.repeat(sources, counts)
    dst = rng.integers(pool_lo, pool_hi, size=src.size)
    return src, dst


def _population(rng, n, owed, reach, bandwidth0=None, credibility0=None):
    pop = dict(
        trust=rng.beta(5, 2, n),
        reciprocity=rng.beta(2, 2, n),
        bandwidth=rng.beta(*reach, n),
        activity=rng.beta(2, 5, n),
        credibility=rng.beta(2, 5, n),
        interest=rng.uniform(0, 1, n),
        owed_to_originator=owed,
    )
    if bandwidth0 is not None:
        pop["bandwidth"][0] = bandwidth0
    if credibility0 is not None:
        pop["credibility"][0] = credibility0
    return pop


def _blog_branch(scene: CharityScene, rng, community: int):
    c, w, k = community, scene.weak_followers, scene.crowd
    n = 1 + c + w + k
    comm = np.arange(1, 1 + c)
    src = [np.zeros(c + w, np.int64)]
    dst = [np.arange(1, 1 + c + w)]
    strength = [np.r_[rng.beta(8, 2, c), rng.beta(1, 9, w)]]
    s, d = _followers(rng, comm, 1, 1 + c, scene.community_follows)
    src.append(s), dst.append(d), strength.append(rng.beta(6, 3, s.size))
    s, d = _followers(rng, np.arange(1, n), 1 + c + w, n, scene.crowd_followers)
    src.append(s), dst.append(d), strength.append(_audience_ties(rng, scene, s.size))
    net = Network.from_edges(
        np.concatenate(src),
        np.concatenate(dst),
        n=n,
        weight=np.concatenate(strength),
        name=f"charity blog branch (community {c}, weak {w}, crowd {k})",
    )
    owed = np.zeros(n)
    owes = comm[rng.random(c) < scene.favour_share]
    owed[owes] = 1 + rng.poisson(scene.favours_mean, owes.size)
    pop = _population(
        rng, n, owed, scene.audience_reach, scene.blogger_bandwidth, scene.blogger_credibility
    )
    pop["interest"][comm] = rng.beta(*scene.community_interest, c)  # regulars read him for it
    rank = np.zeros(n, np.int64)  # member i has rank i; others 0
    rank[comm] = comm
    need = np.maximum(rank[net.sources()], rank[net.indices])  # usable iff community >= need
    return net, Population(**pop, favours=np.zeros(net.m)), rank, need


def _celebrity_followers(scene: CharityScene, rng, followers: tuple[int, ...]) -> dict:
    """A ``celebrity_scale`` sample of the celebrities' followers: their attributes and ties."""
    sizes = [max(1, round(f * scene.celebrity_scale)) for f in followers]
    total = sum(sizes)
    pop = _population(rng, total, np.zeros(total), scene.audience_reach)
    credibility = rng.beta(2, 5, len(sizes))  # the celebrities', as any account's
    return dict(
        strength=rng.beta(1, 9, total),  # followers who do not know them
        credibility=np.repeat(credibility, sizes),
        trust=pop["trust"],
        reciprocity=pop["reciprocity"],
        interest=pop["interest"],
        activity=pop["activity"],
        celebrities=len(sizes),
    )


class _Branch:
    """One network with its kernel arrays, ready to run with new parameters."""

    def __init__(self, network, population, campaign, seeds):
        self.network, self.population, self.seeds = network, population, np.asarray(seeds)
        self.campaign = campaign.with_population(population)
        self.node_f, self.arc_f, self.msg, self.ints = self.campaign.kernel_arrays(network)
        self.broadcast = np.flatnonzero(self.arc_f[:, 3] != 1.0)  # arcs off the channel
        self.work = self.arc_f.copy()  # the arc table a run uses, updated in place
        self.replay = Replay(network.indptr, network.indices)
        self._cut = None  # arcs that need a community size, sorted by it; the size now

    def run(
        self,
        theta_map,
        key,
        *,
        steps=None,
        reminders=None,
        owed_scale=1.0,
        bandwidth=None,
        need=None,
        size=None,
        seeds=None,
        limit=np.inf,
    ):
        """One replicate at parameters ``theta_map``; arcs with ``need > size`` are cut.

        Only the entries a parameter sets are rewritten in :attr:`work`
        (every run sets all of them), so a run costs the kernel, not a copy
        of the arc table.
        """
        msg = self.msg.copy()
        for name, pos in _MSG.items():
            msg[pos] = theta_map.get(name, TIE_EXPONENT if name == "tie_exponent" else None)
        ints = self.ints
        if steps is not None or reminders is not None:
            camp = dataclasses.replace(
                self.campaign,
                steps=steps or self.campaign.steps,
                reminders=self.campaign.reminders if reminders is None else reminders,
            )
            ints = camp.kernel_inputs(self.network)[4] if reminders is not None else ints.copy()
            ints[0] = camp.steps
        node_f = self.node_f
        if owed_scale != 1.0 or bandwidth is not None:
            node_f = node_f.copy()
            node_f[:, 5] *= owed_scale
            if bandwidth is not None:
                node_f[: self.seeds.size, 0] = bandwidth
        arc_f = self.work
        if need is not None:
            if self._cut is None:
                arcs = np.flatnonzero(need > 0)
                arcs = arcs[np.argsort(need[arcs], kind="stable")]
                arc_f[arcs, 1] = 0.0  # no trust: below cut_below, the arc carries nothing
                self._cut = [arcs, need[arcs], 0]
            arcs, arc_need, now = self._cut
            # only the arcs between the last size and this one change (sorted by need)
            lo, hi = np.searchsorted(arc_need, sorted((now, size)), side="right")
            change = arcs[lo:hi]
            arc_f[change, 1] = self.arc_f[change, 1] if size > now else 0.0
            self._cut[2] = size
        mismatch = theta_map.get("channel_mismatch")
        arc_f[self.broadcast, 3] = self.arc_f[self.broadcast, 3] if mismatch is None else mismatch
        seeds = self.seeds if seeds is None else seeds
        return self.replay.run(node_f, arc_f, msg, ints, seeds, key, limit)


class CharityModel:
    """The scene built once (from ``seed``), simulated at any parameters and scenario.

    Parameters
    ----------
    scene : CharityScene
    seed : int
        Root seed of the scene's network and population (streams
        ``charity.blog``, ``charity.celebrities``, ``charity.visitors``);
        each simulation draws its randomness from the generator it is given.
    """

    def __init__(self, scene: CharityScene, seed: int):
        self.scene, self.seed = scene, seed
        self._branches: dict[str, tuple] = {}
        rng = stream(seed, "charity.visitors")
        m = 4000
        self.visitors = dict(
            trust=rng.beta(5, 2, m), reciprocity=rng.beta(2, 2, m), interest=rng.uniform(0, 1, m)
        )
        for name in ("blog", "celebrities"):  # build the baseline branches now
            self.branch(name)

    def _campaign(self, **kw):
        s = self.scene
        return Campaign(
            appeal=s.appeal,
            weak_attention=s.weak_attention,
            steps=s.steps,
            attention_window=s.attention_window,
            fatigue_tolerance=10,
            **kw,
        )

    def branch(self, name: str) -> tuple:
        """``(branch, (member rank, arc need) or number of celebrities)``, built on first use."""
        if name not in self._branches:
            s = self.scene
            if name == "blog":
                net, pop, rank, need = _blog_branch(
                    s, stream(self.seed, "charity.blog"), s.max_community
                )
                self._branches[name] = (_Branch(net, pop, self._campaign(), [0]), (rank, need))
            else:
                followers = s.celebrity_followers if name == "celebrities" else (1_000_000,)
                self._branches[name] = _celebrity_followers(
                    s, stream(self.seed, "charity." + name), followers
                )
        return self._branches[name]

    @property
    def blog(self):
        """The blog branch, the members' ranks and each arc's needed community size."""
        return self.branch("blog")

    @property
    def celebrities(self):
        """The sample of the celebrities' followers (:func:`_celebrity_followers`)."""
        return self.branch("celebrities")

    def _celebrity_chances(self, th, f):
        """Per sampled follower: expected impressions, P(retweets), P(gives), over the posts.

        A celebrity's post reaches a follower with probability
        ``celebrity_bandwidth`` and is opened if the follower comes online
        within the attention window and before the campaign ends:
        ``1 - (1 - activity) ** min(window, steps - t)`` (the funnel's
        geometric delay); each opened post is clicked with the funnel's
        click probability (the channel mismatch on the broadcast arc),
        retweeted on a click with the share rate (at most once) and given to
        on a click with the conversion probability (at most once).
        """
        s = self.scene
        posts = s.celebrity_start + s.celebrity_gap * np.arange(s.celebrity_posts)
        left = np.minimum(s.attention_window, s.steps - posts)
        seen = s.celebrity_bandwidth * (1.0 - (1.0 - f["activity"][:, None]) ** left[None, :])
        click = behavior.click_probability(
            s.appeal,
            f["interest"],
            f["credibility"],
            f["trust"],
            f["strength"],
            th["channel_mismatch"],
            s.weak_attention,
            1.0,
        )
        give = behavior.convert_probability(
            th["conversion_rate"], f["strength"], TIE_EXPONENT, f["trust"], f["reciprocity"], 0, 1
        )
        clicked = seen * click[:, None]  # (followers, posts)
        share = 1.0 - np.prod(1.0 - clicked * th["share_rate"], axis=1)
        gives = 1.0 - np.prod(1.0 - clicked * give[:, None], axis=1)
        return seen.sum(), share.sum(), gives.sum()

    def _visitor_rates(self, th):
        v, s = self.visitors, self.scene
        p_click = behavior.click_probability(
            s.appeal,
            v["interest"],
            s.blogger_credibility,
            v["trust"],
            s.visitor_strength,
            1.0,
            s.weak_attention,
            1.0,
        )
        p_conv = behavior.convert_probability(
            th["conversion_rate"],
            s.visitor_strength,
            TIE_EXPONENT,
            v["trust"],
            v["reciprocity"],
            0.0,
            1.0,
        )
        return float((p_click * th["share_rate"]).mean()), float((p_click * p_conv).mean())

    def simulate(
        self,
        theta,
        rng: np.random.Generator,
        variant: str = "baseline",
        horizon: int | None = None,
        max_tweets: float = np.inf,
    ) -> dict:
        """One simulation: the 48-hour figures and (with ``horizon`` hours) what came after.

        Returns a dict of ``tweets, donors, amount, strong_donors,
        weak_donors, strong_amount, weak_amount, max_gift_owed`` (whether the
        largest gift came from someone owing favours), ``celebrity_impressions,
        celebrity_donors`` and ``after48_donors, after48_amount`` (0 without
        ``horizon``).

        ``max_tweets`` stops a cascade once it has made that many tweets (a
        guard for fits: a prior draw whose cascade floods the crowd costs
        hundreds of times a typical one, and is rejected all the same; its
        tweets are then at least ``max_tweets``).
        """
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
        th = dict(zip(PARAMETERS, np.asarray(theta, float), strict=True))
        s = self.scene
        steps = s.steps if horizon is None else max(horizon, s.steps)
        out = dict.fromkeys(
            (
                "tweets",
                "donors",
                "amount",
                "strong_donors",
                "weak_donors",
                "strong_amount",
                "weak_amount",
                "celebrity_impressions",
                "celebrity_donors",
                "after48_donors",
                "after48_amount",
                "max_gift_owed",
            ),
            0.0,
        )
        keys = rng.integers(0, 2**63, size=2)
        if variant != "celebrities_only":
            blog, (rank, need) = self.blog
            size = int(round(th["community"])) * (2 if variant == "twice_community" else 1)
            if size > s.max_community:
                raise ValueError(f"community {size} exceeds scene.max_community {s.max_community}")
            member = (rank > 0) & (rank <= size)
            totals, ev, amounts = blog.run(
                th,
                keys[0],
                steps=steps if horizon else None,
                reminders=(24,) if variant == "reminder_24h" else None,
                owed_scale=0.5 if variant == "half_favours" else 1.0,
                need=need,
                size=size,
                limit=max_tweets,
            )
            node, step, action = ev[:, 1], ev[:, 3], ev[:, 4]
            early = step < s.steps
            conv = (action == CONVERT) & early
            strong = conv & member[node]
            out["tweets"] += float(((action == ACTION_CODE["share"]) & early).sum())
            out["strong_donors"] += float(strong.sum())
            out["weak_donors"] += float((conv & ~member[node]).sum())
            out["strong_amount"] += float(amounts[strong].sum())
            out["weak_amount"] += float(amounts[conv & ~member[node]].sum())
            late = (action == CONVERT) & ~early
            out["after48_donors"] += float(late.sum())
            out["after48_amount"] += float(amounts[late].sum())
            if conv.any():
                top = node[conv][np.argmax(amounts[conv])]
                out["max_gift_owed"] = float(blog.population.owed_to_originator[top] > 0)
            # discovery: a thinned Poisson process of visitors
            q_share, q_conv = self._visitor_rates(th)
            v48 = th["visitors48"]
            out["tweets"] += rng.poisson(v48 * q_share)
            visitors = rng.poisson(v48 * q_conv)
            out["weak_donors"] += visitors
            out["weak_amount"] += visitors * th["amount"]
            if horizon:
                tau = s.decay_median * math.exp(s.decay_sigma * rng.standard_normal())
                ratio = math.exp(-s.steps / tau) / (1 - math.exp(-s.steps / tau))
                later = rng.poisson(v48 * ratio * q_conv)
                out["after48_donors"] += later
                out["after48_amount"] += later * th["amount"]
        if variant != "no_celebrities":
            f = self.branch("celebrity_1m" if variant == "celebrities_only" else "celebrities")
            scale = 1.0 / s.celebrity_scale
            seen, shares, gives = self._celebrity_chances(th, f)
            out["celebrity_impressions"] = seen * scale
            # rare, independent events over the followers: Poisson with the expected count
            direct = rng.poisson(gives * scale)
            retweets = int(rng.poisson(shares * scale))
            out["tweets"] += f["celebrities"] * s.celebrity_posts + retweets
            donors, amount = float(direct), direct * th["amount"]
            if retweets:  # each retweet starts a cascade from an ordinary account of the crowd
                blog, (rank, need) = self.blog
                crowd = np.arange(blog.network.n - s.crowd, blog.network.n)
                seeds = np.sort(rng.choice(crowd, min(retweets, crowd.size), replace=False))
                _, ev, amounts = blog.run(
                    th, keys[1], steps=s.steps - s.celebrity_start, seeds=seeds, limit=max_tweets
                )
                action = ev[:, 4]
                out["tweets"] += float((action == ACTION_CODE["share"]).sum())
                conv = action == CONVERT
                donors += float(conv.sum())
                amount += float(amounts[conv].sum())
            out["celebrity_donors"] = donors
            out["weak_donors"] += donors
            out["weak_amount"] += amount
        out["donors"] = out["strong_donors"] + out["weak_donors"]
        out["amount"] = out["strong_amount"] + out["weak_amount"]
        return out
