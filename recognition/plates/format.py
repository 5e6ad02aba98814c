"""Serbian licence-plate format: normalising OCR text, correcting confusions, naming districts.

The rules are those of the 2011 plate (``CC NNN(N)-LL``, see ``serbian_plates.md`` in the shared
facts): a registration-district code, three or four digits, two serial letters. Because every
position is known to hold either a letter or a digit, an OCR confusion such as ``8`` for ``B``
can be undone by position. Corrections are capped, and anything that still does not fit is
reported as unreadable rather than bent into a valid-looking plate.

Text that is plate-like but not Serbian (an EU plate from abroad) is kept as read and marked
``foreign``; it is not forced into the Serbian layout, though a read that fits a common
European layout (:data:`FOREIGN_LAYOUTS`) is corrected by position as a Serbian one is.
There is no registry to check it against, so it is never ``valid``: ``valid`` means "a
well-formed Serbian plate". Reading from each position's OCR alternatives is in
:mod:`recognition.plates.choices`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

#: One character position as OCR saw it: ``(character, confidence 0–1)`` pairs, best first.
Choices = tuple[tuple[str, float], ...]

#: Registration districts: Latin code → seat (80 codes, including those for Kosovo).
DISTRICTS: dict[str, str] = {
    "AL": "Aleksinac", "AR": "Aranđelovac", "AC": "Aleksandrovac", "BB": "Bajina Bašta",
    "BG": "Beograd", "BO": "Bor", "BP": "Bačka Palanka", "BT": "Bačka Topola",
    "BĆ": "Bogatić", "BU": "Bujanovac", "BČ": "Bečej", "VA": "Valjevo",
    "VB": "Vrnjačka Banja", "VL": "Vlasotince", "VP": "Velika Plana", "VR": "Vranje",
    "VS": "Vrbas", "VŠ": "Vršac", "GL": "Gnjilane", "GM": "Gornji Milanovac",
    "DE": "Despotovac", "ĐA": "Đakovica", "ZA": "Zaječar", "ZR": "Zrenjanin",
    "IN": "Inđija", "IC": "Ivanjica", "JA": "Jagodina", "KA": "Kanjiža", "KV": "Kraljevo",
    "KG": "Kragujevac", "KŽ": "Knjaževac", "KI": "Kikinda", "KL": "Kladovo",
    "KM": "Kosovska Mitrovica", "KO": "Kovin", "KC": "Koceljeva", "KŠ": "Kruševac",
    "LB": "Lebane", "LE": "Leskovac", "LO": "Loznica", "LU": "Lučani", "NV": "Nova Varoš",
    "NG": "Negotin", "NI": "Niš", "NP": "Novi Pazar", "NS": "Novi Sad", "PA": "Pančevo",
    "PB": "Priboj", "PE": "Peć", "PŽ": "Požega", "PZ": "Prizren", "PI": "Pirot",
    "PK": "Prokuplje", "PN": "Paraćin", "PO": "Požarevac", "PP": "Prijepolje",
    "PR": "Priština", "PT": "Petrovac na Mlavi", "RA": "Raška", "RU": "Ruma", "SA": "Senta",
    "SC": "Surdulica", "SV": "Svilajnac", "SD": "Smederevo", "SJ": "Sjenica",
    "SM": "Sremska Mitrovica", "SO": "Sombor", "SP": "Smederevska Palanka",
    "ST": "Stara Pazova", "SU": "Subotica", "TO": "Topola", "TS": "Trstenik", "TT": "Tutin",
    "ĆU": "Ćuprija", "UB": "Ub", "UE": "Užice", "UR": "Uroševac", "ČA": "Čačak",
    "ŠA": "Šabac", "ŠI": "Šid",
}
#: Serial letters of plates issued 2011 – July 2017 (Serbian Latin without digraphs, + X Y W).
SERIAL_LETTERS_2011 = "ABCČĆDĐEFGHIJKLMNOPRSŠTUVZŽXYW"
#: Serial letters of plates issued since the 2017 amendment (no Č Ć Š Ž Đ Y W).
SERIAL_LETTERS_2017 = "ABCDEFGHIJKLMNOPRSTUVZX"
#: Every character a plate (Serbian or from elsewhere in Europe) can show, for the OCR whitelist.
PLATE_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ČĆŠŽĐ"
#: Serial letters of a taxi.
TAXI = "TX"
#: What :func:`normalise` shows for text it cannot turn into a plate.
UNREADABLE = "unreadable"

_SERBIAN = re.compile(
    "^(?P<d>" + "|".join(DISTRICTS) + r")(?P<n>\d{3,4})(?P<l>[" + SERIAL_LETTERS_2011 + "]{2})$"
)
#: Shapes OCR confuses, by the kind of position they land in. Only pairs that really look
#: alike in the plate font are listed; a wider table would "correct" noise into plates.
AS_DIGIT = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "J": "1", "Z": "2", "Ž": "2",
            "S": "5", "Š": "5", "B": "8", "G": "6", "T": "7", "A": "4"}
AS_LETTER = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B"}
#: Layouts of common European plates (L a letter, D a digit, X either), which tell, as the
#: Serbian format does, whether a position holds a letter or a digit, so an ``8`` read where
#: a letter stands is a ``B``: two letters, three digits, two letters (France, Italy,
#: Slovakia, Croatia, Montenegro); two letters, four digits, one or two letters (Croatia);
#: two or three letters and digits (Poland and others); a digit, a letter, a letter or
#: digit and four digits (Czechia). Foreign plates read in no layout are kept as read.
FOREIGN_LAYOUTS = ("LLDDDLL", "LLDDDDLL", "LLDDDDL", "LLDDDDD", "LLLDDDD", "DLXDDDD")
LAYOUT_CHARACTERS = {"L": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "D": "0123456789",
                     "X": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}
# A district code may have lost its diacritic in OCR (ČA read as CA).
_DIACRITICS = {"C": "ČĆ", "S": "Š", "Z": "Ž", "D": "Đ"}
_BARE = str.maketrans({"Č": "C", "Ć": "C", "Š": "S", "Ž": "Z", "Đ": "D"})
# Look-alikes from other scripts and OCR habits that mean the same plate character.
_FOLD = str.maketrans({"С": "C", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
                       "О": "O", "Р": "P", "Т": "T", "Х": "X", "Ј": "J", "|": "I"})


@dataclass(frozen=True)
class PlateText:
    """OCR text interpreted as a plate.

    ``text`` is the plate without spaces (``"BG123AB"``), or ``""`` when unreadable.
    ``valid`` is true only for a well-formed Serbian plate.
    ``display`` is how the plate is printed (``"BG 123-AB"``; foreign plates as read;
    :data:`UNREADABLE` otherwise). ``country`` is ``"SRB"``, ``"foreign"`` or ``"unknown"``
    (unreadable). ``corrections`` counts the characters changed by position.
    ``confidence`` is the mean OCR confidence of the characters kept (0–1; 0 when the text
    came without confidences).
    """

    text: str
    display: str
    valid: bool
    country: str
    corrections: int = 0
    confidence: float = 0.0


def clean(raw: str) -> str:
    """``raw`` in capitals with everything but plate characters removed (spaces, hyphens)."""
    folded = raw.upper().translate(_FOLD)
    return "".join(ch for ch in folded if ch in PLATE_CHARACTERS)


def normalise(raw: str, *, max_corrections: int = 2) -> PlateText:
    """Interpret OCR text as a Serbian or a foreign plate.

    Args:
        raw: text as the OCR engine returned it (spaces, hyphens and stray symbols allowed;
            where they split it into groups other than ``CC NNN(N) LL``, nothing is corrected).
        max_corrections: most characters that may be changed by position (``8`` → ``B`` in a
            letter position, ``O`` → ``0`` in a digit position, a lost caron in a district
            code). More means more plates are recovered from poor reads, but also more noise
            turned into plates; 2 of 7–8 characters keeps a wrong plate rare.

    Returns:
        A Serbian plate (``valid``, ``country="SRB"``) if the text fits the format within
        ``max_corrections``; a foreign plate (``country="foreign"``, text kept as read, not
        ``valid``: nothing checks it) if it looks like a plate from elsewhere; otherwise
        unreadable (``valid=False``, ``text=""``). Text that starts like a Serbian plate
        but does not complete one is unreadable, not foreign: a half-read Serbian plate
        must not pass as a foreign one.
    """
    text = clean(raw)
    # Spaces, hyphens and dots in the OCR text show the plate's groups; if they are not
    # the Serbian (2, 3|4, 2), a position may have shifted and is not corrected.
    groups = [len(clean(part)) for part in re.split(r"[\s\-·.]+", raw.strip()) if clean(part)]
    if len(groups) >= 2 and groups != [2, len(text) - 4, 2]:
        max_corrections = 0
    serbian = _parse_serbian(text, max_corrections)
    if serbian is not None:
        return serbian
    text = _foreign_zeros(text)
    if looks_serbian(text) or not _looks_foreign(text):
        return PlateText("", UNREADABLE, False, "unknown")
    return PlateText(text, text, False, "foreign")


def _foreign_zeros(text: str) -> str:
    """``text`` with each ``O`` beside a digit, after the first two characters, read as ``0``.

    European plates mostly start with letters and draw 0 and O alike; an ``O`` among digits
    (``RK OO3-AB``) is a zero far more often than a letter.
    """
    chars = list(text)
    changed = True
    while changed:
        changed = False
        for i in range(2, len(chars)):
            if chars[i] == "O" and any(0 <= j < len(chars) and chars[j].isdigit()
                                       for j in (i - 1, i + 1)):
                chars[i], changed = "0", True
    return "".join(chars)


def foreign_layout(text: str) -> str | None:
    """The layout of :data:`FOREIGN_LAYOUTS` that ``text`` fits as it stands, else ``None``."""
    for layout in FOREIGN_LAYOUTS:
        if len(layout) == len(text) and all(
                ch in LAYOUT_CHARACTERS[kind] for ch, kind in zip(text, layout)):
            return layout
    return None


def look_alike(read: str, kept: str) -> bool:
    """Whether the character ``read`` is ``kept`` or one OCR confuses with it across kinds
    (``0``/``O``, ``8``/``B``, ``5``/``S`` …) or by a mark (``C``/``Č``, ``D``/``Đ``)."""
    return (read == kept or AS_DIGIT.get(read) == kept or AS_LETTER.get(read) == kept
            or read.translate(_BARE) == kept.translate(_BARE))


def bare(text: str) -> str:
    """``text`` with every caron, acute and bar taken off (``Č``, ``Ć`` → ``C``, ``Đ`` → ``D``)."""
    return text.translate(_BARE)


def caron_twin(code: str) -> str | None:
    """Another district code that differs from ``code`` only by a caron or bar on one of its
    bare letters (``"VS"`` → ``"VŠ"``, ``"SA"`` → ``"ŠA"``), else ``None``: a read that may
    have lost the mark OCR rarely sees."""
    for i, ch in enumerate(code):
        for marked in _DIACRITICS.get(ch, ""):
            twin = code[:i] + marked + code[i + 1:]
            if twin in DISTRICTS:
                return twin
    return None


def cross_kind(read: str) -> str | None:
    """The look-alike of the other kind (a letter for a digit and back: ``8`` → ``B``,
    ``O`` → ``0``), or ``None`` if ``read`` has none."""
    return AS_LETTER.get(read) if read.isdigit() else AS_DIGIT.get(read)


def is_serbian(text: str) -> bool:
    """Whether ``text`` (no spaces or hyphen) is a well-formed Serbian plate as it stands."""
    return _SERBIAN.match(text) is not None


def display(text: str) -> str:
    """A Serbian plate as printed, ``"BG123AB"`` → ``"BG 123-AB"``; other text unchanged."""
    match = _SERBIAN.match(text)
    if match is None:
        return text
    return f"{match['d']} {match['n']}-{match['l']}"


def district_of(text: str) -> str | None:
    """The district code of a Serbian plate (``"BG123AB"`` → ``"BG"``), else ``None``."""
    match = _SERBIAN.match(text)
    return match["d"] if match else None


def district_name(code: str) -> str | None:
    """The seat of a registration district, ``"BG"`` → ``"Beograd"``; ``None`` if unknown."""
    return DISTRICTS.get(code.upper())


def is_taxi(text: str) -> bool:
    """Whether ``text`` is a Serbian taxi plate (serial letters ``TX``)."""
    match = _SERBIAN.match(text)
    return match is not None and match["l"] == TAXI


def random_plate(rng: random.Random, *, letters: str = SERIAL_LETTERS_2017,
                 taxi_share: float = 0.05) -> str:
    """A random well-formed Serbian plate such as ``"NS1234KP"`` (for prop plates and tests).

    Args:
        rng: the random source, so a seed gives the same plates again.
        letters: alphabet of the serial letters; defaults to the post-2017 set.
        taxi_share: fraction of taxis (serial ``TX``, four digits), 0–1.
    """
    district = rng.choice(sorted(DISTRICTS))
    if rng.random() < taxi_share:
        return f"{district}{rng.randrange(1000, 10000)}{TAXI}"
    digits = rng.randrange(100, 1000) if rng.random() < 0.7 else rng.randrange(1000, 10000)
    return f"{district}{digits}{rng.choice(letters)}{rng.choice(letters)}"


def mean(values) -> float:
    """The mean of ``values`` (0 when there are none): OCR choices' shares, averaged."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _parse_serbian(text: str, max_corrections: int) -> PlateText | None:
    if len(text) not in (7, 8):
        return None
    district = fix_district(text[:2])
    if district is None:
        return None
    code, fixed = district
    digits = [AS_DIGIT.get(ch, ch) for ch in text[2:-2]]
    serial = [AS_LETTER.get(ch, ch) for ch in text[-2:]]
    serial = ["O" if ch == "Q" else ch for ch in serial]  # Q is not a serial letter
    candidate = code + "".join(digits) + "".join(serial)
    changes = fixed + sum(a != b for a, b in zip(text[2:], candidate[2:]))
    if changes > max_corrections or not is_serbian(candidate):
        return None
    return PlateText(candidate, display(candidate), True, "SRB", changes)


def fix_district(pair: str) -> tuple[str, int] | None:
    """The district code ``pair`` was read from and how many characters changed, or ``None``.

    A lost caron is restored only when exactly one district fits, so ``SA`` stays Senta and
    ``BC`` (Bečej or Bogatić) is not decided by guessing.
    """
    letters = "".join(AS_LETTER.get(ch, ch) for ch in pair)
    fixed = sum(a != b for a, b in zip(pair, letters))
    if letters in DISTRICTS:
        return letters, fixed
    letters = letters.translate(_BARE)  # a mark read as the wrong one (Č for Ć)
    options = [
        a + b
        for a in (letters[0] + _DIACRITICS.get(letters[0], ""))
        for b in (letters[1] + _DIACRITICS.get(letters[1], ""))
        if a + b in DISTRICTS
    ]
    if len(options) != 1:
        return None
    return options[0], fixed + sum(a != b for a, b in zip(pair, options[0]))


def looks_serbian(text: str) -> bool:
    """A Serbian district code (ambiguous carons allowed) then a digit: a Serbian plate's start."""
    if len(text) < 3 or not text[2].isdigit():
        return False
    letters = [AS_LETTER.get(ch, ch).translate(_BARE) for ch in text[:2]]
    return any(
        a + b in DISTRICTS
        for a in letters[0] + _DIACRITICS.get(letters[0], "")
        for b in letters[1] + _DIACRITICS.get(letters[1], "")
    )


def _looks_foreign(text: str) -> bool:
    """Plate-like: a layout of :data:`FOREIGN_LAYOUTS`, or 5–8 characters starting with two
    letters, with letters and digits.

    Most European plates start with letters (a region or series). Requiring two digits, two
    letters, a letter other than ``I``/``L`` and four different characters rejects the runs
    of ``I``, ``1`` and ``L`` that borders, bars and shadows are read as.
    """
    if foreign_layout(text) and len(set(text)) >= 4:
        return True
    letters = [ch for ch in text if ch.isalpha()]
    digits = sum(ch.isdigit() for ch in text)
    return (
        5 <= len(text) <= 8
        and text[:2].isalpha()
        and len(letters) >= 2
        and digits >= 2
        and any(ch not in "IL" for ch in letters)
        and len(set(text)) >= 4
    )
