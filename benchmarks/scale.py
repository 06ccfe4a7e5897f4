"""W3: cost of one campaign as the network grows, each size in a fresh process.

``python -m benchmarks.scale N [--replicates R]`` builds the benchmark's
Barabási–Albert network with ``N`` nodes (``m = 5``, about ``10 N`` arcs),
draws tie strengths and the population, runs the W2 campaign (48 steps)
from the 10 highest-degree nodes (so that every campaign takes off; from W2's
random seeds most campaigns stay small) and prints one JSON line:

- ``build_s``: ``barabasi_albert`` (generator and CSR build);
- ``setup_s``: tie strengths and population;
- ``campaign_s``: median wall time of ``run_cascades`` with one replicate
  per call (what one campaign costs a user, kernel input included);
- ``batch_s``: wall time per replicate of one call with ``R`` replicates
  (per-call set-up amortised, replicates spread over the numba threads);
- ``peak_rss_mb``: peak resident memory of the whole process (see
  :func:`peak_rss_mb`), read after the timed runs and before the untimed
  logged run that counts the arcs offered.

A small network is built and run first so that the numba kernels are loaded
before anything is timed. :func:`run_scale` runs this module in a subprocess,
so each size starts from an empty process and its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np

import simulator
from benchmarks.common import (
    N_SEEDS,
    SEED,
    ba_network,
    funnel_arcs_offered,
    funnel_setup,
    random_seeds,
    timed,
)
from simulator.rng import replicate_keys, stream
from simulator.seeding.registry import select_seeds


def peak_rss_mb() -> float:
    """Peak resident set size of this process image, in MiB.

    ``VmHWM`` from ``/proc/self/status``. ``getrusage(RUSAGE_SELF).ru_maxrss``
    is not used where ``/proc`` exists: Linux carries it across ``fork`` and
    ``exec``, so a child started by a large parent reports the parent's peak.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def measure(n: int, replicates: int) -> dict:
    """Build, set up and run the campaign on ``n`` nodes; see the module docstring."""
    # warm-up: every kernel used below, on a small network
    small, campaign = funnel_setup(ba_network(2_000))
    seeds = random_seeds(small)
    simulator.run_cascades(small, seeds, campaign, 1, SEED, log=False)
    simulator.run_cascades(small, seeds, campaign, 2, SEED, log=False)
    simulator.run_cascades(small, seeds, campaign, 1, SEED)

    build_s, net = timed(lambda: ba_network(n))
    setup_s, (net, campaign) = timed(lambda: funnel_setup(net))
    seeds = select_seeds("top_degree", net, N_SEEDS, stream(SEED, "seeding"))
    keys = replicate_keys(SEED, replicates)
    single = []
    for r in range(replicates):
        t0 = time.perf_counter()
        simulator.run_cascades(net, seeds, campaign, 1, SEED, log=False, keys=keys[r : r + 1])
        single.append(time.perf_counter() - t0)
    batch_s, res = timed(
        lambda: simulator.run_cascades(net, seeds, campaign, replicates, SEED, log=False)
    )
    peak = peak_rss_mb()
    logged = simulator.run_cascades(net, seeds, campaign, replicates, SEED)
    arcs = funnel_arcs_offered(logged.log, net.out_degree(), campaign.steps)
    return {
        "n": n,
        "arcs": net.m,
        "threads": numba.get_num_threads(),
        "replicates": replicates,
        "build_s": build_s,
        "setup_s": setup_s,
        "campaign_s": float(np.median(single)),
        "batch_s": batch_s / replicates,
        "reach": float(res.reach.mean()),
        "impressions": float(res.totals["impressions"].mean()),
        "arcs_offered": float(arcs.mean()),
        "exact": bool(np.array_equal(logged.reach, res.reach)),
        "peak_rss_mb": peak,
    }


def run_scale(n: int, replicates: int) -> dict:
    """Run :func:`measure` in a fresh ``python -m benchmarks.scale`` process."""
    cmd = [sys.executable, "-m", "benchmarks.scale", str(n), "--replicates", str(replicates)]
    proc = subprocess.run(
        cmd, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True
    )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
        return {"n": n, "error": f"exit {proc.returncode}: {' '.join(tail)}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("n", type=int, help="number of nodes")
    parser.add_argument("--replicates", type=int, default=5, help="campaigns to time")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.n, args.replicates)))


if __name__ == "__main__":
    main()
