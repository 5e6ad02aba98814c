"""Where in a frame plates may be: search quadrilaterals for :mod:`recognition.plates.detect`.

Rows of dark character-like blobs of one height (:func:`character_rows`), plate-shaped blobs
whose characters merged with their border, and OpenCV's Haar cascade for plates
(:func:`cascade_quads`). Each quadrilateral is only a guess, checked by
:mod:`recognition.plates.detect` on the straightened crop.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

#: Width over height of a plate (520 × 113 mm).
PLATE_ASPECT = 520.0 / 113.0
#: The row of characters is extended by this many character heights (left, right) before
#: the plate is cut out, in case characters were missed: most often the district code, which
#: the shield (dark in grey) joins into one blob.
ROW_MARGIN = (2.2, 1.0)
# Characters further apart than this many heights are not one row.
_ROW_GAP = 1.2


def character_rows(grey: np.ndarray, min_width_px: int) -> list[np.ndarray]:
    """Search quadrilaterals around rows of dark character-like blobs of one height.

    Each row's top and bottom are fitted separately, so a plate turned away from the camera
    (its far end shorter) gives a trapezoid that the warp undoes; the quadrilateral's ends
    are square to the row, which undoes an in-plane tilt.
    """
    dark = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 31, 12)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    quads = _outlines(labels, stats, min_width_px, grey.shape[0])
    x, y, w, h, area = (stats[1:count, i].astype(np.float32) for i in range(5))
    min_h = max(8.0, min_width_px / PLATE_ASPECT * 0.5)
    keep = np.flatnonzero((h >= min_h) & (h <= 0.8 * grey.shape[0]) & (w >= 2) & (w <= 1.2 * h)
                          & (area >= 0.15 * w * h))
    blobs = np.stack([x[keep], y[keep], w[keep], h[keep]], axis=1)
    for row in _rows(blobs):
        quad = row_quad(blobs[row])
        if quad is not None and np.linalg.norm(quad[1] - quad[0]) >= min_width_px:
            quads.append(quad)
    return quads


def _outlines(labels: np.ndarray, stats: np.ndarray, min_width_px: int, frame_h: int
              ) -> list[np.ndarray]:
    """Quadrilaterals around plates whose characters touch the plate's dark border.

    In a small or dirty plate, the threshold joins characters and border into one blob that
    no row of separate characters shows; its rotated bounding rectangle is the plate.
    """
    quads = []
    # A plate-shaped blob, even tilted by 30°, is wider than tall: most blobs of a frame are
    # ruled out here, before their pixels are looked at.
    w_all, h_all = stats[:, 2], stats[:, 3]
    plausible = (w_all >= min_width_px) & (h_all <= frame_h / 3) & (h_all >= 8) & (
        w_all >= 1.2 * h_all)
    plausible[0] = False  # the background
    for i in np.flatnonzero(plausible):
        x, y, w, h, area = stats[i]
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(
            np.stack([xs + x, ys + y], axis=1).astype(np.float32))
        if rw < rh:
            rw, rh, angle = rh, rw, angle - 90
        angle = (angle + 90) % 180 - 90  # the same rectangle, its long side within ±90°
        if not (2.5 <= rw / max(rh, 1.0) <= 7.0) or abs(angle) > 30 or area > 0.6 * rw * rh:
            continue
        corners = cv2.boxPoints(((cx, cy), (rw * 1.04, rh * 1.1), angle))
        total, diff = corners.sum(axis=1), corners[:, 1] - corners[:, 0]
        quads.append(np.float32([corners[np.argmin(total)], corners[np.argmin(diff)],
                                 corners[np.argmax(total)], corners[np.argmax(diff)]]))
    return quads


def _rows(blobs: np.ndarray) -> list[list[int]]:
    """Groups (indices into ``blobs``: x, y, w, h rows) of 4–10 blobs that follow each other
    like the characters of one line: similar height, level, less than 1.2 heights apart."""
    order = np.argsort(blobs[:, 0])
    parent = list(range(len(blobs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for rank, i in enumerate(order):
        xi, yi, wi, hi = blobs[i]
        for j in order[rank + 1:]:
            xj, yj, wj, hj = blobs[j]
            if xj - (xi + wi) > _ROW_GAP * max(hi, hj):
                break  # sorted by x: everything further is further away
            if abs(hi - hj) > 0.3 * max(hi, hj) or xj < xi + 0.5 * wi:
                continue
            if abs((yi + hi / 2) - (yj + hj / 2)) <= 0.35 * max(hi, hj):
                parent[root(int(j))] = root(int(i))
    groups: dict[int, list[int]] = {}
    for i in range(len(blobs)):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if 4 <= len(g) <= 10]


def row_quad(row: np.ndarray) -> np.ndarray | None:
    """The plate-shaped quadrilateral around one row of character boxes (x, y, w, h)."""
    cx = row[:, 0] + row[:, 2] / 2
    tops, bottoms = row[:, 1], row[:, 1] + row[:, 3]
    top_fit = np.polyfit(cx, tops, 1)
    bottom_fit = np.polyfit(cx, bottoms, 1)
    mid_slope = (top_fit[0] + bottom_fit[0]) / 2
    if abs(mid_slope) > 0.5:  # steeper than ~27°: not a plate held up or on a car
        return None
    heights = np.polyval(bottom_fit, cx) - np.polyval(top_fit, cx)
    if np.any(heights <= 0) or np.max(np.abs(bottoms - tops - heights)) > 0.35 * heights.mean():
        return None
    direction = np.array([1.0, mid_slope]) / np.hypot(1.0, mid_slope)
    normal = np.array([-direction[1], direction[0]])
    corners = []
    ends = ((row[:, 0].min(), -ROW_MARGIN[0]), ((row[:, 0] + row[:, 2]).max(), ROW_MARGIN[1]))
    for end, margin in ends:
        height = np.polyval(bottom_fit, end) - np.polyval(top_fit, end)
        centre = np.array([end, (np.polyval(bottom_fit, end) + np.polyval(top_fit, end)) / 2])
        # Margins: ROW_MARGIN heights along the row, a quarter above and below.
        centre = centre + margin * height * direction
        half = 0.75 * height / np.dot(normal, [0.0, 1.0])
        corners.append((centre - half * normal, centre + half * normal))
    (tl, bl), (tr, br) = corners
    return np.float32([tl, tr, br, bl])


@functools.cache
def _plate_cascade() -> cv2.CascadeClassifier:
    return cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_russian_plate_number.xml")


def cascade_quads(grey: np.ndarray, min_width_px: int) -> list[np.ndarray]:
    """Boxes from OpenCV's Haar cascade for plates, as quadrilaterals."""
    found = _plate_cascade().detectMultiScale(
        grey, scaleFactor=1.1, minNeighbors=3, minSize=(min_width_px, min_width_px // 5))
    return [np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
            for x, y, w, h in (found if len(found) else [])]
