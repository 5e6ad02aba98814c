"""Both pages in headless Chromium against a live server on the demo clip.

Asserts on the DOM as a visitor and a facilitator would see it, runs axe-core (vendored in
tests/vendor/, loaded from that file) for accessibility, and keeps 1920×1080 screenshots in
tests/artifacts/. Skipped when Chromium or the Python ``playwright`` package is missing.
"""

from __future__ import annotations


import pytest

from device.pin import hash_pin
from tests.helpers import PIN, LiveOko, facilitator_page, kiosk_page, serious_violations, shot

pytest.importorskip("playwright.sync_api", reason="pip install playwright")

FIRST_CARD_MS = 45_000


@pytest.fixture(scope="module")
def oko():
    """A live ``oko run`` on the demo clip with the facilitator PIN set."""
    server = LiveOko("--source", "demo", env={"OKO_DASHBOARD__PIN_HASH": hash_pin(PIN)})
    server.wait_ready()
    yield server
    server.stop()


def open_kiosk(context, url: str):
    """The kiosk at ``url`` once it shows a visitor's card."""
    return kiosk_page(context, url + "/", wait_for="li.card[data-visitor^='V']",
                      timeout_ms=FIRST_CARD_MS)


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
    console = facilitator_page(context, oko.url)
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
    console.wait_for_selector("#messages p:has-text('Wiped')")  # may come after the kiosk's
    shot(kiosk, "kiosk-wiped")
    console.click("#resume")
    console.wait_for_selector("#pause:not([hidden])")


def test_facilitator_language_switch_reaches_the_kiosk(oko, context):
    kiosk = open_kiosk(context, oko.url)
    console = facilitator_page(context, oko.url)
    console.click("button[name='language'][value='sr']")
    console.wait_for_selector("html[lang='sr'] #stats dt")
    kiosk.wait_for_selector("html[lang='sr']")
    assert kiosk.locator("#known-title").inner_text() == "Šta sistem zna o vama"
    shot(console, "facilitator-sr")
    console.click("button[name='language'][value='en']")
    kiosk.wait_for_selector("html[lang='en']")


def test_card_tells_a_visitor_two_sightings_were_linked(context):
    """One man whose second photo got a number of its own until the third linked them."""
    import numpy as np

    from tests.fakes import ScriptedSource
    from tests.helpers import ServedApp, fed_engine

    # Once started, the camera shows an empty, noisy room: nobody new, the card stays.
    rng = np.random.default_rng(0)
    empty_room = ScriptedSource(lambda _seq: (rng.integers(0, 40, (360, 640, 3), np.uint8), None))
    engine = fed_engine("alex-lacamoire.png", "alex_lacamoire1.jpg", "alex_lacamoire2.jpg",
                        source=empty_room, gap_s=5.0)  # three visits
    engine.start()
    try:
        with ServedApp(engine) as app:
            page = open_kiosk(context, app.url)
            linked = page.wait_for_selector("li.card[data-visitor='V1'] p.linked:not([hidden])")
            assert "(V2)" in linked.inner_text() and "linked" in linked.inner_text()
            assert page.locator("li.card").count() == 1
            page.goto(f"{app.url}/?lang=sr", wait_until="commit")
            linked = page.wait_for_selector("li.card p.linked:not([hidden])")
            assert "povezao" in linked.inner_text()
            shot(page, "kiosk-linked-sightings")
    finally:
        engine.stop()
