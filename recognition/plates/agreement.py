"""When the two plate readers disagree, a plate is unreadable rather than invented.

A valid plate read wrongly is the worst plate error the exhibit can make: a visitor sees a
stranger's plate, looked up in the registry, shown as certain. The pooled vote of Tesseract and
the shape reader (:mod:`recognition.plates.read`) picks, per position, the character with most
weight, and the Serbian format then accepts it; but where the two readers each name a different
character that fits the position (``N`` against ``A``, ``9`` against ``3``), the pool has only
chosen between two guesses. :func:`contested` finds those positions.

Measured when the check was first added, on 540 simulated props under hard conditions (``oko
eval plates --simulate``, seeds 1 and 2): of 464 valid reads, 15 were wrong; it turned 10 into
"unreadable" and 18 of the 449 right ones too (4 %); :func:`spacing_fits` catches most of the
rest, where a character was lost. The thresholds below were then tuned on further seeds; the
README has the figures with all of them. In the live exhibit a plate is read over
several frames, so a right plate is still shown a moment later; a wrong one is not shown at all.
"""

from __future__ import annotations

from typing import Sequence

from recognition.plates.format import (
    DISTRICTS, Choices, bare, caron_twin, cross_kind, look_alike,
)
from recognition.types import Box

#: Tesseract's own best character, at this confidence or more, is a vote against a different
#: character kept at its position (its confidences run high: 0.9 is common for a wrong one).
MIN_TESSERACT_VOTE = 0.3
#: The shape reader's best character, with this share of its neighbours' votes or more, is a
#: vote against a different character kept at its position.
MIN_SHAPE_VOTE = 0.4
#: The shape reader tells letters from digits far better than Tesseract: its best character
#: of the other kind, with this share or more, is a vote for that character's look-alike
#: (``8`` in a letter position for ``B``), against a different letter kept there.
MIN_SHAPE_CROSS_VOTE = 0.5
#: A letter with a caron, an acute or a bar (Č Ć Š Ž Đ) is kept only when the shape reader,
#: which alone can see the mark, names it with this share: the English OCR model reads them
#: without their mark, so nothing else confirms one.
MIN_MARK_SHARE = 0.85
#: A character only one reader names (the other saw nothing there) needs this much of it.
MIN_SOLE_VOTE = 0.8
#: On a small plate, the shape reader's character outvotes Tesseract's of the wrong kind for
#: its position (``S`` where a digit stands) with this share or more (:func:`arbitrated`).
MIN_ARBITER_SHARE = 0.8
#: Below this share, the shape reader's vote for the kept character does not stand against
#: Tesseract's sure character of the other kind whose look-alike is another character (``I``,
#: so ``1``, where ``2`` is kept). On far props (90–120 px, seeds 1–3) that shape reader's
#: share was under 0.7 in 3 of 14 such valid reads that were wrong, 2 of 111 that were right
#: (it was 0.5, which caught none).
MAX_OVERRULED_SHARE = 0.7
#: On a small plate the shape reader's character named by all its nearest learnt glyphs (a
#: share of 1) stands against Tesseract's different one of the same kind (``N`` for ``M``, ``8``
#: for ``9``: its slips on thin, blurred strokes). On far props (3 × 300, seeds 1–3) exact
#: 68.7/71.7/71.0 → 71.3/72.7/73.3 %, wrong valid unchanged; from 110 px Tesseract reads
#: well enough that such a dissent still contests (there it made 2 more wrong valid reads in
#: 900 props of every condition).
MIN_SURE_SHAPE = 0.999
#: The kept character must be named by at least one reader with this share or confidence:
#: a position both readers are unsure of is a guess, even where neither names another
#: character (``A`` kept for an ``I`` both barely saw). It made 1 wrong valid read in 900
#: props unreadable and no right one.
MIN_SUPPORT = 0.5
_MARKED = "ČĆŠŽĐ"


def contested(text: str, tesseract: Sequence[Choices], shapes: Sequence[Choices],
              small: bool = False) -> bool:
    """Whether the readers disagree about the plate ``text`` read from their pooled votes
    (``small``: on a plate too small for Tesseract to read surely, see
    :data:`MIN_SURE_SHAPE`).

    A position is contested when neither reader's best character is the one kept (nor a
    look-alike of it: ``0`` for ``O``, ``C`` for ``Č``); when either reader names, with a real
    share of its confidence, a *different* character of the same kind (a letter where a letter
    is kept, a digit where a digit is); when a marked letter is kept without the shape
    reader seeing its mark, or its bare letter is kept where the shape reader saw a mark
    or, in a district code with a marked twin (``PZ`` and ``PŽ``), did not name it; when
    only one reader names the position and is not sure of it; or when no reader is sure of
    the kept character (:data:`MIN_SUPPORT`).
    A reader's choice of the other kind (``8`` in a letter position) is only counted against
    the kept character when the shape reader is sure of it and its look-alike is another
    character (``8`` read where ``E`` is kept: ``B`` was meant).

    Args:
        text: the plate as read, one character per position (a valid Serbian plate).
        tesseract: Tesseract's alternatives per position, best first (may be shorter, or
            hold empty positions, where it saw nothing).
        shapes: the shape reader's alternatives per position (empty when it is not
            installed: Tesseract then reads alone, and only its vote is checked).
    """
    twin = caron_twin(text[:2])
    twin_at = {i for i in range(2) if twin is not None and twin[i] != text[i]}
    for i, kept in enumerate(text):
        t_char, t_conf = _best(tesseract, i)
        s_char, s_conf = _best(shapes, i)
        if not shapes:
            s_char = kept  # Tesseract reads alone: no second opinion to compare
        if not (_agrees(t_char, kept) or _agrees(s_char, kept)):
            return True
        if shapes and not (t_char and s_char) and max(t_conf, s_conf) < MIN_SOLE_VOTE:
            return True
        if _dissents(t_char, t_conf, kept, MIN_TESSERACT_VOTE) and not (
                small and s_char == kept and s_conf >= MIN_SURE_SHAPE):
            return True
        if max(t_conf if _agrees(t_char, kept) else 0.0,
               s_conf if _agrees(s_char, kept) else 0.0) < MIN_SUPPORT:
            return True
        if shapes and _dissents(s_char, s_conf, kept, MIN_SHAPE_VOTE):
            return True
        # A weak shape vote for the kept character against Tesseract's sure character of the
        # other kind whose look-alike is another one (I, so 1, where 8 is kept).
        if (shapes and s_char == kept and s_conf < MAX_OVERRULED_SHARE and t_conf >= 0.9
                and t_char and t_char.isdigit() != kept.isdigit()
                and cross_kind(t_char) not in (None, kept)):
            return True
        if shapes and s_conf >= MIN_SHAPE_CROSS_VOTE and s_char.isdigit() != kept.isdigit():
            meant = cross_kind(s_char)
            # One with no look-alike (3 where a letter is kept) is a sure vote against the
            # kept character when the shape reader is sure of it.
            if (meant is not None and meant != kept) or (meant is None
                                                          and s_conf >= MIN_SOLE_VOTE):
                return True
        if shapes and kept in _MARKED and not _mark_seen(
                text, i, shapes[i] if i < len(shapes) else ()):
            return True
        # And the other way: a mark the shape reader saw is not dropped (Đ kept as D).
        if s_char in _MARKED and s_conf >= MIN_SHAPE_VOTE and kept != s_char:
            return True
        # A bare district letter whose marked twin makes another district (Z of PZ, Ž of
        # PŽ) is kept only if the shape reader names that very letter: a small caron blurs
        # into its letter and changes its shape (Ž read as 2 by both readers), so a
        # look-alike of the other kind may have been the marked one. On far props (seeds
        # 1–3) 7 reads of PŽ plates came out PZ so, no right one.
        if shapes and i in twin_at and s_char != kept:
            return True
    return False


def _mark_seen(text: str, i: int, shapes: Choices) -> bool:
    """Whether the shape reader saw the mark of the marked letter ``text[i]``: it names that
    letter with :data:`MIN_MARK_SHARE`; or, in a district code that no other mark on the same
    letter would make (Ć of ĆU, as there is no ČU), it names a marked form of that letter
    and gives such forms that share together (a small acute and caron blur alike)."""
    if not shapes:
        return False
    best, share = str(shapes[0][0]), float(shapes[0][1])
    if best == text[i] and share >= MIN_MARK_SHARE:
        return True
    base = bare(text[i])
    if i >= 2 or best not in _MARKED or bare(best) != base:
        return False
    others = (text[:i] + mark + text[i + 1:2] for mark in _MARKED
              if mark != text[i] and bare(mark) == base)
    return (not any(code in DISTRICTS for code in others)
            and sum(float(v) for ch, v in shapes if ch in _MARKED and bare(str(ch)) == base)
            >= MIN_MARK_SHARE)


def _best(positions: Sequence[Choices], i: int) -> tuple[str, float]:
    if i < len(positions) and positions[i]:
        char, confidence = positions[i][0]
        return str(char), float(confidence)
    return "", 0.0


def _agrees(read: str, kept: str) -> bool:
    return bool(read) and (read == kept or look_alike(read, kept))


def _dissents(read: str, confidence: float, kept: str, min_vote: float) -> bool:
    """``read`` is a confident vote for another character of ``kept``'s kind."""
    return (bool(read) and confidence >= min_vote and read.isdigit() == kept.isdigit()
            and not _agrees(read, kept))


#: How far the digits' spread (centre of the first to centre of the last, in character
#: advances) may be from a plate's: 2 advances for three digits, 3 for four.
MAX_SPREAD_ERROR = 0.45
#: The gaps a plate leaves, centre to centre in character advances: from the district code to
#: the first digit (the shield: 1.9 on the props) and from the last digit to the serial
#: letters (the hyphen: 1.55). On 270 simulated props read right they measured 1.59–2.07 and
#: 1.29–1.67.
SHIELD_GAP = (1.4, 2.4)
HYPHEN_GAP = (1.1, 2.0)


def spacing_fits(boxes: Sequence[Box], groups: Sequence[int]) -> bool:
    """Whether characters grouped (2, 3|4, 2) are spaced as on a plate, none lost between.

    Plate characters stand in cells of one width, so the district code's two centres are one
    advance apart, the digits' first and last centres two (three digits) or three (four
    digits) advances, and the shield and the hyphen leave gaps of known width. A digit lost
    (two merged into one blob, one too faint) leaves a gap or a spread one advance too wide
    while the rest reads as a valid plate: a wrong plate.

    Args:
        boxes: the characters, left to right (any pixel unit).
        groups: characters per group (:attr:`CharacterLine.groups`).
    """
    if len(groups) != 3 or groups[0] != 2 or groups[2] != 2 or len(boxes) != sum(groups):
        return False
    centres = [(b.left + b.right) / 2 for b in boxes]
    advance = ((centres[1] - centres[0]) + (centres[-1] - centres[-2])) / 2
    if advance <= 0:
        return False
    digits = centres[2:2 + groups[1]]
    spread = (digits[-1] - digits[0]) / advance
    shield = (digits[0] - centres[1]) / advance
    hyphen = (centres[-2] - digits[-1]) / advance
    return (abs(spread - (groups[1] - 1)) <= MAX_SPREAD_ERROR
            and SHIELD_GAP[0] <= shield <= SHIELD_GAP[1]
            and HYPHEN_GAP[0] <= hyphen <= HYPHEN_GAP[1])


def unanimous(tesseract: Sequence[Choices], shapes: Sequence[Choices], kept: str = "") -> bool:
    """Whether both readers' best characters are the same at every position (``O`` and ``0``
    taken as one, as many European typefaces draw them alike; with ``kept``, the plate as
    read, each reader's may also be a look-alike of the character kept there).

    A foreign plate has no format to check a read against, and a small plate's pooled vote
    is too often a guess: both readers naming every character alike is the check they get.
    """
    if not tesseract or len(tesseract) != len(shapes):
        return False
    if kept and len(kept) != len(tesseract):
        return False
    fold = str.maketrans("O", "0")
    for i, (t, s) in enumerate(zip(tesseract, shapes)):
        if not t or not s:
            return False
        t_char, s_char = str(t[0][0]), str(s[0][0])
        if kept:
            if not (look_alike(t_char, kept[i]) and look_alike(s_char, kept[i])):
                return False
        elif t_char.translate(fold) != s_char.translate(fold):
            return False
    return True


def arbitrated(tesseract: Sequence[Choices], shapes: Sequence[Choices], kept: str) -> bool:
    """Whether a small plate's Serbian read ``kept`` may stand although the readers are not
    :func:`unanimous`: at each position they disagree on, Tesseract's character is of the
    wrong kind for it (a letter where the format has a digit, or back: ``S`` for ``9``,
    ``5`` for ``J``), so it is no read of that position, and the shape reader names the kept
    character with at least :data:`MIN_ARBITER_SHARE`; or, whatever Tesseract's character,
    the shape reader names it with :data:`MIN_SURE_SHAPE`.

    On small plates the shape reader tells letters from digits better than Tesseract, whose
    wrong-kind characters made many right reads unreadable. But neither reader sees a small
    caron reliably, so a district code with a twin that differs only by a mark (``VS`` and
    ``VŠ``, ``PZ`` and ``PŽ``, ``SA`` and ``ŠA``) is refused on an arbitrated read: a wrong
    plate shown is worse than an unreadable one.
    """
    if not tesseract or len(tesseract) != len(shapes) or len(kept) != len(tesseract):
        return False
    overruled = False
    for i, (t, s) in enumerate(zip(tesseract, shapes)):
        if not t or not s:
            return False
        t_char, s_char, s_share = str(t[0][0]), str(s[0][0]), float(s[0][1])
        if look_alike(t_char, kept[i]) and look_alike(s_char, kept[i]):
            continue
        if s_char == kept[i] and (s_share >= MIN_SURE_SHAPE or (
                s_share >= MIN_ARBITER_SHARE and t_char.isdigit() != kept[i].isdigit())):
            overruled = True
            continue
        return False
    return not (overruled and caron_twin(kept[:2]) is not None)
