"""Warnings about a fault that persists, logged once and then as a count every minute.

A fault in the analysis loop (a driver returning odd frames, a model refusing every picture)
repeats at the frame rate. One warning per frame would fill journald — on the SD card — with
thousands of identical lines an hour and drown everything else. :class:`FaultLog` logs the
first occurrence as it is, then at most one line per interval saying how often it recurred.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

#: Seconds between two warnings about the same fault.
INTERVAL_S = 60.0


@dataclass
class _Fault:
    logged_s: float
    repeats: int = 0


class FaultLog:
    """Rate-limited warnings, per kind of fault.

    Args:
        log: the logger to write to.
        clock: monotonic seconds (the engine's clock, so tests can move time).
        interval_s: at most one line per fault kind per this many seconds.
    """

    def __init__(self, log: logging.Logger, clock: Callable[[], float], *,
                 interval_s: float = INTERVAL_S):
        self._log = log
        self._clock = clock
        self.interval_s = interval_s
        self._faults: dict[str, _Fault] = {}

    def warning(self, message: str, *args: object) -> None:
        """Log ``message % args`` now if it is new (or was quiet for ``interval_s``);
        otherwise count it, and once ``interval_s`` has passed since its last line, log how
        often it recurred.

        The kind of fault is the formatted message, so keep variable details out of it
        (name the exception's type, never data).
        """
        now = self._clock()
        text = message % args if args else message
        fault = self._faults.get(text)
        if fault is None or (not fault.repeats and now - fault.logged_s >= self.interval_s):
            self._faults[text] = _Fault(now)
            self._log.warning("%s", text)
            return
        fault.repeats += 1
        if now - fault.logged_s >= self.interval_s:
            self._log.warning("%s (%d more times in the last %.0f s)", text, fault.repeats,
                              now - fault.logged_s)
            fault.logged_s, fault.repeats = now, 0

    def flush(self) -> None:
        """Log the repeats not yet reported (e.g. when the engine stops) and forget them."""
        for text, fault in self._faults.items():
            if fault.repeats:
                self._log.warning("%s (%d more times)", text, fault.repeats)
        self._faults.clear()
