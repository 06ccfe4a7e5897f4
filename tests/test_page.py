"""``report.html``: one self-contained page per run and per sweep (simulator.runs.page).

The pages are checked as files (every figure embedded, nothing fetched) and
opened in headless Chromium (Debian's ``chromium``; skipped, saying why,
where it is absent), where the summary table and every figure must show.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_module

import experiments
from simulator.runs.page import write_run_page, write_sweep_page
from simulator.runs.report import collect

SMALL = ["network.n=300", "experiment.replicates=10"]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("page") / "run"
    proc = run_module(
        "simulator.runs.cli", "experiment=seeding_comparison", *SMALL, f"hydra.run.dir={out}"
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("page") / "sweep"
    proc = run_module(
        "simulator.runs.cli", "-m", "campaign.p=0.02,0.1", *SMALL, f"hydra.sweep.dir={out}"
    )
    assert proc.returncode == 0, proc.stderr
    proc = run_module("simulator.runs.report", out)  # the tables and figures
    assert proc.returncode == 0, proc.stderr
    return out


def images(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.png") if not p.name.startswith("."))


def test_run_page_holds_question_tables_figures_config_provenance(run_dir):
    page = write_run_page(run_dir)
    assert page == run_dir / "report.html"
    text = page.read_text()
    question = experiments.STUDIES["seeding_comparison"].question
    assert question.replace("'", "&#x27;") in text
    assert text.count('<table class="summary">') == 1
    assert text.count('<table class="comparison">') == 1
    summary = pd.read_csv(run_dir / "summary.csv")
    assert (
        text.count("<tr>", text.index('class="summary"'), text.index("</table>"))
        == len(summary) + 1
    )  # the header row and one per summary row
    figures = images(run_dir)
    assert figures and text.count('src="data:image/png;base64,') == len(figures)
    assert "Resolved config" in text and "network:" in text
    manifest = pd.read_json(run_dir / "manifest.json", typ="series")
    assert manifest["run_id"] in text and manifest["code_version"] in text
    assert not re.search(r"(src|href)=\"https?:", text), "the page must not fetch anything"


def test_run_page_needs_a_complete_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="manifest.json"):
        write_run_page(tmp_path)


def test_sweep_page_summary_figures_and_missing_jobs(sweep_dir, tmp_path):
    page = write_sweep_page(sweep_dir)
    assert page == sweep_dir / "report" / "report.html"
    text = page.read_text()
    assert "2 of 2 jobs complete" in text and "None: the sweep is complete." in text
    assert '<table class="summary">' in text and "campaign.p" in text
    figures = images(sweep_dir / "report" / "figures")
    assert figures and text.count('src="data:image/png;base64,') == len(figures)
    partial = tmp_path / "sweep"
    shutil.copytree(sweep_dir, partial)
    (partial / "1" / "manifest.json").unlink()  # killed before its manifest
    data = collect(partial, skip=(partial / "report").resolve())
    text = write_sweep_page(data, [], partial / "report").read_text()
    assert "1 of 2 jobs complete" in text and '<table class="missing">' in text
    assert "incomplete" in text and "campaign.p=0.1" in text


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"chromium not found at {CHROMIUM}")
def test_pages_show_their_table_and_every_figure_in_chromium(run_dir, sweep_dir):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    pages = {write_run_page(run_dir): images(run_dir)}
    pages[write_sweep_page(sweep_dir)] = images(sweep_dir / "report" / "figures")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for path, figures in pages.items():
                page = browser.new_page()
                fetched = []
                page.route(
                    "http*://**",
                    lambda route, seen=fetched: (seen.append(route.request.url), route.abort()),
                )
                page.goto(path.as_uri())
                rows = page.locator("table.summary tbody tr")
                assert rows.count() > 0, path
                assert page.locator("table.summary").is_visible()
                shown = page.locator("figure img")
                assert shown.count() == len(figures), path
                for i in range(shown.count()):
                    shown.nth(i).scroll_into_view_if_needed()
                    width = shown.nth(i).evaluate("img => img.complete && img.naturalWidth")
                    assert width > 0, f"{path}: figure {i} did not load"
                assert fetched == [], fetched
                page.close()
        finally:
            browser.close()
