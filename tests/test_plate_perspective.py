"""Plates as the exhibit really sees them (#15, #20 item 4): held at an angle, tilted back,
close up, in shadow, in typefaces no reader learnt from, with Đ Č Ć Š Ž; and things that are
not plates (a T-shirt slogan, a poster, a book cover, a barcode, a plate upside down)."""

import time

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from device.tools.plate_eval import evaluate_plates
from device.tools.plate_sim import TILTED_PROP, condition_set
from device.tools.props import plate_bgr
from recognition.dossier import Dossier
from recognition.pipeline import Pipeline
from recognition.plates.agreement import contested, spacing_fits, unanimous
from recognition.plates.detect import detect_plates
from recognition.plates.font import HELD_OUT_FONT_FILES, SIMILAR_FONT_FILES, prop_font_file
from recognition.plates.outline import plate_outline
from recognition.plates.read import read_plates
from recognition.plates.upright import upright_quad
from recognition.types import Box, Frame
from tests.helpers import load_bgr

BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def tilted_props(seeds):
    """The prop of #20 item 4, "BG 123-AB" with its top corners pulled in by 10 % of its
    width, photographed once per seed (other place, light, blur, noise, JPEG)."""
    frames = [condition_set(1, seed=s, conditions=("tilted back",))[0] for s in seeds]
    assert all(f.plate == TILTED_PROP for f in frames)
    return frames


def test_a_prop_tilted_back_is_read_right_or_unreadable_never_another_plate():
    readings = [r for f in tilted_props(range(8)) for r in read_plates(f.image)]
    assert readings, "the tilted prop is not even found"
    wrong = [r.text for r in readings if r.valid and r.text != TILTED_PROP]
    assert not wrong
    # And it is straightened well enough to read, most of the time.
    assert sum(r.text == TILTED_PROP for r in readings) >= 6


def test_a_tilted_prop_held_up_in_a_session_becomes_the_right_car_or_none():
    # As live (#20 item 4): one visitor holds the tilted prop up over many frames, with the
    # light and the camera noise changing; the pipeline votes readings into one car.
    pipeline, dossier = Pipeline(), Dossier()
    frames = tilted_props(range(4)) * 3
    for i, frame in enumerate(frames):
        dossier.record(pipeline.process(Frame(frame.image, i / 10, i)))
    cars = dossier.vehicles()
    assert all(car.text == TILTED_PROP for car in cars if car.valid)
    assert any(car.text == TILTED_PROP for car in cars)


def test_the_plate_is_straightened_by_its_four_corners():
    (frame,) = tilted_props([0])
    (candidate,) = [c for c in detect_plates(frame.image) if c.box.iou(frame.box) > 0.5]
    assert candidate.outlined  # perspective undone by the plate's outline, not the row
    line = candidate.line
    assert line.groups == (2, 3, 2)
    # Square-on, every character stands as tall as the others (a keystone left in would
    # make the characters at one end taller or leaning).
    heights = [b.height for b in line.boxes]
    assert max(heights) - min(heights) <= 0.12 * np.median(heights)


def test_the_outline_is_the_plate_and_nothing_around_it():
    plate = plate_bgr("NS 279-CĐ", width_px=300)
    frame = np.full((480, 640, 3), 110, np.uint8)
    frame[200:200 + plate.shape[0], 150:450] = plate
    h = plate.shape[0]
    chars = np.float32([[150 + 0.12 * 300, 200 + 0.1 * h], [450 - 0.02 * 300, 200 + 0.1 * h],
                        [450 - 0.02 * 300, 200 + 0.9 * h], [150 + 0.12 * 300, 200 + 0.9 * h]])
    corners = plate_outline(frame, chars)
    assert corners is not None
    xs, ys = corners[:, 0], corners[:, 1]
    # The light field (right of the blue strip, inside the border), with a small margin.
    assert 150 + 0.04 * 300 < xs.min() < 150 + 0.10 * 300 and 440 < xs.max() < 458
    assert 200 - 0.15 * h < ys.min() < 200 + 0.08 * h and 200 + 0.92 * h < ys.max() < 200 + 1.15 * h
    # On a light wall the field runs into its surroundings: no outline, rather than a wrong one.
    frame[:] = 255
    frame[200:200 + h, 150:450] = plate
    frame[200:200 + h, 150:150 + 300][plate.sum(axis=2) < 200] = plate[plate.sum(axis=2) < 200]
    cv2.rectangle(frame, (150, 200), (449, 200 + h - 1), (255, 255, 255), 3)  # no border
    assert plate_outline(frame, chars) is None


@pytest.mark.parametrize("condition, least", [
    ("perspective", 9), ("turned", 9), ("tilted back", 6), ("close", 9), ("low contrast", 9),
    ("unseen typeface", 9)])
def test_hard_conditions_read_mostly_and_never_as_another_plate(condition, least):
    scores = evaluate_plates(condition_set(12, seed=21, conditions=(condition,)))
    assert scores.wrong_valid == 0
    assert scores.exact * 12 >= least


@pytest.mark.parametrize("margin_px", [0, 10])
def test_a_plate_filling_the_whole_picture_is_read(margin_px):
    # A tight crop, or a prop held right in front of the camera: the characters are most of
    # the picture's height, which the detector once ruled out.
    plate = cv2.copyMakeBorder(plate_bgr("NS 279-CĐ", width_px=400), *(margin_px,) * 4,
                               cv2.BORDER_CONSTANT, value=(128, 128, 128))
    assert [(r.text, r.valid) for r in read_plates(plate)] == [("NS279CĐ", True)]


def test_held_out_typefaces_are_never_learnt_from():
    learnt = {prop_font_file(), *SIMILAR_FONT_FILES}
    assert not learnt & set(HELD_OUT_FONT_FILES)
    # …and they really are other typefaces: the same plate drawn in them differs.
    prop = plate_bgr("BG 123-AB", width_px=400)
    for path in HELD_OUT_FONT_FILES:
        other = plate_bgr("BG 123-AB", width_px=400, font_path=path)
        assert np.mean(np.abs(prop.astype(int) - other.astype(int))) > 3


@pytest.mark.parametrize("text", ["NS279CĐ", "BG003EČ", "ČA123ŠŽ", "ĆU478IV"])
def test_letters_with_marks_read_as_themselves_on_a_camera_photo(text):
    background = cv2.resize(load_bgr("biden.jpg"), (640, 480), interpolation=cv2.INTER_AREA)
    plate = plate_bgr(text, width_px=260)
    for x, y in ((60, 80), (300, 300)):
        image = background.copy()
        image[y:y + plate.shape[0], x:x + plate.shape[1]] = plate
        image = cv2.GaussianBlur(image, (0, 0), 0.7)
        assert [r.text for r in read_plates(image) if r.valid] == [text]


def test_a_lost_mark_is_not_shown_as_the_bare_letter():
    # The shape reader sees a Đ, Tesseract a D: the plate is not known, not "NS 279-CD".
    tess = [(("N", 0.99),), (("S", 0.99),), (("2", 0.99),), (("7", 0.99),), (("9", 0.99),),
            (("C", 0.99),), (("D", 0.99),)]
    shapes = [*tess[:6], (("Đ", 0.9), ("D", 0.1))]
    assert contested("NS279CD", tess, shapes)
    assert not contested("NS279CĐ", tess, shapes)


def test_readers_disagreeing_on_a_letter_make_the_plate_unreadable():
    tess = [(("B", 0.99),), (("G", 0.99),), (("1", 0.99),), (("2", 0.99),), (("3", 0.99),),
            (("N", 0.95),), (("B", 0.99),)]
    shapes = [*tess[:5], (("A", 0.8), ("N", 0.2)), (("B", 1.0),)]
    assert contested("BG123NB", tess, shapes)
    assert contested("BG123AB", tess, shapes)  # neither is known
    agreeing = [*tess[:5], (("N", 0.9),), (("B", 1.0),)]
    assert not contested("BG123NB", tess, agreeing)
    # Look-alikes across kinds are the format's business, not a disagreement.
    zero = [*tess[:2], (("I", 0.9),), *tess[3:]]
    assert not contested("BG123NB", zero, agreeing)


def test_a_small_plate_needs_both_readers_to_name_every_character():
    tess = [(("B", 0.99),), (("G", 0.99),), (("1", 0.99),), (("2", 0.99),), (("3", 0.99),),
            (("A", 0.95),), (("B", 0.99),)]
    assert unanimous(tess, tess, "BG123AB")
    looks = [*tess[:2], (("I", 0.9),), *tess[3:]]  # I for 1: the format's business
    assert unanimous(looks, tess, "BG123AB")
    silent = [*tess[:6], ()]  # Tesseract saw nothing at the last position
    assert not unanimous(silent, tess, "BG123AB")
    other = [*tess[:5], (("N", 0.6),), tess[6]]
    assert not unanimous(tess, other, "BG123AB")


def test_small_props_are_read_more_often_but_not_wrongly():
    scores = evaluate_plates(condition_set(12, seed=2, conditions=("small",)))
    # One of these 12 (UR3979ON) has its O read as C by both readers, each sure, once its
    # broken N is joined again: a reader's error, not the glyph stage's. Over 3 x 300 small
    # props (seeds 1-3) wrong valid reads went 28 -> 27 with that join.
    assert scores.wrong_valid <= 1
    assert scores.exact * 12 >= 4  # 90–120 px wide; 6 of 12 here


def test_a_digit_lost_between_others_is_seen_in_the_spacing():
    def boxes(centres):
        return [Box(int(c - 8), 0, int(c + 8), 40) for c in centres]

    plate = [10, 54, 138, 182, 226, 294, 338]  # 2 | 3 | 2, cells 44 apart, shield, hyphen
    assert spacing_fits(boxes(plate), (2, 3, 2))
    four = [10, 54, 138, 182, 226, 270, 338, 382]
    assert spacing_fits(boxes(four), (2, 4, 2))
    lost_inside = [10, 54, 138, 182, 270, 338, 382]  # 4 digits, the third not found
    assert not spacing_fits(boxes(lost_inside), (2, 3, 2))
    lost_first = [10, 54, 182, 226, 270, 338, 382]
    assert not spacing_fits(boxes(lost_first), (2, 3, 2))


def _picture(draw_on) -> np.ndarray:
    image = Image.new("RGB", (640, 480), (90, 100, 120))
    draw_on(ImageDraw.Draw(image))
    return np.ascontiguousarray(np.asarray(image)[..., ::-1])


def _tshirt(draw):
    draw.rounded_rectangle([120, 80, 520, 470], 40, fill=(235, 235, 235))
    draw.text((150, 180), "OKO 2024", font=ImageFont.truetype(BOLD, 64), fill=(10, 10, 10))
    draw.text((160, 270), "BELGRADE RUN", font=ImageFont.truetype(BOLD, 40), fill=(10, 10, 10))


def _poster(draw):
    draw.rectangle([0, 0, 640, 480], fill=(250, 248, 240))
    words = "SALE OPEN MUSEUM NIGHT 2025 FROM 1200 RSD BG CITY HALL AB 123 NS 45 KM".split()
    y = 20
    for i, size in enumerate((48, 36, 30, 24, 22, 20, 18, 18, 16, 16, 14, 14)):
        line = " ".join(words[(i * 5 + k) % len(words)] for k in range(6))
        draw.text((20, y), line, font=ImageFont.truetype(BOLD, size), fill=(20, 20, 20))
        y += size + 10


def _book(draw):
    draw.rectangle([140, 40, 500, 460], fill=(230, 220, 190))
    draw.text((170, 90), "THE CITY", font=ImageFont.truetype(SERIF, 54), fill=(20, 20, 20))
    draw.text((170, 160), "THAT WATCHES", font=ImageFont.truetype(SERIF, 40), fill=(20, 20, 20))
    draw.text((190, 390), "Ana Petrovic 1984", font=ImageFont.truetype(SERIF, 26),
              fill=(20, 20, 20))


def _barcode(draw):
    draw.rectangle([150, 150, 490, 330], fill=(255, 255, 255))
    widths = [2, 3, 2, 4, 6, 2, 2, 3, 4, 2, 6, 3, 2, 2, 4, 3, 6, 2, 3, 2] * 4
    x = 170
    for i, w in enumerate(widths):
        if x + w > 470:
            break
        if i % 2 == 0:
            draw.rectangle([x, 165, x + w - 1, 290], fill=(0, 0, 0))
        x += w
    draw.text((175, 295), "8 600123 456789", font=ImageFont.truetype(BOLD, 26), fill=(0, 0, 0))


@pytest.mark.parametrize("draw_on", [_tshirt, _poster, _book, _barcode],
                         ids=["T-shirt slogan", "poster", "book cover", "barcode"])
def test_text_that_is_not_a_plate_gives_no_plate(draw_on):
    image = _picture(draw_on)
    assert not [r for r in read_plates(image) if r.valid or r.country == "foreign"]


def test_text_that_is_not_a_plate_does_not_stall_the_live_loop():
    # Measured against frames with a plate, interleaved in one run: a poster, a book cover
    # or a plate upside down may cost a few plate frames, not a pile of OCR retries.
    upside = cv2.resize(load_bgr("obama.jpg"), (640, 480))
    upside[300:365, 200:500] = cv2.rotate(plate_bgr("BG 123-AB", width_px=300), cv2.ROTATE_180)
    hard = [_picture(_poster), _picture(_book), upside]
    plates = [f.image for f in condition_set(3, seed=4, conditions=("level",))]
    read_plates(plates[0])  # readers loaded before timing
    hard_s, plate_s = [], []
    for _ in range(3):
        for image, into in [*((h, hard_s) for h in hard), *((p, plate_s) for p in plates)]:
            started = time.perf_counter()
            read_plates(image)
            into.append(time.perf_counter() - started)
    assert np.median(hard_s) < 6 * np.median(plate_s)


def test_a_plate_upside_down_gives_no_plate():
    image = cv2.resize(load_bgr("obama.jpg"), (640, 480))
    plate = cv2.rotate(plate_bgr("BG 123-AB", width_px=300), cv2.ROTATE_180)
    image[300:300 + plate.shape[0], 200:500] = plate
    assert not [r for r in read_plates(image) if r.valid or r.country == "foreign"]


def test_a_tilted_plate_cut_by_the_frame_edge_is_not_completed_by_guessing():
    (frame,) = tilted_props([3])
    box = frame.box
    image = frame.image.copy()
    # Cut the plate through its last serial letter, at the frame's right edge.
    cut = box.right - round(0.06 * box.width)
    image = np.ascontiguousarray(image[:, :cut])
    assert not [r for r in read_plates(image) if r.valid and r.text != TILTED_PROP]


def test_a_row_cut_short_by_perspective_is_looked_for_beyond_its_crop():
    # Simulated photo 10 of seed 2: a prop in perspective whose far end's characters are
    # smaller, so the row found in the frame stopped before the last serial letter; the crop
    # reaching the row's end is widened there, and the whole plate is read.
    photo = condition_set(11, seed=2)[10]
    assert (photo.plate, photo.condition) == ("PT572LT", "perspective")
    assert [r.text for r in read_plates(photo.image)] == ["PT572LT"]


def _tilted_back_on_a_light_wall(text: str) -> np.ndarray:
    """``text`` on a prop tilted back (top corners pulled in by 10 % of its width each), held
    against a wall as light as its field, so that no outline of the plate can be found."""
    plate = plate_bgr(text, width_px=640)
    ph, pw = plate.shape[:2]
    width, height = 300.0, 300.0 * ph / pw
    x, y = 170.0, 200.0
    corners = np.float32([[x + 0.1 * width, y], [x + 0.9 * width, y],
                          [x + width, y + height], [x, y + height]])
    matrix = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]]), corners)
    frame = np.full((480, 640, 3), 235, np.uint8)
    cv2.warpPerspective(plate, matrix, (640, 480), frame, flags=cv2.INTER_AREA,
                        borderMode=cv2.BORDER_TRANSPARENT)
    return cv2.GaussianBlur(frame, (0, 0), 0.6)


def test_a_plate_tilted_back_with_no_outline_is_straightened_by_its_characters_lean():
    # Its characters lean one way at one end and the other way at the other, which the one
    # shear of the row cannot undo: the ends of the crop are turned along their lean.
    image = _tilted_back_on_a_light_wall("KA 2033-ID")
    (candidate,) = [c for c in detect_plates(image) if c.box.iou(Box(170, 200, 470, 265)) > 0.3]
    assert not candidate.outlined
    line = candidate.line
    assert line.groups == (2, 4, 2)
    assert upright_quad(line, np.eye(3), (0.0, 0.0, 100.0, 64.0)) is None  # upright now
    assert [r.text for r in read_plates(image) if r.valid] == ["KA2033ID"]


def test_a_level_plate_is_not_turned_by_its_characters_lean():
    image = np.full((480, 640, 3), 120, np.uint8)
    plate = plate_bgr("NS 279-CĐ", width_px=300)
    image[200:200 + plate.shape[0], 150:450] = plate
    (candidate,) = detect_plates(image)
    assert upright_quad(candidate.line, np.eye(3), (0.0, 0.0, 100.0, 64.0)) is None
