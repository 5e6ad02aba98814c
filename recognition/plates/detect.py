"""Finding licence plates in a frame (OpenCV) and cutting them out level and square-on.

Detection looks for what a plate shows: a row of five to ten dark characters of one height,
close together, on a light ground. Character-like contours of the frame are grouped into
rows; each row's top and bottom lines give a quadrilateral (tilt and turn included). A plate
whose characters touch its dark border shows no such row (border and characters are one
blob), so the rotated rectangle of a plate-shaped blob is a candidate too (both searches are
in :mod:`recognition.plates.rows`), and where neither found a plate, bands dense with
vertical edges (:mod:`recognition.plates.texture`). Each candidate is warped level and
square-on, kept only if a row of characters is found on the straightened crop (looked for
again with the contrast stretched if not), cut out again along the slope and height of those
characters, and widened where the row reaches the crop's end. OpenCV 4's Haar
cascade for plates (``haarcascade_russian_plate_number``) is available as
``method="cascade"``; measured on simulated props it finds 28 % of plates against 99 % (and
1 of 10 real Croatian ones against 4), so ``contour`` is the default.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from recognition.plates.background import shadowed
from recognition.plates.glyphs import (
    DEFAULT_THRESHOLD_OFFSET, PLATE_GROUPS, CharacterLine, character_line,
)
from recognition.plates.outline import FIELD_ASPECT, plate_outline
from recognition.plates.rows import (  # noqa: F401  (PLATE_ASPECT: part of this API)
    PLATE_ASPECT, ROW_MARGIN, cascade_quads, character_rows, row_quad,
)
from recognition.plates.texture import texture_quads
from recognition.plates.upright import upright_quad
from recognition.types import Box

#: Detection methods: ``contour`` (rows of character contours), ``cascade`` (OpenCV's Haar
#: cascade for plates, trained on Russian ones), ``both`` (the union, checked the same way).
DETECTION_METHODS = ("contour", "cascade", "both")
#: Height of a straightened crop, in pixels (enough for OCR, small enough to stay fast).
CROP_HEIGHT_PX = 64
# A crop whose row of characters reaches its end is widened by this many character heights
# there (a character and the gap before it) to look for characters beyond.
_WIDEN = 1.5
# Most times a crop is turned along its characters' lean (see recognition.plates.upright).
_UPRIGHT_ROUNDS = 2
# Most regions of character texture (recognition.plates.texture) checked per frame, where
# the row search found no plate: each costs a warp and a search for characters.
_MAX_TEXTURE_CANDIDATES = 3


@dataclass(frozen=True, eq=False)
class PlateCandidate:
    """A region of a frame that looks like a plate.

    ``box`` bounds its characters (with a margin) in frame pixels; ``corners`` are the same
    region's four corners (top-left, top-right, bottom-right, bottom-left); ``crop`` is the
    plate and its surroundings warped level and square-on (BGR, :data:`CROP_HEIGHT_PX` tall).
    ``characters`` is how many characters were found, ``width_px`` the plate's width in the
    frame estimated from their height, ``cut`` whether it touches the frame edge (a plate
    cut off there may be missing characters), ``method`` which detector proposed it,
    ``line`` the characters found in ``crop`` at the first ink threshold (reading starts
    from them), ``outlined`` whether ``crop`` was straightened by the corners of the plate's
    own outline (:mod:`recognition.plates.outline`), which undoes perspective, rather than by
    its row of characters. ``crop`` and ``line`` (its ``ink`` and ``shade``) are pictures of
    the plate: zero them after use (:func:`forget`).
    """

    box: Box
    corners: tuple[tuple[float, float], ...]
    crop: np.ndarray
    characters: int
    width_px: float
    cut: bool = False
    method: str = "contour"
    line: CharacterLine | None = None
    outlined: bool = False


def detect_plates(bgr: np.ndarray, *, method: str = "contour", min_width_px: int = 60,
                  min_characters: int = 5, max_plates: int = 4) -> list[PlateCandidate]:
    """Find licence plates in a BGR frame.

    Args:
        bgr: H×W×3 uint8 frame (640×480 is what the exhibit analyses).
        method: one of :data:`DETECTION_METHODS`.
        min_width_px: narrower plates are ignored; below ~90 px (characters ~13 px tall)
            OCR rarely reads a plate correctly anyway.
        min_characters: a candidate needs this many characters in a row to count.
        max_plates: most plates returned, those with most characters first.

    Returns:
        Candidates that do not overlap: those grouped as a Serbian plate first, then those
        straightened by their outline, then most characters, then widest.

    Raises:
        ValueError: ``method`` is not one of :data:`DETECTION_METHODS`.
    """
    if method not in DETECTION_METHODS:
        raise ValueError(f"unknown plate detection method {method!r}")
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    quads: list[tuple[np.ndarray, str]] = []
    if method in ("contour", "both"):
        quads += [(q, "contour") for q in character_rows(grey, min_width_px)]
    if method in ("cascade", "both"):
        quads += [(q, "cascade") for q in cascade_quads(grey, min_width_px)]
    height, width = grey.shape
    found: list[PlateCandidate] = []
    try:
        for quad, source in quads:
            # A plate's outline and its row of characters both propose it: once one of
            # them has found characters grouped as a plate's there, checking the other
            # (six warps and character searches) would find the same plate again. On 3 ×
            # 300 simulated props: 13 % less time per plate, one read of 900 lost.
            if _over_plate(_quad_box(quad, width, height), found):
                continue
            candidate = _check(bgr, quad, source, min_characters, width, height)
            if candidate is not None:
                found.append(candidate)
        if method in ("contour", "both"):
            # Bands of character texture where no plate was found yet: plates whose
            # characters touch their frame show no row of separate blobs.
            for quad in texture_quads(grey, min_width_px, _MAX_TEXTURE_CANDIDATES):
                box = _quad_box(quad, width, height)
                if any(box.iou(c.box) > 0.2 or _inside(c.box, box) for c in found):
                    continue
                candidate = _check(bgr, quad, "texture", min_characters, width, height)
                if candidate is not None:
                    found.append(candidate)
    except BaseException:
        for candidate in found:  # plate crops nobody would zero otherwise
            forget(candidate)
        raise
    finally:
        grey.fill(0)
    # Of overlapping candidates, the one whose characters group as on a plate wins, then one
    # straightened by its outline: a row can take in a blob beside the plate.
    found.sort(key=lambda c: (c.line is not None and _plate_groups(c.line), c.outlined,
                              c.characters, c.box.width), reverse=True)
    kept: list[PlateCandidate] = []
    for candidate in found:
        if len(kept) < max_plates and all(
                candidate.box.iou(k.box) < 0.2 and not _inside(candidate.box, k.box)
                for k in kept):
            kept.append(candidate)
        else:
            forget(candidate)
    return kept


def forget(candidate: PlateCandidate) -> None:
    """Zero the candidate's pictures of the plate (its crop and its characters)."""
    _zero(candidate.crop, candidate.line)


def _zero(crop: np.ndarray, line: CharacterLine | None) -> None:
    crop.fill(0)
    if line is not None:
        line.forget()


def _first_line(crop: np.ndarray, min_characters: int) -> CharacterLine:
    """The characters of ``crop`` at the first ink threshold, which reading starts from;
    where none are found, those of the crop with its contrast stretched (thin strokes of a
    dim, blurred plate, which the threshold breaks up)."""
    line = character_line(crop, min_chars=min_characters,
                          threshold_offset=DEFAULT_THRESHOLD_OFFSET)
    if line.boxes:
        return line
    line.forget()
    return character_line(crop, min_chars=min_characters,
                          threshold_offset=DEFAULT_THRESHOLD_OFFSET, stretch=True)


def _shadow_line(crop: np.ndarray, line: CharacterLine, min_characters: int) -> CharacterLine:
    """``line``, or where a hard shadow falls across or beside its characters and the crop
    divided by its background shows more of them, those: the threshold takes the shadow's
    edge for ink joining the characters it crosses, and a row found in the frame stops
    there, so the plate would be cut out without the group beyond the edge."""
    if not line.boxes:
        return line
    if not shadowed(crop, line.crop_span(_WIDEN)):
        return line
    flat = character_line(crop, min_chars=min_characters, flatten=True)
    if len(flat.boxes) > len(line.boxes):
        line.forget()
        return flat
    flat.forget()
    return line


def _check(bgr: np.ndarray, quad: np.ndarray, source: str, min_characters: int, width: int,
           height: int) -> PlateCandidate | None:
    """Warp ``quad`` level and keep it if a row of characters spans much of it.

    The candidate's box and corners are those of the characters found (with a margin), mapped
    back into the frame: the search quad is wider than the plate.
    """
    crop, matrix = _warp(bgr, quad)
    line = _shadow_line(crop, _first_line(crop, min_characters), min_characters)
    # The search quad is a guess (from blobs in the whole frame, or a border's outline);
    # the characters found in it give the plate's own slope and height, so it is cut out
    # again along them, and kept if that finds no fewer characters.
    refined = _refined(line, matrix) if line.boxes else None
    if refined is not None:
        again, again_matrix = _warp(bgr, refined)
        again_line = _first_line(again, min_characters)
        if len(again_line.boxes) >= len(line.boxes):
            _zero(crop, line)
            crop, matrix, line = again, again_matrix, again_line
        else:
            _zero(again, again_line)
    outlined = False
    if not line.boxes or (line.boxes[-1].right - line.boxes[0].left) / line.ink.shape[1] < 0.4:
        _zero(crop, line)
        # Characters close to a plate's frame, with a dark car around it, join the frame in
        # the search quad and show no row; the plate's light field, straightened, may.
        field = plate_outline(bgr, _inner(quad, source))
        if field is None:
            return None
        crop, matrix = _warp(bgr, field, aspect=FIELD_ASPECT)
        line = _first_line(crop, min_characters)
        if not line.boxes or (line.boxes[-1].right - line.boxes[0].left) / crop.shape[1] < 0.4:
            _zero(crop, line)
            return None
        outlined = True
    text_quad = _text_quad(line, matrix)
    # A row that reaches the end of its crop may go on beyond it: under perspective the far
    # end's characters are smaller and were not taken into the row found in the frame, and
    # a character cut by the crop's edge is dropped. The crop is widened there and kept if
    # it shows more characters.
    reach = None if outlined else _ends_reached(line, crop.shape[1])
    if reach is not None:
        wider, wider_matrix = _warp(bgr, _text_quad(line, matrix, extend=reach))
        wider_line = _first_line(wider, min_characters)
        if len(wider_line.boxes) > len(line.boxes):
            _zero(crop, line)
            crop, matrix, line = wider, wider_matrix, wider_line
            text_quad = _text_quad(line, matrix)
        else:
            _zero(wider, wider_line)
    # A plate seen in perspective (tilted back, turned far) is straightened by the corners
    # of its own light field, when they can be found; kept if no character is lost by it,
    # or if it shows the groups of a Serbian plate where the row showed something else (a
    # blob at the plate's edge taken for a character, as perspective makes it lean).
    field = None if outlined else plate_outline(bgr, text_quad)
    if field is not None:
        again, again_matrix = _warp(bgr, field, aspect=FIELD_ASPECT)
        again_line = _first_line(again, min_characters)
        if len(again_line.boxes) >= len(line.boxes) or (
                _plate_groups(again_line) and not _plate_groups(line)):
            _zero(crop, line)
            crop, matrix, line = again, again_matrix, again_line
            text_quad, outlined = _text_quad(line, matrix), True
        else:
            _zero(again, again_line)
    # Characters leaning one way at one end and the other way at the other are a plate whose
    # sides converge and whose outline was not found: it is straightened again along the
    # lean of its characters, kept on the same terms as the outline's warp, and what lean is
    # left after one turn (a few characters' lean is measured coarsely) is looked at once
    # more. An outline's corners are surer than the characters' lean: on outlined plates in
    # perspective (300 simulated, seed 1) turning lost more reads than it gained.
    for _ in range(0 if outlined else _UPRIGHT_ROUNDS):
        upright = upright_quad(line, matrix, _text_box(line))
        if upright is None:
            break
        again, again_matrix = _warp(bgr, upright)
        again_line = _first_line(again, min_characters)
        if len(again_line.boxes) < len(line.boxes) and (
                not _plate_groups(again_line) or _plate_groups(line)):
            _zero(again, again_line)
            break
        _zero(crop, line)
        crop, matrix, line = again, again_matrix, again_line
        text_quad = _text_quad(line, matrix)
    xs, ys = text_quad[:, 0], text_quad[:, 1]
    box = Box(int(np.floor(xs.min())), int(np.floor(ys.min())), int(np.ceil(xs.max())),
              int(np.ceil(ys.max()))).clipped(width, height)
    cut = xs.min() <= 1 or ys.min() <= 1 or xs.max() >= width - 2 or ys.max() >= height - 2
    corners = tuple((float(x), float(y)) for x, y in text_quad)
    return PlateCandidate(box, corners, crop, len(line.boxes), _plate_width_px(line, matrix),
                          bool(cut), source, line, outlined)


def _inner(quad: np.ndarray, source: str) -> np.ndarray:
    """The characters' part of a search ``quad``: a row's quad less the margins
    :func:`~recognition.plates.rows.row_quad` adds (the quad is 1.5 character heights tall);
    other quads as they are."""
    if source != "contour" or quad.shape != (4, 2):
        return quad
    tl, tr, br, bl = quad
    along = (tr - tl) / max(float(np.linalg.norm(tr - tl)), 1.0)
    h = float(np.linalg.norm(bl - tl)) / 1.5
    if np.linalg.norm(tr - tl) <= (ROW_MARGIN[0] + ROW_MARGIN[1]) * h:
        return quad
    cut_left, cut_right = (ROW_MARGIN[0] - 0.3) * h * along, (ROW_MARGIN[1] - 0.3) * h * along
    return np.float32([tl + cut_left, tr - cut_right, br - cut_right, bl + cut_left])


def _plate_groups(line: CharacterLine) -> bool:
    """Whether the characters are grouped as on a Serbian plate: 2, then 3 or 4, then 2."""
    return line.groups in PLATE_GROUPS


def _ends_reached(line: CharacterLine, crop_width: int) -> tuple[float, float] | None:
    """How far (character heights: left, right) to widen a crop whose row of characters
    ends within half a character height of the crop's end, or ``None`` if neither does."""
    h = line.height_px / line.scale
    left, right = line.crop_span()
    reach = (_WIDEN if left < 0.5 * h else 0.0, _WIDEN if right > crop_width - 0.5 * h else 0.0)
    return reach if any(reach) else None


def _text_quad(line: CharacterLine, matrix: np.ndarray,
               extend: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """The characters of ``line`` with the margins a plate has around its text, as a
    quadrilateral in frame pixels (``line`` was found in a crop warped by ``matrix``);
    ``extend`` widens it by that many character heights more (left, right)."""
    left, top, right, bottom = _text_box(line, extend)
    return cv2.perspectiveTransform(
        np.float32([[[left, top], [right, top], [right, bottom], [left, bottom]]]),
        np.linalg.inv(matrix))[0]


def _text_box(line: CharacterLine, extend: tuple[float, float] = (0.0, 0.0)
              ) -> tuple[float, float, float, float]:
    """The characters of ``line`` with the margins a plate has around its text (left, top,
    right, bottom; pixels of the crop ``line`` was found in), widened as in
    :func:`_text_quad`."""
    h = line.height_px / line.scale
    left, right = line.crop_span()
    left, right = left - (0.3 + extend[0]) * h, right + (0.3 + extend[1]) * h
    top = min(b.top for b in line.boxes) / line.scale - 0.25 * h
    bottom = max(b.bottom for b in line.boxes) / line.scale + 0.25 * h
    return left, top, right, bottom


def _plate_width_px(line: CharacterLine, matrix: np.ndarray) -> float:
    """The plate's width in the frame, from the character height (characters are 75 mm of a
    520 mm plate), which does not depend on how many characters were found."""
    h = line.height_px / line.scale
    middle = sum(line.crop_span()) / 2
    top = min(b.top for b in line.boxes) / line.scale
    ends = cv2.perspectiveTransform(np.float32([[[middle, top], [middle, top + h]]]),
                                    np.linalg.inv(matrix))[0]
    return float(np.linalg.norm(ends[1] - ends[0])) * 520.0 / 75.0


def _refined(line: CharacterLine, matrix: np.ndarray) -> np.ndarray | None:
    """The plate-shaped quadrilateral (frame pixels) around the characters of ``line``, which
    was found in a crop warped from the frame by ``matrix``."""
    rows = np.float32([[(b.left - line.offset_px) / line.scale, b.top / line.scale,
                        b.width / line.scale, b.height / line.scale] for b in line.boxes])
    quad = row_quad(rows)
    if quad is None:
        return None
    return cv2.perspectiveTransform(quad[None], np.linalg.inv(matrix))[0]


def _warp(bgr: np.ndarray, quad: np.ndarray, *, aspect: float | None = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """The quadrilateral ``quad`` (TL, TR, BR, BL) of ``bgr`` as a level rectangle, and the
    perspective matrix from frame to crop. The rectangle has ``quad``'s own width over
    height, or ``aspect`` when given (a plate's true shape, which foreshortening hides)."""
    tl, tr, br, bl = quad
    if aspect is None:
        width_px = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
        height_px = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
        aspect = width_px / max(height_px, 1.0)
    out_w = max(8, round(CROP_HEIGHT_PX * aspect))
    target = np.float32([[0, 0], [out_w, 0], [out_w, CROP_HEIGHT_PX], [0, CROP_HEIGHT_PX]])
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(bgr, matrix, (out_w, CROP_HEIGHT_PX), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    return crop, matrix


def _quad_box(quad: np.ndarray, width: int, height: int) -> Box:
    """The box around ``quad``, within the frame."""
    xs, ys = quad[:, 0], quad[:, 1]
    return Box(int(np.floor(xs.min())), int(np.floor(ys.min())), int(np.ceil(xs.max())),
               int(np.ceil(ys.max()))).clipped(width, height)


def _over_plate(box: Box, found: list[PlateCandidate]) -> bool:
    """Whether ``box`` overlaps, holds or lies within a candidate whose characters are
    grouped as a Serbian plate's."""
    return any(c.line is not None and _plate_groups(c.line)
               and (box.iou(c.box) > 0.2 or _inside(c.box, box) or _inside(box, c.box))
               for c in found)


def _inside(inner: Box, outer: Box) -> bool:
    """Most of ``inner`` lies within ``outer`` (a plate's text band inside the plate)."""
    overlap = Box(max(inner.left, outer.left), max(inner.top, outer.top),
                  min(inner.right, outer.right), min(inner.bottom, outer.bottom))
    return overlap.width > 0 and overlap.height > 0 and overlap.area >= 0.6 * inner.area
