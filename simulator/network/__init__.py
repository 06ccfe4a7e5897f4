"""Networks: the CSR `Network`, generators, readers/writers and tie-strength models."""

from simulator.network.core import Network
from simulator.network.csr_from_edges import CleaningReport
from simulator.network.io import NetworkFileError, read_network, write_edgelist, write_graphml

__all__ = [
    "CleaningReport",
    "Network",
    "NetworkFileError",
    "read_network",
    "write_edgelist",
    "write_graphml",
]
