"""Serbian plate format: normalising OCR text, corrections by position, districts (pure)."""

import random

import pytest

from recognition.plates.format import (
    DISTRICTS,
    UNREADABLE,
    display,
    district_name,
    foreign_layout,
    is_serbian,
    is_taxi,
    normalise,
    random_plate,
)
from recognition.plates.choices import read_choices


def test_all_eighty_district_codes_with_their_seats():
    assert len(DISTRICTS) == 80
    assert district_name("BG") == "Beograd"
    assert district_name("ns") == "Novi Sad"
    assert district_name("ČA") == "Čačak"
    assert district_name("ĐA") == "Đakovica"
    assert district_name("XX") is None


@pytest.mark.parametrize(("raw", "text", "shown"), [
    ("BG 123-AB", "BG123AB", "BG 123-AB"),
    ("bg123ab", "BG123AB", "BG 123-AB"),
    ("BG 1087-HG", "BG1087HG", "BG 1087-HG"),        # four digits
    ("NS 2700-TX", "NS2700TX", "NS 2700-TX"),        # taxi
    ("BG 003-EČ", "BG003EČ", "BG 003-EČ"),           # pre-2017 serial letter with a caron
    ("NS 279-CĐ", "NS279CĐ", "NS 279-CĐ"),
    ("ŠA 123-AB", "ŠA123AB", "ŠA 123-AB"),
    ("KŽ·456·OD", "KŽ456OD", "KŽ 456-OD"),           # a raised dot instead of the hyphen
])
def test_well_formed_plates_are_normalised(raw, text, shown):
    plate = normalise(raw)
    assert (plate.text, plate.display, plate.valid, plate.country) == (text, shown, True, "SRB")
    assert plate.corrections == 0


@pytest.mark.parametrize(("raw", "text", "corrections"), [
    ("8G 123-AB", "BG123AB", 1),     # 8 in a letter position is B
    ("BG 1O3-AB", "BG103AB", 1),     # O in a digit position is 0
    ("BG I23-A8", "BG123AB", 2),
    ("CA 123-AB", "ČA123AB", 1),     # CA is no district; only ČA fits
    ("KS 1234-TX", "KŠ1234TX", 1),
    ("BG 123-A0", "BG123AO", 1),
])
def test_confusions_are_corrected_by_position(raw, text, corrections):
    plate = normalise(raw)
    assert (plate.text, plate.valid, plate.corrections) == (text, True, corrections)


@pytest.mark.parametrize("raw", [
    "8G I23-A8",       # three corrections needed: too many to trust
    "BC 123-AB",       # Bečej or Bogatić: not decided by guessing
    "BG 123-A",        # a character missing
    "BG 12345-AB",     # five digits
    "BG 123-ABC",      # 8 characters, but "A" is no digit: the groups show it
    "",
    "IIII11",          # frame lines and shadows
    "HELLO",
    "1234567",
])
def test_what_does_not_fit_is_unreadable_never_guessed(raw):
    plate = normalise(raw)
    assert (plate.text, plate.display, plate.valid) == ("", UNREADABLE, False)


def test_a_half_read_serbian_plate_is_not_passed_off_as_foreign():
    assert normalise("BG123A").country == "unknown"
    assert normalise("BG 1234").country == "unknown"


@pytest.mark.parametrize("raw", ["ZG 9757-HG", "ZG4585ES", "M AB 1234", "AB 123 CD"])
def test_foreign_plates_are_kept_as_read_and_never_valid(raw):
    plate = normalise(raw)
    assert plate.country == "foreign"
    assert plate.text == raw.replace(" ", "").replace("-", "")
    assert plate.display == plate.text  # not forced into the Serbian layout
    assert plate.valid is False


def test_display_and_taxi():
    assert display("BG1234AB") == "BG 1234-AB"
    assert display("ZG9757HG") == "ZG9757HG"
    assert is_taxi("NS1441TX") and not is_taxi("NS1441TA")


def test_random_plates_are_well_formed_and_repeatable():
    plates = [random_plate(random.Random(7)) for _ in range(3)]
    assert len(set(plates)) == 1
    rng = random.Random(1)
    assert all(is_serbian(random_plate(rng)) for _ in range(500))


def test_choices_pick_the_engine_alternative_that_fits_the_position():
    # The engine read "8" first but also considered "B": in a letter position B wins.
    positions = [(("B", 0.9),), (("G", 0.9),), (("1", 0.9),), (("2", 0.9),), (("3", 0.9),),
                 (("A", 0.9),), (("8", 0.8), ("B", 0.6))]
    plate = read_choices(positions, groups=(2, 3, 2))
    assert (plate.text, plate.corrections) == ("BG123AB", 1)
    assert 0.8 < plate.confidence < 0.95


def test_no_corrections_when_the_groups_show_a_character_was_lost():
    # "BG 1234-A" read as 7 characters in groups (2, 4, 1): correcting "4" to "A" would
    # invent the plate BG 123-AA.
    positions = [((ch, 0.9),) for ch in "BG1234A"]
    assert read_choices(positions, groups=(2, 4, 1)).valid is False
    assert read_choices(positions, groups=(2, 3, 2)).text == "BG123AA"


def test_a_position_nothing_was_read_in_makes_the_plate_unreadable():
    positions = [((ch, 0.9),) for ch in "BG123A"] + [()]
    assert read_choices(positions).display == UNREADABLE


def test_foreign_plates_in_a_known_layout_are_corrected_by_position():
    # A Czech plate (digit, letter, letter or digit, four digits): "O" among the digits is
    # the 0 the plate shows; a Slovak one (two letters, three digits, two letters): "B"
    # among the digits is an 8.
    czech = read_choices([((ch, 0.95),) for ch in "2T4O211"])
    assert (czech.text, czech.country, czech.valid, czech.corrections) == (
        "2T40211", "foreign", False, 1)
    slovak = read_choices([((ch, 0.95),) for ch in "RK87BAC"], groups=(2, 5))
    assert (slovak.text, slovak.country, slovak.valid) == ("RK878AC", "foreign", False)
    assert foreign_layout("RK878AC") == "LLDDDLL" and foreign_layout("RK87BAC") is None
    # RK340A0 fits two layouts with one change each: RK340AO (0 as O, one shape on most
    # European plates) and RK34040 (A as 4, a real doubt); the first is the plate.
    slovak = read_choices([((ch, 0.95),) for ch in "RK340A0"], groups=(2, 5))
    assert (slovak.text, slovak.corrections) == ("RK340AO", 1)


def test_layouts_never_make_a_serbian_looking_or_far_off_read_foreign():
    # Folded into a layout this would start like a Serbian plate (BB, Bajina Bašta): a
    # half-read Serbian plate stays unreadable.
    assert read_choices([((ch, 0.95),) for ch in "BB13580"], groups=(2, 5)).country == "unknown"
    # Runs of one or two shapes (a border, bars) are no plate in any layout.
    assert read_choices([((ch, 0.95),) for ch in "8B8B8B8"]).country == "unknown"
    assert normalise("1234567").country == "unknown"
    # Digits alone are no plate, though 1Z34567 would fit the Czech layout.
    assert read_choices([((ch, 0.95), ("Z", 0.3)) if ch == "2" else ((ch, 0.95),)
                         for ch in "1234567"]).country == "unknown"


def test_a_district_code_with_a_caron_twin_is_known():
    from recognition.plates.format import caron_twin

    assert (caron_twin("VS"), caron_twin("PZ"), caron_twin("SA")) == ("VŠ", "PŽ", "ŠA")
    assert caron_twin("BG") is None and caron_twin("VŠ") is None


def _choices(text: str, share: float = 0.9) -> list[tuple[tuple[str, float], ...]]:
    return [((ch, share),) for ch in text]


def test_the_shape_reader_outvotes_tesseract_only_on_a_character_of_the_wrong_kind():
    from recognition.plates.agreement import arbitrated

    shapes = _choices("BG9261SR")
    assert arbitrated(_choices("BGS261SR"), shapes, "BG9261SR")  # S cannot stand for a 9
    assert not arbitrated(_choices("BG3261SR"), shapes, "BG9261SR")  # 3 is a digit: contested
    assert not arbitrated(_choices("BGS261SR"), _choices("BG9261SR", 0.6), "BG9261SR")
    # ... or on one of the same kind, where all its nearest learnt glyphs name the kept one.
    assert arbitrated(_choices("BG3261SR"), _choices("BG9261SR", 1.0), "BG9261SR")


def test_on_a_small_plate_a_unanimous_shape_vote_stands_against_tesseracts_slip():
    """A far GL 560-MF: Tesseract reads the thin-stroked M as N, the shape reader's nearest
    glyphs are all M. On a small plate the M stands; on a larger one, where Tesseract reads
    well, the dissent still contests, as does a shape vote short of unanimous."""
    from recognition.plates.agreement import contested

    tess, sure = _choices("GL560NF", 0.9), _choices("GL560MF", 1.0)
    assert contested("GL560MF", tess, sure)
    assert not contested("GL560MF", tess, sure, small=True)
    assert contested("GL560MF", tess, _choices("GL560MF", 0.95), small=True)


def test_a_character_neither_reader_is_sure_of_is_a_guess():
    """A far PK 762-XI: both readers barely saw the I (Tesseract an N at 0.08, the shape
    reader an A at 0.33); the A kept there is not shown."""
    from recognition.plates.agreement import contested

    shapes = [((ch, 0.33 if i == 6 else 1.0),) for i, ch in enumerate("PK762XA")]
    tess = [((ch, 0.08 if i == 6 else 0.95),) for i, ch in enumerate("PK762XN")]
    assert contested("PK762XA", tess, shapes)
    shapes[6] = (("A", 0.6),)
    assert not contested("PK762XA", tess, shapes)


def test_an_outvoted_read_of_a_district_with_a_caron_twin_is_refused():
    """VS may be VŠ with its caron missed by both readers: on a small plate whose read needed
    the shape reader to outvote Tesseract, it is unreadable rather than maybe wrong."""
    from recognition.plates.agreement import arbitrated

    assert not arbitrated(_choices("VSS261SR"), _choices("VS9261SR"), "VS9261SR")
    assert not arbitrated(_choices("PZS56AB"), _choices("PZ956AB"), "PZ956AB")
    assert arbitrated(_choices("VPS56AB"), _choices("VP956AB"), "VP956AB")


def test_a_bare_district_letter_with_a_marked_twin_needs_the_shape_reader_to_name_it():
    """PŽ's caron blurred into its letter reads as a 2 to both readers, and the format turns
    the 2 into Z: PZ, another district. Only the shape reader naming Z itself keeps it."""
    from recognition.plates.agreement import contested

    assert contested("PZ448SR", _choices("P2448SR"), _choices("P2448SR"))
    assert not contested("PZ448SR", _choices("P2448SR"), _choices("PZ448SR"))
    assert not contested("PP448SR", _choices("PP448SR"), _choices("PP448SR"))


def test_a_middling_shape_vote_does_not_stand_against_tesseracts_sure_other_look_alike():
    """Tesseract's sure I (so 1) where the shape reader names the kept 2 at 0.69: the 2 is
    not sure enough to show (a far PP 727-XF read as PP 722-XF)."""
    from recognition.plates.agreement import contested

    shapes = [((ch, 0.69 if i == 4 else 1.0),) for i, ch in enumerate("PP722XF")]
    assert contested("PP722XF", _choices("PPT2IXF", 0.91), shapes)
    sure = [((ch, 0.95),) for ch in "PP722XF"]
    assert not contested("PP722XF", _choices("PPT2IXF", 0.91), sure)


def test_a_district_mark_only_one_kind_of_mark_makes_is_seen_as_either():
    """A far ĆU 150-AA: the shape reader sees a mark but cannot tell the acute from a caron
    (Ć 0.64, Č 0.36). There is no ČU, so the Ć stands. BČ is a district as much as BĆ, so
    there the same split vote is no read of the mark."""
    from recognition.plates.agreement import contested

    def split_mark(text, position, mark, other):
        return [((mark, 0.64), (other, 0.36)) if i == position else ((ch, 1.0),)
                for i, ch in enumerate(text)]

    tess = _choices("CU150AA", 0.95)
    assert not contested("ĆU150AA", tess, split_mark("ĆU150AA", 0, "Ć", "Č"))
    assert contested("ĆU150AA", tess, [((ch, 0.64), ("U", 0.36)) if ch == "Ć" else ((ch, 1.0),)
                                       for ch in "ĆU150AA"])  # a mark less than sure
    tess = _choices("BC418NR", 0.95)
    assert contested("BĆ418NR", tess, split_mark("BĆ418NR", 1, "Ć", "Č"))
    assert not contested("BĆ418NR", tess, [((ch, 0.9),) for ch in "BĆ418NR"])
