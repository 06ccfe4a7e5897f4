"""Parameter distributions for agent attributes: a typed, validated config.

A :class:`Distribution` says how to give each of ``n`` agents a value of one
attribute (trust, bandwidth, ...): a constant, a uniform, beta or lognormal
draw, or a numeric node attribute of an imported network. It is a plain
dataclass, used directly as a Hydra structured-config schema, so YAML gives
only values and bad parameters are rejected with a message naming the field.

Two kinds of error are told apart:

- **Parameters you wrote** must be valid: ``a, b, sigma > 0``, ``low <= high``,
  and (checked by :meth:`Distribution.check_bounds` against the attribute's
  bounds) a constant ``value`` or a uniform ``[low, high]`` must lie within the
  attribute's bounds. A trust of 1.5 is a mistake, not something to clip.
- **Values drawn** from a distribution with a wider support than the attribute
  (a lognormal bandwidth can exceed 1) are clipped to the bounds when
  ``clip=True`` (the default) and raise otherwise.

Examples
--------
>>> import numpy as np
>>> d = Distribution(kind="beta", a=2.0, b=5.0)
>>> d.draw(3, np.random.default_rng(0)).round(3).tolist()
[0.229, 0.116, 0.21]
>>> Distribution.from_dict({"kind": "constant", "value": 0.7}).draw(2, np.random.default_rng(0))
array([0.7, 0.7])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

from simulator import checks

__all__ = ["DISTRIBUTION_KINDS", "Distribution"]

#: Kinds accepted by :class:`Distribution`.
DISTRIBUTION_KINDS = ("constant", "uniform", "beta", "lognormal", "attribute")

_NUMERIC_FIELDS = ("value", "low", "high", "a", "b", "mean", "sigma")


def _fmt_bounds(bounds: tuple[float, float]) -> str:
    lo, hi = bounds
    right = ")" if math.isinf(hi) else "]"
    left = "(" if math.isinf(lo) else "["
    return f"{left}{lo:g}, {hi:g}{right}"


@dataclass
class Distribution:
    """How to draw one attribute for every agent.

    Attributes
    ----------
    kind : {"constant", "uniform", "beta", "lognormal", "attribute"}
        ``"constant"``: every agent gets ``value``. ``"uniform"``: uniform on
        ``[low, high]``. ``"beta"``: Beta(``a``, ``b``), mean ``a / (a + b)``.
        ``"lognormal"``: ``exp(N(mean, sigma**2))`` (``mean`` and ``sigma`` are
        those of the underlying normal), for heavy-tailed quantities.
        ``"attribute"``: the numeric node attribute named ``attribute`` of the
        network (e.g. a reputation score read from the data).
    value : float, default 0.5
    low, high : float, default 0.0, 1.0
    a, b : float > 0, default 2.0, 2.0
    mean : float, default 0.0
    sigma : float > 0, default 1.0
    attribute : str or None, default None
        Node attribute name; required when ``kind="attribute"``.
    clip : bool, default True
        Clip drawn values to the attribute's bounds (e.g. a lognormal bandwidth
        to [0, 1]); if False, a value outside the bounds raises ``ValueError``.

    Examples
    --------
    >>> Distribution(kind="beta", a=-1.0)
    Traceback (most recent call last):
    ...
    ValueError: Distribution.a must be > 0, got -1
    >>> Distribution(kind="attribute")
    Traceback (most recent call last):
    ...
    ValueError: Distribution.attribute must name a node attribute when kind='attribute', got None
    """

    kind: str = "constant"
    value: float = 0.5
    low: float = 0.0
    high: float = 1.0
    a: float = 2.0
    b: float = 2.0
    mean: float = 0.0
    sigma: float = 1.0
    attribute: str | None = None
    clip: bool = True

    def __post_init__(self) -> None:
        if self.kind not in DISTRIBUTION_KINDS:
            raise ValueError(
                f"Distribution.kind must be one of {DISTRIBUTION_KINDS}, got {self.kind!r}"
            )
        for name in _NUMERIC_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(
                value, (int, float, np.integer, np.floating)
            ):
                raise ValueError(f"Distribution.{name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"Distribution.{name} must be finite, got {value}")
            setattr(self, name, float(value))
        for name in ("a", "b", "sigma"):
            value = checks.real(f"Distribution.{name}", getattr(self, name), 0.0, low_open=True)
            setattr(self, name, value)
        if self.low > self.high:
            raise ValueError(
                f"Distribution.low must be <= Distribution.high, got low={self.low}, "
                f"high={self.high}"
            )
        if self.kind == "attribute" and not (isinstance(self.attribute, str) and self.attribute):
            raise ValueError(
                "Distribution.attribute must name a node attribute when kind='attribute', "
                f"got {self.attribute!r}"
            )
        if self.attribute is not None and not isinstance(self.attribute, str):
            raise ValueError(
                f"Distribution.attribute must be a string or None, got {self.attribute!r}"
            )
        if not isinstance(self.clip, (bool, np.bool_)):
            raise ValueError(f"Distribution.clip must be True or False, got {self.clip!r}")

    # ----------------------------------------------------------------- build
    @classmethod
    def from_dict(cls, values: Mapping | Distribution | float) -> Distribution:
        """Build from a mapping of fields; a bare number means a constant.

        Unknown keys raise ``ValueError`` naming them. A ``Distribution`` is
        returned unchanged.

        Examples
        --------
        >>> Distribution.from_dict({"kind": "uniform", "low": 0.2, "high": 0.4}).describe()
        'uniform(0.2, 0.4)'
        >>> Distribution.from_dict(0.3).describe()
        'constant(0.3)'
        >>> Distribution.from_dict({"kind": "beta", "alpha": 2})
        Traceback (most recent call last):
        ...
        ValueError: unknown Distribution key(s) ['alpha']; allowed: kind, value, low, high, a, b, mean, sigma, attribute, clip
        """  # noqa: E501
        if isinstance(values, Distribution):
            return values
        if isinstance(values, (int, float, np.integer, np.floating)) and not isinstance(
            values, bool
        ):
            return cls(kind="constant", value=float(values))
        if not isinstance(values, Mapping):
            raise ValueError(
                f"a Distribution is given as a mapping of fields or a number, got {values!r}"
            )
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ValueError(f"unknown Distribution key(s) {unknown}; allowed: {', '.join(names)}")
        return cls(**dict(values))

    def describe(self) -> str:
        """A short text such as ``"beta(2, 5)"`` for tables and logs."""
        if self.kind == "constant":
            return f"constant({self.value:g})"
        if self.kind == "uniform":
            return f"uniform({self.low:g}, {self.high:g})"
        if self.kind == "beta":
            return f"beta({self.a:g}, {self.b:g})"
        if self.kind == "lognormal":
            return f"lognormal({self.mean:g}, {self.sigma:g})"
        return f"attribute({self.attribute})"

    # ---------------------------------------------------------------- checks
    def check_bounds(self, bounds: tuple[float, float], name: str = "Distribution") -> None:
        """Check that the written parameters fit an attribute's bounds.

        A constant ``value`` and a uniform ``[low, high]`` must lie inside
        ``bounds``; random tails and data values are handled by :meth:`draw`.

        Parameters
        ----------
        bounds : (float, float)
            Inclusive lower and upper bound of the attribute (``inf`` allowed).
        name : str
            Prefix for messages, e.g. ``"trust"``.

        Examples
        --------
        >>> Distribution(value=1.5).check_bounds((0.0, 1.0), "trust")
        Traceback (most recent call last):
        ...
        ValueError: trust.value = 1.5 lies outside the bounds [0, 1] of trust
        """
        lo, hi = _check_bounds_pair(bounds)
        checks = {"constant": ("value",), "uniform": ("low", "high")}.get(self.kind, ())
        for field_name in checks:
            v = getattr(self, field_name)
            if not lo <= v <= hi:
                raise ValueError(
                    f"{name}.{field_name} = {v:g} lies outside the bounds "
                    f"{_fmt_bounds((lo, hi))} of {name}"
                )

    # ------------------------------------------------------------------ draw
    def draw(
        self,
        n: int | tuple[int, ...],
        rng: np.random.Generator,
        node_attrs: Mapping[str, np.ndarray] | None = None,
        bounds: tuple[float, float] = (0.0, 1.0),
        *,
        name: str | None = None,
    ) -> np.ndarray:
        """Draw ``n`` values (float64) for ``n`` agents.

        Parameters
        ----------
        n : int or tuple of int
            Number of values, or a shape whose first axis is the agents (e.g.
            ``(n, topics)``).
        rng : numpy.random.Generator
            Not used by ``"constant"`` and ``"attribute"``.
        node_attrs : mapping of str -> array, optional
            Where ``kind="attribute"`` looks up ``attribute`` (normally
            ``Network.node_attrs``; per-arc quantities pass ``Network.arc_attrs``).
            The array must have ``n`` rows (shape ``n`` or reshapeable to it)
            and be numeric.
        bounds : (float, float), default (0.0, 1.0)
            Inclusive bounds of the attribute; use ``(0.0, np.inf)`` for
            counts. Values outside are clipped when ``clip`` is True.
        name : str, optional
            Attribute name used in error messages.

        Returns
        -------
        numpy.ndarray of float64, shape ``n``

        Examples
        --------
        >>> rng = np.random.default_rng(3)
        >>> d = Distribution(kind="lognormal", mean=0.0, sigma=1.0)
        >>> d.draw(4, rng).round(3).tolist()  # values above 1 clipped to 1
        [1.0, 0.078, 1.0, 0.567]
        >>> d.draw(4, rng, bounds=(0.0, np.inf)).round(3).tolist()  # unbounded above
        [0.636, 0.806, 0.133, 0.793]
        >>> attrs = {"score": np.array([0.1, 0.9, 0.4])}
        >>> Distribution(kind="attribute", attribute="score").draw(3, rng, attrs).tolist()
        [0.1, 0.9, 0.4]
        """
        label = name or "Distribution"
        shape = (n,) if isinstance(n, (int, np.integer)) else tuple(n)
        if not shape or any(
            isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0 for s in shape
        ):
            raise ValueError(f"n must be a non-negative int or shape, got {n!r}")
        lo, hi = _check_bounds_pair(bounds)
        self.check_bounds((lo, hi), label)
        if self.kind == "constant":
            values = np.full(shape, self.value)
        elif self.kind == "uniform":
            values = rng.uniform(self.low, self.high, size=shape)
        elif self.kind == "beta":
            values = rng.beta(self.a, self.b, size=shape)
        elif self.kind == "lognormal":
            values = rng.lognormal(self.mean, self.sigma, size=shape)
        else:
            values = self._from_attribute(shape, node_attrs, label)
        values = np.asarray(values, dtype=np.float64)
        outside = (values < lo) | (values > hi)
        if outside.any():
            if not self.clip:
                raise ValueError(
                    f"{int(outside.sum())} of {values.size} values of {label} drawn from "
                    f"{self.describe()} lie outside {_fmt_bounds((lo, hi))} "
                    f"(range [{values.min():g}, {values.max():g}]); set clip=True to clip them"
                )
            values = np.clip(values, lo, hi)
        return values

    def _from_attribute(self, shape, node_attrs, label: str) -> np.ndarray:
        attrs = node_attrs or {}
        if self.attribute not in attrs:
            available = ", ".join(repr(k) for k in sorted(attrs)) or "none"
            raise ValueError(
                f"{label}: attribute {self.attribute!r} not found (available: {available})"
            )
        raw = np.asarray(attrs[self.attribute])
        if raw.dtype.kind not in "biuf":
            try:
                raw = raw.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{label}: attribute {self.attribute!r} is not numeric (dtype {raw.dtype})"
                ) from None
        values = raw.astype(np.float64)
        if values.shape != shape:
            if values.shape[:1] != shape[:1] or values.size != math.prod(shape):
                raise ValueError(
                    f"{label}: attribute {self.attribute!r} has shape {values.shape}, "
                    f"expected {shape}"
                )
            values = values.reshape(shape)
        if not np.all(np.isfinite(values)):
            raise ValueError(
                f"{label}: attribute {self.attribute!r} contains NaN or infinite values"
            )
        return values


def _check_bounds_pair(bounds) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be a pair (low, high), got {bounds!r}") from None
    if math.isnan(lo) or math.isnan(hi) or lo > hi:
        raise ValueError(f"bounds must satisfy low <= high, got {bounds!r}")
    return lo, hi
