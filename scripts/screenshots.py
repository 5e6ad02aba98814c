"""Photograph Oko's screens for the README, from the demo clip, in headless Chromium.

Starts ``oko run --source demo`` on a free port with a throw-away PIN (nothing else of the
machine's configuration is read), waits until the demo face has a profile card, and saves
JPEGs of: the visitor screen in English and in Serbian, the facilitator page logged in, and
the visitor screen in lesson mode (the consent-zone step). Only the bundled demo clip is ever
photographed, never a camera.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("OKO_CHROMIUM", "/usr/bin/chromium")
SCREEN = {"width": 1920, "height": 1080}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_oko(port: int, config: Path) -> subprocess.Popen:
    """``oko run`` on the demo clip; returns once ``/healthz`` answers (or raises)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "device.cli", "run", "--source", "demo", "--port", str(port),
         "--config", str(config)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"screenshots: oko run stopped: {proc.stderr.read().decode()[-500:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("screenshots: oko run did not become healthy in 90 s")


def photograph(url: str, pin: str, out: Path) -> list[Path]:
    """Save the four screenshots into ``out``; return their paths."""
    from playwright.sync_api import sync_playwright

    saved = []

    def save(page, name: str, **options) -> None:
        path = out / f"{name}.jpg"
        page.screenshot(path=str(path), type="jpeg", quality=82, **options)
        saved.append(path)
        print(f"screenshots: {path.relative_to(REPO)}", flush=True)

    def kiosk(context, query: str = ""):
        page = context.new_page()
        page.goto(f"{url}/{query}", wait_until="commit")  # the MJPEG stream never ends
        page.wait_for_selector("li.card[data-visitor^='V']", timeout=60_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('li.card img.faceprint')]"
            ".some((img) => img.naturalWidth > 0)", timeout=15_000)
        page.wait_for_timeout(1500)  # let the card and the zone settle on a fresh state
        return page

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        context = browser.new_context(viewport=SCREEN)
        # Pages are closed when done: each holds two endless streams, and Chromium opens at
        # most six connections to one server.
        for lang in ("en", "sr"):
            page = kiosk(context, f"?lang={lang}")
            save(page, f"kiosk-{lang}")
            page.close()
        console = context.new_page()
        console.goto(f"{url}/facilitator")
        console.fill("#pin", pin)
        console.click("#login button[type=submit]")
        console.wait_for_selector("#stats dt")
        console.wait_for_timeout(1500)
        save(console, "facilitator", full_page=True)
        screen = kiosk(context, "?lang=en")
        console.click("button[name='step'][value='consent']")
        screen.wait_for_selector("#lesson:not([hidden])")
        screen.wait_for_timeout(1200)
        save(screen, "lesson")
        console.click("button[name='action'][value='stop']")
        browser.close()
    return saved


def main() -> int:
    """Serve the demo, photograph the screens, stop; exit 0 when all four were saved."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots",
                        help="folder for the JPEGs (default docs/screenshots)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"screenshots: no Chromium at {CHROMIUM} (apt install chromium, or set "
              "OKO_CHROMIUM)", file=sys.stderr)
        return 1
    from device.pin import hash_pin

    pin = f"{secrets.randbelow(10**6):06d}"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "oko.toml"
        config.write_text(f'[dashboard]\npin_hash = "{hash_pin(pin)}"\n', encoding="utf-8")
        port = free_port()
        proc = start_oko(port, config)
        try:
            saved = photograph(f"http://127.0.0.1:{port}", pin, args.out)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"screenshots: {len(saved)} saved in {args.out}")
    return 0 if len(saved) == 4 else 1


if __name__ == "__main__":
    sys.exit(main())
