"""The benchmark command: ``python -m benchmarks.run [--quick] [--only NAME] [--output PATH]``.

Runs the workloads W1-W4 (see :mod:`benchmarks`), prints one plain-text
table per workload and a table of goals, and writes the markdown page
``docs/benchmarks.md`` with the machine's description.

A full run writes ``docs/benchmarks.md``. A ``--quick`` run (every workload
shrunk, n = 10^6 skipped) or an ``--only`` run prints its tables but writes
nothing unless ``--output`` is given, so that the reference numbers are not
replaced by partial ones.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

import numba

from benchmarks import common, machine, peers, report, theory, workload_tables, workloads
from benchmarks.scale import run_scale
from benchmarks.table import Table

WORKLOADS = ("W0", "W1", "W2", "W3", "W4")


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _peer(results: list, skipped: list, fn, *args) -> None:
    try:
        results.append(fn(*args))
    except peers.PeerMissing as exc:
        skipped.append(f"skipped: {exc}")
        _say(f"  skipped: {exc}")


def run(only: set[str], sizes: common.Sizes) -> tuple[list[Table], dict]:
    """Run the selected workloads; returns the tables and the raw results."""
    results: dict = {}
    tables: list[Table] = []
    net = seeds = ic_rows = None
    if "W0" in only:
        _say("W0: textbook results on Erdős–Rényi n = 100,000...")
        results["W0"] = theory.er_theory(sizes.theory_replicates)
        tables.append(workload_tables.w0_table(results["W0"]))
    if only & {"W1", "W2"}:
        _say("building the BA graph (n = 100,000, m = 5)...")
        net = common.ba_network()
        seeds = common.random_seeds(net)
        _say("W1: independent cascade, ours...")
        ic_rows = workloads.ic_ours(net, seeds, sizes)
    if "W1" in only:
        rows, skipped = list(ic_rows), []
        _say("W1: cynetdiff...")
        _peer(rows, skipped, peers.ic_cynetdiff, net, seeds, sizes)
        _say("W1: NDlib...")
        _peer(rows, skipped, peers.ic_ndlib, net, seeds, sizes)
        results["W1"] = {"rows": rows, "skipped": skipped}
        tables.append(workload_tables.w1_table(results["W1"]))
    if "W2" in only:
        _say("W2: campaign funnel...")
        results["W2"] = {"ic": ic_rows[0], "funnel": workloads.funnel_ours(net, seeds, sizes)}
        table, results["W2_ratio"] = workload_tables.w2_table(results["W2"])
        tables.append(table)
    if "W3" in only:
        rows = []
        for n in sizes.scale_ns:
            _say(f"W3: n = {n:,} in a fresh process...")
            rows.append(run_scale(n, sizes.scale_replicates))
        skipped = [] if 1_000_000 in sizes.scale_ns else ["n = 10^6 skipped (--quick)"]
        results["W3"] = {"rows": rows, "skipped": skipped}
        tables.append(workload_tables.w3_table(results["W3"]))
    if "W4" in only:
        _say(f"W4: CampaignModel.step, {sizes.mesa_agents:,} agents...")
        res: dict = {"ours": workloads.campaign_model_step(sizes.mesa_agents, sizes.mesa_steps)}
        virus, skipped = [], []
        _say("W4: Mesa virus_on_network (its graph build is O(n^2))...")
        _peer(virus, skipped, peers.mesa_virus_step, sizes.mesa_agents, sizes.mesa_steps)
        res.update(virus=virus[0] if virus else None, skipped=skipped)
        results["W4"] = res
        table, results["W4_speedup"] = workload_tables.w4_table(res)
        tables.append(table)
    tables.append(workload_tables.goals_table(results, quick=sizes == common.QUICK))
    return tables, results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="shrink every workload")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=WORKLOADS,
        type=str.upper,
        help="run only this workload (repeatable)",
    )
    parser.add_argument(
        "--output",
        metavar="PATH",
        help="markdown page to write (default: docs/benchmarks.md on full runs)",
    )
    args = parser.parse_args(argv)
    command = shlex.join(
        ["python", "-m", "benchmarks.run", *sys.argv[1:]]
        if argv is None
        else ["python", "-m", "benchmarks.run", *argv]
    )
    only = set(args.only or WORKLOADS)
    sizes = common.QUICK if args.quick else common.FULL
    info = machine.machine_info(command, numba.get_num_threads())
    start = time.perf_counter()
    tables, _ = run(only, sizes)
    info["wall time of the run"] = f"{time.perf_counter() - start:.0f} s"
    print()
    print("\n\n".join(t.text() for t in tables))
    output = args.output
    if output is None and not args.quick and only == set(WORKLOADS):
        output = str(machine.ROOT / "docs" / "benchmarks.md")
    if output:
        page = report.markdown_page(tables, info, args.quick, kept=report.kept_part(output))
        with open(output, "w") as fh:
            fh.write(page)
        print(f"\nwrote {output}")


if __name__ == "__main__":
    main()
