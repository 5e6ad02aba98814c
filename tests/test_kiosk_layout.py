"""The visitor screen read from two metres: font sizes and no overflow at 1920×1080.

The kiosk is driven with a crafted snapshot — ten cars, a visitor with ten companions, a
fresh wipe receipt — turned into JSON by the same ``state_json`` that serves ``/api/state``
and handed to the page as its server-sent events would be.
"""

from __future__ import annotations

import json
import re

import pytest

from dashboard.state import state_json
from device.assembly import build_session
from device.camera import DemoSource
from device.engine import Engine
from device.snapshot import Health, Snapshot
from recognition.dossier import WipeReceipt
from recognition.visitor import Companion, Profile
from recognition.faces.cues import Cues
from recognition.plates.cars import CarProfile
from recognition.plates.format import district_name, district_of, normalise
from recognition.plates.registry import lookup
from recognition.session import SessionInfo
from recognition.types import Box
from tests.helpers import ServedApp, shot

PLATES = ("BG123AB", "NS4567KM", "KG987XY", "NI2345CD", "SU456EF", "ČA789ŠŽ", "BG5555TT",
          "KV321AA", "PA6543BB", "ZR111CC")
MIN_PX = 20


def _car(number: int, text: str, visitors: tuple[str, ...]) -> CarProfile:
    plate = normalise(text)
    district = district_of(plate.text)
    return CarProfile(
        vehicle_id=f"C{number}", text=plate.text, display=plate.display, valid=plate.valid,
        country=plate.country, district=district, place=district_name(district),
        registry=lookup(plate.text), visitors=visitors, box=Box(10, 10, 130, 40),
        in_view=number == 1, readings=5, agreement=1.0, first_seen_s=float(number),
        last_seen_s=float(number) + 3)


def _visitor(number: int, *, companions=(), cars=()) -> Profile:
    return Profile(
        visitor_id=f"V{number}", first_seen_s=1.0, last_seen_s=40.0, sightings=2,
        seconds_in_view=35.0, in_view=True, box=Box(100, 100, 180, 180), returning=True,
        trajectory=tuple((t / 2, 0.2 + t / 200, 0.4) for t in range(60)),
        companions=companions, cues=Cues(True, False, True, 0.05, 0.3, 0.5),
        attention=0.5, clothing="blue", distance=0.31, cars=cars)


def crowded_state(language: str) -> dict:
    """Eleven visitors, V1 with ten companions and ten cars, and a receipt 3 s old."""
    companions = tuple(Companion(f"V{n}", 12.5, 40) for n in range(2, 12))
    cars = tuple(f"C{n}" for n in range(1, 11))
    visitors = (_visitor(1, companions=companions, cars=cars),
                *(_visitor(n, companions=(Companion("V1", 12.5, 40),)) for n in range(2, 12)))
    snapshot = Snapshot(
        session=SessionInfo(number=3, active=True, visitors=11, wipe_in_s=17.2, mode="visit",
                            started_s_ago=312.0, token="t0ken"),
        visitors=visitors, faces=(),
        health=Health(fps=30.0, analysis_fps=12.5, analysis_ms=40.0,
                      camera="file:/home/oko/clips/portraits.mp4", camera_ok=True,
                      frames_dropped=0, uptime_s=5000.0),
        last_receipt=WipeReceipt(wiped_at_s=97.0, visitors=2, encodings=9, sightings=3,
                                 tracks=2, trajectory_points=40, reason="idle", session=2),
        plates=tuple(_car(n, text, ("V1",)) for n, text in enumerate(PLATES, 1)),
        recording=True, taken_s=100.0)
    return {**state_json(snapshot), "display": {"language": language, "lesson": None}}


@pytest.fixture(scope="module")
def served():
    engine = Engine(DemoSource(), build_session())  # never started: the state is crafted
    with ServedApp(engine) as app:
        yield app


def open_with_state(context, url: str, state: dict, query: str = ""):
    """The kiosk page fed ``state`` through its event stream, as the server would send it."""
    page = context.new_page()
    body = f"retry: 60000\n\ndata: {json.dumps(state)}\n\n"
    page.route("**/events", lambda route: route.fulfill(
        status=200, headers={"Content-Type": "text/event-stream"}, body=body))
    page.route("**/stream.mjpg", lambda route: route.abort())
    page.goto(f"{url}/{query}", wait_until="commit")
    page.wait_for_selector("li.card:not(.compact)")
    page.wait_for_timeout(300)  # one more layout pass
    return page


READABLE = ["#known-title", ".lede", ".explain", ".item h4", ".item .value", ".bar-label",
            ".bar-count", ".sources", ".note", "#scale-learned", ".session-line",
            ".countdown-line", ".receipt p", ".plates .value", ".card h3", ".presence",
            ".privacy", "#health", ".panel h2", "#zone-note"]


def small_texts(page) -> list[str]:
    """Visible texts a visitor should read that render under :data:`MIN_PX`."""
    return page.evaluate("""([selectors, minPx]) => {
        const small = [];
        for (const selector of selectors) {
            for (const node of document.querySelectorAll(selector)) {
                if (!node.getClientRects().length || !node.textContent.trim()) continue;
                const size = parseFloat(getComputedStyle(node).fontSize);
                if (size < minPx) small.push(`${selector}: ${size}px`);
            }
        }
        for (const label of document.querySelectorAll("svg .graph-label")) {
            if (!label.getClientRects().length) continue;
            const px = parseFloat(getComputedStyle(label).fontSize) * label.getScreenCTM().a;
            if (px < minPx) small.push(`graph label: ${px.toFixed(1)}px`);
        }
        return small;
    }""", [READABLE, MIN_PX])


def overflowing(page) -> list[str]:
    """Cards and panels cut off or reaching outside their column or under the footer."""
    return page.evaluate("""() => {
        const bad = [];
        const footer = document.querySelector("footer").getBoundingClientRect().top;
        const columns = [[".known", "li.card, #receipt, #countdown, #idle"],
                         [".left", ".left .panel, .live"], ["main", "#cars"]];
        for (const [columnSelector, itemSelector] of columns) {
            const column = document.querySelector(columnSelector).getBoundingClientRect();
            for (const node of document.querySelectorAll(itemSelector)) {
                if (!node.getClientRects().length) continue;
                const box = node.getBoundingClientRect();
                const name = node.id || node.className || node.tagName;
                if (box.bottom > Math.min(column.bottom, footer) + 1 || box.right > column.right + 1)
                    bad.push(`${name} ends outside ${columnSelector}`);
                if (node.scrollHeight > node.clientHeight + 1) bad.push(`${name} cuts its content`);
            }
        }
        if (document.documentElement.scrollHeight > innerHeight + 1) bad.push("page scrolls");
        return bad;
    }""")


@pytest.mark.parametrize("language", ["en", "sr"])
def test_crowded_screen_is_readable_and_nothing_overflows(served, context, language):
    page = open_with_state(context, served.url, crowded_state(language), f"?lang={language}")
    shot(page, f"kiosk-crowded-{language}")
    assert small_texts(page) == []
    problems = overflowing(page)
    assert problems == [], "; ".join(problems)
    # Lesson step 7 counts what this session learned since it started (312 s), not uptime.
    assert re.search(r"\b6 min\b", page.locator("#scale-learned").inner_text())
    # The car in view comes first, then the most recently seen (C10 was seen last).
    shown = page.locator("#plates li:not(.more) .plate").all_inner_texts()
    assert shown[0] == "BG 123-AB" and (len(shown) == 1 or shown[1] == "ZR 111-CC"), shown
    more = page.locator("#plates .more")
    assert more.count() == 1 and more.inner_text()  # the cars that do not fit are counted


def test_registry_line_is_a_sentence_in_the_screen_language(served, context):
    page = open_with_state(context, served.url, crowded_state("sr"), "?lang=sr")
    first = page.locator("#plates li").first.locator("p").nth(1).inner_text()
    record = lookup(PLATES[0])
    assert record.owner in first and record.make in first
    assert " · " not in first and "C1" not in first
    assert "Fictional" not in first and "Izmišljeni podaci generisani" not in first
    assert "Registar (izmišljen)" in first and "boje" in first
    english_colours = ("white", "black", "silver", "grey", "dark blue", "red", "dark green")
    assert not any(colour in first for colour in english_colours), first


def test_footer_names_a_file_source_by_its_file(served, context):
    page = open_with_state(context, served.url, crowded_state("en"))
    health = page.locator("#health").inner_text()
    assert "portraits.mp4" in health and "/home/oko" not in health


def test_idle_screen_uses_the_column(served, context):
    state = crowded_state("en")
    state.update(visitors=[], plates=[], last_wipe=None)
    state["session"].update(active=False, visitors=0, wipe_in_s=None)
    page = context.new_page()
    body = f"retry: 60000\n\ndata: {json.dumps(state)}\n\n"
    page.route("**/events", lambda route: route.fulfill(
        status=200, headers={"Content-Type": "text/event-stream"}, body=body))
    page.route("**/stream.mjpg", lambda route: route.abort())
    page.goto(served.url, wait_until="commit")
    page.wait_for_function("() => document.querySelector('#session-line').textContent")
    shot(page, "kiosk-idle")
    used = page.evaluate("""() => {
        const column = document.querySelector(".known").getBoundingClientRect();
        const idle = document.querySelector("#idle").getBoundingClientRect();
        return (idle.bottom - column.top) / column.height;
    }""")
    assert used > 0.7
    problems = small_texts(page) + overflowing(page)
    assert problems == [], "; ".join(problems)
