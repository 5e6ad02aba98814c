"""The shape reader: plate glyphs classified by HOG against shapes learnt from real fonts."""

import cv2
import numpy as np
import pytest

from device.tools.plate_eval import evaluate_plates, simulated_set
from device.tools.props import plate_bgr
from recognition.errors import ModelUnavailable
from recognition.pipeline import Pipeline, RecognitionSettings
from recognition.plates.font import prop_font_file
from recognition.plates.glyphs import character_line
from recognition.plates.ocr import tesseract
from recognition.plates.read import _read_line, read_plate
from recognition.plates.shapes import (
    GLYPH_SIZE,
    _learnt,
    learn_shapes,
    normalised,
    shape_reader,
)
from tests.helpers import REPO


def shapes_of(text, width_px=300):
    """The shape reader's best reading of each character of a rendered prop plate."""
    line = character_line(plate_bgr(text, width_px=width_px))
    return "".join(choices[0][0] for choices in shape_reader().read(line))


@pytest.mark.parametrize("text", ["BG123AB", "NS4567TX", "KG098OD", "SM2222MN", "ZR951JF",
                                  "ČA809ŠŽ", "BĆ130ĆČ", "ĐA5426IP", "KŠ905ĐE", "VŠ790WY"])
def test_every_character_of_a_prop_plate_is_known_by_its_shape(text):
    # O and 0 differ only a little in width in most faces; the plate format tells them apart
    # by position (and foreign plates are compared with them folded).
    fold = str.maketrans("O", "0")
    assert shapes_of(text).translate(fold) == text.translate(fold)


def test_the_shapes_tesseract_confuses_are_told_apart():
    # M/N/W, 9/5, 0/O and the marked letters are where the English OCR model slips.
    assert shapes_of("SM959MN") == "SM959MN"
    assert shapes_of("PA900OO") == "PA900OO"
    assert shapes_of("ŠA481ČS") == "ŠA481ČS"


def test_small_plates_keep_most_characters():
    right = sum(a == b for text in ("BG123AB", "NI960JA", "PO9584NH", "SA566MM")
                for a, b in zip(shapes_of(text, width_px=120), text))
    assert right >= 27  # of 29: characters here are ~17 px tall


def test_shares_are_a_ranking_that_sums_to_at_most_one():
    line = character_line(plate_bgr("BG123AB", width_px=300))
    for choices in shape_reader().read(line, alternatives=3):
        shares = [share for _, share in choices]
        assert shares == sorted(shares, reverse=True) and 0 < sum(shares) <= 1 + 1e-6
        assert len(choices) <= 3


def test_learning_is_repeatable():
    fonts = [prop_font_file()]
    first = learn_shapes(fonts, samples_per_font=2, seed=4)
    again = learn_shapes(fonts, samples_per_font=2, seed=4)
    other = learn_shapes(fonts, samples_per_font=2, seed=5)
    np.testing.assert_array_equal(first._features, again._features)
    assert not np.array_equal(first._features, other._features)


def test_a_reader_that_knows_few_glyphs_still_reads():
    # Fewer learnt glyphs than neighbours that vote: every one of them votes.
    reader = learn_shapes([prop_font_file()], samples_per_font=1)
    small = type(reader)(reader._features[:3], reader._labels[:3])
    line = character_line(plate_bgr("BG123AB", width_px=300))
    assert all(choices and choices[0][0] in reader._labels[:3] for choices in small.read(line))


def test_no_typeface_names_the_fix(tmp_path):
    with pytest.raises(ModelUnavailable, match="fonts-liberation"):
        learn_shapes([str(tmp_path / "missing.ttf")])
    with pytest.raises(ModelUnavailable, match="fonts-dejavu-core"):
        learn_shapes([])
    with pytest.raises(ValueError):
        learn_shapes([prop_font_file()], samples_per_font=0)


def test_without_the_shape_reader_tesseract_reads_alone():
    # What plates fall back to on a system without the typefaces (shapes_or_none is None).
    line = character_line(plate_bgr("NS4567TX", width_px=400))
    found, raw, positions = _read_line(line, tesseract(), None)
    assert found.text == "NS4567TX" and raw
    assert all(share <= 1.0 for choices in positions for _, share in choices)


@pytest.mark.parametrize("script", ["scripts/setup.sh", "scripts/install-pi.sh"])
def test_the_installers_bring_the_typefaces(script):
    text = (REPO / script).read_text()
    assert "fonts-liberation" in text and "fonts-dejavu-core" in text


def test_an_empty_line_reads_nothing():
    blank = np.full((64, 300, 3), 255, np.uint8)
    assert shape_reader().read(character_line(blank)) == []


def test_a_glyph_wider_than_the_canvas_is_fitted_not_cut():
    ink = np.full((40, 200), 255, np.uint8)
    glyph = normalised(ink, 40.0)
    assert glyph.shape == GLYPH_SIZE[::-1]
    assert glyph[:, 0].max() == 0 and glyph[:, GLYPH_SIZE[0] // 2].max() == 255
    assert not normalised(ink[5:20, 5:5], 40.0).any()  # an empty box: an empty glyph


def test_pooled_with_tesseract_prop_photos_read_at_the_quality_bar():
    # The bar: >= 95 % of single simulated camera photos of props read exactly.
    # `oko eval plates --simulate 300` gives the README's figures; this fixed set of 120
    # keeps the suite quick and cannot drift, since the frames are seeded.
    scores = evaluate_plates(simulated_set(120, seed=11))
    assert scores.exact >= 0.95, [(o.expected, o.read) for o in scores.outcomes
                                  if o.read != o.expected]
    assert scores.wrong_valid <= 2


def test_the_shape_reader_reads_what_tesseract_misses():
    class BlindEngine:
        """An OCR engine that reads nothing at all."""

        def read_line(self, grey):
            return []

    # With no help from Tesseract, the shape reader alone still reads the plate.
    reading = read_plate(plate_bgr("KM2745NM", width_px=320), BlindEngine())
    assert (reading.text, reading.valid) == ("KM2745NM", True)


def test_the_pipeline_loads_the_readers_before_the_first_plate():
    _learnt.cache_clear()
    off = Pipeline(RecognitionSettings(plates=False))
    off.warm_up()  # plates off: nothing to load, nothing reported
    assert _learnt.cache_info().currsize == 0 and off.plates_unavailable is None
    pipeline = Pipeline(RecognitionSettings())
    pipeline.warm_up()
    assert _learnt.cache_info().currsize == 1 and pipeline.plates_unavailable is None


def test_blue_beside_the_characters_does_not_blank_those_left_of_it():
    # Slovak plates have a blue shield and coloured dots between their groups, in the left
    # third of the plate where the EU strip is looked for: only the strip itself (the first
    # run of blue columns, at the left edge) is blanked, not the letters before the blue.
    plate = plate_bgr("BG123AB", width_px=300)
    cv2.rectangle(plate, (92, 18), (97, 48), (200, 60, 0), thickness=-1)  # blue, BGR
    line = character_line(plate)
    assert len(line.boxes) == 7
    assert shape_reader().read(line)[0][0][0] == "B"


def test_a_faint_blurred_plate_is_found_with_its_contrast_stretched():
    # A plate seen through haze or on a blue-lit car spans 25 grey levels: at the usual ink
    # offset its thin strokes break up and no row is found; stretched first, all seven are.
    # (At 30 levels the pieces of each broken character are now joined again without it.)
    plate = plate_bgr("KG115AN", width_px=130).astype(np.float32)
    faint = cv2.GaussianBlur(120 + plate * 25 / 255, (3, 3), 0).astype(np.uint8)
    assert len(character_line(faint).boxes) == 0
    assert len(character_line(faint, stretch=True).boxes) == 7
