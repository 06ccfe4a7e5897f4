"""Networks: the CSR `Network`, generators, readers/writers and tie-strength models."""

from simulator.network.core import CleaningReport, Network

__all__ = ["Network", "CleaningReport"]
