"""From a composed ``DictConfig`` to the typed schemas, with errors that name the bad key.

:func:`to_config` converts (OmegaConf runs each schema's ``__post_init__``)
and, when a value is rejected, finds the deepest config node whose schema
rejects it and prefixes the message with its full key, e.g.
``network.n must be an integer >= 2, got -5``.

Examples
--------
>>> from omegaconf import OmegaConf
>>> from simulator.runs.config import small_config
>>> cfg = OmegaConf.structured(small_config())
>>> cfg.network.n = -5
>>> try:
...     to_config(cfg)
... except ConfigError as err:
...     print(err)
network.n must be an integer >= 2, got -5
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, OmegaConf

from simulator.errors import ConfigError

if TYPE_CHECKING:
    from simulator.runs.config import Config

__all__ = ["ConfigError", "to_config"]


def _first_invalid(node: Any, path: str) -> tuple[str, Exception, set] | None:
    """Depth-first: the deepest config node whose dataclass rejects its values.

    Returns its path, the error and the node's keys.
    """
    if isinstance(node, DictConfig):
        for key in node:
            found = _first_invalid(node._get_node(key), f"{path}.{key}" if path else str(key))
            if found:
                return found
        if OmegaConf.get_type(node) not in (dict, None):
            try:
                OmegaConf.to_object(node)
            except (ValueError, TypeError) as err:
                return path, err, set(node.keys())
    return None


def _with_key(path: str, message: str, keys: set) -> str:
    """``"campaign", "p must be ..."`` -> ``"campaign.p must be ..."`` when ``p`` is a key."""
    first = message.split(" ", 1)[0].rstrip(":").split(".")[0]
    if path and first in keys:
        return f"{path}.{message}"
    return f"{path}: {message}" if path else message


def to_config(cfg: DictConfig) -> Config:
    """Turn a composed DictConfig into typed dataclasses, or raise ConfigError.

    The error names the key that holds the bad value.
    """
    missing = sorted(OmegaConf.missing_keys(cfg))
    if missing:
        raise ConfigError(f"{missing[0]}: a value is required (set {missing[0]}=...)")
    try:
        obj = OmegaConf.to_object(cfg)
    except (ValueError, TypeError) as err:
        path, err, keys = _first_invalid(cfg, "") or ("", err, set())
        raise ConfigError(_with_key(path, str(err), keys)) from None
    except Exception as err:  # omegaconf's own errors carry the key already
        raise ConfigError(str(err).splitlines()[0]) from None
    return obj
