"""Printable prop plates and the plate evaluation (labels.csv folders, simulated camera)."""

import numpy as np
import pytest
from PIL import Image

from device.tools.plate_eval import (
    evaluate_plates,
    format_scores,
    read_labels,
    simulated_set,
)
from device.tools.props import (
    A4_LANDSCAPE_MM,
    PLATE_MM,
    STRIP_BLUE,
    plate_bgr,
    plate_image,
    random_texts,
    save_sheets,
    sheets,
)
from recognition.errors import ConfigError
from recognition.plates.format import is_serbian
from tests.helpers import DATA


def test_plate_has_the_real_proportions_and_a_blue_strip_on_the_left():
    image = plate_bgr("BG 123-AB", width_px=1040)
    height, width = image.shape[:2]
    assert width == 1040 and height == round(1040 * PLATE_MM[1] / PLATE_MM[0])
    strip = image[height // 4:3 * height // 4, 20:60].reshape(-1, 3).mean(axis=0)
    assert np.allclose(strip, STRIP_BLUE[::-1], atol=30)  # BGR
    assert image[height // 2, -60:].mean() > 200  # white field, right end


def test_plate_rejects_text_that_is_not_a_serbian_plate():
    with pytest.raises(ValueError, match="not a Serbian plate"):
        plate_image("ZG 9757-HG")


def test_random_texts_are_distinct_valid_and_repeatable():
    texts = random_texts(30, seed=4)
    assert len(set(texts)) == 30 and all(is_serbian(t) for t in texts)
    assert random_texts(30, seed=4) == texts


def test_sheets_are_a4_landscape_and_hold_the_plates(tmp_path):
    pages = sheets(random_texts(5, seed=1), per_page=3, dpi=100)
    assert len(pages) == 2
    expected = tuple(round(mm / 25.4 * 100) for mm in A4_LANDSCAPE_MM)
    assert all(p.size == expected for p in pages)
    pdf = save_sheets(pages, tmp_path / "props.pdf", dpi=100)
    assert pdf == [tmp_path / "props.pdf"] and pdf[0].read_bytes().startswith(b"%PDF")
    pngs = save_sheets(pages, tmp_path / "props.png", dpi=100)
    assert [p.name for p in pngs] == ["props-1.png", "props-2.png"]
    assert Image.open(pngs[0]).size == expected
    with pytest.raises(ValueError):
        save_sheets(pages, tmp_path / "props.jpg")


def test_simulated_frames_are_camera_sized_and_repeatable():
    first = simulated_set(3, seed=9)
    again = simulated_set(3, seed=9)
    assert all(f.image.shape == (480, 640, 3) for f in first)
    assert [f.plate for f in first] == [f.plate for f in again]
    assert all(np.array_equal(a.image, b.image) for a, b in zip(first, again))


def test_evaluating_a_labelled_folder():
    scores = evaluate_plates(DATA / "plates")
    assert scores.images == 10 and len(scores.outcomes) == 10
    assert 0.0 <= scores.characters <= 1.0 and scores.median_ms > 0
    assert "10 pictures" in format_scores(scores)


def test_a_folder_without_labels_says_what_it_needs(tmp_path):
    with pytest.raises(ConfigError, match="labels.csv"):
        read_labels(tmp_path)
