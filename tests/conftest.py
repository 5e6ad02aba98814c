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
def chromium():
    """A headless Chromium through playwright (skips without either), for browser tests."""
    import os
    import shutil
    from pathlib import Path

    api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    path = os.environ.get("OKO_CHROMIUM", "/usr/bin/chromium")
    if not (Path(path).exists() or shutil.which(path)):
        pytest.skip(f"no Chromium at {path} (apt install chromium)")
    with api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()
