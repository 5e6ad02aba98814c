"""Tracking: stable ids while a face moves, new ids after it is gone, encoding schedule."""

from recognition.tracking import Tracker
from recognition.types import Box


def test_moving_face_keeps_its_track_and_new_face_gets_a_new_one():
    tracker = Tracker(min_iou=0.3, max_age_s=1.0)
    (a,) = tracker.update([Box(100, 100, 200, 200)], 0.0)
    b, c = tracker.update([Box(400, 100, 500, 200), Box(110, 105, 210, 205)], 0.1)
    assert c.track_id == a.track_id
    assert b.track_id != a.track_id


def test_track_expires_after_max_age():
    tracker = Tracker(max_age_s=1.0)
    (a,) = tracker.update([Box(0, 0, 100, 100)], 0.0)
    (b,) = tracker.update([Box(0, 0, 100, 100)], 0.9)
    (c,) = tracker.update([Box(0, 0, 100, 100)], 2.5)
    assert a.track_id == b.track_id != c.track_id


def test_encoding_is_due_once_then_after_refresh():
    tracker = Tracker(refresh_s=3.0)
    (track,) = tracker.update([Box(0, 0, 100, 100)], 0.0)
    assert tracker.needs_encoding(track, 0.0)
    track.encoded_s = 0.0
    assert not tracker.needs_encoding(track, 2.9)
    assert tracker.needs_encoding(track, 3.0)


def test_reset_forgets_tracks():
    tracker = Tracker()
    tracker.update([Box(0, 0, 10, 10)], 0.0)
    tracker.reset()
    assert tracker.tracks == ()
