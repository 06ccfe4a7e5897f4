"""The network picture: a sample of the network, laid out once, coloured by agent state.

``CampaignModel`` has no Mesa space, so the view draws the network itself.
Large networks are drawn through a sample (:func:`sample_nodes`): the seeds,
the nodes nearest to them (where the message goes first) and random others,
at most ``limit`` in all; the layout (:func:`layout`) is computed once per
model and cached on it. :func:`draw_network` (a campaign: seeds ringed),
:func:`draw_contest` (a contest: players ringed, gamers as diamonds) and
:func:`draw_funnel` return matplotlib figures (no pyplot), so they run in
any process.

Examples
--------
>>> from app.model import ViewModel
>>> model = ViewModel(n=400, k=5, seed=2)
>>> nodes = sample_nodes(model, limit=120)
>>> nodes.size, bool(np.isin(model.seeds, nodes).all())
(120, True)
>>> fig = draw_network(model, limit=120)
>>> len(fig.axes)
1
"""

from __future__ import annotations

from collections import deque

import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from app.model import STATES, agent_states
from simulator.rng import stream

__all__ = [
    "COLOURS",
    "GAMER",
    "LIMIT",
    "draw_contest",
    "draw_funnel",
    "draw_network",
    "layout",
    "sample_nodes",
]

#: Colour of each state of :data:`app.model.STATES`.
COLOURS = {
    "unaware": "#d0d0d0",
    "exposed": "#9ecae1",
    "clicked": "#fdae6b",
    "shared": "#e6550d",
    "converted": "#31a354",
}
#: Most nodes drawn.
LIMIT = 300
#: Edges drawn at full opacity; more are drawn fainter, as if this many.
EDGES_SHOWN = 1500


def sample_nodes(model, limit: int = LIMIT) -> np.ndarray:
    """Sorted node indices to draw: every node when ``n <= limit``, else a sample.

    The sample grows breadth-first (along out-arcs: the way the message
    travels) from the seeds, so it shows where the message goes first; when
    that part of the network is exhausted it starts again from a random
    node (stream ``"view.sample"`` of the model's root seed), until it holds
    ``limit`` nodes. Drawn that way the sample stays connected in large
    pieces, which a spring layout can spread out.
    """
    net = model.network
    if net.n <= limit:
        return np.arange(net.n)
    rng = stream(model.root_seed, "view.sample")
    order = rng.permutation(net.n)
    chosen = dict.fromkeys(int(s) for s in model.seeds)
    queue = deque(chosen)
    restart = 0
    while len(chosen) < limit:
        if not queue:  # start a new piece from a random node not yet drawn
            while int(order[restart]) in chosen:
                restart += 1
            chosen[int(order[restart])] = None
            queue.append(int(order[restart]))
            continue
        u = queue.popleft()
        for v in net.indices[net.indptr[u] : net.indptr[u + 1]]:
            if len(chosen) >= limit:
                break
            if int(v) not in chosen:
                chosen[int(v)] = None
                queue.append(int(v))
    return np.sort(np.fromiter(chosen, dtype=np.int64))


def _edges(model, nodes: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)`` of positions in ``nodes`` joined by an arc (each pair once)."""
    net = model.network
    position = np.full(net.n, -1, dtype=np.int64)
    position[nodes] = np.arange(nodes.size)
    src = np.repeat(np.arange(net.n), np.diff(net.indptr))
    i, j = position[src], position[net.indices]
    keep = (i >= 0) & (j >= 0) & (i != j)
    pairs = np.sort(np.stack([i[keep], j[keep]], axis=1), axis=1)
    return np.unique(pairs, axis=0) if pairs.size else pairs.reshape(0, 2)


def layout(model, limit: int = LIMIT):
    """``(nodes, xy, edges)`` of the picture, computed once per model and cached on it.

    ``xy`` holds a spring layout (seeded from the model's root seed) of the
    sampled nodes, one row per node; ``edges`` pairs of rows joined by an arc.
    """
    cached = getattr(model, "_view_layout", None)
    if cached is not None and cached[0] == limit:
        return cached[1]
    nodes = sample_nodes(model, limit)
    edges = _edges(model, nodes)
    graph = nx.Graph()
    graph.add_nodes_from(range(nodes.size))
    graph.add_edges_from(map(tuple, edges))
    seed = int(stream(model.root_seed, "view.layout").integers(2**31))
    pos = nx.spring_layout(graph, seed=seed, iterations=60)
    xy = np.array([pos[i] for i in range(nodes.size)]).reshape(-1, 2)
    model._view_layout = (limit, (nodes, xy, edges))
    return model._view_layout[1]


#: Mark of gamers in the contest picture (a colour no state uses).
GAMER = "#c51b8a"


def _draw(model, codes, marks, title, limit, size) -> Figure:
    """Sampled nodes coloured by ``codes`` (indices into :data:`STATES`), with
    ``marks``: ``(nodes, label, marker, edge colour)`` drawn larger on top."""
    nodes, xy, edges = layout(model, limit)
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    if edges.size:
        # fainter the more edges, so a dense crowd (a follower graph) stays readable
        alpha = min(1.0, EDGES_SHOWN / edges.shape[0])
        ax.add_collection(
            LineCollection(xy[edges], colors="#bbbbbb", linewidths=0.4, alpha=alpha, zorder=0)
        )
    colours = np.array([COLOURS[s] for s in STATES])[codes[nodes]]
    marked = np.zeros(nodes.size, bool)
    for group, *_ in marks:
        marked |= np.isin(nodes, group)
    ax.scatter(*xy[~marked].T, c=colours[~marked], s=18, linewidths=0, zorder=1)
    counts = np.bincount(codes, minlength=len(STATES))
    handles = [
        Line2D([], [], ls="", marker="o", color=COLOURS[s], label=f"{s} ({counts[i]})")
        for i, s in enumerate(STATES)
    ]
    for z, (group, label, marker, edge) in enumerate(marks, start=2):
        here = np.isin(nodes, group)
        ax.scatter(*xy[here].T, c=colours[here], s=80, marker=marker, edgecolors=edge,
                   linewidths=2.0, zorder=z)  # fmt: skip
        handles.append(
            Line2D([], [], ls="", marker=marker, mfc="white", mec=edge, mew=2.0, label=label)
        )
    ax.legend(handles=handles, loc="upper left", fontsize=7, framealpha=0.8)
    shown = "all" if nodes.size == model.network.n else f"{nodes.size} of"
    ax.set_title(f"step {model.steps}: {shown} {model.network.n} {title}", fontsize=9)
    ax.set_axis_off()
    ax.autoscale_view()
    return fig


def draw_network(model, limit: int = LIMIT, size: tuple[float, float] = (6.0, 4.2)) -> Figure:
    """The sampled network, nodes coloured by state, seeds ringed in black."""
    marks = [(model.seeds, "seed", "o", "black")]
    return _draw(model, agent_states(model), marks, "agents", limit, size)


def draw_contest(model, limit: int = LIMIT, size: tuple[float, float] = (6.0, 4.2)) -> Figure:
    """A contest's sampled crowd coloured by state: honest players ringed in
    black as seeds, gamers (strategy not declared honest) as diamonds edged
    in :data:`GAMER`."""
    players = np.asarray(model.players)
    marks = [
        (players[~model.gamer], f"honest player ({int((~model.gamer).sum())})", "o", "black"),
        (players[model.gamer], f"gamer ({int(model.gamer.sum())})", "D", GAMER),
    ]
    return _draw(model, model.states(), marks, "people", limit, size)


def draw_funnel(frame, names, title: str, size: tuple[float, float] = (6.0, 4.0)) -> Figure:
    """Lines of the columns ``names`` of a DataCollector frame against the step."""
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    steps = np.arange(1, len(frame) + 1)
    for name in names:
        values = frame[name].to_numpy() if name in frame else np.zeros(0)
        ax.plot(steps[: values.size], values, marker=".", label=name)
    ax.set_xlabel("step")
    ax.set_title(title, fontsize=9)
    ax.set_xlim(0, max(len(frame), 1) + 0.5)
    ax.grid(alpha=0.3)
    if names:
        ax.legend(fontsize=7, loc="upper left")
    return fig
