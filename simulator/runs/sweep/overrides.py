"""Hydra ``key=value`` overrides: the one parser, and the jobs a sweep expands to.

Every ``key=value`` string of the run layer (command-line overrides, a job's
``.hydra/overrides.yaml``, the jobs of ``multirun.yaml``) is read here, with
Hydra's own override grammar, so a key means the same thing everywhere:

- :func:`parse_override` splits one override into its key (as Hydra writes
  it: ``+``, ``++`` or ``~`` prefix and ``@package`` included) and its value
  as written; :attr:`ParsedOverride.name` is the key without its prefix.
- :func:`override_value` is the value as Hydra types it (``0.1``, ``[a, b]``).
- :func:`expand_overrides` lists a sweep's jobs as Hydra's basic sweeper
  runs them; :func:`one_at_a_time` lists a few jobs that use every value.

Examples
--------
>>> parse_override("campaign.p=0.1")
ParsedOverride(key='campaign.p', value='0.1')
>>> key, value = parse_override("+network.columns=[target,source]")
>>> key, value, parse_override("+network.columns=[target,source]").name
('+network.columns', '[target,source]', 'network.columns')
>>> override_value("network.columns=[target, source]")
['target', 'source']
>>> expand_overrides(["campaign.p=0.1,0.2", "seed=range(2)", "network.n=300"])
[['campaign.p=0.1', 'seed=0', 'network.n=300'], ['campaign.p=0.1', 'seed=1', 'network.n=300'], \
['campaign.p=0.2', 'seed=0', 'network.n=300'], ['campaign.p=0.2', 'seed=1', 'network.n=300']]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = [
    "count_jobs",
    "check_sweep_size",
    "ParsedOverride",
    "parse_override",
    "override_value",
    "expand_overrides",
    "one_at_a_time",
]


class ParsedOverride(NamedTuple):
    """One ``key=value`` override: unpacks as ``key, value``."""

    key: str
    """The key as Hydra writes it: ``campaign.p``, ``+extra.key``, ``~network.ties``,
    ``db@backup``."""
    value: str
    """The value as written after the first ``=`` (``''`` when there is none, as in
    ``~key``); Hydra writes each value of a sweep's jobs in its own canonical form."""

    @property
    def name(self) -> str:
        """The key without its ``+``, ``++`` or ``~`` prefix: ``+extra.key`` -> ``extra.key``."""
        return self.key.lstrip("+~")

    @property
    def key_or_group(self) -> str:
        """The config key or group alone, as Hydra names it (no prefix, no ``@package``):
        ``~db@backup`` -> ``db``, ``hydra/launcher`` -> ``hydra/launcher``."""
        return self.name.partition("@")[0]


@functools.cache
def _plain_parser():
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return OverridesParser.create()


@functools.lru_cache(maxsize=1 << 16)
def _parse(text: str):
    from hydra.errors import HydraException

    try:
        return _plain_parser().parse_override(text)
    except HydraException as err:
        raise ValueError(f"not a key=value override: {text!r} ({err})") from None


def parse_override(text: str) -> ParsedOverride:
    """``'campaign.p=0.1'`` -> ``ParsedOverride(key='campaign.p', value='0.1')``.

    The key is Hydra's (its prefix and ``@package`` included, see
    :attr:`ParsedOverride.name` for the key alone); the value is the text
    after the first ``=``, as written, so a job's overrides read the same in
    its directory, in a report and on the command line. Raises
    ``ValueError`` for text that is not an override. Parses are cached:
    a sweep repeats the same strings in every job.

    Examples
    --------
    >>> parse_override("~network.ties")
    ParsedOverride(key='~network.ties', value='')
    >>> parse_override("seed=1,2").value
    '1,2'
    >>> parse_override("campaign.p")
    Traceback (most recent call last):
    ...
    ValueError: not a key=value override: 'campaign.p' (missing EQUAL at '<EOF>')
    """
    override = _parse(text)
    return ParsedOverride(override.get_key_element(), text.partition("=")[2])


def override_value(text: str) -> Any:
    """The value of a (non-sweep) override as Hydra types it.

    Examples
    --------
    >>> override_value("campaign.p=0.10"), override_value("experiment.figures=false")
    (0.1, False)
    """
    return _parse(text).value()


def _parser(config_dir: str | None):
    """Hydra's override parser; with the config directory, ``glob(...)`` sweeps list a
    group's options."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    if config_dir is None:
        return _plain_parser()
    try:
        from hydra._internal.config_loader_impl import ConfigLoaderImpl
        from hydra._internal.utils import create_config_search_path

        loader = ConfigLoaderImpl(config_search_path=create_config_search_path(config_dir))
    except Exception:  # pragma: no cover - Hydra internals moved
        loader = None
    return OverridesParser.create(config_loader=loader)


def _parse_all(overrides: Sequence[str], config_dir: str | None) -> list:
    """Hydra's parse of a sweep's overrides (parse errors raise Hydra's exception)."""
    from hydra.core.override_parser.types import ValueType

    parsed = _parser(config_dir).parse_overrides(list(overrides))
    if config_dir is None and any(o.value_type == ValueType.GLOB_CHOICE_SWEEP for o in parsed):
        raise ValueError("glob(...) sweeps are listed with the config directory (config_dir)")
    return parsed


#: Bytes one job of a sweep's list takes per override (strings, lists; generous).
JOB_BYTES_PER_KEY = 400


def _sweep_size(override) -> int:
    """How many values a parsed override takes, without listing them."""
    if not override.is_sweep_override():
        return 1
    value = override.value()
    start = getattr(value, "start", None)
    if start is not None and getattr(value, "stop", None) is not None:  # range(...)
        step = value.step or 1
        return max(0, math.ceil((value.stop - start) / step))
    items = getattr(value, "list", None)
    return len(items) if items is not None else 1


def _swept_key(overrides: Sequence[str]) -> str:
    """What to lower when a sweep is too large: the swept overrides, for the memory guard."""
    return f"the number of values swept ({' '.join(o for o in overrides if ',' in o or '(' in o)})"


def count_jobs(overrides: Sequence[str], config_dir: str | None = None) -> int:
    """The number of jobs a sweep expands to, counted without expanding it.

    Examples
    --------
    >>> count_jobs(["seed=range(0,1000000000)", "campaign.p=0.1,0.2", "network.n=300"])
    2000000000
    """
    return math.prod(_sweep_size(o) for o in _parse_all(overrides, config_dir))


def _check_job_list(parsed: list, overrides: Sequence[str]) -> int:
    """The number of jobs of the ``parsed`` overrides, once the job list fits the memory cap."""
    from simulator.errors import check_memory

    jobs = math.prod(_sweep_size(o) for o in parsed)
    need = jobs * JOB_BYTES_PER_KEY * max(1, len(overrides))
    check_memory(f"the sweep's job list ({jobs:,} jobs)", need, _swept_key(overrides))
    return jobs


def check_sweep_size(overrides: Sequence[str], config_dir: str | None = None) -> int:
    """:func:`count_jobs`, after checking that the job list fits the memory cap
    (:func:`simulator.errors.check_memory`); raises MemoryLimitError naming the sweep."""
    return _check_job_list(_parse_all(overrides, config_dir), overrides)


def expand_overrides(overrides: Sequence[str], config_dir: str | None = None) -> list[list[str]]:
    """The jobs of a sweep, in Hydra's order: one list of ``key=value`` strings per job.

    Same expansion as Hydra's basic sweeper (cartesian product, the last key
    varying fastest), so item ``i`` is job number ``i``. ``config_dir`` (the
    YAML config directory) is needed for ``glob(...)`` sweeps over a group's
    options. Raises ``ValueError`` for sweeps that cannot be listed
    (``interval(...)``, used by optimising sweepers; ``glob(...)`` without
    ``config_dir``).
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.errors import HydraException

    parsed = _parse_all(overrides, config_dir)
    _check_job_list(parsed, overrides)  # counted before it is expanded
    try:
        (jobs,) = BasicSweeper.split_arguments(parsed, None)
    except HydraException as err:
        raise ValueError(str(err)) from None
    return jobs


def one_at_a_time(overrides: Sequence[str], config_dir: str | None = None) -> list[list[str]]:
    """A few jobs that together use every value of every swept key once.

    The first job takes each key's first value; each further job changes one
    key to another value. Validating these catches a bad value anywhere in a
    sweep with ``sum(values)`` configs instead of ``prod(values)``.
    ``config_dir`` and ``ValueError`` as in :func:`expand_overrides`; an
    override Hydra cannot parse raises Hydra's own exception.

    Examples
    --------
    >>> one_at_a_time(["a=1,2,3", "b=x,y", "c=0"])
    [['a=1', 'b=x', 'c=0'], ['a=2', 'b=x', 'c=0'], ['a=3', 'b=x', 'c=0'], ['a=1', 'b=y', 'c=0']]
    """
    from simulator.errors import check_memory

    parsed = _parse_all(overrides, config_dir)
    values = sum(_sweep_size(o) for o in parsed)  # counted before any is listed
    need = values * JOB_BYTES_PER_KEY
    check_memory(f"checking the sweep's {values:,} values", need, _swept_key(overrides))
    columns = []
    for override in parsed:
        key = override.get_key_element()
        if override.is_sweep_override():
            if not override.is_discrete_sweep():
                raise ValueError(f"{key}: not a list of values")
            values = [f"{key}={v}" for v in override.sweep_string_iterator()]
            columns.append(list(dict.fromkeys(values)))  # a value listed twice: checked once
        else:
            columns.append([f"{key}={override.get_value_element_as_str()}"])
    base = [values[0] for values in columns]
    jobs = [base]
    for i, values in enumerate(columns):
        for value in values[1:]:
            jobs.append(base[:i] + [value] + base[i + 1 :])
    return jobs
