"""English and Serbian (Latin script): every string the pages show, looked up by key.

The strings themselves live in :mod:`dashboard.kiosk_text`, :mod:`dashboard.facilitator_text`,
:mod:`dashboard.consent_text` and :mod:`dashboard.lesson`, each as ``key: (english, serbian)``. Placeholders are
``{name}``, filled with :func:`translate` here and with the same syntax by ``i18n.js``.
Texts avoid counted nouns ("3 visitors") because Serbian has three plural forms; they use
"label: number" instead.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Mapping

LANGUAGES = ("en", "sr")
#: The name of each language in itself, for the switch.
LANGUAGE_NAMES = {"en": "English", "sr": "Srpski"}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _sources() -> tuple[Mapping[str, tuple[str, str]], ...]:
    from dashboard.consent_text import TEXT as CONSENT
    from dashboard.city_text import TEXT as CITY
    from dashboard.facilitator_text import TEXT as FACILITATOR
    from dashboard.kiosk_text import TEXT as KIOSK
    from dashboard.lesson import lesson_text

    return (KIOSK, FACILITATOR, CONSENT, lesson_text(), CITY)


@cache
def _table() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for source in _sources():
        for key, pair in source.items():
            if key in table:
                raise ValueError(f"text key {key!r} is defined twice")
            table[key] = pair
    return table


def language_or(value: str | None, default: str) -> str:
    """``value`` if it names a supported language (``"en"``/``"sr"``), else ``default``."""
    return value if value in LANGUAGES else default


def translate(key: str, language: str, **values: object) -> str:
    """The text for ``key`` in ``language``, with ``{placeholders}`` filled from ``values``.

    Raises:
        KeyError: no text has this key (a bug in a template or route).
    """
    text = _table()[key][LANGUAGES.index(language_or(language, "en"))]
    if not values:
        return text
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def catalogue(language: str, prefixes: tuple[str, ...] = ("",)) -> dict[str, str]:
    """Every text in ``language`` whose key starts with one of ``prefixes``, for the browser."""
    index = LANGUAGES.index(language_or(language, "en"))
    return {key: pair[index] for key, pair in _table().items() if key.startswith(prefixes)}


def problems() -> list[str]:
    """Keys whose two languages are not both present with the same placeholders (for tests)."""
    found = []
    for key, pair in _table().items():
        if len(pair) != len(LANGUAGES) or not all(isinstance(t, str) and t.strip() for t in pair):
            found.append(f"{key}: missing a language")
        elif len({frozenset(_PLACEHOLDER.findall(text)) for text in pair}) != 1:
            found.append(f"{key}: placeholders differ between languages")
    return found


def format_number(value: int, language: str) -> str:
    """``8000`` as ``8,000`` in English and ``8.000`` in Serbian."""
    text = f"{value:,}"
    return text.replace(",", ".") if language == "sr" else text


def format_decimal(value: float, digits: int, language: str) -> str:
    """``0.55`` with ``digits`` decimals as ``language`` writes it: ``0.55`` / ``0,55``."""
    text = f"{value:,.{digits}f}"
    if language == "sr":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
