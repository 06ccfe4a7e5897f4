"""The ``campaign-sim`` command (a thin Hydra entry point).

``campaign-sim`` with no arguments runs the quickstart experiment;
``campaign-sim experiment=NAME key=value ...`` runs another one;
``campaign-sim --help`` lists the config groups and options. The study does
the work; this module only composes the config, validates it, runs the study
and writes the manifest.

The error contract (:mod:`simulator.errors`): a bad setting stops the run
before any work with one line naming the key (its full dotted name), e.g.
``campaign-sim: error: campaign.p must be a probability in [0, 1], got 1.5``,
and exit code 2; a problem found in the data or while running gives one line
naming the file and line (or the key) and exit code 1. No traceback unless
``CAMPAIGN_SIM_DEBUG=1``; a failed run leaves no results (files are staged and
moved into place only when the study succeeds). The memory cap
(``CAMPAIGN_SIM_MEMORY``) is divided among ``hydra.launcher.n_jobs`` workers.

Sweeps (``campaign-sim -m key=a,b,c other=range(...)``) run one job per
combination, each in its own directory under ``hydra.sweep.dir``; every value
of every swept key is validated before the first job starts. With a fixed
``hydra.sweep.dir=PATH``, running the same sweep again skips the jobs that
are complete (see :mod:`simulator.runs.sweep`); ``CAMPAIGN_SIM_RERUN=1`` runs them
again. Launchers: ``hydra/launcher=joblib`` (local processes),
``submitit_slurm`` / ``submitit_local``, ``ray``. A sweep prints one line per
job (a progress bar with ETA on a terminal with the basic launcher); the
tables are aggregated by ``campaign-report SWEEP_DIR``.
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
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from simulator.errors import WORKERS_ENV, ConfigError, MemoryLimitError, exit_code, one_line
from simulator.runs import sweep
from simulator.runs.compose import (
    checked_config,
    config_dir,
    config_run_id,
    group_options,
    hydra_error_line,
    qualify_error,
    register_configs,
)
from simulator.runs.provenance import code_version, shard_record

__all__ = ["main"]

log = logging.getLogger("campaign_sim")


def _fail(message: str, code: int = 2) -> None:
    print(f"campaign-sim: error: {message}", file=sys.stderr)
    sys.exit(code)


#: Launchers whose jobs run on this machine: a failed job is noted in the file
#: ``$CAMPAIGN_SIM_FAILURES`` and the sweep exits 1 at the end with one line; on
#: cluster launchers a failed job raises :class:`~simulator.runs.sweep.JobFailed`
#: (the launcher records the job as failed) and hands it back to this command,
#: which prints its one line (:func:`simulator.runs.sweep.launcher_error`).
LOCAL_LAUNCHERS = ("basic", "joblib")
FAILURES_ENV = "CAMPAIGN_SIM_FAILURES"


def _job_failed(job: _Sweep, text: str) -> None:
    job.report("failed", f"failed: {text}")
    where = os.environ.get(FAILURES_ENV)
    if job.local and where:
        with open(where, "a") as fh:
            fh.write(f"{job.num}\t{text}\n")
        return
    info = sweep.sweep_info(job.dir)
    total = f"/{info.total}" if info is not None and info.total else ""
    raise sweep.JobFailed(
        f"job {job.num + 1}{total} [{job.overrides}]: {text}", str(job.dir)
    ) from None


class _Sweep:
    """Where a sweep job stands: its directory, the sweep's, its number, the progress display."""

    bar = None  # one tqdm bar per process across jobs (basic launcher, terminal)

    def __init__(self, hydra_cfg):
        self.dir = Path(hydra_cfg.sweep.dir)
        self.num = int(hydra_cfg.job.num)
        overrides = list(hydra_cfg.overrides.task)
        info = sweep.sweep_info(self.dir)
        if info is not None and info.swept:  # only what varies across the sweep
            overrides = [o for o in overrides if sweep.parse_override(o).key in info.swept]
        self.overrides = " ".join(overrides)
        launcher = hydra_cfg.runtime.choices.get("hydra/launcher")
        self.local = launcher in LOCAL_LAUNCHERS
        self.interactive = launcher == "basic" and sys.stderr.isatty()

    def begin(self) -> None:
        """Show the progress bar (terminal, basic launcher) before the first job runs."""
        if self.interactive and _Sweep.bar is None:
            from tqdm.auto import tqdm

            info = sweep.sweep_info(self.dir)
            total = info.total if info is not None else None
            _Sweep.bar = tqdm(total=total, desc="jobs", unit="job")

    def report(self, status: str, what: str) -> None:
        """One line for this job in logs; the bar with ETA on a terminal."""
        sweep.record_progress(self.dir, self.num, status)
        if not self.interactive:
            line = sweep.progress_line(self.dir, self.num, what)
            print(f"campaign-sim: {line} [{self.overrides}]", flush=True)
            return
        bar = _Sweep.bar
        if bar is None:
            return
        if status == "failed":
            bar.write(f"campaign-sim: job {self.num + 1}: {what} [{self.overrides}]")
        bar.set_postfix_str(self.overrides[:60], refresh=False)
        bar.update(1)
        if bar.total is not None and bar.n >= bar.total:
            bar.close()
            _Sweep.bar = None


def _network_info(network) -> dict | None:
    if network is None:
        return None
    return {
        "name": network.name,
        "n": network.n,
        "arcs": network.m,
        "undirected": network.undirected,
        "cleaning": asdict(network.cleaning),
    }


def _already_complete(job: _Sweep, key: str, outdir: Path) -> bool:
    """Skip a sweep job whose results exist (this directory, or linked from another)."""
    if os.environ.get("CAMPAIGN_SIM_RERUN"):
        return False
    done = sweep.find_completed(job.dir, key, outdir)
    if done is None:
        return False
    if done.resolve() == outdir.resolve():
        job.report("skipped", "already complete, skipped")
        return True
    if sweep.reuse_results(done, outdir, key, job.dir):
        sweep.mark_done(job.dir, key, outdir)
        job.report("skipped", "already complete elsewhere in the sweep, results linked")
        return True
    return False


@hydra.main(version_base="1.3", config_path=config_dir(), config_name="config")
def _app(cfg: DictConfig) -> None:
    # Mesa logs every step at INFO; keep our output readable.
    logging.getLogger("MESA").setLevel(logging.WARNING)
    debug = bool(os.environ.get("CAMPAIGN_SIM_DEBUG"))
    hydra_cfg = HydraConfig.get()
    job = _Sweep(hydra_cfg) if hydra_cfg.mode == RunMode.MULTIRUN else None
    try:
        conf, study = checked_config(cfg, hydra_cfg.overrides.task)
    except ConfigError as err:
        if job is None:
            _fail(str(err))
        _job_failed(job, str(err))
        return
    from simulator.runs.provenance import write_manifest

    outdir = Path(hydra_cfg.runtime.output_dir)
    resolved = OmegaConf.to_container(cfg, resolve=True)
    # The key: what the study reads of the config (seed included), and the code.
    run = config_run_id(resolved)  # a shard's run id is its whole run's
    shard = conf.experiment.shard
    key = sweep.job_key(run, code_version(), shard)
    if job is not None:
        job.begin()
        if _already_complete(job, key, outdir):
            return
    if os.environ.get("CAMPAIGN_SIM_RERUN") or job is None:
        sweep.prepare_job_dir(outdir)  # clears the manifest first
    else:
        sweep.prepare_job_dir(outdir, key, job.dir)  # another config's results: moved aside
    started = time.time()
    t0 = time.perf_counter()
    try:
        with sweep.staged(outdir) as staging:  # every file lands whole, or not at all
            out = study.run(conf, staging)
    except Exception as err:  # noqa: BLE001 - the contract: one line, never a traceback
        if debug:
            raise
        err = qualify_error(err, conf, study)  # "k must ..." -> "seeding.k must ..." (exit 2)
        if job is not None:
            _job_failed(job, one_line(err))
            return
        if isinstance(err, MemoryError):
            text = "out of memory (lower the sizes, or set CAMPAIGN_SIM_MEMORY to stop earlier)"
        else:
            text = one_line(err)
        code = exit_code(err)
        _fail(f"{text} (CAMPAIGN_SIM_DEBUG=1 shows the traceback)" if code == 1 else text, code)
    wall = time.perf_counter() - t0
    network = out.get("network")
    if job is None and network is not None:
        if network.cleaning.self_loops_dropped or network.cleaning.duplicates_merged:
            print(f"{network!r}: {network.cleaning}")
    # The manifest last, atomically: a job is complete once manifest.json exists.
    staging_manifest = outdir / f".{sweep.MANIFEST}.{os.getpid()}.tmp"
    write_manifest(
        staging_manifest,
        resolved,
        conf.seed,
        wall,
        run=run,
        started_at=time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        experiment=conf.experiment.name,
        network=_network_info(network),
        **shard_record(conf.experiment),
    )
    os.replace(staging_manifest, outdir / sweep.MANIFEST)
    _write_page(outdir)
    if job is not None:
        sweep.mark_done(job.dir, key, outdir)
        job.report("done", f"done in {wall:.1f} s")
        return
    print(out["text"])
    print(f"\n{conf.experiment.name}: done in {wall:.1f} s; results in {outdir}")


def _write_page(outdir: Path) -> None:
    """``report.html`` for the run (a view of its files, written whole or not at all).

    The page is derived from the results, so failing to draw it loses nothing:
    one warning line, and the run still succeeds.
    """
    from simulator.runs.page import write_run_page

    tmp = outdir / f".report.html.{os.getpid()}.tmp"
    try:
        write_run_page(outdir, tmp)
        os.replace(tmp, outdir / "report.html")
    except Exception as err:  # noqa: BLE001 - a view of the results must not fail the run
        tmp.unlink(missing_ok=True)
        print(f"campaign-sim: warning: report.html not written: {one_line(err)}", file=sys.stderr)


def _key_value(arg: str) -> tuple[str, str]:
    """``(key, value text)`` of a command-line override (prefixes dropped); ``("", "")``
    for flags and for text the override parser rejects (Hydra reports those itself)."""
    if arg.startswith("-") or "=" not in arg:
        return "", ""
    try:
        parsed = sweep.parse_override(arg)
    except ValueError:
        return "", ""
    return parsed.name, parsed.value


def _check_dirs(argv: list[str]) -> None:
    """``hydra.run.dir`` / ``hydra.sweep.dir`` must not name an existing file."""
    for arg in argv:
        key, value = _key_value(arg)
        if key in ("hydra.run.dir", "hydra.sweep.dir") and value:
            path = Path(value.strip("'\""))
            if path.exists() and not path.is_dir():
                _fail(f"{key}: {path} is a file, not a directory")
            if any(p.exists() and not p.is_dir() for p in path.parents):
                _fail(f"{key}: {path} lies under a file, not a directory")


def _set_workers(argv: list[str]) -> None:
    """Divide the memory cap among ``hydra.launcher.n_jobs`` parallel workers."""
    for arg in argv:
        key, value = _key_value(arg)
        if key == "hydra.launcher.n_jobs" and value.strip().isdigit():
            os.environ[WORKERS_ENV] = str(max(1, int(value)))


MULTIRUN_FLAGS = ("-m", "--multirun")


def _precheck(argv: list[str]) -> None:
    """Compose and validate the config before Hydra starts, for one-line errors.

    Hydra reports a bad override in several lines; composing it here first
    turns an unknown key or a wrong type into ``campaign-sim: error: KEY: ...``.
    For a sweep (``-m``), every value of every swept key is checked (the
    first value of the other keys with it, see
    :func:`simulator.runs.sweep.one_at_a_time`), so a bad value stops the sweep
    before its first job. Help and info invocations are left to Hydra, and so
    are sweeps that cannot be listed (``interval(...)`` for an optimiser).
    """
    flags = [a for a in argv if a.startswith("-")]
    if any(flag not in MULTIRUN_FLAGS for flag in flags):
        return
    overrides = [
        a for a in argv if not a.startswith("-") and not a.lstrip("+~").startswith("hydra")
    ]
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    _check_dirs(argv)
    _set_workers(argv)
    jobs = [overrides]
    if flags:
        try:
            jobs = sweep.one_at_a_time(overrides, config_dir())
        except MemoryLimitError as err:
            _fail(str(err))
        except ValueError:
            return
        except HydraException as err:
            _fail(hydra_error_line(err, overrides))
    groups = {p.name for p in Path(config_dir()).iterdir() if p.is_dir()}
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        try:
            base = compose(config_name="config", overrides=jobs[0])
        except (HydraException, OmegaConfBaseException) as err:
            _fail(hydra_error_line(err, jobs[0]))
        _validate(base, jobs[0])
        for job in jobs[1:]:
            changed = next(a for a, b in zip(job, jobs[0], strict=True) if a != b)
            key = sweep.parse_override(changed).key
            if key[:1] in "+~" or "/" in key or key in groups:
                try:  # another option of a group: compose it
                    cfg = compose(config_name="config", overrides=job)
                except (HydraException, OmegaConfBaseException) as err:
                    _fail(hydra_error_line(err, job))
                _validate(cfg, job)
            else:  # another value of one key: set it on the base config (much faster)
                _validate_value(base, key, changed, job)


def _validate(cfg: DictConfig, overrides: list[str]) -> None:
    try:
        checked_config(cfg, overrides)
    except ConfigError as err:
        _fail(str(err))


def _validate_value(cfg: DictConfig, key: str, override: str, overrides: list[str]) -> None:
    """Validate ``cfg`` with ``key`` set as ``override`` says, then restore ``cfg``."""
    from omegaconf.errors import OmegaConfBaseException

    value = sweep.override_value(override)
    old = OmegaConf.select(cfg, key, throw_on_missing=False)
    try:
        OmegaConf.update(cfg, key, value, merge=False)
    except OmegaConfBaseException as err:
        _fail(hydra_error_line(err, overrides))
    try:
        _validate(cfg, overrides)
    finally:
        OmegaConf.update(cfg, key, old, merge=False)


class _DropJobLines(logging.Filter):
    """Drop the launchers' ``#N : overrides`` lines: each job prints its own one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().lstrip().startswith("#")


LAUNCHER_LOGGERS = (
    "hydra._internal.core_plugins.basic_launcher",
    "hydra_plugins.hydra_joblib_launcher._core",
    "hydra_plugins.hydra_submitit_launcher.submitit_launcher",
    "hydra_plugins.hydra_ray_launcher._core",
)


class _WithoutHydraJobError:
    """``sys.stderr`` without Hydra's "Error executing job with overrides: [...]" line
    (a failed job handed back by a cluster launcher): the job's own line says it."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        if text.startswith("Error executing job with overrides:"):
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main() -> None:
    """Console entry point."""
    with sweep.quiet_broken_pipe():  # `campaign-sim --help | head` ends quietly
        _main()


def _main() -> None:
    from omegaconf import OmegaConf

    register_configs()
    OmegaConf.register_new_resolver("campaign_sim_groups", group_options, replace=True)
    _precheck(sys.argv[1:])
    for name in LAUNCHER_LOGGERS:
        logging.getLogger(name).addFilter(_DropJobLines())
    import tempfile

    fd, failures = tempfile.mkstemp(prefix="campaign-sim-failures-", suffix=".txt")
    os.close(fd)
    os.environ[FAILURES_ENV] = failures
    # Hydra prints a traceback for an error that leaves the app (a failed job handed
    # back by a cluster launcher); with this it raises it instead, for one line here.
    os.environ["HYDRA_FULL_ERROR"] = "1"
    stderr, sys.stderr = sys.stderr, _WithoutHydraJobError(sys.stderr)
    try:
        _app()
        lines = Path(failures).read_text().splitlines()
    except (BrokenPipeError, KeyboardInterrupt):
        raise
    except Exception as err:  # noqa: BLE001 - the contract: one line, never a traceback
        if os.environ.get("CAMPAIGN_SIM_DEBUG"):
            raise
        sys.stderr = stderr
        if any(arg in MULTIRUN_FLAGS for arg in sys.argv[1:]):
            _fail(sweep.launcher_error(err), 1)
        code = exit_code(err)
        text = one_line(err)
        _fail(f"{text} (CAMPAIGN_SIM_DEBUG=1 shows the traceback)" if code == 1 else text, code)
    finally:
        sys.stderr = stderr
        os.unlink(failures)
    if lines:
        _fail(f"{len(lines)} job(s) failed (their lines above; campaign-report lists them)", 1)


if __name__ == "__main__":
    main()
