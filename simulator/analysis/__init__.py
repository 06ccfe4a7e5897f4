"""Analysis of cascades: metrics of the CascadeLog and the theory they are checked against.

:mod:`~simulator.analysis.metrics` (pure functions of the log),
:mod:`~simulator.analysis.viral` (viral-coefficient estimators),
:mod:`~simulator.analysis.branching` (branching processes),
:mod:`~simulator.analysis.critical_mass` (seeds needed for a target reach),
:mod:`~simulator.analysis.cascade_window` (Watts' cascade window),
:mod:`~simulator.analysis.cascade_import` (real cascades into a CascadeLog),
:mod:`~simulator.analysis.stats` (intervals and tidy summaries).
"""
