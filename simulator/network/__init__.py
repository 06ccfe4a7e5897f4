"""Networks: the CSR `Network`, generators, readers/writers and tie-strength models."""

from simulator.network.core import CleaningReport, Network
from simulator.network.io import NetworkFileError, read_network, write_edgelist, write_graphml

__all__ = [
    "CleaningReport",
    "Network",
    "NetworkFileError",
    "read_network",
    "write_edgelist",
    "write_graphml",
]
