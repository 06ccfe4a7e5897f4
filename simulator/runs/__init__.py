"""The run layer: typed config, the command line, sweeps, reports and provenance.

The only layer that knows Hydra; the library below it takes dataclasses
and plain values. Nothing in :mod:`simulator` outside this package imports it.
"""
