"""Speed and memory benchmarks, with peer libraries side by side.

Run from the repository root::

    python -m benchmarks.run              # full run; writes docs/benchmarks.md
    python -m benchmarks.run --quick      # smaller sizes, well under a minute
    python -m benchmarks.run --only W3    # one workload (W1, W2, W3 or W4)

Workloads (see docs/benchmarks.md for the latest numbers):

- **W1** independent cascade on a Barabási–Albert graph (n = 100,000, m = 5),
  ours (all threads and one thread) against cynetdiff and NDlib;
- **W2** the full campaign funnel on the same graph, against our own IC;
- **W3** scaling with n = 10^4, 10^5, 10^6 (each in a fresh subprocess:
  ``python -m benchmarks.scale N``), with build time and peak memory;
- **W4** ``CampaignModel.step`` against Mesa's ``virus_on_network`` example.

Peers are optional (``pip install cynetdiff ndlib``); a missing peer is
skipped with a message. Timings are wall-clock medians after a warm-up
(numba kernels compile, or load from the disk cache, on first call); the
tests never assert them.

Modules: :mod:`benchmarks.common` (shared set-up and helpers),
:mod:`benchmarks.workloads` (our engine), :mod:`benchmarks.peers` (peer
libraries), :mod:`benchmarks.scale` (W3 subprocess), :mod:`benchmarks.report`
(the markdown page), :mod:`benchmarks.workload_tables` (one table per
workload, the goals), :mod:`benchmarks.table` (the table type and number
formats), :mod:`benchmarks.machine` (what the page says about the machine),
:mod:`benchmarks.run` (the command).
"""
