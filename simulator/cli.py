"""The ``campaign-sim`` command (a thin Hydra entry point).

``campaign-sim`` with no arguments runs the quickstart experiment;
``campaign-sim experiment=NAME key=value ...`` runs another one;
``campaign-sim --help`` lists the config groups and options. The study does
the work; this module only composes the config, validates it, runs the study
and writes the manifest.

Bad values stop the run before any work with one line naming the key, e.g.
``campaign-sim: error: campaign.p must be a probability in [0, 1], got 1.5``,
and exit code 2. Set ``CAMPAIGN_SIM_DEBUG=1`` to see tracebacks instead.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from simulator.config import ConfigError, register_configs, to_config

__all__ = ["main", "config_dir"]

log = logging.getLogger("campaign_sim")


def config_dir() -> str:
    """Where the YAML configs are: shipped in the wheel, or configs/ of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_configs", here.parent / "configs"):
        if (candidate / "config.yaml").is_file():
            return str(candidate)
    raise FileNotFoundError(f"campaign-sim configs not found beside {here}")


def _fail(message: str, code: int = 2) -> None:
    print(f"campaign-sim: error: {message}", file=sys.stderr)
    sys.exit(code)


@hydra.main(version_base="1.3", config_path=config_dir(), config_name="config")
def _app(cfg: DictConfig) -> None:
    # Mesa logs every step at INFO; keep our output readable.
    logging.getLogger("MESA").setLevel(logging.WARNING)
    debug = bool(os.environ.get("CAMPAIGN_SIM_DEBUG"))
    try:
        conf = to_config(cfg)
    except ConfigError as err:
        _fail(str(err))
    from experiments import STUDIES
    from simulator.results import write_manifest

    outdir = Path(HydraConfig.get().runtime.output_dir)
    started = time.time()
    t0 = time.perf_counter()
    try:
        out = STUDIES[conf.experiment.name](conf, outdir)
    except (ValueError, KeyError, OSError) as err:
        if debug:
            raise
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        text = str(message).splitlines()[0] if str(message) else type(err).__name__
        _fail(f"{text} (CAMPAIGN_SIM_DEBUG=1 shows the traceback)", 1)
    wall = time.perf_counter() - t0
    resolved = OmegaConf.to_container(cfg, resolve=True)
    network = out.get("network")
    net_info = None
    if network is not None:
        net_info = {
            "name": network.name,
            "n": network.n,
            "arcs": network.m,
            "undirected": network.undirected,
            "cleaning": asdict(network.cleaning),
        }
        if network.cleaning.self_loops_dropped or network.cleaning.duplicates_merged:
            print(f"{network!r}: {network.cleaning}")
    write_manifest(
        outdir / "manifest.json",
        resolved,
        conf.seed,
        wall,
        started_at=time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        experiment=conf.experiment.name,
        network=net_info,
    )
    print(out["text"])
    print(f"\n{conf.experiment.name}: done in {wall:.1f} s; results in {outdir}")


def _precheck(argv: list[str]) -> None:
    """Compose and validate the config before Hydra starts, for one-line errors.

    Hydra reports a bad override in several lines; composing it here first
    turns an unknown key or a wrong type into ``campaign-sim: error: KEY: ...``.
    Multirun, help and info invocations are left to Hydra.
    """
    if any(a.startswith("-") for a in argv):
        return
    overrides = [a for a in argv if not a.lstrip("+~").startswith("hydra")]
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    try:
        with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
            cfg = compose(config_name="config", overrides=overrides)
    except (HydraException, OmegaConfBaseException) as err:
        cause = err.__cause__ if err.__cause__ is not None else err
        key = getattr(cause, "full_key", None)
        lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
        text = lines[0] if lines else type(cause).__name__
        if any(line.startswith("Available options") for line in lines):
            start = next(i for i, line in enumerate(lines) if line.startswith("Available"))
            options = []
            for line in lines[start + 1 :]:
                if line.startswith("Config search path"):
                    break
                if not line.endswith("_schema"):
                    options.append(line)
            text += "; choose from " + ", ".join(options)
        _fail(f"{key}: {text}" if key else text)
    try:
        to_config(cfg)
    except ConfigError as err:
        _fail(str(err))


def main() -> None:
    """Console entry point."""
    register_configs()
    _precheck(sys.argv[1:])
    _app()


if __name__ == "__main__":
    main()
