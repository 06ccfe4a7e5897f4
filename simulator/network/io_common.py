"""Pieces shared by the network readers and writers: the error type, opening
(possibly gzipped) files, typed columns and labels, and the tie-strength rule.

Use :mod:`simulator.network.io`; this module is an implementation detail.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from simulator.errors import NetworkFileError

__all__ = ["NetworkFileError"]

GZIP_MAGIC = b"\x1f\x8b"
_CANONICAL_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")


def check_file(path) -> Path:
    """``path`` as a Path; raises NetworkFileError if it is not an existing file."""
    path = Path(path)
    if not path.exists():
        raise NetworkFileError(f"{path}: no such file")
    if not path.is_file():
        raise NetworkFileError(f"{path}: not a file")
    return path


def is_gzip(path: Path) -> bool:
    """True if the file starts with the gzip magic bytes (whatever its suffix)."""
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def open_binary(path: Path):
    """Open for reading bytes, decompressing gzip transparently."""
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def open_text(path: Path):
    """Open for reading UTF-8 text (universal newlines; a byte-order mark skipped),
    decompressing gzip."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig")


def open_write(path) -> io.TextIOWrapper:
    """Open for writing UTF-8 text with LF line ends; gzip when the name ends in ``.gz``.

    The gzip header carries no time stamp, so equal content gives equal bytes.
    """
    path = Path(path)
    if path.name.endswith(".gz"):
        raw = gzip.GzipFile(filename=path.name[:-3], mode="wb", fileobj=open(path, "wb"), mtime=0)
        return _ClosingWrapper(raw)
    return open(path, "w", encoding="utf-8", newline="\n")


class _ClosingWrapper(io.TextIOWrapper):
    """Text wrapper that also closes the file under a GzipFile given ``fileobj``."""

    def __init__(self, raw: gzip.GzipFile):
        super().__init__(raw, encoding="utf-8", newline="\n")
        self._file = raw.fileobj

    def close(self) -> None:
        super().close()
        self._file.close()


def display_name(path: Path) -> str:
    """The name used in error messages (the file name)."""
    return path.name


def network_name(path: Path) -> str:
    """File stem after stripping ``.gz``: ``email-Eu-core.txt.gz`` -> ``email-Eu-core``."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    return Path(name).stem


def as_column(values: Iterable) -> np.ndarray:
    """A typed array from Python values: bool, int64, float64, else object."""
    vals = list(values)
    if vals and all(isinstance(v, bool | np.bool_) for v in vals):
        return np.asarray(vals, dtype=bool)
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in vals):
        try:
            return np.asarray(vals, dtype=np.int64)
        except OverflowError:
            pass
    elif all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in vals):
        return np.asarray(vals, dtype=np.float64)
    out = np.empty(len(vals), dtype=object)
    out[:] = vals
    return out


def as_labels(values: Iterable) -> np.ndarray:
    """Node labels: ints stay ints, strings that spell canonical integers become ints."""
    col = as_column(values)
    if col.dtype == object and all(isinstance(v, str) and _CANONICAL_INT.match(v) for v in col):
        return col.astype(np.int64)
    return col


def tie_columns(arc: dict, weight: str | None, fname: str, loops: np.ndarray | None = None):
    """Split raw per-edge columns into ``(strength, trust, layer)`` for the Network.

    ``weight="auto"`` uses the first numeric column among ``strength`` (already in
    [0, 1], used as is), ``weight`` and ``value``. A raw weight column becomes
    strength ``weight / max(weight)`` when it is non-negative with a positive
    maximum over the edges that are not self-loops (``loops`` marks them; they
    are dropped later, so the strongest kept tie has strength 1); signed or
    all-zero weights give strength None (1.0 for every tie).
    Raw weights stay in ``arc``; ``strength``, and ``trust`` in [0, 1] and
    string ``layer`` columns, are moved out of it.
    """
    if weight == "auto":
        numeric = [k for k in ("strength", "weight", "value") if k in arc]
        weight = next((k for k in numeric if arc[k].dtype.kind in "iuf"), None)
    elif weight is not None and weight not in arc:
        raise NetworkFileError(f"{fname}: no edge column or attribute {weight!r}")
    if weight is not None and arc[weight].dtype.kind not in "iuf":
        raise NetworkFileError(f"{fname}: {weight} values are not all numbers")
    strength = None
    if weight == "strength":
        strength = arc.pop("strength").astype(np.float64)
        if not _in_unit_interval(strength):
            raise NetworkFileError(
                f"{fname}: strength must lie in [0, 1], got "
                f"[{strength.min():g}, {strength.max():g}]"
            )
    elif weight is not None:
        raw = arc[weight].astype(np.float64)
        if not np.all(np.isfinite(raw)):
            raise NetworkFileError(f"{fname}: {weight} contains NaN or infinite values")
        kept = raw if loops is None or loops.all() else raw[~loops]
        if raw.size and raw.min() >= 0 and kept.max() > 0:
            strength = np.minimum(raw / kept.max(), 1.0)
    trust = arc.pop("trust") if _in_unit_interval(arc.get("trust")) else None
    layer = arc.pop("layer") if "layer" in arc and arc["layer"].dtype == object else None
    return strength, trust, layer


def _in_unit_interval(values) -> bool:
    if values is None or values.dtype.kind not in "iuf":
        return False
    return bool(np.all(np.isfinite(values)) and np.all((values >= 0) & (values <= 1)))
