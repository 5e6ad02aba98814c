"""Plate characters drawn as masks: the prop plates' typeface, and the same shapes in others.

One renderer serves two readers: ``oko props`` draws its plates with it, and
:mod:`recognition.plates.shapes` learns what plate characters look like from it, in the prop
typeface and in a few similar sans faces, so the live demo's plates and real ones are
both in what it has seen. Fonts are read once, on first use.
"""

from __future__ import annotations

import functools
import os

from PIL import Image, ImageDraw, ImageFont

# Typefaces tried in order: a narrow bold sans is the closest free match to the DIN/FE-like
# plate font. Liberation comes with Chromium (the kiosk), DejaVu with every Debian system.
PROP_FONT_FILES = (
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
)
#: Other faces whose capitals and digits resemble plate lettering (DIN-like, condensed, and
#: a monospaced sans), for learning shapes beyond the props' own, so the shape reader knows
#: a character by what every face shares, not by one face's details; missing ones are
#: skipped. Never any of :data:`HELD_OUT_FONT_FILES`.
SIMILAR_FONT_FILES = (
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
)
#: Faces kept out of all learning, so that reading can be measured on typefaces it has never
#: seen (``oko eval plates --simulate``, condition "unseen typeface"): a condensed grotesque,
#: a condensed humanist sans and a monospaced sans. Nothing may learn from these.
HELD_OUT_FONT_FILES = (
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/open-sans/OpenSans-CondBold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
)
#: Letters that carry a caron or an acute, and the letter under the mark.
MARKED = {"Č": "C", "Ć": "C", "Š": "S", "Ž": "Z"}


@functools.cache
def prop_font_file() -> str | None:
    """The first of :data:`PROP_FONT_FILES` that is installed, or ``None``."""
    return next((p for p in PROP_FONT_FILES if os.path.isfile(p)), None)


def held_out_font_files() -> tuple[str, ...]:
    """The installed faces of :data:`HELD_OUT_FONT_FILES`."""
    return tuple(p for p in HELD_OUT_FONT_FILES if os.path.isfile(p))


@functools.cache
def font(size_px: int, path: str | None = None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The typeface at ``path``, or the first prop typeface installed, at ``size_px``.

    Pillow's own font stands in when none is installed, which keeps props working on a
    system without Liberation or DejaVu, only less plate-like.

    Raises:
        OSError: ``path`` is given and cannot be read.
    """
    path = path or prop_font_file()
    return ImageFont.truetype(path, size_px) if path else ImageFont.load_default(size_px)


@functools.cache
def glyph_mask(ch: str, width_px: int, height_px: int, font_path: str | None = None
               ) -> Image.Image:
    """``ch`` as a mask (white ink on black) whose capitals are ``height_px`` tall, at most
    ``width_px`` wide, drawn as on a plate.

    Every glyph gets the same scale, taken from ``H``: the plate font is narrower than any
    free font, so the whole face is squeezed sideways by one factor, which keeps the
    strokes of ``I`` and ``1`` as heavy as those of ``M``. Letters with a caron or accent
    get a body of 80 % height and the mark above it, within the capital height, as on real
    plates; ``Đ``'s bar juts out left of its stem.

    Args:
        ch: one plate character.
        width_px: the character cell's width; ``height_px``: the capital height.
        font_path: a typeface file; ``None`` for the props' (see :func:`font`).

    Raises:
        OSError: ``font_path`` cannot be read.
    """
    reference = _ink("H", font_path)
    scale = height_px / reference.height
    squeeze = min(1.0, width_px * 0.92 / (reference.width * scale))
    if ch in MARKED:
        return _marked(ch, width_px, height_px, scale * squeeze, font_path)
    if ch == "Đ":
        return _barred_d(glyph_mask("D", width_px, height_px, font_path), height_px)
    mask = _ink(ch, font_path)
    size = (max(1, min(width_px, round(mask.width * scale * squeeze))),
            min(height_px, round(mask.height * scale)))
    return mask.resize(size, Image.Resampling.LANCZOS)


@functools.cache
def _ink(ch: str, font_path: str | None) -> Image.Image:
    """``ch`` at a large size as a tightly cropped 8-bit mask (white ink on black)."""
    face = font(240, font_path)
    left, top, right, bottom = face.getbbox(ch)
    mask = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(mask).text((4 - left, 4 - top), ch, fill=255, font=face)
    return mask.crop(mask.getbbox())


def _barred_d(d: Image.Image, height_px: int) -> Image.Image:
    """Đ: a D whose crossbar juts well out to the left of the stem, as on plates."""
    jut, thick = round(d.width * 0.22), max(1, round(height_px * 0.08))
    out = Image.new("L", (d.width + jut, height_px), 0)
    out.paste(d, (jut, height_px - d.height))
    middle = height_px // 2
    ImageDraw.Draw(out).rectangle([0, middle - thick // 2, jut + round(d.width * 0.35),
                                   middle + thick // 2], fill=255)
    return out


def _marked(ch: str, width_px: int, height_px: int, x_scale: float, font_path: str | None
            ) -> Image.Image:
    """A letter with a caron or acute: the base letter shortened, the mark drawn above it."""
    body_h = round(height_px * 0.8)
    base = _ink(MARKED[ch], font_path)
    body_w = max(1, min(width_px, round(base.width * x_scale)))
    body = base.resize((body_w, body_h), Image.Resampling.LANCZOS)
    mark_h, gap = round(height_px * 0.13), round(height_px * 0.05)
    mark_w = max(2, round(body_w * 0.55))
    out = Image.new("L", (body_w, height_px), 0)
    out.paste(body, (0, height_px - body_h))
    draw = ImageDraw.Draw(out)
    stroke = max(1, round(height_px * 0.06))
    cx, bottom = body_w / 2, height_px - body_h - gap
    if ch == "Ć":  # acute: one stroke rising to the right
        draw.line([(cx - mark_w * 0.2, bottom), (cx + mark_w * 0.35, bottom - mark_h)],
                  fill=255, width=stroke)
    else:  # caron: a small v
        draw.line([(cx - mark_w / 2, bottom - mark_h), (cx, bottom), (cx + mark_w / 2,
                   bottom - mark_h)], fill=255, width=stroke, joint="curve")
    return out
