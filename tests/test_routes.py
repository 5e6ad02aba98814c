"""Routes across cameras, without threads: the route book, and real photos analysed as frames
of two cameras into one session."""

import pytest

from recognition.dossier import Dossier
from recognition.pipeline import Pipeline
from recognition.routes import RouteBook, RouteLeg, gaps_s, places_visited, route_text
from tests.helpers import frame_of


def test_a_route_is_the_places_in_the_order_visited_with_times():
    book = RouteBook(gap_s=5.0)
    assert book.record("V1", "C1", 10.0)          # appears at C1: a new leg
    assert not book.record("V1", "C1", 12.0)      # still there
    assert book.record("V1", "C2", 40.0)          # walked to C2
    assert not book.record("V1", "C2", 41.0)
    assert book.record("V1", "C1", 90.0)          # and back
    route = book.route("V1", origin_s=10.0)
    assert route == (RouteLeg("C1", 0.0, 2.0), RouteLeg("C2", 30.0, 31.0), RouteLeg("C1", 80.0, 80.0))
    assert gaps_s(route) == (28.0, 49.0)
    assert places_visited(route) == 2
    text = route_text(route, {"C1": "Slavija", "C2": "Knez Mihailova"}, lambda s: f"+{s:.0f}s")
    assert text == "Slavija +0s → Knez Mihailova +30s → Slavija +80s"


def test_two_cameras_seeing_one_person_at_once_do_not_flap():
    book = RouteBook(gap_s=5.0)
    for i in range(20):  # both cameras see the visitor, frames alternating
        book.record("V1", "C1", i * 0.1)
        book.record("V1", "C2", i * 0.1 + 0.05)
    assert [leg.camera for leg in book.route("V1")] == ["C1", "C2"]


def test_leaving_and_coming_back_to_the_same_place_is_one_leg_and_routes_are_bounded():
    book = RouteBook(gap_s=5.0, max_legs=3)
    book.record("V1", "C1", 0.0)
    assert not book.record("V1", "C1", 100.0)  # nowhere else in between
    for i in range(10):
        book.record("V1", f"C{2 + i % 2}", 200.0 + 10 * i)
    assert len(book.route("V1")) == 3 and book.leg_count == 3
    assert book.cameras() == {"C2", "C3"}  # the oldest leg (at C1) was dropped
    assert book.wipe() == 3 and book.route("V1") == () and book.cameras() == set()


@pytest.fixture(scope="module")
def two_camera_session():
    """Obama at camera C1 and, 30 s later, in another photo at camera C2; Biden only at C2."""
    pipeline, dossier = Pipeline(), Dossier()
    seen = []
    for seq in range(4):
        frame = frame_of("obama.jpg", seq=seq, at_s=seq * 0.3, width=640)
        seen.append(dossier.record(pipeline.process(frame)))
    for seq in range(4):
        frame = frame_of("two_people.jpg", seq=seq, at_s=30 + seq * 0.3, width=800)
        seen.append(dossier.record(pipeline.process(
            type(frame)(frame.image, frame.captured_s, frame.seq, camera="C2"))))
    return dossier, seen


def test_a_visitor_seen_by_two_cameras_keeps_one_number_and_gets_a_route(two_camera_session):
    dossier, seen = two_camera_session
    at_c1 = {f.visitor_id for frame in seen[:4] for f in frame} - {None}
    at_c2 = {f.visitor_id for frame in seen[4:] for f in frame} - {None}
    assert at_c1 == {"V1"} and at_c2 == {"V1", "V2"}
    obama = next(p for p in dossier.profiles() if p.visitor_id == "V1")
    assert [leg.camera for leg in obama.route] == ["C1", "C2"]
    assert obama.route[1].first_seen_s - obama.route[0].last_seen_s == pytest.approx(29.1, abs=0.5)
    assert obama.sightings == 2  # one track at each camera
    biden = next(p for p in dossier.profiles() if p.visitor_id == "V2")
    assert [leg.camera for leg in biden.route] == ["C2"]
    (companion,) = obama.companions
    assert companion.visitor_id == "V2" and companion.cameras == ("C2",)


def test_the_receipt_counts_places_and_route_legs(two_camera_session):
    dossier, _ = two_camera_session
    receipt = dossier.wipe(100.0)
    assert receipt.places == 2 and receipt.route_legs == 3 and receipt.visitors == 2
    assert dossier.routes.leg_count == 0


def test_each_camera_has_its_own_tracks():
    # The same face at the same spot in two cameras' interleaved frames: each camera follows
    # its own track (a shared tracker would make it one track and never see camera 2).
    pipeline, dossier = Pipeline(), Dossier()
    tracks = set()
    for seq in range(6):
        for camera in ("C1", "C2"):
            frame = frame_of("obama.jpg", seq=seq, at_s=seq * 0.1, width=640)
            frame = type(frame)(frame.image, frame.captured_s, frame.seq, camera=camera)
            result = pipeline.process(frame)
            assert result.camera == camera
            tracks |= {(camera, f.track_id) for f in result.faces}
            dossier.record(result)
    assert {camera for camera, _ in tracks} == {"C1", "C2"}
    assert [p.visitor_id for p in dossier.profiles()] == ["V1"]
    pipeline.reset()
    assert pipeline.tracker.tracks == ()


def test_a_visitor_in_view_of_one_camera_stays_in_view_while_the_other_camera_sees_nobody():
    import numpy as np

    pipeline, dossier = Pipeline(), Dossier()
    for seq in range(10):  # frames of the two cameras alternate, 0.05 s apart
        at_s = seq * 0.1
        face = frame_of("obama.jpg", seq=seq, at_s=at_s, width=640)
        dossier.record(pipeline.process(face))
        empty = type(face)(np.full((480, 640, 3), 90, np.uint8), at_s + 0.05, seq, camera="C2")
        dossier.record(pipeline.process(empty))
        if seq:
            (profile,) = dossier.profiles()
            assert profile.in_view  # not "left" at every frame of the other camera
    (profile,) = dossier.profiles()
    assert profile.seconds_in_view == pytest.approx(0.8, abs=0.15)  # seen from 0.1 s to 0.9 s
    assert [leg.camera for leg in profile.route] == ["C1"]


def test_a_copy_of_the_route_book_shares_nothing():
    book = RouteBook()
    book.record("V1", "C1", 0.0)
    copy = book.copy()
    book.record("V1", "C2", 10.0)
    book.record("V1", "C2", 12.0)
    assert [leg.camera for leg in copy.route("V1")] == ["C1"]
    assert copy.version == 1 and book.version == 2
    book.wipe()
    assert copy.route("V1") == (RouteLeg("C1", 0.0, 0.0),)
