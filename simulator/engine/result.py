"""What a spread model's ``simulate`` returns: named per-replicate results and events.

Every model's ``simulate(network, seed_rows, keys, log)`` returns a
:class:`ModelResult`; :func:`simulator.engine.run.run_cascades` reads it by
name and turns its :class:`Events` (node, parent and arc indices) into a
:class:`~simulator.cascade_log.CascadeLog` (tie strengths and layers).

Examples
--------
>>> import numpy as np
>>> columns = ([0, 0], [4, 7], [-1, 4], [0, 1], [-1, 12])  # replicate, node, parent, step, arc
>>> out = ModelResult.from_activations(np.array([2]), np.array([1]), columns)
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
from simulator.errors import event_overflow

__all__ = ["ACTIVATION_ROW_BYTES", "Events", "ModelResult", "check_overflow"]

#: Bytes of one activation row in a kernel's buffers (four int32 columns and an int64 arc).
ACTIVATION_ROW_BYTES = 24
#: The setting to lower when a run's results or event log do not fit (API argument, config key).
REPLICATES_KEY = "replicates (experiment.replicates)"


def check_overflow(wanted: int, row_bytes: int, threads: int) -> None:
    """Raise the memory guard's one-line error if a kernel stopped at its row cap.

    ``wanted`` is what the kernel reported (0: it did not stop).

    Examples
    --------
    >>> check_overflow(0, 24, 2)  # nothing to say
    """
    if wanted:
        raise event_overflow("the event log", int(wanted), row_bytes, REPLICATES_KEY, threads)


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
    def from_activations(cls, reach, depth, columns=None) -> ModelResult:
        """Result of an activation kernel; ``columns``: (replicate, node, parent, step, arc).

        The columns are those of :data:`~simulator.engine.buffers.ACTIVATION_COLUMNS`
        (kept as they are, without a copy). Seeds (parent -1) get the action
        "seed", every other row "activate". ``columns=None``: summary mode,
        no events.
        """
        if columns is None:
            return cls(reach, depth)
        col = {name: np.asarray(c) for name, c in zip(ACTIVATION_COLUMNS, columns, strict=True)}
        seed = col["parent"] < 0
        action = np.full(seed.size, ACTION_CODE["activate"], np.int8)
        action[seed] = ACTION_CODE["seed"]
        return cls(reach, depth, Events(action=action, **col))
