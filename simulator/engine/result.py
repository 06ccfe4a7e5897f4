"""What a spread model's ``simulate`` returns: named per-replicate results and events.

Every model's ``simulate(network, seed_rows, keys, log)`` returns a
:class:`ModelResult`; :func:`simulator.engine.run.run_cascades` reads it by
name and turns its :class:`Events` (node, parent and arc indices) into a
:class:`~simulator.cascade_log.CascadeLog` (tie strengths and layers).

Examples
--------
>>> import numpy as np
>>> table = np.array([[0, 4, -1, 0, -1], [0, 7, 4, 1, 12]])  # replicate, node, parent, step, arc
>>> out = ModelResult.from_activations(np.array([2]), np.array([1]), table)
>>> out.events.node.tolist(), out.events.action.tolist(), out.events.amount is None
([4, 7], [0, 1], True)
>>> out.totals
{}
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.cascade_log import ACTION_CODE
from simulator.engine.buffers import ACTIVATION_COLUMNS

__all__ = ["Events", "ModelResult"]


@dataclass(frozen=True, eq=False)
class Events:
    """A model's events as parallel flat arrays, one entry per event.

    Attributes
    ----------
    replicate, node, parent, step : int arrays
        Replicate index, the agent, the agent whose post or arc reached it
        (-1 for seeds) and the step.
    action : int array
        Code of :data:`~simulator.cascade_log.ACTIONS`.
    arc : int array
        Arc index ``parent -> node`` in the network's CSR order (-1 for seeds).
    amount : float array or None
        Amount given per event (None: no model amounts, all zero).
    """

    replicate: np.ndarray
    node: np.ndarray
    parent: np.ndarray
    step: np.ndarray
    action: np.ndarray
    arc: np.ndarray
    amount: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class ModelResult:
    """The output of one ``simulate`` call.

    Attributes
    ----------
    reach, depth : int64 arrays (replicates,)
        Agents reached (seeds included) and the last step at which one was.
    events : Events or None
        None in summary mode (``log=False``).
    totals : dict of str -> array (replicates,)
        Further per-replicate totals (the funnel's
        :data:`~simulator.cascade_log.FUNNEL_TOTALS`); empty for other models.
    """

    reach: np.ndarray
    depth: np.ndarray
    events: Events | None = None
    totals: dict = field(default_factory=dict)

    @classmethod
    def from_activations(cls, reach, depth, table=None) -> ModelResult:
        """Result of an activation kernel; ``table`` rows: (replicate, node, parent, step, arc).

        Seeds (parent -1) get the action "seed", every other row "activate".
        ``table=None``: summary mode, no events.
        """
        if table is None:
            return cls(reach, depth)
        col = dict(zip(ACTIVATION_COLUMNS, table.T, strict=True))
        action = np.where(col["parent"] < 0, ACTION_CODE["seed"], ACTION_CODE["activate"])
        return cls(reach, depth, Events(action=action, **col))
