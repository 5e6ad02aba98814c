"""The OCR engine for plate lines, and matching its symbols back to the characters.

:func:`line_image` redraws the characters found by :mod:`recognition.plates.glyphs`, evenly
spaced, black on white. The engine's symbols are then matched back to the characters by
position (:func:`characters`), so a symbol Tesseract invents in a gap is dropped and each
plate position keeps its ranked alternatives, which the format check uses to tell ``8`` from
``B`` by position.

The engine is behind :class:`OcrEngine`; :func:`tesseract` builds the Tesseract one lazily,
once, through tesserocr (the C API in-process; a process per call costs ~170 ms).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol, Sequence

import cv2
import numpy as np

from recognition.errors import ModelUnavailable
from recognition.scrub import overwrite
from recognition.plates.format import PLATE_CHARACTERS, Choices, clean
from recognition.plates.glyphs import CharacterLine

#: Where Debian's tesseract-ocr packages put the language data.
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata")
INSTALL_HINT = ("Plate reading needs Tesseract and its Serbian Latin data: run "
                "'sudo apt install tesseract-ocr tesseract-ocr-srp-latn' and "
                "'pip install tesserocr'.")
#: Character height in the line shown to the OCR engine. Tesseract's LSTM models read best
#: with capitals of 30–40 px; smaller loses detail, larger only costs time.
OCR_CHAR_PX = 36


@dataclass(frozen=True)
class OcrSymbol:
    """One symbol the engine read: its x-range in the line image and ranked alternatives.

    ``choices`` are ``(character, confidence 0–1)``, best first; the first is the engine's
    reading.
    """

    left_px: int
    right_px: int
    choices: tuple[tuple[str, float], ...]


class OcrEngine(Protocol):
    """Reads one line of dark characters on white."""

    def read_line(self, grey: np.ndarray) -> list[OcrSymbol]:
        """The symbols of an H×W uint8 line image, left to right."""
        ...


class TesseractEngine:
    """One Tesseract instance set up for single plate lines (not thread-safe; one per thread).

    Args:
        tessdata: directory with ``<lang>.traineddata``.
        lang: Tesseract languages, ``+``-joined. ``eng`` reads plate fonts best of the
            Debian models; ``srp_latn`` also knows Č Ć Š Ž Đ but invents more characters.

    Raises:
        ModelUnavailable: tesserocr is not installed or the language data is missing.
    """

    def __init__(self, tessdata: str, lang: str = "eng"):
        try:
            import tesserocr
        except ImportError as exc:
            raise ModelUnavailable(INSTALL_HINT) from exc
        missing = [name for name in lang.split("+")
                   if not os.path.isfile(os.path.join(tessdata, f"{name}.traineddata"))]
        if missing:
            raise ModelUnavailable(f"Tesseract data for {', '.join(missing)} is missing. "
                                   + INSTALL_HINT)
        self._level = tesserocr.RIL.SYMBOL
        try:
            # Dictionaries only pull reads towards words; choice mode 2 keeps each symbol's
            # alternatives, which the format check needs to pick a letter by position.
            self._api = tesserocr.PyTessBaseAPI(
                path=tessdata, lang=lang, psm=tesserocr.PSM.SINGLE_LINE,
                oem=tesserocr.OEM.LSTM_ONLY,
                variables={"load_system_dawg": "0", "load_freq_dawg": "0",
                           "lstm_choice_mode": "2"},
            )
        except RuntimeError as exc:
            raise ModelUnavailable(INSTALL_HINT) from exc
        self._api.SetVariable("tessedit_char_whitelist", PLATE_CHARACTERS)

    def read_line(self, grey: np.ndarray) -> list[OcrSymbol]:
        """The symbols of an H×W uint8 line image (dark on white), left to right."""
        grey = np.ascontiguousarray(grey, dtype=np.uint8)
        height, width = grey.shape
        # tesserocr takes only bytes, an immutable copy of the plate's characters: overwrite
        # it once Tesseract has its own copy, which clear() frees at the wipe.
        data = grey.tobytes()
        try:
            self._api.SetImageBytes(data, width, height, 1, width)
        finally:
            overwrite(data)
        self._api.Recognize()
        found: list[OcrSymbol] = []
        iterator = self._api.GetIterator()
        if iterator is None:
            return found
        while True:
            box = iterator.BoundingBox(self._level)
            try:
                text = iterator.GetUTF8Text(self._level)
            except RuntimeError:  # tesserocr's way of saying "no text here"
                text = ""
            if box is not None and text:
                choices = [(text, iterator.Confidence(self._level) / 100.0)]
                choices += [(c.GetUTF8Text(), c.Confidence() / 100.0)
                            for c in iterator.GetChoiceIterator()]
                found.append(OcrSymbol(box[0], box[2], tuple(choices)))
            if not iterator.Next(self._level):
                return found

    def clear(self) -> None:
        """Free the last line image and its recognised text from Tesseract's native memory
        (kept there until the next read otherwise); the loaded model stays."""
        self._api.Clear()


#: The shared engines by language, made on first use (loading one takes ~0.3 s).
_ENGINES: dict[str, TesseractEngine] = {}


def tesseract(lang: str = "eng") -> TesseractEngine:
    """The shared Tesseract engine, created on first use from Debian's language data.

    Raises:
        ModelUnavailable: tesserocr or the language data is not installed.
    """
    engine = _ENGINES.get(lang)
    if engine is not None:
        return engine
    for directory in TESSDATA_DIRS:
        if os.path.isfile(os.path.join(directory, f"{lang.split('+')[0]}.traineddata")):
            engine = _ENGINES[lang] = TesseractEngine(directory, lang)
            return engine
    raise ModelUnavailable(INSTALL_HINT)


def clear_engines() -> None:
    """Make every shared engine forget its last plate image and text (at every wipe)."""
    for engine in _ENGINES.values():
        engine.clear()


def line_image(line: CharacterLine, *, char_px: int = OCR_CHAR_PX, stretch: float = 1.3,
               gap: float = 0.3) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The characters of ``line`` alone, black on white, for the OCR engine.

    Args:
        line: characters found by :func:`character_line` (at least one).
        char_px: character height in the result (see :data:`OCR_CHAR_PX`).
        stretch: horizontal scale relative to the height; plate fonts are narrower than the
            fonts Tesseract learnt from, and widening them stops ``7`` being read as ``1``.
        gap: space between characters, in character heights; even spacing keeps Tesseract
            from inventing characters in the wide gaps the shield and hyphen leave.

    Returns:
        The image and, per character, its ``(left, right)`` x-range in it.
    """
    scale = char_px / max(line.height_px, 1.0)
    pad = char_px // 2
    top = min(b.top for b in line.boxes)
    bottom = max(b.bottom for b in line.boxes)
    height = max(1, round((bottom - top) * scale))
    widths = [max(1, round(b.width * scale * stretch)) for b in line.boxes]
    space = round(gap * char_px)
    canvas = np.full((height + 2 * pad, sum(widths) + space * (len(widths) - 1) + 2 * pad),
                     255, np.uint8)
    spans, left = [], pad
    for box, width in zip(line.boxes, widths):
        glyph = cv2.resize(line.ink[top:bottom, box.left:box.right], (width, height),
                           interpolation=cv2.INTER_AREA)
        region = canvas[pad:pad + height, left:left + width]
        np.minimum(region, 255 - glyph, out=region)
        spans.append((left, left + width))
        left += width + space
    return canvas, spans


def characters(symbols: Sequence[OcrSymbol], spans: Sequence[tuple[int, int]]) -> list[Choices]:
    """Each character position's alternatives, from the engine's symbols.

    Tesseract's symbol boxes drift by up to a character along a line, so symbols are matched
    to positions in order (a monotone alignment on centre distance) rather than by where
    they say they are. A symbol left over is one read into a gap and is dropped; a position
    left over gets no alternatives, which the format check treats as unreadable.
    """
    matched = _align([(s.left_px + s.right_px) / 2 for s in symbols],
                     [(left + right) / 2 for left, right in spans],
                     skip=max((r - l for l, r in spans), default=1))
    positions: list[Choices] = []
    for j in range(len(spans)):
        pooled: dict[str, float] = {}
        for text, confidence in (symbols[matched[j]].choices if j in matched else ()):
            ch = clean(text)
            if len(ch) == 1 and confidence > pooled.get(ch, -1.0):
                pooled[ch] = confidence
        # The engine's own reading leads even when an alternative scored higher.
        first = clean(symbols[matched[j]].choices[0][0]) if j in matched else ""
        ranked = sorted(pooled.items(), key=lambda kv: (kv[0] != first, -kv[1]))
        positions.append(tuple(ranked))
    return positions


def _align(symbols: Sequence[float], spans: Sequence[float], skip: float) -> dict[int, int]:
    """Monotone matching of symbol centres to span centres: ``{span index: symbol index}``.

    Dynamic programming over both sequences; matching costs the distance between centres,
    leaving either one out costs ``skip`` (a character width).
    """
    n, m = len(symbols), len(spans)
    cost = np.full((n + 1, m + 1), np.inf)
    cost[0, :] = np.arange(m + 1) * skip
    cost[:, 0] = np.arange(n + 1) * skip
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i, j] = min(cost[i - 1, j - 1] + abs(symbols[i - 1] - spans[j - 1]),
                             cost[i - 1, j] + skip, cost[i, j - 1] + skip)
    matched: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        if cost[i, j] == cost[i - 1, j - 1] + abs(symbols[i - 1] - spans[j - 1]):
            matched[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif cost[i, j] == cost[i - 1, j] + skip:
            i -= 1
        else:
            j -= 1
    return matched


