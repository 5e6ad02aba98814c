"""Plate characters recognised by their shape: a second reader beside Tesseract.

Tesseract's English model reads plate lettering as running text, and its slips follow the
plate font: ``M`` read as ``N`` when the middle strokes blur, ``9`` as ``5``, and carons and
acutes it has never learnt (``Č`` Ć Š Ž) dropped. A plate's characters are few (41), their
typeface is fixed, and :mod:`recognition.plates.glyphs` has already cut each one out, so a
classifier of single glyphs knows them better. :class:`ShapeReader` compares each glyph's
histogram of oriented gradients (OpenCV's HOG), taken on its shades of ink rather than on the
thresholded ink alone (:func:`graded`: a far plate's faint, thin strokes still count), with
glyphs it has seen, drawn by
:mod:`recognition.plates.font` in the prop typeface and in similar sans faces (narrow,
condensed, bold), each degraded the way a camera does (small, blurred, noisy, thresholded),
and votes among the nearest ones. Nothing is downloaded or stored: it learns from the fonts on first use
(:func:`shape_reader`, about a second).
"""

from __future__ import annotations

import functools
import random
import threading
from typing import Sequence

import cv2
import numpy as np

from recognition.errors import ModelUnavailable
from recognition.plates.background import percentile
from recognition.plates.font import SIMILAR_FONT_FILES, glyph_mask, prop_font_file
from recognition.plates.format import PLATE_CHARACTERS, Choices
from recognition.plates.glyphs import WORK_CHAR_PX, CharacterLine
from recognition.types import Box

#: What to install when no typeface to learn from is found.
FONT_HINT = ("Plate reading learns character shapes from the Liberation or DejaVu fonts: "
             "run 'sudo apt install fonts-liberation fonts-dejavu-core'.")
#: Size (width, height) every glyph is normalised to before it is described.
GLYPH_SIZE = (40, 48)
#: A capital's height in the normalised glyph; the space above holds carons and acutes.
_BODY_PX = 32
_BASELINE_PX = 44
# The nearest glyphs that vote, and how sharply a nearer one counts more.
_NEIGHBOURS = 9
_SHARPNESS = 12.0
# Where a glyph's shades are stretched to (see graded): this percentile of its ink comes
# out as full ink, this one of the rest as blank.
_FULL_INK_PERCENTILE = 90
_BLANK_PERCENTILE = 30
_HOG = dict(_winSize=GLYPH_SIZE, _blockSize=(16, 16), _blockStride=(8, 8), _cellSize=(8, 8),
            _nbins=9)


class ShapeReader:
    """Classifies the glyphs of a :class:`CharacterLine` by their nearest learnt shapes.

    Args:
        features: N×D unit vectors of learnt glyphs (see :func:`describe`).
        labels: the N characters they show.
    """

    def __init__(self, features: np.ndarray, labels: Sequence[str]):
        self._features = np.ascontiguousarray(features, dtype=np.float32)
        self._labels = np.asarray(list(labels))
        self._classes = sorted(set(self._labels))
        self._index = np.searchsorted(self._classes, self._labels)

    def read(self, line: CharacterLine, *, alternatives: int = 4) -> list[Choices]:
        """Each character's most likely readings, ``(character, share 0–1)``, best first.

        Shares are the similarity-weighted votes of the nearest learnt glyphs; the first
        ``alternatives`` with any vote are kept.
        """
        if not line.boxes:
            return []
        glyphs = np.empty((len(line.boxes), GLYPH_SIZE[1], GLYPH_SIZE[0]), np.uint8)
        for glyph, box in zip(glyphs, line.boxes):
            cut = graded(line.shade, line.ink, box)
            glyph[:] = normalised(cut, line.height_px)
            cut.fill(0)  # a picture of one of the plate's characters
        similarity = describe(glyphs) @ self._features.T
        glyphs.fill(0)  # pictures of the plate's characters
        k = min(_NEIGHBOURS, len(self._labels))
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        near = np.take_along_axis(similarity, nearest, axis=1)
        weights = np.exp(_SHARPNESS * (near - near.max(axis=1, keepdims=True)))
        votes = np.zeros((len(nearest), len(self._classes)))
        glyph_rows = np.broadcast_to(np.arange(len(nearest))[:, None], nearest.shape)
        np.add.at(votes, (glyph_rows, self._index[nearest]), weights)
        votes /= votes.sum(axis=1, keepdims=True)
        order = np.argsort(-votes, axis=1)[:, :alternatives]
        return [tuple((self._classes[i], float(v[i])) for i in best if v[i] > 0)
                for v, best in zip(votes, order)]


def normalised(glyph: np.ndarray, height_px: float) -> np.ndarray:
    """A glyph cut out of its line (255 = ink) on a :data:`GLYPH_SIZE` canvas.

    The glyph is scaled so the line's capitals (``height_px``) are :data:`_BODY_PX` tall,
    which keeps what a classifier needs to tell ``I`` from ``1`` and ``M``: the width, and a
    mark's height above the letter. It stands on a common baseline, centred.
    """
    width, height = GLYPH_SIZE
    if not glyph.size:
        return np.zeros((height, width), np.uint8)
    scale = _BODY_PX / max(height_px, 1.0)
    gw, gh = max(1, round(glyph.shape[1] * scale)), max(1, round(glyph.shape[0] * scale))
    fit = min(1.0, (width - 2) / gw, (_BASELINE_PX - 1) / gh)
    gw, gh = max(1, round(gw * fit)), max(1, round(gh * fit))
    canvas = np.zeros((height, width), np.uint8)
    left = (width - gw) // 2
    canvas[_BASELINE_PX - gh:_BASELINE_PX, left:left + gw] = cv2.resize(
        glyph, (gw, gh), interpolation=cv2.INTER_AREA)
    return canvas


def graded(shade: np.ndarray, ink: np.ndarray, box: Box) -> np.ndarray:
    """The glyph in ``box`` as shades of ink (255 = full ink, 0 = the plate's white).

    ``shade`` (any scale, higher = darker) is stretched so the glyph's own ink (``ink``, 255
    where thresholding found it) comes out full and the white between its strokes blank, so
    a faint plate's glyph looks like a crisp one's; but a stroke too faint or thin to have
    been thresholded into ink still shows, which tells a blurred ``4`` from a blot and a
    ``U`` from an ``L``. On 2,912 glyphs of far props (90–120 px, seeds 1–3), knowing only
    whether a letter or a digit stands there, 96.7 % were named right, against 95.2 % from
    the thresholded ink.
    """
    patch = shade[box.top:box.bottom, box.left:box.right].astype(np.float32)
    inked = ink[box.top:box.bottom, box.left:box.right] > 0
    if not inked.any():
        return np.zeros(patch.shape, np.uint8)
    full = percentile(patch[inked], _FULL_INK_PERCENTILE)
    blank = percentile(patch[~inked], _BLANK_PERCENTILE) if not inked.all() else 0.0
    patch -= blank
    patch *= 255.0 / max(float(full - blank), 1.0)
    glyph = np.clip(patch, 0, 255).astype(np.uint8)
    patch.fill(0)
    return glyph


def describe(glyphs: np.ndarray) -> np.ndarray:
    """Unit-length HOG descriptors (N×D float32) of N normalised glyphs (N×48×40 uint8)."""
    features = np.empty((len(glyphs), _hog().getDescriptorSize()), np.float32)
    for row, glyph in zip(features, glyphs):
        row[:] = _descriptor(glyph)
    return _unit(features)


def _descriptor(glyph: np.ndarray) -> np.ndarray:
    return _hog().compute(cv2.GaussianBlur(glyph, (3, 3), 0)).ravel()


def _unit(features: np.ndarray) -> np.ndarray:
    features /= np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-6)
    return features


@functools.cache
def _hog() -> cv2.HOGDescriptor:
    return cv2.HOGDescriptor(**_HOG)


_LEARNING = threading.Lock()  # the analysis thread and a command may both ask first


def shape_reader() -> ShapeReader:
    """The shared :class:`ShapeReader`, learnt on first use from the installed typefaces:
    the props' own and :data:`~recognition.plates.font.SIMILAR_FONT_FILES`. Safe to call from
    several threads; reading with it is too (it changes nothing).

    Raises:
        ModelUnavailable: none of the typefaces is installed.
    """
    with _LEARNING:
        return _learnt()


@functools.cache
def _learnt() -> ShapeReader:
    # learn_shapes skips the ones that are not installed.
    return learn_shapes([p for p in dict.fromkeys((prop_font_file(), *SIMILAR_FONT_FILES)) if p])


def learn_shapes(font_files: Sequence[str], *, samples_per_font: int = 10, seed: int = 0
                 ) -> ShapeReader:
    """A :class:`ShapeReader` that has seen every plate character in each typeface.

    Args:
        font_files: TrueType files to draw the characters with.
        samples_per_font: camera-degraded copies of each character per typeface; 10 (3,270
            glyphs from eight faces, ~9 MB) read as well as 20 on the simulated props.
        seed: makes the learnt glyphs, and so every reading, repeatable.

    Raises:
        ModelUnavailable: ``font_files`` is empty or none of them can be read.
        ValueError: ``samples_per_font`` is below 1.
    """
    if samples_per_font < 1:
        raise ValueError("samples_per_font must be at least 1")
    rng = random.Random(seed)
    # Filled in place, glyph by glyph: lists of glyphs and descriptors would briefly take
    # several times the reader's own 9 MB, which the heap then keeps.
    features = np.empty((len(font_files) * len(PLATE_CHARACTERS) * samples_per_font,
                         _hog().getDescriptorSize()), np.float32)
    labels: list[str] = []
    for path in font_files:
        try:
            glyph_mask("H", 40, 80, path)
        except OSError:
            continue
        for ch in PLATE_CHARACTERS:
            for _ in range(samples_per_font):
                glyph = _camera_glyph(ch, path, rng)
                if glyph is not None:
                    features[len(labels)] = _descriptor(glyph)
                    labels.append(ch)
    if not labels:
        raise ModelUnavailable(FONT_HINT)
    return ShapeReader(_unit(features[:len(labels)]), labels)


def _camera_glyph(ch: str, font_path: str, rng: random.Random) -> np.ndarray | None:
    """``ch`` as the glyph stage would cut it from a camera frame, normalised; ``None`` if
    the degradation left no ink.

    Drawn in a cell of random width (plate faces are narrower than any free face), sometimes
    heavier, distorted as a straightened plate still is (a lean, a squeeze, a keystone),
    shrunk to 11–36 px (a far plate to a near one), blurred and noised; thresholded at a
    random level, as ink is at different light, to find its box, and :func:`graded` within it.
    """
    cap_px = 64  # drawn above the largest size it is shrunk to
    # A few cell widths, not any: the drawn masks are cached, which keeps learning quick.
    cell_px = round(cap_px * rng.choice((0.44, 0.5, 0.56, 0.62)))
    mask = np.asarray(glyph_mask(ch, cell_px, cap_px, font_path), dtype=np.float32)
    pad = 6
    mask = np.pad(mask, pad)
    # Heavier and lighter strokes than the face's own (print, blur and light thicken or thin
    # them), so a face of another weight is still known.
    weight = rng.choice((0, 0, 0, 1))
    if weight:
        kernel = np.ones((2 * abs(weight) + 1,) * 2, np.uint8)
        mask = (cv2.dilate if weight > 0 else cv2.erode)(mask, kernel)
    # Perspective a straightening leaves behind: a little lean, a squeeze or stretch (a plate
    # turned), one side taller than the other and a top narrower than the bottom (tilted).
    h, w = mask.shape
    shear = rng.uniform(-0.1, 0.1)
    squeeze = rng.uniform(0.9, 1.05)
    keystone = rng.uniform(-0.03, 0.03) * w
    taller = rng.uniform(-0.03, 0.03) * h
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    target = np.float32([[keystone - shear * h / 2, -taller], [w - keystone - shear * h / 2, taller],
                         [w + shear * h / 2, h - taller], [shear * h / 2, h + taller]])
    target[:, 0] = (target[:, 0] - w / 2) * squeeze + w / 2
    mask = cv2.warpPerspective(mask, cv2.getPerspectiveTransform(source, target), (w, h))
    small_px = rng.uniform(11, 36)
    scale = small_px / cap_px
    small = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    sigma = rng.uniform(0.0, 0.9)
    if sigma > 0.3:
        small = cv2.GaussianBlur(small, (0, 0), sigma)
    noise = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, rng.uniform(0, 20), small.shape)
    small = small + noise.astype(np.float32)
    work = WORK_CHAR_PX / small_px
    big = cv2.resize(small, None, fx=work, fy=work, interpolation=cv2.INTER_CUBIC)
    ink = np.where(big > 255 * rng.uniform(0.35, 0.6), 255, 0).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count < 2:
        return None
    # Specks the noise left are not part of the glyph (the glyph stage drops them too).
    keep = [i for i in range(1, count) if stats[i, 4] >= 0.02 * stats[1:, 4].max()]
    ink = np.where(np.isin(labels, keep), 255, 0).astype(np.uint8)
    ys, xs = np.nonzero(ink)
    box = Box(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return normalised(graded(big, ink, box), cap_px * scale * work)
