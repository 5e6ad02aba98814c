"""Tracking: stable ids while a face moves, new ids after it is gone, encoding schedule."""

import numpy as np

from recognition.faces.tracking import Tracker
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


def test_new_track_is_confirmed_quickly_then_refreshed_slowly():
    tracker = Tracker(refresh_s=3.0, confirm_interval_s=0.3)
    (track,) = tracker.update([Box(0, 0, 100, 100)], 0.0)
    due = []
    for step in range(1, 41):  # 4 s in steps of 0.1 s
        now = step / 10
        if tracker.needs_encoding(track, now):
            due.append(now)
            track.add_sample(np.full(128, now), now)
    assert tracker.needs_encoding(Tracker().update([Box(0, 0, 9, 9)], 0.0)[0], 0.0)
    assert due == [0.1, 0.4, 0.7, 3.7]
    # Five samples at most; the mean is the combined faceprint.
    assert len(track.samples) == 4


def test_combined_faceprint_is_the_mean_and_old_samples_are_zeroed():
    tracker = Tracker()
    (track,) = tracker.update([Box(0, 0, 100, 100)], 0.0)
    first = np.full(128, 1.0)
    track.add_sample(first, 0.0)
    for value in (2.0, 3.0, 4.0, 5.0):
        combined = track.add_sample(np.full(128, value), value)
    assert combined[0] == 3.0
    combined = track.add_sample(np.full(128, 6.0), 6.0)
    assert combined[0] == 4.0 and not first.any()


def test_reset_zeroes_and_forgets_tracks():
    tracker = Tracker()
    (track,) = tracker.update([Box(0, 0, 10, 10)], 0.0)
    sample = np.ones(128)
    track.add_sample(sample, 0.0)
    tracker.reset()
    assert tracker.tracks == () and not sample.any()
