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
>>> study.shardable, study.unsharded
(False, 'not yet')

Shards (``experiment.shard=I/N``): a study whose entry has ``finish`` runs
only its shard's replicates (same replicate keys and streams as the whole
run) and writes its rows (:func:`write_shard`; :func:`end_run` ends a run either
way); ``campaign-report`` puts the
rows of all N shards back in the whole run's order (:func:`merge_rows`, by the
entry's ``order`` columns, then ``replicate``) and calls ``finish`` on them,
the same function the whole run ends with, so the merged tables equal the
whole run's. A study without ``finish`` refuses ``experiment.shard`` and says
why (``unsharded``).

>>> import pandas as pd
>>> a = pd.DataFrame({"arm": ["x", "x", "y", "y"], "replicate": [0, 1, 0, 1]})
>>> b = pd.DataFrame({"arm": ["x", "y"], "replicate": [2, 2]})
>>> merge_rows([a, b], ("arm",)).to_dict("list")
{'arm': ['x', 'x', 'x', 'y', 'y', 'y'], 'replicate': [0, 1, 2, 0, 1, 2]}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.runs.config import ExperimentConfig

__all__ = ["Study", "ALL_GROUPS", "ALWAYS_READ", "end_run", "merge_rows", "write_shard"]

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
    finish : callable ``(rows, cfg, outdir) -> dict`` or None
        Writes every table and figure derived from the full ``results.parquet``
        rows (``results.parquet`` itself included); the study's ``run`` ends
        with it. Given, the study runs in shards (``experiment.shard=I/N``).
    order : tuple of str
        The columns of the study's loops outside the replicate loop, outermost
        first (``("arm",)``): shard rows are merged by them, then by ``replicate``.
    unsharded : str
        Why the study cannot run in shards (without ``finish``), for the error.
    """

    name: str
    run: Callable = field(repr=False)
    question: str
    schema: type[ExperimentConfig] = ExperimentConfig
    reads: tuple[str, ...] = ALL_GROUPS
    smoke: tuple[str, ...] = ()
    finish: Callable | None = field(default=None, repr=False)
    order: tuple[str, ...] = ("arm",)
    unsharded: str = "not yet"

    @property
    def shardable(self) -> bool:
        """Whether the study runs in shards (``experiment.shard=I/N``)."""
        return self.finish is not None

    def merge(self, frames: Sequence[pd.DataFrame], cfg, outdir) -> dict:
        """The whole run's outputs, written into ``outdir``, from the rows of all its shards."""
        if self.finish is None:
            raise ValueError(f"experiment={self.name} does not run in shards")
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        return self.finish(merge_rows(frames, self.order), cfg, outdir)

    def uses(self, key: str) -> bool:
        """Whether the dotted config ``key`` (or a group name) is something this study reads."""
        for read in (*ALWAYS_READ, *self.reads):
            if key == read or key.startswith(read + "."):
                return True
        return False


def merge_rows(frames: Sequence[pd.DataFrame], order: Sequence[str] = ()) -> pd.DataFrame:
    """Rows of a run's shards (in any order) in the whole run's order.

    The whole run loops over the groups of the ``order`` columns (in the order
    they first appear) and, inside, over replicates; rows of one replicate keep
    their order (a stable sort), so inner loops (e.g. arms inside a
    replicate) stay as they were.
    """
    rows = pd.concat(list(frames), ignore_index=True)
    present = [c for c in order if c in rows.columns]
    rank = (
        rows.groupby(present, sort=False, dropna=False).ngroup().to_numpy()
        if present
        else np.zeros(len(rows), np.int64)
    )
    # lexsort is stable: the last key sorts first (rank), then replicate
    position = np.lexsort((rows["replicate"].to_numpy(), rank))
    return rows.iloc[position].reset_index(drop=True)


def end_run(rows: pd.DataFrame, cfg, outdir, finish: Callable) -> dict:
    """The end of a shardable study's ``run``: a shard writes its rows only
    (:func:`write_shard`), a whole run everything derived from them (``finish``)."""
    if cfg.experiment.shard is not None:
        return write_shard(rows, cfg, outdir)
    return finish(rows, cfg, outdir)


def write_shard(rows: pd.DataFrame, cfg, outdir) -> dict:
    """A shard's outputs: its ``results.parquet`` rows only (the tables derived from
    all replicates are written when ``campaign-report`` merges the shards)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rows.to_parquet(outdir / "results.parquet", index=False)
    exp = cfg.experiment
    span = exp.replicate_range()
    return {
        "rows": rows,
        "text": f"shard {exp.shard}: replicates {span.start}-{span.stop - 1} of "
        f"{exp.replicates}, {len(rows)} rows (campaign-report merges the shards)",
    }
