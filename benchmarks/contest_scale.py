"""Contest at scale (issue 11, item 6): many personal links on one large crowd.

``python -m benchmarks.contest_scale [--players P] [--people N] [--replicates R]``
builds the benchmark's Barabási–Albert crowd (:func:`benchmarks.common.ba_network`:
``m = 5``, about ``10 N`` arcs) with Beta(2, 5) tie strengths (stream
``"ties"``) and the default population (:class:`~simulator.population.PopulationSpec`,
stream ``"population"``: attention budgets, trust, bandwidth as in the
contest study), sets up a contest of ``P`` players at the default settings
(:class:`~simulator.contest.ContestSettings`: the default mix, appeal and
gamer volumes, 48 hourly steps) and runs ``R`` replicates in summary mode
(per-link totals only, replicates spread over the numba threads). It prints
one JSON line, then a markdown table of one row (players, people, arcs,
steps, set-up s, run s, impressions, impressions/s, peak RSS, load):

- ``set-up s``: ``Contest(...)``: placement, strategies, every player's plan
  (strangers included), attention budgets;
- ``run s``: wall time of the ``R``-replicate call divided by ``R`` (kernel
  inputs included), i.e. what one more contest costs;
- ``impressions``: posts read per contest (mean over replicates; crowded-out
  posts are not read), and ``impressions/s`` their total over the call's
  wall time;
- ``peak RSS``: :func:`benchmarks.scale.peak_rss_mb`, the process's peak
  resident memory (crowd, contest state and the per-pair hash tables of
  every thread);
- ``load``: the 1-minute load average before and after the timed runs (the
  machine is shared, so a timing means little without it); the JSON line
  also gives the CPU seconds (all threads) of the set-up and per replicate,
  which other jobs inflate less than wall times.

Goal on the 2-core reference machine: set-up plus one contest under 120 s,
peak memory under 8 GB, at 30,000 players on 1,000,000 people.

A contest of 20 players on 2,000 people runs first, so that the numba kernels
are loaded before anything is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numba

from benchmarks.common import SEED, STRENGTH_AB, ba_network
from benchmarks.scale import peak_rss_mb
from simulator.contest import Contest, ContestSettings, contest_keys
from simulator.network.tie_strength import random_strength
from simulator.population import Population, PopulationSpec
from simulator.rng import stream

#: The sizes of issue 11, item 6.
PLAYERS, PEOPLE, REPLICATES = 30_000, 1_000_000, 4
COLUMNS = (
    "players", "people", "arcs", "steps", "set-up s", "run s", "impressions",
    "impressions/s", "peak RSS", "load",
)  # fmt: skip


def crowd(people: int):
    """The crowd: network with tie strengths and its population."""
    net = random_strength(ba_network(people), *STRENGTH_AB, stream(SEED, "ties"))
    return net, Population.draw(PopulationSpec(), net, stream(SEED, "population"))


def measure(players: int, people: int, replicates: int) -> dict:
    """Build, set up and run the contest; see the module docstring."""
    small, small_pop = crowd(2_000)  # warm-up: the kernels, on a small crowd
    Contest(small, small_pop, ContestSettings(players=20), SEED).run(contest_keys(SEED, 2))

    t0 = time.perf_counter()
    net, pop = crowd(people)
    build_s = time.perf_counter() - t0
    settings = ContestSettings(players=players)
    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    contest = Contest(net, pop, settings, SEED)
    setup_s, setup_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    run = contest.run(contest_keys(SEED, replicates))
    run_s, run_cpu = time.perf_counter() - t0, time.process_time() - c0
    load_after = os.getloadavg()[0]
    table = run.per_link()
    impressions = table.groupby("replicate")["impressions"].sum().to_numpy()
    return {
        "players": players,
        "people": people,
        "arcs": int(net.m),
        "steps": settings.steps,
        "replicates": replicates,
        "threads": numba.get_num_threads(),
        "build_s": build_s,
        "setup_s": setup_s,
        "run_s": run_s / replicates,
        "setup_cpu_s": setup_cpu,
        "run_cpu_s": run_cpu / replicates,
        "impressions": float(impressions.mean()),
        "impressions_per_s": float(impressions.sum() / run_s),
        "clicks": float(table["clicks"].sum() / replicates),
        "posts": float(table["posts"].sum() / replicates),
        "accounts": int(contest.accounts),
        "peak_rss_mb": peak_rss_mb(),
        "load": [round(load_before, 2), round(load_after, 2)],
    }


def markdown_row(m: dict) -> str:
    """The result as a markdown row under :data:`COLUMNS`."""
    cells = (
        f"{m['players']:,}", f"{m['people']:,}", f"{m['arcs']:,}", str(m["steps"]),
        f"{m['setup_s']:.1f}", f"{m['run_s']:.1f}", f"{m['impressions']:,.0f}",
        f"{m['impressions_per_s']:,.0f}", f"{m['peak_rss_mb'] / 1024:.2f} GiB",
        f"{m['load'][0]:.1f} / {m['load'][1]:.1f}",
    )  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.contest_scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--players", type=int, default=PLAYERS)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--replicates", type=int, default=REPLICATES, help="contests to time")
    args = parser.parse_args(argv)
    result = measure(args.players, args.people, args.replicates)
    print(json.dumps(result))
    print("| " + " | ".join(COLUMNS) + " |")
    print(markdown_row(result))


if __name__ == "__main__":
    main()
