"""The browser view of a campaign: a Mesa SolaraViz app on :class:`simulator.CampaignModel`.

This package sits outside the headless library (nothing in ``simulator/``
imports it or solara). :mod:`app.model` holds the model the campaign view
steps, :mod:`app.contest` the model of the contest view (an influence contest
revealed step by step, :class:`simulator.contest.mesa_contest.ContestModel`)
and its leaderboard, :mod:`app.picture` the network pictures and charts,
:mod:`app.viz` the SolaraViz page (a Mode control switches between the two
views) and :mod:`app.cli` the command that serves it (``campaign-sim-app``,
or ``python -m app``), on 127.0.0.1 by default.
"""
