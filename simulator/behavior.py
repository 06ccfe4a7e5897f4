"""Decision functions of the action funnel: one source of behaviour for every engine.

Each function is plain arithmetic on numpy functions, so it works on scalars
and on arrays alike, in Python and inside numba kernels (the compiled engine
wraps them with ``numba.njit``; the Mesa agents and the tests call them
directly). The funnel an exposure of ``v`` to a post by ``u`` along the arc
``u -> v`` goes through:

1. **delivery**: the post reaches ``v``'s feed with probability
   ``bandwidth[u]`` (feeds are ranked; most posts reach a share of followers);
2. **timing**: ``v`` opens the feed at the first step it is online
   (:func:`attention_delay`, or :func:`online_delay` when the chance of
   being online follows a daily curve and ``v``'s time zone); posts older
   than the attention window are lost;
3. **click** (attention): :func:`click_probability`;
4. **share** (cheap, given a click): a constant rate, independent of tie
   strength, so the many weak ties carry shares;
5. **convert** (costly, given a click): :func:`convert_probability`, steep in
   tie strength and trust, raised by favours owed (reciprocity);
6. **trust update**: :func:`trust_penalty` after repeated or deceptive posts.

The functional forms are deliberately simple products of factors in [0, 1]
(Wu's six factors of influence: the sender's domain credibility and
bandwidth, content relevance, timing, channel alignment, and the target's
confidence), so each parameter has one readable meaning.

References
----------
M. Wu. "The Influence Project" fiasco and the six factors of influence.
Lithium Building Community blog, 2010.
M. S. Granovetter. The strength of weak ties. Am. J. Sociology 78(6), 1973.
E. Bakshy, J. M. Hofman, W. A. Mason, D. J. Watts. Everyone's an influencer:
quantifying influence on Twitter. WSDM 2011.

Examples
--------
>>> import numpy as np
>>> float(click_probability(0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 1.0))
0.5
>>> convert_probability(0.1, np.array([1.0, 0.5]), 2.0, 1.0, 0.0, 0.0, 1.0).tolist()
[0.1, 0.025]
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "attention_delay",
    "online_delay",
    "click_probability",
    "convert_probability",
    "conversion_amount",
    "trust_penalty",
]


def attention_delay(activity, u):
    """Steps until an agent online with probability ``activity`` per step opens its feed.

    Geometric number of offline steps, by inversion of the uniform ``u`` in
    [0, 1): 0 when ``activity`` is 1. Callers treat ``activity == 0`` (never
    online) before calling.

    Examples
    --------
    >>> int(attention_delay(1.0, 0.7)), int(attention_delay(0.5, 0.7))
    (0, 1)
    """
    a = np.minimum(activity, 1.0 - 1e-15)
    return np.floor(np.log1p(-u) / np.log1p(-a))


def online_delay(activity, curve, hour, u, limit):
    """Steps until an agent whose chance of being online follows a daily curve opens its feed.

    In the step ``d`` steps from now (local hour ``(hour + d) % 24``) the
    agent is online with probability ``min(activity * curve[(hour + d) % 24],
    1)``; the delay is the first step online, drawn by inversion of the one
    uniform ``u`` in [0, 1) (the first ``d`` at which the chance of having
    stayed offline falls below ``1 - u``). Returns ``limit`` when the agent
    stays offline for ``limit`` steps. With a flat curve of ones this is
    :func:`attention_delay` (the geometric law; engines call that one
    directly, so a flat curve changes no number). Scalars only (a loop).

    Parameters
    ----------
    activity : float
        Mean chance of being online per step, [0, 1].
    curve : ndarray, shape (24,)
        Relative chance per local hour, mean 1 (``Population.daily_activity``
        divided by its mean).
    hour : int
        The agent's local hour now.
    u : float
        Uniform in [0, 1).
    limit : int
        Steps looked ahead.

    References
    ----------
    S. A. Golder, M. W. Macy. Diurnal and seasonal mood vary with work,
    sleep, and daylength across diverse cultures. Science 333(6051), 2011.

    Examples
    --------
    >>> import numpy as np
    >>> night = np.r_[np.zeros(8), np.full(16, 1.5)]  # asleep 0-8h
    >>> online_delay(1.0, night, 5, 0.3, 24), online_delay(0.5, np.ones(24), 0, 0.7, 24)
    (3, 1)
    """
    stay = 1.0
    for d in range(limit):
        p = min(activity * curve[(hour + d) % 24], 1.0)
        stay *= 1.0 - p
        if stay < 1.0 - u:
            return d
    return limit


def click_probability(
    appeal, relevance, credibility, confidence, strength, channel_fit, weak_attention, boost
):
    """P(click | impression): appeal x relevance x source x confidence x tie x channel.

    Parameters
    ----------
    appeal : message appeal in [0, 1] (the "motivating proposition").
    relevance : the target's interest in the message topic, [0, 1].
    credibility : the sender's domain credibility, [0, 1]; enters as
        ``(1 + credibility) / 2`` so an unknown sender still gets attention.
    confidence : the target's current trust in the sender, [0, 1].
    strength : tie strength, [0, 1]; enters as
        ``weak_attention + (1 - weak_attention) * strength``.
    channel_fit : 1 when the arc's layer is the campaign's channel, else the
        mismatch factor.
    weak_attention : attention a zero-strength tie still gets, [0, 1].
    boost : click-through multiplier (deceptive content), >= 1.
    """
    tie = weak_attention + (1.0 - weak_attention) * strength
    p = appeal * relevance * 0.5 * (1.0 + credibility) * confidence * tie * channel_fit * boost
    return np.minimum(p, 1.0)


def convert_probability(rate, strength, tie_exponent, confidence, reciprocity, owed, weight):
    """P(convert | click): costly acts need strong ties, trust, and favours owed.

    ``rate * strength**tie_exponent * confidence * (1 + weight * reciprocity * owed)``,
    capped at 1. ``owed`` counts favours the target owes the sender or the
    campaign's originator; ``reciprocity`` is the target's propensity to
    return them.
    """
    p = rate * strength**tie_exponent * confidence * (1.0 + weight * reciprocity * owed)
    return np.minimum(p, 1.0)


def conversion_amount(amount, reciprocity, owed, amount_reciprocity):
    """Size of a donation or purchase: favours owed raise the largest gifts.

    Examples
    --------
    >>> float(conversion_amount(50.0, 0.5, 2.0, 1.0))
    100.0
    """
    return amount * (1.0 + amount_reciprocity * reciprocity * owed)


def trust_penalty(exposures, tolerance, fatigue_penalty, deceived, deception_penalty):
    """Loss of the target's trust in a sender after this exposure.

    ``fatigue_penalty`` for every exposure beyond ``tolerance`` from the
    same sender (spam), plus ``deception_penalty`` when the target clicked
    deceptive content.

    Examples
    --------
    >>> float(trust_penalty(4, 3, 0.2, 0.0, 0.5)), float(trust_penalty(1, 3, 0.2, 1.0, 0.5))
    (0.2, 0.5)
    """
    return fatigue_penalty * (exposures > tolerance) + deception_penalty * deceived
