"""Build a run's network and population from typed configs, and find its data files.

Each component draws from its own named stream of the root seed
(:func:`simulator.rng.stream`), so changing, say, the population spec never
changes the network.

**Data files: one rule** for every file a run reads (``network.path``,
``data.path``, ``experiment.real_path``), :func:`resolve_data_path`:

1. an absolute path (``~`` expanded) is used as given;
2. a relative path is tried, in this order, against
   a. the directory the command was launched from (Hydra's
      ``hydra.runtime.cwd``, which stays the launch directory even when
      ``hydra.job.chdir=true`` moves the working directory into the run
      directory),
   b. the repository root (the checkout holding ``pyproject.toml``; skipped
      for an installed package),
   c. the data folder: ``$CAMPAIGN_SIM_DATA``, else ``../shared/data``
      beside the repository;
3. the first candidate that exists is used; if none does, one line names the
   key, the path and every place looked (:class:`~simulator.errors.NetworkFileError`,
   exit 1: it is found when the data is about to be read, not while the
   configuration is checked).

So ``network.path=ca_grqc/CA-GrQc.txt`` finds the shared data set from any
directory, ``network.path=edges.csv`` finds a file where you are, and a
checkout's ``configs/`` may name files relative to the repository.

Examples
--------
>>> from simulator.runs.config import BarabasiAlbertConfig
>>> build_network(BarabasiAlbertConfig(n=50, m=2), seed=1)
<Network 'barabasi_albert(n=50, m=2)': 50 nodes, 192 arcs (undirected)>
>>> import os, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "edges.csv").write_text("0,1\\n")
>>> os.environ["CAMPAIGN_SIM_DATA"] = str(folder)
>>> resolve_data_path("network.path", "edges.csv") == folder / "edges.csv"
True
>>> try:
...     resolve_data_path("data.path", "no/such.csv")
... except NetworkFileError as err:
...     print(str(err).split(" (")[0])
data.path: no/such.csv: no such file
>>> del os.environ["CAMPAIGN_SIM_DATA"]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from simulator.engine.registry import make_model
from simulator.errors import ConfigError, NetworkFileError
from simulator.network import generators as gen
from simulator.network.core import Network
from simulator.network.io import read_network
from simulator.network.ties import apply_tie_model
from simulator.population import Population, PopulationSpec
from simulator.rng import stream
from simulator.runs import config as c

__all__ = [
    "build_network",
    "build_population",
    "build_model",
    "NETWORK_BUILDERS",
    "resolve_data_path",
    "search_dirs",
    "launch_dir",
    "data_dir",
    "DATA_ENV",
]

#: How each network config becomes a Network; one entry per schema in config.py.
NETWORK_BUILDERS: dict[type, Callable[..., Network]] = {
    c.ErdosRenyiConfig: lambda cfg, rng: gen.erdos_renyi(
        cfg.n, cfg.mean_degree, rng, directed=cfg.directed
    ),
    c.BarabasiAlbertConfig: lambda cfg, rng: gen.barabasi_albert(cfg.n, cfg.m, rng),
    c.WattsStrogatzConfig: lambda cfg, rng: gen.watts_strogatz(cfg.n, cfg.k, cfg.p, rng),
    c.RingLatticeConfig: lambda cfg, rng: gen.ring_lattice(cfg.n, cfg.k),
    c.StochasticBlockConfig: lambda cfg, rng: gen.stochastic_block_model(
        list(cfg.sizes), cfg.p_in, cfg.p_out, rng, directed=cfg.directed
    ),
    c.PowerLawConfig: lambda cfg, rng: gen.powerlaw_configuration(
        cfg.n, cfg.exponent, rng, min_degree=cfg.min_degree, max_degree=cfg.max_degree
    ),
    c.HolmeKimConfig: lambda cfg, rng: gen.holme_kim(cfg.n, cfg.m, cfg.p_triad, rng),
    c.FollowerConfig: lambda cfg, rng: gen.follower_graph(
        cfg.n,
        cfg.mean_following,
        rng,
        n_celebrities=cfg.n_celebrities,
        celebrity_share=cfg.celebrity_share,
        follower_exponent=cfg.follower_exponent,
    ),
    c.FileNetworkConfig: lambda cfg, rng: read_network(
        resolve_data_path("network.path", cfg.path),
        format=cfg.format,
        directed=cfg.directed,
        **({} if cfg.columns is None else {"columns": list(cfg.columns)}),
    ),
}


def build_network(cfg: c.NetworkConfig, seed: int) -> Network:
    """The network described by ``cfg``, with its tie model applied."""
    try:
        builder = NETWORK_BUILDERS[type(cfg)]
    except KeyError:
        raise ValueError(f"no builder for network config {type(cfg).__name__}") from None
    network = builder(cfg, stream(seed, "network"))
    return apply_tie_model(network, cfg.ties, stream(seed, "ties"))


def build_population(spec: PopulationSpec, network: Network, seed: int) -> Population:
    """Agent attributes for ``network`` drawn from ``spec``."""
    return Population.draw(spec, network, stream(seed, "population"))


def build_model(cfg: c.CampaignConfig, population: Population | None = None):
    """The spread model a ``campaign`` config selects (a model that reads agents gets
    ``population``).

    Examples
    --------
    >>> build_model(c.CAMPAIGN_SCHEMAS["independent_cascade"](p=0.2))
    IndependentCascade(p=0.2, scale_by_strength=False)
    """
    return make_model(cfg.kind, cfg.model_parameters(), population)


# ------------------------------------------------------------ data files
#: The environment variable naming the data folder (the third place looked).
DATA_ENV = "CAMPAIGN_SIM_DATA"

_CHECKOUT = Path(__file__).resolve().parents[2]
#: The repository root, or None when the package is installed outside a checkout.
REPO: Path | None = _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else None


def launch_dir() -> Path:
    """The directory the user launched the command from.

    Inside a Hydra run this is ``hydra.runtime.cwd``, which Hydra records
    before it may change the working directory (``hydra.job.chdir=true``);
    elsewhere it is the working directory. Hydra is consulted only if it is
    already loaded, so library use never imports it.
    """
    if "hydra" in sys.modules:
        from hydra.core.hydra_config import HydraConfig

        if HydraConfig.initialized():
            return Path(HydraConfig.get().runtime.cwd)
    return Path.cwd()


def data_dir() -> Path:
    """The data folder: ``$CAMPAIGN_SIM_DATA``, else ``../shared/data`` beside the repository."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    return _CHECKOUT.parent / "shared" / "data"


def search_dirs() -> list[tuple[str, Path]]:
    """The places a relative path is tried, in order, each with a label for messages."""
    places = [("launch directory", launch_dir())]
    if REPO is not None:
        places.append(("repository", REPO))
    label = f"${DATA_ENV}" if os.environ.get(DATA_ENV) else f"data folder (${DATA_ENV} unset)"
    places.append((label, data_dir()))
    return places


def resolve_data_path(key: str, value) -> Path:
    """The file a data-path setting names, by the rule of this module.

    Parameters
    ----------
    key : str
        The setting's full dotted name (``network.path``), used in errors.
    value : str or os.PathLike
        The path as the user gave it.

    Returns
    -------
    Path
        An absolute path to an existing file.

    Raises
    ------
    ConfigError
        ``value`` is empty.
    NetworkFileError
        No candidate exists, or the first that exists is not a file; one line
        naming ``key``, the path and every place looked.
    """
    if value is None or not str(value).strip():
        raise ConfigError(f"{key} must name a file, got {value!r}")
    path = Path(value).expanduser()
    if path.is_absolute():
        places = [("", path)]
    else:
        places = [(label, folder / path) for label, folder in search_dirs()]
    for _, candidate in places:
        if candidate.exists():
            if not candidate.is_file():
                raise NetworkFileError(f"{key}: {candidate} is not a file")
            return candidate if candidate.is_absolute() else candidate.absolute()
    if path.is_absolute():
        raise NetworkFileError(f"{key}: {path}: no such file")
    where = "; ".join(f"{label} {folder}" for label, folder in places)
    raise NetworkFileError(f"{key}: {value}: no such file (looked in: {where})")
