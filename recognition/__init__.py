"""Pure vision and session memory for Oko.

Everything here computes on the frames and data it is given: no threads, no clock reads (time
is passed in as seconds), no files, no network. It imports nothing from ``device`` or
``dashboard``, so every piece can be tested on still images.
"""
