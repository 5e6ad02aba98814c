"""Reading a plate from each position's OCR alternatives, by the Serbian format or a
European layout (:mod:`recognition.plates.format` holds the formats themselves).

Every position of a plate is known to hold a letter or a digit, so where OCR's first choice
is of the wrong kind its own second choice, or the look-alike of the other kind (``8`` for
``B``), is taken instead; corrections are capped, and what still does not fit is unreadable.
"""

from __future__ import annotations

from typing import Sequence

from recognition.plates.format import (
    AS_DIGIT, AS_LETTER, LAYOUT_CHARACTERS, DISTRICTS, FOREIGN_LAYOUTS,
    SERIAL_LETTERS_2011, UNREADABLE, Choices, PlateText, fix_district, looks_serbian, mean,
    display, is_serbian, normalise,
)

#: Most positions a foreign read may be changed in to fit one of :data:`FOREIGN_LAYOUTS`.
MAX_FOREIGN_FOLDS = 2


def read_choices(positions: Sequence[Choices], *, max_corrections: int = 2,
                 min_choice: float = 0.1, groups: Sequence[int] | None = None) -> PlateText:
    """Interpret per-position OCR alternatives as a plate, preferring the engine's own
    second choices over the fixed confusion table when a position needs a letter or digit.

    Args:
        positions: one :data:`Choices` per character found on the plate, left to right.
        max_corrections: as for :func:`normalise`; taking a lower-ranked alternative counts
            as one correction.
        min_choice: lowest confidence (0–1) an alternative needs to be taken.
        groups: characters per group as the plate shows them (split at the shield and the
            hyphen), if known. Positions are only corrected when the groups are those of a
            Serbian plate of that length, ``(2, 3, 2)`` or ``(2, 4, 2)``: a character lost
            or added shifts every position after it, and correcting shifted positions
            turns a misread into a valid-looking wrong plate.

    Returns:
        As :func:`normalise`, with ``confidence`` the mean confidence of the characters kept.
        A position with no alternatives makes the plate unreadable.
    """
    if not positions or any(not p for p in positions):
        return PlateText("", UNREADABLE, False, "unknown",
                         confidence=mean(p[0][1] for p in positions if p))
    top = "".join(p[0][0] for p in positions)
    top_confidence = mean(p[0][1] for p in positions)
    if groups is not None and tuple(groups) != (2, len(positions) - 4, 2):
        max_corrections = 0
    serbian = _serbian_from_choices(positions, max_corrections, min_choice) \
        if len(positions) in (7, 8) else None
    if serbian is not None:
        return serbian
    foreign = _foreign_from_choices(positions, min_choice)
    if foreign is not None:
        return foreign
    plain = normalise(top, max_corrections=max_corrections)
    return PlateText(plain.text, plain.display, plain.valid, plain.country, plain.corrections,
                     top_confidence)


def _foreign_from_choices(positions: Sequence[Choices], min_choice: float
                          ) -> PlateText | None:
    """A foreign plate read by a layout of :data:`FOREIGN_LAYOUTS`: each position takes its
    best alternative of the kind the layout puts there (``8`` → ``B`` where a letter
    stands), at most :data:`MAX_FOREIGN_FOLDS` changed. ``None`` when no layout fits, when
    two fit equally well with different texts, or when the result would start like a
    Serbian plate (a half-read Serbian plate is unreadable, never foreign). Of the layouts
    that fit, the one with fewest changes other than ``O`` ↔ ``0`` wins: the two are one shape
    on most European plates, so that change is no doubt about what was seen (a Slovak
    RK 340-AO read RK340A0 fits LLDDDLL as RK340AO, and LLDDDDD as RK34040)."""
    fits: dict[str, tuple[int, int]] = {}  # text: (changes, changes other than O/0)
    for layout in FOREIGN_LAYOUTS:
        if len(layout) != len(positions):
            continue
        chosen, changes, doubts = [], 0, 0
        for choices, kind in zip(positions, layout):
            confusions = {} if kind == "X" else AS_LETTER if kind == "L" else AS_DIGIT
            pick = _pick(choices, LAYOUT_CHARACTERS[kind], confusions, min_choice)
            if pick is None:
                break
            chosen.append(pick[0])
            changes += pick[2]
            doubts += pick[2] and {pick[0], choices[0][0]} != {"O", "0"}
        else:
            text = "".join(chosen)
            if changes <= MAX_FOREIGN_FOLDS:
                fits[text] = min(fits.get(text, (changes, doubts)), (changes, doubts))
    # Digits alone (a price, a phone number, a date on a poster) are no plate, whatever a
    # layout would make of them: some position must have been read as a letter.
    if not fits or not any(p[0][0].isalpha() for p in positions):
        return None
    fewest = min(doubts for _, doubts in fits.values())
    best = [text for text, (_, doubts) in fits.items() if doubts == fewest]
    if len(best) != 1 or looks_serbian(best[0]) or len(set(best[0])) < 4:
        return None
    # Confidence as for any foreign read, the engine's in what it read: a position folded
    # by the layout is no less sure of its shape (O and 0 are one shape on many plates).
    return PlateText(best[0], best[0], False, "foreign", fits[best[0]][0],
                     mean(p[0][1] for p in positions))


def _serbian_from_choices(positions: Sequence[Choices], max_corrections: int,
                          min_choice: float) -> PlateText | None:
    district = _district_from_choices(positions[0], positions[1], min_choice)
    if district is None:
        return None
    code, changes, confidences = district
    chosen = [code]
    for i, choices in enumerate(positions[2:], start=2):
        serial = i >= len(positions) - 2
        allowed = SERIAL_LETTERS_2011 if serial else "0123456789"
        pick = _pick(choices, allowed, AS_LETTER if serial else AS_DIGIT, min_choice)
        if pick is None:
            return None
        ch, confidence, changed = pick
        chosen.append(ch)
        confidences.append(confidence)
        changes += changed
    text = "".join(chosen)
    if changes > max_corrections or not is_serbian(text):
        return None
    return PlateText(text, display(text), True, "SRB", changes, mean(confidences))


def _pick(choices: Choices, allowed: str, confusions: dict[str, str],
          min_choice: float) -> tuple[str, float, int] | None:
    """The best alternative in ``allowed`` as ``(character, confidence, changed 0/1)``."""
    top, top_confidence = choices[0]
    if top in allowed:
        return top, top_confidence, 0
    for ch, confidence in choices[1:]:
        if ch in allowed and confidence >= min_choice:
            return ch, confidence, 1
    mapped = "O" if top == "Q" else confusions.get(top, "")
    if mapped and mapped in allowed:
        # The table is a weaker witness than the engine: halve what the engine said.
        return mapped, top_confidence / 2, 1
    return None


def _district_from_choices(first: Choices, second: Choices, min_choice: float
                           ) -> tuple[str, int, list[float]] | None:
    """The district code best supported by the first two positions' alternatives."""
    def options(choices: Choices) -> list[tuple[str, float, int]]:
        found = [(ch, c, int(rank > 0)) for rank, (ch, c) in enumerate(choices)
                 if ch.isalpha() and (rank == 0 or c >= min_choice)]
        if choices[0][0] in AS_LETTER:
            found.append((AS_LETTER[choices[0][0]], choices[0][1] / 2, 1))
        return found

    fits = [(a_changed + b_changed, -(a_conf + b_conf), a + b, [a_conf, b_conf])
            for a, a_conf, a_changed in options(first)
            for b, b_conf, b_changed in options(second) if a + b in DISTRICTS]
    # A lost caron (ĐA read as DA) competes on the engine's confidence in the letters it
    # did read, so it beats a weak alternative letter (PA) that happens to be a district.
    restored = fix_district(first[0][0] + second[0][0])
    if restored is not None:
        confidences = [first[0][1], second[0][1]]
        fits.append((restored[1], -sum(confidences), restored[0], confidences))
    if not fits:
        return None
    fits.sort()
    changes, score, code, confidences = fits[0]
    if any(f[2] != code and f[:2] == (changes, score) for f in fits[1:]):
        return None  # two districts fit equally well (BČ or BĆ): do not pick one
    return code, changes, confidences
