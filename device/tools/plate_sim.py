"""Simulated camera photos of prop plates, under the conditions that make plates hard to read.

``oko eval plates --simulate N`` measures the plate reader on these. They are drawn in memory
(nothing is written) by the same renderer as the printed props (:mod:`device.tools.props`),
then placed in a frame as a camera would see a facilitator holding one up. Each photo is taken
under one named condition (:data:`CONDITIONS`), so a weakness shows as one poor line of the
report instead of disappearing in an average:

- ``level``: 120–320 px wide, turned and tilted up to 15° (what the reader was first built on);
- ``perspective``: each corner moved up to 9 % of the plate width, as a plate held at an angle;
- ``turned``: turned 20–35° about its vertical axis, its far end shorter;
- ``tilted back``: the top corners pulled in by 5–10 % of the width each (issue #20: a prop
  ``BG 123-AB`` tilted back was read as another valid plate); the first such photo is exactly
  that prop at 10 %;
- ``small``: 90–120 px wide, the far end of the room;
- ``close``: 75–95 % of the frame's width, a prop held close to the camera;
- ``low contrast``: grey characters on a grey plate, as in dim or flat light;
- ``shadow``: a hard-edged shadow across part of the plate;
- ``unseen typeface``: characters in a face no reader learnt from
  (:data:`recognition.plates.font.HELD_OUT_FONT_FILES`).

Every photo also gets uneven light, blur, sensor noise and JPEG compression.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from device.tools.props import plate_bgr, random_texts
from recognition.plates.font import held_out_font_files
from recognition.types import Box

#: The named conditions of :func:`condition_set`, in the order photos cycle through them.
CONDITIONS = ("level", "perspective", "turned", "tilted back", "small", "close",
              "low contrast", "shadow", "unseen typeface")
#: The prop of issue #20, tilted back: read as "BG 123-NB", certain, before.
TILTED_PROP = "BG123AB"


@dataclass(frozen=True, eq=False)
class LabelledImage:
    """A picture (BGR) with the plate it shows, as printed, and where it came from.

    ``box`` is where the plate is in the picture, if known (frame pixels); ``condition`` names
    the simulated condition (see :data:`CONDITIONS`), ``""`` for a real photo.
    """

    name: str
    image: np.ndarray
    plate: str
    box: Box | None = None
    condition: str = ""


def simulated_set(count: int, *, seed: int = 0, frame_size: tuple[int, int] = (640, 480),
                  plate_width_px: tuple[int, int] = (120, 320), max_tilt_deg: float = 15.0,
                  backgrounds: Sequence[np.ndarray] = (),
                  texts: Sequence[str] | None = None) -> list[LabelledImage]:
    """Camera-like frames of rendered prop plates, all under the ``level`` condition.

    Args:
        count: number of frames.
        seed: makes the set repeatable.
        frame_size: ``(width, height)`` of each frame in pixels.
        plate_width_px: range of the plate's width in the frame (a 277 mm prop plate is
            ~120 px wide at 1.6 m from a 62° camera at 640 px, ~320 px at 0.6 m).
        max_tilt_deg: the plate is rotated in the image plane and turned about its vertical
            and horizontal axes by up to this many degrees each.
        backgrounds: BGR pictures to hold the plate in front of (a random part of one is
            used per frame); by default a synthetic scene of gradients and blocks.
        texts: plate texts; by default ``count`` random valid ones from ``seed``.
    """
    rng = random.Random(seed)
    texts = list(texts) if texts is not None else random_texts(count, seed=seed)
    frames = []
    for i in range(count):
        text = texts[i % len(texts)]
        background = _background(rng, frame_size, backgrounds)
        width_px = rng.uniform(*plate_width_px)
        plate = plate_bgr(text, width_px=640)
        corners = _turned(rng, plate.shape, width_px, frame_size[0], max_tilt_deg)
        frame, box = _photograph(plate, background, _placed(rng, corners, frame_size), rng)
        frames.append(LabelledImage(f"sim-{i:04d}", frame, text, box, "level"))
    return frames


def condition_set(count: int, *, seed: int = 0, conditions: Sequence[str] = CONDITIONS,
                  frame_size: tuple[int, int] = (640, 480),
                  backgrounds: Sequence[np.ndarray] = ()) -> list[LabelledImage]:
    """``count`` simulated photos cycling through ``conditions`` (see the module's list).

    Args:
        count: number of photos, spread evenly over the conditions.
        seed: makes the set repeatable.
        conditions: names from :data:`CONDITIONS`.
        frame_size: ``(width, height)`` of each photo in pixels.
        backgrounds: BGR pictures to hold the plates in front of; by default synthetic scenes.

    Raises:
        ValueError: a condition is not one of :data:`CONDITIONS`, or ``unseen typeface`` is
            asked for and none of the held-out faces is installed.
    """
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        raise ValueError(f"unknown simulated condition {unknown[0]!r}; "
                         f"choose from {', '.join(CONDITIONS)}")
    held_out = held_out_font_files()
    if "unseen typeface" in conditions and not held_out:
        raise ValueError("none of the held-out typefaces is installed")
    rng = random.Random(seed)
    texts = random_texts(count, seed=seed)
    frames: list[LabelledImage] = []
    tilted_yet = False
    for i in range(count):
        condition = conditions[i % len(conditions)]
        text = texts[i]
        if condition == "tilted back" and not tilted_yet:
            text, tilted_yet = TILTED_PROP, True
        font = rng.choice(held_out) if condition == "unseen typeface" else None
        plate = plate_bgr(text, width_px=640, font_path=font)
        if condition == "low contrast":
            plate = _flattened(plate, rng)
        corners = _condition_corners(condition, rng, plate.shape, frame_size,
                                     exact=(text == TILTED_PROP and condition == "tilted back"))
        background = _background(rng, frame_size, backgrounds)
        frame, box = _photograph(plate, background, _placed(rng, corners, frame_size), rng,
                                 shadow=condition == "shadow")
        frames.append(LabelledImage(f"sim-{i:04d}", frame, text, box, condition))
    return frames


def empty_set(count: int, *, seed: int = 0, frame_size: tuple[int, int] = (640, 480),
              backgrounds: Sequence[np.ndarray] = ()) -> list[np.ndarray]:
    """``count`` frames of the same scenes as :func:`condition_set`, with no plate in them:
    what the camera sees most of the time, for timing a frame with nothing to read."""
    rng = random.Random(seed)
    return [_background(rng, frame_size, backgrounds) for _ in range(count)]


def _condition_corners(condition: str, rng: random.Random, plate_shape: tuple[int, ...],
                       frame_size: tuple[int, int], *, exact: bool = False) -> np.ndarray:
    """The plate's four corners (TL, TR, BR, BL) around the origin, for ``condition``."""
    frame_w = frame_size[0]
    if condition == "small":
        return _turned(rng, plate_shape, rng.uniform(90, 120), frame_w, 10.0)
    if condition == "close":
        return _turned(rng, plate_shape, frame_w * rng.uniform(0.75, 0.95), frame_w, 6.0)
    if condition == "turned":
        yaw = rng.choice((-1, 1)) * rng.uniform(20, 35)
        return _turned(rng, plate_shape, rng.uniform(160, 400), frame_w, 8.0, yaw_deg=yaw)
    width_px = rng.uniform(140, 400)
    flat = _flat(plate_shape, width_px)
    if condition == "perspective":
        angle = [rng.uniform(0, 2 * math.pi) for _ in range(4)]
        reach = [width_px * 0.09 * math.sqrt(rng.random()) for _ in range(4)]
        moved = flat + np.float32([[r * math.cos(a), r * math.sin(a)]
                                   for r, a in zip(reach, angle)])
        return _rolled(moved, rng.uniform(-8, 8))
    if condition == "tilted back":
        pull = [0.10, 0.10] if exact else [rng.uniform(0.05, 0.10) for _ in range(2)]
        # Tilting back also shortens the plate a little, seen from below its top edge.
        drop = (flat[3, 1] - flat[0, 1]) * (0.0 if exact else rng.uniform(0.0, 0.15))
        flat[0] += (width_px * pull[0], drop)
        flat[1] += (-width_px * pull[1], drop)
        return flat if exact else _rolled(flat, rng.uniform(-5, 5))
    return _turned(rng, plate_shape, width_px if condition != "level" else rng.uniform(120, 320),
                   frame_w, 15.0)


def _flat(plate_shape: tuple[int, ...], width_px: float) -> np.ndarray:
    half_w = width_px / 2
    half_h = width_px * plate_shape[0] / plate_shape[1] / 2
    return np.float32([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h],
                       [-half_w, half_h]])


def _rolled(corners: np.ndarray, degrees: float) -> np.ndarray:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return (corners @ np.float32([[c, s], [-s, c]])).astype(np.float32)


def _turned(rng: random.Random, plate_shape: tuple[int, ...], width_px: float, frame_w: int,
            max_tilt_deg: float, *, yaw_deg: float | None = None) -> np.ndarray:
    """Corners of a plate ``width_px`` wide turned about its vertical (yaw) and horizontal
    (pitch) axes, projected with a focal length of one frame width, then rolled in the
    image plane; each angle up to ``max_tilt_deg`` unless ``yaw_deg`` is given."""
    yaw = math.radians(yaw_deg if yaw_deg is not None
                       else rng.uniform(-max_tilt_deg, max_tilt_deg))
    pitch, roll = (math.radians(rng.uniform(-max_tilt_deg, max_tilt_deg)) for _ in range(2))
    focal = float(frame_w)
    distance = focal  # the plate's scale is set by width_px at this distance
    corners = []
    for x, y in _flat(plate_shape, width_px):
        x, z = x * math.cos(yaw), x * math.sin(yaw)
        y, z = y * math.cos(pitch) - z * math.sin(pitch), y * math.sin(pitch) + z * math.cos(pitch)
        scale = focal / (distance + z)
        u, v = x * scale, y * scale
        corners.append((u * math.cos(roll) - v * math.sin(roll),
                        u * math.sin(roll) + v * math.cos(roll)))
    return np.float32(corners)


def _placed(rng: random.Random, corners: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """``corners`` moved to a random place where the whole plate is in the frame."""
    width, height = frame_size
    low, high = corners.min(axis=0), corners.max(axis=0)
    span = high - low
    x = rng.uniform(4, max(4.0, width - span[0] - 4)) - low[0]
    y = rng.uniform(4, max(4.0, height - span[1] - 4)) - low[1]
    return corners + np.float32([x, y])


def _flattened(plate: np.ndarray, rng: random.Random) -> np.ndarray:
    """The plate with its contrast cut to 30–50 %, towards a grey-white (flat, dim light)."""
    keep = rng.uniform(0.3, 0.5)
    paper = rng.uniform(150, 210)
    return np.clip(paper - (255.0 - plate.astype(np.float32)) * keep * paper / 255.0,
                   0, 255).astype(np.uint8)


def _photograph(plate: np.ndarray, background: np.ndarray, corners: np.ndarray,
                rng: random.Random, *, shadow: bool = False) -> tuple[np.ndarray, Box]:
    """``plate`` placed in ``background`` at ``corners`` as a camera would see it; also the
    plate's bounding box."""
    height, width = background.shape[:2]
    ph, pw = plate.shape[:2]
    source = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(plate, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (width, height),
                               flags=cv2.INTER_LINEAR)[..., None] / 255.0
    frame = background * (1 - mask) + warped * mask
    if shadow:
        frame = frame * _shadow(rng, corners, (height, width))
    # Light: overall exposure and a gradient across the frame (a lamp to one side).
    gain = rng.uniform(0.55, 1.25)
    gx, gy = rng.uniform(-0.35, 0.35), rng.uniform(-0.25, 0.25)
    xs = np.linspace(-0.5, 0.5, width, dtype=np.float32)[None, :, None]
    ys = np.linspace(-0.5, 0.5, height, dtype=np.float32)[:, None, None]
    frame = frame * gain * (1 + gx * xs + gy * ys) + rng.uniform(-15, 15)
    sigma = rng.uniform(0.0, 1.2)
    if sigma > 0.3:
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    noise = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, rng.uniform(0, 8), frame.shape)
    frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, rng.randrange(45, 91)])
    xs_c, ys_c = corners[:, 0], corners[:, 1]
    box = Box(int(math.floor(xs_c.min())), int(math.floor(ys_c.min())),
              int(math.ceil(xs_c.max())), int(math.ceil(ys_c.max()))).clipped(width, height)
    return (cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else frame), box


def _shadow(rng: random.Random, corners: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A light factor (H×W×1) darkening one side of a line through the plate by 35–60 %,
    with a slightly soft edge, as the shadow of an arm or a door frame."""
    height, width = shape
    centre = corners.mean(axis=0) + np.float32(
        [rng.uniform(-0.3, 0.3), rng.uniform(-0.2, 0.2)]) * (corners.max(0) - corners.min(0))
    angle = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    side = (xs - centre[0]) * math.cos(angle) + (ys - centre[1]) * math.sin(angle)
    depth = rng.uniform(0.35, 0.6)
    soft = np.clip(side / rng.uniform(1.0, 4.0) + 0.5, 0, 1)
    return (1.0 - depth * soft)[..., None]


def _background(rng: random.Random, size: tuple[int, int],
                backgrounds: Sequence[np.ndarray]) -> np.ndarray:
    width, height = size
    if backgrounds:
        source = backgrounds[rng.randrange(len(backgrounds))]
        scale = max(width / source.shape[1], height / source.shape[0]) * rng.uniform(1.0, 1.5)
        big = cv2.resize(source, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        x = rng.randrange(big.shape[1] - width + 1)
        y = rng.randrange(big.shape[0] - height + 1)
        return big[y:y + height, x:x + width].copy()
    # A room-like scene: a vertical light gradient and a few coloured blocks (furniture,
    # clothes), so the detector has edges and dark shapes to reject.
    ramp = np.linspace(rng.uniform(60, 200), rng.uniform(60, 200), height, dtype=np.float32)
    image = np.repeat(np.repeat(ramp[:, None, None], width, 1), 3, 2)
    image = image * np.float32([rng.uniform(0.8, 1.2) for _ in range(3)])
    for _ in range(rng.randrange(3, 9)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(20, width // 2), y0 + rng.randrange(20, height // 2)
        colour = [rng.uniform(0, 255) for _ in range(3)]
        cv2.rectangle(image, (x0, y0), (x1, y1), colour, -1)
    return np.clip(image, 0, 255).astype(np.uint8)
