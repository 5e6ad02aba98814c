"""``oko bench``'s viewer measurement runs and reports the figures it promises."""

from device.camera import DEMO_CLIP
from device.tools.bench_viewers import VIEWERS, viewers_drop
from recognition.pipeline import RecognitionSettings


def test_viewer_cost_reports_both_rates_and_the_drop():
    report = viewers_drop(DEMO_CLIP, RecognitionSettings(), 1.0, viewers=3, rounds=1)
    assert report["viewers"] == 3 and VIEWERS == 25
    assert report["fps_alone"] > 0 and report["fps_watched"] > 0  # both ran and analysed
    expected = max(0.0, (report["fps_alone"] - report["fps_watched"]) / report["fps_alone"] * 100)
    assert report["drop_pct"] == expected and report["upsample"] == 1
    assert report["frames_per_cpu_s_alone"] > 0 and report["frames_per_cpu_s_watched"] > 0
    assert 0 <= report["cpu_drop_pct"] <= 100 and 0 <= report["cpu_drop_beyond_one_pct"] <= 100
    assert report["fps_one"] > 0 and report["frames_per_cpu_s_one"] > 0
