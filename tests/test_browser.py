"""Both pages in headless Chromium against a live server on the demo clip.

Asserts on the DOM as a visitor and a facilitator would see it, runs axe-core (vendored in
tests/vendor/, loaded from that file) for accessibility, and keeps 1920×1080 screenshots in
tests/artifacts/. Skipped when Chromium or the Python ``playwright`` package is missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from device.pin import hash_pin
from tests.helpers import PIN, LiveOko

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

CHROMIUM = os.environ.get("OKO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREEN = {"width": 1920, "height": 1080}
FIRST_CARD_MS = 45_000

if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def oko():
    """A live ``oko run`` on the demo clip with the facilitator PIN set."""
    server = LiveOko("--source", "demo", env={"OKO_DASHBOARD__PIN_HASH": hash_pin(PIN)})
    server.wait_ready()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile with axe-core preloaded (an init script is not subject to the
    page's CSP, which rightly forbids injecting inline scripts) and CSP reports collected."""
    context = browser.new_context(viewport=SCREEN)
    context.add_init_script(path=str(AXE))
    context.csp_errors = []

    def watch(page):
        page.on("console", lambda m: "Content Security Policy" in m.text
                and context.csp_errors.append(m.text))
        page.on("pageerror", lambda e: context.csp_errors.append(f"script error: {e}"))

    context.on("page", watch)
    yield context
    context.close()
    assert context.csp_errors == []


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id}: ${v.help} `
                 + `(${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
    }""")
    return found


def open_kiosk(context, url: str, query: str = ""):
    page = context.new_page()
    page.goto(f"{url}/{query}", wait_until="commit")  # the MJPEG stream never finishes loading
    page.wait_for_selector("li.card[data-visitor^='V']", timeout=FIRST_CARD_MS)
    return page


def log_in(context, url: str):
    page = context.new_page()
    page.goto(f"{url}/facilitator")
    page.fill("#pin", PIN)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#stats dt")
    return page


def test_profile_card_appears_for_the_demo_face(oko, context):
    page = open_kiosk(context, oko.url)
    card = page.locator("li.card:not(.compact)").first
    assert card.locator("h3").inner_text().startswith("Visitor V")
    page.wait_for_function(
        "() => [...document.querySelectorAll('li.card:not(.compact) img.faceprint')]"
        ".some((img) => img.naturalWidth > 0)", timeout=10_000)
    for item in ("seen", "returning", "path", "watchlist"):
        assert card.locator(f"[data-item='{item}'] .explain").inner_text()
    assert page.locator("#idle").is_hidden()
    assert "8,000" in page.locator("#scale").inner_text()
    shot(page, "kiosk-en")
    assert serious_violations(page) == []


def test_language_switch_changes_every_text(oko, context):
    page = open_kiosk(context, oko.url)
    page.click("button[data-lang='sr']")
    assert page.evaluate("document.documentElement.lang") == "sr"
    assert page.locator("#known-title").inner_text() == "Šta sistem zna o vama"
    assert page.locator("li.card h3").first.inner_text().startswith("Posetilac V")
    assert "8.000" in page.locator("#scale").inner_text()
    assert page.locator(".privacy").inner_text().startswith("Privatnost")
    shot(page, "kiosk-sr")
    assert serious_violations(page) == []
    page.click("button[data-lang='en']")
    assert page.locator("#known-title").inner_text() == "What the system knows about you"


def test_facilitator_login_lesson_and_wipe_empty_the_visitor_screen(oko, context):
    kiosk = open_kiosk(context, oko.url)
    facilitator = context.new_page()
    facilitator.goto(f"{oko.url}/facilitator")
    assert serious_violations(facilitator) == []
    facilitator.fill("#pin", "0000")
    facilitator.click("#login button[type=submit]")
    facilitator.wait_for_selector("#messages p.error")
    assert "Wrong PIN" in facilitator.locator("#messages").inner_text()
    facilitator.wait_for_timeout(1100)  # one attempt a second
    facilitator.close()
    console = log_in(context, oko.url)
    console.click("button[name='action'][value='start']")
    kiosk.wait_for_selector("#lesson:not([hidden])")
    assert "Detection" in kiosk.locator("#lesson").inner_text()
    shot(console, "facilitator")
    assert serious_violations(console) == []
    console.click("button[name='action'][value='stop']")
    kiosk.wait_for_selector("#lesson[hidden]", state="attached")

    console.click("#pause")  # the demo clip never stops showing faces: blank it first
    console.wait_for_selector("#resume:not([hidden])")
    console.click("#wipe")
    kiosk.wait_for_selector("#receipt:not([hidden])")
    kiosk.wait_for_function("() => !document.querySelector('li.card')")
    assert "the facilitator pressed" in kiosk.locator("#receipt").inner_text()
    assert "Wiped" in console.locator("#messages").inner_text()
    shot(kiosk, "kiosk-wiped")
    console.click("#resume")
    console.wait_for_selector("#pause:not([hidden])")


def test_facilitator_language_switch_reaches_the_kiosk(oko, context):
    kiosk = open_kiosk(context, oko.url)
    console = log_in(context, oko.url)
    console.click("button[name='language'][value='sr']")
    console.wait_for_selector("html[lang='sr'] #stats dt")
    kiosk.wait_for_selector("html[lang='sr']")
    assert kiosk.locator("#known-title").inner_text() == "Šta sistem zna o vama"
    shot(console, "facilitator-sr")
    console.click("button[name='language'][value='en']")
    kiosk.wait_for_selector("html[lang='en']")
