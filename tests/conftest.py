"""Shared fixtures; the helpers they use are in ``tests/helpers.py``."""

from __future__ import annotations

import pytest

from tests.helpers import LiveOko


@pytest.fixture
def live_oko():
    """Start ``oko run`` with the given arguments; stopped after the test."""
    started: list[LiveOko] = []

    def start(*args: str, env: dict[str, str] | None = None, port: int | None = None) -> LiveOko:
        server = LiveOko(*args, env=env, port=port)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through playwright; skips where either is missing."""
    import shutil
    from pathlib import Path

    from tests.helpers import CHROMIUM, CHROMIUM_ARGS

    api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium)")
    with api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    """A fresh 1920×1080 browser profile with axe-core preloaded (an init script is not
    subject to the page's CSP, which rightly forbids injecting inline scripts); fails the test
    on a script error or a CSP report."""
    from tests.helpers import AXE, SCREEN

    context = browser.new_context(viewport=SCREEN)
    context.add_init_script(path=str(AXE))
    context.page_errors = []

    def watch(page):
        page.on("console", lambda m: "Content Security Policy" in m.text
                and context.page_errors.append(m.text))
        page.on("pageerror", lambda e: context.page_errors.append(f"script error: {e}"))

    context.on("page", watch)
    yield context
    context.close()
    assert context.page_errors == []
