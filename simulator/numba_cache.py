"""Numba's on-disk cache, keyed by the simulator's source code.

numba's ``cache=True`` checks only the file that defines a compiled function:
a constant or an inlined helper it imports from another module can change
without invalidating the cached machine code, which then keeps running the
old code (the kernels take their layouts, draws and behaviour functions from
sibling modules). So the package's compiled functions are cached in a
directory named after a digest of every module of ``simulator/``: any edit
compiles afresh, and an unchanged tree reuses its cache.

The directory is ``<base>/campaign-sim-<digest>``, ``<base>`` being
``$NUMBA_CACHE_DIR`` when it is set, else ``$XDG_CACHE_HOME/campaign-sim/numba``
(``~/.cache`` by default). :func:`use_source_keyed_cache` runs when
``simulator`` is imported, before any compiled function is defined, and also
sets ``NUMBA_CACHE_DIR`` to that directory: numba re-reads its settings from
the environment when a ``NUMBA_*`` variable changes, and worker processes
inherit it (a directory this module named is not nested again). If the
directory cannot be created, numba falls back to its own ``__pycache__``
directories. When a new directory is started, those of other source trees
that nothing was written to for 14 days are removed (:func:`prune`).

Examples
--------
>>> import numba, os
>>> numba.config.CACHE_DIR == os.environ["NUMBA_CACHE_DIR"]
True
>>> numba.config.CACHE_DIR.endswith("campaign-sim-" + source_digest())
True
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

__all__ = ["prune", "source_digest", "use_source_keyed_cache"]

PACKAGE = Path(__file__).resolve().parent
PREFIX = "campaign-sim-"


def source_digest(root: Path = PACKAGE) -> str:
    """A 64-bit hex digest of the paths and contents of the ``.py`` files under ``root``
    (regular files only: an editor's lock link or a file deleted meanwhile is skipped)."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*.py")):
        try:
            if not path.is_file():
                continue
            content = path.read_bytes()
        except OSError:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(content)
    return digest.hexdigest()


def use_source_keyed_cache() -> str:
    """Point numba's cache at the directory of this source tree; returns it."""
    import numba

    user = os.environ.get("NUMBA_CACHE_DIR")
    if user:
        base = Path(user)
        if base.name.startswith(PREFIX):  # named by this module, in a parent process
            base = base.parent
    else:
        try:
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        except RuntimeError:  # no home directory: numba's own __pycache__ directories
            return numba.config.CACHE_DIR
        base = base / "campaign-sim" / "numba"
    path = base / f"{PREFIX}{source_digest()}"
    if not path.exists():  # a new source tree: a good moment to drop long-unused ones
        prune(base, keep=path)
    os.environ["NUMBA_CACHE_DIR"] = numba.config.CACHE_DIR = str(path)
    return str(path)


def prune(base: Path, keep: Path, days: float = 14.0) -> list[Path]:
    """Remove the directories this module named under ``base`` (``campaign-sim-*``) that
    nothing was written to for ``days`` days, except ``keep``; returns them. Every edit of
    the package starts a new directory, so without this they would pile up."""
    cutoff = time.time() - days * 86400.0
    removed = []
    try:
        candidates = [p for p in base.glob(f"{PREFIX}*") if p.is_dir() and p != keep]
    except OSError:
        return removed
    for old in candidates:
        try:
            newest = max([old.stat().st_mtime] + [q.stat().st_mtime for q in old.rglob("*")])
        except OSError:
            continue
        if newest < cutoff:
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed
