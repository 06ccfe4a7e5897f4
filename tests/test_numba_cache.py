"""Numba's cache is keyed by the whole package's source, so an edit to a module that a
compiled function imports from (a constant, an inlined helper) cannot leave stale machine
code running (numba itself checks only the defining file)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

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
