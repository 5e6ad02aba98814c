"""Overwriting immutable copies of biometric data, for the few places that must make them.

Some interfaces accept only ``bytes`` (tesserocr's image input, a WSGI server's output), so a
picture has to be copied into an immutable object. Freed, its bytes would stay readable in
the heap until reused; :func:`overwrite` zeroes them in place once the copy has been used.
"""

from __future__ import annotations

import ctypes
import sys

#: Where a bytes object's characters start, past CPython's object header.
_BYTES_OFFSET = sys.getsizeof(b"") - 1


def overwrite(data: bytes) -> None:
    """Zero the characters of a bytes object that only the caller still holds (CPython).

    Only for a copy the caller made and nobody keeps: Python code treats bytes as immutable.
    One-byte and empty bytes are shared singletons and are left alone; so is every object on
    an interpreter other than CPython, whose layout is not known here.
    """
    if sys.implementation.name == "cpython" and isinstance(data, bytes) and len(data) > 1:
        ctypes.memset(id(data) + _BYTES_OFFSET, 0, len(data))
