"""``report.html``: one self-contained page per run, and one per sweep, in the same style.

A run's page (:func:`write_run_page`) shows the question the study answers
(``experiments.STUDIES[name].question``), the summary table with its
confidence intervals (``summary.csv``), the paired comparisons
(``comparison.csv``), the study's other tables, every figure the run wrote,
the resolved config and the manifest's provenance (run id, seed, code
version, commit, command, package versions, network, wall time). A sweep's
page (:func:`write_sweep_page`) shows what :func:`simulator.runs.report.collect`
gathers: what was swept, the summary per parameter combination, the paired
comparisons, the figures and the jobs still missing.

Figures are embedded as ``data:`` URIs and the style is inline, so a page is
one file that opens with no network access, wherever it is copied.

Examples
--------
>>> print(html_table(pd.DataFrame({"arm": ["a<b"], "mean": [0.123456]}), "summary"))
<table class="summary"><thead><tr><th>arm</th><th>mean</th></tr></thead><tbody>
<tr><td>a&lt;b</td><td class="num">0.1235</td></tr>
</tbody></table>
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.runs.report.aggregate import SweepData, collect, jobs_frame
from simulator.runs.report.markdown import mixed_code_warning
from simulator.runs.sweep import MANIFEST

__all__ = ["html_table", "run_page", "sweep_page", "write_run_page", "write_sweep_page"]

PAGE = "report.html"
MAX_ROWS = 200  # rows of a table shown on a page (the CSV files hold all)
#: Tables a run's page shows first, with their headings; other CSV files follow.
RUN_TABLES = {"summary.csv": "Summary (mean and CI)", "comparison.csv": "Paired comparisons"}
IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;
padding:1.5em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;
margin-top:1.6em}
.question{font-size:1.2em;background:#eef5fb;border-left:4px solid #3b82c4;padding:.6em 1em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em}th{background:#f4f4f4;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{display:inline-block;margin:.5em;vertical-align:top}figure img{max-width:520px;
border:1px solid #eee}figcaption{font-size:.85em;color:#555;text-align:center}
pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:.85em;max-height:32em}
.note{color:#666;font-size:.9em}.warning{color:#a33}
"""


def _cell(value) -> str:
    if isinstance(value, bool | np.bool_):
        return f"<td>{value}</td>"
    if isinstance(value, int | np.integer):
        return f'<td class="num">{value}</td>'
    if isinstance(value, float | np.floating):
        return '<td class="num">' + ("" if np.isnan(value) else f"{value:.4g}") + "</td>"
    return f"<td>{html.escape(str(value))}</td>"


def html_table(frame: pd.DataFrame, css_class: str, max_rows: int = MAX_ROWS) -> str:
    """An HTML table of ``frame`` (floats to 4 significant digits, text escaped)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = [
        "<tr>" + "".join(_cell(v) for v in row) + "</tr>"
        for row in frame.head(max_rows).itertuples(index=False)
    ]
    table = (
        f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>\n'
        + "\n".join(body)
        + "\n</tbody></table>"
    )
    if len(frame) > max_rows:
        table += f'<p class="note">({len(frame) - max_rows} more rows in the CSV file.)</p>'
    return table


def _figure(path: Path, caption: str) -> str:
    kind = IMAGE_TYPES[path.suffix.lower()]
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    text = html.escape(caption)
    return (
        f'<figure><img src="data:{kind};base64,{data}" alt="{text}">'
        f"<figcaption>{text}</figcaption></figure>"
    )


def _document(title: str, sections: Sequence[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )


def _question(name: str | None) -> str | None:
    """The question study ``name`` answers (None for an unknown study)."""
    import experiments

    study = experiments.STUDIES.get(name) if name else None
    return None if study is None else study.question


def _definition_list(items: dict) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in items.items()
        if v is not None
    )
    return f'<table class="provenance">{rows}</table>'


def _provenance(manifest: dict) -> str:
    network = manifest.get("network") or {}
    items = {
        "run id": manifest.get("run_id"),
        "seed": manifest.get("seed"),
        "code version": manifest.get("code_version"),
        "git commit": manifest.get("git_commit"),
        "started at": manifest.get("started_at"),
        "wall time (s)": manifest.get("wall_time_s"),
        "command": " ".join(map(str, manifest.get("command") or [])) or None,
        "network": network.get("name"),
        "nodes / arcs": f"{network['n']} / {network['arcs']}" if "n" in network else None,
    }
    versions = manifest.get("versions") or {}
    return (
        "<h2>Provenance</h2>"
        + _definition_list(items)
        + "<h3>Package versions</h3>"
        + _definition_list(versions)
    )


def _figures(paths: Sequence[Path], root: Path) -> str:
    if not paths:
        return '<h2>Figures</h2><p class="note">No figure.</p>'
    body = "".join(_figure(p, p.relative_to(root).as_posix()) for p in paths)
    return f'<h2>Figures</h2><div class="figures">{body}</div>'


def _run_figures(run_dir: Path) -> list[Path]:
    """Every image the run wrote, by path (hidden directories and old reports skipped)."""
    found = []
    for path in sorted(run_dir.rglob("*")):
        parts = path.relative_to(run_dir).parts
        if path.suffix.lower() in IMAGE_TYPES and not any(p.startswith(".") for p in parts):
            if parts[0] != "report":  # campaign-report's own output directory
                found.append(path)
    return found


def run_page(run_dir: Path) -> str:
    """The HTML of a run directory's page (see the module docstring)."""
    run_dir = Path(run_dir)
    manifest_path = run_dir / MANIFEST
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{run_dir}: no {MANIFEST} (not a complete campaign-sim run)")
    manifest = json.loads(manifest_path.read_text())
    config = manifest.get("config") or {}
    name = manifest.get("experiment") or (config.get("experiment") or {}).get("name")
    question = _question(name)
    sections = [
        f"<h1>{html.escape(str(name))}: run {html.escape(str(manifest.get('run_id')))}</h1>"
    ]
    if question:
        sections.append(f'<p class="question">{html.escape(question)}</p>')
    sections.append(f'<p class="note">Run directory: {html.escape(str(run_dir.resolve()))}</p>')
    csvs = sorted(p.name for p in run_dir.glob("*.csv"))
    for filename in [*RUN_TABLES, *(c for c in csvs if c not in RUN_TABLES)]:
        path = run_dir / filename
        heading = RUN_TABLES.get(filename, filename)
        if path.is_file():
            css = Path(filename).stem.replace("_", "-")
            table = html_table(pd.read_csv(path), css)
            sections.append(f"<h2>{html.escape(heading)}</h2>{table}")
        elif filename == "summary.csv":
            sections.append(f'<h2>{heading}</h2><p class="note">No summary.csv.</p>')
    sections.append(_figures(_run_figures(run_dir), run_dir))
    from omegaconf import OmegaConf

    resolved = OmegaConf.to_yaml(OmegaConf.create(config)) if config else "(none)"
    sections.append(f'<h2>Resolved config</h2><pre class="config">{html.escape(resolved)}</pre>')
    sections.append(_provenance(manifest))
    return _document(f"{name} run {manifest.get('run_id')}", sections)


def write_run_page(run_dir: Path, out: Path | None = None) -> Path:
    """Write ``report.html`` for a run directory (into it unless ``out`` is given)."""
    out = Path(out) if out is not None else Path(run_dir) / PAGE
    out.write_text(run_page(run_dir), encoding="utf-8")
    return out


def sweep_page(data: SweepData, figures: Sequence[Path], outdir: Path) -> str:
    """The HTML of a sweep's page, from what :func:`~simulator.runs.report.collect` read.

    ``figures`` are the images to embed (e.g. what
    :func:`~simulator.runs.report.figures.sweep_figures` wrote into ``outdir``).
    """
    jobs = data.jobs
    complete = sum(j.state in ("complete", "duplicate") for j in jobs)
    experiments = sorted(set(data.rows["experiment"])) if "experiment" in data.rows else []
    sections = [f"<h1>Sweep: {html.escape(str(data.path))}</h1>"]
    for name in experiments:
        question = _question(str(name))
        if question:
            sections.append(
                f'<p class="question"><b>{html.escape(str(name))}</b>: {html.escape(question)}</p>'
            )
    facts = [f"<b>{complete} of {len(jobs)} jobs complete</b>; {len(jobs) - complete} missing."]
    if len(data.code_versions) > 1:
        facts.append(f'<span class="warning">Warning: {html.escape(mixed_code_warning(data))}')
    for key in data.swept:
        values = list(dict.fromkeys(j.params.get(key, j.override(key)) for j in jobs))
        pooled = " (pooled in the summary)" if key in data.pooled else ""
        facts.append(f"Swept <code>{html.escape(key)}</code>: {html.escape(str(values))}{pooled}.")
    fixed = [p for p in data.params if p not in data.swept]
    if fixed and jobs:
        shown = ", ".join(f"{p}={jobs[0].params.get(p, jobs[0].override(p))}" for p in fixed)
        facts.append(f"Fixed: <code>{html.escape(shown)}</code>.")
    wall = [j.wall_time_s for j in jobs if j.wall_time_s is not None]
    if wall:
        facts.append(f"Job wall time: {sum(wall):.1f} s in all, {max(wall):.1f} s at most.")
    sections.append("<ul>" + "".join(f"<li>{f}</li>" for f in facts) + "</ul>")
    heading = f"<h2>Summary per parameter combination (mean, {data.level:.0%} CI)</h2>"
    if data.summary.empty:
        sections.append(heading + '<p class="note">No complete job yet.</p>')
    else:
        sections.append(heading + html_table(data.summary, "summary"))
    if not data.comparison.empty:
        sections.append("<h2>Paired comparisons</h2>" + html_table(data.comparison, "comparison"))
    sections.append(_figures(list(figures), Path(outdir)))
    missing = data.missing
    if not missing:
        sections.append('<h2>Missing jobs</h2><p class="note">None: the sweep is complete.</p>')
    else:
        table = jobs_frame(data)
        table = table[table["state"].isin({j.state for j in missing})]
        sections.append(
            "<h2>Missing jobs</h2><p>Re-run the same sweep command with the same "
            "<code>hydra.sweep.dir</code> to complete it (complete jobs are skipped).</p>"
            + html_table(table[["job", "dir", "state", "overrides"]], "missing")
        )
    return _document(f"Sweep {data.path.name}", sections)


def write_sweep_page(
    data: SweepData | Path, figures: Sequence[Path] | None = None, outdir: Path | None = None
) -> Path:
    """Write ``report.html`` for a sweep into ``outdir`` (default ``SWEEP/report``).

    ``data`` is what :func:`~simulator.runs.report.collect` returned, or a sweep
    directory to collect; ``figures`` default to the images already in
    ``outdir/figures`` (``campaign-report`` writes them there).
    """
    if not isinstance(data, SweepData):
        path = Path(data)
        outdir = Path(outdir) if outdir is not None else path / "report"
        data = collect(path, skip=outdir.resolve())
    outdir = Path(outdir) if outdir is not None else data.path / "report"
    if figures is None:
        found = (outdir / "figures").glob("*")
        figures = sorted(p for p in found if p.suffix.lower() in IMAGE_TYPES)
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / PAGE
    out.write_text(sweep_page(data, figures, outdir), encoding="utf-8")
    return out
