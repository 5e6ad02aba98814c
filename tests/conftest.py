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
