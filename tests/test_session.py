"""The idle wipe: a session wiped after N seconds with nobody in view, with a receipt."""

import pytest

from recognition.dossier import Dossier
from recognition.pipeline import Pipeline, RecognitionSettings
from recognition.session import Session
from tests.helpers import frame_of


def make_session(idle_wipe_s=10.0):
    pipeline = Pipeline(RecognitionSettings(detect_width_px=640))
    return Session(Dossier(), pipeline, idle_wipe_s=idle_wipe_s)


def see(session, name, at_s, seq):
    result = session.pipeline.process(frame_of(name, seq=seq, at_s=at_s, width=640))
    faces = session.dossier.record(result)
    return session.observe(at_s, len(faces))


def test_wiped_after_idle_time_with_receipt_and_next_number():
    session = make_session(idle_wipe_s=10.0)
    assert see(session, "two_people.jpg", 0.0, 0) is None
    assert session.info(0.0).active and session.info(4.0).wipe_in_s == 6.0
    assert session.observe(9.9, 0) is None
    receipt = session.observe(10.0, 0)
    assert (receipt.visitors, receipt.encodings) == (2, 2)
    assert session.number == 2 and not session.active
    assert session.dossier.profiles() == () and session.pipeline.tracker.tracks == ()
    assert session.last_receipt is receipt


def test_a_face_in_view_postpones_the_wipe():
    session = make_session(idle_wipe_s=10.0)
    see(session, "obama.jpg", 0.0, 0)
    see(session, "obama.jpg", 8.0, 1)
    assert session.observe(15.0, 0) is None
    assert session.observe(18.0, 0) is not None


def test_empty_session_is_never_wiped():
    session = make_session(idle_wipe_s=1.0)
    assert session.observe(100.0, 0) is None and session.number == 1


def test_visit_session_is_wiped_at_max_length_even_with_someone_in_view():
    session = Session(Dossier(), Pipeline(RecognitionSettings(detect_width_px=640)),
                      idle_wipe_s=10.0, max_session_s=30.0)
    for step in range(0, 30, 5):
        assert see(session, "obama.jpg", float(step), step) is None
    receipt = see(session, "obama.jpg", 30.0, 30)
    assert receipt.reason == "max-length" and receipt.session == 1 and receipt.visitors == 1


def test_workshop_records_only_between_start_and_end():
    session = Session(Dossier(), Pipeline(RecognitionSettings(detect_width_px=640)),
                      idle_wipe_s=1.0, mode="workshop")
    assert not session.recording and not session.active
    assert session.start(0.0) and not session.start(1.0)
    assert session.recording and session.active
    see(session, "obama.jpg", 1.0, 1)
    see(session, "biden.jpg", 50.0, 2)  # no idle wipe in workshop mode
    assert session.observe(500.0, 0) is None and session.dossier.visitor_count == 2
    receipt = session.end(600.0)
    assert (receipt.visitors, receipt.reason) == (2, "end")
    assert not session.recording and session.number == 2


def test_switching_mode_wipes_first():
    session = make_session()
    see(session, "obama.jpg", 0.0, 0)
    receipt = session.set_mode("workshop", 1.0)
    assert receipt.visitors == 1 and receipt.reason == "mode" and session.mode == "workshop"
    assert session.start(2.0)  # workshop sessions can now be started
    with pytest.raises(ValueError):
        session.set_mode("party", 3.0)
