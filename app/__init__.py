"""The browser view of a campaign: a Mesa SolaraViz app on :class:`simulator.CampaignModel`.

This package sits outside the headless library (nothing in ``simulator/``
imports it or solara). :mod:`app.model` holds the model the view steps,
:mod:`app.picture` the network picture and charts, :mod:`app.viz` the
SolaraViz page and :mod:`app.cli` the command that serves it
(``campaign-sim-app``, or ``python -m app``), on 127.0.0.1 by default.
"""
