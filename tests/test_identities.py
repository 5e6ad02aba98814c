"""Session identities: numbering, re-identification, tolerance and the zeroing wipe."""

import numpy as np

from recognition.faces.identities import IdentityIndex
from tests.helpers import encoding


def test_same_person_gets_the_same_number():
    index = IdentityIndex(tolerance=0.5)
    first = index.match(encoding("obama.jpg"))
    other = index.match(encoding("biden.jpg"))
    again = index.match(encoding("obama2.jpg"))
    assert (first.visitor_id, first.is_new) == ("V1", True)
    assert (other.visitor_id, other.is_new) == ("V2", True)
    assert (again.visitor_id, again.is_new) == ("V1", False)
    assert again.distance < 0.5


def test_a_strict_tolerance_splits_one_person():
    index = IdentityIndex(tolerance=0.2)
    index.match(encoding("obama.jpg"))
    assert index.match(encoding("obama2.jpg")).visitor_id == "V2"


def test_samples_per_visitor_are_capped_and_wipe_zeroes_them():
    index = IdentityIndex(samples_per_visitor=3)
    enc = encoding("obama.jpg")
    for _ in range(5):
        index.match(enc + 0.001)
    assert index.encoding_count == 3 and index.visitor_count == 1
    buffer = index._buf  # the memory that held the faceprints
    assert index.wipe() == 3
    assert not buffer.any()
    assert index.encoding_count == 0
    assert index.match(enc).visitor_id == "V1"  # numbering restarts after a wipe


def test_growing_the_buffer_zeroes_the_old_one():
    index = IdentityIndex(tolerance=0.01)
    old = index._buf
    for i in range(len(old) + 1):
        index.match(np.full(128, float(i)))
    assert index._buf is not old and not old.any()
    assert index.visitor_count == len(old) + 1
