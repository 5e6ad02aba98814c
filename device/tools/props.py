"""``oko props``: printable prop licence plates in the Serbian 2011 layout.

A facilitator prints a sheet, cuts the plates out and holds one up to the camera as a "car".
The plates follow the real proportions (520 × 113 mm), with the blue ``SRB`` strip, the
district code, a simplified red shield with the code in Cyrillic under it, the digits, a hyphen
and the serial letters. A4 is narrower than a real plate, so plates are printed to the page
width at the same proportions. Each plate carries a small "prop" caption outside its cut line.

Drawing is done with Pillow only; the same renderer gives the tests and the evaluation their
plate images (:func:`plate_bgr`), so the live demo is measured against what gets printed.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw

from recognition.plates.font import font, glyph_mask
from recognition.plates.format import clean, district_of, is_serbian, random_plate

log = logging.getLogger(__name__)

#: Plate size in millimetres (Pravilnik 2010 gives 520.5 × 112.9).
PLATE_MM = (520.0, 113.0)
#: A4 landscape in millimetres.
A4_LANDSCAPE_MM = (297.0, 210.0)
#: The blue of the strip (RGB), as on EU-style plates.
STRIP_BLUE = (0, 51, 153)
SHIELD_RED = (196, 30, 58)

_CYRILLIC = dict(zip("ABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ", "АБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ"))

# Layout in plate millimetres (x from the left edge, y from the top).
_BORDER_MM = 1.6          # black border line width, inset by the same amount
_STRIP_MM = (3.2, 42.0)   # blue strip, left and right edge
_CAP_MM = 75.0            # character height
_ADVANCE_MM = 44.0        # one character cell
_GLYPH_MM = 38.0          # ink width of a character inside its cell
_SHIELD_MM = (30.0, 38.0)  # shield width and height
_GAP_MM = 5.0             # space either side of the shield
_HYPHEN_CELL_MM = 24.0


def plate_image(text: str, *, width_px: int = 1040, font_path: str | None = None
                ) -> Image.Image:
    """Draw one Serbian plate as an RGB Pillow image ``width_px`` wide (height from 520:113).

    Args:
        text: a well-formed Serbian plate, with or without spaces/hyphen (``"BG 123-AB"``).
        width_px: width of the picture in pixels; 1040 px is 2 px per millimetre.
        font_path: the typeface of the characters; ``None`` for the props' own. The
            simulator draws plates in faces the readers never learnt from with it.

    Raises:
        ValueError: ``text`` is not a well-formed Serbian plate.
    """
    plate = clean(text)
    if not is_serbian(plate):
        raise ValueError(f"{text!r} is not a Serbian plate such as 'BG 123-AB'.")
    district = district_of(plate)
    digits, serial = plate[len(district):-2], plate[-2:]
    px = width_px / PLATE_MM[0]
    image = Image.new("RGB", (width_px, round(PLATE_MM[1] * px)), "white")
    draw = ImageDraw.Draw(image)
    _draw_frame(draw, px)

    widths = [2 * _ADVANCE_MM, 2 * _GAP_MM + _SHIELD_MM[0], len(digits) * _ADVANCE_MM,
              _HYPHEN_CELL_MM, 2 * _ADVANCE_MM]
    text_left = _STRIP_MM[1] + 4.0
    x_mm = text_left + (PLATE_MM[0] - 4.0 - text_left - sum(widths)) / 2
    top_mm = (PLATE_MM[1] - _CAP_MM) / 2
    for group, width_mm in zip((district, None, digits, "-", serial), widths):
        if group is None:
            _draw_shield(image, draw, district, (x_mm + _GAP_MM) * px, top_mm * px, px)
        elif group == "-":
            mid = top_mm + _CAP_MM / 2
            draw.rectangle([(x_mm + 5) * px, (mid - 2.8) * px, (x_mm + width_mm - 5) * px,
                            (mid + 2.8) * px], fill="black")
        else:
            for i, ch in enumerate(group):
                cell_mm = x_mm + i * _ADVANCE_MM + (_ADVANCE_MM - _GLYPH_MM) / 2
                _paste_glyph(image, ch, cell_mm * px, top_mm * px, _GLYPH_MM * px,
                             _CAP_MM * px, font_path)
        x_mm += width_mm
    return image


def plate_bgr(text: str, *, width_px: int = 520, font_path: str | None = None) -> np.ndarray:
    """One plate as an H×W×3 uint8 BGR array, as a camera frame would hold it (no files).

    Args and errors as :func:`plate_image`.
    """
    rgb = np.asarray(plate_image(text, width_px=width_px, font_path=font_path))
    return np.ascontiguousarray(rgb[..., ::-1])


def random_texts(count: int, *, seed: int | None = None) -> list[str]:
    """``count`` different random well-formed Serbian plates (post-2017 letters, a few taxis).

    ``seed`` makes the list repeatable; ``None`` draws a fresh one.
    """
    rng = random.Random(seed)
    texts: list[str] = []
    while len(texts) < count:
        text = random_plate(rng)
        if text not in texts:
            texts.append(text)
    return texts


def sheets(texts: Sequence[str], *, per_page: int = 3, dpi: int = 200) -> list[Image.Image]:
    """Lay plates out on A4 landscape pages, ``per_page`` to a page, at ``dpi`` dots per inch.

    Each plate is as wide as the page allows (270 mm at 3 a page), framed by a light grey cut
    line and captioned as a prop below it.

    Raises:
        ValueError: a text is not a Serbian plate, or ``per_page`` is not 1–4.
    """
    if not 1 <= per_page <= 4:
        raise ValueError("per_page must be between 1 and 4 plates.")
    px = dpi / 25.4
    page_w, page_h = (round(v * px) for v in A4_LANDSCAPE_MM)
    plate_w_mm = min(A4_LANDSCAPE_MM[0] - 27.0,
                     (A4_LANDSCAPE_MM[1] - 20.0) / per_page * 0.82 * PLATE_MM[0] / PLATE_MM[1])
    plate_w, plate_h = round(plate_w_mm * px), round(plate_w_mm * px * PLATE_MM[1] / PLATE_MM[0])
    slot_h = (page_h - round(20 * px)) // per_page
    caption = font(max(8, round(2.6 * px)))
    pages = []
    for start in range(0, len(texts), per_page):
        page = Image.new("RGB", (page_w, page_h), "white")
        draw = ImageDraw.Draw(page)
        for slot, text in enumerate(texts[start:start + per_page]):
            left = (page_w - plate_w) // 2
            top = round(10 * px) + slot * slot_h + (slot_h - plate_h - round(5 * px)) // 2
            page.paste(plate_image(text, width_px=plate_w), (left, top))
            cut = round(1.5 * px)
            draw.rectangle([left - cut, top - cut, left + plate_w + cut, top + plate_h + cut],
                           outline=(190, 190, 190), width=max(1, round(0.2 * px)))
            draw.text((left, top + plate_h + cut + round(1 * px)),
                      "Oko exhibit prop - not a registration plate / rekvizit, nije tablica",
                      fill=(150, 150, 150), font=caption)
        pages.append(page)
    return pages


def save_sheets(pages: Sequence[Image.Image], path: Path, *, dpi: int = 200) -> list[Path]:
    """Write ``pages`` to ``path``: one PDF if it ends in ``.pdf``, else numbered PNGs.

    PNG pages are named ``<stem>-1.png``, ``<stem>-2.png``…; a single page keeps ``path``.
    Returns the files written.

    Raises:
        ValueError: there are no pages, or the suffix is neither ``.pdf`` nor ``.png``.
    """
    if not pages:
        raise ValueError("There are no plates to print.")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        pages[0].save(path, "PDF", resolution=float(dpi), save_all=True,
                      append_images=list(pages[1:]))
        written = [path]
    elif suffix == ".png":
        written = [path] if len(pages) == 1 else [
            path.with_name(f"{path.stem}-{i}{path.suffix}") for i in range(1, len(pages) + 1)
        ]
        for page, target in zip(pages, written):
            page.save(target, "PNG", dpi=(dpi, dpi))
    else:
        raise ValueError(f"{path.name}: write the sheets to a .pdf or a .png file.")
    log.info("wrote %d page(s) of prop plates to %d file(s)", len(pages), len(written))
    return written


def _paste_glyph(image: Image.Image, ch: str, left: float, top: float, cell_w: float,
                 height: float, font_path: str | None = None) -> None:
    mask = glyph_mask(ch, round(cell_w), round(height), font_path)
    # Capitals sit on the baseline; anything shorter (the hyphen is drawn apart) is centred.
    offset = round(left + (cell_w - mask.width) / 2), round(top + height - mask.height)
    image.paste((0, 0, 0), offset, mask)


def _draw_frame(draw: ImageDraw.ImageDraw, px: float) -> None:
    width, height = (round(v * px) for v in PLATE_MM)
    inset = _BORDER_MM * px
    draw.rounded_rectangle([inset, inset, width - 1 - inset, height - 1 - inset],
                           radius=4 * px, outline="black", width=max(1, round(_BORDER_MM * px)))
    edge = inset + _BORDER_MM * px
    draw.rectangle([edge, edge, _STRIP_MM[1] * px, height - 1 - edge], fill=STRIP_BLUE)
    strip_mid = (edge + _STRIP_MM[1] * px) / 2
    draw.text((strip_mid, height - edge - 9 * px), "SRB", fill="white",
              font=font(max(6, round(15 * px))), anchor="ms")


def _draw_shield(image: Image.Image, draw: ImageDraw.ImageDraw, district: str, left: float,
                 top: float, px: float) -> None:
    """A simplified Serbian shield (red, white cross, crown) with the Cyrillic code under it."""
    w, h = _SHIELD_MM[0] * px, _SHIELD_MM[1] * px
    crown = h * 0.2
    body_top = top + crown
    outline = [(left, body_top), (left + w, body_top), (left + w, top + h * 0.7),
               (left + w / 2, top + h), (left, top + h * 0.7)]
    draw.polygon(outline, fill=SHIELD_RED, outline=(120, 10, 30))
    cx, cy = left + w / 2, body_top + (h - crown) * 0.42
    bar = w * 0.09
    draw.rectangle([cx - bar, body_top + h * 0.08, cx + bar, top + h * 0.86], fill="white")
    draw.rectangle([left + w * 0.14, cy - bar, left + w * 0.86, cy + bar], fill="white")
    gold = (212, 170, 40)
    draw.polygon([(left + w * 0.15, body_top - 1), (left + w * 0.15, top + crown * 0.3),
                  (left + w * 0.33, top + crown * 0.6), (left + w / 2, top),
                  (left + w * 0.67, top + crown * 0.6), (left + w * 0.85, top + crown * 0.3),
                  (left + w * 0.85, body_top - 1)], fill=gold)
    cyrillic = "".join(_CYRILLIC.get(ch, ch) for ch in district)
    draw.text((left + w / 2, top + _CAP_MM * px), cyrillic, fill="black",
              font=font(max(6, round(13 * px))), anchor="md")
