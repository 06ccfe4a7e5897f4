"""One table per benchmark workload (W0-W4) from its results, and the goals table.

Each ``w*_table`` takes the plain dict that :mod:`benchmarks.workloads` (or
:mod:`benchmarks.theory`, :mod:`benchmarks.scale`) returned for its workload
and lays it out as a :class:`~benchmarks.table.Table` with notes;
:func:`goals_table` checks the results against the ``GOAL_*`` thresholds.

Examples
--------
>>> goals_table({}).rows[-1]  # nothing measured yet
["W4 CampaignModel.step speed-up over Mesa's example", '>= 50x', '-', 'not measured']
"""

from __future__ import annotations

import math

from benchmarks.common import BA_M, IC_P, N_NODES, N_SEEDS, STRENGTH_AB
from benchmarks.table import Table, num, per_s, pm, status

__all__ = [
    "GOAL_BUILD_S",
    "GOAL_CAMPAIGN_S",
    "GOAL_FUNNEL_IMPRESSIONS",
    "GOAL_FUNNEL_RATIO",
    "GOAL_RSS_MB",
    "GOAL_SPEEDUP",
    "goals_table",
    "w0_table",
    "w1_table",
    "w2_table",
    "w3_table",
    "w4_table",
]

GOAL_FUNNEL_RATIO, GOAL_CAMPAIGN_S, GOAL_BUILD_S, GOAL_RSS_MB, GOAL_SPEEDUP = (
    1 / 3,
    10.0,
    30.0,
    3 * 1024.0,
    50.0,
)
#: Issue 16, item 3: W2 impressions per second at least 3x the 9.3M/s that the issue quotes
#: (two threads, measured before the funnel kernel's rewrite on a quiet machine; no committed
#: page holds it: 51c2100's, at load 2, shows 7.34M/s); an absolute rate, so it moves with the
#: load.
GOAL_FUNNEL_IMPRESSIONS = 3 * 9.3e6


# ------------------------------------------------------------------ tables
def w0_table(res: dict) -> Table:
    rows = [
        [
            f"{r['p']:g}",
            r["quantity"],
            f"{r['theory']:.4f}",
            pm(r["value"], r["se"]),
            f"{(r['value'] - r['theory']) / r['se']:+.1f}" if r["se"] > 0 else "-",
            f"{r['n']:,}",
        ]
        for r in res["rows"]
    ]
    gaps = ", ".join(f"p={r['p']:g}: {r['value'] - r['theory']:+.4f}" for r in res["rows"])
    notes = [
        f"one ER graph, realised mean degree {res['mean_degree']:.3f}; measured minus theory "
        f"({gaps}) is the finite graph's own degree sequence and finite-size effects "
        "(allowance 0.01 at n = 10^4 in tests/test_textbook_models.py)"
    ]
    return Table(
        "W0 theory at scale: IC on Erdős–Rényi n=100,000, mean degree 5, one random seed",
        ["p", "quantity", "theory", "measured ± SE", "z", "replicates used"],
        rows,
        notes,
    )


def w1_table(res: dict) -> Table:
    rows, notes = [], list(res.get("skipped", []))
    by = {}
    for r in res["rows"]:
        by.setdefault(r["name"], []).append(r)
        arcs = r.get("arcs")
        rows.append(
            [
                r["name"],
                str(r["threads"]),
                f"{r['replicates']:,}",
                num(r["rate"]),
                pm(r["reach"], r["reach_se"]),
                num(arcs) if arcs else "-",
                per_s(arcs * r["rate"]) if arcs else "-",
            ]
        )
    ours = {r["threads"]: r for r in by.get("simulator (numba)", [])}
    logged = {r["threads"]: r for r in by.get("simulator (numba), event log", [])}
    one = ours.get(1)
    for peer in ("cynetdiff", "NDlib"):
        if one and peer in by:
            p = by[peer][0]
            z = (one["reach"] - p["reach"]) / math.hypot(one["reach_se"], p["reach_se"])
            notes.append(
                f"ours on 1 thread is {num(one['rate'] / p['rate'])}x {peer}; "
                f"mean reach differs by z = {z:+.2f} standard errors"
            )
    if "cynetdiff" in by and (ours or logged):
        rate = by["cynetdiff"][0]["rate"]
        parts = [f"{mode} on {t} thread{'s' * (t > 1)}: {num(r['rate'] / rate)}x"
                 for mode, rows_ in (("summary", ours), ("event log", logged))
                 for t, r in sorted(rows_.items(), reverse=True)]  # fmt: skip
        notes.append("replicates/s over cynetdiff's: " + "; ".join(parts))
    if logged:
        notes.append(
            "event log: the default `run_cascades(...)` call, which returns a CascadeLog of "
            "every activation (summary: `log=False`, reach and depth only)"
        )
    if "simulator (numba), p per arc" in by:
        notes.append(
            f"p per arc: probability {2 * IC_P:g} * strength with strength U(0, 1) (mean {IC_P}),"
            " drawn by thinning; summary mode"
        )
    if ours:
        exact = all(r.get("exact") for r in [*ours.values(), *logged.values()])
        notes.append(
            "arcs examined = sum of out-degrees of the activated nodes, counted from a "
            "logged re-run of the same replicates"
            + (
                " (reach identical replicate by replicate)"
                if exact
                else " (WARNING: logged re-run differs from the timed run)"
            )
        )
    title = f"W1 independent cascade: BA n={N_NODES:,}, m={BA_M}, p={IC_P}, {N_SEEDS} random seeds"
    return Table(
        title,
        [
            "implementation",
            "threads",
            "replicates",
            "replicates/s",
            "mean reach ± SE",
            "arcs examined/replicate",
            "arcs examined/s",
        ],
        rows,
        notes,
    )


def w2_table(res: dict) -> tuple[Table, float | None]:
    ic, f = res["ic"], res["funnel"]
    ratio = f["rate"] / ic["rate"]
    rows = [
        [
            f"IC p={IC_P}",
            str(ic["threads"]),
            f"{ic['replicates']:,}",
            num(ic["rate"]),
            pm(ic["reach"], ic["reach_se"]),
            num(ic["arcs"]),
            "-",
            per_s(ic["arcs"] * ic["rate"]),
            "-",
        ],
        [
            f"funnel, appeal={f['appeal']}",
            str(f["threads"]),
            f"{f['replicates']:,}",
            num(f["rate"]),
            pm(f["reach"], f["reach_se"]),
            num(f["arcs"]),
            num(f["impressions"]),
            per_s(f["arcs"] * f["rate"]),
            per_s(f["impressions"] * f["rate"]),
        ],
    ]
    per_arc = (f["arcs"] * f["rate"]) / (ic["arcs"] * ic["rate"])
    notes = [
        f"funnel / IC replicates per second = {ratio:.3f} (goal >= 1/3: "
        f"{status(ratio, GOAL_FUNNEL_RATIO, below=False)}); per arc examined the funnel runs at "
        f"{per_arc:.3f} of IC's rate",
        f"funnel per replicate: {num(f['shares'])} shares, {num(f['conversions'])} conversions; "
        "reach = agents who saw the message (IC: agents activated, who all pass it on); "
        "cascade sizes are heavy-tailed, so throughput moves with the appeal: the ratio is "
        "taken at equal mean reach",
        "arcs examined: IC, out-degrees of the activated; funnel, out-degrees of the posters "
        "(seeds at step 0, sharers at the next step), i.e. the arcs the post phase loops over; "
        "impressions are the posts delivered and seen, each then decided on",
        f"funnel set-up: tie strength Beta{STRENGTH_AB}; population defaults (trust Beta(5, 2), "
        "reciprocity Beta(2, 2), activity and credibility Beta(2, 5), interest U(0, 1)) except "
        "bandwidth Beta(8, 2) and favours owed per arc lognormal(-1, 1); share_rate 0.5, "
        "conversion_rate 0.05, 48 steps, attention window 6",
    ]
    return Table(
        "W2 campaign funnel on the W1 graph, against our IC",
        [
            "model",
            "threads",
            "replicates",
            "replicates/s",
            "mean reach ± SE",
            "arcs examined/replicate",
            "impressions/replicate",
            "arcs examined/s",
            "impressions/s",
        ],
        rows,
        notes,
    ), ratio


def w3_table(res: dict) -> Table:
    rows, notes = [], list(res.get("skipped", []))
    for r in res["rows"]:
        if "error" in r:
            notes.append(f"n={r['n']:,} failed: {r['error']}")
            continue
        rows.append(
            [
                f"{r['n']:,}",
                f"{r['arcs']:,}",
                num(r["build_s"]),
                num(r["setup_s"]),
                num(r["campaign_s"]),
                num(r["batch_s"]),
                num(r["reach"]),
                num(r["impressions"]),
                num(r["arcs_offered"]),
                num(1e9 * r["batch_s"] / r["arcs_offered"]),
                num(r["peak_rss_mb"], 4),
            ]
        )
    ok = [r for r in res["rows"] if "error" not in r]
    if ok:
        r = ok[0]
        notes += [
            f"BA m={BA_M}; W2's campaign from the {N_SEEDS} highest-degree nodes; "
            f"{r['replicates']} campaigns per size, {r['threads']} numba threads; each size in "
            "a fresh process (`python -m benchmarks.scale N`)",
            "campaign = median wall time of run_cascades with 1 replicate per call (includes "
            "building the O(m) kernel input and per-call state); batch = wall time per "
            "replicate of one call with all of them",
            "peak RSS = VmHWM of the whole process after build, set-up and the timed runs "
            "(ru_maxrss is not used: Linux carries the parent's peak across fork and exec)",
        ]
    return Table(
        "W3 scaling: one 48-step campaign as the network grows",
        [
            "n",
            "arcs",
            "build s",
            "ties+population s",
            "campaign s",
            "batch s/campaign",
            "mean reach",
            "impressions",
            "arcs examined",
            "ns per arc (batch)",
            "peak RSS MB",
        ],
        rows,
        notes,
    )


def w4_table(res: dict) -> tuple[Table, float | None]:
    rows, notes = [], list(res.get("skipped", []))
    ours, virus = res.get("ours"), res.get("virus")
    speedup = virus["seconds_per_step"] / ours["seconds_per_step"] if ours and virus else None
    for r in (ours, virus):
        if r:
            rows.append(
                [
                    r["name"],
                    f"{r['agents']:,}",
                    f"{r['mean_degree']:.2f}",
                    str(r["steps"]),
                    r["state"],
                    num(1e3 * r["seconds_per_step"]),
                    f"{num(speedup)}x" if r is ours and speedup else "1x" if speedup else "-",
                ]
            )
    if speedup is not None:
        notes.append(
            f"speed-up {num(speedup)}x (goal >= {GOAL_SPEEDUP:g}x: "
            f"{status(speedup, GOAL_SPEEDUP, below=False)})"
        )
    notes.append(
        "ours: BA m=3, W2's population and campaign from the 10 highest-degree nodes, its "
        f"first {ours['steps'] if ours else '-'} steps timed (the step includes Mesa's "
        "DataCollector); Mesa: "
        "VirusOnNetwork(avg_node_degree=6, initial_outbreak_size=10), one warm-up step"
    )
    return Table(
        "W4 Mesa step: CampaignModel.step against Mesa's virus_on_network",
        ["model", "agents", "mean degree", "steps timed", "state after", "ms/step", "speed-up"],
        rows,
        notes,
    ), speedup


def goals_table(results: dict, quick: bool = False) -> Table:
    ratio = results.get("W2_ratio")
    big = next(
        (
            r
            for r in results.get("W3", {}).get("rows", [])
            if r.get("n") == 1_000_000 and "error" not in r
        ),
        None,
    )
    speedup = results.get("W4_speedup")
    funnel = results.get("W2", {}).get("funnel")
    funnel_imps = funnel["rate"] * funnel["impressions"] if funnel else None
    w1 = {(r["name"], r["threads"]): r["rate"] for r in results.get("W1", {}).get("rows", [])}
    peer = next((rate for (name, _), rate in w1.items() if name == "cynetdiff"), None)
    threads = max((t for (name, t) in w1 if name == "simulator (numba)"), default=1)
    rows = []
    for label, key, goal in (
        ("W1 IC summary, 1 thread", ("simulator (numba)", 1), 2.5),
        (f"W1 IC summary, {threads} threads", ("simulator (numba)", threads), 4.5),
        ("W1 IC with the event log, 1 thread", ("simulator (numba), event log", 1), 1.0),
    ):
        over = w1[key] / peer if peer and key in w1 and (key[1] == 1 or threads > 1) else None
        rows.append(
            [
                f"{label}: replicates per second / cynetdiff's",
                f">= {goal:g}x",
                "-" if over is None else f"{over:.2f}x",
                status(over, goal, False),
            ]
        )
    rows += [
        [
            "W2 funnel / IC replicates per second",
            ">= 1/3",
            "-" if ratio is None else f"{ratio:.3f}",
            status(ratio, GOAL_FUNNEL_RATIO, False),
        ],
        [
            "W2 funnel impressions per second (3x the 9.3M/s issue 16 quotes)",
            f">= {per_s(GOAL_FUNNEL_IMPRESSIONS)}",
            "-" if funnel_imps is None else per_s(funnel_imps),
            status(funnel_imps, GOAL_FUNNEL_IMPRESSIONS, False),
        ],
        [
            "W3 campaign at n = 10^6",
            "< 10 s",
            "-" if big is None else f"{num(big['campaign_s'])} s",
            status(big and big["campaign_s"], GOAL_CAMPAIGN_S, True),
        ],
        [
            "W3 build at n = 10^6 (network + ties + population)",
            "< 30 s",
            "-" if big is None else f"{num(big['build_s'])} + {num(big['setup_s'])} s",
            status(big and big["build_s"] + big["setup_s"], GOAL_BUILD_S, True),
        ],
        [
            "W3 peak RSS at n = 10^6",
            "< 3 GB",
            "-" if big is None else f"{num(big['peak_rss_mb'] / 1024)} GB",
            status(big and big["peak_rss_mb"], GOAL_RSS_MB, True),
        ],
        [
            "W4 CampaignModel.step speed-up over Mesa's example",
            ">= 50x",
            "-" if speedup is None else f"{num(speedup)}x",
            status(speedup, GOAL_SPEEDUP, False),
        ],
    ]
    notes = []
    if quick:
        notes.append(
            "quick sizes: with 100 replicates the funnel's fixed cost per call (building its "
            "kernel input, ~20 ms at 10^6 arcs) and the heavy tail of cascade sizes weigh on "
            "the W2 ratio; judge the goals on a full run"
        )
    return Table("Goals", ["goal", "target", "measured", "status"], rows, notes)
