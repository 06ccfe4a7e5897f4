"""Before/after timing of two checkouts: ``python -m benchmarks.ab BEFORE AFTER [options]``.

Measures our engine's rows of W1-W4 (no peers) in each checkout, in a fresh
process whose working directory is that checkout (so it imports that
checkout's ``simulator`` and ``benchmarks``), alternating the two checkouts
run after run (and swapping which goes first each round), so that both see
the same load on a shared machine. Prints the median and the range of each
quantity over the runs, and the load average before and after, as markdown.

Quantities: W1 IC replicates/s on all threads and on 1 thread, in summary
mode and with the event log (the default ``run_cascades`` call; timed here
through the public API when the checkout's ``workloads`` has no such rows); W2 funnel
replicates/s and impressions/s; W3 median seconds of one 48-step campaign (``campaign s``) and
per replicate of a batch (``batch s``) at each size; W4 ms per
``CampaignModel.step``. With W1, cynetdiff's rate in the same process (if
installed) and each W1 rate over it, run by run. Each run uses the sizes of a full benchmark run
(:data:`benchmarks.common.FULL`) unless ``--scale`` limits W3's sizes; ``--only W1,W4``
runs some workloads, ``--runs N`` sets the runs per checkout (default 5).

Examples
--------
>>> _fmt(1234.5), _fmt(0.01234)
('1,234', '0.0123')
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

#: Code run inside each checkout; prints one JSON object.
_CHILD = """
import json, sys
import numba
from benchmarks import common, peers, workloads
from benchmarks.scale import run_scale
import simulator
ns = [int(x) for x in sys.argv[1].split(",") if x]
only = set(sys.argv[2].split(","))
sizes = common.FULL
out = {"simulator": simulator.__file__}
if only & {"W1", "W2"}:
    net = common.ba_network()
    seeds = common.random_seeds(net)
if "W1" in only:
    rows = workloads.ic_ours(net, seeds, sizes)
    for row in rows:
        mode = row["name"].split(", ")[1] if ", " in row["name"] else "summary"
        out[f"W1 IC {mode} replicates/s, {row['threads']} threads"] = row["rate"]
    if not any("event log" in row["name"] for row in rows):  # a checkout without those rows
        model = simulator.IndependentCascade(common.IC_P)
        reps, everyone = sizes.ic_replicates, numba.get_num_threads()
        for threads in dict.fromkeys((everyone, 1)):
            numba.set_num_threads(threads)
            simulator.run_cascades(net, seeds, model, 20, common.SEED)
            secs, _ = common.timed(
                lambda: simulator.run_cascades(net, seeds, model, reps, common.SEED),
                sizes.repeats,
            )
            out[f"W1 IC event log replicates/s, {threads} threads"] = reps / secs
        numba.set_num_threads(everyone)
    try:
        peer = peers.ic_cynetdiff(net, seeds, sizes)["rate"]
    except peers.PeerMissing:
        peer = None
    if peer:
        out["W1 cynetdiff replicates/s, 1 thread"] = peer
        for key in [k for k in out if k.startswith("W1 IC")]:
            out[key.replace("replicates/s", "/ cynetdiff")] = out[key] / peer
if "W2" in only:
    w2 = workloads.funnel_ours(net, seeds, sizes)
    out["W2 funnel replicates/s"] = w2["rate"]
    out["W2 funnel impressions/s"] = w2["rate"] * w2["impressions"]
for n in ns if "W3" in only else ():
    row = run_scale(n, sizes.scale_replicates)
    out[f"W3 n={n:,} campaign s"] = row["campaign_s"]
    out[f"W3 n={n:,} batch s/campaign"] = row["batch_s"]
if "W4" in only:
    w4 = workloads.campaign_model_step(sizes.mesa_agents, sizes.mesa_steps)
    out["W4 CampaignModel.step ms"] = 1000 * w4["seconds_per_step"]
print(json.dumps(out))
"""


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def measure(tree: str, scale_ns: str, only: str = "W1,W2,W3,W4") -> dict:
    """One run of :data:`_CHILD` in checkout ``tree`` (workloads ``only``)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, scale_ns, only],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark in {tree} failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    where = out.pop("simulator")
    if not where.startswith(os.path.realpath(tree)):
        raise RuntimeError(f"{tree} imported simulator from {where}")
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", default="10000,100000,1000000", help="W3 sizes, comma list")
    parser.add_argument("--only", default="W1,W2,W3,W4", help="workloads, comma list")
    args = parser.parse_args(argv)
    trees = {"before": args.before, "after": args.after}
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    load_start = os.getloadavg()
    for i in range(args.runs):
        order = ("before", "after") if i % 2 == 0 else ("after", "before")
        for name in order:
            print(f"run {i + 1}/{args.runs}: {name}", file=sys.stderr, flush=True)
            runs[name].append(measure(trees[name], args.scale, args.only))
    load_end = os.getloadavg()
    print(f"runs: {args.runs} per checkout, alternating; load average (1, 5, 15 min) ")
    print(f"at start {load_start[0]:.2f}, {load_start[1]:.2f}, {load_start[2]:.2f}; ")
    print(f"at end {load_end[0]:.2f}, {load_end[1]:.2f}, {load_end[2]:.2f}\n")
    print("| quantity | before: median (min-max) | after: median (min-max) | after / before |")
    print("|:---|---:|---:|---:|")
    for key in runs["before"][0]:
        cells = []
        for name in ("before", "after"):
            values = [r[key] for r in runs[name]]
            cells.append(
                (
                    statistics.median(values),
                    f"{_fmt(statistics.median(values))} ({_fmt(min(values))}-{_fmt(max(values))})",
                )
            )
        ratio = cells[1][0] / cells[0][0]
        print(f"| {key} | {cells[0][1]} | {cells[1][1]} | {ratio:.3f} |")


if __name__ == "__main__":
    main()
