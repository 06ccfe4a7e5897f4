"""Figures: arms compared (:mod:`~simulator.plots.arms`) and cascade curves
(:mod:`~simulator.plots.cascades`). Functions return matplotlib Figures."""
