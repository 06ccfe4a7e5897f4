"""Named random streams derived from one root seed.

Every stochastic function in the simulator takes an explicit
:class:`numpy.random.Generator`. This module turns the run's single root seed
into *named* child streams ("network", "population", "seeding", "replicates"),
so that adding a component, or drawing more numbers in one of them, never
shifts the numbers another component sees. The idea follows Starsim's
``process_seed`` (one stream per named decision) and numpy's
:class:`~numpy.random.SeedSequence` spawning.

Examples
--------
>>> a = stream(42, "network").integers(1_000_000)
>>> b = stream(42, "network").integers(1_000_000)
>>> bool(a == b)
True
>>> bool(stream(42, "network").integers(1_000_000) == stream(42, "population").integers(1_000_000))
False
"""

from __future__ import annotations

import hashlib

import numpy as np

from simulator import checks

__all__ = ["stream", "stream_key", "replicate_keys", "replicate_key_block", "check_seed"]


def stream_key(name: str) -> int:
    """Stable 32-bit integer for a stream name (independent of PYTHONHASHSEED)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")


def check_seed(seed: object) -> int:
    """Return ``seed`` as a non-negative int, or raise ``ValueError`` naming it.

    A seed of 0 is a valid seed (not "no seed").

    Examples
    --------
    >>> check_seed(0)
    0
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be a non-negative integer, got -1
    """
    return checks.integer("seed", seed, 0)


def stream(seed: int, name: str, *path: int) -> np.random.Generator:
    """A Generator for the component ``name`` (and optional integer sub-path).

    Parameters
    ----------
    seed : int
        The run's root seed.
    name : str
        Component name, e.g. ``"network"`` or ``"seeding"``.
    *path : int
        Further integers, e.g. an arm or replicate index.
    """
    seq = np.random.SeedSequence(check_seed(seed), spawn_key=(stream_key(name), *path))
    return np.random.Generator(np.random.PCG64(seq))


def replicate_keys(seed: int, replicates: int, name: str = "replicates") -> np.ndarray:
    """One 64-bit key per replicate for the counter-based draws of the engines.

    Replicate ``r`` gets the same key whatever the number of replicates asked
    for, so the first 100 replicates of a 500-replicate run equal a
    100-replicate run. Arms of one experiment use the same keys, which gives
    common random numbers (paired comparisons).

    Examples
    --------
    >>> k = replicate_keys(7, 5)
    >>> bool((replicate_keys(7, 3) == k[:3]).all())
    True
    """
    replicates = _replicate_count(replicates)
    return _spawned_keys(check_seed(seed), stream_key(name), np.arange(replicates))


def _replicate_count(replicates) -> int:
    """``replicates`` checked: an integer in [0, 2**32] (SeedSequence would take a larger
    child index as two words, which the vectorised keys below do not)."""
    replicates = checks.integer("replicates", replicates, 0)
    if replicates > 1 << 32:
        raise ValueError(f"replicates must be at most 2**32, got {replicates}")
    return replicates


# numpy's SeedSequence (numpy/random/bit_generator.pyx; M. O'Neill's seed_seq_fe), whose
# spawn(r)[i].generate_state(1, uint64)[0] replicate_keys computes for all i at once: one
# Python object per replicate cost ~6.5 us, 10% of a large funnel run's time.
_POOL, _MASK = 4, 0xFFFFFFFF
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


def _words(value: int) -> list[int]:
    """``value`` as SeedSequence reads an int: 32-bit words, least significant first."""
    words = [value & _MASK]
    while value > _MASK:
        value >>= 32
        words.append(value & _MASK)
    return words


def _spawned_keys(seed: int, name_key: int, children: np.ndarray) -> np.ndarray:
    """The first 64-bit word of ``SeedSequence(seed, spawn_key=(name_key,)).spawn(n)[i]``
    for each ``i`` of ``children`` (indices below 2**32)."""
    const = _INIT_A

    def hashmix(value):  # advances the hash constant, as SeedSequence's does
        nonlocal const
        value = value ^ const
        const = (const * _MULT_A) & _MASK
        value = (value * const) & _MASK
        return value ^ (value >> 16)

    def mix(x, y):
        result = (_MIX_L * x - _MIX_R * y) & _MASK
        return result ^ (result >> 16)

    run = _words(seed)
    run += [0] * (_POOL - len(run))  # a spawned sequence pads its entropy to the pool
    prefix = run + _words(name_key)
    pool = [hashmix(w) for w in prefix[:_POOL]]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for w in prefix[_POOL:]:
        for dst in range(_POOL):
            pool[dst] = mix(pool[dst], hashmix(w))
    # the child index, the last word, differs per child: mix it in for all children at once
    index = np.asarray(children, dtype=np.uint64)
    pool = [np.full(index.size, p, np.uint64) for p in pool]
    for dst in range(_POOL):
        pool[dst] = mix(pool[dst], hashmix(index))
    const, state = _INIT_B, []
    for word in range(2):  # generate_state(1, uint64): two 32-bit words
        value = pool[word] ^ np.uint64(const)
        const = (const * _MULT_B) & _MASK
        value = (value * np.uint64(const)) & np.uint64(_MASK)
        state.append(value ^ (value >> np.uint64(16)))
    return state[0] | (state[1] << np.uint64(32))


def replicate_key_block(
    seed: int, replicates: int, span: range, name: str = "replicates"
) -> np.ndarray:
    """The keys of the replicates in ``span``, a contiguous block of ``range(replicates)``.

    What a shard of a run (``ExperimentConfig.replicate_range()``) or a
    ``replicate_range`` argument computes with: the whole run's keys of those
    replicates, ``replicate_keys(seed, replicates, name)[span.start : span.stop]``,
    so a block's rows equal the whole run's rows of its replicates. A span
    that is not such a block (a step, or outside ``range(replicates)``) raises
    a one-line ``ValueError`` naming it.

    Examples
    --------
    >>> whole = replicate_keys(7, 10)
    >>> bool((replicate_key_block(7, 10, range(3, 6)) == whole[3:6]).all())
    True
    >>> replicate_key_block(7, 10, range(8, 12))
    Traceback (most recent call last):
    ...
    ValueError: replicate_range must be a block of range(10), got range(8, 12)
    """
    replicates = _replicate_count(replicates)
    # a block with a step, or reaching past the run, would give keys of other replicates
    if (
        not isinstance(span, range)
        or span.step != 1
        or not 0 <= span.start <= span.stop <= replicates
    ):
        raise ValueError(f"replicate_range must be a block of range({replicates}), got {span!r}")
    return _spawned_keys(check_seed(seed), stream_key(name), np.arange(span.start, span.stop))
