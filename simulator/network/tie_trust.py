"""Trust from signed ratings: ``Network.trust`` in [0, 1] from a raw rating column.

:func:`trust_from_ratings` maps a rating scale (e.g. Bitcoin OTC's -10..+10)
linearly onto [0, 1] and returns a **new** network with ``trust`` set; the
input is never modified. Also importable from :mod:`simulator.network.ties`.

>>> net = Network.from_edges([0, 1], [1, 0], arc_attrs={"rating": [1, 5]})
>>> trust_from_ratings(net, low=1, high=5).trust.tolist()
[0.0, 1.0]
"""

from __future__ import annotations

import math

from simulator.network.core import Network
from simulator.network.raw_arc_columns import arc_column

__all__ = ["trust_from_ratings"]


def trust_from_ratings(
    net: Network,
    attr: str = "rating",
    low: float = -10,
    high: float = 10,
    *,
    ratings=None,
) -> Network:
    """Trust in [0, 1] from signed ratings, linearly: ``(r - low) / (high - low)``.

    The rating on arc ``u -> v`` is read as the trust the arc's target ``v``
    places in its source ``u`` (``v`` sees ``u``'s posts). In Bitcoin OTC, for
    example, ratings run from -10 (total distrust) to +10 (total trust), so -10
    maps to 0, 0 to 0.5 and +10 to 1. Mind the direction: a Bitcoin OTC row
    ``SOURCE, TARGET, RATING`` means SOURCE rates TARGET, so the arc that
    carries this rating as trust is ``TARGET -> SOURCE`` (the rater listens to
    the rated); read such files with the arcs reversed.

    Parameters
    ----------
    net : Network
    attr : str, default "rating"
        Raw arc column holding the ratings.
    low, high : float, default -10, 10
        The rating scale; ``low < high``.
    ratings : array-like, shape (m,), optional
        Ratings per arc, instead of ``net.arc_attrs[attr]``.

    Returns
    -------
    Network
        A copy with ``trust`` set.

    Raises
    ------
    ValueError
        If a rating lies outside ``[low, high]`` (the message gives the range
        found) or ``low >= high``.

    Examples
    --------
    >>> net = Network.from_edges([0, 1, 2], [1, 2, 0], arc_attrs={"rating": [-10, 0, 5]})
    >>> trust_from_ratings(net).trust.tolist()
    [0.0, 0.5, 0.75]
    """
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"low must be < high (both finite), got low={low}, high={high}")
    r = arc_column(net, ratings, attr, "ratings")
    if r.size and (r.min() < low or r.max() > high):
        raise ValueError(
            f"ratings must lie in [{low:g}, {high:g}], found range [{r.min():g}, {r.max():g}]; "
            "set low= and high= to the rating scale of the data"
        )
    return net.with_arc_attrs(trust=(r - low) / (high - low))
