"""The facilitator PIN: a salted scrypt hash in the config, and a guard against guessing.

``oko set-pin`` calls :func:`hash_pin` and stores the result as ``[dashboard] pin_hash`` with
:func:`save_pin_hash`; the PIN itself is never stored or logged. :class:`PinGuard`
rate-limits login attempts and locks a client out, for longer each time, after repeated
wrong PINs.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from werkzeug.security import check_password_hash, generate_password_hash

PIN_DIGITS = (4, 12)
#: werkzeug's scrypt (N=2^15, r=8, p=1) with a 16-character random salt: ~50 ms per check.
_METHOD = "scrypt"


def hash_pin(pin: str) -> str:
    """A salted hash of ``pin`` (4–12 digits) for ``[dashboard] pin_hash``.

    Raises:
        ValueError: the PIN is not 4–12 digits.
    """
    if not (pin.isascii() and pin.isdigit() and PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]):
        raise ValueError(f"A PIN is {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits.")
    return generate_password_hash(pin, method=_METHOD, salt_length=16)


def is_pin_hash(text: str) -> bool:
    """Whether ``text`` looks like a hash made by :func:`hash_pin` (method$salt$hash)."""
    method, sep, rest = text.partition("$")
    salt, sep2, digest = rest.partition("$")
    return bool(sep and sep2 and salt and digest) and method.split(":")[0] in ("scrypt", "pbkdf2")


def check_pin(pin_hash: str, pin: str) -> bool:
    """Whether ``pin`` matches ``pin_hash`` (constant time). False for an empty hash."""
    if not pin_hash:
        return False
    try:
        return check_password_hash(pin_hash, pin)
    except ValueError:  # a malformed hash: treat as no match rather than failing the request
        return False


_SECTION = re.compile(r"^\s*\[\s*dashboard\s*\]\s*(#.*)?$")
_ANY_SECTION = re.compile(r"^\s*\[")
_PIN_LINE = re.compile(r"^\s*pin_hash\s*=")


def save_pin_hash(path: Path, pin_hash: str) -> None:
    """Set ``[dashboard] pin_hash`` in the TOML file at ``path``, keeping everything else.

    For ``oko set-pin``. Creates the file (mode 0600) or the section if missing; replaces the
    file atomically, keeping its permissions.

    Raises:
        ValueError: ``pin_hash`` is not a PIN hash, or the file is not valid TOML.
        OSError: the file cannot be read or written.
    """
    if not is_pin_hash(pin_hash) or '"' in pin_hash or "\\" in pin_hash:
        raise ValueError("not a PIN hash made by hash_pin()")
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines()
    entry = f'pin_hash = "{pin_hash}"'
    start = next((i for i, line in enumerate(lines) if _SECTION.match(line)), None)
    if start is None:
        lines += ([""] if lines and lines[-1].strip() else []) + ["[dashboard]", entry]
    else:
        end = next((i for i in range(start + 1, len(lines)) if _ANY_SECTION.match(lines[i])),
                   len(lines))
        found = next((i for i in range(start + 1, end) if _PIN_LINE.match(lines[i])), None)
        if found is None:
            lines.insert(start + 1, entry)
        else:
            lines[found] = entry
    new_text = "\n".join(lines) + "\n"
    try:
        tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".oko-pin-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new_text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class _Record:
    failures: int = 0
    lockouts: int = 0
    locked_until_s: float = 0.0
    last_try_s: float = float("-inf")


class PinGuard:
    """Counts wrong PINs per client and locks clients out.

    Args:
        max_failures: wrong PINs in a row before a lockout.
        lockout_s: the first lockout; each further one doubles, up to ``max_lockout_s``.
        min_interval_s: shortest time between two attempts from one client.
        global_failures: wrong PINs from all clients together (since the last success) that
            lock everyone out, doubling like a client's lockout — against guessing from many
            addresses.
        clock: monotonic seconds; injectable for tests.
    """

    def __init__(
        self,
        *,
        max_failures: int = 5,
        lockout_s: float = 60.0,
        max_lockout_s: float = 900.0,
        min_interval_s: float = 1.0,
        global_failures: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self.max_lockout_s = max_lockout_s
        self.min_interval_s = min_interval_s
        self.global_failures = global_failures
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, _Record] = {}
        self._everyone = _Record()

    def wait_s(self, client: str) -> tuple[float, bool]:
        """Seconds ``client`` must wait before trying again, and whether that is a lockout.

        ``(0.0, False)`` means the attempt may go ahead; it is then counted as started.
        """
        now = self._clock()
        with self._lock:
            record = self._clients.setdefault(client, _Record())
            locked_until = max(record.locked_until_s, self._everyone.locked_until_s)
            if locked_until > now:
                return locked_until - now, True
            if now - record.last_try_s < self.min_interval_s:
                return self.min_interval_s - (now - record.last_try_s), False
            record.last_try_s = now
            self._prune(now)
            return 0.0, False

    def failed(self, client: str) -> float:
        """Count a wrong PIN from ``client``; return the lockout it caused in seconds (or 0)."""
        now = self._clock()
        with self._lock:
            record = self._clients.setdefault(client, _Record())
            record.failures += 1
            self._everyone.failures += 1
            locked_s = 0.0
            if record.failures >= self.max_failures:
                locked_s = min(self.lockout_s * 2 ** record.lockouts, self.max_lockout_s)
                record.locked_until_s = now + locked_s
                record.lockouts += 1
                record.failures = 0
            if self._everyone.failures >= self.global_failures:
                # Doubling like a client's, so guessing spread over many addresses slows down
                # too (20 guesses per 1, 2, 4 … 15 minutes instead of per minute).
                everyone_s = min(self.lockout_s * 2 ** self._everyone.lockouts,
                                 self.max_lockout_s)
                self._everyone.locked_until_s = now + everyone_s
                self._everyone.lockouts += 1
                self._everyone.failures = 0
                locked_s = max(locked_s, everyone_s)
            return locked_s

    def succeeded(self, client: str) -> None:
        """Forget ``client``'s wrong PINs after a correct one."""
        with self._lock:
            self._clients.pop(client, None)
            self._everyone.failures = 0
            self._everyone.lockouts = 0

    def _prune(self, now: float) -> None:
        # Bound memory: forget clients whose lockouts have long expired.
        if len(self._clients) > 1000:
            stale = [k for k, r in self._clients.items()
                     if max(r.last_try_s, r.locked_until_s) + self.max_lockout_s < now]
            for key in stale:
                del self._clients[key]
