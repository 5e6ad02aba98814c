"""What a facilitator and an educator do in a real session, in headless Chromium.

A real engine films a looping still of two real portraits (tests/data/faces) and serves the
dashboard from this process; the facilitator console and the visitor screen are two pages
of one browser, driven as a person would drive them.
"""

from __future__ import annotations

import re

import pytest

from device.pin import hash_pin
from tests.helpers import PIN, ServedApp, facilitator_page, kiosk_page, shot, start_engine, still_source

PORTRAITS = ("obama.jpg", "lin-manuel-miranda.png")  # faceprints 0.71 apart: a false match at 0.8
NAME = "Ana (consented)"
CARD_MS = 60_000


@pytest.fixture
def served(request):
    """The dashboard on a live engine filming :data:`PORTRAITS`; ``mode`` by parametrising."""
    mode = getattr(request, "param", "visit")
    engine = start_engine(still_source(*PORTRAITS), idle_wipe_s=30.0, mode=mode)
    with engine, ServedApp(engine, pin_hash=hash_pin(PIN)) as app:
        yield app


def watch_text(page, visitor: str) -> str:
    return page.locator(f"li.card[data-visitor='{visitor}'] [data-item='watchlist'] .value") \
        .text_content()


def wait_watch(page, visitor: str, pattern: str) -> None:
    page.wait_for_function(
        """([id, pattern]) => new RegExp(pattern).test(document.querySelector(
             `li.card[data-visitor='${id}'] [data-item='watchlist'] .value`)?.textContent ?? "")""",
        arg=[visitor, pattern], timeout=15_000)


def set_tolerance(console, value: float) -> None:
    # As a person drags the slider: focused (so the console's refresh leaves it alone), moved,
    # released (the page sends the form on "change").
    console.evaluate("""(v) => {
        const slider = document.querySelector('#tolerance');
        slider.focus();
        slider.value = v;
        slider.dispatchEvent(new Event('change'));
    }""", str(value))
    console.wait_for_function("(v) => document.querySelector('#messages').textContent"
                              ".includes(v)", arg=f"{value:.2f}")


@pytest.mark.parametrize("served", ["workshop"], indirect=True)
def test_watchlist_match_follows_the_list_and_the_tolerance(served, context):
    console = facilitator_page(context, served.url)
    console.click("#start")
    kiosk = kiosk_page(context, served.url)
    kiosk.wait_for_selector("li.card[data-visitor='V2']", state="attached", timeout=CARD_MS)

    # The enrol picker shows who is who: every thumbnail loads (with the session's token).
    console.wait_for_selector("#enrol-visitors input[value='V2']")
    console.wait_for_function("() => [...document.querySelectorAll('#enrol-visitors img')]"
                              ".every((img) => img.complete && img.naturalWidth > 0)",
                              timeout=10_000)
    assert console.locator("#enrol-visitors img").count() == 2

    console.check("#enrol-visitors input[value='V1']")
    console.fill("#label", NAME)
    console.check("input[name='consent']")
    console.click("#enrol button[type=submit]")
    wait_watch(kiosk, "V1", r"Match: Ana \(consented\)")
    assert watch_text(kiosk, "V2").startswith("No match")

    set_tolerance(console, 0.8)  # loosened: the other face falsely matches
    wait_watch(kiosk, "V2", r"Match: Ana \(consented\) — similarity \d+%")
    shot(kiosk, "kiosk-false-match")
    set_tolerance(console, 0.55)  # back: the false match goes, the true one stays
    wait_watch(kiosk, "V2", "^No match")
    assert watch_text(kiosk, "V1").startswith("Match: Ana")

    console.click(f"#watchlist button[aria-label='Remove {NAME} from the watchlist']")
    wait_watch(kiosk, "V1", r"^No match · entries on the list: 0$")
    kiosk.wait_for_timeout(2_000)  # still in view, frames keep coming: it must not come back
    assert watch_text(kiosk, "V1") == "No match · entries on the list: 0"
    assert watch_text(kiosk, "V2") == "No match · entries on the list: 0"


def countdown(kiosk) -> int:
    return int(re.search(r"\d+", kiosk.locator("#countdown-line").inner_text()).group())


def test_pause_leaves_nobody_in_view_and_holds_the_countdown(served, context):
    kiosk = kiosk_page(context, served.url)
    kiosk.wait_for_function("() => document.querySelector('li.card .presence')?.textContent"
                            " === 'in view now'", timeout=CARD_MS)
    console = facilitator_page(context, served.url)
    console.click("#pause")
    console.wait_for_selector("#resume:not([hidden])")
    kiosk.wait_for_function("() => document.querySelector('#countdown-line').textContent"
                            ".includes('waits')")
    presences = kiosk.locator("li.card .presence").all_text_contents()
    assert presences and "in view now" not in presences
    cues = kiosk.locator("li.card [data-item='cues'] .value").all_text_contents()
    assert not any("looking" in text or "smiling" in text for text in cues)
    held = countdown(kiosk)
    kiosk.wait_for_timeout(3_000)
    assert countdown(kiosk) == held  # paused: the idle countdown waits
    shot(kiosk, "kiosk-paused")
    console.click("#resume")
    kiosk.wait_for_function("() => document.querySelector('li.card .presence')?.textContent"
                            " === 'in view now'", timeout=CARD_MS)


def test_receipt_stays_beside_the_next_visitor(served, context):
    kiosk = kiosk_page(context, served.url)
    kiosk.wait_for_selector("li.card", timeout=CARD_MS)
    console = facilitator_page(context, served.url)
    console.click("#wipe")  # the portraits stay in view: a new session starts at once
    kiosk.wait_for_selector("#receipt:not([hidden])")
    kiosk.wait_for_function("() => /Session [2-9]/.test("
                            "document.querySelector('#session-line').textContent)"
                            " && document.querySelector('li.card')", timeout=CARD_MS)
    kiosk.wait_for_timeout(10_000)  # well past the ~4 s it used to last
    assert kiosk.locator("#receipt").is_visible()
    assert kiosk.locator("li.card").count() >= 1
    shot(kiosk, "kiosk-receipt-beside-card")
    kiosk.wait_for_selector("#receipt", state="hidden", timeout=10_000)  # gone after 15 s


def test_next_on_the_last_lesson_step_finishes_the_lesson(served, context):
    kiosk = kiosk_page(context, served.url)
    console = facilitator_page(context, served.url)
    console.click("button[name='action'][value='start']")
    kiosk.wait_for_selector("#lesson:not([hidden])")
    console.click("button.step[value='wipe']")
    console.wait_for_function("() => document.querySelector('#lesson-next').textContent"
                              " === 'Next: finish the lesson'")
    assert "Step 9 of 9" in console.locator("#lesson-status").inner_text()
    console.click("#lesson-next")
    console.wait_for_function("() => document.querySelector('#messages').textContent"
                              ".includes('last step')")
    kiosk.wait_for_selector("#lesson[hidden]", state="attached")
    # The console shows the lesson's end with its next status, a moment after the message.
    console.wait_for_function("() => document.querySelector('#lesson-status').textContent"
                              ".startsWith('Lesson mode is off')")
    assert console.locator("#lesson-next").inner_text() == "Next"
