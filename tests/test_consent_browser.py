"""The consent zone in headless Chromium against a live ``oko run`` on the demo clip: faintly
drawn on the kiosk with its sentence, drawn anew by dragging on the facilitator page, switched
off and on — each change reaching the running kiosk and the analysis without a restart."""

from __future__ import annotations

import json
import urllib.request

from device.pin import hash_pin
from tests.helpers import ARTIFACTS, PIN, wait_for


def zone_of(url: str) -> dict:
    with urllib.request.urlopen(url + "/api/state", timeout=5) as response:
        return json.load(response)["consent_zone"]


def test_zone_shown_on_the_kiosk_drawn_by_the_facilitator_and_switched_live(live_oko, browser):
    oko = live_oko("--source", "demo", env={"OKO_DASHBOARD__PIN_HASH": hash_pin(PIN)})
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    errors: list[str] = []
    context.on("page", lambda page: page.on("pageerror", lambda e: errors.append(str(e))))
    kiosk = context.new_page()
    kiosk.goto(oko.url + "/", wait_until="commit")  # the MJPEG stream never finishes loading
    kiosk.wait_for_selector("#zone:not([hidden]) polygon.zone-edge[points]")
    note = kiosk.locator("#zone-note")
    assert "have no such zone" in note.inner_text()
    box = kiosk.locator("#zone").bounding_box()
    assert box["width"] > 300  # over the picture, not a stray corner
    drawn = json.loads(kiosk.locator("#zone").get_attribute("data-zone"))
    assert drawn == [[0.1, 0.0], [0.9, 0.0], [0.9, 1.0], [0.1, 1.0]]

    console = context.new_page()
    console.goto(oko.url + "/facilitator")
    console.fill("#pin", PIN)
    console.click("#login button[type=submit]")
    console.wait_for_selector("#zone-editor polygon.zone-edge[points]")
    editor = console.locator("#zone-editor")
    editor.scroll_into_view_if_needed()
    # The demo picture is 16:9 like its frame, so fractions of the box are fractions of it.
    area = editor.bounding_box()
    at = lambda fx, fy: (area["x"] + fx * area["width"], area["y"] + fy * area["height"])  # noqa: E731
    console.mouse.move(*at(0.3, 0.1))
    console.mouse.down()
    console.mouse.move(*at(0.5, 0.5), steps=4)
    console.mouse.move(*at(0.7, 0.9), steps=4)
    console.mouse.up()
    console.wait_for_selector("#messages p:has-text('Consent zone set')")
    zone = zone_of(oko.url)
    (left, top), (right, _), (_, bottom) = zone["polygon"][:3]
    assert abs(left - 0.3) < 0.02 and abs(top - 0.1) < 0.02
    assert abs(right - 0.7) < 0.02 and abs(bottom - 0.9) < 0.02
    # The settings to copy follow with the page's next status, a moment after the message.
    console.wait_for_function(
        "() => document.getElementById('zone-toml').textContent.includes('polygon = [[0.3')")
    assert console.locator("#zone-left").input_value() == f"{left * 100:.1f}"
    # The running kiosk follows within its once-a-second update: no restart, no reload.
    kiosk.wait_for_function(
        "(want) => document.getElementById('zone').dataset.zone === JSON.stringify(want)",
        arg=zone["polygon"])
    ARTIFACTS.mkdir(exist_ok=True)
    kiosk.screenshot(path=str(ARTIFACTS / "kiosk-consent-zone.png"))
    console.screenshot(path=str(ARTIFACTS / "facilitator-consent-zone.png"), full_page=True)

    console.click("#zone-off")  # refused by the browser until the box is ticked
    assert zone_of(oko.url)["enabled"] is True
    console.check("#zone-all-consented")
    console.click("#zone-off")
    console.wait_for_selector("#zone-on-form:not([hidden])")
    assert zone_of(oko.url)["enabled"] is False
    kiosk.wait_for_selector("#zone-note.off")
    assert "consent zone is off" in note.inner_text() and kiosk.locator("#zone").is_hidden()
    kiosk.click("button[data-lang='sr']")
    assert "isključena" in note.inner_text()
    console.click("#zone-on")
    console.wait_for_selector("#zone-off-form:not([hidden])")
    assert not console.locator("#zone-all-consented").is_checked()  # asked afresh next time
    kiosk.wait_for_selector("#zone-note:not(.off)")
    assert "nemaju takvu zonu" in note.inner_text()
    wait_for(lambda: zone_of(oko.url)["enabled"])
    context.close()
    assert errors == []
