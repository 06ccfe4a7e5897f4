"""Peer libraries on the same workloads: cynetdiff and NDlib (W1), Mesa's virus example (W4).

Peers are optional. Each function raises :class:`PeerMissing` with an
install hint when its library cannot be imported; the runner prints the
message and goes on.
"""

from __future__ import annotations

import array
import logging

import numpy as np

from benchmarks.common import IC_P, SEED, Sizes, mean_se, timed


class PeerMissing(RuntimeError):
    """A peer library is not installed."""


def _need(module: str, pip_name: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise PeerMissing(f"{pip_name} not importable ({exc}); `pip install {pip_name}`") from None


def ic_cynetdiff(net, seeds, sizes: Sizes) -> dict:
    """W1: cynetdiff's ``IndependentCascadeModel`` on the same CSR arrays and seeds.

    The model is built from our CSR arrays with the constructor that
    ``cynetdiff.utils.networkx_to_ic_model`` calls (``starts`` holds one
    offset per node, no end sentinel; unsigned 32-bit arrays). One replicate
    is ``reset_model()``, ``advance_until_completion()``,
    ``get_num_activated_nodes()``. cynetdiff is single-threaded, draws from a
    numpy Generator and compares a float32 probability.
    """
    models = _need("cynetdiff.models", "cynetdiff")
    starts = array.array("I", net.indptr[:-1].astype(np.uint32).tobytes())
    edges = array.array("I", net.indices.astype(np.uint32).tobytes())
    model = models.IndependentCascadeModel(
        starts, edges, activation_prob=IC_P, rng=np.random.default_rng(SEED)
    )
    model.set_seeds([int(s) for s in seeds])  # numpy integers are rejected
    reps = sizes.cynetdiff_replicates

    def run():
        out = np.empty(reps, np.int64)
        for r in range(reps):
            model.reset_model()
            model.advance_until_completion()
            out[r] = model.get_num_activated_nodes()
        return out

    run()  # warm-up (allocations)
    secs, reach = timed(run, sizes.repeats)
    mean, se = mean_se(reach)
    return {
        "name": "cynetdiff",
        "threads": 1,
        "replicates": reps,
        "seconds": secs,
        "rate": reps / secs,
        "reach": mean,
        "reach_se": se,
    }


def ic_ndlib(net, seeds, sizes: Sizes) -> dict:
    """W1: NDlib's ``IndependentCascadesModel`` with per-edge threshold ``p``.

    NDlib takes a networkx graph; without a per-edge ``threshold`` it uses
    ``1 / degree``, so every edge gets ``IC_P``. A replicate is
    ``reset(infected_nodes=seeds)`` then ``iteration()`` until nobody is
    infected; the reach is the final number of removed nodes. Each iteration
    visits every node (Python loop). NDlib seeds numpy's global generator in
    its constructor (``np.random.seed``); that is its only seeding option.
    """
    _need("ndlib", "ndlib")
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc
    import networkx as nx

    src, dst = net.edges()
    keep = src < dst  # one edge per pair of arcs
    graph = nx.Graph()
    graph.add_nodes_from(range(net.n))
    graph.add_edges_from(zip(src[keep].tolist(), dst[keep].tolist(), strict=True))
    model = ep.IndependentCascadesModel(graph, seed=SEED)
    config = mc.Configuration()
    seed_list = [int(s) for s in seeds]
    config.add_model_initial_configuration("Infected", seed_list)
    for edge in graph.edges():
        config.add_edge_configuration("threshold", edge, IC_P)
    model.set_initial_status(config)

    def one():
        model.reset(infected_nodes=seed_list)
        while True:
            counts = model.iteration(node_status=False)["node_count"]
            if counts[1] == 0:
                return counts[2]

    reps = sizes.ndlib_replicates
    secs, reach = timed(lambda: np.array([one() for _ in range(reps)]))
    mean, se = mean_se(reach)
    return {
        "name": "NDlib",
        "threads": 1,
        "replicates": reps,
        "seconds": secs,
        "rate": reps / secs,
        "reach": mean,
        "reach_se": se,
    }


def mesa_virus_step(n: int, steps: int, mean_degree: float = 6.0) -> dict:
    """W4: mean wall time of ``VirusOnNetwork.step`` (Mesa's own example).

    ``avg_node_degree`` is the mean degree (the example draws
    ``erdos_renyi_graph(n, avg_node_degree / n)``, an ``O(n^2)`` loop, from
    networkx's global generator: its graph is not reproducible). Ten nodes
    start infected, like W4's ten seeds. One step is run untimed first.
    """
    _need("mesa", "mesa")
    try:
        from mesa.examples.basic.virus_on_network.agents import State
        from mesa.examples.basic.virus_on_network.model import VirusOnNetwork
    except ImportError as exc:
        raise PeerMissing(f"Mesa's virus_on_network example not found ({exc})") from None

    logging.getLogger("MESA").setLevel(logging.WARNING)
    model = VirusOnNetwork(
        num_nodes=n, avg_node_degree=mean_degree, initial_outbreak_size=10, seed=SEED
    )
    model.step()  # warm-up

    def run():
        for _ in range(steps):
            model.step()

    secs, _ = timed(run)
    degree = 2 * model.grid.G.number_of_edges() / n
    return {
        "name": "Mesa virus_on_network",
        "agents": n,
        "mean_degree": degree,
        "steps": steps,
        "seconds_per_step": secs / steps,
        "state": ", ".join(
            f"{sum(a.state is st for a in model.agents):,} {st.name.lower()}"
            for st in (State.INFECTED, State.RESISTANT)
        ),
    }
