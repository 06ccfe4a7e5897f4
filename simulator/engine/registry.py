"""The spread models, by the name a config selects them with (``campaign=NAME``).

Every model is a frozen dataclass whose fields are its parameters (each with
a default and a plain type a config can hold: bool, int, float, str, None or
a tuple of ints) and whose ``simulate(network, seed_rows, keys, log)`` runs
its compiled kernel (see :func:`simulator.engine.run.run_cascades`). A model
that reads agent attributes has a ``population`` field, which is not a
parameter: the run supplies it. Adding a model touches one line here and one
YAML file in ``configs/campaign/``; the typed config schema is derived from
the dataclass (:mod:`simulator.runs.config`).

Examples
--------
>>> sorted(SPREAD_MODELS)  # doctest: +NORMALIZE_WHITESPACE
['complex_contagion', 'fractional_threshold', 'funnel', 'independent_cascade',
 'linear_threshold', 'sir', 'weighted_cascade']
>>> make_model("sir", {"beta": 0.2, "gamma": 0.5})
SIR(beta=0.2, gamma=0.5, max_steps=10000)
>>> [name for name, _, _ in model_parameters("complex_contagion")]
['k', 'p']
"""

from __future__ import annotations

import dataclasses
import typing

from simulator.engine.campaign import Campaign
from simulator.engine.models import IndependentCascade, WeightedCascade
from simulator.engine.textbook import SIR, ComplexContagion, FractionalThreshold, LinearThreshold

__all__ = ["SPREAD_MODELS", "model_parameters", "make_model"]

#: name -> model class; the name is the ``kind`` of its ``campaign`` config.
SPREAD_MODELS: dict[str, type] = {
    "independent_cascade": IndependentCascade,
    "weighted_cascade": WeightedCascade,
    "linear_threshold": LinearThreshold,
    "fractional_threshold": FractionalThreshold,
    "complex_contagion": ComplexContagion,
    "sir": SIR,
    "funnel": Campaign,
}

#: Fields the run supplies rather than the config.
RUN_INPUTS = ("population",)


def _model_class(kind: str) -> type:
    try:
        return SPREAD_MODELS[kind]
    except KeyError:
        raise ValueError(
            f"unknown spread model {kind!r}; choose from {', '.join(sorted(SPREAD_MODELS))}"
        ) from None


def model_parameters(kind: str) -> list[tuple[str, object, object]]:
    """``(name, type, default)`` of each parameter of model ``kind``, in field order."""
    cls = _model_class(kind)
    hints = typing.get_type_hints(cls)
    return [
        (f.name, hints[f.name], f.default)
        for f in dataclasses.fields(cls)
        if f.name not in RUN_INPUTS
    ]


def make_model(kind: str, params: dict, population=None):
    """Model ``kind`` with ``params`` (a model that reads agents also gets ``population``)."""
    cls = _model_class(kind)
    kwargs = dict(params)
    if "population" in {f.name for f in dataclasses.fields(cls)}:
        kwargs["population"] = population
    return cls(**kwargs)
