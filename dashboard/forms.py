"""Reading facilitator form fields: each helper returns a clean value or aborts with a 400.

The 400 names the field and says what is wrong, in the screens' language; the value itself
is never echoed or logged (it may be a person's name).
"""

from __future__ import annotations

import math
import unicodedata
from typing import NoReturn

from flask import abort, request

from dashboard.display import language
from dashboard.i18n import translate

LABEL_CHARS = (1, 40)


def reject(key: str = "f.err.field", status: int = 400, **values: object) -> NoReturn:
    """Abort the request with ``status`` and the text ``key``."""
    abort(status, description=translate(key, language(), **values))


def choice(name: str, allowed: tuple[str, ...]) -> str:
    """The form field ``name``, which must be one of ``allowed``."""
    value = request.form.get(name, "")
    if value not in allowed:
        reject(field=name)
    return value


def flag(name: str) -> bool:
    """A yes/no field: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``."""
    value = request.form.get(name, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    reject(field=name)


def ticked(name: str) -> bool:
    """Whether the checkbox ``name`` was ticked (browsers send nothing when it is not)."""
    return request.form.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def number(name: str, *, lo: float, hi: float, key: str = "f.err.field") -> float:
    """The field ``name`` as a finite number from ``lo`` to ``hi``; else 400 with ``key``."""
    text = request.form.get(name, "").strip().replace(",", ".")
    try:
        value = float(text) if len(text) <= 20 else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and lo <= value <= hi):
        reject(key, field=name)
    return value


def label(name: str = "label") -> str:
    """A watchlist name: 1–40 printable characters, spaces collapsed; else 400."""
    text = " ".join(request.form.get(name, "").split())
    printable = all(unicodedata.category(ch)[0] != "C" for ch in text)
    if not printable or not LABEL_CHARS[0] <= len(text) <= LABEL_CHARS[1]:
        reject("f.err.label")
    return text
