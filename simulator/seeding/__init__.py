"""Seeding strategies: who gets the message first.

One registry (:mod:`simulator.seeding.registry`) maps each strategy's name to
a pure function ``(network, k, rng) -> node ids``; one module per family
(:mod:`~simulator.seeding.centrality`, :mod:`~simulator.seeding.greedy`,
:mod:`~simulator.seeding.imm`), except the social family, which has three
(:mod:`~simulator.seeding.social`, the six-factor score in
:mod:`~simulator.seeding.six_factors` and the Klout-like score in
:mod:`~simulator.seeding.klout`). Budgets
(:mod:`~simulator.seeding.budgets`) turn a strategy's order of preference
into what a budget buys; :mod:`~simulator.seeding.arms` runs the arms of a
seeding experiment on paired replicates.
"""

from simulator.seeding.registry import STRATEGIES, SeedingStrategy, select_seeds

__all__ = ["STRATEGIES", "SeedingStrategy", "select_seeds"]
