"""The keys of a block of replicates (simulator.rng.replicate_key_block)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from simulator import IndependentCascade, Network
from simulator.rng import replicate_key_block, replicate_keys, stream_key
from simulator.runs.config import ExperimentConfig
from simulator.seeding.arms import run_seeding_arms


@pytest.mark.parametrize("name", ["replicates", "klout.history"])
def test_a_block_is_the_slice_of_the_whole_runs_keys(name):
    whole = replicate_keys(11, 12, name)
    for span in (range(12), range(0, 0), range(5, 5), range(3, 8), range(11, 12)):
        block = replicate_key_block(11, 12, span, name)
        assert block.dtype == np.uint64
        np.testing.assert_array_equal(block, whole[span.start : span.stop])


def test_the_shards_blocks_put_together_are_the_whole_runs_keys():
    exp = [ExperimentConfig(replicates=10, shard=f"{i}/3") for i in (1, 2, 3)]
    blocks = [replicate_key_block(5, 10, e.replicate_range()) for e in exp]
    np.testing.assert_array_equal(np.concatenate(blocks), replicate_keys(5, 10))


@pytest.mark.parametrize(
    "span",
    [range(0, 11), range(-1, 3), range(0, 10, 2), range(6, 3), [0, 1, 2]],
    ids=["past-the-end", "negative", "step", "reversed", "not-a-range"],
)
def test_a_span_that_is_not_a_block_is_refused_naming_it(span):
    message = (
        r"^replicate_range must be a block of range\(10\), got " + re.escape(repr(span)) + "$"
    )
    with pytest.raises(ValueError, match=message):
        replicate_key_block(5, 10, span)


def test_bad_replicates_are_refused():
    with pytest.raises(ValueError, match=r"^replicates must be a non-negative integer, got -1$"):
        replicate_key_block(5, -1, range(0))


def test_run_seeding_arms_refuses_a_replicate_range_outside_the_run():
    net = Network.from_edges([0, 1, 2], [1, 2, 3], directed=False)
    with pytest.raises(ValueError, match=r"^replicate_range must be a block of range\(4\)"):
        run_seeding_arms(
            net,
            IndependentCascade(0.5),
            ["random"],
            k=1,
            replicates=4,
            seed=1,
            progress=False,
            replicate_range=range(2, 6),
        )


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 - 1, 2**32, 2**64 + 3, 2**128, 2**200 + 5])
@pytest.mark.parametrize("name", ["replicates", "contest.scored", ""])
def test_replicate_keys_are_numpys_spawned_seed_sequences(seed, name):
    """The vectorised keys equal SeedSequence(seed, spawn_key=(name,)).spawn(r)[i]'s first
    64-bit word (what they were computed with before, one Python object per replicate)."""
    root = np.random.SeedSequence(seed, spawn_key=(stream_key(name),))
    expected = [c.generate_state(1, np.uint64)[0] for c in root.spawn(300)]
    keys = replicate_keys(seed, 300, name)
    assert keys.dtype == np.uint64 and keys.tolist() == [int(k) for k in expected]
    assert replicate_keys(seed, 0, name).size == 0
    block = replicate_key_block(seed, 300, range(120, 170), name)  # computed alone
    assert block.tolist() == keys[120:170].tolist()
