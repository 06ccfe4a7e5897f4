"""The browser view, driven as a person would: headless Chromium against a local server.

The app is started the way its command starts it (``python -m app``) on
127.0.0.1 and a free port; Playwright drives Debian's ``chromium``
(``/usr/bin/chromium``, ``--no-sandbox`` since CI runs as root; never a
browser that Playwright downloads). Every request the page makes must go to
that server: anything else is aborted and fails the test, so the view works
with no internet. Skips, saying why, where chromium, Playwright or the app's
extras are absent.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CAMPAIGN_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 120_000  # waits only (first start compiles the engine when numba's cache is cold)

pytestmark = pytest.mark.slow

if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
    pytest.skip(
        f"chromium not found at {CHROMIUM} (install Debian's: apt-get install -y chromium)",
        allow_module_level=True,
    )
os.environ.setdefault("SOLARA_CHECK_HOOKS", "off")  # before solara is first imported
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (.[app] extra)")
pytest.importorskip("solara", reason="solara is not installed (the .[app] extra)")


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app's server on 127.0.0.1 (its URL), stopped after the module's tests."""
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, str(REPO)])}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "--port", str(port)],
            cwd=log.parent,  # not the repository: PYTHONPATH decides what is imported
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the app exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not answer at {url}:\n{log.read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the session this test started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def page(server, tmp_path):
    """A Chromium page on the app that refuses (and records) requests to other hosts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox"],
            headless=True,
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.errors = []  # console errors and uncaught exceptions
        page.outside = []  # requests to anything but the app's server

        def route(request_route):
            if request_route.request.url.startswith(server):
                request_route.continue_()
            else:
                page.outside.append(request_route.request.url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.goto(server)
        try:
            yield page
        finally:
            page.screenshot(path=str(tmp_path / "app.png"))
            browser.close()


def step_counter(page) -> str:
    return page.get_by_text(re.compile(r"^Step: \d+$")).inner_text()


def wait_for_step(page, number: int) -> None:
    page.get_by_text(f"Step: {number}", exact=True).wait_for()


def picture(page, name: str, view: str = "campaign") -> bytes:
    """A screenshot of one panel's image (``name``: network, funnel, amount in
    the campaign view; network, clicks, cuts in the contest view).

    Solara replaces an image when it redraws it, so a screenshot that finds
    its element gone is taken again (within the wait limit).
    """
    from playwright.sync_api import Error

    image = page.locator(f".{view}-{name} img")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        try:
            image.wait_for()
            return image.screenshot(timeout=10_000)
        except Error:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(250)


def changed(page, name: str, before: bytes, view: str = "campaign") -> bytes:
    """Wait (bounded) until the panel's image differs from ``before``; return it."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        now = picture(page, name, view)
        if now != before or time.monotonic() > deadline:
            return now
        page.wait_for_timeout(250)


def reset(page) -> None:
    page.get_by_role("button", name="Reset").click()
    wait_for_step(page, 0)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label``."""
    page.locator(".v-select").filter(has_text=label).click()
    page.locator(".menuable__content__active .v-list-item").filter(
        has_text=re.compile(f"^{re.escape(option)}$")
    ).click()


def test_reset_step_three_times_then_another_seeding(page, tmp_path):
    reset(page)  # a session starts from Reset
    network0, funnel0 = picture(page, "network"), picture(page, "funnel")
    ties0 = page.locator(".campaign-ties-table").inner_text()
    for number in (1, 2, 3):
        page.get_by_role("button", name="Step").click()
        wait_for_step(page, number)
    assert step_counter(page) == "Step: 3"
    network3 = changed(page, "network", network0)
    assert network3 != network0, "network picture did not change"
    assert changed(page, "funnel", funnel0) != funnel0, "funnel chart did not change"
    assert page.locator(".campaign-ties-table").inner_text() != ties0
    page.screenshot(path=str(tmp_path / "step3.png"))
    assert page.errors == []

    reset(page)
    top_degree = changed(page, "network", network3)
    assert top_degree != network3
    choose(page, "Seeding strategy", "random")
    reset(page)
    assert changed(page, "network", top_degree) != top_degree, "same picture after reseeding"
    assert "random seeding" in page.locator(".campaign-ties").inner_text()
    assert page.errors == [], page.errors
    assert page.outside == [], f"requests beyond the app's server: {page.outside}"


def gamer_pixels(png: bytes) -> int:
    """Pixels of the gamers' mark colour (:data:`app.picture.GAMER`) in an image."""
    import io

    import numpy as np
    from PIL import Image

    from app.picture import GAMER

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    target = np.array([int(GAMER[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - target).max(axis=2) <= 12).sum())


def text_changed(page, selector: str, before: str) -> str:
    """Wait (bounded) until the element's text differs from ``before``; return it."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        now = page.locator(selector).inner_text()
        if now != before or time.monotonic() > deadline:
            return now
        page.wait_for_timeout(250)


def test_contest_mode_marks_gamers_and_ranks_by_the_rule(page, tmp_path):
    reset(page)
    assert gamer_pixels(picture(page, "network")) == 0  # a campaign has no gamers
    choose(page, "Mode", "contest")
    page.locator(".contest-network img").wait_for()
    reset(page)  # a session starts from Reset
    network0, clicks0 = picture(page, "network", "contest"), picture(page, "clicks", "contest")
    board = ".contest-leaderboard-table"
    board0 = page.locator(board).inner_text()
    for number in (1, 2, 3, 4):
        page.get_by_role("button", name="Step").click()
        wait_for_step(page, number)
    network4 = changed(page, "network", network0, "contest")
    assert network4 != network0, "contest picture did not change"
    assert changed(page, "clicks", clicks0, "contest") != clicks0, "clicks chart did not change"
    assert gamer_pixels(network4) > 0, "no gamer marked in the contest picture"
    # the leaderboard: the 2010 rule first, on the record of steps 0-3
    naive = text_changed(page, board, board0)
    assert naive != board0 and "naive_clicks" in naive
    assert "\u25c6" in naive  # gamers' rows are marked
    assert "public record of steps 0-3" in page.locator(".contest-leaderboard").inner_text()
    page.screenshot(path=str(tmp_path / "contest_naive.png"))

    choose(page, "Scoring rule", "trusted_voluntary")  # applies at once, no Reset
    designed = text_changed(page, board, naive)
    assert designed != naive and "trusted_voluntary" in designed
    assert step_counter(page) == "Step: 4"  # the same contest, ranked again
    strategies = ("honest", "enthusiast", "spammer", "deceiver", "sybil", "ring", "manipulator")
    assert any(name in designed for name in strategies)  # each player's strategy shown
    page.screenshot(path=str(tmp_path / "contest_designed.png"))
    assert page.errors == [], page.errors
    assert page.outside == [], f"requests beyond the app's server: {page.outside}"
