"""The tie model of a run: :class:`TieModel` (its configuration) and :func:`apply_tie_model`.

A :class:`~simulator.network.core.Network` stores a tie strength in [0, 1] for
every arc (``Network.strength``) and, optionally, the trust the arc's target
places in its source (``Network.trust``). Imported data rarely come in that
form: they carry message counts, call durations, or signed ratings. The models
that turn such raw columns (``Network.arc_attrs``) into strengths live in
:mod:`simulator.network.tie_strength` and the one that maps ratings to trust in
:mod:`simulator.network.tie_trust`; this module chooses between the strength
models by configuration. :class:`TieModel` is the typed configuration (a Hydra
structured-config schema) and checks exactly the parameters of the model it
names; :func:`apply_tie_model` dispatches to it. A new model touches both.

Every tie function is importable from here (the public path since before the
split): :func:`strength_from_weights`, :func:`strength_from_overlap`,
:func:`strength_from_interactions`, :func:`random_strength`,
:func:`strong_ties`, :func:`tie_type` and :func:`trust_from_ratings`.

>>> net = Network.from_edges([0, 1, 2], [1, 2, 0], arc_attrs={"weight": [1, 2, 4]})
>>> spec = TieModel.from_dict({"kind": "weights", "method": "max"})
>>> apply_tie_model(net, spec, np.random.default_rng(0)).strength.tolist()
[0.25, 0.5, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

from simulator import checks
from simulator.network.core import Network
from simulator.network.tie_strength import (
    WEIGHT_METHODS,
    random_strength,
    strength_from_interactions,
    strength_from_overlap,
    strength_from_weights,
    strong_ties,
    tie_type,
)
from simulator.network.tie_trust import trust_from_ratings

__all__ = [
    "TIE_KINDS",
    "WEIGHT_METHODS",
    "TieModel",
    "apply_tie_model",
    "random_strength",
    "strength_from_interactions",
    "strength_from_overlap",
    "strength_from_weights",
    "strong_ties",
    "tie_type",
    "trust_from_ratings",
]

#: Kinds accepted by :class:`TieModel`.
TIE_KINDS = ("constant", "weights", "overlap", "interactions", "beta")


@dataclass
class TieModel:
    """Configuration of the tie-strength model (a Hydra structured-config schema).

    Attributes
    ----------
    kind : {"constant", "weights", "overlap", "interactions", "beta"}
        ``"constant"``: every arc gets ``value``. ``"weights"``:
        :func:`strength_from_weights` on the arc column ``attr`` with ``method``.
        ``"overlap"``: :func:`strength_from_overlap`. ``"interactions"``:
        :func:`strength_from_interactions` on ``attr`` with ``half_saturation``.
        ``"beta"``: :func:`random_strength` with ``a``, ``b``, ``symmetric``.
    value : float in [0, 1], default 1.0
        Strength of every arc for ``kind="constant"``.
    method : {"max", "log", "rank"}, default "max"
    a, b : float > 0, default 2.0, 5.0
        Beta shape parameters (mean strength ``a / (a + b)`` = 2/7).
    strong_threshold : float in [0, 1], default 0.5
        Arcs with strength >= this are strong ties (see :func:`tie_type`);
        used by the behaviour and metrics that distinguish strong from weak ties.
    attr : str, default "weight"
        Raw arc column for ``"weights"`` and ``"interactions"``.
    half_saturation : float > 0 or None, default None
        ``h`` of ``"interactions"``; None = median of the non-zero counts.
    symmetric : bool, default True
        For ``"beta"``: same value on both arcs of a reciprocated pair.

    Examples
    --------
    >>> TieModel(kind="beta", a=2.0, b=2.0).kind
    'beta'
    >>> TieModel(kind="votes")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: TieModel.kind must be one of ('constant', ..., 'beta'), got 'votes'
    """

    kind: str = "constant"
    value: float = 1.0
    method: str = "max"
    a: float = 2.0
    b: float = 5.0
    strong_threshold: float = 0.5
    attr: str = "weight"
    half_saturation: float | None = None
    symmetric: bool = True

    def __post_init__(self) -> None:
        if self.kind not in TIE_KINDS:
            raise ValueError(f"TieModel.kind must be one of {TIE_KINDS}, got {self.kind!r}")
        if self.method not in WEIGHT_METHODS:
            raise ValueError(
                f"TieModel.method must be one of {WEIGHT_METHODS}, got {self.method!r}"
            )
        self.value = checks.probability("TieModel.value", self.value)
        self.strong_threshold = checks.probability(
            "TieModel.strong_threshold", self.strong_threshold
        )
        self.a = checks.real("TieModel.a", self.a, 0.0, low_open=True)
        self.b = checks.real("TieModel.b", self.b, 0.0, low_open=True)
        if self.half_saturation is not None:
            self.half_saturation = checks.real(
                "TieModel.half_saturation", self.half_saturation, 0.0, low_open=True
            )
        if not isinstance(self.attr, str) or not self.attr:
            raise ValueError(f"TieModel.attr must be a non-empty string, got {self.attr!r}")

    @classmethod
    def from_dict(cls, values: Mapping) -> TieModel:
        """Build from a plain mapping; unknown keys raise naming the key.

        Examples
        --------
        >>> TieModel.from_dict({"kind": "weights", "method": "log"}).method
        'log'
        """
        allowed = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - allowed)
        if unknown:
            raise ValueError(f"unknown TieModel key(s) {unknown}; allowed keys: {sorted(allowed)}")
        return cls(**dict(values))


def apply_tie_model(net: Network, spec: TieModel, rng: np.random.Generator) -> Network:
    """Apply a :class:`TieModel` to a network; returns a copy with new strengths.

    Parameters
    ----------
    net : Network
    spec : TieModel
    rng : numpy.random.Generator
        Used only by ``kind="beta"``; the deterministic kinds draw nothing.

    Examples
    --------
    >>> net = Network.from_edges([0, 1, 2], [1, 2, 0], directed=False)
    >>> apply_tie_model(net, TieModel(kind="overlap"), np.random.default_rng(0)).strength.tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    >>> apply_tie_model(net, TieModel(value=0.3), np.random.default_rng(0)).strength.tolist()
    [0.3, 0.3, 0.3, 0.3, 0.3, 0.3]
    """
    if not isinstance(spec, TieModel):
        raise TypeError(f"spec must be a TieModel, got {type(spec).__name__}")
    if spec.kind == "constant":
        return net.with_arc_attrs(strength=np.full(net.m, spec.value))
    if spec.kind == "weights":
        return strength_from_weights(net, attr=spec.attr, method=spec.method)
    if spec.kind == "overlap":
        return strength_from_overlap(net)
    if spec.kind == "interactions":
        return strength_from_interactions(
            net, attr=spec.attr, half_saturation=spec.half_saturation
        )
    return random_strength(net, spec.a, spec.b, rng, symmetric=spec.symmetric)
