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

The scene's settings and builders are in
:mod:`simulator.calibration.charity_scene`, a branch replayed at new
parameters in :mod:`simulator.calibration.charity_branch`, and the
published figures a fit holds the simulations to (their scale and error
model) in :mod:`simulator.calibration.charity_summaries`; this module
builds the model from the first two and simulates it.

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

import math

import numpy as np

from simulator import behavior
from simulator.calibration.charity_branch import Branch
from simulator.calibration.charity_scene import (
    TIE_EXPONENT,
    CharityScene,
    blog_branch,
    celebrity_followers,
)
from simulator.cascade_log import ACTION_CODE
from simulator.engine.campaign import Campaign
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
CONVERT = ACTION_CODE["convert"]


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
                net, pop, rank, need = blog_branch(
                    s, stream(self.seed, "charity.blog"), s.max_community
                )
                self._branches[name] = (Branch(net, pop, self._campaign(), [0]), (rank, need))
            else:
                followers = s.celebrity_followers if name == "celebrities" else (1_000_000,)
                self._branches[name] = celebrity_followers(
                    s, stream(self.seed, "charity." + name), followers
                )
        return self._branches[name]

    @property
    def blog(self):
        """The blog branch, the members' ranks and each arc's needed community size."""
        return self.branch("blog")

    @property
    def celebrities(self):
        """The sample of the celebrities' followers (:func:`.celebrity_followers`)."""
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
