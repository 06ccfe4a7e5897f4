"""Numba's cache is keyed by the whole package's source, so an edit to a module that a
compiled function imports from (a constant, an inlined helper) cannot leave stale machine
code running (numba itself checks only the defining file)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import numba

from simulator.numba_cache import PACKAGE, source_digest


def test_the_cache_directory_is_named_after_the_source_digest():
    assert numba.config.CACHE_DIR.endswith(source_digest())


def test_an_edit_to_any_module_changes_the_digest(tmp_path):
    tree = tmp_path / "simulator"
    shutil.copytree(PACKAGE, tree, ignore=shutil.ignore_patterns("__pycache__"))
    before = source_digest(tree)
    assert source_digest(tree) == before == source_digest()
    layout = tree / "contest" / "kernel_layout.py"  # a module the contest kernel imports
    layout.write_text(layout.read_text() + "\nEXTRA = 1\n")
    assert source_digest(tree) != before
    layout.rename(tree / "contest" / "kernel_layout_moved.py")  # a rename counts too
    assert len({before, source_digest(tree)}) == 2


def test_numba_cache_dir_from_the_environment_is_honoured(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    code = "import simulator, numba; print(numba.config.CACHE_DIR)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(tmp_path / f"campaign-sim-{source_digest()}")


def test_the_directory_survives_numbas_config_reload_and_is_not_nested_in_workers(tmp_path):
    """numba rebuilds its config from the environment when a NUMBA_* variable changes, and a
    worker process inherits the environment: both keep the source-keyed directory."""
    code = (
        "import os, sys, subprocess, simulator, numba\n"
        "first = numba.config.CACHE_DIR\n"
        "os.environ['NUMBA_DEBUG_CACHE'] = '0'\n"
        "numba.core.config.reload_config()\n"
        "child = subprocess.run([sys.executable, '-c', 'import simulator, numba;"
        " print(numba.config.CACHE_DIR)'], capture_output=True, text=True).stdout.strip()\n"
        "print(first == numba.config.CACHE_DIR == child)\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_a_stray_link_in_the_tree_does_not_break_the_digest(tmp_path):
    tree = tmp_path / "simulator"
    shutil.copytree(PACKAGE, tree, ignore=shutil.ignore_patterns("__pycache__"))
    (tree / ".#rng.py").symlink_to(tmp_path / "nowhere")  # an editor's lock link
    assert source_digest(tree) == source_digest()


def test_prune_removes_only_long_unused_directories_of_this_module(tmp_path):
    from simulator.numba_cache import prune

    old, recent, current = (tmp_path / f"campaign-sim-{x}" for x in ("old", "recent", "now"))
    other = tmp_path / "someone-else"
    for d in (old, recent, current, other):
        (d / "sub").mkdir(parents=True)
        (d / "sub" / "f.nbi").write_bytes(b"x")
    month_ago = time.time() - 30 * 86400
    for d in (old, current, other):  # current is kept however old
        for p in (d, d / "sub", d / "sub" / "f.nbi"):
            os.utime(p, (month_ago, month_ago))
    assert prune(tmp_path, keep=current) == [old]
    assert not old.exists() and recent.exists() and current.exists() and other.exists()
