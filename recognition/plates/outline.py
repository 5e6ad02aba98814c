"""The plate's own outline: four corners that undo perspective, not only tilt.

A row of characters tells the plate's slope and height, but not how its sides converge: a plate
tilted back (its top further away) or turned far to one side has a top edge shorter than its
bottom, or a far end shorter than its near end, and its characters lean in opposite directions
at either end, which no single shear undoes. The light field of the plate, inside its dark
border, is a quadrilateral whose corners are where the plate's corners are; a perspective warp
by those four corners (``cv2.getPerspectiveTransform``) makes the plate square-on again.

:func:`plate_outline` looks for that field around a row of characters already found, and
returns ``None`` when it cannot find one that is plainly the plate (a plate on a white car or
wall whose field runs into its surroundings, a plate in deep shadow): the row's own
quadrilateral is then used as before.
"""

from __future__ import annotations

import cv2
import numpy as np

from recognition.plates.background import percentile

#: Width over height of a plate's light field: 520 × 113 mm less the blue strip (42 mm) and
#: the border (3.2 mm each side), with the margin :func:`plate_outline` adds around it.
#: Straightened fields get this shape, whatever their foreshortened shape in the frame.
FIELD_ASPECT = (475.0 * 1.06) / (106.6 * 1.3)
# The region searched, around the characters' own quadrilateral, in its widths (left, right)
# and heights (above, below): the strip lies left of the characters.
_REACH = (0.45, 0.2, 0.55, 0.55)
# Height of the straightened search region in pixels: enough to keep the border line.
_SEARCH_PX = 120


def plate_outline(bgr: np.ndarray, text_quad: np.ndarray) -> np.ndarray | None:
    """The corners (TL, TR, BR, BL; frame pixels, float32) of the plate's light field around
    the characters in ``text_quad``, or ``None`` if no such field is found.

    Args:
        bgr: the frame.
        text_quad: the characters' region (TL, TR, BR, BL; frame pixels), roughly level after
            its own warp: a row of characters with a small margin.
    """
    text_quad = np.float32(text_quad)
    tw = (np.linalg.norm(text_quad[1] - text_quad[0]) + np.linalg.norm(text_quad[2] - text_quad[3])) / 2
    th = (np.linalg.norm(text_quad[3] - text_quad[0]) + np.linalg.norm(text_quad[2] - text_quad[1])) / 2
    if tw < 8 or th < 4:
        return None
    # The search region, in the text quad's own level coordinates (u along, v across).
    left, right, above, below = _REACH
    u0, u1, v0, v1 = -left * tw, (1 + right) * tw, -above * th, (1 + below) * th
    to_text = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [tw, 0], [tw, th], [0, th]]), text_quad)
    region = cv2.perspectiveTransform(np.float32([[[u0, v0], [u1, v0], [u1, v1], [u0, v1]]]),
                                      to_text)[0]
    scale = _SEARCH_PX / (v1 - v0)
    out_w, out_h = max(16, round((u1 - u0) * scale)), _SEARCH_PX
    target = np.float32([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]])
    matrix = cv2.getPerspectiveTransform(region, target)
    # Outside the frame counts as dark: a plate cut by the edge has no field to close.
    search = cv2.warpPerspective(bgr, matrix, (out_w, out_h), flags=cv2.INTER_AREA,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    # Where the characters are in the search image.
    text = (np.float32([-u0, -v0, tw - u0, th - v0]) * scale)
    corners = _field(search, text)
    search.fill(0)  # a picture of the plate
    if corners is None:
        return None
    return cv2.perspectiveTransform(_padded(corners)[None], np.linalg.inv(matrix))[0]


def _padded(corners: np.ndarray) -> np.ndarray:
    """``corners`` moved out by 15 % of the field's height above and below and 3 % of its
    width at the ends, along the field's own perspective: the glyph stage wants some light
    around characters, which fill 70 % of a Serbian plate's field and more of some others."""
    w, h = 1000.0, 1000.0 / FIELD_ASPECT
    to_field = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]),
                                           corners.astype(np.float32))
    dx, dy = 0.03 * w, 0.15 * h
    wider = np.float32([[[-dx, -dy], [w + dx, -dy], [w + dx, h + dy], [-dx, h + dy]]])
    return cv2.perspectiveTransform(wider, to_field)[0]


def _field(search: np.ndarray, text: np.ndarray) -> np.ndarray | None:
    """Corners of the light field holding the characters in a level BGR ``search`` image;
    ``text`` is the characters' box (left, top, right, bottom) in it."""
    grey = cv2.cvtColor(search, cv2.COLOR_BGR2GRAY)
    grey = cv2.GaussianBlur(grey, (5, 5), 0)
    left, top, right, bottom = (int(round(v)) for v in text)
    band = grey[max(top, 0):bottom, max(left, 0):right]
    if band.size == 0:
        grey.fill(0)
        return None
    # The field's light is what lies between the characters: the band's light pixels. The
    # threshold sits between the band's ink and its field, so a dim plate works as a bright one.
    ink, field = percentile(band.ravel(), 10), percentile(band.ravel(), 85)
    if field - ink < 25:
        grey.fill(0)
        return None
    light = np.where(grey > (ink + 0.7 * (field - ink)), 255, 0).astype(np.uint8)
    grey.fill(0)
    # Thin bridges (a reflection, the join of a border line blurred away) would let the field
    # run into a light background: an opening parts them.
    light = cv2.morphologyEx(light, cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    # Characters close to the border leave only thin light strips around them, which the
    # opening can cut into pieces: the middle of the characters' band joins them again.
    core = max(top, 0) + round(0.3 * (bottom - top)), bottom - round(0.3 * (bottom - top))
    light[core[0]:core[1], max(left, 0):right] = 255
    count, labels, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=4)
    if count < 2:
        return None
    label = int(labels[(core[0] + core[1]) // 2, (max(left, 0) + right) // 2])
    if label == 0:
        return None
    x, y, w, h, _ = stats[label]
    height, width = light.shape
    # A field that reaches the search region's edge is not enclosed by a border: it is the
    # wall, a white car or the sky around the plate, whose outline is not the plate's.
    if x <= 0 or y <= 0 or x + w >= width or y + h >= height:
        return None
    ys, xs = np.nonzero(labels == label)
    points = np.stack([xs, ys], axis=1).astype(np.float32)
    hull = cv2.convexHull(points)[:, 0, :]
    corners = _corners(hull)
    text_h = bottom - top
    if not _plausible(corners, (left, top, right, bottom), text_h):
        return None
    return corners


def _corners(hull: np.ndarray) -> np.ndarray:
    """Four corners (TL, TR, BR, BL) of a convex, roughly level quadrilateral outline.

    The extreme points along the two diagonals are the corners of a level rectangle; the
    diagonals are taken at the outline's own aspect, so a long plate's corners are found
    even when its sides converge (its rounded corners cost a pixel or two, no more).
    """
    low, high = hull.min(axis=0), hull.max(axis=0)
    span = np.maximum(high - low, 1.0)
    norm = (hull - low) / span
    s, d = norm[:, 0] + norm[:, 1], norm[:, 0] - norm[:, 1]
    return np.float32([hull[np.argmin(s)], hull[np.argmax(d)], hull[np.argmax(s)],
                       hull[np.argmin(d)]])


def _plausible(corners: np.ndarray, text: tuple[int, int, int, int], text_h: float) -> bool:
    """Whether ``corners`` outline a plate around the characters in ``text`` (characters
    with a quarter of their height above and below): about as tall as that band (a plate's
    field is 1.42 character heights, the band 1.5), at least as wide, holding it, convex."""
    tl, tr, br, bl = corners
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    left, top, right, bottom = text
    if not (0.8 * text_h <= height <= 1.6 * text_h) or width < 0.85 * (right - left):
        return False
    if not 2.5 <= width / max(height, 1.0) <= 6.5:
        return False
    # Each side's length within a factor of 1.6 of the opposite one: a plate at 35° or tilted
    # back shortens one side by a fifth or so, a shape of merged light areas by far more.
    if not (0.62 <= np.linalg.norm(tr - tl) / max(np.linalg.norm(br - bl), 1.0) <= 1.6
            and 0.62 <= np.linalg.norm(bl - tl) / max(np.linalg.norm(br - tr), 1.0) <= 1.6):
        return False
    contour = corners.reshape(-1, 1, 2)
    if not cv2.isContourConvex(contour.astype(np.float32)):
        return False
    centre = ((left + right) / 2, (top + bottom) / 2)
    return cv2.pointPolygonTest(contour, centre, False) > 0
