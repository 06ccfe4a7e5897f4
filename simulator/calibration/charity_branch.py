"""One branch of the charity scene, built once and replayed at any parameters.

A :class:`Branch` keeps a network's kernel arrays and its
:class:`~simulator.calibration.replay.Replay` state; :meth:`Branch.run`
writes a run's parameters into them (message entries, the broadcast arcs'
channel mismatch, the arcs cut by the community size) and runs one
replicate of the funnel.

Examples
--------
>>> from simulator.calibration.charity_scene import CharityScene, blog_branch
>>> from simulator.engine.campaign import Campaign
>>> net, pop, rank, need = blog_branch(CharityScene.small(), np.random.default_rng(0), 50)
>>> branch = Branch(net, pop, Campaign(appeal=0.5, steps=48), [0])
>>> th = dict(share_rate=0.3, conversion_rate=0.3, amount=45.0)
>>> totals, events, amounts = branch.run(th, 1, need=need, size=50)
>>> events.shape[1], bool((branch.work[need > 50, 1] == 0).all())
(6, True)
"""

from __future__ import annotations

import dataclasses

import numpy as np

from simulator.calibration.charity_scene import TIE_EXPONENT
from simulator.calibration.replay import Replay

__all__ = ["Branch"]

# positions in Campaign.kernel_arrays' msg vector
_MSG = {"share_rate": 1, "conversion_rate": 2, "tie_exponent": 3, "amount": 5}


class Branch:
    """One network with its kernel arrays, ready to run with new parameters."""

    def __init__(self, network, population, campaign, seeds):
        self.network, self.population, self.seeds = network, population, np.asarray(seeds)
        self.campaign = campaign.with_population(population)
        self.node_f, self.arc_f, self.msg, self.ints = self.campaign.kernel_arrays(network)
        self.broadcast = np.flatnonzero(self.arc_f[:, 3] != 1.0)  # arcs off the channel
        self.work = self.arc_f.copy()  # the arc table a run uses, updated in place
        self.replay = Replay(network.indptr, network.indices)
        self._cut = None  # arcs that need a community size, sorted by it; the size now

    def run(
        self,
        theta_map,
        key,
        *,
        steps=None,
        reminders=None,
        owed_scale=1.0,
        bandwidth=None,
        need=None,
        size=None,
        seeds=None,
        limit=np.inf,
    ):
        """One replicate at parameters ``theta_map``; arcs with ``need > size`` are cut.

        Only the entries a parameter sets are rewritten in :attr:`work`
        (every run sets all of them), so a run costs the kernel, not a copy
        of the arc table.
        """
        msg = self.msg.copy()
        for name, pos in _MSG.items():
            msg[pos] = theta_map.get(name, TIE_EXPONENT if name == "tie_exponent" else None)
        ints = self.ints
        if steps is not None or reminders is not None:
            camp = dataclasses.replace(
                self.campaign,
                steps=steps or self.campaign.steps,
                reminders=self.campaign.reminders if reminders is None else reminders,
            )
            ints = camp.kernel_inputs(self.network)[4] if reminders is not None else ints.copy()
            ints[0] = camp.steps
        node_f = self.node_f
        if owed_scale != 1.0 or bandwidth is not None:
            node_f = node_f.copy()
            node_f[:, 5] *= owed_scale
            if bandwidth is not None:
                node_f[: self.seeds.size, 0] = bandwidth
        arc_f = self.work
        if need is not None:
            if self._cut is None:
                arcs = np.flatnonzero(need > 0)
                arcs = arcs[np.argsort(need[arcs], kind="stable")]
                arc_f[arcs, 1] = 0.0  # no trust: below cut_below, the arc carries nothing
                self._cut = [arcs, need[arcs], 0]
            arcs, arc_need, now = self._cut
            # only the arcs between the last size and this one change (sorted by need)
            lo, hi = np.searchsorted(arc_need, sorted((now, size)), side="right")
            change = arcs[lo:hi]
            arc_f[change, 1] = self.arc_f[change, 1] if size > now else 0.0
            self._cut[2] = size
        mismatch = theta_map.get("channel_mismatch")
        arc_f[self.broadcast, 3] = self.arc_f[self.broadcast, 3] if mismatch is None else mismatch
        seeds = self.seeds if seeds is None else seeds
        return self.replay.run(node_f, arc_f, msg, ints, seeds, key, limit)
