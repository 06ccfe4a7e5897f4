"""The README's Python examples run as written (in order, one namespace)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(monkeypatch, tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert namespace["res"].reach.shape == (1000,)


def test_readme_tables_list_every_study_and_option():
    """The experiment table has a row per registered study, saying what it reads;
    the groups table names every YAML option of every group."""
    from experiments import STUDIES
    from simulator.runs.compose import config_dir

    text = README.read_text()
    for name, study in STUDIES.items():
        row = re.search(rf"^\| `{name}` \|.*$", text, flags=re.M)
        assert row, f"README has no row for experiment {name}"
        reads = row.group(0).split("|")[3]
        for read in study.reads:
            assert read.split(".")[-1] in reads, f"{name}: README omits that it reads {read}"
    groups = Path(config_dir())
    for group in ("network", "campaign", "experiment"):
        row = re.search(rf"^\| `{group}` \|.*$", text, flags=re.M).group(0)
        for option in sorted(p.stem for p in (groups / group).glob("*.yaml")):
            assert f"`{option}`" in row, f"README's {group} row omits {option}"
