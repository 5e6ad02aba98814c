"""``oko bench --json``: the contract keys, and the ratios (measured in one run) that must
hold on any machine; absolute times are for reading, not for testing."""

import json

from tests.helpers import oko

KEYS = {"fps", "textbook_fps", "speedup", "visitors", "textbook_visitors", "first_profile_s",
        "rss_mb", "wipe_ms", "stages_ms", "by_faces", "by_resolution", "viewers", "viewers_25"}


def test_bench_json_has_every_figure_and_we_beat_the_textbook_loop():
    result = oko("bench", "--json", "--seconds", "2", "--cores", "1", timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert KEYS <= report.keys()
    assert report["speedup"] > 2 and report["fps"] > report["textbook_fps"]
    # Combining a track's faceprints never finds more people than the textbook loop does.
    assert 1 <= report["visitors"] <= report["textbook_visitors"]
    # Times are figures to read, not to test: a slow or busy machine must not fail the suite.
    assert report["first_profile_s"] is not None and report["first_profile_s"] > 0
    assert 50 < report["rss_mb"] < 1000 and report["wipe_ms"] >= 0
    assert {"detect", "track", "encode", "match", "decode", "jpeg"} <= report["stages_ms"].keys()
    assert set(report["by_faces"]) == {"1", "3", "5", "10"}
    assert set(report["by_resolution"]) == {"320x240", "640x480", "1280x720"}
    assert all(v["fps"] > 0 for v in report["by_faces"].values())
    cameras = report["cameras"]  # two cameras sharing the analysis: both are served
    assert cameras["count"] == 2 and len(cameras["fps_each"]) == 2
    assert min(cameras["fps_each"]) > 0.25 * max(cameras["fps_each"])
    assert cameras["route_to_state_s"] is not None and cameras["route_to_kiosk_s"] is not None
    crowd = report["viewers_25"]
    assert crowd["viewers"] == 25 and crowd["fps_alone"] > 0 and crowd["fps_watched"] > 0
    assert 0 <= crowd["drop_pct"] <= 100 and crowd["target_pct"] == 10.0
