"""From YAML files and overrides to the checked, typed config a study runs.

The configs live in ``configs/`` (shipped inside the wheel as
``simulator/_configs``); :func:`register_configs` stores the typed schemas
of :mod:`simulator.runs.config` and every study's settings in Hydra's
ConfigStore, and :func:`check_study` applies the study registry's rules:
``experiment.name`` must be a study, its settings must be the study's own,
and no override may touch what the study does not read
(``experiment=influentials does not use campaign.p``). :func:`study_view`
keeps what a study reads, the part of a resolved config its run id hashes.

Examples
--------
>>> cfg = load_config("experiment=viral_coefficient", "network.n=300")
>>> cfg.experiment.name, cfg.network.n
('viral_coefficient', 300)
>>> try:
...     load_config("experiment=influentials", "campaign.p=0.2")
... except ConfigError as err:
...     print(err)
experiment=influentials does not use campaign.p (it reads network.n)
>>> sorted(study_view({"seed": 1, "network": {"n": 5, "m": 2}, "campaign": {"p": 0.1},
...                    "experiment": {"name": "influentials"}}, "influentials"))
['experiment', 'network', 'seed']
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig

from experiments import STUDIES, Study
from simulator.errors import ConfigError, DataError, check_memory, one_line
from simulator.population import PopulationSpec
from simulator.runs.config import (
    CAMPAIGN_SCHEMAS,
    NETWORK_SCHEMAS,
    Config,
    DataConfig,
    SeedingConfig,
    to_config,
)
from simulator.runs.provenance import run_id

__all__ = [
    "check_sizes",
    "qualify_error",
    "config_dir",
    "group_options",
    "register_configs",
    "study_of",
    "check_study",
    "checked_config",
    "study_view",
    "config_run_id",
    "config_from_resolved",
    "hydra_error_line",
    "load_config",
]


def config_dir() -> str:
    """Where the YAML configs are: shipped in the wheel, or configs/ of a checkout."""
    package = Path(__file__).resolve().parents[1]  # simulator/
    for candidate in (package / "_configs", package.parent / "configs"):
        if (candidate / "config.yaml").is_file():
            return str(candidate)
    raise FileNotFoundError(f"campaign-sim configs not found beside {package}")


def register_configs() -> None:
    """Store the schemas in Hydra's ConfigStore (YAML files extend them by name)."""
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    cs.store(name="config_schema", node=Config)
    for kind, schema in NETWORK_SCHEMAS.items():
        cs.store(group="network", name=f"{kind}_schema", node=schema)
    for kind, schema in CAMPAIGN_SCHEMAS.items():
        cs.store(group="campaign", name=f"{kind}_schema", node=schema)
    cs.store(group="population", name="population_schema", node=PopulationSpec)
    for name, study in STUDIES.items():  # each study's own settings extend ExperimentConfig
        cs.store(group="experiment_schema", name=name, node=study.schema)


def _override_target(override: str) -> tuple[str, str | None]:
    """What an override sets: ``"campaign.p=0.2"`` -> ``("campaign.p", None)``,
    a group's option ``"network=file"`` -> ``("network", "file")``."""
    from simulator.runs.sweep.overrides import parse_override

    parsed = parse_override(override)
    key = parsed.key_or_group.replace("/", ".")
    return key, (None if "." in key else parsed.value)


def group_options() -> str:
    """The config groups and their options, as ``campaign-sim --help`` lists them.

    Read from the YAML files, so the typed ``*_schema`` entries of the
    ConfigStore (which Hydra's own listing includes) stay out of the help.
    """
    root = Path(config_dir())
    lines = []
    for group in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "hydra"):
        options = sorted(f.stem for f in group.glob("*.yaml"))
        lines.append(f"{group.name}: {', '.join(options)}")
    from hydra.core.config_store import ConfigStore

    launchers = {f.stem for f in (root / "hydra" / "launcher").glob("*.yaml")}
    try:  # the launcher plugins installed register their options here
        launchers |= {
            name.removesuffix(".yaml") for name in ConfigStore.instance().list("hydra/launcher")
        }
    except OSError:
        pass
    lines.append(f"hydra/launcher: {', '.join(sorted(launchers))}")
    return "\n".join(lines)


def study_of(name: str) -> Study:
    """The registry entry of study ``name``, or a ConfigError listing the studies."""
    try:
        return STUDIES[name]
    except KeyError:
        raise ConfigError(
            f"experiment.name: unknown experiment {name!r}; "
            f"choose from {', '.join(sorted(STUDIES))}"
        ) from None


def check_study(conf: Config, overrides: Sequence[str] = ()) -> Study:
    """The study ``conf`` runs, after checking its settings and the overrides against it.

    ``overrides`` are the command line's ``key=value`` / ``group=option``
    strings (Hydra's own ``hydra...`` ones are ignored).
    """
    name = conf.experiment.name
    study = study_of(name)
    if not isinstance(conf.experiment, study.schema):
        raise ConfigError(
            f"experiment.name: experiment {name!r} has its own settings; "
            f"select it with experiment={name}"
        )
    for override in overrides:
        key, value = _override_target(override)
        if key.split(".")[0] == "hydra" or study.uses(key):
            continue
        reads = ", ".join(study.reads) or "only its experiment settings"
        what = key if value is None else f"{key}={value}"
        raise ConfigError(f"experiment={name} does not use {what} (it reads {reads})")
    if conf.experiment.shard is not None and not study.shardable:
        raise ConfigError(
            f"experiment.shard: experiment={name} cannot run in shards ({study.unsharded})"
        )
    return study


def checked_config(cfg: DictConfig, overrides: Sequence[str] = ()) -> tuple[Config, Study]:
    """Typed config and study of a composed ``cfg``, or a ConfigError naming the key
    (a MemoryLimitError when the sizes asked for exceed the memory cap)."""
    conf = to_config(cfg)
    study = check_study(conf, overrides)
    check_sizes(conf, study)
    return conf, study


#: Rough bytes per node (CSR offsets, labels, degrees, population attributes) and per
#: arc (target, strength, arrays built while generating), and per row of a result table.
NODE_BYTES, ARC_BYTES, ROW_BYTES = 96, 48, 256
GROUPS = ("network", "seeding", "campaign", "population", "experiment", "data")


def _arcs(net, n: int) -> float:
    """Arcs a generated network will hold, roughly (both directions of an edge)."""
    degree = next(
        (float(getattr(net, a)) for a in ("mean_degree", "mean_following") if hasattr(net, a)),
        None,
    )
    if degree is None:
        degree = 2.0 * float(getattr(net, "m", 0) or 0) or float(getattr(net, "k", 0) or 0)
    if degree == 0 and hasattr(net, "min_degree"):
        degree = 2.0 * net.min_degree
    return n * max(degree, 1.0) * 2


def check_sizes(conf: Config, study: Study) -> None:
    """The memory guard before any work: the network, population and replicate table the
    config asks for must fit the cap (:func:`simulator.errors.check_memory`).

    Examples
    --------
    >>> from simulator.runs.config import small_config
    >>> check_sizes(small_config(), study_of("quickstart"))  # fits
    """
    net = conf.network if not isinstance(conf.network, str) else None
    n = getattr(net, "n", None)
    if n is None and hasattr(net, "sizes"):
        n = sum(int(x) for x in net.sizes)
    if n is not None and study.uses("network.n"):
        need = n * NODE_BYTES + _arcs(net, n) * ARC_BYTES
        check_memory(f"a network of {n:,} nodes", need, "network.n")
    exp = conf.experiment
    replicates = getattr(exp, "replicates", 0) or 0
    arms = max(1, len(getattr(conf.seeding, "strategies", ()) or ()))
    for name in ("ks", "budgets"):
        arms *= max(1, len(getattr(exp, name, None) or ()))
    check_memory(
        f"a table of {replicates:,} replicates x {arms} arms",
        replicates * arms * ROW_BYTES,
        "experiment.replicates",
    )


def qualify_error(err: BaseException, conf: Config, study: Study) -> BaseException:
    """A run-time error that names a setting by its bare name (``k must be ...``) as a
    ConfigError naming its full key (``seeding.k must be ...``); others unchanged.

    Examples
    --------
    >>> from simulator.runs.config import small_config
    >>> print(qualify_error(ValueError("k must be at most n (500), got 900"), small_config(),
    ...                     study_of("quickstart")))
    seeding.k must be at most n (500), got 900
    """
    if isinstance(err, DataError) or not isinstance(err, ValueError | TypeError | KeyError):
        return err
    text = one_line(err)
    first = text.split(" ", 1)[0].rstrip(":,")
    if not first.isidentifier():
        return err
    for group in GROUPS:
        node = getattr(conf, group, None)
        if node is not None and hasattr(node, first) and study.uses(f"{group}.{first}"):
            return ConfigError(f"{group}.{text}")
    return err


def study_view(resolved: dict, study: Study | str) -> dict:
    """The part of a resolved config (plain dict) that ``study`` reads.

    Keys the study does not read are dropped, so they cannot change the run id.
    """
    study = study_of(study) if isinstance(study, str) else study
    view: dict = {}
    for key, value in resolved.items():
        if study.uses(key):
            view[key] = value
        elif isinstance(value, dict):
            inner = {k: v for k, v in value.items() if study.uses(f"{key}.{k}")}
            if inner:
                view[key] = inner
    if isinstance(view.get("experiment"), dict) and "shard" in view["experiment"]:
        # the shards of a run share its id (the sweep's job key adds the shard)
        view["experiment"] = {k: v for k, v in view["experiment"].items() if k != "shard"}
    return view


def config_run_id(resolved: dict) -> str:
    """The run id of a resolved config: the hash of what its study reads (seed included).

    Examples
    --------
    >>> a = {"seed": 1, "network": {"n": 5}, "campaign": {"p": 0.1},
    ...      "experiment": {"name": "influentials"}}
    >>> config_run_id(a) == config_run_id({**a, "campaign": {"p": 0.2}})
    True
    >>> config_run_id(a) == config_run_id({**a, "experiment": {**a["experiment"], "shard": "2/3"}})
    True
    """
    return run_id(study_view(resolved, resolved["experiment"]["name"]))


def config_from_resolved(resolved: dict) -> Config:
    """The typed config of a resolved config (a manifest's ``config``), checked again.

    Each group is merged over its schema (the network's and the campaign's chosen
    by their ``kind``, the experiment's by its study); a value that holds an
    interpolation is refused, so a crafted run directory cannot make a reader
    resolve one.

    Examples
    --------
    >>> from omegaconf import OmegaConf
    >>> from simulator.runs.config import small_config
    >>> plain = OmegaConf.to_container(OmegaConf.structured(small_config()))
    >>> config_from_resolved(plain) == small_config()
    True
    """
    from omegaconf import OmegaConf

    if "${" in json.dumps(resolved, default=str):
        raise ConfigError("config: holds an interpolation (${...}); not read")
    if not isinstance(resolved, dict) or not isinstance(resolved.get("experiment"), dict):
        raise ConfigError("config: not a campaign-sim config (no experiment settings)")
    study = study_of(str(resolved["experiment"].get("name")))
    kinds = {
        "network": NETWORK_SCHEMAS,
        "campaign": CAMPAIGN_SCHEMAS,
    }
    fixed = {
        "population": PopulationSpec,
        "seeding": SeedingConfig,
        "experiment": study.schema,
        "data": DataConfig,
    }
    cfg = OmegaConf.structured(Config)
    for group, value in resolved.items():
        if group == "seed":
            cfg.seed = value
            continue
        if group in kinds and isinstance(value, dict):
            schema = kinds[group].get(str(value.get("kind")))
            if schema is None:
                raise ConfigError(f"{group}.kind: unknown kind {value.get('kind')!r}")
        elif group in fixed:
            schema = fixed[group]
        else:
            raise ConfigError(f"{group}: not a config group")
        if value is None and group in kinds:
            continue
        cfg[group] = OmegaConf.merge(OmegaConf.structured(schema), value)
    return to_config(cfg)


def hydra_error_line(err: Exception, overrides: Sequence[str] = ()) -> str:
    """Hydra's and OmegaConf's multi-line errors as ``KEY: first line; choose from ...``
    (with a hint to quote a value Hydra's lexer could not read).

    >>> hydra_error_line(ValueError("mismatched input '('\\nmore"), ["network.path=a(b).csv"])
    "mismatched input '(' (quote the value: network.path='a(b).csv')"
    """
    cause = err.__cause__ if err.__cause__ is not None else err
    key = getattr(cause, "full_key", None) or getattr(cause.__cause__, "full_key", None)
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    text = lines[0] if lines else type(cause).__name__
    if text.endswith(":") and len(lines) > 1:  # "... raised while composing config:" + why
        text += " " + lines[1]
    if any(line.startswith("Available options") for line in lines):
        start = next(i for i, line in enumerate(lines) if line.startswith("Available"))
        options = []
        for line in lines[start + 1 :]:
            if line.startswith("Config search path"):
                break
            if not line.endswith("_schema"):
                options.append(line)
        text += "; choose from " + ", ".join(options)
    text = f"{key}: {text}" if key else text
    if "token recognition error" in text or "mismatched input" in text or "extraneous" in text:
        odd = [o for o in overrides if not o.isascii() or any(c in o for c in "()[]{},'\" ")]
        if odd:
            key, _, value = odd[0].partition("=")
            text += f" (quote the value: {key}='{value}')"
    return text


def load_config(*overrides: str) -> Config:
    """The typed config that ``campaign-sim OVERRIDES...`` runs, composed from the YAML configs.

    For notebooks and scripts: the same defaults, experiment overlays and
    checks as the command line (a bad key or value raises :class:`ConfigError`).
    """
    from hydra import compose, initialize_config_dir

    register_configs()
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides))
    return checked_config(cfg, overrides)[0]
