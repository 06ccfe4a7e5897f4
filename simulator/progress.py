"""Progress bars for long work: one rule for when they show.

``progress=None`` shows a bar on a terminal only (tqdm's own test), ``True``
always, ``False`` never; every long loop of the library takes that argument.

Examples
--------
>>> bar = progress_bar(progress=False, total=3, desc="replicates")
>>> bar.disable
True
>>> bar.close()
"""

from __future__ import annotations

from tqdm.auto import tqdm

__all__ = ["progress_bar"]


def progress_bar(iterable=None, *, progress: bool | None = None, **kwargs) -> tqdm:
    """A tqdm bar over ``iterable`` (or of ``total=`` steps) shown as ``progress`` says."""
    return tqdm(iterable, disable=(not progress) if progress is not None else None, **kwargs)
