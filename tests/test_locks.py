"""Critical sections copy, never compute: what runs under the engine lock, and what does not.

Each test records, at the moment a costly step runs, whether the engine lock is held. The
engine here is not started, so nothing else ever holds the lock.
"""

from __future__ import annotations

import device.engine as engine_module
import device.facilitation as facilitation_module
from recognition.dossier import Dossier
from tests.helpers import fed_engine


def watch_lock(monkeypatch, engine, owner, name, calls):
    """Record ``(name, lock held)`` whenever ``owner.name`` is called."""
    real = getattr(owner, name)

    def recorded(*args, **kwargs):
        calls.append((name, engine._lock.locked()))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)


def test_snapshot_builds_profiles_and_reads_sys_outside_the_engine_lock(monkeypatch):
    engine = fed_engine("two_people.jpg", "two_people.jpg")
    expected_visitors = engine.session.dossier.profiles()
    calls: list[tuple[str, bool]] = []
    for name in ("profiles", "vehicles"):
        watch_lock(monkeypatch, engine, Dossier, name, calls)
    watch_lock(monkeypatch, engine, engine_module, "read_cpu_temp_c", calls)
    snapshot = engine.snapshot()
    assert sorted(calls) == [("profiles", False), ("read_cpu_temp_c", False), ("vehicles", False)]
    # Built from a copy, the profiles are the dossier's own.
    assert snapshot.visitors == expected_visitors and len(snapshot.visitors) == 2
    assert snapshot.visitors[0].companions[0].visitor_id == "V2"


def test_the_copy_a_snapshot_is_built_from_holds_no_faceprint_or_picture():
    engine = fed_engine("obama.jpg", "obama.jpg")
    copy = engine.session.dossier.copy_records()
    assert copy.identities.encoding_count == 0 and copy.thumbnail("V1") is None
    assert copy.profiles() == engine.session.dossier.profiles()
    copy._visitors["V1"].trajectory.clear()  # shares nothing mutable with the dossier
    assert engine.session.dossier.profiles()[0].trajectory


def test_thumbnails_are_encoded_outside_the_engine_lock(monkeypatch):
    engine = fed_engine("obama.jpg", "obama.jpg")
    calls: list[tuple[str, bool]] = []
    watch_lock(monkeypatch, engine, facilitation_module, "encode_jpeg", calls)
    data = engine.thumbnail_jpeg("V1")
    assert data[:3] == b"\xff\xd8\xff" and calls == [("encode_jpeg", False)]
    assert engine.session.dossier.thumbnail("V1").any()  # the kept thumbnail is untouched
