"""The layering of simulator/ and experiments/ (docs/architecture.md), checked on the source.

The graph has one node per file and one edge per import, imports inside
functions included (a lazy import is still a dependency). ``from pkg import
name`` is an import of the submodule ``pkg.name`` where that is a module, else
of ``pkg``; a module importing its own package's ``__init__`` (which Python
runs first anyway) does not count.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("simulator", "experiments", "app")
MAX_LINES = 450
LONG_REASON = "This module is long because"

#: Layers from the bottom; a module may import its own layer and the ones below.
#: ``experiments`` (the studies) read typed configs and build their inputs
#: through ``simulator.runs.config`` / ``simulator.runs.build``; the rest of
#: the run layer (command line, sweeps, reports) sits above the studies.
LAYERS = [
    (
        "base",
        [
            "checks",
            "errors",
            "rng",
            "behavior",
            "distributions",
            "cascade_log",
            "network",
            "progress",
            "numba_cache",
        ],
    ),
    (
        "population",
        ["population"],
    ),
    ("engine", ["engine"]),
    ("analysis", ["analysis"]),
    ("seeding", ["seeding"]),
    ("contest", ["contest"]),
    ("calibration", ["calibration"]),
    ("plots", ["plots"]),
    ("mesa", ["mesa_model"]),
    ("config", ["runs.config", "runs.build"]),
    ("studies", ["experiments"]),
    ("runs", ["runs"]),
    ("app", ["app"]),  # the browser view: outside the library, on top of everything
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "_configs" not in path.parts:
                found[module_name(path)] = path
    return found


def is_package(name: str, mods: dict[str, Path]) -> bool:
    return name in mods and mods[name].name == "__init__.py"


def imports_of(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """The project modules that ``name`` imports anywhere in its file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if is_package(name, mods) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # Python runs `source` (a package's __init__) before it hands out a name or a
            # submodule of it, so `from pkg import mod` depends on pkg as well as pkg.mod
            targets = [source]
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in mods:
                    targets.append(sub)
        else:
            continue
        for target in targets:
            while target and target not in mods:  # `import a.b.c` of a missing leaf
                target = target.rpartition(".")[0]
            if not target or target == name:
                continue
            if is_package(target, mods) and name.startswith(target + "."):
                continue  # a child's import of its own package's __init__
            found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, mods) for name, path in mods.items()}


def layer_of(module: str) -> int:
    """Index in LAYERS of the most specific prefix that owns ``module``."""
    best, best_len = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            full = prefix if prefix in ("experiments", "app") else f"simulator.{prefix}"
            if (module == full or module.startswith(full + ".")) and len(full) > best_len:
                best, best_len = index, len(full)
    return best


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_graph_sees_lazy_and_from_imports():
    graph = import_graph()
    assert "simulator.engine.registry" in graph["simulator.runs.config"]
    assert "simulator.runs.config" in graph["experiments.quickstart"]


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_imports_point_down_the_layers():
    graph = import_graph()
    wrong = []
    for module, targets in graph.items():
        if module == "simulator":
            continue  # the root package re-exports the public API (some of it lazily)
        own = layer_of(module)
        assert own is not None, f"{module} belongs to no layer: add it to LAYERS"
        for target in targets:
            if target == "simulator":
                wrong.append(f"{module} imports the root package (import the defining module)")
            elif layer_of(target) is None:
                wrong.append(f"{target} (imported by {module}) belongs to no layer")
            elif layer_of(target) > own:
                wrong.append(
                    f"{module} ({LAYERS[own][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
                )
    assert not wrong, "\n".join(wrong)


def test_library_does_not_know_hydra_or_the_studies():
    for module, path in modules().items():
        if layer_of(module) is None or layer_of(module) >= layer_of("simulator.runs.cli"):
            continue
        if module.startswith(("experiments", "simulator.runs")):
            continue
        text = path.read_text()
        for forbidden in ("hydra", "solara", "experiments"):
            tree = ast.parse(text)
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or ""]
                assert not any(n.split(".")[0] == forbidden for n in names), (
                    f"{module} imports {forbidden}"
                )


def test_import_simulator_loads_no_hydra_cli_or_study():
    code = (
        "import sys, simulator; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('hydra', 'experiments', 'solara')"
        " or m.startswith('simulator.runs')]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("module", sorted(modules()))
def test_modules_are_short_or_say_why(module):
    path = modules()[module]
    lines = len(path.read_text().splitlines())
    if lines > MAX_LINES:
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        assert LONG_REASON in doc, (
            f"{path.relative_to(REPO)} has {lines} lines (> {MAX_LINES}): split it, "
            f"or say at its top why not ('{LONG_REASON} ...')"
        )
