"""The markdown page docs/benchmarks.md: the workloads' tables under the machine they ran on.

:func:`markdown_page` writes the whole page (method, machine, one section per
table, then the hand-written part that a run keeps, :func:`kept_part`). The
tables come from :mod:`benchmarks.workload_tables` (built on
:class:`~benchmarks.table.Table`) and the machine from
:mod:`benchmarks.machine`.

Examples
--------
>>> page = markdown_page([Table("T", ["a"], [["1"]])], {"CPU": "x"}, quick=True)
>>> "### T" in page and "- CPU: x" in page and "Quick run" in page
True
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.table import Table

__all__ = ["KEPT_HEADING", "kept_part", "markdown_page"]


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
