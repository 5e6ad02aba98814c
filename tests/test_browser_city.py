"""The city in miniature in headless Chromium: ``oko run --source demo --source demo`` shows
the two places on the map, a live picture per camera and a visitor's route; the marker's
announcement reaches the kiosk. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from device.camera import DemoSource
from device.pin import hash_pin
from tests.fakes import ScriptedSource, UnpluggableSource
from tests.helpers import (PIN, LiveOko, ServedApp, facilitator_page, kiosk_page,
                           serious_violations, shot, start_city, still_source)

ROUTE_MS = 60_000  # the promise: a route within a minute, without a camera


@pytest.fixture(scope="module")
def city():
    server = LiveOko("--source", "demo", "--source", "demo",
                     env={"OKO_DASHBOARD__PIN_HASH": hash_pin(PIN)})
    server.wait_ready()
    yield server
    server.stop()


def open_kiosk(context, url):
    """The kiosk at ``url`` once it shows the city (more than one camera)."""
    return kiosk_page(context, url + "/", wait_for="#city:not([hidden])", timeout_ms=30_000)


def test_the_map_the_camera_pictures_and_a_route_show_on_the_kiosk(city, context):
    page = open_kiosk(context, city.url)
    places = page.locator("#city-map .place text").all_text_contents()
    assert places == ["Brankov most", "Gazela"]
    page.wait_for_function(
        "() => [...document.querySelectorAll('#city-cameras img')].filter((i) => i.naturalWidth > 0).length == 2",
        timeout=15_000)
    route = page.wait_for_selector("#city-routes li[data-visitor]", timeout=ROUTE_MS)
    text = route.inner_text()
    assert "Brankov most" in text and "Gazela" in text and "→" in text
    assert page.locator("#city-map polyline.route-line").count() == 1
    assert "661" in page.locator("#city-scale").inner_text()
    assert "C1" not in page.locator("#city").inner_text()  # places only: C1 is also a car id
    shot(page, "kiosk-city-en")
    assert serious_violations(page) == []
    small = page.evaluate("""() => [...document.querySelectorAll('#city *')]
        .filter((n) => n.childElementCount === 0 && n.textContent.trim() && n.getClientRects().length)
        .filter((n) => n instanceof SVGElement ? n.getBoundingClientRect().height < 17
                                              : parseFloat(getComputedStyle(n).fontSize) < 20)
        .map((n) => n.textContent.trim())""")
    assert small == []  # read from two metres, as the rest of the kiosk
    page.click("button[data-lang='sr']")
    assert page.locator("#city-title").inner_text() == "Grad u malom"
    page.wait_for_function("() => document.querySelector('#city-routes li').textContent.startsWith('Posetilac')")
    shot(page, "kiosk-city-sr")


def test_a_camera_picture_puts_that_place_in_the_big_picture(city, context):
    page = open_kiosk(context, city.url)
    button = page.locator("#city-cameras li[data-camera='C2'] button")
    button.click()
    assert "camera=C2" in page.locator("#stream").get_attribute("src")
    assert button.get_attribute("aria-pressed") == "true"
    page.locator("#city-cameras li[data-camera='C1'] button").click()
    assert page.locator("#stream").get_attribute("src").endswith("/stream.mjpg")


def test_the_facilitator_marks_a_visitor_and_the_kiosk_announces_where_they_appear(context):
    # One man at Brankov most; Gazela's camera sees an empty street until he walks there,
    # after he was marked: the announcement cannot depend on how a looping clip times out.
    at_brankov_most = still_source("obama.jpg")
    first_picture, _ = at_brankov_most.make(0)
    street = np.full_like(first_picture, 90)
    walked = threading.Event()
    gazela = ScriptedSource(lambda seq: at_brankov_most.make(seq) if walked.is_set()
                            else (street.copy(), None), name="gazela")
    with start_city(at_brankov_most, gazela) as engine, \
            ServedApp(engine, pin_hash=hash_pin(PIN)) as app:
        kiosk = open_kiosk(context, app.url)
        kiosk.wait_for_selector("li.card[data-visitor='V1']", timeout=45_000)
        console = facilitator_page(context, app.url)
        console.wait_for_selector("#marker-visitor option[value='V1']", state="attached")
        console.select_option("#marker-visitor", "V1")
        with console.expect_response(lambda r: "/facilitator/marker" in r.url) as refused:
            console.click("#marker button[value='mark']")
        assert refused.value.status == 400  # not ticked: the server refuses, whatever the page shows
        console.wait_for_selector("#messages p.error")
        assert "consent" in console.locator("#messages").inner_text().lower()
        console.check("#marker input[name='consent']")
        console.click("#marker button[value='mark']")
        console.wait_for_function("() => document.getElementById('marked').textContent.includes('V1')")
        assert kiosk.locator("#city-news").is_hidden()  # marked, but seen nowhere new yet
        walked.set()
        news = kiosk.wait_for_selector("#city-news:not([hidden])", timeout=30_000)
        assert news.inner_text() == "V1 seen at Gazela"
        shot(kiosk, "kiosk-city-marked")
        assert serious_violations(console) == []
        console.click("#pause")  # the cameras never stop showing him: blank them, then wipe
        console.wait_for_selector("#resume:not([hidden])")
        console.click("#wipe")
        kiosk.wait_for_selector("#receipt:not([hidden])")
        assert "Places: 2" in kiosk.locator("#receipt-counts").inner_text()
        assert kiosk.locator("#city-news").is_hidden()  # the marks went with the session


def test_a_camera_that_fails_is_marked_offline_on_the_kiosk_and_comes_back(context):
    broken = UnpluggableSource()
    with start_city(DemoSource(), broken) as engine, ServedApp(engine) as app:
        page = open_kiosk(context, app.url)
        page.wait_for_selector("#city-map .place[data-camera='C2']:not(.offline)")
        broken.plugged = False
        page.wait_for_selector("#city-map .place.offline[data-camera='C2']", timeout=10_000)
        assert "offline" in page.locator("#city-cameras li[data-camera='C2']").inner_text()
        assert page.locator("#city-map .place.offline").count() == 1  # the other place runs
        page.locator("#city-cameras li[data-camera='C2'] button").click()
        page.wait_for_function(
            "() => document.getElementById('camera-state').textContent.includes('Gazela')")
        shot(page, "kiosk-city-offline")
        broken.plugged = True
        page.wait_for_selector("#city-map .place[data-camera='C2']:not(.offline)", timeout=10_000)
