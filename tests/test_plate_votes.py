"""Plates across frames (one vehicle per car, readings voted) and the fictional registry."""

import pytest

from recognition.plates.format import normalise
from recognition.plates.read import PlateReading
from recognition.plates.registry import FICTIONAL_NOTICE, lookup
from recognition.plates.votes import PlateTracker, vote
from recognition.types import Box


def reading(raw: str, box: Box = Box(100, 100, 300, 145), confidence: float = 0.9
            ) -> PlateReading:
    plate = normalise(raw)
    return PlateReading(plate.text, plate.display, raw, plate.valid, plate.country, box,
                        confidence)


def moved(box: Box, dx: int) -> Box:
    return Box(box.left + dx, box.top, box.right + dx, box.bottom)


def test_a_plate_seen_in_several_frames_is_one_vehicle():
    tracker = PlateTracker()
    box = Box(100, 100, 300, 145)
    ids = [tracker.update([reading("BG123AB", moved(box, 8 * i))], i * 0.1)[0][1]
           for i in range(6)]
    assert ids == ["C1"] * 6
    (car,) = tracker.vehicles()
    assert (car.vehicle_id, car.text, car.display, car.readings) == ("C1", "BG123AB",
                                                                      "BG 123-AB", 6)


def test_readings_are_voted_character_by_character():
    tracker = PlateTracker()
    for i, raw in enumerate(["BG123AB", "BG128AB", "BG123AR", "BG123AB", "unreadable"]):
        tracker.update([reading(raw)], i * 0.1)
    (car,) = tracker.vehicles()
    assert car.text == "BG123AB" and car.valid
    assert car.agreement == pytest.approx(2 / 4)


def test_vote_never_builds_an_invalid_plate_and_prefers_serbian_reads():
    assert vote([]) == ("", 0.0)
    # A foreign misread of a Serbian plate is outvoted by one valid reading.
    text, _ = vote([reading("XG123AB"), reading("XG123AB"), reading("BG123AB", confidence=0.5)])
    assert text == "BG123AB"


def test_an_unreadable_plate_stays_unreadable():
    tracker = PlateTracker()
    for i in range(3):
        tracker.update([reading("???")], i * 0.1)
    (car,) = tracker.vehicles()
    assert (car.text, car.display, car.valid) == ("", "unreadable", False)


def test_two_cars_are_two_vehicles():
    tracker = PlateTracker()
    pairs = tracker.update([reading("BG123AB", Box(10, 10, 210, 55)),
                            reading("NS4567TX", Box(350, 300, 600, 350))], 0.0)
    assert [v for _, v in pairs] == ["C1", "C2"]
    assert tracker.in_view() == ("C1", "C2")


def test_a_car_that_comes_back_is_merged_into_its_first_entry():
    tracker = PlateTracker(max_gap_s=1.0)
    tracker.update([reading("BG123AB", Box(10, 10, 210, 55))], 0.0)
    tracker.update([reading("NS4567TX", Box(350, 300, 600, 350))], 5.0)
    (_, vehicle), = tracker.update([reading("BG123AB", Box(300, 200, 500, 245))], 10.0)
    assert vehicle == "C1"
    assert [v.vehicle_id for v in tracker.vehicles()] == ["C1", "C2"]
    assert tracker.vehicles()[0].last_seen_s == 10.0


def test_ocr_stops_once_the_vote_is_settled():
    tracker = PlateTracker(enough_readings=3)
    (vehicle,) = tracker.track([Box(0, 0, 200, 45)], 0.0)
    for i in range(3):
        assert tracker.due(vehicle)
        tracker.add(vehicle, reading("BG123AB", Box(0, 0, 200, 45)))
    assert not tracker.due(vehicle)
    # It still follows the plate without new readings.
    assert tracker.track([Box(4, 0, 204, 45)], 0.1) == [vehicle]


def test_wipe_forgets_everything_and_restarts_ids():
    tracker = PlateTracker()
    tracker.update([reading("BG123AB"), reading("NS4567TX", Box(400, 300, 600, 345))], 0.0)
    assert tracker.wipe() == 2
    assert tracker.vehicles() == () and tracker.in_view() == ()
    assert tracker.update([reading("KG098OD")], 1.0)[0][1] == "C1"


def test_registry_records_are_fictional_and_repeatable():
    record = lookup("BG123AB")
    assert record is not None and record.fictional is True
    assert record.notice == FICTIONAL_NOTICE
    assert record == lookup("BG123AB")
    assert record.place == "Beograd"
    assert record.owner.count(" ") == 1 and 1985 < record.year < 2026
    assert lookup("NS4567TX").place == "Novi Sad"
    owners = {lookup(f"BG{n}AB").owner for n in range(100, 140)}
    assert len(owners) > 20  # generated per plate, not one name for all


@pytest.mark.parametrize("text", ["", "ZG9757HG", "BG123A", "BG 123-AB"])
def test_registry_only_knows_well_formed_serbian_plates(text):
    assert lookup(text) is None
