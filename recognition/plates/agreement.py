"""When the two plate readers disagree, a plate is unreadable rather than invented.

A valid plate read wrongly is the worst plate error the exhibit can make: a visitor sees a
stranger's plate, looked up in the registry, shown as certain. The pooled vote of Tesseract and
the shape reader (:mod:`recognition.plates.read`) picks, per position, the character with most
weight, and the Serbian format then accepts it; but where the two readers each name a different
character that fits the position (``N`` against ``A``, ``9`` against ``3``), the pool has only
chosen between two guesses. :func:`contested` finds those positions.

Measured on 540 simulated props under hard conditions (``oko eval plates --simulate``, seeds 1
and 2, every condition): of 464 valid reads, 15 were wrong; this check turned 10 of them into
"unreadable" and 15 of the 449 right ones too (3 %). In the live exhibit a plate is read over
several frames, so a right plate is still shown a moment later; a wrong one is not shown at all.
"""

from __future__ import annotations

from typing import Sequence

from recognition.plates.format import Choices, look_alike

#: Tesseract's own best character, at this confidence or more, is a vote against a different
#: character kept at its position (its confidences run high: 0.9 is common for a wrong one).
MIN_TESSERACT_VOTE = 0.3
#: The shape reader's best character, with this share of its neighbours' votes or more, is a
#: vote against a different character kept at its position.
MIN_SHAPE_VOTE = 0.5
#: A letter with a caron, an acute or a bar (Č Ć Š Ž Đ) is kept only when the shape reader,
#: which alone can see the mark, names it with this share: the English OCR model reads them
#: without their mark, so nothing else confirms one.
MIN_MARK_SHARE = 0.6
_MARKED = "ČĆŠŽĐ"


def contested(text: str, tesseract: Sequence[Choices], shapes: Sequence[Choices]) -> bool:
    """Whether the readers disagree about the plate ``text`` read from their pooled votes.

    A position is contested when neither reader's best character is the one kept (nor a
    look-alike of it: ``0`` for ``O``, ``C`` for ``Č``); when either reader names, with a real
    share of its confidence, a *different* character of the same kind (a letter where a letter
    is kept, a digit where a digit is); or when a marked letter is kept without the shape
    reader seeing its mark. A reader's choice of the other kind (``8`` in a letter position)
    is not counted against the kept character: the format corrects those by position.

    Args:
        text: the plate as read, one character per position (a valid Serbian plate).
        tesseract: Tesseract's alternatives per position, best first (may be shorter, or
            hold empty positions, where it saw nothing).
        shapes: the shape reader's alternatives per position (empty when it is not
            installed: Tesseract then reads alone, and only its vote is checked).
    """
    for i, kept in enumerate(text):
        t_char, t_conf = _best(tesseract, i)
        s_char, s_conf = _best(shapes, i)
        if not shapes:
            s_char = kept  # Tesseract reads alone: no second opinion to compare
        if not (_agrees(t_char, kept) or _agrees(s_char, kept)):
            return True
        if _dissents(t_char, t_conf, kept, MIN_TESSERACT_VOTE):
            return True
        if shapes and _dissents(s_char, s_conf, kept, MIN_SHAPE_VOTE):
            return True
        if shapes and kept in _MARKED and (s_char != kept or s_conf < MIN_MARK_SHARE):
            return True
    return False


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
