"""Every notebook runs as Jupyter runs it, is stored without outputs, and checks its numbers.

Each ``notebooks/*.ipynb`` is executed through a Jupyter kernel (nbclient,
kernel ``python3``, at the notebook's default size) in a scratch directory,
so what a reader runs is what is tested. In git a notebook holds no outputs,
execution counts or widget state, and its last cell asserts its key numbers
(the run fails there when a result the text states stops holding).
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 1800  # seconds a cell may take before the kernel is stopped (a wait, not a check)


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text())
    for i, cell in enumerate(code_cells(nb)):
        assert cell["outputs"] == [], f"{path.name}: code cell {i} has outputs"
        assert cell["execution_count"] is None, f"{path.name}: code cell {i} was executed"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: stored widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_by_asserting_its_key_numbers(path):
    nb = json.loads(path.read_text())
    last = code_cells(nb)[-1]
    tree = ast.parse("".join(last["source"]))
    asserts = [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert asserts, f"{path.name}: the last code cell asserts nothing"
    assert nb["cells"][-1] is last, f"{path.name}: the assert cell is not the last cell"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_a_jupyter_kernel(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel", reason="ipykernel provides the python3 kernel")
    # The kernel inherits this environment: the repository importable from the
    # scratch directory, figures drawn without a display, no stray progress bars.
    paths = [str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("SOLARA_CHECK_HOOKS", "off")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(err))  # no terminal colours
        pytest.fail(f"{path.name}: {text[-3000:]}", pytrace=False)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]
    assert errors == []
