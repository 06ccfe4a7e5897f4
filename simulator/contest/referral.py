"""Referral rewards on a chain of invitations: the 2009 balloon scheme, its sybil attack,
and a sybil-proof alternative.

In the 2009 DARPA Network Challenge the MIT team paid the finder of a
balloon $2,000, whoever invited the finder $1,000, the next inviter up $500,
and so on, halving (:func:`recursive_rewards`). A finder who inserts ``s``
fake identities between itself and its real inviter collects the first
``s + 1`` shares, ``2000 * (2 - 2 ** -s)`` (:func:`sybil_gain`), and each of
its real inviters is paid ``2 ** -s`` of what it was due.

The alternative (:func:`almost_uniform_rewards`) is the (beta, H)
almost-uniform scheme of Babaioff, Dobzinski, Oren and Zohar (2012): when
the chain from the root to the finder holds ``n <= H`` people, every one
of them but the finder gets ``beta`` and the finder ``1 + (H - n + 1) *
beta`` (scaled by ``prize``); longer chains get nothing. A finder that adds
``s`` copies of itself lengthens the chain by ``s`` and loses ``s * beta``,
exactly what its copies collect: no gain (and past ``H``, a loss of
everything). An intermediate inviter that copies itself does gain ``beta``
per copy, taken from the finder's share; Babaioff et al. argue that it does
not know in advance whether it will be on the winning chain, and the cap
``H`` bounds the total: at most ``prize * (1 + H * beta)`` per balloon.

References
----------
G. Pickard, W. Pan, I. Rahwan, M. Cebrian, R. Crane, A. Madan, A. Pentland.
Time-critical social mobilization. Science 334(6055), 509-512, 2011.
M. Babaioff, S. Dobzinski, S. Oren, A. Zohar. On Bitcoin and red balloons.
EC 2012, 56-73. D. Drucker, L. Fleischer. Simpler sybil-proof mechanisms
for multi-level marketing. EC 2012, 441-458.

Examples
--------
>>> recursive_rewards(3).tolist()
[2000.0, 1000.0, 500.0]
>>> sybil_gain(2)
3500.0
>>> almost_uniform_rewards(3, prize=2000.0, beta=0.25, height=5).tolist()
[3500.0, 500.0, 500.0]
"""

from __future__ import annotations

import numpy as np

from simulator import checks

__all__ = [
    "recursive_rewards",
    "sybil_gain",
    "almost_uniform_rewards",
    "finder_take",
    "random_referral_tree",
    "chain_to_root",
]


def recursive_rewards(chain_length: int, prize: float = 2000.0) -> np.ndarray:
    """Rewards along a chain, finder first: ``prize * 2 ** -i`` for the ``i``-th inviter up."""
    n = checks.integer("chain_length", chain_length)
    return prize * 0.5 ** np.arange(n, dtype=np.float64)


def sybil_gain(s: int, prize: float = 2000.0) -> float:
    """What a finder with ``s`` fake identities above it collects: ``prize * (2 - 2 ** -s)``."""
    s = checks.integer("s", s, 0)
    return float(recursive_rewards(s + 1, prize).sum())


def almost_uniform_rewards(
    chain_length: int, prize: float = 2000.0, beta: float = 0.25, height: int = 8
) -> np.ndarray:
    """Babaioff et al.'s (beta, H) almost-uniform rewards along a chain, finder first."""
    n = checks.integer("chain_length", chain_length)
    checks.real("beta", beta, low=0.0)
    h = checks.integer("height", height)
    if n > h:
        return np.zeros(n)
    out = np.full(n, prize * beta)
    out[0] = prize * (1.0 + (h - n + 1) * beta)
    return out


def finder_take(scheme, chain_length: int, s: int, **params) -> float:
    """What the finder and its ``s`` fake identities above it collect together under
    ``scheme`` (a function of the chain length returning rewards, finder first)."""
    return float(scheme(chain_length + s, **params)[: s + 1].sum())


def random_referral_tree(n: int, rng: np.random.Generator, fanout: float = 1.5) -> np.ndarray:
    """Parents of a random referral tree of ``n`` people (root 0 has parent -1): person ``i``
    was invited by an earlier person, chosen with weight ``1 + fanout * invites so far``
    (active recruiters recruit more: preferential attachment)."""
    n = checks.integer("n", n)
    parent = np.full(n, -1, np.int64)
    weight = np.ones(n)
    for i in range(1, n):
        w = weight[:i]
        parent[i] = rng.choice(i, p=w / w.sum())
        weight[parent[i]] += fanout
    return parent


def chain_to_root(parent: np.ndarray, node: int) -> list[int]:
    """The chain from ``node`` up to the root, ``node`` first."""
    chain = [int(node)]
    while parent[chain[-1]] >= 0:
        chain.append(int(parent[chain[-1]]))
    return chain
