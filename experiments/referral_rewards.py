"""Referral rewards: can a finder game the 2009 balloon scheme with fake identities?

On simulated referral trees (:func:`simulator.contest.referral.random_referral_tree`)
a random person finds the balloon; for ``s = 0 .. max_sybils`` fake
identities inserted above the finder, the study records what the finder
collects and what its real inviters lose, under the MIT recursive scheme
(``arm = recursive``) and Babaioff et al.'s sybil-proof almost-uniform
scheme (``arm = almost_uniform``).

Outputs: ``results.parquet`` (one row per scheme x tree x s), ``summary.csv``
(arm, metric = ``finder_take_s<s>`` / ``inviters_loss_s<s>`` / ``total_paid``,
mean, ci_low, ci_high, n), ``referral.png``. Runs in shards
(``experiment.shard=I/N``): each tree is an independent replicate.

Examples
--------
>>> import tempfile
>>> from simulator.runs.config import small_config
>>> cfg = small_config(experiment=ReferralRewardsConfig(replicates=5, people=50,
...                                                     figures=False))
>>> out = run(cfg, tempfile.mkdtemp())
>>> bool((out["rows"].query("arm == 'almost_uniform'")["finder_gain"] <= 1e-9).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.study import Study, end_run
from simulator.analysis.stats import summarize
from simulator.contest.referral import (
    almost_uniform_rewards,
    chain_to_root,
    random_referral_tree,
    recursive_rewards,
)
from simulator.rng import stream
from simulator.runs.config import Config, ExperimentConfig


@dataclass
class ReferralRewardsConfig(ExperimentConfig):
    """Referral trees, the prize and the schemes' parameters."""

    name: str = "referral_rewards"
    replicates: int = 200  # referral trees
    people: int = 2000  # per tree
    fanout: float = 1.5
    prize: float = 2000.0
    beta: float = 0.25  # almost-uniform: each inviter's share of the prize
    height: int = 20  # almost-uniform: chains longer than this are paid nothing
    max_sybils: int = 6

    def __post_init__(self):
        super().__post_init__()
        for name in ("people", "height", "max_sybils"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        for name in ("fanout", "prize", "beta"):
            if not float(getattr(self, name)) >= 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")


def schemes(exp: ReferralRewardsConfig) -> dict:
    """Scheme name -> rewards along a chain of a given length, finder first."""
    return {
        "recursive": lambda n: recursive_rewards(n, exp.prize),
        "almost_uniform": lambda n: almost_uniform_rewards(n, exp.prize, exp.beta, exp.height),
    }


def run(cfg: Config, outdir) -> dict:
    """Run the referral-rewards study; write its outputs into ``outdir``.

    With ``experiment.shard=I/N`` only that shard's trees are drawn (tree ``r``
    from its own stream ``referral.tree``/``r``, as in the whole run) and only
    their rows are written (:func:`experiments.study.write_shard`).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    exp = cfg.experiment
    if not isinstance(exp, ReferralRewardsConfig):
        raise ValueError(
            "referral_rewards needs experiment settings of type ReferralRewardsConfig"
        )
    rows = []
    for r in exp.replicate_range():
        rng = stream(cfg.seed, "referral.tree", r)
        parent = random_referral_tree(exp.people, rng, exp.fanout)
        chain = chain_to_root(parent, int(rng.integers(exp.people)))
        n = len(chain)
        for arm, pay in schemes(exp).items():
            honest = pay(n)
            for s in range(exp.max_sybils + 1):
                gamed = pay(n + s)
                take = float(gamed[: s + 1].sum())
                rows.append(
                    {"arm": arm, "replicate": r, "seed": cfg.seed, "chain_length": n,
                     "sybils": s, "finder_take": take, "finder_gain": take - honest[0],
                     "inviters_loss": float(honest[1:].sum() - gamed[s + 1 :].sum()),
                     "total_paid": float(gamed.sum())}
                )  # fmt: skip
    rows = pd.DataFrame(rows)
    return end_run(rows, cfg, outdir, finish)


def finish(rows: pd.DataFrame, cfg: Config, outdir) -> dict:
    """Write ``results.parquet`` and every table and figure derived from all the rows
    (the end of :func:`run`; ``campaign-report`` calls it on the merged shards)."""
    outdir = Path(outdir)
    exp = cfg.experiment
    rows.to_parquet(outdir / "results.parquet", index=False)
    wide = rows.pivot_table(
        index=["arm", "replicate"], columns="sybils", values=["finder_take", "inviters_loss"]
    )
    wide.columns = [f"{m}_s{s}" for m, s in wide.columns]
    summary = summarize(wide.reset_index(), list(wide.columns), level=exp.ci_level)
    summary.to_csv(outdir / "summary.csv", index=False)
    if exp.figures:
        fig = Figure(figsize=(6, 4), layout="constrained")
        ax = fig.subplots()
        for i, (arm, g) in enumerate(rows.groupby("arm")):
            m = g.groupby("sybils")["finder_take"].mean()
            ax.plot(m.index, m.to_numpy(), marker="o", color=f"C{i}", label=arm)
        s = np.arange(exp.max_sybils + 1)
        ax.plot(s, exp.prize * (2 - 0.5**s), "k:", label="2000 (2 - 2^-s)")
        ax.set_xlabel("fake identities above the finder")
        ax.set_ylabel("finder's take ($)")
        ax.legend(frameon=False)
        fig.savefig(outdir / "referral.png", dpi=110)
    text = rows.groupby(["arm", "sybils"])["finder_take"].mean().unstack("sybils").round(0)
    return {"rows": rows, "summary": summary, "text": text.to_string()}


#: The registry entry (experiments/__init__.py lists it).
STUDY = Study(
    "referral_rewards",
    run,
    "Does a recursive referral reward pay fake identities, and what scheme does not?",
    schema=ReferralRewardsConfig,
    reads=(),
    finish=finish,
    order=(),  # the tree (replicate) is the outermost loop; schemes and s inside it
)
