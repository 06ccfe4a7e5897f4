"""The exceptions a user of campaign-sim can meet, and the memory guard.

Every error the library raises on a user's input is a :class:`ValueError`
(so ``except ValueError`` keeps working) of one of these types, with a
one-line message naming the key (its full dotted name, e.g. ``network.n``)
or the file and line:

================== ==== ===================================================
type               exit when it is raised
================== ==== ===================================================
:class:`ConfigError` 2  a setting is missing, unknown or out of range
                        (known before any data is read)
:class:`MemoryLimitError` 2 a setting asks for more memory than the cap
:class:`DataError`   1  a problem found in the data (a file, a table)
:class:`NetworkFileError` 1 a network or data file is missing, empty or
                        malformed (a :class:`DataError`)
:class:`RunError`    1  a problem found while running (e.g. more seeds
                        than nodes in a network read from a file)
================== ==== ===================================================

``exit_code`` is the status ``campaign-sim`` and ``campaign-report`` exit
with; :func:`exit_code` maps any exception to it (1 for what is not listed).

**The memory guard.** :func:`check_memory` stops a request before the
allocation: above the cap it raises :class:`MemoryLimitError` with one line
saying how much is needed and which key to change. The cap is
``CAMPAIGN_SIM_MEMORY`` (e.g. ``4GiB``, ``500MB``, a number of bytes;
default 80% of the physical memory, 8 GiB where that is unknown) divided by
``CAMPAIGN_SIM_WORKERS`` (the parallel workers; default 1). Event buffers
that grow inside compiled kernels are checked as they grow: a kernel is
given :func:`event_row_cap` rows per thread and stops when a buffer would
grow past them; the caller turns that into :func:`event_overflow`.

Examples
--------
>>> err = ConfigError("campaign.p must be a probability in [0, 1], got 1.5")
>>> isinstance(err, ValueError), exit_code(err), exit_code(DataError("x.csv line 3: ..."))
(True, 2, 1)
>>> parse_bytes("1.5GiB"), format_bytes(3 * 2**30)
(1610612736, '3.0 GiB')
>>> check_memory("the replicate table", 10**15, "experiment.replicates", cap=2**30)
Traceback (most recent call last):
...
simulator.errors.MemoryLimitError: the replicate table needs ~909.5 TiB, above the memory cap \
of 1.0 GiB (CAMPAIGN_SIM_MEMORY / CAMPAIGN_SIM_WORKERS): lower experiment.replicates
"""

from __future__ import annotations

import os
import re

__all__ = [
    "CampaignSimError",
    "ConfigError",
    "DataError",
    "NetworkFileError",
    "RunError",
    "MemoryLimitError",
    "exit_code",
    "one_line",
    "memory_cap",
    "check_memory",
    "event_row_cap",
    "event_overflow",
    "EVENT_COPIES",
    "parse_bytes",
    "format_bytes",
    "MEMORY_ENV",
    "WORKERS_ENV",
    "sweep_workers",
]

MEMORY_ENV = "CAMPAIGN_SIM_MEMORY"
WORKERS_ENV = "CAMPAIGN_SIM_WORKERS"
DEFAULT_FRACTION = 0.8
FALLBACK_CAP = 8 * 2**30


class CampaignSimError(ValueError):
    """Base of campaign-sim's errors on user input; ``exit_code`` is the command's status."""

    exit_code = 1


class ConfigError(CampaignSimError):
    """A configuration value is missing, unknown or out of range (exit 2)."""

    exit_code = 2


class MemoryLimitError(ConfigError):
    """A setting asks for more memory than the cap allows (exit 2)."""


class DataError(CampaignSimError):
    """A problem found in the data: a file or table a study reads (exit 1)."""


class NetworkFileError(DataError):
    """A network or data file is missing, empty or malformed.

    The message is one line naming the file and, where known, the line number.
    """


class RunError(CampaignSimError):
    """A problem found while running, which no check of the settings alone could see (exit 1)."""


def exit_code(err: BaseException) -> int:
    """The exit status for ``err``: its ``exit_code``, 2 for a ConfigError, else 1."""
    return int(getattr(err, "exit_code", 1)) if isinstance(err, CampaignSimError) else 1


def one_line(err: BaseException) -> str:
    """The first line of an error's message (a KeyError's key unquoted), never empty.

    Examples
    --------
    >>> one_line(KeyError("network.n")), one_line(ValueError("a\\nb")), one_line(ValueError())
    ('network.n', 'a', 'ValueError')
    """
    message = err.args[0] if isinstance(err, KeyError) and err.args else err
    text = str(message).strip()
    return text.splitlines()[0] if text else type(err).__name__


# ------------------------------------------------------------- memory guard
_UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
_UNITS |= {"ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}


def parse_bytes(text: str) -> int:
    """``"4GiB"`` -> 4294967296; ``"500MB"``, ``"2g"``, ``"1e9"`` also work."""
    match = re.fullmatch(r"\s*([0-9.eE+]+)\s*([kKmMgGtT]i?)?[bB]?\s*", str(text))
    try:
        value = float(match.group(1)) if match else float("nan")
    except ValueError:
        value = float("nan")
    if not match or not value > 0 or value == float("inf"):
        raise ConfigError(f"{MEMORY_ENV} must be a size such as 4GiB or 500MB, got {text!r}")
    return int(value * _UNITS[(match.group(2) or "").lower()])


def format_bytes(n: float) -> str:
    """``3 * 2**30`` -> ``'3.0 GiB'``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def sweep_workers() -> int:
    """Jobs of a sweep running at once on this machine (``CAMPAIGN_SIM_WORKERS``, else 1):
    the memory cap and the calibration's cores are shared among them.

    >>> sweep_workers() >= 1
    True
    """
    try:
        return max(1, int(os.environ.get(WORKERS_ENV) or 1))
    except ValueError:
        return 1


def memory_cap(workers: int | None = None) -> int:
    """Bytes one worker may ask for: the cap (``CAMPAIGN_SIM_MEMORY``, default 80% of the
    physical memory) divided by ``workers`` (default ``CAMPAIGN_SIM_WORKERS``, else 1)."""
    text = os.environ.get(MEMORY_ENV)
    if text:
        total = parse_bytes(text)
    else:
        physical = _physical_memory()
        total = int(physical * DEFAULT_FRACTION) if physical else FALLBACK_CAP
    workers = sweep_workers() if workers is None else workers
    return max(1, total // max(1, int(workers)))


def check_memory(what: str, nbytes: float, key: str, cap: int | None = None) -> None:
    """Raise :class:`MemoryLimitError` when ``what`` needs more than ``cap`` bytes.

    ``key`` is the setting to change (``experiment.replicates``,
    ``network.n`` ...); ``cap`` defaults to :func:`memory_cap`.
    """
    cap = memory_cap() if cap is None else cap
    if nbytes > cap:
        raise MemoryLimitError(
            f"{what} needs ~{format_bytes(nbytes)}, above the memory cap of "
            f"{format_bytes(cap)} ({MEMORY_ENV} / {WORKERS_ENV}): lower {key}"
        )


#: Row sizes the guard counts per event row a kernel keeps: the buffer, its doubled
#: copy while it grows (3 rows' worth at that moment) and the table the threads'
#: buffers are joined into.
EVENT_COPIES = 4


def event_row_cap(row_bytes: int, threads: int = 1, cap: int | None = None) -> int:
    """Event rows one thread of a compiled kernel may keep under the memory cap.

    ``cap`` (default :func:`memory_cap`) divided by the threads and by
    ``row_bytes * EVENT_COPIES``: a kernel stops, and reports how many rows
    it wanted, before a buffer of events grows past this.

    Examples
    --------
    >>> event_row_cap(24, threads=2, cap=2**20)
    5461
    """
    cap = memory_cap() if cap is None else cap
    return max(1, int(cap) // (int(row_bytes) * EVENT_COPIES * max(1, int(threads))))


def event_overflow(
    what: str, rows: int, row_bytes: int, key: str, threads: int = 1, cap: int | None = None
) -> MemoryLimitError:
    """The error for a kernel that stopped at :func:`event_row_cap` wanting ``rows`` rows.

    Examples
    --------
    >>> print(event_overflow("the event log", 10**6, 24, "replicates", cap=2**20))
    the event log needs more than ~91.6 MiB (1,000,000 events on a thread), above the \
memory cap of 1.0 MiB (CAMPAIGN_SIM_MEMORY / CAMPAIGN_SIM_WORKERS): lower replicates
    """
    cap = memory_cap() if cap is None else cap
    need = int(rows) * int(row_bytes) * EVENT_COPIES * max(1, int(threads))
    return MemoryLimitError(
        f"{what} needs more than ~{format_bytes(need)} ({int(rows):,} events on a thread), "
        f"above the memory cap of {format_bytes(cap)} ({MEMORY_ENV} / {WORKERS_ENV}): "
        f"lower {key}"
    )
