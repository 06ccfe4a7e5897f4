"""Numba's on-disk cache, keyed by the simulator's source code.

numba's ``cache=True`` checks only the file that defines a compiled function:
a constant or an inlined helper it imports from another module can change
without invalidating the cached machine code, which then keeps running the
old code (the kernels take their layouts, draws and behaviour functions from
sibling modules). So the package's compiled functions are cached in a
directory named after a digest of every module of ``simulator/``: any edit
compiles afresh, and an unchanged tree reuses its cache.

The directory is ``$NUMBA_CACHE_DIR/campaign-sim-<digest>`` when
``NUMBA_CACHE_DIR`` is set, else ``$XDG_CACHE_HOME/campaign-sim/numba/<digest>``
(``~/.cache`` by default). If it cannot be created (or there is no home
directory), numba falls back to its own ``__pycache__`` directories.
:func:`use_source_keyed_cache` runs when ``simulator`` is imported, before any
compiled function is defined.

Examples
--------
>>> import numba
>>> source_digest() in numba.config.CACHE_DIR
True
>>> len(source_digest())
16
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["source_digest", "use_source_keyed_cache"]

PACKAGE = Path(__file__).resolve().parent


def source_digest(root: Path = PACKAGE) -> str:
    """A 64-bit hex digest of the paths and contents of every ``.py`` file under ``root``."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def use_source_keyed_cache() -> str:
    """Point numba's cache at the directory of this source tree; returns it."""
    import numba

    user = os.environ.get("NUMBA_CACHE_DIR")
    if user:
        path = Path(user) / f"campaign-sim-{source_digest()}"
    else:
        try:
            home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        except RuntimeError:  # no home directory: numba's own __pycache__ directories
            return numba.config.CACHE_DIR
        path = Path(home) / "campaign-sim" / "numba" / source_digest()
    numba.config.CACHE_DIR = str(path)
    return str(path)
