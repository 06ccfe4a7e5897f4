"""Analysis of cascades: metrics of the CascadeLog and the theory they are checked against.

:mod:`~simulator.analysis.metrics` (pure functions of the log),
:mod:`~simulator.analysis.forest` (the cascade trees of a log, under the metrics),
:mod:`~simulator.analysis.viral` (viral-coefficient estimators),
:mod:`~simulator.analysis.branching` (branching processes),
:mod:`~simulator.analysis.critical_mass` (seeds needed for a target reach),
:mod:`~simulator.analysis.cascade_window` (Watts' cascade window),
:mod:`~simulator.analysis.cascade_import` (real cascades into a CascadeLog; its
attachment rule in :mod:`~simulator.analysis.cascade_attach`, what it returns in
:mod:`~simulator.analysis.cascade_types`),
:mod:`~simulator.analysis.stats` (intervals and tidy summaries).
"""
