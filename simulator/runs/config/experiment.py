"""The ``seeding``, ``experiment`` and ``data`` config groups: what a run does with its world.

:class:`SeedingConfig` names the seeding strategies of the arms and the seeds
each gets; :class:`ExperimentConfig` the study, its replicates, CI level and
outputs, and optionally one shard of the replicates (:func:`parse_shard`,
:func:`shard_range`: a run split across machines); :class:`DataConfig` the
real data a study may read. Each checks its ranges in ``__post_init__``.

Examples
--------
>>> ExperimentConfig(replicates=10, shard="3/3").replicate_range()
range(6, 10)
>>> SeedingConfig(strategies=["random", "random"])
Traceback (most recent call last):
...
ValueError: strategies lists a strategy twice: ['random', 'random']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator import checks

__all__ = ["SeedingConfig", "ExperimentConfig", "DataConfig", "parse_shard", "shard_range"]


# ----------------------------------------------------------------- seeding
@dataclass
class SeedingConfig:
    """Which seeding strategies form the arms, and how many seeds each gets."""

    k: int = 10
    strategies: list[str] = field(default_factory=lambda: ["random", "top_degree"])
    redraw: bool = True  # stochastic strategies draw new seeds in every replicate

    def __post_init__(self):
        from simulator.seeding.registry import STRATEGIES

        checks.integer("k", self.k)
        if not self.strategies:
            raise ValueError("strategies must name at least one seeding strategy")
        for name in self.strategies:
            if name not in STRATEGIES:
                raise ValueError(
                    f"strategies: unknown seeding strategy {name!r}; "
                    f"choose from {', '.join(sorted(STRATEGIES))}"
                )
        if len(set(self.strategies)) != len(self.strategies):
            raise ValueError(f"strategies lists a strategy twice: {list(self.strategies)}")


# -------------------------------------------------------------- experiment
@dataclass
class ExperimentConfig:
    """What to run and report: which study, how many replicates, CI level."""

    name: str = "quickstart"
    replicates: int = 500
    ci_level: float = 0.95
    save_events: bool = False  # also write events.parquet (can be large)
    figures: bool = True
    # "I/N": run only shard I of N of the replicates (one job of a run split across
    # machines; campaign-report merges the shards). Not part of the run id.
    shard: str | None = None

    def __post_init__(self):
        # Whether ``name`` is a study and these are its settings is checked by the
        # run layer, which knows the studies (simulator.runs.compose.check_study).
        checks.integer("replicates", self.replicates)
        if not 0.5 <= self.ci_level < 1.0:
            raise ValueError(f"ci_level must be in [0.5, 1), got {self.ci_level}")
        if self.shard is not None:
            # whether the study runs in shards: the run layer (compose.check_study)
            count = parse_shard(self.shard)[1]
            if count > self.replicates:
                raise ValueError(
                    f"shard {self.shard}: {count} shards of {self.replicates} replicates (at "
                    "most one shard per replicate: lower N or raise experiment.replicates)"
                )

    def shard_of(self) -> tuple[int, int] | None:
        """``(I, N)`` of ``shard = "I/N"``, or None for a whole run."""
        return None if self.shard is None else parse_shard(self.shard)

    def replicate_range(self) -> range:
        """The replicates this run computes: all of them, or its shard's contiguous block.

        >>> ExperimentConfig(replicates=10, shard="2/3").replicate_range()
        range(3, 6)
        """
        return shard_range(self.replicates, self.shard_of())


def parse_shard(text) -> tuple[int, int]:
    """``"3/16"`` -> ``(3, 16)``: shard 3 of 16 (1 <= I <= N), or a ValueError naming ``shard``.

    >>> parse_shard("3/16")
    (3, 16)
    """
    index, sep, count = str(text).strip().partition("/")
    if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise ValueError(f"shard must be I/N with 1 <= I <= N (shard I of N), got {text!r}")
    return int(index), int(count)


def shard_range(replicates: int, shard: tuple[int, int] | None) -> range:
    """Replicates ``[floor((I-1) R / N), floor(I R / N))`` of shard ``(I, N)`` (all without one).

    The blocks of shards 1..N are contiguous and cover ``range(R)`` once, in order.

    >>> [shard_range(10, (i, 3)) for i in (1, 2, 3)]
    [range(0, 3), range(3, 6), range(6, 10)]
    """
    if shard is None:
        return range(replicates)
    index, count = shard
    return range((index - 1) * replicates // count, index * replicates // count)


# -------------------------------------------------------------------- data
@dataclass
class DataConfig:
    """Real data read by studies that import it (``cascades_from_data``)."""

    path: str | None = None
