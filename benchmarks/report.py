"""Tables of the benchmark results, as plain text and as the markdown page docs/benchmarks.md.

This module is long because the page is one document: its sections (machine, each
workload's table, the goals with their thresholds) are written in the order they appear,
and splitting them would scatter one page's layout over several files.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import math
import os
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import BA_M, IC_P, N_NODES, N_SEEDS, STRENGTH_AB

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("campaign-sim", "numpy", "numba", "networkx", "mesa", "pandas", "cynetdiff", "ndlib")
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


@dataclass
class Table:
    """A titled table of strings with notes below it.

    Examples
    --------
    >>> print(Table("T", ["a", "bb"], [["1", "2"]]).text())
    T
    a | bb
    --+---
    1 |  2
    """

    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        widths = [
            max(len(r[i]) for r in [self.headers, *self.rows]) for i in range(len(self.headers))
        ]

        def line(cells):
            first = [cells[0].ljust(widths[0])]
            return " | ".join(
                first + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
            )

        out = [self.title, line(self.headers), "-+-".join("-" * w for w in widths)]
        out += [line(r) for r in self.rows]
        out += [f"  * {n}" for n in self.notes]
        return "\n".join(out).rstrip()

    def markdown(self) -> str:
        out = [
            f"### {self.title}",
            "",
            "| " + " | ".join(self.headers) + " |",
            "|" + "|".join([":---"] + ["---:"] * (len(self.headers) - 1)) + "|",
        ]
        out += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.notes:
            out += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(out)


# ------------------------------------------------------------------ formatting
def num(x: float, digits: int = 3) -> str:
    """Round to ``digits`` significant figures, with thousands separators."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if x == 0:
        return "0"
    mag = int(math.floor(math.log10(abs(x))))
    decimals = max(0, digits - 1 - mag)
    return f"{x:,.{decimals}f}"


def per_s(x: float) -> str:
    """A rate per second, in millions from 10^6 up."""
    return f"{num(x / 1e6)}M" if x >= 1e6 else num(x)


def pm(mean: float, se: float) -> str:
    return f"{num(mean, 4)} ± {num(se, 2)}"


def status(value, goal: float, below: bool) -> str:
    if value is None:
        return "not measured"
    ok = value < goal if below else value >= goal
    return "met" if ok else "NOT met"


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


# ------------------------------------------------------------------ machine
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(pkg: str) -> str:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return rev + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_info(command: str, threads: int) -> dict[str, str]:
    """What ran the benchmark: CPU, cores, versions, date, command, load."""
    load = os.getloadavg()
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "command": f"`{command}`",
        "commit": _git(),
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical, {len(os.sched_getaffinity(0))} usable; "
        f"numba threads {threads}",
        "Python": platform.python_version(),
        "packages": ", ".join(f"{p} {_version(p)}" for p in PACKAGES),
        "load average (1 min) at start": f"{load[0]:.2f}",
    }


#: Heading of the hand-written part of docs/benchmarks.md that a run keeps (measured
#: with ``python -m benchmarks.ab``, not by ``benchmarks.run``).
KEPT_HEADING = "## Before/after comparisons"


def kept_part(path) -> str:
    """The part of the page at ``path`` from :data:`KEPT_HEADING` on ("" if none).

    Examples
    --------
    >>> kept_part("no/such/page.md")
    ''
    """
    try:
        text = Path(path).read_text()
    except OSError:
        return ""
    at = text.find(KEPT_HEADING)
    return text[at:] if at >= 0 else ""


def markdown_page(tables: list[Table], info: dict[str, str], quick: bool, kept: str = "") -> str:
    """The whole docs/benchmarks.md; ``kept`` (see :func:`kept_part`) goes at the end."""
    lines = [
        "# Benchmarks",
        "",
        "Speed and memory of the engine, with peer libraries in the same run. This page is",
        "written by `python -m benchmarks.run`; do not edit it by hand, except the last section",
        "(before/after runs of two checkouts, `python -m benchmarks.ab`), which a run keeps.",
        "",
        "```",
        "pip install cynetdiff ndlib        # optional peers; a missing peer is skipped",
        "python -m benchmarks.run           # full run (about a minute here), rewrites this page",
        "python -m benchmarks.run --quick   # smaller sizes, under a minute, prints only",
        "python -m benchmarks.run --only W3 # one workload (W1, W2, W3, W4), prints only",
        "```",
        "",
        "Method: wall-clock time (`time.perf_counter`), median of repeated runs for the fast",
        "workloads, after an untimed warm-up call (numba kernels compile, or load from the",
        "disk cache, on first call). Our engine runs in summary mode (`log=False`) on all",
        "numba threads unless a row says 1 thread; cynetdiff, NDlib and Mesa are",
        "single-threaded. Arcs examined are counted exactly from an untimed logged re-run",
        "of the same replicates. The machine may be shared: the load average before the",
        "run is recorded below. Tests never assert these times.",
        "",
    ]
    if quick:
        lines += ["**Quick run (`--quick`): reduced sizes, not the reference numbers.**", ""]
    lines += ["## Machine", ""] + [f"- {k}: {v}" for k, v in info.items()] + [""]
    lines += ["## Results", ""]
    for t in tables:
        lines += [t.markdown(), ""]
    if kept:
        lines += [kept.rstrip("\n"), ""]
    return "\n".join(lines)
