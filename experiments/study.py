"""What the registry knows about a study: how to run it, its settings, what it reads.

A study reads the root ``seed`` and its ``experiment`` settings, plus the
config groups or keys listed in ``reads`` (``"network"`` for the whole
group, ``"network.n"`` for one key). The run layer rejects overrides of
anything else (``experiment=influentials does not use campaign.p``) and
computes the run id from what the study reads, so a sweep over an unread key
cannot make jobs that look different and compute the same thing.

Examples
--------
>>> from simulator.runs.config import ExperimentConfig
>>> study = Study("demo", lambda cfg, outdir: {}, "What does it show?", reads=("network.n",))
>>> study.uses("network.n"), study.uses("network.m"), study.uses("experiment.replicates")
(True, False, True)
>>> study.schema is ExperimentConfig
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.runs.config import ExperimentConfig

__all__ = ["Study", "ALL_GROUPS", "ALWAYS_READ"]

#: The groups a study that builds its network, population, campaign and seeds reads.
ALL_GROUPS = ("network", "population", "campaign", "seeding")
#: What every study reads.
ALWAYS_READ = ("seed", "experiment")


@dataclass(frozen=True)
class Study:
    """One registry entry.

    Attributes
    ----------
    name : str
        The name of ``configs/experiment/NAME.yaml`` and of ``experiment.name``.
    run : callable ``(cfg: Config, outdir) -> dict``
        Runs the study and writes its outputs into ``outdir``; the dict holds
        at least ``"text"`` (printed by the command line) and, where the study
        builds one network, ``"network"`` (recorded in the manifest).
    question : str
        The question the study answers, in one line (README, reports).
    schema : subclass of ExperimentConfig
        The study's own settings (``experiment.*``).
    reads : tuple of str
        Config groups (``"network"``) or keys (``"network.n"``) the study reads
        besides ``seed`` and ``experiment``.
    smoke : tuple of str
        Overrides that shrink the study's own settings for the smoke test that
        runs every study end to end (beside a small network and few replicates).
    """

    name: str
    run: Callable = field(repr=False)
    question: str
    schema: type[ExperimentConfig] = ExperimentConfig
    reads: tuple[str, ...] = ALL_GROUPS
    smoke: tuple[str, ...] = ()

    def uses(self, key: str) -> bool:
        """Whether the dotted config ``key`` (or a group name) is something this study reads."""
        for read in (*ALWAYS_READ, *self.reads):
            if key == read or key.startswith(read + "."):
                return True
        return False
