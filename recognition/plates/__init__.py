"""Licence plates: detection (``detect``), character finding (``glyphs``, ``marks``), two
readers pooled (``ocr`` for Tesseract, ``shapes`` by glyph shape), the Serbian format
(``format``), votes across frames (``votes``), cars and the fictional registry."""
