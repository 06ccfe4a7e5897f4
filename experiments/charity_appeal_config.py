"""Settings of the charity-appeal study, checked one by one, and where its fit checkpoints.

:class:`CharityAppealConfig` is the study's schema (``experiment.*``:
targets, error model, priors, sampler, outputs; the defaults are those of
``configs/experiment/charity_appeal.yaml``); :func:`default_checkpoint` is
where a fit keeps its state between generations unless told otherwise. The
study itself is :mod:`experiments.charity_appeal`.

Examples
--------
>>> cfg = CharityAppealConfig(scene="small")
>>> cfg.prior().names == PARAMETERS, cfg.targets["tweets"]
(True, 446.0)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from simulator.calibration import Prior
from simulator.calibration.charity import PARAMETERS
from simulator.calibration.charity_summaries import LOG_SCALE, TARGETS
from simulator.checks import integer, real
from simulator.runs.config import ExperimentConfig

__all__ = ["CharityAppealConfig", "default_checkpoint"]

#: The parameters whose prior is log-uniform (the others': uniform).
_LOG_PRIOR = {"share_rate", "conversion_rate", "channel_mismatch", "community", "visitors48"}


@dataclass
class CharityAppealConfig(ExperimentConfig):
    """Settings of the charity-appeal study: targets, error model, priors, sampler, outputs."""

    name: str = "charity_appeal"
    replicates: int = 1  # unused: the sampler sets the number of simulations
    scene: str = "full"  # "full" or "small" (CharityScene.small: tests, notebooks)
    targets: dict[str, float] = field(
        default_factory=lambda: {
            "tweets": 446.0,
            "donors": 92.0,
            "amount": 4352.0,
            "strong_donors": 62.0,
            "celebrity_impressions": 3.0e6,
            "celebrity_donors": 1.0,
        }
    )
    # error model: lognormal sd (tweets, celebrity_impressions) or normal sd (strong_donors)
    errors: dict[str, float] = field(
        default_factory=lambda: {
            "tweets": 0.05,
            "donors": 0.0,
            "amount": 0.0,
            "strong_donors": 5.0,
            "celebrity_impressions": 0.5,
            "celebrity_donors": 0.0,
        }
    )
    priors: dict[str, list[float]] = field(
        default_factory=lambda: {
            "share_rate": [0.01, 1.0],
            "conversion_rate": [0.01, 1.0],
            "channel_mismatch": [1e-4, 1.0],
            "amount": [10.0, 100.0],
            "community": [100.0, 5000.0],
            "visitors48": [10.0, 10000.0],
        }
    )
    particles: int = 600
    generations: int = 14
    quantile: float = 0.5
    predictive_draws: int = 200
    counterfactual_draws: int = 100
    horizon: int = 240  # hours simulated for the final amount (10 days)
    checkpoint: str | None = None
    workers: int = 0  # processes simulating the fit's proposals; 0: every available core

    def __post_init__(self):
        super().__post_init__()
        if self.scene not in ("full", "small"):
            raise ValueError(f"scene must be 'full' or 'small', got {self.scene!r}")
        for name, table in (("targets", self.targets), ("errors", self.errors)):
            if set(table) != set(TARGETS):
                raise ValueError(f"{name} must give exactly {list(TARGETS)}, got {sorted(table)}")
        for key in TARGETS:
            real(f"targets.{key}", self.targets[key], 0.0, low_open=key in LOG_SCALE)
            real(f"errors.{key}", self.errors[key], 0.0)
        if set(self.priors) != set(PARAMETERS):
            raise ValueError(
                f"priors must give exactly {list(PARAMETERS)}, got {sorted(self.priors)}"
            )
        for key, bounds in self.priors.items():
            if len(bounds) != 2 or not bounds[0] < bounds[1]:
                raise ValueError(f"priors.{key} must be [low, high] with low < high, got {bounds}")
            if key in _LOG_PRIOR and not bounds[0] > 0:
                raise ValueError(f"priors.{key} is log-uniform: low must be > 0, got {bounds[0]}")
        for name, low in (
            ("particles", 10),
            ("generations", 1),
            ("predictive_draws", 2),
            ("counterfactual_draws", 2),
            ("horizon", 48),
            ("workers", 0),
        ):
            integer(name, getattr(self, name), low)
        if not 0 < self.quantile < 1:
            raise ValueError(f"quantile must be in (0, 1), got {self.quantile}")

    def prior(self) -> Prior:
        """The prior over :data:`~simulator.calibration.charity.PARAMETERS`."""
        return Prior(
            PARAMETERS,
            tuple(float(self.priors[p][0]) for p in PARAMETERS),
            tuple(float(self.priors[p][1]) for p in PARAMETERS),
            log=tuple(p in _LOG_PRIOR for p in PARAMETERS),
        )


def default_checkpoint(outdir, exp, seed) -> Path:
    """Where a fit keeps its checkpoint unless ``experiment.checkpoint`` says otherwise.

    ``OUTDIR/checkpoint/abc-KEY.npz``, KEY a hash of what the fit depends on
    (so two fits never share one). The run layer stages a run in
    ``RUNDIR/.partial-*`` and removes stale staging directories when the run
    is started again, so a checkpoint there would not survive the interruption
    it is for: it goes beside the staging directory, in ``RUNDIR/checkpoint``.

    Examples
    --------
    >>> p = default_checkpoint(Path("run/.partial-1-ab"), CharityAppealConfig(), 42)
    >>> p.parent.as_posix(), p.name.startswith("abc-")
    ('run/checkpoint', True)
    """
    outdir = Path(outdir)
    base = outdir.parent if outdir.name.startswith(".partial-") else outdir
    what = [seed, exp.scene, exp.particles, exp.quantile, exp.targets, exp.errors, exp.priors]
    key = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:12]
    return base / "checkpoint" / f"abc-{key}.npz"
